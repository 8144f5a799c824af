/*
 * options.c - look options up in the generated option catalog and parse
 * values the way each server's option parser does (see options.h).
 *
 * Value rules, from the servers' own sources:
 *   MySQL 8.0  mysys/my_getopt.cc (setval, eval_num_suffix, getopt_ull,
 *              getopt_ll_limit_value), sql/sys_vars.h Sys_var_multi_enum
 *   MariaDB    mysys/my_getopt.c (setval, eval_num_suffix_ull/_ll,
 *              getopt_*_limit_value), confirmed against mariadbd 10.11
 *              --verbose --help (tests/mariadbd-diff.t)
 */
#include "options.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "banned.h"

static const char *const options_product_names[] = { "mysql", "percona", "pxc", "mariadb" };
static const char *const options_product_displays[] = { "MySQL", "Percona Server", "Percona XtraDB Cluster",
							 "MariaDB" };
static const char *const options_type_names[] = {
	[OPTIONS_T_BOOL] = "bool", [OPTIONS_T_NOARG] = "noarg", [OPTIONS_T_INT] = "int",
	[OPTIONS_T_UINT] = "uint", [OPTIONS_T_NUM] = "num", [OPTIONS_T_DOUBLE] = "double",
	[OPTIONS_T_ENUM] = "enum", [OPTIONS_T_MULTIENUM] = "multienum", [OPTIONS_T_SET] = "set",
	[OPTIONS_T_FLAGSET] = "flagset", [OPTIONS_T_STRING] = "string",
};

const char *options_product_name(enum options_product p)
{
	return options_product_names[p];
}

const char *options_product_display(enum options_product p)
{
	return options_product_displays[p];
}

const char *options_type_name(enum options_type t)
{
	return options_type_names[t];
}

enum options_product options_product_of(enum flavor f, int galera)
{
	switch (f) {
	case FLAVOR_MARIADB:
		return OPTIONS_MARIADB;
	case FLAVOR_PERCONA:
		return galera ? OPTIONS_PXC : OPTIONS_PERCONA;
	case FLAVOR_MYSQL:
	case FLAVOR_UNKNOWN:
		break;
	}
	return OPTIONS_MYSQL;
}

int options_version_pack(const struct version *v)
{
	int patch = v->patch < 0 ? 99 : v->patch > 99 ? 99 : v->patch;
	return v->major * 10000 + v->minor * 100 + patch;
}

char *options_version_format(int packed, char *buf, size_t size)
{
	snprintf(buf, size, "%d.%d.%d", packed / 10000, packed / 100 % 100, packed % 100);
	return buf;
}

void options_target_init(struct options_target *t, enum options_product p, const struct version *v)
{
	memset(t, 0, sizeof(*t));
	t->product = p;
	t->version = options_version_pack(v);
	t->chain[t->nchain++] = p;
	if (p == OPTIONS_PXC)
		t->chain[t->nchain++] = OPTIONS_PERCONA;
	if (p == OPTIONS_PXC || p == OPTIONS_PERCONA)
		t->chain[t->nchain++] = OPTIONS_MYSQL;
}

/* ---- the table ------------------------------------------------------------ */

static const char *options_str(unsigned off)
{
	return off ? options_strtab + off - 1 : NULL;
}

const char *options_name_at(size_t i)
{
	return options_strtab + options_rows[i].name - 1;
}

/*
 * Entries made from rows on first use (options_entry_at()), one after the
 * other in blocks of OPTIONS_MADE_BLOCK that never move, and per row the
 * place of its entry (1 + index, 0: not made yet). A run looks at a few
 * dozen rows spread over the whole table: an entry per row in one array
 * was 430 KB of which each row looked at touched its own page (issue 13: 10
 * of the 186 page faults of one file); now the index (2 bytes a row) and
 * one block. Readers take a made entry without the lock (the place is
 * stored after the entry, with release order).
 */
#define OPTIONS_MADE_BLOCK 64

/* 2-byte places: the table has at most 65534 rows (scripts/gen-options-table.awk refuses more). */
static atomic_ushort *_Atomic options_made_at;   /* options_nentries places, or NULL before the first entry */
static struct options_entry **options_made_blocks;
static size_t options_nmade;
static pthread_mutex_t options_made_mu = PTHREAD_MUTEX_INITIALIZER;

static void options_entry_make(struct options_entry *e, size_t i)
{
	const struct options_row *r = &options_rows[i];
	*e = (struct options_entry){
		.name = options_str(r->name), .product = r->product, .type = r->type, .arg = r->arg,
		.flags = r->flags, .from_lo = r->from_lo, .from_hi = r->from_hi, .until_lo = r->until_lo,
		.until_hi = r->until_hi, .values = options_str(r->values), .def = options_str(r->def),
		.min = options_str(r->min), .max = options_str(r->max), .block = options_str(r->block),
		.bare = options_str(r->bare), .aliases = options_str(r->aliases),
		.provider = options_str(r->provider), .replacement = options_str(r->replacement),
	};
}

