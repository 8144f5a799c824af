#include "flavor.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

static const struct {
	enum flavor flavor;
	const char *name;
	const char *display;
	const char *galera_display;   /* the flavor's Galera build */
	struct version default_version;
} flavor_table[] = {
	{ FLAVOR_UNKNOWN, "unknown", "unknown server", "unknown Galera server", { 0, 0, -1 } },
	{ FLAVOR_MYSQL, "mysql", "MySQL", "MySQL (Galera build)", { 8, 4, -1 } },
	{ FLAVOR_PERCONA, "percona", "Percona Server", "Percona XtraDB Cluster", { 8, 4, -1 } },
	{ FLAVOR_MARIADB, "mariadb", "MariaDB", "MariaDB Galera Cluster", { 10, 11, -1 } },
};

static const struct {
	const char *alias;
	enum flavor flavor;
} flavor_aliases[] = {
	{ "mariadb", FLAVOR_MARIADB },
	{ "mysql", FLAVOR_MYSQL },
	{ "percona", FLAVOR_PERCONA },
	{ "percona-server", FLAVOR_PERCONA },
	{ "ps", FLAVOR_PERCONA },
};

/* Names that fix the build too (--flavor pxc). */
static const struct {
	const char *name;
	enum flavor flavor;
	enum flavor_variant variant;
} flavor_build_aliases[] = {
	{ "pxc", FLAVOR_PERCONA, FLAVOR_VARIANT_GALERA },
	{ "percona-xtradb-cluster", FLAVOR_PERCONA, FLAVOR_VARIANT_GALERA },
	{ "mariadb-galera", FLAVOR_MARIADB, FLAVOR_VARIANT_GALERA },
	{ "mysql-wsrep", FLAVOR_MYSQL, FLAVOR_VARIANT_GALERA },
};

static const char *const flavor_variant_names[] = {
	[FLAVOR_VARIANT_PLAIN] = "plain",
	[FLAVOR_VARIANT_GALERA] = "galera",
};

const char *flavor_name(enum flavor f)
{
	return flavor_table[f].name;
}

const char *flavor_display(enum flavor f)
{
	return flavor_table[f].display;
}

const char *flavor_variant_name(enum flavor_variant v)
{
	return flavor_variant_names[v];
}

const char *flavor_build_display(enum flavor f, enum flavor_variant v)
{
	return v == FLAVOR_VARIANT_GALERA ? flavor_table[f].galera_display : flavor_table[f].display;
}

int flavor_parse(enum flavor *out, const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(flavor_aliases); i++) {
		if (!ascii_strcasecmp(s, flavor_aliases[i].alias)) {
			*out = flavor_aliases[i].flavor;
			return 0;
		}
	}
	return -1;
}

int flavor_parse_build(enum flavor *f, int *variant, const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(flavor_build_aliases); i++) {
		if (!ascii_strcasecmp(s, flavor_build_aliases[i].name)) {
			*f = flavor_build_aliases[i].flavor;
			*variant = (int)flavor_build_aliases[i].variant;
			return 0;
		}
	}
	if (flavor_parse(f, s))
		return -1;
	*variant = -1;
	return 0;
}

const char *flavor_build_names(void)
{
	return "mysql, percona, mariadb, pxc, mariadb-galera or mysql-wsrep";
}

int flavor_is_mysql_family(enum flavor f)
{
	return f == FLAVOR_MYSQL || f == FLAVOR_PERCONA;
}

static int parse_number(const char **p, int *out)
{
	const char *s = *p;
	long v = 0;
	if (*s < '0' || *s > '9')
		return -1;
	while (*s >= '0' && *s <= '9') {
		v = v * 10 + (*s - '0');
		if (v > 100000)
			return -1;
		s++;
	}
	*out = (int)v;
	*p = s;
	return 0;
}

int version_parse(struct version *out, const char *s)
{
	struct version v = { 0, 0, -1 };
	const char *p = s;
	if (parse_number(&p, &v.major) || *p != '.')
		return -1;
	p++;
	if (parse_number(&p, &v.minor))
		return -1;
	if (*p == '.') {
		p++;
		if (parse_number(&p, &v.patch))
			return -1;
	}
	if (*p && *p != '-' && *p != '+' && *p != ' ' && *p != '_')
		return -1;
	*out = v;
	return 0;
}

