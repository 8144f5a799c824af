/*
 * cmd_diff.c - `crashsafe diff OLD NEW`: what a change to a server's option
 * files introduces, fixes and leaves as it was: the "check before restart"
 * command.
 *
 * OLD and NEW are each an option file, a directory (its entry file), or a
 * JSON report of an earlier run (docs/project.md, "The change check"). Option
 * files are read and audited exactly as `check` does (the same options, the
 * same layers: project file, annotations); reports are read back
 * (reportread.h). Each NEW target is paired with an OLD one: the only one when
 * each side has one, else the one with the same normalised path (or name).
 *
 * A failed or could-not-evaluate finding of NEW is
 *   unchanged    when its OLD partner fails the same rule (channel, value);
 *                also when OLD fails the rule with another value (the
 *                change did not make it fail: sync_binlog 0 -> 100);
 *   introduced   otherwise;
 * and a failed or could-not-evaluate finding of OLD that NEW does not have
 * is fixed. A finding NEW suppressed (annotation, project file, --suppress,
 * or the --baseline of the run that wrote NEW's report) still fails: it is
 * unchanged when it matches an OLD failure as above (it keeps its own
 * suppression), else only suppressed (neither introduced nor unchanged);
 * an OLD failure it matches is never fixed. Likewise a finding OLD
 * suppressed is one of OLD's failures (NEW failing it again is unchanged;
 * NEW without it fixed it). When NEW's target or its OLD partner could not be audited,
 * nothing is compared (target_diff.not_compared): no finding is fixed or
 * introduced and no value changed. NEW's report is written in every format the options ask for:
 * introduced findings are marked new; unchanged failures are suppressed as
 * "failing in OLD too" (kind baseline), so they do not fail the run;
 * fixed findings and the effective values that changed (with file:line on
 * each side) are the target's diff (finding.h, struct target_diff).
 *
 * Exit status: 2 for a usage error or an input that cannot be used (either
 * side); 3 when NEW could not be fully checked (a target that could not be
 * audited, an error-severity rule that could not be evaluated); 1 when a
 * finding at or above --fail-on is introduced; else 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "cmd.h"
#include "fileio.h"
#include "fleet.h"
#include "infer.h"
#include "load.h"
#include "reportread.h"
#include "suppress.h"
#include "banned.h"

enum {
	OPT_HELP = 1,
	OPT_VERSION,
	OPT_ROOT,
	OPT_PROJECT_FILE,
	OPT_DATADIR,
};

static const struct cli_option diff_own_options[] = {
	{ "root", 0, CLI_REQUIRED_ARG, OPT_ROOT, "DIR",
	  "read absolute !include/!includedir paths under DIR (both sides)" },
	{ "project-file", 0, CLI_REQUIRED_ARG, OPT_PROJECT_FILE, "FILE",
	  "the project file for both sides (default: .crashsafe.ini found upward from each)" },
	{ "datadir", 0, CLI_REQUIRED_ARG, OPT_DATADIR, "DIR",
	  "apply the persisted variables in DIR/mysqld-auto.cnf (both sides)" },
	{ "help", 'h', CLI_NO_ARG, OPT_HELP, NULL, "show this help and exit" },
	{ "version", 0, CLI_NO_ARG, OPT_VERSION, NULL, "print crashsafe's version and exit" },
};

#define DIFF_MAX_OPTIONS 64

struct diff_args {
	struct audit_options audit;
	const char *root, *project_file, *datadir;
	int help, version;
};

static int diff_option(void *ctx, int id, const char *arg)
{
	struct diff_args *a = ctx;
	struct stat st;
	switch (id) {
	case OPT_HELP:
		a->help = 1;
		return 0;
	case OPT_VERSION:
		a->version = 1;
		return 0;
	case OPT_ROOT:
	case OPT_DATADIR:
		if (stat(arg, &st) || !S_ISDIR(st.st_mode))
			return cli_usage_error("--%s: '%s' is not a directory", id == OPT_ROOT ? "root" : "datadir", arg);
		if (id == OPT_ROOT)
			a->root = arg;
		else
			a->datadir = arg;
		return 0;
	case OPT_PROJECT_FILE:
		a->project_file = arg;
		return 0;
	default: {
		int rc = audit_options_handle(&a->audit, id, arg);
		return rc == 1 ? cli_usage_error("unhandled option") : rc;
	}
	}
}

static void diff_usage(FILE *fp, const struct cli_option *opts, size_t n)
{
	fputs("usage: crashsafe diff [OPTIONS] OLD NEW\n"
	      "\n"
	      "What a change to a server's option files introduces, fixes and leaves as it\n"
	      "was: run it on the edited file before restarting the server. OLD and NEW are\n"
	      "each an option file, a directory (its entry file: my.cnf, Debian's\n"
	      "mariadb.cnf or mysql.cnf), or a JSON report of an earlier run (--json); option\n"
	      "files are read and audited as 'crashsafe check' does, with the same options,\n"
	      "project file and annotations.\n"
	      "\n"
	      "The report is NEW's, in every format asked for: findings the change\n"
	      "introduced are marked new; findings OLD had too are 'unchanged' (a failure\n"
	      "OLD had is suppressed, kind baseline: it does not fail the run); findings OLD\n"
	      "had and NEW has not are listed as fixed (a suppressed finding, on either\n"
	      "side, still fails: it is unchanged, not fixed or introduced); and every\n"
	      "effective value that changed is listed with its file:line on each side.\n"
	      "A finding is the same on both sides when its rule, channel and value are\n"
	      "(not its line, which moves when a file is edited); the same rule failing\n"
	      "with another value is unchanged, not introduced. When either side could\n"
	      "not be audited, nothing is compared ('not compared: NEW could not be\n"
	      "audited'): nothing is fixed.\n"
	      "\n"
	      "Options:\n", fp);
	cli_print_options(fp, opts, n);
	fputs("\n"
	      "Exit status:\n"
	      "  0  nothing at or above --fail-on introduced, and NEW fully checked\n"
	      "  1  a finding at or above --fail-on introduced (the change makes it worse)\n"
	      "  2  usage error, or OLD or NEW cannot be used (unreadable, not a report)\n"
	      "  3  NEW could not be fully checked (a rule of severity error could not be\n"
	      "     evaluated, or a target could not be audited)\n"
	      "\n"
	      "See crashsafe(1), 'THE CHANGE CHECK'.\n", fp);
}

/* ---- one side --------------------------------------------------------------------- */

