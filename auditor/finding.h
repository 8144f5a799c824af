/*
 * finding.h - what the engine concludes, and what every report writer formats.
 *
 * A run audits a set of targets. Each target gets one finding per rule (per
 * channel for channel rules, per offending line for problem rules),
 * whatever the outcome: a rule that passed, failed, could not be evaluated,
 * did not apply or was suppressed is a finding with that status. A target
 * that could not be audited at all has `error` set and may have no findings.
 *
 * Findings are compact (STYLE.md 11: decide first, explain later): a
 * finding is the rule, the status, the severity, the channel or problem it
 * is about and what decided it (finding.basis), and holds no sentence.
 * The values and origins the rules read live once per target, in
 * target_result.view (a copy of just the settings the loaded rules read);
 * the one explainer (explain.h) turns a finding plus its target's view into
 * the sentences every writer shares, only for findings that are printed.
 *
 * Nothing here owns strings: they live in the result's arena, or are the
 * engine's (rule ids, titles).
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

/*
 * The status in words, the same in every format and in the docs:
 * "pass", "not applicable", "suppressed", "could not evaluate", "fail".
 */
const char *finding_status_name(enum finding_status s);
/*
 * The same words as a machine token (JSON, SARIF properties, rule test
 * cases): "pass", "not-applicable", "suppressed", "could-not-evaluate", "fail".
 */
const char *finding_status_token(enum finding_status s);

/* What decided a finding's status: the explainer words the finding from it. */
enum finding_basis {
	FINDING_BY_REQUIRE = 0,    /* the rule's require condition (pass, fail or unknown) */
	FINDING_BY_APPLIES,        /* the applies condition is false (n/a) or unknown */
	FINDING_BY_ABSENT,         /* the rule's variable does not exist on the flavor and version (n/a) */
	FINDING_BY_CHANNELS_OFFLINE,  /* channel rule on a target that has no channels to read (n/a) */
	FINDING_BY_CHANNELS_UNREAD,   /* channel rule, a live server whose channels could not be read */
	FINDING_BY_NO_CHANNELS,    /* channel rule, no channel configured (n/a) */
	FINDING_BY_FLEET,          /* fleet rule: compared with the other targets (peers) */
	FINDING_BY_FLEET_UNKNOWN,  /* fleet rule: the compared value is unknown */
	FINDING_BY_PROBLEM,        /* problem rule: one problem of the target (problem_no) */
	/* added (issue 12): */
	FINDING_BY_NO_SOURCE,      /* link rule: the channel's source is not among the run's targets (unknown) */
	FINDING_BY_GROUP_REPLICATION,  /* channel or link rule on a Group Replication channel (n/a) */
};

/* Fleet findings: the other targets that share the value (at most FINDING_PEERS_SHOWN named). */
#define FINDING_PEERS_SHOWN 5
struct finding_peers {
	size_t nclash;                            /* targets that share the value and may not */
	size_t nshared;                           /* targets that share it within the except_same group */
	size_t napplies;                          /* targets of the cluster the rule applied to */
	const char *topology;                     /* added (issue 10): the cluster compared within; NULL: the run's default */
	const char *group;                        /* the except_same value shared, or NULL */
	const char *clash[FINDING_PEERS_SHOWN];   /* names, in the run's order */
	const char *shared[FINDING_PEERS_SHOWN];
};

/* A suppression that turned a failed or unknown finding into FINDING_SUPPRESSED. */
struct finding_suppression {
	const char *file;                /* the suppression file */
	unsigned line;
	const char *reason;
	enum finding_status was;         /* the status before */
	/* added (issue 10, suppress.h): */
	const char *kind;                /* "file", "project-file", "inline", "baseline" (suppress_kind_name) */
	long until;                      /* YYYYMMDD, the last day it applies; 0: no end */
};

/*
 * Added (issue 10): a finding measured against --baseline (suppress.h): a
 * failed finding that the earlier report did not have is new; one it had
 * is unchanged (and is suppressed, kind "baseline": it does not fail the run).
 */
enum finding_baseline {
	FINDING_BASELINE_NONE = 0,     /* no baseline given */
	FINDING_BASELINE_NEW,
	FINDING_BASELINE_UNCHANGED,
};

struct rule;   /* engine.h */

