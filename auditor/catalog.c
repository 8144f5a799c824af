/*
 * catalog.c - interpret rules/variables.ini (see the comment at the top of
 * that file and docs/variables.md for the key syntax).
 *
 * Loading is two passes: inih calls catalog_ini_key() for every key, which
 * records what it can at once; catalog_finish() then turns each flavor's
 * default list and removal version into closed version ranges and checks
 * the entry as a whole (an enum needs values, a default must be a value the
 * server accepts, ranges must ascend).
 */
#include "catalog.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "fileio.h"
#include "inipack.h"
#include "prebuilt.h"

#include "banned.h"

static const char *const catalog_type_names[] = {
	[CATALOG_STRING] = "string",
	[CATALOG_BOOL] = "bool",
	[CATALOG_UINT] = "uint",
	[CATALOG_ENUM] = "enum",
};

const char *catalog_type_name(enum catalog_type t)
{
	return catalog_type_names[t];
}

void catalog_init(struct catalog *c)
{
	memset(c, 0, sizeof(*c));
	arena_init(&c->arena);
}

/*
 * The path the prebuilt variables' file field points to, and how many
 * catalogs hold them (a second catalog from another path parses instead).
 */
static char *catalog_prebuilt_path;
static size_t catalog_prebuilt_users;

static void catalog_prebuilt_drop(void)
{
	if (--catalog_prebuilt_users == 0) {
		free(catalog_prebuilt_path);
		catalog_prebuilt_path = NULL;
	}
}

/* c (empty) takes the prebuilt variables read from path; 0, or -1 when it cannot (then parse). */
static int catalog_take_prebuilt(struct catalog *c, const char *path)
{
	if (!prebuilt_nvars || c->n || c->vars)
		return -1;
	if (catalog_prebuilt_users && strcmp(catalog_prebuilt_path, path))
		return -1;
	if (!catalog_prebuilt_users) {
		catalog_prebuilt_path = xstrdup(path);
		for (size_t i = 0; i < prebuilt_nvars; i++)
			prebuilt_vars[i].file = catalog_prebuilt_path;
	}
	catalog_prebuilt_users++;
	c->vars = prebuilt_vars;
	c->n = c->cap = prebuilt_nvars;
	c->index = prebuilt_index;
	c->nindex = prebuilt_nindex;
	c->prebuilt = 1;
	return 0;
}

/* c's own heap copy of the prebuilt variables (before loading more into it). */
static void catalog_unshare(struct catalog *c)
{
	struct catalog_var *vars = xmalloc(c->n * sizeof(*vars));
	memcpy(vars, c->vars, c->n * sizeof(*vars));
	for (size_t i = 0; i < c->n; i++) {
		struct catalog_var *v = &vars[i];
		struct catalog_range *r = v->nranges ? xmalloc(v->nranges * sizeof(*r)) : NULL;
		struct catalog_name *nm = v->nnames ? xmalloc(v->nnames * sizeof(*nm)) : NULL;
		if (r)
			memcpy(r, v->ranges, v->nranges * sizeof(*r));
		if (nm)
			memcpy(nm, v->names, v->nnames * sizeof(*nm));
		v->ranges = r;
		v->names = nm;
		v->file = arena_strdup(&c->arena, v->file);
	}
	c->vars = vars;
	c->index = NULL;   /* catalog_load() builds it again */
	c->nindex = 0;
	c->prebuilt = 0;
	catalog_prebuilt_drop();
}

void catalog_release(struct catalog *c)
{
	if (c->prebuilt) {
		catalog_prebuilt_drop();
		arena_release(&c->arena);
		memset(c, 0, sizeof(*c));
		return;
	}
	for (size_t i = 0; i < c->n; i++) {
		free(c->vars[i].ranges);
		free(c->vars[i].names);
	}
	free(c->vars);
	free(c->index);
	arena_release(&c->arena);
	memset(c, 0, sizeof(*c));
}

/* ---- small helpers ------------------------------------------------------ */

static int version_open(const struct version *v)
{
	return v->major < 0;
}

/*
 * A target version without a patch ("8.0") means a current release of that
 * series, not X.Y.0: "8.0" must get the 8.0 defaults that changed in 8.0.3
 * or 8.0.27. So a missing patch compares as the highest patch.
 */
#define CATALOG_LATEST_PATCH 100000

static int version_in(const struct version *target, const struct version *from, const struct version *to)
{
	struct version ver = *target;
	if (ver.patch < 0)
		ver.patch = CATALOG_LATEST_PATCH;
	if (version_cmp(&ver, from) < 0)
		return 0;
	return version_open(to) || version_cmp(&ver, to) < 0;
}

/* Percona falls back to MySQL; unknown reads as MySQL. */
static enum flavor catalog_base_flavor(enum flavor f)
{
	return f == FLAVOR_MARIADB ? FLAVOR_MARIADB : FLAVOR_MYSQL;
}

/* The flavor whose ranges apply to f. */
static enum flavor catalog_range_flavor(const struct catalog_var *v, enum flavor f)
{
	if (f == FLAVOR_PERCONA && v->per[FLAVOR_PERCONA].has_ranges)
		return FLAVOR_PERCONA;
	return catalog_base_flavor(f);
}

/* A per-flavor int: f's slot, then MySQL's for Percona, then slot 0; -1 when unset. */
/* The per-flavor slots to consult, most specific first: Percona, then MySQL (or f), then slot 0. */
static size_t catalog_flavor_chain(enum flavor f, enum flavor chain[3])
{
	size_t n = 0;
	if (f == FLAVOR_PERCONA)
		chain[n++] = FLAVOR_PERCONA;
	chain[n++] = catalog_base_flavor(f);
	chain[n++] = FLAVOR_UNKNOWN;
	return n;
}