struct diff_side {
	const char *path;
	int is_report;
	struct reportread rr;            /* a report */
	struct audit_result rres;
	struct explainer rx;
	int have_report;
	struct audit_session as;         /* option files (and, for NEW, the rules of every report) */
	int have_session;
	struct fleet_plan plan;
	struct load_targets lt;
	int have_targets;
	struct audit_result *r;          /* this side's findings */
	struct explainer *x;             /* their sentences */
	size_t input_errors;
};

/* Read side sd from path: a report read back, or option files loaded and audited. Returns 0, or 2. */
static int diff_side_load(struct diff_side *sd, const char *path, struct diff_args *a, const struct catalog *c,
			  struct infer_index *ix)
{
	struct diag_list d;
	int rc = EXIT_OK;
	sd->path = path;
	sd->is_report = reportread_is_report(path);
	fleet_plan_init(&sd->plan);
	if (audit_session_begin(&sd->as, &a->audit, c) != EXIT_OK) {
		sd->have_session = 1;
		return EXIT_USAGE;
	}
	sd->have_session = 1;
	diag_list_init(&d);
	if (sd->is_report) {
		reportread_init(&sd->rr);
		audit_result_init(&sd->rres);
		sd->have_report = 1;
		if (reportread_load(&sd->rr, path, &d) < 0) {
			rc = EXIT_USAGE;
			goto out;
		}
		size_t base = reportread_to_result(&sd->rr, &sd->rres);
		reportread_explainer_init(&sd->rx, &sd->rr, &sd->rres, base);
		sd->r = &sd->rres;
		sd->x = &sd->rx;
		sd->input_errors = sd->rr.input_errors;
		goto out;
	}
	char *operands[] = { (char *)(uintptr_t)path };
	struct shard no_shard = { 0 };
	if (fleet_plan_check(&sd->plan, NULL, operands, 1, NULL, 0, &no_shard, &d) < 0) {
		rc = EXIT_USAGE;
		goto out;
	}
	struct load_options lo = {
		.audit = &a->audit,
		.root = a->root,
		.project_file = a->project_file,
		.datadir = a->datadir,
	};
	load_targets_init(&sd->lt, &lo);
	sd->have_targets = 1;
	load_targets(&sd->lt, &lo, &sd->plan, c, ix);
	if (sd->lt.finder.errors) {
		/* as check: a project file with errors audits nothing (its errors said where) */
		diag_add(&d, DIAG_ERROR, NULL, 0, "nothing audited: the project file has errors");
		rc = EXIT_USAGE;
		goto out;
	}
	sd->input_errors = sd->lt.input_errors;
	audit_session_evaluate(&sd->as, &a->audit, sd->lt.targets, sd->lt.n);
	sd->input_errors += sd->as.input_errors;
	sd->r = &sd->as.r;
	sd->x = &sd->as.x;
out:
	diag_print(&d, stderr);
	diag_list_release(&d);
	return rc;
}

