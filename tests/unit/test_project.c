/*
 * test_project.c - per-target settings layers, the project file
 * (.crashsafe.ini), annotations read by the option-file reader, inline and
 * file suppressions with their dates, entry files of directories, and
 * normalised paths. Every case writes real files under a temporary
 * directory (a small repository with .git) and reads them back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "inventory.h"
#include "optfile.h"
#include "project.h"
#include "suppress.h"
#include "fixture.h"
#include "tap.h"
#include "banned.h"

static char repo[64];

static char *put_path(const char *rel, const char *text)
{
	char *path = xasprintf("%s/%s", repo, rel);
	/* make the directories on the way */
	for (char *p = path + strlen(repo) + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(path, 0755);
			*p = '/';
		}
	}
	FILE *fp = fopen(path, "w");
	if (fp) {
		fputs(text, fp);
		fclose(fp);
	}
	return path;
}

static void put(const char *rel, const char *text)
{
	free(put_path(rel, text));
}

static int has_diag(const struct diag_list *d, enum diag_level level, unsigned line, const char *fragment)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->items[i].level == level && (!line || d->items[i].line == line) &&
		    strstr(d->items[i].message, fragment))
			return 1;
	return 0;
}

static void show_diags(const struct diag_list *d)
{
	for (size_t i = 0; i < d->n; i++)
		printf("#   %s:%u: %s: %s\n", d->items[i].file ? d->items[i].file : "", d->items[i].line,
		       diag_level_name(d->items[i].level), d->items[i].message);
}

/* ---- layers ---------------------------------------------------------------- */

static void test_layers(void)
{
	struct project_settings ps;
	struct arena a;
	const char *why;
	arena_init(&a);
	memset(&ps, 0, sizeof(ps));

	ok(project_value_check(PROJECT_KEY_FLAVOR, "mariadb", &why) == 0, "flavor mariadb is a value");
	ok(project_value_check(PROJECT_KEY_FLAVOR, "pxc", &why) == 0, "flavor pxc (a build) is a value");
	ok(project_value_check(PROJECT_KEY_FLAVOR, "oracle", &why) == -1 && strstr(why, "not a flavor"),
	   "flavor oracle is not");
	ok(project_value_check(PROJECT_KEY_VERSION, "10.11", &why) == 0, "version 10.11");
	ok(project_value_check(PROJECT_KEY_VERSION, "ten", &why) == -1, "version ten is not");
	ok(project_value_check(PROJECT_KEY_ROLE, "replica", &why) == 0, "role replica");
	ok(project_value_check(PROJECT_KEY_ROLE, "slave", &why) == -1, "role slave is not a role");
	ok(project_value_check(PROJECT_KEY_CLUSTER, "eu-orders", &why) == 0, "cluster eu-orders");
	ok(project_value_check(PROJECT_KEY_CLUSTER, "eu orders", &why) == -1, "a cluster name has no space");

	/* Given out of order: the most specific layer wins whatever the order. */
	project_settings_give(&ps, PROJECT_KEY_ROLE, "replica", PROJECT_LAYER_ANNOTATION, "a.cnf:2", &a);
	is_int(project_settings_give(&ps, PROJECT_KEY_ROLE, "primary", PROJECT_LAYER_COMMAND_LINE, "--role", &a), 0,
	       "the command line does not replace an annotation");
	is_int(project_settings_give(&ps, PROJECT_KEY_ROLE, "any", PROJECT_LAYER_INVENTORY, "fleet.ini:3 [db1]", &a), 0,
	       "an inventory section does not replace an annotation");
	is_str(ps.v[PROJECT_KEY_ROLE].value, "replica", "annotation role kept");
	is_str(ps.v[PROJECT_KEY_ROLE].where, "a.cnf:2", "and its place");
	project_settings_give(&ps, PROJECT_KEY_VERSION, "8.0", PROJECT_LAYER_COMMAND_LINE, "--server-version", &a);
	is_int(project_settings_give(&ps, PROJECT_KEY_VERSION, "8.4", PROJECT_LAYER_DEFAULTS, ".crashsafe.ini:2", &a), 1,
	       "the project file replaces the command line");
	is_int(project_settings_give(&ps, PROJECT_KEY_VERSION, "5.7", PROJECT_LAYER_TARGETS, ".crashsafe.ini:5", &a),
	       1, "a [targets] section replaces [defaults]");
	is_str(ps.v[PROJECT_KEY_VERSION].value, "5.7", "[targets] version kept");
	is_str(project_layer_word(ps.v[PROJECT_KEY_VERSION].layer), "project-file", "layer word");

	enum flavor f;
	int variant, vset;
	struct version v;
	const char *src;
	ok(project_settings_flavor(&ps, &f, &variant, &v, &vset, &src) && f == FLAVOR_UNKNOWN && vset &&
		   v.major == 5 && v.minor == 7 && !strcmp(src, "project-file"),
	   "a version without a flavor: flavor left to inference, source is the version's layer");
	project_settings_give(&ps, PROJECT_KEY_FLAVOR, "mariadb-galera", PROJECT_LAYER_ANNOTATION, "a.cnf:3", &a);
	ok(project_settings_flavor(&ps, &f, &variant, &v, &vset, &src) && f == FLAVOR_MARIADB &&
		   variant == FLAVOR_VARIANT_GALERA && !strcmp(src, "annotation"),
	   "flavor and build from an annotation");

	struct settings s;
	settings_init(&s, "a.cnf", "file");
	project_settings_give(&ps, PROJECT_KEY_CLUSTER, "eu-orders", PROJECT_LAYER_TARGETS, "x:1", &a);
	project_settings_apply_role(&ps, &s);
	ok(s.role == ROLE_REPLICA && s.topology && !strcmp(s.topology, "eu-orders"), "role and cluster applied");
	ok(!s.multi_writer, "multi_writer not declared: left unset (the topology rules say unknown)");
	settings_release(&s);

	/* multi_writer (issue 12): yes or no, from any layer, into settings.multi_writer */
	ok(project_value_check(PROJECT_KEY_MULTI_WRITER, "yes", &why) == 0 &&
		   project_value_check(PROJECT_KEY_MULTI_WRITER, "no", &why) == 0,
	   "multi_writer yes and no are values");
	ok(project_value_check(PROJECT_KEY_MULTI_WRITER, "maybe", &why) == -1 && strstr(why, "not yes or no"),
	   "multi_writer maybe is not");
	is_str(project_key_name(PROJECT_KEY_MULTI_WRITER), "multi_writer", "its key name");
	project_settings_give(&ps, PROJECT_KEY_MULTI_WRITER, "yes", PROJECT_LAYER_TARGETS, ".crashsafe.ini:7", &a);
	struct inventory inv;
	struct diag_list d;
	inventory_init(&inv);
	diag_list_init(&d);
	is_int(inventory_parse(&inv, "fleet.ini", "[db1]\nhost = db1\nmulti_writer = no\n", &d), 0, "an inventory");
	project_inventory_layer(&ps, inventory_find(&inv, "db1"), "fleet.ini", &a);
	is_str(ps.v[PROJECT_KEY_MULTI_WRITER].value, "no", "the inventory's multi_writer wins over the project file's");
	is_str(ps.v[PROJECT_KEY_MULTI_WRITER].where, "fleet.ini:3 [db1]", "... with its place");
	settings_init(&s, "db1", "live");
	project_settings_apply_role(&ps, &s);
	is_str(s.multi_writer, "no", "multi_writer applied to the target's settings");
	settings_release(&s);
	inventory_release(&inv);
	diag_list_release(&d);
	arena_release(&a);
}

