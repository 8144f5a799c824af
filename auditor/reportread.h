/*
 * reportread.h - an earlier JSON report (docs/report-formats.md, schema
 * "crashsafe-report/1"), read back whole with jansson: every target with
 * its settings and every finding with its sentences, for --baseline,
 * `crashsafe diff` of two reports, and `crashsafe merge` (issue 11 extends
 * this module for shard reports).
 *
 * What is read is kept as written: statuses, severities, values, origins
 * and the explainer's sentences. reportread_to_result() turns it into an
 * audit_result that every report writer can write again, with an explainer
 * that returns the stored sentences (explain.h allows a replacement).
 *
 * Errors are collected in a diag_list with the report's path: a file that
 * cannot be read, is not JSON (line and column from jansson), or is not a
 * crashsafe report (another "schema": crashsafe-report/1 and /2 are read;
 * /1's status "unknown" is /2's "could-not-evaluate"). Members this reader does not know
 * are ignored (a later minor version may add some); a known member of the
 * wrong type is an error naming it.
 *
 * Every string lives in the reportread's arena.
 */
#ifndef CRASHSAFE_REPORTREAD_H
#define CRASHSAFE_REPORTREAD_H

#include <stddef.h>

#include "diag.h"
#include "explain.h"
#include "finding.h"
#include "settings.h"
#include "util.h"

/* One finding as the report wrote it. */
/* A suppression as a report wrote it ("suppression", "expired_suppression"). */
struct reportread_suppression {
	const char *kind;
	const char *file;
	unsigned line;
	const char *reason;
	const char *until;    /* "YYYY-MM-DD" or NULL */
};

struct reportread_finding {
	const char *rule_id;
	const char *title;
	enum severity severity;
	enum finding_status status;   /* "unknown" and "could-not-evaluate" are FINDING_UNKNOWN */
	const char *channel;          /* NULL: not a channel finding */
	const char *variable;
	const char *value;            /* NULL: unknown */
	struct settings_origin origin;
	const char *origin_text;
	struct settings_origin location;   /* where the report located it (file, line) */
	const char *subject;
	const char *cause_rule;            /* "cause": the rule that fails at the line that made it unknown */
	struct settings_origin cause;
	const char *overridden;
	const char *expected;
	const char *message;
	const char *fix;
	const char *why;
	const char *doc;
	const char *fingerprint;      /* as written, or NULL (reports before fingerprints) */
	const char *baseline;         /* "new", "unchanged" or NULL */
	/* the suppression, when status is suppressed and the report says */
	struct reportread_suppression suppression;
	/* a suppression that no longer applies (expired_suppression), or NULL file and reason */
	struct reportread_suppression expired;
};

/*
 * Added (issue 11): one setting the report's fleet data carries (a
 * variable or fact that a fleet rule compares), as the target had it.
 */
struct reportread_setting {
	const char *name;
	struct settings_value current;
	struct settings_value *overridden;   /* oldest first */
	size_t n_overridden;
};

struct reportread_target {
	const char *name;
	const char *kind;
	const char *key;              /* the normalised path ("path_key"), or NULL */
	const char *cluster;          /* the declared cluster, or NULL */
	enum flavor flavor;
	enum flavor_variant variant;
	struct version version;       /* 0.0 when the report says "unknown" */
	const char *flavor_source;
	const char *flavor_evidence;
	enum role role;
	const char *error;
	struct reportread_finding *findings;
	size_t n;
	/*
	 * Added (issue 11): the fleet data of schema 3 (has_fleet), which
	 * `crashsafe merge` needs: the target's position in its run, its tags,
	 * the settings and channels fleet rules compare, and for option files
	 * the resolved entry file and includes. Arrays live in the arena.
	 */
	int has_fleet;
	size_t position;
	const char **tags;
	size_t ntags;
	int role_detected, version_detected;
	struct settings_origin group_header;   /* file NULL: none */
	struct reportread_setting *settings;
	size_t nsettings;
	int channels_known;
	struct settings_channel *channels;
	size_t nchannels;
	const char *file;
	const char **includes;
	size_t nincludes;
	/* a `crashsafe diff` report's target diff, or NULL (strings and arrays in the arena) */
	struct target_diff *diff;
	/*
	 * Added (issue 12): the target's "topology" block (docs/report-formats.md),
	 * what the topology rules compare, so that merge can judge them again:
	 * reportread_to_result() puts it back into the target's view.
	 */
	int has_topology;             /* the report has the block */
	const char *address, *multi_writer;
	int topo_channels_known;
	struct reportread_pair {
		const char *name, *value;   /* value NULL: unknown */
	} *variables, *facts;         /* heap */
	size_t nvariables, nfacts;
	/* every channel column the channel and link rules read; heap, strings in the arena */
	struct settings_channel *topo_channels;
	size_t ntopo_channels;
};

