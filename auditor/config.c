/*
 * config.c - option-file options to catalog variables (see config.h).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

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

/* One problem that stops the server, kept for the option_file_errors / removed_options facts. */
struct config_problem {
	char *what;
	const char *file;   /* arena */
	unsigned line;
	const char *chain;  /* arena */
};

struct config_problems {
	struct config_problem *items;
	size_t n, cap;
};

/* The result of resolving one option name. */
struct config_match {
	const struct catalog_var *var;  /* NULL: not a catalog variable */
	const char *name;               /* the spelling that matched (catalog name or alias) */
	int loose;
	int negate;                     /* skip-/disable- */
	int enable;                     /* enable- */
	int maximum;                    /* maximum- */
	int autoset;                    /* autoset- (MariaDB) */
	int abbreviated;                /* MariaDB prefix abbreviation */
};

static int prefix_strip(const char *name, const char *word, const char **rest)
{
	size_t len = strlen(word);
	if (strncmp(name, word, len) || (name[len] != '-' && name[len] != '_'))
		return 0;
	*rest = name + len + 1;
	return 1;
}

/* Exact catalog name, then (MariaDB) a unique abbreviation among catalog names. */
static int config_find(const struct catalog *c, const char *name, enum flavor flavor,
		       struct config_match *m)
{
	const struct catalog_var *v = catalog_lookup(c, name);
	if (v) {
		m->var = v;
		m->name = name;
		return 1;
	}
	if (flavor == FLAVOR_MARIADB && *name) {
		const char *full = NULL;
		if (catalog_prefix_lookup(c, name, &v, &full) == 1) {
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
static void config_resolve(const struct catalog *c, const char *name, enum flavor flavor,
			   struct config_match *m)
{
	memset(m, 0, sizeof(*m));
	const char *cur = name;
	for (;;) {
		if (config_find(c, cur, flavor, m))
			return;
		size_t i;
		const char *rest = NULL;
		for (i = 0; i < ARRAY_SIZE(config_prefixes); i++) {
			if (config_prefixes[i].mariadb_only && flavor != FLAVOR_MARIADB)
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
	int loose = m->loose;
	memset(m, 0, sizeof(*m));
	m->loose = loose;
}

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
			const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void problem_add(struct config_problems *list, struct settings *s, const struct settings_origin *o,
			const char *fmt, ...)
{
	va_list ap;
	ARRAY_GROW(list->items, list->n + 1, list->cap);
	struct config_problem *p = &list->items[list->n++];
	va_start(ap, fmt);
	p->what = xvasprintf(fmt, ap);
	va_end(ap);
	p->file = o ? settings_intern(s, o->file) : NULL;
	p->line = o ? o->line : 0;
	p->chain = o ? o->chain : NULL;
	diag_add(&s->diags, DIAG_ERROR, p->file, p->line, "%s", p->what);
}

/* Set a fact from its problem list: "" and no place, or the first problem (and a count). */
static void problems_to_fact(struct settings *s, const char *fact, struct config_problems *list)
{
	struct settings_origin o;
	memset(&o, 0, sizeof(o));
	if (!list->n) {
		o.source = SETTINGS_SRC_FILE;
		o.detail = "nothing found in the option files";
		settings_set(s, fact, "", NULL, &o);
		goto out;
	}
	o.source = SETTINGS_SRC_FILE;
	o.file = list->items[0].file;
	o.line = list->items[0].line;
	o.chain = list->items[0].chain;
	char *value = list->n > 1 ? xasprintf("%s (and %zu more)", list->items[0].what, list->n - 1)
				  : xstrdup(list->items[0].what);
	settings_set(s, fact, value, NULL, &o);
	free(value);
out:
	for (size_t i = 0; i < list->n; i++)
		free(list->items[i].what);
	free(list->items);
	list->items = NULL;
	list->n = list->cap = 0;
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

struct config_state {
	struct settings *s;
	const struct catalog *c;
	struct config_problems errors;    /* option_file_errors */
	struct config_problems removed;   /* removed_options */
	unsigned char *set;               /* per catalog variable: set by an option */
	size_t preset;                    /* variables s held before config_load() */
	char ver[32];
};

/* Set catalog variable v from an option (or to unknown, value NULL). */
static void config_set(struct config_state *st, const struct catalog_var *v, const char *value,
		       const char *spelled, const struct settings_origin *o)
{
	settings_set(st->s, v->name, value, spelled, o);
	st->set[v - st->c->vars] = 1;
}

static void config_option(struct config_state *st, const struct optfile_option *o)
{
	struct settings *s = st->s;
	struct config_match m;
	struct settings_origin origin;
	const char *where = o->source ? o->source->path : NULL;

	memset(&origin, 0, sizeof(origin));
	origin.source = SETTINGS_SRC_FILE;
	origin.file = where;
	origin.line = o->line;
	origin.chain = config_chain(s, o->source);

	/* struct options (cache1.key_buffer_size, conn.slave_parallel_mode) are not global settings */
	if (strchr(o->name, '.'))
		return;
	config_resolve(st->c, o->name, s->flavor, &m);
	if (!m.var)
		return;
	const struct catalog_var *v = m.var;
	const char *fl = flavor_build_display(s->flavor, s->variant);

	if (m.abbreviated)
		diag_add(&s->diags, DIAG_WARNING, where, o->line,
			 "'%s' is taken as an abbreviation of '%s' (MariaDB prefix matching): write the full name",
			 o->name, m.name);

	if (catalog_ignored(v, s->flavor)) {
		diag_add(&s->diags, DIAG_NOTE, where, o->line,
			 "'%s' is accepted and ignored by %s (a MySQL option)", o->name, fl);
		return;
	}
	if (!catalog_name_accepted_build(v, m.name, s->flavor, s->variant, &s->version)) {
		struct version gone;
		if (m.loose) {
			diag_add(&s->diags, DIAG_WARNING, where, o->line,
				 "'%s': %s %s has no option '%s'; ignored because of loose-", o->name, fl,
				 st->ver, m.name);
			return;
		}
		const char *spelling = config_accepted_spelling(v, s);
		if (spelling) {
			problem_add(&st->errors, s, &origin,
				    "unknown option '%s' on %s %s (it is spelled '%s' there)",
				    o->name, fl, st->ver, spelling);
		} else if (catalog_removed_in(v, s->flavor, &s->version, &gone)) {
			char gv[32];
			problem_add(&st->removed, s, &origin, "'%s' was removed in %s %s: the server will not start",
				    o->name, fl, version_format(&gone, gv, sizeof(gv)));
		} else {
			problem_add(&st->errors, s, &origin, "unknown option '%s' on %s %s", o->name, fl, st->ver);
		}
		config_set(st, v, NULL, o->name, &origin);
		return;
	}
	if (m.maximum) {
		/* my_getopt: a maximum needs a session variable's max storage; the catalog's have none */
		problem_add(&st->errors, s, &origin,
			    "'%s': the server cannot set a maximum for '%s' and refuses to start", o->name,
			    v->name);
		return;
	}
	if (m.autoset) {
		problem_add(&st->errors, s, &origin, "'%s': automatic setup is not supported for '%s'",
			    o->name, v->name);
		config_set(st, v, NULL, o->name, &origin);
		return;
	}

	/* the value as my_getopt hands it on */
	const char *raw = o->value;
	if (m.negate)
		raw = raw && !strcmp(raw, "0") ? "1" : "0";
	else if (m.enable)
		raw = raw && !strcmp(raw, "0") ? "0" : "1";

	if (config_is_basename_option(v)) {
		const char *val = m.negate && !strcmp(raw, "0") ? "OFF" : "ON";
		config_set(st, v, val, o->name, &origin);
		return;
	}

	char *norm = NULL;
	const char *why = NULL;
	switch (catalog_check_value(v, s->flavor, raw, &norm, &why)) {
	case CATALOG_VALUE_OK:
		config_set(st, v, norm, o->name, &origin);
		break;
	case CATALOG_VALUE_FALLBACK:
		diag_add(&s->diags, DIAG_WARNING, where, o->line, "'%s=%s': %s: %s", o->name,
			 raw ? raw : "", why, norm);
		config_set(st, v, norm, o->name, &origin);
		break;
	case CATALOG_VALUE_IGNORED:
		diag_add(&s->diags, DIAG_WARNING, where, o->line, "'%s=%s': %s", o->name, raw ? raw : "",
			 why);
		break;
	case CATALOG_VALUE_REFUSED:
		if (raw)
			problem_add(&st->errors, s, &origin, "'%s = %s': %s", o->name, raw, why);
		else
			problem_add(&st->errors, s, &origin, "'%s': %s", o->name, why);
		config_set(st, v, NULL, o->name, &origin);
		break;
	}
	free(norm);
}

static void config_defaults(struct config_state *st)
{
	struct settings *s = st->s;
	const char *build = flavor_build_display(s->flavor, s->variant);
	char *detail = xasprintf("default for %s %s", build, st->ver);
	char *unknown = xasprintf("default for %s %s (not known offline)", build, st->ver);
	for (size_t i = 0; i < st->c->n; i++) {
		const struct catalog_var *v = &st->c->vars[i];
		if (st->set[i] || !catalog_exists_build(v, s->flavor, s->variant, &s->version) ||
		    (st->preset && settings_get(s, v->name)))
			continue;
		const char *def = catalog_default_build(v, s->flavor, s->variant, &s->version);
		struct settings_origin o;
		memset(&o, 0, sizeof(o));
		o.source = SETTINGS_SRC_DEFAULT;
		o.detail = def ? detail : unknown;
		settings_set(s, v->name, def, NULL, &o);
	}
	free(detail);
	free(unknown);
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
			problem_add(&st->errors, s, &o, "%s", d->message);
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

int config_load(struct settings *s, const struct optfile *of, const struct catalog *c)
{
	struct config_state st;
	memset(&st, 0, sizeof(st));
	st.s = s;
	st.c = c;
	version_format(&s->version, st.ver, sizeof(st.ver));
	st.set = xcalloc(c->n ? c->n : 1, 1);
	st.preset = s->n;

	config_reader_diags(&st, of);
	for (size_t i = 0; i < of->n; i++)
		config_option(&st, &of->options[i]);
	config_defaults(&st);
	config_cluster(s);

	int refused = st.errors.n || st.removed.n;
	problems_to_fact(s, CONFIG_FACT_OPTION_FILE_ERRORS, &st.errors);
	problems_to_fact(s, CONFIG_FACT_REMOVED_OPTIONS, &st.removed);
	free(st.set);
	return refused ? -1 : 0;
}
