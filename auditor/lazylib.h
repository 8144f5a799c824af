/*
 * lazylib.h - the run-time libraries a command may not need, loaded when
 * first used (dlopen), not when the process starts.
 *
 * Why: the dynamic loader maps and relocates every library a binary is
 * linked with before main() runs. Connector/C pulls in OpenSSL, libxml2
 * pulls in ICU and libstdc++: linked directly, an empty main() took 3.0 ms
 * against 0.7 ms, most of `crashsafe check` on one file (issue 13;
 * docs/benchmarks.md). Only `live` needs Connector/C, only JUnit reports
 * need libxml2, only JSON reading (persisted variables, earlier reports)
 * needs jansson.
 *
 * How: the binary is not linked with those libraries. lazylib.c defines a
 * function of the same name and signature for every library function
 * crashsafe calls (a table per library); the first call of any of them
 * loads the library by its soname (found when building:
 * scripts/lazylib-sonames.sh) and resolves every function of the table at
 * once. Callers keep calling mysql_init(), xmlNewTextWriter(), json_loadb()
 * as before. A library function not in the table is a link error, so the
 * table cannot silently miss one: add a line there.
 *
 * A library that cannot be loaded (not installed, a function missing) is
 * reported once, "crashsafe: error: cannot load libmariadb.so.3 (needed
 * for live): REASON", and the process exits 2, as a missing library at
 * start-up would have stopped it before. Commands that know they need a
 * library call lazylib_load() first and report the failure their own way.
 *
 * Connector/C is loaded lazily only when it is MariaDB's (the function
 * table follows its mysql.h); another libmysqlclient is linked as before.
 * Thread-safe: loading happens once (pthread_once).
 */
#ifndef CRASHSAFE_LAZYLIB_H
#define CRASHSAFE_LAZYLIB_H

enum lazylib {
	LAZYLIB_MYSQL = 0,   /* Connector/C: live */
	LAZYLIB_XML,         /* libxml2: the JUnit writer */
	LAZYLIB_JANSSON,     /* jansson: JSON reading */
	LAZYLIB_COUNT,
};

/*
 * Load l and resolve its functions, once. Returns 0, or -1 with *why set
 * to a static message naming the library and the reason (dlerror()).
 */
int lazylib_load(enum lazylib l, const char **why);

/* The soname loaded for l ("libmariadb.so.3"), for messages. */
const char *lazylib_soname(enum lazylib l);

#endif
