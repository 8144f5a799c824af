/*
 * catalog.h - the variable catalog, loaded from rules/variables.ini (inih).
 *
 * One section per variable the rules use: its canonical name, every alias
 * (log_slave_updates / log_replica_updates ...), its type, its default per
 * flavor and version range, and the versions it appeared in and was removed
 * in, per flavor. The C code only interprets the file.
 */
#ifndef CRASHSAFE_CATALOG_H
#define CRASHSAFE_CATALOG_H

#include <stddef.h>

#include "diag.h"
#include "flavor.h"
#include "util.h"

enum catalog_type {
	CATALOG_STRING = 0,
	CATALOG_BOOL,      /* ON/OFF; the server takes on/off/true/false/1/0, any case */
	CATALOG_UINT,      /* unsigned, K/M/G/T/P/E suffixes (x1024^n) */
	CATALOG_ENUM,      /* one of enum_values, case-insensitive, a unique prefix or the ordinal */
};

/* A version range [from, to): to.major < 0 means open-ended. */
struct catalog_range {
	enum flavor flavor;      /* FLAVOR_MYSQL also covers Percona unless Percona has its own entry */
	struct version from, to;
	const char *value;       /* the default in this range (NULL: the variable does not exist there) */
};

struct catalog_var {
	const char *name;             /* canonical name, underscores */
	const char **aliases;         /* other names, underscores */
	size_t naliases;
	enum catalog_type type;
	const char **enum_values;
	size_t nenum;
	struct catalog_range *ranges; /* existence and defaults, per flavor and version */
	size_t nranges;
	int crash_safety;             /* a crash-safety setting: live runtime changes to it matter */
	int dynamic;                  /* settable with SET GLOBAL */
	const char *title;            /* one line for humans */
	const char *file;             /* where it is defined: variables.ini and its line */
	unsigned line;
};

struct catalog {
	struct catalog_var *vars;
	size_t n, cap;
	struct arena arena;
};

void catalog_init(struct catalog *c);
void catalog_release(struct catalog *c);

/*
 * Load path (an INI file) into c. Every problem goes to d with file:line;
 * returns 0, or -1 when the file is unreadable or has errors.
 */
int catalog_load(struct catalog *c, const char *path, struct diag_list *d);

/* The variable named name: canonical name or alias, '-' and '_' the same. NULL if none. */
const struct catalog_var *catalog_lookup(const struct catalog *c, const char *name);

/* Nonzero when v exists on this flavor and version. */
int catalog_exists(const struct catalog_var *v, enum flavor f, const struct version *ver);
/* The version v was removed in for this flavor (out set), or 0 when it was not removed. */
int catalog_removed_in(const struct catalog_var *v, enum flavor f, const struct version *ver,
		       struct version *out);
/* The default value on this flavor and version, or NULL when unknown or absent. */
const char *catalog_default(const struct catalog_var *v, enum flavor f, const struct version *ver);

/*
 * Normalise a value the way the server reads it: bools to "ON"/"OFF",
 * numbers with suffixes to decimal, enums to their canonical spelling.
 * Returns a heap string in *out and 0; or -1 with *why (static text) when
 * the server would not accept the value (then *out holds what the server
 * falls back to, or NULL when it refuses to start).
 */
int catalog_normalize(const struct catalog_var *v, const char *raw, char **out, const char **why);

#endif