static void diff_side_release(struct diff_side *sd)
{
	if (sd->have_report) {
		if (sd->x == &sd->rx)
			explainer_release(&sd->rx);
		audit_result_release(&sd->rres);
		reportread_release(&sd->rr);
	}
	if (sd->have_targets)
		load_targets_release(&sd->lt);
	fleet_plan_release(&sd->plan);
	if (sd->have_session)
		audit_session_end(&sd->as);
}

/* The settings of result target i of a side read from option files, or NULL. */
static const struct settings *diff_side_settings(const struct diff_side *sd, size_t i)
{
	if (sd->is_report || !sd->have_targets || i >= sd->lt.n)
		return NULL;
	return &sd->lt.targets[i];
}

/* ---- pairing and comparing -------------------------------------------------------- */

static int diff_failing(const struct finding *f)
{
	return f->status == FINDING_FAIL || f->status == FINDING_UNKNOWN;
}

/*
 * A finding NEW suppressed (an annotation, the project file, --suppress, or
 * the --baseline of the run that wrote NEW's report): it still fails on the
 * server, so an OLD failure it matches is unchanged, not fixed (breaker8
 * finding 2).
 */
static int diff_suppressed(const struct finding *f)
{
	return f->status == FINDING_SUPPRESSED &&
	       (!f->suppression || f->suppression->was == FINDING_FAIL || f->suppression->was == FINDING_UNKNOWN);
}

/* The OLD target compared with NEW target t: the only one, else the same path (or name); -1 none. */
static long diff_partner(const struct audit_result *old, const struct audit_result *new, size_t ti)
{
	const struct target_result *t = &new->targets[ti];
	if (old->n == 1 && new->n == 1)
		return 0;
	for (size_t i = 0; i < old->n; i++) {
		const struct target_result *o = &old->targets[i];
		if (t->path_key && o->path_key ? !strcmp(t->path_key, o->path_key) : !strcmp(t->name, o->name))
			return (long)i;
	}
	return -1;
}

struct diff_key {
	char full[17];      /* rule, channel, value (no target) */
	char rule[17];      /* rule, channel */
	int used;
};

static void diff_keys(struct diff_key *k, struct explainer *x, const struct target_result *t,
		      const struct finding *f)
{
	struct explanation e;
	explain_finding(x, t, f, &e);
	suppress_fingerprint_keyed("", t, f, &e, k->full);
	reportread_fingerprint("", f->rule_id, f->channel, NULL, k->rule);
	k->used = 0;
}

/* The suppression that marks an unchanged failure (it failed in OLD too). */
static const struct finding_suppression *diff_unchanged_mark(struct audit_result *r, const char *old_path,
							      enum finding_status was)
{
	struct finding_suppression *s = arena_alloc(&r->arena, sizeof(*s));
	memset(s, 0, sizeof(*s));
	s->kind = "baseline";
	s->file = audit_result_intern(r, old_path);
	s->reason = "failing in OLD too: not introduced by the change";
	s->was = was;
	return s;
}

