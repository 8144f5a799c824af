/*
 * explain.c - the sentences of a finding, rendered from the rule and the
 * values its target's rules read (see explain.h).
 */
#include "explain.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "expr.h"
#include "banned.h"

/* The expected text of a rule for the last flavor and version it was spelled for. */
struct explain_expected {
	enum flavor flavor;
	struct version version;
	const char *text;   /* in the explainer's cache arena; NULL: not computed yet */
};

/* A kept text and where the target's own file name goes in it (explain_tmpl_make()). */
struct explain_tmpl {
	const char *text;     /* NULL: none */
	unsigned at[4];
	unsigned char n;
	size_t len;           /* strlen(text) */
};

/* A message that depends on no value of the target (explainer.msg_cache). */
struct explain_msg {
	struct explain_msg *next;
	enum finding_basis basis;
	enum finding_status status;
	enum flavor flavor;
	enum flavor_variant variant;
	struct version version;
	enum role role;
	const char *kind;    /* as the target has it, NULL for none (interned) */
	struct explain_entry_key *values; /* the value atoms' entries it was worded from */
	size_t nvalues;
	uint64_t hash;       /* msg_values.hash of values */
	struct explain_tmpl text;   /* with explain_self_file where the target's own file name goes */
};

/* The per-target table of explain_intern(): texts by address. */
#define EXPLAIN_INTERN_MEMO 64
/*
 * At most this many texts are interned in a run: the caches' memory stays
 * bounded however many targets a run has (a text that is every target's own,
 * such as a server_id, would otherwise be kept for each); a key with a text
 * refused is not kept (explain_not_kept).
 */
#define EXPLAIN_INTERN_MAX 8192
static const char explain_not_kept[] = "";

/* Messages kept per rule, per (basis, status, flavor, build, version, role, kind): enough for a fleet's mix. */
#define EXPLAIN_MSG_PER_RULE 16

static void explain_default(struct explainer *x, const struct target_result *t, const struct finding *f,
			    struct explanation *out);

void explainer_init(struct explainer *x, const struct engine *e, const struct catalog *c)
{
	memset(x, 0, sizeof(*x));
	x->explain = explain_default;
	x->engine = e;
	x->catalog = c;
	arena_init(&x->cache);
	x->nexpected = e ? engine_rule_count(e) : 0;
	x->expected_cache = xcalloc(x->nexpected ? x->nexpected : 1, sizeof(*x->expected_cache));
	x->var_names = xcalloc(c && c->n ? c->n : 1, sizeof(*x->var_names));
	x->var_exists = xmalloc(c && c->n ? c->n : 1);
	x->msg_class = xcalloc(x->nexpected ? x->nexpected : 1, 1);
	x->msg_cache = xcalloc(x->nexpected ? x->nexpected : 1, sizeof(*x->msg_cache));
}

void explainer_release(struct explainer *x)
{
	if (x->data_free)
		x->data_free(x->data);
	strbuf_release(&x->origin_text);
	strbuf_release(&x->overridden);
	strbuf_release(&x->message);
	strbuf_release(&x->expected);
	strbuf_release(&x->fix);
	strbuf_release(&x->subject);
	strbuf_release(&x->suppressed);
	arena_release(&x->cache);
	free(x->expected_cache);
	free(x->var_names);
	free(x->var_exists);
	free(x->msg_class);
	free(x->msg_cache);
	free(x->target_memo);
	free(x->target_exists);
	free(x->target_value);
	free(x->read_hash[0]);
	free(x->read_hash[1]);
	free(x->msg_atoms);
	free(x->full_cache);
	free(x->full_var);
	strbuf_release(&x->origin_detail);
	strbuf_release(&x->location_detail);
	free(x->target_keys);
	free(x->target_key_set);
	free(x->intern);
	free(x->intern_hash);
	free(x->intern_memo_from);
	free(x->intern_memo_to);
	memset(x, 0, sizeof(*x));
}

static const char *explain_intern(struct explainer *x, const char *s);
static void entry_origin_of(struct explainer *x, struct explain_entry_key *k, const struct settings_origin *o);
static uint64_t entry_key_hash(uint64_t h, const struct explain_entry_key *k);

void explainer_target_begin(struct explainer *x, const struct target_result *t)
{
	const struct engine *e = x->engine;
	const struct catalog *c = x->catalog;
	x->target = NULL;
	if (!e || !t || !c || !c->n)
		return;
	const struct settings *s = &t->view;
	if (e->nmemo) {
		if (!x->target_memo)
			x->target_memo = xmalloc(e->nmemo);
		memset(x->target_memo, EXPR_MEMO_UNSET, e->nmemo);
	}
	if (!x->target_value) {
		/* a slot no read names stays NULL: no rule of the engine asks for it */
		x->target_value = xcalloc(c->n, sizeof(*x->target_value));
		x->target_exists = xmalloc(c->n);
	}
	x->target_exists_set = 0;
	/* the index's hash of each name (strmap_hash_of()): by the index's case folding, made once */
	int fold = s->index.fold_case ? 1 : 0;
	if (!x->read_hash[fold]) {
		x->read_hash[fold] = xcalloc(e->nreads ? e->nreads : 1, sizeof(size_t));
		for (size_t i = 0; i < e->nreads; i++)
			x->read_hash[fold][i] = util_strhash(e->reads[i].var ? e->reads[i].var->name : e->reads[i].name, fold);
	}
	for (size_t i = 0; i < e->nreads; i++) {
		const struct catalog_var *v = e->reads[i].var;
		/* a fact: looked up when a cache's key needs it (entry_key()) */
		if (!v || v < c->vars || v >= c->vars + c->n)
			continue;
		/* what settings_get(s, v->name) gives, as expr.c asks without a cache */
		x->target_value[v - c->vars] = settings_get_hashed(s, v->name, x->read_hash[fold][i]);
	}
	/* the whole explanations (explain_full) take the target's name and kind from its view */
	x->target_plain = t->name && s->target && !strcmp(t->name, s->target) &&
			  (t->kind ? s->kind && !strcmp(t->kind, s->kind) : !s->kind);
	x->target = t;
	if (x->targets_begun++) {
		/* the caches (from a run's second target on: message_cacheable()): this target's keys */
		if (!x->target_keys) {
			x->target_keys = xcalloc(e->nreads ? e->nreads : 1, sizeof(*x->target_keys));
			x->target_key_set = xcalloc(e->nreads ? e->nreads : 1, 1);
			x->intern_memo_from = xcalloc(EXPLAIN_INTERN_MEMO, sizeof(*x->intern_memo_from));
			x->intern_memo_to = xcalloc(EXPLAIN_INTERN_MEMO, sizeof(*x->intern_memo_to));
		}
		/* the entries' keys, worked out as asked (entry_key()); texts by address, this target's */
		memset(x->target_key_set, 0, e->nreads ? e->nreads : 1);
		memset(x->intern_memo_from, 0, EXPLAIN_INTERN_MEMO * sizeof(*x->intern_memo_from));
		x->detail_memo_n = 0;
		/* the name itself is not interned: every target has its own (the table would fill with them) */
		x->target_name = s->target;
		x->target_self_file = NULL;
		x->target_name_len = s->target ? strlen(s->target) : 0;
		x->target_kind = explain_intern(x, s->kind);
		entry_origin_of(x, &x->target_group, &s->group_header);
		x->target_group.refused = x->target_group.file == explain_not_kept ||
					  x->target_group.chain == explain_not_kept ||
					  x->target_group.detail == explain_not_kept;
		x->target_group_hash = entry_key_hash(0x84222325cbf29ce4ULL, &x->target_group);
	}
}

void explainer_target_end(struct explainer *x)
{
	x->target = NULL;
}

size_t explainer_messages_kept(const struct explainer *x)
{
	size_t n = 0;
	for (size_t i = 0; x->msg_cache && i < x->nexpected; i++)
		for (const struct explain_msg *m = x->msg_cache[i]; m; m = m->next)
			n++;
	return n;
}

struct explain_full;
static const struct explain_full *full_next(const struct explain_full *m);

size_t explainer_explanations_kept(const struct explainer *x)
{
	size_t n = 0;
	for (size_t i = 0; x->full_cache && i < x->nexpected; i++)
		for (const struct explain_full *m = x->full_cache[i]; m; m = full_next(m))
			n++;
	return n;
}

void explain_finding(struct explainer *x, const struct target_result *t, const struct finding *f,
		     struct explanation *out)
{
	memset(out, 0, sizeof(*out));
	x->explain(x, t, f, out);
	if (!out->rule_id)
		out->rule_id = f->rule_id ? f->rule_id : "unnamed-rule";
	if (!out->title)
		out->title = f->title;
}

/*
 * Pieces of the sentences that every finding has, appended without a
 * format (issue 13: strbuf_addf() parses its format each time): s as "%s"
 * would print it, n in decimal.
 */
static void add_s(struct strbuf *sb, const char *s)
{
	strbuf_addstr(sb, s ? s : "(null)");
}

/* ---- the value the verdict is about ----------------------------------------- */

/* "a.cnf:12" for an origin with a file; the describe form otherwise. */
static void origin_short(struct strbuf *sb, const struct settings_origin *o)
{
	if (o->file && o->line) {
		strbuf_addstr(sb, o->file);
		strbuf_addch(sb, ':');
		strbuf_add_uint(sb, o->line);
		return;
	}
	settings_origin_add(sb, o);
}

/* "set to ON at a.cnf:12, overridden to OFF at b.cnf:3"; empty when nothing was overridden. */
static void overridden_text(struct strbuf *sb, const struct settings_var *sv)
{
	size_t shown = 0;
	for (size_t i = 0; i < sv->n_overridden; i++) {
		const struct settings_value *v = &sv->overridden[i];
		if (v->origin.source == SETTINGS_SRC_DEFAULT)
			continue;
		strbuf_addstr(sb, shown ? ", overridden to " : "set to ");
		strbuf_addstr(sb, v->value ? v->value : "unknown");
		strbuf_add(sb, " at ", 4);
		origin_short(sb, &v->origin);
		shown++;
	}
	if (!shown)
		return;
	strbuf_addstr(sb, ", overridden to ");
	strbuf_addstr(sb, sv->current.value ? sv->current.value : "unknown");
	strbuf_add(sb, " at ", 4);
	origin_short(sb, &sv->current.origin);
}

static int is_channel_field(const struct expr *e)
{
	return expr_ref_is_channel(e->ref);   /* every channel field, the ones of issue 12 too */
}

/* The first channel field of a condition that the channel reports (expr_walk). */
struct known_field {
	const struct expr_env *env;
	const struct expr *found;
};

