/*
 * engine.c - rules as data: reads the rule files (rules/NAME.ini) with inih, binds their
 * conditions to the variable catalog, and evaluates them over targets
 * (per target, per replication channel, and across the targets of a run).
 */
#include "engine.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ini.h>

#include "expr.h"
#include "fileio.h"
#include "inipack.h"
#include "prebuilt.h"
#include "topology.h"
#include "banned.h"

const char *rule_scope_name(enum rule_scope s)
{
	static const char *const names[] = {
		[RULE_SCOPE_TARGET] = "target",
		[RULE_SCOPE_CHANNEL] = "channel",
		[RULE_SCOPE_FLEET] = "fleet",
		[RULE_SCOPE_PROBLEM] = "problem",
		[RULE_SCOPE_TOPOLOGY] = "topology",
		[RULE_SCOPE_LINK] = "link",
	};
	return names[s];
}

static int rule_scope_parse(enum rule_scope *out, const char *s)
{
	for (int i = RULE_SCOPE_TARGET; i <= RULE_SCOPE_LINK; i++) {
		if (!strcmp(s, rule_scope_name((enum rule_scope)i))) {
			*out = (enum rule_scope)i;
			return 0;
		}
	}
	return -1;
}

/* What each scope's conditions may name (expr_bind_scope()). */
static unsigned rule_scope_allows(enum rule_scope s)
{
	static const unsigned allow[] = {
		[RULE_SCOPE_TARGET] = 0,
		[RULE_SCOPE_CHANNEL] = EXPR_ALLOW_CHANNEL,
		[RULE_SCOPE_FLEET] = 0,
		[RULE_SCOPE_PROBLEM] = 0,
		[RULE_SCOPE_TOPOLOGY] = EXPR_ALLOW_REFS,
		[RULE_SCOPE_LINK] = EXPR_ALLOW_CHANNEL | EXPR_ALLOW_SOURCE | EXPR_ALLOW_REFS,
	};
	return allow[s];
}

/*
 * What the targets of one flavor, build and version share: expr_var_exists()
 * of catalog variable i (expr.h: 1, 0, -1, or EXPR_EXISTS_UNSET until a
 * condition asks) depends on nothing else when the flavor and version are
 * known. At most ENGINE_MEMO_KEYS servers; the targets of others, and of an
 * unknown flavor or version, work it out for themselves (target_cache).
 */
#define ENGINE_MEMO_KEYS 64
struct engine_memo {
	const struct catalog *c;     /* the catalog bound to; its n variables */
	size_t nvars;
	struct engine_memo_key {
		enum flavor flavor;
		enum flavor_variant variant;
		struct version version;
		signed char *exists;     /* nvars */
	} keys[ENGINE_MEMO_KEYS];
	size_t n, last;
};

static void engine_memo_free(struct engine_memo *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		free(m->keys[i].exists);
	free(m);
}

/* A new memo for catalog c (engine_bind()). */
static struct engine_memo *engine_memo_new(const struct catalog *c)
{
	struct engine_memo *m = xcalloc(1, sizeof(*m));
	m->c = c;
	m->nvars = c ? c->n : 0;
	return m;
}

static int memo_key_is(const struct engine_memo_key *k, const struct settings *s)
{
	return k->flavor == s->flavor && k->variant == s->variant && k->version.major == s->version.major &&
	       k->version.minor == s->version.minor && k->version.patch == s->version.patch;
}

/* The existence array s's targets share, or NULL (s's own: unknown flavor or version, another catalog, full). */
static signed char *engine_memo_exists(const struct engine *e, const struct catalog *c, const struct settings *s)
{
	struct engine_memo *m = e->memo;
	if (!m || m->c != c || !c || m->nvars != c->n || !c->n || s->flavor == FLAVOR_UNKNOWN ||
	    !version_is_known(&s->version))
		return NULL;
	if (m->last < m->n && memo_key_is(&m->keys[m->last], s))
		return m->keys[m->last].exists;
	for (size_t i = 0; i < m->n; i++) {
		if (memo_key_is(&m->keys[i], s)) {
			m->last = i;
			return m->keys[i].exists;
		}
	}
	if (m->n == ENGINE_MEMO_KEYS)
		return NULL;
	struct engine_memo_key *k = &m->keys[m->n];
	k->flavor = s->flavor;
	k->variant = s->variant;
	k->version = s->version;
	k->exists = xmalloc(m->nvars);
	memset(k->exists, EXPR_EXISTS_UNSET, m->nvars);
	m->last = m->n++;
	return k->exists;
}

void engine_init(struct engine *e)
{
	memset(e, 0, sizeof(*e));
	arena_init(&e->arena);
}

void engine_release(struct engine *e)
{
	for (size_t i = e->nprebuilt; i < e->n; i++) {
		free(e->rules[i].severity_if);
		free(e->rules[i].fix_if);
	}
	free(e->rules);
	free(e->reads);
	free(e->read_hash);
	free(e->read_slots);
	free(e->order);
	engine_memo_free(e->memo);
	arena_release(&e->arena);
	memset(e, 0, sizeof(*e));
}

size_t engine_rule_count(const struct engine *e)
{
	return e->n;
}

const struct rule *engine_rule_at(const struct engine *e, size_t i)
{
	return i < e->n ? &e->rules[i] : NULL;
}

const struct rule *engine_rule_find(const struct engine *e, const char *id)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->rules[i].id, id))
			return &e->rules[i];
	return NULL;
}

static const char *rule_text_for(const char *const by[4], const char *general, enum flavor f)
{
	if (f == FLAVOR_PERCONA && !by[f])
		f = FLAVOR_MYSQL;
	return by[f] ? by[f] : general;
}

const char *rule_why(const struct rule *r, enum flavor f)
{
	return rule_text_for(r->why_for, r->why, f);
}

const char *rule_fix(const struct rule *r, enum flavor f)
{
	return rule_text_for(r->fix_for, r->fix, f);
}

const char *rule_doc(const struct rule *r, enum flavor f)
{
	return rule_text_for(r->doc_for, r->doc, f);
}

const char *rule_expect(const struct rule *r, enum flavor f)
{
	return rule_text_for(r->expect_for, r->expect, f);
}

/* ---- loading ---------------------------------------------------------- */

/* The keys a rule may have, and how continuation lines join them. */
enum rule_key {
	KEY_SEVERITY, KEY_SEVERITY_IF, KEY_TITLE, KEY_APPLIES, KEY_REQUIRE, KEY_WHY,
	KEY_FIX, KEY_DOC, KEY_SCOPE, KEY_VARIABLE, KEY_EXPECT, KEY_UNIQUE,
	KEY_EXCEPT_SAME, KEY_TAGS, KEY_FIX_IF, KEY_COUNT,
};

static const struct {
	const char *name;
	const char *joiner;   /* how an indented continuation line is appended */
	int repeatable;
} rule_keys[KEY_COUNT] = {
	[KEY_SEVERITY] = { "severity", NULL, 0 },
	[KEY_SEVERITY_IF] = { "severity_if", " ", 1 },
	[KEY_TITLE] = { "title", " ", 0 },
	[KEY_APPLIES] = { "applies", " ", 0 },
	[KEY_REQUIRE] = { "require", " ", 0 },
	[KEY_WHY] = { "why", " ", 0 },
	[KEY_FIX] = { "fix", "\n", 0 },
	[KEY_DOC] = { "doc", " ", 0 },
	[KEY_SCOPE] = { "scope", NULL, 0 },
	[KEY_VARIABLE] = { "variable", NULL, 0 },
	[KEY_EXPECT] = { "expect", " ", 0 },
	[KEY_UNIQUE] = { "unique", NULL, 0 },
	[KEY_EXCEPT_SAME] = { "except_same", NULL, 0 },
	[KEY_TAGS] = { "tags", " ", 0 },
	[KEY_FIX_IF] = { "fix_if", "\n", 1 },
};

/* Keys that may carry a flavor suffix (`doc.mariadb`), and where the rule keeps them. */
static const int flavored_keys[] = { KEY_WHY, KEY_FIX, KEY_DOC, KEY_EXPECT };

static int flavored_index(int k)
{
	for (size_t i = 0; i < ARRAY_SIZE(flavored_keys); i++)
		if (flavored_keys[i] == k)
			return (int)i;
	return -1;
}

/* One rule while its file is read: raw texts per key. */
struct pending_rule {
	unsigned header;             /* line of its [section] header */
	struct strbuf flv[4][4];     /* flavored_keys x enum flavor */
	unsigned flv_line[4][4];
	char *id;
	unsigned line;
	int discard;                 /* a duplicate: read but not kept */
	struct strbuf value[KEY_COUNT];
	unsigned key_line[KEY_COUNT];
	int seen[KEY_COUNT];
	struct strbuf *sev_if;       /* each severity_if line */
	unsigned *sev_if_line;
	size_t nsev_if, sev_if_cap, sev_if_line_cap;
	struct strbuf *fix_if;       /* each fix_if key */
	unsigned *fix_if_line;
	size_t nfix_if, fix_if_cap, fix_if_line_cap;
	int last_key;                /* -1 when none */
	struct strbuf *flv_last;     /* the flavored key last read, for continuation lines */
	int flv_last_key;
	size_t flv_last_name_len;
};

struct rule_reader {
	const char *data;            /* the whole file (fileio_read), NUL-terminated */
	size_t len, pos;
	const char *path;
	unsigned line;
	unsigned char *cont;         /* per line: starts with blank and holds text */
	unsigned section_line;       /* line of the last [section] header read */
	size_t cont_cap;
	struct diag_list *d;
};

struct load_ctx {
	struct engine *e;
	const char *path;            /* interned in the engine arena */
	const char *family;          /* the file's name without directory and .ini */
	struct diag_list *d;
	struct rule_reader *reader;
	struct pending_rule *rules;
	size_t n, cap;
	int errors;
};

static void diag_sort_by_line(struct diag_list *d, size_t from);

/* inih reader: one physical line per call, so line numbers stay true; long lines are an error. */
static char *rule_reader_gets(char *str, int num, void *stream)
{
	struct rule_reader *r = stream;
	size_t n = 0, max = num > 1 ? (size_t)num - 1 : 0;
	int c, any = 0, too_long = 0;
	while (r->pos < r->len) {
		c = (unsigned char)r->data[r->pos++];
		any = 1;
		if (c == '\n')
			break;
		if (n < max)
			str[n++] = (char)c;
		else
			too_long = 1;
	}
	if (!any)
		return NULL;
	str[n] = '\0';
	r->line++;
	ARRAY_GROW(r->cont, (size_t)r->line + 1, r->cont_cap);
	size_t i = 0;
	while (str[i] == ' ' || str[i] == '\t')
		i++;
	r->cont[r->line] = i > 0 && str[i] && str[i] != ';' && str[i] != '#' && str[i] != '\r';
	if (str[i] == '[' || (r->line == 1 && !strncmp(str, "\xEF\xBB\xBF[", 4)))
		r->section_line = r->line;
	if (too_long)
		diag_add(r->d, DIAG_ERROR, r->path, r->line,
			 "line longer than %zu bytes: split the value over indented continuation lines", max);
	return str;
}

static int rule_id_valid(const char *id)
{
	if (!*id)
		return 0;
	for (const char *p = id; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

static const struct rule *find_loaded(const struct engine *e, const char *id)
{
	return engine_rule_find(e, id);
}

static struct pending_rule *pending_for(struct load_ctx *ctx, const char *section, unsigned line)
{
	unsigned header = ctx->reader->section_line;
	if (ctx->n && !strcmp(ctx->rules[ctx->n - 1].id, section) && ctx->rules[ctx->n - 1].header == header)
		return &ctx->rules[ctx->n - 1];
	if (header)
		line = header;
	ARRAY_GROW(ctx->rules, ctx->n + 1, ctx->cap);
	struct pending_rule *p = &ctx->rules[ctx->n++];
	memset(p, 0, sizeof(*p));
	p->id = xstrdup(section);
	p->line = line;
	p->header = header;
	p->last_key = -1;
	const struct rule *old = find_loaded(ctx->e, section);
	if (old) {
		diag_add(ctx->d, DIAG_ERROR, ctx->path, line, "duplicate rule id '%s' (first defined at %s:%u)",
			 section, old->file, old->line);
		p->discard = 1;
		ctx->errors++;
		return p;
	}
	for (size_t i = 0; i + 1 < ctx->n; i++) {
		if (!strcmp(ctx->rules[i].id, section)) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path, line,
				 "duplicate rule id '%s' (first defined at %s:%u)", section, ctx->path,
				 ctx->rules[i].line);
			p->discard = 1;
			ctx->errors++;
			return p;
		}
	}
	if (!rule_id_valid(section)) {
		diag_add(ctx->d, DIAG_ERROR, ctx->path, line,
			 "bad rule id '%s': use lowercase letters, digits and '-'", section);
		p->discard = 1;
		ctx->errors++;
	}
	return p;
}

