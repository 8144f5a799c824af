/*
 * audit.c - what `check` and `live` share: the common options, and the run
 * (catalog, rules, evaluation, reports, exit status).
 */
#include "audit.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "engine.h"
#include "explain.h"
#include "project.h"
#include "reportdir.h"
#include "suppress.h"
#include "../reports/report.h"
#include "banned.h"

enum {
	OPT_ROLE = AUDIT_OPT_BASE,
	OPT_FLAVOR,
	OPT_SERVER_VERSION,
	OPT_GROUP_SUFFIX,
	OPT_RULES,
	OPT_FORMAT,
	OPT_TEXT,
	OPT_JSON,
	OPT_JUNIT,
	OPT_SARIF,
	OPT_FAIL_ON,
	OPT_NO_COLOR,
	OPT_SUPPRESS,
	OPT_QUIET,
	OPT_VERBOSE,
	OPT_INVENTORY,
	OPT_SHARD,
	OPT_BASELINE,
	OPT_STRICT,
};

const struct cli_option audit_common_options[] = {
	{ "role", 0, CLI_REQUIRED_ARG, OPT_ROLE, "ROLE",
	  "primary, replica or any (default: any, a server that may be either)" },
	{ "flavor", 0, CLI_REQUIRED_ARG, OPT_FLAVOR, "FLAVOR",
	  "mysql, percona or mariadb; or a Galera build: pxc, mariadb-galera, mysql-wsrep "
	  "(default: inferred from each file, else mysql)" },
	{ "server-version", 0, CLI_REQUIRED_ARG, OPT_SERVER_VERSION, "X.Y[.Z]",
	  "version whose defaults and groups apply; one the flavor never had is refused "
	  "(default: a versioned group in the file, else 8.4; MariaDB 10.11)" },
	{ "defaults-group-suffix", 0, CLI_REQUIRED_ARG, OPT_GROUP_SUFFIX, "SUFFIX",
	  "also read the option groups with this suffix, as mysqld does (default $MYSQL_GROUP_SUFFIX)" },
	{ "rules", 0, CLI_REPEATABLE_ARG, OPT_RULES, "DIR",
	  "also load the rule files (*.ini) in DIR (repeatable)" },
	{ "format", 0, CLI_REQUIRED_ARG, OPT_FORMAT, "FORMAT",
	  "report on stdout: text, json, junit, sarif, prom or gcc (FILE:LINE: severity: message "
	  "[rule-id]; default: text)" },
	{ "text", 0, CLI_REQUIRED_ARG, OPT_TEXT, "FILE", "also write the text report to FILE" },
	{ "json", 0, CLI_REQUIRED_ARG, OPT_JSON, "FILE",
	  "also write the JSON report to FILE (- : to stdout, instead of the text report)" },
	{ "junit", 0, CLI_REQUIRED_ARG, OPT_JUNIT, "FILE", "also write the JUnit XML report to FILE" },
	{ "sarif", 0, CLI_REQUIRED_ARG, OPT_SARIF, "FILE", "also write the SARIF 2.1.0 report to FILE" },
	{ "fail-on", 0, CLI_REQUIRED_ARG, OPT_FAIL_ON, "LEVEL",
	  "exit 1 for failures at or above error, warning, info, or never (default: error)" },
	{ "no-color", 0, CLI_NO_ARG, OPT_NO_COLOR, NULL,
	  "no colour in the text report (also when NO_COLOR is set; colour only on a terminal)" },
	{ "suppress", 0, CLI_REPEATABLE_ARG, OPT_SUPPRESS, "FILE",
	  "suppress findings listed in FILE (INI: [rule-id] target = GLOB, reason = TEXT, "
	  "until = YYYY-MM-DD; repeatable, the files merge)" },
	{ "baseline", 0, CLI_REQUIRED_ARG, OPT_BASELINE, "REPORT.json",
	  "findings already in this earlier JSON report do not fail the run; new ones do" },
	{ "strict", 0, CLI_NO_ARG, OPT_STRICT, NULL,
	  "warnings about the run's own inputs (rule, suppression and project files) are errors "
	  "(exit 2); check needs a FILE" },
	{ "quiet", 'q', CLI_NO_ARG, OPT_QUIET, NULL,
	  "text report: only what decides the exit status, one line each, and the summary" },
	{ "verbose", 'v', CLI_NO_ARG, OPT_VERBOSE, NULL,
	  "text report: also the pass, not applicable and suppressed findings and each failure's why; "
	  "print every reading diagnostic" },
	{ "inventory", 0, CLI_REQUIRED_ARG, OPT_INVENTORY, "FILE",
	  "the fleet's servers, one [NAME] section each (see crashsafe(1), INVENTORY)" },
	{ "shard", 0, CLI_REQUIRED_ARG, OPT_SHARD, "I/N",
	  "audit only shard I of N (a stable share of the targets); join with crashsafe merge" },
	AUDIT_REPORT_OPTIONS
};
const size_t audit_common_noptions = ARRAY_SIZE(audit_common_options);

void audit_options_init(struct audit_options *o)
{
	memset(o, 0, sizeof(*o));
	o->flavor = FLAVOR_DEFAULT;
	o->variant = -1;
	flavor_default_version(o->flavor, &o->version);
	o->role = ROLE_ANY;
	o->stdout_format = REPORT_TEXT;
	o->fail_on = SEV_ERROR;
	o->color = -1;
	o->report_dir_formats = REPORTDIR_DEFAULT_FORMATS;
	audit_clock_start(o);
}

void audit_clock_start(struct audit_options *o)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	o->started_at = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	o->started_mono = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void audit_clock_read(const struct audit_options *o, double *generated, double *duration)
{
	struct timespec ts;
	if (o->clock_fixed) {
		*generated = o->clock_generated;
		*duration = o->clock_duration;
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	*duration = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 - o->started_mono;
	if (*duration < 0)
		*duration = 0;
	*generated = o->started_at + *duration;
}

int audit_options_handle(struct audit_options *o, int id, const char *arg)
{
	const struct report_writer *w;
	enum severity sev;
	switch (id) {


	case OPT_ROLE:
		if (role_parse(&o->role, arg))
			return cli_usage_error("--role: '%s' is not primary, replica or any", arg);
		o->role_set = 1;
		return 0;
	case OPT_FLAVOR:
		if (flavor_parse_build(&o->flavor, &o->variant, arg))
			return cli_usage_error("--flavor: '%s' is not %s", arg, flavor_build_names());
		o->flavor_set = 1;
		if (!o->version_set)
			flavor_default_version(o->flavor, &o->version);
		return 0;
	case OPT_SERVER_VERSION:
		if (version_parse(&o->version, arg))
			return cli_usage_error("--server-version: '%s' is not a version (X.Y or X.Y.Z)", arg);
		o->version_set = 1;
		return 0;
	case OPT_GROUP_SUFFIX:
		o->group_suffix = arg;
		return 0;
	case OPT_RULES:
		if (o->nrules_dirs == AUDIT_MAX_RULE_DIRS)
			return cli_usage_error("--rules: at most %d directories", AUDIT_MAX_RULE_DIRS);
		o->rules_dirs[o->nrules_dirs++] = arg;
		return 0;
	case OPT_FORMAT:
		w = report_writer_find(arg);
		if (!w)
			return cli_usage_error("--format: '%s' is not text, json, junit, sarif, prom or gcc", arg);
		o->stdout_format = (int)w->format;
		o->format_set = 1;
		return 0;
	case OPT_TEXT:
		o->report_files[REPORT_TEXT] = arg;
		return 0;
	case OPT_JSON:
		o->report_files[REPORT_JSON] = arg;
		return 0;
	case OPT_JUNIT:
		o->report_files[REPORT_JUNIT] = arg;
		return 0;
	case OPT_SARIF:
		o->report_files[REPORT_SARIF] = arg;
		return 0;
	case OPT_FAIL_ON:
		if (!strcmp(arg, "never")) {
			o->fail_on = 0;
			o->fail_on_set = 1;
			return 0;
		}
		if (severity_parse(&sev, arg))
			return cli_usage_error("--fail-on: '%s' is not error, warning, info or never", arg);
		o->fail_on = (int)sev;
		o->fail_on_set = 1;
		return 0;
	case OPT_NO_COLOR:
		o->color = 0;
		return 0;
	case OPT_SUPPRESS:
		if (o->nsuppress_files == AUDIT_MAX_SUPPRESS)
			return cli_usage_error("--suppress: at most %d files", AUDIT_MAX_SUPPRESS);
		o->suppress_files[o->nsuppress_files++] = arg;
		return 0;
	case OPT_BASELINE:
		o->baseline = arg;
		return 0;
	case OPT_STRICT:
		o->strict = 1;
		return 0;
	case OPT_QUIET:
		o->quiet = 1;
		return 0;
	case OPT_VERBOSE:
		o->verbose = 1;
		return 0;
	case OPT_INVENTORY:
		if (o->inventory)
			return cli_usage_error("--inventory: give one inventory");
		o->inventory = arg;
		return 0;
	case AUDIT_OPT_PROM:
		o->report_files[REPORT_PROM] = arg;
		return 0;
	case AUDIT_OPT_REPORT_DIR:
		o->report_dir = arg;
		return 0;
	case AUDIT_OPT_REPORT_FORMAT: {
		const char *why;
		if (reportdir_parse_formats(&o->report_dir_formats, arg, &why))
			return cli_usage_error("--report-format: '%s': %s", arg, why);
		o->report_dir_formats_set = 1;
		return 0;
	}
	case AUDIT_OPT_KEEP: {
		unsigned long v;
		if (parse_uint_strict(arg, 1, 100000, &v))
			return cli_usage_error("--keep: '%s' is not a number of runs from 1 to 100000", arg);
		o->keep = (unsigned)v;
		return 0;
	}
	case AUDIT_OPT_TIMESTAMP:
		o->timestamp = 1;
		return 0;
	case OPT_SHARD: {
		const char *why;
		if (shard_parse(&o->shard, arg, &why))
			return cli_usage_error("--shard: '%s': %s", arg, why);
		return 0;
	}
	default:
		return 1;
	}
}

/*
 * A report path as the file it will be: its directory resolved (realpath)
 * and its name, so that "r.json", "./r.json" and "../d/r.json" of a file
 * not written yet compare equal. Heap string; the path itself when its
 * directory cannot be resolved.
 */
static char *audit_report_canon(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, (size_t)(slash - path) + (slash == path)) : xstrdup(".");
	char *real = realpath(dir, NULL);
	char *out = real ? xasprintf("%s/%s", real, slash ? slash + 1 : path) : xstrdup(path);
	free(real);
	free(dir);
	return out;
}

