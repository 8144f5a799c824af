/*
 * cmd_check.c - `crashsafe check`: audit option files and captured variable
 * snapshots offline.
 *
 * Each FILE is one target, read as mysqld of the chosen flavor and version
 * reads it with --defaults-file=FILE (its groups, includes and fatal
 * cases), then resolved into effective settings with the catalog's
 * defaults. Each --variables FILE is one more target, read as a captured
 * SHOW GLOBAL VARIABLES. A target that cannot be read is reported (stderr,
 * and as a target error in every report), the others are still audited,
 * and the exit status is 2.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "cmd.h"
#include "config.h"
#include "optfile.h"
#include "snapshot.h"
#include "banned.h"

enum {
	OPT_HELP = 1,
	OPT_VARIABLES,
};

static const struct cli_option check_own_options[] = {
	{ "variables", 0, CLI_REQUIRED_ARG, OPT_VARIABLES, "FILE",
	  "also audit a captured SHOW GLOBAL VARIABLES file (repeatable)" },
	{ "help", 'h', CLI_NO_ARG, OPT_HELP, NULL, "show this help and exit" },
};

#define CHECK_MAX_OPTIONS 64

struct check_args {
	struct audit_options audit;
	const char **variables;
	size_t nvariables, variables_cap;
	int help;
};

static int check_option(void *ctx, int id, const char *arg)
{
	struct check_args *a = ctx;
	switch (id) {
	case OPT_HELP:
		a->help = 1;
		return 0;
	case OPT_VARIABLES:
		ARRAY_GROW(a->variables, a->nvariables + 1, a->variables_cap);
		a->variables[a->nvariables++] = arg;
		return 0;
	default: {
		int rc = audit_options_handle(&a->audit, id, arg);
		return rc == 1 ? cli_usage_error("unhandled option") : rc;
	}
	}
}

static void check_usage(FILE *fp, const struct cli_option *opts, size_t n)
{
	fputs("usage: crashsafe check [OPTIONS] [FILE...]\n"
	      "\n"
	      "Audit MySQL, Percona Server and MariaDB option files (my.cnf) for replication\n"
	      "crash safety, offline. Each FILE is one server: it is read the way mysqld reads\n"
	      "--defaults-file=FILE (the groups of the chosen flavor and version, !include and\n"
	      "!includedir, the server's fatal cases), and every variable a rule needs gets\n"
	      "the value the server would run with: the last one the files set, else the\n"
	      "compiled-in default of that flavor and version. Each --variables FILE is a\n"
	      "captured SHOW GLOBAL VARIABLES (mysql -NBe, table, \\G, mysqladmin variables or\n"
	      "crashsafe live --capture); its flavor and version come from the capture\n"
	      "(without a version row the version is unknown and the rules that depend\n"
	      "on it could not be evaluated, unless --server-version gives one).\n"
	      "With neither, the option files the server itself would read are audited\n"
	      "(/etc/my.cnf, /etc/mysql/my.cnf, $MYSQL_HOME/my.cnf, ~/.my.cnf).\n"
	      "\n"
	      "Defaults: MySQL 8.4 (with --flavor mariadb: MariaDB 10.11; a --server-version\n"
	      "of 10 or more without --flavor means MariaDB), role any (a server that may\n"
	      "be a primary or a replica, as after a failover: replica safety rules apply,\n"
	      "read-only rules only with --role replica). All targets of one run are one\n"
	      "fleet: server_id must be unique among them.\n"
	      "\n"
	      "Options:\n", fp);
	cli_print_options(fp, opts, n);
	fputs("\n"
	      "Exit status:\n"
	      "  0  no failed finding at or above --fail-on\n"
	      "  1  failed findings at or above --fail-on\n"
	      "  2  usage error or unusable input: an unreadable FILE (the other files are\n"
	      "     still audited and reported), a bad rule file or catalog, a report that\n"
	      "     could not be written\n"
	      "  3  a rule of severity error could not be evaluated (a value it needs is\n"
	      "     unknown), or a target could not be audited\n"
	      "\n"
	      "See 'crashsafe rules' for the rules and crashsafe(1) for more.\n", fp);
}

/* Nonzero when path can be opened as a file; else *why says why. */
static int check_readable(const char *path, char **why)
{
	struct stat st;
	if (stat(path, &st)) {
		*why = xasprintf("cannot read: %s", strerror(errno));
		return 0;
	}
	if (S_ISDIR(st.st_mode)) {
		*why = xstrdup("cannot read: is a directory");
		return 0;
	}
	FILE *fp = fopen(path, "r");
	if (!fp) {
		*why = xasprintf("cannot read: %s", strerror(errno));
		return 0;
	}
	fclose(fp);
	return 1;
}

static void target_defaults(struct settings *s, const struct audit_options *o)
{
	s->flavor = o->flavor;
	s->variant = o->variant < 0 ? FLAVOR_VARIANT_PLAIN : (enum flavor_variant)o->variant;
	s->version = o->version;
	s->role = o->role;
	if (o->flavor_set)
		s->flavor_source = "command-line";
}

