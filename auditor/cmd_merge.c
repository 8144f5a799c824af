/*
 * cmd_merge.c - `crashsafe merge REPORT.json...`: one report from the JSON
 * reports of the shards of a run (--shard I/N), equal to the report the
 * unsharded run would have written, in every format.
 *
 * Each shard's report (schema crashsafe-report/3, read by reportread.h)
 * carries its targets' findings with their sentences, and what the fleet
 * rules compare (the "fleet" data: server ids, UUIDs, channels, with their
 * origins). merge
 *
 *   1. reads every report and checks that they are the shards of one run:
 *      the same command, the rules merge loads (the same --rules DIR), the
 *      same number of shards with each shard once, and as many targets as
 *      the run had; or, when none is a shard, whole runs of distinct targets;
 *   2. puts the targets back in the run's order (each one's position) and
 *      drops what the unsharded run would have dropped across shards (an
 *      option file another target includes, a second spelling of a file:
 *      load.h);
 *   3. keeps each target's own findings as the shard wrote them, drops the
 *      shards' findings of the rules judged across targets (fleet, topology
 *      and link: engine_rule_across_targets()) and the topology.* facts the
 *      shards derived (each shard saw only its own targets), and runs those
 *      rules again over every target (engine.h engine_evaluate_fleet(): the
 *      channels linked to their sources across all shards, on views rebuilt
 *      from the fleet data and the topology block); a suppression that
 *      covered a target's finding of such a rule in its shard covers the
 *      new one;
 *   4. writes every report the options ask for (audit_write_reports()),
 *      the findings read back worded by their stored sentences and the new
 *      fleet findings by the explainer, and exits as the unsharded run
 *      would have.
 *
 * Memory: every target's findings are held until the reports are written,
 * as check and live hold them today (issue 13 streams them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "catalog.h"
#include "cli.h"
#include "cmd.h"
#include "engine.h"
#include "explain.h"
#include "reportread.h"
#include "suppress.h"
#include "banned.h"

enum {
	OPT_HELP = 1,
	OPT_VERSION,
};

static const struct cli_option merge_own_options[] = {
	{ "help", 'h', CLI_NO_ARG, OPT_HELP, NULL, "show this help and exit" },
	{ "version", 0, CLI_NO_ARG, OPT_VERSION, NULL, "print crashsafe's version and exit" },
};

/* The common options that make sense for a merge: reports, rules, the exit status. */
static const char *const merge_common[] = {
	"rules", "format", "text", "json", "junit", "sarif", "fail-on", "no-color", "quiet", "verbose",
	"prom", "report-dir", "report-format", "keep", "timestamp",
};

#define MERGE_MAX_OPTIONS 32

struct merge_args {
	struct audit_options audit;
	int help;
	int version;   /* --version (issue 10: -h and --version on every command) */
};

static int merge_option(void *ctx, int id, const char *arg)
{
	struct merge_args *a = ctx;
	if (id == OPT_HELP) {
		a->help = 1;
		return 0;
	}
	if (id == OPT_VERSION) {
		a->version = 1;
		return 0;
	}
	int rc = audit_options_handle(&a->audit, id, arg);
	return rc == 1 ? cli_usage_error("option id %d is not handled (a bug)", id) : rc;
}

