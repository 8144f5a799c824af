/*
 * persisted.c - DATADIR/mysqld-auto.cnf (SET PERSIST), read with jansson
 * (see persisted.h for the format and the server's order).
 */
#include "persisted.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fileio.h"
#include "banned.h"

/* Version 2 sections, in the order the server applies them. */
static const struct {
	const char *key;
	enum persisted_section section;
} persisted_v2_sections[] = {
	{ "mysql_static_parse_early_variables", PERSISTED_STATIC_PARSE_EARLY },
	{ "mysql_dynamic_parse_early_variables", PERSISTED_DYNAMIC_PARSE_EARLY },
	{ "mysql_static_variables", PERSISTED_STATIC },
	{ "mysql_dynamic_variables", PERSISTED_DYNAMIC },
};

/* How each section was set, for the origin of a value. */
static const char *const persisted_section_detail[] = {
	[PERSISTED_STATIC_PARSE_EARLY] = "persisted with SET PERSIST_ONLY: applied after the option files",
	[PERSISTED_DYNAMIC_PARSE_EARLY] = "persisted with SET PERSIST: applied after the option files",
	[PERSISTED_STATIC] = "persisted with SET PERSIST_ONLY: applied after the option files",
	[PERSISTED_DYNAMIC] = "persisted with SET PERSIST: applied after the option files",
};

void persisted_init(struct persisted *p)
{
	memset(p, 0, sizeof(*p));
	diag_list_init(&p->diags);
	arena_init(&p->arena);
}

void persisted_release(struct persisted *p)
{
	free(p->vars);
	diag_list_release(&p->diags);
	arena_release(&p->arena);
	memset(p, 0, sizeof(*p));
}

/* ---- where things are in the text (jansson keeps no positions) ------------- */

/* 1-based line of offset off in buf. */
static unsigned persisted_line_at(const char *buf, size_t off)
{
	unsigned line = 1;
	for (size_t i = 0; i < off; i++)
		line += buf[i] == '\n';
	return line;
}

/*
 * The offset of the object key "key" (quoted, then blanks, then ':') at or
 * after from, or (size_t)-1. A key written with escapes is not found.
 */
