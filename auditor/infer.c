/*
 * infer.c - flavor, build and version inferred from option files and
 * captures, and the decision that puts them under what the user gave (see
 * infer.h for the evidence and the order of the layers).
 */
#include "infer.h"

#include "options.h"
#include "prebuilt.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "banned.h"

/* ---- which flavors and builds accept a catalog name ------------------------- */

/* Bits of a mask: one per flavor and build. */
#define INFER_BIT(f, b) (1u << (((unsigned)(f) - 1) * 2 + (unsigned)(b)))
#define INFER_MASK_UNSET 0xFFu
#define INFER_MASK_MYSQL (INFER_BIT(FLAVOR_MYSQL, 0) | INFER_BIT(FLAVOR_MYSQL, 1))
#define INFER_MASK_PERCONA (INFER_BIT(FLAVOR_PERCONA, 0) | INFER_BIT(FLAVOR_PERCONA, 1))
#define INFER_MASK_MARIADB (INFER_BIT(FLAVOR_MARIADB, 0) | INFER_BIT(FLAVOR_MARIADB, 1))

#define INFER_MAX_SERIES 64

/*
 * Names already looked up in the full option catalog: name -> enum
 * infer_side; and (issue 13) what infer_name() concluded from a name as
 * written, which depends on the name alone: written -> an INFER_FACT_*
 * word. At most INFER_FACTS_MAX names are remembered (a file of a
 * million distinct names must not grow the index without end).
 */
struct infer_options_memo {
	struct strmap sides;
	struct arena names;        /* the keys of both maps */
	struct strmap facts;
};

#define INFER_FACTS_MAX 4096
#define INFER_FACT_SKIP 1u                 /* loose-, or a structured name: no evidence */
#define INFER_FACT_SIDE(w) (((w) >> 1) & 7u)
#define INFER_FACT_PREFIX(w) ((int)(((w) >> 4) & 15u) - 1)   /* index in infer_prefixes, -1 none */
#define INFER_FACT_OFFSET(w) ((w) >> 8)     /* where the name starts after my_getopt's prefixes */

void infer_index_init(struct infer_index *x, const struct catalog *c)
{
	x->catalog = c;
	x->masks = xmalloc(c->nindex ? c->nindex : 1);
	memset(x->masks, INFER_MASK_UNSET, c->nindex ? c->nindex : 1);
	x->options = xcalloc(1, sizeof(*x->options));
	strmap_init(&x->options->sides, 0);
	strmap_init(&x->options->facts, 0);
	arena_init(&x->options->names);
}

void infer_index_release(struct infer_index *x)
{
	free(x->masks);
	if (x->options) {
		strmap_release(&x->options->sides);
		strmap_release(&x->options->facts);
		arena_release(&x->options->names);
		free(x->options);
	}
	memset(x, 0, sizeof(*x));
}

/*
 * The side the full option catalog puts name ('_' for '-') on: present in a
 * listed release of one side, and absent for certain from every listed
 * release of the other; else INFER_SIDE_NONE. An option of the MySQL side
 * that only Percona Server and Percona XtraDB Cluster lists have (pxc_*,
 * the PXC-only wsrep_* options) is INFER_SIDE_PERCONA.
 */
enum infer_side infer_options_side(const char *name)
{
	int has[2] = { 0, 0 }, unsure[2] = { 0, 0 };   /* [0] MySQL, Percona, PXC; [1] MariaDB */
	int in_mysql = 0;                                /* present in a MySQL list */
	for (size_t i = 0; i < options_nreleases; i++) {
		const struct options_release *rel = &options_releases[i];
		int maria = rel->product == OPTIONS_MARIADB;
		struct version v = { rel->version / 10000, rel->version / 100 % 100, rel->version % 100 };
		struct options_target t;
		struct options_lookup out;
		options_target_init(&t, (enum options_product)rel->product, &v);
		options_lookup(&t, name, &out);
		if (out.state == OPTIONS_PRESENT) {
			has[maria] = 1;
			in_mysql |= rel->product == OPTIONS_MYSQL;
		} else if (out.state == OPTIONS_UNCERTAIN) {
			unsure[maria] = 1;
		}
	}
	if (has[1] && !has[0] && !unsure[0])
		return INFER_SIDE_MARIADB;
	if (has[0] && !has[1] && !unsure[1])
		return in_mysql ? INFER_SIDE_MYSQL : INFER_SIDE_PERCONA;
	return INFER_SIDE_NONE;
}

