#include "flavor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

static const struct {
	enum flavor flavor;
	const char *name;
	const char *display;
	struct version default_version;
} flavor_table[] = {
	{ FLAVOR_UNKNOWN, "unknown", "unknown server", { 0, 0, -1 } },
	{ FLAVOR_MYSQL, "mysql", "MySQL", { 8, 4, -1 } },
	{ FLAVOR_PERCONA, "percona", "Percona Server", { 8, 4, -1 } },
	{ FLAVOR_MARIADB, "mariadb", "MariaDB", { 10, 11, -1 } },
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

const char *flavor_name(enum flavor f)
{
	return flavor_table[f].name;
}

const char *flavor_display(enum flavor f)
{
	return flavor_table[f].display;
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

char *version_format(const struct version *v, char *buf, unsigned size)
{
	if (v->patch >= 0)
		snprintf(buf, size, "%d.%d.%d", v->major, v->minor, v->patch);
	else
		snprintf(buf, size, "%d.%d", v->major, v->minor);
	return buf;
}

void flavor_default_version(enum flavor f, struct version *out)
{
	*out = flavor_table[f].default_version;
}
