/*
 * test_infer.c - flavor, build and version inferred from option files and
 * captures (infer.c), the decision that puts them under what the user gave,
 * and the release series table behind --server-version (flavor.c).
 *
 * Every evidence rule here cites what makes it true: the groups each
 * server reads are load_default_groups in sql/mysqld.cc (mysql-facts.md
 * C3); which flavor accepts an option is the catalog (rules/variables.ini).
 * Runs from the repository root (prove does).
 */
#include <stdlib.h>
#include <string.h>

#include "infer.h"
#include "fixture.h"
#include "tap.h"
#include "banned.h"

static struct catalog cat;
static struct infer_index idx;

/* Read text as one option file with every group and infer from it. */
static void infer_text(struct infer_result *r, const char *text)
{
	struct optfile of;
	struct optfile_groups all;
	struct optfile_buffer b = { "my.cnf", text, strlen(text) };
	optfile_init(&of);
	optfile_groups_all(&all);
	optfile_read_buffers(&of, &b, 1, &all);
	infer_init(r);
	infer_from_options(r, &of, &idx);
	optfile_release(&of);
}

/* The flavor inferred from text: "mariadb", "mysql", "percona" or "unknown"; build and conflict too. */
static void infers(const char *text, const char *flavor, int galera, int conflict, const char *name)
{
	struct infer_result r;
	infer_text(&r, text);
	char label[200];
	snprintf(label, sizeof(label), "%s: flavor", name);
	is_str(flavor_name(r.flavor), flavor, label);
	ok((r.variant == FLAVOR_VARIANT_GALERA) == galera, "%s: %s", name, galera ? "a Galera build" : "no Galera build");
	ok(r.conflict == conflict, "%s: %s", name, conflict ? "conflicting evidence" : "no conflict");
	infer_release(&r);
}

