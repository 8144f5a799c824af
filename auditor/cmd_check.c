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
#include "config.h"
#include "fleet.h"
#include "inventory.h"
#include "fileio.h"
#include "expr.h"
#include "infer.h"
#include "optfile.h"
#include "persisted.h"
#include "progress.h"
#include "snapshot.h"
#include "banned.h"

enum {
	OPT_HELP = 1,
	OPT_VARIABLES,
	OPT_ROOT,
	OPT_DATADIR,
};

static const struct cli_option check_own_options[] = {
	{ "variables", 0, CLI_REQUIRED_ARG, OPT_VARIABLES, "FILE",
	  "also audit a captured SHOW GLOBAL VARIABLES file (repeatable; - for stdin)" },
	{ "root", 0, CLI_REQUIRED_ARG, OPT_ROOT, "DIR",
	  "read absolute !include/!includedir paths and the default files under DIR" },
	{ "datadir", 0, CLI_REQUIRED_ARG, OPT_DATADIR, "DIR",
	  "apply the persisted variables in DIR/mysqld-auto.cnf (SET PERSIST; MySQL 8.0+)" },
	{ "help", 'h', CLI_NO_ARG, OPT_HELP, NULL, "show this help and exit" },
};

#define CHECK_MAX_OPTIONS 64

