/*
 * reportread.c - JSON reports read back with jansson (see reportread.h).
 */
#include "reportread.h"

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "fileio.h"
#include "../reports/report.h"
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
	for (size_t i = 0; i < r->n; i++) {
		free(r->targets[i].findings);
		free(r->targets[i].variables);
		free(r->targets[i].facts);
		free(r->targets[i].topo_channels);
	}
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

/* A "suppression"-shaped object into *out; 0 (and *out untouched) when obj is not an object. */
static int rr_suppression(struct rr_ctx *x, json_t *obj, struct reportread_suppression *out)
{
	if (!json_is_object(obj))
		return 0;
	out->kind = rr_str(x, obj, "kind");
	out->file = rr_str(x, obj, "file");
	out->line = rr_uint(x, obj, "line");
	out->reason = rr_str(x, obj, "reason");
	out->until = rr_str(x, obj, "until");
	return 1;
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
	{ "topology", SETTINGS_SRC_TOPOLOGY },
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
	rr_suppression(x, json_object_get(o, "suppression"), &f->suppression);
	if (rr_suppression(x, json_object_get(o, "expired_suppression"), &f->expired) &&
	    !f->expired.file && !f->expired.reason)
		f->expired.reason = "";
}

/* ---- the fleet data (issue 11, schema 3) ----------------------------------- */

static int rr_bool(struct rr_ctx *x, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_boolean(v)) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.%s: not true or false", x->where, key);
		x->errors++;
		return 0;
	}
	return json_is_true(v);
}

static size_t rr_size(struct rr_ctx *x, json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.%s: not a count", x->where, key);
		x->errors++;
		return 0;
	}
	return (size_t)json_integer_value(v);
}

/* An array of strings into the arena; *n its length. A wrong type is an error naming key. */
static const char **rr_strings(struct rr_ctx *x, json_t *obj, const char *key, size_t *n)
{
	json_t *a = json_object_get(obj, key);
	*n = 0;
	if (!a || json_is_null(a))
		return NULL;
	if (!json_is_array(a)) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.%s: not an array", x->where, key);
		x->errors++;
		return NULL;
	}
	size_t len = json_array_size(a);
	const char **v = arena_alloc(&x->r->arena, (len ? len : 1) * sizeof(*v));
	for (size_t i = 0; i < len; i++) {
		json_t *s = json_array_get(a, i);
		if (!json_is_string(s)) {
			diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.%s[%zu]: not a string", x->where, key, i);
			x->errors++;
			continue;
		}
		v[(*n)++] = arena_strndup(&x->r->arena, json_string_value(s), json_string_length(s));
	}
	return v;
}

static void rr_setting_value(struct rr_ctx *x, json_t *o, struct settings_value *v)
{
	memset(v, 0, sizeof(*v));
	v->value = rr_str(x, o, "value");
	v->spelled = rr_str(x, o, "spelled");
	json_t *origin = json_object_get(o, "origin");
	if (json_is_object(origin)) {
		const char *s = rr_str(x, origin, "source");
		for (size_t i = 0; s && i < ARRAY_SIZE(rr_sources); i++)
			if (!strcmp(s, rr_sources[i].word))
				v->origin.source = rr_sources[i].source;
		v->origin.file = rr_str(x, origin, "file");
		v->origin.line = rr_uint(x, origin, "line");
		v->origin.chain = rr_str(x, origin, "chain");
		v->origin.detail = rr_str(x, origin, "detail");
	}
}