static void test_evidence(void)
{
	/* EVIDENCE: MariaDB's load_default_groups adds mariadb, mariadbd, client-server and galera
	 * (mysql-facts.md C3, GRP); MySQL's reads mysqld, server and mysqld-X.Y only */
	infers("[mariadb]\nserver_id=1\n", "mariadb", 0, 0, "[mariadb] group");
	infers("[mariadbd]\nserver_id=1\n", "mariadb", 0, 0, "[mariadbd] group");
	infers("[MariaDB]\nserver_id=1\n", "mariadb", 0, 0, "group names are case-insensitive");
	infers("[client-server]\nport=3306\n", "mariadb", 0, 0, "[client-server] group");
	infers("[galera]\nwsrep_on=ON\nwsrep_provider=/usr/lib/galera/libgalera_smm.so\n", "mariadb", 1, 0,
	       "[galera] group with wsrep options");
	infers("[mariadb-10.6]\nserver_id=1\n", "mariadb", 0, 0, "[mariadb-10.6] group");
	infers("[mysqld-10.11]\nserver_id=1\n", "mariadb", 0, 0, "[mysqld-10.11]: only MariaDB had 10.11");
	infers("[mysqld-8.0]\nserver_id=1\n", "mysql", 0, 0, "[mysqld-8.0]: only MySQL and Percona had 8.0");
	infers("[mysqld]\nserver_id=1\nsync_binlog=1\n", "unknown", 0, 0, "options every flavor has say nothing");
	infers("[client]\nuser=x\n[mysqld]\nserver_id=1\n", "unknown", 0, 0, "client groups say nothing");
	infers("[mysqld-5.5]\nserver_id=1\n", "unknown", 0, 0, "[mysqld-5.5]: every flavor had 5.5");
	/* options only one side accepts (rules/variables.ini default./names. keys) */
	infers("[mysqld]\ngtid_strict_mode=ON\n", "mariadb", 0, 0, "gtid_strict_mode is MariaDB's");
	infers("[mysqld]\ngtid_domain_id=1\n", "mariadb", 0, 0, "gtid_domain_id is MariaDB's");
	infers("[mysqld]\nslave_parallel_threads=4\n", "mariadb", 0, 0, "slave_parallel_threads is MariaDB's spelling");
	infers("[mysqld]\ngtid_mode=ON\n", "mysql", 0, 0, "gtid_mode is MySQL's and Percona's");
	infers("[mysqld]\nsuper_read_only=ON\n", "mysql", 0, 0, "super_read_only is MySQL's and Percona's");
	infers("[mysqld]\nlog_replica_updates=ON\n", "mysql", 0, 0, "the log_replica_updates spelling is MySQL's");
	infers("[mysqld]\nskip-log-replica-updates\n", "mysql", 0, 0, "prefixes are stripped first");
	infers("[mysqld]\nloose-gtid_strict_mode=ON\n", "unknown", 0, 0, "a loose- option is no evidence");
	infers("[mysqld]\naria_pagecache_buffer_size=1G\n", "mariadb", 0, 0, "aria_* is MariaDB's");
	infers("[mysqld]\nmysqlx_port=33060\n", "mysql", 0, 0, "mysqlx* is MySQL's");
	infers("[mysqld]\nmaster1.replicate_do_db=app\n", "unknown", 0, 0, "a dotted option is no evidence");
	/* options rules/variables.ini does not hold: the full option catalog (rules/options.tsv, the
	 * servers' own --verbose --help lists: MySQL 5.6-8.4, Percona, PXC 5.6, MariaDB 10.4 and 10.11) */
	infers("[mysqld]\nlog_bin_compress=ON\n", "mariadb", 0, 0, "log_bin_compress: only MariaDB's lists have it");
	infers("[mysqld]\nbinlog_commit_wait_count=10\n", "mariadb", 0, 0, "binlog_commit_wait_count: MariaDB's");
	infers("[mysqld]\nbinlog_transaction_compression=ON\n", "mysql", 0, 0,
	       "binlog_transaction_compression: only MySQL's lists have it");
	infers("[mysqld]\ninnodb_buffer_pool_size=1G\nmax_connections=500\n", "unknown", 0, 0,
	       "options both sides list say nothing");
	infers("[mysqld]\ninnodb_defragment=1\n", "unknown", 0, 0,
	       "an option a side's list leaves uncertain (MySQL 8.4 does not cover innodb_*) says nothing");
	/* Galera builds (PXC manual; galeracluster.com) */
	infers("[mysqld]\nwsrep_provider=/usr/lib/galera4/libgalera_smm.so\nwsrep_cluster_address=gcomm://a,b\n",
	       "unknown", 1, 0, "wsrep_* alone: a Galera build of some flavor");
	infers("[mysqld]\nwsrep_provider=none\n", "unknown", 0, 0, "wsrep_provider=none is not Galera");
	infers("[mysqld]\nwsrep_on=OFF\n", "unknown", 0, 0, "wsrep_on=OFF is not Galera");
	infers("[mysqld]\nwsrep_provider=/usr/lib/libgalera_smm.so\npxc_strict_mode=ENFORCING\n", "percona", 1, 0,
	       "pxc_* is Percona XtraDB Cluster");
	infers("[mysqld]\npxc-maint-mode=DISABLED\n", "percona", 1, 0, "pxc- with dashes too");
	/* conflicts: groups outweigh options */
	infers("[mysqld]\ngtid_mode=ON\ngtid_strict_mode=ON\n", "unknown", 0, 1, "two options pointing both ways");
	infers("[mysqld]\ngtid_mode=ON\n[mariadb]\nserver_id=2\n", "mariadb", 0, 1, "a MariaDB group outweighs an option");
	infers("[mysqld-8.0]\ngtid_strict_mode=ON\n", "mysql", 0, 1, "a MySQL group outweighs an option");
	infers("[mysqld-8.0]\nx=1\n[mariadb]\ny=2\n", "unknown", 0, 1, "groups pointing both ways");
}

/* A group is evidence once, in any case, however many groups come between (issue 13: a short list, then a map). */
static void test_groups_once(void)
{
	struct infer_result r;
	infer_text(&r, "[mariadb-10.6]\na=1\n[g1]\na=1\n[g2]\na=1\n[g3]\na=1\n[g4]\na=1\n[g5]\na=1\n"
		       "[g6]\na=1\n[g7]\na=1\n[g8]\na=1\n[mariadb]\na=1\n[MARIADB]\na=1\n[g9]\na=1\n"
		       "[mariadbd]\na=1\n[MariaDBd]\na=1\n[MARIADB-10.6]\na=1\n[mariadb]\na=1\n");
	size_t groups = 0;
	for (size_t i = 0; i < r.n; i++)
		groups += r.items[i].group;
	ok(groups == 3, "twelve groups, three of them evidence, each taken once in any case (%zu)", groups);
	infer_release(&r);
}