static void merge_usage(FILE *fp, const struct cli_option *opts, size_t n)
{
	fputs("usage: crashsafe merge [OPTIONS] REPORT.json...\n"
	      "\n"
	      "One report from the JSON reports of the shards of one run (check or live with\n"
	      "--shard I/N, each written with --json): the targets back in the run's order,\n"
	      "each with its findings as its shard found them, and the rules judged across\n"
	      "targets run again over every target: the fleet rules (server_id and\n"
	      "server_uuid uniqueness per cluster) and the topology rules (each channel\n"
	      "linked to its source, whatever shard it was in). The report, in every format\n"
	      "asked for, is the one the unsharded run would have written (for live\n"
	      "servers, whose state moves between runs: the same verdicts on stable\n"
	      "settings). Every shard must be given once; load the same rules (--rules DIR)\n"
	      "as the shards did. Reports of whole runs (no --shard) with distinct targets\n"
	      "are joined in the order given.\n"
	      "\n"
	      "Options:\n", fp);
	cli_print_options(fp, opts, n);
	fputs("\n"
	      "Exit status: as the unsharded run: 0 nothing at or above --fail-on, 1 findings\n"
	      "at or above it, 3 some target could not be audited or an error-severity rule\n"
	      "could not be evaluated; 2 when a shard's input could not be used, or merge's\n"
	      "own: a report that cannot be read, shards missing or given twice, shards of\n"
	      "different runs or rules.\n", fp);
}

/* ---- the reports --------------------------------------------------------------- */

struct merge_item {
	size_t report, target;   /* indices into the reports and their targets */
	size_t position;
};

static int merge_item_cmp(const void *pa, const void *pb)
{
	const struct merge_item *a = pa, *b = pb;
	if (a->position != b->position)
		return a->position < b->position ? -1 : 1;
	if (a->report != b->report)
		return a->report < b->report ? -1 : 1;
	return a->target < b->target ? -1 : a->target > b->target;
}

static int merge_item_by_report(const void *pa, const void *pb)
{
	const struct merge_item *a = pa, *b = pb;
	if (a->report != b->report)
		return a->report < b->report ? -1 : 1;
	if (a->position != b->position)
		return a->position < b->position ? -1 : 1;
	return a->target < b->target ? -1 : a->target > b->target;
}

/*
 * Check that the reports are the shards of one run made with the rules e
 * loaded (or whole runs), each error with the report's path. Returns 0 or -1.
 */
static int merge_check_set(const struct reportread *rr, size_t n, const struct engine *e, struct diag_list *d)
{
	int errors = 0;
	size_t sharded = 0;
	for (size_t i = 0; i < n; i++) {
		if (!rr[i].has_run || !rr[i].schema || strcmp(rr[i].schema, REPORTREAD_SCHEMA_FLEET)) {
			diag_add(d, DIAG_ERROR, rr[i].path, 0,
				 "schema '%s' has no fleet data: merge reads reports of schema %s (written by "
				 "crashsafe check or live --json of this version)", rr[i].schema ? rr[i].schema : "",
				 REPORTREAD_SCHEMA_FLEET);
			errors++;
			continue;
		}
		for (size_t t = 0; t < rr[i].n; t++) {
			if (!rr[i].targets[t].has_fleet) {
				diag_add(d, DIAG_ERROR, rr[i].path, 0, "target '%s' has no fleet data", rr[i].targets[t].name);
				errors++;
				break;
			}
		}
		if (rr[i].shard_count)
			sharded++;
		if (i && strcmp(rr[i].command ? rr[i].command : "", rr[0].command ? rr[0].command : "")) {
			diag_add(d, DIAG_ERROR, rr[i].path, 0, "a report of 'crashsafe %s', and %s one of 'crashsafe %s'",
				 rr[i].command ? rr[i].command : "?", rr[0].path, rr[0].command ? rr[0].command : "?");
			errors++;
		}
		/* the same rules, in the same order: the reports list them, SARIF and the fleet rules need them */
		size_t nr = engine_rule_count(e);
		int same = rr[i].nrules == nr;
		for (size_t k = 0; same && k < nr; k++)
			same = !strcmp(rr[i].rules[k], engine_rule_at(e, k)->id);
		if (!same) {
			diag_add(d, DIAG_ERROR, rr[i].path, 0,
				 "made with other rules than merge loads (%zu rules there, %zu here): give merge the "
				 "same --rules DIR as the shards", rr[i].nrules, nr);
			errors++;
		}
	}
	if (errors)
		return -1;
	if (sharded && sharded != n) {
		diag_add(d, DIAG_ERROR, NULL, 0, "give either the shards of one run (--shard I/N) or whole runs, not both");
		return -1;
	}
	if (!sharded)
		return 0;
	/* the shards of one run: N the same, every shard once, as many targets as the run had */
	unsigned count = rr[0].shard_count;
	const char **seen = xcalloc(count + 1, sizeof(*seen));
	size_t targets = 0;
	for (size_t i = 0; i < n; i++) {
		if (rr[i].shard_count != count || rr[i].run_targets != rr[0].run_targets) {
			diag_add(d, DIAG_ERROR, rr[i].path, 0,
				 "shard %u of %u of a run of %zu targets, and %s is shard %u of %u of a run of %zu: "
				 "not the shards of one run", rr[i].shard_index, rr[i].shard_count, rr[i].run_targets,
				 rr[0].path, rr[0].shard_index, count, rr[0].run_targets);
			errors++;
			continue;
		}
		if (seen[rr[i].shard_index]) {
			diag_add(d, DIAG_ERROR, rr[i].path, 0, "shard %u of %u is given twice (also %s)", rr[i].shard_index,
				 count, seen[rr[i].shard_index]);
			errors++;
			continue;
		}
		seen[rr[i].shard_index] = rr[i].path;
		targets += rr[i].n;
	}
	for (unsigned k = 1; !errors && k <= count; k++) {
		if (!seen[k]) {
			diag_add(d, DIAG_ERROR, NULL, 0, "shard %u of %u is missing: the merged report would lack its targets",
				 k, count);
			errors++;
		}
	}
	free(seen);
	if (!errors && targets > rr[0].run_targets) {
		diag_add(d, DIAG_ERROR, NULL, 0, "the shards hold %zu targets, more than the %zu of their run", targets,
			 rr[0].run_targets);
		errors++;
	}
	return errors ? -1 : 0;
}

