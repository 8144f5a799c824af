/*
 * flavor.h - server flavors and versions.
 *
 * A target is audited for one flavor (MySQL, Percona Server, MariaDB) and one
 * version; both decide which option groups are read, which variables exist,
 * and which defaults apply.
 */
#ifndef CRASHSAFE_FLAVOR_H
#define CRASHSAFE_FLAVOR_H

enum flavor {
	FLAVOR_UNKNOWN = 0,
	FLAVOR_MYSQL,
	FLAVOR_PERCONA,
	FLAVOR_MARIADB,
};

struct version {
	int major, minor, patch;  /* patch is -1 when not given ("8.4") */
};

/* "mysql", "percona", "mariadb" ("unknown" for FLAVOR_UNKNOWN). */
const char *flavor_name(enum flavor f);
/* "MySQL", "Percona Server", "MariaDB". */
const char *flavor_display(enum flavor f);
/* Parse a flavor name (case-insensitive; "percona-server" and "ps" accepted). 0 or -1. */
int flavor_parse(enum flavor *out, const char *s);
/* MySQL and Percona Server share MySQL's option reader and defaults. */
int flavor_is_mysql_family(enum flavor f);

/*
 * Parse "X.Y" or "X.Y.Z", optionally followed by "-anything" ("10.11.6-MariaDB-log").
 * Returns 0, or -1 when s does not start with a version.
 */
int version_parse(struct version *out, const char *s);
/* Compare a and b; a missing patch compares as 0. Returns <0, 0, >0. */
int version_cmp(const struct version *a, const struct version *b);
/* Format as "X.Y" or "X.Y.Z" into buf (at least 32 bytes); returns buf. */
char *version_format(const struct version *v, char *buf, unsigned size);

/* The version audited when none is given: MySQL 8.4, Percona Server 8.4, MariaDB 10.11. */
void flavor_default_version(enum flavor f, struct version *out);
/* The flavor audited when none is given. */
#define FLAVOR_DEFAULT FLAVOR_MYSQL

#endif
