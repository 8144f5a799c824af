/*
 * flavor.h - server flavors, builds and versions.
 *
 * A target is audited for one flavor (MySQL, Percona Server, MariaDB), one
 * build of it (the vendor's plain server, or its Galera/wsrep build:
 * Percona XtraDB Cluster, MariaDB Galera Cluster, Codership's MySQL-wsrep)
 * and one version; together they decide which option groups are read,
 * which variables exist, and which defaults apply.
 *
 * The release series each flavor has had are a table in flavor.c, with the
 * release-notes index each row comes from (docs/variables.md, "Versions").
 */
#ifndef CRASHSAFE_FLAVOR_H
#define CRASHSAFE_FLAVOR_H

#include <stddef.h>

enum flavor {
	FLAVOR_UNKNOWN = 0,
	FLAVOR_MYSQL,
	FLAVOR_PERCONA,
	FLAVOR_MARIADB,
};

/*
 * The build of a flavor. Galera builds differ from the plain ones in the
 * variables they have (wsrep_*, pxc_*) and in defaults: in Percona XtraDB
 * Cluster and MySQL-wsrep wsrep_on is ON unless set (PXC manual, "Index of
 * wsrep system variables"); in MariaDB it is OFF in every build since 10.1
 * (MariaDB KB wsrep_on; `mariadbd --verbose --help` 10.11 with galera-4
 * prints wsrep-on FALSE with and without wsrep_provider). MariaDB's packages
 * are all built with wsrep, so for MariaDB the Galera build means "Galera
 * configured": it changes no default.
 */
enum flavor_variant {
	FLAVOR_VARIANT_PLAIN = 0,
	FLAVOR_VARIANT_GALERA,
};
#define FLAVOR_NVARIANTS 2

struct version {
	int major, minor, patch;  /* patch is -1 when not given ("8.4") */
};

/* "mysql", "percona", "mariadb" ("unknown" for FLAVOR_UNKNOWN). */
const char *flavor_name(enum flavor f);
/* "MySQL", "Percona Server", "MariaDB" ("unknown server" for FLAVOR_UNKNOWN). */
const char *flavor_display(enum flavor f);
/*
 * Parse a flavor name (case-insensitive; "percona-server" and "ps" accepted).
 * Build names ("pxc") are not flavor names here: see flavor_parse_build().
 * Returns 0 or -1.
 */
int flavor_parse(enum flavor *out, const char *s);
/* MySQL and Percona Server share MySQL's option reader and defaults. */
int flavor_is_mysql_family(enum flavor f);

/* "plain", "galera". */
const char *flavor_variant_name(enum flavor_variant v);
/*
 * A flavor and build for humans: "MySQL", "Percona XtraDB Cluster",
 * "MariaDB Galera Cluster", "MySQL (Galera build)"...
 */
const char *flavor_build_display(enum flavor f, enum flavor_variant v);
/*
 * Parse what --flavor takes: a flavor name, or a build name that also fixes
 * the build: "pxc" / "percona-xtradb-cluster" (Percona, Galera),
 * "mariadb-galera" (MariaDB, Galera), "mysql-wsrep" (MySQL, Galera).
 * *variant is set to the build, or to -1 when s names only a flavor.
 * Returns 0, or -1 when s is neither.
 */
int flavor_parse_build(enum flavor *f, int *variant, const char *s);
/* The names flavor_parse_build() takes, for messages: "mysql, percona, ...". */
const char *flavor_build_names(void);

/*
 * Parse "X.Y" or "X.Y.Z", optionally followed by "-anything" ("10.11.6-MariaDB-log").
 * Returns 0, or -1 when s does not start with a version.
 */
int version_parse(struct version *out, const char *s);
/* Compare a and b; a missing patch compares as 0. Returns <0, 0, >0. */
int version_cmp(const struct version *a, const struct version *b);
/* Format as "X.Y" or "X.Y.Z" into buf (at least 32 bytes); returns buf. */
char *version_format(const struct version *v, char *buf, unsigned size);
/*
 * A version nobody learned is 0.0 (settings of a capture without a
 * `version` row): set one, test one.
 */
void version_set_unknown(struct version *v);
int version_is_known(const struct version *v);

/* The version audited when none is given: MySQL 8.4, Percona Server 8.4, MariaDB 10.11. */
void flavor_default_version(enum flavor f, struct version *out);
/* The flavor audited when none is given. */
#define FLAVOR_DEFAULT FLAVOR_MYSQL

/*
 * Nonzero when flavor f has had a release series v->major.v->minor (the
 * patch level is not checked). FLAVOR_UNKNOWN: when any flavor had it.
 */
int flavor_has_version(enum flavor f, const struct version *v);
/*
 * The flavor a version belongs to when exactly one flavor had its series
 * (10.11: MariaDB; 26.10: MySQL), else FLAVOR_UNKNOWN (8.0 is MySQL's and
 * Percona's; 5.5 all three). Percona Server counts with MySQL here: a series
 * only MySQL and Percona had gives FLAVOR_MYSQL.
 */
enum flavor flavor_of_version(const struct version *v);
/*
 * The series f has had, one version each (X.Y, patch -1: the newest of
 * the series), oldest first: up to max into out; returns how many there
 * are in all.
 */
size_t flavor_series(enum flavor f, struct version *out, size_t max);
/* The series f has had, for messages: "3.23, 4.0-4.1, 5.0-5.1, ..." (static buffer). */
const char *flavor_known_versions(enum flavor f);
/*
 * Validate a --server-version: 0 when flavor f had that series (f
 * FLAVOR_UNKNOWN: when any flavor had it), else -1 with *why, a heap
 * string the caller frees: "MySQL never had a 10.11 release (its series:
 * ...)". Exit status 2 (usage error) for the caller.
 */
int flavor_check_version(enum flavor f, const struct version *v, char **why);

/*
 * Flavor and build from what a server says about itself: its `version`
 * ("10.11.6-MariaDB-log") and `version_comment` ("Percona XtraDB Cluster
 * (GPL), Release rel29, ..., WSREP version 31.37"); either may be NULL.
 * mysql-facts.md D1: "MariaDB" in either is MariaDB; "Percona" in the
 * comment is Percona Server; otherwise a version, or a comment naming MySQL,
 * is MySQL. The build is Galera when the comment names XtraDB Cluster or
 * wsrep (a MariaDB server's Galera state is in its variables, not in these).
 * Returns 0 with *f and *v set, or -1 when neither string tells (then
 * nothing is set).
 */
int flavor_detect_server(const char *version, const char *version_comment, enum flavor *f,
			 enum flavor_variant *v);
/*
 * Nonzero when a server's wsrep_on and wsrep_provider values (either may be
 * NULL: not reported) say Galera is configured: wsrep_on true (ON, 1,
 * true), or a wsrep_provider other than none.
 */
int flavor_galera_configured(const char *wsrep_on, const char *wsrep_provider);

#endif