/* infer_describe(): each piece of evidence with its place, a row's line without a file, the rest counted. */
static void test_describe(void)
{
	static const char *const names[] = { "gtid_strict_mode", "gtid_domain_id", "slave_parallel_threads",
					     "aria_pagecache_buffer_size", "log_bin_compress", "binlog_commit_wait_count" };
	static const unsigned lines[] = { 7, 12, 130, 1, 2, 3 };
	struct infer_result r;
	infer_init(&r);
	infer_from_names(&r, names, lines, ARRAY_SIZE(names), NULL, &idx);
	is_str(infer_describe(&r, 3), "variable gtid_strict_mode (line 7), variable gtid_domain_id (line 12), "
				       "variable slave_parallel_threads (line 130) (and 3 more)",
	       "describe: rows named with their line, the rest counted");
	infer_release(&r);
	infer_init(&r);
	infer_from_names(&r, names, NULL, 1, "vars.txt", &idx);
	is_str(infer_describe(&r, 3), "variable gtid_strict_mode", "describe: no line, no place");
	infer_release(&r);
}

static void test_version_hint(void)
{
	struct infer_result r;
	char v[32];
	infer_text(&r, "[mysqld-5.7]\nsync_binlog=1\n");
	ok(r.has_version, "[mysqld-5.7]: a version hint");
	is_str(version_format(&r.version, v, sizeof(v)), "5.7", "[mysqld-5.7]: 5.7");
	infer_release(&r);
	infer_text(&r, "[mysqld-5.7]\nsync_binlog=1\n[mysqld-8.0]\nsync_binlog=1\n");
	ok(!r.has_version, "two versioned groups: no hint");
	infer_release(&r);
	infer_text(&r, "[mariadb-10.6]\nserver_id=1\n");
	ok(r.has_version && r.version.major == 10 && r.version.minor == 6, "[mariadb-10.6]: 10.6");
	infer_release(&r);
	infer_text(&r, "[mysqld-5.5]\nserver_id=1\n");
	ok(r.has_version && r.flavor == FLAVOR_UNKNOWN, "[mysqld-5.5]: a hint, no flavor");
	infer_release(&r);
}

/* Decide for text with the given layers; s is initialised here and released by the caller. */
static void decide(struct settings *s, const char *text, enum flavor f, int variant, const char *version)
{
	struct infer_result r;
	struct flavor_choice given = { .flavor = f, .variant = variant, .source = "command-line" };
	if (version) {
		given.version_set = 1;
		version_parse(&given.version, version);
	}
	settings_init(s, "my.cnf", "file");
	infer_text(&r, text);
	infer_decide(s, &given, &r);
	infer_release(&r);
}

static int has_warning(const struct settings *s, const char *fragment)
{
	for (size_t i = 0; i < s->build_diags.n; i++)
		if (s->build_diags.items[i].level == DIAG_WARNING && strstr(s->build_diags.items[i].message, fragment))
			return 1;
	return 0;
}

