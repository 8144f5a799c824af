/*
 * fuzz_suppress.c - libFuzzer target for suppression files (--suppress:
 * INI, [rule-id] or [*] sections with target = GLOB, reason = TEXT and
 * until = YYYY-MM-DD; auditor/suppress.h), read and then applied to the
 * findings of the built-in rules on a few fixed targets, then checked for
 * what they matched.
 *
 * Checks: a load that fails says why; after applying, a suppressed finding
 * carries its suppression and what it was; an expired one keeps its status
 * and says which suppression expired; the report of unused entries names a
 * file and a line for every entry it mentions.
 */
#include <string.h>

#include "../auditor/engine.h"
#include "../auditor/explain.h"
#include "../auditor/suppress.h"
#include "fuzz.h"

static int known(void *ctx, const char *id)
{
	return engine_rule_find(ctx, id) != NULL;
}

void crashsafe_rules_dir_tried(struct strbuf *sb)
{
	(void)sb;   /* the fuzzer's rules directory is always found */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct engine e;
	static int loaded;
	const struct catalog *c = fuzz_catalog();
	size_t ntargets;
	struct settings *targets = fuzz_targets(&ntargets);
	struct diag_list d;
	struct suppress_set set;
	struct audit_result r;
	struct explainer x;

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
	suppress_set_init(&set);
	set.today = 20250601;
	audit_result_init(&r);
	explainer_init(&x, &e, c);
	if (suppress_load_file(&set, path, (int)(size & 1), &d) == 0) {
		for (size_t i = 0; i < set.files.n; i++)
			FUZZ_CHECK(set.files.items[i].reason && set.files.items[i].rule,
				   "an entry loaded has its rule and its reason");
		engine_evaluate(&e, c, targets, ntargets, &r);
		struct suppress_list *lists[] = { &set.files };
		for (size_t t = 0; t < r.n; t++) {
			struct suppress_target st = { r.targets[t].name, r.targets[t].name, NULL };
			suppress_apply_target(&r, &r.targets[t], &x, lists, 1, &st, set.today, NULL);
			for (size_t i = 0; i < r.targets[t].n; i++) {
				const struct finding *f = &r.targets[t].findings[i];
				if (f->status == FINDING_SUPPRESSED)
					FUZZ_CHECK(f->suppression && f->suppression->reason &&
							   (f->suppression->was == FINDING_FAIL ||
							    f->suppression->was == FINDING_UNKNOWN),
						   "a suppressed finding carries its suppression");
				if (f->expired)
					FUZZ_CHECK(f->status != FINDING_SUPPRESSED && f->expired->until &&
							   f->expired->until < set.today,
						   "an expired suppression leaves the finding as it was");
			}
		}
		struct diag_list u;
		diag_list_init(&u);
		suppress_report_unused(&set.files, known, &e, 0, &u);
		for (size_t i = 0; i < u.n; i++)
			FUZZ_CHECK(u.items[i].file && u.items[i].line, "a warning about an entry names its file:line");
		diag_list_release(&u);
	} else {
		FUZZ_CHECK(diag_count(&d, DIAG_ERROR) > 0, "a suppression file refused says why");
	}
	explainer_release(&x);
	suppress_set_release(&set);
	audit_result_release(&r);
	diag_list_release(&d);
	return 0;
}
