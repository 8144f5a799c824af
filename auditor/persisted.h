/*
 * persisted.h - persisted system variables: DATADIR/mysqld-auto.cnf, the
 * JSON file MySQL 8.0+ (and Percona Server 8.0+) writes for SET PERSIST and
 * SET PERSIST_ONLY and applies at startup after the option files and the
 * command line, unless persisted_globals_load=OFF. MariaDB has no such file.
 *
 * The format, from sql/persisted_variable.cc (Persisted_variables_cache::
 * read_persist_file, extract_variables_from_json, read_persist_file_v2):
 *
 *   Version 1 (the first 8.0 releases):
 *     { "Version": 1,
 *       "mysql_server": { "NAME": { "Value": "V", "Metadata": { "Timestamp": N,
 *                                   "User": "u", "Host": "h" } }, ...,
 *                         "mysql_server_static_options": { "NAME": {...}, ... } } }
 *     entries of mysql_server are dynamic (SET PERSIST), those of
 *     mysql_server_static_options read-only (SET PERSIST_ONLY); a Value is a
 *     string or null; anything else in an entry makes the file unreadable.
 *   Version 2 (later 8.0 releases and 8.4; 8.0.29 per mysql-facts.md C6, ⚠ not pinned here):
 *     { "Version": 2,
 *       "mysql_dynamic_parse_early_variables": { "NAME": { "Value": ..., "Metadata": ... } },
 *       "mysql_dynamic_variables": {...}, "mysql_static_parse_early_variables": {...},
 *       "mysql_static_variables": {...},
 *       "mysql_sensitive_variables": { encrypted: "mysql_sensitive_variables_blob", ... } }
 *     a section that is not an object makes the file unreadable; an entry
 *     whose Value is not a string is skipped; the sensitive section is
 *     encrypted with a keyring key, so its values are unknowable offline.
 *
 * The server refuses to start (mysqld_main: load_persist_file() fails) when
 * the file is not JSON, has no integer "Version", a Version other than 1
 * and 2, or (Version 1) no "mysql_server" object. When
 * mysqld-auto.cnf.backup exists and reads, the server uses it instead
 * (8.0.29+). A world-writable file is skipped (check_file_permissions).
 *
 * Order at startup (append_parse_early_variables, append_read_only_variables,
 * set_persisted_options): parse-early variables, then static ones as
 * command-line options after the real command line, then dynamic ones with
 * SET GLOBAL; each category by Timestamp. So a persisted value wins over
 * every option file, and a dynamic one over a static one.
 *
 * The parser works on a memory buffer (persisted_parse()), so a fuzz target
 * is a few lines. All strings live in the result's arena.
 */
#ifndef CRASHSAFE_PERSISTED_H
#define CRASHSAFE_PERSISTED_H

#include <stddef.h>

#include "catalog.h"
#include "diag.h"
#include "settings.h"
#include "util.h"

/* The section an entry comes from, in the order the server applies them. */
enum persisted_section {
	PERSISTED_STATIC_PARSE_EARLY = 0,   /* v2 mysql_static_parse_early_variables; v1 static options */
	PERSISTED_DYNAMIC_PARSE_EARLY,      /* v2 mysql_dynamic_parse_early_variables */
	PERSISTED_STATIC,                   /* v2 mysql_static_variables (SET PERSIST_ONLY) */
	PERSISTED_DYNAMIC,                  /* v2 mysql_dynamic_variables; v1 mysql_server (SET PERSIST) */
};

struct persisted_var {
	const char *name;            /* lowercase, as written */
	const char *value;           /* "" for a JSON null (is_null set) */
	int is_null;
	enum persisted_section section;
	unsigned long long timestamp;   /* microseconds since the epoch; 0 when not given */
	const char *user, *host;     /* who persisted it, or NULL */
	unsigned line;               /* 1-based line of its name in the file */
};

struct persisted {
	const char *path;            /* as given */
	int version;                 /* 1 or 2; 0 when unreadable */
	struct persisted_var *vars;  /* in the order the server applies them */
	size_t n, cap;
	int sensitive;               /* an encrypted mysql_sensitive_variables section is present */
	/* Non-NULL: the server refuses to start with this file, and why (one line). */
	const char *refused;
	struct diag_list diags;      /* every problem, with path:line */
	struct arena arena;
};

void persisted_init(struct persisted *p);
void persisted_release(struct persisted *p);

/*
 * Parse len bytes of buf (need not be NUL-terminated; may hold NUL bytes)
 * as a mysqld-auto.cnf named path (for messages), the way the server reads
 * it: fgets() pieces of at most 4094 bytes, each appended up to its first
 * NUL byte, then parsed as JSON. Fills p; problems go to
 * p->diags. Returns 0, or -1 when the server would refuse the file
 * (p->refused set).
 */
int persisted_parse(struct persisted *p, const char *buf, size_t len, const char *path);

/* The outcome of persisted_load(). */
enum persisted_status {
	PERSISTED_LOADED = 0,        /* read and parsed (see p->refused for a file the server refuses) */
	PERSISTED_NONE,              /* no file: nothing persisted */
	PERSISTED_SKIPPED,           /* world-writable: the server skips it (a warning in p->diags) */
	PERSISTED_UNREADABLE,        /* not readable, not a regular file, or larger than the limit (p->diags) */
};

/*
 * Read DIR/mysqld-auto.cnf (DIR/mysqld-auto.cnf.backup first when it
 * exists and parses, as the server does) through fileio (bounded, regular
 * files only) and parse it. dir is a path on this machine. p->path is the
 * file used.
 */
enum persisted_status persisted_load(struct persisted *p, const char *dir);

/* Nonzero when s's flavor and version have persisted variables: MySQL and Percona Server 8.0+. */
int persisted_applies(const struct settings *s);

/*
 * Apply p to s after the option files, as the server does: every
 * persisted variable the catalog knows gets its value with the persisted
 * file as origin (SETTINGS_SRC_FILE, file p->path, its line, detail "SET
 * PERSIST" / "SET PERSIST_ONLY"), so the option files' value moves to the
 * overridden list. Not applied, with a note in s->build_diags, when s's
 * flavor has no persisted variables (MariaDB, MySQL before 8.0) or when
 * persisted_globals_load is OFF in s. A file the server refuses sets the
 * option_file_errors fact. Returns the number of variables applied.
 */
size_t persisted_apply(struct settings *s, const struct persisted *p, const struct catalog *c);

/*
 * Live: the server's persisted values (performance_schema.persisted_variables
 * rows, names[i] and values[i]) against its running values in s (already
 * collected). Sets the fact "persisted_drift": "" when every persisted
 * crash-safety variable runs with its persisted value, else one entry per
 * variable that differs: "relay_log_recovery: running ON, persisted OFF:
 * the next restart uses OFF" (with persisted_globals_load=OFF: "... the next
 * restart ignores the persisted value"). Values are compared as the catalog
 * reads them (ON = 1 = on). n may be 0.
 */
void persisted_live_drift(struct settings *s, const char *const *names, const char *const *values, size_t n,
			  const struct catalog *c);

#define PERSISTED_FACT_DRIFT "persisted_drift"

#endif