static int rule_handler(void *user, const char *section, const char *name, const char *value, int lineno)
{
	struct load_ctx *ctx = user;
	unsigned line = (unsigned)lineno;
	if (!*section) {
		diag_add(ctx->d, DIAG_ERROR, ctx->path, line, "'%s' is outside any [rule-id] section", name);
		ctx->errors++;
		return 1;
	}
	struct pending_rule *p = pending_for(ctx, section, line);
	int cont = line < ctx->reader->cont_cap && ctx->reader->cont[line];
	if (cont && p->last_key < 0 && p->flv_last && strlen(name) == p->flv_last_name_len &&
	    strchr(name, '.')) {
		strbuf_addstr(p->flv_last, rule_keys[p->flv_last_key].joiner);
		strbuf_addstr(p->flv_last, value);
		return 1;
	}
	if (!cont)
		p->flv_last = NULL;
	if (cont && p->last_key >= 0 && !strcmp(rule_keys[p->last_key].name, name)) {
		int k = p->last_key;
		if (!rule_keys[k].joiner) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path, line,
				 "rule '%s': '%s' does not continue over lines", p->id, name);
			ctx->errors++;
			return 1;
		}
		struct strbuf *sb = k == KEY_SEVERITY_IF ? &p->sev_if[p->nsev_if - 1]
				    : k == KEY_FIX_IF ? &p->fix_if[p->nfix_if - 1] : &p->value[k];
		strbuf_addstr(sb, rule_keys[k].joiner);
		strbuf_addstr(sb, value);
		return 1;
	}
	int k;
	const char *dot = strchr(name, '.');
	if (dot) {
		enum flavor f;
		for (k = 0; k < KEY_COUNT; k++)
			if (strlen(rule_keys[k].name) == (size_t)(dot - name) &&
			    !strncmp(rule_keys[k].name, name, (size_t)(dot - name)))
				break;
		int fi = k < KEY_COUNT ? flavored_index(k) : -1;
		if (fi >= 0 && !flavor_parse(&f, dot + 1) && f != FLAVOR_UNKNOWN) {
			p->last_key = -1;
			if (p->flv_line[fi][f]) {
				diag_add(ctx->d, DIAG_ERROR, ctx->path, line,
					 "rule '%s': duplicate key '%s' (first at line %u)", p->id, name,
					 p->flv_line[fi][f]);
				ctx->errors++;
				return 1;
			}
			p->flv_line[fi][f] = line;
			strbuf_addstr(&p->flv[fi][f], value);
			p->flv_last = &p->flv[fi][f];
			p->flv_last_key = k;
			p->flv_last_name_len = strlen(name);
			return 1;
		}
		k = KEY_COUNT;
	} else {
		for (k = 0; k < KEY_COUNT; k++)
			if (!strcmp(rule_keys[k].name, name))
				break;
	}
	if (k == KEY_COUNT) {
		diag_add(ctx->d, DIAG_ERROR, ctx->path, line,
			 "rule '%s': unknown key '%s' (keys: severity, severity_if, title, applies, require, "
			 "why, fix, fix_if, doc, scope, variable, expect, unique, except_same, tags)", p->id, name);
		ctx->errors++;
		p->last_key = -1;
		return 1;
	}
	p->last_key = k;
	if (k == KEY_SEVERITY_IF) {
		ARRAY_GROW(p->sev_if, p->nsev_if + 1, p->sev_if_cap);
		ARRAY_GROW(p->sev_if_line, p->nsev_if + 1, p->sev_if_line_cap);
		strbuf_init(&p->sev_if[p->nsev_if]);
		strbuf_addstr(&p->sev_if[p->nsev_if], value);
		p->sev_if_line[p->nsev_if] = line;
		p->nsev_if++;
		return 1;
	}
	if (k == KEY_FIX_IF) {
		ARRAY_GROW(p->fix_if, p->nfix_if + 1, p->fix_if_cap);
		ARRAY_GROW(p->fix_if_line, p->nfix_if + 1, p->fix_if_line_cap);
		strbuf_init(&p->fix_if[p->nfix_if]);
		strbuf_addstr(&p->fix_if[p->nfix_if], value);
		p->fix_if_line[p->nfix_if] = line;
		p->nfix_if++;
		return 1;
	}
	if (p->seen[k]) {
		diag_add(ctx->d, DIAG_ERROR, ctx->path, line, "rule '%s': duplicate key '%s' (first at line %u)",
			 p->id, name, p->key_line[k]);
		ctx->errors++;
		return 1;
	}
	p->seen[k] = 1;
	p->key_line[k] = line;
	strbuf_addstr(&p->value[k], value);
	return 1;
}

static void pending_release(struct pending_rule *p)
{
	free(p->id);
	for (int k = 0; k < KEY_COUNT; k++)
		strbuf_release(&p->value[k]);
	for (size_t i = 0; i < p->nsev_if; i++)
		strbuf_release(&p->sev_if[i]);
	for (size_t i = 0; i < ARRAY_SIZE(flavored_keys); i++)
		for (int f = 0; f < 4; f++)
			strbuf_release(&p->flv[i][f]);
	free(p->sev_if);
	free(p->sev_if_line);
	for (size_t i = 0; i < p->nfix_if; i++)
		strbuf_release(&p->fix_if[i]);
	free(p->fix_if);
	free(p->fix_if_line);
}

static const char *pending_text(struct engine *e, const struct pending_rule *p, int k)
{
	return p->seen[k] ? arena_strdup(&e->arena, p->value[k].buf ? p->value[k].buf : "") : NULL;
}

static struct expr *parse_condition(struct load_ctx *ctx, const char *id, const char *key, const char *text,
				    unsigned line)
{
	struct expr_error err;
	struct expr *x = expr_parse(&ctx->e->arena, text, &err);
	if (!x) {
		diag_add(ctx->d, DIAG_ERROR, ctx->path, line, "rule '%s': %s: %s (column %u)", id, key,
			 err.message, err.column);
		ctx->errors++;
	}
	return x;
}

static char *trim_copy(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return xstrndup(s, n);
}

/* Turn a pending rule into a rule, checking what every rule needs. Returns 0 or -1. */
static int finish_rule(struct load_ctx *ctx, struct pending_rule *p)
{
	struct engine *e = ctx->e;
	struct rule r;
	int bad = 0;
	if (p->discard)
		return -1;   /* already reported (duplicate or bad id) */
	memset(&r, 0, sizeof(r));
	r.id = arena_strdup(&e->arena, p->id);
	r.file = ctx->path;
	r.family = ctx->family;
	r.line = p->line;
	r.title = pending_text(e, p, KEY_TITLE);
	r.why = pending_text(e, p, KEY_WHY);
	r.fix = pending_text(e, p, KEY_FIX);
	r.doc = pending_text(e, p, KEY_DOC);
	r.tags = pending_text(e, p, KEY_TAGS);
	r.expect = pending_text(e, p, KEY_EXPECT);
	r.variable = pending_text(e, p, KEY_VARIABLE);
	r.unique = pending_text(e, p, KEY_UNIQUE);
	r.except_same = pending_text(e, p, KEY_EXCEPT_SAME);
	r.applies_text = pending_text(e, p, KEY_APPLIES);
	r.require_text = pending_text(e, p, KEY_REQUIRE);
	for (int f = 0; f < 4; f++) {
		const char **slot[] = { &r.why_for[f], &r.fix_for[f], &r.doc_for[f], &r.expect_for[f] };
		for (size_t i = 0; i < ARRAY_SIZE(flavored_keys); i++)
			if (p->flv_line[i][f])
				*slot[i] = arena_strdup(&e->arena, p->flv[i][f].buf ? p->flv[i][f].buf : "");
	}
	r.applies_line = p->key_line[KEY_APPLIES];
	r.require_line = p->key_line[KEY_REQUIRE];

	static const int needed[] = { KEY_SEVERITY, KEY_TITLE, KEY_WHY, KEY_FIX };
	for (size_t i = 0; i < ARRAY_SIZE(needed); i++) {
		if (!p->seen[needed[i]] || !p->value[needed[i]].len) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path, p->line, "rule '%s': missing '%s'", p->id,
				 rule_keys[needed[i]].name);
			bad = 1;
		}
	}
	if (p->seen[KEY_SEVERITY] && severity_parse(&r.severity, p->value[KEY_SEVERITY].buf)) {
		diag_add(ctx->d, DIAG_ERROR, ctx->path, p->key_line[KEY_SEVERITY],
			 "rule '%s': bad severity '%s' (error, warning or info)", p->id, p->value[KEY_SEVERITY].buf);
		bad = 1;
	}
	if (p->seen[KEY_SCOPE]) {
		const char *s = p->value[KEY_SCOPE].buf;
		if (rule_scope_parse(&r.scope, s)) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path, p->key_line[KEY_SCOPE],
				 "rule '%s': bad scope '%s' (target, channel, fleet, problem, topology or link)", p->id, s);
			bad = 1;
		}
	}
	if (r.scope == RULE_SCOPE_FLEET) {
		if (!r.unique || !*r.unique) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path, p->line,
				 "rule '%s': a fleet rule needs 'unique = VARIABLE'", p->id);
			bad = 1;
		}
		if (r.require_text) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path, r.require_line,
				 "rule '%s': a fleet rule takes 'unique', not 'require'", p->id);
			bad = 1;
		}
	} else {
		if (!r.require_text || !*r.require_text) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path, p->line, "rule '%s': missing 'require'", p->id);
			bad = 1;
		}
		if (r.unique || r.except_same) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path,
				 p->key_line[r.unique ? KEY_UNIQUE : KEY_EXCEPT_SAME],
				 "rule '%s': 'unique' and 'except_same' need 'scope = fleet'", p->id);
			bad = 1;
		}
	}
	if (r.applies_text) {
		r.applies = parse_condition(ctx, p->id, "applies", r.applies_text, r.applies_line);
		bad |= !r.applies;
	}
	if (r.require_text && *r.require_text) {
		r.require = parse_condition(ctx, p->id, "require", r.require_text, r.require_line);
		bad |= !r.require;
	}
	size_t sev_if_cap = 0;
	for (size_t i = 0; i < p->nsev_if; i++) {
		const char *text = p->sev_if[i].buf ? p->sev_if[i].buf : "";
		const char *arrow = NULL;
		for (const char *q = strstr(text, "->"); q; q = strstr(q + 1, "->"))
			arrow = q;
		struct rule_severity_if si = { 0 };
		char *cond = arrow ? trim_copy(text, (size_t)(arrow - text)) : NULL;
		char *sev = arrow ? trim_copy(arrow + 2, strlen(arrow + 2)) : NULL;
		if (!arrow || severity_parse(&si.severity, sev)) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path, p->sev_if_line[i],
				 "rule '%s': severity_if must read 'CONDITION -> error|warning|info'", p->id);
			bad = 1;
		} else {
			si.text = arena_strdup(&e->arena, cond);
			si.cond = parse_condition(ctx, p->id, "severity_if", si.text, p->sev_if_line[i]);
			if (si.cond) {
				ARRAY_GROW(r.severity_if, r.nseverity_if + 1, sev_if_cap);
				r.severity_if[r.nseverity_if++] = si;
			} else {
				bad = 1;
			}
		}
		free(cond);
		free(sev);
	}
	size_t fix_if_cap = 0;
	for (size_t i = 0; i < p->nfix_if; i++) {
		/* CONDITION -> TEXT: the first arrow ends the condition; the text may hold anything */
		const char *text = p->fix_if[i].buf ? p->fix_if[i].buf : "";
		const char *arrow = strstr(text, "->");
		struct rule_fix_if fi = { 0 };
		char *cond = arrow ? trim_copy(text, (size_t)(arrow - text)) : NULL;
		char *fix = arrow ? trim_copy(arrow + 2, strlen(arrow + 2)) : NULL;
		if (!arrow || !*fix) {
			diag_add(ctx->d, DIAG_ERROR, ctx->path, p->fix_if_line[i],
				 "rule '%s': fix_if must read 'CONDITION -> FIX TEXT'", p->id);
			bad = 1;
		} else {
			fi.text = arena_strdup(&e->arena, cond);
			fi.fix = arena_strdup(&e->arena, fix);
			fi.cond = parse_condition(ctx, p->id, "fix_if", fi.text, p->fix_if_line[i]);
			fi.line = p->fix_if_line[i];
			if (fi.cond) {
				ARRAY_GROW(r.fix_if, r.nfix_if + 1, fix_if_cap);
				r.fix_if[r.nfix_if++] = fi;
			} else {
				bad = 1;
			}
		}
		free(cond);
		free(fix);
	}
	if (bad || p->discard) {
		free(r.fix_if);
		free(r.severity_if);
		if (bad)
			ctx->errors++;
		return -1;
	}
	ARRAY_GROW(e->rules, e->n + 1, e->cap);
	e->rules[e->n++] = r;
	return 0;
}

