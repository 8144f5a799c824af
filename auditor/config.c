/*
 * config.c - option-file options to effective settings (see config.h).
 *
 * Each option is resolved the way the server's my_getopt does, against the
 * full option catalog of the target's product and release (options.h);
 * the crash-safety variables among them also get their catalog variable
 * (catalog.h). Where the full catalog has no list for the target, the
 * variable catalog alone decides, as before it existed.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memo.h"
#include "options.h"
#include "prebuilt.h"
#include "secret.h"
#include "banned.h"

/* my_getopt's special prefixes, tried in this order when a name is unknown. */
enum config_prefix {
	CONFIG_PREFIX_SKIP = 0,
	CONFIG_PREFIX_DISABLE,
	CONFIG_PREFIX_ENABLE,
	CONFIG_PREFIX_MAXIMUM,
	CONFIG_PREFIX_LOOSE,
	CONFIG_PREFIX_AUTOSET,    /* MariaDB only */
};

static const struct {
	const char *word;
	int mariadb_only;
} config_prefixes[] = {
	[CONFIG_PREFIX_SKIP] = { "skip", 0 },
	[CONFIG_PREFIX_DISABLE] = { "disable", 0 },
	[CONFIG_PREFIX_ENABLE] = { "enable", 0 },
	[CONFIG_PREFIX_MAXIMUM] = { "maximum", 0 },
	[CONFIG_PREFIX_LOOSE] = { "loose", 0 },
	[CONFIG_PREFIX_AUTOSET] = { "autoset", 1 },
};

/* Options whose value is a base name and whose presence turns the variable ON. */
static const char *const config_basename_options[] = { "log_bin" };

/* MySQL's structured key-cache variables (mysys is_key_cache_variable_suffix). */
static const char *const config_mysql_keycache[] = {
	"key_buffer_size", "key_cache_block_size", "key_cache_division_limit", "key_cache_age_threshold",
};

/*
 * Options that set a crash-safety variable other than their own name:
 * MySQL's skip-log-bin (mysqld.cc OPT_SKIP_LOG_BIN) turns the binary log off.
 */
static const struct {
	const char *option, *var, *value;
} config_option_effects[] = {
	{ "skip_log_bin", "log_bin", "OFF" },
};

/* The options that load plugins (their values name libraries and plugins). */
static const char *const config_plugin_load_options[] = { "plugin_load", "plugin_load_add" };

/* The problems of one fact (option_file_errors, removed_options): they live in s->problems. */
struct config_problems {
	const char *fact;
	size_t n;
	size_t first;   /* index in s->problems of the first one */
	size_t hash;    /* the fact's strmap_hash_of() in the target's index, when hash_set */
	int hash_set;
};

struct config_resolved;

/* The result of resolving one option name. */
struct config_match {
	struct options_lookup full;     /* in the full catalog (state NO_LIST: not used) */
	int use_full;                   /* the full catalog decided */
	const struct catalog_var *var;  /* the crash-safety variable, or NULL */
	const char *name;               /* the spelling that matched (after prefixes) */
	int loose;
	int negate;                     /* skip-/disable- */
	int enable;                     /* enable- */
	int maximum;                    /* maximum- */
	int autoset;                    /* autoset- (MariaDB) */
	int abbreviated;                /* MariaDB prefix abbreviation */
	int ambiguous;                  /* MariaDB: the prefix names several options */
	const char *amb1, *amb2;
	const char *instance;           /* "conn" in conn.option: a struct instance */
};

/* A resolution kept for a release (config_build.resolved). */
struct config_resolved {
	struct config_match m;
	long name_at;                     /* m.name is the resolved name + name_at; -1: m.name as is */
};

static int prefix_strip(const char *name, const char *word, const char **rest)
{
	size_t len = strlen(word);
	if (strncmp(name, word, len) || (name[len] != '-' && name[len] != '_'))
		return 0;
	*rest = name + len + 1;
	return 1;
}

/* What config_load() works out alike for every target of one release (config.h, config_cache). */
struct config_build {
	enum flavor flavor;
	enum flavor_variant variant;
	struct version version;
	char ver[32];
	char label[64];                   /* "MariaDB 10.11" */
	char *detail, *unknown;           /* the origins of defaults, known and not known offline */
	int full;                         /* config_full_catalog() */
	size_t *defaults;                 /* the catalog variables the release has, in catalog order ... */
	const char **values;              /* ... and their defaults there (the catalog's strings; NULL: unknown) */
	size_t ndefaults;
	/*
	 * Option names resolved for this release (config_resolve()): name ->
	 * index in matches; a match's name is kept as an offset into the name
	 * resolved when it points into it (name_at >= 0), else as is (a
	 * compiled-in or catalog string). Only resolutions that asked nothing
	 * of the target's files (no MariaDB abbreviation: it looks at the
	 * plugins the files load) are kept, at most CONFIG_CACHE_NAMES.
	 */
	struct strmap resolved;
	struct config_resolved *matches;
	size_t nmatches, matches_cap;
	struct arena keys;
	/*
	 * Added (session 6): what config_option() did with an option line of
	 * this release, by the line's name and value (the name's outcomes in a
	 * list, at most CONFIG_OUTCOMES_PER_NAME values): the settings it wrote, in order. Kept only when that was
	 * all it did (no diagnostic, no problem), it asked nothing of the files
	 * (loaded plugins, abbreviations), and the variable whose value it read
	 * was not set yet (read: that variable's name, or NULL); replayed for a
	 * later target's same line while that variable is still unset there.
	 * At most CONFIG_CACHE_OUTCOMES lines (lines with a value of their own,
	 * server_id = 17, fill it only up to that).
	 */
	struct strmap outcomes;           /* option name as written -> index in outv of its latest outcome */
	struct config_outcome *outv;
	size_t nout, outv_cap;
	struct config_write *writes;      /* the outcomes' writes, each outcome's in a run */
	size_t nwrites, writes_cap;
	struct settings_problem *problems;   /* their problems (origin: the line's own when replayed) */
	size_t nproblems, problems_cap;
	struct config_diag *diags;        /* their diagnostics (all at the line) */
	size_t ndiags, diags_cap;
	struct arena out_arena;           /* the texts, names and values */
};

/* A diagnostic an option line gave (config_build.diags): at the line, wherever it is. */
struct config_diag {
	enum diag_level level;
	const char *message;
};

#define CONFIG_CACHE_OUTCOMES 1024
#define CONFIG_OUTCOMES_PER_NAME 8

/* One setting an option line wrote (config_build.writes). */
struct config_write {
	long var;                         /* catalog index (config_set()), or -1: an option (settings_set()) */
	const char *name;                 /* var -1: the option's name ... */
	size_t hash;                      /* ... its util_strhash() ... */
	int secret;                       /* ... and whether it is a secret's (secret_name()) */
	const char *value;                /* NULL: unknown */
};

struct config_outcome {
	const char *read;                 /* the variable whose value the line's check read, or NULL */
	size_t read_hash;                 /* util_strhash() of it */
	size_t first, n;                  /* its writes in config_build.writes */
	const char *spelled;              /* the option as written (the line's name): the writes' spelling */
	const char *value;                /* the line's value (NULL: none) ... */
	size_t next;                      /* ... and 1 + index of the name's outcome before it, 0: none */
	size_t pfirst, pn;                /* its problems in config_build.problems */
	size_t dfirst, dn;                /* its diagnostics in config_build.diags */
};

#define CONFIG_VALUE_TEXT 40

/* catalog_check_value()'s answer for a variable, flavor and value (config_cache.values). */
#define CONFIG_CACHE_VALUES 256
struct config_value_answer {
	size_t var;                       /* 1 + catalog index; 0: an empty slot */
	enum flavor flavor;
	signed char has_raw, has_out;
	char raw[CONFIG_VALUE_TEXT], out[CONFIG_VALUE_TEXT];
	enum catalog_verdict verdict;
	const char *why;                  /* static text */
};

struct config_cache {
	const struct catalog *c;
	struct config_build builds[CONFIG_CACHE_BUILDS];
	size_t nbuilds;
	struct strmap names;              /* option name -> 1 + index of its catalog variable, 0: none */
	struct arena arena;               /* the names */
	const size_t *hashes;             /* per catalog variable: util_strhash() of its name (not folded) */
	const unsigned char *secret;      /* per catalog variable: secret_name() of its name */
	int own_hashes;                   /* hashes and secret are the cache's (else prebuilt.h's) */
	unsigned char *set;               /* config_state.set of the target under way (one at a time) */
	size_t fact_hash[2];              /* util_strhash() of the two facts' names (errors, removed) */
	int (*keep)(void *ctx, const char *name);   /* config_cache_retain(), or NULL */
	void *keep_ctx;
	struct memo values;               /* of struct config_value_answer, direct-mapped, small until it misses */
};

struct config_state {
	struct settings *s;
	const struct catalog *c;
	struct config_cache *cc;          /* or NULL */
	struct config_build *b;           /* the release's, in cc (NULL: not cached) */
	int asked_files;                  /* the resolution under way looked at the files (abbreviation, plugins) */
	int recording;                    /* config_option() under way keeps its writes (config_build.outcomes) */
	int rec_refused;                  /* ... and something makes them not worth keeping */
	const char *rec_read;             /* ... the variable whose value it read, or NULL */
	struct settings_origin rec_origin;    /* ... the origin it gave the line (its texts are s's) */
	int have_rec_origin;
	struct options_target target;
	int full;                         /* the full catalog has a list for the target */
	struct config_problems errors;    /* option_file_errors */
	struct config_problems removed;   /* removed_options */
	unsigned char *set;               /* per catalog variable: set by an option */
	size_t preset;                    /* variables s held before config_load() */
	char ver[32];
	char label[64];                   /* "MariaDB 10.11" */
	char **loaded;                    /* plugin-load(-add) words: libraries and plugin names */
	size_t nloaded, loaded_cap;
};

