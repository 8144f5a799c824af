/*
 * fuzz_rules.c - libFuzzer target for rule files (engine.h): the INI rule
 * reader with every key (severity, severity_if, applies, require, scope,
 * variable, expect, unique, except_same, tags ...) and the conditions in
 * them, then binding against the catalog, evaluating on a few fixed targets
 * (target, channel and fleet scopes), explaining every finding and writing
 * every report format to /dev/null.
 *
 * Checks: loading fails exactly when there are error diagnostics; every
 * finding has a rule id and a status; the writers succeed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "../auditor/engine.h"
#include "../auditor/explain.h"
#include "../auditor/finding.h"
#include "../reports/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	const struct catalog *c = fuzz_catalog();
	size_t ntargets;
	struct settings *targets = fuzz_targets(&ntargets);
	const char *path = fuzz_file("rules.ini", data, size);
	struct engine e;
	struct diag_list d;
	struct audit_result r;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		fuzz_fail(__FILE__, __LINE__, "open /dev/null");
	engine_init(&e);
	diag_list_init(&d);
	audit_result_init(&r);
	int rc = engine_load_file(&e, path, &d);
	FUZZ_CHECK((rc < 0) == (diag_count(&d, DIAG_ERROR) > 0), "engine_load_file fails exactly with errors");
	if (rc < 0 || engine_bind(&e, c, &d) < 0 || diag_count(&d, DIAG_ERROR))
		goto out;
	engine_evaluate(&e, c, targets, ntargets, &r);
	for (size_t t = 0; t < r.n; t++)
		for (size_t i = 0; i < r.targets[t].n; i++)
			FUZZ_CHECK(r.targets[t].findings[i].rule_id != NULL, "every finding names its rule");

	struct explainer x;
	struct audit_summary totals;
	explainer_init(&x, &e, c);
	audit_result_summary(&r, &totals);
	struct report_options ro = { .color = (int)(size & 1), .verbose = 1, .quiet = 0 };
	struct report_run run = {
		.command = "check",
		.tool_version = "fuzz",
		.rules = engine_rule_at(&e, 0),
		.nrules = engine_rule_count(&e),
		.explainer = &x,
		.fail_on = SEV_ERROR,
		.totals = (size & 2) ? &totals : NULL,
	};
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++)
		FUZZ_CHECK(report_write((enum report_format)f, &r, &ro, &run, devnull) == 0, "a report is written");
	explainer_release(&x);
out:
	audit_result_release(&r);
	diag_list_release(&d);
	engine_release(&e);
	return 0;
}