struct reportread {
	const char *path;
	const char *schema;
	const char *command;          /* "check", "live", "diff" ... */
	const char *tool_version;
	size_t input_errors;          /* summary.input_errors (inputs of the run that could not be used) */
	int has_exit_status;             /* nonzero: exit_status below was read */
	int exit_status;              /* summary.exit_status: the process's */
	struct reportread_target *targets;
	size_t n;
	/* added (issue 11): the "run" object of schema 3 (has_run): the rules loaded, the shard, the run's size */
	int has_run;
	const char **rules;           /* rule ids, in the order the engine loaded them */
	size_t nrules;
	const char **fleet_names;     /* the settings fleet rules compare, as the run listed them */
	size_t nfleet_names;
	unsigned shard_index, shard_count;   /* count 0: not sharded */
	size_t run_targets;           /* targets of the whole run, every shard */
	/* added: "generated" and "duration_seconds" (written with --timestamp): has_time nonzero */
	int has_time;
	double generated;             /* Unix time, seconds */
	double duration;              /* seconds */
	struct arena arena;
};

void reportread_init(struct reportread *r);
void reportread_release(struct reportread *r);

/*
 * Read the JSON report at path ("-": standard input). Returns 0, or -1 with
 * the reasons in d (DIAG_ERROR, file path; line when jansson gives one).
 * On -1, r holds what was read before the error (possibly nothing).
 */
int reportread_load(struct reportread *r, const char *path, struct diag_list *d);

/* The schema that carries the fleet data merge needs, and what this reader knows. */
#define REPORTREAD_SCHEMA_FLEET "crashsafe-report/3"

/*
 * Nonzero when schema is one this reader knows: "crashsafe-report/1", "/2"
 * or "/3" exactly (docs/report-formats.md). reportread_load() refuses any
 * other, a later one included, with an error naming it.
 */
int reportread_schema_known(const char *schema);

/*
 * Nonzero when path looks like a JSON report rather than an option file:
 * its first byte that is not white space is '{'. An option file cannot
 * start with '{' (the server refuses an option before any group).
 */
int reportread_is_report(const char *path);

/*
 * Append the targets and findings of rr to out (targets in rr's order,
 * findings in rr's order), with finding.rule NULL and strings interned in
 * out. Each target's view gets its flavor, build, version, role, declared
 * cluster, the fleet settings (what fleet, topology and link rules read)
 * and, from the "topology" block, its address, multi_writer, the variables
 * the fleet settings lack and the channels with every column (what
 * topology_link() and the topology rules read) and the topology.* facts as
 * the report has them (topology_link() replaces them when run again). A finding the report says was unknown because of a refused line
 * ("cause") gets cause_no 1 (the line itself is in the stored sentences),
 * so that the exit status is the one the report had. A diff report's
 * target diff is not copied: target_result.diff points into rr, which must
 * outlive out. Each finding's read_no is set (1 + its index in its
 * reportread_target). Returns the index in out->targets of the first one
 * appended.
 */
size_t reportread_to_result(const struct reportread *rr, struct audit_result *out);

/*
 * The two steps of reportread_to_result(), for a caller that picks targets
 * and findings (crashsafe merge): append rt as a target of out, with the
 * fleet data of schema 3 (position, tags, resolved file and includes, and
 * the view fleet rules read: settings, channels, group header, cluster);
 * append rf as a finding of t (rule NULL, sentences left in the report).
 */
struct target_result *reportread_add_target(const struct reportread_target *rt, struct audit_result *out);
struct finding *reportread_add_finding(const struct reportread_finding *rf, struct target_result *t,
				       struct audit_result *out);

/*
 * What rr says about its run, for writing it again: the rule ids, the
 * shard, the run's size, and the names of the settings fleet rules compare.
 * The strings stay rr's.
 */
struct report_run;
void reportread_run(const struct reportread *rr, struct report_run *run);

/*
 * A finding_suppression in out's arena (strings interned in out) from one
 * read back: kind defaults to default_kind when the report gave none
 * (NULL keeps it NULL), the date is parsed, was is the status before it.
 * Shared by reportread_to_result() and crashsafe merge (cmd_merge.c).
 */
struct audit_result;
struct finding_suppression *reportread_suppression_make(struct audit_result *out,
							 const struct reportread_suppression *rs,
							 const char *default_kind, enum finding_status was);

/*
 * Fill e with the sentences and values stored for one finding read back
 * (rule id, title, variable, value, origins, expected, message, fix, why,
 * doc, location, subject, fingerprint, cause). The strings stay rf's
 * owner's: e must not outlive it. Shared by the explainer below and by
 * crashsafe merge (cmd_merge.c), which hold findings read back.
 */
struct explanation;
void reportread_finding_explain(const struct reportread_finding *rf, struct explanation *e);

/*
 * An explainer that returns the sentences stored in rr for the findings
 * of out->targets[base..] (as reportread_to_result() appended them). A
 * finding is found by its read_no (finding.h), which reportread_to_result()
 * sets, not by its place: the caller may sort or re-mark the findings (diff
 * does). A finding without one gets no sentences. rr and out must outlive
 * x; release with explainer_release().
 */
void reportread_explainer_init(struct explainer *x, const struct reportread *rr, const struct audit_result *out,
			       size_t base);

/*
 * A finding's fingerprint: 16 hex digits of a 64-bit FNV-1a hash over the
 * target's normalised path (key), the rule id, the channel and the value,
 * each followed by a NUL byte (NULL hashed as the byte 0x01). The line
 * is left out on purpose: it moves when the file is edited.
 * out holds at least 17 bytes.
 */
void reportread_fingerprint(const char *key, const char *rule_id, const char *channel, const char *value,
			    char out[17]);

#endif