static int known_field_visit(void *ctx, const struct expr *atom)
{
	struct known_field *k = ctx;
	if (!is_channel_field(atom))
		return 0;
	struct expr_value v;
	expr_value_of(atom, k->env, &v);
	if (v.state != EXPR_VALUE_KNOWN || !v.text)
		return 0;
	k->found = atom;
	return 1;
}

/* The variable, value, origin and override chain of the rule's variable on env. */
static void explain_value(struct explainer *x, const struct rule *r, const struct expr_env *env,
			  struct explanation *out)
{
	if (!r->variable_ref)
		return;
	if (is_channel_field(r->variable_ref) && !env->channel)
		return;
	struct expr_value v;
	const char *where = env->display;
	struct strbuf *ot = &x->origin_text;
	expr_value_of(r->variable_ref, env, &v);
	/*
	 * A channel field this flavor does not report (Using_Gtid on MySQL,
	 * AUTO_POSITION on MariaDB): the field the requirement reads there.
	 */
	if (is_channel_field(r->variable_ref) && (v.state != EXPR_VALUE_KNOWN || !v.text) && r->require) {
		struct known_field k = { .env = env, .found = NULL };
		expr_walk(r->require, known_field_visit, &k);
		if (k.found)
			expr_value_of(k.found, env, &v);
	}
	out->variable = v.name;
	if (v.state == EXPR_VALUE_ABSENT) {
		strbuf_addstr(ot, "does not exist on ");
		add_s(ot, where);
		out->origin_text = ot->buf;
		return;
	}
	out->value = v.text;
	if (v.sv) {
		const struct settings_origin *o = &v.sv->current.origin;
		out->origin = *o;
		if (o->source == SETTINGS_SRC_DEFAULT) {
			if (v.text) {
				strbuf_addstr(ot, "not set: default ");
				add_s(ot, *v.text ? v.text : "''");
				strbuf_addstr(ot, " for ");
				add_s(ot, where);
			} else {
				strbuf_addf(ot, "not set: default unknown for %s", where);
			}
		} else {
			settings_origin_add(ot, o);
		}
		overridden_text(&x->overridden, v.sv);
		if (x->overridden.len)
			out->overridden = x->overridden.buf;
	} else if (v.state == EXPR_VALUE_UNKNOWN) {
		if (env->target->kind && !strcmp(env->target->kind, "file"))
			strbuf_addf(ot, "not set, and no known default for %s", where);
		else
			strbuf_addstr(ot, "not reported by the target");
	} else if (env->channel) {
		out->origin.source = SETTINGS_SRC_LIVE;
		if (*env->channel->name)
			strbuf_addf(ot, "channel '%s'", env->channel->name);
		else
			strbuf_addstr(ot, "the default channel");
	}
	if (ot->len)
		out->origin_text = ot->buf;
}

/* ---- what was expected ------------------------------------------------------ */

static const char *explain_expected(struct explainer *x, const struct rule *r, const struct settings *s)
{
	const char *text = rule_expect(r, s->flavor);
	if (r->expect_given || !r->require || text != r->expect || !x->engine)
		return text;
	size_t i = (size_t)(r - engine_rule_at(x->engine, 0));
	if (i >= x->nexpected)
		return text;
	struct explain_expected *ec = &x->expected_cache[i];
	if (!ec->text || ec->flavor != s->flavor || version_cmp(&ec->version, &s->version) ||
	    ec->version.patch != s->version.patch) {
		strbuf_reset(&x->expected);
		expr_describe_for(r->require, s, &x->expected);
		ec->text = arena_strdup(&x->cache, x->expected.buf ? x->expected.buf : "");
		ec->flavor = s->flavor;
		ec->version = s->version;
	}
	return ec->text;
}

/* ---- problems of the option files (one finding per offending line) ------------ */

/* "line 21" in the target's own file, "conf.d/x.cnf line 3" in another. */
static void problem_where(struct strbuf *sb, const struct target_result *t, const struct settings_problem *p)
{
	if (p->origin.file && p->origin.line && t->name && !strcmp(p->origin.file, t->name))
		strbuf_addf(sb, "line %u", p->origin.line);
	else if (p->origin.file && p->origin.line)
		strbuf_addf(sb, "%s line %u", p->origin.file, p->origin.line);
	else if (p->origin.file)
		strbuf_addstr(sb, p->origin.file);
	else
		strbuf_addstr(sb, "the option files");
}

/* The line as written, quoted: 'sync_binlog = 1 ; fsync the binlog'. */
static void problem_line(struct strbuf *sb, const struct settings_problem *p)
{
	if (p->value)
		strbuf_addf(sb, "'%s = %s'", p->option, p->value);
	else
		strbuf_addf(sb, "'%s'", p->option);
}

/*
 * A value the server refuses because of a ';' that is not a comment: the
 * part before it, when the catalog accepts that as the value. Heap string
 * or NULL.
 */
static char *problem_semicolon_value(const struct explainer *x, const struct settings *s,
				     const struct settings_problem *p)
{
	const char *semi = p->value ? strchr(p->value, ';') : NULL;
	if (!semi || !p->variable || !x->catalog)
		return NULL;
	size_t n = (size_t)(semi - p->value);
	while (n && (p->value[n - 1] == ' ' || p->value[n - 1] == '\t'))
		n--;
	if (!n)
		return NULL;
	char *v = xstrndup(p->value, n);
	const struct catalog_var *cv = catalog_lookup(x->catalog, p->variable);
	char *norm = NULL;
	const char *why = NULL;
	if (!cv || catalog_check_value(cv, s->flavor, v, &norm, &why) != CATALOG_VALUE_OK) {
		free(v);
		v = NULL;
	}
	free(norm);
	return v;
}

/*
 * Fixes for the reader's problems, by the start of its message
 * (auditor/optfile.c); all stop the server but a file it skips.
 */
static const struct {
	const char *prefix;
	const char *fix;     /* after "WHERE: " */
	int skipped;         /* the server starts, without this file */
} problem_reader_fixes[] = {
	{ "world-writable option file", "remove write permission for others (chmod o-w), so that the server "
					"reads the file", 1 },
	{ "option before any group header",
	  "put a group header such as [mysqld] above it, or delete it (on line 1, a UTF-8 byte order "
	  "mark before the first header has the same effect: save the file without it)", 0 },
	{ "group header without ']'", "end the group header with ']'", 0 },
	{ "cannot read directory", "create the directory, or delete the !includedir line", 0 },
	{ "'!includedir' without a directory", "name a directory after !includedir, or delete the line", 0 },
	{ "'!include' without a file name", "name a file after !include, or delete the line", 0 },
	{ "more than", "break the include loop: a file includes itself, directly or not", 0 },
	{ "cannot open required option file", "make the file readable, or name another one", 0 },
};

static void explain_problem(struct explainer *x, const struct target_result *t, const struct settings_problem *p,
			    struct explanation *out)
{
	const struct settings *s = &t->view;
	struct strbuf *m = &x->message, *fx = &x->fix;
	char ver[32], gone[32];
	const char *fl = flavor_build_display(s->flavor, s->variant);
	version_format(&s->version, ver, sizeof(ver));

	out->origin = p->origin;
	out->location = p->origin;
	strbuf_reset(&x->subject);
	if (p->option)
		strbuf_addstr(&x->subject, p->option);
	else
		strbuf_addf(&x->subject, "line %u", p->origin.line);
	out->subject = x->subject.buf;
	strbuf_reset(&x->origin_text);
	if (p->origin.file) {
		settings_origin_add(&x->origin_text, &p->origin);
		out->origin_text = x->origin_text.buf;
	}
	problem_where(m, t, p);
	strbuf_addstr(m, ": ");
	strbuf_reset(fx);
	problem_where(fx, t, p);
	strbuf_addstr(fx, ": ");
	switch (p->kind) {
	case SETTINGS_PROBLEM_READER: {
		const char *fix = "correct the line as the message says";
		int skipped = 0;
		for (size_t i = 0; i < ARRAY_SIZE(problem_reader_fixes); i++) {
			if (p->detail && !strncmp(p->detail, problem_reader_fixes[i].prefix,
						  strlen(problem_reader_fixes[i].prefix))) {
				fix = problem_reader_fixes[i].fix;
				skipped = problem_reader_fixes[i].skipped;
			}
		}
		strbuf_addstr(m, p->detail ? p->detail : "the server cannot read it");
		if (!skipped)
			strbuf_addstr(m, ": the server refuses to start");
		strbuf_addstr(fx, fix);
		break;
	}
	case SETTINGS_PROBLEM_VALUE: {
		char *before = problem_semicolon_value(x, s, p);
		problem_line(m, p);
		if (before) {
			strbuf_addf(m, ": ';' starts a comment only at the start of a line, so the value is '%s' "
				       "and the server refuses it", p->value);
			strbuf_addf(fx, "write '%s = %s' and put the comment on a line of its own (or after '#')",
				    p->option, before);
		} else {
			strbuf_addf(m, ": %s", p->detail ? p->detail : "the server refuses the value");
			strbuf_addf(fx, "give %s a value %s %s accepts, or delete the line", p->option, fl, ver);
		}
		free(before);
		break;
	}
	case SETTINGS_PROBLEM_UNKNOWN:
		problem_line(m, p);
		strbuf_addf(m, ": %s %s has no option '%s' and refuses to start (unknown variable)", fl, ver,
			    p->option);
		if (p->detail)   /* the listed release whose option list decided (config.c) */
			strbuf_addf(m, "; %s", p->detail);
		strbuf_addf(fx, "delete the line (or write loose-%s, which the server skips when it does not "
			       "know the option)", p->option);
		break;
	case SETTINGS_PROBLEM_SPELLING:
		problem_line(m, p);
		strbuf_addf(m, ": %s %s spells this option '%s' and refuses '%s' (unknown variable)", fl, ver,
			    p->replacement ? p->replacement : "differently", p->option);
		if (p->value)
			strbuf_addf(fx, "write '%s = %s'", p->replacement ? p->replacement : p->option, p->value);
		else
			strbuf_addf(fx, "write '%s'", p->replacement ? p->replacement : p->option);
		break;
	case SETTINGS_PROBLEM_REMOVED:
		problem_line(m, p);
		if (p->detail)   /* between two listed releases (config.c): "removed after X (absent from the Y list)" */
			strbuf_addf(m, ": '%s' was %s, and %s %s refuses to start with it", p->option, p->detail, fl,
				    ver);
		else
			strbuf_addf(m, ": %s removed '%s' in %s, and %s %s refuses to start with it", fl, p->option,
				    version_format(&p->version, gone, sizeof(gone)), fl, ver);
		strbuf_addf(fx, "delete the line, or write loose-%s to keep it for older servers that read "
			       "the same file", p->option);
		break;
	case SETTINGS_PROBLEM_MAXIMUM:
		problem_line(m, p);
		strbuf_addf(m, ": the server cannot set a maximum for %s and refuses to start",
			    p->variable ? p->variable : p->option);
		strbuf_addstr(fx, "delete the line");
		break;
	case SETTINGS_PROBLEM_AMBIGUOUS:
		problem_line(m, p);
		strbuf_addf(m, ": '%s' abbreviates several options (%s) and %s %s refuses to start", p->option,
			    p->detail ? p->detail : "more than one", fl, ver);
		strbuf_addstr(fx, "write the option's full name");
		break;
	case SETTINGS_PROBLEM_AUTOSET:
		problem_line(m, p);
		strbuf_addf(m, ": %s has no automatic setup and the server refuses to start",
			    p->variable ? p->variable : p->option);
		strbuf_addf(fx, "write '%s = VALUE' with a value, or delete the line", p->variable ? p->variable : p->option);
		break;
	}
	out->message = m->buf;
	out->fix = fx->buf;
}

