/*
 * reportread.c - JSON reports read back with jansson (see reportread.h).
 */
#include "reportread.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "fileio.h"
#include "suppress.h"
#include "banned.h"

#define REPORTREAD_SCHEMA "crashsafe-report/"

void reportread_init(struct reportread *r)
{
	memset(r, 0, sizeof(*r));
	arena_init(&r->arena);
}

void reportread_release(struct reportread *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->targets[i].findings);
	free(r->targets);
	arena_release(&r->arena);
	memset(r, 0, sizeof(*r));
}

/* Reading one object: strings into the arena, type errors counted with the member's name. */
struct rr_ctx {
	struct reportread *r;
	struct diag_list *d;
	int errors;
	const char *where;   /* "targets[3].findings[2]" for messages */
};

static const char *rr_str(struct rr_ctx *x, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.%s: not a string", x->where, key);
		x->errors++;
		return NULL;
	}
	return arena_strndup(&x->r->arena, json_string_value(v), json_string_length(v));
}

static unsigned rr_uint(struct rr_ctx *x, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.%s: not a line number", x->where, key);
		x->errors++;
		return 0;
	}
	return (unsigned)json_integer_value(v);
}

static const struct {
	const char *token;
	enum finding_status status;
} rr_statuses[] = {
	{ "fail", FINDING_FAIL },
	{ "unknown", FINDING_UNKNOWN },
	{ "could-not-evaluate", FINDING_UNKNOWN },
	{ "suppressed", FINDING_SUPPRESSED },
	{ "not-applicable", FINDING_NOT_APPLICABLE },
	{ "pass", FINDING_PASS },
};

static const struct {
	const char *word;
	enum settings_source source;
} rr_sources[] = {
	{ "default", SETTINGS_SRC_DEFAULT },
	{ "file", SETTINGS_SRC_FILE },
	{ "snapshot", SETTINGS_SRC_SNAPSHOT },
	{ "live", SETTINGS_SRC_LIVE },
};

static void rr_finding(struct rr_ctx *x, json_t *o, struct reportread_finding *f)
{
	const char *s;
	memset(f, 0, sizeof(*f));
	f->rule_id = rr_str(x, o, "rule_id");
	f->title = rr_str(x, o, "title");
	s = rr_str(x, o, "severity");
	if (!s || severity_parse(&f->severity, s)) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.severity: '%s' is not error, warning or info", x->where,
			 s ? s : "");
		x->errors++;
	}
	s = rr_str(x, o, "status");
	size_t i;
	for (i = 0; s && i < ARRAY_SIZE(rr_statuses); i++)
		if (!strcmp(s, rr_statuses[i].token))
			break;
	if (!s || i == ARRAY_SIZE(rr_statuses)) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.status: '%s' is not a finding status", x->where,
			 s ? s : "");
		x->errors++;
	} else {
		f->status = rr_statuses[i].status;
	}
	if (!f->rule_id) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s: no rule_id", x->where);
		x->errors++;
	}
	f->channel = rr_str(x, o, "channel");
	f->variable = rr_str(x, o, "variable");
	f->value = rr_str(x, o, "value");
	json_t *origin = json_object_get(o, "origin");
	if (json_is_object(origin)) {
		s = rr_str(x, origin, "source");
		for (i = 0; s && i < ARRAY_SIZE(rr_sources); i++)
			if (!strcmp(s, rr_sources[i].word))
				f->origin.source = rr_sources[i].source;
		f->origin.file = rr_str(x, origin, "file");
		f->origin.line = rr_uint(x, origin, "line");
		f->origin.chain = rr_str(x, origin, "chain");
		f->origin.detail = rr_str(x, origin, "detail");
		f->origin_text = rr_str(x, origin, "text");
	}
	json_t *loc = json_object_get(o, "location");
	if (json_is_object(loc)) {
		f->location.source = f->origin.source;
		f->location.file = rr_str(x, loc, "file");
		f->location.line = rr_uint(x, loc, "line");
	}
	f->subject = rr_str(x, o, "subject");
	json_t *cause = json_object_get(o, "cause");
	if (json_is_object(cause)) {
		f->cause_rule = rr_str(x, cause, "rule_id");
		f->cause.source = SETTINGS_SRC_FILE;
		f->cause.file = rr_str(x, cause, "file");
		f->cause.line = rr_uint(x, cause, "line");
	}
	f->overridden = rr_str(x, o, "overridden");
	f->expected = rr_str(x, o, "expected");
	f->message = rr_str(x, o, "message");
	f->fix = rr_str(x, o, "fix");
	f->why = rr_str(x, o, "why");
	f->doc = rr_str(x, o, "doc");
	f->fingerprint = rr_str(x, o, "fingerprint");
	f->baseline = rr_str(x, o, "baseline");
	json_t *sup = json_object_get(o, "suppression");
	if (json_is_object(sup)) {
		f->suppression_kind = rr_str(x, sup, "kind");
		f->suppression_file = rr_str(x, sup, "file");
		f->suppression_line = rr_uint(x, sup, "line");
		f->suppression_reason = rr_str(x, sup, "reason");
		f->suppression_until = rr_str(x, sup, "until");
	}
	json_t *exp = json_object_get(o, "expired_suppression");
	if (json_is_object(exp)) {
		f->expired_kind = rr_str(x, exp, "kind");
		f->expired_file = rr_str(x, exp, "file");
		f->expired_line = rr_uint(x, exp, "line");
		f->expired_reason = rr_str(x, exp, "reason");
		f->expired_until = rr_str(x, exp, "until");
		if (!f->expired_file && !f->expired_reason)
			f->expired_reason = "";
	}
}