/*
 * The handler calls of a packed file, with the reader's state each saw
 * (inipack.h); what ini_parse_stream() returned for it (always 0).
 */
static int rule_replay(struct load_ctx *ctx, struct rule_reader *r, int file)
{
	size_t n = inipack_nevents(file);
	r->cont_cap = (size_t)inipack_nlines(file) + 2;
	r->cont = xcalloc(r->cont_cap, 1);
	for (size_t i = 0; i < n; i++) {
		struct inipack_event ev;
		inipack_event_at(file, i, &ev);
		if ((size_t)ev.lineno >= r->cont_cap)
			continue;   /* not from the reader: cannot happen with a packed file */
		r->line = (unsigned)ev.lineno;
		r->cont[ev.lineno] = (unsigned char)ev.cont;
		r->section_line = ev.section_line;
		rule_handler(ctx, ev.section, ev.name, ev.value, ev.lineno);
	}
	r->line = inipack_nlines(file);
	return 0;
}

/* What engine_ini_record() passes through inih. */
struct rule_recorder {
	struct rule_reader *reader;
	inipack_record_fn fn;
	void *ctx;
};

static int rule_record_handler(void *user, const char *section, const char *name, const char *value, int lineno)
{
	struct rule_recorder *rec = user;
	struct rule_reader *r = rec->reader;
	struct inipack_event ev = {
		.section = section, .name = name, .value = value, .lineno = lineno,
		.cont = (size_t)lineno < r->cont_cap && r->cont[lineno],
		.section_line = r->section_line,
	};
	rec->fn(rec->ctx, &ev);
	return 1;
}

int engine_ini_record(const char *path, inipack_record_fn fn, void *fctx, unsigned *nlines, int *clean)
{
	struct rule_reader reader = { 0 };
	struct rule_recorder rec = { &reader, fn, fctx };
	struct fileio_data file;
	struct diag_list d;
	char *why = NULL;
	int rc;
	*clean = 0;
	*nlines = 0;
	if (fileio_read(path, FILEIO_RULES, &file, &why) != FILEIO_OK) {
		free(why);
		return -1;
	}
	diag_list_init(&d);
	reader.data = file.data;
	reader.len = file.len;
	reader.path = path;
	reader.d = &d;
	rc = ini_parse_stream(rule_reader_gets, &reader, rule_record_handler, &rec);
	*clean = d.n == 0;
	*nlines = reader.line;
	diag_list_release(&d);
	free(reader.cont);
	fileio_data_release(&file);
	return rc;
}

int engine_load_file(struct engine *e, const char *path, struct diag_list *d)
{
	struct rule_reader reader = { 0 };
	struct load_ctx ctx = { 0 };
	int rc = -1;
	struct fileio_data file;
	char *why = NULL;
	if (fileio_read(path, FILEIO_RULES, &file, &why) != FILEIO_OK) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot read rule file: %s", why);
		free(why);
		return -1;
	}
	reader.data = file.data;
	reader.len = file.len;
	reader.path = path;
	reader.d = d;
	ctx.e = e;
	ctx.path = arena_strdup(&e->arena, path);
	{
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		size_t len = strlen(base);
		if (len > 4 && !strcmp(base + len - 4, ".ini"))
			len -= 4;
		ctx.family = arena_strndup(&e->arena, base, len);
	}
	ctx.d = d;
	ctx.reader = &reader;
	size_t before = diag_count(d, DIAG_ERROR);
	/* A built-in rule file, byte for byte: its handler calls were recorded at build time (inipack.h). */
	int packed = inipack_find(INIPACK_RULES, file.data, file.len);
	int ini_rc = packed >= 0 ? rule_replay(&ctx, &reader, packed)
				 : ini_parse_stream(rule_reader_gets, &reader, rule_handler, &ctx);
	if (ini_rc > 0) {
		/* inih's own complaint: a line that is not [section], key = value or a comment */
		int reported = 0;
		for (size_t i = before; i < d->n; i++)
			if (d->items[i].line == (unsigned)ini_rc && d->items[i].file && !strcmp(d->items[i].file, path))
				reported = 1;
		if (!reported)
			diag_add(d, DIAG_ERROR, path, (unsigned)ini_rc,
				 "not a rule line: expected '[rule-id]', 'key = value' or a comment");
		ctx.errors++;
	} else if (ini_rc < 0) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot read rule file");
		ctx.errors++;
	}
	for (size_t i = 0; i < ctx.n; i++) {
		finish_rule(&ctx, &ctx.rules[i]);
		pending_release(&ctx.rules[i]);
	}
	free(ctx.rules);
	fileio_data_release(&file);
	free(reader.cont);
	diag_sort_by_line(d, before);
	rc = ctx.errors || diag_count(d, DIAG_ERROR) > before ? -1 : 0;
	return rc;
}

/* Stable insertion sort of d->items[from..] by line, so a file's problems read top to bottom. */
static void diag_sort_by_line(struct diag_list *d, size_t from)
{
	for (size_t i = from + 1; i < d->n; i++) {
		struct diag x = d->items[i];
		size_t j = i;
		while (j > from && d->items[j - 1].line > x.line) {
			d->items[j] = d->items[j - 1];
			j--;
		}
		d->items[j] = x;
	}
}

static int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* dir/name, with one slash between. Heap. */
static char *rule_path(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name), slash = dl && dir[dl - 1] == '/' ? 0 : 1;
	char *path = xmalloc(dl + slash + nl + 1);
	memcpy(path, dir, dl);
	if (slash)
		path[dl] = '/';
	memcpy(path + dl + slash, name, nl + 1);
	return path;
}

/*
 * Whether the regular file at path (readdir() said so) holds the bytes of
 * packed rule file `file`: opened as fileio_read() opens a file, read once
 * for its packed length + 1 bytes into buf (size bytes, more than that):
 * a regular file gives fewer bytes only at its end, so that read answers
 * without fstat() or a buffer of its own (issue 13: the ten built-in rule
 * files are compared at every run). 1 yes, 0 no, -1 could not be read.
 */
static int rule_file_is_packed(const char *path, int file, char *buf, size_t size)
{
	size_t len = inipack_files[file].len;
	int fd = open(path, FILEIO_OPEN_FLAGS);
	if (fd < 0)
		return -1;
	ssize_t got = len < size ? read(fd, buf, len + 1) : -1;
	close(fd);
	if (got < 0)
		return -1;
	return (size_t)got == len && inipack_find(INIPACK_RULES, buf, len) == file;
}

/*
 * e (empty) takes the prebuilt rules when names[0..n) (sorted) are the
 * built-in rule files, each holding the bytes it was built from. regular[i]:
 * readdir() said names[i] is a regular file. 0, or -1 (nothing taken: load
 * the files).
 */
static int engine_take_prebuilt(struct engine *e, const char *dir, char *const *names, const unsigned char *regular,
				size_t n)
{
	const char **paths;
	int rc = 0;
	if (!prebuilt_nrules || e->n || n != prebuilt_nrule_files)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], inipack_name(prebuilt_rule_files[i])))
			return -1;
	size_t size = 1;
	for (size_t i = 0; i < n; i++)
		if (inipack_files[prebuilt_rule_files[i]].len >= size)
			size = inipack_files[prebuilt_rule_files[i]].len + 1;
	char *buf = xmalloc(size);
	paths = xcalloc(n, sizeof(*paths));
	for (size_t i = 0; i < n && !rc; i++) {
		char *path = rule_path(dir, names[i]);
		if (regular[i]) {
			if (rule_file_is_packed(path, prebuilt_rule_files[i], buf, size) != 1)
				rc = -1;
		} else {
			/* a link, or a file system that does not say: looked at as fileio_read() does */
			struct fileio_data file;
			char *why = NULL;
			if (fileio_read(path, FILEIO_RULES, &file, &why) != FILEIO_OK) {
				free(why);
				rc = -1;
			} else {
				if (inipack_find(INIPACK_RULES, file.data, file.len) != prebuilt_rule_files[i])
					rc = -1;
				fileio_data_release(&file);
			}
		}
		paths[i] = arena_strdup(&e->arena, path);
		free(path);
	}
	free(buf);
	if (!rc) {
		e->rules = xmalloc(prebuilt_nrules * sizeof(*e->rules));
		memcpy(e->rules, prebuilt_rules, prebuilt_nrules * sizeof(*e->rules));
		e->n = e->cap = e->nprebuilt = prebuilt_nrules;
		for (size_t i = 0; i < e->n; i++)
			for (size_t k = 0; k < n; k++)
				if (prebuilt_rule_files[k] == prebuilt_rule_file[i])
					e->rules[i].file = paths[k];
	}
	free(paths);
	return rc;
}

/*
 * The prebuilt rules of e are not kept (something was loaded after them, or
 * the catalog is another one): load their files again as
 * engine_load_dir() would (the pack replays them), before the rules loaded
 * after them.
 */
static void engine_unprebuild(struct engine *e, struct diag_list *d)
{
	size_t np = e->nprebuilt, nlater = e->n - np, nfiles = 0;
	struct rule *later = xmalloc((nlater ? nlater : 1) * sizeof(*later));
	const char **files = xmalloc(np * sizeof(*files));
	memcpy(later, e->rules + np, nlater * sizeof(*later));
	for (size_t i = 0; i < np; i++)
		if (!nfiles || strcmp(files[nfiles - 1], e->rules[i].file))
			files[nfiles++] = e->rules[i].file;
	free(e->rules);
	e->rules = NULL;
	e->n = e->cap = e->nprebuilt = 0;
	for (size_t i = 0; i < nfiles; i++)
		engine_load_file(e, files[i], d);
	for (size_t i = 0; i < nlater; i++) {
		ARRAY_GROW(e->rules, e->n + 1, e->cap);
		e->rules[e->n++] = later[i];
	}
	free(later);
	free(files);
}

