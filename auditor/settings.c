#include "settings.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memo.h"
#include "secret.h"
#include "banned.h"

static const char *const role_names[] = {
	[ROLE_ANY] = "any",
	[ROLE_PRIMARY] = "primary",
	[ROLE_REPLICA] = "replica",
};

const char *role_name(enum role r)
{
	return role_names[r];
}

int role_parse(enum role *out, const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(role_names); i++) {
		if (!ascii_strcasecmp(s, role_names[i])) {
			*out = (enum role)i;
			return 0;
		}
	}
	return -1;
}

void settings_init(struct settings *s, const char *target, const char *kind)
{
	memset(s, 0, sizeof(*s));
	arena_init(&s->arena);
	diag_list_init(&s->diags);
	diag_list_init(&s->build_diags);
	s->target = arena_strdup(&s->arena, target);
	s->kind = arena_strdup(&s->arena, kind);
	s->flavor = FLAVOR_DEFAULT;
	s->variant = FLAVOR_VARIANT_PLAIN;
	flavor_default_version(s->flavor, &s->version);
	s->flavor_source = "default";
}

void settings_release(struct settings *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->vars[i].overridden);
	free(s->vars);
	strmap_release(&s->index);
	free(s->channels);
	free(s->problems);
	diag_list_release(&s->diags);
	diag_list_release(&s->build_diags);
	arena_release(&s->arena);
	memset(s, 0, sizeof(*s));
}

void settings_forget_prefix(struct settings *s, const char *prefix)
{
	size_t kept = 0, len = strlen(prefix);
	for (size_t i = 0; i < s->n; i++) {
		if (!strncmp(s->vars[i].name, prefix, len))
			free(s->vars[i].overridden);
		else
			s->vars[kept++] = s->vars[i];
	}
	if (kept == s->n)
		return;
	s->n = kept;
	if (s->shared)
		return;
	int fold = s->index.fold_case;
	strmap_release(&s->index);
	strmap_init(&s->index, fold);
	for (size_t i = 0; i < s->n; i++)
		strmap_put(&s->index, s->vars[i].name, i);
}

const char *settings_intern(struct settings *s, const char *str)
{
	if (s->shared)
		return str ? s->shared->intern(s->shared->ctx, str) : NULL;
	return arena_strdup(&s->arena, str);
}

/*
 * A view with no index (settings.h, shared): the variable called name by a
 * scan, or NULL. The names looked up are mostly the very strings the view
 * holds (the engine's read names): by address first, then by text.
 */
static struct settings_var *settings_scan(const struct settings *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->vars[i].name == name)
			return &s->vars[i];
	for (size_t i = 0; i < s->n; i++) {
		const char *n = s->vars[i].name;
		if (!(s->index.fold_case ? ascii_strcasecmp(n, name) : strcmp(n, name)))
			return &s->vars[i];
	}
	return NULL;
}

static struct settings_var *settings_find(const struct settings *s, const char *name)
{
	size_t i;
	if (s->shared)
		return settings_scan(s, name);
	if (strmap_get(&s->index, name, &i) < 0)
		return NULL;
	return &s->vars[i];
}

const struct settings_var *settings_get(const struct settings *s, const char *name)
{
	return settings_find(s, name);
}

const struct settings_var *settings_get_hashed(const struct settings *s, const char *name, size_t hash)
{
	size_t i;
	if (s->shared)
		return settings_scan(s, name);
	if (strmap_get_hashed(&s->index, name, hash, &i) < 0)
		return NULL;
	return &s->vars[i];
}

void settings_retain(struct settings *s, int (*keep)(void *ctx, const char *name), void *ctx)
{
	size_t k = 0, *map = NULL;
	int remap = !s->shared && s->index.n == s->n;
	if (remap && s->n)
		map = xmalloc(s->n * sizeof(*map));
	for (size_t i = 0; i < s->n; i++) {
		if (keep(ctx, s->vars[i].name)) {
			if (map)
				map[i] = k;
			s->vars[k++] = s->vars[i];
		} else {
			if (map)
				map[i] = SIZE_MAX;
			free(s->vars[i].overridden);
		}
	}
	int dropped = k < s->n;
	size_t nmap = s->n;
	s->n = k;
	if (k < s->cap) {
		if (k) {
			s->vars = xrealloc(s->vars, k * sizeof(*s->vars));
		} else {
			free(s->vars);
			s->vars = NULL;
		}
		s->cap = k;
	}
	if (s->shared || (!dropped && remap)) {
		free(map);
		return;   /* nothing dropped: the index still holds every variable where it is (issue 13) */
	}
	if (map) {
		/* each kept name where it now is, from the hashes the index holds (issue 13) */
		strmap_remap(&s->index, map, nmap);
		free(map);
		return;
	}
	int fold = s->index.fold_case;
	strmap_release(&s->index);
	strmap_init(&s->index, fold);
	strmap_reserve(&s->index, s->n);
	for (size_t i = 0; i < s->n; i++)
		strmap_put(&s->index, s->vars[i].name, i);
}