static size_t persisted_find_key(const char *buf, size_t len, size_t from, const char *key)
{
	size_t klen = strlen(key);
	for (size_t i = from; i + klen + 2 <= len; i++) {
		if (buf[i] != '"' || memcmp(buf + i + 1, key, klen) || buf[i + 1 + klen] != '"')
			continue;
		size_t j = i + klen + 2;
		while (j < len && (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r' || buf[j] == '\n'))
			j++;
		if (j < len && buf[j] == ':')
			return i;
	}
	return (size_t)-1;
}

/* ---- parsing ------------------------------------------------------------- */

struct persisted_parser {
	struct persisted *p;
	const char *buf;
	size_t len;
};

static void persisted_problem(struct persisted_parser *x, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The server refuses the file: the first reason is kept. */
static void persisted_problem(struct persisted_parser *x, unsigned line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	diag_add(&x->p->diags, DIAG_ERROR, x->p->path, line, "%s: the server refuses to start", msg);
	if (!x->p->refused)
		x->p->refused = arena_strdup(&x->p->arena, msg);
	free(msg);
}

/*
 * One entry NAME: { "Value": ..., "Metadata": {...} }. strict (Version 1):
 * anything malformed refuses the file; else (Version 2) the entry is skipped
 * with a warning. Returns 0, or -1 when the file is refused.
 */
static int persisted_entry(struct persisted_parser *x, const char *name, json_t *entry,
			   enum persisted_section section, size_t section_at, int strict)
{
	struct persisted *p = x->p;
	size_t at = persisted_find_key(x->buf, x->len, section_at == (size_t)-1 ? 0 : section_at, name);
	unsigned line = at == (size_t)-1 ? 0 : persisted_line_at(x->buf, at);
	const char *what = NULL;
	json_t *value = json_is_object(entry) ? json_object_get(entry, "Value") : NULL;
	json_t *meta = json_is_object(entry) ? json_object_get(entry, "Metadata") : NULL;

	if (!json_is_object(entry))
		what = "is not an object";
	else if (!value)
		what = "has no \"Value\"";
	else if (!json_is_string(value) && !(strict && json_is_null(value)))
		what = strict ? "has a \"Value\" that is neither a string nor null" : "has a \"Value\" that is not a string";
	else if (!json_is_object(meta))
		what = "has no \"Metadata\" object";
	if (what) {
		if (strict) {
			persisted_problem(x, line, "persisted variable '%s' %s", name, what);
			return -1;
		}
		diag_add(&p->diags, DIAG_WARNING, p->path, line, "persisted variable '%s' %s: the server skips it",
			 name, what);
		return 0;
	}
	json_t *ts = json_object_get(meta, "Timestamp");
	json_t *user = json_object_get(meta, "User");
	json_t *host = json_object_get(meta, "Host");
	ARRAY_GROW(p->vars, p->n + 1, p->cap);
	struct persisted_var *v = &p->vars[p->n++];
	memset(v, 0, sizeof(*v));
	char *lower = arena_strdup(&p->arena, name);
	for (char *c = lower; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	v->name = lower;
	v->is_null = json_is_null(value);
	v->value = arena_strdup(&p->arena, v->is_null ? "" : json_string_value(value));
	v->section = section;
	v->timestamp = json_is_integer(ts) && json_integer_value(ts) > 0 ? (unsigned long long)json_integer_value(ts) : 0;
	v->user = json_is_string(user) ? arena_strdup(&p->arena, json_string_value(user)) : NULL;
	v->host = json_is_string(host) ? arena_strdup(&p->arena, json_string_value(host)) : NULL;
	v->line = line;
	return 0;
}

/* Every entry of one section object. Returns 0 or -1 (refused). */
static int persisted_section_entries(struct persisted_parser *x, json_t *obj, enum persisted_section section,
				     size_t section_at, int strict, const char *nested_static)
{
	const char *name;
	json_t *entry;
	json_object_foreach(obj, name, entry) {
		if (nested_static && !strcmp(name, nested_static)) {
			if (!json_is_object(entry)) {
				persisted_problem(x, 0, "\"%s\" is not an object", nested_static);
				return -1;
			}
			size_t at = persisted_find_key(x->buf, x->len, 0, nested_static);
			if (persisted_section_entries(x, entry, PERSISTED_STATIC_PARSE_EARLY, at, strict, NULL))
				return -1;
			continue;
		}
		if (persisted_entry(x, name, entry, section, section_at, strict))
			return -1;
	}
	return 0;
}

/* Stable sort by section, then timestamp: the order the server applies them. */
static void persisted_sort(struct persisted *p)
{
	for (size_t i = 1; i < p->n; i++) {
		struct persisted_var v = p->vars[i];
		size_t j = i;
		while (j > 0 && (p->vars[j - 1].section > v.section ||
				 (p->vars[j - 1].section == v.section && p->vars[j - 1].timestamp > v.timestamp))) {
			p->vars[j] = p->vars[j - 1];
			j--;
		}
		p->vars[j] = v;
	}
}

/*
 * The text the server parses: read_persist_file() reads with
 * mysql_file_fgets(buff, sizeof(buff) - 1) into a 4096-byte buffer (4094
 * bytes or through a newline per call) and appends each piece as a C
 * string, so a NUL byte drops the rest of its piece. Heap; *out_len set.
 */
static char *persisted_server_text(const char *buf, size_t len, size_t *out_len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0, pos = 0;
	while (pos < len) {
		size_t max = len - pos < 4094 ? len - pos : 4094;
		const char *nl = memchr(buf + pos, '\n', max);
		size_t piece = nl ? (size_t)(nl - (buf + pos)) + 1 : max;
		const char *nul = memchr(buf + pos, '\0', piece);
		size_t keep = nul ? (size_t)(nul - (buf + pos)) : piece;
		memcpy(out + o, buf + pos, keep);
		o += keep;
		pos += piece;
	}
	out[o] = '\0';
	*out_len = o;
	return out;
}

int persisted_parse(struct persisted *p, const char *raw, size_t raw_len, const char *path)
{
	size_t len;
	char *buf = persisted_server_text(raw, raw_len, &len);
	struct persisted_parser x = { .p = p, .buf = buf, .len = len };
	json_error_t err;
	json_t *root = NULL;
	int rc = -1;

	p->path = arena_strdup(&p->arena, path);
	root = json_loadb(buf, len, 0, &err);
	if (!root) {
		persisted_problem(&x, err.line > 0 ? (unsigned)err.line : 0, "not JSON (%s)", err.text);
		goto out;
	}
	if (!json_is_object(root)) {
		persisted_problem(&x, 1, "not a JSON object");
		goto out;
	}
	json_t *version = json_object_get(root, "Version");
	if (!version) {
		persisted_problem(&x, 1, "no \"Version\" (\"Persisted config file corrupted\")");
		goto out;
	}
	if (!json_is_integer(version) || (json_integer_value(version) != 1 && json_integer_value(version) != 2)) {
		size_t at = persisted_find_key(buf, len, 0, "Version");
		persisted_problem(&x, at == (size_t)-1 ? 1 : persisted_line_at(buf, at),
				  "\"Version\" is not 1 or 2 (\"Persisted config file version invalid\")");
		goto out;
	}
	p->version = (int)json_integer_value(version);
	if (p->version == 1) {
		json_t *server = json_object_get(root, "mysql_server");
		if (!json_is_object(server)) {
			persisted_problem(&x, 1, "Version 1 without a \"mysql_server\" object");
			goto out;
		}
		size_t at = persisted_find_key(buf, len, 0, "mysql_server");
		if (persisted_section_entries(&x, server, PERSISTED_DYNAMIC, at, 1, "mysql_server_static_options"))
			goto out;
	} else {
		for (size_t i = 0; i < ARRAY_SIZE(persisted_v2_sections); i++) {
			json_t *sec = json_object_get(root, persisted_v2_sections[i].key);
			if (!sec)
				continue;
			size_t at = persisted_find_key(buf, len, 0, persisted_v2_sections[i].key);
			if (!json_is_object(sec)) {
				persisted_problem(&x, at == (size_t)-1 ? 0 : persisted_line_at(buf, at),
						  "\"%s\" is not an object", persisted_v2_sections[i].key);
				goto out;
			}
			if (persisted_section_entries(&x, sec, persisted_v2_sections[i].section, at, 0, NULL))
				goto out;
		}
		json_t *sens = json_object_get(root, "mysql_sensitive_variables");
		if (sens && !json_is_object(sens)) {
			persisted_problem(&x, 0, "\"mysql_sensitive_variables\" is not an object");
			goto out;
		}
		if (sens && json_object_size(sens)) {
			size_t at = persisted_find_key(buf, len, 0, "mysql_sensitive_variables");
			p->sensitive = 1;
			diag_add(&p->diags, DIAG_NOTE, p->path, at == (size_t)-1 ? 0 : persisted_line_at(buf, at),
				 "encrypted persisted variables (SENSITIVE): their values cannot be read offline");
		}
	}
	persisted_sort(p);
	rc = 0;
out:
	json_decref(root);
	free(buf);
	if (rc)
		p->n = 0;   /* the server applies nothing from a file it refuses */
	return rc;
}

enum persisted_status persisted_load(struct persisted *p, const char *dir)
{
	static const char *const names[] = { "mysqld-auto.cnf.backup", "mysqld-auto.cnf" };
	size_t dl = strlen(dir);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct fileio_data data;
		char *why = NULL;
		char *path = xasprintf("%s%s%s", dir, dl && dir[dl - 1] == '/' ? "" : "/", names[i]);
		enum fileio_status st = fileio_read(path, FILEIO_PERSISTED, &data, &why);
		int backup = i == 0;
		if (st == FILEIO_MISSING) {
			free(why);
			free(path);
			continue;
		}
		if (st != FILEIO_OK) {
			if (!backup)
				diag_add(&p->diags, DIAG_ERROR, path, 0, "cannot read the persisted variables: %s",
					 why ? why : strerror(errno));
			free(why);
			free(path);
			if (backup)
				continue;
			return PERSISTED_UNREADABLE;
		}
		if (data.st.st_mode & S_IWOTH) {
			/* check_file_permissions(): the server skips a world-writable persisted file */
			diag_add(&p->diags, DIAG_WARNING, path, 0,
				 "world-writable: the server skips it, so nothing persisted in it applies");
			fileio_data_release(&data);
			free(path);
			if (backup)
				continue;
			return PERSISTED_SKIPPED;
		}
		if (backup) {
			/* the server reads the backup first and keeps it when it parses */
			struct persisted trial;
			persisted_init(&trial);
			int bad = persisted_parse(&trial, data.data, data.len, path);
			persisted_release(&trial);
			if (bad) {
				fileio_data_release(&data);
				free(path);
				continue;
			}
		}
		persisted_parse(p, data.data, data.len, path);
		if (backup)
			diag_add(&p->diags, DIAG_NOTE, path, 0,
				 "the server reads this backup instead of mysqld-auto.cnf (and renames it over it)");
		fileio_data_release(&data);
		free(path);
		return PERSISTED_LOADED;
	}
	return PERSISTED_NONE;
}

/* ---- applying ------------------------------------------------------------ */

int persisted_applies(const struct settings *s)
{
	static const struct version v80 = { 8, 0, 0 };
	return flavor_is_mysql_family(s->flavor) && version_is_known(&s->version) &&
	       version_cmp(&s->version, &v80) >= 0;
}

size_t persisted_apply(struct settings *s, const struct persisted *p, const struct catalog *c)
{
	char where[96], vbuf[32];
	size_t applied = 0;

	for (size_t i = 0; i < p->diags.n; i++) {
		const struct diag *d = &p->diags.items[i];
		diag_add(d->level >= DIAG_WARNING ? &s->build_diags : &s->diags, d->level, d->file, d->line, "%s",
			 d->message);
	}
	snprintf(where, sizeof(where), "%s %s", flavor_build_display(s->flavor, s->variant),
		 version_is_known(&s->version) ? version_format(&s->version, vbuf, sizeof(vbuf)) : "(version unknown)");
	if (!persisted_applies(s)) {
		diag_add(&s->build_diags, DIAG_NOTE, p->path, 0,
			 "%s has no persisted variables (SET PERSIST is MySQL 8.0+): this file is not read", where);
		return 0;
	}
	if (p->refused) {
		struct settings_origin o = { .source = SETTINGS_SRC_FILE, .file = p->path, .line = 0 };
		const struct settings_var *errs = settings_get(s, "option_file_errors");
		char *what = xasprintf("%s: %s: the server refuses to start", p->path, p->refused);
		if (!errs || !errs->current.value || !*errs->current.value)
			settings_set(s, "option_file_errors", what, NULL, &o);
		free(what);
		return 0;
	}
	const struct settings_var *load = settings_get(s, "persisted_globals_load");
	if (load && load->current.value && !strcmp(load->current.value, "OFF")) {
		diag_add(&s->build_diags, DIAG_WARNING, p->path, 0,
			 "persisted_globals_load is OFF: the server does not apply %zu persisted variable%s", p->n,
			 p->n == 1 ? "" : "s");
		return 0;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct persisted_var *v = &p->vars[i];
		const struct catalog_var *cv = catalog_lookup(c, v->name);
		if (!cv)
			continue;
		char *norm = NULL;
		const char *why = NULL;
		const char *value = v->value;
		struct settings_origin o = {
			.source = SETTINGS_SRC_FILE,
			.file = p->path,
			.line = v->line,
			.detail = persisted_section_detail[v->section],
		};
		switch (v->is_null ? CATALOG_VALUE_IGNORED
				   : catalog_check_value(cv, s->flavor, v->value, &norm, &why)) {
		case CATALOG_VALUE_OK:
		case CATALOG_VALUE_FALLBACK:
			value = norm;
			break;
		case CATALOG_VALUE_IGNORED:
		case CATALOG_VALUE_REFUSED:
			diag_add(&s->build_diags, DIAG_WARNING, p->path, v->line,
				 "persisted '%s': %s: its value after a restart is not known", v->name,
				 why ? why : "a null value");
			value = NULL;
			break;
		}
		settings_set(s, cv->name, value, v->name, &o);
		free(norm);
		applied++;
	}
	return applied;
}

/* ---- live ----------------------------------------------------------------- */

void persisted_live_drift(struct settings *s, const char *const *names, const char *const *values, size_t n,
			  const struct catalog *c)
{
	struct strbuf sb = { 0 };
	const struct settings_var *load = settings_get(s, "persisted_globals_load");
	int ignored = load && load->current.value && !strcmp(load->current.value, "OFF");
	for (size_t i = 0; i < n; i++) {
		const struct catalog_var *cv = names[i] ? catalog_lookup(c, names[i]) : NULL;
		if (!cv || !values[i])
			continue;
		const struct settings_var *run = settings_get(s, cv->name);
		if (!run || !run->current.value || catalog_values_equal(cv, s->flavor, run->current.value, values[i]))
			continue;
		if (sb.len)
			strbuf_addstr(&sb, "; ");
		if (ignored)
			strbuf_addf(&sb, "%s: running %s, persisted %s, but persisted_globals_load is OFF: the next "
				    "restart ignores the persisted value", cv->name, run->current.value, values[i]);
		else
			strbuf_addf(&sb, "%s: running %s, persisted %s: the next restart uses %s", cv->name,
				    run->current.value, values[i], values[i]);
	}
	struct settings_origin o = {
		.source = SETTINGS_SRC_LIVE,
		.detail = sb.len ? "live: performance_schema.persisted_variables differs from the running value"
				 : "live: every persisted value is the running one",
	};
	settings_set(s, PERSISTED_FACT_DRIFT, sb.buf ? sb.buf : "", PERSISTED_FACT_DRIFT, &o);
	strbuf_release(&sb);
}