/* ---- name resolution ------------------------------------------------------ */

/*
 * options_lookup() answers from the option tables compiled in, for a
 * product, a version and a name alone: the same question from the next
 * target with the same release gets the answer remembered here (issue 13:
 * the lookups were 6% of a 10,000-file check). Direct-mapped, per thread.
 */
#define CONFIG_MEMO_SLOTS 256
#define CONFIG_MEMO_NAME 48

struct config_memo {
	int used;
	enum options_product product;
	int version;
	char name[CONFIG_MEMO_NAME];
	struct options_lookup answer;
};

/* per thread, small until it misses (memo.h: the fixed array was start-up cost, issue 13) */
static _Thread_local struct memo config_memo = MEMO_PER_THREAD;

static void config_options_lookup(const struct options_target *t, const char *name, struct options_lookup *out)
{
	size_t len = strlen(name);
	if (len >= CONFIG_MEMO_NAME) {
		options_lookup(t, name, out);
		return;
	}
	size_t h = util_strhash(name, 0) ^ ((size_t)t->version * 31 + (size_t)t->product);
	struct config_memo *m = memo_slot(&config_memo, sizeof(*m), CONFIG_MEMO_SLOTS, h);
	if (m->used && m->product == t->product && m->version == t->version && !strcmp(m->name, name)) {
		*out = m->answer;
		return;
	}
	memo_missed(&config_memo);
	options_lookup(t, name, out);
	m->used = 1;
	m->product = t->product;
	m->version = t->version;
	memcpy(m->name, name, len + 1);
	m->answer = *out;
}

/*
 * options_plugin_of() of an entry of the compiled-in tables (they live as
 * long as the process): remembered per thread by the entry's address
 * (issue 13: a scan of every plugin for each option of each target). The
 * answer is the entry's own (options.c reads only the entry's product and
 * provider, not the target).
 */
#define CONFIG_PLUGIN_MEMO 256

struct config_plugin_memo {
	const struct options_entry *e;   /* NULL: an empty slot */
	const struct options_plugin *plugin;
};

static _Thread_local struct memo config_plugin_memo = MEMO_PER_THREAD;

static const struct options_plugin *config_plugin_of(const struct options_target *t, const struct options_entry *e)
{
	size_t h = (size_t)(((uint64_t)(uintptr_t)e * 0x9e3779b97f4a7c15ULL) >> 56);
	struct config_plugin_memo *m = memo_slot(&config_plugin_memo, sizeof(*m), CONFIG_PLUGIN_MEMO, h);
	if (m->e != e) {
		memo_missed(&config_plugin_memo);
		m->e = e;
		m->plugin = options_plugin_of(t, e);
	}
	return m->plugin;
}

/* catalog_lookup() through the run's cache (config_cache), when there is one. */
static const struct catalog_var *config_catalog_lookup(const struct config_state *st, const char *name)
{
	size_t at;
	if (!st->cc)
		return catalog_lookup(st->c, name);
	if (strmap_get(&st->cc->names, name, &at) == 0)
		return at ? &st->c->vars[at - 1] : NULL;
	const struct catalog_var *v = catalog_lookup(st->c, name);
	if (st->cc->names.n < CONFIG_CACHE_NAMES)
		strmap_put(&st->cc->names, arena_strdup(&st->cc->arena, name), v ? (size_t)(v - st->c->vars) + 1 : 0);
	return v;
}

/*
 * options_check_value() answers from the entry (a compiled-in table row,
 * alive as long as the process), the product, the value and the value
 * before it alone (its *why is static text): the same question from the
 * next target gets the answer remembered here (issue 13: a tenth of
 * reading a target). Direct-mapped, per thread; values too long for a
 * slot are checked each time.
 */
#define CONFIG_VALUE_MEMO 256

struct config_value_memo {
	const struct options_entry *e;    /* NULL: an empty slot */
	enum options_product p;
	signed char has_raw, has_prev, has_out;
	char raw[CONFIG_VALUE_TEXT], prev[CONFIG_VALUE_TEXT], out[CONFIG_VALUE_TEXT];
	enum catalog_verdict verdict;
	const char *why;
};

static _Thread_local struct memo config_value_memo = MEMO_PER_THREAD;

/* Copy text (NULL allowed) into a slot's buffer; 0, or -1 when it does not fit. */
static int config_memo_text(char *buf, signed char *has, const char *text)
{
	*has = text != NULL;
	if (!text)
		return 0;
	size_t len = strlen(text);
	if (len >= CONFIG_VALUE_TEXT)
		return -1;
	memcpy(buf, text, len + 1);
	return 0;
}

static int config_memo_same(const char *buf, signed char has, const char *text)
{
	return has ? text && !strcmp(buf, text) : !text;
}

static enum catalog_verdict config_check_value(const struct options_entry *e, enum options_product p,
					       const char *raw, const char *prev, char **out, const char **why)
{
	/* the slot by entry and value; the value before it is compared, not hashed (one hash per option) */
	size_t h = util_strhash(raw ? raw : "", 0);
	h ^= (size_t)(((uint64_t)(uintptr_t)e * 0x9e3779b97f4a7c15ULL) >> 32) + (size_t)p;
	struct config_value_memo *m = memo_slot(&config_value_memo, sizeof(*m), CONFIG_VALUE_MEMO, h);
	if (m->e == e && m->p == p && config_memo_same(m->raw, m->has_raw, raw) &&
	    config_memo_same(m->prev, m->has_prev, prev)) {
		*out = m->has_out ? xstrdup(m->out) : NULL;
		*why = m->why;
		return m->verdict;
	}
	memo_missed(&config_value_memo);
	enum catalog_verdict verdict = options_check_value(e, p, raw, prev, out, why);
	m->e = NULL;
	if (config_memo_text(m->raw, &m->has_raw, raw) || config_memo_text(m->prev, &m->has_prev, prev) ||
	    config_memo_text(m->out, &m->has_out, *out))
		return verdict;
	m->e = e;
	m->p = p;
	m->verdict = verdict;
	m->why = *why;
	return verdict;
}

/*
 * catalog_check_value() through the run's cache: its answer depends on the
 * variable, the flavor and the value alone (*why is static text). Values
 * too long for a slot are checked each time.
 */
static enum catalog_verdict config_catalog_check(const struct config_state *st, const struct catalog_var *v,
						 enum flavor f, const char *raw, char **out, const char **why)
{
	if (!st->cc)
		return catalog_check_value(v, f, raw, out, why);
	size_t var = (size_t)(v - st->c->vars) + 1;
	size_t h = (util_strhash(raw ? raw : "", 0) ^ (var * 0x9e3779b97f4a7c15ULL)) + (size_t)f;
	struct config_value_answer *a = memo_slot(&st->cc->values, sizeof(*a), CONFIG_CACHE_VALUES, h);
	if (a->var == var && a->flavor == f && config_memo_same(a->raw, a->has_raw, raw)) {
		*out = a->has_out ? xstrdup(a->out) : NULL;
		*why = a->why;
		return a->verdict;
	}
	memo_missed(&st->cc->values);
	enum catalog_verdict verdict = catalog_check_value(v, f, raw, out, why);
	a->var = 0;
	if (config_memo_text(a->raw, &a->has_raw, raw) || config_memo_text(a->out, &a->has_out, *out))
		return verdict;
	a->var = var;
	a->flavor = f;
	a->verdict = verdict;
	a->why = *why;
	return verdict;
}

/* The catalog variable of a server option name, or NULL. */
static const struct catalog_var *config_semantic(const struct config_state *st, const char *name)
{
	return config_catalog_lookup(st, name);
}

static int config_plugin_loaded(struct config_state *st, const struct options_plugin *p);

#define CONFIG_MAX_CANDIDATES 64

/*
 * MariaDB abbreviations, in the server's order: the server's own options
 * first (get_options); when none matches, each plugin parses the rest with
 * its own options (plugin_init, test_plugin_options), only plugins built in
 * or loaded by the files. Sets m and returns 1 (found), -1 (ambiguous, or
 * several plugins) or 0.
 */
static int config_abbreviation(struct config_state *st, const char *name, struct config_match *m)
{
	st->asked_files = 1;   /* the plugins the files load: not kept per release */
	const struct options_entry *cand[CONFIG_MAX_CANDIDATES];
	int uncertain = 0;
	size_t n = options_prefix(&st->target, name, cand, CONFIG_MAX_CANDIDATES, &uncertain);
	if (n > CONFIG_MAX_CANDIDATES)
		n = CONFIG_MAX_CANDIDATES;
	const struct options_entry *server[2] = { NULL, NULL }, *plugin[2] = { NULL, NULL };
	size_t nserver = 0, nplugin = 0;
	const char *same_plugin = NULL;
	int plugins_differ = 0;
	for (size_t i = 0; i < n; i++) {
		const struct options_plugin *p = config_plugin_of(&st->target, cand[i]);
		if (!p) {
			if (nserver < 2)
				server[nserver] = cand[i];
			nserver++;
			continue;
		}
		if (p->policy == OPTIONS_PLUGIN_DYNAMIC && !config_plugin_loaded(st, p))
			continue;
		if (nplugin < 2)
			plugin[nplugin] = cand[i];
		nplugin++;
		if (same_plugin && strcmp(same_plugin, p->name))
			plugins_differ = 1;
		same_plugin = p->name;
	}
	const struct options_entry **pick = nserver ? server : plugin;
	size_t count = nserver ? nserver : nplugin;
	if (count == 1 && !uncertain) {
		config_options_lookup(&st->target, pick[0]->name, &m->full);
		m->name = pick[0]->name;
		m->abbreviated = 1;
		return 1;
	}
	if (count > 1 && (nserver || !plugins_differ)) {
		m->ambiguous = 1;
		m->amb1 = pick[0]->name;
		m->amb2 = pick[1]->name;
		return -1;
	}
	if (count > 1 || uncertain) {
		m->full.state = OPTIONS_UNCERTAIN;
		m->full.why = OPTIONS_WHY_BETWEEN;
		m->name = name;
		return 1;
	}
	return 0;
}