/* The report files are one path, or one file under two spellings (same device and inode, or same place). */
static int audit_same_path(const char *a, const char *b)
{
	struct stat sa, sb;
	if (!strcmp(a, b))
		return 1;
	if (!stat(a, &sa) && !stat(b, &sb))
		return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino && S_ISREG(sa.st_mode);
	char *ca = audit_report_canon(a), *cb = audit_report_canon(b);
	int same = !strcmp(ca, cb);
	free(ca);
	free(cb);
	return same;
}

int audit_options_check(struct audit_options *o)
{
	char *why = NULL, vbuf[32];
	if (o->version_set && flavor_check_version(o->flavor_set ? o->flavor : FLAVOR_UNKNOWN, &o->version, &why)) {
		int rc = cli_usage_error("--server-version %s: %s", version_format(&o->version, vbuf, sizeof(vbuf)),
					 why);
		free(why);
		return rc;
	}
	static const char *const flags[REPORT_FORMAT_COUNT] = {
		[REPORT_TEXT] = "--text", [REPORT_JSON] = "--json", [REPORT_JUNIT] = "--junit",
		[REPORT_SARIF] = "--sarif", [REPORT_PROM] = "--prom", [REPORT_GCC] = "--gcc",
	};
	int to_stdout = -1;
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		const char *p = o->report_files[f];
		if (!p)
			continue;
		if (!*p)   /* --json= : found up front, not after the whole audit (breaker7) */
			return cli_usage_error("%s: an empty file name (give a path, or - for standard output)", flags[f]);
		if (!strcmp(p, "-")) {
			if (to_stdout >= 0)
				return cli_usage_error("%s - and %s -: two reports to standard output", flags[to_stdout],
						       flags[f]);
			to_stdout = f;
			continue;
		}
		for (int g = 0; g < f; g++)
			if (o->report_files[g] && audit_same_path(o->report_files[g], p))
				return cli_usage_error("%s and %s: two reports to one file '%s'", flags[g], flags[f], p);
	}
	if (to_stdout >= 0) {
		if (o->format_set && o->stdout_format != to_stdout)
			return cli_usage_error("--format %s and %s -: two reports to standard output",
					       report_writer_get((enum report_format)o->stdout_format)->name,
					       flags[to_stdout]);
		/* FORMAT - is the report on stdout: written once, there */
		o->stdout_format = to_stdout;
		o->report_files[to_stdout] = NULL;
	}
	if (!o->report_dir && (o->keep || o->report_dir_formats_set))
		return cli_usage_error("%s applies to the runs kept in --report-dir DIR: give --report-dir",
				       o->keep ? "--keep" : "--report-format");
	/*
	 * mysqld takes the group suffix from $MYSQL_GROUP_SUFFIX when no
	 * --defaults-group-suffix is given (mysys/my_default.cc,
	 * my_load_defaults(): getenv("MYSQL_GROUP_SUFFIX")), and so do resolve
	 * and my_print_defaults: check, diff and live too (breaker7 #6).
	 */
	if (!o->group_suffix) {
		const char *env = getenv("MYSQL_GROUP_SUFFIX");
		if (env && *env) {
			o->group_suffix = env;
			if (o->verbose)   /* the auditor's environment decides what is read: say so */
				diag_emit(DIAG_NOTE, NULL, 0, "the groups with the suffix '%s' are read too "
							      "($MYSQL_GROUP_SUFFIX)", env);
		}
	}
	return 0;
}

void audit_options_fail_on_from_projects(struct audit_options *o, const struct project_finder *f)
{
	const struct project_file *from = NULL;
	if (o->fail_on_set)
		return;
	for (size_t i = 0; i < f->nfiles; i++) {
		const struct project_file *pf = f->files[i];
		if (pf->fail_on < 0)
			continue;
		/* the strictest: info (1) < warning < error < never (0) */
		int stricter = !from || (pf->fail_on && (!o->fail_on || pf->fail_on < o->fail_on));
		if (stricter) {
			o->fail_on = pf->fail_on;
			from = pf;
		}
	}
	if (from && o->verbose)
		diag_emit(DIAG_NOTE, from->path, from->fail_on_line, "fail-on %s (project file)",
			  from->fail_on ? severity_name((enum severity)from->fail_on) : "never");
}


int audit_load_catalog(struct catalog *c, struct diag_list *d)
{
	const char *dir = crashsafe_rules_dir();
	if (!dir) {
		struct strbuf tried = { 0 };
		crashsafe_rules_dir_tried(&tried);
		diag_add(d, DIAG_ERROR, NULL, 0,
			 "no rule directory found (tried: %s; none holds variables.ini): install crashsafe with "
			 "'make install', or set CRASHSAFE_RULES_DIR to the directory that holds variables.ini and "
			 "the rule files (a rules/ directory in the working directory is never used)",
			 tried.buf ? tried.buf : "nothing");
		strbuf_release(&tried);
		return -1;
	}
	char *path = xasprintf("%s/variables.ini", dir);
	int rc = catalog_load(c, path, d);
	free(path);
	return rc;
}

/* ---- the run ---------------------------------------------------------- */

static int use_color(const struct audit_options *o)
{
	if (o->color >= 0)
		return o->color;
	const char *nc = getenv("NO_COLOR");
	if (nc && *nc)
		return 0;
	return isatty(STDOUT_FILENO);
}

/*
 * audit_write_reports() from a source of targets (report.h) whose counts
 * are known already (totals; its input_errors are set here).
 */
static int audit_write_reports_from(const struct audit_options *o, const char *command, const struct engine *e,
				    struct explainer *x, const struct report_source *src,
				    struct audit_summary totals)
{
	totals.input_errors = o->input_errors;
	struct report_options ro = {
		.color = use_color(o),
		.verbose = o->verbose,
		.quiet = o->quiet,
	};
	struct report_run run = {
		.command = command,
		.tool_version = CRASHSAFE_VERSION,
		.rules = engine_rule_at(e, 0),
		.nrules = engine_rule_count(e),
		.explainer = x,
		.fail_on = o->fail_on,
		.totals = &totals,
		.input_errors = o->input_errors,
		.timestamp = o->timestamp,
	};
	audit_clock_read(o, &run.generated, &run.duration);
	/* what crashsafe merge needs (JSON "run" and each target's "fleet") */
	const char **fleet_vars = xcalloc(e->nreads + 1, sizeof(*fleet_vars));
	for (size_t i = 0; i < e->nreads; i++)
		if (e->reads[i].fleet)
			fleet_vars[run.nfleet_vars++] = e->reads[i].name;
	run.fleet_vars = fleet_vars;
	run.shard_index = o->shard.index;
	run.shard_count = o->shard.count;
	run.run_targets = o->run_total ? o->run_total : src->n;
	int write_failed = 0;
	if (report_write_source((enum report_format)o->stdout_format, src, &ro, &run, stdout) || fflush(stdout)) {
		diag_emit(DIAG_ERROR, NULL, 0, "cannot write the %s report to stdout",
			  report_writer_get((enum report_format)o->stdout_format)->name);
		write_failed = 1;
	}
	ro.color = 0;
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		const char *path = o->report_files[f];
		if (!path)
			continue;
		if (report_write_file_source((enum report_format)f, src, &ro, &run, path)) {
			diag_emit(DIAG_ERROR, path, 0, "cannot write the %s report: %s",
				  report_writer_get((enum report_format)f)->name, strerror(errno));
			write_failed = 1;
		}
	}
	if (o->report_dir) {
		struct reportdir rd = {
			.dir = o->report_dir,
			.keep = o->keep,
			.formats = o->report_dir_formats,
			.shard = &o->shard,
		};
		if (reportdir_write_source(&rd, src, &ro, &run) < 0)
			write_failed = 1;
	}
	free(fleet_vars);
	return write_failed ? -1 : 0;
}

int audit_write_reports(const struct audit_options *o, const char *command, const struct engine *e,
			struct explainer *x, const struct audit_result *r)
{
	struct audit_summary totals;
	struct report_source src;
	audit_result_summary(r, &totals);
	report_source_of(&src, r);
	return audit_write_reports_from(o, command, e, x, &src, totals);
}

static int audit_rule_known(void *ctx, const char *id)
{
	return engine_rule_find(ctx, id) != NULL;
}

/* Drop the findings of the rules the target's project file disables. */
static void audit_drop_disabled(struct target_result *t, const struct project_rule_switches *rules)
{
	size_t kept = 0;
	if (!rules || !rules->n)
		return;
	for (size_t i = 0; i < t->n; i++)
		if (!project_rule_disabled(rules, t->findings[i].rule_id))
			t->findings[kept++] = t->findings[i];
	t->n = kept;
}

/* The project files met in a run, each once, in the order first met (their unused suppressions). */
struct audit_seen {
	struct project_file **files;
	size_t n, cap;
};

/* Note project file p (NULL: none) as met, once. */
static void audit_seen_add(struct audit_seen *seen, struct project_file *p)
{
	size_t k;
	if (!p)
		return;
	for (k = 0; k < seen->n && seen->files[k] != p; k++)
		;
	if (k == seen->n) {
		ARRAY_GROW(seen->files, seen->n + 1, seen->cap);
		seen->files[seen->n++] = p;
	}
}

/*
 * The per-target steps after evaluation, for target t of r read with the
 * project data pt (NULL: none): rules the project file disables, then
 * suppressions (inline, the project file's, the --suppress files) and the
 * baseline; the inline suppressions that matched nothing go to d.
 */
static void audit_suppress_target(const struct audit_options *o, struct engine *e, struct explainer *x,
				   struct audit_result *r, struct target_result *t, struct project_target *pt,
				   struct suppress_set *set, const struct suppress_baseline *baseline,
				   struct audit_seen *seen, struct diag_list *d)
{
	struct suppress_list project = { 0 };
	if (pt && pt->project) {
		project.items = pt->project->suppress;
		project.n = pt->project->nsuppress;
	}
	struct suppress_list *lists[] = { pt ? &pt->inline_sup : NULL, &project, &set->files };
	struct suppress_target st = { t->name, t->path_key, pt ? pt->abs : NULL };
	if (pt)
		audit_drop_disabled(t, &pt->rules);
	suppress_apply_target(r, t, x, lists, ARRAY_SIZE(lists), &st, set->today, baseline);
	if (pt)
		suppress_report_unused(&pt->inline_sup, audit_rule_known, e, o->strict, d);
	if (pt)
		audit_seen_add(seen, pt->project);
}

/*
 * After every target: what the suppressions themselves deserve, warnings
 * (errors with --strict) in d. Returns the number of errors in d.
 */
static size_t audit_suppress_end(const struct audit_options *o, struct engine *e, struct suppress_set *set,
				 struct audit_seen *seen, struct diag_list *d)
{
	for (size_t k = 0; k < seen->n; k++) {
		struct suppress_list l = { seen->files[k]->suppress, seen->files[k]->nsuppress, 0 };
		suppress_report_unused(&l, audit_rule_known, e, o->strict, d);
		project_file_check_rules(seen->files[k], audit_rule_known, e, o->strict, d);
	}
	free(seen->files);
	memset(seen, 0, sizeof(*seen));
	suppress_report_unused(&set->files, audit_rule_known, e, o->strict, d);
	return diag_count(d, DIAG_ERROR);
}

