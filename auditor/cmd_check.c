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
 *
 * Input handling: FILE may be "-" (standard input, read once), a pipe such
 * as bash's <(...) or a FIFO (read as a stream, bounded: fileio.h); --root
 * DIR reads the absolute paths inside the files (and the default files)
 * under DIR. The reader's warnings and errors (files skipped, includes
 * leaving the tree, long lines) go to standard error even without -v: they
 * change what was audited.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "cmd.h"
#include "fleet.h"
#include "inventory.h"
#include "fileio.h"
#include "infer.h"
#include "load.h"
#include "optfile.h"
#include "persisted.h"
#include "snapshot.h"
#include "spool.h"
#include "banned.h"

enum {
	OPT_HELP = 1,
	OPT_VARIABLES,
	OPT_ROOT,
	OPT_DATADIR,
	OPT_PROJECT_FILE,
	OPT_STDIN_FILENAME,
	OPT_LIST_TARGETS,
	OPT_VERSION,
};

static const struct cli_option check_own_options[] = {
	{ "variables", 0, CLI_REPEATABLE_ARG, OPT_VARIABLES, "FILE",
	  "also audit a captured SHOW GLOBAL VARIABLES file (repeatable; - for stdin)" },
	{ "root", 0, CLI_REQUIRED_ARG, OPT_ROOT, "DIR",
	  "read absolute !include/!includedir paths and the default files under DIR" },
	{ "datadir", 0, CLI_REQUIRED_ARG, OPT_DATADIR, "DIR",
	  "apply the persisted variables in DIR/mysqld-auto.cnf (SET PERSIST; MySQL 8.0+)" },
	{ "project-file", 0, CLI_REQUIRED_ARG, OPT_PROJECT_FILE, "FILE",
	  "the project file for every target (default: .crashsafe.ini found upward from each FILE)" },
	{ "stdin-filename", 0, CLI_REQUIRED_ARG, OPT_STDIN_FILENAME, "PATH",
	  "the name of - (standard input) in reports, suppressions and baselines" },
	{ "list-targets", 0, CLI_NO_ARG, OPT_LIST_TARGETS, NULL,
	  "print the targets, their entry files, settings and clusters, and audit nothing" },
	{ "help", 'h', CLI_NO_ARG, OPT_HELP, NULL, "show this help and exit" },
	{ "version", 0, CLI_NO_ARG, OPT_VERSION, NULL, "print crashsafe's version and exit" },
};

#define CHECK_MAX_OPTIONS 64

struct check_args {
	struct audit_options audit;
	const char **variables;
	size_t nvariables, variables_cap;
	const char *root;
	const char *datadir;    /* --datadir DIR */
	const char *project_file;
	const char *stdin_filename;
	int list_targets;
	int help, version;
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
	case OPT_PROJECT_FILE:
		a->project_file = arg;
		return 0;
	case OPT_STDIN_FILENAME:
		a->stdin_filename = arg;
		return 0;
	case OPT_LIST_TARGETS:
		a->list_targets = 1;
		return 0;
	case OPT_VERSION:
		a->version = 1;
		return 0;
	case OPT_ROOT: {
		struct stat st;
		if (stat(arg, &st) || !S_ISDIR(st.st_mode))
			return cli_usage_error("--root: '%s' is not a directory", arg);
		a->root = arg;
		return 0;
	}
	case OPT_DATADIR: {
		struct stat st;
		if (stat(arg, &st) || !S_ISDIR(st.st_mode))
			return cli_usage_error("--datadir: '%s' is not a directory", arg);
		a->datadir = arg;
		return 0;
	}
	default: {
		int rc = audit_options_handle(&a->audit, id, arg);
		return rc == 1 ? cli_usage_error("unhandled option") : rc;
	}
	}
}