/* Exact name, then (MariaDB) a unique prefix, in the full catalog. 1 found, 0 not, -1 stop. */
static int config_find_full(struct config_state *st, const char *name, struct config_match *m)
{
	config_options_lookup(&st->target, name, &m->full);
	if (m->full.state != OPTIONS_ABSENT) {
		m->name = m->full.entry ? m->full.entry->name : name;
		return 1;
	}
	if (st->s->flavor != FLAVOR_MARIADB || !*name)
		return 0;
	return config_abbreviation(st, name, m);
}

/* Exact catalog name, then (MariaDB) a unique abbreviation among catalog names. */
static int config_find_semantic(const struct config_state *st, const char *name, struct config_match *m)
{
	const struct catalog_var *v = config_catalog_lookup(st, name);
	if (v) {
		m->var = v;
		m->name = name;
		return 1;
	}
	if (st->s->flavor == FLAVOR_MARIADB && *name) {
		const char *full = NULL;
		if (catalog_prefix_lookup(st->c, name, &v, &full) == 1) {
			m->var = v;
			m->name = full;
			m->abbreviated = 1;
			return 1;
		}
	}
	return 0;
}

/*
 * Resolve name as my_getopt does: the whole name first, then strip one
 * special prefix at a time, restarting the list after each strip.
 */
static void config_resolve(struct config_state *st, const char *name, struct config_match *m)
{
	memset(m, 0, sizeof(*m));
	m->use_full = st->full;
	const char *cur = name;
	/*
	 * A name the lists cannot decide may still be a prefix and a known
	 * option (skip-log-replica-updates where only the base product's list
	 * exists): keep the first uncertainty, and go on stripping prefixes.
	 */
	struct config_match uncertain;
	int have_uncertain = 0;
	for (;;) {
		int found = m->use_full ? config_find_full(st, cur, m) : config_find_semantic(st, cur, m);
		if (found < 0)
			return;
		if (found && m->use_full && m->full.state == OPTIONS_UNCERTAIN) {
			if (!have_uncertain) {
				uncertain = *m;
				have_uncertain = 1;
			}
			found = 0;
		}
		if (found) {
			if (m->use_full && m->full.state == OPTIONS_PRESENT)
				m->var = config_semantic(st, m->name);
			return;
		}
		size_t i;
		const char *rest = NULL;
		for (i = 0; i < ARRAY_SIZE(config_prefixes); i++) {
			if (config_prefixes[i].mariadb_only && st->s->flavor != FLAVOR_MARIADB)
				continue;
			if (prefix_strip(cur, config_prefixes[i].word, &rest))
				break;
		}
		if (i == ARRAY_SIZE(config_prefixes))
			break;
		switch ((enum config_prefix)i) {
		case CONFIG_PREFIX_SKIP:
		case CONFIG_PREFIX_DISABLE:
			m->negate = 1;
			m->enable = 0;
			break;
		case CONFIG_PREFIX_ENABLE:
			m->enable = 1;
			m->negate = 0;
			break;
		case CONFIG_PREFIX_MAXIMUM:
			m->maximum = 1;
			break;
		case CONFIG_PREFIX_LOOSE:
			m->loose = 1;
			break;
		case CONFIG_PREFIX_AUTOSET:
			m->autoset = 1;
			break;
		}
		cur = rest;
	}
	if (have_uncertain) {
		uncertain.loose |= m->loose;
		*m = uncertain;
		return;
	}
	/* unknown: keep what an error message needs */
	int loose = m->loose, use_full = m->use_full;
	struct options_lookup full = m->full;
	memset(m, 0, sizeof(*m));
	m->loose = loose;
	m->use_full = use_full;
	m->full = full;
	m->full.state = OPTIONS_ABSENT;
	m->name = cur;
	/* the whole name decides what an unknown option was (removed, replaced) */
	if (use_full) {
		struct options_lookup whole;
		config_options_lookup(&st->target, name, &whole);
		if (whole.state == OPTIONS_ABSENT && whole.last)
			m->full = whole;
		else if (strcmp(cur, name)) {
			config_options_lookup(&st->target, cur, &whole);
			if (whole.state == OPTIONS_ABSENT)
				m->full = whole;
		}
		m->full.state = OPTIONS_ABSENT;
	}
}

/* config_resolve() through the release's kept resolutions (config_build.resolved). */
static void config_resolve_kept(struct config_state *st, const char *name, struct config_match *m)
{
	struct config_build *b = st->b;
	size_t at;
	if (!b) {
		config_resolve(st, name, m);
		return;
	}
	if (strmap_get(&b->resolved, name, &at) == 0) {
		const struct config_resolved *r = &b->matches[at];
		*m = r->m;
		if (r->name_at >= 0)
			m->name = name + r->name_at;
		return;
	}
	st->asked_files = 0;
	config_resolve(st, name, m);
	if (st->asked_files || b->nmatches >= CONFIG_CACHE_NAMES)
		return;
	size_t len = strlen(name);
	ARRAY_GROW(b->matches, b->nmatches + 1, b->matches_cap);
	struct config_resolved *r = &b->matches[b->nmatches];
	r->m = *m;
	r->name_at = m->name && m->name >= name && m->name <= name + len ? (long)(m->name - name) : -1;
	if (r->name_at >= 0)
		r->m.name = NULL;
	strmap_put(&b->resolved, arena_strdup(&b->keys, name), b->nmatches++);
}

/* ---- problems ------------------------------------------------------------- */

/* "included from a.cnf:3, included from my.cnf:12" or NULL, in s's arena. */
static const char *config_chain(struct settings *s, const struct optfile_source *src)
{
	if (!src || !src->parent)
		return NULL;
	struct strbuf sb = { 0 };
	for (const struct optfile_source *p = src; p && p->parent; p = p->parent) {
		if (p != src)
			strbuf_addstr(&sb, ", ");
		strbuf_addf(&sb, "included from %s:%u", p->parent->path, p->parent_line);
	}
	const char *out = settings_intern(s, sb.buf);
	strbuf_release(&sb);
	return out;
}

static void problem_add(struct config_problems *list, struct settings *s, const struct settings_origin *o,
			const struct config_problem *facts, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/*
 * One line the server refuses: a settings problem under list's fact, with
 * the structured facts (copied into s's arena) and a one-phrase text (fmt)
 * for diagnostics and the fact's value; an error diagnostic at its place.
 */
static void problem_add(struct config_problems *list, struct settings *s, const struct settings_origin *o,
			const struct config_problem *facts, const char *fmt, ...)
{
	va_list ap;
	struct settings_problem p;
	memset(&p, 0, sizeof(p));
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	p.fact = list->fact;
	if (o)
		p.origin = *o;
	p.origin.source = SETTINGS_SRC_FILE;
	if (facts) {
		p.kind = facts->kind;
		p.option = facts->option;
		/*
		 * The value of a secret (secret.h) is kept as its mask, and so is
		 * any value of a name the server does not know (a misspelt secret
		 * is no secret name: never quoted, breaker7 #7).
		 */
		if (!facts->value)
			p.value = NULL;
		else if (facts->kind == SETTINGS_PROBLEM_UNKNOWN || facts->kind == SETTINGS_PROBLEM_AMBIGUOUS)
			p.value = secret_shown_unknown(facts->value);
		else
			p.value = secret_shown(facts->option, facts->value);
		p.variable = facts->variable;
		p.replacement = facts->replacement;
		p.detail = facts->detail;
		if (facts->removed_in)
			version_parse(&p.version, facts->removed_in);
	}
	p.text = text;
	if (!list->n)
		list->first = s->nproblems;
	list->n++;
	settings_add_problem(s, &p);
	diag_add(&s->diags, DIAG_ERROR, p.origin.file, p.origin.line, "%s", text);
	free(text);
}

/*
 * Set a fact from its problems, for rule conditions: "" and no place when
 * there is none, else the first problem's text at its place. Reports give
 * one finding per problem (rules of scope problem), not this value.
 */
static void problems_to_fact(struct settings *s, const struct config_problems *list)
{
	struct settings_origin o;
	memset(&o, 0, sizeof(o));
	o.source = SETTINGS_SRC_FILE;
	/* the fact's name and texts are static or s's own: stored without copies (issue 13) */
	size_t hash = list->hash_set ? list->hash : strmap_hash_of(&s->index, list->fact);
	if (!list->n) {
		o.detail = "nothing found in the option files";
		settings_set_constant(s, list->fact, hash, "", &o);
		return;
	}
	const struct settings_problem *p = &s->problems[list->first];
	o.file = p->origin.file;
	o.line = p->origin.line;
	o.chain = p->origin.chain;
	settings_set_constant(s, list->fact, hash, p->text, &o);
}

static int config_is_basename_option(const struct catalog_var *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(config_basename_options); i++)
		if (!strcmp(v->name, config_basename_options[i]))
			return 1;
	return 0;
}