static void test_decide(void)
{
	struct settings s;
	char v[32];

	decide(&s, "[mariadb]\ngtid_strict_mode=ON\n", FLAVOR_UNKNOWN, -1, NULL);
	is_str(flavor_name(s.flavor), "mariadb", "nothing given: the inferred flavor");
	is_str(s.flavor_source, "inferred", "nothing given: source inferred");
	is_str(version_format(&s.version, v, sizeof(v)), "10.11", "nothing given: MariaDB's default version");
	ok(s.flavor_evidence && strstr(s.flavor_evidence, "group [mariadb] at my.cnf:2") &&
	   strstr(s.flavor_evidence, "option gtid_strict_mode at my.cnf:2"), "the evidence names groups (at their first option) and options with file:line");
	ok(s.build_diags.n == 0, "no warning when the files agree with themselves");
	settings_release(&s);

	decide(&s, "[mariadb]\ngtid_strict_mode=ON\n", FLAVOR_MYSQL, -1, NULL);
	is_str(flavor_name(s.flavor), "mysql", "--flavor mysql wins over the files");
	is_str(s.flavor_source, "command-line", "source command-line");
	ok(has_warning(&s, "do not look like MySQL") && has_warning(&s, "group [mariadb]"),
	   "a given flavor the files contradict: a warning naming the evidence");
	settings_release(&s);

	decide(&s, "[mysqld]\nserver_id=1\n", FLAVOR_UNKNOWN, -1, NULL);
	is_str(flavor_name(s.flavor), "mysql", "no evidence: the default flavor");
	is_str(s.flavor_source, "default", "no evidence: source default");
	ok(s.build_diags.n == 0, "no evidence: no warning");
	settings_release(&s);

	decide(&s, "[mysqld]\nserver_id=1\n", FLAVOR_UNKNOWN, -1, "10.11");
	is_str(flavor_name(s.flavor), "mariadb", "--server-version 10.11 alone: MariaDB (only MariaDB had 10.11)");
	settings_release(&s);
	decide(&s, "[mysqld]\nserver_id=1\n", FLAVOR_UNKNOWN, -1, "26.10");
	is_str(flavor_name(s.flavor), "mysql", "--server-version 26.10 alone: MySQL (MySQL 26.10, 2026-10-20)");
	settings_release(&s);

	decide(&s, "[mysqld]\nwsrep_provider=/usr/lib/libgalera_smm.so\npxc_strict_mode=ENFORCING\n", FLAVOR_UNKNOWN, -1, "8.0");
	is_str(flavor_name(s.flavor), "percona", "--server-version 8.0 and PXC options: Percona (it had 8.0)");
	ok(s.variant == FLAVOR_VARIANT_GALERA, "  and the Galera build");
	settings_release(&s);

	decide(&s, "[mysqld]\nwsrep_provider=/usr/lib/libgalera_smm.so\npxc_strict_mode=ENFORCING\n", FLAVOR_PERCONA, -1, NULL);
	ok(s.flavor == FLAVOR_PERCONA && s.variant == FLAVOR_VARIANT_GALERA,
	   "--flavor percona with wsrep/pxc options: Percona XtraDB Cluster");
	ok(!has_warning(&s, "do not look like"), "  the files agree with --flavor percona");
	settings_release(&s);

	decide(&s, "[mysqld]\npxc_strict_mode=ENFORCING\n", FLAVOR_MYSQL, -1, NULL);
	ok(has_warning(&s, "option pxc_strict_mode"), "--flavor mysql and pxc_*: the contradiction is named");
	settings_release(&s);

	decide(&s, "[mysqld-5.7]\nsync_binlog=1\n", FLAVOR_UNKNOWN, -1, NULL);
	is_str(version_format(&s.version, v, sizeof(v)), "5.7", "a versioned group gives the version");
	is_str(flavor_name(s.flavor), "mysql", "  and the flavor");
	settings_release(&s);

	decide(&s, "[mysqld-5.7]\nsync_binlog=1\n", FLAVOR_UNKNOWN, -1, "8.0");
	is_str(version_format(&s.version, v, sizeof(v)), "8.0", "a given version wins over the group's");
	settings_release(&s);

	decide(&s, "[mysqld]\ngtid_mode=ON\ngtid_strict_mode=ON\n", FLAVOR_UNKNOWN, -1, NULL);
	is_str(s.flavor_source, "default", "conflicting options: the default");
	ok(has_warning(&s, "more than one flavor"), "  with a warning");
	settings_release(&s);

	decide(&s, "[mysqld]\nwsrep_provider=/usr/lib/libgalera_smm.so\n", FLAVOR_MYSQL, -1, NULL);
	ok(s.flavor == FLAVOR_MYSQL && s.variant == FLAVOR_VARIANT_GALERA, "--flavor mysql with wsrep_*: MySQL's Galera build");
	settings_release(&s);
}

static void test_unread_groups(void)
{
	struct settings s;
	struct optfile of;
	struct optfile_groups all, g;
	static const char text[] = "[mysqld]\nserver_id=1\n[mariadb]\na=1\nb=2\n[client]\nuser=x\n[galera]\nc=3\n";
	struct optfile_buffer b = { "my.cnf", text, sizeof(text) - 1 };
	settings_init(&s, "my.cnf", "file");
	optfile_init(&of);
	optfile_groups_all(&all);
	optfile_read_buffers(&of, &b, 1, &all);
	is_int((long)of.n, 5, "every group's options are read");
	optfile_groups_for(&g, FLAVOR_MYSQL, &s.version, NULL);
	infer_unread_groups(&s, &of, &g);
	is_int((long)s.build_diags.n, 2, "two server groups MySQL does not read; [client] is not a server group");
	ok(s.build_diags.n == 2 && strstr(s.build_diags.items[0].message, "group [mariadb] is not read by MySQL 8.4: 2 options") &&
	   s.build_diags.items[0].line == 4, "[mariadb]: its option count, at its first option");
	optfile_keep_groups(&of, &g);
	is_int((long)of.n, 1, "keep_groups leaves what MySQL reads");
	optfile_release(&of);
	settings_release(&s);
}