/* ---- the message ------------------------------------------------------------ */

static void explain_fleet(struct strbuf *sb, const struct rule *r, const struct finding *f,
			  const struct expr_env *env)
{
	const struct finding_peers *p = f->peers;
	struct expr_value v;
	expr_value_of(r->unique_ref, env, &v);
	strbuf_addf(sb, "%s %s ", v.name, v.text ? v.text : "unknown");
	if (!p)
		return;
	if (p->nclash || p->nshared) {
		int clash = p->nclash > 0;
		size_t n = clash ? p->nclash : p->nshared;
		const char *const *names = clash ? p->clash : p->shared;
		if (clash && p->topology)
			strbuf_addf(sb, "is also used by %zu other target%s of cluster '%s': ", n, n == 1 ? "" : "s",
				    p->topology);
		else if (clash)
			strbuf_addf(sb, "is also used by %zu other target%s: ", n, n == 1 ? "" : "s");
		else
			strbuf_addf(sb, "is shared only within %s '%s': ", r->except_ref ? r->except_ref->ident : "group",
				    p->group ? p->group : "");
		for (size_t i = 0; i < n && i < FINDING_PEERS_SHOWN; i++)
			strbuf_addf(sb, "%s%s", i ? ", " : "", names[i]);
		if (n > FINDING_PEERS_SHOWN)
			strbuf_addstr(sb, ", ...");
		return;
	}
	if (p->topology)
		strbuf_addf(sb, "is unique among the %zu target%s of cluster '%s' that it applies to", p->napplies,
			    p->napplies == 1 ? "" : "s", p->topology);
	else
		strbuf_addf(sb, "is unique among the %zu target%s of this run that it applies to", p->napplies,
			    p->napplies == 1 ? "" : "s");
}

/*
 * A rule that requires a fact to be empty failed: the fact lists what is
 * wrong, and its origin's detail says what the list means. The finding
 * says that, not "runtime_only_changes is 'sync_binlog=0'": facts are not
 * variables. Returns 0 when the fact holds nothing to say.
 */
static int explain_fact_list(struct strbuf *sb, const struct rule *r, const struct expr_env *env)
{
	struct expr_value v;
	expr_value_of(r->require, env, &v);
	if (v.state != EXPR_VALUE_KNOWN || !v.text || !*v.text)
		return 0;
	const char *detail = v.sv ? v.sv->current.origin.detail : NULL;
	if (detail && !strncmp(detail, "live: ", 6))
		detail += 6;
	if (detail && *detail)
		strbuf_addf(sb, "%s: %s", detail, v.text);
	else
		strbuf_addstr(sb, v.text);
	return 1;
}

/* A problem rule with no problem: what holds, without naming the fact. */
static void explain_problem_pass(struct strbuf *sb, const struct rule *r, const struct expr_env *env)
{
	static const struct {
		const char *fact;
		const char *words;   /* after "the option files: " */
	} passes[] = {
		{ "option_file_errors", "the server reads every file and accepts every line" },
		{ "removed_options", "no option that this version has removed" },
	};
	const char *words = "nothing the server refuses";
	for (size_t i = 0; i < ARRAY_SIZE(passes); i++)
		if (r->variable && !strcmp(r->variable, passes[i].fact))
			words = passes[i].words;
	strbuf_addf(sb, "the option files: %s (%s)", words, env->display);
}

static void explain_message(struct strbuf *sb, const struct rule *r, const struct finding *f,
			    const struct expr_env *env)
{
	enum finding_status status = f->suppression ? f->suppression->was : f->status;
	switch (f->basis) {
	case FINDING_BY_REQUIRE:
		if (r->scope == RULE_SCOPE_PROBLEM && status == FINDING_PASS) {
			explain_problem_pass(sb, r, env);
			return;
		}
		if (r->fact_lists && status == FINDING_FAIL && explain_fact_list(sb, r, env))
			return;
		if (status == FINDING_UNKNOWN)
			strbuf_addstr(sb, "could not evaluate: ");
		if (r->require)
			expr_explain_require(r->require, env, sb);
		return;
	case FINDING_BY_APPLIES:
		if (status == FINDING_UNKNOWN)
			strbuf_addstr(sb, "could not evaluate: ");
		if (r->applies)
			expr_explain(r->applies, env, sb);
		if (status == FINDING_UNKNOWN)
			strbuf_addstr(sb, ", so whether the rule applies is unknown");
		return;
	case FINDING_BY_ABSENT:
		if (r->variable_ref && r->variable_ref->var)
			strbuf_addf(sb, "%s does not exist on %s", expr_var_display(r->variable_ref->var, env->target),
				    env->display);
		return;
	case FINDING_BY_CHANNELS_OFFLINE:
		strbuf_addstr(sb, "the replication channels are known only on a running server (crashsafe live)");
		return;
	case FINDING_BY_CHANNELS_UNREAD:
		strbuf_addstr(sb, "could not evaluate: the replication channels could not be read");
		return;
	case FINDING_BY_NO_CHANNELS:
		strbuf_addstr(sb, "no replication channel is configured");
		return;
	case FINDING_BY_FLEET:
		explain_fleet(sb, r, f, env);
		return;
	case FINDING_BY_FLEET_UNKNOWN: {
		struct expr_value v;
		expr_value_of(r->unique_ref, env, &v);
		strbuf_addf(sb, "could not evaluate: %s is unknown", v.name);
		return;
	}
	case FINDING_BY_PROBLEM:
		return;
	case FINDING_BY_NO_SOURCE:
		strbuf_addf(sb, "could not evaluate: %s; audit it in the same run (or name it in the inventory)",
			    env->channel && env->channel->source_why ? env->channel->source_why
								      : "the channel's source is not among the audited servers");
		return;
	case FINDING_BY_GROUP_REPLICATION:
		strbuf_addf(sb, "channel '%s' is a Group Replication channel, not an asynchronous one: the rule does not "
			    "apply (Group Replication itself is not audited here)", env->channel ? env->channel->name : "");
		return;
	}
}

/* ---- messages that depend on no value of the target (issue 13) ------------- */

/*
 * An atom whose words depend on the target's flavor, build, version, role
 * and kind alone: one of those, or whether a catalog variable exists
 * (defined(), which the engine and the explainer take as depending on the
 * flavor, build and version alone when both are known): MSG_ATOM_CONTEXT.
 * A catalog variable's value or isset(), or a fact (MSG_ATOM_VALUE): its words depend
 * also on the target's entry for the variable (value, whether it is the
 * default, file, line, detail: all that expr.c words or compares of it),
 * where the file may be the target's own (its name then goes where the
 * file is named: "sync_binlog is 0 (my.cnf:7)"). Everything else (the
 * cluster, a channel, the source, a reference as the value, a name
 * resolved only when evaluated) makes the condition's message the
 * target's own.
 */
enum { MSG_ATOM_CONTEXT = 0, MSG_ATOM_VALUE = 1, MSG_ATOM_OWN = 2 };

static int msg_atom_kind(const struct expr *atom)
{
	switch (atom->ref) {
	case EXPR_REF_ROLE:
	case EXPR_REF_FLAVOR:
	case EXPR_REF_VERSION:
	case EXPR_REF_KIND:
		return MSG_ATOM_CONTEXT;
	case EXPR_REF_VAR:
		if (!atom->var)
			return MSG_ATOM_OWN;
		if (atom->kind == EXPR_DEFINED)
			return MSG_ATOM_CONTEXT;
		/* fall through */
	case EXPR_REF_FACT:
		for (size_t i = 0; i < atom->nlits; i++)
			if (atom->lits[i].ref)
				return MSG_ATOM_OWN;
		return MSG_ATOM_VALUE;
	default:
		return MSG_ATOM_OWN;
	}
}

/* A value atom of a rule's condition: the engine's read of its variable or fact (engine.reads). */
struct msg_atom {
	size_t read;
};

/* What msg_list_visit() gathers: the value atoms of a condition, left to right. */
struct msg_list {
	const struct explainer *x;
	struct msg_atom atom[16];
	size_t n;
	int worst;
};

/* The engine's read of atom's variable or fact, or e->nreads. */
static size_t msg_read_of(const struct engine *e, const struct expr *atom)
{
	size_t r = 0;
	if (atom->ref == EXPR_REF_VAR)
		while (r < e->nreads && e->reads[r].var != atom->var)
			r++;
	else
		while (r < e->nreads && (e->reads[r].var || strcmp(e->reads[r].name, atom->ident)))
			r++;
	return r;
}

/* expr_walk(): the kind of each atom; stops at one whose words are the target's own. */
static int msg_list_visit(void *ctx, const struct expr *atom)
{
	struct msg_list *l = ctx;
	int k = msg_atom_kind(atom);
	if (k == MSG_ATOM_VALUE) {
		const struct engine *e = l->x->engine;
		size_t r = atom->ref == EXPR_REF_FACT && !atom->ident ? e->nreads : msg_read_of(e, atom);
		/* a read the engine does not keep (none), or too many: the target's own */
		if (r == e->nreads || l->n == ARRAY_SIZE(l->atom))
			k = MSG_ATOM_OWN;
		else
			l->atom[l->n++].read = r;
	}
	if (k > l->worst)
		l->worst = k;
	return k == MSG_ATOM_OWN;
}

/*
 * The class of a condition: 1 only context atoms, 2 context and values
 * (listed in *atoms, *n of them, in the cache arena), 0 the target's own
 * (or no condition).
 */