/* infer_options_side() through the memo. */
static enum infer_side infer_options_lookup(const struct infer_index *x, const char *name)
{
	size_t side;
	char key[128];
	size_t len = strlen(name);
	if (!x || !x->options || len >= sizeof(key))
		return INFER_SIDE_NONE;
	for (size_t i = 0; i <= len; i++)
		key[i] = name[i] == '-' ? '_' : name[i];
	/* a row of the option catalog: its side was worked out at build time (prebuilt.h) */
	size_t row = options_name_first(key);
	if (row < prebuilt_noption_sides && prebuilt_noption_sides == options_nentries)
		return (enum infer_side)prebuilt_option_sides[row];
	if (strmap_get(&x->options->sides, key, &side) == 0)
		return (enum infer_side)side;
	side = (size_t)infer_options_side(key);
	strmap_put(&x->options->sides, arena_strdup(&x->options->names, key), side);
	return (enum infer_side)side;
}

/* Every flavor and build that accepts name (a spelling of v) in some release series. */
unsigned infer_catalog_mask(const struct catalog_var *v, const char *name)
{
	static const enum flavor flavors[] = { FLAVOR_MYSQL, FLAVOR_PERCONA, FLAVOR_MARIADB };
	struct version series[INFER_MAX_SERIES];
	unsigned mask = 0;
	for (size_t i = 0; i < ARRAY_SIZE(flavors); i++) {
		enum flavor f = flavors[i];
		size_t n = flavor_series(f, series, ARRAY_SIZE(series));
		if (n > ARRAY_SIZE(series))
			n = ARRAY_SIZE(series);
		if (catalog_ignored(v, f)) {   /* accepted and ignored: the file may well be for f */
			mask |= INFER_BIT(f, 0) | INFER_BIT(f, 1);
			continue;
		}
		for (int b = 0; b < FLAVOR_NVARIANTS; b++)
			for (size_t k = 0; k < n && !(mask & INFER_BIT(f, b)); k++)
				if (catalog_name_accepted_build(v, name, f, (enum flavor_variant)b, &series[k]))
					mask |= INFER_BIT(f, b);
	}
	return mask;
}

/* The mask of a name through the index (computed on first use), or 0 when the catalog has no such name. */
static unsigned infer_lookup(const struct infer_index *x, const char *name)
{
	char key[128];
	size_t len = strlen(name);
	if (!x || !x->catalog || len >= sizeof(key))
		return 0;
	for (size_t i = 0; i <= len; i++)
		key[i] = name[i] == '-' ? '_' : name[i];
	const struct catalog *c = x->catalog;
	size_t lo = 0, hi = c->nindex;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(c->index[mid].name, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == c->nindex || strcmp(c->index[lo].name, key))
		return 0;
	if (x->masks[lo] == INFER_MASK_UNSET)
		x->masks[lo] = c->prebuilt && c->index == prebuilt_index
				       ? prebuilt_infer_masks[lo]   /* worked out at build time (prebuilt.h) */
				       : (unsigned char)infer_catalog_mask(&c->vars[c->index[lo].var], c->index[lo].name);
	return x->masks[lo];
}

/* ---- evidence ------------------------------------------------------------- */

/*
 * Option families only one side has, by prefix (after skip-/enable-/...).
 * Sources: Galera "MySQL wsrep Options" (galeracluster.com) for wsrep_*;
 * PXC manual "Index of wsrep system variables" for pxc_* (pxc_strict_mode,
 * pxc_maint_mode, pxc_encrypt_cluster_traffic); MariaDB KB "Aria System
 * Variables" (Aria is MariaDB's engine); MySQL manual "X Plugin Options and
 * Variables" and "Group Replication System Variables" (plugins MariaDB does
 * not have).
 */
static const struct {
	const char *prefix;
	enum infer_side side;
	int galera;
} infer_prefixes[] = {
	{ "wsrep_", INFER_SIDE_NONE, 1 },
	{ "pxc_", INFER_SIDE_PERCONA, 1 },
	{ "aria_", INFER_SIDE_MARIADB, 0 },
	{ "mysqlx", INFER_SIDE_MYSQL, 0 },
	{ "group_replication_", INFER_SIDE_MYSQL, 0 },
};