static void check_usage(FILE *fp, const struct cli_option *opts, size_t n)
{
	fputs("usage: crashsafe check [OPTIONS] [FILE|-...]\n"
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
	      "FILE may be - (standard input: helm template ... | crashsafe check -) or a\n"
	      "pipe (<(...)), read as the option file of one server; relative !include\n"
	      "paths resolve against the working directory, as for any file. Streams are\n"
	      "bounded: 16 MiB, and a FIFO nobody writes to is an error after 3 s.\n"
	      "--stdin-filename PATH names - in reports, suppressions and baselines.\n"
	      "A FILE that is a directory means its entry file (my.cnf, Debian's\n"
	      "mariadb.cnf or mysql.cnf; a .../etc/mysql directory is read under the\n"
	      "directory above etc/). A file another target includes is not a target, and\n"
	      "one file under two spellings is one target.\n"
	      "With --root DIR (a repository holding etc/mysql/my.cnf), absolute\n"
	      "!include/!includedir paths and the default files are read under DIR, as\n"
	      "in a chroot; without it, an include that leaves the directory of the FILE\n"
	      "given gets a warning naming the path.\n"
	      "\n"
	      "Per-target settings: each target's flavor, version, role and cluster come\n"
	      "from layers, the most specific winning: the command line (run-wide\n"
	      "defaults) < the project file (.crashsafe.ini found upward from the FILE, to\n"
	      "the repository root, or --project-file: [defaults], [targets \"GLOB\"])\n"
	      "< the --inventory section < annotations in the file\n"
	      "(# crashsafe: role=replica cluster=eu flavor=mariadb version=10.11).\n"
	      "-v says which layer decided each setting; --list-targets shows it all and\n"
	      "audits nothing. Without any layer, each file's flavor and build are\n"
	      "inferred from what it contains ([mariadb]/[galera] groups, MariaDB-only or\n"
	      "MySQL-only options, wsrep_*/pxc_* for Galera builds) and shown in the\n"
	      "report; a given flavor the file contradicts gets a warning. A\n"
	      "--server-version only one flavor had names it (10.11: MariaDB); one the\n"
	      "flavor never had is a usage error. Defaults when nothing says: MySQL 8.4\n"
	      "(MariaDB 10.11), role any (a server that may be a primary or a replica, as\n"
	      "after a failover: replica safety rules apply, read-only rules only with\n"
	      "role replica). Fleet rules (server_id unique) compare the targets of one\n"
	      "cluster: the one declared, else a Galera node's wsrep_cluster_name, else\n"
	      "the run's default cluster.\n"
	      "\n"
	      "Suppressions: # crashsafe: ignore=RULE reason=\"...\" until=YYYY-MM-DD on the\n"
	      "line before the one it excuses, [suppress \"RULE\"] in the project file, and\n"
	      "--suppress FILE; --baseline REPORT.json fails only findings that report did\n"
	      "not have. See docs/project.md.\n"
	      "\n"
	      "Options:\n", fp);
	cli_print_options(fp, opts, n);
	fputs("\n"
	      "Exit status:\n"
	      "  0  no failed finding at or above --fail-on\n"
	      "  1  failed findings at or above --fail-on; an option file the server\n"
	      "     refuses to start with is one (rules that needed a value it refuses\n"
	      "     could not be evaluated and point at that line's failure)\n"
	      "  2  usage error or unusable input: an unreadable FILE (the other files are\n"
	      "     still audited, and the reports are written and say 2), a bad rule file\n"
	      "     or catalog, a report that could not be written\n"
	      "  3  a rule of severity error could not be evaluated for another reason (a\n"
	      "     value it needs is unknown: a capture without it, its version unknown),\n"
	      "     or a target could not be audited\n"
	      "\n"
	      "See 'crashsafe rules' for the rules and crashsafe(1) for more.\n", fp);
}

/* Standard input can be read once: refuse a second "-" (or /dev/stdin). */
static int check_stdin_once(char **operands, int n, const struct check_args *a)
{
	int uses = 0, fd;
	for (int i = 0; i < n; i++)
		uses += fileio_inherited_fd(operands[i], &fd) && fd == 0;
	for (size_t i = 0; i < a->nvariables; i++)
		uses += fileio_inherited_fd(a->variables[i], &fd) && fd == 0;
	if (uses > 1)
		return cli_usage_error("standard input (- or /dev/stdin) can be read only once");
	if (a->stdin_filename && !uses && !a->audit.inventory)
		return cli_usage_error("--stdin-filename names standard input, and no FILE or --variables is - "
				       "(or /dev/stdin)");
	return 0;
}

/* Each target, as soon as it is read: evaluated and spooled (audit.h, streaming). */
struct check_stream {
	struct audit_session *as;
	const struct audit_options *o;
};

static void check_each(void *ctx, const struct settings *s)
{
	struct check_stream *cs = ctx;
	audit_session_add(cs->as, cs->o, s);
}

/* The names the run's rules read (engine.h reads): what each target keeps once read. */
static int check_retain(void *ctx, const char *name)
{
	return engine_read_index(ctx, name) >= 0;
}