/* A spelling of v that target s (its flavor, build and version) accepts, or NULL. */
static const char *config_accepted_spelling(const struct catalog_var *v, const struct settings *s)
{
	if (catalog_name_accepted_build(v, v->name, s->flavor, s->variant, &s->version))
		return v->name;
	for (size_t i = 0; i < v->naliases; i++)
		if (catalog_name_accepted_build(v, v->aliases[i], s->flavor, s->variant, &s->version))
			return v->aliases[i];
	return NULL;
}

/* Keep one write of the option line under way (config_build.outcomes). */
static void config_record(struct config_state *st, long var, const char *name, const char *value)
{
	struct config_build *b = st->b;
	ARRAY_GROW(b->writes, b->nwrites + 1, b->writes_cap);
	struct config_write *w = &b->writes[b->nwrites++];
	w->var = var;
	w->name = name ? arena_strdup(&b->out_arena, name) : NULL;
	w->hash = name ? util_strhash(name, 0) : 0;
	w->secret = name && secret_name(name);
	w->value = value ? arena_strdup(&b->out_arena, value) : NULL;
}

/* Set catalog variable v from an option (or to unknown, value NULL). */
static void config_set(struct config_state *st, const struct catalog_var *v, const char *value,
		       const char *spelled, const struct settings_origin *o)
{
	size_t i = (size_t)(v - st->c->vars);
	if (st->cc && !st->s->index.fold_case && !st->cc->secret[i])
		settings_set_named(st->s, v->name, st->cc->hashes[i], value, spelled, o);   /* the catalog's name */
	else
		settings_set(st->s, v->name, value, spelled, o);
	st->set[i] = 1;
	if (st->recording)
		config_record(st, (long)i, NULL, value);
}

/* ---- plugins -------------------------------------------------------------- */

/* Remember the libraries and plugin names of a plugin-load(-add) value: "a=x.so;y.so". */
static void config_plugin_words(struct config_state *st, const char *value)
{
	const char *p = value;
	while (p && *p) {
		size_t len = strcspn(p, ";");
		const char *eq = memchr(p, '=', len);
		for (int part = 0; part < 2; part++) {
			const char *w = part == 0 ? p : eq ? eq + 1 : NULL;
			size_t wlen = part == 0 ? (eq ? (size_t)(eq - p) : len) : eq ? len - (size_t)(eq + 1 - p) : 0;
			if (!w || !wlen)
				continue;
			ARRAY_GROW(st->loaded, st->nloaded + 1, st->loaded_cap);
			st->loaded[st->nloaded++] = xstrndup(w, wlen);
		}
		p += len;
		if (*p == ';')
			p++;
	}
}

static void config_plugins_scan(struct config_state *st, const struct optfile *of)
{
	for (size_t i = 0; i < of->n; i++) {
		const char *name = of->options[i].name;
		const char *rest;
		if (name[0] != 'l' && name[0] != 'p')
			continue;   /* neither loose- nor plugin_load(_add): most names (issue 13) */
		if (prefix_strip(name, "loose", &rest))
			name = rest;
		for (size_t k = 0; k < ARRAY_SIZE(config_plugin_load_options); k++)
			if (!optname_cmp(name, config_plugin_load_options[k]) && of->options[i].value)
				config_plugin_words(st, of->options[i].value);
	}
}

/* Case-insensitive compare of a plugin-load word with a library ("x" and "x.so" alike) or name. */
static int config_word_is(const char *word, const char *what, int library)
{
	if (!what)
		return 0;
	if (!ascii_strcasecmp(word, what))
		return 1;
	if (!library)
		return 0;
	size_t wl = strlen(word), tl = strlen(what);
	return tl == wl + 3 && !strncmp(what, word, wl) && !strcmp(what + wl, ".so");
}

static int config_plugin_loaded(struct config_state *st, const struct options_plugin *p)
{
	st->asked_files = 1;   /* the plugins the files load: an outcome not kept per release */
	for (size_t i = 0; i < st->nloaded; i++)
		if (config_word_is(st->loaded[i], p->library, 1) || config_word_is(st->loaded[i], p->name, 0))
			return 1;
	return 0;
}

/* ---- one option ------------------------------------------------------------ */

/* "removed in MariaDB 10.11.0" / "gone between 8.0.43 and 8.4.0" for a removed option. */
static void config_removed_text(const struct config_state *st, const struct options_entry *last, char *buf,
				size_t size, char *ver, size_t vsize)
{
	char a[16], b[16];
	const char *prod = options_product_display(st->target.product);
	if (last->until_hi == last->until_lo + 1) {
		options_version_format(last->until_hi, ver, vsize);
		snprintf(buf, size, "removed in %s %s", prod, ver);
	} else {
		options_version_format(last->until_hi, ver, vsize);
		snprintf(buf, size, "removed after %s %s (absent from the %s list)", prod,
			 options_version_format(last->until_lo, a, sizeof(a)),
			 options_version_format(last->until_hi, b, sizeof(b)));
	}
}

/* An option the target's server does not have. */
static void config_unknown(struct config_state *st, const struct optfile_option *o, const struct config_match *m,
			   const struct settings_origin *origin)
{
	struct settings *s = st->s;
	const char *where = origin->file;
	const struct options_entry *last = m->full.last;
	char removed[160] = "", ver[16] = "";
	struct config_problem facts;
	memset(&facts, 0, sizeof(facts));
	facts.option = o->name;
	facts.value = o->value;
	if (last) {
		config_removed_text(st, last, removed, sizeof(removed), ver, sizeof(ver));
		facts.removed_in = ver;
		facts.replacement = last->replacement;
		/* gone between two listed releases: no release removed it for certain */
		if (last->until_hi != last->until_lo + 1)
			facts.detail = removed;
	}
	if (m->loose) {
		facts.action = CONFIG_ACTION_WARNS;
		diag_add(&s->diags, DIAG_WARNING, where, o->line,
			 "unknown variable '%s'%s%s: %s warns and goes on because of loose-", o->name,
			 *removed ? ", " : "", removed, st->label);
		return;
	}
	facts.action = CONFIG_ACTION_REFUSES;
	/*
	 * A release between two listed ones is judged by the list of the nearest
	 * listed release at or below it (options.h): say which one decided.
	 */
	char listed[200] = "";
	if (!last && m->full.listed && m->full.listed != st->target.version) {
		char a[16];
		snprintf(listed, sizeof(listed), "judged by the option list of %s %s, the nearest listed release",
			 options_product_display(m->full.decided),
			 options_version_format(m->full.listed, a, sizeof(a)));
		facts.detail = listed;
	}
	char repl[200] = "";
	/* a crash-safety variable this flavor spells otherwise (log_replica_updates on MariaDB) */
	const struct catalog_var *v = catalog_lookup(st->c, m->name);
	const char *spelling = v ? config_accepted_spelling(v, s) : NULL;
	if (last && last->replacement)
		snprintf(repl, sizeof(repl), " (use '%s' instead)", last->replacement);
	else if (spelling && optname_cmp(spelling, m->name))
		snprintf(repl, sizeof(repl), " (it is spelled '%s' there)", spelling);
	if (!facts.replacement && *repl)
		facts.replacement = spelling;
	facts.kind = last ? SETTINGS_PROBLEM_REMOVED : facts.replacement ? SETTINGS_PROBLEM_SPELLING
								       : SETTINGS_PROBLEM_UNKNOWN;
	facts.variable = v ? v->name : NULL;
	if (v)
		config_set(st, v, NULL, o->name, origin);
	if (last)
		problem_add(&st->removed, s, origin, &facts, "'%s' was %s: the server will not start%s",
			    o->name, removed, repl);
	else
		problem_add(&st->errors, s, origin, &facts, "unknown variable '%s': %s refuses to start%s%s%s%s",
			    o->name, st->label, repl, *listed ? " (" : "", listed, *listed ? ")" : "");
}

/* An option the lists cannot decide: a warning saying why. */
static void config_uncertain(struct config_state *st, const struct optfile_option *o,
			     const struct config_match *m)
{
	const struct options_plugin *plugin = m->full.plugin;
	struct settings *s = st->s;
	const char *where = o->source ? o->source->path : NULL;
	char a[16], b[16];
	int semantic;
	switch (m->full.why) {
	case OPTIONS_WHY_PLUGIN:
		if (!plugin)
			break;
		/*
		 * Either INSTALL PLUGIN put the plugin in mysql.plugin (the server
		 * loads it at startup and takes the value) or it did not (the server
		 * refuses the unknown option; with loose- it warns and ignores it):
		 * the value of a variable a rule reads is unknown (config_plugin_unknown()).
		 * That changes what was audited: the warning is then printed without
		 * -v (s->build_diags, audit.c); for the other options, with -v.
		 */
		semantic = config_semantic(st, m->name) != NULL;
		diag_add(semantic ? &s->build_diags : &s->diags, DIAG_WARNING, where, o->line,
			 "'%s' exists only while the plugin %s%s%s%s is loaded, and no plugin-load-add here loads it "
			 "(INSTALL PLUGIN state in the datadir is unknowable offline)%s", o->name, plugin->name,
			 plugin->library ? " (" : "", plugin->library ? plugin->library : "",
			 plugin->library ? ")" : "",
			 semantic ? ": its value is unknown, the rules that read it could not evaluate" : "");
		break;
	case OPTIONS_WHY_OTHER_BUILD:
		diag_add(&s->diags, DIAG_WARNING, where, o->line,
			 "'%s' exists only in %s builds: %s without Galera would refuse to start", o->name,
			 options_product_display(m->full.other), st->label);
		break;
	case OPTIONS_WHY_BETWEEN:
		if (m->full.listed && m->full.listed_hi)
			diag_add(&s->diags, DIAG_WARNING, where, o->line,
				 "'%s' was added or removed between %s and %s: not known whether %s has it",
				 o->name, options_version_format(m->full.listed, a, sizeof(a)),
				 options_version_format(m->full.listed_hi, b, sizeof(b)), st->label);
		else
			diag_add(&s->diags, DIAG_WARNING, where, o->line,
				 "'%s': not known whether %s has this option", o->name, st->label);
		break;
	case OPTIONS_WHY_PARTIAL:
		diag_add(&s->diags, DIAG_WARNING, where, o->line,
			 "'%s' is not in the option list of %s %s, which does not cover it (its source leaves out "
			 "this family or this name): not judged", o->name, options_product_display(m->full.decided),
			 options_version_format(m->full.listed, a, sizeof(a)));
		break;
	case OPTIONS_WHY_BASE:
		diag_add(&s->diags, DIAG_WARNING, where, o->line,
			 "'%s' is not a %s option; crashsafe has no option list of %s for this version: not judged",
			 o->name, options_product_display(m->full.decided), st->label);
		break;
	case OPTIONS_WHY_NO_LIST:
	case OPTIONS_WHY_NONE:
		break;
	}
}