/* Groups only one side's server reads (load_default_groups, sql/mysqld.cc; mysql-facts.md C3). */
static const struct {
	const char *name;          /* without the version */
	int versioned;             /* NAME-X.Y */
	enum infer_side side;      /* NONE: decided by the version */
} infer_groups[] = {
	{ "mariadb", 0, INFER_SIDE_MARIADB },
	{ "mariadbd", 0, INFER_SIDE_MARIADB },
	{ "client-server", 0, INFER_SIDE_MARIADB },
	{ "galera", 0, INFER_SIDE_MARIADB },
	{ "mariadb", 1, INFER_SIDE_MARIADB },
	{ "mariadbd", 1, INFER_SIDE_MARIADB },
	{ "mysqld", 1, INFER_SIDE_NONE },
};

/* my_getopt's prefixes, stripped before a name means anything; loose- makes it no evidence. */
static const char *infer_strip(const char *name, int *loose)
{
	static const char *const prefixes[] = { "skip", "disable", "enable", "maximum", "loose", "autoset" };
	*loose = 0;
	for (int again = 1; again;) {
		again = 0;
		for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++) {
			if (name[0] != prefixes[i][0])
				continue;   /* the first byte first: nearly every name has no prefix (issue 13) */
			size_t len = strlen(prefixes[i]);
			if (!strncmp(name, prefixes[i], len) && (name[len] == '-' || name[len] == '_') && name[len + 1]) {
				if (!strcmp(prefixes[i], "loose"))
					*loose = 1;
				name += len + 1;
				again = 1;
				break;
			}
		}
	}
	return name;
}

static int infer_prefix_is(const char *name, const char *prefix)
{
	for (; *prefix; name++, prefix++) {
		char a = *name == '-' ? '_' : *name, b = *prefix == '-' ? '_' : *prefix;
		if (a != b)
			return 0;
	}
	return 1;
}

/* One piece of evidence; its text is "WORD NAME" (or "WORD [NAME]" when bracket), in r's arena. */
static struct infer_evidence *infer_add(struct infer_result *r, const char *word, const char *name, int bracket,
					const char *file, unsigned line)
{
	ARRAY_GROW(r->items, r->n + 1, r->cap);
	struct infer_evidence *e = &r->items[r->n++];
	memset(e, 0, sizeof(*e));
	/* put together by hand: a printf per piece of evidence was 10% of inferring (issue 13) */
	size_t wl = strlen(word), nl = strlen(name), at = 0;
	char *what = arena_alloc(&r->arena, wl + nl + 4);
	memcpy(what, word, wl);
	at = wl;
	what[at++] = ' ';
	if (bracket)
		what[at++] = '[';
	memcpy(what + at, name, nl);
	at += nl;
	if (bracket)
		what[at++] = ']';
	what[at] = '\0';
	e->what = what;
	e->file = arena_strdup(&r->arena, file);
	e->line = line;
	return e;
}

/* A value that turns Galera off: wsrep_provider=none, wsrep_on=OFF. */
static int infer_galera_off(const char *name, const char *value)
{
	if (!value)
		return 0;
	if (infer_prefix_is(name, "wsrep_provider") && !name[14])
		return !ascii_strcasecmp(value, "none") || !*value;
	if (infer_prefix_is(name, "wsrep_on") && !name[8])
		return !ascii_strcasecmp(value, "off") || !strcmp(value, "0") || !ascii_strcasecmp(value, "false");
	return 0;
}

/* What a name as written says, whatever its value: an INFER_FACT_* word. */
static size_t infer_name_fact(const struct infer_index *x, const char *written)
{
	int loose;
	const char *name = infer_strip(written, &loose);
	enum infer_side side = INFER_SIDE_NONE;
	int prefix = -1;

	if (loose || strchr(name, '.'))
		return INFER_FACT_SKIP;   /* written not to matter, or a structured / connection option */
	unsigned mask = infer_lookup(x, name);
	if (!mask)
		side = infer_options_lookup(x, name);
	if (mask) {
		int maria = (mask & INFER_MASK_MARIADB) != 0;
		int mysql = (mask & INFER_MASK_MYSQL) != 0, percona = (mask & INFER_MASK_PERCONA) != 0;
		if (maria && !mysql && !percona)
			side = INFER_SIDE_MARIADB;
		else if (!maria && mysql)
			side = INFER_SIDE_MYSQL;
		else if (!maria && percona)
			side = INFER_SIDE_PERCONA;
	}
	for (size_t i = 0; i < ARRAY_SIZE(infer_prefixes); i++) {
		if (infer_prefix_is(name, infer_prefixes[i].prefix)) {
			prefix = (int)i;
			break;
		}
	}
	return (size_t)(name - written) << 8 | (size_t)(prefix + 1) << 4 | (size_t)side << 1;
}

