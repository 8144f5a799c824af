/*
 * report.h - one interface for every report format.
 *
 * Writers are leaves: they turn findings into bytes and decide nothing.
 * Every sentence about a finding comes from the run's explainer
 * (auditor/explain.h), so every format says the same thing.
 *
 * A report is written as a stream, so that memory stays flat however many
 * targets a run has:
 *
 *     begin(run)          what is known before any target: the command, the
 *                         rules loaded (SARIF lists them first), and the
 *                         totals when the caller knows them already
 *     target(t)  x N      one target and all of its findings, in the run's
 *                         order; the writer keeps nothing of it afterwards
 *     end(summary)        the counts over every target written, which the
 *                         stream accumulated one target at a time
 *
 * Totals that a format puts before the targets (JUnit's <testsuites>
 * attributes) are taken from run.totals when the caller gives them (a
 * pre-pass over compact findings, which are cheap to hold); without them
 * the JUnit writer spools its targets to a temporary file and writes the
 * totals first at the end. Both give the same bytes (tests/unit/test_reports.c).
 *
 * Each format is an entry of one table; a writer owns the stream it writes
 * to. Files are written to a temporary name and renamed, so a reader never
 * sees half a report.
 */
#ifndef CRASHSAFE_REPORT_H
#define CRASHSAFE_REPORT_H

#include <stdint.h>
#include <stdio.h>

#include "../auditor/explain.h"
#include "../auditor/finding.h"

struct rule;

enum report_format {
	REPORT_TEXT = 0,
	REPORT_JSON,
	REPORT_JUNIT,
	REPORT_SARIF,
	REPORT_PROM,          /* added (issue 11): Prometheus text exposition (prom.c) */
	REPORT_GCC,          /* added (issue 10): FILE:LINE: severity: message [rule-id] */
	REPORT_FORMAT_COUNT,
};

/* How to format: the same for every report of a run except colour. */
struct report_options {
	int color;          /* text: ANSI colour (only when writing to a terminal) */
	int verbose;        /* text: also list passed and not-applicable findings */
	int quiet;          /* text: only the summary line and failures */
};

/* What was run: the same for every report of a run. */
struct report_run {
	const char *command;               /* "check", "live": recorded in machine formats */
	const char *tool_version;
	const struct rule *rules;          /* every rule loaded (an array, engine order); may be NULL */
	size_t nrules;
	struct explainer *explainer;       /* the sentences of every finding; required */
	int fail_on;                       /* enum severity, or 0 for never: for the exit status recorded */
	const struct audit_summary *totals;  /* the counts of every target to come, or NULL when not known yet */
	size_t input_errors;               /* audit_summary.input_errors: inputs that are not targets and failed */
	/*
	 * Added (issue 11): when the run was reported and how long it took.
	 * The Prometheus writer always writes them; JSON, JUnit and SARIF only
	 * with timestamp set (--timestamp), so that by default two runs over
	 * the same input give the same bytes.
	 */
	int timestamp;
	double generated;                  /* seconds since the epoch, UTC, when the reports are written */
	double duration;                   /* seconds from the command's start until then */
	/*
	 * Added (issue 11): what `crashsafe merge` needs to put shard reports
	 * together (JSON "run" and each target's "position", "tags", "fleet"):
	 * the variables and facts the fleet rules compare (engine_read.fleet),
	 * written per target from its view; the shard (count 0: not sharded);
	 * the targets of the whole run, every shard.
	 */
	const char *const *fleet_vars;
	size_t nfleet_vars;
	unsigned shard_index, shard_count;
	size_t run_targets;
	/* the rule ids of a report read back (reportread_run()), when rules is NULL */
	const char *const *rule_ids;
	size_t nrule_ids;
};

struct report_writer {
	enum report_format format;
	const char *name;     /* "text", "json", "junit", "sarif", "gcc" */
	size_t state_size;    /* bytes of writer state report_stream allocates */
	/* Each returns 0, or -1 on an I/O error (the stream stops writing). */
	int (*begin)(void *state, FILE *fp, const struct report_options *o, const struct report_run *run);
	int (*target)(void *state, const struct target_result *t);
	int (*end)(void *state, const struct audit_summary *summary);
	/*
	 * Added (issue 13), optional: whether target(t) reads t's view (the
	 * explainer reads it for every finding explained; JSON writes parts of
	 * it), asked with t's header and findings before its view is read, so
	 * that a source reading its targets back (check's spool) may leave the
	 * view out. NULL: always.
	 */
	int (*reads_view)(void *state, const struct target_result *t);
	/*
	 * Added (issue 13), optional: whether target(t) writes any byte for a
	 * target whose findings have this digest (report_digest()), with these
	 * options and this fail_on (report_run.fail_on); 0: such a target only
	 * adds its counts to the summary, so that a source that knows every
	 * target's digest and the totals need not produce it (check's spool is
	 * then not read back for it, nor written when no report reads it). It
	 * must say 1 whenever target(t) would write something. NULL: always.
	 */
	int (*writes)(const struct report_options *o, int fail_on, uint32_t digest);
};

