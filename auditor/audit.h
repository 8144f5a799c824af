/*
 * audit.h - what `check` and `live` share: the common options (role,
 * flavor, version, rules, report formats and files, --fail-on, colour) and
 * the run itself: load the catalog and rules, evaluate the targets, write
 * every requested report, and compute the exit status.
 */
#ifndef CRASHSAFE_AUDIT_H
#define CRASHSAFE_AUDIT_H

#include <stddef.h>

#include "catalog.h"
#include "cli.h"
#include "engine.h"
#include "explain.h"
#include "finding.h"
#include "settings.h"
#include "../reports/report.h"
#include "shard.h"
#include "spool.h"
#include "suppress.h"

#define AUDIT_MAX_RULE_DIRS 16
#define AUDIT_MAX_SUPPRESS 16

struct audit_options {
	/*
	 * Inputs of the run the command could not use (an unreadable FILE, a
	 * --config file, a capture not written): the exit status is 2, and the
	 * reports say so (JSON summary.exit_status). Set by the command before
	 * audit_run().
	 */
	size_t input_errors;
	enum flavor flavor;
	int flavor_set;
	int variant;                                  /* enum flavor_variant --flavor named (pxc), or -1 */
	struct version version;
	int version_set;
	enum role role;
	int role_set;
	const char *group_suffix;                     /* --defaults-group-suffix */
	const char *rules_dirs[AUDIT_MAX_RULE_DIRS];  /* --rules DIR, in order */
	size_t nrules_dirs;
	int stdout_format;                            /* enum report_format for stdout */
	const char *report_files[REPORT_FORMAT_COUNT];  /* per enum report_format: --text/--json/--junit/--sarif FILE */
	int fail_on;                                  /* enum severity, or 0 for never; default SEV_ERROR */
	int color;                                    /* -1 auto (terminal and no NO_COLOR), 0, 1 */
	int quiet, verbose;
	/* fleet runs (issue 11, docs/fleet.md) */
	const char *inventory;                        /* --inventory FILE (inventory.h) */
	struct shard shard;                           /* --shard I/N; count 0: not sharded */
	size_t run_total;                             /* targets of the whole run (every shard); set by the command */
	const char *report_dir;                       /* --report-dir DIR (reportdir.h) */
	unsigned report_dir_formats;                  /* --report-format: a mask of 1 << enum report_format */
	int report_dir_formats_set;                   /* --report-format given (it needs --report-dir) */
	unsigned keep;                                /* --keep N: runs kept in report_dir; 0: all */
	int timestamp;                                /* --timestamp: time and duration in JSON, JUnit, SARIF */
	double started_at, started_mono;              /* the run's clock (audit_clock_start) */
	/*
	 * Added: the run's time given by the command instead of the clock (merge:
	 * the oldest shard's time, so that a staleness alert on the merged report
	 * sees its stalest shard): clock_fixed nonzero, generated (Unix time, s)
	 * and duration (s) as audit_clock_read() returns them.
	 */
	int clock_fixed;
	double clock_generated, clock_duration;
	/* added (issue 10): */
	const char *suppress_files[AUDIT_MAX_SUPPRESS];  /* --suppress FILE, in order: they merge */
	size_t nsuppress_files;
	const char *baseline;                         /* --baseline REPORT.json */
	/*
	 * --strict: warnings about the run's own inputs are errors (exit 2,
	 * nothing audited): the rule, suppression and project files' warnings;
	 * check refuses to run without a FILE (it would audit this machine's own
	 * default option files).
	 */
	int strict;
	int format_set;                               /* --format was given */
	int fail_on_set;                              /* --fail-on was given */
};

/* The run's clock: started when the options are initialised; read when reports are written. */
void audit_clock_start(struct audit_options *o);
/* generated: seconds since the epoch now; duration: seconds since audit_clock_start. */
void audit_clock_read(const struct audit_options *o, double *generated, double *duration);

