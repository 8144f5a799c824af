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
	enum flavor_variant variant; /* added: FLAVOR_VARIANT_GALERA for a default.FLAVOR.galera range */
	struct version from, to;
	const char *value;       /* the default in this range (NULL: the variable does not exist there) */
	int unknown;             /* added: the variable exists here but its default is unknown (value NULL) */
};

/* Added: one spelling a flavor accepts, limited to versions [from, to) (to.major < 0: open). */
struct catalog_name {
	enum flavor flavor;
	const char *name;
	struct version from, to;
};

/*
 * Added: per-flavor facts, indexed by enum flavor. Slot FLAVOR_UNKNOWN holds
 * the flavor-independent keys (min, max, bad_bool, dynamic); a Percona slot
 * that is not set falls back to the MySQL slot, which falls back to slot 0.
 */
struct catalog_flavor_info {
	int has_names;                /* names.FLAVOR given: only those spellings */
	int ignored;                  /* -1 unset; 1: option accepted and ignored */
	int dynamic;                  /* -1 unset */
	int bad_bool_ignore;          /* -1 unset; 1: an invalid boolean is ignored, not OFF */
	int has_min, has_max;
	unsigned long long min, max;
	int has_ranges;               /* default.FLAVOR given */
	int has_galera_ranges;        /* added: default.FLAVOR.galera given */
	int has_removed;
	struct version removed;
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
	/* added fields */
	struct catalog_name *names;   /* names.FLAVOR entries */
	size_t nnames;
	const char *bare;             /* what the bare option means; NULL: bool ON, else refused */
	struct catalog_flavor_info per[4];
};

/* Added: one name (canonical or alias, '-' written '_') of a variable, for the sorted index. */
struct catalog_index_entry {
	const char *name;
	size_t var;                   /* index into vars */
};

struct catalog {
	struct catalog_var *vars;
	size_t n, cap;
	struct arena arena;
	/* added: every name, sorted by strcmp, rebuilt by catalog_load() (heap; catalog_release frees) */
	struct catalog_index_entry *index;
	size_t nindex;
	/*
	 * Added (issue 13): vars and index are the compiled-in prebuilt tables
	 * (prebuilt.h), shared and never freed; set by catalog_load().
	 */
	int prebuilt;
};

void catalog_init(struct catalog *c);
void catalog_release(struct catalog *c);

/*
 * Load path (an INI file) into c. Every problem goes to d with file:line;
 * returns 0, or -1 when the file is unreadable or has errors. When c is
 * empty and the file's bytes are the built-in catalog's, c takes the
 * compiled-in variables (prebuilt.h): the same catalog, already built; the
 * variables' file is then path. A catalog loaded into one that holds the
 * prebuilt variables first gets its own copy of them.
 */
int catalog_load(struct catalog *c, const char *path, struct diag_list *d);

/*
 * Added (issue 13, inipack.h): read path as catalog_load() does, but hand
 * every call inih makes to the catalog's handler to fn instead of loading
 * (never the pack). Returns inih's result (0: read to the end), or -1 when
 * the file cannot be read.
 */
struct inipack_event;
int catalog_ini_record(const char *path, void (*fn)(void *ctx, const struct inipack_event *ev), void *ctx);

/* The variable named name: canonical name or alias, '-' and '_' the same. NULL if none. */
const struct catalog_var *catalog_lookup(const struct catalog *c, const char *name);

/*
 * Version arguments: a version without a patch ("8.0") means a current
 * release of that series, so it compares above every X.Y.Z.
 */
/* Nonzero when v exists on this flavor and version. */
int catalog_exists(const struct catalog_var *v, enum flavor f, const struct version *ver);
/* The version v was removed in for this flavor (out set), or 0 when it was not removed. */
int catalog_removed_in(const struct catalog_var *v, enum flavor f, const struct version *ver,
		       struct version *out);
/* The default value on this flavor and version, or NULL when unknown or absent. */
const char *catalog_default(const struct catalog_var *v, enum flavor f, const struct version *ver);