void settings_reserve(struct settings *s, size_t n)
{
	if (!s->shared)
		strmap_reserve(&s->index, n);
	if (n > s->cap) {
		s->vars = xrealloc(s->vars, n * sizeof(*s->vars));
		s->cap = n;
	}
}

/* text in s's arena: the copy *last holds when its text is the same, else a new one that *last then holds */
static const char *settings_copy_shared(struct settings *s, const char **last, const char *text)
{
	if (!text)
		return NULL;
	if (!*last || strcmp(*last, text))
		*last = settings_intern(s, text);
	return *last;
}

static void origin_copy(struct settings *s, struct settings_origin *dst, const struct settings_origin *src)
{
	dst->source = src->source;
	dst->file = settings_copy_shared(s, &s->last_file, src->file);
	dst->line = src->line;
	dst->chain = settings_copy_shared(s, &s->last_chain, src->chain);
	dst->detail = settings_copy_shared(s, &s->last_detail, src->detail);
}

/*
 * secret_shown() for settings_set(): whether a name is a secret's is
 * remembered per thread for the names seen (issue 13: the test, on every
 * value of every target, was 4% of a many-file check). An entry is used
 * only when its name is the same text; a name too long to keep is tested
 * each time.
 */
#define SETTINGS_SECRET_MEMO 1024
#define SETTINGS_SECRET_NAME 56

struct settings_secret_memo {
	char name[SETTINGS_SECRET_NAME];   /* "": an empty slot */
	int secret;
};

/* per thread, small until it misses (memo.h: the fixed array was start-up cost, issue 13) */
static _Thread_local struct memo settings_secret_memo = MEMO_PER_THREAD;

static const char *settings_shown(const char *name, size_t hash, const char *value)
{
	if (!value || !*value)
		return value;
	size_t len = strlen(name);
	if (len == 0 || len >= SETTINGS_SECRET_NAME)
		return secret_shown(name, value);
	struct settings_secret_memo *m = memo_slot(&settings_secret_memo, sizeof(*m), SETTINGS_SECRET_MEMO, hash);
	if (strcmp(m->name, name)) {
		memo_missed(&settings_secret_memo);
		memcpy(m->name, name, len + 1);
		m->secret = secret_name(name);
	}
	return m->secret ? SECRET_MASK : value;
}

/*
 * settings_set() with the name's hash; kept: the name outlives s, and with
 * kept_value the value too (settings_set_named(), settings_set_kept()).
 */
/* What settings_put() stores without a copy (the caller's strings outlive s). */
enum {
	SETTINGS_KEEP_NAME = 1,
	SETTINGS_KEEP_VALUE = 2,
	SETTINGS_KEEP_SPELLED = 4,
	SETTINGS_KEEP_ORIGIN = 8,   /* file, chain and detail */
	SETTINGS_KEEP_ALL = 15,
};

static struct settings_var *settings_put(struct settings *s, const char *name, size_t hash, const char *value,
					 const char *spelled, const struct settings_origin *origin, unsigned keep)
{
	int kept = (keep & SETTINGS_KEEP_NAME) != 0;
	size_t at;
	struct settings_var *v;
	const char *key = name;
	if (s->shared) {
		v = settings_scan(s, name);
	} else {
		/* one probe finds it or adds it (issue 13); a name not kept is copied first (a
		 * variable set again wastes that copy: rare) */
		if (!kept)
			key = settings_intern(s, name);
		v = strmap_get_or_put_hashed(&s->index, key, hash, s->n, &at) ? &s->vars[at] : NULL;
	}
	if (v) {
		ARRAY_GROW(v->overridden, v->n_overridden + 1, v->overridden_cap);
		v->overridden[v->n_overridden++] = v->current;
	} else {
		ARRAY_GROW(s->vars, s->n + 1, s->cap);
		v = &s->vars[s->n++];
		memset(v, 0, sizeof(*v));
		v->name = s->shared && !kept ? settings_intern(s, name) : key;
	}
	/*
	 * A secret (a password, wsrep_sst_auth...) is never stored: nothing
	 * downstream can print it. A kept name is not a secret's (the caller
	 * knows).
	 */
	const char *shown = kept ? value
				 : settings_shown(name, s->index.fold_case ? util_strhash(name, 0) : hash, value);
	/*
	 * Nor a value holding a secret's assignment, whatever its name
	 * (secret_value_holds(): MySQL 8.4 glues the next line onto a line cut
	 * by a NUL byte, report_host=h NUL ... password=x). Constants (the
	 * catalog's defaults) are not outside text; nor is a value shorter than
	 * "pas=" (most are: 1, ON, ROW), looked at without a call.
	 */
	if (shown == value && value && keep != SETTINGS_KEEP_ALL && value[0] && value[1] && value[2] && value[3] &&
	    strchr(value + 3, '=') && secret_value_holds(value))
		shown = SECRET_MASK;
	v->current.value = (keep & SETTINGS_KEEP_VALUE) && shown == value ? value : settings_intern(s, shown);
	v->current.spelled = keep & SETTINGS_KEEP_SPELLED ? spelled : settings_intern(s, spelled);
	if (keep & SETTINGS_KEEP_ORIGIN)
		v->current.origin = *origin;
	else
		origin_copy(s, &v->current.origin, origin);
	return v;
}