/* Findings of NEW target t against OLD target o (may be NULL): marks, counts, and the fixed list. */
static void diff_findings(struct target_diff *d, struct diff_side *oldside, const struct target_result *o,
			  struct diff_side *newside, struct target_result *t)
{
	struct audit_result *r = newside->r;
	size_t nold = 0;
	struct diff_key *ok = xcalloc(o && o->n ? o->n : 1, sizeof(*ok));
	const struct finding **of = xcalloc(o && o->n ? o->n : 1, sizeof(*of));
	for (size_t i = 0; o && i < o->n; i++) {
		if (!diff_failing(&o->findings[i]) && !diff_suppressed(&o->findings[i]))
			continue;   /* OLD's suppressed findings are failures too: NEW failing them again introduces nothing */
		of[nold] = &o->findings[i];
		diff_keys(&ok[nold++], oldside->x, o, &o->findings[i]);
	}
	for (size_t i = 0; i < t->n; i++) {
		struct finding *f = &t->findings[i];
		struct diff_key nk;
		size_t j;
		int suppressed = diff_suppressed(f);
		if (!diff_failing(f) && !suppressed)
			continue;
		diff_keys(&nk, newside->x, t, f);
		for (j = 0; j < nold && (ok[j].used || strcmp(ok[j].full, nk.full)); j++)
			;
		if (j == nold) /* the same rule failing with another value: not introduced by the change */
			for (j = 0; j < nold && (ok[j].used || strcmp(ok[j].rule, nk.rule)); j++)
				;
		if (j == nold && suppressed) {
			/* suppressed, and not among OLD's failures: neither introduced nor unchanged (a mark
			 * NEW's report had from its own --baseline is not this diff's) */
			f->baseline = FINDING_BASELINE_NONE;
			continue;
		}
		if (j == nold) {
			f->baseline = FINDING_BASELINE_NEW;
			d->introduced++;
			continue;
		}
		ok[j].used = 1;
		f->baseline = FINDING_BASELINE_UNCHANGED;
		d->unchanged++;
		if (f->status == FINDING_FAIL) {
			f->suppression = diff_unchanged_mark(r, oldside->path, f->status);
			f->status = FINDING_SUPPRESSED;
		}
	}
	size_t nfixed = 0;
	for (size_t j = 0; j < nold; j++)
		nfixed += !ok[j].used;
	d->fixed = arena_alloc(&r->arena, (nfixed ? nfixed : 1) * sizeof(*d->fixed));
	for (size_t j = 0; j < nold; j++) {
		struct explanation e;
		if (ok[j].used)
			continue;
		struct target_diff_fixed *x = &d->fixed[d->nfixed++];
		memset(x, 0, sizeof(*x));
		explain_finding(oldside->x, o, of[j], &e);
		x->rule_id = audit_result_intern(r, e.rule_id);
		x->title = audit_result_intern(r, e.title);
		x->severity = of[j]->severity;
		x->status = of[j]->status != FINDING_SUPPRESSED ? of[j]->status
			    : of[j]->suppression ? of[j]->suppression->was : FINDING_FAIL;
		x->channel = audit_result_intern(r, of[j]->channel);
		x->variable = audit_result_intern(r, e.variable);
		x->value = audit_result_intern(r, e.value);
		x->message = audit_result_intern(r, e.message);
		x->location.source = e.location.source;
		x->location.file = audit_result_intern(r, e.location.file);
		x->location.line = e.location.line;
		char fp[17];
		suppress_fingerprint(o, of[j], &e, fp);
		x->fingerprint = audit_result_intern(r, fp);
	}
	free(ok);
	free(of);
}

struct diff_value {
	const char *variable, *value, *origin;
	struct settings_origin at;
};

static int diff_change_cmp(const void *pa, const void *pb)
{
	const struct target_diff_change *a = pa, *b = pb;
	return strcmp(a->variable, b->variable);
}

static int diff_same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void diff_change_add(struct target_diff *d, size_t *cap, struct audit_result *r, const struct diff_value *ov,
			    const struct diff_value *nv)
{
	if (d->nchanges == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct target_diff_change *n = arena_alloc(&r->arena, ncap * sizeof(*n));
		if (d->nchanges)
			memcpy(n, d->changes, d->nchanges * sizeof(*n));
		d->changes = n;
		*cap = ncap;
	}
	struct target_diff_change *c = &d->changes[d->nchanges++];
	memset(c, 0, sizeof(*c));
	c->variable = audit_result_intern(r, nv ? nv->variable : ov->variable);
	if (ov) {
		c->old_value = audit_result_intern(r, ov->value);
		c->old_origin = audit_result_intern(r, ov->origin);
		c->old_at.source = ov->at.source;
		c->old_at.file = audit_result_intern(r, ov->at.file);
		c->old_at.line = ov->at.line;
	}
	if (nv) {
		c->new_value = audit_result_intern(r, nv->value);
		c->new_origin = audit_result_intern(r, nv->origin);
		c->new_at.source = nv->at.source;
		c->new_at.file = audit_result_intern(r, nv->at.file);
		c->new_at.line = nv->at.line;
	}
}