/* ---- the project file ------------------------------------------------------- */

static void test_project_file(void)
{
	struct diag_list d;
	struct project_file *pf;
	struct arena a;
	diag_list_init(&d);
	arena_init(&a);
	char *path = put_path(".crashsafe.ini",
			 "; the orders repository\n"
			 "[defaults]\n"
			 "flavor = mysql\n"
			 "version = 8.4\n"
			 "fail-on = warning\n"
			 "disable = binlog-format\n"
			 "\n"
			 "[targets \"configs/eu/*-replica.cnf\"]\n"
			 "role = replica\n"
			 "cluster = eu-orders\n"
			 "\n"
			 "[targets \"*.mariadb.cnf\"]\n"
			 "flavor = mariadb\n"
			 "version = 10.11\n"
			 "enable = binlog-format\n"
			 "\n"
			 "[targets \"hosts/db3\"]\n"
			 "root = hosts/db3\n"
			 "\n"
			 "[suppress \"sync-binlog\"]\n"
			 "target = configs/eu/bulk-*.cnf\n"
			 "reason = OPS-4411 bulk load\n"
			 "until = 2999-12-31\n");
	is_int(project_file_load(&pf, path, &d), 0, "a good project file loads");
	show_diags(&d);
	is_int(pf->fail_on, 2, "fail-on warning read");
	is_int((long)pf->nsuppress, 1, "one suppression");
	ok(pf->nsuppress && !strcmp(pf->suppress[0].rule, "sync-binlog") && pf->suppress[0].until == 29991231 &&
		   pf->suppress[0].kind == SUPPRESS_PROJECT && pf->suppress[0].line == 21,
	   "the suppression's rule, date, kind and line");

	put("configs/eu/db1-replica.cnf", "[mysqld]\nserver_id=1\n");
	put("configs/eu/db2.mariadb.cnf", "[mariadb]\nserver_id=2\n");
	char *t1 = xasprintf("%s/configs/eu/db1-replica.cnf", repo);
	char *t2 = xasprintf("%s/configs/eu/db2.mariadb.cnf", repo);
	struct project_settings ps;
	struct project_rule_switches rs = { 0 };
	memset(&ps, 0, sizeof(ps));
	const char *paths1[] = { t1 };
	project_file_apply(pf, paths1, 1, &ps, &rs, &a);
	is_str(ps.v[PROJECT_KEY_ROLE].value, "replica", "[targets GLOB] role applies to a matching file");
	is_str(ps.v[PROJECT_KEY_CLUSTER].value, "eu-orders", "and its cluster");
	is_str(ps.v[PROJECT_KEY_FLAVOR].value, "mysql", "[defaults] flavor applies");
	ok(ps.v[PROJECT_KEY_ROLE].where && strstr(ps.v[PROJECT_KEY_ROLE].where, ".crashsafe.ini:9 [targets "),
	   "the place names file, line and section (%s)", ps.v[PROJECT_KEY_ROLE].where);
	ok(project_rule_disabled(&rs, "binlog-format"), "[defaults] disable applies");
	project_rule_switches_release(&rs);

	memset(&ps, 0, sizeof(ps));
	const char *paths2[] = { t2 };
	project_file_apply(pf, paths2, 1, &ps, &rs, &a);
	is_str(ps.v[PROJECT_KEY_FLAVOR].value, "mariadb", "a GLOB without '/' matches the file name anywhere");
	is_str(ps.v[PROJECT_KEY_VERSION].value, "10.11", "[targets] wins over [defaults]");
	ok(!ps.v[PROJECT_KEY_ROLE].value, "a section that does not match gives nothing");
	ok(!project_rule_disabled(&rs, "binlog-format"), "enable in [targets] undoes [defaults] disable");
	project_rule_switches_release(&rs);

	/* root is relative to the project file's directory; a directory target matches its GLOB */
	put("hosts/db3/etc/mysql/my.cnf", "[mysqld]\n");
	char *t3 = xasprintf("%s/hosts/db3", repo);
	memset(&ps, 0, sizeof(ps));
	const char *paths3[] = { t3 };
	project_file_apply(pf, paths3, 1, &ps, NULL, &a);
	ok(ps.v[PROJECT_KEY_ROOT].value && strstr(ps.v[PROJECT_KEY_ROOT].value, "/hosts/db3") &&
		   ps.v[PROJECT_KEY_ROOT].value[0] == '/',
	   "root made absolute from the project file's directory (%s)",
	   ps.v[PROJECT_KEY_ROOT].value ? ps.v[PROJECT_KEY_ROOT].value : "");

	/* a path outside the project file's directory matches no GLOB */
	memset(&ps, 0, sizeof(ps));
	const char *outside[] = { "/etc/passwd" };
	project_file_apply(pf, outside, 1, &ps, NULL, &a);
	ok(!ps.v[PROJECT_KEY_ROLE].value && ps.v[PROJECT_KEY_FLAVOR].value, "outside: only [defaults]");
	project_file_free(pf);

	/* errors, each with its line, all collected */
	diag_list_release(&d);
	diag_list_init(&d);
	free(path);
	path = put_path("bad/.crashsafe.ini",
		   "role = replica\n"
		   "[defaults]\n"
		   "flavor = oracle\n"
		   "colour = blue\n"
		   "[target \"x\"]\n"
		   "role = replica\n"
		   "[targets \"y\"]\n"
		   "fail-on = info\n"
		   "role = leader\n"
		   "[suppress \"sync-binlog\"]\n"
		   "target = a.cnf\n"
		   "until = 2024-02-30\n");
	is_int(project_file_load(&pf, path, &d), -1, "a bad project file is refused");
	ok(has_diag(&d, DIAG_ERROR, 1, "outside any section"), "a key before any section (line 1)");
	ok(has_diag(&d, DIAG_ERROR, 3, "flavor 'oracle' is not a flavor"), "a bad flavor (line 3)");
	ok(has_diag(&d, DIAG_ERROR, 4, "unknown key 'colour'"), "an unknown key (line 4)");
	ok(has_diag(&d, DIAG_ERROR, 5, "unknown section [target \"x\"]"), "an unknown section (line 5)");
	ok(has_diag(&d, DIAG_ERROR, 8, "'fail-on' belongs in [defaults]"), "fail-on outside [defaults] (line 8)");
	ok(has_diag(&d, DIAG_ERROR, 9, "role 'leader' is not a role"), "a bad role (line 9)");
	ok(has_diag(&d, DIAG_WARNING, 12, "is not a date"), "a malformed date is a warning (line 12)");
	ok(has_diag(&d, DIAG_ERROR, 10, "needs 'reason = TEXT'"), "a suppression without reason (line 10)");
	is_int((long)pf->nsuppress, 0, "a broken suppression is not used");
	project_file_free(pf);
	diag_list_release(&d);
	free(path);
	free(t1);
	free(t2);
	free(t3);
	arena_release(&a);
}