/*
 * The per-target steps after evaluation: rules the project file disables,
 * then suppressions (inline, the project file's, the --suppress files) and
 * the baseline. Then what the suppressions themselves deserve: warnings
 * (errors with --strict) in d. Returns the number of such errors.
 */
static size_t audit_suppress(const struct audit_options *o, struct engine *e, struct explainer *x,
			     struct audit_result *r, struct settings *targets, size_t ntargets,
			     struct suppress_set *set, const struct suppress_baseline *baseline, struct diag_list *d)
{
	struct audit_seen seen = { 0 };
	for (size_t i = 0; i < r->n && i < ntargets; i++)
		audit_suppress_target(o, e, x, r, &r->targets[i], targets[i].project, set, baseline, &seen, d);
	size_t errors = audit_suppress_end(o, e, set, &seen, d);
	audit_result_sort(r);
	return errors;
}

/* Whether audit_print_target() prints anything for s. */
static int audit_prints_target(const struct audit_options *o, const struct settings *s)
{
	if (o->verbose || s->error)
		return 1;
	for (size_t k = 0; k < s->build_diags.n; k++)
		if (s->build_diags.items[k].level >= DIAG_WARNING)
			return 1;
	return 0;
}

/* A target's lines for standard error once it is evaluated: errors always, the rest with -v. */
static void audit_print_target(const struct audit_options *o, const struct settings *s, FILE *fp)
{
	if (o->verbose && s->project)
		project_settings_print(&s->project->settings, s->target, fp);
	/* how flavor, build and version were decided, when it changes what was audited: always */
	for (size_t k = 0; k < s->build_diags.n; k++)
		if (o->verbose || s->build_diags.items[k].level >= DIAG_WARNING)
			diag_print_one(&s->build_diags.items[k], fp);
	if (s->error) {
		struct diag_list d;
		diag_list_init(&d);
		diag_add(&d, DIAG_ERROR, s->target, 0, "%s", s->error);
		diag_print(&d, fp);
		diag_list_release(&d);
	} else if (o->verbose)
		diag_print(&s->diags, fp);
}

int audit_session_begin(struct audit_session *as, const struct audit_options *o, const struct catalog *c)
{
	struct diag_list d;
	memset(as, 0, sizeof(*as));
	engine_init(&as->e);
	audit_result_init(&as->r);
	suppress_set_init(&as->sup);
	diag_list_init(&d);
	as->c = c;

	engine_load_dir(&as->e, crashsafe_rules_dir(), &d);
	for (size_t i = 0; i < o->nrules_dirs; i++)
		engine_load_dir(&as->e, o->rules_dirs[i], &d);
	if (!diag_count(&d, DIAG_ERROR))
		engine_bind(&as->e, c, &d);
	if (o->strict && !diag_count(&d, DIAG_ERROR) && diag_count(&d, DIAG_WARNING))
		diag_add(&d, DIAG_ERROR, NULL, 0, "--strict: the warnings above about the rule files are errors");
	for (size_t i = 0; i < o->nsuppress_files; i++)
		suppress_load_file(&as->sup, o->suppress_files[i], o->strict, &d);
	if (o->baseline && !suppress_baseline_load(&as->baseline, o->baseline, &d))
		as->have_baseline = 1;
	diag_print(&d, stderr);
	int rc = diag_count(&d, DIAG_ERROR) ? EXIT_USAGE : EXIT_OK;
	diag_list_release(&d);
	explainer_init(&as->x, &as->e, c);
	as->ready = rc == EXIT_OK;
	return rc;
}

void audit_session_evaluate(struct audit_session *as, const struct audit_options *o, struct settings *targets,
			    size_t ntargets)
{
	struct diag_list d;
	diag_list_init(&d);
	engine_evaluate(&as->e, as->c, targets, ntargets, &as->r);
	as->input_errors += audit_suppress(o, &as->e, &as->x, &as->r, targets, ntargets, &as->sup,
					   as->have_baseline ? &as->baseline : NULL, &d);
	diag_print(&d, stderr);
	diag_list_release(&d);

	for (size_t i = 0; i < ntargets; i++)
		audit_print_target(o, &targets[i], stderr);
}

int audit_session_report(struct audit_session *as, const struct audit_options *o, const char *command)
{
	/* errors in the suppressions themselves (--strict) are unusable input too: exit 2, and the reports say so */
	struct audit_options ro = *o;
	ro.input_errors += as->input_errors;
	int write_failed = audit_write_reports(&ro, command, &as->e, &as->x, &as->r) < 0;
	struct audit_summary totals;
	audit_result_summary(&as->r, &totals);
	totals.input_errors = ro.input_errors;
	int status = audit_summary_exit_status(&totals, o->fail_on);
	return write_failed ? EXIT_USAGE : status;
}

/* ---- streaming (issue 13) --------------------------------------------------- */

/* The stdio buffer of the targets' lines for stderr, and the most one target may have (a record out of step). */
#define AUDIT_LINES_BUF 65536
/* kept_record[k] of a kept target without a record in as->reported */
#define AUDIT_NO_RECORD UINT32_MAX
#define AUDIT_LINES_MAX ((uint64_t)1 << 31)



/* settings.h intern for the copies' views: the cross result's pool, which outlives them */
static const char *audit_cross_pool(void *ctx, const char *text)
{
	return audit_result_intern(ctx, text);
}

int audit_session_stream(struct audit_session *as)
{
	/* 32 KB: the targets' records (about 7 KB each); the second spool is opened by finish */
	if (spool_open(&as->evaluated, 0))
		return -1;
	/* each record read is done with before the next of its spool (finish, reports) */
	as->evaluated.reuse = 1;
	as->streaming = 1;
	audit_result_init(&as->cross);
	audit_result_init(&as->one);
	audit_summary_init(&as->totals);
	strmap_init(&as->cross_reads, 0);
	as->cross_shared.intern = audit_cross_pool;
	as->cross_shared.ctx = &as->cross;
	for (size_t i = 0; i < as->e.nreads; i++) {
		if (as->e.reads[i].fleet)
			strmap_put(&as->cross_reads, as->e.reads[i].name, i);
		as->cross_facts += as->e.reads[i].fleet && !as->e.reads[i].var;
		/* the views' variables are named by these (the engine outlives the spool): written by number */
		spool_name_add(&as->evaluated, as->e.reads[i].name,
			       as->e.read_hash ? as->e.read_hash[i] : util_strhash(as->e.reads[i].name, 0));
	}
	return 0;
}

static void audit_stream_fail(struct audit_session *as, const struct spool *sp)
{
	if (!as->stream_failed) {
		as->stream_failed = 1;
		as->stream_errno = sp->err_no ? sp->err_no : EIO;
	}
}

static const char *audit_cross_intern(struct audit_session *as, const char *s)
{
	return audit_result_intern(&as->cross, s);
}

static void audit_cross_value(struct audit_session *as, struct settings_value *to, const struct settings_value *from)
{
	to->value = audit_cross_intern(as, from->value);
	to->spelled = audit_cross_intern(as, from->spelled);
	to->origin = from->origin;
	to->origin.file = audit_cross_intern(as, from->origin.file);
	to->origin.chain = audit_cross_intern(as, from->origin.chain);
	to->origin.detail = audit_cross_intern(as, from->origin.detail);
}

/*
 * The copies' variables, compact (issue 13: a copy's `settings_var` array
 * was 72 bytes a variable, 1.1 KB a target): per copy, one slot per value
 * (an index into the distinct slots, which are kept once; its variable's
 * current value, then the values it overrode), each naming
 * its variable (an index into the engine's reads), a value shared by every
 * copy with the same text, spelling, source, chain and detail (the strings
 * are the cross result's, interned: equal text, equal pointer), its line
 * and its file (one table for the run). audit_cross_vars() makes a copy's
 * `settings_var` array again when a rule reads it.
 */
#define AUDIT_CROSS_OVERRIDDEN 0x8000u
/* read or file too large for a slot's 16 bits: the slot's (read, file) are in cs->wide */
#define AUDIT_CROSS_WIDE_READ 0x7fffu
#define AUDIT_CROSS_WIDE_FILE 0xffffu

struct audit_cross_value {
	const char *value, *spelled, *chain, *detail;
	enum settings_source source;
};

/*
 * 12 bytes (was 16, issue 13): a copy names few files (those its marked
 * variables were set in), so its slots number them from the copy's first
 * (copies[].files), and the engine reads few names; either beyond 16 bits
 * (a copy with 65,535 files, 32,767 names read) goes to cs->wide.
 */
struct audit_cross_slot {
	unsigned value;       /* index into values */
	unsigned line;
	unsigned short read;  /* index into e.reads; | AUDIT_CROSS_OVERRIDDEN: a value the one before overrode */
	unsigned short file;  /* 1 + index into files from the copy's first; 0: none */
};

struct audit_cross_wide {
	size_t slot;          /* the slot's index (wide[] increases) */
	unsigned read;        /* index into e.reads */
	size_t file;          /* 1 + index into files; 0: none */
};

/*
 * What a copy shares with many others (issue 13): its kind, flavor,
 * version, role, declared cluster and the like, the same for most targets
 * of a run; kept once per distinct combination (cs->kinds), the copy's
 * head naming it. Compared and hashed as bytes (zeroed first; strings are
 * the cross result's, interned: equal text, equal pointer).
 */
struct audit_cross_kind {
	const char *kind, *flavor_source, *error, *tags, *cluster;
	const char *v_cluster, *topology, *multi_writer;
	const char *group_chain, *group_detail;       /* the group header's (its file and line are the head's) */
	struct version version, v_version;
	unsigned char flavor, v_flavor, role, v_role, variant, v_variant, error_kind;   /* the enums' values */
	unsigned char version_detected, role_detected, channels_known, group_source;
};

/*
 * A copy: what audit_cross_copy() makes its target_result of, with its
 * kind (the fields audit_cross_add() set; 32 bytes, not 552; strings the
 * cross result's). Its own: name, position, group header's line (no path
 * key: no rule across targets reads it, and the reports read the target's
 * own from the spool; a string of its own in the pool for every target);
 * what few copies have (an address, channels, a group header in another
 * file than the one it is named by) in cs->rare (issue 13: 72 bytes a
 * head with those in each). Its problems: only where they are (file and
 * line) is read; while the targets are read, as 16-byte places in the
 * store (cs->places, in the heads' order), made into problems for the
 * kept copies only (audit_cross_keep()).
 */