int cmd_check(int argc, char **argv)
{
	struct cli_option opts[CHECK_MAX_OPTIONS];
	size_t nopts = 0;
	struct check_args a = { 0 };
	struct catalog c;
	struct infer_index x = { 0 };
	struct diag_list d;
	struct load_targets lt;
	int noperands = 0, status, loaded = 0;
	struct inventory inv;
	struct fleet_plan plan;
	struct audit_session as;
	struct check_stream stream;
	int session = 0, streaming = 0;

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
	if (a.help || a.version) {
		if (a.help)
			check_usage(stdout, opts, nopts);
		else
			printf("crashsafe %s\n", CRASHSAFE_VERSION);
		free(a.variables);
		return EXIT_OK;
	}
	if (check_stdin_once(argv, noperands, &a)) {
		free(a.variables);
		return EXIT_USAGE;
	}
	if (audit_options_check(&a.audit)) {
		free(a.variables);
		return EXIT_USAGE;
	}

	catalog_init(&c);
	diag_list_init(&d);
	inventory_init(&inv);
	fleet_plan_init(&plan);
	if (a.audit.inventory && inventory_load(&inv, a.audit.inventory, &d) < 0) {
		diag_print(&d, stderr);
		status = EXIT_USAGE;
		goto out;
	}
	if (fleet_plan_check(&plan, a.audit.inventory ? &inv : NULL, argv, (size_t)noperands,
			     (const char *const *)a.variables, a.nvariables, &a.audit.shard, &d) < 0) {
		diag_print(&d, stderr);
		status = EXIT_USAGE;
		goto out;
	}
	if (a.audit.verbose && plan.skipped)
		diag_emit(DIAG_NOTE, a.audit.inventory, 0, "%zu section%s without config or variables: not checked",
			  plan.skipped, plan.skipped == 1 ? "" : "s");
	if (a.audit.inventory && !plan.total) {
		status = cli_usage_error("%s: no section has a config or variables: nothing for check to audit",
					 a.audit.inventory);
		goto out;
	}
	if (!plan.total && a.audit.strict) {
		/* an empty glob in CI must not audit the runner's own /etc/mysql */
		status = cli_usage_error("--strict: no FILE given: name the option files to audit (without "
					 "--strict, check audits this machine's default option files)");
		goto out;
	}
	a.audit.run_total = plan.total ? plan.total : 1;
	if (audit_load_catalog(&c, &d)) {
		diag_print(&d, stderr);
		status = EXIT_USAGE;
		goto out;
	}
	diag_print(&d, stderr);
	infer_index_init(&x, &c);

	struct load_options lo = {
		.audit = &a.audit,
		.root = a.root,
		.project_file = a.project_file,
		.stdin_filename = a.stdin_filename,
		.datadir = a.datadir,
	};
	if (!a.list_targets) {
		/*
		 * The rules first (issue 13): each target then keeps only the
		 * variables they read, not all it has (a capture: 1,200), while
		 * the others are read.
		 */
		session = 1;
		status = audit_session_begin(&as, &a.audit, &c);
		if (status != EXIT_OK)
			goto out;
		lo.retain = check_retain;
		lo.retain_ctx = &as.e;
		/*
		 * Then each target is evaluated as soon as it is read, and only
		 * what the rules across targets compare stays in memory
		 * (issue 13): the results wait in a temporary file. One target
		 * (one FILE, or the default option files) has nothing to wait
		 * for: it is evaluated and reported from memory, as the results
		 * would be read back the same (the spool's writing and reading
		 * back were 15% of a one-file run).
		 */
		streaming = plan.total > 1;
	}
	if (streaming) {
		if (audit_session_stream(&as)) {
			diag_emit(DIAG_ERROR, NULL, 0, "cannot make a temporary file for the targets' results in %s: %s",
				  spool_dir(), strerror(errno));
			status = EXIT_USAGE;
			goto out;
		}
		stream.as = &as;
		stream.o = &a.audit;
		lo.each = check_each;
		lo.each_ctx = &stream;
	}
	load_targets_init(&lt, &lo);
	loaded = 1;
	load_targets(&lt, &lo, &plan, &c, &x);
	if (a.list_targets) {
		load_targets_list(&lt, stdout);
		status = lt.input_errors ? EXIT_USAGE : EXIT_OK;
		goto out;
	}
	/*
	 * A project file with errors (an unknown section or key, a bad value, a
	 * key given twice): the settings it gives its targets are not what it
	 * meant, so nothing is audited, as for a rule file with errors
	 * (docs/project.md); the errors above say where.
	 */
	if (lt.finder.errors) {
		diag_emit(DIAG_ERROR, NULL, 0, "nothing audited: the project file has errors");
		status = EXIT_USAGE;
		goto out;
	}
	audit_options_fail_on_from_projects(&a.audit, &lt.finder);

	a.audit.input_errors = lt.input_errors;
	if (!streaming) {
		audit_session_evaluate(&as, &a.audit, lt.targets, lt.n);
		status = audit_session_report(&as, &a.audit, "check");
		goto out;
	}
	/*
	 * Every target was read and handed over: the plan (a 72-byte entry
	 * per target) has no reader left (memory per target, issue 13).
	 */
	fleet_plan_release(&plan);
	{
		/*
		 * The project data the suppressions read; a target without a
		 * project file, inline suppressions or disabled rules has none
		 * to read (NULL): load.c kept none for it (memory per target,
		 * issue 13).
		 */
		struct project_target **pts = xcalloc(lt.n ? lt.n : 1, sizeof(*pts));
		for (size_t i = 0; i < lt.n; i++) {
			struct project_target *pt = lt.projects[i];
			if (pt && (pt->project || pt->inline_sup.n || pt->rules.n))
				pts[i] = pt;
		}
		audit_session_finish(&as, &a.audit, lt.order, pts, lt.n);
		free(pts);
	}
	status = audit_session_stream_report(&as, &a.audit, "check");
out:
	if (session)
		audit_session_end(&as);
	if (loaded)
		load_targets_release(&lt);
	free(a.variables);
	fleet_plan_release(&plan);
	inventory_release(&inv);
	diag_list_release(&d);
	infer_index_release(&x);
	catalog_release(&c);
	return status;
}
