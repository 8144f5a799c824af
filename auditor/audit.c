/*
 * audit.c - what `check` and `live` share: the common options, and the run
 * (catalog, rules, evaluation, reports, exit status).
 */
#include "audit.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ini.h>

#include "cmd.h"
#include "engine.h"
#include "explain.h"
#include "reportdir.h"
#include "fileio.h"
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
	  "also read the option groups with this suffix, as mysqld does" },
	{ "rules", 0, CLI_REQUIRED_ARG, OPT_RULES, "DIR",
	  "also load the rule files (*.ini) in DIR (repeatable)" },
	{ "format", 0, CLI_REQUIRED_ARG, OPT_FORMAT, "FORMAT",
	  "report on stdout: text, json, junit, sarif or prom (default: text)" },
	{ "text", 0, CLI_REQUIRED_ARG, OPT_TEXT, "FILE", "also write the text report to FILE" },
	{ "json", 0, CLI_REQUIRED_ARG, OPT_JSON, "FILE", "also write the JSON report to FILE" },
	{ "junit", 0, CLI_REQUIRED_ARG, OPT_JUNIT, "FILE", "also write the JUnit XML report to FILE" },
	{ "sarif", 0, CLI_REQUIRED_ARG, OPT_SARIF, "FILE", "also write the SARIF 2.1.0 report to FILE" },
	{ "fail-on", 0, CLI_REQUIRED_ARG, OPT_FAIL_ON, "LEVEL",
	  "exit 1 for failures at or above error, warning, info, or never (default: error)" },
	{ "no-color", 0, CLI_NO_ARG, OPT_NO_COLOR, NULL,
	  "no colour in the text report (also when NO_COLOR is set; colour only on a terminal)" },
	{ "suppress", 0, CLI_REQUIRED_ARG, OPT_SUPPRESS, "FILE",
	  "suppress findings listed in FILE (INI: [rule-id] target = GLOB, reason = TEXT)" },
	{ "quiet", 'q', CLI_NO_ARG, OPT_QUIET, NULL, "text report: only failures and the summary" },
	{ "verbose", 'v', CLI_NO_ARG, OPT_VERBOSE, NULL,
	  "text report: also passed and not-applicable findings; print every reading diagnostic" },
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
			return cli_usage_error("--format: '%s' is not text, json, junit, sarif or prom", arg);
		o->stdout_format = (int)w->format;
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
			return 0;
		}
		if (severity_parse(&sev, arg))
			return cli_usage_error("--fail-on: '%s' is not error, warning, info or never", arg);
		o->fail_on = (int)sev;
		return 0;
	case OPT_NO_COLOR:
		o->color = 0;
		return 0;
	case OPT_SUPPRESS:
		o->suppress_file = arg;
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
		return 0;
	}
	case AUDIT_OPT_KEEP: {
		char *end;
		unsigned long v;
		errno = 0;
		v = strtoul(arg, &end, 10);
		if (!*arg || *end || errno || *arg == '-' || v < 1 || v > 100000)
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

int audit_options_check(const struct audit_options *o)
{
	char *why = NULL, vbuf[32];
	if (!o->version_set || !flavor_check_version(o->flavor_set ? o->flavor : FLAVOR_UNKNOWN, &o->version, &why))
		return 0;
	int rc = cli_usage_error("--server-version %s: %s", version_format(&o->version, vbuf, sizeof(vbuf)), why);
	free(why);
	return rc;
}

int audit_load_catalog(struct catalog *c, struct diag_list *d)
{
	const char *dir = crashsafe_rules_dir();
	char *path = xasprintf("%s/variables.ini", dir);
	int rc = catalog_load(c, path, d);
	free(path);
	return rc;
}

/* ---- suppressions ----------------------------------------------------- */

struct suppression {
	char *rule;      /* rule id, or "*" */
	char *target;    /* fnmatch pattern over the target name; NULL: every target */
	char *reason;
	unsigned line;
};

struct suppress_ctx {
	struct suppression *items;
	size_t n, cap;
	const char *path;
	struct diag_list *d;
	int errors;
};

static int suppress_handler(void *user, const char *section, const char *name, const char *value, int lineno)
{
	struct suppress_ctx *x = user;
	if (!*section) {
		diag_add(x->d, DIAG_ERROR, x->path, (unsigned)lineno, "'%s' is outside any [rule-id] section", name);
		x->errors++;
		return 1;
	}
	if (strcmp(name, "target") && strcmp(name, "reason")) {
		diag_add(x->d, DIAG_ERROR, x->path, (unsigned)lineno,
			 "unknown key '%s' (a suppression has 'target = GLOB' and 'reason = TEXT')", name);
		x->errors++;
		return 1;
	}
	struct suppression *s = NULL;
	if (x->n && !strcmp(x->items[x->n - 1].rule, section) &&
	    (!strcmp(name, "reason") ? !x->items[x->n - 1].reason : !x->items[x->n - 1].target))
		s = &x->items[x->n - 1];
	if (!s) {
		ARRAY_GROW(x->items, x->n + 1, x->cap);
		s = &x->items[x->n++];
		memset(s, 0, sizeof(*s));
		s->rule = xstrdup(section);
		s->line = (unsigned)lineno;
		/* a new target in the same section inherits the section's reason */
		if (!strcmp(name, "target") && x->n > 1 && !strcmp(x->items[x->n - 2].rule, section) &&
		    x->items[x->n - 2].reason)
			s->reason = xstrdup(x->items[x->n - 2].reason);
	}
	if (!strcmp(name, "target")) {
		s->target = xstrdup(value);
	} else {
		free(s->reason);
		s->reason = xstrdup(value);
	}
	return 1;
}

static void suppress_release(struct suppress_ctx *x)
{
	for (size_t i = 0; i < x->n; i++) {
		free(x->items[i].rule);
		free(x->items[i].target);
		free(x->items[i].reason);
	}
	free(x->items);
}

static int suppress_load(struct suppress_ctx *x, const char *path, struct diag_list *d)
{
	memset(x, 0, sizeof(*x));
	x->path = path;
	x->d = d;
	struct fileio_data file;
	char *why = NULL;
	if (fileio_read(path, FILEIO_SUPPRESS, &file, &why) != FILEIO_OK) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot read suppression file: %s", why);
		free(why);
		return -1;
	}
	int rc = ini_parse_string(file.data, suppress_handler, x);
	fileio_data_release(&file);
	if (rc < 0) {
		diag_add(d, DIAG_ERROR, path, 0, "cannot parse suppression file: out of memory");
		return -1;
	}
	if (rc > 0) {
		diag_add(d, DIAG_ERROR, path, (unsigned)rc, "not a suppression line: expected '[rule-id]' or 'key = value'");
		return -1;
	}
	for (size_t i = 0; i < x->n; i++) {
		if (!x->items[i].reason) {
			diag_add(d, DIAG_ERROR, path, x->items[i].line, "suppression of '%s' needs 'reason = TEXT'",
				 x->items[i].rule);
			x->errors++;
		}
	}
	return x->errors ? -1 : 0;
}