/*
 * An option of a plugin that no plugin-load(-add) of the files loads
 * (config_uncertain(), OPTIONS_WHY_PLUGIN): when a rule reads its variable
 * (rpl_semi_sync_*), the variable is set with an unknown value, so that the
 * rule could not evaluate instead of judging the default (breaker7 #3).
 * With the plugin in mysql.plugin the server takes the value; without it
 * the server refuses the unknown option, or with loose- ignores it
 * (mysqld.cc: options left after plugin_init() are handed to
 * handle_options() with no options and my_getopt_skip_unknown off; the
 * same with mariadbd 10.11, measured: "unknown variable", exit 7).
 */
static void config_plugin_unknown(struct config_state *st, const struct optfile_option *o,
				  const struct config_match *m, const struct settings_origin *origin)
{
	if (m->full.why != OPTIONS_WHY_PLUGIN || !m->full.plugin)
		return;
	const struct catalog_var *v = config_semantic(st, m->name);
	if (v)
		config_set(st, v, NULL, o->name, origin);
}

/* What a value error in an option of a built-in plugin does: the plugin is disabled. */
static int config_plugin_value_error(struct config_state *st, const struct optfile_option *o,
				     const struct options_plugin *plugin, const struct settings_origin *origin,
				     const char *what)
{
	struct settings *s = st->s;
	if (!plugin || plugin->policy == OPTIONS_PLUGIN_DYNAMIC)
		return 0;
	struct config_problem facts = { .option = o->name, .value = o->value, .kind = SETTINGS_PROBLEM_VALUE };
	if (plugin->policy == OPTIONS_PLUGIN_BUILTIN_REQUIRED) {
		char detail[300];
		snprintf(detail, sizeof(detail), "%s; the plugin %s is disabled and the server refuses to start without it",
			 what, plugin->name);
		facts.detail = detail;
		facts.action = CONFIG_ACTION_REFUSES;
		problem_add(&st->errors, s, origin, &facts,
			    "'%s': %s; the plugin %s is disabled and the server refuses to start without it",
			    o->name, what, plugin->name);
	} else {
		diag_add(&s->diags, DIAG_WARNING, origin->file, o->line,
			 "'%s': %s; the server disables the plugin %s and starts", o->name, what, plugin->name);
	}
	return 1;
}

/* Store the value of a full-catalog option that is not a crash-safety variable. */
static void config_set_option(struct config_state *st, const char *name, const char *value, const char *spelled,
			      const struct settings_origin *o)
{
	settings_set(st->s, name, value, spelled, o);
	if (st->recording)
		config_record(st, -1, name, value);
}

/* The other names of e's variable get the same value (long_query_time, log_slow_query_time). */
static void config_set_aliases(struct config_state *st, const struct options_entry *e, const char *value,
			       const char *spelled, const struct settings_origin *o)
{
	const char *p = e->aliases;
	while (p && *p) {
		size_t len = strcspn(p, "|");
		char *name = xstrndup(p, len);
		const struct catalog_var *v = catalog_lookup(st->c, name);
		if (v) {
			char *sem = NULL;
			const char *why = NULL;
			if (catalog_check_value(v, st->s->flavor, value, &sem, &why) == CATALOG_VALUE_OK && sem)
				config_set(st, v, sem, spelled, o);
			free(sem);
		}
		if (!v || strcmp(v->name, name))
			config_set_option(st, name, value, spelled, o);
		free(name);
		p += len;
		if (*p == '|')
			p++;
	}
}