/* A variable of a side's settings as a diff value (origin text heap-allocated into *tmp). */
static void diff_value_of(struct diff_value *v, const struct settings_var *sv, char **tmp)
{
	v->variable = sv->name;
	v->value = sv->current.value;
	*tmp = settings_origin_describe(&sv->current.origin);
	v->origin = *tmp;
	v->at = sv->current.origin;
	if (v->at.source == SETTINGS_SRC_DEFAULT)
		v->at.file = NULL;
}

/* The effective values that changed, from the settings of two option-file targets. */
static void diff_values_settings(struct target_diff *d, struct audit_result *r, const struct settings *os,
				 const struct settings *ns)
{
	size_t cap = 0;
	for (int pass = 0; pass < 2; pass++) {
		const struct settings *a = pass ? os : ns, *b = pass ? ns : os;
		for (size_t i = 0; i < a->n; i++) {
			const struct settings_var *av = &a->vars[i];
			const struct settings_var *bv = settings_get(b, av->name);
			char *t1 = NULL, *t2 = NULL;
			struct diff_value x, y;
			if (strchr(av->name, '.'))
				continue;   /* a live fact, not a value a file sets */
			if (pass && bv)
				continue;   /* seen from NEW already */
			if (bv && diff_same(av->current.value, bv->current.value))
				continue;
			if (av->current.origin.source == SETTINGS_SRC_DEFAULT &&
			    (!bv || bv->current.origin.source == SETTINGS_SRC_DEFAULT))
				continue;   /* defaults on both sides: the flavor or version changed, not a line */
			diff_value_of(&x, av, &t1);
			if (bv)
				diff_value_of(&y, bv, &t2);
			if (pass)
				diff_change_add(d, &cap, r, &x, bv ? &y : NULL);
			else
				diff_change_add(d, &cap, r, bv ? &y : NULL, &x);
			free(t1);
			free(t2);
		}
	}
	if (d->nchanges > 1)
		qsort(d->changes, d->nchanges, sizeof(*d->changes), diff_change_cmp);
}

/* The values that changed among those the findings read, when a side is a report. */
static void diff_values_findings(struct target_diff *d, struct audit_result *r, struct diff_side *oldside,
				 const struct target_result *o, struct diff_side *newside, const struct target_result *t)
{
	size_t cap = 0;
	for (size_t i = 0; i < t->n; i++) {
		struct explanation ne;
		explain_finding(newside->x, t, &t->findings[i], &ne);
		if (!ne.variable)
			continue;
		const char *nvar = audit_result_intern(r, ne.variable);
		const char *nval = audit_result_intern(r, ne.value);
		struct diff_value nv = { nvar, nval, audit_result_intern(r, ne.origin_text), ne.origin };
		nv.at.file = audit_result_intern(r, ne.origin.source == SETTINGS_SRC_DEFAULT ? NULL : ne.origin.file);
		int seen = 0;
		for (size_t k = 0; k < d->nchanges && !seen; k++)
			seen = !strcmp(d->changes[k].variable, nvar);
		for (size_t j = 0; o && j < o->n && !seen; j++) {
			struct explanation oe;
			explain_finding(oldside->x, o, &o->findings[j], &oe);
			if (!oe.variable || strcmp(oe.variable, nvar))
				continue;
			seen = 1;
			if (diff_same(oe.value, nval))
				break;
			struct diff_value ov = { nvar, oe.value, oe.origin_text, oe.origin };
			if (oe.origin.source == SETTINGS_SRC_DEFAULT)
				ov.at.file = NULL;
			diff_change_add(d, &cap, r, &ov, &nv);
		}
	}
	if (d->nchanges > 1)
		qsort(d->changes, d->nchanges, sizeof(*d->changes), diff_change_cmp);
}