/* Mark failed and unknown findings that a suppression names. */
static void suppress_apply(const struct suppress_ctx *x, struct audit_result *r)
{
	for (size_t t = 0; t < r->n; t++) {
		struct target_result *tr = &r->targets[t];
		for (size_t i = 0; i < tr->n; i++) {
			struct finding *f = &tr->findings[i];
			if (f->status != FINDING_FAIL && f->status != FINDING_UNKNOWN)
				continue;
			for (size_t j = 0; j < x->n; j++) {
				const struct suppression *s = &x->items[j];
				if (strcmp(s->rule, "*") && strcmp(s->rule, f->rule_id))
					continue;
				if (s->target && fnmatch(s->target, tr->name, 0))
					continue;
				struct finding_suppression *fs = arena_alloc(&r->arena, sizeof(*fs));
				fs->file = audit_result_intern(r, x->path);
				fs->line = s->line;
				fs->reason = audit_result_intern(r, s->reason);
				fs->was = f->status;
				f->suppression = fs;
				f->status = FINDING_SUPPRESSED;
				break;
			}
		}
	}
	audit_result_sort(r);
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

int audit_write_reports(const struct audit_options *o, const char *command, const struct engine *e,
			struct explainer *x, const struct audit_result *r)
{
	struct audit_summary totals;
	audit_result_summary(r, &totals);
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
	int write_failed = 0;
	if (report_write((enum report_format)o->stdout_format, r, &ro, &run, stdout) || fflush(stdout)) {
		diag_emit(DIAG_ERROR, NULL, 0, "cannot write the %s report to stdout",
			  report_writer_get((enum report_format)o->stdout_format)->name);
		write_failed = 1;
	}
	ro.color = 0;
	for (int f = 0; f < REPORT_FORMAT_COUNT; f++) {
		const char *path = o->report_files[f];
		if (!path)
			continue;
		if (report_write_file((enum report_format)f, r, &ro, &run, path)) {
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
		if (reportdir_write(&rd, r, &ro, &run) < 0)
			write_failed = 1;
	}
	return write_failed ? -1 : 0;
}

int audit_run_with_catalog(const struct audit_options *o, const char *command, const struct catalog *c,
			   struct settings *targets, size_t ntargets)
{
	struct engine e;
	struct diag_list d;
	struct audit_result r;
	struct suppress_ctx sup = { 0 };
	int status = EXIT_OK, have_sup = 0;

	engine_init(&e);
	diag_list_init(&d);
	audit_result_init(&r);

	engine_load_dir(&e, crashsafe_rules_dir(), &d);
	for (size_t i = 0; i < o->nrules_dirs; i++)
		engine_load_dir(&e, o->rules_dirs[i], &d);
	if (!diag_count(&d, DIAG_ERROR))
		engine_bind(&e, c, &d);
	if (o->suppress_file) {
		if (!suppress_load(&sup, o->suppress_file, &d))
			have_sup = 1;
	}
	diag_print(&d, stderr);
	if (diag_count(&d, DIAG_ERROR)) {
		status = EXIT_USAGE;
		goto out;
	}

	engine_evaluate(&e, c, targets, ntargets, &r);
	if (have_sup)
		suppress_apply(&sup, &r);

	for (size_t i = 0; i < ntargets; i++) {
		const struct settings *s = &targets[i];
		/* how flavor, build and version were decided, when it changes what was audited: always */
		for (size_t k = 0; k < s->build_diags.n; k++)
			if (o->verbose || s->build_diags.items[k].level >= DIAG_WARNING)
				diag_print_one(&s->build_diags.items[k], stderr);
		if (s->error)
			diag_emit(DIAG_ERROR, s->target, 0, "%s", s->error);
		else if (o->verbose)
			diag_print(&s->diags, stderr);
	}

	struct explainer x;
	explainer_init(&x, &e, c);
	int write_failed = audit_write_reports(o, command, &e, &x, &r) < 0;
	struct audit_summary totals;
	audit_result_summary(&r, &totals);
	totals.input_errors = o->input_errors;
	explainer_release(&x);
	status = audit_summary_exit_status(&totals, o->fail_on);
	if (write_failed)
		status = EXIT_USAGE;
out:
	suppress_release(&sup);
	audit_result_release(&r);
	diag_list_release(&d);
	engine_release(&e);
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