struct finding {
	const char *rule_id;
	const char *title;
	const struct rule *rule;   /* the rule (engine-owned); the explainer reads its texts */
	enum severity severity;
	enum finding_status status;
	enum finding_basis basis;
	enum finding_baseline baseline;                /* added (issue 10); here, not last: 96 bytes, not 104 (issue 13) */
	const char *channel;       /* the channel's name ("" is the default channel); NULL unless a channel rule */
	unsigned channel_no;       /* 1-based index into the target's view.channels; 0: none */
	unsigned problem_no;       /* 1-based index into view.problems (problem rules); 0: none */
	unsigned cause_no;         /* could not evaluate only because of this problem (1-based); 0: none */
	/*
	 * Added (breaker8 finding 1): a finding read back from a report
	 * (reportread_add_finding()): 1 + its index among its target's findings
	 * in that report, which the stored sentences are found by (a sort moves
	 * the finding, not its sentences); 0: not read back. In what was padding
	 * (the struct stays 96 bytes).
	 */
	unsigned read_no;
	const struct finding_peers *peers;             /* FINDING_BY_FLEET */
	const struct finding_suppression *suppression; /* FINDING_SUPPRESSED */
	/* added (issue 10): a suppression that would apply but for its until date; NULL otherwise */
	const struct finding_suppression *expired;
	/*
	 * Added (issue 12): link rules (scope link) judge a channel with its
	 * source, another target of the same result: its view, for the
	 * explainer. It points into the result's targets, so it stays valid
	 * while no target is added to that result; NULL otherwise.
	 */
	const struct settings *source;
};

/*
 * Added (issue 10): what `crashsafe diff OLD NEW` adds to a NEW target
 * (cmd_diff.c): the findings OLD had that NEW no longer has (fixed), and
 * the effective values that changed. The NEW target's own findings carry
 * finding.baseline: new (introduced by the change) or unchanged (failing
 * in OLD too). Strings are the result's; sentences of fixed findings are
 * OLD's, rendered once (OLD's settings are gone when NEW is written).
 */
struct target_diff_fixed {
	const char *rule_id;
	const char *title;
	enum severity severity;
	enum finding_status status;        /* in OLD: fail or could not evaluate */
	const char *channel;
	const char *variable, *value;      /* in OLD */
	const char *message;               /* OLD's explanation */
	struct settings_origin location;   /* in OLD */
	const char *fingerprint;
};

struct target_diff_change {
	const char *variable;
	const char *old_value, *new_value;     /* NULL: unknown, or the variable does not exist there */
	const char *old_origin, *new_origin;   /* "my.cnf:12", "default for MySQL 8.4" */
	struct settings_origin old_at, new_at; /* file and line on each side (file NULL: a default) */
};

struct target_diff {
	const char *old_name;              /* the OLD target compared with this one */
	/*
	 * Non-NULL: nothing was compared, and why ("NEW could not be audited",
	 * "OLD could not be audited"): no finding is introduced, unchanged or
	 * fixed and no value changed (a rule not evaluated is not fixed).
	 */
	const char *not_compared;
	size_t introduced, unchanged;      /* findings of this target marked new / unchanged */
	struct target_diff_fixed *fixed;
	size_t nfixed;
	struct target_diff_change *changes;
	size_t nchanges;
};

/*
 * Why a target could not be audited decides the exit status: input that
 * cannot be used (an unreadable option file or capture) is exit 2, a
 * server that could not be audited (unreachable, denied, timed out) exit 3.
 */
enum target_error_kind {
	TARGET_ERROR_NONE = 0,
	TARGET_ERROR_INPUT,        /* unusable input: exit 2 */
	TARGET_ERROR_AUDIT,        /* could not be audited: exit 3 */
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
	enum target_error_kind error_kind;
	size_t position;           /* added: settings.position (the run's order before --shard) */
	const char *tags;          /* added: settings.tags (comma-separated) or NULL */
	const char *real_path;     /* added: settings.real_path, settings.includes (in the result's arena) */
	const char **includes;
	size_t nincludes;
	/* added (issue 10, project.h): */
	const char *path_key;      /* the normalised path (project_path_key), or NULL (live targets) */
	const char *cluster;       /* the declared cluster (settings.topology), or NULL */
	/* added (issue 10): what `crashsafe diff` found against the OLD side; NULL outside diff */
	const struct target_diff *diff;

	struct finding *findings;
	size_t n, cap;
	/*
	 * What the rules read, for the explainer and for fleet rules: the
	 * target's kind, flavor, version, role, cluster and channels, the
	 * variables and facts any loaded rule names (value, origin, overridden
	 * values), and the problems of its option files. Strings live in the
	 * result's arena; release with audit_result_release().
	 */
	struct settings view;
};

/*
 * Counts over the targets written so far, accumulated one target at a
 * time (audit_summary_add), so that a run can keep them without holding
 * every finding.
 */
