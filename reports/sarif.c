/*
 * sarif.c - the SARIF 2.1.0 report, for code hosts that annotate the
 * option-file line a finding is about. docs/report-formats.md has the
 * mapping:
 *
 *   runs[0].tool.driver.rules   every rule seen in the result (any status),
 *                               in rule-id order: id, name, shortDescription
 *                               (title), fullDescription (why), help (fix),
 *                               helpUri (doc), defaultConfiguration.level
 *   runs[0].results             fail findings (kind "fail", level from the
 *                               severity) and could-not-evaluate findings
 *                               (kind "open", level "none", as SARIF requires
 *                               for a kind other than "fail")
 *   location                    the option file and line of the value when the
 *                               origin has both; else the target when it is a
 *                               file; else none
 *   runs[0].invocations[0]      executionSuccessful is false when a target
 *                               could not be audited; each such target is a
 *                               toolExecutionNotification; properties.targets
 *                               lists every target's flavor, build, version
 *                               and what decided them
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "../auditor/banned.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

struct sarif_rule {
	const struct finding *f;  /* the first finding of this rule: its metadata */
};

static int sarif_rule_cmp(const void *pa, const void *pb)
{
	const struct sarif_rule *a = pa, *b = pb;
	return strcmp(a->f->rule_id, b->f->rule_id);
}

/* Every distinct rule id in r, sorted, one entry each. Caller frees *out. */
static size_t sarif_collect_rules(const struct audit_result *r, struct sarif_rule **out)
{
	struct sarif_rule *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t i = 0; i < r->n; i++) {
		for (size_t k = 0; k < r->targets[i].n; k++) {
			const struct finding *f = &r->targets[i].findings[k];
			if (!f->rule_id)
				continue;
			ARRAY_GROW(v, n + 1, cap);
			v[n++].f = f;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), sarif_rule_cmp);
	/* Keep the first of each id; qsort is not stable, so prefer the earliest finding. */
	size_t m = 0;
	for (size_t i = 0; i < n; i++) {
		if (m && !strcmp(v[m - 1].f->rule_id, v[i].f->rule_id)) {
			if (v[i].f < v[m - 1].f)
				v[m - 1] = v[i];
			continue;
		}
		v[m++] = v[i];
	}
	*out = v;
	return m;
}

static long sarif_rule_index(const struct sarif_rule *rules, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(rules[mid].f->rule_id, id);
		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static const char *sarif_level(enum severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	case SEV_INFO: return "note";
	default: return "none";
	}
}

/*
 * A path as a URI reference: relative paths stay relative (resolved by the
 * consumer against the repository root), absolute ones become file:// URIs.
 * Bytes outside RFC 3986's unreserved set and '/' are percent-encoded.
 */
static char *sarif_uri(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	struct strbuf sb = { 0 };
	if (path[0] == '/')
		strbuf_addstr(&sb, "file://");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		int keep = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			   (*p >= '0' && *p <= '9') || strchr("-._~/", *p);
		if (keep) {
			strbuf_addch(&sb, *p);
		} else {
			strbuf_addch(&sb, '%');
			strbuf_addch(&sb, hex[*p >> 4]);
			strbuf_addch(&sb, hex[*p & 15]);
		}
	}
	return strbuf_detach(&sb);
}

static void sarif_text(struct jsonw *w, const char *key, const char *text)
{
	jsonw_open(w, key, '{');
	jsonw_str(w, "text", text);
	jsonw_close(w, '}');
}

static void sarif_location(struct jsonw *w, const char *path, unsigned line)
{
	char *uri = sarif_uri(path);
	jsonw_open(w, NULL, '{');
	jsonw_open(w, "physicalLocation", '{');
	jsonw_open(w, "artifactLocation", '{');
	jsonw_str(w, "uri", uri);
	jsonw_close(w, '}');
	if (line) {
		jsonw_open(w, "region", '{');
		jsonw_uint(w, "startLine", line);
		jsonw_close(w, '}');
	}
	jsonw_close(w, '}');
	jsonw_close(w, '}');
	free(uri);
}

static void sarif_rules(struct jsonw *w, const struct sarif_rule *rules, size_t n)
{
	jsonw_open(w, "rules", '[');
	for (size_t i = 0; i < n; i++) {
		const struct finding *f = rules[i].f;
		char *help = f->fix ? xasprintf("Fix: %s", f->fix) : NULL;
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "id", f->rule_id);
		sarif_text(w, "shortDescription", f->title ? f->title : f->rule_id);
		if (f->why)
			sarif_text(w, "fullDescription", f->why);
		if (help)
			sarif_text(w, "help", help);
		if (f->doc)
			jsonw_str(w, "helpUri", f->doc);
		jsonw_open(w, "defaultConfiguration", '{');
		jsonw_str(w, "level", sarif_level(f->severity));
		jsonw_close(w, '}');
		jsonw_open(w, "properties", '{');
		jsonw_str(w, "severity", report_severity_name(f->severity));
		jsonw_close(w, '}');
		jsonw_close(w, '}');
		free(help);
	}
	jsonw_close(w, ']');
}

static char *sarif_message(const struct target_result *t, const struct finding *f)
{
	struct strbuf sb = { 0 };
	char *line = report_finding_line(f);
	strbuf_addf(&sb, "%s: ", t->name);
	if (f->channel)
		strbuf_addf(&sb, "channel '%s': ", f->channel);
	if (f->status == FINDING_UNKNOWN)
		strbuf_addstr(&sb, "could not evaluate: ");
	strbuf_addstr(&sb, f->title ? f->title : report_rule_id(f));
	strbuf_addf(&sb, ": %s.", line);
	if (f->message && strcmp(f->message, line))
		strbuf_addf(&sb, " %s", f->message);
	if (f->fix)
		strbuf_addf(&sb, " Fix: %s", f->fix);
	free(line);
	return strbuf_detach(&sb);
}