static void rr_fleet(struct rr_ctx *x, json_t *o, struct reportread_target *t)
{
	json_t *fleet = json_object_get(o, "fleet");
	json_t *pos = json_object_get(o, "position");
	if (!json_is_object(fleet) || !json_is_integer(pos))
		return;   /* before schema 3: no fleet data */
	t->has_fleet = 1;
	t->position = rr_size(x, o, "position");
	t->tags = rr_strings(x, o, "tags", &t->ntags);
	const char *saved = x->where;
	char where[80];
	snprintf(where, sizeof(where), "%s.fleet", saved);
	x->where = where;
	t->file = rr_str(x, fleet, "file");
	t->includes = rr_strings(x, fleet, "includes", &t->nincludes);
	t->role_detected = rr_bool(x, fleet, "role_detected");
	t->version_detected = rr_bool(x, fleet, "version_detected");
	json_t *gh = json_object_get(fleet, "group_header");
	if (json_is_object(gh)) {
		t->group_header.source = SETTINGS_SRC_FILE;
		t->group_header.file = rr_str(x, gh, "file");
		t->group_header.line = rr_uint(x, gh, "line");
		t->group_header.chain = rr_str(x, gh, "chain");
		t->group_header.detail = rr_str(x, gh, "group");
	}
	json_t *ss = json_object_get(fleet, "settings");
	size_t n = json_is_array(ss) ? json_array_size(ss) : 0;
	t->settings = arena_alloc(&x->r->arena, (n ? n : 1) * sizeof(*t->settings));
	for (size_t i = 0; i < n; i++) {
		json_t *so = json_array_get(ss, i);
		struct reportread_setting *st = &t->settings[t->nsettings];
		memset(st, 0, sizeof(*st));
		st->name = json_is_object(so) ? rr_str(x, so, "name") : NULL;
		if (!st->name) {
			diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.settings[%zu]: no name", where, i);
			x->errors++;
			continue;
		}
		rr_setting_value(x, so, &st->current);
		json_t *ov = json_object_get(so, "overridden");
		size_t no = json_is_array(ov) ? json_array_size(ov) : 0;
		st->overridden = arena_alloc(&x->r->arena, (no ? no : 1) * sizeof(*st->overridden));
		for (size_t k = 0; k < no; k++)
			rr_setting_value(x, json_array_get(ov, k), &st->overridden[st->n_overridden++]);
		t->nsettings++;
	}
	json_t *cs = json_object_get(fleet, "channels");
	t->channels_known = json_is_array(cs);
	n = t->channels_known ? json_array_size(cs) : 0;
	t->channels = arena_alloc(&x->r->arena, (n ? n : 1) * sizeof(*t->channels));
	for (size_t i = 0; i < n; i++) {
		json_t *co = json_array_get(cs, i);
		if (!json_is_object(co))
			continue;
		struct settings_channel *c = &t->channels[t->nchannels++];
		memset(c, 0, sizeof(*c));
		c->name = rr_str(x, co, "name");
		if (!c->name)
			c->name = "";
		c->auto_position = rr_str(x, co, "auto_position");
		c->using_gtid = rr_str(x, co, "using_gtid");
		c->io_running = rr_str(x, co, "io_running");
		c->sql_running = rr_str(x, co, "sql_running");
		c->source_host = rr_str(x, co, "source_host");
		c->source_port = rr_uint(x, co, "source_port");
	}
	x->where = saved;
}

/* The report's "run" object (schema 3): rules, shard, the run's size. */
static void rr_run(struct rr_ctx *x, json_t *root)
{
	struct reportread *r = x->r;
	json_t *run = json_object_get(root, "run");
	if (!json_is_object(run))
		return;
	const char *saved = x->where;
	x->where = "run";
	r->has_run = 1;
	r->rules = rr_strings(x, run, "rules", &r->nrules);
	r->fleet_names = rr_strings(x, run, "fleet_settings", &r->nfleet_names);
	r->run_targets = rr_size(x, run, "targets");
	json_t *sh = json_object_get(run, "shard");
	if (json_is_object(sh)) {
		r->shard_index = rr_uint(x, sh, "index");
		r->shard_count = rr_uint(x, sh, "count");
		if (!r->shard_count || !r->shard_index || r->shard_index > r->shard_count) {
			diag_add(x->d, DIAG_ERROR, r->path, 0, "run.shard: %u of %u is not a shard", r->shard_index,
				 r->shard_count);
			x->errors++;
		}
	}
	x->where = saved;
}