/* infer_name_fact() through the index's memo; hash: util_strhash(written, 0). */
static size_t infer_name_fact_memo(const struct infer_index *x, const char *written, size_t hash)
{
	size_t fact;
	if (!x || !x->options)
		return infer_name_fact(x, written);
	if (strmap_get_hashed(&x->options->facts, written, hash, &fact) == 0)
		return fact;
	fact = infer_name_fact(x, written);
	if (x->options->facts.n < INFER_FACTS_MAX)
		strmap_put_hashed(&x->options->facts, arena_strdup(&x->options->names, written), hash, fact);
	return fact;
}

/* Evidence from one option or capture name; value may be NULL. */
static void infer_name(struct infer_result *r, const struct infer_index *x, const char *written, size_t hash,
		       const char *value, const char *file, unsigned line, int from_file)
{
	size_t fact = infer_name_fact_memo(x, written, hash);
	if (fact & INFER_FACT_SKIP)
		return;
	const char *name = written + INFER_FACT_OFFSET(fact);
	enum infer_side side = (enum infer_side)INFER_FACT_SIDE(fact);
	int prefix = INFER_FACT_PREFIX(fact), galera = 0;
	if (prefix >= 0) {
		if (side == INFER_SIDE_NONE)
			side = infer_prefixes[prefix].side;
		galera = infer_prefixes[prefix].galera && !infer_galera_off(name, value);
	}
	if (side == INFER_SIDE_NONE && !galera)
		return;
	struct infer_evidence *e = infer_add(r, from_file ? "option" : "variable", name, 0, file, line);
	e->side = side;
	e->galera = galera;
}

/* Evidence from a group name; the caller calls it once per group (any case). */
static void infer_group(struct infer_result *r, const char *group, const char *file, unsigned line)
{
	for (size_t i = 0; i < ARRAY_SIZE(infer_groups); i++) {
		size_t len = strlen(infer_groups[i].name);
		struct version v = { 0, 0, -1 };
		enum infer_side side = infer_groups[i].side;
		if (!infer_groups[i].versioned) {
			if (ascii_strcasecmp(group, infer_groups[i].name))
				continue;
		} else {
			char head[32];
			if (len + 1 >= sizeof(head) || strlen(group) <= len + 1 || group[len] != '-')
				continue;
			memcpy(head, group, len);
			head[len] = '\0';
			if (ascii_strcasecmp(head, infer_groups[i].name) || version_parse(&v, group + len + 1) ||
			    v.patch >= 0 || strchr(group + len + 1, '-'))
				continue;
			if (side == INFER_SIDE_NONE) {
				enum flavor f = flavor_of_version(&v);
				side = f == FLAVOR_MARIADB ? INFER_SIDE_MARIADB
				       : f == FLAVOR_MYSQL ? INFER_SIDE_MYSQL : INFER_SIDE_NONE;
			}
		}
		/* at its first option: the reader keeps no header lines */
		struct infer_evidence *e = infer_add(r, "group", group, 1, file, line);
		e->group = 1;
		e->side = side;
		e->strong = side != INFER_SIDE_NONE;
		e->has_version = infer_groups[i].versioned;
		e->version = v;
		return;
	}
}

