/*
 * snapshot.c - captured server variables as a target (see snapshot.h).
 *
 * Reading is two passes. The first turns the file, whatever its form, into
 * rows (name, value, line) and header records; the second detects the flavor
 * and version from the `version` and `version_comment` rows, then stores
 * every row under its canonical name with the value normalised for that
 * flavor.
 *
 * Line forms, recognised line by line so that a file may mix them (a
 * `mysql>` prompt, a bordered table, a row count):
 *   name<TAB>value                 mysql -B / -NB, capture files
 *   | name | value |                bordered table, mysqladmin variables
 *   Variable_name: name / Value: v  \G vertical form
 *   # crashsafe capture 1, # role, # fact, # origin, # channel, # target
 * Whole-file forms, chosen by the first non-blank byte:
 *   {  a JSON object of "name": "value" pairs at any depth (OtterTune knobs)
 *   "  "NAME","VALUE" pairs run together on one line (MySQLTuner's
 *      information_schema.GLOBAL_VARIABLES dump): a value ends at the quote
 *      that is followed by "NAME"," or by the end of the file
 */
#include "snapshot.h"

#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "banned.h"

struct snapshot_row {
	char *name;
	char *value;
	unsigned line;
};

struct snapshot_origin {
	char *name;
	char *token;
	char *path;
};

struct snapshot_reader {
	struct settings *s;
	const char *path;
	struct snapshot_row *rows;
	size_t n, cap;
	struct snapshot_origin *origins;
	size_t norigins, origins_cap;
	struct strmap origin_index;   /* origin name -> position in origins (the last one wins) */
	char *pending_name;     /* \G form: the last Variable_name: */
	unsigned pending_line;
	int capture;            /* "# crashsafe capture" seen */
	int role_seen;
	int channels_seen;
	/* the "# fact replication_channels" line: its count (-1: not a count) and line; 0 when absent */
	long channels_fact;
	unsigned channels_fact_line;
	int address_from_target;   /* s->address came from "# target", which "# address" replaces */
	int (*keep)(void *ctx, const char *name);  /* snapshot_load_kept(), or NULL: store every row */
	void *keep_ctx;
};

