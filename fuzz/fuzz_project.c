/*
 * fuzz_project.c - libFuzzer target for the project file (.crashsafe.ini,
 * auditor/project.h) and, from the same bytes, annotations: the input is
 * read as a project file, then its lines are read as "# crashsafe: ..."
 * annotation texts.
 *
 * Checks: a project file refused says why; every setting a section gives
 * passed the value check; the layers applied to a target keep the most
 * specific one; an annotation error names its line; every inline
 * suppression an annotation makes has its rule and its reason.
 */
#include <stdlib.h>
#include <string.h>

#include "../auditor/project.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag_list d;
	struct project_file *pf;
	struct project_settings ps;
	struct project_rule_switches rs = { 0 };
	struct suppress_list sup = { 0 };
	struct arena a;
	const char *why;

	const char *path = fuzz_file(".crashsafe.ini", data, size);
	diag_list_init(&d);
	arena_init(&a);
	memset(&ps, 0, sizeof(ps));
	if (project_file_load(&pf, path, &d) < 0)
		FUZZ_CHECK(diag_count(&d, DIAG_ERROR) > 0, "a project file refused says why");
	const char *paths[] = { path, "configs/eu/db1-replica.cnf" };
	project_file_apply(pf, paths, 2, &ps, &rs, &a);
	for (size_t k = 0; k < PROJECT_NKEYS; k++) {
		const struct project_value *v = &ps.v[k];
		if (!v->value)
			continue;
		FUZZ_CHECK(v->layer == PROJECT_LAYER_DEFAULTS || v->layer == PROJECT_LAYER_TARGETS,
			   "a project file gives its own layers");
		FUZZ_CHECK(k == PROJECT_KEY_ROOT || project_value_check((enum project_key)k, v->value, &why) == 0,
			   "a value given passed the check");
		project_settings_give(&ps, (enum project_key)k, "any", PROJECT_LAYER_COMMAND_LINE, "--x", &a);
		FUZZ_CHECK(ps.v[k].layer != PROJECT_LAYER_COMMAND_LINE, "the command line does not win over it");
	}
	project_rule_switches_release(&rs);
	project_file_free(pf);

	/* every line as an annotation's text */
	char *text = fuzz_string(data, size);
	unsigned line = 0;
	for (char *p = text; p && *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		struct diag_list ad;
		diag_list_init(&ad);
		size_t before = sup.n;
		size_t errors = project_annotation_parse(p, "my.cnf", line, &ps, &sup, &a, &ad);
		FUZZ_CHECK(errors == diag_count(&ad, DIAG_ERROR), "every annotation error is reported");
		for (size_t i = 0; i < ad.n; i++)
			FUZZ_CHECK(ad.items[i].line == line, "an annotation error names its line");
		for (size_t i = before; i < sup.n; i++)
			FUZZ_CHECK(sup.items[i].rule && *sup.items[i].rule && sup.items[i].reason &&
					   *sup.items[i].reason,
				   "an inline suppression has its rule and its reason");
		diag_list_release(&ad);
		p = nl ? nl + 1 : NULL;
	}
	free(text);
	suppress_list_release(&sup);
	arena_release(&a);
	diag_list_release(&d);
	return 0;
}