static struct options_entry *options_made_place(unsigned place)
{
	return &options_made_blocks[(place - 1) / OPTIONS_MADE_BLOCK][(place - 1) % OPTIONS_MADE_BLOCK];
}

const struct options_entry *options_entry_at(size_t i)
{
	atomic_ushort *at = atomic_load_explicit(&options_made_at, memory_order_acquire);
	unsigned place = at ? atomic_load_explicit(&at[i], memory_order_acquire) : 0;
	if (place)
		return options_made_place(place);
	pthread_mutex_lock(&options_made_mu);
	at = atomic_load_explicit(&options_made_at, memory_order_relaxed);
	if (!at) {
		options_made_blocks = xcalloc(options_nentries / OPTIONS_MADE_BLOCK + 1, sizeof(*options_made_blocks));
		at = xcalloc(options_nentries ? options_nentries : 1, sizeof(*at));
		atomic_store_explicit(&options_made_at, at, memory_order_release);
	}
	place = atomic_load_explicit(&at[i], memory_order_relaxed);
	if (!place) {
		size_t k = options_nmade++;
		if (!options_made_blocks[k / OPTIONS_MADE_BLOCK])
			options_made_blocks[k / OPTIONS_MADE_BLOCK] =
				xmalloc(OPTIONS_MADE_BLOCK * sizeof(**options_made_blocks));
		options_entry_make(&options_made_blocks[k / OPTIONS_MADE_BLOCK][k % OPTIONS_MADE_BLOCK], i);
		place = (unsigned)k + 1;
		atomic_store_explicit(&at[i], (unsigned short)place, memory_order_release);
	}
	pthread_mutex_unlock(&options_made_mu);
	return options_made_place(place);
}

static int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}


/* name with '-' as '_' into key; 0, or -1 when it is too long to be an option. */
static int options_key(char *key, size_t size, const char *name)
{
	size_t i;
	for (i = 0; name[i]; i++) {
		if (i + 1 >= size)
			return -1;
		key[i] = name[i] == '-' ? '_' : name[i];
	}
	key[i] = '\0';
	return 0;
}