static void reader_add_row(struct snapshot_reader *r, const char *name, size_t nlen, const char *value,
			   size_t vlen, unsigned line)
{
	ARRAY_GROW(r->rows, r->n + 1, r->cap);
	struct snapshot_row *row = &r->rows[r->n++];
	row->name = xstrndup(name, nlen);
	for (char *p = row->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	row->value = xstrndup(value, vlen);
	row->line = line;
}

/* Undo mysql -B / capture escaping in place: \t \n \r \0 \\. */
static void unescape_field(char *s)
{
	char *w = s;
	for (char *p = s; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 't': *w++ = '\t'; break;
			case 'n': *w++ = '\n'; break;
			case 'r': *w++ = '\r'; break;
			case '\\': *w++ = '\\'; break;
			default: *w++ = '\\'; *w++ = *p; break;
			}
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
	return s;
}

/* The text fields of a "# channel" line, by key (live_capture_write() writes the same keys). */
static const struct {
	const char *key;
	size_t off;   /* of a const char * in struct settings_channel */
} channel_keys[] = {
	{ "name", offsetof(struct settings_channel, name) },
	{ "auto_position", offsetof(struct settings_channel, auto_position) },
	{ "using_gtid", offsetof(struct settings_channel, using_gtid) },
	{ "io_running", offsetof(struct settings_channel, io_running) },
	{ "sql_running", offsetof(struct settings_channel, sql_running) },
	{ "source_host", offsetof(struct settings_channel, source_host) },
	{ "last_io_errno", offsetof(struct settings_channel, last_io_errno) },
	{ "last_io_error", offsetof(struct settings_channel, last_io_error) },
	{ "last_sql_errno", offsetof(struct settings_channel, last_sql_errno) },
	{ "last_sql_error", offsetof(struct settings_channel, last_sql_error) },
	{ "skip_counter", offsetof(struct settings_channel, skip_counter) },
	{ "source_server_id", offsetof(struct settings_channel, source_server_id) },
	{ "source_uuid", offsetof(struct settings_channel, source_uuid) },
};

/* A decimal count ("0", "2"), or -1 for anything else ("-1", "abc", "", "2x"). */
static long reader_count(const char *v)
{
	long n = 0;
	if (!*v)
		return -1;
	for (; *v; v++) {
		if (*v < '0' || *v > '9' || n > 100000000)
			return -1;
		n = n * 10 + (*v - '0');
	}
	return n;
}

/*
 * The capture's "# fact replication_channels N" against its "# channel" lines:
 * live writes N as the asynchronous channels and one line for each channel,
 * Group Replication's marked (live.c, live_capture_write()). A capture cut
 * short or edited by hand that disagrees, or whose N is no count, does not say
 * which channels the server has: a warning, and its channels unknown, never
 * "no replication channel is configured". Returns nonzero when they agree.
 */
static int reader_channels_agree(struct snapshot_reader *r)
{
	struct settings *s = r->s;
	size_t async = 0;
	for (size_t i = 0; i < s->nchannels; i++)
		async += !s->channels[i].group_replication;
	if (r->channels_fact < 0) {
		diag_add(&s->build_diags, DIAG_WARNING, r->path, r->channels_fact_line,
			 "replication_channels is not a count of channels: the server's channels are unknown");
		return 0;
	}
	if ((size_t)r->channels_fact != async) {
		diag_add(&s->build_diags, DIAG_WARNING, r->path, r->channels_fact_line,
			 "replication_channels says %ld but the capture has %zu '# channel' line%s (cut short or "
			 "edited?): the server's channels are unknown",
			 r->channels_fact, async, async == 1 ? "" : "s");
		return 0;
	}
	return 1;
}

/* "# channel NAME<TAB>KEY=VALUE..." */
static void reader_channel(struct snapshot_reader *r, char *rest, unsigned line)
{
	char *fields[32];
	size_t n = 0;
	char *p = rest;
	fields[n++] = p;
	while ((p = strchr(p, '\t')) && n < ARRAY_SIZE(fields)) {
		*p++ = '\0';
		fields[n++] = p;
	}
	for (size_t i = 0; i < n; i++)
		unescape_field(fields[i]);
	struct settings *s = r->s;
	struct settings_channel *ch = settings_add_channel(s, fields[0]);
	r->channels_seen = 1;
	for (size_t i = 1; i < n; i++) {
		char *eq = strchr(fields[i], '=');
		if (!eq) {
			diag_add(&s->diags, DIAG_WARNING, r->path, line, "channel field without '=': '%s'",
				 fields[i]);
			continue;
		}
		*eq = '\0';
		const char *key = fields[i], *val = eq + 1;
		size_t k;
		for (k = 0; k < ARRAY_SIZE(channel_keys); k++)
			if (!strcmp(key, channel_keys[k].key))
				break;
		if (k < ARRAY_SIZE(channel_keys))
			*(const char **)(void *)((char *)ch + channel_keys[k].off) = settings_intern(s, val);
		else if (!strcmp(key, "source_port"))
			ch->source_port = (unsigned)strtoul(val, NULL, 10);
		else if (!strcmp(key, "group_replication"))
			ch->group_replication = !strcmp(val, "1");
		else
			diag_add(&s->diags, DIAG_NOTE, r->path, line, "unknown channel field '%s'", key);
	}
}

/* A "# ..." line: capture headers; anything else is a comment. */
static void reader_header(struct snapshot_reader *r, char *text, unsigned line)
{
	struct settings *s = r->s;
	char *p = text + 1;
	while (*p == ' ')
		p++;
	if (!strncmp(p, "crashsafe capture ", 18)) {
		r->capture = 1;
		if (strcmp(trim(p + 18), "1"))
			diag_add(&s->diags, DIAG_WARNING, r->path, line,
				 "capture format version '%s': this crashsafe reads version 1", p + 18);
	} else if (!strncmp(p, "role ", 5)) {
		enum role role;
		if (role_parse(&role, trim(p + 5))) {
			diag_add(&s->diags, DIAG_WARNING, r->path, line, "unknown role '%s'", p + 5);
		} else if (role != ROLE_ANY) {
			s->role = role;
			s->role_detected = 1;
			r->role_seen = 1;
		}
	} else if (!strncmp(p, "fact ", 5) || !strncmp(p, "unknown ", 8)) {
		/*
		 * "# unknown NAME<TAB>WHY" (live.c): a fact the live run could not
		 * read stays unknown (NULL, the reason as its detail), so that the
		 * rules say "could not evaluate" as they did live (engine.c
		 * eval_no_channels(), expr.c eval_defined()), not "not applicable".
		 */
		int unknown = p[0] == 'u';
		char *tab = strchr(p + (unknown ? 8 : 5), '\t');
		if (!tab) {
			diag_add(&s->diags, DIAG_WARNING, r->path, line, "%s line without a tab", unknown ? "unknown" : "fact");
			return;
		}
		*tab = '\0';
		char *name = trim(p + (unknown ? 8 : 5)), *value = tab + 1;
		unescape_field(value);
		struct settings_origin o;
		memset(&o, 0, sizeof(o));
		o.source = SETTINGS_SRC_SNAPSHOT;
		o.file = r->path;
		o.line = line;
		o.detail = unknown ? (*value ? value : "not read by the live run") : "live fact, captured";
		settings_set(s, name, unknown ? NULL : value, name, &o);
		if (!unknown && !strcmp(name, "replication_channels")) {
			r->channels_seen = 1;
			r->channels_fact_line = line;
			r->channels_fact = reader_count(value);
		}
	} else if (!strncmp(p, "origin ", 7)) {
		char *f[3] = { p + 7, NULL, NULL };
		char *tab = strchr(f[0], '\t');
		if (!tab) {
			diag_add(&s->diags, DIAG_WARNING, r->path, line, "origin line without a tab");
			return;
		}
		*tab = '\0';
		f[1] = tab + 1;
		if ((tab = strchr(f[1], '\t'))) {
			*tab = '\0';
			f[2] = tab + 1;
		}
		ARRAY_GROW(r->origins, r->norigins + 1, r->origins_cap);
		struct snapshot_origin *o = &r->origins[r->norigins++];
		for (size_t i = 0; i < 3; i++)
			if (f[i])
				unescape_field(f[i]);
		o->name = xstrdup(f[0]);
		for (char *q = o->name; *q; q++)
			*q = (char)tolower((unsigned char)*q);
		o->token = xstrdup(f[1]);
		o->path = f[2] ? xstrdup(f[2]) : NULL;
	} else if (!strncmp(p, "channel ", 8)) {
		reader_channel(r, p + 8, line);
	} else if (!strncmp(p, "target ", 7) || !strncmp(p, "address ", 8)) {
		/*
		 * The target as captured (the snapshot's own path names it here),
		 * and where it was reached: replicas' channels name their source by
		 * it (topology.h). "# address" beats "# target" (an inventory name);
		 * an inventory's host:port, set before reading, beats both.
		 */
		int is_address = p[0] == 'a';
		char *addr = trim(p + (is_address ? 8 : 7));
		unescape_field(addr);
		if (*addr && (!s->address || (is_address && r->address_from_target)))
			s->address = settings_intern(s, addr);
		if (*addr && !is_address && s->address && !strcmp(s->address, addr))
			r->address_from_target = 1;
	}
}

static void reader_line(struct snapshot_reader *r, char *line, unsigned lineno)
{
	size_t len = strlen(line);
	if (len && line[len - 1] == '\r')
		line[--len] = '\0';
	char *t = line;
	while (*t == ' ' || *t == '\t')
		t++;
	if (!*t)
		return;
	if (*line == '#') {
		reader_header(r, line, lineno);
		return;
	}
	if (*t == '+' || !strncmp(t, "***", 3) || !strncmp(t, "mysql>", 6) ||
	    !strncmp(t, "MariaDB [", 9))
		return;
	if (*t == '|') {
		char *end = t + strlen(t);
		while (end > t && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		char *bar = strchr(t + 1, '|');
		char *last = strrchr(t, '|');
		if (!bar || last == t)
			return;
		*bar = '\0';
		char *name = trim(t + 1);
		char *value;
		if (last > bar) {
			*last = '\0';
			value = trim(bar + 1);
		} else {
			value = trim(bar + 1);
		}
		if (!strcmp(name, "Variable_name") || !*name)
			return;
		reader_add_row(r, name, strlen(name), value, strlen(value), lineno);
		return;
	}
	if (!strncmp(t, "Variable_name:", 14)) {
		free(r->pending_name);
		r->pending_name = xstrdup(trim(t + 14));
		r->pending_line = lineno;
		return;
	}
	if (!strncmp(t, "Value:", 6)) {
		if (!r->pending_name) {
			diag_add(&r->s->diags, DIAG_WARNING, r->path, lineno, "'Value:' without 'Variable_name:'");
			return;
		}
		char *value = trim(t + 6);
		reader_add_row(r, r->pending_name, strlen(r->pending_name), value, strlen(value),
			       r->pending_line);
		free(r->pending_name);
		r->pending_name = NULL;
		return;
	}
	char *tab = strchr(line, '\t');
	if (tab) {
		*tab = '\0';
		char *value = tab + 1;
		unescape_field(line);
		unescape_field(value);
		if (!strcmp(line, "Variable_name") && !strcmp(value, "Value"))
			return;
		if (!*line)
			return;
		reader_add_row(r, line, strlen(line), value, strlen(value), lineno);
		return;
	}
	if (strstr(t, " in set") || strstr(t, "rows in set"))
		return;
	diag_add(&r->s->diags, DIAG_NOTE, r->path, lineno, "line not understood, skipped");
}

static void reader_lines(struct snapshot_reader *r, char *data)
{
	unsigned lineno = 0;
	char *p = data;
	while (*p) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		reader_line(r, p, ++lineno);
		if (!nl)
			break;
		p = nl + 1;
	}
}

/* ---- whole-file forms ---- */

/* Parse a JSON string at *p (just after the opening quote) into sb; returns the byte after it. */
static const char *json_string(const char *p, struct strbuf *sb, unsigned *line)
{
	strbuf_reset(sb);
	while (*p && *p != '"') {
		if (*p == '\n')
			(*line)++;
		if (*p == '\\' && p[1]) {
			p++;
			switch (*p) {
			case 'n': strbuf_addch(sb, '\n'); break;
			case 't': strbuf_addch(sb, '\t'); break;
			case 'r': strbuf_addch(sb, '\r'); break;
			case 'b': strbuf_addch(sb, '\b'); break;
			case 'f': strbuf_addch(sb, '\f'); break;
			case 'u':
				/* keep ASCII escapes; others become '?' (variable values are ASCII) */
				if (isxdigit((unsigned char)p[1]) && isxdigit((unsigned char)p[2]) &&
				    isxdigit((unsigned char)p[3]) && isxdigit((unsigned char)p[4])) {
					char hex[5] = { p[1], p[2], p[3], p[4], 0 };
					unsigned long cp = strtoul(hex, NULL, 16);
					strbuf_addch(sb, cp < 128 ? (int)cp : '?');
					p += 4;
				}
				break;
			default: strbuf_addch(sb, *p); break;
			}
			p++;
			continue;
		}
		strbuf_addch(sb, *p++);
	}
	return *p ? p + 1 : p;
}

static void reader_json(struct snapshot_reader *r, const char *data)
{
	struct strbuf key = { 0 }, val = { 0 };
	unsigned line = 1;
	const char *p = data;
	while (*p) {
		if (*p == '\n') {
			line++;
			p++;
			continue;
		}
		if (*p != '"') {
			p++;
			continue;
		}
		unsigned key_line = line;
		p = json_string(p + 1, &key, &line);
		const char *q = p;
		while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n')
			q++;
		if (*q != ':') {
			continue;   /* a string value or array item already handled */
		}
		q++;
		while (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n') {
			if (*q == '\n')
				line++;
			q++;
		}
		if (!key.len) {
			/* "": a variable has a name (the other forms skip a row without one too) */
		} else if (*q == '"') {
			p = json_string(q + 1, &val, &line);
			reader_add_row(r, key.buf, key.len, val.buf ? val.buf : "", val.len, key_line);
		} else if (*q == '{' || *q == '[') {
			p = q + 1;
		} else {
			const char *start = q;
			while (*q && *q != ',' && *q != '}' && *q != ']' && *q != '\n')
				q++;
			size_t n = (size_t)(q - start);
			while (n && (start[n - 1] == ' ' || start[n - 1] == '\r'))
				n--;
			if (!(n == 4 && !strncmp(start, "null", 4)))
				reader_add_row(r, key.buf, key.len, start, n, key_line);
			p = q;
		}
	}
	strbuf_release(&key);
	strbuf_release(&val);
}

/* Does p start "NAME"," with NAME made of [A-Za-z0-9_]? */
static int csv_at_pair(const char *p)
{
	if (*p != '"')
		return 0;
	const char *q = p + 1;
	while (isalnum((unsigned char)*q) || *q == '_')
		q++;
	return q > p + 1 && q[0] == '"' && q[1] == ',' && q[2] == '"';
}

static void reader_csv(struct snapshot_reader *r, const char *data)
{
	struct strbuf val = { 0 };
	unsigned line = 1;
	const char *p = data;
	while (*p) {
		if (*p == '\n' || *p == '\r' || *p == ' ') {
			if (*p == '\n')
				line++;
			p++;
			continue;
		}
		if (!csv_at_pair(p)) {
			diag_add(&r->s->diags, DIAG_WARNING, r->path, line,
				 "unexpected text in a \"NAME\",\"VALUE\" dump; the rest is skipped");
			break;
		}
		const char *name = p + 1;
		size_t nlen = strcspn(name, "\"");
		p = name + nlen + 3;   /* past NAME"," */
		strbuf_reset(&val);
		for (;;) {
			if (!*p) {
				diag_add(&r->s->diags, DIAG_WARNING, r->path, line, "unterminated value of '%.*s'",
					 (int)nlen, name);
				break;
			}
			if (*p == '"') {
				const char *after = p + 1;
				if (!*after || *after == '\n' || *after == '\r' || csv_at_pair(after)) {
					p = after;
					break;
				}
				if (*after == '"') {   /* a doubled quote inside the value */
					strbuf_addch(&val, '"');
					p += 2;
					continue;
				}
			}
			if (*p == '\n')
				line++;
			strbuf_addch(&val, *p++);
		}
		reader_add_row(r, name, nlen, val.buf ? val.buf : "", val.len, line);
	}
	strbuf_release(&val);
}

/* ---- flavor, version, storing ---- */

static const struct snapshot_row *reader_find(const struct snapshot_reader *r, const char *name)
{
	const struct snapshot_row *hit = NULL;
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->rows[i].name, name))
			hit = &r->rows[i];
	return hit;
}

