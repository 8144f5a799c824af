/*
 * infer.h - which flavor, build and version a server's option files were
 * written for, inferred from the files themselves; and the decision that
 * combines it with what the user gave.
 *
 * Inference is the lowest layer. What a layer gives wins: today the
 * command line (--flavor, --server-version); issue 10 adds the project
 * file and annotations in the file (command line < project file <
 * annotation), merged into one struct flavor_choice before
 * infer_decide(). Inference fills only what no layer gave, and its
 * evidence is kept either way: the report says what decided the flavor,
 * and a warning says when a given flavor contradicts the files.
 *
 * Evidence, each with its file and line (docs/option-files.md, "Flavor
 * inference"):
 *   groups    [mariadb] [mariadbd] [mariadb-X.Y] [mariadbd-X.Y]
 *             [client-server] [galera]: only MariaDB's server reads them
 *             (load_default_groups in sql/mysqld.cc, mysql-facts.md C3);
 *             [mysqld-X.Y] with X.Y a series only MariaDB had (10.x-13.x)
 *             is MariaDB, one only MySQL had (8.x, 9.x, 26.x) MySQL or
 *             Percona; a versioned group is also a version hint
 *   options   a catalog option (any of its spellings) that only one side
 *             accepts, in any release of it: MariaDB (gtid_strict_mode,
 *             slave_parallel_threads) or MySQL/Percona (gtid_mode,
 *             super_read_only, log_replica_updates); prefixes of whole
 *             families: aria_ (MariaDB), mysqlx, group_replication_
 *             (MySQL/Percona); loose- options are not evidence (they
 *             are written not to matter)
 *   Galera    wsrep_* options (wsrep_provider, wsrep_cluster_address ...):
 *             a Galera build; pxc_* options: Percona XtraDB Cluster
 *
 * Group evidence is strong (the server ignores those groups otherwise);
 * option evidence is weak. When the two sides both have evidence, the
 * side with group evidence wins; when neither or both have it, the files
 * do not decide (flavor FLAVOR_UNKNOWN, conflict set).
 *
 * All strings live in the result's arena; infer_release() frees them.
 */
#ifndef CRASHSAFE_INFER_H
#define CRASHSAFE_INFER_H

#include <stddef.h>

#include "catalog.h"
#include "flavor.h"
#include "optfile.h"
#include "settings.h"

/* What one piece of evidence points to. */
enum infer_side {
	INFER_SIDE_NONE = 0,   /* says nothing about the flavor (wsrep_*: a Galera build of any) */
	INFER_SIDE_MARIADB,
	INFER_SIDE_MYSQL,      /* MySQL or Percona Server */
	INFER_SIDE_PERCONA,    /* Percona Server only (pxc_*) */
};

struct infer_evidence {
	const char *what;          /* "group [mariadb]", "option gtid_strict_mode" */
	const char *file;          /* as the reader names it; NULL for a capture row */
	unsigned line;
	enum infer_side side;
	int group;                 /* a group, not an option */
	int strong;                /* a group only one side reads */
	int galera;                /* points to a Galera build */
	int has_version;           /* a versioned group: version is its X.Y */
	struct version version;
};

struct infer_result {
	enum flavor flavor;        /* FLAVOR_UNKNOWN: the files do not decide */
	int mysql_family_only;     /* flavor is MYSQL only because evidence says "MySQL or Percona" */
	int variant;               /* FLAVOR_VARIANT_GALERA, or -1: nothing says Galera */
	int has_version;           /* exactly one versioned group series of the flavor */
	struct version version;
	int conflict;              /* evidence for both sides that groups do not settle */
	struct infer_evidence *items;   /* in file order */
	size_t n, cap;
	struct arena arena;
};

/*
 * Which flavors and builds accept each catalog name, computed once per
 * catalog (every release series of flavor.c, both builds) so inference
 * costs a lookup per option; and, for names rules/variables.ini does not
 * hold, which side the full option catalog (options.h, the servers' own
 * lists) has them on: present in some listed release of one side and
 * certainly absent (not "uncertain") from every listed release of the
 * other. Weak evidence: a side's releases without a list are not looked at.
 */