/* ---- the merged result ----------------------------------------------------------- */

/* What a merged target's findings were read from: the explainer words those from the report. */
struct merge_target {
	const struct reportread_target *rt;
	const struct reportread_finding **stored;   /* per finding kept from the report, in order */
	size_t nstored;
};

struct merge {
	struct merge_target *targets;   /* parallel to r->targets */
	size_t n, cap;
	const struct audit_result *r;
	struct explainer *fallback;     /* the engine's explainer (audit_session), for the new fleet findings */
};

/* The stored sentences of the findings read back; the explainer's own for the new fleet findings. */
static void merge_explain(struct explainer *x, const struct target_result *t, const struct finding *f,
			  struct explanation *e)
{
	const struct merge *m = x->data;
	size_t ti = (size_t)(t - m->r->targets);
	size_t fi = (size_t)(f - t->findings);
	if (ti >= m->n || fi >= m->targets[ti].nstored) {
		explain_finding(m->fallback, t, f, e);
		return;
	}
	reportread_finding_explain(m->targets[ti].stored[fi], e);
}

/*
 * Append target rt of its report to r, its own findings kept, its shard's fleet, topology and
 * link findings dropped (engine_rule_across_targets).
 */
static void merge_add_target(struct merge *m, struct audit_result *r, const struct engine *e,
			     const struct reportread_target *rt)
{
	struct target_result *t = reportread_add_target(rt, r);
	/* the topology.* facts its shard derived from its own targets: engine_evaluate_fleet() derives them again */
	settings_forget_prefix(&t->view, "topology.");
	ARRAY_GROW(m->targets, m->n + 1, m->cap);
	struct merge_target *mt = &m->targets[m->n++];
	mt->rt = rt;
	mt->stored = xcalloc(rt->n ? rt->n : 1, sizeof(*mt->stored));
	mt->nstored = 0;
	for (size_t i = 0; i < rt->n; i++) {
		const struct rule *rule = engine_rule_find(e, rt->findings[i].rule_id);
		if (engine_rule_across_targets(rule))
			continue;   /* fleet, topology and link rules: judged again below, over every target */
		struct finding *f = reportread_add_finding(&rt->findings[i], t, r);
		f->rule = rule;
		mt->stored[mt->nstored++] = &rt->findings[i];
	}
}