static void rr_place(struct rr_ctx *x, json_t *o, struct settings_origin *at)
{
	if (!json_is_object(o))
		return;
	at->file = rr_str(x, o, "file");
	at->line = rr_uint(x, o, "line");
	at->source = at->file ? SETTINGS_SRC_FILE : SETTINGS_SRC_DEFAULT;
}

/* A diff report's target diff (finding.h), into the arena. */
static struct target_diff *rr_diff(struct rr_ctx *x, json_t *o)
{
	struct arena *a = &x->r->arena;
	struct target_diff *d = arena_alloc(a, sizeof(*d));
	const char *s;
	memset(d, 0, sizeof(*d));
	d->old_name = rr_str(x, o, "old_name");
	d->not_compared = rr_str(x, o, "not_compared");   /* null, or absent (older reports) */
	d->introduced = rr_uint(x, o, "introduced");
	d->unchanged = rr_uint(x, o, "unchanged");
	json_t *fx = json_object_get(o, "fixed");
	size_t n = json_is_array(fx) ? json_array_size(fx) : 0;
	d->fixed = arena_alloc(a, (n ? n : 1) * sizeof(*d->fixed));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(fx, i);
		struct target_diff_fixed *f = &d->fixed[d->nfixed];
		size_t k;
		if (!json_is_object(e))
			continue;
		memset(f, 0, sizeof(*f));
		f->rule_id = rr_str(x, e, "rule_id");
		f->title = rr_str(x, e, "title");
		s = rr_str(x, e, "severity");
		if (!s || severity_parse(&f->severity, s))
			f->severity = SEV_ERROR;
		s = rr_str(x, e, "status");
		for (k = 0; s && k < ARRAY_SIZE(rr_statuses); k++)
			if (!strcmp(s, rr_statuses[k].token))
				f->status = rr_statuses[k].status;
		f->channel = rr_str(x, e, "channel");
		f->variable = rr_str(x, e, "variable");
		f->value = rr_str(x, e, "value");
		f->message = rr_str(x, e, "message");
		rr_place(x, json_object_get(e, "location"), &f->location);
		f->fingerprint = rr_str(x, e, "fingerprint");
		d->nfixed++;
	}
	json_t *ch = json_object_get(o, "changes");
	n = json_is_array(ch) ? json_array_size(ch) : 0;
	d->changes = arena_alloc(a, (n ? n : 1) * sizeof(*d->changes));
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(ch, i);
		struct target_diff_change *c = &d->changes[d->nchanges];
		if (!json_is_object(e))
			continue;
		memset(c, 0, sizeof(*c));
		c->variable = rr_str(x, e, "variable");
		if (!c->variable)
			continue;
		json_t *old = json_object_get(e, "old"), *new = json_object_get(e, "new");
		if (json_is_object(old)) {
			c->old_value = rr_str(x, old, "value");
			c->old_origin = rr_str(x, old, "origin");
			rr_place(x, old, &c->old_at);
		}
		if (json_is_object(new)) {
			c->new_value = rr_str(x, new, "value");
			c->new_origin = rr_str(x, new, "origin");
			rr_place(x, new, &c->new_at);
		}
		d->nchanges++;
	}
	return d;
}

/* An object of name -> string or null, as pairs. */
static size_t rr_pairs(struct rr_ctx *x, json_t *o, const char *key, struct reportread_pair **out)
{
	json_t *obj = json_object_get(o, key), *v;
	const char *name;
	size_t n = 0;
	*out = NULL;
	if (!obj || json_is_null(obj))
		return 0;
	if (!json_is_object(obj)) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.%s: not an object", x->where, key);
		x->errors++;
		return 0;
	}
	*out = xcalloc(json_object_size(obj) ? json_object_size(obj) : 1, sizeof(**out));
	json_object_foreach(obj, name, v) {
		if (!json_is_null(v) && !json_is_string(v)) {
			diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.%s.%s: not a string", x->where, key, name);
			x->errors++;
			continue;
		}
		(*out)[n].name = arena_strdup(&x->r->arena, name);
		(*out)[n].value = json_is_string(v) ? arena_strndup(&x->r->arena, json_string_value(v),
								   json_string_length(v)) : NULL;
		n++;
	}
	return n;
}

