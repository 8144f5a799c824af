/*
 * fuzz_reportread.c - libFuzzer target for JSON reports read back
 * (--baseline, diff, merge: auditor/reportread.h).
 *
 * Checks: a report refused says why; a report read is turned back into a
 * result whose every target and finding is the one read, and written again
 * as JSON without an error; a baseline built from it loads.
 */
#include <stdio.h>
#include <string.h>

#include "../auditor/reportread.h"
#include "../auditor/suppress.h"
#include "../reports/report.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reportread rr;
	struct diag_list d;
	const char *path = fuzz_file("report.json", data, size);

	diag_list_init(&d);
	reportread_init(&rr);
	if (reportread_load(&rr, path, &d) < 0) {
		FUZZ_CHECK(diag_count(&d, DIAG_ERROR) > 0, "a report refused says why");
	} else {
		struct audit_result r;
		struct explainer x;
		audit_result_init(&r);
		size_t base = reportread_to_result(&rr, &r);
		FUZZ_CHECK(r.n - base == rr.n, "one target result per target read");
		for (size_t i = 0; i < rr.n; i++)
			FUZZ_CHECK(r.targets[base + i].n == rr.targets[i].n, "every finding read is in the result");
		reportread_explainer_init(&x, &rr, &r, base);
		struct report_run run = { .command = rr.command, .explainer = &x, .fail_on = SEV_ERROR };
		FILE *fp = fopen("/dev/null", "w");
		FUZZ_CHECK(fp && report_write(REPORT_JSON, &r, NULL, &run, fp) == 0, "written again as JSON");
		fclose(fp);
		explainer_release(&x);
		audit_result_release(&r);
		struct suppress_baseline b;
		struct diag_list bd;
		diag_list_init(&bd);
		FUZZ_CHECK(suppress_baseline_load(&b, path, &bd) == 0, "a report read is a usable baseline");
		suppress_baseline_release(&b);
		diag_list_release(&bd);
	}
	reportread_release(&rr);
	diag_list_release(&d);
	return 0;
}