static void test_finder(void)
{
	struct project_finder f;
	struct diag_list d;
	diag_list_init(&d);
	char *gitdir = xasprintf("%s/.git", repo);
	mkdir(gitdir, 0755);
	put("sub/.crashsafe.ini", "[defaults]\nrole = primary\n");
	char *deep = put_path("sub/a/b/c.cnf", "[mysqld]\n");
	char *top = put_path("top.cnf", "[mysqld]\n");
	char *outside_dir = xasprintf("%s-outside", repo);
	mkdir(outside_dir, 0755);
	char *outside = xasprintf("%s/x.cnf", outside_dir);
	FILE *fp = fopen(outside, "w");
	if (fp)
		fclose(fp);

	project_finder_init(&f, NULL);
	const struct project_file *p1 = project_finder_for(&f, deep, &d);
	ok(p1 && strstr(p1->path, "/sub/.crashsafe.ini"), "the nearest project file upward (%s)", p1 ? p1->path : "none");
	const struct project_file *p2 = project_finder_for(&f, top, &d);
	ok(p2 && strstr(p2->path, "/.crashsafe.ini") && !strstr(p2->path, "/sub/"),
	   "a file at the root finds the root's project file");
	const struct project_file *p3 = project_finder_for(&f, deep, &d);
	ok(p3 == p1 && f.nfiles == 2, "each project file is read once (%zu read)", f.nfiles);
	ok(project_finder_for(&f, outside, &d) == NULL, "none above a file outside any project");
	project_finder_release(&f);

	/* --project-file: the one file for every target */
	char *forced = xasprintf("%s/sub/.crashsafe.ini", repo);
	project_finder_init(&f, forced);
	p1 = project_finder_for(&f, top, &d);
	ok(p1 && !strcmp(p1->path, forced), "--project-file applies to every target");
	ok(project_finder_for(&f, NULL, &d) == p1, "and to standard input without --stdin-filename");
	project_finder_release(&f);
	unlink(outside);
	rmdir(outside_dir);
	free(outside);
	free(outside_dir);
	free(forced);
	free(gitdir);
	free(deep);
	free(top);
	diag_list_release(&d);
}