int version_cmp(const struct version *a, const struct version *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	if (a->minor != b->minor)
		return a->minor < b->minor ? -1 : 1;
	int pa = a->patch < 0 ? 0 : a->patch, pb = b->patch < 0 ? 0 : b->patch;
	if (pa != pb)
		return pa < pb ? -1 : 1;
	return 0;
}

/* Decimal digits of a non-negative int at p; returns the end. */
static char *version_digits(char *p, int n)
{
	char tmp[UTIL_DIGITS_MAX];
	const char *d = util_digits(tmp + sizeof(tmp), (unsigned)n);
	size_t len = (size_t)(tmp + sizeof(tmp) - d);
	memcpy(p, d, len);
	return p + len;
}

char *version_format(const struct version *v, char *buf, unsigned size)
{
	/* Without printf (issue 13: a dozen calls per target); snprintf's truncation. */
	if (v->major >= 0 && v->minor >= 0 && size > 0) {
		char tmp[40];
		char *p = version_digits(tmp, v->major);
		*p++ = '.';
		p = version_digits(p, v->minor);
		if (v->patch >= 0) {
			*p++ = '.';
			p = version_digits(p, v->patch);
		}
		size_t n = (size_t)(p - tmp);
		if (n >= size)
			n = size - 1;
		memcpy(buf, tmp, n);
		buf[n] = '\0';
		return buf;
	}
	if (v->patch >= 0)
		snprintf(buf, size, "%d.%d.%d", v->major, v->minor, v->patch);
	else
		snprintf(buf, size, "%d.%d", v->major, v->minor);
	return buf;
}

void version_set_unknown(struct version *v)
{
	v->major = 0;
	v->minor = 0;
	v->patch = -1;
}

int version_is_known(const struct version *v)
{
	return v->major != 0 || v->minor != 0;
}

void flavor_default_version(enum flavor f, struct version *out)
{
	*out = flavor_table[f].default_version;
}

/* ---- release series ------------------------------------------------------ */

/*
 * Every release series (major.minor) each flavor has had, GA or not, as
 * ranges of minors within one major. Sources (docs/variables.md, "Versions"):
 *   MySQL    release notes index https://dev.mysql.com/doc/relnotes/mysql/
 *            (3.23-5.1 in the 5.1 manual's change history; 8.1-8.3 and 9.0-9.6
 *            innovation series; 9.7.0 2026-04-21; from 2026 the series are
 *            named by year.month: 26.7.0 2026-07-28, 26.10.0 2026-10-20)
 *   Percona  https://docs.percona.com/percona-server/ release notes per
 *            series: 5.1, 5.5, 5.6, 5.7, 8.0, the 8.1-8.3 innovation
 *            releases, 8.4, and 9.7 (9.7.1-1, 2026-08-05); Percona XtraDB
 *            Cluster follows the same series
 *   MariaDB  https://mariadb.com/docs/release-notes/community-server/:
 *            5.1-5.3, 5.5, 10.0-10.11, 11.0-11.8, 12.0-12.3, and 13.0-13.2
 *            (13.2.1 pre-release, 2026-11)
 * A series not listed is one crashsafe does not know: --server-version
 * refuses it (a newer release needs a newer crashsafe).
 */
static const struct {
	enum flavor flavor;
	int major, minor_from, minor_to;
} flavor_series_table[] = {
	{ FLAVOR_MYSQL, 3, 23, 23 },
	{ FLAVOR_MYSQL, 4, 0, 1 },
	{ FLAVOR_MYSQL, 5, 0, 1 },
	{ FLAVOR_MYSQL, 5, 5, 7 },
	{ FLAVOR_MYSQL, 8, 0, 4 },
	{ FLAVOR_MYSQL, 9, 0, 7 },
	{ FLAVOR_MYSQL, 26, 7, 7 },
	{ FLAVOR_MYSQL, 26, 10, 10 },
	{ FLAVOR_PERCONA, 5, 1, 1 },
	{ FLAVOR_PERCONA, 5, 5, 7 },
	{ FLAVOR_PERCONA, 8, 0, 4 },
	{ FLAVOR_PERCONA, 9, 7, 7 },
	{ FLAVOR_MARIADB, 5, 1, 3 },
	{ FLAVOR_MARIADB, 5, 5, 5 },
	{ FLAVOR_MARIADB, 10, 0, 11 },
	{ FLAVOR_MARIADB, 11, 0, 8 },
	{ FLAVOR_MARIADB, 12, 0, 3 },
	{ FLAVOR_MARIADB, 13, 0, 2 },
};