static void config_option_work(struct config_state *st, const struct optfile_option *o)
{
	struct settings *s = st->s;
	struct config_match m;
	struct settings_origin origin;
	const char *where = o->source ? o->source->path : NULL;
	const char *fl = st->label;

	memset(&origin, 0, sizeof(origin));
	origin.source = SETTINGS_SRC_FILE;
	origin.file = where;
	origin.line = o->line;
	origin.chain = o->source && o->source->parent ? config_chain(s, o->source) : NULL;
	if (st->recording) {
		st->rec_origin = origin;
		st->have_rec_origin = 1;
	}

	/* struct options: "instance.option" (my_getopt check_struct_option) */
	const char *name = o->name, *dot = strchr(o->name + (o->name[0] != '\0'), '.');
	char *instance = NULL;
	if (dot && dot[1]) {
		instance = xstrndup(o->name, (size_t)(dot - o->name));
		int keycache = 0;
		for (size_t i = 0; i < ARRAY_SIZE(config_mysql_keycache); i++)
			keycache |= !optname_cmp(dot + 1, config_mysql_keycache[i]);
		if (s->flavor == FLAVOR_MARIADB || keycache) {
			name = dot + 1;
		} else if (st->full) {
			/* MySQL: a component or plugin variable (validate_password.length) */
			diag_add(&s->diags, DIAG_WARNING, where, o->line,
				 "'%s' is a component or plugin variable: it exists only while that component is "
				 "installed, which an option file does not show", o->name);
			goto out;
		} else {
			goto out;
		}
	}
	config_resolve_kept(st, name, &m);
	if (instance && !st->full)
		goto out;   /* without the full catalog, struct options are not judged */

	if (m.ambiguous) {
		char detail[200];
		snprintf(detail, sizeof(detail), "%s, %s ...", m.amb1, m.amb2);
		struct config_problem facts = { .option = o->name, .value = o->value,
						.action = CONFIG_ACTION_REFUSES, .kind = SETTINGS_PROBLEM_AMBIGUOUS,
						.detail = detail };
		problem_add(&st->errors, s, &origin, &facts,
			    "'%s' is an ambiguous abbreviation (%s, %s ...): %s refuses to start", o->name,
			    m.amb1, m.amb2, fl);
		goto out;
	}
	if (m.use_full && m.full.state == OPTIONS_ABSENT) {
		config_unknown(st, o, &m, &origin);
		goto out;
	}
	if (m.use_full && m.full.state == OPTIONS_UNCERTAIN) {
		/* an option of a plugin the files load: the server knows it then; its value is not judged */
		if (!(m.full.why == OPTIONS_WHY_PLUGIN && m.full.plugin && config_plugin_loaded(st, m.full.plugin))) {
			config_uncertain(st, o, &m);
			config_plugin_unknown(st, o, &m, &origin);
			goto out;
		}
		/* ... unless a rule reads it (rpl_semi_sync_*, issue 12): the variable catalog takes its value */
		m.var = config_semantic(st, m.name);
		if (!m.var)
			goto out;
		m.use_full = 0;
	}
	const struct options_entry *e = m.use_full ? m.full.entry : NULL;
	const struct options_plugin *plugin = e ? config_plugin_of(&st->target, e) : NULL;
	if (plugin && plugin->policy == OPTIONS_PLUGIN_DYNAMIC && !config_plugin_loaded(st, plugin)) {
		m.full.why = OPTIONS_WHY_PLUGIN;
		m.full.plugin = plugin;
		config_uncertain(st, o, &m);
		config_plugin_unknown(st, o, &m, &origin);
		goto out;
	}
	if (!e && !m.var)
		goto out;   /* without the full catalog: not a catalog variable, not judged */
	const struct catalog_var *v = m.var;

	if (m.abbreviated)
		diag_add(&s->diags, DIAG_WARNING, where, o->line,
			 "'%s' is taken as an abbreviation of '%s' (MariaDB prefix matching): write the full name",
			 o->name, m.name);

	if (!e && !catalog_name_accepted_build(v, m.name, s->flavor, s->variant, &s->version)) {
		/* the variable catalog alone decides (no option list for this target) */
		struct version gone;
		struct config_problem facts = { .option = o->name, .value = o->value,
						.action = CONFIG_ACTION_REFUSES, .variable = v->name,
						.kind = SETTINGS_PROBLEM_UNKNOWN };
		if (m.loose) {
			diag_add(&s->diags, DIAG_WARNING, where, o->line,
				 "'%s': %s has no option '%s'; ignored because of loose-", o->name, fl, m.name);
			goto out;
		}
		const char *spelling = config_accepted_spelling(v, s);
		if (spelling) {
			facts.replacement = spelling;
			facts.kind = SETTINGS_PROBLEM_SPELLING;
			problem_add(&st->errors, s, &origin, &facts,
				    "unknown variable '%s': %s refuses to start (it is spelled '%s' there)", o->name,
				    fl, spelling);
		} else if (catalog_removed_in(v, s->flavor, &s->version, &gone)) {
			char gv[32];
			facts.removed_in = version_format(&gone, gv, sizeof(gv));
			facts.kind = SETTINGS_PROBLEM_REMOVED;
			problem_add(&st->removed, s, &origin, &facts,
				    "'%s' was removed in %s %s: the server will not start", o->name,
				    flavor_build_display(s->flavor, s->variant), gv);
		} else {
			problem_add(&st->errors, s, &origin, &facts, "unknown variable '%s': %s refuses to start",
				    o->name, fl);
		}
		config_set(st, v, NULL, o->name, &origin);
		goto out;
	}
	if (v && catalog_ignored(v, s->flavor)) {
		diag_add(&s->diags, DIAG_NOTE, where, o->line,
			 "'%s' is accepted and ignored by %s (a MySQL option)", o->name,
			 flavor_build_display(s->flavor, s->variant));
		goto out;
	}
	if (m.maximum) {
		/* my_getopt setval: a maximum needs the option's max storage (session variables) */
		if (e && (e->flags & OPTIONS_F_SESSION))
			goto out;
		struct config_problem facts = { .option = o->name, .value = o->value,
						.action = CONFIG_ACTION_REFUSES, .kind = SETTINGS_PROBLEM_MAXIMUM,
						.variable = m.name };
		problem_add(&st->errors, s, &origin, &facts,
			    "'%s': the server cannot set a maximum for '%s' and refuses to start", o->name, m.name);
		goto out;
	}
	if (m.autoset) {
		struct config_problem facts = { .option = o->name, .value = o->value,
						.action = CONFIG_ACTION_REFUSES, .kind = SETTINGS_PROBLEM_AUTOSET,
						.variable = m.name };
		if (e && (e->flags & OPTIONS_F_AUTO) && !o->value)
			goto out;   /* the server sizes it itself */
		if (m.loose) {
			diag_add(&s->diags, DIAG_WARNING, where, o->line,
				 "'%s': automatic setup is not supported for '%s'; ignored because of loose-",
				 o->name, m.name);
			goto out;
		}
		problem_add(&st->errors, s, &origin, &facts,
			    o->value ? "'%s': an automatically set option takes no value: the server refuses to start"
				     : "'%s': automatic setup is not supported for '%s': the server refuses to start",
			    o->name, m.name);
		if (v)
			config_set(st, v, NULL, o->name, &origin);
		goto out;
	}

	/* the value as my_getopt hands it on */
	const char *raw = o->value;
	if (m.negate)
		raw = raw && !strcmp(raw, "0") ? "1" : "0";
	else if (m.enable)
		raw = raw && !strcmp(raw, "0") ? "0" : "1";

	if (v && config_is_basename_option(v)) {
		const char *val = m.negate && !strcmp(raw, "0") ? "OFF" : "ON";
		config_set(st, v, val, o->name, &origin);
		goto out;
	}

	char *norm = NULL;
	const char *why = NULL;
	/*
	 * Messages quote the value: never a secret's (secret.h). Asked only
	 * when a message is written (issue 13: asked for every value, it was
	 * 5% of reading a target).
	 */
	enum catalog_verdict verdict;
	const char *prev = NULL;
	const char *key = v ? v->name : e->name;
	const struct settings_var *before = v && st->cc && !s->index.fold_case
						    ? settings_get_hashed(s, key, st->cc->hashes[v - st->c->vars])
						    : settings_get(s, key);
	if (before)
		prev = before->current.value;
	else if (e)
		prev = e->def;
	if (st->recording) {
		st->rec_read = key;
		st->rec_refused |= before != NULL;   /* checked against this target's own value */
	}
	if (e)
		verdict = config_check_value(e, st->target.product, raw, prev, &norm, &why);
	else
		verdict = config_catalog_check(st, v, s->flavor, raw, &norm, &why);

	/* MariaDB: with loose- a value the parser refuses is only a warning (handle_options) */
	int value_error = verdict == CATALOG_VALUE_REFUSED && raw && (!e || e->type != OPTIONS_T_NOARG);
	if (value_error && m.loose && s->flavor == FLAVOR_MARIADB) {
		diag_add(&s->diags, DIAG_WARNING, where, o->line, "'%s=%s': %s; ignored because of loose-", o->name,
			 secret_shown(o->name, raw), why);
		goto done;
	}
	if (verdict == CATALOG_VALUE_REFUSED && config_plugin_value_error(st, o, plugin, &origin, why))
		goto done;
	if (instance && e && (e->flags & OPTIONS_F_STRUCT)) {
		/* a key cache or a replication connection of its own: not the global value */
		if (verdict == CATALOG_VALUE_REFUSED) {
			struct config_problem facts = { .option = o->name, .value = o->value,
							.action = CONFIG_ACTION_REFUSES, .kind = SETTINGS_PROBLEM_VALUE,
							.detail = why };
			problem_add(&st->errors, s, &origin, &facts, "'%s = %s': %s", o->name,
				    raw ? secret_shown(o->name, raw) : "", why);
		}
		goto done;
	}
	switch (verdict) {
	case CATALOG_VALUE_OK:
		break;
	case CATALOG_VALUE_FALLBACK:
		diag_add(&s->diags, DIAG_WARNING, where, o->line, "'%s=%s': %s%s%s", o->name,
			 raw ? secret_shown(o->name, raw) : "", why, norm ? ": " : "", norm ? secret_shown(o->name, norm) : "");
		break;
	case CATALOG_VALUE_IGNORED:
		diag_add(&s->diags, DIAG_WARNING, where, o->line, "'%s=%s': %s", o->name,
			 raw ? secret_shown(o->name, raw) : "", why);
		goto done;
	case CATALOG_VALUE_REFUSED: {
		/* the value as written (a ';' in it is worth showing), not as a prefix turned it */
		struct config_problem facts = { .option = o->name, .value = o->value,
						.action = CONFIG_ACTION_REFUSES, .kind = SETTINGS_PROBLEM_VALUE,
						.variable = v ? v->name : NULL, .detail = why };
		if (raw)
			problem_add(&st->errors, s, &origin, &facts, "'%s = %s': %s", o->name, secret_shown(o->name, raw), why);
		else
			problem_add(&st->errors, s, &origin, &facts, "'%s': %s", o->name, why);
		if (v)
			config_set(st, v, NULL, o->name, &origin);
		goto done;
	}
	}
	if (v) {
		/* the crash-safety variable, in its catalog's own spelling of the value */
		char *sem = NULL;
		const char *swhy = NULL;
		if (e && norm && config_catalog_check(st, v, s->flavor, norm, &sem, &swhy) == CATALOG_VALUE_OK &&
		    sem)
			config_set(st, v, sem, o->name, &origin);
		else
			config_set(st, v, norm, o->name, &origin);
		free(sem);
		/* and the option under the server's own name, when that differs */
		if (e && norm && strcmp(e->name, v->name))
			config_set_option(st, e->name, norm, o->name, &origin);
	} else if (norm) {
		config_set_option(st, e->name, norm, o->name, &origin);
	}
	if (e && norm)
		config_set_aliases(st, e, norm, o->name, &origin);
	/* a plugin's own enable option set OFF (skip-innodb, innodb=OFF): the server cannot do without it */
	if (e && plugin && plugin->policy == OPTIONS_PLUGIN_BUILTIN_REQUIRED && norm && !strcmp(norm, "OFF") &&
	    !ascii_strcasecmp(e->name, plugin->name)) {
		struct config_problem facts = { .option = o->name, .value = o->value, .action = CONFIG_ACTION_REFUSES,
						.kind = SETTINGS_PROBLEM_VALUE,
						.detail = "the server refuses to start without this plugin" };
		problem_add(&st->errors, s, &origin, &facts,
			    "'%s' disables the plugin %s: %s refuses to start without it", o->name, plugin->name,
			    fl);
	}
	for (size_t i = 0; e && i < ARRAY_SIZE(config_option_effects); i++) {
		if (strcmp(e->name, config_option_effects[i].option))
			continue;
		const struct catalog_var *ev = config_catalog_lookup(st, config_option_effects[i].var);
		if (ev)
			config_set(st, ev, config_option_effects[i].value, o->name, &origin);
	}
done:
	free(norm);
out:
	free(instance);
}