struct audit_summary {
	size_t targets;
	size_t targets_not_audited;          /* targets with an error */
	size_t targets_input_errors;         /* ... of which unusable input (exit 2) */
	size_t findings;
	size_t by_status[FINDING_FAIL + 1];
	size_t fail_by_severity[SEV_ERROR + 1];
	size_t unknown_by_severity[SEV_ERROR + 1];
	size_t unknown_blocking;             /* could-not-evaluate error findings that decide exit 3 */
	size_t unknown_caused;               /* ... that a refused option-file line explains instead (cause_no) */
	size_t input_errors;                 /* inputs of the run that are not targets and could not be used
						(a --config file, a capture not written): exit 2 */
};

void audit_summary_init(struct audit_summary *s);
void audit_summary_add(struct audit_summary *s, const struct target_result *t);
/* Counts over one target only (the same rules as audit_summary_add). */
void audit_summary_of_target(struct audit_summary *s, const struct target_result *t);

/*
 * The process exit status for these counts (DESIGN.md, "Exit status"):
 *  2 some input could not be used (an unreadable option file or capture,
 *    input_errors): the report is still written, for the other targets;
 *  3 some target could not be audited (unreachable, denied, timed out), or
 *    an error-severity rule could not be evaluated for a reason other than
 *    a line of the option files the server refuses (those findings point at
 *    that line's failed finding, finding.cause_no, which decides exit 1);
 *  1 a failed finding at or above fail_on (fail_on 0 means never);
 *  0 otherwise.
 */
int audit_summary_exit_status(const struct audit_summary *s, int fail_on);

/* Nonzero when f counts towards exit 3 (could not evaluate, error severity, no refused line to blame). */
int finding_blocks_audit(const struct finding *f);

struct audit_result {
	struct target_result *targets;
	size_t n, cap;
	struct arena arena;
	/* audit_result_intern(): each distinct string once (hash set over the arena) */
	const char **pool;
	size_t pool_n, pool_cap;
	/*
	 * Added (issue 13): set by a caller whose strings outlive the result
	 * (check evaluates each target into a result of its own that it
	 * releases before the target's settings): audit_result_intern()
	 * returns the string itself, no copy and no pool. Equal strings are
	 * then not always one pointer.
	 */
	int borrow;
};

void audit_result_init(struct audit_result *r);
void audit_result_release(struct audit_result *r);
struct target_result *audit_result_add_target(struct audit_result *r, const char *name, const char *kind);
/*
 * Added (issue 13): audit_result_release() but for the array of targets,
 * kept for the next targets added (check reads its targets back one at a
 * time into one result: no malloc of that array per target).
 */
void audit_result_clear(struct audit_result *r);
/*
 * A copy of s in the result's arena, shared by every equal string (values
 * such as "ON", file paths, "default for MySQL 8.4" are held once per run).
 * NULL stays NULL. s itself when the result borrows (audit_result.borrow).
 */
const char *audit_result_intern(struct audit_result *r, const char *s);
/*
 * Added (issue 13): audit_result_intern() for a string that does not
 * outlive the call (a text built for the result): a copy in the result's
 * arena even when the result borrows.
 */
const char *audit_result_keep(struct audit_result *r, const char *s);
/* Append a zeroed finding to t and return it. */
struct finding *target_result_add(struct target_result *t);

/* Sort each target's findings worst first (status, then severity, then rule id, then channel). */
void audit_result_sort(struct audit_result *r);
/* The same for one target; empty targets are fine. */
void target_result_sort(struct target_result *t);
/*
 * Added (issue 13): target_result_sort()'s order in linear time, for
 * findings appended rule by rule in the order of the rules' ids (strcmp, each
 * id one rule's), one rule's findings next to each other (as
 * engine_evaluate_target() makes them): a stable distribution by status and
 * severity, then one rule's findings of one status by channel and line. Any
 * other input still ends sorted when a status or severity is out of range
 * (target_result_sort() then), but not otherwise: call target_result_sort().
 */
void target_result_order(struct target_result *t);
/*
 * Added (issue 13): t's findings [0, from) are in target_result_sort()'s
 * order and [from, n) were appended in any order (check's cross-target
 * findings, a few per target): put the whole in the order
 * target_result_sort() would give it (its sort is stable: on a tie, the
 * finding that came first stays first), by a merge, not a sort of all.
 */
void target_result_merge(struct target_result *t, size_t from);

/* The summary of the whole result. */
void audit_result_summary(const struct audit_result *r, struct audit_summary *s);
/* audit_summary_exit_status() of the whole result. */
int audit_result_exit_status(const struct audit_result *r, int fail_on);

#endif