struct check_args {
	struct audit_options audit;
	const char **variables;
	size_t nvariables, variables_cap;
	const char *root;
	const char *datadir;    /* --datadir DIR */
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
	      "With --root DIR (a repository holding etc/mysql/my.cnf), absolute\n"
	      "!include/!includedir paths and the default files are read under DIR, as\n"
	      "in a chroot; without it, an include that leaves the directory of the FILE\n"
	      "given gets a warning naming the path.\n"
	      "\n"
	      "Flavor: without --flavor, each file's flavor and build are inferred from\n"
	      "what it contains ([mariadb]/[galera] groups, MariaDB-only or MySQL-only\n"
	      "options, wsrep_*/pxc_* for Galera builds) and shown in the report; with\n"
	      "--flavor, a file that contradicts it gets a warning. A --server-version only\n"
	      "one flavor had names it (10.11: MariaDB; 26.10: MySQL); one the flavor never\n"
	      "had is a usage error. Defaults when nothing says: MySQL 8.4 (MariaDB 10.11),\n"
	      "role any (a server that may be a primary or a replica, as after a failover:\n"
	      "replica safety rules apply, read-only rules only with --role replica). All\n"
	      "targets of one run are one fleet: server_id must be unique among them.\n"
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

static void target_defaults(struct settings *s, const struct audit_options *o)
{
	s->flavor = o->flavor;
	s->variant = o->variant < 0 ? FLAVOR_VARIANT_PLAIN : (enum flavor_variant)o->variant;
	s->version = o->version;
	s->role = o->role;
	if (o->flavor_set)
		s->flavor_source = "command-line";
}

/*
 * The reader's warnings and errors change what was audited (a file skipped,
 * an include outside the tree, a long line): on standard error always. With
 * -v every diagnostic of the target is printed later, so not twice.
 */
static void check_print_reader_diags(const struct optfile *of, const struct audit_options *o)
{
	if (o->verbose)
		return;
	for (size_t i = 0; i < of->diags.n; i++)
		if (of->diags.items[i].level >= DIAG_WARNING)
			diag_print_one(&of->diags.items[i], stderr);
}

/*
 * What the layers above flavor inference give a target (infer.h): the
 * command line, then its inventory section (issue 11; gate's project file
 * and annotations, issue 10, go between and above).
 */
static void check_choice(struct flavor_choice *given, const struct audit_options *o, const struct fleet_target *ft)
{
	given->flavor = o->flavor_set ? o->flavor : FLAVOR_UNKNOWN;
	given->variant = o->variant;
	given->version_set = o->version_set;
	given->version = o->version;
	given->source = "command-line";
	if (!ft || !ft->inv)
		return;
	if (inventory_target_has(ft->inv, INVENTORY_FLAVOR)) {
		given->flavor = ft->inv->flavor;
		given->variant = ft->inv->variant;
		given->source = "inventory";
	}
	if (inventory_target_has(ft->inv, INVENTORY_VERSION)) {
		given->version_set = 1;
		given->version = ft->inv->version;
		if (!o->flavor_set)
			given->source = "inventory";
	}
}

/*
 * Read FILE (or the default files when path is NULL) with every group kept
 * (flavor inference needs them), cutting lines as s's flavor and version
 * do.
 */
static void check_read(struct optfile *of, const char *path, const struct check_args *a,
		       const struct settings *s)
{
	struct optfile_groups all;
	optfile_init(of);
	of->line_rule = optfile_line_rule_for(s->flavor, &s->version);
	of->root = a->root;
	optfile_groups_all(&all);
	if (path) {
		optfile_read(of, path, &all);
	} else {
		struct optfile_search search = { 0 };
		const char *home = getenv("MARIADB_HOME");
		search.home = getenv("HOME");
		if (s->flavor != FLAVOR_MARIADB || !home)
			home = getenv("MYSQL_HOME");
		search.server_home = home;
		search.root = a->root;
		optfile_read_defaults(of, &search, s->flavor, &all);
	}
}

/* Can path be read a second time? Regular files can; standard input and pipes cannot. */
static int check_rereadable(const char *path)
{
	struct stat st;
	int fd;
	if (!path)
		return 1;   /* the default files */
	return strcmp(path, "-") && !fileio_inherited_fd(path, &fd) && stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The last datadir option the server reads (with or without loose-), or NULL. */
static const struct optfile_option *check_datadir(const struct optfile *of)
{
	const struct optfile_option *found = NULL;
	for (size_t i = 0; i < of->n; i++) {
		const char *name = of->options[i].name;
		if (!strncmp(name, "loose", 5) && (name[5] == '-' || name[5] == '_'))
			name += 6;
		if (!optname_cmp(name, "datadir") && of->options[i].value && *of->options[i].value)
			found = &of->options[i];
	}
	return found;
}

/*
 * The persisted variables a target's server applies after its option
 * files (persisted.h): DIR/mysqld-auto.cnf for --datadir DIR; else, with
 * --root, the datadir the option files name, under the root. Never the
 * auditing machine's own datadir.
 */
static void check_persisted(struct settings *s, const struct check_args *a, const struct catalog *c,
			    const struct optfile_option *dd)
{
	char *dir = NULL;
	struct persisted p;

	if (!persisted_applies(s)) {
		if (a->datadir)
			diag_add(&s->build_diags, DIAG_NOTE, a->datadir, 0,
				 "%s has no persisted variables (SET PERSIST is MySQL 8.0+): mysqld-auto.cnf is not read",
				 flavor_build_display(s->flavor, s->variant));
		return;
	}
	if (a->datadir) {
		dir = xstrdup(a->datadir);
	} else if (a->root && dd) {
		if (dd->value[0] != '/') {
			diag_add(&s->build_diags, DIAG_NOTE, dd->source ? dd->source->path : NULL, dd->line,
				 "datadir '%s' is relative (to the server's basedir, not known offline): "
				 "give --datadir to read its persisted variables", dd->value);
			return;
		}
		dir = fileio_root_path(a->root, dd->value);
	} else {
		return;
	}
	persisted_init(&p);
	if (persisted_load(&p, dir) == PERSISTED_NONE)
		diag_add(&s->diags, DIAG_NOTE, dir, 0, "no mysqld-auto.cnf: nothing is persisted");
	persisted_apply(s, &p, c);
	persisted_release(&p);
	free(dir);
}

/*
 * Read option files into s (FILE, or the default files when path is NULL):
 * read them with every group, decide the flavor, build and version (the
 * command line, else what the files say: infer.h), then keep the groups
 * that server reads and resolve them. When the decision changes how lines
 * are cut, or which default files are read, the files are read again.
 */
static int check_load_options(struct settings *s, const char *path, const struct check_args *a,
			      const struct catalog *c, struct infer_index *x, const struct fleet_target *ft)
{
	const struct audit_options *o = &a->audit;
	struct optfile of;
	struct optfile_groups g;
	struct flavor_choice given;
	struct infer_result ir;
	struct stat st;
	int rc = 0;

	target_defaults(s, o);
	if (ft)
		fleet_target_apply(ft, s);
	if (path && strcmp(path, "-") && stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		s->error = settings_intern(s, "cannot read: is a directory");
		return -1;
	}
	check_read(&of, path, a, s);
	if (!of.input_error) {
		enum optfile_line_rule rule = of.line_rule;
		int mariadb = s->flavor == FLAVOR_MARIADB;
		char before[96];
		expr_target_display(s, before, sizeof(before));
		check_choice(&given, o, ft);
		infer_init(&ir);
		infer_from_options(&ir, &of, x);
		infer_decide(s, &given, &ir);
		infer_release(&ir);
		if (optfile_line_rule_for(s->flavor, &s->version) != rule ||
		    (!path && mariadb != (s->flavor == FLAVOR_MARIADB))) {
			if (check_rereadable(path)) {
				optfile_release(&of);
				check_read(&of, path, a, s);
			} else {
				diag_add(&s->build_diags, DIAG_NOTE, s->target, 0,
					 "read before its flavor was known, and a stream cannot be read twice: a line "
					 "longer than 4094 bytes is cut as %s cuts it (give --flavor and "
					 "--server-version)", before);
			}
		}
	}
	check_print_reader_diags(&of, o);
	if (of.input_error) {
		s->error = settings_intern(s, of.input_error);
		rc = -1;
	} else {
		optfile_groups_for(&g, s->flavor, &s->version, o->group_suffix);
		infer_unread_groups(s, &of, &g);
		optfile_keep_groups(&of, &g);
		config_load(s, &of, c);
		check_persisted(s, a, c, check_datadir(&of));
	}
	optfile_release(&of);
	return rc;
}

static int check_load_snapshot(struct settings *s, const char *path, const struct audit_options *o,
			       const struct catalog *c, struct infer_index *x, const struct fleet_target *ft)
{
	target_defaults(s, o);
	/* A capture says its own flavor and version; what it does not say stays unknown, never assumed. */
	if (!o->version_set)
		version_set_unknown(&s->version);
	if (!o->flavor_set)
		s->flavor = FLAVOR_UNKNOWN;
	fleet_target_apply(ft, s);
	int rc = snapshot_load(s, path, c);
	if (!rc && s->flavor == FLAVOR_UNKNOWN) {
		struct flavor_choice given;
		check_choice(&given, o, ft);
		infer_capture(s, &given, x);
	}
	if (o->role_set)
		s->role = o->role;   /* an explicit --role wins over a captured one */
	if (ft->inv && inventory_target_has(ft->inv, INVENTORY_ROLE))
		s->role = ft->inv->role;   /* and so does the inventory's */
	if (rc && !s->error)
		s->error = settings_intern(s, "not a usable variables snapshot");
	return rc ? -1 : 0;
}

/* Read one planned target into s (initialised here). Returns 0, or -1 when its input is unusable. */
static int check_load_target(struct settings *s, const struct fleet_target *ft, const struct check_args *a,
			     const struct catalog *c, struct infer_index *x)
{
	const char *name = ft->inv || strcmp(ft->name, "-") ? ft->name : OPTFILE_STDIN_NAME;
	if (!ft->variables) {
		settings_init(s, name, "file");
		return check_load_options(s, ft->config, a, c, x, ft);
	}
	settings_init(s, name, "snapshot");
	if (check_load_snapshot(s, ft->variables, &a->audit, c, x, ft))
		return -1;
	/* A capture and the option file of one server: drift between them, and the file's own problems. */
	if (ft->config && fleet_compare_config(s, ft->config, c, a->audit.group_suffix) < 0)
		return -1;
	return 0;
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
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct cli_option opts[CHECK_MAX_OPTIONS];
	size_t nopts = 0;
	struct check_args a = { 0 };
	struct catalog c;
	struct infer_index x = { 0 };
	struct diag_list d;
	struct settings *targets = NULL;
	size_t ntargets = 0;
	int noperands = 0, input_errors = 0, status;
	struct inventory inv;
	struct fleet_plan plan;

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
	a.audit.run_total = plan.total ? plan.total : 1;
	if (audit_load_catalog(&c, &d)) {
		diag_print(&d, stderr);
		status = EXIT_USAGE;
		goto out;
	}
	diag_print(&d, stderr);
	infer_index_init(&x, &c);

	targets = xcalloc(plan.n ? plan.n : 1, sizeof(*targets));
	if (!plan.total) {
		settings_init(&targets[0], "default option files", "file");
		if (check_load_options(&targets[0], NULL, &a, &c, &x, NULL))
			input_errors++;
		ntargets = 1;
	}
	struct progress pg;
	progress_start(&pg, plan.n, "files", "unreadable");
	for (size_t i = 0; i < plan.n; i++) {
		int bad = check_load_target(&targets[ntargets++], &plan.t[i], &a, &c, &x) < 0;
		input_errors += bad;
		progress_tick(&pg, bad);
	}
	progress_end(&pg);

	a.audit.input_errors = (size_t)input_errors;
	status = audit_run_with_catalog(&a.audit, "check", &c, targets, ntargets);
out:
	for (size_t i = 0; i < ntargets; i++)
		settings_release(&targets[i]);
	free(targets);
	free(a.variables);
	fleet_plan_release(&plan);
	inventory_release(&inv);
	diag_list_release(&d);
	infer_index_release(&x);
	catalog_release(&c);
	return status;
}