static void sarif_result(struct jsonw *w, const struct target_result *t, const struct finding *f,
			 long rule_index)
{
	char *msg = sarif_message(t, f);
	char *origin = report_origin_text(f);
	char *fingerprint = xasprintf("%s|%s|%s", t->name, report_rule_id(f), f->channel ? f->channel : "");

	jsonw_open(w, NULL, '{');
	jsonw_str(w, "ruleId", report_rule_id(f));
	if (rule_index >= 0)
		jsonw_int(w, "ruleIndex", rule_index);
	jsonw_str(w, "kind", f->status == FINDING_FAIL ? "fail" : "open");
	jsonw_str(w, "level", f->status == FINDING_FAIL ? sarif_level(f->severity) : "none");
	sarif_text(w, "message", msg);
	jsonw_open(w, "locations", '[');
	if (f->origin.file && f->origin.line)
		sarif_location(w, f->origin.file, f->origin.line);
	else if (t->kind && !strcmp(t->kind, "file"))
		sarif_location(w, t->name, 0);
	jsonw_close(w, ']');
	jsonw_open(w, "partialFingerprints", '{');
	jsonw_str(w, "crashsafe/v1", fingerprint);
	jsonw_close(w, '}');
	jsonw_open(w, "properties", '{');
	jsonw_str(w, "target", t->name);
	jsonw_str(w, "status", report_status_name(f->status));
	jsonw_str(w, "severity", report_severity_name(f->severity));
	jsonw_str(w, "channel", f->channel);
	jsonw_str(w, "variable", f->variable);
	jsonw_str(w, "value", f->value);
	jsonw_str(w, "origin", origin);
	jsonw_str(w, "chain", f->origin.chain);
	jsonw_str(w, "overridden", f->overridden);
	jsonw_str(w, "expected", f->expected);
	jsonw_str(w, "fix", f->fix);
	jsonw_close(w, '}');
	jsonw_close(w, '}');
	free(msg);
	free(origin);
	free(fingerprint);
}

static void sarif_invocation(struct jsonw *w, const struct audit_result *r, const struct report_options *o)
{
	int ok = 1;
	for (size_t i = 0; i < r->n; i++)
		if (r->targets[i].error)
			ok = 0;
	jsonw_open(w, "invocations", '[');
	jsonw_open(w, NULL, '{');
	jsonw_bool(w, "executionSuccessful", ok);
	if (!ok) {
		jsonw_open(w, "toolExecutionNotifications", '[');
		for (size_t i = 0; i < r->n; i++) {
			const struct target_result *t = &r->targets[i];
			if (!t->error)
				continue;
			char *msg = xasprintf("%s: could not be audited: %s", t->name, t->error);
			jsonw_open(w, NULL, '{');
			jsonw_str(w, "level", "error");
			sarif_text(w, "message", msg);
			if (t->kind && !strcmp(t->kind, "file")) {
				jsonw_open(w, "locations", '[');
				sarif_location(w, t->name, 0);
				jsonw_close(w, ']');
			}
			jsonw_close(w, '}');
			free(msg);
		}
		jsonw_close(w, ']');
	}
	jsonw_open(w, "properties", '{');
	if (o && o->command)
		jsonw_str(w, "command", o->command);
	/* each target's flavor, build and version, and what decided them */
	jsonw_open(w, "targets", '[');
	for (size_t i = 0; i < r->n; i++) {
		const struct target_result *t = &r->targets[i];
		char vbuf[32];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "name", t->name);
		jsonw_str(w, "flavor", flavor_name(t->flavor));
		jsonw_str(w, "build", flavor_variant_name(t->variant));
		jsonw_str(w, "version", report_version_text(&t->version, vbuf, sizeof(vbuf)));
		jsonw_str(w, "flavor_source", t->flavor_source);
		jsonw_str(w, "flavor_evidence", t->flavor_evidence);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
	jsonw_close(w, '}');
	jsonw_close(w, ']');
}

int report_sarif_write(const struct audit_result *r, const struct report_options *o, FILE *fp)
{
	struct jsonw w;
	struct sarif_rule *rules;
	size_t nrules = sarif_collect_rules(r, &rules);

	jsonw_init(&w, fp);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "$schema", SARIF_SCHEMA);
	jsonw_str(&w, "version", "2.1.0");
	jsonw_open(&w, "runs", '[');
	jsonw_open(&w, NULL, '{');
	jsonw_open(&w, "tool", '{');
	jsonw_open(&w, "driver", '{');
	jsonw_str(&w, "name", "crashsafe");
	if (o && o->tool_version)
		jsonw_str(&w, "version", o->tool_version);
	sarif_rules(&w, rules, nrules);
	jsonw_close(&w, '}');
	jsonw_close(&w, '}');
	sarif_invocation(&w, r, o);
	jsonw_open(&w, "results", '[');
	for (size_t i = 0; i < r->n; i++) {
		const struct target_result *t = &r->targets[i];
		const struct finding **sorted = report_sorted_findings(t);
		for (size_t k = 0; k < t->n; k++) {
			const struct finding *f = sorted[k];
			if (f->status != FINDING_FAIL && f->status != FINDING_UNKNOWN)
				continue;
			sarif_result(&w, t, f, f->rule_id ? sarif_rule_index(rules, nrules, f->rule_id) : -1);
		}
		free(sorted);
	}
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	free(rules);
	return jsonw_finish(&w);
}
