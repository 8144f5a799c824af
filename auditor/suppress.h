/*
 * suppress.h - suppressions: findings a person has looked at and accepted,
 * for a reason, maybe until a date; and the baseline (findings already in
 * an earlier report, which do not fail the run).
 *
 * Three sources, one list (docs/suppressions.md):
 *   - suppression files (--suppress FILE, repeatable; the files merge), INI:
 *         [RULE-ID]               (or [*] for every rule)
 *         target = GLOB           optional; matched against the target's
 *                                 normalised path (project_path_key) and
 *                                 against its name as given
 *         reason = TEXT           required
 *         until  = YYYY-MM-DD     optional: from the day after, it no
 *                                 longer suppresses
 *     A section may hold several `target` lines: each is one entry sharing
 *     the section's reason and until.
 *   - the project file's [suppress "RULE-ID"] sections (project.h), GLOB
 *     relative to the project file's directory;
 *   - inline annotations in option files (project.h):
 *         # crashsafe: ignore=RULE[,RULE] reason="..." until=YYYY-MM-DD
 *     It excuses the next option line of its file (comments and blank lines
 *     in between are skipped), and, when the finding is about a value left
 *     at its default (nothing sets it, so no line can be pointed at), it
 *     excuses it from anywhere in a group the target reads.
 *
 * A suppression applies to failed and could-not-evaluate findings: they
 * become FINDING_SUPPRESSED with the suppression's place and reason, and
 * stay in every report (text with -v, JSON, SARIF suppressions[], JUnit
 * <skipped>). After its until date, a suppression no longer applies: the
 * finding keeps its status and says that the suppression expired.
 *
 * Warnings about the suppressions themselves (an unknown rule id, an
 * entry that matched no finding, a malformed date) are DIAG_WARNING,
 * DIAG_ERROR with --strict.
 */
#ifndef CRASHSAFE_SUPPRESS_H
#define CRASHSAFE_SUPPRESS_H

#include <stddef.h>

#include "diag.h"
#include "explain.h"
#include "finding.h"
#include "util.h"

enum suppress_kind {
	SUPPRESS_FILE = 0,      /* --suppress FILE */
	SUPPRESS_PROJECT,       /* [suppress "RULE"] in a project file */
	SUPPRESS_INLINE,        /* # crashsafe: ignore=... */
	SUPPRESS_BASELINE,      /* --baseline REPORT.json: in the earlier report */
};

/* "file", "project-file", "inline", "baseline". */
const char *suppress_kind_name(enum suppress_kind k);

struct suppress_entry {
	const char *rule;          /* a rule id, or "*" */
	const char *target;        /* glob (SUPPRESS_FILE, SUPPRESS_PROJECT); NULL: every target */
	const char *base;          /* SUPPRESS_PROJECT: the directory target is relative to (absolute) */
	const char *reason;
	long until;                /* YYYYMMDD, the last day it applies; 0: no end */
	const char *file;          /* where it is written */
	unsigned line;
	enum suppress_kind kind;
	/* SUPPRESS_INLINE: */
	unsigned excuses_line;     /* the option line it stands before; 0: none follows */
	const char *group;         /* the group it is written in; NULL: before any group */
	int group_read;            /* nonzero: the target reads that group (set by the caller) */
	/* results of suppress_apply() */
	size_t matched;            /* findings it suppressed */
	size_t expired;            /* findings it would have suppressed but for its until date */
};

/* A list of entries; strings live in the owner's arena (or are static). */
struct suppress_list {
	struct suppress_entry *items;
	size_t n, cap;
};

void suppress_list_release(struct suppress_list *l);
/* Append a zeroed entry and return it. */
struct suppress_entry *suppress_list_add(struct suppress_list *l);

/*
 * Parse "YYYY-MM-DD" (a real calendar date, 2000-01-01 to 9999-12-31) into
 * YYYYMMDD. Returns 0, or -1 when s is not such a date.
 */
int suppress_date_parse(const char *s, long *out);
/* Today, in local time, as YYYYMMDD. */
long suppress_today(void);
/*
 * A today of "ask when needed" (suppress_set.today, suppress_match()): the
 * date is asked the first time an entry with an expiry date is compared,
 * once per process, so a run whose suppressions have none never reads the
 * time zone (issue 13: /etc/localtime, seven system calls of every run).
 */
#define SUPPRESS_TODAY_LATER (-1L)

/*
 * The suppression files of a run, merged, and the state of applying them.
 */
struct suppress_set {
	struct suppress_list files;    /* every --suppress entry, files in the order given */
	struct arena arena;
	long today;                    /* YYYYMMDD, or SUPPRESS_TODAY_LATER (suppress_set_init()) */
};

void suppress_set_init(struct suppress_set *s);
void suppress_set_release(struct suppress_set *s);

/*
 * Read one suppression file and append its entries. Syntax errors (a key
 * outside a section, an unknown key, a missing reason) are DIAG_ERROR in d
 * with file:line; a malformed date is a warning (error when strict) and the
 * entry is dropped. Returns 0, or -1 when the file is unusable or had
 * errors.
 */
int suppress_load_file(struct suppress_set *s, const char *path, int strict, struct diag_list *d);

/*
 * Reading [RULE-ID] sections of suppressions, for the suppression file and
 * the project file's [suppress "RULE-ID"] sections: begin a section, give
 * it its keys (target, reason, until), end it. A section's target lines
 * are one entry each (none: one entry for every target) sharing its reason
 * and until; a section without a reason, or with a malformed until, adds no
 * entry. Errors and warnings go to d with file:line.
 */