struct engine;
struct explainer;
/*
 * Write every report the options ask for from r: stdout (--format), each
 * report file (--text/--json/--junit/--sarif/--prom FILE) and --report-dir,
 * with e's rules and the sentences of x. Returns 0, or -1 when some report
 * could not be written (a message for each was printed).
 */
int audit_write_reports(const struct audit_options *o, const char *command, const struct engine *e,
			struct explainer *x, const struct audit_result *r);

/* Option ids of the common options start here; a command's own ids stay below. */
#define AUDIT_OPT_BASE 1000

/*
 * The report options every command that writes reports takes (check, live,
 * merge): --prom, --report-dir, --report-format, --keep, --timestamp. Part
 * of audit_common_options; merge lists them from this macro too.
 */
enum {
	AUDIT_OPT_PROM = AUDIT_OPT_BASE + 100,
	AUDIT_OPT_REPORT_DIR,
	AUDIT_OPT_REPORT_FORMAT,
	AUDIT_OPT_KEEP,
	AUDIT_OPT_TIMESTAMP,
};
#define AUDIT_REPORT_OPTIONS                                                                        \
	{ "prom", 0, CLI_REQUIRED_ARG, AUDIT_OPT_PROM, "FILE",                                      \
	  "also write Prometheus metrics to FILE (node_exporter's textfile collector)" },           \
	{ "report-dir", 0, CLI_REQUIRED_ARG, AUDIT_OPT_REPORT_DIR, "DIR",                           \
	  "also write timestamped reports to DIR, with a latest.* link per format" },               \
	{ "report-format", 0, CLI_REQUIRED_ARG, AUDIT_OPT_REPORT_FORMAT, "LIST",                    \
	  "formats --report-dir writes: text,json,junit,sarif (default: all four)" },               \
	{ "keep", 0, CLI_REQUIRED_ARG, AUDIT_OPT_KEEP, "N",                                         \
	  "keep the newest N runs in --report-dir, delete older ones" },                            \
	{ "timestamp", 0, CLI_NO_ARG, AUDIT_OPT_TIMESTAMP, NULL,                                    \
	  "record generation time, duration and version in JSON, JUnit and SARIF" },


extern const struct cli_option audit_common_options[];
extern const size_t audit_common_noptions;

void audit_options_init(struct audit_options *o);
/*
 * Handle one parsed option. Returns 0 when id was a common option and was
 * applied, 1 when id is not a common option, 2 on a usage error (message
 * printed).
 */
int audit_options_handle(struct audit_options *o, int id, const char *arg);

/*
 * Load the variable catalog and rules (the installed rules, then each
 * --rules DIR), evaluate targets, write the stdout report and every report
 * file, and return the exit status (cmd.h). Bad rule files or catalog: the
 * diagnostics are printed and 2 is returned before anything is audited.
 */
int audit_run(const struct audit_options *o, const char *command,
	      struct settings *targets, size_t ntargets);

/*
 * Added: audit_run() with a catalog the caller already loaded (check needs
 * it to read option files before the run). What both do, in order:
 * rule and catalog diagnostics to stderr (errors: return 2, nothing
 * audited); evaluate; apply what settings.project disables and suppresses,
 * the --suppress files and --baseline (suppress.h); one "crashsafe: TARGET: error: WHY"
 * line on stderr per target with settings.error set (so callers need not
 * print it), and with -v every target's reading diagnostics; the stdout
 * report; every report file (a write failure: a message and exit 2); then
 * audit_result_exit_status(). Targets are not modified.
 */
int audit_run_with_catalog(const struct audit_options *o, const char *command, const struct catalog *c,
			   struct settings *targets, size_t ntargets);