/* "5.0.51a-24+lenny2", "10.11.6-MariaDB-log", "5.5.5-10.1.45-MariaDB": the leading X.Y[.Z]. */
static int snapshot_version(const char *s, struct version *out)
{
	if (!strncmp(s, "5.5.5-", 6) && strstr(s, "MariaDB"))
		s += 6;
	char buf[32];
	size_t n = 0;
	while (n + 1 < sizeof(buf) && (isdigit((unsigned char)s[n]) || s[n] == '.'))
		n++;
	memcpy(buf, s, n);
	buf[n] = '\0';
	while (n && buf[n - 1] == '.')
		buf[--n] = '\0';
	return version_parse(out, buf);
}

/* Nonzero when the capture shows a Galera node: wsrep_on ON or a wsrep_provider other than none. */
static int snapshot_galera_rows(const struct snapshot_reader *r)
{
	const struct snapshot_row *on = reader_find(r, "wsrep_on");
	const struct snapshot_row *provider = reader_find(r, "wsrep_provider");
	return flavor_galera_configured(on ? on->value : NULL, provider ? provider->value : NULL);
}

/* A value for an evidence text: at most 60 bytes, "..." after. */
static void evidence_value(struct strbuf *sb, const char *v)
{
	size_t n = strlen(v);
	strbuf_addf(sb, "'%.*s%s'", (int)(n > 60 ? 60 : n), v, n > 60 ? "..." : "");
}

