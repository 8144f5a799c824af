/*
 * finding.h - what the engine concludes, and what every report writer formats.
 *
 * A run audits a set of targets. Each target gets one finding per rule (and
 * per channel, for channel rules), whatever the outcome: a rule that passed,
 * failed, could not be evaluated, did not apply or was suppressed is a
 * finding with that status. A target that could not be audited at all has
 * `error` set and may have no findings.
 *
 * Findings and targets own nothing: their strings live in the result's arena.
 */
#ifndef CRASHSAFE_FINDING_H
#define CRASHSAFE_FINDING_H

#include <stddef.h>

#include "settings.h"
#include "util.h"

enum severity {
	SEV_INFO = 1,
	SEV_WARNING = 2,
	SEV_ERROR = 3,
};

const char *severity_name(enum severity s);                 /* "info", "warning", "error" */
int severity_parse(enum severity *out, const char *s);      /* 0 or -1 */

/* Ordered from least to most alarming: sorting by status puts failures last. */
enum finding_status {
	FINDING_PASS = 0,
	FINDING_NOT_APPLICABLE,
	FINDING_SUPPRESSED,
	FINDING_UNKNOWN,        /* could not evaluate: a value it needs is unknown or was denied */
	FINDING_FAIL,
};

const char *finding_status_name(enum finding_status s);  /* "pass", "not-applicable", "suppressed", "unknown", "fail" */

struct finding {
	const char *rule_id;
	const char *title;
	enum severity severity;
	enum finding_status status;
	const char *channel;      /* NULL unless the rule is evaluated per channel */
	const char *variable;     /* the variable the verdict is about, or NULL */
	const char *value;        /* the value seen, or NULL when unknown */
	struct settings_origin origin;  /* where value came from */
	const char *origin_text;  /* human form: "conf.d/replica.cnf:7", "not set: default OFF for MySQL 8.4" */
	const char *overridden;   /* "set to ON at a.cnf:12, overridden ..." or NULL */
	const char *expected;     /* what must hold, for a human: "relay_log_recovery = ON" */
	const char *message;      /* one sentence: what is wrong / why it does not apply / why unknown */
	const char *fix;          /* the fix, as an option-file line or statement */
	const char *why;          /* the rule's rationale */
	const char *doc;          /* a reference URL or NULL */
};

struct target_result {
	const char *name;          /* the path or host as given */
	const char *kind;          /* "file", "snapshot", "live" */
	enum flavor flavor;
	struct version version;    /* 0.0 when never learned (version_is_known()) */
	enum role role;
	enum flavor_variant variant;   /* added: the build (plain, Galera) */
	const char *flavor_source;     /* added: settings.flavor_source ("inferred", "command-line" ...) */
	const char *flavor_evidence;   /* added: what decided flavor, build and version, or NULL */
	const char *error;         /* non-NULL: the target could not be audited */
	struct finding *findings;
	size_t n, cap;
};

struct audit_result {
	struct target_result *targets;
	size_t n, cap;
	struct arena arena;
};

void audit_result_init(struct audit_result *r);
void audit_result_release(struct audit_result *r);
struct target_result *audit_result_add_target(struct audit_result *r, const char *name, const char *kind);
/* Append a zeroed finding to t and return it. */
struct finding *target_result_add(struct target_result *t);

/* Sort each target's findings worst first (status, then severity, then rule id). */
void audit_result_sort(struct audit_result *r);

/* Counts over the whole result, for summary lines. */
struct audit_counts {
	size_t targets, targets_failed_to_audit;
	size_t by_status[FINDING_FAIL + 1];
	size_t fail_by_severity[SEV_ERROR + 1];
};
void audit_result_count(const struct audit_result *r, struct audit_counts *c);

/*
 * The process exit status for this result (DESIGN.md, "Exit status"):
 *  3 some target could not be audited, or an error-severity rule could not be evaluated;
 *  1 a failed finding at or above fail_on (fail_on 0 means never);
 *  0 otherwise.
 */
int audit_result_exit_status(const struct audit_result *r, int fail_on);

#endif