/* The "topology" block of a target (issue 12), when the report has one. */
static void rr_topology(struct rr_ctx *x, json_t *o, struct reportread_target *t)
{
	static const struct {
		const char *key;
		size_t off;
	} fields[] = {
		{ "name", offsetof(struct settings_channel, name) },
		{ "source_host", offsetof(struct settings_channel, source_host) },
		{ "source_server_id", offsetof(struct settings_channel, source_server_id) },
		{ "source_uuid", offsetof(struct settings_channel, source_uuid) },
		{ "auto_position", offsetof(struct settings_channel, auto_position) },
		{ "using_gtid", offsetof(struct settings_channel, using_gtid) },
		{ "io_running", offsetof(struct settings_channel, io_running) },
		{ "sql_running", offsetof(struct settings_channel, sql_running) },
		{ "last_io_errno", offsetof(struct settings_channel, last_io_errno) },
		{ "last_io_error", offsetof(struct settings_channel, last_io_error) },
		{ "last_sql_errno", offsetof(struct settings_channel, last_sql_errno) },
		{ "last_sql_error", offsetof(struct settings_channel, last_sql_error) },
		{ "skip_counter", offsetof(struct settings_channel, skip_counter) },
		{ "source", offsetof(struct settings_channel, source_target) },
		{ "source_why", offsetof(struct settings_channel, source_why) },
	};
	json_t *tb = json_object_get(o, "topology"), *chs, *known;
	const char *saved = x->where;
	char where[96];
	if (!tb || json_is_null(tb))
		return;
	if (!json_is_object(tb)) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.topology: not an object", x->where);
		x->errors++;
		return;
	}
	snprintf(where, sizeof(where), "%s.topology", saved);
	x->where = where;
	t->has_topology = 1;
	t->address = rr_str(x, tb, "address");
	t->multi_writer = rr_str(x, tb, "multi_writer");
	known = json_object_get(tb, "channels_known");
	t->topo_channels_known = known && json_is_true(known);
	t->nvariables = rr_pairs(x, tb, "variables", &t->variables);
	t->nfacts = rr_pairs(x, tb, "facts", &t->facts);
	chs = json_object_get(tb, "channels");
	if (chs && json_is_array(chs)) {
		size_t n = json_array_size(chs);
		t->topo_channels = xcalloc(n ? n : 1, sizeof(*t->topo_channels));
		for (size_t i = 0; i < n; i++) {
			json_t *co = json_array_get(chs, i), *v;
			struct settings_channel *ch = &t->topo_channels[t->ntopo_channels];
			if (!json_is_object(co))
				continue;
			for (size_t k = 0; k < ARRAY_SIZE(fields); k++)
				*(const char **)(void *)((char *)ch + fields[k].off) = rr_str(x, co, fields[k].key);
			if (!ch->name)
				ch->name = "";
			v = json_object_get(co, "source_port");
			if (v && json_is_integer(v) && json_integer_value(v) > 0 && json_integer_value(v) <= 65535)
				ch->source_port = (unsigned)json_integer_value(v);
			v = json_object_get(co, "group_replication");
			ch->group_replication = v && json_is_true(v);
			t->ntopo_channels++;
		}
	} else if (chs && !json_is_null(chs)) {
		diag_add(x->d, DIAG_ERROR, x->r->path, 0, "%s.channels: not an array", where);
		x->errors++;
	}
	x->where = saved;
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
	rr_fleet(x, o, t);
	json_t *df = json_object_get(o, "diff");
	if (json_is_object(df))
		t->diff = rr_diff(x, df);
	rr_topology(x, o, t);
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

/*
 * "generated" ("2026-11-30T08:43:12.345Z", UTC, as report_time_iso() writes it)
 * and "duration_seconds" of a report written with --timestamp into r->generated
 * and r->duration (has_time); a report without them, or with a time that is not
 * that form, has none.
 */