/* Conclude r from its evidence. */
static void infer_conclude(struct infer_result *r)
{
	int maria = 0, mysql = 0, percona = 0, maria_strong = 0, mysql_strong = 0, galera = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct infer_evidence *e = &r->items[i];
		int strong = e->strong;
		galera |= e->galera;
		switch (e->side) {
		case INFER_SIDE_MARIADB:
			maria = 1;
			maria_strong |= strong;
			break;
		case INFER_SIDE_PERCONA:
			percona = 1;
			/* fall through */
		case INFER_SIDE_MYSQL:
			mysql = 1;
			mysql_strong |= strong;
			break;
		case INFER_SIDE_NONE:
			break;
		}
	}
	r->flavor = FLAVOR_UNKNOWN;
	r->mysql_family_only = 0;
	r->conflict = maria && mysql;
	if (maria && (!mysql || (maria_strong && !mysql_strong))) {
		r->flavor = FLAVOR_MARIADB;
	} else if (mysql && (!maria || (mysql_strong && !maria_strong))) {
		r->flavor = percona ? FLAVOR_PERCONA : FLAVOR_MYSQL;
		r->mysql_family_only = !percona;
	}
	r->variant = galera ? (int)FLAVOR_VARIANT_GALERA : -1;

	/* a version hint: the versioned groups that fit the flavor, when they name one series */
	r->has_version = 0;
	int several = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct infer_evidence *e = &r->items[i];
		if (!e->has_version)
			continue;
		if (r->flavor != FLAVOR_UNKNOWN && !flavor_has_version(r->flavor, &e->version) &&
		    !(r->mysql_family_only && flavor_has_version(FLAVOR_PERCONA, &e->version)))
			continue;
		if (r->has_version && (r->version.major != e->version.major || r->version.minor != e->version.minor))
			several = 1;
		r->version = e->version;
		r->has_version = 1;
	}
	if (several)
		r->has_version = 0;
}

void infer_init(struct infer_result *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
	r->variant = -1;
}

void infer_release(struct infer_result *r)
{
	free(r->items);
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

void infer_from_options(struct infer_result *r, const struct optfile *of, const struct infer_index *x)
{
	const char *last_group = NULL;
	/*
	 * Groups already taken as evidence, any case: the first few in a list
	 * (most files have one or two: a map per target cost more than the
	 * scan, issue 13), the rest hashed (a scan per group was quadratic).
	 */
	enum { INFER_SEEN_LIST = 8 };
	const char *list[INFER_SEEN_LIST];
	size_t nlist = 0, at;
	struct strmap seen;
	strmap_init(&seen, 1);
	for (size_t i = 0; i < of->n; i++) {
		const struct optfile_option *o = &of->options[i];
		const char *file = o->source ? o->source->path : NULL;
		/* options of one group share its name (the same string): compared by address first */
		if (!last_group || (last_group != o->group && ascii_strcasecmp(last_group, o->group))) {
			int known = 0;
			for (size_t k = 0; k < nlist && !known; k++)
				known = list[k] == o->group || !ascii_strcasecmp(list[k], o->group);
			if (!known && nlist == INFER_SEEN_LIST)
				known = strmap_get(&seen, o->group, &at) == 0;
			if (!known) {
				if (nlist < INFER_SEEN_LIST)
					list[nlist++] = o->group;
				else
					strmap_put(&seen, o->group, i);
				infer_group(r, o->group, file, o->line);
			}
		}
		last_group = o->group;
		infer_name(r, x, o->name, o->name_hash, o->value, file, o->line, 1);
	}
	strmap_release(&seen);
	infer_conclude(r);
}

void infer_from_names(struct infer_result *r, const char *const *names, const unsigned *lines, size_t n,
		      const char *file, const struct infer_index *x)
{
	for (size_t i = 0; i < n; i++)
		infer_name(r, x, names[i], util_strhash(names[i], 0), NULL, file, lines ? lines[i] : 0, 0);
	infer_conclude(r);
}

/* Does evidence e support flavor f (and the build)? */
static int infer_supports(const struct infer_evidence *e, enum flavor f)
{
	switch (e->side) {
	case INFER_SIDE_MARIADB:
		return f == FLAVOR_MARIADB;
	case INFER_SIDE_MYSQL:
		return f == FLAVOR_MYSQL || f == FLAVOR_PERCONA;
	case INFER_SIDE_PERCONA:
		return f == FLAVOR_PERCONA;
	case INFER_SIDE_NONE:
		break;
	}
	return e->galera || e->has_version;
}

static void infer_describe_items(struct strbuf *sb, const struct infer_result *r, enum flavor f, int against,
				 size_t max_items)
{
	size_t shown = 0, more = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct infer_evidence *e = &r->items[i];
		if (against ? (e->side == INFER_SIDE_NONE || infer_supports(e, f)) : !infer_supports(e, f))
			continue;
		if (shown == max_items) {
			more++;
			continue;
		}
		/*
		 * put together by hand: two printfs per piece, twice per target,
		 * were a third of deciding; then each piece's length once and one
		 * copy each into room made at once (issue 13)
		 */
		char num[UTIL_DIGITS_MAX];
		const char *digits = util_digits(num + sizeof(num), e->line);
		size_t nl = (size_t)(num + sizeof(num) - digits), wl = strlen(e->what), fl = e->file ? strlen(e->file) : 0;
		const char *join = e->file ? " at " : " (line ";
		size_t jl = e->file ? 4 : 7;
		ARRAY_GROW(sb->buf, sb->len + 2 + wl + jl + fl + 1 + nl + 1 + 1, sb->cap);
		char *o = sb->buf + sb->len;
		if (shown) {
			memcpy(o, ", ", 2);
			o += 2;
		}
		memcpy(o, e->what, wl);
		o += wl;
		if (e->line) {
			memcpy(o, join, jl);
			o += jl;
			if (e->file) {
				memcpy(o, e->file, fl);
				o += fl;
				*o++ = ':';
			}
			memcpy(o, digits, nl);
			o += nl;
			if (!e->file)
				*o++ = ')';
		}
		*o = '\0';
		sb->len = (size_t)(o - sb->buf);
		shown++;
	}
	if (more)
		strbuf_addf(sb, " (and %zu more)", more);
}