static void rr_target(struct rr_ctx *x, json_t *o, struct reportread_target *t, size_t ti)
{
	const char *s;
	char where[64];
	memset(t, 0, sizeof(*t));
	t->name = rr_str(x, o, "name");
	t->kind = rr_str(x, o, "kind");
	t->key = rr_str(x, o, "path_key");
	t->cluster = rr_str(x, o, "cluster");
	if (!t->name) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s: no name", x->where);
		x->errors++;
		t->name = "";
	}
	s = rr_str(x, o, "flavor");
	if (!s || flavor_parse(&t->flavor, s))
		t->flavor = FLAVOR_UNKNOWN;
	s = rr_str(x, o, "build");
	t->variant = s && !strcmp(s, "galera") ? FLAVOR_VARIANT_GALERA : FLAVOR_VARIANT_PLAIN;
	s = rr_str(x, o, "version");
	if (!s || version_parse(&t->version, s))
		version_set_unknown(&t->version);
	t->flavor_source = rr_str(x, o, "flavor_source");
	t->flavor_evidence = rr_str(x, o, "flavor_evidence");
	s = rr_str(x, o, "role");
	if (!s || role_parse(&t->role, s))
		t->role = ROLE_ANY;
	t->error = rr_str(x, o, "error");
	json_t *fs = json_object_get(o, "findings");
	if (fs && !json_is_array(fs)) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.findings: not an array", x->where);
		x->errors++;
		return;
	}
	size_t n = fs ? json_array_size(fs) : 0;
	t->findings = xcalloc(n ? n : 1, sizeof(*t->findings));
	for (size_t i = 0; i < n; i++) {
		json_t *fo = json_array_get(fs, i);
		snprintf(where, sizeof(where), "targets[%zu].findings[%zu]", ti, i);
		const char *saved = x->where;
		x->where = where;
		if (!json_is_object(fo)) {
			diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s: not an object", where);
			x->errors++;
		} else {
			rr_finding(x, fo, &t->findings[t->n++]);
		}
		x->where = saved;
	}
}