static void snapshot_detect(struct snapshot_reader *r)
{
	struct settings *s = r->s;
	const struct snapshot_row *ver = reader_find(r, "version");
	const struct snapshot_row *comment = reader_find(r, "version_comment");
	struct strbuf ev = { 0 };
	struct version parsed;
	enum flavor f;
	enum flavor_variant b;
	char vbuf[32];
	int have_version = ver && !snapshot_version(ver->value, &parsed);

	if (have_version) {
		s->version = parsed;
		s->version_detected = 1;
		strbuf_addstr(&ev, "version ");
		evidence_value(&ev, ver->value);
	} else {
		strbuf_addstr(&ev, ver ? "the version row is not a version" : "no version row");
		if (version_is_known(&s->version))
			strbuf_addf(&ev, " (version %s as given)", version_format(&s->version, vbuf, sizeof(vbuf)));
		else
			diag_add(&s->build_diags, DIAG_WARNING, r->path, ver ? ver->line : 0,
				 "%s: the server version is unknown; every rule that depends on it could not "
				 "be evaluated (give --server-version X.Y to audit it as that version)",
				 ver ? "the version row is not a version" : "no version row in the capture");
	}
	if (comment) {
		strbuf_addstr(&ev, ", version_comment ");
		evidence_value(&ev, comment->value);
	}
	if (flavor_detect_server(have_version ? ver->value : NULL, comment ? comment->value : NULL, &f, &b) == 0 &&
	    !(f == FLAVOR_MYSQL && !comment && s->flavor != FLAVOR_UNKNOWN)) {
		/* a bare version number says "MySQL" only when nobody named another flavor */
		s->flavor = f;
		s->variant = b;
		s->flavor_source = "snapshot";
	} else if (s->flavor == FLAVOR_UNKNOWN) {
		strbuf_addstr(&ev, "; nothing names the flavor");
	}
	if (s->variant == FLAVOR_VARIANT_PLAIN && snapshot_galera_rows(r)) {
		s->variant = FLAVOR_VARIANT_GALERA;
		strbuf_addstr(&ev, "; Galera: wsrep_on or wsrep_provider set");
	}
	s->flavor_evidence = settings_intern(s, ev.buf);
	strbuf_release(&ev);
}