struct suppress_section {
	/* set by the caller before the first section */
	struct suppress_list *out;
	struct arena *arena;          /* strings of the entries */
	const char *file;             /* in arena (or static) */
	const char *base;             /* SUPPRESS_PROJECT: the directory targets are relative to */
	enum suppress_kind kind;
	int strict;
	struct diag_list *d;
	int errors;                   /* errors so far */
	const struct ini_headers *headers;   /* to name a section by its header's line; may be NULL */
	/* the section being read */
	const char *rule;
	unsigned line;
	size_t first;
	const char *reason;
	long until;
	int until_bad, ntargets, open;
};
void suppress_section_begin(struct suppress_section *p, const char *rule, unsigned line);
/* Returns 0, or -1 when name is not a suppression key (the caller reports it). */
int suppress_section_key(struct suppress_section *p, const char *name, const char *value, unsigned line);
void suppress_section_end(struct suppress_section *p);

/*
 * The INI files' section headers: inih tells the line of each key but not
 * of the "[section]" above it. ini_headers_scan() records the line of every
 * line starting (after blanks) with '['; ini_header_line() gives the last
 * one before a key's line (0 when none).
 */
struct ini_headers {
	unsigned *lines;
	size_t n, cap;
};
void ini_headers_scan(struct ini_headers *h, const char *data);
unsigned ini_header_line(const struct ini_headers *h, unsigned key_line);
void ini_headers_release(struct ini_headers *h);

/*
 * A target glob of a project file over a path relative to the project
 * file's directory: '*' and '?' do not cross '/'; a glob without '/'
 * matches the last component only. Nonzero on a match.
 */
int suppress_glob_match(const char *glob, const char *rel);

/*
 * What decides whether an entry matches a finding of a target: its names
 * (as given, and normalised), and for inline entries where the finding's
 * value comes from.
 */
struct suppress_target {
	const char *name;          /* as given */
	const char *key;           /* project_path_key(), or NULL */
	const char *abs;           /* absolute resolved path, for SUPPRESS_PROJECT globs; or NULL */
};

/*
 * The first entry of lists[0..nlists) that matches rule_id on target t and
 * whose place fits (inline: origin_file:origin_line is the line it excuses,
 * or origin_file is NULL and its group is read). *expired receives the
 * first matching entry that has expired (today > until) when no live entry
 * matched, else NULL. Counts matched/expired on the entries. Returns the
 * entry or NULL.
 */
struct suppress_entry *suppress_match(struct suppress_list *const *lists, size_t nlists,
				      const struct suppress_target *t, const char *rule_id,
				      const char *origin_file, unsigned origin_line, long today,
				      struct suppress_entry **expired);

/*
 * Report, in d with their file:line, the entries of l that name a rule
 * known() does not know, that matched nothing (inline ones too: the finding
 * they excused is gone, so the annotation can go), and that would have
 * matched but have expired: DIAG_WARNING, or DIAG_ERROR when strict.
 * Returns the count.
 */
size_t suppress_report_unused(const struct suppress_list *l, int (*known)(void *ctx, const char *id), void *ctx,
			      int strict, struct diag_list *d);

/* ---- the baseline ---------------------------------------------------------- */

/*
 * The findings of an earlier JSON report (--baseline REPORT.json) that
 * were not passes: failed, could not evaluate, or suppressed then. A
 * finding of this run with the same fingerprint (reportread_fingerprint():
 * target's normalised path, rule, channel and value, not the line) is
 * "unchanged": it is suppressed with kind "baseline" and does not fail the
 * run; any other failed or could-not-evaluate finding is "new".
 */
struct suppress_baseline {
	const char *path;
	struct strmap fingerprints;   /* keys in arena */
	struct arena arena;
	size_t n;                     /* findings read */
};

/* Read path. Returns 0, or -1 with the reasons in d (DIAG_ERROR). */
int suppress_baseline_load(struct suppress_baseline *b, const char *path, struct diag_list *d);
void suppress_baseline_release(struct suppress_baseline *b);

/* ---- applying ---------------------------------------------------------------- */

/*
 * The fingerprint of finding f of t (reportread_fingerprint() over
 * t->path_key, else t->name; the rule; the channel; the value as the
 * explanation e gives it). out: 17 bytes.
 */
void suppress_fingerprint(const struct target_result *t, const struct finding *f, const struct explanation *e,
			  char out[17]);
/* The same with the target's part given: "" compares findings of two targets (crashsafe diff). */
void suppress_fingerprint_keyed(const char *key, const struct target_result *t, const struct finding *f,
				const struct explanation *e, char out[17]);

/*
 * Apply to the failed and could-not-evaluate findings of t: the first
 * entry of lists that matches (suppress_match(), with the finding's value
 * origin from the explainer x), else the baseline b (may be NULL). A
 * suppressed finding gets status FINDING_SUPPRESSED and a
 * finding_suppression in r's arena; one whose only match has expired
 * keeps its status and gets finding.expired; with a baseline, every failed
 * or could-not-evaluate finding left gets finding.baseline NEW, and those
 * the baseline holds are suppressed (kind "baseline") with baseline
 * UNCHANGED. today is YYYYMMDD.
 */
void suppress_apply_target(struct audit_result *r, struct target_result *t, struct explainer *x,
			   struct suppress_list *const *lists, size_t nlists, const struct suppress_target *st,
			   long today, const struct suppress_baseline *b);

#endif