static unsigned msg_expr_class(struct explainer *x, const struct expr *e, struct msg_atom **atoms, size_t *n)
{
	struct msg_list l = { .x = x, .n = 0, .worst = MSG_ATOM_CONTEXT };
	*atoms = NULL;
	*n = 0;
	if (!e || expr_walk(e, msg_list_visit, &l))
		return 0;
	if (l.worst == MSG_ATOM_CONTEXT)
		return 1u;
	*atoms = arena_alloc(&x->cache, l.n * sizeof(**atoms));
	memcpy(*atoms, l.atom, l.n * sizeof(**atoms));
	*n = l.n;
	return 2u;
}

/*
 * explainer.msg_class of rule i, worked out on first use: bits 0-1 the
 * class of applies, bits 2-3 of require (msg_expr_class()), bit 7 set once
 * classified; the value atoms of each in msg_atoms[2 * i] and [2 * i + 1].
 */
static unsigned msg_class_of(struct explainer *x, size_t i, const struct rule *r)
{
	if (!x->msg_class[i]) {
		if (!x->msg_atoms)
			x->msg_atoms = xcalloc(2 * x->nexpected, sizeof(*x->msg_atoms));
		struct explain_msg_atoms *ma = &x->msg_atoms[2 * i];
		unsigned a = msg_expr_class(x, r->applies, &ma[0].atom, &ma[0].n);
		unsigned q = r->scope != RULE_SCOPE_PROBLEM && !r->fact_lists
				     ? msg_expr_class(x, r->require, &ma[1].atom, &ma[1].n)
				     : 0u;
		x->msg_class[i] = (unsigned char)(0x80u | a | q << 2);
	}
	return x->msg_class[i];
}

/*
 * Where a kept text has the target's own file name: bytes no option file
 * name or value holds (a text is kept only when putting the name back
 * gives the text it stands for).
 */
static const char explain_self_file[] = "\x01\x02file\x02\x01";
#define EXPLAIN_SELF_LEN (sizeof(explain_self_file) - 1)

/* text with every occurrence of name (not empty) replaced by explain_self_file; a heap string. */
static char *explain_name_out(const char *text, const char *name)
{
	struct strbuf sb = { 0 };
	size_t n = strlen(name);
	for (const char *at; (at = strstr(text, name)); text = at + n) {
		strbuf_add(&sb, text, (size_t)(at - text));
		strbuf_add(&sb, explain_self_file, EXPLAIN_SELF_LEN);
	}
	strbuf_addstr(&sb, text);
	return strbuf_detach(&sb);
}

/* Append text with every explain_self_file replaced by name. */
static void explain_name_in(struct strbuf *sb, const char *text, const char *name)
{
	for (const char *at; (at = strstr(text, explain_self_file)); text = at + EXPLAIN_SELF_LEN) {
		strbuf_add(sb, text, (size_t)(at - text));
		strbuf_addstr(sb, name);
	}
	strbuf_addstr(sb, text);
}

/* ---- texts kept over the run, compared by address (issue 13) ---------------- */

/*
 * The one copy of s in the explainer's cache arena (NULL for NULL): equal
 * texts get the same address, so that the caches' keys compare and hash
 * by address. A per-target table by the text's own address comes first
 * (a target's entries share their file and detail strings); it is cleared
 * by explainer_target_begin(), as the addresses of one target's texts may
 * be another's later.
 */
/*
 * A cheap hash of a text for explain_intern(): its length and three
 * eight-byte pieces (first, middle, last). Texts that share them are told
 * apart by strcmp() in the table.
 */
static uint64_t explain_text_hash(const char *s)
{
	size_t n = strlen(s);
	uint64_t a = 0, b = 0, c = 0;
	if (n <= 8) {
		memcpy(&a, s, n);
	} else {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(&c, s + n / 2 - 4, 8);
	}
	uint64_t h = (a ^ n) * 0x9e3779b97f4a7c15ULL;
	h = (h ^ (h >> 29) ^ b) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 31) ^ c) * 0x94d049bb133111ebULL;
	return h ^ (h >> 32);
}

static const char *explain_intern_memo(struct explainer *x, const char *s, int memo)
{
	if (!s)
		return NULL;
	size_t m = ((uintptr_t)s >> 3 ^ (uintptr_t)s >> 9) & (EXPLAIN_INTERN_MEMO - 1);
	if (memo && x->intern_memo_from && x->intern_memo_from[m] == s)
		return x->intern_memo_to[m];
	uint64_t h = explain_text_hash(s);
	if (x->intern_n >= EXPLAIN_INTERN_MAX) {
		/* full: known texts still found, new ones refused */
		size_t at = x->intern_cap ? (size_t)h & (x->intern_cap - 1) : 0;
		while (x->intern_cap && x->intern[at] && (x->intern_hash[at] != h || strcmp(x->intern[at], s)))
			at = (at + 1) & (x->intern_cap - 1);
		return x->intern_cap && x->intern[at] ? x->intern[at] : explain_not_kept;
	}
	if (2 * (x->intern_n + 1) > x->intern_cap) {
		size_t cap = x->intern_cap ? 2 * x->intern_cap : 256;
		const char **slots = xcalloc(cap, sizeof(*slots));
		uint64_t *hashes = xcalloc(cap, sizeof(*hashes));
		for (size_t i = 0; i < x->intern_cap; i++) {
			if (!x->intern[i])
				continue;
			size_t at = (size_t)x->intern_hash[i] & (cap - 1);
			while (slots[at])
				at = (at + 1) & (cap - 1);
			slots[at] = x->intern[i];
			hashes[at] = x->intern_hash[i];
		}
		free(x->intern);
		free(x->intern_hash);
		x->intern = slots;
		x->intern_hash = hashes;
		x->intern_cap = cap;
	}
	size_t at = (size_t)h & (x->intern_cap - 1);
	while (x->intern[at] && (x->intern_hash[at] != h || strcmp(x->intern[at], s)))
		at = (at + 1) & (x->intern_cap - 1);
	if (!x->intern[at]) {
		x->intern[at] = arena_strdup(&x->cache, s);
		x->intern_hash[at] = h;
		x->intern_n++;
	}
	if (memo && x->intern_memo_from) {
		x->intern_memo_from[m] = s;
		x->intern_memo_to[m] = x->intern[at];
	}
	return x->intern[at];
}

/* explain_intern_memo() through the table by address: for a target begun only (it is cleared per target). */
static const char *explain_intern(struct explainer *x, const char *s)
{
	return explain_intern_memo(x, s, x->target != NULL);
}

/* An origin as the caches key it: texts interned, the target's own file as self (file NULL). */
static void entry_origin_of(struct explainer *x, struct explain_entry_key *k, const struct settings_origin *o)
{
	k->source = (unsigned char)o->source;
	k->line = o->line;
	k->chain = explain_intern(x, o->chain);
	/* the target's own file is not interned (each target has its own); its entries share one copy of the name */
	k->self = o->file && x->target_name &&
		  (o->file == x->target_self_file || o->file == x->target_name || !strcmp(o->file, x->target_name));
	if (k->self)
		x->target_self_file = o->file;
	k->file = k->self ? NULL : explain_intern(x, o->file);
	k->detail_self = 0;
	k->detail = NULL;
	if (!o->detail)
		return;
	/* a target's entries share a few details: each worked out once per target */
	for (size_t i = 0; i < x->detail_memo_n; i++)
		if (x->detail_memo[i].from == o->detail) {
			k->detail = x->detail_memo[i].to;
			k->detail_self = x->detail_memo[i].self;
			return;
		}
	if (x->target_name && *x->target_name && strstr(o->detail, x->target_name)) {
		/* "the replication channels of NAME are known only ...": kept with the placeholder */
		char *d = explain_name_out(o->detail, x->target_name);
		k->detail = explain_intern_memo(x, d, 0);
		k->detail_self = 1;
		free(d);
	} else {
		k->detail = explain_intern(x, o->detail);
	}
	if (x->detail_memo_n < ARRAY_SIZE(x->detail_memo)) {
		x->detail_memo[x->detail_memo_n].from = o->detail;
		x->detail_memo[x->detail_memo_n].to = k->detail;
		x->detail_memo[x->detail_memo_n].self = k->detail_self;
		x->detail_memo_n++;
	}
}

/* The target's entry of read r as the caches key it, worked out once per target. */
static const struct explain_entry_key *entry_key(struct explainer *x, size_t r)
{
	struct explain_entry_key *k = &x->target_keys[r];
	if (x->target_key_set[r])
		return k;
	const struct engine *e = x->engine;
	const struct catalog *c = x->catalog;
	const struct catalog_var *v = e->reads[r].var;
	const struct settings *s = &x->target->view;
	int fold = s->index.fold_case ? 1 : 0;
	/* a fact: what settings_get(s, name) gives, as expr.c reads it */
	const struct settings_var *sv = !v ? settings_get_hashed(s, e->reads[r].name, x->read_hash[fold][r])
				      : v >= c->vars && v < c->vars + c->n ? x->target_value[v - c->vars] : NULL;
	memset(k, 0, sizeof(*k));
	if (sv) {
		entry_origin_of(x, k, &sv->current.origin);
		k->has_entry = 1;
		k->text = explain_intern(x, sv->current.value);
		k->overridden = sv->n_overridden ? 1 : 0;
	}
	/* only a full table refuses a text */
	k->refused = x->intern_n >= EXPLAIN_INTERN_MAX &&
		     (k->text == explain_not_kept || k->file == explain_not_kept || k->chain == explain_not_kept ||
		      k->detail == explain_not_kept);
	x->target_key_set[r] = 1;
	return k;
}

static int entry_key_same(const struct explain_entry_key *a, const struct explain_entry_key *b)
{
	return a->text == b->text && a->file == b->file && a->chain == b->chain && a->detail == b->detail &&
	       a->line == b->line && a->source == b->source && a->has_entry == b->has_entry && a->self == b->self &&
	       a->overridden == b->overridden && a->detail_self == b->detail_self;
}

static uint64_t entry_key_hash(uint64_t h, const struct explain_entry_key *k)
{
	const uint64_t p = 0x100000001b3ULL;
	h = (h ^ (uint64_t)(uintptr_t)k->text) * p;
	h = (h ^ (uint64_t)(uintptr_t)k->file) * p;
	h = (h ^ ((uint64_t)(uintptr_t)k->chain ^ (uint64_t)(uintptr_t)k->detail << 1)) * p;
	return (h ^ (k->line | (uint64_t)k->source << 32 | (uint64_t)k->has_entry << 40 | (uint64_t)k->self << 41 |
		     (uint64_t)k->overridden << 42 | (uint64_t)k->detail_self << 43)) *
	       p;
}