/*
 * Added (issue 10): the run in steps, for a command that evaluates more
 * than one set of targets before it reports (`diff`: OLD and NEW).
 * audit_run_with_catalog() is begin, evaluate, report, end.
 *
 *   begin     load the rules (the installed ones, then each --rules DIR),
 *             the --suppress files and the --baseline report; their
 *             diagnostics go to stderr. Returns 0, or 2 on an error (then
 *             call end only).
 *   evaluate  evaluate targets into as->r (appended: call it again for
 *             another set), drop what the targets' project files disable,
 *             apply suppressions and the baseline (suppress.h), print the
 *             targets' diagnostics (errors always, the rest with -v).
 *   report    write every report the options ask for from as->r; returns
 *             the exit status (cmd.h) of as->r, 2 when a report could not
 *             be written or the suppressions had errors (--strict).
 *   end       release everything.
 * Targets are not modified; they may be released after evaluate.
 */
struct audit_session {
	struct engine e;
	struct explainer x;               /* the sentences of as->r's findings */
	struct audit_result r;
	const struct catalog *c;
	struct suppress_set sup;
	struct suppress_baseline baseline;
	int have_baseline, ready;
	size_t input_errors;              /* errors in the suppressions themselves */
	/* streaming (audit_session_stream(), issue 13); unused otherwise */
	int streaming;
	struct spool evaluated;           /* each target as added: its own findings (as evaluated) and view */
	struct spool reported;            /* per kept target, in order: its cross-target findings, or its final
					     findings when finish had something to drop or suppress (final[k]) */
	unsigned char *final;             /* per kept target: 1 when its record in reported is final (NULL: none is) */
	uint32_t *digests;                /* per target added: report_digest() of its own findings (finish frees it) */
	size_t digests_cap;
	uint32_t *kept_digest;            /* per kept target: report_digest() of its final findings */
	uint32_t *kept_record;            /* per kept target: its record in reported, or AUDIT_NO_RECORD (no report
					     writes anything for it: report.h writes) */
	FILE *lines;                      /* the added targets' lines for stderr: (index, length, bytes) per target that
					     has some; made by the first such target */
	char *lines_buf;                  /* lines' stdio buffer */
	struct audit_result cross;        /* the copies' strings (pool and arena; no target: the copies are heads in cross_store) */
	struct strmap cross_reads;        /* the names engine_read.fleet marks */
	size_t cross_facts;               /* ... of which facts (no catalog variable) */
	struct settings_shared cross_shared; /* the copies' views: strings into cross's pool, no index (settings.h) */
	struct audit_cross_store *cross_store;  /* the copies' variables, compact (audit.c); their views hold none */
	struct topology_derived_set *cross_derived; /* per kept target: its topology.* facts (topology.h); NULL: none */
	struct engine_fleet fleet;        /* the cross-target rules over cross, one target at a time (engine.h) */
	int fleet_begun;
	struct audit_summary totals;      /* of the targets added, then (finish) of those kept, final */
	struct audit_result one;          /* the target read back for a report */
	const size_t *kept;               /* audit_session_finish()'s kept, the caller's (not copied) */
	size_t nkept;
	int stream_failed;                /* the spool could not be written or read (errno in stream_errno) */
	int stream_errno;
};

int audit_session_begin(struct audit_session *as, const struct audit_options *o, const struct catalog *c);