struct settings_var *settings_set(struct settings *s, const char *name, const char *value,
				  const char *spelled, const struct settings_origin *origin)
{
	/* one hash of the name for the lookup, the store and the secret test (issue 13) */
	return settings_put(s, name, strmap_hash_of(&s->index, name), value, spelled, origin, 0);
}

struct settings_var *settings_set_kept(struct settings *s, const char *name, size_t hash, const char *value,
				       const struct settings_origin *origin)
{
	return settings_put(s, name, hash, value, NULL, origin,
			    s->shared ? 0 : SETTINGS_KEEP_NAME | SETTINGS_KEEP_VALUE);
}

struct settings_var *settings_set_named(struct settings *s, const char *name, size_t hash, const char *value,
					const char *spelled, const struct settings_origin *origin)
{
	return settings_put(s, name, hash, value, spelled, origin, s->shared ? 0 : SETTINGS_KEEP_NAME);
}

struct settings_var *settings_set_kept_all(struct settings *s, const char *name, size_t hash, const char *value,
					   const char *spelled, const struct settings_origin *origin)
{
	return settings_put(s, name, hash, value, spelled, origin,
			    s->shared ? 0 : SETTINGS_KEEP_NAME | SETTINGS_KEEP_VALUE | SETTINGS_KEEP_SPELLED);
}

struct settings_var *settings_set_constant(struct settings *s, const char *name, size_t hash, const char *value,
					   const struct settings_origin *origin)
{
	return settings_put(s, name, hash, value, NULL, origin, s->shared ? 0 : SETTINGS_KEEP_ALL);
}

struct settings_problem *settings_add_problem(struct settings *s, const struct settings_problem *p)
{
	ARRAY_GROW(s->problems, s->nproblems + 1, s->problems_cap);
	struct settings_problem *q = &s->problems[s->nproblems++];
	*q = *p;
	q->fact = arena_strdup(&s->arena, p->fact);
	q->origin.file = arena_strdup(&s->arena, p->origin.file);
	q->origin.chain = arena_strdup(&s->arena, p->origin.chain);
	q->origin.detail = arena_strdup(&s->arena, p->origin.detail);
	q->option = arena_strdup(&s->arena, p->option);
	q->value = arena_strdup(&s->arena, p->value);
	q->variable = arena_strdup(&s->arena, p->variable);
	q->replacement = arena_strdup(&s->arena, p->replacement);
	q->detail = arena_strdup(&s->arena, p->detail);
	q->text = arena_strdup(&s->arena, p->text);
	return q;
}

struct settings_channel *settings_add_channel(struct settings *s, const char *name)
{
	ARRAY_GROW(s->channels, s->nchannels + 1, s->channels_cap);
	struct settings_channel *c = &s->channels[s->nchannels++];
	memset(c, 0, sizeof(*c));
	c->name = arena_strdup(&s->arena, name ? name : "");
	return c;
}

void settings_origin_add(struct strbuf *sb, const struct settings_origin *o)
{
	static const char *const names[] = {
		[SETTINGS_SRC_DEFAULT] = "default",
		[SETTINGS_SRC_FILE] = "option file",
		[SETTINGS_SRC_SNAPSHOT] = "snapshot",
		[SETTINGS_SRC_LIVE] = "live",
		[SETTINGS_SRC_TOPOLOGY] = "topology",
	};
	if (o->file) {
		strbuf_addstr(sb, o->file);
		if (o->line) {
			strbuf_addch(sb, ':');
			strbuf_add_uint(sb, o->line);
		}
		if (o->chain) {
			strbuf_add(sb, " (", 2);
			strbuf_addstr(sb, o->chain);
			strbuf_addch(sb, ')');
		}
		if (o->detail) {
			strbuf_add(sb, ", ", 2);
			strbuf_addstr(sb, o->detail);
		}
	} else if (o->detail) {
		strbuf_addstr(sb, o->detail);
	} else {
		strbuf_addstr(sb, names[o->source]);
	}
}

char *settings_origin_describe(const struct settings_origin *o)
{
	struct strbuf sb = { 0 };
	settings_origin_add(&sb, o);
	return strbuf_detach(&sb);
}
