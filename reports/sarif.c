/*
 * sarif.c - the SARIF 2.1.0 report, for code hosts that annotate the
 * option-file line a finding is about. docs/report-formats.md has the
 * mapping:
 *
 *   runs[0].tool.driver.rules   every rule the run loaded (known before the
 *                               first target, so results can be streamed),
 *                               in rule-id order: id, shortDescription
 *                               (title), fullDescription (why), help (fix),
 *                               helpUri (doc), defaultConfiguration.level
 *   runs[0].results             fail findings (kind "fail", level from the
 *                               severity) and could-not-evaluate findings
 *                               (kind "open", level "none", as SARIF requires
 *                               for a kind other than "fail"); suppressed
 *                               ones (issue 10) as what they were, with
 *                               suppressions[] (kind "inSource" for an
 *                               inline annotation, else "external"; status
 *                               "accepted"; the reason as justification);
 *                               with --baseline, baselineState "new" or
 *                               "unchanged"; partialFingerprints
 *                               "crashsafe/finding/v1" is the baseline's
 *                               fingerprint (suppress_fingerprint())
 *   location                    the explainer's location: the line of the value
 *                               or of the offending line; for a value left at
 *                               its default, the header of the group a line for
 *                               it belongs in; else the target file; else none
 *   runs[0].invocations[0]      after the results: executionSuccessful is
 *                               false when a target could not be audited;
 *                               each such target is a toolExecutionNotification;
 *                               properties.targets lists every target's flavor,
 *                               build, version and what decided them
 */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "report_int.h"
#include "../auditor/engine.h"
#include "../auditor/suppress.h"
#include "../auditor/banned.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"

struct sarif_failed {
	char *name, *kind, *error;
};

/* What the invocation lists of every target (copied: a target is not kept once written). */
struct sarif_target_info {
	char *name, *version, *flavor_source, *flavor_evidence;
	enum flavor flavor;
	enum flavor_variant variant;
};

struct sarif {
	struct jsonw w;
	struct explainer *x;
	const struct rule **rules;     /* every rule of the run, sorted by id */
	size_t nrules;
	struct sarif_failed *failed;   /* targets that could not be audited, for the invocation */
	size_t nfailed, failed_cap;
	struct sarif_target_info *targets;   /* every target, for the invocation's properties */
	size_t ntargets, targets_cap;
	const char *command;
	const struct report_run *run;
};

static int sarif_rule_cmp(const void *pa, const void *pb)
{
	const struct rule *a = *(const struct rule *const *)pa, *b = *(const struct rule *const *)pb;
	return strcmp(a->id, b->id);
}