static const struct {
	const char *token;
	const char *detail;    /* with a path: detail + path */
	int with_path;
} snapshot_origin_kinds[] = {
	/* MariaDB information_schema.SYSTEM_VARIABLES.GLOBAL_VALUE_ORIGIN */
	{ "COMPILE-TIME", "live, compiled default", 0 },
	{ "CONFIG", "live, from ", 1 },
	{ "COMMAND-LINE", "live, from the command line", 0 },
	{ "AUTO", "live, set automatically by the server", 0 },
	{ "ENVIRONMENT", "live, from the environment", 0 },
	{ "SQL", "live, set at runtime (SET GLOBAL): lost on restart", 0 },
	/* MySQL performance_schema.variables_info.VARIABLE_SOURCE */
	{ "COMPILED", "live, compiled default", 0 },
	{ "GLOBAL", "live, from ", 1 },
	{ "SERVER", "live, from ", 1 },
	{ "EXPLICIT", "live, from ", 1 },
	{ "EXTRA", "live, from ", 1 },
	{ "USER", "live, from ", 1 },
	{ "LOGIN", "live, from ", 1 },
	{ "COMMAND_LINE", "live, from the command line", 0 },
	{ "PERSISTED", "live, persisted (SET PERSIST) in ", 1 },
	{ "DYNAMIC", "live, set at runtime (SET GLOBAL): lost on restart", 0 },
};