/*
 * Added (issue 13): what a target's findings are, in 32 bits, for a source
 * that decides what to read back before it reads a target: one bit per
 * (status, severity) present (REPORT_DIGEST_OF()), REPORT_DIGEST_BLOCKING
 * when a could-not-evaluate finding blocks the audit (finding_blocks_audit()),
 * REPORT_DIGEST_ERROR when the target could not be audited,
 * REPORT_DIGEST_ODD for a status or severity outside the enums. The digest
 * of findings A and B together is digest(A) | digest(B).
 */
#define REPORT_DIGEST_OF(status, severity) ((uint32_t)1 << ((unsigned)(status) * 4 + (unsigned)(severity)))
#define REPORT_DIGEST_BLOCKING ((uint32_t)1 << 20)
#define REPORT_DIGEST_ERROR ((uint32_t)1 << 21)
#define REPORT_DIGEST_ODD ((uint32_t)1 << 22)
/* The digest of n findings (no target error). */
uint32_t report_digest_findings(const struct finding *f, size_t n);
/* The digest of t: its findings and its error. */
uint32_t report_digest(const struct target_result *t);
/*
 * Whether the writer of format f writes anything for a target of this
 * digest (report_writer.writes; o NULL: the defaults).
 */
int report_writes(enum report_format f, const struct report_options *o, int fail_on, uint32_t digest);

/* The writer for a format name, or NULL. */
const struct report_writer *report_writer_find(const char *name);
const struct report_writer *report_writer_get(enum report_format f);

/*
 * One report being written. report_stream_target() adds the target to the
 * summary and hands it to the writer; report_stream_end() gives the writer
 * the summary and frees the stream's state. Errors stick: once a call fails,
 * the later ones do nothing and report_stream_end() returns -1.
 */
struct report_stream {
	const struct report_writer *w;
	void *state;
	struct audit_summary summary;
	int err;
};

int report_stream_begin(struct report_stream *s, enum report_format f, FILE *fp, const struct report_options *o,
			const struct report_run *run);
int report_stream_target(struct report_stream *s, const struct target_result *t);
int report_stream_end(struct report_stream *s);

/* Write every target of r to a stream, in order. Returns 0 or -1. */
int report_write(enum report_format f, const struct audit_result *r, const struct report_options *o,
		 const struct report_run *run, FILE *fp);

/*
 * Added (issue 13): the targets of a report, one at a time, for a caller
 * that does not hold them all (`check` reads them back from its spool,
 * auditor/spool.h). get(ctx, i, s) is called for i = 0 .. n-1, in order,
 * once for each report written, with the report's stream s; the target it
 * returns stays valid until the next call, and NULL means it could not be
 * produced (that report fails: -1, errno EIO unless get set another).
 * A target returned may lack its view (an empty view) when
 * report_stream_reads_view(s, t) says the writer does not read it.
 * report_source_of() is the source over a result held whole.
 */
struct report_source {
	size_t n;
	const struct target_result *(*get)(void *ctx, size_t i, const struct report_stream *s);
	void *ctx;
	/*
	 * Added (issue 13), optional: target i's digest (report_digest() of the
	 * target get() would return). With it and report_run.totals (which must
	 * then be the counts of the n targets), a target the writer writes
	 * nothing for (report_writer.writes) is not asked for: the summary the
	 * writer's end() gets is then the totals. NULL: every target is asked for.
	 */
	uint32_t (*digest)(void *ctx, size_t i);
};

/* Whether the writer of s reads t's view (report_writer.reads_view; t with its header and findings). */
int report_stream_reads_view(const struct report_stream *s, const struct target_result *t);

void report_source_of(struct report_source *src, const struct audit_result *r);
/* report_write() and report_write_file() from a source. */
int report_write_source(enum report_format f, const struct report_source *src, const struct report_options *o,
			const struct report_run *run, FILE *fp);
int report_write_file_source(enum report_format f, const struct report_source *src,
			     const struct report_options *o, const struct report_run *run, const char *path);
/*
 * Write to path atomically (temporary file + rename, see write_file_atomic
 * in util.h: mode 0644 for a new report, the old mode kept, a read-only
 * report refused, the temporary file removed on SIGINT/SIGTERM/SIGHUP, the
 * old report untouched on a full disk). Returns 0, or -1 with errno set.
 */
int report_write_file(enum report_format f, const struct audit_result *r, const struct report_options *o,
		      const struct report_run *run, const char *path);

/*
 * The rules as JSON (schema "crashsafe-rules/1", docs/rules.md), in the
 * order given: `crashsafe rules --format json`. Returns 0, or -1 on an I/O
 * error.
 */
int report_rules_json(const struct rule *const *rules, size_t n, const char *tool_version, FILE *fp);

#endif