static void test_capture(void)
{
	struct settings s;
	struct flavor_choice given = { .flavor = FLAVOR_UNKNOWN, .variant = -1, .source = "command-line" };
	struct settings_origin o = { .source = SETTINGS_SRC_SNAPSHOT, .file = "v.txt", .line = 3 };
	settings_init(&s, "v.txt", "snapshot");
	s.flavor = FLAVOR_UNKNOWN;
	settings_set(&s, "gtid_strict_mode", "ON", "gtid_strict_mode", &o);
	settings_set(&s, "server_id", "4", "server_id", &o);
	infer_capture(&s, &given, &idx);
	is_str(flavor_name(s.flavor), "mariadb", "a capture without version rows: MariaDB from gtid_strict_mode");
	is_str(s.flavor_source, "inferred", "  source inferred");
	ok(s.flavor_evidence && strstr(s.flavor_evidence, "variable gtid_strict_mode at v.txt:3"), "  evidence with its line");
	settings_release(&s);
}

static void test_series(void)
{
	struct version v;
	char *why = NULL;
	/* EVIDENCE: dev.mysql.com/doc/relnotes/mysql/ (9.7.0 2026-04-21; 26.10.0 2026-10-20);
	 * mariadb.com/docs/release-notes (13.2 series); docs.percona.com (Percona Server 9.7.1-1) */
	version_parse(&v, "10.11");
	ok(flavor_check_version(FLAVOR_MYSQL, &v, &why) == -1 && why && strstr(why, "MySQL never had"),
	   "MySQL never had 10.11");
	free(why);
	why = NULL;
	ok(flavor_check_version(FLAVOR_MARIADB, &v, &why) == 0, "MariaDB had 10.11");
	ok(flavor_check_version(FLAVOR_UNKNOWN, &v, &why) == 0, "some flavor had 10.11");
	version_parse(&v, "0.0");
	ok(flavor_check_version(FLAVOR_UNKNOWN, &v, &why) == -1, "nobody had 0.0");
	free(why);
	why = NULL;
	version_parse(&v, "99.99");
	ok(flavor_check_version(FLAVOR_UNKNOWN, &v, &why) == -1, "nobody had 99.99");
	free(why);
	why = NULL;
	version_parse(&v, "8.0.36");
	ok(flavor_check_version(FLAVOR_MARIADB, &v, &why) == -1, "MariaDB never had 8.0");
	free(why);
	why = NULL;
	ok(flavor_of_version(&v) == FLAVOR_MYSQL, "8.0 is MySQL's (and Percona's)");
	version_parse(&v, "26.10");
	ok(flavor_of_version(&v) == FLAVOR_MYSQL, "26.10 is MySQL's: a version of 10 or more is not always MariaDB");
	version_parse(&v, "13.2");
	ok(flavor_of_version(&v) == FLAVOR_MARIADB, "13.2 is MariaDB's");
	version_parse(&v, "5.5");
	ok(flavor_of_version(&v) == FLAVOR_UNKNOWN, "5.5 was everybody's");
	version_parse(&v, "9.3");
	ok(flavor_has_version(FLAVOR_MYSQL, &v) && !flavor_has_version(FLAVOR_PERCONA, &v),
	   "Percona skipped MySQL's 9.0-9.6 innovation releases");

	enum flavor f;
	enum flavor_variant b;
	ok(flavor_detect_server("5.7.26-29-57-log", "Percona XtraDB Cluster (GPL), Release rel29, WSREP version 31.37", &f, &b) == 0 &&
	   f == FLAVOR_PERCONA && b == FLAVOR_VARIANT_GALERA, "PXC's version_comment: Percona, Galera");
	ok(flavor_detect_server("10.11.6-MariaDB-log", NULL, &f, &b) == 0 && f == FLAVOR_MARIADB && b == FLAVOR_VARIANT_PLAIN,
	   "MariaDB's version");
	ok(flavor_detect_server(NULL, "mariadb.org binary distribution", &f, &b) == 0 && f == FLAVOR_MARIADB,
	   "MariaDB's version_comment alone");
	ok(flavor_detect_server(NULL, "Source distribution", &f, &b) == -1, "a comment that names nobody: unknown");
	int variant;
	ok(flavor_parse_build(&f, &variant, "pxc") == 0 && f == FLAVOR_PERCONA && variant == FLAVOR_VARIANT_GALERA, "--flavor pxc");
	ok(flavor_parse_build(&f, &variant, "percona") == 0 && f == FLAVOR_PERCONA && variant == -1, "--flavor percona leaves the build open");
	ok(flavor_parse(&f, "pxc") == -1, "pxc is a build, not a flavor key (default.pxc is not a catalog key)");
}

int main(void)
{
	if (!fixture_catalog(&cat))
		return done_testing();
	infer_index_init(&idx, &cat);
	test_evidence();
	test_groups_once();
	test_describe();
	test_version_hint();
	test_decide();
	test_unread_groups();
	test_capture();
	test_series();
	infer_index_release(&idx);
	catalog_release(&cat);
	return done_testing();
}