/* The origin detail of a captured variable (heap), or NULL. */
static char *snapshot_origin_detail(const struct snapshot_reader *r, const char *name)
{
	size_t at;
	if (strmap_get(&r->origin_index, name, &at) < 0)
		return NULL;
	const struct snapshot_origin *o = &r->origins[at];
	for (size_t i = 0; i < ARRAY_SIZE(snapshot_origin_kinds); i++) {
		if (ascii_strcasecmp(o->token, snapshot_origin_kinds[i].token))
			continue;
		if (snapshot_origin_kinds[i].with_path)
			return xasprintf("%s%s", snapshot_origin_kinds[i].detail,
					 o->path && *o->path ? o->path : "an option file");
		return xstrdup(snapshot_origin_kinds[i].detail);
	}
	return xasprintf("live, origin %s", o->token);
}

/*
 * Whether a row named name (the catalog's spelling) is stored. Every row is
 * while the flavor is unknown: infer_capture() then reads them all. The
 * wsrep rows are, for s->cluster below.
 */
static int snapshot_kept(const struct snapshot_reader *r, const char *name)
{
	if (!r->keep || r->s->flavor == FLAVOR_UNKNOWN)
		return 1;
	return !strcmp(name, "wsrep_on") || !strcmp(name, "wsrep_cluster_name") || r->keep(r->keep_ctx, name);
}