/* ---- annotations ------------------------------------------------------------ */

static void test_annotations(void)
{
	struct optfile of;
	struct optfile_groups g;
	struct project_settings ps;
	struct suppress_list sup = { 0 };
	struct diag_list d;
	struct arena a;
	struct version v = { 10, 11, -1 };
	arena_init(&a);
	diag_list_init(&d);
	memset(&ps, 0, sizeof(ps));

	put("ann/conf.d/60-repl.cnf",
	    "# crashsafe: cluster=eu-orders\n"
	    "[mariadb]\n"
	    "# crashsafe: ignore=sync-binlog,innodb-flush-log-at-trx-commit reason=\"bulk load, OPS-4411\" "
	    "until=2999-12-31\n"
	    "# a plain comment between\n"
	    "\n"
	    "sync_binlog = 0\n"
	    "# crashsafe: ignore=relay-log-recovery reason=\"rebuilt nightly\"\n");
	char *top = put_path("ann/my.cnf",
			"#crashsafe: role=replica flavor=mariadb version=10.11\n"
			"[client]\n"
			"[mysqld]\n"
			"server_id = 3\n"
			"!includedir ann/conf.d\n");
	char *cwd = getcwd(NULL, 0);
	if (chdir(repo) != 0)
		return;
	optfile_init(&of);
	optfile_groups_for(&g, FLAVOR_MARIADB, &v, NULL);
	optfile_read(&of, "ann/my.cnf", &g);
	size_t errors = project_annotations_read(&of, &ps, &sup, &a, &d);
	show_diags(&d);
	is_int((long)errors, 0, "good annotations: no errors");
	is_str(ps.v[PROJECT_KEY_ROLE].value, "replica", "role from the top file");
	is_str(ps.v[PROJECT_KEY_CLUSTER].value, "eu-orders", "cluster from an included file");
	is_str(ps.v[PROJECT_KEY_CLUSTER].where, "ann/conf.d/60-repl.cnf:1", "its place");
	is_str(ps.v[PROJECT_KEY_FLAVOR].value, "mariadb", "flavor");
	is_int((long)sup.n, 3, "two rules in one ignore, one in another");
	if (sup.n == 3) {
		is_str(sup.items[0].rule, "sync-binlog", "first rule");
		is_str(sup.items[1].rule, "innodb-flush-log-at-trx-commit", "second rule");
		is_str(sup.items[0].reason, "bulk load, OPS-4411", "a quoted reason with a comma");
		is_int(sup.items[0].until, 29991231, "until");
		is_int(sup.items[0].excuses_line, 6, "it excuses the next option line (comments, blanks skipped)");
		is_str(sup.items[0].group, "mariadb", "it stands in [mariadb]");
		is_int(sup.items[2].excuses_line, 0, "an annotation at the end of a file excuses no line");
	}
	project_annotations_groups(&sup, &g);
	ok(sup.n == 3 && sup.items[0].group_read, "MariaDB reads [mariadb]: a 'not set' finding may be excused");
	suppress_list_release(&sup);
	optfile_release(&of);
	diag_list_release(&d);

	/* errors, each at its line; another annotation's setting contradicted */
	diag_list_init(&d);
	memset(&ps, 0, sizeof(ps));
	put("ann2/my.cnf",
	    "# crashsafe: role=replica\n"
	    "[mysqld]\n"
	    "# crashsafe: role=primary\n"
	    "# crashsafe: colour=blue\n"
	    "# crashsafe: flavor=oracle\n"
	    "# crashsafe: ignore=sync-binlog\n"
	    "# crashsafe: ignore=sync-binlog reason=\"x\" until=2024-13-01\n"
	    "# crashsafe: role\n"
	    "# crashsafe:\n"
	    "# crashsafe: ignore=sync-binlog reason=\"x\" role=replica\n"
	    "# crashsafe: reason=\"without ignore\"\n"
	    "server_id = 1\n");
	optfile_init(&of);
	optfile_read(&of, "ann2/my.cnf", &g);
	errors = project_annotations_read(&of, &ps, &sup, &a, &d);
	is_int((long)errors, 9, "nine bad annotations, nine errors");
	ok(has_diag(&d, DIAG_ERROR, 3, "role 'primary' contradicts role 'replica' at ann2/my.cnf:1"),
	   "a contradiction names both places (line 3)");
	ok(has_diag(&d, DIAG_ERROR, 4, "unknown key 'colour'"), "unknown key (line 4)");
	ok(has_diag(&d, DIAG_ERROR, 5, "flavor 'oracle' is not a flavor"), "unknown value (line 5)");
	ok(has_diag(&d, DIAG_ERROR, 6, "needs reason="), "ignore without a reason (line 6)");
	ok(has_diag(&d, DIAG_ERROR, 7, "is not a date"), "a malformed date (line 7)");
	ok(has_diag(&d, DIAG_ERROR, 8, "expected KEY=VALUE"), "a key without value (line 8)");
	ok(has_diag(&d, DIAG_ERROR, 9, "says nothing"), "an empty annotation (line 9)");
	ok(has_diag(&d, DIAG_ERROR, 10, "stands alone"), "ignore mixed with settings (line 10)");
	ok(has_diag(&d, DIAG_ERROR, 11, "without ignore"), "reason without ignore (line 11)");
	is_str(ps.v[PROJECT_KEY_ROLE].value, "replica", "the first role stays");
	is_int((long)sup.n, 0, "no suppression from broken annotations");
	optfile_release(&of);

	/* standard input: annotations come with the one read (no second read of the stream) */
	if (chdir(cwd) != 0)
		return;
	free(cwd);
	free(top);
	suppress_list_release(&sup);
	diag_list_release(&d);
	arena_release(&a);
}