/* ---- templates: the target's own file name as a placeholder (issue 13) ------ */


/* t for text (copied into the arena); 0 when it has more placeholders than t can say where. */
static int explain_tmpl_make(struct explainer *x, struct explain_tmpl *t, const char *text)
{
	memset(t, 0, sizeof(*t));
	if (!text)
		return 1;
	for (const char *p = text, *at; (at = strstr(p, explain_self_file)); p = at + EXPLAIN_SELF_LEN) {
		if (t->n == ARRAY_SIZE(t->at))
			return 0;
		t->at[t->n++] = (unsigned)(at - text);
	}
	t->text = arena_strdup(&x->cache, text);
	t->len = strlen(text);
	return 1;
}

/* explain_tmpl_out() of a text with placeholders. */
static const char *explain_tmpl_put(struct strbuf *sb, const struct explain_tmpl *t, const char *name, size_t namelen)
{
	/* the length is known: room made once, the pieces copied in */
	size_t total = t->len + t->n * namelen - t->n * EXPLAIN_SELF_LEN, from = 0;
	ARRAY_GROW(sb->buf, total + 1, sb->cap);
	char *d = sb->buf;
	for (unsigned i = 0; i < t->n; i++) {
		memcpy(d, t->text + from, t->at[i] - from);
		d += t->at[i] - from;
		memcpy(d, name, namelen);
		d += namelen;
		from = t->at[i] + EXPLAIN_SELF_LEN;
	}
	memcpy(d, t->text + from, t->len - from);
	sb->len = total;
	sb->buf[total] = '\0';
	return sb->buf;
}

/* t's text for the target called name into sb (reset first); the kept text itself when it has no placeholder. */
static inline const char *explain_tmpl_out(struct strbuf *sb, const struct explain_tmpl *t, const char *name,
					   size_t namelen)
{
	return t->n ? explain_tmpl_put(sb, t, name, namelen) : t->text;
}

/* ---- messages kept per template (issue 13) ----------------------------------- */

/* The values a message is worded from: the value atoms' entries, left to right. */
struct msg_values {
	struct explain_entry_key v[16];   /* as many as struct msg_list has atoms */
	const struct explain_msg_atoms *atoms;
	size_t n;
	const char *kind;          /* the target's kind, interned */
	int self;                  /* some entry's file is the target's own */
	int own;                   /* the words are the target's own after all */
	uint64_t hash;             /* of the entries (msg_values_fill()), compared before them */
};

/* The target's entry for each value atom of the list (explainer_target_begin() keeps them). */
static void msg_values_fill(struct explainer *x, const struct explain_msg_atoms *ma, struct msg_values *mv)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)(uintptr_t)mv->kind;
	for (size_t i = 0; ma && i < ma->n; i++) {
		size_t r = ma->atom[i].read;
		const struct explain_entry_key *k = entry_key(x, r);
		mv->v[i] = *k;
		mv->self |= k->self | k->detail_self;
		mv->own |= k->refused;
		h = entry_key_hash(h, k);
	}
	mv->hash = h;
	mv->n = ma ? ma->n : 0;
	mv->atoms = ma;
}

/* Whether kept entry m has f's key on target s with values mv (status as shown, context, values). */
static int msg_key_same(const struct explain_msg *m, const struct finding *f, const struct settings *s,
			const struct msg_values *mv)
{
	enum finding_status status = f->suppression ? f->suppression->was : f->status;
	if (m->hash != mv->hash || m->basis != f->basis || m->status != status || m->flavor != s->flavor ||
	    m->variant != s->variant || m->version.major != s->version.major ||
	    m->version.minor != s->version.minor || m->version.patch != s->version.patch || m->role != s->role ||
	    m->kind != mv->kind || m->nvalues != mv->n)
		return 0;
	for (size_t i = 0; i < mv->n; i++)
		if (!entry_key_same(&m->values[i], &mv->v[i]))
			return 0;
	return 1;
}

/* m's key: f's on target s with values mv (their texts are the interned ones). */
static void msg_key_fill(struct explainer *x, struct explain_msg *m, const struct finding *f,
			 const struct settings *s, const struct msg_values *mv)
{
	m->basis = f->basis;
	m->status = f->suppression ? f->suppression->was : f->status;
	m->flavor = s->flavor;
	m->variant = s->variant;
	m->version = s->version;
	m->role = s->role;
	m->kind = mv->kind;
	m->nvalues = mv->n;
	m->values = NULL;
	if (mv->n) {
		m->values = arena_alloc(&x->cache, mv->n * sizeof(*m->values));
		memcpy(m->values, mv->v, mv->n * sizeof(*m->values));
	}
	m->hash = mv->hash;
}

/* The kept message of f's key on s with values mv in the list at slot (moved to its front), or NULL. */
static const struct explain_msg *message_find(struct explain_msg **slot, const struct finding *f,
					      const struct settings *s, const struct msg_values *mv)
{
	for (struct explain_msg **at = slot, *m; (m = *at); at = &m->next)
		if (msg_key_same(m, f, s, mv)) {
			/* to the front: the next target of a fleet likely has the same */
			*at = m->next;
			m->next = *slot;
			*slot = m;
			return m;
		}
	return NULL;
}

/*
 * Whether f's message can come from, or go into, the cache, and where:
 * *slot is the list head of the rule; mv the values it is worded from.
 * Returns 0 when the message is the target's own. Values are looked at
 * only through the target's entries kept by explainer_target_begin()
 * (env->var_value).
 */
static int message_cacheable(struct explainer *x, const struct rule *r, const struct finding *f,
			     const struct settings *s, const struct expr_env *env, struct explain_msg ***slot,
			     struct msg_values *mv)
{
	const struct engine *e = x->engine;
	mv->n = 0;
	mv->self = 0;
	mv->own = 0;
	mv->hash = 0;
	mv->atoms = NULL;
	if (!e || !x->msg_class || r < e->rules || r >= e->rules + e->n || env->channel || env->source)
		return 0;
	/* kept from a run's second target on: the first has nothing to read back, and a run of one never would */
	if ((x->target && x->targets_begun < 2) || x->shadow)
		return 0;
	/* existence and spellings are the target's own when its flavor or version is not known */
	if (s->flavor == FLAVOR_UNKNOWN || !version_is_known(&s->version))
		return 0;
	size_t i = (size_t)(r - e->rules);
	if (i >= x->nexpected)
		return 0;
	unsigned c = msg_class_of(x, i, r), k;
	enum finding_status status = f->suppression ? f->suppression->was : f->status;
	const struct expr *cond;
	int fixed = 0;   /* a message of the rule and the key alone (explain_message()) */
	if (f->basis == FINDING_BY_CHANNELS_OFFLINE || f->basis == FINDING_BY_CHANNELS_UNREAD ||
	    f->basis == FINDING_BY_NO_CHANNELS ||
	    (f->basis == FINDING_BY_REQUIRE && r->scope == RULE_SCOPE_PROBLEM && status == FINDING_PASS)) {
		k = 1;
		cond = NULL;
		fixed = 1;
	} else if (f->basis == FINDING_BY_APPLIES) {
		k = c & 3u;
		cond = r->applies;
	} else if (f->basis == FINDING_BY_REQUIRE) {
		k = c >> 2 & 3u;
		cond = r->require;
	} else {
		return 0;
	}
	if (!k || (!cond && !fixed))
		return 0;
	/* the kind by address: the target's own interned once (explainer_target_begin()), else looked up */
	if (env->var_value == x->target_value && x->target_value) {
		if (x->target_kind == explain_not_kept)
			return 0;
		mv->kind = x->target_kind;
	}
	else if (!s->kind)
		mv->kind = NULL;
	else if (x->kind_last && !strcmp(x->kind_last, s->kind))
		mv->kind = x->kind_last;   /* the last kind interned: the same text for most targets */
	else
		mv->kind = x->kind_last = explain_intern(x, s->kind);
	if (mv->kind == explain_not_kept)
		return 0;
	if (k == 2) {
		/* the entries are the target's own ones kept by explainer_target_begin() */
		if (env->var_value != x->target_value || !x->target_value)
			return 0;
		msg_values_fill(x, &x->msg_atoms[2 * i + (f->basis == FINDING_BY_REQUIRE)], mv);
		if (mv->own)
			return 0;
	} else {
		msg_values_fill(x, NULL, mv);
	}
	*slot = &x->msg_cache[i];
	return 1;
}

/*
 * A copy of target t as the templates are worded on (issue 13): named
 * explain_self_file, and so is every file of its entries, group header
 * and origins that is t's own; a detail that names t names
 * explain_self_file instead. The explainer's entries (target_value)
 * point into the copy's until shadow_drop().
 */
struct shadow {
	struct target_result t;
	struct settings_var *vars;
	char **texts;              /* details made for the copy */
	size_t ntexts;
	const struct settings_var **value_was;
};

static const char *shadow_text(struct shadow *sh, const char *detail, const char *name)
{
	if (!detail || !*name || !strstr(detail, name))
		return detail;
	char *d = explain_name_out(detail, name);
	sh->texts = xrealloc(sh->texts, (sh->ntexts + 1) * sizeof(*sh->texts));
	sh->texts[sh->ntexts++] = d;
	return d;
}

static void shadow_origin(struct shadow *sh, struct settings_origin *o, const char *name)
{
	if (o->file && !strcmp(o->file, name))
		o->file = explain_self_file;
	o->detail = shadow_text(sh, o->detail, name);
}

static void shadow_make(struct explainer *x, const struct target_result *t, struct shadow *sh)
{
	const struct engine *e = x->engine;
	const struct catalog *c = x->catalog;
	const struct settings *s = &t->view;
	const char *name = s->target;
	memset(sh, 0, sizeof(*sh));
	sh->t = *t;
	sh->t.name = explain_self_file;
	sh->t.view.target = explain_self_file;
	shadow_origin(sh, &sh->t.view.group_header, name);
	sh->vars = xmalloc((s->n ? s->n : 1) * sizeof(*sh->vars));
	if (s->n)
		memcpy(sh->vars, s->vars, s->n * sizeof(*sh->vars));
	for (size_t i = 0; i < s->n; i++)
		shadow_origin(sh, &sh->vars[i].current.origin, name);
	sh->t.view.vars = sh->vars;
	sh->value_was = xcalloc(e->nreads ? e->nreads : 1, sizeof(*sh->value_was));
	for (size_t r = 0; r < e->nreads; r++) {
		const struct catalog_var *v = e->reads[r].var;
		/* facts are read from the view (the copy's: settings_get()) */
		const struct settings_var **at = v && v >= c->vars && v < c->vars + c->n ? &x->target_value[v - c->vars]
										 : NULL;
		if (!at)
			continue;
		sh->value_was[r] = *at;
		/* an entry of the view (settings_get()): the copy's at the same place */
		if (*at && *at >= s->vars && *at < s->vars + s->n)
			*at = sh->vars + (*at - s->vars);
	}
}