struct audit_cross_head {
	const char *name;
	unsigned position;                            /* the plan's (a run has fewer than 2^32 targets) */
	unsigned group_line;
	unsigned kind;                                /* index into cs->kinds */
	unsigned nproblems;
	unsigned problems;                            /* its first in cs->problems, after audit_cross_keep() */
	unsigned rare : 30;                           /* 1 + index into cs->rare, 0: none */
	unsigned group_file : 2;                      /* AUDIT_CROSS_GROUP_* */
};
/* one per target added (a run of option files: every file): keep it at 32 bytes (issue 13) */
_Static_assert(sizeof(struct audit_cross_head) <= 32, "struct audit_cross_head grew past 32 bytes");
/* where a head's group header is: no file, the file it is named by, or cs->rare's group_file */
#define AUDIT_CROSS_GROUP_NONE 0u
#define AUDIT_CROSS_GROUP_NAME 1u
#define AUDIT_CROSS_GROUP_RARE 2u

/* what few copies have (a file target: no address, no channel) */
struct audit_cross_rare {
	const char *address, *group_file;
	struct settings_channel *channels;            /* heap; the linking writes each one's source */
	unsigned nchannels;
};

/* where a head's problem is: all the rules across targets read of it (finding_cause()) */
struct audit_cross_place {
	const char *file;
	unsigned line;
};

struct audit_cross_store {
	struct audit_cross_head *heads;               /* per target added, then (audit_cross_keep()) per kept one */
	size_t nheads, heads_cap;
	struct audit_cross_rare *rare;                /* the heads' rare parts (every head added, kept or not) */
	size_t nrare, rare_cap;
	struct audit_cross_kind *kinds;               /* distinct; kind_table: open addressing, 1 + index, 0 empty */
	size_t nkinds, kinds_cap;
	unsigned *kind_table;
	size_t kind_table_cap;
	struct audit_cross_slot *slots;               /* distinct (a wide one is never shared) */
	size_t nslots, slots_cap;
	unsigned *slot_table;                         /* open addressing over slots: 1 + index, 0 empty */
	size_t slot_table_cap;
	/*
	 * The copies' slots, in order: indexes into slots, each written in
	 * 7-bit groups, low first, the high bit set on all but the last
	 * (audit_cross_slot_put()): most are slots the first copies made, one
	 * byte (issue 13: 4 bytes an index were 64 bytes a target).
	 */
	unsigned char *slot_of;
	size_t nslot_of, slot_of_cap;
	/* per copy of as->cross: its slots (from byte start of slot_of, count of them), its first file */
	struct { unsigned start, count, files; } *copies;
	struct audit_cross_wide *wide;                /* the slots whose read or file needs more than 16 bits */
	size_t nwide, wide_cap;
	size_t ncopies, copies_cap;
	struct audit_cross_value *values;
	size_t nvalues, values_cap;
	unsigned *table;                              /* open addressing: 1 + index into values, 0 empty */
	size_t table_cap;
	const char **files;
	size_t nfiles, files_cap;
	size_t copy_files;                            /* the first file the copy being added named */
	const char *last_file;
	unsigned last_file_id;
	/* the heads' problems: their places while the targets are read, then the kept copies' problems */
	struct audit_cross_place *places;
	size_t nplaces, places_cap;
	struct settings_problem *problems;
	/* audit_cross_vars()'s: the variables made again, and their overridden values */
	struct settings_var *vars;
	size_t vars_cap;
	struct settings_value *over;
	size_t over_cap;
	const struct engine *e;
};

static size_t audit_cross_value_hash(const struct audit_cross_value *v)
{
	uintptr_t h = (uintptr_t)v->value * 31u + (uintptr_t)v->spelled;
	h = h * 31u + (uintptr_t)v->chain;
	h = h * 31u + (uintptr_t)v->detail;
	h = h * 31u + (uintptr_t)v->source;
	h ^= h >> 17;
	h *= 0x9e3779b1u;
	return (size_t)(h ^ (h >> 15));
}

static int audit_cross_value_same(const struct audit_cross_value *a, const struct audit_cross_value *b)
{
	return a->value == b->value && a->spelled == b->spelled && a->chain == b->chain && a->detail == b->detail &&
	       a->source == b->source;
}

static size_t audit_cross_value_hash_at(const void *recs, size_t i)
{
	return audit_cross_value_hash(&((const struct audit_cross_value *)recs)[i]);
}

static int audit_cross_value_same_at(const void *recs, size_t i, const void *key)
{
	return audit_cross_value_same(&((const struct audit_cross_value *)recs)[i], key);
}

static unsigned audit_cross_value_id(struct audit_cross_store *cs, const struct audit_cross_value *v)
{
	unsigned *slot = util_index_probe(&cs->table, &cs->table_cap, 256, cs->nvalues, audit_cross_value_hash(v),
					  audit_cross_value_hash_at, audit_cross_value_same_at, cs->values, v);
	if (*slot)
		return *slot - 1;
	ARRAY_GROW(cs->values, cs->nvalues + 1, cs->values_cap);
	cs->values[cs->nvalues] = *v;
	*slot = (unsigned)cs->nvalues + 1;
	return (unsigned)cs->nvalues++;
}

/*
 * The number of a file in the table: the copy's files are few and most of
 * its variables name the same one, so a file is looked for among those the
 * copy added (from copy_files on), not in a map of every file of the run
 * (a map entry per option file cost more than the file's place in the table).
 */
static unsigned audit_cross_file_id(struct audit_cross_store *cs, const char *file)
{
	if (!file)
		return 0;
	if (file == cs->last_file)
		return cs->last_file_id;
	size_t id = cs->copy_files;
	while (id < cs->nfiles && cs->files[id] != file)
		id++;
	if (id == cs->nfiles) {
		ARRAY_GROW(cs->files, cs->nfiles + 1, cs->files_cap);
		cs->files[cs->nfiles++] = file;
	}
	cs->last_file = file;
	cs->last_file_id = (unsigned)id + 1;
	return cs->last_file_id;
}

static size_t audit_cross_slot_hash(const struct audit_cross_slot *sl)
{
	size_t h = (size_t)sl->value * 0x9e3779b1u + sl->line;
	h = h * 31u + sl->read;
	h = h * 31u + sl->file;
	h ^= h >> 15;
	h *= 0x85ebca6bu;
	return h ^ (h >> 13);
}

static size_t audit_cross_slot_hash_at(const void *recs, size_t i)
{
	return audit_cross_slot_hash(&((const struct audit_cross_slot *)recs)[i]);
}

static int audit_cross_slot_same_at(const void *recs, size_t i, const void *key)
{
	const struct audit_cross_slot *b = &((const struct audit_cross_slot *)recs)[i], *sl = key;
	return b->value == sl->value && b->line == sl->line && b->read == sl->read && b->file == sl->file;
}

/*
 * The index of slot *sl among the distinct slots, added when new (issue
 * 13: most copies' slots are the same value of the same variable on the
 * same line of their own first file; a copy keeps 4 bytes a slot, not 12).
 */
static unsigned audit_cross_slot_id(struct audit_cross_store *cs, const struct audit_cross_slot *sl)
{
	unsigned *slot = util_index_probe(&cs->slot_table, &cs->slot_table_cap, 256, cs->nslots,
					  audit_cross_slot_hash(sl), audit_cross_slot_hash_at, audit_cross_slot_same_at,
					  cs->slots, sl);
	if (*slot)
		return *slot - 1;
	ARRAY_GROW(cs->slots, cs->nslots + 1, cs->slots_cap);
	cs->slots[cs->nslots] = *sl;
	*slot = (unsigned)cs->nslots + 1;
	return (unsigned)cs->nslots++;
}

/* Append slot index id to slot_of, 7 bits a byte (the store's comment). */
static void audit_cross_slot_put(struct audit_cross_store *cs, unsigned id)
{
	ARRAY_GROW(cs->slot_of, cs->nslot_of + 5, cs->slot_of_cap);
	while (id >= 0x80u) {
		cs->slot_of[cs->nslot_of++] = (unsigned char)(id | 0x80u);
		id >>= 7;
	}
	cs->slot_of[cs->nslot_of++] = (unsigned char)id;
}

/* The slot index at *at in slot_of (audit_cross_slot_put()'s), *at moved past it. */
static unsigned audit_cross_slot_next(const struct audit_cross_store *cs, size_t *at)
{
	unsigned id = 0, shift = 0;
	unsigned char b;
	do {
		b = cs->slot_of[(*at)++];
		id |= (unsigned)(b & 0x7fu) << shift;
		shift += 7;
	} while (b & 0x80u);
	return id;
}

/* One value of variable read of the copy being added (strings already the cross result's). */
static void audit_cross_slot_add(struct audit_cross_store *cs, unsigned read, int overridden,
				 const struct settings_value *v)
{
	struct audit_cross_value cv = {
		.value = v->value, .spelled = v->spelled, .chain = v->origin.chain, .detail = v->origin.detail,
		.source = v->origin.source,
	};
	struct audit_cross_slot sl;
	unsigned id;
	unsigned file = audit_cross_file_id(cs, v->origin.file);   /* 1 + index into files, 0: none */
	size_t rel = file ? file - cs->copy_files : 0;
	sl.value = audit_cross_value_id(cs, &cv);
	sl.line = v->origin.line;
	if (read < AUDIT_CROSS_WIDE_READ && rel < AUDIT_CROSS_WIDE_FILE) {
		sl.read = (unsigned short)(read | (overridden ? AUDIT_CROSS_OVERRIDDEN : 0));
		sl.file = (unsigned short)rel;
		id = audit_cross_slot_id(cs, &sl);
	} else {
		/* its own slot, never shared: its read and file are in wide, under its index */
		sl.read = (unsigned short)(AUDIT_CROSS_WIDE_READ | (overridden ? AUDIT_CROSS_OVERRIDDEN : 0));
		sl.file = AUDIT_CROSS_WIDE_FILE;
		ARRAY_GROW(cs->slots, cs->nslots + 1, cs->slots_cap);
		id = (unsigned)cs->nslots;
		cs->slots[cs->nslots++] = sl;
		ARRAY_GROW(cs->wide, cs->nwide + 1, cs->wide_cap);
		cs->wide[cs->nwide++] = (struct audit_cross_wide){ .slot = id, .read = read, .file = file };
	}
	audit_cross_slot_put(cs, id);
}

/* Slot k's read and file (1 + index into files, 0: none) of copy i (k: its index into slots). */
static void audit_cross_slot_get(const struct audit_cross_store *cs, size_t i, size_t k, unsigned *read,
				 size_t *file)
{
	const struct audit_cross_slot *sl = &cs->slots[k];
	if ((sl->read & ~AUDIT_CROSS_OVERRIDDEN) == AUDIT_CROSS_WIDE_READ && sl->file == AUDIT_CROSS_WIDE_FILE) {
		size_t lo = 0, hi = cs->nwide;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (cs->wide[mid].slot < k)
				lo = mid + 1;
			else
				hi = mid;
		}
		*read = cs->wide[lo].read;
		*file = cs->wide[lo].file;
		return;
	}
	*read = sl->read & ~AUDIT_CROSS_OVERRIDDEN;
	*file = sl->file ? cs->copies[i].files + sl->file : 0;
}