/*
 * Added: the same for one build of the flavor (flavor.h). A Galera build
 * takes the variable's default.FLAVOR.galera ranges when it has them
 * (Percona XtraDB Cluster: default.percona.galera, then
 * default.mysql.galera), else the plain build's. catalog_exists() and
 * catalog_default() are these with FLAVOR_VARIANT_PLAIN.
 */
int catalog_exists_build(const struct catalog_var *v, enum flavor f, enum flavor_variant b,
			 const struct version *ver);
const char *catalog_default_build(const struct catalog_var *v, enum flavor f, enum flavor_variant b,
				  const struct version *ver);
/* catalog_name_accepted() for one build. */
int catalog_name_accepted_build(const struct catalog_var *v, const char *name, enum flavor f,
				enum flavor_variant b, const struct version *ver);

/*
 * Normalise a value the way the server reads it: bools to "ON"/"OFF",
 * numbers with suffixes to decimal, enums to their canonical spelling.
 * Returns a heap string in *out and 0; or -1 with *why (static text) when
 * the server would not accept the value (then *out holds what the server
 * falls back to, or NULL when it refuses to start).
 */
int catalog_normalize(const struct catalog_var *v, const char *raw, char **out, const char **why);

/* ---- added: flavor-aware checks (catalog.c; docs/variables.md) ---- */

/* The outcome of giving the server a value. */
enum catalog_verdict {
	CATALOG_VALUE_OK = 0,     /* taken; *out is the normalised value */
	CATALOG_VALUE_FALLBACK,   /* warning; the server uses *out instead (OFF, clamped number...) */
	CATALOG_VALUE_IGNORED,    /* warning; the option is ignored, the previous value stays (*out NULL) */
	CATALOG_VALUE_REFUSED,    /* error; the server refuses to start (*out NULL) */
};

/*
 * Check raw (NULL: the option was given without a value) as flavor f reads
 * it. *out is a heap string or NULL; *why is static text for anything but
 * CATALOG_VALUE_OK (NULL then). FLAVOR_UNKNOWN reads as MySQL.
 * catalog_normalize() is this with FLAVOR_UNKNOWN: OK gives 0, FALLBACK -1
 * with *out set, IGNORED and REFUSED -1 with *out NULL.
 */
enum catalog_verdict catalog_check_value(const struct catalog_var *v, enum flavor f, const char *raw,
					 char **out, const char **why);

/*
 * Added: nonzero when a and b are the same value as flavor f reads them for
 * v (each normalised when f takes it as it is: ON = 1 = on), else compared
 * as text, ASCII case-insensitively. v may be NULL (text only). For the live
 * comparisons with an option file and with persisted values.
 */
int catalog_values_equal(const struct catalog_var *v, enum flavor f, const char *a, const char *b);

/* Nonzero when flavor f at version ver accepts the spelling name for v ('-' = '_'). */
int catalog_name_accepted(const struct catalog_var *v, const char *name, enum flavor f,
			  const struct version *ver);
/* Nonzero when flavor f accepts v's option and ignores it (MariaDB's MySQL-compat options). */
int catalog_ignored(const struct catalog_var *v, enum flavor f);
/* Nonzero when v is settable with SET GLOBAL on flavor f. */
int catalog_dynamic(const struct catalog_var *v, enum flavor f);
/* The version v appeared in on flavor f (out set) and 1, or 0 when f never has it. */
int catalog_introduced_in(const struct catalog_var *v, enum flavor f, struct version *out);
/* "bool", "uint", "enum", "string". */
const char *catalog_type_name(enum catalog_type t);

/*
 * MariaDB prefix abbreviation, resolved against the catalog only: the
 * variables one of whose names (canonical or alias) starts with prefix.
 * Returns the number of distinct variables; when it is 1, *out and *name
 * (the full spelling matched) are set.
 */
size_t catalog_prefix_lookup(const struct catalog *c, const char *prefix,
			     const struct catalog_var **out, const char **name);

#endif