static void snapshot_store(struct snapshot_reader *r, const struct catalog *c)
{
	struct settings *s = r->s;
	for (size_t i = 0; i < r->norigins; i++)
		strmap_put(&r->origin_index, r->origins[i].name, i);
	for (size_t i = 0; i < r->n; i++) {
		const struct snapshot_row *row = &r->rows[i];
		const struct catalog_var *v = c ? catalog_lookup(c, row->name) : NULL;
		const char *name = v ? v->name : row->name;
		if (!snapshot_kept(r, name))
			continue;
		char *norm = NULL;
		const char *why = NULL;
		const char *value = row->value;
		if (v && catalog_check_value(v, s->flavor, row->value, &norm, &why) == CATALOG_VALUE_OK)
			value = norm;
		char *detail = snapshot_origin_detail(r, row->name);
		struct settings_origin o;
		memset(&o, 0, sizeof(o));
		o.source = SETTINGS_SRC_SNAPSHOT;
		o.file = r->path;
		o.line = row->line;
		o.detail = detail;
		const struct settings_var *sv = settings_set(s, name, value, row->name, &o);
		/*
		 * SHOW GLOBAL VARIABLES names a variable once: a second row is an
		 * edited or concatenated capture, and which value the server has is
		 * not sure. The last row wins, as before, but it is said (breaker7).
		 */
		const struct settings_value *was = sv && sv->n_overridden ? &sv->overridden[sv->n_overridden - 1] : NULL;
		/* the same row name: MariaDB shows an alias on a row of its own (slave_parallel_threads, _workers) */
		if (was && was->origin.source == SETTINGS_SRC_SNAPSHOT && was->origin.file && was->spelled &&
		    !strcmp(was->origin.file, r->path) && was->origin.line != row->line &&
		    !ascii_strcasecmp(was->spelled, row->name))
			diag_add(&s->build_diags, DIAG_WARNING, r->path, row->line,
				 "%s is in the capture twice (line %u, then here): the last row is taken", row->name,
				 was->origin.line);
		free(detail);
		free(norm);
	}
	if (r->channels_fact_line && !reader_channels_agree(r)) {
		/*
		 * Its channels are unknown: the fact too (as a "# unknown" line
		 * leaves it), so that the rules on channels could not be evaluated
		 * (engine.c eval_no_channels()), not "known only on a running server".
		 */
		struct settings_origin o;
		memset(&o, 0, sizeof(o));
		o.source = SETTINGS_SRC_SNAPSHOT;
		o.file = r->path;
		o.line = r->channels_fact_line;
		o.detail = "the capture's '# channel' lines disagree with its count";
		settings_set(s, "replication_channels", NULL, "replication_channels", &o);
		r->channels_seen = 0;
	}
	if (r->channels_seen) {
		s->channels_known = 1;
		if (!r->role_seen && s->nchannels) {
			s->role = ROLE_REPLICA;
			s->role_detected = 1;
		}
	}
	const struct settings_var *on = settings_get(s, "wsrep_on");
	const struct settings_var *cluster = settings_get(s, "wsrep_cluster_name");
	s->cluster = NULL;
	if (on && on->current.value && !strcmp(on->current.value, "ON") && cluster)
		s->cluster = cluster->current.value;
}