/* The first entry whose name is not below key (entries are sorted by strcmp). */
static size_t options_lower_bound(const char *key)
{
	size_t lo = 0, hi = options_nentries;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(options_name_at(mid), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t options_name_first(const char *key)
{
	size_t i = options_lower_bound(key);
	return i < options_nentries && !strcmp(options_name_at(i), key) ? i : options_nentries;
}

/* The series (major*100 + minor) of a packed version. */
static int options_series(int packed)
{
	return packed / 100;
}

/*
 * The listed releases of product p around version: *lo the greatest at or
 * below it, *hi the least above it (0 when none); returns the release
 * records through rlo/rhi.
 */
static void options_listed(enum options_product p, int version, const struct options_release **rlo,
			   const struct options_release **rhi)
{
	*rlo = *rhi = NULL;
	for (size_t i = 0; i < options_nreleases; i++) {
		const struct options_release *r = &options_releases[i];
		if (r->product != p)
			continue;
		if (r->version <= version && (!*rlo || r->version > (*rlo)->version))
			*rlo = r;
		if (r->version > version && (!*rhi || r->version < (*rhi)->version))
			*rhi = r;
	}
}

/*
 * Nonzero when name starts with one of the comma-separated prefixes (an
 * entry ending in '$' is a whole name).
 */
static int options_uncovered(const char *prefixes, const char *name)
{
	if (!prefixes)
		return 0;
	const char *p = prefixes;
	while (*p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		int whole = len && p[len - 1] == '$';
		if (whole && len - 1 == strlen(name) && !strncmp(name, p, len - 1))
			return 1;
		if (!whole && len && !strncmp(name, p, len))
			return 1;
		if (!end)
			break;
		p = end + 1;
	}
	return 0;
}

/* Decide name (entries [first, end) hold its rows) on one product. */
static void options_decide(enum options_product p, int version, const char *name, size_t first, size_t end,
			   struct options_lookup *out)
{
	const struct options_entry *removed = NULL, *between = NULL;
	memset(out, 0, sizeof(*out));
	out->decided = p;
	for (size_t i = first; i < end; i++) {
		const struct options_row *e = &options_rows[i];
		if (e->product != p)
			continue;
		/*
		 * A range across release series: the option came (or went) with
		 * the newer series, so the older series keeps the state of its own
		 * newest list (added in 5.7: absent in every 5.6; removed in 8.4:
		 * present in every 8.0).
		 */
		int from_hi = e->from_hi, until_lo = e->until_lo;
		if (e->from_lo >= 0 && options_series(e->from_lo) != options_series(e->from_hi) &&
		    options_series(version) == options_series(e->from_lo))
			from_hi = OPTIONS_OPEN;
		if (e->until_hi != OPTIONS_OPEN && options_series(e->until_lo) != options_series(e->until_hi) &&
		    options_series(version) == options_series(e->until_lo))
			until_lo = OPTIONS_OPEN;
		if (from_hi <= version && version <= until_lo) {
			out->state = OPTIONS_PRESENT;
			out->entry = options_entry_at(i);
			return;
		}
		if (from_hi == OPTIONS_OPEN)
			continue;   /* added with a later series */
		if ((e->from_lo < version && version < from_hi) ||
		    (until_lo < version && version < e->until_hi))
			between = options_entry_at(i);
		else if (e->until_hi <= version)
			removed = options_entry_at(i);
	}
	const struct options_release *rlo, *rhi;
	options_listed(p, version, &rlo, &rhi);
	if (between) {
		out->state = OPTIONS_UNCERTAIN;
		out->why = OPTIONS_WHY_BETWEEN;
		out->entry = between;
		out->listed = rlo ? rlo->version : 0;
		out->listed_hi = rhi ? rhi->version : 0;
		return;
	}
	/* absent from every row: the lists around the version must cover the name */
	if (!rlo || (options_series(rlo->version) != options_series(version) &&
		     !(rhi && options_series(rhi->version) == options_series(version)))) {
		out->state = OPTIONS_UNCERTAIN;
		out->why = OPTIONS_WHY_NO_LIST;
		return;
	}
	out->listed = rlo->version;
	/*
	 * A removal in a documented release (until is exact) is certain, whatever
	 * the later lists leave out. Otherwise the lists that decide must cover
	 * the name's family: the nearest at or below, and the next one when the
	 * version lies between two lists of its own series (the 9.x lists that
	 * leave out innodb_* do not make an 8.4.8 name uncertain).
	 */
	int documented = removed && removed->until_hi == removed->until_lo + 1;
	int rhi_counts = rhi && rlo->version != version && options_series(rhi->version) == options_series(version);
	if (!documented &&
	    (options_uncovered(rlo->uncovered, name) || (rhi_counts && options_uncovered(rhi->uncovered, name)))) {
		out->state = OPTIONS_UNCERTAIN;
		out->why = OPTIONS_WHY_PARTIAL;
		return;
	}
	out->state = OPTIONS_ABSENT;
	out->last = removed;
}

/* Nonzero when product p has a list for version's series. */
static int options_has_series(enum options_product p, int version)
{
	for (size_t i = 0; i < options_nreleases; i++)
		if (options_releases[i].product == p &&
		    options_series(options_releases[i].version) == options_series(version))
			return 1;
	return 0;
}

/* A dynamic plugin of product p whose name prefixes key (PLUGIN_option), or NULL. */
static const struct options_plugin *options_plugin_prefix(enum options_product p, const char *key)
{
	for (size_t i = 0; i < options_nplugins; i++) {
		const struct options_plugin *pl = &options_plugins[i];
		if (pl->product != p || pl->policy != OPTIONS_PLUGIN_DYNAMIC)
			continue;
		size_t len = strlen(pl->name);
		size_t k;
		for (k = 0; k < len; k++)
			if (ascii_lower((unsigned char)pl->name[k]) != key[k])
				break;
		if (k == len && (key[len] == '_' || key[len] == '\0'))
			return pl;
	}
	return NULL;
}

/*
 * Decide key on t's chain of products (PXC, Percona, MySQL): a build of a
 * flavor has every option its base has, so the base's list proves presence;
 * absence is proved only by the most specific product that has a list for
 * the version's series.
 */
static void options_lookup_key(const struct options_target *t, const char *key, struct options_lookup *out)
{
	size_t first = options_lower_bound(key), end = first;
	while (end < options_nentries && !strcmp(options_name_at(end), key))
		end++;
	struct options_lookup decided;
	int have_decided = 0;
	memset(out, 0, sizeof(*out));
	out->state = OPTIONS_UNCERTAIN;
	out->why = OPTIONS_WHY_NO_LIST;
	out->decided = t->product;
	for (size_t c = 0; c < t->nchain; c++) {
		enum options_product p = t->chain[c];
		struct options_lookup got;
		options_decide(p, t->version, key, first, end, &got);
		if (got.state == OPTIONS_PRESENT) {
			*out = got;
			return;
		}
		if (!have_decided && options_has_series(p, t->version)) {
			decided = got;
			have_decided = 1;
			if (c > 0 && got.state == OPTIONS_ABSENT) {
				/* only a base product's list: a name it lacks may be the flavor's own */
				decided.state = OPTIONS_UNCERTAIN;
				decided.why = OPTIONS_WHY_BASE;
			}
		}
	}
	if (have_decided)
		*out = decided;
	if (out->state == OPTIONS_ABSENT && !out->last) {
		/* an option of a plugin loaded at run time: not in any list */
		for (size_t c = 0; c < t->nchain; c++) {
			const struct options_plugin *pl = options_plugin_prefix(t->chain[c], key);
			if (pl) {
				out->state = OPTIONS_UNCERTAIN;
				out->why = OPTIONS_WHY_PLUGIN;
				out->plugin = pl;
				return;
			}
		}
	}
}

/*
 * MariaDB compares option names without regard to case (mariadbd 10.11:
 * --SYNC_BINLOG=5 sets sync-binlog, --wsrep_slave_fk_checks=OFF sets
 * wsrep-slave-FK-checks): the catalog's spelling of a name written in
 * another case, into key. Returns 1 when found.
 */
static int options_fold_case(char *key)
{
	/* the few catalog names with capitals (wsrep_slave_FK_checks ...): options_upper, made by the build */
	size_t len = strlen(key);
	int changed = 0;
	for (size_t i = 0; i < len; i++) {
		if (key[i] >= 'A' && key[i] <= 'Z') {
			key[i] = (char)(key[i] - 'A' + 'a');
			changed = 1;
		}
	}
	if (changed) {
		size_t at = options_lower_bound(key);
		if (at < options_nentries && !strcmp(options_name_at(at), key))
			return 1;
	}
	for (size_t k = 0; k < options_nupper; k++) {
		const char *n = options_name_at(options_upper[k]);
		if (!ascii_strcasecmp(n, key)) {
			memcpy(key, n, len + 1);
			return 1;
		}
	}
	return 0;
}

void options_lookup(const struct options_target *t, const char *name, struct options_lookup *out)
{
	char key[256];
	if (options_key(key, sizeof(key), name)) {
		memset(out, 0, sizeof(*out));
		out->state = OPTIONS_ABSENT;
		out->decided = t->product;
		return;
	}
	options_lookup_key(t, key, out);
	if (out->state == OPTIONS_ABSENT && t->product == OPTIONS_MARIADB && options_fold_case(key))
		options_lookup_key(t, key, out);
	/* a removal the target's own lists record stays a removal */
	if (out->state != OPTIONS_ABSENT || out->last)
		return;
	/* a name only another build of the flavor has (a Percona target, a PXC option) */
	static const enum options_product others[OPTIONS_NPRODUCTS] = {
		[OPTIONS_MYSQL] = OPTIONS_PXC, [OPTIONS_PERCONA] = OPTIONS_PXC,
		[OPTIONS_PXC] = OPTIONS_PXC, [OPTIONS_MARIADB] = OPTIONS_MARIADB,
	};
	enum options_product other = others[t->product];
	if (other == t->product)
		return;
	/* only names the target's own products never had (not a later addition of theirs) */
	size_t first = options_lower_bound(key);
	for (size_t i = first; i < options_nentries && !strcmp(options_name_at(i), key); i++)
		for (size_t c = 0; c < t->nchain; c++)
			if (options_rows[i].product == t->chain[c])
				return;
	for (size_t i = first; i < options_nentries && !strcmp(options_name_at(i), key); i++) {
		if (options_rows[i].product == other) {
			out->state = OPTIONS_UNCERTAIN;
			out->why = OPTIONS_WHY_OTHER_BUILD;
			out->other = other;
			out->entry = options_entry_at(i);
			return;
		}
	}
}

size_t options_prefix(const struct options_target *t, const char *prefix, const struct options_entry **out,
		      size_t max, int *uncertain)
{
	char key[256];
	size_t count = 0;
	*uncertain = 0;
	if (options_key(key, sizeof(key), prefix) || !*key)
		return 0;
	size_t len = strlen(key);
	for (size_t i = options_lower_bound(key); i < options_nentries;) {
		const char *name = options_name_at(i);
		if (strncmp(name, key, len))
			break;
		struct options_lookup got;
		options_lookup_key(t, name, &got);
		if (got.state == OPTIONS_PRESENT) {
			if (count < max)
				out[count] = got.entry;
			count++;
		} else if (got.state == OPTIONS_UNCERTAIN && got.why != OPTIONS_WHY_NO_LIST) {
			*uncertain = 1;
		}
		while (i < options_nentries && !strcmp(options_name_at(i), name))
			i++;
	}
	return count;
}

const struct options_plugin *options_plugin_of(const struct options_target *t, const struct options_entry *e)
{
	if (!e->provider)
		return NULL;
	for (size_t i = 0; i < options_nplugins; i++) {
		const struct options_plugin *p = &options_plugins[i];
		if (p->product == e->product && !strcmp(p->name, e->provider))
			return p;
	}
	(void)t;
	return NULL;
}

/* ---- values ---------------------------------------------------------------- */

static int options_is_mariadb(enum options_product p)
{
	return p == OPTIONS_MARIADB;
}

static int options_isspace(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Parse a decimal text column; 0 when absent. */
static int options_limit(const char *text, unsigned long long *u, long long *s)
{
	if (!text || !*text)
		return 0;
	errno = 0;
	if (*text == '-') {
		*s = strtoll(text, NULL, 10);
		*u = 0;
	} else {
		*u = strtoull(text, NULL, 10);
		*s = *u > (unsigned long long)LLONG_MAX ? LLONG_MAX : (long long)*u;
	}
	return errno ? 0 : 1;
}

static unsigned long long options_suffix_mult(char c, int *bad)
{
	switch (c) {
	case '\0':
		return 1ULL;
	case 'k': case 'K':
		return 1ULL << 10;
	case 'm': case 'M':
		return 1ULL << 20;
	case 'g': case 'G':
		return 1ULL << 30;
	case 't': case 'T':
		return 1ULL << 40;
	case 'p': case 'P':
		return 1ULL << 50;
	case 'e': case 'E':
		return 1ULL << 60;
	default:
		*bad = 1;
		return 0;
	}
}

static int popcount64(unsigned long long v)
{
	int n = 0;
	for (; v; v &= v - 1)
		n++;
	return n;
}

/*
 * A number with an optional suffix, as eval_num_suffix reads it. Returns 0
 * and sets *mag and *neg, or -1 with *why. MySQL refuses a suffix that overflows;
 * MariaDB multiplies without checking (the product wraps).
 */
static int options_parse_number(const char *raw, int mariadb, int is_signed, unsigned long long *mag, int *neg,
				const char **why)
{
	const char *p = raw;
	while (options_isspace((unsigned char)*p))
		p++;
	*neg = 0;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	unsigned long long n = 0;
	int overflow = 0;
	while (*p >= '0' && *p <= '9') {
		unsigned d = (unsigned)(*p - '0');
		if (n > (ULLONG_MAX - d) / 10)
			overflow = 1;
		else
			n = n * 10 + d;
		p++;
	}
	if (is_signed && !overflow && n > (unsigned long long)LLONG_MAX + (*neg ? 1ULL : 0ULL))
		overflow = 1;
	if (overflow) {
		*why = is_signed ? "not an integer in range (Incorrect integer value): the server refuses to start"
				 : "out of range for a 64-bit number: the server refuses to start";
		return -1;
	}
	int bad = 0;
	unsigned long long mult = options_suffix_mult(*p, &bad);
	if (bad) {
		*why = "unknown suffix (only K, M, G, T, P, E): the server refuses to start";
		return -1;
	}
	if (mult > 1) {
		unsigned long long r = n * mult;   /* unsigned: wraps as MariaDB's does */
		if (!mariadb && popcount64(n) != popcount64(r)) {
			*why = "the suffix makes the number overflow: the server refuses to start";
			return -1;
		}
		n = r;
	}
	*mag = n;
	return 0;
}

static enum catalog_verdict check_integer(const struct options_entry *e, enum options_product prod,
					  const char *raw, char **out, const char **why)
{
	int mariadb = options_is_mariadb(prod);
	int is_signed = e->type == OPTIONS_T_INT;
	int clamped = 0, fallback = 0;
	unsigned long long mag;
	int neg;

	if (e->type == OPTIONS_T_NUM && strchr(raw, '-')) {
		*why = "a negative value for an option whose sign the catalog does not know";
		*out = NULL;
		return CATALOG_VALUE_FALLBACK;
	}
	if (!*raw && !mariadb) {
		/* my_getopt.cc setval: EE_OPTION_WITH_EMPTY_VALUE */
		*why = "empty value for a numeric option: the server refuses to start";
		return CATALOG_VALUE_REFUSED;
	}
	if (!is_signed) {
		const char *q = raw;
		if (!mariadb)
			while (options_isspace((unsigned char)*q))
				q++;
		if (*q == '-') {
			if (mariadb) {
				*why = "negative value for an unsigned option (Incorrect unsigned value): the server "
				       "refuses to start";
				return CATALOG_VALUE_REFUSED;
			}
			/* my_getopt.cc getopt_ull: the minimum, with a warning */
			unsigned long long umin = 0;
			long long smin;
			options_limit(e->min, &umin, &smin);
			*out = xasprintf("%llu", umin);
			*why = "negative value for an unsigned option: the server warns and uses the minimum";
			return CATALOG_VALUE_FALLBACK;
		}
	}
	if (options_parse_number(raw, mariadb, is_signed, &mag, &neg, why))
		return CATALOG_VALUE_REFUSED;
	if (!*raw)
		fallback = 1;   /* MariaDB reads an empty value as 0, silently */

	unsigned long long umin = 0, umax = 0, ublock = 1;
	long long smin = 0, smax = 0, sblock = 1;
	int have_min = options_limit(e->min, &umin, &smin);
	int have_max = options_limit(e->max, &umax, &smax);
	if (options_limit(e->block, &ublock, &sblock) && ublock < 1)
		ublock = 1;

	if (is_signed) {
		long long v = neg ? (long long)(0ULL - mag) : (long long)mag;
		long long old = v;
		if (have_max && v > 0 && (unsigned long long)v > umax && umax) {
			v = (long long)umax;
			clamped = 1;
		}
		v = v / (long long)ublock * (long long)ublock;
		if (have_min && v < smin) {
			v = smin;
			if (old < smin)
				clamped = 1;
		}
		*out = xasprintf("%lld", v);
	} else {
		unsigned long long v = neg ? 0ULL - mag : mag;   /* strtoull wraps a '-' it accepts */
		unsigned long long old = v;
		if (have_max && umax && v > umax) {
			v = umax;
			clamped = 1;
		}
		if (ublock > 1)
			v = v / ublock * ublock;
		if (have_min && v < umin) {
			v = umin;
			if (old < umin)
				clamped = 1;
		}
		*out = xasprintf("%llu", v);
	}
	if (clamped) {
		*why = "out of range: the server warns and adjusts it to the nearest limit";
		return CATALOG_VALUE_FALLBACK;
	}
	if (fallback) {
		*why = "empty value: MariaDB reads it as 0 (adjusted into the range)";
		return CATALOG_VALUE_FALLBACK;
	}
	return CATALOG_VALUE_OK;
}

static enum catalog_verdict check_double(const struct options_entry *e, const char *raw, char **out,
					 const char **why)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(raw, &end);
	if (!*raw || !end || *end || errno) {
		*why = "not a decimal number (Invalid decimal value): the server refuses to start";
		return CATALOG_VALUE_REFUSED;
	}
	int adjusted = 0;
	double lo, hi;
	if (e->max && *e->max && (hi = strtod(e->max, NULL)) != 0 && v > hi) {
		v = hi;
		adjusted = 1;
	}
	if (e->min && *e->min && v < (lo = strtod(e->min, NULL))) {
		v = lo;
		adjusted = 1;
	}
	*out = xasprintf("%g", v);
	if (adjusted) {
		*why = "out of range: the server warns and adjusts it to the nearest limit";
		return CATALOG_VALUE_FALLBACK;
	}
	return CATALOG_VALUE_OK;
}

/* The n-th comma-separated item of list into buf; returns its length, or -1 past the end. */
static int options_item(const char *list, size_t n, char *buf, size_t size)
{
	const char *p = list;
	for (size_t i = 0; i < n; i++) {
		p = strchr(p, ',');
		if (!p)
			return -1;
		p++;
	}
	size_t len = strcspn(p, ",");
	if (len >= size)
		len = size - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return (int)len;
}

static size_t options_count(const char *list)
{
	if (!list || !*list)
		return 0;
	size_t n = 1;
	for (const char *p = list; *p; p++)
		n += *p == ',';
	return n;
}

static int prefix_icase(const char *word, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (ascii_lower((unsigned char)word[i]) != ascii_lower((unsigned char)s[i]) || !word[i])
			return 0;
	return 1;
}

/*
 * find_type(FIND_TYPE_BASIC) over the list for s[0..len): 1-based index, 0
 * not found, -1 ambiguous. An exact name wins; else a unique prefix.
 */
static int options_find_type(const char *list, const char *s, size_t len)
{
	char item[128];
	int found = 0, count = 0;
	size_t n = options_count(list);
	if (!len)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int ilen = options_item(list, i, item, sizeof(item));
		if (!prefix_icase(item, s, len))
			continue;
		if ((size_t)ilen == len)
			return (int)i + 1;
		if (!count || found != (int)i + 1)
			count++;
		found = (int)i + 1;
	}
	return count == 1 ? found : count > 1 ? -1 : 0;
}

static enum catalog_verdict check_enum(const struct options_entry *e, const char *raw, char **out,
				       const char **why)
{
	char item[128];
	int t = options_find_type(e->values, raw, strlen(raw));
	if (t > 0) {
		options_item(e->values, (size_t)t - 1, item, sizeof(item));
		*out = xstrdup(item);
		return CATALOG_VALUE_OK;
	}
	if (t < 0) {
		*why = "ambiguous abbreviation of a value: the server refuses to start";
		return CATALOG_VALUE_REFUSED;
	}
	char *end;
	errno = 0;
	unsigned long ord = strtoul(raw, &end, 10);
	if (!*end && !errno && ord < options_count(e->values)) {
		options_item(e->values, ord, item, sizeof(item));
		*out = xstrdup(item);
		return CATALOG_VALUE_OK;
	}
	*why = "not one of the allowed values: the server refuses to start";
	return CATALOG_VALUE_REFUSED;
}

/* Sys_var_multi_enum::fixup_command_line (MySQL): exact aliases, or the ordinal; else a warning. */
static enum catalog_verdict check_multienum(const struct options_entry *e, const char *raw, const char *prev,
					    char **out, const char **why)
{
	char item[128];
	size_t n = options_count(e->values);
	for (size_t i = 0; i < n; i++) {
		options_item(e->values, i, item, sizeof(item));
		char *save = NULL, *canon = NULL;
		for (char *alias = strtok_r(item, "|", &save); alias; alias = strtok_r(NULL, "|", &save)) {
			if (!canon)
				canon = alias;
			if (!ascii_strcasecmp(alias, raw)) {
				*out = xstrdup(canon);
				return CATALOG_VALUE_OK;
			}
		}
	}
	char *end;
	errno = 0;
	long ord = strtol(raw, &end, 10);
	if (end > raw && !*end && !errno && ord >= 0 && (size_t)ord < n) {
		options_item(e->values, (size_t)ord, item, sizeof(item));
		item[strcspn(item, "|")] = '\0';
		*out = xstrdup(item);
		return CATALOG_VALUE_OK;
	}
	(void)prev;
	*why = "not one of the allowed values (no abbreviations): the server warns and keeps the previous value";
	return CATALOG_VALUE_IGNORED;
}

/* find_typeset: comma-separated names (a unique prefix each), or a bit mask. */
static enum catalog_verdict check_set(const struct options_entry *e, const char *raw, char **out,
				      const char **why)
{
	size_t n = options_count(e->values);
	unsigned long long bits = 0;
	int bad = 0;
	const char *p = raw;
	while (*p) {
		size_t len = strcspn(p, ",");
		int t = options_find_type(e->values, p, len);
		if (t <= 0) {
			bad = 1;
			break;
		}
		bits |= 1ULL << (t - 1);
		p += len;
		if (*p == ',')
			p++;
	}
	if (bad) {
		char *end;
		errno = 0;
		long long v = strtoll(raw, &end, 10);
		if (*end || errno || v < 0 || (n < 64 && ((unsigned long long)v >> 1) >= (1ULL << (n - 1)))) {
			*why = "not a combination of the allowed values: the server refuses to start";
			return CATALOG_VALUE_REFUSED;
		}
		bits = (unsigned long long)v;
	}
	struct strbuf sb = { 0 };
	char item[128];
	strbuf_addstr(&sb, "");
	for (size_t i = 0; i < n && i < 64; i++) {
		if (!(bits & (1ULL << i)))
			continue;
		options_item(e->values, i, item, sizeof(item));
		if (sb.len)
			strbuf_addch(&sb, ',');
		strbuf_addstr(&sb, item);
	}
	*out = strbuf_detach(&sb);
	return CATALOG_VALUE_OK;
}

/* Value of flag name in a "a=on,b=off" list, or NULL. */
static const char *flag_value(const char *list, const char *name, size_t len)
{
	const char *p = list;
	while (p && *p) {
		const char *eq = strchr(p, '=');
		if (!eq)
			return NULL;
		if ((size_t)(eq - p) == len && !strncmp(p, name, len))
			return eq + 1;
		p = strchr(eq, ',');
		if (p)
			p++;
	}
	return NULL;
}

/* find_set_from_flags: "default", or name=on|off|default pairs applied to prev. */
static enum catalog_verdict check_flagset(const struct options_entry *e, const char *raw, const char *prev,
					  char **out, const char **why)
{
	size_t n = options_count(e->values);
	char *state = xcalloc(n ? n : 1, 1);   /* 1 on, 0 off */
	const char *base = prev && strchr(prev, '=') ? prev : e->def;
	char item[128];
	for (size_t i = 0; i < n; i++) {
		int len = options_item(e->values, i, item, sizeof(item));
		const char *v = base ? flag_value(base, item, (size_t)len) : NULL;
		state[i] = v && !strncmp(v, "on", 2);
	}
	const char *p = raw;
	enum catalog_verdict verdict = CATALOG_VALUE_OK;
	while (*p) {
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		if (!eq) {
			if (len == 7 && !strncmp(p, "default", 7)) {
				for (size_t i = 0; i < n; i++) {
					int ilen = options_item(e->values, i, item, sizeof(item));
					const char *v = e->def ? flag_value(e->def, item, (size_t)ilen) : NULL;
					state[i] = v && !strncmp(v, "on", 2);
				}
			} else {
				verdict = CATALOG_VALUE_REFUSED;
				break;
			}
		} else {
			int t = options_find_type(e->values, p, (size_t)(eq - p));
			const char *v = eq + 1;
			size_t vlen = len - (size_t)(v - p);
			if (t <= 0) {
				verdict = CATALOG_VALUE_REFUSED;
				break;
			}
			if (vlen == 2 && prefix_icase("on", v, 2)) {
				state[t - 1] = 1;
			} else if (vlen == 3 && prefix_icase("off", v, 3)) {
				state[t - 1] = 0;
			} else if (vlen == 7 && prefix_icase("default", v, 7)) {
				int ilen = options_item(e->values, (size_t)t - 1, item, sizeof(item));
				const char *d = e->def ? flag_value(e->def, item, (size_t)ilen) : NULL;
				state[t - 1] = d && !strncmp(d, "on", 2);
			} else {
				verdict = CATALOG_VALUE_REFUSED;
				break;
			}
		}
		p += len;
		if (*p == ',')
			p++;
	}
	if (verdict == CATALOG_VALUE_REFUSED) {
		free(state);
		*why = "not a list of name=on|off|default flags: the server refuses to start";
		return verdict;
	}
	struct strbuf sb = { 0 };
	strbuf_addstr(&sb, "");
	for (size_t i = 0; i < n; i++) {
		options_item(e->values, i, item, sizeof(item));
		strbuf_addf(&sb, "%s%s=%s", i ? "," : "", item, state[i] ? "on" : "off");
	}
	free(state);
	*out = strbuf_detach(&sb);
	return CATALOG_VALUE_OK;
}

static enum catalog_verdict check_bool(const struct options_entry *e, const char *raw, char **out,
				       const char **why)
{
	static const char *const on[] = { "on", "true", "1" };
	static const char *const off[] = { "off", "false", "0" };
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
	if (e->arg == OPTIONS_ARG_NONE) {
		/* a NO_ARG boolean: "ignoring option ... due to invalid value" */
		*why = "not a boolean (on/off, true/false, 1/0): the server warns and ignores the option";
		return CATALOG_VALUE_IGNORED;
	}
	*why = "not a boolean (on/off, true/false, 1/0): the server warns and sets OFF";
	*out = xstrdup("OFF");
	return CATALOG_VALUE_FALLBACK;
}

enum catalog_verdict options_check_value(const struct options_entry *e, enum options_product p,
					 const char *raw, const char *prev, char **out, const char **why)
{
	int mariadb = options_is_mariadb(p);
	*out = NULL;
	*why = NULL;

	if (e->type == OPTIONS_T_NOARG) {
		if (raw) {
			*why = "the option takes no value: the server refuses to start";
			return CATALOG_VALUE_REFUSED;
		}
		*out = xstrdup("ON");
		return CATALOG_VALUE_OK;
	}
	if (e->type == OPTIONS_T_BOOL) {
		if (!raw) {
			*out = xstrdup(e->arg == OPTIONS_ARG_REQ ? "" : "ON");
			if (e->arg == OPTIONS_ARG_REQ) {
				free(*out);
				*out = NULL;
				*why = "the option requires a value: the server refuses to start";
				return CATALOG_VALUE_REFUSED;
			}
			return CATALOG_VALUE_OK;
		}
		return check_bool(e, raw, out, why);
	}
	if (!raw) {
		if (e->bare) {
			*out = xstrdup(e->bare);
			return CATALOG_VALUE_OK;
		}
		if (e->arg == OPTIONS_ARG_REQ) {
			*why = "the option requires a value: the server refuses to start";
			return CATALOG_VALUE_REFUSED;
		}
		if (e->type == OPTIONS_T_STRING) {
			/* MariaDB GET_STR: ""; MySQL keeps the previous value */
			if (mariadb) {
				*out = xstrdup("");
			} else {
				*out = prev ? xstrdup(prev) : NULL;
				if (!*out) {
					*why = "given without a value: the server keeps the previous value";
					return CATALOG_VALUE_IGNORED;
				}
			}
			return CATALOG_VALUE_OK;
		}
		raw = "1";   /* my_getopt: an optional argument left out reads as "1" */
	}
	switch ((enum options_type)e->type) {
	case OPTIONS_T_INT:
	case OPTIONS_T_UINT:
	case OPTIONS_T_NUM:
		return check_integer(e, p, raw, out, why);
	case OPTIONS_T_DOUBLE:
		return check_double(e, raw, out, why);
	case OPTIONS_T_ENUM:
		if (!*raw && !mariadb) {
			*why = "empty value for an enumerated option: the server refuses to start";
			return CATALOG_VALUE_REFUSED;
		}
		if (!*raw) {
			/* find_type("") finds nothing; strtoul("") is ordinal 0 */
			char item[128];
			options_item(e->values, 0, item, sizeof(item));
			*out = xstrdup(item);
			*why = "empty value: MariaDB takes the first value of the list";
			return CATALOG_VALUE_FALLBACK;
		}
		return check_enum(e, raw, out, why);
	case OPTIONS_T_MULTIENUM:
		return check_multienum(e, raw, prev, out, why);
	case OPTIONS_T_SET:
		return check_set(e, raw, out, why);
	case OPTIONS_T_FLAGSET:
		return check_flagset(e, raw, prev, out, why);
	case OPTIONS_T_STRING:
	case OPTIONS_T_BOOL:
	case OPTIONS_T_NOARG:
		break;
	}
	*out = xstrdup(raw);
	return CATALOG_VALUE_OK;
}