/* ---- suppressions ------------------------------------------------------------- */

static void test_dates(void)
{
	long d;
	ok(suppress_date_parse("2025-06-30", &d) == 0 && d == 20250630, "a date");
	ok(suppress_date_parse("2024-02-29", &d) == 0, "a leap day");
	ok(suppress_date_parse("2023-02-29", &d) == -1, "not a leap year");
	ok(suppress_date_parse("2000-02-29", &d) == 0, "2000 was a leap year");
	ok(suppress_date_parse("2025-6-30", &d) == -1, "two-digit month required");
	ok(suppress_date_parse("2025-06-31", &d) == -1, "June has 30 days");
	ok(suppress_date_parse("30/06/2025", &d) == -1, "not ISO");
	ok(suppress_date_parse("2025-06-30x", &d) == -1, "trailing text");
	ok(suppress_today() > 20240101, "today is a date");
}

static int known_rule(void *ctx, const char *id)
{
	return strcmp(id, "no-such-rule") != 0;
}

static void test_suppress_files(void)
{
	struct suppress_set s;
	struct diag_list d;
	diag_list_init(&d);
	suppress_set_init(&s);
	s.today = 20250601;
	char *f1 = put_path("sup1.ini",
		       "[sync-binlog]\n"
		       "target = configs/eu/*.cnf\n"
		       "target = */legacy.cnf\n"
		       "reason = OPS-1\n"
		       "[relay-log-recovery]\n"
		       "reason = rebuilt nightly\n"
		       "until = 2025-05-31\n");
	char *f2 = put_path("sup2.ini",
		       "[no-such-rule]\n"
		       "reason = typo\n"
		       "[gtid-mode]\n"
		       "target = nothing/matches.cnf\n"
		       "reason = never used\n"
		       "[binlog-format]\n"
		       "reason = r\n"
		       "until = tomorrow\n");
	is_int(suppress_load_file(&s, f1, 0, &d), 0, "first file");
	is_int(suppress_load_file(&s, f2, 0, &d), 0, "second file: a bad date is a warning only");
	ok(has_diag(&d, DIAG_WARNING, 8, "is not a date"), "the malformed date is reported (line 8)");
	is_int((long)s.files.n, 5, "the files merge: 2 + 1 + 1 + 1 entries, the bad-date one dropped");

	struct suppress_list *lists[] = { &s.files };
	struct suppress_target t = { "/work/x/configs/eu/db1.cnf", "configs/eu/db1.cnf", NULL };
	struct suppress_entry *exp;
	struct suppress_entry *e = suppress_match(lists, 1, &t, "sync-binlog", "configs/eu/db1.cnf", 3, s.today, &exp);
	ok(e && e->line == 2, "a target glob matches the normalised path");
	struct suppress_target t2 = { "old/legacy.cnf", "repo/old/legacy.cnf", NULL };
	e = suppress_match(lists, 1, &t2, "sync-binlog", NULL, 0, s.today, &exp);
	ok(e && e->line == 3, "the second target line of a section is its own entry");
	e = suppress_match(lists, 1, &t, "relay-log-recovery", NULL, 0, s.today, &exp);
	ok(!e && exp && exp->until == 20250531, "after its until date it no longer applies, and says it expired");
	e = suppress_match(lists, 1, &t, "relay-log-recovery", NULL, 0, 20250531, &exp);
	ok(e != NULL, "on its until date it still applies");
	/* issue 13: a set's today is asked when an expiry is first compared; the answer is today's */
	struct suppress_set later;
	suppress_set_init(&later);
	is_int(later.today, SUPPRESS_TODAY_LATER, "suppress_set_init(): today is asked later, not at the start");
	suppress_set_release(&later);
	e = suppress_match(lists, 1, &t, "relay-log-recovery", NULL, 0, SUPPRESS_TODAY_LATER, &exp);
	ok(!e && exp && exp->until == 20250531, "asked later: an until date before today has expired");
	e = suppress_match(lists, 1, &t, "sync-binlog", "configs/eu/db1.cnf", 3, SUPPRESS_TODAY_LATER, &exp);
	ok(e && e->line == 2, "asked later: an entry without a date applies");
	{
		struct suppress_list future = { 0 };
		struct suppress_entry fe = { .rule = "gtid-mode", .reason = "r", .until = 99991231 };
		future.items = &fe;
		future.n = 1;
		struct suppress_list *fl[] = { &future };
		e = suppress_match(fl, 1, &t, "gtid-mode", NULL, 0, SUPPRESS_TODAY_LATER, &exp);
		ok(e == &fe, "asked later: an until date after today still applies");
	}
	diag_list_release(&d);
	diag_list_init(&d);
	size_t n = suppress_report_unused(&s.files, known_rule, NULL, 0, &d);
	is_int((long)n, 2, "unknown rule and an entry that matched nothing");
	ok(has_diag(&d, DIAG_WARNING, 1, "unknown rule 'no-such-rule'"), "unknown rule id: a warning");
	ok(has_diag(&d, DIAG_WARNING, 4, "matched no finding"), "unused entry: a warning");
	diag_list_release(&d);
	diag_list_init(&d);
	suppress_report_unused(&s.files, known_rule, NULL, 1, &d);
	ok(has_diag(&d, DIAG_ERROR, 1, "unknown rule") && has_diag(&d, DIAG_ERROR, 4, "matched no finding"),
	   "with --strict they are errors");
	diag_list_release(&d);

	/* --strict: a malformed date is an error and the file is refused */
	diag_list_init(&d);
	struct suppress_set s2;
	suppress_set_init(&s2);
	is_int(suppress_load_file(&s2, f2, 1, &d), -1, "strict: a malformed date refuses the file");
	ok(has_diag(&d, DIAG_ERROR, 8, "is not a date"), "as an error");
	suppress_set_release(&s2);
	suppress_set_release(&s);
	diag_list_release(&d);
	free(f1);
	free(f2);

	/* inline entries: the line they excuse, or anywhere in a group read for a value not set */
	struct suppress_list in = { 0 };
	struct suppress_entry *ie = suppress_list_add(&in);
	ie->rule = "sync-binlog";
	ie->reason = "r";
	ie->kind = SUPPRESS_INLINE;
	ie->file = "my.cnf";
	ie->line = 4;
	ie->excuses_line = 6;
	ie->group = "mysqld";
	struct suppress_list *il[] = { &in };
	struct suppress_target ti = { "my.cnf", "my.cnf", NULL };
	ok(suppress_match(il, 1, &ti, "sync-binlog", "my.cnf", 6, 20250101, &exp) != NULL, "excuses its next line");
	ok(suppress_match(il, 1, &ti, "sync-binlog", "my.cnf", 7, 20250101, &exp) == NULL, "not another line");
	ok(suppress_match(il, 1, &ti, "sync-binlog", "other.cnf", 6, 20250101, &exp) == NULL, "not another file");
	ok(suppress_match(il, 1, &ti, "sync-binlog", NULL, 0, 20250101, &exp) == NULL,
	   "not a default value when its group is not read");
	ie->group_read = 1;
	ok(suppress_match(il, 1, &ti, "sync-binlog", NULL, 0, 20250101, &exp) != NULL,
	   "a default value, from anywhere in a group read");
	ok(suppress_match(il, 1, &ti, "relay-log-recovery", NULL, 0, 20250101, &exp) == NULL, "only its rule");
	suppress_list_release(&in);
}