static void shadow_drop(struct explainer *x, struct shadow *sh)
{
	const struct engine *e = x->engine;
	const struct catalog *c = x->catalog;
	for (size_t r = 0; r < e->nreads; r++) {
		const struct catalog_var *v = e->reads[r].var;
		if (v && v >= c->vars && v < c->vars + c->n)
			x->target_value[v - c->vars] = sh->value_was[r];
	}
	for (size_t i = 0; i < sh->ntexts; i++)
		free(sh->texts[i]);
	free(sh->texts);
	free(sh->vars);
	free(sh->value_was);
}

/*
 * Keep the message text f got on env's target for the next targets of the
 * same key. When an entry's file is the target's own, the condition is
 * worded once more with explain_self_file as that file (the entries'
 * copies in place of theirs in env->var_value), and kept only when that
 * text, with the target's name put back, is the message.
 */
static void message_remember(struct explainer *x, struct explain_msg **slot, const struct rule *r,
			     const struct finding *f, const struct settings *s, struct expr_env *env,
			     const struct msg_values *mv, const char *text)
{
	size_t n = 0;
	for (const struct explain_msg *m = *slot; m; m = m->next)
		n++;
	if (n >= EXPLAIN_MSG_PER_RULE)
		return;
	const char *kept = text ? text : "";
	struct strbuf tmpl = { 0 };
	if (mv->self) {
		struct shadow sh;
		struct expr_env copy = *env;
		if (!s->target || env->var_value != x->target_value)
			return;
		/* worded on the copy of the target that has the placeholder for its name */
		shadow_make(x, x->target, &sh);
		copy.target = &sh.t.view;
		x->shadow = 1;
		explain_message(&tmpl, r, f, &copy);
		x->shadow = 0;
		shadow_drop(x, &sh);
		kept = tmpl.buf ? tmpl.buf : "";
	}
	struct explain_tmpl t;
	if (!explain_tmpl_make(x, &t, kept)) {
		strbuf_release(&tmpl);
		return;
	}
	struct strbuf back = { 0 };
	const char *again = explain_tmpl_out(&back, &t, s->target ? s->target : "", x->target_name_len);
	int same = !strcmp(again ? again : "", text ? text : "");
	strbuf_release(&back);
	strbuf_release(&tmpl);
	if (!same || (t.n && !mv->self))
		return;
	struct explain_msg *m = arena_alloc(&x->cache, sizeof(*m));
	msg_key_fill(x, m, f, s, mv);
	m->text = t;
	m->next = *slot;
	*slot = m;
}

/* ---- whole explanations (issue 13) ------------------------------------------ */

/*
 * A finding whose message the message cache keys (message_cacheable())
 * has every other sentence from what the key holds, the target's entry of
 * the rule's variable (value, origin; no overridden values), the fix_if
 * that holds, the group header (where a line belongs) and the target's
 * name: its whole explanation is kept per rule and that key, with
 * explain_self_file where the target's own file name goes, like a
 * message. Only a target begun (explainer_target_begin()) whose result
 * and view agree on name and kind, and a finding without channel, source,
 * problem, cause, suppression or expired suppression. The template is
 * made by explaining the finding again on a copy of the target named
 * explain_self_file (its entries from its own file copied with that
 * name), and kept only when it gives back every field of the explanation.
 */
#define EXPLAIN_FULL_PER_RULE 32

/* Where a rule's variable is kept (explainer.full_var): FULL_VAR_*, 0 not worked out yet. */
enum { FULL_VAR_NONE = 1, FULL_VAR_READ, FULL_VAR_OWN };
struct explain_full_var {
	unsigned char kind;
	size_t read;
};

struct full_key {
	const struct msg_values *mv;
	struct explain_entry_key var;   /* the rule's variable's entry (zero: none read) */
	size_t fix_choice;              /* the fix_if that holds, + 1; 0: none */
	uint64_t hash;
};

struct explain_full {
	struct explain_full *next;
	uint64_t hash;                  /* full_key.hash */
	struct explain_msg key;         /* as the message cache keys (text unused) */
	struct explain_entry_key var;
	size_t fix_choice;
	struct explain_entry_key group;
	/* the explanation; texts with explain_self_file where the target's name goes */
	const char *variable, *value;
	const char *expected;           /* explain_expected() for the key's rule, flavor and version */
	struct explain_tmpl origin_text, fix, message;
	struct explain_entry_key origin, location;
};

static const struct explain_full *full_next(const struct explain_full *m)
{
	return m->next;
}

/* The origin a kept one stands for on a target called name. */
static inline struct settings_origin full_origin_out(const struct explain_entry_key *k, const char *name,
						    struct strbuf *detail)
{
	struct settings_origin o = { .source = (enum settings_source)k->source, .line = k->line,
				     .file = k->self ? name : k->file, .chain = k->chain, .detail = k->detail };
	if (k->detail_self) {
		strbuf_reset(detail);
		explain_name_in(detail, k->detail, name);
		o.detail = detail->buf;
	}
	return o;
}

/* explainer.full_var of rule i: where its variable's entry is, worked out on first use. */
static const struct explain_full_var *full_var_of(struct explainer *x, size_t i, const struct rule *r)
{
	struct explain_full_var *fv = &x->full_var[i];
	if (fv->kind)
		return fv;
	const struct expr *v = r->variable_ref;
	const struct catalog *c = x->catalog;
	const struct engine *e = x->engine;
	fv->kind = FULL_VAR_OWN;
	if (!v || (v->ref >= EXPR_REF_ROLE && v->ref <= EXPR_REF_KIND) || expr_ref_is_channel(v->ref)) {
		/* the context (in the key), or a channel field, which a finding without channel does not word */
		fv->kind = FULL_VAR_NONE;
	} else if ((v->ref == EXPR_REF_VAR && v->var && c && v->var >= c->vars && v->var < c->vars + c->n) ||
		   (v->ref == EXPR_REF_FACT && v->ident)) {
		size_t rd = msg_read_of(e, v);
		if (rd < e->nreads) {
			fv->kind = FULL_VAR_READ;
			fv->read = rd;
		}
	}
	return fv;
}

/*
 * Whether f's whole explanation can come from, or go into, the cache
 * (the message's key mv already made), and its key in *k. *slot: the
 * rule's list.
 */
static int full_cacheable(struct explainer *x, const struct rule *r, const struct finding *f,
			  const struct expr_env *env, const struct msg_values *mv, struct full_key *k,
			  struct explain_full ***slot)
{
	const struct engine *e = x->engine;
	if (x->shadow || !x->target_plain || x->target_group.refused || env->var_value != x->target_value ||
	    f->suppression || f->expired ||
	    f->cause_no || f->channel || f->channel_no || f->source || f->problem_no)
		return 0;
	size_t i = (size_t)(r - e->rules);
	if (!x->full_cache) {
		x->full_cache = xcalloc(x->nexpected, sizeof(*x->full_cache));
		x->full_var = xcalloc(x->nexpected, sizeof(*x->full_var));
	}
	const struct explain_full_var *fv = full_var_of(x, i, r);
	if (fv->kind == FULL_VAR_OWN)
		return 0;
	k->mv = mv;
	memset(&k->var, 0, sizeof(k->var));
	if (fv->kind == FULL_VAR_READ) {
		k->var = *entry_key(x, fv->read);
		/* overridden values are said (overridden_text()) */
		if (k->var.overridden || k->var.refused)
			return 0;
	}
	k->fix_choice = 0;
	for (size_t n = 0; n < r->nfix_if && !k->fix_choice; n++)
		if (expr_eval(r->fix_if[n].cond, env) == TRI_TRUE)
			k->fix_choice = n + 1;
	k->hash = entry_key_hash((mv->hash ^ k->fix_choice) * 0x9e3779b97f4a7c15ULL, &k->var) ^ x->target_group_hash;
	*slot = &x->full_cache[i];
	return 1;
}

static const struct explain_full *full_lookup(struct explainer *x, struct explain_full **slot,
					      const struct finding *f, const struct settings *s,
					      const struct full_key *k)
{
	for (struct explain_full **at = slot, *m; (m = *at); at = &m->next)
		if (m->hash == k->hash && m->fix_choice == k->fix_choice && entry_key_same(&m->var, &k->var) &&
		    entry_key_same(&m->group, &x->target_group) && msg_key_same(&m->key, f, s, k->mv)) {
			*at = m->next;
			m->next = *slot;
			*slot = m;
			return m;
		}
	return NULL;
}

static void full_fill(struct explainer *x, const struct settings *s, const struct explain_full *m,
		      struct explanation *out)
{
	const char *name = s->target;
	out->variable = m->variable;
	out->value = m->value;
	out->origin = full_origin_out(&m->origin, name, &x->origin_detail);
	out->origin_text = explain_tmpl_out(&x->origin_text, &m->origin_text, name, x->target_name_len);
	out->fix = explain_tmpl_out(&x->fix, &m->fix, name, x->target_name_len);
	out->message = explain_tmpl_out(&x->message, &m->message, name, x->target_name_len);
	out->location = full_origin_out(&m->location, name, &x->location_detail);
}

void explain_kept_fill(struct explainer *x, const struct explain_full *kept, const char *name,
		       struct explanation *out)
{
	size_t n = strlen(name);
	out->variable = kept->variable;
	out->value = kept->value;
	out->expected = kept->expected;
	out->origin = full_origin_out(&kept->origin, name, &x->origin_detail);
	out->origin_text = explain_tmpl_out(&x->origin_text, &kept->origin_text, name, n);
	out->fix = explain_tmpl_out(&x->fix, &kept->fix, name, n);
	out->message = explain_tmpl_out(&x->message, &kept->message, name, n);
	out->location = full_origin_out(&kept->location, name, &x->location_detail);
}

static int msg_str_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static int origin_same(const struct settings_origin *a, const struct settings_origin *b)
{
	return a->source == b->source && a->line == b->line && msg_str_same(a->file, b->file) &&
	       msg_str_same(a->chain, b->chain) && msg_str_same(a->detail, b->detail);
}