/* Apply the run's flavor, version and role to s and check that path can be read (else s->error, -1). */
static int check_prepare(struct settings *s, const char *path, const struct audit_options *o)
{
	char *why = NULL;
	target_defaults(s, o);
	if (!check_readable(path, &why)) {
		s->error = settings_intern(s, why);
		free(why);
		return -1;
	}
	return 0;
}

/* Read one option file into s. Returns 0, or -1 when the file is unusable (s->error set). */
static int check_load_file(struct settings *s, const char *path, const struct audit_options *o,
			   const struct catalog *c)
{
	if (check_prepare(s, path, o))
		return -1;
	struct optfile of;
	struct optfile_groups g;
	optfile_init(&of);
	optfile_groups_for(&g, s->flavor, &s->version, o->group_suffix);
	optfile_read(&of, path, &g);
	config_load(s, &of, c);
	optfile_release(&of);
	return 0;
}

/* With no FILE: what the server itself would read. */
static void check_load_defaults(struct settings *s, const struct audit_options *o, const struct catalog *c)
{
	struct optfile of;
	struct optfile_groups g;
	struct optfile_search search = { 0 };
	const char *home = getenv("MARIADB_HOME");
	target_defaults(s, o);
	search.home = getenv("HOME");
	if (s->flavor != FLAVOR_MARIADB || !home)
		home = getenv("MYSQL_HOME");
	search.server_home = home;
	optfile_init(&of);
	optfile_groups_for(&g, s->flavor, &s->version, o->group_suffix);
	optfile_read_defaults(&of, &search, s->flavor, &g);
	config_load(s, &of, c);
	optfile_release(&of);
}

static int check_load_snapshot(struct settings *s, const char *path, const struct audit_options *o,
			       const struct catalog *c)
{
	if (check_prepare(s, path, o))
		return -1;
	/* A capture says its own flavor and version; what it does not say stays unknown, never assumed. */
	if (!o->version_set)
		version_set_unknown(&s->version);
	if (!o->flavor_set)
		s->flavor = FLAVOR_UNKNOWN;
	int rc = snapshot_load(s, path, c);
	if (o->role_set)
		s->role = o->role;   /* an explicit --role wins over a captured one */
	if (rc && !s->error)
		s->error = settings_intern(s, "not a usable variables snapshot");
	return rc ? -1 : 0;
}

int cmd_check(int argc, char **argv)
{
	struct cli_option opts[CHECK_MAX_OPTIONS];
	size_t nopts = 0;
	struct check_args a = { 0 };
	struct catalog c;
	struct diag_list d;
	struct settings *targets = NULL;
	size_t ntargets = 0;
	int noperands = 0, input_errors = 0, status;

	for (size_t i = 0; i < ARRAY_SIZE(check_own_options); i++)
		opts[nopts++] = check_own_options[i];
	for (size_t i = 0; i < audit_common_noptions && nopts < CHECK_MAX_OPTIONS; i++)
		opts[nopts++] = audit_common_options[i];

	audit_options_init(&a.audit);
	int rc = cli_parse(argc, argv, opts, nopts, check_option, &a, &noperands);
	if (rc) {
		free(a.variables);
		return EXIT_USAGE;
	}
	if (a.help) {
		check_usage(stdout, opts, nopts);
		free(a.variables);
		return EXIT_OK;
	}
	/* A version of 10 or more with no flavor can only be MariaDB. */
	if (a.audit.version_set && !a.audit.flavor_set && a.audit.version.major >= 10)
		a.audit.flavor = FLAVOR_MARIADB;

	catalog_init(&c);
	diag_list_init(&d);
	if (audit_load_catalog(&c, &d)) {
		diag_print(&d, stderr);
		status = EXIT_USAGE;
		goto out;
	}
	diag_print(&d, stderr);

	size_t want = (size_t)noperands + a.nvariables;
	targets = xcalloc(want ? want : 1, sizeof(*targets));
	if (!want) {
		settings_init(&targets[0], "default option files", "file");
		check_load_defaults(&targets[0], &a.audit, &c);
		ntargets = 1;
	}
	for (int i = 0; i < noperands; i++) {
		struct settings *s = &targets[ntargets++];
		settings_init(s, argv[i], "file");
		if (check_load_file(s, argv[i], &a.audit, &c))
			input_errors++;
	}
	for (size_t i = 0; i < a.nvariables; i++) {
		struct settings *s = &targets[ntargets++];
		settings_init(s, a.variables[i], "snapshot");
		if (check_load_snapshot(s, a.variables[i], &a.audit, &c))
			input_errors++;
	}

	status = audit_run_with_catalog(&a.audit, "check", &c, targets, ntargets);
	if (input_errors)
		status = EXIT_USAGE;
out:
	for (size_t i = 0; i < ntargets; i++)
		settings_release(&targets[i]);
	free(targets);
	free(a.variables);
	diag_list_release(&d);
	catalog_release(&c);
	return status;
}