static int config_same_text(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * Keep what config_option_work() just did with line o (its writes are in
 * b->writes from first; its problems and diagnostics are s's from
 * nproblems and ndiags on) as the outcome of its name and value, before
 * the name's others (head: 1 + index of the latest, 0: none); nothing
 * when a problem or diagnostic is not at the line itself. Returns 0 when
 * kept.
 */
static int config_keep_outcome(struct config_state *st, const struct optfile_option *o, size_t head,
			       size_t first, size_t nproblems, size_t ndiags, const struct settings_origin *origin)
{
	struct settings *s = st->s;
	struct config_build *b = st->b;
	for (size_t i = nproblems; i < s->nproblems; i++) {
		const struct settings_origin *po = &s->problems[i].origin;
		if (!config_same_text(po->file, origin->file) || po->line != o->line ||
		    !config_same_text(po->chain, origin->chain) || po->detail)
			return -1;
	}
	for (size_t i = ndiags; i < s->diags.n; i++)
		if (!config_same_text(s->diags.items[i].file, origin->file) || s->diags.items[i].line != o->line)
			return -1;
	ARRAY_GROW(b->outv, b->nout + 1, b->outv_cap);
	struct config_outcome *oc = &b->outv[b->nout];
	oc->read = st->rec_read ? arena_strdup(&b->out_arena, st->rec_read) : NULL;
	oc->read_hash = oc->read ? util_strhash(oc->read, 0) : 0;
	oc->first = first;
	oc->n = b->nwrites - first;
	oc->spelled = head ? b->outv[head - 1].spelled : arena_strdup(&b->out_arena, o->name);
	oc->value = o->value ? arena_strdup(&b->out_arena, o->value) : NULL;
	oc->next = head;
	oc->pfirst = b->nproblems;
	oc->pn = s->nproblems - nproblems;
	for (size_t i = nproblems; i < s->nproblems; i++) {
		const struct settings_problem *from = &s->problems[i];
		ARRAY_GROW(b->problems, b->nproblems + 1, b->problems_cap);
		struct settings_problem *p = &b->problems[b->nproblems++];
		*p = *from;
		memset(&p->origin, 0, sizeof(p->origin));
		p->fact = arena_strdup(&b->out_arena, from->fact);
		p->option = arena_strdup(&b->out_arena, from->option);
		p->value = arena_strdup(&b->out_arena, from->value);
		p->variable = arena_strdup(&b->out_arena, from->variable);
		p->replacement = arena_strdup(&b->out_arena, from->replacement);
		p->detail = arena_strdup(&b->out_arena, from->detail);
		p->text = arena_strdup(&b->out_arena, from->text);
	}
	oc->dfirst = b->ndiags;
	oc->dn = s->diags.n - ndiags;
	for (size_t i = ndiags; i < s->diags.n; i++) {
		ARRAY_GROW(b->diags, b->ndiags + 1, b->diags_cap);
		b->diags[b->ndiags].level = s->diags.items[i].level;
		b->diags[b->ndiags++].message = arena_strdup(&b->out_arena, s->diags.items[i].message);
	}
	strmap_put_hashed(&b->outcomes, oc->spelled, o->name_hash, b->nout++);
	return 0;
}

/* Do again, for line o at origin, what an earlier target's same line did (config_build.outcomes). */
static void config_replay(struct config_state *st, const struct optfile_option *o, const struct config_outcome *oc,
			  const struct settings_origin *origin)
{
	struct settings *s = st->s;
	const struct config_build *b = st->b;
	/*
	 * Names, values and the spelling are the cache's own: not copied into
	 * s (the cache outlives the settings, config.h), unless a secret's.
	 */
	for (size_t k = 0; k < oc->n; k++) {
		const struct config_write *w = &b->writes[oc->first + k];
		if (w->var >= 0 && !st->cc->secret[w->var]) {
			settings_set_kept_all(s, st->c->vars[w->var].name, st->cc->hashes[w->var], w->value, oc->spelled,
					      origin);
			st->set[w->var] = 1;
		} else if (w->var >= 0) {
			config_set(st, &st->c->vars[w->var], w->value, o->name, origin);
		} else if (!w->secret) {
			settings_set_kept_all(s, w->name, w->hash, w->value, oc->spelled, origin);
		} else {
			config_set_option(st, w->name, w->value, o->name, origin);
		}
	}
	for (size_t k = 0; k < oc->pn; k++) {
		struct settings_problem p = b->problems[oc->pfirst + k];
		struct config_problems *list = !strcmp(p.fact, st->errors.fact) ? &st->errors : &st->removed;
		p.origin = *origin;
		p.origin.source = SETTINGS_SRC_FILE;
		if (!list->n)
			list->first = s->nproblems;
		list->n++;
		settings_add_problem(s, &p);
	}
	for (size_t k = 0; k < oc->dn; k++) {
		const struct config_diag *d = &b->diags[oc->dfirst + k];
		diag_add(&s->diags, d->level, origin->file, o->line, "%s", d->message);
	}
}

/*
 * One option line: replayed from what the same line did for an earlier
 * target of the release (config_build.outcomes), else worked out (and
 * kept when it can be).
 */
static void config_option(struct config_state *st, const struct optfile_option *o)
{
	struct settings *s = st->s;
	struct config_build *b = st->b;
	size_t at;
	if (!b || s->index.fold_case || s->shared || strchr(o->name, '.')) {
		config_option_work(st, o);
		return;
	}
	/* the name's outcomes, by value (the name hashed once by the reader, issue 13) */
	size_t head = 0, seen = 0;
	const struct config_outcome *oc = NULL;
	if (strmap_get_hashed(&b->outcomes, o->name, o->name_hash, &at) == 0)
		head = at + 1;
	for (size_t k = head; k && !oc; k = b->outv[k - 1].next, seen++) {
		const char *v = b->outv[k - 1].value;
		if (v == o->value || (v && o->value && !strcmp(v, o->value)))
			oc = &b->outv[k - 1];
	}
	if (oc) {
		if (oc->read && settings_get_hashed(s, oc->read, oc->read_hash)) {
			config_option_work(st, o);   /* its check would read this target's own value */
			return;
		}
		struct settings_origin origin;
		memset(&origin, 0, sizeof(origin));
		origin.source = SETTINGS_SRC_FILE;
		origin.file = o->source ? o->source->path : NULL;
		origin.line = o->line;
		origin.chain = o->source && o->source->parent ? config_chain(s, o->source) : NULL;
		config_replay(st, o, oc, &origin);
		return;
	}
	size_t ndiags = s->diags.n, nproblems = s->nproblems, first = b->nwrites;
	st->recording = b->nout < CONFIG_CACHE_OUTCOMES && seen < CONFIG_OUTCOMES_PER_NAME;
	st->rec_refused = 0;
	st->rec_read = NULL;
	st->asked_files = 0;
	st->have_rec_origin = 0;
	config_option_work(st, o);
	if (!st->recording)
		return;
	st->recording = 0;
	if (st->rec_refused || st->asked_files || !st->have_rec_origin ||
	    config_keep_outcome(st, o, head, first, nproblems, ndiags, &st->rec_origin))
		b->nwrites = first;
}

static void config_defaults(struct config_state *st, const struct config_build *b)
{
	struct settings *s = st->s;
	struct settings_origin o;
	memset(&o, 0, sizeof(o));
	o.source = SETTINGS_SRC_DEFAULT;
	for (size_t k = 0; k < b->ndefaults; k++) {
		size_t i = b->defaults[k];
		const struct catalog_var *v = &st->c->vars[i];
		if (st->set[i] || (st->preset && settings_get(s, v->name)))
			continue;
		o.detail = b->values[k] ? b->detail : b->unknown;
		if (!st->cc || st->cc->secret[i]) {
			settings_set(s, v->name, b->values[k], NULL, &o);
			continue;
		}
		/* a run's cache: the catalog's own strings outlive the target (config.h, issue 13) */
		size_t hash = s->index.fold_case ? strmap_hash_of(&s->index, v->name) : st->cc->hashes[i];
		settings_set_constant(s, v->name, hash, b->values[k], &o);   /* the detail is the cache's */
	}
}

static int config_full_catalog(const struct options_target *t);

/* Whether a default of v is stored: always, unless the run keeps only some names (config_cache_retain()). */
static int config_default_kept(const struct config_cache *cc, const struct catalog_var *v)
{
	static const char *const read_at_load[] = CONFIG_READ_AT_LOAD;
	if (!cc || !cc->keep || cc->keep(cc->keep_ctx, v->name))
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(read_at_load); i++)
		if (!strcmp(v->name, read_at_load[i]))
			return 1;
	return 0;
}

/* Work out b, the release of s (its flavor, build and version), against c (cc: the run's cache, or NULL). */
static void config_build_init(struct config_build *b, const struct settings *s, const struct catalog *c,
			      const struct config_cache *cc)
{
	struct options_target t;
	memset(b, 0, sizeof(*b));
	b->flavor = s->flavor;
	b->variant = s->variant;
	b->version = s->version;
	version_format(&s->version, b->ver, sizeof(b->ver));
	const char *build = flavor_build_display(s->flavor, s->variant);
	snprintf(b->label, sizeof(b->label), "%s %s", build, b->ver);
	b->detail = xasprintf("default for %s %s", build, b->ver);
	b->unknown = xasprintf("default for %s %s (not known offline)", build, b->ver);
	options_target_init(&t, options_product_of(s->flavor, s->variant == FLAVOR_VARIANT_GALERA), &s->version);
	b->full = config_full_catalog(&t);
	strmap_init(&b->resolved, 0);
	arena_init(&b->keys);
	strmap_init(&b->outcomes, 0);
	arena_init(&b->out_arena);
	b->defaults = xcalloc(c->n ? c->n : 1, sizeof(*b->defaults));
	b->values = xcalloc(c->n ? c->n : 1, sizeof(*b->values));
	for (size_t i = 0; i < c->n; i++) {
		const struct catalog_var *v = &c->vars[i];
		if (!catalog_exists_build(v, s->flavor, s->variant, &s->version) || !config_default_kept(cc, v))
			continue;
		b->defaults[b->ndefaults] = i;
		b->values[b->ndefaults++] = catalog_default_build(v, s->flavor, s->variant, &s->version);
	}
}

static void config_build_release(struct config_build *b)
{
	free(b->detail);
	free(b->unknown);
	free(b->defaults);
	free(b->values);
	strmap_release(&b->resolved);
	free(b->matches);
	arena_release(&b->keys);
	strmap_release(&b->outcomes);
	free(b->outv);
	free(b->writes);
	free(b->problems);
	free(b->diags);
	arena_release(&b->out_arena);
	memset(b, 0, sizeof(*b));
}