/* Whether kept m gives the fields it keeps of a, on the target called name. */
static int full_same_as(struct explainer *x, const struct explanation *a, const struct explain_full *m,
			const char *name)
{
	struct strbuf sb = { 0 };
	struct strbuf od = { 0 }, ld = { 0 };
	struct settings_origin o = full_origin_out(&m->origin, name, &od), l = full_origin_out(&m->location, name, &ld);
	int same = msg_str_same(a->variable, m->variable) && msg_str_same(a->value, m->value) &&
		   origin_same(&a->origin, &o) && origin_same(&a->location, &l) && !a->subject && !a->overridden &&
		   !a->cause_rule && !a->cause.file && !a->suppression;
	same = same && msg_str_same(a->origin_text, explain_tmpl_out(&sb, &m->origin_text, name, x->target_name_len));
	same = same && msg_str_same(a->fix, explain_tmpl_out(&sb, &m->fix, name, x->target_name_len));
	same = same && msg_str_same(a->message, explain_tmpl_out(&sb, &m->message, name, x->target_name_len));
	strbuf_release(&sb);
	strbuf_release(&od);
	strbuf_release(&ld);
	return same;
}

static void explain_default_inner(struct explainer *x, const struct target_result *t, const struct finding *f,
				  struct explanation *out);

/* Interned copies of an explanation's origin (the template's own file stays the placeholder's address). */
static void full_origin_keep(struct explainer *x, struct explain_entry_key *k, const struct settings_origin *o)
{
	memset(k, 0, sizeof(*k));
	k->source = (unsigned char)o->source;
	k->line = o->line;
	k->chain = explain_intern(x, o->chain);
	k->detail = explain_intern_memo(x, o->detail, 0);
	k->detail_self = o->detail && strstr(o->detail, explain_self_file) ? 1 : 0;
	k->self = o->file == explain_self_file;
	k->file = k->self ? NULL : explain_intern(x, o->file);
	k->refused = k->file == explain_not_kept || k->chain == explain_not_kept || k->detail == explain_not_kept;
}

/*
 * Keep f's explanation out (on target t, not changed) for the next targets
 * of key k: explained again on the copy of t that shadow_make() gives
 * (with x->shadow set, no cache), kept when it gives out back; out and
 * the explainer's texts are left as they were.
 */
static void full_remember(struct explainer *x, const struct target_result *t, const struct finding *f,
			  struct explain_full **slot, const struct full_key *k, struct explanation *out)
{
	const struct settings *s = &t->view;
	size_t n = 0;
	for (const struct explain_full *m = *slot; m; m = m->next)
		n++;
	if (n >= EXPLAIN_FULL_PER_RULE || !s->target)
		return;
	/* what out says now, kept aside while the copy is explained with the same buffers */
	char *saved[3] = { out->origin_text ? xstrdup(out->origin_text) : NULL, out->fix ? xstrdup(out->fix) : NULL,
			   out->message ? xstrdup(out->message) : NULL };
	struct explanation real = *out;
	real.origin_text = saved[0];
	real.fix = saved[1];
	real.message = saved[2];

	struct shadow sh;
	shadow_make(x, t, &sh);
	struct explanation tmpl;
	memset(&tmpl, 0, sizeof(tmpl));
	x->shadow = 1;
	x->target = &sh.t;
	explain_default_inner(x, &sh.t, f, &tmpl);
	x->target = t;
	x->shadow = 0;

	struct explain_full m;
	memset(&m, 0, sizeof(m));
	m.variable = tmpl.variable ? explain_intern(x, tmpl.variable) : NULL;
	m.value = tmpl.value ? explain_intern(x, tmpl.value) : NULL;
	full_origin_keep(x, &m.origin, &tmpl.origin);
	full_origin_keep(x, &m.location, &tmpl.location);
	int ok = explain_tmpl_make(x, &m.origin_text, tmpl.origin_text) && explain_tmpl_make(x, &m.fix, tmpl.fix) &&
		 explain_tmpl_make(x, &m.message, tmpl.message ? tmpl.message : "");
	shadow_drop(x, &sh);   /* tmpl's texts are copied: the copy's details may go */
	ok = ok && m.variable != explain_not_kept && m.value != explain_not_kept && !m.origin.refused &&
	     !m.location.refused;
	if (ok && full_same_as(x, &real, &m, s->target)) {
		struct explain_full *kept = arena_alloc(&x->cache, sizeof(*kept));
		*kept = m;
		msg_key_fill(x, &kept->key, f, s, k->mv);
		kept->hash = k->hash;
		kept->var = k->var;
		kept->fix_choice = k->fix_choice;
		kept->expected = out->expected;
		kept->group = x->target_group;
		kept->next = *slot;
		*slot = kept;
	}

	/* out as it was: its texts back in the explainer's buffers */
	struct strbuf *bufs[3] = { &x->origin_text, &x->fix, &x->message };
	const char **fields[3] = { &out->origin_text, &out->fix, &out->message };
	for (int i = 0; i < 3; i++) {
		strbuf_reset(bufs[i]);
		if (saved[i]) {
			strbuf_addstr(bufs[i], saved[i]);
			*fields[i] = bufs[i]->buf ? bufs[i]->buf : "";
		}
		free(saved[i]);
	}
}

/* Append s as an SQL string literal: 'it''s'. */
static void sql_literal(struct strbuf *sb, const char *s)
{
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			strbuf_addch(sb, *s);
		strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}

/*
 * The rule's fix for env's target: the first fix_if whose condition holds,
 * else fix.FLAVOR, else fix; {channel} becomes the channel's name as an
 * SQL string literal ('' for the default channel).
 */
static void explain_fix(struct explainer *x, const struct rule *r, const struct expr_env *env, struct strbuf *sb)
{
	const char *fix = NULL;
	(void)x;
	for (size_t i = 0; i < r->nfix_if && !fix; i++)
		if (expr_eval(r->fix_if[i].cond, env) == TRI_TRUE)
			fix = r->fix_if[i].fix;
	if (!fix)
		fix = rule_fix(r, env->target->flavor);
	if (!fix)
		return;
	/* the text between placeholders goes in as runs (issue 13: a byte at a time was 10% of a JSON report) */
	if (!strchr(fix, '{')) {   /* most fixes have no placeholder: one copy, no search */
		strbuf_addstr(sb, fix);
		return;
	}
	for (const char *p = fix;;) {
		const char *at = strstr(p, "{channel}");
		if (!at) {
			strbuf_addstr(sb, p);
			return;
		}
		strbuf_add(sb, p, (size_t)(at - p));
		sql_literal(sb, env->channel ? env->channel->name : "");
		p = at + 9;
	}
}

/*
 * For an option-file target, where the fix goes: the line that sets the
 * value now, or, for a value left at its default, the group a line for it
 * belongs in.
 */
static void explain_fix_where(struct explainer *x, const struct rule *r, const struct target_result *t,
			      struct explanation *out)
{
	const struct settings_origin *loc = &out->location;
	/* only a variable has a line in an option file; a fact does not */
	if (!r->variable_ref || r->variable_ref->ref != EXPR_REF_VAR)
		return;
	if (!out->fix || !out->variable || !loc->file || !t->kind || strcmp(t->kind, "file"))
		return;
	if (out->origin.source == SETTINGS_SRC_FILE && out->origin.file && out->origin.line) {
		if (t->name && !strcmp(out->origin.file, t->name)) {
			strbuf_addstr(&x->fix, "\n(line ");
			strbuf_add_uint(&x->fix, out->origin.line);
			strbuf_addstr(&x->fix, " sets ");
			add_s(&x->fix, out->variable);
			strbuf_addstr(&x->fix, " now)");
		} else {
			strbuf_add(&x->fix, "\n(", 2);
			add_s(&x->fix, out->origin.file);
			strbuf_add(&x->fix, " line ", 6);
			strbuf_add_uint(&x->fix, out->origin.line);
			strbuf_add(&x->fix, " sets ", 6);
			add_s(&x->fix, out->variable);
			strbuf_add(&x->fix, " now)", 5);
		}
	} else if (out->origin.source == SETTINGS_SRC_DEFAULT && loc->line && loc->detail) {
		strbuf_addstr(&x->fix, "\n(add under [");
		add_s(&x->fix, loc->detail);
		strbuf_addstr(&x->fix, "], ");
		add_s(&x->fix, loc->file);
		strbuf_addch(&x->fix, ':');
		strbuf_add_uint(&x->fix, loc->line);
		strbuf_addch(&x->fix, ')');
	} else if (out->origin.source == SETTINGS_SRC_DEFAULT) {
		strbuf_addf(&x->fix, "\n(add under [mysqld] in %s)", loc->file);
	}
	out->fix = x->fix.buf;
}

/*
 * A value set in an included file: "(conf.d/x.cnf:7)" in the message
 * becomes "(conf.d/x.cnf:7, included from my.cnf:3)", so that the one line
 * about the value says where it comes from.
 */
static void explain_chain(struct strbuf *m, const struct explanation *out)
{
	const struct settings_origin *o = &out->origin;
	if (!o->chain || !o->file || !o->line || !m->buf)
		return;
	char *needle = xasprintf("(%s:%u)", o->file, o->line);
	char *at = strstr(m->buf, needle);
	if (at) {
		size_t pos = (size_t)(at - m->buf) + strlen(needle) - 1;   /* at the ')' */
		struct strbuf tail = { 0 };
		strbuf_addstr(&tail, m->buf + pos);
		m->len = pos;
		m->buf[pos] = '\0';
		strbuf_addf(m, ", %s", o->chain);
		strbuf_addstr(m, tail.buf);
		strbuf_release(&tail);
	}
	free(needle);
}

/* Where to annotate a finding about a variable (explain.h). */
static void explain_location(const struct target_result *t, struct explanation *out)
{
	const struct settings *s = &t->view;
	if (out->origin.file && out->origin.line && out->origin.source == SETTINGS_SRC_FILE)
		out->location = out->origin;
	else if (s->group_header.file && (!out->variable || out->origin.source == SETTINGS_SRC_DEFAULT))
		out->location = s->group_header;
	else if (out->origin.file && out->origin.line)
		out->location = out->origin;
	else if (t->kind && !strcmp(t->kind, "file") && t->name)
		out->location = (struct settings_origin){ .source = SETTINGS_SRC_FILE, .file = t->name };
}

/* The rule of scope problem that reports problems of this fact, or NULL. */
static const struct rule *explain_problem_rule(const struct explainer *x, const char *fact)
{
	size_t n = x->engine ? engine_rule_count(x->engine) : 0;
	for (size_t i = 0; i < n; i++) {
		const struct rule *r = engine_rule_at(x->engine, i);
		if (r->scope == RULE_SCOPE_PROBLEM && r->variable && fact && !strcmp(r->variable, fact))
			return r;
	}
	return NULL;
}