int engine_load_dir(struct engine *e, const char *dir, struct diag_list *d)
{
	DIR *dp = opendir(dir);
	if (!dp) {
		diag_add(d, DIAG_ERROR, dir, 0, "cannot read rules directory: %s", strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(dp))) {
		const char *name = de->d_name;
		size_t len = strlen(name);
		if (name[0] == '.' || len < 5 || strcmp(name + len - 4, ".ini") || !strcmp(name, "variables.ini"))
			continue;
		ARRAY_GROW(names, n + 1, cap);
		/* the name, then whether readdir() says it is a regular file (one allocation) */
		names[n] = xmalloc(len + 2);
		memcpy(names[n], name, len + 1);
		names[n][len + 1] = de->d_type == DT_REG;
		n++;
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof(*names), str_ptr_cmp);
	int rc = 0;
	unsigned char *regular = xmalloc(n ? n : 1);
	for (size_t i = 0; i < n; i++)
		regular[i] = (unsigned char)names[i][strlen(names[i]) + 1];
	/* The built-in rule files, each byte for byte: the rules they build are compiled in (prebuilt.h). */
	size_t from = engine_take_prebuilt(e, dir, names, regular, n) == 0 ? n : 0;
	free(regular);
	for (size_t i = 0; i < from; i++)
		free(names[i]);
	for (size_t i = from; i < n; i++) {
		char *path = rule_path(dir, names[i]);
		if (engine_load_file(e, path, d))
			rc = -1;
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

/* ---- binding ---------------------------------------------------------- */

/*
 * Facts crashsafe's collectors provide (besides catalog variables). A name
 * a rule uses that is neither is probably a typo: a warning says so.
 */
static const char *const known_facts[] = {
	"option_file_errors",    /* config_load(): why the server would refuse the files, "" when none */
	"removed_options",       /* config_load(): options the version no longer has, "" when none */
	"metadata_tables_innodb",/* live.h */
	"runtime_only_changes",  /* live.h */
	"config_drift",          /* live.h */
	"replication_channels",  /* live.h */
	"channels_slave_pos",    /* live.h */
	"persisted_drift",       /* persisted.h: live persisted values that differ from the running ones */
	"topology.replicas",     /* topology.h, from here on */
	"topology.ring",
	"topology.multi_writer",
	"topology.writers",
	"topology.writable_peers",
	"topology.auto_increment_clash",
	"topology.errant_gtids",
	"topology.galera_async_ring",
	"topology.cluster_server_ids",
	"topology.cluster_server_id_count",
};

struct bind_ctx {
	const struct rule *rule;
	struct diag_list *d;
	unsigned line;
	const struct expr *first;    /* the first variable, fact or channel field */
};

static int bind_visit(void *user, const struct expr *atom)
{
	struct bind_ctx *b = user;
	if (atom->ref == EXPR_REF_FACT) {
		int known = 0;
		for (size_t i = 0; i < ARRAY_SIZE(known_facts); i++)
			if (!strcmp(known_facts[i], atom->ident))
				known = 1;
		if (!known)
			diag_add(b->d, DIAG_WARNING, b->rule->file, b->line,
				 "rule '%s': '%s' is neither a catalog variable nor a fact crashsafe collects: "
				 "it is unknown on every target", b->rule->id, atom->ident);
	}
	if (!b->first && (atom->ref == EXPR_REF_VAR || atom->ref == EXPR_REF_FACT || atom->ref == EXPR_REF_SOURCE ||
			  expr_ref_is_channel(atom->ref)))
		b->first = atom;
	return 0;
}

static int bind_condition(struct engine *e, const struct catalog *c, const struct rule *r, struct expr *x,
			  const char *key, unsigned line, struct diag_list *d, const struct expr **first)
{
	struct strbuf err = { 0 };
	int rc = 0;
	if (expr_bind_scope(x, &e->arena, c, rule_scope_allows(r->scope), &err)) {
		diag_add(d, DIAG_ERROR, r->file, line ? line : r->line, "rule '%s': %s: %s", r->id, key, err.buf);
		rc = -1;
	} else {
		struct bind_ctx b = { .rule = r, .d = d, .line = line ? line : r->line };
		expr_walk(x, bind_visit, &b);
		if (first)
			*first = b.first;
	}
	strbuf_release(&err);
	return rc;
}

/* Make a bound identifier node for a name given in a key (variable, unique, except_same). */
static struct expr *bind_name(struct engine *e, const struct catalog *c, const struct rule *r,
			      const char *key, const char *name, struct diag_list *d)
{
	struct expr_error perr;
	struct expr *x = expr_parse(&e->arena, name, &perr);
	if (!x || x->kind != EXPR_TRUTH) {
		diag_add(d, DIAG_ERROR, r->file, r->line, "rule '%s': %s: '%s' is not a variable name", r->id,
			 key, name);
		return NULL;
	}
	if (bind_condition(e, c, r, x, key, r->line, d, NULL))
		return NULL;
	return x;
}

static void engine_collect_reads(struct engine *e, const struct catalog *c);

static int memo_max_visit(void *user, const struct expr *atom)
{
	unsigned *n = user;
	if (atom->memo > *n)
		*n = atom->memo;
	return 0;
}

/* The conditions of r that a target's memo serves (its atoms numbered by engine_number_atoms()). */
static size_t rule_conditions(const struct rule *r, struct expr **out, size_t max)
{
	size_t n = 0;
	if (r->applies && n < max)
		out[n++] = r->applies;
	if (r->require && n < max)
		out[n++] = r->require;
	for (size_t j = 0; j < r->nseverity_if && n < max; j++)
		out[n++] = r->severity_if[j].cond;
	for (size_t j = 0; j < r->nfix_if && n < max; j++)
		out[n++] = r->fix_if[j].cond;
	return n;
}

/*
 * Number the atoms of every rule's conditions for a target's memo (equal
 * atoms share a place, expr_memo_number()). The prebuilt rules come
 * numbered (prebuilt_nmemo).
 */
static void engine_number_atoms(struct engine *e)
{
	struct strmap seen;
	unsigned n = 0;
	strmap_init(&seen, 0);
	for (size_t i = 0; i < e->n; i++) {
		struct rule *r = &e->rules[i];
		size_t max = 2 + r->nseverity_if + r->nfix_if;
		struct expr **conds = xmalloc(max * sizeof(*conds));
		size_t nc = rule_conditions(r, conds, max);
		for (size_t k = 0; k < nc; k++)
			expr_memo_number(conds[k], &e->arena, &seen, &n);
		free(conds);
	}
	strmap_release(&seen);
	e->nmemo = n;
}

unsigned engine_memo_places(const struct engine *e)
{
	unsigned n = 0;
	for (size_t i = 0; i < e->n; i++) {
		const struct rule *r = &e->rules[i];
		size_t max = 2 + r->nseverity_if + r->nfix_if;
		struct expr **conds = xmalloc(max * sizeof(*conds));
		size_t nc = rule_conditions(r, conds, max);
		for (size_t k = 0; k < nc; k++)
			expr_walk(conds[k], memo_max_visit, &n);
		free(conds);
	}
	return n;
}

/* engine.read_slots' hash of name[0..n): its length and first and last 8 bytes (names differ there) */
static inline size_t read_name_hash(const char *name, size_t n)
{
	uint64_t a = 0, b = 0;
	if (n >= 8) {
		memcpy(&a, name, 8);
		memcpy(&b, name + n - 8, 8);
	} else {
		for (size_t i = 0; i < n; i++)
			a |= (uint64_t)(unsigned char)name[i] << (8 * i);
	}
	uint64_t h = a * 0x9e3779b97f4a7c15ULL ^ (b + n) * 0xc2b2ae3d27d4eb4fULL;
	h ^= h >> 31;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 29;
	return (size_t)h;
}

long engine_read_index(const struct engine *e, const char *name)
{
	if (!e->read_slots)
		return -1;
	size_t n = strlen(name);
	for (size_t k = read_name_hash(name, n) & e->read_mask;; k = (k + 1) & e->read_mask) {
		const struct engine_read_slot *sl = &e->read_slots[k];
		if (!sl->read1)
			return -1;
		if (sl->len != n)
			continue;
		const char *rn = e->reads[sl->read1 - 1].name;
		if (rn == name)
			return (long)sl->read1 - 1;
		if (n >= 8 && n <= 16) {
			/* the first and the last 8 bytes cover it: two loads each, no call */
			uint64_t a0, a1, b0, b1;
			memcpy(&a0, rn, 8);
			memcpy(&b0, name, 8);
			memcpy(&a1, rn + n - 8, 8);
			memcpy(&b1, name + n - 8, 8);
			if (a0 == b0 && a1 == b1)
				return (long)sl->read1 - 1;
		} else if (!memcmp(rn, name, n)) {
			return (long)sl->read1 - 1;
		}
	}
}

/* e->read_hash and e->read_slots, once the reads are known. */
static void engine_hash_reads(struct engine *e)
{
	free(e->read_hash);
	e->read_hash = xmalloc((e->nreads ? e->nreads : 1) * sizeof(*e->read_hash));
	for (size_t i = 0; i < e->nreads; i++)
		e->read_hash[i] = util_strhash(e->reads[i].name, 0);
	/* at most a quarter full: a miss (most names a target has) ends at an empty slot soon */
	size_t cap = 16;
	while (cap < 4 * e->nreads)
		cap *= 2;
	free(e->read_slots);
	e->read_slots = xcalloc(cap, sizeof(*e->read_slots));
	e->read_mask = cap - 1;
	for (size_t i = 0; i < e->nreads; i++) {
		size_t n = strlen(e->reads[i].name);
		size_t k = read_name_hash(e->reads[i].name, n) & e->read_mask;
		while (e->read_slots[k].read1)
			k = (k + 1) & e->read_mask;
		e->read_slots[k].read1 = (unsigned)i + 1;
		e->read_slots[k].len = (unsigned)n;
	}
}

static int rule_ptr_by_id(const void *pa, const void *pb)
{
	const struct rule *a = *(const struct rule *const *)pa, *b = *(const struct rule *const *)pb;
	int c = strcmp(a->id ? a->id : "", b->id ? b->id : "");
	if (c)
		return c;
	return a < b ? -1 : a > b;   /* one id twice (not loaded: a duplicate is an error): file order */
}

/* e->order: the rules by id, once they are all loaded (engine_bind()). */
static void engine_order_rules(struct engine *e)
{
	const struct rule **by = xmalloc((e->n ? e->n : 1) * sizeof(*by));
	for (size_t i = 0; i < e->n; i++)
		by[i] = &e->rules[i];
	qsort(by, e->n, sizeof(*by), rule_ptr_by_id);
	free(e->order);
	e->order = xmalloc((e->n ? e->n : 1) * sizeof(*e->order));
	for (size_t i = 0; i < e->n; i++)
		e->order[i] = (size_t)(by[i] - e->rules);
	e->norder = e->n;
	free(by);
}

/*
 * e->order, e->read_hash and e->read_slots of the prebuilt rules and reads
 * as the build made them (prebuilt.h; issue 13: the sort and the hashing
 * were 26,000 instructions of every run); 0, or -1 when the build wrote
 * none (then make them).
 */
static int engine_take_prebuilt_index(struct engine *e)
{
	if (!prebuilt_nread_slots || !e->n || !e->nreads)
		return -1;
	free(e->order);
	e->order = xmalloc(e->n * sizeof(*e->order));
	memcpy(e->order, prebuilt_rule_order, e->n * sizeof(*e->order));
	e->norder = e->n;
	free(e->read_hash);
	e->read_hash = xmalloc(e->nreads * sizeof(*e->read_hash));
	memcpy(e->read_hash, prebuilt_read_hashes, e->nreads * sizeof(*e->read_hash));
	free(e->read_slots);
	e->read_slots = xmalloc(prebuilt_nread_slots * sizeof(*e->read_slots));
	memcpy(e->read_slots, prebuilt_read_slots, prebuilt_nread_slots * sizeof(*e->read_slots));
	e->read_mask = prebuilt_nread_slots - 1;
	return 0;
}

int engine_bind(struct engine *e, const struct catalog *c, struct diag_list *d)
{
	int rc = 0;
	if (e->nprebuilt) {
		/* bound at build time, to the prebuilt catalog: kept when nothing else is in play */
		if (e->n == e->nprebuilt && c && c->prebuilt && c->vars == prebuilt_vars) {
			free(e->reads);
			e->reads = xmalloc((prebuilt_nreads ? prebuilt_nreads : 1) * sizeof(*e->reads));
			memcpy(e->reads, prebuilt_reads, prebuilt_nreads * sizeof(*e->reads));
			e->nreads = e->reads_cap = prebuilt_nreads;
			engine_memo_free(e->memo);
			e->memo = engine_memo_new(c);
			e->nmemo = prebuilt_nmemo;
			if (engine_take_prebuilt_index(e)) {
				engine_hash_reads(e);
				engine_order_rules(e);
			}
			return 0;
		}
		engine_unprebuild(e, d);
	}
	for (size_t i = 0; i < e->n; i++) {
		struct rule *r = &e->rules[i];
		const struct expr *first = NULL;
		if (r->applies && bind_condition(e, c, r, r->applies, "applies", r->applies_line, d, NULL))
			rc = -1;
		if (r->require && bind_condition(e, c, r, r->require, "require", r->require_line, d, &first))
			rc = -1;
		for (size_t j = 0; j < r->nseverity_if; j++)
			if (bind_condition(e, c, r, r->severity_if[j].cond, "severity_if", r->line, d, NULL))
				rc = -1;
		for (size_t j = 0; j < r->nfix_if; j++)
			if (bind_condition(e, c, r, r->fix_if[j].cond, "fix_if", r->fix_if[j].line, d, NULL))
				rc = -1;
		if (r->scope == RULE_SCOPE_FLEET) {
			r->unique_ref = bind_name(e, c, r, "unique", r->unique, d);
			if (!r->unique_ref)
				rc = -1;
			if (r->except_same) {
				r->except_ref = bind_name(e, c, r, "except_same", r->except_same, d);
				if (!r->except_ref)
					rc = -1;
			}
			if (!r->variable)
				r->variable_ref = r->unique_ref;
		}
		if (r->variable) {
			r->variable_ref = bind_name(e, c, r, "variable", r->variable, d);
			if (!r->variable_ref)
				rc = -1;
		} else if (!r->variable_ref && first) {
			r->variable_ref = first;
		}
		if (r->variable_ref)
			r->variable = r->variable_ref->ref == EXPR_REF_VAR ? r->variable_ref->var->name
									  : r->variable_ref->ident;
		if (r->scope == RULE_SCOPE_PROBLEM && (!r->variable_ref || r->variable_ref->ref != EXPR_REF_FACT)) {
			diag_add(d, DIAG_ERROR, r->file, r->line,
				 "rule '%s': a problem rule's variable must be the fact its problems count under "
				 "(option_file_errors, removed_options)", r->id);
			rc = -1;
		}
		r->fact_lists = r->require && r->require->kind == EXPR_CMP && r->require->cmp == EXPR_EQ &&
				r->require->ref == EXPR_REF_FACT && r->require->nlits == 1 && !*r->require->lits[0].text;
		r->expect_given = r->expect != NULL;
		if (!r->expect) {
			struct strbuf sb = { 0 };
			if (r->scope == RULE_SCOPE_FLEET && r->unique_ref) {
				const char *u = r->unique_ref->ref == EXPR_REF_VAR ? r->unique_ref->var->name
										   : r->unique_ref->ident;
				strbuf_addf(&sb, "%s unique among the targets of the run", u);
				if (r->except_ref)
					strbuf_addf(&sb, " (targets with the same %s may share it)", r->except_ref->ident);
			} else if (r->require) {
				expr_describe(r->require, &sb);
			}
			r->expect = arena_strdup(&e->arena, sb.buf ? sb.buf : "");
			strbuf_release(&sb);
		}
	}
	engine_collect_reads(e, c);
	engine_hash_reads(e);
	engine_memo_free(e->memo);
	e->memo = engine_memo_new(c);
	engine_number_atoms(e);
	engine_order_rules(e);
	return rc;
}

/* ---- what the rules read ---------------------------------------------- */

static int reads_visit(void *user, const struct expr *atom)
{
	struct engine *e = user;
	const char *name;
	const struct catalog_var *var = NULL;
	if (atom->ref == EXPR_REF_SOURCE)   /* source.NAME: the source's view keeps NAME */
		return atom->sub ? reads_visit(user, atom->sub) : 0;
	if (atom->ref == EXPR_REF_VAR) {
		var = atom->var;
		name = var->name;
	} else if (atom->ref == EXPR_REF_FACT) {
		name = atom->ident;
	} else {
		return 0;
	}
	for (size_t i = 0; i < e->nreads; i++) {
		if (!strcmp(e->reads[i].name, name)) {
			e->reads[i].fleet |= e->collecting_fleet;
			return 0;
		}
	}
	ARRAY_GROW(e->reads, e->nreads + 1, e->reads_cap);
	e->reads[e->nreads].name = arena_strdup(&e->arena, name);
	e->reads[e->nreads].var = var;
	e->reads[e->nreads].fleet = e->collecting_fleet;
	e->nreads++;
	return 0;
}

/*
 * Every variable and fact a bound rule can read, so that a target's view
 * holds them all. The keyword cluster reads wsrep_on and wsrep_cluster_name
 * (expr.c target_cluster): they are always kept.
 */
static void engine_read_name(struct engine *e, const struct catalog *c, const char *name)
{
	struct expr atom = { .kind = EXPR_TRUTH, .ident = name, .ref = EXPR_REF_FACT };
	const struct catalog_var *v = c ? catalog_lookup(c, name) : NULL;
	if (v) {
		atom.ref = EXPR_REF_VAR;
		atom.var = v;
	}
	reads_visit(e, &atom);
}

static void engine_collect_reads(struct engine *e, const struct catalog *c)
{
	static const char *const always[] = { "wsrep_on", "wsrep_cluster_name" };
	e->nreads = 0;
	e->collecting_fleet = 1;   /* the cluster keyword: fleet rules group by it */
	for (size_t i = 0; i < ARRAY_SIZE(always); i++)
		engine_read_name(e, c, always[i]);
	/* what topology_link() compares across targets, when a rule needs it (kept for merge too) */
	for (size_t i = 0; i < e->n; i++) {
		if (e->rules[i].scope == RULE_SCOPE_TOPOLOGY || e->rules[i].scope == RULE_SCOPE_LINK) {
			for (size_t k = 0; k < topology_nreads; k++)
				engine_read_name(e, c, topology_reads[k]);
			break;
		}
	}
	for (size_t i = 0; i < e->n; i++) {
		const struct rule *r = &e->rules[i];
		const struct expr *const names[] = { r->variable_ref, r->unique_ref, r->except_ref };
		/* what merge needs to judge a rule again over shard reports (engine_rule_across_targets) */
		e->collecting_fleet = engine_rule_across_targets(r);
		if (r->applies)
			expr_walk(r->applies, reads_visit, e);
		if (r->require)
			expr_walk(r->require, reads_visit, e);
		for (size_t j = 0; j < r->nseverity_if; j++)
			expr_walk(r->severity_if[j].cond, reads_visit, e);
		for (size_t j = 0; j < r->nfix_if; j++)
			expr_walk(r->fix_if[j].cond, reads_visit, e);
		for (size_t j = 0; j < ARRAY_SIZE(names); j++)
			if (names[j])
				expr_walk(names[j], reads_visit, e);
	}
	e->collecting_fleet = 0;
}

struct reads_var_ctx {
	const struct catalog_var *v;
	int found;
};

static int reads_var_visit(void *user, const struct expr *atom)
{
	struct reads_var_ctx *x = user;
	if (atom->ref == EXPR_REF_VAR && atom->var == x->v) {
		x->found = 1;
		return 1;
	}
	return 0;
}

int rule_reads_var(const struct rule *r, const struct catalog_var *v)
{
	struct reads_var_ctx x = { .v = v };
	const struct expr *conds[] = { r->applies, r->require, r->variable_ref, r->unique_ref, r->except_ref };
	for (size_t i = 0; i < ARRAY_SIZE(conds) && !x.found; i++)
		if (conds[i])
			expr_walk(conds[i], reads_var_visit, &x);
	for (size_t i = 0; i < r->nseverity_if && !x.found; i++)
		expr_walk(r->severity_if[i].cond, reads_var_visit, &x);
	for (size_t i = 0; i < r->nfix_if && !x.found; i++)
		expr_walk(r->fix_if[i].cond, reads_var_visit, &x);
	return x.found;
}

/* ---- evaluation ------------------------------------------------------- */

struct eval_ctx {
	const struct engine *e;
	const struct catalog *c;
	struct audit_result *out;
};

/*
 * Per-target lookups done once instead of once per rule. var_value holds
 * the target's entry of every catalog variable a loaded rule reads (the
 * engine's reads: nothing else is asked for); var_exists is worked out when
 * a condition first asks (expr.h, EXPR_EXISTS_UNSET). The built-in catalog
 * is small: its arrays live on the stack (issue 13).
 */
#define TARGET_CACHE_STACK 128
struct target_cache {
	const struct settings_var **var_value;
	signed char *var_exists;
	const struct settings_var *value_buf[TARGET_CACHE_STACK];
	signed char exists_buf[TARGET_CACHE_STACK];
	signed char *memo;         /* engine.nmemo atoms' results (expr.h expr_env.memo) */
	signed char memo_buf[TARGET_CACHE_STACK];
	/*
	 * Every read's entry (NULL: s has none), found by walking s's few
	 * variables (a target check keeps only what the rules read) instead
	 * of a lookup per read; NULL when s is not walked (target_reads_walk()).
	 */
	const struct settings_var **read_at;
	const struct settings_var *read_buf[TARGET_CACHE_STACK];
};

static void target_cache_init(struct target_cache *tc, const struct engine *e, const struct catalog *c)
{
	size_t n = c && c->n ? c->n : 1;
	tc->memo = e->nmemo <= TARGET_CACHE_STACK ? tc->memo_buf : xmalloc(e->nmemo);
	if (n <= TARGET_CACHE_STACK) {
		tc->var_value = tc->value_buf;
		tc->var_exists = tc->exists_buf;
	} else {
		tc->var_value = xcalloc(n, sizeof(*tc->var_value));
		tc->var_exists = xcalloc(n, sizeof(*tc->var_exists));
	}
}

static void target_cache_release(struct target_cache *tc)
{
	if (tc->read_at && tc->read_at != tc->read_buf)
		free(tc->read_at);
	if (tc->memo != tc->memo_buf)
		free(tc->memo);
	if (tc->var_value != tc->value_buf) {
		free(tc->var_value);
		free(tc->var_exists);
	}
}

/*
 * The entry of s called e->reads[i].name, or NULL: settings_get() with the
 * name's hash worked out once per run (engine.read_hash) when s has its
 * case-sensitive index. exact: only an entry spelled as the name (a
 * case-insensitive index may hold another spelling).
 */
static const struct settings_var *read_get(const struct engine *e, size_t i, const struct settings *s, int exact)
{
	size_t at;
	if (s->shared || s->index.fold_case || !e->read_hash) {
		const struct settings_var *sv = settings_get(s, e->reads[i].name);
		return sv && (!exact || !strcmp(sv->name, e->reads[i].name)) ? sv : NULL;
	}
	return strmap_get_hashed(&s->index, e->reads[i].name, e->read_hash[i], &at) == 0 ? &s->vars[at] : NULL;
}

/*
 * tc->read_at from s's variables, each looked up among the reads
 * (engine_read_index()): when s has at most as many variables as there are
 * reads (check keeps no others, settings_retain()) and a case-sensitive
 * index of each (the names are then distinct, and read_get() would find
 * the same entries). Else read_at stays NULL and read_get() answers.
 */
static void target_reads_walk(struct target_cache *tc, const struct engine *e, const struct settings *s)
{
	tc->read_at = NULL;
	if (!e->read_slots || s->shared || s->index.fold_case || s->index.n != s->n || s->n > e->nreads)
		return;
	tc->read_at = e->nreads <= TARGET_CACHE_STACK ? tc->read_buf : xmalloc(e->nreads * sizeof(*tc->read_at));
	memset(tc->read_at, 0, e->nreads * sizeof(*tc->read_at));
	for (size_t j = 0; j < s->n; j++) {
		long i = engine_read_index(e, s->vars[j].name);
		if (i >= 0)
			tc->read_at[i] = &s->vars[j];
	}
}

static void target_cache_fill(struct target_cache *tc, const struct engine *e, const struct catalog *c,
			      const struct settings *s, struct expr_env *env)
{
	target_reads_walk(tc, e, s);
	memset(env, 0, sizeof(*env));
	env->catalog = c;
	env->target = s;
	/* no env->display: only sentences say the target's "MySQL 8.4", and evaluation makes none (issue 13) */
	if (e->nmemo) {
		memset(tc->memo, EXPR_MEMO_UNSET, e->nmemo);
		env->memo = tc->memo;
	}
	if (!c || !c->n)
		return;
	memset(tc->var_value, 0, c->n * sizeof(*tc->var_value));
	env->var_exists = engine_memo_exists(e, c, s);
	if (!env->var_exists) {
		memset(tc->var_exists, EXPR_EXISTS_UNSET, c->n * sizeof(*tc->var_exists));
		env->var_exists = tc->var_exists;
	}
	for (size_t i = 0; i < e->nreads; i++) {
		const struct catalog_var *v = e->reads[i].var;
		if (!v || v < c->vars || v >= c->vars + c->n)
			continue;
		/* the entry stored under the canonical name (the read's name), as the rules read it */
		tc->var_value[v - c->vars] = tc->read_at ? tc->read_at[i] : read_get(e, i, s, 1);
	}
	env->var_value = tc->var_value;
}

static const char *intern(struct audit_result *r, const char *s)
{
	return r->borrow ? s : audit_result_intern(r, s);   /* check's own result: no call (issue 13) */
}

/*
 * The interned copies of the last origin strings of one target's values:
 * settings_set() shares one copy of a file name or default's detail among
 * the values that have it, so the next value's usually is the same pointer
 * (issue 13). Valid during one view_fill(), while the target's settings
 * do not change.
 */
struct view_memo {
	const char *src[3], *res[3];
};

static const char *view_intern(struct audit_result *r, struct view_memo *m, int field, const char *s)
{
	if (!s)
		return NULL;
	if (!m)
		return intern(r, s);
	if (s != m->src[field]) {
		m->src[field] = s;
		m->res[field] = intern(r, s);
	}
	return m->res[field];
}

static void view_origin(struct audit_result *r, struct view_memo *m, struct settings_origin *dst,
			const struct settings_origin *src)
{
	dst->source = src->source;
	dst->file = view_intern(r, m, 0, src->file);
	dst->line = src->line;
	dst->chain = view_intern(r, m, 1, src->chain);
	dst->detail = view_intern(r, m, 2, src->detail);
}

static void view_value(struct audit_result *r, struct view_memo *m, struct settings_value *dst,
		       const struct settings_value *src)
{
	if (r->borrow) {
		*dst = *src;   /* every field a pointer to the target's own strings or a number (issue 13) */
		return;
	}
	dst->value = intern(r, src->value);
	dst->spelled = intern(r, src->spelled);
	view_origin(r, m, &dst->origin, &src->origin);
}

/*
 * What stops a channel, for rules and reports (settings.h, channel.problem):
 * each thread that does not run ("No", "Connecting", "Preparing") with its
 * error; "" when both run; NULL when a thread's state is unknown.
 */
static const char *channel_problem(struct audit_result *r, const struct settings_channel *ch)
{
	struct strbuf sb = { 0 };
	const char *out;
	const struct {
		const char *thread, *label, *running, *errno_, *text;
	} side[] = {
		{ "applier", "Last_SQL_Errno", ch->sql_running, ch->last_sql_errno, ch->last_sql_error },
		{ "receiver", "Last_IO_Errno", ch->io_running, ch->last_io_errno, ch->last_io_error },
	};
	for (size_t i = 0; i < ARRAY_SIZE(side); i++) {
		if (!side[i].running)
			return NULL;
		if (!ascii_strcasecmp(side[i].running, "Yes"))
			continue;
		strbuf_addf(&sb, "%s%s %s", sb.len ? "; " : "", side[i].thread,
			    !ascii_strcasecmp(side[i].running, "No") ? "stopped" : side[i].running);
		if (side[i].errno_ && strcmp(side[i].errno_, "0"))
			strbuf_addf(&sb, ": %s %s: %s", side[i].label, side[i].errno_, side[i].text ? side[i].text : "");
		else if (side[i].errno_)
			strbuf_addstr(&sb, " (no error: stopped by hand?)");
	}
	out = audit_result_keep(r, sb.buf ? sb.buf : "");   /* sb's text: a copy even when r borrows */
	strbuf_release(&sb);
	return out;
}

/*
 * Copy into t->view what the rules read of s: the target's context, its
 * channels, and every variable or fact the loaded rules name (with its
 * origin and overridden values). Strings go to the result's arena.
 */
static void view_fill(struct eval_ctx *x, struct target_result *t, const struct settings *s,
		      const struct target_cache *tc)
{
	struct audit_result *r = x->out;
	struct settings *v = &t->view;
	v->flavor = s->flavor;
	v->version = s->version;
	v->variant = s->variant;
	v->flavor_source = t->flavor_source;
	v->flavor_evidence = t->flavor_evidence;
	v->version_detected = s->version_detected;
	v->role = s->role;
	v->role_detected = s->role_detected;
	v->cluster = intern(r, s->cluster);
	v->topology = t->cluster;
	/* a live target is reached at the address it is named by, unless told otherwise */
	v->address = intern(r, s->address ? s->address : s->kind && !strcmp(s->kind, "live") ? s->target : NULL);
	v->multi_writer = intern(r, s->multi_writer);
	v->error = t->error;
	v->channels_known = s->channels_known;
	if (s->nchannels) {
		v->channels = xcalloc(s->nchannels, sizeof(*v->channels));
		v->nchannels = v->channels_cap = s->nchannels;
		for (size_t i = 0; i < s->nchannels; i++) {
			const struct settings_channel *a = &s->channels[i];
			struct settings_channel *b = &v->channels[i];
			b->name = intern(r, a->name);
			b->auto_position = intern(r, a->auto_position);
			b->using_gtid = intern(r, a->using_gtid);
			b->io_running = intern(r, a->io_running);
			b->sql_running = intern(r, a->sql_running);
			b->source_host = intern(r, a->source_host);
			b->source_port = a->source_port;
			b->last_io_errno = intern(r, a->last_io_errno);
			b->last_io_error = intern(r, a->last_io_error);
			b->last_sql_errno = intern(r, a->last_sql_errno);
			b->last_sql_error = intern(r, a->last_sql_error);
			b->skip_counter = intern(r, a->skip_counter);
			b->source_server_id = intern(r, a->source_server_id);
			b->source_uuid = intern(r, a->source_uuid);
			b->group_replication = a->group_replication;
			b->problem = channel_problem(r, a);
		}
	}
	view_origin(r, NULL, &v->group_header, &s->group_header);
	if (s->nproblems) {
		v->problems = xcalloc(s->nproblems, sizeof(*v->problems));
		v->nproblems = v->problems_cap = s->nproblems;
		for (size_t i = 0; i < s->nproblems; i++) {
			const struct settings_problem *a = &s->problems[i];
			struct settings_problem *b = &v->problems[i];
			*b = *a;
			b->fact = intern(r, a->fact);
			view_origin(r, NULL, &b->origin, &a->origin);
			b->option = intern(r, a->option);
			b->value = intern(r, a->value);
			b->variable = intern(r, a->variable);
			b->replacement = intern(r, a->replacement);
			b->detail = intern(r, a->detail);
			b->text = intern(r, a->text);
		}
	}
	struct view_memo memo;
	memset(&memo, 0, sizeof(memo));
	/* at most every stored setting is read: room for them at once (issue 13) */
	size_t most = s->n < x->e->nreads ? s->n : x->e->nreads;
	strmap_reserve(&v->index, v->n + most);
	if (v->n + most > v->cap) {
		v->vars = xrealloc(v->vars, (v->n + most) * sizeof(*v->vars));
		v->cap = v->n + most;
	}
	for (size_t i = 0; i < x->e->nreads; i++) {
		const struct engine_read *rd = &x->e->reads[i];
		const struct settings_var *sv = NULL;
		if (tc->read_at)   /* the walk found every read (var_value holds the same entries) */
			sv = tc->read_at[i];
		else if (rd->var && x->c && tc->var_value && rd->var >= x->c->vars && rd->var < x->c->vars + x->c->n)
			sv = tc->var_value[rd->var - x->c->vars];
		else
			sv = read_get(x->e, i, s, 0);
		if (!sv)
			continue;
		ARRAY_GROW(v->vars, v->n + 1, v->cap);
		struct settings_var *dv = &v->vars[v->n++];
		dv->name = rd->name;
		dv->overridden = NULL;
		dv->n_overridden = dv->overridden_cap = 0;
		if (x->e->read_hash && !v->index.fold_case)
			strmap_put_hashed(&v->index, dv->name, x->e->read_hash[i], v->n - 1);
		else
			strmap_put(&v->index, dv->name, v->n - 1);
		if (r->borrow)
			dv->current = sv->current;   /* view_value() of a borrowing result, inline */
		else
			view_value(r, &memo, &dv->current, &sv->current);
		if (sv->n_overridden) {
			dv->overridden = xcalloc(sv->n_overridden, sizeof(*dv->overridden));
			dv->n_overridden = dv->overridden_cap = sv->n_overridden;
			for (size_t k = 0; k < sv->n_overridden; k++)
				view_value(r, &memo, &dv->overridden[k], &sv->overridden[k]);
		}
	}
}

static enum severity rule_severity(const struct rule *r, const struct expr_env *env)
{
	for (size_t i = 0; i < r->nseverity_if; i++)
		if (expr_eval(r->severity_if[i].cond, env) == TRI_TRUE)
			return r->severity_if[i].severity;
	return r->severity;
}

/* What finding_cause() learns from the atoms of a condition. */
struct cause_walk {
	const struct expr_env *env;
	unsigned cause;      /* 1-based problem index of the first unknown value a problem explains */
	int unexplained;     /* an unknown value no problem explains */
};

static int cause_visit(void *user, const struct expr *atom)
{
	struct cause_walk *w = user;
	if (atom->ref != EXPR_REF_VAR && atom->ref != EXPR_REF_FACT)
		return 0;
	struct expr_value v;
	expr_value_of(atom, w->env, &v);
	if (v.state != EXPR_VALUE_UNKNOWN)
		return 0;
	const struct settings *s = w->env->target;
	const struct settings_origin *o = v.sv ? &v.sv->current.origin : NULL;
	if (o && o->file && o->line) {
		for (size_t i = 0; i < s->nproblems; i++) {
			const struct settings_problem *p = &s->problems[i];
			if (p->origin.line == o->line && p->origin.file && !strcmp(p->origin.file, o->file)) {
				if (!w->cause)
					w->cause = (unsigned)i + 1;
				return 0;
			}
		}
	}
	w->unexplained = 1;
	return 1;
}

/*
 * A rule that could not be evaluated only because the option files set a
 * value the server refuses (the value is unknown at that line): the
 * 1-based index of that line's problem, whose failed finding decides the
 * exit status instead of exit 3; 0 when some unknown value has another
 * reason. The check is on every unknown value the condition reads, decisive
 * or not, so it errs towards exit 3.
 */
static unsigned finding_cause(const struct expr *cond, const struct expr_env *env)
{
	struct cause_walk w = { .env = env };
	if (!cond || !env->target->nproblems)
		return 0;
	expr_walk(cond, cause_visit, &w);
	return w.unexplained ? 0 : w.cause;
}

/* A finding of rule r on env's target (and channel): the decision only, no sentence. */
static struct finding *finding_new(struct target_result *tr, const struct rule *r, const struct expr_env *env,
				   enum finding_status status, enum finding_basis basis)
{
	struct finding *f;
	/* target_result_add() inline: room for a finding per rule is made at once (issue 13) */
	if (tr->n < tr->cap) {
		f = &tr->findings[tr->n++];
		memset(f, 0, sizeof(*f));
	} else {
		f = target_result_add(tr);
	}
	f->rule_id = r->id;
	f->title = r->title;
	f->rule = r;
	f->severity = rule_severity(r, env);
	f->status = status;
	f->basis = basis;
	if (status == FINDING_UNKNOWN) {
		const struct expr *cond = basis == FINDING_BY_APPLIES ? r->applies
					  : basis == FINDING_BY_REQUIRE ? r->require
					  : basis == FINDING_BY_FLEET_UNKNOWN ? r->unique_ref : NULL;
		f->cause_no = finding_cause(cond, env);
	}
	if (env->channel) {
		const struct settings *v = &tr->view;
		for (size_t i = 0; i < v->nchannels; i++) {
			if (!strcmp(v->channels[i].name, env->channel->name)) {
				f->channel_no = (unsigned)i + 1;
				f->channel = v->channels[i].name;
				break;
			}
		}
	}
	return f;
}

/* Decide applies (and the variable's existence). Returns 1 when the rule applies; else adds the finding. */
static int check_applies(struct target_result *tr, const struct rule *r, const struct expr_env *env)
{
	if (r->applies) {
		enum tri t = expr_eval(r->applies, env);
		if (t != TRI_TRUE) {
			finding_new(tr, r, env, t == TRI_FALSE ? FINDING_NOT_APPLICABLE : FINDING_UNKNOWN,
				    FINDING_BY_APPLIES);
			return 0;
		}
	}
	/* A rule about a variable the target's version does not have never passes or fails. */
	if (r->variable_ref && r->variable_ref->ref == EXPR_REF_VAR &&
	    expr_env_var_exists(env, r->variable_ref->var) == TRI_FALSE) {
		finding_new(tr, r, env, FINDING_NOT_APPLICABLE, FINDING_BY_ABSENT);
		return 0;
	}
	return 1;
}

static void eval_require(struct target_result *tr, const struct rule *r, const struct expr_env *env)
{
	if (!check_applies(tr, r, env))
		return;
	enum tri t = expr_eval(r->require, env);
	finding_new(tr, r, env, t == TRI_TRUE ? FINDING_PASS : t == TRI_FALSE ? FINDING_FAIL : FINDING_UNKNOWN,
		    FINDING_BY_REQUIRE);
}

/*
 * A channel rule on a target without channels to judge: unknown when a
 * live target's channels could not be read, not applicable offline or
 * with no channel. Returns 1 when that finding was made (nothing more to
 * evaluate), 0 when the target has channels.
 */
static int eval_no_channels(struct target_result *tr, const struct rule *r, const struct settings *s,
			    const struct expr_env *env)
{
	if (!s->channels_known) {
		/* a capture whose live run could not read them keeps them unknown (snapshot.h "# unknown") */
		const struct settings_var *rc = settings_get(s, "replication_channels");
		int live = (s->kind && !strcmp(s->kind, "live")) || (rc && !rc->current.value);
		finding_new(tr, r, env, live ? FINDING_UNKNOWN : FINDING_NOT_APPLICABLE,
			    live ? FINDING_BY_CHANNELS_UNREAD : FINDING_BY_CHANNELS_OFFLINE);
		return 1;
	}
	if (!s->nchannels) {
		finding_new(tr, r, env, FINDING_NOT_APPLICABLE, FINDING_BY_NO_CHANNELS);
		return 1;
	}
	return 0;
}

static void eval_channels(struct target_result *tr, const struct rule *r, const struct settings *s,
			  const struct expr_env *target_env)
{
	struct expr_env env = *target_env;
	if (eval_no_channels(tr, r, s, &env))
		return;
	for (size_t i = 0; i < s->nchannels; i++) {
		/* the view's copy: it has the derived fields (channel.problem) */
		env.channel = i < tr->view.nchannels ? &tr->view.channels[i] : &s->channels[i];
		if (s->channels[i].group_replication) {
			finding_new(tr, r, &env, FINDING_NOT_APPLICABLE, FINDING_BY_GROUP_REPLICATION);
			continue;
		}
		eval_require(tr, r, &env);
	}
}

/*
 * One failed finding per problem counted under the rule's fact (one per
 * offending line); with none, the rule is judged by its require condition
 * like a target rule.
 */
static void eval_problems(struct target_result *tr, const struct rule *r, const struct expr_env *env)
{
	if (!check_applies(tr, r, env))
		return;
	const struct settings *v = &tr->view;
	int any = 0;
	for (size_t i = 0; i < v->nproblems; i++) {
		if (strcmp(v->problems[i].fact, r->variable))
			continue;
		struct finding *f = finding_new(tr, r, env, FINDING_FAIL, FINDING_BY_PROBLEM);
		f->problem_no = (unsigned)i + 1;
		any = 1;
	}
	if (!any)
		eval_require(tr, r, env);
}

void engine_evaluate_target(const struct engine *e, const struct catalog *c, const struct settings *s,
			    struct audit_result *out)
{
	struct eval_ctx x = { .e = e, .c = c, .out = out };
	struct target_cache tc;
	struct target_result *tr = audit_result_add_target(out, s->target, s->kind);
	tr->flavor = s->flavor;
	tr->version = s->version;
	tr->variant = s->variant;
	tr->flavor_source = audit_result_intern(out, s->flavor_source);
	tr->flavor_evidence = audit_result_intern(out, s->flavor_evidence);
	tr->role = s->role;
	tr->position = s->position;
	tr->tags = audit_result_intern(out, s->tags);
	tr->real_path = audit_result_intern(out, s->real_path);
	if (s->nincludes) {
		tr->includes = arena_alloc(&out->arena, s->nincludes * sizeof(*tr->includes));
		for (size_t i = 0; i < s->nincludes; i++)
			tr->includes[i] = audit_result_intern(out, s->includes[i]);
		tr->nincludes = s->nincludes;
	}
	tr->path_key = audit_result_intern(out, s->path_key);
	tr->cluster = audit_result_intern(out, s->topology);
	if (s->error) {
		tr->error = arena_strdup(&out->arena, s->error);
		tr->error_kind = s->kind && !strcmp(s->kind, "live") ? TARGET_ERROR_AUDIT : TARGET_ERROR_INPUT;
	}
	/* about one finding per rule: room for that many at once, not the next power of two (issue 13) */
	if (!s->error && e->n > tr->cap) {
		tr->findings = xrealloc(tr->findings, e->n * sizeof(*tr->findings));
		tr->cap = e->n;
	}
	target_cache_init(&tc, e, c);
	struct expr_env env;
	target_cache_fill(&tc, e, c, s, &env);
	view_fill(&x, tr, s, &tc);
	if (!s->error) {
		/* in the order of the rule ids: the findings then need no sort (engine.order, issue 13) */
		int ordered = e->order && e->norder == e->n;
		for (size_t j = 0; j < e->n; j++) {
			const struct rule *r = &e->rules[ordered ? e->order[j] : j];
			if (r->scope == RULE_SCOPE_TARGET)
				eval_require(tr, r, &env);
			else if (r->scope == RULE_SCOPE_CHANNEL)
				eval_channels(tr, r, s, &env);
			else if (r->scope == RULE_SCOPE_PROBLEM)
				eval_problems(tr, r, &env);
		}
		if (ordered)
			target_result_order(tr);
		else
			target_result_sort(tr);
	}
	target_cache_release(&tc);
}

/* ---- fleet rules ------------------------------------------------------ */

struct fleet_item {
	const char *group;      /* except_same value, "" for none */
	const char *topology;   /* the cluster compared within (fleet_topology), "" for the run's default */
	char *key;              /* normalised value; freed once the runs are known (fleet_runs) */
	unsigned target;        /* index into the result's targets */
	unsigned gsize;         /* items of its key run in the same non-empty group (itself included) */
	unsigned lo, hi;        /* its key run: items[lo .. hi) */
	unsigned cl_lo, cl_hi;  /* its cluster's items */
};

/* Items of one key run by group, to count each group once. */
static int fleet_group_cmp(const void *pa, const void *pb)
{
	const struct fleet_item *a = *(const struct fleet_item *const *)pa;
	const struct fleet_item *b = *(const struct fleet_item *const *)pb;
	return strcmp(a->group, b->group);
}

static int fleet_item_cmp(const void *pa, const void *pb)
{
	const struct fleet_item *a = pa, *b = pb;
	int c = strcmp(a->topology, b->topology);
	if (c)
		return c;
	c = strcmp(a->key, b->key);
	if (c)
		return c;
	return a->target < b->target ? -1 : a->target > b->target ? 1 : 0;
}

/* Normalise a value for equality across targets: numbers as decimal, text lowercased. */
static char *fleet_key(const char *v, struct arena *keys)
{
	const char *p = v;
	while (*p == '0' && p[1] >= '0' && p[1] <= '9')
		p++;
	char *k = arena_strdup(keys, p);
	for (char *q = k; *q; q++)
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	return k;
}

/*
 * The cluster a fleet rule compares a target within (issue 10): the one it
 * declares (annotation, project file, inventory: settings.topology), else
 * for a Galera node the cluster it joins (the keyword `cluster`), else ""
 * (every target that declares none and is no Galera node: one cluster, as
 * a run without clusters always was).
 */
static const char *fleet_topology(const struct catalog *c, const struct target_result *tr)
{
	if (tr->view.topology)
		return tr->view.topology;
	return expr_target_cluster(c, &tr->view);
}

/*
 * The item of fleet rule r for tr once r applies and the compared value v
 * is known: its key, its group (r's except value, "" without one) and its
 * cluster (fleet_item_quiet() and fleet_item_of() alike).
 */
static void fleet_item_fill(const struct catalog *c, const struct rule *r, const struct target_result *tr,
			    const char *cluster, struct expr_env *env, const struct expr_value *v,
			    struct fleet_item *it, struct arena *keys)
{
	it->key = keys ? fleet_key(v->text, keys) : NULL;
	it->group = "";
	it->topology = tr->view.topology ? tr->view.topology : cluster ? cluster : fleet_topology(c, tr);
	if (r->except_ref) {
		struct expr_value g;
		expr_value_of(r->except_ref, env, &g);
		if (g.state == EXPR_VALUE_KNOWN && g.text)
			it->group = g.text;
	}
}

/*
 * Whether fleet rule r compares tr (no error) and what: check_applies()'s
 * and fleet_item_of()'s decision without the finding that says why not
 * (engine_fleet_begin() groups; engine_fleet_target() makes the findings).
 */
static int fleet_item_quiet(const struct catalog *c, const struct rule *r, const struct target_result *tr,
			    const char *cluster, struct fleet_item *it, struct arena *keys)
{
	struct expr_env env = { .catalog = c, .target = &tr->view };
	if (r->applies && expr_eval(r->applies, &env) != TRI_TRUE)
		return 0;
	if (r->variable_ref && r->variable_ref->ref == EXPR_REF_VAR &&
	    expr_var_exists(r->variable_ref->var, env.target) == TRI_FALSE)
		return 0;
	struct expr_value v;
	expr_value_of(r->unique_ref, &env, &v);
	if (v.state != EXPR_VALUE_KNOWN)
		return 0;
	fleet_item_fill(c, r, tr, cluster, &env, &v, it, keys);
	return 1;
}

/*
 * What fleet rule r compares of tr (no error), judged on its view: 1 and
 * *it (key, group, topology) when the rule applies and the value is known;
 * else 0 and the finding that says why (not applicable, unknown) added to tr.
 */
static int fleet_item_of(const struct catalog *c, const struct rule *r, struct target_result *tr,
			 const char *cluster, struct fleet_item *it, struct arena *keys)
{
	struct expr_env env = { .catalog = c, .target = &tr->view };
	if (!check_applies(tr, r, &env))
		return 0;
	struct expr_value v;
	expr_value_of(r->unique_ref, &env, &v);
	if (v.state != EXPR_VALUE_KNOWN) {
		finding_new(tr, r, &env, FINDING_UNKNOWN, FINDING_BY_FLEET_UNKNOWN);
		return 0;
	}
	fleet_item_fill(c, r, tr, cluster, &env, &v, it, keys);
	return 1;
}

/*
 * Sort the items and give each its key run, its cluster and its group's
 * size; the keys are freed. Counts per group first, so that a run of n
 * equal values costs O(n log n), not O(n^2) (50,000 servers sharing one
 * server_id).
 */
static void fleet_runs(struct fleet_item *items, size_t nitems)
{
	qsort(items, nitems, sizeof(*items), fleet_item_cmp);
	size_t cl_lo = 0, cl_hi = 0;   /* the items of the cluster being judged */
	struct fleet_item **byg = NULL;
	size_t byg_cap = 0;
	for (size_t lo = 0; lo < nitems;) {
		size_t hi = lo + 1;
		if (lo >= cl_hi) {
			cl_lo = lo;
			for (cl_hi = lo + 1; cl_hi < nitems && !strcmp(items[cl_hi].topology, items[lo].topology); cl_hi++)
				;
		}
		while (hi < cl_hi && !strcmp(items[hi].key, items[lo].key))
			hi++;
		size_t nrun = hi - lo;
		for (size_t k = lo; k < hi; k++) {
			items[k].lo = (unsigned)lo;
			items[k].hi = (unsigned)hi;
			items[k].cl_lo = (unsigned)cl_lo;
			items[k].cl_hi = (unsigned)cl_hi;
			items[k].gsize = 1;
		}
		if (nrun > 1) {
			ARRAY_GROW(byg, nrun, byg_cap);
			for (size_t k = 0; k < nrun; k++)
				byg[k] = &items[lo + k];
			qsort(byg, nrun, sizeof(*byg), fleet_group_cmp);
			for (size_t a = 0; a < nrun;) {
				size_t b = a + 1;
				while (b < nrun && !strcmp(byg[b]->group, byg[a]->group))
					b++;
				for (size_t k = a; k < b; k++)
					byg[k]->gsize = *byg[a]->group ? (unsigned)(b - a) : 1;
				a = b;
			}
		}
		lo = hi;
	}
	free(byg);
	for (size_t i = 0; i < nitems; i++)
		items[i].key = NULL;   /* in the caller's arena of keys, released after this */
}

/* The name of target index (fleet_item.target) of ctx. */
typedef const char *(*engine_name_fn)(void *ctx, size_t index);

/* engine_name_fn over an audit_result's targets */
static const char *engine_result_name(void *ctx, size_t index)
{
	const struct audit_result *out = ctx;
	return out->targets[index].name;
}

/*
 * The finding of items[i] (fleet_runs() done) on tr, its target, judged on
 * tr's view; the peers in ar, named after the targets' names (name_of; the
 * first FINDING_PEERS_SHOWN others, in the run's order).
 */
static void fleet_finding(engine_name_fn name_of, void *ctx, struct arena *ar, const struct catalog *c,
			  const struct rule *r, const struct fleet_item *items, size_t i, struct target_result *tr)
{
	struct expr_env env = { .catalog = c, .target = &tr->view };
	struct finding_peers *p = arena_alloc(ar, sizeof(*p));
	size_t lo = items[i].lo, hi = items[i].hi, nrun = hi - lo;
	memset(p, 0, sizeof(*p));
	p->napplies = items[i].cl_hi - items[i].cl_lo;
	p->topology = *items[i].topology ? items[i].topology : NULL;
	p->nshared = items[i].gsize - 1;
	p->nclash = nrun - 1 - p->nshared;
	size_t shown_clash = 0, shown_shared = 0;
	for (size_t j = lo; j < hi && ((shown_clash < FINDING_PEERS_SHOWN && shown_clash < p->nclash) ||
				       (shown_shared < FINDING_PEERS_SHOWN && shown_shared < p->nshared));
	     j++) {
		if (j == i)
			continue;
		int excepted = *items[i].group && !strcmp(items[i].group, items[j].group);
		if (excepted && shown_shared < FINDING_PEERS_SHOWN)
			p->shared[shown_shared++] = name_of(ctx, items[j].target);
		else if (!excepted && shown_clash < FINDING_PEERS_SHOWN)
			p->clash[shown_clash++] = name_of(ctx, items[j].target);
	}
	if (p->nshared)
		p->group = items[i].group;
	struct finding *f = finding_new(tr, r, &env, p->nclash ? FINDING_FAIL : FINDING_PASS, FINDING_BY_FLEET);
	f->peers = p;
}

/* One fleet rule over the targets [base, out->n), judged on their views. */
static void eval_fleet(struct audit_result *out, const struct catalog *c, const struct rule *r, size_t base)
{
	size_t n = out->n - base;
	struct fleet_item *items = xcalloc(n ? n : 1, sizeof(*items));
	size_t nitems = 0;
	struct arena keys;
	arena_init(&keys);
	for (size_t i = base; i < out->n; i++) {
		struct target_result *tr = &out->targets[i];
		if (tr->error || !fleet_item_of(c, r, tr, NULL, &items[nitems], &keys))
			continue;
		items[nitems++].target = (unsigned)i;
	}
	fleet_runs(items, nitems);
	arena_release(&keys);
	for (size_t i = 0; i < nitems; i++)
		fleet_finding(engine_result_name, out, &out->arena, c, r, items, i, &out->targets[items[i].target]);
	free(items);
}

/* ---- topology and link rules -------------------------------------------- */

/* The view of target index - 1 (a channel's source_index, 1 .. n) as the link rules read it. */
typedef const struct settings *(*engine_view_fn)(void *ctx, size_t index);

/* engine_view_fn over an audit_result's targets */
static const struct settings *engine_result_view(void *ctx, size_t index)
{
	const struct audit_result *out = ctx;
	return &out->targets[index - 1].view;
}

/*
 * One link rule over every channel of target tr (its view, display:
 * expr_target_display()), each with its source (view_of(ctx, source_index)
 * for a source_index 1 .. n).
 */
static void eval_links(size_t n, const struct catalog *c, const struct rule *r,
		       struct target_result *tr, const char *display, engine_view_fn view_of, void *ctx)
{
	const struct settings *s = &tr->view;
	struct expr_env env;
	memset(&env, 0, sizeof(env));
	env.catalog = c;
	env.target = s;
	env.display = display;
	if (eval_no_channels(tr, r, s, &env))
		return;
	for (size_t i = 0; i < s->nchannels; i++) {
		const struct settings_channel *ch = &s->channels[i];
		struct finding *f;
		env.channel = ch;
		env.source = ch->source_index && ch->source_index <= n ? view_of(ctx, ch->source_index) : NULL;
		if (ch->group_replication) {
			finding_new(tr, r, &env, FINDING_NOT_APPLICABLE, FINDING_BY_GROUP_REPLICATION);
			continue;
		}
		if (r->applies) {
			enum tri t = expr_eval(r->applies, &env);
			if (t == TRI_FALSE) {
				f = finding_new(tr, r, &env, FINDING_NOT_APPLICABLE, FINDING_BY_APPLIES);
				f->source = env.source;
				continue;
			}
			if (t == TRI_UNKNOWN && env.source) {
				f = finding_new(tr, r, &env, FINDING_UNKNOWN, FINDING_BY_APPLIES);
				f->source = env.source;
				continue;
			}
		}
		if (!env.source) {
			finding_new(tr, r, &env, FINDING_UNKNOWN, FINDING_BY_NO_SOURCE);
			continue;
		}
		enum tri t = expr_eval(r->require, &env);
		f = finding_new(tr, r, &env, t == TRI_TRUE ? FINDING_PASS : t == TRI_FALSE ? FINDING_FAIL : FINDING_UNKNOWN,
				FINDING_BY_REQUIRE);
		f->source = env.source;
	}
}

static void eval_topology(const struct catalog *c, const struct rule *r, struct target_result *tr, const char *display)
{
	struct expr_env env;
	memset(&env, 0, sizeof(env));
	env.catalog = c;
	env.target = &tr->view;
	env.display = display;
	eval_require(tr, r, &env);
}

static int engine_has_topology(const struct engine *e)
{
	for (size_t j = 0; j < e->n; j++)
		if (e->rules[j].scope == RULE_SCOPE_TOPOLOGY || e->rules[j].scope == RULE_SCOPE_LINK)
			return 1;
	return 0;
}

/* The topology and link findings of tr (no error), in rule order; its channels' sources of n targets (view_of). */
static void eval_topology_target(const struct engine *e, const struct catalog *c, size_t n,
				 struct target_result *tr, engine_view_fn view_of, void *ctx)
{
	char display[96];
	expr_target_display(&tr->view, display, sizeof(display));   /* the same for every rule: once */
	for (size_t j = 0; j < e->n; j++) {
		const struct rule *r = &e->rules[j];
		if (r->scope == RULE_SCOPE_LINK)
			eval_links(n, c, r, tr, display, view_of, ctx);
		else if (r->scope == RULE_SCOPE_TOPOLOGY)
			eval_topology(c, r, tr, display);
	}
}

void engine_evaluate_fleet(const struct engine *e, const struct catalog *c, struct audit_result *out,
			   size_t base)
{
	if (engine_has_topology(e)) {
		topology_link(c, out, base);
		for (size_t j = 0; j < e->n; j++) {
			const struct rule *r = &e->rules[j];
			if (r->scope != RULE_SCOPE_TOPOLOGY && r->scope != RULE_SCOPE_LINK)
				continue;
			for (size_t i = base; i < out->n; i++) {
				struct target_result *tr = &out->targets[i];
				char display[96];
				if (tr->error)
					continue;
				expr_target_display(&tr->view, display, sizeof(display));
				if (r->scope == RULE_SCOPE_LINK)
					eval_links(out->n, c, r, tr, display, engine_result_view, out);
				else
					eval_topology(c, r, tr, display);
			}
		}
	}
	for (size_t j = 0; j < e->n; j++)
		if (e->rules[j].scope == RULE_SCOPE_FLEET)
			eval_fleet(out, c, &e->rules[j], base);
}

/* ---- the cross-target rules one target at a time (issue 13) ---------------- */

/* Per fleet rule: its items over the whole run, and each target's item. */
struct engine_fleet_rule {
	const struct rule *rule;
	struct fleet_item *items;
	size_t nitems;
	unsigned *item_of;        /* per target: its item, or ENGINE_FLEET_NONE */
};
#define ENGINE_FLEET_NONE ((unsigned)-1)

/* copy i's view with its variables, no facts; valid until the next call */
static const struct settings *engine_fleet_plain(void *ctx, size_t i)
{
	struct engine_fleet *f = ctx;
	struct target_result tr;
	f->copies.copy(f->copies.ctx, i, &tr);
	f->plain = tr.view;
	f->copies.vars(f->copies.ctx, i, &f->plain);
	return &f->plain;
}

/* tr: copy i with its view made of its variables and its facts (engine_fleet_view()) */
void engine_fleet_view(struct engine_fleet *f, size_t i, struct target_result *tr)
{
	static const struct topology_derived none;
	f->copies.copy(f->copies.ctx, i, tr);
	tr->findings = NULL;
	tr->n = tr->cap = 0;
	const struct settings *plain = engine_fleet_plain(f, i);
	topology_view_with(plain, f->derived ? topology_derived_get(f->derived, i) : &none, &tr->view, &f->scratch);
}

/* A link rule's source: its view with its facts, made once and kept until engine_fleet_end() (findings point to it). */
static const struct settings *engine_fleet_source(void *ctx, size_t index)
{
	struct engine_fleet *f = ctx;
	size_t i = index - 1;
	if (!f->sources)
		f->sources = xcalloc(f->n, sizeof(*f->sources));
	if (!f->sources[i]) {
		static const struct topology_derived none;
		struct topology_scratch one = { 0 };
		struct settings *v = xcalloc(1, sizeof(*v));
		topology_view_with(engine_fleet_plain(f, i), f->derived ? topology_derived_get(f->derived, i) : &none, v,
				   &one);
		f->sources[i] = v;
		f->source_scratch = xrealloc(f->source_scratch, (f->nsource_scratch + 1) * sizeof(*f->source_scratch));
		f->source_scratch[f->nsource_scratch++] = one;
	}
	return f->sources[i];
}

/* engine_name_fn over the copies */
static const char *engine_fleet_name(void *ctx, size_t index)
{
	const struct engine_fleet *f = ctx;
	return f->copies.name(f->copies.ctx, index);
}

/*
 * Link the copies (topology_derive_nodes(): their nodes and views made
 * when read); returns each copy's keyword cluster (for the grouping: 8
 * bytes a copy), the caller's to free.
 */
static const char **engine_fleet_link(struct engine_fleet *f)
{
	const char **cluster = xmalloc(f->n * sizeof(*cluster));
	topology_derive_nodes(f->c, f->n, f->copies.node, f->copies.ctx, engine_fleet_plain, f, f->copies.pool,
			      f->derived, cluster);
	return cluster;
}

void engine_fleet_begin(struct engine_fleet *f, const struct engine *e, const struct catalog *c,
			const struct engine_fleet_copies *copies, struct topology_derived_set *derived)
{
	memset(f, 0, sizeof(*f));
	f->e = e;
	f->c = c;
	f->copies = *copies;
	f->n = copies->n;
	const char **cluster = NULL;
	if (engine_has_topology(e) && f->n) {
		f->derived = derived;
		cluster = engine_fleet_link(f);
	}
	for (size_t j = 0; j < e->n; j++)
		f->nrules += e->rules[j].scope == RULE_SCOPE_FLEET;
	if (!f->nrules || !f->n) {
		/* no target (an empty shard): no rule state, and nothing for engine_fleet_end() to free */
		f->nrules = 0;
		free(cluster);
		return;
	}
	f->rules = xcalloc(f->nrules, sizeof(*f->rules));
	for (size_t j = 0, q = 0; j < e->n; j++) {
		if (e->rules[j].scope != RULE_SCOPE_FLEET)
			continue;
		f->rules[q].rule = &e->rules[j];
		f->rules[q].items = xcalloc(f->n, sizeof(*f->rules[q].items));
		f->rules[q].item_of = xmalloc(f->n * sizeof(*f->rules[q].item_of));
		q++;
	}
	/* each target's view with its facts once, for every fleet rule; the keys until the runs are known */
	struct arena keys;
	arena_init(&keys);
	for (size_t i = 0; i < f->n; i++) {
		struct target_result tr;
		engine_fleet_view(f, i, &tr);
		for (size_t q = 0; q < f->nrules; q++) {
			struct engine_fleet_rule *fr = &f->rules[q];
			fr->item_of[i] = ENGINE_FLEET_NONE;
			/* the keyword cluster topology_inputs() found already (expr_target_cluster()) */
			if (tr.error ||
			    !fleet_item_quiet(c, fr->rule, &tr, cluster ? cluster[i] : NULL, &fr->items[fr->nitems], &keys))
				continue;
			fr->items[fr->nitems++].target = (unsigned)i;
		}
		free(tr.findings);
	}
	free(cluster);
	for (size_t q = 0; q < f->nrules; q++) {
		struct engine_fleet_rule *fr = &f->rules[q];
		fleet_runs(fr->items, fr->nitems);
		for (size_t k = 0; k < fr->nitems; k++)
			fr->item_of[fr->items[k].target] = (unsigned)k;
		fr->items = xrealloc(fr->items, (fr->nitems ? fr->nitems : 1) * sizeof(*fr->items));
	}
	arena_release(&keys);
}

void engine_fleet_target(struct engine_fleet *f, size_t i, struct target_result *tr, struct arena *ar)
{
	if (tr->error)
		return;
	if (f->derived)
		eval_topology_target(f->e, f->c, f->n, tr, engine_fleet_source, f);
	for (size_t q = 0; q < f->nrules; q++) {
		struct engine_fleet_rule *fr = &f->rules[q];
		if (fr->item_of[i] != ENGINE_FLEET_NONE) {
			fleet_finding(engine_fleet_name, f, ar, f->c, fr->rule, fr->items, fr->item_of[i], tr);
		} else {
			struct fleet_item it;
			/* the same finding the grouping made (not applicable, unknown) */
			(void)fleet_item_of(f->c, fr->rule, tr, NULL, &it, NULL);   /* no key */
		}
	}
}

void engine_fleet_end(struct engine_fleet *f)
{
	for (size_t q = 0; q < f->nrules; q++) {
		free(f->rules[q].items);
		free(f->rules[q].item_of);
	}
	free(f->rules);
	for (size_t k = 0; k < f->nsource_scratch; k++)
		topology_scratch_release(&f->source_scratch[k]);
	free(f->source_scratch);
	if (f->sources)
		for (size_t i = 0; i < f->n; i++)
			free(f->sources[i]);
	free(f->sources);
	topology_scratch_release(&f->scratch);
	memset(f, 0, sizeof(*f));
}

int engine_rule_across_targets(const struct rule *r)
{
	return r && (r->scope == RULE_SCOPE_FLEET || r->scope == RULE_SCOPE_TOPOLOGY || r->scope == RULE_SCOPE_LINK);
}

void engine_sort_findings(struct target_result *t)
{
	target_result_sort(t);
}

void engine_evaluate(const struct engine *e, const struct catalog *c,
		     const struct settings *targets, size_t ntargets, struct audit_result *out)
{
	size_t base = out->n;
	for (size_t i = 0; i < ntargets; i++)
		engine_evaluate_target(e, c, &targets[i], out);
	engine_evaluate_fleet(e, c, out, base);
	for (size_t i = base; i < out->n; i++)
		target_result_sort(&out->targets[i]);
}