const char *infer_describe(struct infer_result *r, size_t max_items)
{
	struct strbuf sb = { 0 };
	infer_describe_items(&sb, r, r->flavor, 0, max_items);
	const char *out = sb.len ? arena_strdup(&r->arena, sb.buf) : NULL;
	strbuf_release(&sb);
	return out;
}

/* ---- the decision --------------------------------------------------------- */

#define INFER_SHOWN 4

/* A layer's name for humans: "command-line" -> "command line". */
static const char *infer_layer(const char *source, char *buf, size_t size)
{
	size_t i;
	for (i = 0; source[i] && i + 1 < size; i++)
		buf[i] = source[i] == '-' ? ' ' : source[i];
	buf[i] = '\0';
	return buf;
}

/* strbuf_addstr() when the text is wanted (ev non-NULL: infer_decide(), not infer_presume()) */
static void infer_ev(struct strbuf *ev, const char *text)
{
	if (ev)
		strbuf_addstr(ev, text);
}

/* infer_decide(), and with text 0 infer_presume(): the same decision, without its text and warnings. */
static void infer_decide_as(struct settings *s, const struct flavor_choice *given, struct infer_result *r, int text)
{
	struct strbuf evb = { 0 }, sb = { 0 }, *ev = text ? &evb : NULL;
	char vbuf[32], layer[64] = "";
	const char *where = s->target;
	if (text) {
		ARRAY_GROW(evb.buf, 256, evb.cap);   /* room for the usual text at once (issue 13) */
		ARRAY_GROW(sb.buf, 128, sb.cap);
		evb.buf[0] = sb.buf[0] = '\0';
		infer_layer(given->source ? given->source : "command-line", layer, sizeof(layer));
	} else {
		r = NULL;   /* nothing inferred yet */
	}
	enum flavor inferred = r ? r->flavor : FLAVOR_UNKNOWN;
	enum flavor by_version = given->version_set ? flavor_of_version(&given->version) : FLAVOR_UNKNOWN;

	/* flavor */
	if (given->flavor != FLAVOR_UNKNOWN) {
		s->flavor = given->flavor;
		s->flavor_source = given->source;
		infer_ev(ev, "flavor from the ");
		infer_ev(ev, layer);
	} else if (by_version != FLAVOR_UNKNOWN &&
		   !(by_version == FLAVOR_MYSQL && inferred == FLAVOR_PERCONA &&
		     flavor_has_version(FLAVOR_PERCONA, &given->version))) {
		s->flavor = by_version;
		s->flavor_source = given->source;
		if (ev)
			strbuf_addf(ev, "flavor from the version given (%s had %s)", flavor_display(by_version),
				    version_format(&given->version, vbuf, sizeof(vbuf)));
	} else if (inferred != FLAVOR_UNKNOWN &&
		   (!given->version_set || flavor_has_version(inferred, &given->version))) {
		s->flavor = inferred;
		s->flavor_source = "inferred";
		infer_ev(ev, "flavor inferred from the files");
	} else {
		s->flavor = FLAVOR_DEFAULT;
		s->flavor_source = "default";
		infer_ev(ev, r && r->conflict ? "flavor: the files point both ways, so the default"
					     : "flavor: nothing names one, so the default");
		if (inferred != FLAVOR_UNKNOWN && text) {
			diag_add(&s->build_diags, DIAG_WARNING, where, 0,
				 "the files look like %s, which never had release %s: audited as %s",
				 flavor_display(inferred), version_format(&given->version, vbuf, sizeof(vbuf)),
				 flavor_display(s->flavor));
		}
	}

	/* build */
	if (given->variant >= 0) {
		s->variant = (enum flavor_variant)given->variant;
	} else if (r && r->variant >= 0) {
		s->variant = (enum flavor_variant)r->variant;
		infer_ev(ev, "; Galera build inferred from the files");
	} else {
		s->variant = FLAVOR_VARIANT_PLAIN;
	}

	/* version */
	if (given->version_set) {
		s->version = given->version;
		infer_ev(ev, "; version from the ");
		infer_ev(ev, layer);
	} else if (r && r->has_version && flavor_has_version(s->flavor, &r->version)) {
		s->version = r->version;
		infer_ev(ev, "; version ");
		infer_ev(ev, version_format(&r->version, vbuf, sizeof(vbuf)));
		infer_ev(ev, " from a versioned group");
	} else {
		flavor_default_version(s->flavor, &s->version);
		/* put together without printf (issue 13: a third of deciding) */
		infer_ev(ev, "; version ");
		infer_ev(ev, version_format(&s->version, vbuf, sizeof(vbuf)));
		infer_ev(ev, ": ");
		infer_ev(ev, flavor_display(s->flavor));
		infer_ev(ev, "'s default");
	}

	/* what the files say */
	if (r && r->n) {
		strbuf_reset(&sb);
		infer_describe_items(&sb, r, s->flavor, 0, INFER_SHOWN);
		if (sb.len) {
			infer_ev(ev, "; the files: ");
			strbuf_add(ev, sb.buf, sb.len);
		}
	}
	if (ev)
		s->flavor_evidence = settings_intern(s, ev->buf);

	/* a given flavor or build the files contradict */
	if (r && r->n) {
		strbuf_reset(&sb);
		infer_describe_items(&sb, r, s->flavor, 1, INFER_SHOWN);
		if (sb.len && !strcmp(s->flavor_source, "inferred"))
			diag_add(&s->build_diags, DIAG_WARNING, where, 0,
				 "the files point to more than one flavor: audited as %s, but %s say otherwise",
				 flavor_display(s->flavor), sb.buf);
		else if (sb.len && !strcmp(s->flavor_source, "default"))
			diag_add(&s->build_diags, DIAG_WARNING, where, 0,
				 "the files point to more than one flavor (%s): audited as %s, the default "
				 "(give --flavor)", sb.buf, flavor_build_display(s->flavor, s->variant));
		else if (sb.len)
			diag_add(&s->build_diags, DIAG_WARNING, where, 0,
				 "the files do not look like %s (%s): audited as %s as the %s says",
				 flavor_display(s->flavor), sb.buf, flavor_build_display(s->flavor, s->variant),
				 layer);
		if (given->variant == FLAVOR_VARIANT_PLAIN && r->variant == FLAVOR_VARIANT_GALERA)
			diag_add(&s->build_diags, DIAG_WARNING, where, 0,
				 "the files configure Galera (wsrep_* options) but the %s names a plain build",
				 layer);
	}
	strbuf_release(&sb);
	strbuf_release(&evb);
}