static void diff_compare(struct diff_side *oldside, struct diff_side *newside)
{
	struct audit_result *r = newside->r;
	for (size_t i = 0; i < r->n; i++) {
		struct target_result *t = &r->targets[i];
		long oi = diff_partner(oldside->r, r, i);
		const struct target_result *o = oi >= 0 ? &oldside->r->targets[oi] : NULL;
		struct target_diff *d = arena_alloc(&r->arena, sizeof(*d));
		memset(d, 0, sizeof(*d));
		d->old_name = o ? audit_result_intern(r, o->name) : NULL;
		t->diff = d;
		/* a side that could not be audited: nothing to compare (not "fixed", not "changed -> unknown") */
		if (t->error || (o && o->error)) {
			d->not_compared = t->error ? "NEW could not be audited" : "OLD could not be audited";
			continue;
		}
		diff_findings(d, oldside, o, newside, t);
		const struct settings *os = oi >= 0 ? diff_side_settings(oldside, (size_t)oi) : NULL;
		const struct settings *ns = diff_side_settings(newside, i);
		if (os && ns)
			diff_values_settings(d, r, os, ns);
		else if (o)
			diff_values_findings(d, r, oldside, o, newside, t);
	}
	for (size_t i = 0; i < oldside->r->n; i++) {
		int paired = 0;
		for (size_t j = 0; j < r->n && !paired; j++)
			paired = diff_partner(oldside->r, r, j) == (long)i;
		if (!paired)
			diag_emit(DIAG_WARNING, oldside->r->targets[i].name, 0, "no target of NEW to compare it with");
	}
	audit_result_sort(r);
}

int cmd_diff(int argc, char **argv)
{
	struct cli_option opts[DIFF_MAX_OPTIONS];
	size_t nopts = 0;
	struct diff_args a;
	struct catalog c;
	struct infer_index ix = { 0 };
	struct diag_list d;
	struct diff_side sides[2];
	int noperands = 0, status;

	memset(&a, 0, sizeof(a));
	memset(sides, 0, sizeof(sides));
	for (size_t i = 0; i < ARRAY_SIZE(diff_own_options); i++)
		opts[nopts++] = diff_own_options[i];
	for (size_t i = 0; i < audit_common_noptions && nopts < DIFF_MAX_OPTIONS; i++)
		opts[nopts++] = audit_common_options[i];
	audit_options_init(&a.audit);
	if (cli_parse(argc, argv, opts, nopts, diff_option, &a, &noperands))
		return EXIT_USAGE;
	if (a.help || a.version) {
		if (a.help)
			diff_usage(stdout, opts, nopts);
		else
			printf("crashsafe %s\n", CRASHSAFE_VERSION);
		return EXIT_OK;
	}
	if (noperands != 2)
		return cli_usage_error("diff compares two: OLD NEW (option files, directories or JSON reports; see --help)");
	if (a.audit.baseline || a.audit.inventory || a.audit.shard.count)
		return cli_usage_error("diff takes no --baseline, --inventory or --shard: OLD is the baseline");
	if (!strcmp(argv[0], "-") && !strcmp(argv[1], "-"))
		return cli_usage_error("standard input (-) can be read only once");
	if (audit_options_check(&a.audit))
		return EXIT_USAGE;

	catalog_init(&c);
	diag_list_init(&d);
	if (audit_load_catalog(&c, &d)) {
		diag_print(&d, stderr);
		status = EXIT_USAGE;
		goto out;
	}
	diag_print(&d, stderr);
	infer_index_init(&ix, &c);
	a.audit.run_total = 1;

	status = diff_side_load(&sides[0], argv[0], &a, &c, &ix);
	if (status == EXIT_OK)
		status = diff_side_load(&sides[1], argv[1], &a, &c, &ix);
	if (status != EXIT_OK)
		goto out;
	diff_compare(&sides[0], &sides[1]);

	/* NEW's report, in every format asked for; the exit status is NEW's, with OLD's input errors */
	a.audit.input_errors = sides[0].input_errors + sides[1].input_errors;
	int write_failed = audit_write_reports(&a.audit, "diff", &sides[1].as.e, sides[1].x, sides[1].r) < 0;
	struct audit_summary totals;
	audit_result_summary(sides[1].r, &totals);
	totals.input_errors = a.audit.input_errors;
	status = write_failed ? EXIT_USAGE : audit_summary_exit_status(&totals, a.audit.fail_on);
out:
	diff_side_release(&sides[1]);
	diff_side_release(&sides[0]);
	infer_index_release(&ix);
	diag_list_release(&d);
	catalog_release(&c);
	return status;
}