/* engine.h engine_fleet_vars_fn: copy i's variables as audit_cross_add() read them, into view. */
static void audit_cross_vars(void *ctx, size_t i, struct settings *view)
{
	struct audit_cross_store *cs = ctx;
	unsigned count = cs->copies[i].count;
	size_t n = 0, no = 0, at = cs->copies[i].start;
	ARRAY_GROW(cs->vars, count ? count : 1, cs->vars_cap);
	ARRAY_GROW(cs->over, count ? count : 1, cs->over_cap);
	for (unsigned j = 0; j < count; j++) {
		unsigned k = audit_cross_slot_next(cs, &at);
		const struct audit_cross_slot *sl = &cs->slots[k];
		const struct audit_cross_value *cv = &cs->values[sl->value];
		unsigned read;
		size_t file;
		audit_cross_slot_get(cs, i, k, &read, &file);
		struct settings_value val = {
			.value = cv->value, .spelled = cv->spelled,
			.origin = { .source = cv->source, .line = sl->line, .file = file ? cs->files[file - 1] : NULL,
				    .chain = cv->chain, .detail = cv->detail },
		};
		if (sl->read & AUDIT_CROSS_OVERRIDDEN) {
			struct settings_var *b = &cs->vars[n - 1];
			if (!b->n_overridden)
				b->overridden = &cs->over[no];
			cs->over[no++] = val;
			b->n_overridden++;
			b->overridden_cap++;
			continue;
		}
		const struct engine_read *rd = &cs->e->reads[read];
		struct settings_var *b = &cs->vars[n++];
		b->name = rd->var ? rd->var->name : rd->name;
		b->current = val;
		b->overridden = NULL;
		b->n_overridden = b->overridden_cap = 0;
	}
	view->vars = cs->vars;
	view->n = n;
	view->cap = n;
}

/* Over the fields that tell runs' kinds apart most (equal kinds, equal hash; the rest is compared) */
static size_t audit_cross_kind_hash(const struct audit_cross_kind *k)
{
	uintptr_t h = (uintptr_t)k->kind * 31u + (uintptr_t)k->flavor_source;
	h = h * 31u + (uintptr_t)k->error;
	h = h * 31u + (uintptr_t)k->topology;
	h = h * 31u + (uintptr_t)k->v_cluster;
	h = h * 31u + (uintptr_t)k->group_chain;
	h = h * 31u + (uintptr_t)(unsigned)k->v_version.major * 961u + (uintptr_t)(unsigned)k->v_version.minor * 31u +
	    (uintptr_t)(unsigned)k->v_version.patch;
	h = h * 31u + (uintptr_t)k->v_flavor * 7u + k->error_kind;
	h ^= h >> 17;
	h *= 0x9e3779b1u;
	return (size_t)(h ^ (h >> 15));
}

static size_t audit_cross_kind_hash_at(const void *recs, size_t i)
{
	return audit_cross_kind_hash(&((const struct audit_cross_kind *)recs)[i]);
}

static int audit_cross_kind_same_at(const void *recs, size_t i, const void *key)
{
	return !memcmp(&((const struct audit_cross_kind *)recs)[i], key, sizeof(struct audit_cross_kind));
}

/* The index of kind k in cs->kinds (k zeroed before it was filled: compared as bytes), added when new. */
static unsigned audit_cross_kind_id(struct audit_cross_store *cs, const struct audit_cross_kind *k)
{
	unsigned *slot = util_index_probe(&cs->kind_table, &cs->kind_table_cap, 64, cs->nkinds, audit_cross_kind_hash(k),
					  audit_cross_kind_hash_at, audit_cross_kind_same_at, cs->kinds, k);
	if (*slot)
		return *slot - 1;
	ARRAY_GROW(cs->kinds, cs->nkinds + 1, cs->kinds_cap);
	memcpy(&cs->kinds[cs->nkinds], k, sizeof(*k));   /* its padding too (compared as bytes) */
	*slot = (unsigned)cs->nkinds + 1;
	return (unsigned)cs->nkinds++;
}

/* Head h's rare part, or NULL (none: no address, no channel, its group header's file its name or none). */
static const struct audit_cross_rare *audit_cross_rare_of(const struct audit_cross_store *cs,
							  const struct audit_cross_head *h)
{
	return h->rare ? &cs->rare[h->rare - 1] : NULL;
}

static const char *audit_cross_group_file(const struct audit_cross_store *cs, const struct audit_cross_head *h)
{
	return h->group_file == AUDIT_CROSS_GROUP_NAME ? h->name
	       : h->group_file == AUDIT_CROSS_GROUP_RARE ? cs->rare[h->rare - 1].group_file
							 : NULL;
}

static void audit_cross_store_release(struct audit_cross_store *cs)
{
	if (!cs)
		return;
	for (size_t i = 0; i < cs->nrare; i++)
		free(cs->rare[i].channels);
	free(cs->rare);
	free(cs->heads);
	free(cs->kinds);
	free(cs->kind_table);
	free(cs->slots);
	free(cs->slot_table);
	free(cs->slot_of);
	free(cs->copies);
	free(cs->wide);
	free(cs->values);
	free(cs->table);
	free(cs->files);
	free(cs->places);
	free(cs->problems);
	free(cs->vars);
	free(cs->over);
	free(cs);
}

/*
 * Is problem p of view v on the line of the current value of a variable
 * (or fact) the rules across targets read: the only problems
 * finding_cause() can name for a copy (issue 13: most problems, a removed
 * option, an unknown one, are on other lines, and a kept problem is 96
 * bytes).
 */
static int audit_cross_problem_read(const struct audit_session *as, const struct settings *v,
				    const struct settings_problem *p)
{
	size_t at;
	if (!p->origin.file || !p->origin.line)
		return 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct settings_origin *o = &v->vars[i].current.origin;
		if (o->line == p->origin.line && o->file && !strcmp(o->file, p->origin.file) &&
		    !strmap_get(&as->cross_reads, v->vars[i].name, &at))
			return 1;
	}
	return 0;
}

/*
 * What the rules across targets read of t (audit.h, "add"): its header, the
 * marked variables and facts of its view, its channels, and where its
 * problems are (a cross-target finding that could not be evaluated because
 * of a refused line names that line's problem by its index).
 */
static void audit_cross_add(struct audit_session *as, const struct target_result *t)
{
	const struct settings *v = &t->view;
	size_t at;
	struct audit_cross_store *cs = as->cross_store;
	if (!cs) {
		cs = as->cross_store = xcalloc(1, sizeof(*cs));
		cs->e = &as->e;
	}
	struct audit_cross_kind kd;
	memset(&kd, 0, sizeof(kd));   /* padding too: kinds are compared as bytes */
	ARRAY_GROW(cs->heads, cs->nheads + 1, cs->heads_cap);
	struct audit_cross_head *x = &cs->heads[cs->nheads++];
	memset(x, 0, sizeof(*x));
	x->name = audit_cross_intern(as, t->name);
	kd.kind = audit_cross_intern(as, t->kind);
	kd.flavor = (unsigned char)t->flavor;
	kd.version = t->version;
	kd.role = (unsigned char)t->role;
	kd.variant = (unsigned char)t->variant;
	kd.flavor_source = audit_cross_intern(as, t->flavor_source);
	kd.error = audit_cross_intern(as, t->error);
	kd.error_kind = (unsigned char)t->error_kind;
	x->position = (unsigned)t->position;
	kd.tags = audit_cross_intern(as, t->tags);
	kd.cluster = audit_cross_intern(as, t->cluster);

	kd.v_flavor = (unsigned char)v->flavor;
	kd.v_variant = (unsigned char)v->variant;
	kd.v_version = v->version;
	kd.version_detected = v->version_detected != 0;
	kd.v_role = (unsigned char)v->role;
	kd.role_detected = v->role_detected != 0;
	kd.v_cluster = audit_cross_intern(as, v->cluster);
	kd.topology = audit_cross_intern(as, v->topology);
	const char *address = audit_cross_intern(as, v->address);
	kd.multi_writer = audit_cross_intern(as, v->multi_writer);
	kd.channels_known = v->channels_known != 0;
	const char *group_file = audit_cross_intern(as, v->group_header.file);
	x->group_file = !group_file ? AUDIT_CROSS_GROUP_NONE
			: group_file == x->name ? AUDIT_CROSS_GROUP_NAME : AUDIT_CROSS_GROUP_RARE;
	struct audit_cross_rare *rare = NULL;
	if (address || v->nchannels || x->group_file == AUDIT_CROSS_GROUP_RARE) {
		ARRAY_GROW(cs->rare, cs->nrare + 1, cs->rare_cap);
		rare = &cs->rare[cs->nrare++];
		memset(rare, 0, sizeof(*rare));
		x->rare = (unsigned)cs->nrare;   /* 30 bits: a run holds far fewer targets in memory */
		rare->address = address;
		rare->group_file = group_file;
	}
	if (v->nchannels) {
		rare->channels = xcalloc(v->nchannels, sizeof(*rare->channels));
		rare->nchannels = (unsigned)v->nchannels;
		for (size_t i = 0; i < v->nchannels; i++) {
			const struct settings_channel *a = &v->channels[i];
			struct settings_channel *b = &rare->channels[i];
			*b = *a;
			const char **const strs[] = {
				&b->name, &b->auto_position, &b->using_gtid, &b->io_running, &b->sql_running,
				&b->source_host, &b->last_io_errno, &b->last_io_error, &b->last_sql_errno,
				&b->last_sql_error, &b->skip_counter, &b->source_server_id, &b->source_uuid,
				&b->problem, &b->source_target, &b->source_why,
			};
			for (size_t k = 0; k < ARRAY_SIZE(strs); k++)
				*strs[k] = audit_cross_intern(as, *strs[k]);
		}
	}
	x->group_line = v->group_header.line;
	kd.group_source = (unsigned char)v->group_header.source;
	kd.group_chain = audit_cross_intern(as, v->group_header.chain);
	kd.group_detail = audit_cross_intern(as, v->group_header.detail);
	x->kind = audit_cross_kind_id(cs, &kd);
	/*
	 * where its problems are, 16 bytes each (a 96-byte problem of its own
	 * was ~55 bytes a target, issue 13); only up to the last one on a line
	 * that sets a variable the rules across targets read, the others before
	 * it with no place (finding_cause() matches a problem by the line of
	 * the unknown value it explains, and names it by its index: the index
	 * is kept, and no other problem can match)
	 */
	size_t nread = 0;
	for (size_t i = 0; i < v->nproblems; i++)
		if (audit_cross_problem_read(as, v, &v->problems[i]))
			nread = i + 1;
	x->nproblems = (unsigned)nread;
	ARRAY_GROW(cs->places, cs->nplaces + nread, cs->places_cap);
	for (size_t i = 0; i < nread; i++) {
		int read = audit_cross_problem_read(as, v, &v->problems[i]);
		cs->places[cs->nplaces].file = read ? audit_cross_intern(as, v->problems[i].origin.file) : NULL;
		cs->places[cs->nplaces++].line = read ? v->problems[i].origin.line : 0;
	}
	/* the marked variables, compact (the store above): the view has none */
	cs->copy_files = cs->nfiles;
	cs->last_file = NULL;   /* a file of an earlier copy has its number there, not in this copy's */
	ARRAY_GROW(cs->copies, cs->ncopies + 1, cs->copies_cap);
	cs->copies[cs->ncopies].start = (unsigned)cs->nslot_of;
	cs->copies[cs->ncopies].files = (unsigned)cs->copy_files;
	unsigned count = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct settings_var *a = &v->vars[i];
		if (strmap_get(&as->cross_reads, a->name, &at))
			continue;
		struct settings_value cur;
		audit_cross_value(as, &cur, &a->current);
		audit_cross_slot_add(cs, (unsigned)at, 0, &cur);
		count++;
		for (size_t k = 0; k < a->n_overridden; k++) {
			audit_cross_value(as, &cur, &a->overridden[k]);
			audit_cross_slot_add(cs, (unsigned)at, 1, &cur);
			count++;
		}
	}
	cs->copies[cs->ncopies].count = count;
	cs->ncopies++;
}