int reportread_load(struct reportread *r, const char *path, struct diag_list *d)
{
	json_error_t err;
	json_t *root = NULL;
	struct fileio_data file;
	char *why = NULL;
	struct rr_ctx x = { r, d, 0, "report" };
	int rc = -1;

	r->path = arena_strdup(&r->arena, path);
	if (fileio_read(path, FILEIO_REPORT, &file, &why) != FILEIO_OK) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot read the report: %s", why);
		free(why);
		return -1;
	}
	root = json_loadb(file.data, file.len, 0, &err);
	fileio_data_release(&file);
	if (!root) {
		diag_add(d, DIAG_ERROR, path, err.line > 0 ? (unsigned)err.line : 0, "not a JSON report: %s", err.text);
		return -1;
	}
	if (!json_is_object(root)) {
		diag_add(d, DIAG_ERROR, path, 0, "not a crashsafe report: the top level is not an object");
		goto out;
	}
	r->schema = rr_str(&x, root, "schema");
	if (!r->schema || strncmp(r->schema, REPORTREAD_SCHEMA, strlen(REPORTREAD_SCHEMA))) {
		diag_add(d, DIAG_ERROR, path, 0, "not a crashsafe report: schema '%s', expected '%s1' or '%s2'",
			 r->schema ? r->schema : "", REPORTREAD_SCHEMA, REPORTREAD_SCHEMA);
		goto out;
	}
	r->command = rr_str(&x, root, "command");
	json_t *tool = json_object_get(root, "tool");
	if (json_is_object(tool))
		r->tool_version = rr_str(&x, tool, "version");
	json_t *sm = json_object_get(root, "summary");
	if (json_is_object(sm)) {
		json_t *ie = json_object_get(sm, "input_errors");
		if (json_is_integer(ie) && json_integer_value(ie) > 0)
			r->input_errors = (size_t)json_integer_value(ie);
		json_t *es = json_object_get(sm, "exit_status");
		if (json_is_integer(es)) {
			r->exit_status = (int)json_integer_value(es);
			r->has_exit_status = 1;
		}
	}
	json_t *ts = json_object_get(root, "targets");
	if (!json_is_array(ts)) {
		diag_add(d, DIAG_ERROR, path, 0, "not a crashsafe report: no targets array");
		goto out;
	}
	size_t n = json_array_size(ts);
	r->targets = xcalloc(n ? n : 1, sizeof(*r->targets));
	for (size_t i = 0; i < n; i++) {
		char where[32];
		snprintf(where, sizeof(where), "targets[%zu]", i);
		x.where = where;
		json_t *to = json_array_get(ts, i);
		if (!json_is_object(to)) {
			diag_add(d, DIAG_ERROR, path, 0, "%s: not an object", where);
			x.errors++;
			continue;
		}
		rr_target(&x, to, &r->targets[r->n++], i);
	}
	rc = x.errors ? -1 : 0;
out:
	json_decref(root);
	return rc;
}

int reportread_is_report(const char *path)
{
	char buf[256];
	FILE *fp;
	int c = EOF;
	if (!strcmp(path, "-"))
		return 0;
	fp = fopen(path, "r");
	if (!fp)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf), fp);
	fclose(fp);
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == ' ' || buf[i] == '\t' || buf[i] == '\n' || buf[i] == '\r')
			continue;
		c = (unsigned char)buf[i];
		break;
	}
	return c == '{';
}