static void rr_time(struct reportread *r, json_t *root)
{
	json_t *g = json_object_get(root, "generated"), *dur = json_object_get(root, "duration_seconds");
	struct tm tm;
	memset(&tm, 0, sizeof(tm));
	const char *text = json_is_string(g) ? json_string_value(g) : NULL;
	int used = 0;
	if (!text || !json_is_number(dur) ||
	    sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
		   &tm.tm_sec, &used) != 6 || used != 19)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	const char *rest = text + used;
	double frac = 0;
	if (*rest == '.') {
		double scale = 0.1;
		for (rest++; *rest >= '0' && *rest <= '9'; rest++, scale /= 10)
			frac += (*rest - '0') * scale;
	}
	if (strcmp(rest, "Z"))
		return;
	r->generated = (double)timegm(&tm) + frac;
	r->duration = json_number_value(dur);
	r->has_time = r->duration >= 0;
}

int reportread_schema_known(const char *schema)
{
	static const char *const known[] = { REPORTREAD_SCHEMA "1", REPORTREAD_SCHEMA "2", REPORTREAD_SCHEMA_FLEET };
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(schema, known[i]))
			return 1;
	return 0;
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
		diag_add(d, DIAG_ERROR, path, 0, "not a crashsafe report: schema '%s', expected '%s1' to '%s3'",
			 r->schema ? r->schema : "", REPORTREAD_SCHEMA, REPORTREAD_SCHEMA);
		goto out;
	}
	if (!reportread_schema_known(r->schema)) {
		/* a later schema may mean anything by its members: refused, not read as if it were 3 */
		diag_add(d, DIAG_ERROR, path, 0,
			 "schema '%s' is not one this crashsafe reads ('%s1' to '%s3'): a report of a later release?",
			 r->schema, REPORTREAD_SCHEMA, REPORTREAD_SCHEMA);
		goto out;
	}
	r->command = rr_str(&x, root, "command");
	rr_time(r, root);
	rr_run(&x, root);
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

static void rr_origin_into(struct audit_result *out, struct settings_origin *dst, const struct settings_origin *src)
{
	*dst = *src;
	dst->file = audit_result_intern(out, src->file);
	dst->chain = audit_result_intern(out, src->chain);
	dst->detail = audit_result_intern(out, src->detail);
}

static void rr_value_into(struct audit_result *out, struct settings_value *dst, const struct settings_value *src)
{
	dst->value = audit_result_intern(out, src->value);
	dst->spelled = audit_result_intern(out, src->spelled);
	rr_origin_into(out, &dst->origin, &src->origin);
}

/*
 * Added (issue 12): the channels of the "topology" block (every column the
 * channel and link rules read), rather than the fleet block's fewer ones.
 */
static void rr_view_topology_channels(struct audit_result *out, struct settings *v, const struct reportread_target *rt)
{
	for (size_t i = 0; i < rt->ntopo_channels; i++) {
		const struct settings_channel *a = &rt->topo_channels[i];
		struct settings_channel *b = settings_add_channel(v, a->name);
		*b = *a;
		b->name = audit_result_intern(out, a->name);
		b->auto_position = audit_result_intern(out, a->auto_position);
		b->using_gtid = audit_result_intern(out, a->using_gtid);
		b->io_running = audit_result_intern(out, a->io_running);
		b->sql_running = audit_result_intern(out, a->sql_running);
		b->source_host = audit_result_intern(out, a->source_host);
		b->last_io_errno = audit_result_intern(out, a->last_io_errno);
		b->last_io_error = audit_result_intern(out, a->last_io_error);
		b->last_sql_errno = audit_result_intern(out, a->last_sql_errno);
		b->last_sql_error = audit_result_intern(out, a->last_sql_error);
		b->skip_counter = audit_result_intern(out, a->skip_counter);
		b->source_server_id = audit_result_intern(out, a->source_server_id);
		b->source_uuid = audit_result_intern(out, a->source_uuid);
		b->source_target = audit_result_intern(out, a->source_target);
		b->source_why = audit_result_intern(out, a->source_why);
		b->source_index = 0;   /* merge links the channels again (topology_link) */
	}
}

