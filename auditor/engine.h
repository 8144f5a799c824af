/*
 * engine.h - loads the rules (rules/*.ini, read with inih) and evaluates them
 * over a set of targets, producing findings.
 *
 * Rule format and condition language: DESIGN.md "Rules are data" and
 * docs/rules.md. Evaluation is tri-state: a condition over an unknown value
 * is unknown and the rule is "could not evaluate", never "passed".
 */
#ifndef CRASHSAFE_ENGINE_H
#define CRASHSAFE_ENGINE_H

#include <stddef.h>

#include "catalog.h"
#include "diag.h"
#include "finding.h"
#include "settings.h"

struct rule;

struct engine {
	struct rule *rules;
	size_t n, cap;
	struct arena arena;
};

void engine_init(struct engine *e);
void engine_release(struct engine *e);

/*
 * Load every *.ini rule file in dir (sorted; variables.ini excluded).
 * A malformed rule is an error in d with file:line. Returns 0, or -1 when
 * any file had errors or could not be read.
 */
int engine_load_dir(struct engine *e, const char *dir, struct diag_list *d);

/*
 * Evaluate every rule on every target (per channel for channel rules, and
 * across targets for fleet rules), appending one target_result per target
 * to out, in the order given. Targets with an error get a target_result
 * with that error. Findings are sorted worst first.
 */
void engine_evaluate(const struct engine *e, const struct catalog *c,
		     const struct settings *targets, size_t ntargets, struct audit_result *out);

/* Rule access for `crashsafe rules`. */
size_t engine_rule_count(const struct engine *e);
const struct rule *engine_rule_at(const struct engine *e, size_t i);
const struct rule *engine_rule_find(const struct engine *e, const char *id);

#endif