static void audit_stream_errno(struct audit_session *as, int e)
{
	if (!as->stream_failed) {
		as->stream_failed = 1;
		as->stream_errno = e ? e : EIO;
	}
}

/*
 * Target index's lines for stderr (audit_print_target()) into as->lines,
 * made by the first target that has some: its index, their length, the
 * lines; finish prints those of the kept targets.
 */
static void audit_stream_lines(struct audit_session *as, const struct audit_options *o, const struct settings *s,
			       size_t index)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&text, &len);
	if (!mem) {
		audit_stream_errno(as, errno);
		return;
	}
	audit_print_target(o, s, mem);
	if (fclose(mem))
		len = 0;
	if (len && !as->lines && !as->stream_failed) {
		as->lines_buf = xmalloc(AUDIT_LINES_BUF);
		as->lines = spool_tmpfile(as->lines_buf, AUDIT_LINES_BUF);
		if (!as->lines)
			audit_stream_errno(as, errno);
	}
	if (len && as->lines) {
		uint64_t head[2] = { index, len };
		if (fwrite(head, sizeof(head), 1, as->lines) != 1 || fwrite(text, 1, len, as->lines) != len)
			audit_stream_errno(as, errno);
	}
	free(text);
}

void audit_session_add(struct audit_session *as, const struct audit_options *o, const struct settings *s)
{
	struct audit_result one;
	audit_result_init(&one);
	one.borrow = 1;   /* released below, before s: its view may point into s (issue 13) */
	engine_evaluate_target(&as->e, as->c, s, &one);
	struct target_result *t = &one.targets[0];
	/*
	 * spooled as evaluated (the engine's order, target_result_sort()'s),
	 * not sorted again here: finish's rewrite sorts what it reads back
	 * before merging, the writers sort what the report source hands over
	 */
	/* counted here; finish takes out what it does not keep or changes */
	audit_summary_add(&as->totals, t);
	if (audit_prints_target(o, s))
		audit_stream_lines(as, o, s, as->evaluated.n);
	/* what its findings are (report.h digest): finish works out from it which reports read it back */
	ARRAY_GROW(as->digests, as->evaluated.n + 1, as->digests_cap);
	as->digests[as->evaluated.n] = report_digest(t);
	if (spool_write(&as->evaluated, t, NULL, 0, SPOOL_FINDINGS | SPOOL_VIEW))
		audit_stream_fail(as, &as->evaluated);
	audit_cross_add(as, t);
	audit_result_release(&one);
}

/*
 * The copies of the targets the run keeps (kept[] increases), in order;
 * the others dropped. They stay heads (224 bytes), made into a
 * target_result for one target at a time (audit_cross_copy(): a
 * target_result per kept copy was 552 bytes, issue 13); their variables
 * stay compact (audit_cross_vars()). The arrays are cut to what they hold
 * (grown by doubling while the targets were read).
 */
static void audit_cross_keep(struct audit_session *as, const size_t *kept, size_t nkept)
{
	struct audit_cross_store *cs = as->cross_store;
	size_t k = 0, at = 0, nplaces = 0;
	if (!cs)
		return;
	for (size_t i = 0; i < cs->nheads; i++) {
		unsigned n = cs->heads[i].nproblems;   /* its places: cs->places[at..at+n) */
		if (!(k < nkept && kept[k] == i)) {
			if (cs->heads[i].rare) {   /* its channels: the entry stays, unused */
				struct audit_cross_rare *r = &cs->rare[cs->heads[i].rare - 1];
				free(r->channels);
				r->channels = NULL;
				r->nchannels = 0;
			}
			at += n;
			continue;
		}
		if (n && nplaces != at)
			memmove(&cs->places[nplaces], &cs->places[at], n * sizeof(*cs->places));
		at += n;
		nplaces += n;
		cs->heads[k] = cs->heads[i];
		cs->copies[k] = cs->copies[i];
		k++;
	}
	/* the kept copies' problems (only their places set), in one array: the heads number into it */
	if (nplaces) {
		cs->problems = xcalloc(nplaces, sizeof(*cs->problems));
		for (size_t i = 0; i < nplaces; i++) {
			cs->problems[i].origin.file = cs->places[i].file;
			cs->problems[i].origin.line = cs->places[i].line;
		}
	}
	free(cs->places);
	cs->places = NULL;
	cs->nplaces = cs->places_cap = 0;
	at = 0;
	for (size_t i = 0; i < k; i++) {
		cs->heads[i].problems = (unsigned)at;
		at += cs->heads[i].nproblems;
	}
	cs->nheads = cs->ncopies = k;
	cs->heads_cap = cs->copies_cap = k ? k : 1;
	cs->heads = xrealloc(cs->heads, cs->heads_cap * sizeof(*cs->heads));
	cs->copies = xrealloc(cs->copies, cs->copies_cap * sizeof(*cs->copies));
	cs->slots_cap = cs->nslots ? cs->nslots : 1;
	cs->slots = xrealloc(cs->slots, cs->slots_cap * sizeof(*cs->slots));
	cs->slot_of_cap = cs->nslot_of ? cs->nslot_of : 1;
	cs->slot_of = xrealloc(cs->slot_of, cs->slot_of_cap * sizeof(*cs->slot_of));
	/* no slot is added after the targets are read */
	free(cs->slot_table);
	cs->slot_table = NULL;
	cs->slot_table_cap = 0;
	cs->values_cap = cs->nvalues ? cs->nvalues : 1;
	cs->values = xrealloc(cs->values, cs->values_cap * sizeof(*cs->values));
}

/*
 * engine.h engine_fleet_copies.copy: kept copy i as the target_result
 * audit_result_add_target() would make of its head (the strings the cross
 * result's, the channels and problems the head's own), no variable.
 */
static void audit_cross_copy(void *ctx, size_t i, struct target_result *t)
{
	struct audit_session *as = ctx;
	const struct audit_cross_store *cs = as->cross_store;
	const struct audit_cross_head *h = &cs->heads[i];
	const struct audit_cross_kind *x = &cs->kinds[h->kind];
	const struct audit_cross_rare *r = audit_cross_rare_of(cs, h);
	struct settings *w = &t->view;
	memset(t, 0, sizeof(*t));
	t->name = h->name;
	t->kind = x->kind;
	arena_init(&w->arena);
	diag_list_init(&w->diags);
	strmap_init(&w->index, 0);
	w->target = t->name;
	w->kind = t->kind;
	t->flavor = (enum flavor)x->flavor;
	t->version = x->version;
	t->role = (enum role)x->role;
	t->variant = (enum flavor_variant)x->variant;
	t->flavor_source = x->flavor_source;
	t->error = x->error;
	t->error_kind = (enum target_error_kind)x->error_kind;
	t->position = h->position;
	t->tags = x->tags;
	t->path_key = NULL;   /* not kept (the head's comment) */
	t->cluster = x->cluster;
	/* 10,000 copies: no index per copy (settings.h, shared) */
	w->shared = &as->cross_shared;
	w->flavor = (enum flavor)x->v_flavor;
	w->variant = (enum flavor_variant)x->v_variant;
	w->version = x->v_version;
	w->version_detected = x->version_detected;
	w->flavor_source = t->flavor_source;
	w->role = (enum role)x->v_role;
	w->role_detected = x->role_detected;
	w->cluster = x->v_cluster;
	w->topology = x->topology;
	w->address = r ? r->address : NULL;
	w->multi_writer = x->multi_writer;
	w->error = t->error;
	w->channels_known = x->channels_known;
	w->channels = r ? r->channels : NULL;
	w->nchannels = w->channels_cap = r ? r->nchannels : 0;
	w->group_header.source = (enum settings_source)x->group_source;
	w->group_header.line = h->group_line;
	w->group_header.file = audit_cross_group_file(cs, h);
	w->group_header.chain = x->group_chain;
	w->group_header.detail = x->group_detail;
	w->problems = h->nproblems ? cs->problems + h->problems : NULL;
	w->nproblems = w->problems_cap = h->nproblems;
}

/* engine.h engine_fleet_copies.node: kept copy i's topology node, from its head and kind */
static void audit_cross_node(void *ctx, size_t i, struct topology_node *node)
{
	const struct audit_session *as = ctx;
	const struct audit_cross_head *h = &as->cross_store->heads[i];
	const struct audit_cross_kind *x = &as->cross_store->kinds[h->kind];
	const struct audit_cross_rare *r = audit_cross_rare_of(as->cross_store, h);
	node->name = h->name;
	node->kind = x->kind;
	node->address = r ? r->address : NULL;
	node->topology = x->topology;
	node->multi_writer = x->multi_writer;
	node->channels = r ? r->channels : NULL;
	node->nchannels = r ? r->nchannels : 0;
	node->flavor = (enum flavor)x->v_flavor;
	node->usable = !x->error;
	node->channels_known = x->channels_known;
}

/* engine.h engine_fleet_copies.name: kept copy i's name */
static const char *audit_cross_name(void *ctx, size_t i)
{
	const struct audit_session *as = ctx;
	return as->cross_store->heads[i].name;
}

/* engine.h engine_fleet_copies.vars: kept copy i's variables (audit_cross_vars() over the store) */
static void audit_cross_copy_vars(void *ctx, size_t i, struct settings *view)
{
	const struct audit_session *as = ctx;
	audit_cross_vars(as->cross_store, i, view);
}