static int config_build_is(const struct config_build *b, const struct settings *s)
{
	return b->flavor == s->flavor && b->variant == s->variant && b->version.major == s->version.major &&
	       b->version.minor == s->version.minor && b->version.patch == s->version.patch;
}

struct config_cache *config_cache_new(const struct catalog *c)
{
	struct config_cache *cc = xcalloc(1, sizeof(*cc));
	cc->c = c;
	strmap_init(&cc->names, 0);
	arena_init(&cc->arena);
	cc->fact_hash[0] = util_strhash(CONFIG_FACT_OPTION_FILE_ERRORS, 0);
	cc->fact_hash[1] = util_strhash(CONFIG_FACT_REMOVED_OPTIONS, 0);
	if (c->prebuilt && c->vars == prebuilt_vars && c->n == prebuilt_nvars) {
		/* worked out at build time (prebuilt.h, issue 13: 28,000 of a one-file run's instructions) */
		cc->hashes = prebuilt_var_hashes;
		cc->secret = prebuilt_var_secret;
		return cc;
	}
	size_t *hashes = xcalloc(c->n ? c->n : 1, sizeof(*hashes));
	unsigned char *secret = xcalloc(c->n ? c->n : 1, 1);
	for (size_t i = 0; i < c->n; i++) {
		hashes[i] = util_strhash(c->vars[i].name, 0);
		secret[i] = secret_name(c->vars[i].name) != 0;
	}
	cc->hashes = hashes;
	cc->secret = secret;
	cc->own_hashes = 1;
	return cc;
}

void config_cache_retain(struct config_cache *cc, int (*keep)(void *ctx, const char *name), void *ctx)
{
	cc->keep = keep;
	cc->keep_ctx = ctx;
}

void config_cache_free(struct config_cache *cc)
{
	if (!cc)
		return;
	for (size_t i = 0; i < cc->nbuilds; i++)
		config_build_release(&cc->builds[i]);
	strmap_release(&cc->names);
	arena_release(&cc->arena);
	if (cc->own_hashes) {
		free((size_t *)(uintptr_t)cc->hashes);
		free((unsigned char *)(uintptr_t)cc->secret);
	}
	free(cc->set);
	memo_release(&cc->values);
	free(cc);
}

/*
 * The reader's errors are option_file_errors problems: the fatal ones, and
 * files the server skips (a world-writable file: it will not read it).
 */
static void config_reader_diags(struct config_state *st, const struct optfile *of)
{
	struct settings *s = st->s;
	for (size_t i = 0; i < of->diags.n; i++) {
		const struct diag *d = &of->diags.items[i];
		if (d->level == DIAG_ERROR) {
			struct settings_origin o;
			memset(&o, 0, sizeof(o));
			o.source = SETTINGS_SRC_FILE;
			o.file = d->file;
			o.line = d->line;
			struct config_problem facts = { .action = CONFIG_ACTION_REFUSES, .kind = SETTINGS_PROBLEM_READER,
							.detail = d->message };
			problem_add(&st->errors, s, &o, &facts, "%s", d->message);
		} else {
			diag_add(&s->diags, d->level, d->file, d->line, "%s", d->message);
		}
	}
}

static void config_cluster(struct settings *s)
{
	const struct settings_var *on = settings_get(s, "wsrep_on");
	const struct settings_var *name = settings_get(s, "wsrep_cluster_name");
	s->cluster = NULL;
	if (on && on->current.value && !strcmp(on->current.value, "ON") && name && name->current.value)
		s->cluster = name->current.value;
}

/* Nonzero when the full catalog holds a list of the target's product (or its base) for its series. */
static int config_full_catalog(const struct options_target *t)
{
	struct options_lookup probe;
	/* a name no server has: absent when a list covers the version, else "no list" */
	config_options_lookup(t, "crashsafe_no_such_option", &probe);
	return !(probe.state == OPTIONS_UNCERTAIN && probe.why == OPTIONS_WHY_NO_LIST);
}

/* The groups a line for the server belongs in, by flavor: [mysqld] everywhere, MariaDB's own names there. */
static int config_server_group(const char *name, enum flavor f)
{
	static const struct {
		const char *name;
		int mariadb_only;
	} groups[] = {
		{ "mysqld", 0 },
		{ "mariadb", 1 },
		{ "mariadbd", 1 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(groups); i++)
		if (!ascii_strcasecmp(name, groups[i].name) && (!groups[i].mariadb_only || f == FLAVOR_MARIADB))
			return 1;
	return 0;
}

/*
 * s->group_header: where a line for a variable left at its default belongs
 * (settings.h). The last server group read wins, as the last value read
 * wins; else the last header of another group the server reads ([server],
 * [mysqld-8.4], [galera], a --defaults-group-suffix group); files with none
 * (only [client], [mysqldump], a release's group this one does not read) give
 * the first file read, no line: never a group the server skips
 * (of->headers holds only the groups the target reads, optfile_keep_groups()).
 */
static void config_group_header(struct settings *s, const struct optfile *of)
{
	const struct optfile_header *pick = NULL;
	for (size_t i = 0; i < of->nheaders; i++)
		if (config_server_group(of->headers[i].group, s->flavor))
			pick = &of->headers[i];
	if (!pick && of->nheaders)
		pick = &of->headers[of->nheaders - 1];
	memset(&s->group_header, 0, sizeof(s->group_header));
	s->group_header.source = SETTINGS_SRC_FILE;
	if (pick) {
		s->group_header.file = settings_intern(s, pick->source->path);
		s->group_header.line = pick->line;
		s->group_header.chain = config_chain(s, pick->source);
		s->group_header.detail = settings_intern(s, pick->group);
	} else if (of->nsources) {
		s->group_header.file = settings_intern(s, of->sources[0]->path);
	}
}

int config_load(struct settings *s, const struct optfile *of, const struct catalog *c)
{
	return config_load_cached(s, of, c, NULL);
}

int config_load_cached(struct settings *s, const struct optfile *of, const struct catalog *c,
		       struct config_cache *cc)
{
	struct config_state st;
	struct config_build own, *b = NULL;
	memset(&st, 0, sizeof(st));
	if (cc && cc->c != c)
		cc = NULL;   /* a cache is for one catalog */
	for (size_t i = 0; cc && i < cc->nbuilds && !b; i++)
		if (config_build_is(&cc->builds[i], s))
			b = &cc->builds[i];
	if (!b && cc && cc->nbuilds < CONFIG_CACHE_BUILDS) {
		b = &cc->builds[cc->nbuilds++];
		config_build_init(b, s, c, cc);
	}
	if (!b) {
		b = &own;
		config_build_init(b, s, c, cc);
	}
	st.s = s;
	st.c = c;
	st.cc = cc;
	st.b = b == &own ? NULL : b;
	memcpy(st.ver, b->ver, sizeof(st.ver));
	options_target_init(&st.target, options_product_of(s->flavor, s->variant == FLAVOR_VARIANT_GALERA),
			    &s->version);
	st.full = b->full;
	memcpy(st.label, b->label, sizeof(st.label));
	/* the run's cache lends its per-variable marks, cleared (issue 13: a calloc per target) */
	if (cc) {
		if (!cc->set)
			cc->set = xcalloc(c->n ? c->n : 1, 1);
		else
			memset(cc->set, 0, c->n ? c->n : 1);
		st.set = cc->set;
	} else {
		st.set = xcalloc(c->n ? c->n : 1, 1);
	}
	st.preset = s->n;
	st.errors.fact = CONFIG_FACT_OPTION_FILE_ERRORS;
	st.removed.fact = CONFIG_FACT_REMOVED_OPTIONS;
	if (cc && !s->index.fold_case) {
		/* the facts' hashes once per run (issue 13) */
		st.errors.hash = cc->fact_hash[0];
		st.removed.hash = cc->fact_hash[1];
		st.errors.hash_set = st.removed.hash_set = 1;
	}

	/*
	 * The variables set by an option or by default and the two facts: room
	 * at once (an option setting more than one, aliases, grows it).
	 */
	settings_reserve(s, s->n + (b->ndefaults + of->n / 2 < c->n ? b->ndefaults + of->n / 2 : c->n) + 2);
	config_group_header(s, of);
	config_reader_diags(&st, of);
	config_plugins_scan(&st, of);
	for (size_t i = 0; i < of->n; i++)
		config_option(&st, &of->options[i]);
	config_defaults(&st, b);
	config_cluster(s);

	int refused = st.errors.n || st.removed.n;
	problems_to_fact(s, &st.errors);
	problems_to_fact(s, &st.removed);
	for (size_t i = 0; i < st.nloaded; i++)
		free(st.loaded[i]);
	free(st.loaded);
	if (!cc)
		free(st.set);
	if (b == &own)
		config_build_release(&own);
	return refused ? -1 : 0;
}

int config_print_effective(FILE *fp, const struct settings *s)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct settings_var *v = &s->vars[i];
		const struct settings_value *c = &v->current;
		if (c->origin.source != SETTINGS_SRC_FILE || !c->spelled)
			continue;   /* defaults and the facts (option_file_errors ...) */
		const char *value = c->value ? secret_shown(v->name, c->value) : "\\N";
		/* Outside text, shown inert as resolve shows it (util.h): a tab or newline in it is \t, \n. */
		fputs_escaped(v->name, fp, NULL);
		fputc('\t', fp);
		fputs_escaped(value, fp, NULL);
		fputc('\t', fp);
		fputs_escaped(c->origin.file ? c->origin.file : "-", fp, NULL);
		fprintf(fp, ":%u\n", c->origin.line);
	}
	return ferror(fp) ? -1 : 0;
}