/*
 * Drop what one unsharded run drops over all its targets (load.c
 * load_entry_points): an option-file target whose file an earlier kept
 * target names too (another spelling), or that another target that could
 * be read includes. Shards could only see this among their own targets.
 * Two hash maps, so a run of 100,000 targets is not quadratic.
 */
static void merge_drop_entries(const struct reportread *rr, struct merge_item *items, size_t *n)
{
	/* file -> first kept target; included file -> first includer; included by two targets or more */
	struct strmap first, includer, several;
	unsigned char *drop = xcalloc(*n ? *n : 1, 1);
	strmap_init(&first, 0);
	strmap_init(&includer, 0);
	strmap_init(&several, 0);
	for (size_t j = 0; j < *n; j++) {
		const struct reportread_target *b = &rr[items[j].report].targets[items[j].target];
		if (b->error)
			continue;
		for (size_t k = 0; k < b->nincludes; k++) {
			size_t by;
			if (strmap_get(&includer, b->includes[k], &by))
				strmap_put(&includer, b->includes[k], j);
			else if (by != j)
				strmap_put(&several, b->includes[k], 1);   /* for each, another one includes it */
		}
	}
	for (size_t i = 0; i < *n; i++) {
		const struct reportread_target *a = &rr[items[i].report].targets[items[i].target];
		size_t at;
		if (!a->file || strcmp(a->kind ? a->kind : "", "file"))
			continue;
		if (strmap_get(&first, a->file, &at) == 0) {
			drop[i] = 1;   /* a second spelling of a kept target's file */
			continue;
		}
		size_t two;
		if (strmap_get(&includer, a->file, &at) == 0 && (at != i || strmap_get(&several, a->file, &two) == 0)) {
			drop[i] = 1;   /* another target includes it */
			continue;
		}
		strmap_put(&first, a->file, i);
	}
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++)
		if (!drop[i])
			items[kept++] = items[i];
	*n = kept;
	strmap_release(&first);
	strmap_release(&includer);
	strmap_release(&several);
	free(drop);
}