/*
 * Added (issue 12): what the "topology" block adds to the view (the topology
 * rules read it, topology.h): address, multi_writer, and the variables the
 * fleet settings do not already hold (reports before the topology rules'
 * reads were fleet settings).
 */
static void rr_view_topology(struct audit_result *out, struct settings *v, const struct reportread_target *rt)
{
	struct settings_origin o;
	if (!rt->has_topology)
		return;
	v->address = audit_result_intern(out, rt->address);
	v->multi_writer = audit_result_intern(out, rt->multi_writer);
	memset(&o, 0, sizeof(o));
	o.source = rt->kind && !strcmp(rt->kind, "file") ? SETTINGS_SRC_FILE
		   : rt->kind && !strcmp(rt->kind, "live") ? SETTINGS_SRC_LIVE : SETTINGS_SRC_SNAPSHOT;
	for (size_t i = 0; i < rt->nvariables; i++)
		if (!settings_get(v, rt->variables[i].name))
			settings_set(v, rt->variables[i].name, rt->variables[i].value, rt->variables[i].name, &o);
	/* the topology.* facts as the run derived them (topology_link() replaces them when run again) */
	o.source = SETTINGS_SRC_TOPOLOGY;
	for (size_t i = 0; i < rt->nfacts; i++)
		if (!settings_get(v, rt->facts[i].name))
			settings_set(v, rt->facts[i].name, rt->facts[i].value, rt->facts[i].name, &o);
}

/* The target's view as far as the report carries it (schema 3's fleet data): what fleet rules read. */
static void rr_view(struct audit_result *out, struct target_result *t, const struct reportread_target *rt)
{
	struct settings *v = &t->view;
	v->flavor = t->flavor;
	v->version = t->version;
	v->variant = t->variant;
	v->role = t->role;
	v->flavor_source = t->flavor_source;
	v->flavor_evidence = t->flavor_evidence;
	v->role_detected = rt->role_detected;
	v->version_detected = rt->version_detected;
	v->topology = t->cluster;
	v->error = t->error;
	rr_origin_into(out, &v->group_header, &rt->group_header);
	v->channels_known = rt->channels_known || rt->topo_channels_known;
	if (rt->ntopo_channels) {
		rr_view_topology_channels(out, v, rt);
	} else if (rt->nchannels) {
		v->channels = xcalloc(rt->nchannels, sizeof(*v->channels));
		v->nchannels = v->channels_cap = rt->nchannels;
		for (size_t i = 0; i < rt->nchannels; i++) {
			const struct settings_channel *a = &rt->channels[i];
			struct settings_channel *b = &v->channels[i];
			b->name = audit_result_intern(out, a->name);
			b->auto_position = audit_result_intern(out, a->auto_position);
			b->using_gtid = audit_result_intern(out, a->using_gtid);
			b->io_running = audit_result_intern(out, a->io_running);
			b->sql_running = audit_result_intern(out, a->sql_running);
			b->source_host = audit_result_intern(out, a->source_host);
			b->source_port = a->source_port;
		}
	}
	for (size_t i = 0; i < rt->nsettings; i++) {
		const struct reportread_setting *st = &rt->settings[i];
		ARRAY_GROW(v->vars, v->n + 1, v->cap);
		struct settings_var *dv = &v->vars[v->n++];
		memset(dv, 0, sizeof(*dv));
		dv->name = audit_result_intern(out, st->name);
		strmap_put(&v->index, dv->name, v->n - 1);
		rr_value_into(out, &dv->current, &st->current);
		if (st->n_overridden) {
			dv->overridden = xcalloc(st->n_overridden, sizeof(*dv->overridden));
			dv->n_overridden = dv->overridden_cap = st->n_overridden;
			for (size_t k = 0; k < st->n_overridden; k++)
				rr_value_into(out, &dv->overridden[k], &st->overridden[k]);
		}
	}
	rr_view_topology(out, v, rt);
}