size_t reportread_to_result(const struct reportread *rr, struct audit_result *out)
{
	size_t base = out->n;
	for (size_t i = 0; i < rr->n; i++) {
		const struct reportread_target *rt = &rr->targets[i];
		struct target_result *t = audit_result_add_target(out, rt->name, rt->kind ? rt->kind : "file");
		t->flavor = rt->flavor;
		t->variant = rt->variant;
		t->version = rt->version;
		t->role = rt->role;
		t->flavor_source = audit_result_intern(out, rt->flavor_source);
		t->flavor_evidence = audit_result_intern(out, rt->flavor_evidence);
		t->error = audit_result_intern(out, rt->error);
		t->path_key = audit_result_intern(out, rt->key);
		t->cluster = audit_result_intern(out, rt->cluster);
		if (t->error)
			t->error_kind = rt->kind && !strcmp(rt->kind, "live") ? TARGET_ERROR_AUDIT : TARGET_ERROR_INPUT;
		for (size_t j = 0; j < rt->n; j++) {
			const struct reportread_finding *rf = &rt->findings[j];
			struct finding *f = target_result_add(t);
			f->rule_id = audit_result_intern(out, rf->rule_id);
			f->title = audit_result_intern(out, rf->title);
			f->severity = rf->severity;
			f->status = rf->status;
			f->channel = audit_result_intern(out, rf->channel);
			if (rf->status == FINDING_SUPPRESSED) {
				struct finding_suppression *s = arena_alloc(&out->arena, sizeof(*s));
				memset(s, 0, sizeof(*s));
				s->kind = audit_result_intern(out, rf->suppression_kind);
				s->file = audit_result_intern(out, rf->suppression_file);
				s->line = rf->suppression_line;
				s->reason = audit_result_intern(out, rf->suppression_reason);
				s->was = FINDING_FAIL;
				if (rf->suppression_until)
					suppress_date_parse(rf->suppression_until, &s->until);
				f->suppression = s;
			}
			if (rf->expired_file || rf->expired_reason) {
				struct finding_suppression *s = arena_alloc(&out->arena, sizeof(*s));
				memset(s, 0, sizeof(*s));
				s->kind = audit_result_intern(out, rf->expired_kind ? rf->expired_kind : "inline");
				s->file = audit_result_intern(out, rf->expired_file);
				s->line = rf->expired_line;
				s->reason = audit_result_intern(out, rf->expired_reason);
				s->was = rf->status;
				if (rf->expired_until)
					suppress_date_parse(rf->expired_until, &s->until);
				f->expired = s;
			}
			if (rf->cause_rule || rf->cause.file)
				f->cause_no = 1;
			if (rf->baseline && !strcmp(rf->baseline, "new"))
				f->baseline = FINDING_BASELINE_NEW;
			else if (rf->baseline && !strcmp(rf->baseline, "unchanged"))
				f->baseline = FINDING_BASELINE_UNCHANGED;
		}
	}
	return base;
}

/* ---- the stored sentences as an explainer ------------------------------------ */

struct rr_explain {
	const struct reportread *rr;
	const struct audit_result *out;
	size_t base;
};

static void rr_explain(struct explainer *x, const struct target_result *t, const struct finding *f,
		       struct explanation *e)
{
	const struct rr_explain *d = x->data;
	size_t ti = (size_t)(t - d->out->targets);
	if (ti < d->base || ti - d->base >= d->rr->n)
		return;
	const struct reportread_target *rt = &d->rr->targets[ti - d->base];
	size_t fi = (size_t)(f - t->findings);
	if (fi >= rt->n)
		return;
	const struct reportread_finding *rf = &rt->findings[fi];
	e->rule_id = rf->rule_id;
	e->title = rf->title;
	e->variable = rf->variable;
	e->value = rf->value;
	e->origin = rf->origin;
	e->origin_text = rf->origin_text;
	e->overridden = rf->overridden;
	e->expected = rf->expected;
	e->message = rf->message;
	e->fix = rf->fix;
	e->why = rf->why;
	e->doc = rf->doc;
	e->location = rf->location;
	e->subject = rf->subject;
	e->fingerprint = rf->fingerprint;
	e->cause_rule = rf->cause_rule;
	e->cause = rf->cause;
}

void reportread_explainer_init(struct explainer *x, const struct reportread *rr, const struct audit_result *out,
			       size_t base)
{
	struct rr_explain *d = xmalloc(sizeof(*d));
	d->rr = rr;
	d->out = out;
	d->base = base;
	explainer_init(x, NULL, NULL);
	x->explain = rr_explain;
	x->data = d;
	x->data_free = free;
}

/* ---- fingerprints ------------------------------------------------------------- */

static uint64_t fnv_part(uint64_t h, const char *s)
{
	if (!s) {
		h ^= 0x01;
		return h * 0x100000001b3ULL;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
	}
	h ^= 0;
	return h * 0x100000001b3ULL;
}

void reportread_fingerprint(const char *key, const char *rule_id, const char *channel, const char *value,
			    char out[17])
{
	uint64_t h = 0xcbf29ce484222325ULL;
	h = fnv_part(h, key);
	h = fnv_part(h, rule_id);
	h = fnv_part(h, channel);
	h = fnv_part(h, value);
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}