void infer_decide(struct settings *s, const struct flavor_choice *given, struct infer_result *r)
{
	infer_decide_as(s, given, r, 1);
}

void infer_presume(struct settings *s, const struct flavor_choice *given)
{
	infer_decide_as(s, given, NULL, 0);
}

/* ---- groups nobody reads ----------------------------------------------------- */

/* Is group a server group of some flavor and version (not a client's)? */
static int infer_server_group(const char *group)
{
	static const char *const plain[] = { "mysqld", "server", "mariadb", "mariadbd", "client-server", "galera" };
	static const char *const versioned[] = { "mysqld-", "mariadb-", "mariadbd-" };
	for (size_t i = 0; i < ARRAY_SIZE(plain); i++)
		if (!ascii_strcasecmp(group, plain[i]))
			return 1;
	for (size_t i = 0; i < ARRAY_SIZE(versioned); i++) {
		size_t len = strlen(versioned[i]);
		char head[16];
		if (strlen(group) <= len)
			continue;
		memcpy(head, group, len);
		head[len] = '\0';
		if (!ascii_strcasecmp(head, versioned[i]) && isdigit((unsigned char)group[len]))
			return 1;
	}
	return 0;
}

void infer_unread_groups(struct settings *s, const struct optfile *of, const struct optfile_groups *g)
{
	char where[96], vbuf[32];
	struct strmap first;   /* group (any case) -> its first option: hashed, a scan per option was quadratic */
	size_t *count;
	size_t at, unread = 0;
	const char *last = NULL;
	int skip = 0;
	/* every option in a group the target reads (nearly always): nothing to say (issue 13) */
	for (size_t i = 0; i < of->n && !unread; i++) {
		if (of->options[i].group != last) {
			last = of->options[i].group;
			unread = !optfile_groups_match(g, last) && infer_server_group(last);
		}
	}
	if (!unread)
		return;
	unread = 0;
	last = NULL;
	count = xcalloc(of->n ? of->n : 1, sizeof(*count));
	strmap_init(&first, 1);
	for (size_t i = 0; i < of->n; i++) {
		const struct optfile_option *o = &of->options[i];
		/* the options of one group share its name (one string): judged once per run of them (issue 13) */
		if (o->group != last) {
			last = o->group;
			skip = optfile_groups_match(g, o->group) || !infer_server_group(o->group);
		}
		if (skip)
			continue;
		unread++;
		if (strmap_get(&first, o->group, &at) < 0) {
			at = i;
			strmap_put(&first, o->group, i);
		}
		count[at]++;
	}
	if (unread)
		snprintf(where, sizeof(where), "%s %s", flavor_build_display(s->flavor, s->variant),
			 version_format(&s->version, vbuf, sizeof(vbuf)));
	/* one warning per group, at its first option */
	for (size_t i = 0; unread && i < of->n; i++) {
		const struct optfile_option *o = &of->options[i];
		if (!count[i])
			continue;
		diag_add(&s->build_diags, DIAG_WARNING, o->source ? o->source->path : NULL, o->line,
			 "group [%s] is not read by %s: %zu option%s in it %s not audited", o->group, where, count[i],
			 count[i] == 1 ? "" : "s", count[i] == 1 ? "is" : "are");
	}
	strmap_release(&first);
	free(count);
}

