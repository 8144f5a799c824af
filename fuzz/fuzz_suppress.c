/*
 * fuzz_suppress.c - libFuzzer target for suppression files (--suppress:
 * INI, [rule-id] or [*] sections with target = GLOB and reason = TEXT),
 * read and then applied to the findings of the built-in rules on a few
 * fixed targets.
 *
 * The reader is static in auditor/audit.c, so this target compiles that
 * file in (its other definitions then come from here, not from the
 * library's audit.o); when suppressions get their own module (issue 10,
 * suppress.*), call it instead. Checks: a load that fails says why; after
 * applying, a suppressed finding carries its suppression and what it was.
 */
#include "../auditor/audit.c"

#include "fuzz.h"

const char *crashsafe_rules_dir(void)
{
	return fuzz_rules_dir();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct engine e;
	static int loaded;
	const struct catalog *c = fuzz_catalog();
	size_t ntargets;
	struct settings *targets = fuzz_targets(&ntargets);
	struct diag_list d;
	struct suppress_ctx x;
	struct audit_result r;

	if (!loaded) {
		diag_list_init(&d);
		engine_init(&e);
		engine_load_dir(&e, fuzz_rules_dir(), &d);
		if (diag_count(&d, DIAG_ERROR) || engine_bind(&e, c, &d) < 0)
			fuzz_fail(__FILE__, __LINE__, "the built-in rules do not load");
		diag_list_release(&d);
		loaded = 1;
	}
	const char *path = fuzz_file("suppress.ini", data, size);
	diag_list_init(&d);
	audit_result_init(&r);
	if (suppress_load(&x, path, &d) == 0) {
		engine_evaluate(&e, c, targets, ntargets, &r);
		suppress_apply(&x, &r);
		for (size_t t = 0; t < r.n; t++) {
			for (size_t i = 0; i < r.targets[t].n; i++) {
				const struct finding *f = &r.targets[t].findings[i];
				if (f->status == FINDING_SUPPRESSED)
					FUZZ_CHECK(f->suppression && f->suppression->reason &&
							   (f->suppression->was == FINDING_FAIL ||
							    f->suppression->was == FINDING_UNKNOWN),
						   "a suppressed finding carries its suppression");
			}
		}
	} else {
		FUZZ_CHECK(diag_count(&d, DIAG_ERROR) > 0, "a suppression file refused says why");
	}
	suppress_release(&x);
	audit_result_release(&r);
	diag_list_release(&d);
	return 0;
}