/*
 * Into t (kept target k read back), its findings of the rules across
 * targets, after its own (engine_evaluate()'s order): worked out now from
 * the copies (engine_fleet_target(): the copies keep no finding, so that
 * memory does not grow by ~8 findings a target), the peers of a fleet
 * finding in ar. The same findings however often it is called.
 */
static void audit_cross_findings(struct audit_session *as, struct target_result *t, size_t k, struct arena *ar)
{
	struct target_result x;
	engine_fleet_view(&as->fleet, k, &x);
	engine_fleet_target(&as->fleet, k, &x, ar);
	for (size_t i = 0; i < x.n; i++)
		*target_result_add(t) = x.findings[i];
	free(x.findings);
}

/*
 * Into t's view (read back), what topology_link() derived for kept target
 * k: the facts (as->cross_derived[k], in the order they were set: appended,
 * or replacing one the topology set before, or overriding a variable of
 * the same name, as settings_set() did on the view), and each channel's
 * source (from k's copy). Strings stay in the cross result, which outlives
 * the spool.
 */
static void audit_cross_facts(const struct audit_session *as, struct target_result *t, size_t k)
{
	struct settings *v = &t->view;
	const struct audit_cross_head *x = &as->cross_store->heads[k];
	const struct audit_cross_rare *r = audit_cross_rare_of(as->cross_store, x);
	const struct topology_derived *d = as->cross_derived ? topology_derived_get(as->cross_derived, k) : NULL;
	const char *unknown = NULL;   /* topology_channels_unknown's text for k */
	for (unsigned j = 0; d && j < d->n; j++) {
		unsigned f = d->order[j];
		const char *name = topology_facts[f];
		struct settings_var *b;
		size_t at;
		if (strmap_get(&v->index, name, &at) == 0) {
			b = &v->vars[at];
			if (b->current.origin.source != SETTINGS_SRC_TOPOLOGY) {
				struct settings_value *o = xcalloc(b->n_overridden + 1, sizeof(*o));
				if (b->n_overridden)
					memcpy(o, b->overridden, b->n_overridden * sizeof(*o));
				o[b->n_overridden] = b->current;
				free(b->overridden);
				b->overridden = o;
				b->n_overridden = b->overridden_cap = b->n_overridden + 1;
			}
		} else {
			ARRAY_GROW(v->vars, v->n + 1, v->cap);
			b = &v->vars[v->n++];
			memset(b, 0, sizeof(*b));
			b->name = name;
			strmap_put(&v->index, b->name, v->n - 1);
		}
		memset(&b->current, 0, sizeof(b->current));
		b->current.value = d->value[f];
		b->current.spelled = name;
		b->current.origin.source = SETTINGS_SRC_TOPOLOGY;
		b->current.origin.detail = d->detail[f];
		if (d->detail[f] == topology_channels_unknown) {
			/* made once per target read back, in its view's arena */
			if (!unknown)
				unknown = topology_detail(d, f, x->name, &v->arena);
			b->current.origin.detail = unknown;
		}
	}
	for (size_t i = 0; r && i < v->nchannels && i < r->nchannels; i++) {
		v->channels[i].source_target = r->channels[i].source_target;
		v->channels[i].source_index = r->channels[i].source_index;
		v->channels[i].source_why = r->channels[i].source_why;
	}
}

/* Whether suppressing t's findings may explain them (suppress_apply_target() matches only when there are entries). */
static int audit_suppress_reads_view(const struct audit_session *as, const struct project_target *pt)
{
	return as->have_baseline || as->sup.files.n ||
	       (pt && (pt->inline_sup.n || (pt->project && pt->project->nsuppress)));
}

/*
 * to += sign * from, over every count of audit_summary (finish takes the
 * counts of a target out again: sign -1; unsigned arithmetic: the total
 * is right once every target's part is in).
 */
static void audit_summary_combine(struct audit_summary *to, const struct audit_summary *from, int sign)
{
	size_t *const tos[] = { &to->targets, &to->targets_not_audited, &to->targets_input_errors, &to->findings,
				&to->unknown_blocking, &to->unknown_caused, &to->input_errors };
	const size_t *const froms[] = { &from->targets, &from->targets_not_audited, &from->targets_input_errors,
					&from->findings, &from->unknown_blocking, &from->unknown_caused,
					&from->input_errors };
	/* every count is one of these or of the three arrays: a field added to audit_summary must be added here */
	_Static_assert(sizeof(struct audit_summary) ==
			       sizeof(size_t) * (ARRAY_SIZE(tos) + ARRAY_SIZE(to->by_status) +
						 ARRAY_SIZE(to->fail_by_severity) + ARRAY_SIZE(to->unknown_by_severity)),
		       "audit_summary_combine() misses a count");
	for (size_t i = 0; i < ARRAY_SIZE(tos); i++)
		*tos[i] += sign < 0 ? -*froms[i] : *froms[i];
	for (size_t i = 0; i < ARRAY_SIZE(to->by_status); i++)
		to->by_status[i] += sign < 0 ? -from->by_status[i] : from->by_status[i];
	for (size_t i = 0; i < ARRAY_SIZE(to->fail_by_severity); i++) {
		to->fail_by_severity[i] += sign < 0 ? -from->fail_by_severity[i] : from->fail_by_severity[i];
		to->unknown_by_severity[i] += sign < 0 ? -from->unknown_by_severity[i] : from->unknown_by_severity[i];
	}
}

/* Take target t (as added: audit_session_add() counted it) out of the totals. */
static void audit_stream_uncount(struct audit_session *as, const struct target_result *t)
{
	struct audit_summary own;
	audit_summary_of_target(&own, t);
	audit_summary_combine(&as->totals, &own, -1);
}

/* Count the findings the rules across targets gave to the copy x (not the target: add counted it). */
static void audit_stream_count_cross(struct audit_session *as, const struct target_result *x)
{
	struct target_result only;
	struct audit_summary c;
	if (!x->n)
		return;
	memset(&only, 0, sizeof(only));
	only.findings = x->findings;
	only.n = x->n;
	audit_summary_of_target(&c, &only);
	c.targets = 0;
	audit_summary_combine(&as->totals, &c, 1);
}

/* The targets added but not kept (kept[] increases): out of the totals, read back for their counts. */
static void audit_stream_drop(struct audit_session *as, const size_t *kept, size_t nkept)
{
	size_t k = 0;
	for (size_t i = 0; i < as->evaluated.n && !as->stream_failed; i++) {
		if (k < nkept && kept[k] == i) {
			k++;
			continue;
		}
		struct audit_result one;
		audit_result_init(&one);
		struct target_result *t = spool_read(&as->evaluated, i, &one, NULL, SPOOL_FINDINGS, NULL, NULL);
		if (t)
			audit_stream_uncount(as, t);
		else
			audit_stream_fail(as, &as->evaluated);
		audit_result_release(&one);
	}
}

/* Whether finish must rewrite a target with project data pt: something may drop or suppress a finding. */
static int audit_stream_rewrites(const struct audit_session *as, const struct project_target *pt)
{
	return audit_suppress_reads_view(as, pt) || (pt && pt->rules.n);
}

/*
 * The second spool, made by the first record written to it: a run no
 * report reads a second record of (text -q --fail-on never) makes none.
 * Returns 0, or -1 (the stream failed).
 */
static int audit_stream_reported(struct audit_session *as)
{
	if (as->reported.fp)
		return 0;
	/* 16 KB: a kept target's second record is about 1 KB */
	if (spool_open(&as->reported, 16384)) {
		audit_stream_errno(as, errno);
		return -1;
	}
	as->reported.reuse = 1;
	return 0;
}

/*
 * Kept target k (added as index i, project data pt), which has something
 * to drop or suppress: its findings read back, the cross-target ones merged
 * in, disabled rules dropped, suppressed, sorted, counted again; its final
 * findings are its record in as->reported (as->final[k] set).
 */
static void audit_stream_rewrite(struct audit_session *as, const struct audit_options *o, size_t k, size_t i,
				 struct project_target *pt, size_t nkept, struct audit_seen *seen, struct diag_list *d)
{
	struct audit_result one;
	if (!as->final)
		as->final = xcalloc(nkept, sizeof(*as->final));
	audit_result_init(&one);
	int view = audit_suppress_reads_view(as, pt);
	struct target_result *t = spool_read(&as->evaluated, i, &one, NULL, SPOOL_FINDINGS | (view ? SPOOL_VIEW : 0),
					     NULL, NULL);
	if (!t) {
		audit_stream_fail(as, &as->evaluated);
		audit_result_release(&one);
		return;
	}
	audit_stream_uncount(as, t);
	target_result_sort(t);   /* spooled as evaluated (audit_session_add()): made sure of before the merge */
	size_t own = t->n;
	audit_cross_findings(as, t, k, &one.arena);
	target_result_merge(t, own);
	if (view)
		audit_cross_facts(as, t, k);
	audit_suppress_target(o, &as->e, &as->x, &one, t, pt, &as->sup, as->have_baseline ? &as->baseline : NULL,
			      seen, d);
	target_result_sort(t);
	audit_summary_add(&as->totals, t);
	as->kept_digest[k] = report_digest(t);
	as->kept_record[k] = (uint32_t)as->reported.n;
	if (!audit_stream_reported(as) && spool_write(&as->reported, t, NULL, 0, SPOOL_FINDINGS))
		audit_stream_fail(as, &as->reported);
	as->final[k] = 1;
	audit_result_release(&one);
}

/* The reports of the run (a mask of 1 << enum report_format): stdout's, the report files', --report-dir's. */
static unsigned audit_stream_formats(const struct audit_options *o)
{
	unsigned mask = 1u << o->stdout_format;
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++)
		if (o->report_files[f])
			mask |= 1u << f;
	if (o->report_dir)
		mask |= o->report_dir_formats;
	return mask;
}

/* Whether a report of the run (formats) writes anything for a target of this digest (report.h writes). */
static int audit_stream_read_back(const struct audit_options *o, unsigned formats, uint32_t digest)
{
	const struct report_options ro = { .verbose = o->verbose, .quiet = o->quiet };
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++)
		if ((formats & (1u << f)) && report_writes((enum report_format)f, &ro, o->fail_on, digest))
			return 1;
	return 0;
}

/*
 * Kept target k (added as index i) with nothing to drop or suppress: not
 * read back; its cross-target findings counted and, when a report of the
 * run writes anything for it (its digest: its own findings' and these),
 * written as its record in as->reported (the reports merge them in); else
 * no record, and no report reads it back.
 */