int flavor_has_version(enum flavor f, const struct version *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(flavor_series_table); i++) {
		if (f != FLAVOR_UNKNOWN && flavor_series_table[i].flavor != f)
			continue;
		if (flavor_series_table[i].major == v->major && v->minor >= flavor_series_table[i].minor_from &&
		    v->minor <= flavor_series_table[i].minor_to)
			return 1;
	}
	return 0;
}

size_t flavor_series(enum flavor f, struct version *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(flavor_series_table); i++) {
		if (flavor_series_table[i].flavor != f)
			continue;
		for (int m = flavor_series_table[i].minor_from; m <= flavor_series_table[i].minor_to; m++) {
			if (n < max)
				out[n] = (struct version){ flavor_series_table[i].major, m, -1 };
			n++;
		}
	}
	return n;
}

enum flavor flavor_of_version(const struct version *v)
{
	int mysql = flavor_has_version(FLAVOR_MYSQL, v) || flavor_has_version(FLAVOR_PERCONA, v);
	int mariadb = flavor_has_version(FLAVOR_MARIADB, v);
	if (mysql == mariadb)
		return FLAVOR_UNKNOWN;
	return mariadb ? FLAVOR_MARIADB : FLAVOR_MYSQL;
}

const char *flavor_known_versions(enum flavor f)
{
	static char buf[256];
	size_t len = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(flavor_series_table) && len + 32 < sizeof(buf); i++) {
		if (flavor_series_table[i].flavor != f)
			continue;
		int n;
		if (flavor_series_table[i].minor_from == flavor_series_table[i].minor_to)
			n = snprintf(buf + len, sizeof(buf) - len, "%s%d.%d", len ? ", " : "",
				     flavor_series_table[i].major, flavor_series_table[i].minor_from);
		else
			n = snprintf(buf + len, sizeof(buf) - len, "%s%d.%d-%d.%d", len ? ", " : "",
				     flavor_series_table[i].major, flavor_series_table[i].minor_from,
				     flavor_series_table[i].major, flavor_series_table[i].minor_to);
		if (n < 0)
			break;
		len += (size_t)n;
	}
	return buf;
}

int flavor_check_version(enum flavor f, const struct version *v, char **why)
{
	char vbuf[32];
	if (flavor_has_version(f, v))
		return 0;
	version_format(v, vbuf, sizeof(vbuf));
	if (f == FLAVOR_UNKNOWN) {
		*why = xasprintf("no MySQL, Percona Server or MariaDB release has the version %s "
				 "(MySQL: %s; ", vbuf, flavor_known_versions(FLAVOR_MYSQL));
		char *more = xasprintf("%sPercona Server: %s; ", *why, flavor_known_versions(FLAVOR_PERCONA));
		free(*why);
		*why = xasprintf("%sMariaDB: %s)", more, flavor_known_versions(FLAVOR_MARIADB));
		free(more);
		return -1;
	}
	*why = xasprintf("%s never had release %d.%d (its series: %s)", flavor_display(f), v->major, v->minor,
			 flavor_known_versions(f));
	return -1;
}

/* ---- a server's own words -------------------------------------------------- */

static int contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; hay && *hay; hay++) {
		size_t i;
		for (i = 0; i < n && hay[i] && tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]); i++)
			;
		if (i == n)
			return 1;
	}
	return 0;
}

int flavor_detect_server(const char *version, const char *version_comment, enum flavor *f,
			 enum flavor_variant *v)
{
	enum flavor flavor;
	if (contains_ci(version, "mariadb") || contains_ci(version_comment, "mariadb"))
		flavor = FLAVOR_MARIADB;
	else if (contains_ci(version_comment, "percona"))
		flavor = FLAVOR_PERCONA;
	else if ((version && isdigit((unsigned char)version[0])) || contains_ci(version_comment, "mysql"))
		flavor = FLAVOR_MYSQL;
	else
		return -1;
	*f = flavor;
	*v = contains_ci(version_comment, "xtradb cluster") || contains_ci(version_comment, "wsrep")
		     ? FLAVOR_VARIANT_GALERA : FLAVOR_VARIANT_PLAIN;
	return 0;
}

int flavor_galera_configured(const char *wsrep_on, const char *wsrep_provider)
{
	if (wsrep_on && (!ascii_strcasecmp(wsrep_on, "ON") || !strcmp(wsrep_on, "1") || !ascii_strcasecmp(wsrep_on, "true")))
		return 1;
	return wsrep_provider && *wsrep_provider && ascii_strcasecmp(wsrep_provider, "none");
}