static void reader_release(struct snapshot_reader *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->rows[i].name);
		free(r->rows[i].value);
	}
	free(r->rows);
	for (size_t i = 0; i < r->norigins; i++) {
		free(r->origins[i].name);
		free(r->origins[i].token);
		free(r->origins[i].path);
	}
	free(r->origins);
	strmap_release(&r->origin_index);
	free(r->pending_name);
}

int snapshot_load(struct settings *s, const char *path, const struct catalog *c)
{
	return snapshot_load_kept(s, path, c, NULL, NULL);
}

int snapshot_load_kept(struct settings *s, const char *path, const struct catalog *c,
		       int (*keep)(void *ctx, const char *name), void *keep_ctx)
{
	struct snapshot_reader r;
	struct fileio_data fd;
	char *why = NULL, *data;
	size_t len;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	r.s = s;
	r.keep = keep;
	r.keep_ctx = keep_ctx;
	r.path = settings_intern(s, path);
	if (fileio_read(path, FILEIO_SNAPSHOT, &fd, &why) != FILEIO_OK) {
		s->error = arena_printf(&s->arena, "cannot read snapshot '%s': %s", path, why);
		diag_add(&s->diags, DIAG_ERROR, path, 0, "cannot read snapshot: %s", why);
		free(why);
		goto out;
	}
	data = fd.data;
	len = fd.len;
	if (memchr(data, '\0', len)) {
		s->error = arena_printf(&s->arena, "'%s' is not a text file", path);
		diag_add(&s->diags, DIAG_ERROR, path, 0, "not a text file (NUL bytes)");
		goto out;
	}
	char *start = data;
	if (len >= 3 && !memcmp(start, "\xEF\xBB\xBF", 3))
		start += 3;
	const char *first = start;
	while (*first == ' ' || *first == '\t' || *first == '\r' || *first == '\n')
		first++;
	if (*first == '{')
		reader_json(&r, start);
	else if (*first == '"')
		reader_csv(&r, start);
	else
		reader_lines(&r, start);

	if (!r.n) {
		s->error = arena_printf(&s->arena, "'%s' holds no server variables", path);
		diag_add(&s->diags, DIAG_ERROR, path, 0, "no server variables found");
		goto out;
	}
	snapshot_detect(&r);
	snapshot_store(&r, c);
	rc = 0;
out:
	reader_release(&r);
	fileio_data_release(&fd);
	return rc;
}