static int merge_same_channel(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/*
 * A fleet finding of the merge gets the suppression that covered the same
 * target's finding of that rule (and channel) in its shard (an inline,
 * project-file or --suppress entry: they match a target and a rule, not
 * its peers).
 */
static void merge_fleet_suppressions(struct merge *m, struct audit_result *r)
{
	for (size_t ti = 0; ti < r->n; ti++) {
		struct target_result *t = &r->targets[ti];
		const struct reportread_target *rt = m->targets[ti].rt;
		for (size_t i = m->targets[ti].nstored; i < t->n; i++) {
			struct finding *f = &t->findings[i];
			for (size_t k = 0; k < rt->n; k++) {
				const struct reportread_finding *rf = &rt->findings[k];
				if (strcmp(rf->rule_id, f->rule_id) || !merge_same_channel(rf->channel, f->channel))
					continue;
				if (rf->status == FINDING_SUPPRESSED &&
				    (f->status == FINDING_FAIL || f->status == FINDING_UNKNOWN)) {
					f->suppression = reportread_suppression_make(r, &rf->suppression, NULL,
										     f->status);
					f->status = FINDING_SUPPRESSED;
				}
				if ((rf->expired.file || rf->expired.reason) && !f->expired)
					f->expired = reportread_suppression_make(r, &rf->expired, "inline", f->status);
				break;
			}
		}
	}
}

/* ---- the command ---------------------------------------------------------------- */

/*
 * The targets of the reports in the merged run's order: by position for
 * the shards of one run, report by report for whole runs; then what one
 * run would have dropped. Positions and names must be unique. Returns 0,
 * or -1 with the errors in d; *items is a heap array the caller frees.
 */
static int merge_order(const struct reportread *rr, size_t nreports, struct merge_item **items, size_t *nitems,
		       struct diag_list *d)
{
	int sharded = rr[0].shard_count != 0;
	size_t n = 0, cap = 0;
	struct merge_item *v = NULL;
	struct strmap names;
	int rc = 0;

	for (size_t i = 0; i < nreports; i++) {
		for (size_t t = 0; t < rr[i].n; t++) {
			ARRAY_GROW(v, n + 1, cap);
			v[n++] = (struct merge_item){ i, t, rr[i].targets[t].position };
		}
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), sharded ? merge_item_cmp : merge_item_by_report);
	strmap_init(&names, 0);
	for (size_t i = 0; i < n && !rc; i++) {
		const struct reportread_target *y = &rr[v[i].report].targets[v[i].target];
		size_t prev;
		if (sharded && i && v[i - 1].position == v[i].position) {
			const struct reportread_target *x = &rr[v[i - 1].report].targets[v[i - 1].target];
			diag_add(d, DIAG_ERROR, rr[v[i].report].path, 0,
				 "target '%s' has the position of '%s' in %s: not the shards of one run", y->name, x->name,
				 rr[v[i - 1].report].path);
			rc = -1;
		} else if (strmap_get(&names, y->name, &prev) == 0) {
			/* a name is the identity that shards and fleet rules go by: one target each */
			diag_add(d, DIAG_ERROR, rr[v[i].report].path, 0, "target '%s' is given twice (also in %s)", y->name,
				 rr[v[prev].report].path);
			rc = -1;
		} else {
			strmap_put(&names, y->name, i);
		}
	}
	strmap_release(&names);
	if (!rc)
		merge_drop_entries(rr, v, &n);
	*items = v;
	*nitems = n;
	return rc;
}

/*
 * The inputs the shards could not use that are not targets (a capture or
 * option file of a server that was itself audited): summary.input_errors
 * less the targets with an input error, which come back with the targets.
 */
static size_t merge_input_errors(const struct reportread *rr, size_t nreports)
{
	size_t sum = 0;
	for (size_t i = 0; i < nreports; i++) {
		size_t targets = 0;
		for (size_t t = 0; t < rr[i].n; t++)
			if (rr[i].targets[t].error && strcmp(rr[i].targets[t].kind ? rr[i].targets[t].kind : "", "live"))
				targets++;
		if (rr[i].input_errors > targets)
			sum += rr[i].input_errors - targets;
	}
	return sum;
}

/*
 * Build the merged result in as->r, run the fleet rules, and write every
 * report with the stored sentences for what was read and the engine's for
 * the new fleet findings. Returns the exit status.
 */
static int merge_report(struct audit_session *as, struct audit_options *o, const struct reportread *rr,
			size_t nreports, const struct merge_item *items, size_t nitems)
{
	struct merge m = { .r = &as->r };
	for (size_t i = 0; i < nitems; i++)
		merge_add_target(&m, &as->r, &as->e, &rr[items[i].report].targets[items[i].target]);
	engine_evaluate_fleet(&as->e, as->c, &as->r, 0);
	merge_fleet_suppressions(&m, &as->r);

	struct explainer fallback = as->x;
	m.fallback = &fallback;
	explainer_init(&as->x, NULL, NULL);
	as->x.explain = merge_explain;
	as->x.data = &m;
	o->input_errors = merge_input_errors(rr, nreports);
	/* the size of the run: the shards' run, or the whole runs joined */
	o->run_total = 0;
	for (size_t i = 0; i < (rr[0].shard_count ? 1 : nreports); i++)
		o->run_total += rr[i].run_targets;
	/*
	 * The run's time: when every report carries its own (--timestamp), the
	 * oldest report's, with the longest duration, so that the merged report
	 * (crashsafe_last_run_timestamp_seconds, JSON "generated") is as old as
	 * its stalest shard; else the merge's own clock (docs/fleet.md).
	 */
	size_t timed = 0;
	for (size_t i = 0; i < nreports; i++)
		timed += rr[i].has_time;
	if (nreports && timed == nreports) {
		o->clock_fixed = 1;
		o->clock_generated = rr[0].generated;
		o->clock_duration = rr[0].duration;
		for (size_t i = 1; i < nreports; i++) {
			if (rr[i].generated < o->clock_generated)
				o->clock_generated = rr[i].generated;
			if (rr[i].duration > o->clock_duration)
				o->clock_duration = rr[i].duration;
		}
	}
	int status = audit_session_report(as, o, rr[0].command ? rr[0].command : "merge");
	as->x.data = NULL;
	explainer_release(&as->x);
	as->x = fallback;   /* audit_session_end() releases the engine's explainer */
	for (size_t i = 0; i < m.n; i++)
		free(m.targets[i].stored);
	free(m.targets);
	return status;
}