struct target_result *reportread_add_target(const struct reportread_target *rt, struct audit_result *out)
{
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
	t->position = rt->position;
	t->real_path = audit_result_intern(out, rt->file);
	if (rt->nincludes) {
		t->includes = arena_alloc(&out->arena, rt->nincludes * sizeof(*t->includes));
		for (size_t i = 0; i < rt->nincludes; i++)
			t->includes[i] = audit_result_intern(out, rt->includes[i]);
		t->nincludes = rt->nincludes;
	}
	if (rt->ntags) {
		struct strbuf sb = { 0 };
		for (size_t i = 0; i < rt->ntags; i++)
			strbuf_addf(&sb, "%s%s", i ? "," : "", rt->tags[i]);
		t->tags = audit_result_intern(out, sb.buf);
		strbuf_release(&sb);
	}
	t->diff = rt->diff;   /* in rr's arena: rr outlives out (reportread.h) */
	rr_view(out, t, rt);
	return t;
}

struct finding *reportread_add_finding(const struct reportread_finding *rf, struct target_result *t,
				       struct audit_result *out)
{
	struct finding *f = target_result_add(t);
	f->rule_id = audit_result_intern(out, rf->rule_id);
	f->title = audit_result_intern(out, rf->title);
	f->severity = rf->severity;
	f->status = rf->status;
	f->channel = audit_result_intern(out, rf->channel);
	if (rf->status == FINDING_SUPPRESSED)
		f->suppression = reportread_suppression_make(out, &rf->suppression, NULL, FINDING_FAIL);
	if (rf->expired.file || rf->expired.reason)
		f->expired = reportread_suppression_make(out, &rf->expired, "inline", rf->status);
	if (rf->cause_rule || rf->cause.file)
		f->cause_no = 1;
	if (rf->baseline && !strcmp(rf->baseline, "new"))
		f->baseline = FINDING_BASELINE_NEW;
	else if (rf->baseline && !strcmp(rf->baseline, "unchanged"))
		f->baseline = FINDING_BASELINE_UNCHANGED;
	return f;
}

void reportread_run(const struct reportread *rr, struct report_run *run)
{
	run->fleet_vars = rr->fleet_names;
	run->nfleet_vars = rr->nfleet_names;
	run->rule_ids = rr->rules;
	run->nrule_ids = rr->nrules;
	run->shard_index = rr->shard_index;
	run->shard_count = rr->shard_count;
	run->run_targets = rr->run_targets;
}

size_t reportread_to_result(const struct reportread *rr, struct audit_result *out)
{
	size_t base = out->n;
	for (size_t i = 0; i < rr->n; i++) {
		const struct reportread_target *rt = &rr->targets[i];
		struct target_result *t = reportread_add_target(rt, out);
		for (size_t j = 0; j < rt->n; j++)
			reportread_add_finding(&rt->findings[j], t, out)->read_no = (unsigned)j + 1;
	}
	return base;
}

struct finding_suppression *reportread_suppression_make(struct audit_result *out,
							 const struct reportread_suppression *rs,
							 const char *default_kind, enum finding_status was)
{
	struct finding_suppression *s = arena_alloc(&out->arena, sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->kind = audit_result_intern(out, rs->kind ? rs->kind : default_kind);
	s->file = audit_result_intern(out, rs->file);
	s->line = rs->line;
	s->reason = audit_result_intern(out, rs->reason);
	s->was = was;
	if (rs->until)
		suppress_date_parse(rs->until, &s->until);
	return s;
}

/* ---- the stored sentences as an explainer ------------------------------------ */

void reportread_finding_explain(const struct reportread_finding *rf, struct explanation *e)
{
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
	/* by the finding's own number, not its place: diff re-sorts findings it suppressed (breaker8 finding 1) */
	if (!f->read_no || f->read_no > rt->n)
		return;
	reportread_finding_explain(&rt->findings[f->read_no - 1], e);
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
	/* "%016llx" without printf (issue 13: once per finding of a JSON report, 3% of it) */
	static const char hex[] = "0123456789abcdef";
	for (int i = 15; i >= 0; i--) {
		out[i] = hex[h & 15];
		h >>= 4;
	}
	out[16] = '\0';
}