static long sarif_rule_index(const struct sarif *x, const char *id)
{
	size_t lo = 0, hi = x->nrules;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(x->rules[mid]->id, id);
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
	/* RFC 3986's unreserved set and '/': a table, not a strchr() per byte (issue 13) */
	static const unsigned char keep[256] = {
		['-'] = 1, ['.'] = 1, ['_'] = 1, ['~'] = 1, ['/'] = 1,
		['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
		['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
		['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
		['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
		['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
		['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
		['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
	};
	size_t n = strlen(path);
	char *out = xmalloc(sizeof("file://") + 3 * n), *d = out;
	if (path[0] == '/') {
		memcpy(d, "file://", 7);
		d += 7;
	}
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (keep[*p]) {
			*d++ = (char)*p;
		} else {
			*d++ = '%';
			*d++ = hex[*p >> 4];
			*d++ = hex[*p & 15];
		}
	}
	*d = '\0';
	return out;
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

/* { "mariadb": ... } for the flavors whose text is their own. */
static void sarif_rule_flavored(struct jsonw *w, const char *key, const char *const by[4])
{
	static const enum flavor flavors[] = { FLAVOR_MYSQL, FLAVOR_PERCONA, FLAVOR_MARIADB };
	jsonw_open(w, key, '{');
	for (size_t i = 0; i < ARRAY_SIZE(flavors); i++)
		if (by[flavors[i]])
			jsonw_str(w, flavor_name(flavors[i]), by[flavors[i]]);
	jsonw_close(w, '}');
}

static void sarif_rules(struct jsonw *w, const struct sarif *x)
{
	jsonw_open(w, "rules", '[');
	for (size_t i = 0; i < x->nrules; i++) {
		const struct rule *r = x->rules[i];
		char *help = r->fix ? xasprintf("Fix: %s", r->fix) : NULL;
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "id", r->id);
		sarif_text(w, "shortDescription", r->title ? r->title : r->id);
		if (r->why)
			sarif_text(w, "fullDescription", r->why);
		if (help)
			sarif_text(w, "help", help);
		if (r->doc)
			jsonw_str(w, "helpUri", r->doc);
		jsonw_open(w, "defaultConfiguration", '{');
		jsonw_str(w, "level", sarif_level(r->severity));
		jsonw_close(w, '}');
		jsonw_open(w, "properties", '{');
		jsonw_str(w, "severity", report_severity_name(r->severity));
		sarif_rule_flavored(w, "helpUri_by_flavor", r->doc_for);
		sarif_rule_flavored(w, "fix_by_flavor", r->fix_for);
		jsonw_close(w, '}');
		jsonw_close(w, '}');
		free(help);
	}
	jsonw_close(w, ']');
}

/*
 * "TARGET[ SUBJECT]: [could not evaluate: ]TITLE: FOUND; expected EXPECTED.
 * Fix: FIX": the value said once, in what was found.
 */
static char *sarif_message(const struct target_result *t, const struct finding *f, const struct explanation *e,
			   const char *subject)
{
	struct strbuf sb = { 0 };
	char *found = report_found(f, e);
	enum finding_status st = e->suppression ? e->suppression->was : f->status;
	/* in pieces, not through a format (issue 13) */
	strbuf_addstr(&sb, t->name);
	if (subject) {
		strbuf_add(&sb, " [", 2);
		strbuf_addstr(&sb, subject);
		strbuf_addch(&sb, ']');
	}
	strbuf_add(&sb, ": ", 2);
	if (st == FINDING_UNKNOWN)
		strbuf_addstr(&sb, "could not evaluate: ");
	strbuf_addstr(&sb, e->title ? e->title : e->rule_id);
	if (found) {
		strbuf_add(&sb, ": ", 2);
		strbuf_addstr(&sb, found);
	}
	if (e->expected && *e->expected && st == FINDING_FAIL) {
		strbuf_addstr(&sb, "; expected ");
		strbuf_addstr(&sb, e->expected);
	}
	strbuf_addch(&sb, '.');
	if (e->fix) {
		strbuf_addstr(&sb, " Fix: ");
		strbuf_addstr(&sb, e->fix);
	}
	free(found);
	return strbuf_detach(&sb);
}

static void sarif_result(struct sarif *x, const struct target_result *t, const struct finding *f)
{
	struct jsonw *w = &x->w;
	struct explanation e;
	explain_finding(x->x, t, f, &e);
	long rule_index = sarif_rule_index(x, e.rule_id);
	char *subject = report_case_subject(t, f, &e);
	char *msg = sarif_message(t, f, &e, subject);
	char *fingerprint = xasprintf("%s|%s|%s", t->name, e.rule_id,
				      f->channel ? f->channel : subject ? subject : "");

	jsonw_open(w, NULL, '{');
	jsonw_str(w, "ruleId", e.rule_id);
	if (rule_index >= 0)
		jsonw_int(w, "ruleIndex", rule_index);
	/* a suppressed finding keeps the kind and level of what it was; suppressions[] says why */
	enum finding_status was = f->suppression ? f->suppression->was : f->status;
	char fp[17];
	jsonw_str(w, "kind", was == FINDING_FAIL ? "fail" : "open");
	jsonw_str(w, "level", was == FINDING_FAIL ? sarif_level(f->severity) : "none");
	sarif_text(w, "message", msg);
	jsonw_open(w, "locations", '[');
	if (e.location.file)
		sarif_location(w, e.location.file, e.location.line);
	jsonw_close(w, ']');
	jsonw_open(w, "partialFingerprints", '{');
	jsonw_str(w, "crashsafe/v1", fingerprint);
	suppress_fingerprint(t, f, &e, fp);
	jsonw_str(w, "crashsafe/finding/v1", fp);
	jsonw_close(w, '}');
	if (f->baseline)
		jsonw_str(w, "baselineState", f->baseline == FINDING_BASELINE_NEW ? "new" : "unchanged");
	if (f->status == FINDING_SUPPRESSED) {
		const struct finding_suppression *sp = f->suppression;
		jsonw_open(w, "suppressions", '[');
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "kind", sp && sp->kind && !strcmp(sp->kind, "inline") ? "inSource" : "external");
		jsonw_str(w, "status", "accepted");
		jsonw_str(w, "justification", sp && sp->reason ? sp->reason : e.message ? e.message : "");
		if (sp && sp->file) {
			jsonw_open(w, "location", '{');
			jsonw_open(w, "physicalLocation", '{');
			jsonw_open(w, "artifactLocation", '{');
			char *uri = sarif_uri(sp->file);
			jsonw_str(w, "uri", uri);
			free(uri);
			jsonw_close(w, '}');
			if (sp->line) {
				jsonw_open(w, "region", '{');
				jsonw_uint(w, "startLine", sp->line);
				jsonw_close(w, '}');
			}
			jsonw_close(w, '}');
			jsonw_close(w, '}');
		}
		jsonw_close(w, '}');
		jsonw_close(w, ']');
	}
	/*
	 * The properties' keys and indentation as literals (issue 13): a result
	 * is an element of runs[0].results, its properties' members at depth 6.
	 */
	jsonw_open(w, "properties", '{');
	if (w->depth == 6) {
#define SARIF_PROP(w, sep, key, value) \
	do { \
		jsonw_raw((w), sep "\n            \"" key "\": ", sizeof(sep "\n            \"" key "\": ") - 1); \
		jsonw_value_of((w), (value)); \
	} while (0)
		SARIF_PROP(w, "", "target", t->name);
		SARIF_PROP(w, ",", "status", report_status_token(f->status));
		SARIF_PROP(w, ",", "severity", report_severity_name(f->severity));
		SARIF_PROP(w, ",", "channel", f->channel);
		SARIF_PROP(w, ",", "variable", e.variable);
		SARIF_PROP(w, ",", "value", e.value);
		SARIF_PROP(w, ",", "origin", e.origin_text);
		SARIF_PROP(w, ",", "chain", e.origin.chain);
		SARIF_PROP(w, ",", "overridden", e.overridden);
		SARIF_PROP(w, ",", "expected", e.expected);
		SARIF_PROP(w, ",", "fix", e.fix);
		/* the rule's help for this result's flavor: a MariaDB result links the MariaDB knowledge base */
		SARIF_PROP(w, ",", "helpUri", e.doc);
		SARIF_PROP(w, ",", "flavor", flavor_name(t->flavor));
#undef SARIF_PROP
	} else {
		w->overflow = 1;   /* not where sarif_begin() puts results: the literals would be wrong */
	}
	jsonw_close(w, '}');
	jsonw_close(w, '}');
	free(msg);
	free(subject);
	free(fingerprint);
}

/*
 * Added (issue 10): `crashsafe diff`: a finding OLD had and NEW does not, as
 * a result with baselineState "absent" (SARIF 2.1.0 3.27.24: present in the
 * baseline, not in the current run), kind "pass", level "none".
 */
static void sarif_fixed_result(struct sarif *x, const struct target_result *t, const struct target_diff_fixed *f)
{
	struct jsonw *w = &x->w;
	long rule_index = sarif_rule_index(x, f->rule_id);
	char *msg = xasprintf("%s: fixed since %s: %s%s%s", t->name, t->diff->old_name ? t->diff->old_name : "OLD",
			      f->channel ? "channel " : "", f->channel ? f->channel : "",
			      f->message ? f->message : f->rule_id);
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "ruleId", f->rule_id);
	if (rule_index >= 0)
		jsonw_int(w, "ruleIndex", rule_index);
	jsonw_str(w, "kind", "pass");
	jsonw_str(w, "level", "none");
	sarif_text(w, "message", msg);
	jsonw_open(w, "locations", '[');
	if (f->location.file)
		sarif_location(w, f->location.file, f->location.line);
	jsonw_close(w, ']');
	if (f->fingerprint) {
		jsonw_open(w, "partialFingerprints", '{');
		jsonw_str(w, "crashsafe/finding/v1", f->fingerprint);
		jsonw_close(w, '}');
	}
	jsonw_str(w, "baselineState", "absent");
	jsonw_open(w, "properties", '{');
	jsonw_str(w, "target", t->name);
	jsonw_str(w, "status", "fixed");
	jsonw_str(w, "severity", report_severity_name(f->severity));
	jsonw_str(w, "channel", f->channel);
	jsonw_str(w, "variable", f->variable);
	jsonw_str(w, "value", f->value);
	jsonw_close(w, '}');
	jsonw_close(w, '}');
	free(msg);
}

static void sarif_invocation(struct sarif *x)
{
	struct jsonw *w = &x->w;
	jsonw_open(w, "invocations", '[');
	jsonw_open(w, NULL, '{');
	jsonw_bool(w, "executionSuccessful", x->nfailed == 0);
	if (x->run->timestamp) {
		char when[40];
		jsonw_str(w, "startTimeUtc", report_time_iso(x->run->generated - x->run->duration, 1, when, sizeof(when)));
		jsonw_str(w, "endTimeUtc", report_time_iso(x->run->generated, 1, when, sizeof(when)));
	}
	if (x->nfailed) {
		jsonw_open(w, "toolExecutionNotifications", '[');
		for (size_t i = 0; i < x->nfailed; i++) {
			const struct sarif_failed *t = &x->failed[i];
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
	if (x->command)
		jsonw_str(w, "command", x->command);
	/* each target's flavor, build and version, and what decided them */
	jsonw_open(w, "targets", '[');
	for (size_t i = 0; i < x->ntargets; i++) {
		const struct sarif_target_info *t = &x->targets[i];
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "name", t->name);
		jsonw_str(w, "flavor", flavor_name(t->flavor));
		jsonw_str(w, "build", flavor_variant_name(t->variant));
		jsonw_str(w, "version", t->version);
		jsonw_str(w, "flavor_source", t->flavor_source);
		jsonw_str(w, "flavor_evidence", t->flavor_evidence);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
	jsonw_close(w, '}');
	jsonw_close(w, ']');
}

static int sarif_begin(void *state, FILE *fp, const struct report_options *o, const struct report_run *run)
{
	struct sarif *x = state;
	struct jsonw *w = &x->w;
	x->x = run->explainer;
	x->command = run->command;
	x->run = run;
	x->nrules = run->rules ? run->nrules : 0;
	x->rules = xcalloc(x->nrules ? x->nrules : 1, sizeof(*x->rules));
	for (size_t i = 0; i < x->nrules; i++)
		x->rules[i] = &run->rules[i];
	if (x->nrules)
		qsort(x->rules, x->nrules, sizeof(*x->rules), sarif_rule_cmp);

	jsonw_init(w, fp);
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "$schema", SARIF_SCHEMA);
	jsonw_str(w, "version", "2.1.0");
	jsonw_open(w, "runs", '[');
	jsonw_open(w, NULL, '{');
	jsonw_open(w, "tool", '{');
	jsonw_open(w, "driver", '{');
	jsonw_str(w, "name", "crashsafe");
	if (run->tool_version)
		jsonw_str(w, "version", run->tool_version);
	sarif_rules(w, x);
	jsonw_close(w, '}');
	jsonw_close(w, '}');
	jsonw_open(w, "results", '[');
	return ferror(fp) ? -1 : 0;
}

static int sarif_target(void *state, const struct target_result *t)
{
	struct sarif *x = state;
	if (t->error) {
		ARRAY_GROW(x->failed, x->nfailed + 1, x->failed_cap);
		struct sarif_failed *ft = &x->failed[x->nfailed++];
		ft->name = xstrdup(t->name);
		ft->kind = t->kind ? xstrdup(t->kind) : NULL;
		ft->error = xstrdup(t->error);
	}
	char vbuf[32];
	ARRAY_GROW(x->targets, x->ntargets + 1, x->targets_cap);
	struct sarif_target_info *ti = &x->targets[x->ntargets++];
	ti->name = xstrdup(t->name);
	ti->version = xstrdup(report_version_text(&t->version, vbuf, sizeof(vbuf)));
	ti->flavor_source = t->flavor_source ? xstrdup(t->flavor_source) : NULL;
	ti->flavor_evidence = t->flavor_evidence ? xstrdup(t->flavor_evidence) : NULL;
	ti->flavor = t->flavor;
	ti->variant = t->variant;
	const struct finding **sorted = report_sorted_findings(t);
	for (size_t k = 0; k < t->n; k++) {
		const struct finding *f = sorted[k];
		if (f->status != FINDING_FAIL && f->status != FINDING_UNKNOWN && f->status != FINDING_SUPPRESSED)
			continue;
		sarif_result(x, t, f);
	}
	for (size_t k = 0; t->diff && k < t->diff->nfixed; k++)
		sarif_fixed_result(x, t, &t->diff->fixed[k]);
	free(sorted);
	return ferror(x->w.fp) ? -1 : 0;
}

/* Whether every target could be audited is known at the end: the invocation follows the results. */
static int sarif_end(void *state, const struct audit_summary *summary)
{
	struct sarif *x = state;
	struct jsonw *w = &x->w;
	jsonw_close(w, ']');
	sarif_invocation(x);
	jsonw_close(w, '}');
	jsonw_close(w, ']');
	jsonw_close(w, '}');
	for (size_t i = 0; i < x->nfailed; i++) {
		free(x->failed[i].name);
		free(x->failed[i].kind);
		free(x->failed[i].error);
	}
	free(x->failed);
	for (size_t i = 0; i < x->ntargets; i++) {
		free(x->targets[i].name);
		free(x->targets[i].version);
		free(x->targets[i].flavor_source);
		free(x->targets[i].flavor_evidence);
	}
	free(x->targets);
	free(x->rules);
	return jsonw_finish(w);
}

const struct report_writer report_sarif_writer = {
	.format = REPORT_SARIF,
	.name = "sarif",
	.state_size = sizeof(struct sarif),
	.begin = sarif_begin,
	.target = sarif_target,
	.end = sarif_end,
};