/* ---- entry files and paths ------------------------------------------------------ */

static void test_entries(void)
{
	char *root = NULL;
	const char *why;
	char *dir;

	put("deb-mariadb/etc/mysql/mariadb.cnf", "[client-server]\n");
	put("deb-mariadb/etc/mysql/mysql.cnf", "[mysqld]\n");
	dir = xasprintf("%s/deb-mariadb/etc/mysql", repo);
	char *e = project_entry_file(dir, FLAVOR_MARIADB, &root, &why);
	ok(e && strstr(e, "/etc/mysql/mariadb.cnf"), "Debian MariaDB: mariadb.cnf");
	ok(root && strstr(root, "/deb-mariadb") && !strstr(root, "etc"),
	   "an etc/mysql directory: its root is above etc (%s)", root ? root : "none");
	free(e);
	free(root);
	e = project_entry_file(dir, FLAVOR_MYSQL, &root, &why);
	ok(e && strstr(e, "/etc/mysql/mysql.cnf"), "Debian MySQL: mysql.cnf");
	free(e);
	free(root);
	put("deb-mariadb/etc/mysql/my.cnf", "[mysqld]\n");
	e = project_entry_file(dir, FLAVOR_MYSQL, &root, &why);
	ok(e && strstr(e, "/etc/mysql/my.cnf"), "my.cnf first, whatever the flavor");
	free(e);
	free(root);
	free(dir);

	dir = xasprintf("%s/deb-mariadb", repo);
	e = project_entry_file(dir, FLAVOR_MARIADB, &root, &why);
	ok(e && strstr(e, "/deb-mariadb/etc/mysql/my.cnf") && root && !strcmp(root, dir),
	   "a system's root: etc/mysql/my.cnf below it, read under it");
	free(e);
	free(root);
	free(dir);

	dir = xasprintf("%s/empty-dir", repo);
	mkdir(dir, 0755);
	e = project_entry_file(dir, FLAVOR_MYSQL, &root, &why);
	ok(!e && why && strstr(why, "without an entry file"), "a directory without an entry file");
	free(dir);

	/* normalised paths */
	char *cwd = getcwd(NULL, 0);
	if (chdir(repo) != 0)
		return;
	put("configs/eu/db1.cnf", "[mysqld]\n");
	char *k1 = project_path_key("configs/eu/db1.cnf");
	char *k2 = project_path_key("./configs//eu/../eu/db1.cnf");
	char *abs = xasprintf("%s/configs/eu/db1.cnf", repo);
	char *k3 = project_path_key(abs);
	is_str(k1, "configs/eu/db1.cnf", "relative to the repository root");
	is_str(k2, "configs/eu/db1.cnf", "another spelling, the same key");
	is_str(k3, "configs/eu/db1.cnf", "an absolute spelling, the same key");
	char *k4 = project_path_key("configs/eu/missing.cnf");
	is_str(k4, "configs/eu/missing.cnf", "a path that does not exist is cleaned lexically");
	ok(project_same_file("configs/eu/db1.cnf", abs), "two spellings of one file are the same file");
	ok(!project_same_file("configs/eu/db1.cnf", "ann/my.cnf"), "two files are not");
	if (chdir(cwd) != 0)
		return;
	free(cwd);
	free(k1);
	free(k2);
	free(k3);
	free(k4);
	free(abs);
}