static int catalog_flag(const struct catalog_var *v, enum flavor f, size_t offset)
{
	enum flavor chain[3];
	size_t n = catalog_flavor_chain(f, chain);
	for (size_t i = 0; i < n; i++) {
		const char *slot = (const char *)&v->per[chain[i]];
		int val;
		memcpy(&val, slot + offset, sizeof(val));
		if (val >= 0)
			return val;
	}
	return -1;
}

static const struct catalog_flavor_info *catalog_limits(const struct catalog_var *v, enum flavor f,
							int want_max)
{
	enum flavor chain[3];
	size_t n = catalog_flavor_chain(f, chain);
	for (size_t i = 0; i < n; i++) {
		const struct catalog_flavor_info *p = &v->per[chain[i]];
		if (want_max ? p->has_max : p->has_min)
			return p;
	}
	return NULL;
}

/*
 * The flavor and build whose ranges apply: for a Galera build, the
 * flavor's own default.FLAVOR.galera ranges, then (Percona) MySQL's; else
 * the plain chain.
 */
static enum flavor catalog_range_build(const struct catalog_var *v, enum flavor f, enum flavor_variant b,
				       enum flavor_variant *rb)
{
	*rb = FLAVOR_VARIANT_PLAIN;
	if (b == FLAVOR_VARIANT_GALERA) {
		enum flavor base = catalog_base_flavor(f);
		*rb = FLAVOR_VARIANT_GALERA;
		if (f == FLAVOR_PERCONA && v->per[FLAVOR_PERCONA].has_galera_ranges)
			return FLAVOR_PERCONA;
		if (v->per[base].has_galera_ranges)
			return base;
		*rb = FLAVOR_VARIANT_PLAIN;
	}
	return catalog_range_flavor(v, f);
}

static const struct catalog_range *catalog_range_at(const struct catalog_var *v, enum flavor f,
						    enum flavor_variant b, const struct version *ver)
{
	enum flavor_variant rb;
	enum flavor rf = catalog_range_build(v, f, b, &rb);
	for (size_t i = 0; i < v->nranges; i++) {
		const struct catalog_range *r = &v->ranges[i];
		if (r->flavor == rf && r->variant == rb && version_in(ver, &r->from, &r->to))
			return r;
	}
	return NULL;
}

/* ---- queries -------------------------------------------------------------- */

static int catalog_var_has_name(const struct catalog_var *v, const char *name)
{
	if (!optname_cmp(v->name, name))
		return 1;
	for (size_t i = 0; i < v->naliases; i++)
		if (!optname_cmp(v->aliases[i], name))
			return 1;
	return 0;
}

/*
 * The index: every canonical name and alias (already '_' only), sorted by
 * strcmp, so that an exact name is a binary search and the names starting
 * with a prefix are one contiguous run.
 */
static int index_cmp(const void *a, const void *b)
{
	const struct catalog_index_entry *x = a, *y = b;
	return strcmp(x->name, y->name);
}

static void catalog_index_build(struct catalog *c)
{
	size_t n = 0;
	for (size_t i = 0; i < c->n; i++)
		n += 1 + c->vars[i].naliases;
	free(c->index);
	c->index = xmalloc((n ? n : 1) * sizeof(*c->index));
	c->nindex = 0;
	for (size_t i = 0; i < c->n; i++) {
		const struct catalog_var *v = &c->vars[i];
		c->index[c->nindex++] = (struct catalog_index_entry){ v->name, i };
		for (size_t k = 0; k < v->naliases; k++)
			c->index[c->nindex++] = (struct catalog_index_entry){ v->aliases[k], i };
	}
	if (c->nindex)
		qsort(c->index, c->nindex, sizeof(*c->index), index_cmp);
}

/* name with '-' as '_' into buf; 0, or -1 when it does not fit (no catalog name is that long). */
static int index_key(char *buf, size_t size, const char *name)
{
	size_t i;
	for (i = 0; name[i]; i++) {
		if (i + 1 >= size)
			return -1;
		buf[i] = name[i] == '-' ? '_' : name[i];
	}
	buf[i] = '\0';
	return 0;
}