struct infer_options_memo;
struct infer_index {
	const struct catalog *catalog;
	unsigned char *masks;      /* per catalog index entry: INFER_MASK_* bits */
	/* option names looked up in the full option catalog (options.h), computed on first use */
	struct infer_options_memo *options;
};

void infer_index_init(struct infer_index *x, const struct catalog *c);
void infer_index_release(struct infer_index *x);

/*
 * Added (issue 13), what the index computes, for the build's prebuilt
 * tables (prebuilt.h: prebuilt_infer_masks, prebuilt_option_sides, written
 * by scripts/gen-inipack.c) and their test. The index takes a name's
 * answer from those tables when the catalog is the prebuilt one (masks) or
 * the name ('_' for '-') is exactly a row of the full option catalog
 * (sides), and computes it with these otherwise.
 * infer_catalog_mask(): every flavor and build (INFER_MASK_* bits of
 * infer.c) that accepts name, a spelling of v, in some release series.
 * infer_options_side(): the side the full option catalog puts key on.
 */
unsigned infer_catalog_mask(const struct catalog_var *v, const char *name);
enum infer_side infer_options_side(const char *key);

void infer_init(struct infer_result *r);
void infer_release(struct infer_result *r);

/*
 * Infer from the options of of, read with every group (optfile_groups_all()).
 * x may be NULL (no option evidence from the catalog; groups and prefixes
 * still count). Appends evidence to r and sets its conclusion.
 */
void infer_from_options(struct infer_result *r, const struct optfile *of, const struct infer_index *x);

/*
 * Infer from the variable names a capture reports (names[i], lines[i];
 * lines may be NULL), for a capture whose version rows do not say.
 */
void infer_from_names(struct infer_result *r, const char *const *names, const unsigned *lines, size_t n,
		      const char *file, const struct infer_index *x);

/* The evidence that decided r, for a report: "group [mariadb] at my.cnf:3; ..." (r's arena), or NULL. */
const char *infer_describe(struct infer_result *r, size_t max_items);

/* What the layers above inference gave for one target. */
struct flavor_choice {
	enum flavor flavor;        /* FLAVOR_UNKNOWN: no layer gave one */
	int variant;               /* enum flavor_variant, or -1: no layer gave one */
	int version_set;
	struct version version;
	const char *source;        /* the layer that gave them: "command-line" (static string) */
};

/*
 * Decide s->flavor, s->variant and s->version, with s->flavor_source and
 * s->flavor_evidence, from the given choice and the inference r (r may be
 * NULL: nothing inferred):
 *   flavor:  the choice's; else the one flavor that had the chosen
 *            version (10.11: MariaDB, 26.10: MySQL); else inferred; else
 *            FLAVOR_DEFAULT;
 *   build:   the choice's; else inferred; else plain;
 *   version: the choice's; else the inferred hint when the flavor had
 *            that series; else the flavor's default.
 * Warnings go to s->build_diags (always shown): the files point to
 * another flavor or build than the one given, their evidence conflicts,
 * or the inferred flavor never had the given version.
 */
void infer_decide(struct settings *s, const struct flavor_choice *given, struct infer_result *r);
/*
 * Added (issue 13): what infer_decide(s, given, NULL) sets of s (flavor,
 * its source, build, version) without its evidence text and warnings:
 * before a target's files are read, which infer_decide() then decides
 * again with its text. s->flavor_evidence and s->build_diags are left as
 * they were.
 */
void infer_presume(struct settings *s, const struct flavor_choice *given);

/*
 * For a capture whose rows name no flavor (s->flavor FLAVOR_UNKNOWN after
 * snapshot_load()): the one flavor that had the given version, else the
 * flavor its variable names point to (infer_from_names()), else it stays
 * unknown. Updates s->flavor_source and s->flavor_evidence.
 */
void infer_capture(struct settings *s, const struct flavor_choice *given, struct infer_index *x);

/*
 * After infer_decide(): a warning in s->build_diags for every server group
 * in of (read with every group) that the target does not read (g), once
 * per group: "group [mariadb] at my.cnf:7 is not read by MySQL 8.4: 3
 * options in it are not audited". Client groups ([client], [mysql] ...)
 * are not server groups and are never mentioned.
 */
void infer_unread_groups(struct settings *s, const struct optfile *of, const struct optfile_groups *g);

#endif