/* Every handler call inih makes, one line each: what a project file's parse depends on. */
static int record_handler(void *user, const char *section, const char *name, const char *value, int lineno)
{
	struct strbuf *sb = user;
	strbuf_addf(sb, "%d [%s] %s = %s\n", lineno, section, name ? name : "(null)", value ? value : "(null)");
	return strcmp(name ? name : "", "stop") != 0;   /* "stop" makes an error line */
}

static void parse_record(const char *text, struct strbuf *sb)
{
	int rc = ini_parse_string(text, record_handler, sb);
	strbuf_addf(sb, "rc %d\n", rc);
}

/*
 * Issue 13: project_file_load() gives inih the file with its short comment
 * lines emptied (project_ini_text()); inih must make the same calls with the
 * same line numbers and return the same error line as on the file itself.
 */
static void test_ini_text(void)
{
	char long_comment[400], long_value[400];
	memset(long_comment, 0, sizeof(long_comment));
	memset(long_value, 0, sizeof(long_value));
	memcpy(long_comment, "; ", 2);
	memset(long_comment + 2, 'c', 250);
	memcpy(long_comment + 252, " = x\n", 5);   /* inih parses its piece after 199 bytes as a line */
	memcpy(long_value, "k = ", 4);
	memset(long_value + 4, 'v', 230);
	long_value[234] = '\n';
	const char *cases[] = {
		"; a comment\n[defaults]\nfail-on = error\n# another\n\n[targets \"a/*.cnf\"]\nrole = replica\n",
		"[s]\nkey = value\n  ; indented comment\n  continued\nnext = 1\n",
		"[s]\nkey = value\n\t# tab then hash\n\tmore\n",
		"\xef\xbb\xbf; a BOM then a comment\n[s]\na = 1\n",
		"; crlf\r\n[s]\r\na = 1\r\n;\r\nb = 2\r\n",
		"[s]\na = 1 ; inline\n;no newline at the end",
		"[s]\nnot a key line\n; after the error\nb = 2\n",
		"[s]\nstop = 1\n; comment\nc = 3\n",
		"; comment\n\n;\n#\n   \n[s]\n; x = 1\n#y=2\nz = 3\n",
		long_comment,
		long_value,
		"",
		";only a comment",
	};
	int same = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf raw = { 0 }, filtered = { 0 };
		char *text = project_ini_text(cases[i]);
		parse_record(cases[i], &raw);
		parse_record(text, &filtered);
		if (!strcmp(raw.buf ? raw.buf : "", filtered.buf ? filtered.buf : ""))
			same++;
		else
			printf("# case %zu:\n# inih on the file:\n%s# on project_ini_text():\n%s", i, raw.buf, filtered.buf);
		free(text);
		strbuf_release(&raw);
		strbuf_release(&filtered);
	}
	is_int(same, (int)(sizeof(cases) / sizeof(cases[0])),
	       "project_ini_text(): inih makes the same calls, lines and errors as on the file itself");
	char *t = project_ini_text("; one\n[s]\n  # two\na = 1 ; kept\n;three");
	is_str(t, "\n[s]\n\na = 1 ; kept\n", "short comment lines emptied, their newlines kept, other lines as they are");
	free(t);
	t = project_ini_text(long_comment);
	is_str(t, long_comment, "a comment line of 128 bytes or more is left for inih as it is");
	free(t);
	t = project_ini_text("[s]\na = 1\n");
	is_str(t, "[s]\na = 1\n", "a file without comments is unchanged");
	free(t);
}