/* The first index entry not below key. */
static size_t index_lower_bound(const struct catalog *c, const char *key)
{
	size_t lo = 0, hi = c->nindex;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		/* the first bytes first: most entries differ there (issue 13) */
		const unsigned char *a = (const unsigned char *)c->index[mid].name, *b = (const unsigned char *)key;
		if (a[0] != b[0] ? a[0] < b[0] : strcmp((const char *)a, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const struct catalog_var *catalog_lookup(const struct catalog *c, const char *name)
{
	char buf[256];
	const char *key = name;   /* a name without '-' is its own key (no catalog name is 256 bytes long) */
	if (strchr(name, '-')) {
		if (index_key(buf, sizeof(buf), name))
			return NULL;
		key = buf;
	}
	size_t i = index_lower_bound(c, key);
	if (i < c->nindex && !strcmp(c->index[i].name, key))
		return &c->vars[c->index[i].var];
	return NULL;
}

size_t catalog_prefix_lookup(const struct catalog *c, const char *prefix,
			     const struct catalog_var **out, const char **name)
{
	char key[256];
	size_t found = 0, last_var = (size_t)-1;
	if (index_key(key, sizeof(key), prefix))
		return 0;
	size_t len = strlen(key);
	for (size_t i = index_lower_bound(c, key); i < c->nindex; i++) {
		if (strncmp(c->index[i].name, key, len))
			break;
		/* a variable reached through two of its names counts once */
		int seen = 0;
		for (size_t k = index_lower_bound(c, key); k < i; k++)
			if (c->index[k].var == c->index[i].var)
				seen = 1;
		if (seen)
			continue;
		found++;
		last_var = c->index[i].var;
		*out = &c->vars[last_var];
		*name = c->index[i].name;
	}
	return found;
}

int catalog_exists_build(const struct catalog_var *v, enum flavor f, enum flavor_variant b,
			 const struct version *ver)
{
	const struct catalog_range *r = catalog_range_at(v, f, b, ver);
	return r && (r->value || r->unknown);
}

int catalog_exists(const struct catalog_var *v, enum flavor f, const struct version *ver)
{
	return catalog_exists_build(v, f, FLAVOR_VARIANT_PLAIN, ver);
}

int catalog_removed_in(const struct catalog_var *v, enum flavor f, const struct version *ver,
		       struct version *out)
{
	enum flavor rf = catalog_range_flavor(v, f);
	const struct catalog_flavor_info *p = &v->per[rf];
	struct version target = *ver;
	if (target.patch < 0)
		target.patch = CATALOG_LATEST_PATCH;
	if (!p->has_removed || version_cmp(&target, &p->removed) < 0)
		return 0;
	*out = p->removed;
	return 1;
}

int catalog_introduced_in(const struct catalog_var *v, enum flavor f, struct version *out)
{
	enum flavor rf = catalog_range_flavor(v, f);
	for (size_t i = 0; i < v->nranges; i++) {
		if (v->ranges[i].flavor == rf && v->ranges[i].variant == FLAVOR_VARIANT_PLAIN) {
			*out = v->ranges[i].from;
			return 1;
		}
	}
	return 0;
}

const char *catalog_default_build(const struct catalog_var *v, enum flavor f, enum flavor_variant b,
				  const struct version *ver)
{
	const struct catalog_range *r = catalog_range_at(v, f, b, ver);
	return r ? r->value : NULL;
}

const char *catalog_default(const struct catalog_var *v, enum flavor f, const struct version *ver)
{
	return catalog_default_build(v, f, FLAVOR_VARIANT_PLAIN, ver);
}

int catalog_name_accepted(const struct catalog_var *v, const char *name, enum flavor f,
			  const struct version *ver)
{
	return catalog_name_accepted_build(v, name, f, FLAVOR_VARIANT_PLAIN, ver);
}

int catalog_name_accepted_build(const struct catalog_var *v, const char *name, enum flavor f,
				enum flavor_variant b, const struct version *ver)
{
	if (!catalog_var_has_name(v, name))
		return 0;
	enum flavor nf = FLAVOR_UNKNOWN;
	if (f == FLAVOR_PERCONA && v->per[FLAVOR_PERCONA].has_names)
		nf = FLAVOR_PERCONA;
	else if (v->per[catalog_base_flavor(f)].has_names)
		nf = catalog_base_flavor(f);
	if (nf == FLAVOR_UNKNOWN)
		return catalog_exists_build(v, f, b, ver);
	for (size_t i = 0; i < v->nnames; i++) {
		const struct catalog_name *n = &v->names[i];
		if (n->flavor == nf && !optname_cmp(n->name, name))
			return version_in(ver, &n->from, &n->to) && catalog_exists_build(v, f, b, ver);
	}
	return 0;
}

int catalog_ignored(const struct catalog_var *v, enum flavor f)
{
	return catalog_flag(v, f, offsetof(struct catalog_flavor_info, ignored)) == 1;
}

int catalog_dynamic(const struct catalog_var *v, enum flavor f)
{
	int d = catalog_flag(v, f, offsetof(struct catalog_flavor_info, dynamic));
	return d < 0 ? v->dynamic : d;
}

/* ---- values --------------------------------------------------------------- */

static enum catalog_verdict check_bool(const struct catalog_var *v, enum flavor f, const char *raw,
				       char **out, const char **why)
{
	static const char *const on[] = { "on", "true", "1" };
	static const char *const off[] = { "off", "false", "0" };
	if (!raw) {
		*out = xstrdup(v->bare ? v->bare : "ON");
		return CATALOG_VALUE_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(on); i++) {
		if (!ascii_strcasecmp(raw, on[i])) {
			*out = xstrdup("ON");
			return CATALOG_VALUE_OK;
		}
		if (!ascii_strcasecmp(raw, off[i])) {
			*out = xstrdup("OFF");
			return CATALOG_VALUE_OK;
		}
	}
	if (catalog_flag(v, f, offsetof(struct catalog_flavor_info, bad_bool_ignore)) == 1) {
		*why = "not a boolean (on/off, true/false, 1/0): the server warns and ignores the option";
		return CATALOG_VALUE_IGNORED;
	}
	*why = "not a boolean (on/off, true/false, 1/0): the server warns and sets OFF";
	*out = xstrdup("OFF");
	return CATALOG_VALUE_FALLBACK;
}

/* Clamp n into the catalog's range for f; sets *clamped when it moved. */
static unsigned long long clamp_uint(const struct catalog_var *v, enum flavor f, unsigned long long n,
				     int *clamped)
{
	const struct catalog_flavor_info *lo = catalog_limits(v, f, 0);
	const struct catalog_flavor_info *hi = catalog_limits(v, f, 1);
	if (lo && n < lo->min) {
		*clamped = 1;
		return lo->min;
	}
	if (hi && n > hi->max) {
		*clamped = 1;
		return hi->max;
	}
	return n;
}

static enum catalog_verdict check_uint(const struct catalog_var *v, enum flavor f, const char *raw,
				       char **out, const char **why)
{
	static const char suffixes[] = "KMGTPE";
	int mariadb = f == FLAVOR_MARIADB, clamped = 0;
	unsigned long long n = 0;
	const char *p = raw;

	if (!raw) {
		if (v->bare) {
			*out = xstrdup(v->bare);
			return CATALOG_VALUE_OK;
		}
		*why = "the option requires a value: the server refuses to start";
		return CATALOG_VALUE_REFUSED;
	}
	if (!*raw) {
		if (!mariadb) {
			*why = "empty value for a numeric option: the server refuses to start";
			return CATALOG_VALUE_REFUSED;
		}
		n = clamp_uint(v, f, 0, &clamped);
		*out = xasprintf("%llu", n);
		*why = "empty value: MariaDB reads it as 0";
		return CATALOG_VALUE_FALLBACK;
	}
	while (*p == ' ' || *p == '\t')
		p++;
	int negative = 0;
	if (*p == '-' || *p == '+')
		negative = *p++ == '-';
	while (*p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');
		if (n > (ULLONG_MAX - d) / 10) {
			*why = "number out of range: the server refuses to start";
			return CATALOG_VALUE_REFUSED;
		}
		n = n * 10 + d;
		p++;
	}
	if (*p) {
		const char *s = strchr(suffixes, toupper((unsigned char)*p));
		if (!s) {
			*why = "unknown suffix (only K, M, G, T, P, E): the server refuses to start";
			return CATALOG_VALUE_REFUSED;
		}
		for (ptrdiff_t k = 0; k <= s - suffixes; k++)
			n = n > ULLONG_MAX / 1024 ? ULLONG_MAX : n * 1024;
	}
	if (negative && n) {
		if (mariadb) {
			*why = "negative value for an unsigned option: the server refuses to start";
			return CATALOG_VALUE_REFUSED;
		}
		clamped = 0;
		n = clamp_uint(v, f, 0, &clamped);
		*out = xasprintf("%llu", n);
		*why = "negative value for an unsigned option: the server uses the minimum";
		return CATALOG_VALUE_FALLBACK;
	}
	n = clamp_uint(v, f, n, &clamped);
	*out = xasprintf("%llu", n);
	if (clamped) {
		*why = "out of range: the server adjusts it to the nearest limit";
		return CATALOG_VALUE_FALLBACK;
	}
	return CATALOG_VALUE_OK;
}

static int all_digits(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return 1;
}

static enum catalog_verdict check_enum(const struct catalog_var *v, enum flavor f, const char *raw,
				       char **out, const char **why)
{
	if (!raw) {
		if (v->bare) {
			*out = xstrdup(v->bare);
			return CATALOG_VALUE_OK;
		}
		*why = "the option requires a value: the server refuses to start";
		return CATALOG_VALUE_REFUSED;
	}
	if (!*raw) {
		if (f != FLAVOR_MARIADB || !v->nenum) {
			*why = "empty value for an enumerated option: the server refuses to start";
			return CATALOG_VALUE_REFUSED;
		}
		*out = xstrdup(v->enum_values[0]);
		*why = "empty value: MariaDB takes the first value of the list";
		return CATALOG_VALUE_FALLBACK;
	}
	size_t len = strlen(raw), hits = 0, hit = 0;
	for (size_t i = 0; i < v->nenum; i++) {
		if (!ascii_strcasecmp(raw, v->enum_values[i])) {
			*out = xstrdup(v->enum_values[i]);
			return CATALOG_VALUE_OK;
		}
		if (strlen(v->enum_values[i]) > len) {
			char *head = xstrndup(v->enum_values[i], len);
			if (!ascii_strcasecmp(raw, head)) {
				hits++;
				hit = i;
			}
			free(head);
		}
	}
	if (hits == 1) {
		*out = xstrdup(v->enum_values[hit]);
		return CATALOG_VALUE_OK;
	}
	if (hits > 1) {
		*why = "ambiguous abbreviation of a value: the server refuses to start";
		return CATALOG_VALUE_REFUSED;
	}
	if (all_digits(raw)) {
		errno = 0;
		unsigned long ord = strtoul(raw, NULL, 10);
		if (!errno && ord < v->nenum) {
			*out = xstrdup(v->enum_values[ord]);
			return CATALOG_VALUE_OK;
		}
	}
	*why = "not one of the allowed values: the server refuses to start";
	return CATALOG_VALUE_REFUSED;
}

enum catalog_verdict catalog_check_value(const struct catalog_var *v, enum flavor f, const char *raw,
					 char **out, const char **why)
{
	*out = NULL;
	*why = NULL;
	switch (v->type) {
	case CATALOG_BOOL:
		return check_bool(v, f, raw, out, why);
	case CATALOG_UINT:
		return check_uint(v, f, raw, out, why);
	case CATALOG_ENUM:
		return check_enum(v, f, raw, out, why);
	case CATALOG_STRING:
		break;
	}
	*out = xstrdup(raw ? raw : "");
	return CATALOG_VALUE_OK;
}

int catalog_values_equal(const struct catalog_var *v, enum flavor f, const char *a, const char *b)
{
	char *na = NULL, *nb = NULL;
	const char *why;
	if (v && catalog_check_value(v, f, a, &na, &why) == CATALOG_VALUE_OK && na)
		a = na;
	if (v && catalog_check_value(v, f, b, &nb, &why) == CATALOG_VALUE_OK && nb)
		b = nb;
	int eq = !ascii_strcasecmp(a, b);
	free(na);
	free(nb);
	return eq;
}

int catalog_normalize(const struct catalog_var *v, const char *raw, char **out, const char **why)
{
	enum catalog_verdict verdict = catalog_check_value(v, FLAVOR_UNKNOWN, raw, out, why);
	return verdict == CATALOG_VALUE_OK ? 0 : -1;
}

/* ---- loading -------------------------------------------------------------- */

struct catalog_loader {
	struct catalog *c;
	const char *path;
	struct diag_list *d;
	int errors;
	struct catalog_var *cur;   /* the section being read */
	char **seen;               /* keys of cur seen so far (a repeated key is an error) */
	size_t nseen, seen_cap;
	/* per variable, in parallel with c->vars: where each default.F[.galera] was given */
	unsigned *default_line;    /* CATALOG_LINE_SLOTS per variable: [variant * 4 + flavor] */
};

#define CATALOG_LINE_SLOTS (4 * FLAVOR_NVARIANTS)
#define CATALOG_LINE_SLOT(idx, f, b) ((idx) * CATALOG_LINE_SLOTS + (size_t)(b) * 4 + (size_t)(f))

static void load_error(struct catalog_loader *l, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void load_error(struct catalog_loader *l, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(l->d, DIAG_ERROR, l->path, line, "%s", msg);
	free(msg);
	l->errors++;
}

/* Split s on blanks into arena strings; returns the count, *out the array. */
static size_t split_words(struct arena *a, const char *s, const char ***out)
{
	size_t n = 0, cap = 0;
	const char **words = NULL;
	while (*s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		const char *start = s;
		while (*s && *s != ' ' && *s != '\t')
			s++;
		ARRAY_GROW(words, n + 1, cap);
		words[n++] = arena_strndup(a, start, (size_t)(s - start));
	}
	const char **copy = arena_alloc(a, (n ? n : 1) * sizeof(*copy));
	if (n)
		memcpy(copy, words, n * sizeof(*copy));
	free(words);
	*out = copy;
	return n;
}

/* Canonical form of a name: '-' becomes '_'. */
static char *name_canon(struct arena *a, const char *s)
{
	char *copy = arena_strdup(a, s);
	for (char *p = copy; *p; p++)
		if (*p == '-')
			*p = '_';
	return copy;
}

static int parse_yes_no(const char *s, int *out)
{
	if (!ascii_strcasecmp(s, "yes") || !ascii_strcasecmp(s, "1") || !ascii_strcasecmp(s, "true")) {
		*out = 1;
		return 0;
	}
	if (!ascii_strcasecmp(s, "no") || !ascii_strcasecmp(s, "0") || !ascii_strcasecmp(s, "false")) {
		*out = 0;
		return 0;
	}
	return -1;
}

static int parse_ull(const char *s, unsigned long long *out)
{
	if (!all_digits(s))
		return -1;
	errno = 0;
	*out = strtoull(s, NULL, 10);
	return errno ? -1 : 0;
}

static struct catalog_var *catalog_new_var(struct catalog_loader *l, const char *section, unsigned line)
{
	struct catalog *c = l->c;
	size_t old_cap = c->cap;
	ARRAY_GROW(c->vars, c->n + 1, c->cap);
	if (c->cap != old_cap) {
		l->default_line = xrealloc(l->default_line, c->cap * CATALOG_LINE_SLOTS * sizeof(unsigned));
	}
	struct catalog_var *v = &c->vars[c->n];
	memset(v, 0, sizeof(*v));
	memset(&l->default_line[c->n * CATALOG_LINE_SLOTS], 0, CATALOG_LINE_SLOTS * sizeof(unsigned));
	c->n++;
	v->name = name_canon(&c->arena, section);
	v->file = arena_strdup(&c->arena, l->path);
	v->line = line;
	v->type = CATALOG_STRING;
	for (size_t f = 0; f < ARRAY_SIZE(v->per); f++) {
		v->per[f].ignored = -1;
		v->per[f].dynamic = -1;
		v->per[f].bad_bool_ignore = -1;
	}
	v->dynamic = -1;
	return v;
}

/* Parse "VER:VALUE VER:VALUE ..." for flavor f, build b into v->ranges (to-versions set later). */
static void parse_defaults(struct catalog_loader *l, struct catalog_var *v, enum flavor f,
			   enum flavor_variant b, const char *value, unsigned line)
{
	const char **words;
	size_t n = split_words(&l->c->arena, value, &words);
	if (!n) {
		load_error(l, line, "empty default list in [%s]", v->name);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(words[i], ':');
		struct version from;
		char *ver = colon ? xstrndup(words[i], (size_t)(colon - words[i])) : NULL;
		if (!colon || version_parse(&from, ver) || strchr(ver, '-')) {
			load_error(l, line, "bad default '%s' in [%s]: expected VERSION:VALUE", words[i],
				   v->name);
			free(ver);
			continue;
		}
		free(ver);
		v->ranges = xrealloc(v->ranges, (v->nranges + 1) * sizeof(*v->ranges));
		struct catalog_range *r = &v->ranges[v->nranges++];
		memset(r, 0, sizeof(*r));
		r->flavor = f;
		r->variant = b;
		r->from = from;
		r->to.major = -1;
		r->to.minor = r->to.patch = -1;
		const char *val = colon + 1;
		if (!strcmp(val, "?")) {
			r->unknown = 1;
			r->value = NULL;
		} else if (!strcmp(val, "''")) {
			r->value = "";
		} else {
			r->value = val;
		}
	}
	if (b == FLAVOR_VARIANT_GALERA)
		v->per[f].has_galera_ranges = 1;
	else
		v->per[f].has_ranges = 1;
}

/* Parse "n1 n2@FROM n3@FROM-TO" for flavor f into v->names. */
static void parse_names(struct catalog_loader *l, struct catalog_var *v, enum flavor f,
			const char *value, unsigned line)
{
	const char **words;
	size_t n = split_words(&l->c->arena, value, &words);
	for (size_t i = 0; i < n; i++) {
		struct catalog_name nm;
		memset(&nm, 0, sizeof(nm));
		nm.flavor = f;
		nm.to.major = nm.to.minor = nm.to.patch = -1;
		const char *at = strchr(words[i], '@');
		if (at) {
			char *range = xstrdup(at + 1);
			char *dash = strchr(range, '-');
			if (dash)
				*dash = '\0';
			if (version_parse(&nm.from, range) || (dash && version_parse(&nm.to, dash + 1))) {
				load_error(l, line, "bad name '%s' in [%s]: expected NAME[@FROM[-TO]]",
					   words[i], v->name);
				free(range);
				continue;
			}
			free(range);
			nm.name = name_canon(&l->c->arena,
					     arena_strndup(&l->c->arena, words[i], (size_t)(at - words[i])));
		} else {
			nm.from.major = 0;
			nm.from.patch = -1;
			nm.name = name_canon(&l->c->arena, words[i]);
		}
		if (!catalog_var_has_name(v, nm.name)) {
			load_error(l, line, "name '%s' in [%s] is neither the variable nor an alias "
				   "(list aliases before names)", nm.name, v->name);
			continue;
		}
		v->names = xrealloc(v->names, (v->nnames + 1) * sizeof(*v->names));
		v->names[v->nnames++] = nm;
	}
	v->per[f].has_names = 1;
}

/*
 * Split "key.flavor" or "key.flavor.galera": returns 0 and sets *f
 * (FLAVOR_UNKNOWN without a suffix) and *b, or -1.
 */
static int split_key(const char *key, char *base, size_t size, enum flavor *f, enum flavor_variant *b)
{
	const char *dot = strchr(key, '.');
	size_t len = dot ? (size_t)(dot - key) : strlen(key);
	char flv[32];
	if (len >= size)
		return -1;
	memcpy(base, key, len);
	base[len] = '\0';
	*f = FLAVOR_UNKNOWN;
	*b = FLAVOR_VARIANT_PLAIN;
	if (!dot)
		return 0;
	const char *build = strchr(dot + 1, '.');
	size_t flen = build ? (size_t)(build - dot - 1) : strlen(dot + 1);
	if (flen >= sizeof(flv))
		return -1;
	memcpy(flv, dot + 1, flen);
	flv[flen] = '\0';
	if (flavor_parse(f, flv) || *f == FLAVOR_UNKNOWN)
		return -1;
	if (build) {
		if (strcmp(build + 1, flavor_variant_name(FLAVOR_VARIANT_GALERA)))
			return -1;
		*b = FLAVOR_VARIANT_GALERA;
	}
	return 0;
}

static void loader_forget_keys(struct catalog_loader *l)
{
	for (size_t i = 0; i < l->nseen; i++)
		free(l->seen[i]);
	l->nseen = 0;
}

static int catalog_ini_key(void *user, const char *section, const char *key, const char *value,
			   int lineno)
{
	struct catalog_loader *l = user;
	struct arena *a = &l->c->arena;
	unsigned line = (unsigned)lineno;
	char base[32];
	enum flavor f;
	enum flavor_variant b;

	if (!*section) {
		load_error(l, line, "key '%s' outside a [variable] section", key);
		return 1;
	}
	if (!l->cur || optname_cmp(l->cur->name, section)) {
		for (size_t i = 0; i < l->c->n; i++) {
			if (!optname_cmp(l->c->vars[i].name, section)) {
				load_error(l, line, "duplicate section [%s] (first at line %u)", section,
					   l->c->vars[i].line);
				l->cur = &l->c->vars[i];
				return 1;
			}
		}
		l->cur = catalog_new_var(l, section, line);
		loader_forget_keys(l);
	}
	struct catalog_var *v = l->cur;
	for (size_t i = 0; i < l->nseen; i++) {
		if (!strcmp(l->seen[i], key)) {
			load_error(l, line, "key '%s' given twice in [%s]", key, v->name);
			return 1;
		}
	}
	ARRAY_GROW(l->seen, l->nseen + 1, l->seen_cap);
	l->seen[l->nseen++] = xstrdup(key);
	size_t idx = (size_t)(v - l->c->vars);

	if (split_key(key, base, sizeof(base), &f, &b) || (b != FLAVOR_VARIANT_PLAIN && strcmp(base, "default"))) {
		load_error(l, line, "unknown key '%s' in [%s]", key, v->name);
		return 1;
	}
	int per_flavor_ok = 0, yn;
	if (!strcmp(base, "title") && f == FLAVOR_UNKNOWN) {
		v->title = arena_strdup(a, value);
	} else if (!strcmp(base, "type") && f == FLAVOR_UNKNOWN) {
		size_t t;
		for (t = 0; t < ARRAY_SIZE(catalog_type_names); t++)
			if (!strcmp(value, catalog_type_names[t]))
				break;
		if (t == ARRAY_SIZE(catalog_type_names))
			load_error(l, line, "unknown type '%s' in [%s]: expected bool, uint, enum or string",
				   value, v->name);
		else
			v->type = (enum catalog_type)t;
	} else if (!strcmp(base, "values") && f == FLAVOR_UNKNOWN) {
		v->nenum = split_words(a, value, &v->enum_values);
	} else if (!strcmp(base, "aliases") && f == FLAVOR_UNKNOWN) {
		v->naliases = split_words(a, value, &v->aliases);
		for (size_t i = 0; i < v->naliases; i++)
			v->aliases[i] = name_canon(a, v->aliases[i]);
	} else if (!strcmp(base, "bare") && f == FLAVOR_UNKNOWN) {
		v->bare = arena_strdup(a, value);
	} else if (!strcmp(base, "crash_safety") && f == FLAVOR_UNKNOWN) {
		if (parse_yes_no(value, &yn))
			load_error(l, line, "crash_safety must be yes or no in [%s]", v->name);
		else
			v->crash_safety = yn;
	} else if (!strcmp(base, "names") && f != FLAVOR_UNKNOWN) {
		parse_names(l, v, f, value, line);
	} else if (!strcmp(base, "default") && f != FLAVOR_UNKNOWN) {
		if (b == FLAVOR_VARIANT_GALERA ? v->per[f].has_galera_ranges : v->per[f].has_ranges)
			load_error(l, line, "second %s in [%s]", key, v->name);
		else
			parse_defaults(l, v, f, b, value, line);
		l->default_line[CATALOG_LINE_SLOT(idx, f, b)] = line;
	} else if (!strcmp(base, "removed") && f != FLAVOR_UNKNOWN) {
		if (version_parse(&v->per[f].removed, value))
			load_error(l, line, "bad version '%s' in [%s]", value, v->name);
		else
			v->per[f].has_removed = 1;
	} else if (!strcmp(base, "ignored") && f != FLAVOR_UNKNOWN) {
		if (parse_yes_no(value, &yn))
			load_error(l, line, "ignored.%s must be yes or no in [%s]", flavor_name(f), v->name);
		else
			v->per[f].ignored = yn;
	} else {
		per_flavor_ok = 1;
	}
	if (!per_flavor_ok)
		return 1;

	/* keys that take an optional .FLAVOR */
	struct catalog_flavor_info *p = &v->per[f];
	unsigned long long num;
	if (!strcmp(base, "dynamic")) {
		if (parse_yes_no(value, &yn))
			load_error(l, line, "dynamic must be yes or no in [%s]", v->name);
		else if (f == FLAVOR_UNKNOWN)
			v->dynamic = yn;
		else
			p->dynamic = yn;
	} else if (!strcmp(base, "min") || !strcmp(base, "max")) {
		if (parse_ull(value, &num)) {
			load_error(l, line, "%s must be an unsigned number in [%s]", key, v->name);
		} else if (base[1] == 'i') {
			p->has_min = 1;
			p->min = num;
		} else {
			p->has_max = 1;
			p->max = num;
		}
	} else if (!strcmp(base, "bad_bool")) {
		if (!strcmp(value, "ignore"))
			p->bad_bool_ignore = 1;
		else if (!strcmp(value, "off"))
			p->bad_bool_ignore = 0;
		else
			load_error(l, line, "bad_bool must be off or ignore in [%s]", v->name);
	} else {
		load_error(l, line, "unknown key '%s' in [%s]", key, v->name);
	}
	return 1;
}

static int range_cmp(const void *a, const void *b)
{
	const struct catalog_range *x = a, *y = b;
	if (x->flavor != y->flavor)
		return x->flavor < y->flavor ? -1 : 1;
	if (x->variant != y->variant)
		return x->variant < y->variant ? -1 : 1;
	return version_cmp(&x->from, &y->from);
}

/* Close the ranges of v and check the entry as a whole. */
static void catalog_finish(struct catalog_loader *l, struct catalog_var *v, size_t idx)
{
	unsigned line = v->line;
	if (!v->title)
		load_error(l, line, "[%s] has no title", v->name);
	if (v->dynamic < 0)
		v->dynamic = 0;
	if (v->type == CATALOG_ENUM && !v->nenum)
		load_error(l, line, "[%s] is an enum without values", v->name);
	if (v->type != CATALOG_ENUM && v->nenum)
		load_error(l, line, "[%s] has values but is not an enum", v->name);
	for (size_t f = 0; f < ARRAY_SIZE(v->per); f++) {
		if (v->type != CATALOG_UINT && (v->per[f].has_min || v->per[f].has_max))
			load_error(l, line, "[%s] has min or max but is not a uint", v->name);
		if (v->type != CATALOG_BOOL && v->per[f].bad_bool_ignore >= 0)
			load_error(l, line, "[%s] has bad_bool but is not a bool", v->name);
	}

	/* stable order: by flavor, then version; keep the order given for ties to detect them */
	for (size_t i = 1; i < v->nranges; i++) {
		if (v->ranges[i].flavor == v->ranges[i - 1].flavor &&
		    v->ranges[i].variant == v->ranges[i - 1].variant &&
		    version_cmp(&v->ranges[i].from, &v->ranges[i - 1].from) <= 0)
			load_error(l, l->default_line[CATALOG_LINE_SLOT(idx, v->ranges[i].flavor, v->ranges[i].variant)],
				   "default.%s%s versions must ascend in [%s]",
				   flavor_name(v->ranges[i].flavor),
				   v->ranges[i].variant == FLAVOR_VARIANT_GALERA ? ".galera" : "", v->name);
	}
	if (v->nranges)
		qsort(v->ranges, v->nranges, sizeof(*v->ranges), range_cmp);

	for (size_t fb = 0; fb < 4 * FLAVOR_NVARIANTS; fb++) {
		size_t f = fb % 4;
		enum flavor_variant b = (enum flavor_variant)(fb / 4);
		if (f == FLAVOR_UNKNOWN)
			continue;
		struct catalog_flavor_info *p = &v->per[f];
		struct catalog_range *last = NULL;
		for (size_t i = 0; i < v->nranges; i++) {
			struct catalog_range *r = &v->ranges[i];
			if (r->flavor != (enum flavor)f || r->variant != b)
				continue;
			if (last)
				last->to = r->from;
			last = r;
		}
		if (b == FLAVOR_VARIANT_GALERA && !last)
			continue;   /* removed.FLAVOR applies to a Galera build only when it has ranges */
		if (p->has_removed && !last) {
			load_error(l, line, "removed.%s without default.%s in [%s]", flavor_name((enum flavor)f),
				   flavor_name((enum flavor)f), v->name);
			continue;
		}
		if (p->has_removed && last) {
			if (version_cmp(&p->removed, &last->from) <= 0) {
				load_error(l, line, "removed.%s is not after the last default in [%s]",
					   flavor_name((enum flavor)f), v->name);
				continue;
			}
			last->to = p->removed;
			v->ranges = xrealloc(v->ranges, (v->nranges + 1) * sizeof(*v->ranges));
			struct catalog_range *gone = &v->ranges[v->nranges++];
			memset(gone, 0, sizeof(*gone));
			gone->flavor = (enum flavor)f;
			gone->variant = b;
			gone->from = p->removed;
			gone->to.major = gone->to.minor = gone->to.patch = -1;
			gone->value = NULL;
		}
	}
	if (v->nranges)
		qsort(v->ranges, v->nranges, sizeof(*v->ranges), range_cmp);

	/* a default must be a value the server takes as it is */
	for (size_t i = 0; i < v->nranges; i++) {
		const struct catalog_range *r = &v->ranges[i];
		if (!r->value || v->type == CATALOG_STRING)
			continue;
		char *norm = NULL;
		const char *why = NULL;
		enum catalog_verdict verdict = catalog_check_value(v, r->flavor, r->value, &norm, &why);
		unsigned dline = l->default_line[CATALOG_LINE_SLOT(idx, r->flavor, r->variant)];
		if (verdict != CATALOG_VALUE_OK)
			load_error(l, dline, "default '%s' in [%s]: %s",
				   r->value, v->name, why);
		else if (strcmp(norm, r->value))
			load_error(l, dline,
				   "default '%s' in [%s] is not canonical: write '%s'", r->value, v->name, norm);
		free(norm);
	}
}

/* What catalog_ini_record() passes through inih. */
struct catalog_recorder {
	void (*fn)(void *ctx, const struct inipack_event *ev);
	void *ctx;
};

static int catalog_record_handler(void *user, const char *section, const char *key, const char *value, int lineno)
{
	struct catalog_recorder *rec = user;
	struct inipack_event ev = { .section = section, .name = key, .value = value, .lineno = lineno };
	rec->fn(rec->ctx, &ev);
	return 1;
}

int catalog_ini_record(const char *path, void (*fn)(void *ctx, const struct inipack_event *ev), void *ctx)
{
	struct catalog_recorder rec = { fn, ctx };
	struct fileio_data file;
	char *why = NULL;
	if (fileio_read(path, FILEIO_CATALOG, &file, &why) != FILEIO_OK) {
		free(why);
		return -1;
	}
	int rc = ini_parse_string(file.data, catalog_record_handler, &rec);
	fileio_data_release(&file);
	return rc;
}

int catalog_load(struct catalog *c, const char *path, struct diag_list *d)
{
	struct catalog_loader l;
	memset(&l, 0, sizeof(l));
	l.c = c;
	l.path = path;
	l.d = d;
	size_t first = c->n;

	struct fileio_data file;
	char *why = NULL;
	if (fileio_read(path, FILEIO_CATALOG, &file, &why) != FILEIO_OK) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot read the variable catalog: %s", why);
		free(why);
		return -1;
	}
	/* The built-in catalog, byte for byte: its handler calls were recorded at build time (inipack.h). */
	int packed = inipack_find(INIPACK_CATALOG, file.data, file.len);
	int rc = 0;
	/* ... and what they build is compiled in (prebuilt.h) */
	if (packed >= 0 && packed == prebuilt_catalog_file && catalog_take_prebuilt(c, path) == 0) {
		fileio_data_release(&file);
		return 0;
	}
	if (c->prebuilt)
		catalog_unshare(c);
	if (packed >= 0) {
		for (size_t i = 0; i < inipack_nevents(packed); i++) {
			struct inipack_event ev;
			inipack_event_at(packed, i, &ev);
			catalog_ini_key(&l, ev.section, ev.name, ev.value, ev.lineno);
		}
	} else {
		rc = ini_parse_string(file.data, catalog_ini_key, &l);
	}
	fileio_data_release(&file);
	if (rc > 0)
		load_error(&l, (unsigned)rc, "syntax error: expected [section] or key = value");
	else if (rc < 0)
		load_error(&l, 0, "cannot parse the variable catalog (out of memory)");
	for (size_t i = first; i < c->n; i++)
		catalog_finish(&l, &c->vars[i], i);
	catalog_index_build(c);
	loader_forget_keys(&l);
	free(l.seen);
	free(l.default_line);
	return l.errors ? -1 : 0;
}