/* ---- captures ----------------------------------------------------------------- */

void infer_capture(struct settings *s, const struct flavor_choice *given, struct infer_index *x)
{
	struct infer_result ir;
	struct strbuf ev = { 0 };
	const char **names = xcalloc(s->n ? s->n : 1, sizeof(*names));
	unsigned *lines = xcalloc(s->n ? s->n : 1, sizeof(*lines));
	const char *file = NULL;
	size_t n = 0;
	char vbuf[32];

	for (size_t i = 0; i < s->n; i++) {
		const struct settings_var *v = &s->vars[i];
		if (v->current.origin.source != SETTINGS_SRC_SNAPSHOT || !v->current.spelled)
			continue;
		names[n] = v->current.spelled;
		lines[n++] = v->current.origin.line;
		file = v->current.origin.file;
	}
	infer_init(&ir);
	infer_from_names(&ir, names, lines, n, file, x);
	if (s->flavor_evidence)
		strbuf_addstr(&ev, s->flavor_evidence);
	enum flavor by_version = given->version_set ? flavor_of_version(&given->version) : FLAVOR_UNKNOWN;
	if (by_version != FLAVOR_UNKNOWN) {
		s->flavor = by_version;
		s->flavor_source = given->source;
		strbuf_addf(&ev, "%sflavor from the version given (%s had %s)", ev.len ? "; " : "",
			    flavor_display(by_version), version_format(&given->version, vbuf, sizeof(vbuf)));
	} else if (ir.flavor != FLAVOR_UNKNOWN) {
		s->flavor = ir.flavor;
		s->flavor_source = "inferred";
		strbuf_addf(&ev, "%sflavor inferred from the variables it reports: %s", ev.len ? "; " : "",
			    infer_describe(&ir, INFER_SHOWN));
	}
	if (ir.variant == FLAVOR_VARIANT_GALERA && given->variant < 0)
		s->variant = FLAVOR_VARIANT_GALERA;
	if (ev.len)
		s->flavor_evidence = settings_intern(s, ev.buf);
	strbuf_release(&ev);
	infer_release(&ir);
	free(names);
	free(lines);
}