/* project_file_load()'s way: the comment lines emptied, then project_ini_parse(), else inih. */
static int parse_fast(const char *text, struct strbuf *sb, int *fast)
{
	char *t = project_ini_text(text);
	int rc = project_ini_parse(t, record_handler, sb);
	*fast = rc != PROJECT_INI_INIH;
	if (!*fast) {
		if (sb->len)
			strbuf_addstr(sb, "(handler called before falling back)\n");
		rc = ini_parse_string(t, record_handler, sb);
	}
	free(t);
	strbuf_addf(sb, "rc %d\n", rc);
	return rc;
}

/*
 * Issue 13: project_ini_parse() reads the plainest project files as inih
 * does: the same handler calls (section, name, value, line) and the same
 * error line as ini_parse_string() on the file itself, for the bundled
 * project file, hand-made texts and 4,000 generated ones (a fixed seed)
 * made of the characters that matter to inih.
 */
static void test_ini_fast(void)
{
	static const char *const pieces[] = {
		"[", "]", "=", ":", "a", "\n", "\nk = v\n", "\n[s]\n",
		" ", "\t", "\r", "#", ";", "b", "-", "\"", "*", "/", ".", "x y",
		"\n", "\n", "\n[s]\n", "\nk = v\n", "\nstop = 1\n", "\n  \n", "\n; c\n", "\n# c\n",
		"\n  cont\n", "\n[a very long section name of more than forty-nine bytes in all]\n",
	};
	const char *fixed[] = {
		"[defaults]\nfail-on = error\n\n[targets \"a/*.cnf\"]\nflavor  = mysql\nrole: replica\n",
		"[s]\n=novalue\nname only\n[unclosed\nk = v = w\nk2 : v : w\n[x]junk after\nstop = 1\nz = 2\n",
		"[s]\r\na = 1\r\n\r\n\tb = 2\n",
		"[s]\na = 1\n   \t \nb = 2\n  c = 3\n",
		"no newline = at the end",
		"",
		"[a very long section name of more than forty-nine bytes in all]\nk = v\n[]\nk2 = v2\n",
		"[s]\nstop = 1\nk = v\nstop: 2\n",
	};
	struct strbuf raw = { 0 }, fast = { 0 };
	size_t same = 0, total = 0, fast_n = 0;
	unsigned seed = 12345;
	char text[600];
	for (size_t k = 0; k < 4000 + sizeof(fixed) / sizeof(fixed[0]) + 1; k++) {
		const char *t;
		if (k < sizeof(fixed) / sizeof(fixed[0])) {
			t = fixed[k];
		} else if (k == sizeof(fixed) / sizeof(fixed[0])) {
			FILE *f = fopen("examples/.crashsafe.ini", "r");
			size_t n = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
			if (f)
				fclose(f);
			text[n] = '\0';
			t = text;
		} else {
			size_t len = 0;
			int parts = 5 + (int)(seed % 40);
			for (int i = 0; i < parts; i++) {
				seed = seed * 1103515245u + 12345u;
				/* every other text from the pieces before ";": mostly texts the fast way reads */
				size_t npieces = k % 2 ? sizeof(pieces) / sizeof(pieces[0]) : 8;
				const char *piece = pieces[(seed >> 16) % npieces];
				size_t pl = strlen(piece);
				if (len + pl >= sizeof(text))
					break;
				memcpy(text + len, piece, pl);
				len += pl;
			}
			text[len] = '\0';
			t = text;
		}
		int fast_path;
		strbuf_reset(&raw);
		strbuf_reset(&fast);
		parse_record(t, &raw);
		parse_fast(t, &fast, &fast_path);
		total++;
		fast_n += fast_path;
		if (!strcmp(raw.buf ? raw.buf : "", fast.buf ? fast.buf : ""))
			same++;
		else if (total - same <= 3)
			printf("# text %zu differs:\n# inih:\n%s# fast:\n%s", k, raw.buf, fast.buf);
	}
	is_int((long)same, (long)total, "project_ini_parse() (or inih when it declines) reads as inih does");
	ok(fast_n * 4 > total, "... and most texts take the fast way (%zu of %zu)", fast_n, total);
	strbuf_release(&raw);
	strbuf_release(&fast);
	ok(project_ini_parse("[s]\nk = v ; c\n", record_handler, &raw) == PROJECT_INI_INIH && raw.len == 0,
	   "an inline comment: left to inih, no handler called");
	ok(project_ini_parse("[s]\n  cont\n", record_handler, &raw) == PROJECT_INI_INIH && raw.len == 0,
	   "an indented line: left to inih");
	strbuf_release(&raw);
}

int main(void)
{
	if (!fixture_tmpdir(repo, sizeof(repo), "project"))
		return done_testing();
	test_layers();
	test_project_file();
	test_finder();
	test_annotations();
	test_dates();
	test_suppress_files();
	test_entries();
	test_ini_text();
	test_ini_fast();
	char *cmd = xasprintf("rm -rf '%s'", repo);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", repo);
	free(cmd);
	return done_testing();
}