/* The options merge takes: -h and the common ones in merge_common[]. Returns their number. */
static size_t merge_options(struct cli_option *opts, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(merge_own_options) && n < max; i++)
		opts[n++] = merge_own_options[i];
	for (size_t i = 0; i < audit_common_noptions; i++)
		for (size_t k = 0; k < ARRAY_SIZE(merge_common); k++)
			if (!strcmp(audit_common_options[i].name, merge_common[k]) && n < max)
				opts[n++] = audit_common_options[i];
	return n;
}

int cmd_merge(int argc, char **argv)
{
	struct cli_option opts[MERGE_MAX_OPTIONS];
	size_t nopts = merge_options(opts, MERGE_MAX_OPTIONS);
	struct merge_args a = { 0 };
	struct catalog c;
	struct diag_list d;
	struct reportread *rr = NULL;
	struct merge_item *items = NULL;
	struct audit_session as;
	int noperands = 0, status = EXIT_USAGE, session = 0, unusable = 0;
	size_t nreports = 0, nitems = 0;

	audit_options_init(&a.audit);
	catalog_init(&c);
	diag_list_init(&d);
	if (cli_parse(argc, argv, opts, nopts, merge_option, &a, &noperands))
		goto out;
	if (a.help) {
		merge_usage(stdout, opts, nopts);
		status = EXIT_OK;
		goto out;
	}
	if (a.version) {
		printf("crashsafe %s\n", CRASHSAFE_VERSION);
		status = EXIT_OK;
		goto out;
	}
	if (audit_options_check(&a.audit))
		goto out;
	if (noperands == 0) {
		status = cli_usage_error("no report to merge: give the JSON reports of the shards; see --help");
		goto out;
	}
	/* every report, each error with its path; nothing is written unless all are usable */
	nreports = (size_t)noperands;
	rr = xcalloc(nreports, sizeof(*rr));
	for (size_t i = 0; i < nreports; i++) {
		reportread_init(&rr[i]);
		unusable |= reportread_load(&rr[i], argv[i], &d) < 0;
	}
	unusable |= audit_load_catalog(&c, &d) < 0;
	if (!unusable) {
		session = 1;
		unusable = audit_session_begin(&as, &a.audit, &c) != EXIT_OK;
	}
	if (!unusable)
		unusable = merge_check_set(rr, nreports, &as.e, &d) < 0 || merge_order(rr, nreports, &items, &nitems, &d) < 0;
	diag_print(&d, stderr);
	if (!unusable)
		status = merge_report(&as, &a.audit, rr, nreports, items, nitems);
out:
	if (session)
		audit_session_end(&as);
	free(items);
	for (size_t i = 0; i < nreports; i++)
		reportread_release(&rr[i]);
	free(rr);
	diag_list_release(&d);
	catalog_release(&c);
	return status;
}