static void audit_stream_plain(struct audit_session *as, const struct audit_options *o, unsigned formats, size_t k,
			       size_t i)
{
	struct target_result only;
	struct arena ar;
	arena_init(&ar);
	memset(&only, 0, sizeof(only));
	audit_cross_findings(as, &only, k, &ar);
	audit_stream_count_cross(as, &only);
	as->kept_digest[k] = as->digests[i] | report_digest_findings(only.findings, only.n);
	as->kept_record[k] = AUDIT_NO_RECORD;
	if (audit_stream_read_back(o, formats, as->kept_digest[k])) {
		as->kept_record[k] = (uint32_t)as->reported.n;
		if (!audit_stream_reported(as) && spool_write(&as->reported, &only, NULL, 0, SPOOL_FINDINGS))
			audit_stream_fail(as, &as->reported);
	}
	free(only.findings);
	arena_release(&ar);
}

/* The kept targets' lines for stderr (as->lines, in the order added; kept[] increases), to stderr. */
static void audit_stream_print_lines(struct audit_session *as, const size_t *kept, size_t nkept)
{
	char *buf = xmalloc(AUDIT_LINES_BUF);
	size_t used = 0, k = 0;
	uint64_t head[2];
	int cut = 0;
	rewind(as->lines);
	while (!cut && fread(head, sizeof(head), 1, as->lines) == 1) {
		while (k < nkept && kept[k] < head[0])
			k++;
		if (head[1] > AUDIT_LINES_MAX) {
			cut = 1;
		} else if (!(k < nkept && kept[k] == head[0])) {
			cut = fseek(as->lines, (long)head[1], SEEK_CUR) != 0;
		} else {
			/* stderr is unbuffered: one write(2) per 64 KB of lines, not one per target */
			for (size_t left = (size_t)head[1]; left && !cut;) {
				if (used == AUDIT_LINES_BUF) {
					fwrite(buf, 1, used, stderr);
					used = 0;
				}
				size_t n = left < AUDIT_LINES_BUF - used ? left : AUDIT_LINES_BUF - used;
				cut = fread(buf + used, 1, n, as->lines) != n;
				used += cut ? 0 : n;
				left -= cut ? 0 : n;
			}
		}
	}
	if (cut || ferror(as->lines))
		audit_stream_errno(as, EIO);
	if (used)
		fwrite(buf, 1, used, stderr);
	free(buf);
}

void audit_session_finish(struct audit_session *as, const struct audit_options *o, const size_t *kept,
			  struct project_target *const *pts, size_t nkept)
{
	struct diag_list d;
	struct audit_seen seen = { 0 };
	diag_list_init(&d);
	if (spool_flush(&as->evaluated))
		audit_stream_fail(as, &as->evaluated);
	audit_stream_drop(as, kept, nkept);
	audit_cross_keep(as, kept, nkept);
	as->kept = kept;   /* not copied: the caller keeps it until audit_session_end() (8 bytes a target) */
	as->nkept = nkept;
	as->cross_derived = xcalloc(1, sizeof(*as->cross_derived));
	struct engine_fleet_copies copies = {
		.n = as->cross_store ? as->cross_store->nheads : 0, .copy = audit_cross_copy,
		.vars = audit_cross_copy_vars, .name = audit_cross_name, .node = audit_cross_node, .ctx = as,
		.pool = &as->cross,
	};
	engine_fleet_begin(&as->fleet, &as->e, as->c, &copies, as->cross_derived);
	if (!as->fleet.derived) {
		topology_derived_set_release(as->cross_derived);
		free(as->cross_derived);
		as->cross_derived = NULL;
	}
	as->fleet_begun = 1;
	/*
	 * per kept target in as->reported, in order: its final findings, or its
	 * cross-target ones when a report reads it back (kept_record[k])
	 */
	unsigned formats = audit_stream_formats(o);
	as->kept_digest = xcalloc(nkept ? nkept : 1, sizeof(*as->kept_digest));
	as->kept_record = xmalloc((nkept ? nkept : 1) * sizeof(*as->kept_record));
	for (size_t k = 0; k < nkept; k++)
		as->kept_record[k] = AUDIT_NO_RECORD;
	for (size_t k = 0; k < nkept && !as->stream_failed; k++) {
		if (audit_stream_rewrites(as, pts[k])) {
			audit_stream_rewrite(as, o, k, kept[k], pts[k], nkept, &seen, &d);
			continue;
		}
		audit_stream_plain(as, o, formats, k, kept[k]);
		if (pts[k])
			audit_seen_add(&seen, pts[k]->project);
	}
	free(as->digests);
	as->digests = NULL;
	/* a write that failed (a full $TMPDIR) is known now, before any report begins */
	if (spool_flush(&as->reported))
		audit_stream_fail(as, &as->reported);
	errno = 0;
	if (as->lines && (fflush(as->lines) || ferror(as->lines)))
		audit_stream_errno(as, errno);
	as->input_errors += audit_suppress_end(o, &as->e, &as->sup, &seen, &d);
	diag_print(&d, stderr);
	diag_list_release(&d);
	if (as->lines && !as->stream_failed)
		audit_stream_print_lines(as, kept, nkept);
}

/*
 * report.h source over the spool: each target read back when the writer
 * asks for it: its record as added (findings, unless finish rewrote them),
 * its record from finish (the cross-target findings, appended, or the
 * final findings), its view only when the writer reads it, with the facts
 * the cross-target rules derived.
 */
static const struct target_result *audit_stream_get(void *ctx, size_t i, const struct report_stream *rs)
{
	struct audit_session *as = ctx;
	int final = as->final && as->final[i];
	uint32_t rec = as->kept_record[i];
	/*
	 * the last target's arrays of findings and of its view's variables, for
	 * this one (a malloc per target costs a lot in a fragmented heap)
	 */
	struct finding *findings = NULL;
	struct settings_var *vars = NULL;
	size_t cap = 0, vcap = 0;
	if (as->one.n) {
		struct target_result *last = &as->one.targets[0];
		findings = last->findings;
		cap = last->cap;
		last->findings = NULL;
		for (size_t k = 0; k < last->view.n; k++)
			free(last->view.vars[k].overridden);
		vars = last->view.vars;
		vcap = last->view.cap;
		last->view.vars = NULL;
		last->view.n = last->view.cap = 0;
	}
	audit_result_clear(&as->one);
	struct target_result *t = audit_result_add_target(&as->one, "", "");
	t->findings = findings;
	t->cap = cap;
	t->view.vars = vars;   /* n 0: no view until spool_read_view() reads it into this array */
	t->view.cap = vcap;
	t = spool_read(&as->evaluated, as->kept[i], &as->one, t, SPOOL_HEADER | (final ? 0 : SPOOL_FINDINGS), NULL,
		       NULL);
	/*
	 * its own findings as evaluated, then its cross-target ones, not sorted:
	 * every writer puts them in target_result_sort()'s order itself
	 * (report_sorted_findings(), Prometheus its own), so that a sort and a
	 * merge here would only be done again
	 */
	if (t && rec != AUDIT_NO_RECORD)
		t = spool_read(&as->reported, rec, &as->one, t, SPOOL_FINDINGS | (final ? 0 : SPOOL_APPEND), NULL, NULL);
	else if (t)
		audit_cross_findings(as, t, i, &as->one.arena);   /* no record: a source read without digests */
	/* the view only for a writer that reads it (text -q: only for a finding it shows) */
	if (t && report_stream_reads_view(rs, t)) {
		t = spool_read_view(&as->evaluated, &as->one, t);
		if (t)
			audit_cross_facts(as, t, i);
	}
	if (!t) {
		if (!as->evaluated.err)
			audit_stream_fail(as, &as->reported);
		else
			audit_stream_fail(as, &as->evaluated);
		errno = as->stream_errno;
	}
	return t;
}

/* report.h source digest: what kept target i's final findings are (finish worked it out) */
static uint32_t audit_stream_digest(void *ctx, size_t i)
{
	const struct audit_session *as = ctx;
	return as->kept_digest[i];
}

int audit_session_stream_report(struct audit_session *as, const struct audit_options *o, const char *command)
{
	struct audit_options ro = *o;
	struct report_source src = { as->nkept, audit_stream_get, as, audit_stream_digest };
	ro.input_errors += as->input_errors;
	if (as->stream_failed) {
		diag_emit(DIAG_ERROR, NULL, 0, "cannot keep the targets' results in a temporary file in %s: %s",
			  spool_dir(), strerror(as->stream_errno));
		return EXIT_USAGE;
	}
	int write_failed = audit_write_reports_from(&ro, command, &as->e, &as->x, &src, as->totals) < 0;
	if (as->stream_failed) {
		/* a record that did not read back: the report was cut short, and this is why */
		diag_emit(DIAG_ERROR, NULL, 0, "cannot read the targets' results back from their temporary file in %s: %s",
			  spool_dir(), strerror(as->stream_errno));
		write_failed = 1;
	}
	audit_result_release(&as->one);
	audit_result_init(&as->one);
	struct audit_summary totals = as->totals;
	totals.input_errors = ro.input_errors;
	int status = audit_summary_exit_status(&totals, o->fail_on);
	return write_failed ? EXIT_USAGE : status;
}

void audit_session_end(struct audit_session *as)
{
	if (as->streaming) {
		spool_close(&as->evaluated);
		spool_close(&as->reported);
		if (as->lines)
			fclose(as->lines);
		free(as->lines_buf);
		free(as->final);
		free(as->digests);
		free(as->kept_digest);
		free(as->kept_record);
		as->kept = NULL;
		if (as->fleet_begun)
			engine_fleet_end(&as->fleet);
		if (as->cross_derived)
			topology_derived_set_release(as->cross_derived);
		free(as->cross_derived);
		audit_cross_store_release(as->cross_store);
		audit_result_release(&as->cross);
		audit_result_release(&as->one);
		strmap_release(&as->cross_reads);
	}
	explainer_release(&as->x);
	suppress_set_release(&as->sup);
	if (as->baseline.path)
		suppress_baseline_release(&as->baseline);
	audit_result_release(&as->r);
	engine_release(&as->e);
	memset(as, 0, sizeof(*as));
}

int audit_run_with_catalog(const struct audit_options *o, const char *command, const struct catalog *c,
			   struct settings *targets, size_t ntargets)
{
	struct audit_session as;
	int status = audit_session_begin(&as, o, c);
	if (status == EXIT_OK) {
		audit_session_evaluate(&as, o, targets, ntargets);
		status = audit_session_report(&as, o, command);
	}
	audit_session_end(&as);
	return status;
}

int audit_run(const struct audit_options *o, const char *command, struct settings *targets, size_t ntargets)
{
	struct catalog c;
	struct diag_list d;
	catalog_init(&c);
	diag_list_init(&d);
	int rc = audit_load_catalog(&c, &d);
	diag_print(&d, stderr);
	int status = rc ? EXIT_USAGE : audit_run_with_catalog(o, command, &c, targets, ntargets);
	diag_list_release(&d);
	catalog_release(&c);
	return status;
}