/* Could not evaluate only because the server refuses a line: say which, and which finding reports it. */
static void explain_cause(struct explainer *x, const struct target_result *t, const struct settings_problem *p,
			  struct explanation *out)
{
	const struct rule *pr = explain_problem_rule(x, p->fact);
	out->cause = p->origin;
	out->cause_rule = pr ? pr->id : NULL;
	strbuf_addstr(&x->message, ": the server refuses ");
	problem_where(&x->message, t, p);
	if (pr)
		strbuf_addf(&x->message, " (the %s failure there decides the exit status)", pr->id);
}

/*
 * A suppressed finding: the message says the suppression, then what the
 * finding was; the message it had stays in unsuppressed_message (SARIF
 * carries the suppression apart from the result).
 */
static void explain_suppressed(struct explainer *x, const struct finding *f, struct explanation *out)
{
	const char *was = out->message && *out->message ? out->message : finding_status_name(f->suppression->was);
	strbuf_reset(&x->suppressed);
	/* FILE:LINE, or FILE alone for a suppression without a line (a baseline report) */
	if (f->suppression->line)
		strbuf_addf(&x->suppressed, "suppressed by %s:%u: ", f->suppression->file ? f->suppression->file : "",
			    f->suppression->line);
	else
		strbuf_addf(&x->suppressed, "suppressed by %s: ", f->suppression->file ? f->suppression->file : "");
	strbuf_addf(&x->suppressed, "%s; was: %s", f->suppression->reason ? f->suppression->reason : "", was);
	out->unsuppressed_message = out->message;
	out->suppression = f->suppression;
	out->message = x->suppressed.buf;
}

/* Added (issue 10): a suppression that no longer applies says so after the message. */
static void explain_expired(struct explainer *x, const struct finding *f, struct explanation *out)
{
	const struct finding_suppression *e = f->expired;
	char *msg = xstrdup(out->message ? out->message : "");
	strbuf_reset(&x->message);
	strbuf_addf(&x->message, "%s%sthe suppression at %s:%u expired on %04ld-%02ld-%02ld (%s)", msg, *msg ? "; " : "",
		    e->file ? e->file : "", e->line, e->until / 10000 % 10000, e->until / 100 % 100, e->until % 100,
		    e->reason ? e->reason : "");
	free(msg);
	out->message = x->message.buf;
}

static void explain_default_inner(struct explainer *x, const struct target_result *t, const struct finding *f,
				  struct explanation *out);

static void explain_default(struct explainer *x, const struct target_result *t, const struct finding *f,
			    struct explanation *out)
{
	explain_default_inner(x, t, f, out);
	if (f->expired) {
		explain_expired(x, f, out);
		out->kept = NULL;   /* the message is no longer the kept one's (not kept for such findings anyway) */
	}
}

static void explain_default_inner(struct explainer *x, const struct target_result *t, const struct finding *f,
				  struct explanation *out)
{
	const struct rule *r = f->rule;
	const struct settings *s = &t->view;
	struct expr_env env;
	/*
	 * Issue 13: the sentences evaluate the rule's atoms again and again
	 * (each clause, and the clauses that decide it): a memo and an
	 * existence cache for this finding's explanation (expr.h), when the
	 * rule is one of the engine's (its atoms numbered for engine.nmemo).
	 */
	signed char memo_buf[256], exists_buf[256], *memo = NULL, *exists = NULL;
	const struct engine *e = x->engine;

	strbuf_reset(&x->origin_text);
	strbuf_reset(&x->overridden);
	strbuf_reset(&x->message);
	strbuf_reset(&x->fix);
	strbuf_reset(&x->suppressed);
	if (!r)
		return;
	memset(&env, 0, sizeof(env));
	env.catalog = x->catalog;
	env.target = s;
	/* the target's own (explainer_target_begin()): kept over its findings, for the engine's rules */
	int own = x->target == t && e && r >= e->rules && r < e->rules + e->n;
	if (own) {
		env.memo = e->nmemo ? x->target_memo : NULL;
		env.var_value = x->target_value;
	} else if (e && r >= e->rules && r < e->rules + e->n && e->nmemo) {
		memo = e->nmemo <= sizeof(memo_buf) ? memo_buf : xmalloc(e->nmemo);
		memset(memo, EXPR_MEMO_UNSET, e->nmemo);
		env.memo = memo;
	}
	if (x->catalog && x->catalog->n && (s->flavor == FLAVOR_UNKNOWN || !version_is_known(&s->version))) {
		/* existence then depends on the values the target reported: the target's own */
		if (own) {
			if (!x->target_exists_set) {
				memset(x->target_exists, EXPR_EXISTS_UNSET, x->catalog->n);
				x->target_exists_set = 1;
			}
			env.var_exists = x->target_exists;
		} else {
			exists = x->catalog->n <= sizeof(exists_buf) ? exists_buf : xmalloc(x->catalog->n);
			memset(exists, EXPR_EXISTS_UNSET, x->catalog->n);
			env.var_exists = exists;
		}
	}
	if (f->channel_no && f->channel_no <= s->nchannels)
		env.channel = &s->channels[f->channel_no - 1];
	env.source = f->source;
	/* the display depends on the flavor, build and version alone: made again only when they change */
	if (!x->display_made || x->display_flavor != s->flavor || x->display_variant != s->variant ||
	    x->display_version.major != s->version.major || x->display_version.minor != s->version.minor ||
	    x->display_version.patch != s->version.patch) {
		expr_target_display(s, x->display, sizeof(x->display));
		if (x->var_names && x->catalog) {
			memset(x->var_names, 0, x->catalog->n * sizeof(*x->var_names));
			memset(x->var_exists, EXPR_EXISTS_UNSET, x->catalog->n);
		}
		x->display_made = 1;
		x->display_flavor = s->flavor;
		x->display_variant = s->variant;
		x->display_version = s->version;
	}
	env.display = x->display;
	env.var_name = x->var_names;
	if (!env.var_exists && x->catalog && x->catalog->n)
		env.var_exists = x->var_exists;   /* kept while the flavor, build and version stay */

	out->rule_id = r->id;
	out->title = r->title;
	if (f->channel) {
		strbuf_reset(&x->subject);
		if (*f->channel) {
			strbuf_addstr(&x->subject, "channel ");
			strbuf_addstr(&x->subject, f->channel);
		}
		else
			strbuf_addstr(&x->subject, "default channel");
		out->subject = x->subject.buf;
	}
	out->why = rule_why(r, s->flavor);
	out->doc = rule_doc(r, s->flavor);

	/* the message's key, then the whole explanation's: kept ones for targets of one template (issue 13) */
	struct strbuf *m = &x->message;
	struct explain_msg **slot = NULL;
	const struct explain_msg *hit = NULL;
	struct msg_values mv;
	struct full_key fk;
	struct explain_full **full_slot = NULL;
	int msg_ok = 0, full_ok = 0;
	if (f->basis != FINDING_BY_PROBLEM) {
		msg_ok = message_cacheable(x, r, f, s, &env, &slot, &mv);
		if (msg_ok && own && full_cacheable(x, r, f, &env, &mv, &fk, &full_slot)) {
			const struct explain_full *kept = full_lookup(x, full_slot, f, s, &fk);
			if (kept) {
				/* the expected text of its rule, flavor and version (in its key), as kept with it */
				out->expected = kept->expected;
				out->variable = kept->variable;
				out->value = kept->value;
				out->kept = kept;
				if (!x->kept_lazy)
					full_fill(x, s, kept, out);
				goto out;
			}
			full_ok = 1;
		}
		if (msg_ok)
			hit = message_find(slot, f, s, &mv);
	}
	out->expected = explain_expected(x, r, s);

	explain_fix(x, r, &env, &x->fix);
	out->fix = x->fix.len ? x->fix.buf : NULL;
	if (f->basis == FINDING_BY_PROBLEM && f->problem_no && f->problem_no <= s->nproblems) {
		explain_problem(x, t, &s->problems[f->problem_no - 1], out);
		if (f->suppression)
			explain_suppressed(x, f, out);
		goto out;
	}
	explain_value(x, r, &env, out);
	explain_location(t, out);
	explain_fix_where(x, r, t, out);

	if (msg_ok) {
		if (!hit) {
			explain_message(m, r, f, &env);
			message_remember(x, slot, r, f, s, &env, &mv, m->buf);
		} else if (hit->text.n) {
			explain_tmpl_out(m, &hit->text, s->target, x->target_name_len);
		} else if (*hit->text.text) {
			strbuf_addstr(m, hit->text.text);
		}
	} else {
		explain_message(m, r, f, &env);
	}
	explain_chain(m, out);
	if (f->cause_no && f->cause_no <= s->nproblems)
		explain_cause(x, t, &s->problems[f->cause_no - 1], out);
	out->message = m->buf ? m->buf : "";
	if (f->suppression)
		explain_suppressed(x, f, out);
	if (full_ok)
		full_remember(x, t, f, full_slot, &fk, out);
out:
	if (memo != memo_buf)
		free(memo);
	if (exists != exists_buf)
		free(exists);
}

/* ---- short forms ------------------------------------------------------------ */

char *explanation_value_text(const struct explanation *e)
{
	/* An empty value is shown as '' (as an option file would write it), not as nothing. */
	if (e->variable && e->value)
		return xasprintf("%s = %s", e->variable, *e->value ? e->value : "''");
	if (e->variable)
		return xasprintf("%s: unknown", e->variable);
	if (e->value)
		return xstrdup(*e->value ? e->value : "''");
	return NULL;
}

char *explanation_found(const struct explanation *e)
{
	if (e->message && *e->message)
		return xstrdup(e->message);
	char *value = explanation_value_text(e);
	if (value && e->origin_text) {
		char *out = xasprintf("%s (%s)", value, e->origin_text);
		free(value);
		return out;
	}
	return value;
}

char *explanation_line(const struct explanation *e)
{
	struct strbuf sb = { 0 };
	char *found = explanation_found(e);
	if (found) {
		strbuf_addstr(&sb, found);
		if (e->expected && *e->expected)
			strbuf_addf(&sb, "; expected %s", e->expected);
	} else if (e->title) {
		strbuf_addstr(&sb, e->title);
	} else {
		strbuf_addstr(&sb, e->rule_id ? e->rule_id : "unnamed-rule");
	}
	free(found);
	return strbuf_detach(&sb);
}