/*
 * Added (issue 13): the session as a stream, so that `check` holds no
 * target's settings or result longer than that target takes, however many
 * targets it has. After begin:
 *
 *   stream    open the spool (an unlinked temporary file, spool.h).
 *             Returns 0, or -1 with errno set (nothing to add then).
 *   add       evaluate one target's own rules (target, channel and problem
 *             scopes), count its findings and note what they are
 *             (report_digest(): which reports will read it back), write its
 *             result (findings as evaluated, view) to the spool once and its lines for
 *             stderr (those audit_session_evaluate() prints; only when it
 *             has some) to another temporary file, and keep what the
 *             rules across targets read: a copy of the target's header
 *             and of the view's variables and facts that engine_read.fleet
 *             marks, with its channels and the places of its problems
 *             (no sentence, no other variable). s may be released after.
 *   finish    with the targets the run keeps, as indexes into the order
 *             they were added (increasing: load.h drops the files another
 *             target includes only once every file is read) and their
 *             project data (pts[k] for kept[k], NULL entries allowed;
 *             kept must stay valid until end, pts only during finish):
 *             take the targets not kept out of the counts; link the kept
 *             copies and group them for the fleet rules
 *             (engine_fleet_begin(): the topology.* facts kept apart, in
 *             cross_derived); then for each kept target, in order, work
 *             out its cross-target findings (engine_fleet_target(): no
 *             copy holds a finding) into a second spool (made by its first record): a
 *             target with nothing to apply is not read back, those
 *             findings are counted and are its second record when a report
 *             of the run writes anything for it (report.h writes; else it
 *             has none and no report reads it back); a target
 *             with something to apply (disabled rules, suppressions, the
 *             baseline: what audit_session_evaluate() applies) is read
 *             back, sorted, gets them merged in (and, when a suppression may
 *             explain a finding, the topology.* facts and channel
 *             sources), is suppressed, sorted, counted again, and its
 *             final findings are its second record.
 *             Then print what the suppressions deserve, then every kept
 *             target's stderr lines: the order audit_session_evaluate()
 *             prints in.
 *   report    audit_session_report() from the spool: each report reads the
 *             targets back one at a time (its own findings and its
 *             second record's after them, unsorted: the writers sort, or its
 *             final ones, sorted; its view only when
 *             the writer reads it, with the topology.* facts and channel
 *             sources), with the totals known first (JUnit's header); a
 *             target the report writes nothing for (report.h writes, by the
 *             digest finish kept: 4 bytes, and 4 for its record) is not
 *             read back, and the report's summary is the totals.
 *             Returns the exit status; 2 also when the spool failed (a
 *             message says so).
 *
 * Memory: per target added, only the cross-target copy (its size is the
 * number of marked variables and channels, not of the target's settings
 * or findings): a 72-byte head (what it shares with other targets, its
 * kind, kept once) and a 4-byte index per variable value (the distinct
 * values' slots kept once) while the
 * targets are read (audit.c); the kept ones' heads stay (the rules
 * across targets read each through an accessor, engine.h struct
 * engine_fleet_copies, made into a target_result one at a time), with
 * their derived facts. Reports, findings and sentences are those of
 * audit_session_evaluate() + audit_session_report(), byte for byte.
 */
struct project_target;
struct audit_cross_store;
int audit_session_stream(struct audit_session *as);
void audit_session_add(struct audit_session *as, const struct audit_options *o, const struct settings *s);
void audit_session_finish(struct audit_session *as, const struct audit_options *o, const size_t *kept,
			  struct project_target *const *pts, size_t nkept);
int audit_session_stream_report(struct audit_session *as, const struct audit_options *o, const char *command);
void audit_session_evaluate(struct audit_session *as, const struct audit_options *o, struct settings *targets,
			    size_t ntargets);
int audit_session_report(struct audit_session *as, const struct audit_options *o, const char *command);
void audit_session_end(struct audit_session *as);

/*
 * Added: check the common options once they are all parsed: a
 * --server-version the flavor (--flavor, else any flavor) never had is a
 * usage error (flavor_check_version()); two reports to one file, or two to
 * standard output ("--json -" with "--sarif -", or with a different
 * --format), are usage errors (issue 10), and "FORMAT -" becomes the report
 * on standard output (o->stdout_format). Prints the error and returns 2,
 * or returns 0.
 */
int audit_options_check(struct audit_options *o);

/*
 * Added: --fail-on from the project files of the run ([defaults] fail-on)
 * when the command line gives none: fail-on decides the run's exit status,
 * so it is the run's, not a target's, and an explicit --fail-on wins. With
 * several project files, the strictest applies (info < warning < error <
 * never). -v says which file decided it.
 */
struct project_finder;
void audit_options_fail_on_from_projects(struct audit_options *o, const struct project_finder *f);

/*
 * Load the catalog from the rules directory (crashsafe_rules_dir()).
 * Returns 0, or -1 with diagnostics in d.
 */
int audit_load_catalog(struct catalog *c, struct diag_list *d);

#endif
