/*
 * rules_json.c - the rule set as JSON, for `crashsafe rules --format json`
 * (schema "crashsafe-rules/1", docs/rules.md): every key of every rule, as
 * the rule files give it, so that scripts and documentation generators read
 * the same data the audits use.
 */
#include "report.h"

#include <string.h>

#include "report_int.h"
#include "../auditor/engine.h"
#include "../auditor/banned.h"

#define RULES_SCHEMA_ID "crashsafe-rules/1"

/* The flavors a key may be given for (`why.mariadb`): in this order, named by flavor_name(). */
static const enum flavor rules_flavors[] = { FLAVOR_MYSQL, FLAVOR_PERCONA, FLAVOR_MARIADB };

/* "key": the general text, and "key_by_flavor": { "mariadb": ... } for the flavors that have their own. */
static void rules_flavored(struct jsonw *w, const char *key, const char *general, const char *const by[4])
{
	char name[64];
	jsonw_str(w, key, general);
	snprintf(name, sizeof(name), "%s_by_flavor", key);
	jsonw_open(w, name, '{');
	for (size_t i = 0; i < ARRAY_SIZE(rules_flavors); i++)
		if (by[rules_flavors[i]])
			jsonw_str(w, flavor_name(rules_flavors[i]), by[rules_flavors[i]]);
	jsonw_close(w, '}');
}

static void rules_one(struct jsonw *w, const struct rule *r)
{
	jsonw_open(w, NULL, '{');
	jsonw_str(w, "id", r->id);
	jsonw_str(w, "family", r->family);
	jsonw_str(w, "file", r->file);
	jsonw_uint(w, "line", r->line);
	jsonw_str(w, "title", r->title);
	jsonw_str(w, "severity", report_severity_name(r->severity));
	jsonw_open(w, "severity_if", '[');
	for (size_t i = 0; i < r->nseverity_if; i++) {
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "when", r->severity_if[i].text);
		jsonw_str(w, "severity", report_severity_name(r->severity_if[i].severity));
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	jsonw_str(w, "scope", rule_scope_name(r->scope));
	jsonw_str(w, "applies", r->applies_text);
	jsonw_str(w, "require", r->require_text);
	jsonw_str(w, "variable", r->variable);
	jsonw_str(w, "unique", r->unique);
	jsonw_str(w, "except_same", r->except_same);
	rules_flavored(w, "expected", r->expect, r->expect_for);
	rules_flavored(w, "why", r->why, r->why_for);
	rules_flavored(w, "fix", r->fix, r->fix_for);
	jsonw_open(w, "fix_if", '[');
	for (size_t i = 0; i < r->nfix_if; i++) {
		jsonw_open(w, NULL, '{');
		jsonw_str(w, "when", r->fix_if[i].text);
		jsonw_str(w, "fix", r->fix_if[i].fix);
		jsonw_close(w, '}');
	}
	jsonw_close(w, ']');
	rules_flavored(w, "doc", r->doc, r->doc_for);
	jsonw_open(w, "tags", '[');
	if (r->tags) {
		const char *p = r->tags;
		while (*p) {
			while (*p == ' ')
				p++;
			size_t len = strcspn(p, " ");
			if (len) {
				char tag[128];
				snprintf(tag, sizeof(tag), "%.*s", (int)(len < sizeof(tag) ? len : sizeof(tag) - 1), p);
				jsonw_str(w, NULL, tag);
			}
			p += len;
		}
	}
	jsonw_close(w, ']');
	jsonw_close(w, '}');
}

int report_rules_json(const struct rule *const *rules, size_t n, const char *tool_version, FILE *fp)
{
	struct jsonw w;
	jsonw_init(&w, fp);
	jsonw_open(&w, NULL, '{');
	jsonw_str(&w, "schema", RULES_SCHEMA_ID);
	jsonw_open(&w, "tool", '{');
	jsonw_str(&w, "name", "crashsafe");
	jsonw_str(&w, "version", tool_version);
	jsonw_close(&w, '}');
	jsonw_open(&w, "rules", '[');
	for (size_t i = 0; i < n; i++)
		rules_one(&w, rules[i]);
	jsonw_close(&w, ']');
	jsonw_close(&w, '}');
	return jsonw_finish(&w);
}
