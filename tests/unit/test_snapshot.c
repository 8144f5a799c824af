/*
 * test_snapshot.c - captured variables as a target (snapshot.c).
 *
 * 1. Every file under ../shared/corpus/vars (real dumps of MySQL 5.0-8.0,
 *    Percona, PXC and MariaDB servers; skipped when the corpus is absent)
 *    is read without error and with its version detected; for the dumps
 *    tabulated in ../shared/corpus/VALUES.md the flavor, the version and a
 *    few crash-safety values are compared with that table.
 * 2. tests/snapshot/: one small fixture per form (mysql -NBe, mysql -Be with
 *    its header, the bordered table with a prompt and a row count, \G,
 *    mysqladmin variables) and the crashsafe capture format v1.
 * Runs from the repository root (prove does).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "settings.h"
#include "snapshot.h"
#include "fixture.h"
#include "tap.h"

#include "banned.h"

#define CORPUS "../shared/corpus/vars"
#define FIXTURES "tests/snapshot"

static struct catalog cat;

static const char *value(const struct settings *s, const char *name)
{
	const struct settings_var *v = settings_get(s, name);
	return v ? v->current.value : "(absent)";
}

/*
 * EVIDENCE: ../shared/corpus/VALUES.md, one row per dump: version, log_bin,
 * server_id, sync_binlog, binlog_format ("-" = absent from the dump), and
 * the flavor its version / version_comment imply (MariaDB: "-MariaDB" in
 * version; Percona: "Percona" in version_comment, which covers PXC).
 */
static const struct corpus_expect {
	const char *file;
	const char *flavor;
	const char *version;
	const char *log_bin, *server_id, *sync_binlog, *binlog_format;
} corpus_expect[] = {
	{ "avtobys-vars-mariadb-10.1.45-wide-pipe.txt", "mariadb", "10.1.45", "ON", "3473844", "0", "STATEMENT" },
	{ "avtobys-vars-mariadb-10.3.31-wide-pipe.txt", "mariadb", "10.3.31", "OFF", "1", "0", "MIXED" },
	{ "imgames-vars-5.7.16-aws-wide-pipe.txt", "mysql", "5.7.16", "OFF", "0", "1", "ROW" },
	{ "ksaeki-vars-5.5.16-windows-xampp.txt", "mysql", "5.5.16", "OFF", "1", "0", "STATEMENT" },
	{ "mysqltuner-ifs-gv-mariadb-10.4.28.csv", "mariadb", "10.4.28", "OFF", "1", "0", "MIXED" },
	{ "mysqltuner-ifs-gv-mariadb-10.6.12.csv", "mariadb", "10.6.12", "OFF", "1", "0", "MIXED" },
	{ "mysqltuner-ifs-gv-mariadb-10.9.5.csv", "mariadb", "10.9.5", "OFF", "1", "0", "MIXED" },
	{ "mysqltuner-ifs-gv-mysql-5.6.51.csv", "mysql", "5.6.51", "OFF", "0", "0", "STATEMENT" },
	{ "ottertune-knobs-5.7.20-homebrew.json", "mysql", "5.7.20", "OFF", "0", "1", "ROW" },
	{ "ptk-vars-5.0.51a-debian-noheader.txt", "mysql", "5.0.51", "OFF", "0", "0", NULL },
	{ "ptk-vars-5.0.82-vertical.txt", "mysql", "5.0.82", "ON", "12345", "0", NULL },
	{ "ptk-vars-5.1.34-pipe-table.txt", "mysql", "5.1.34", "ON", "12345", "0", "STATEMENT" },
	{ "ptk-vars-5.1.43-percona-prod.txt", "percona", "5.1.43", "ON", "2171234", "0", "MIXED" },
	{ "ptk-vars-5.1.49-debian-squeeze.txt", "mysql", "5.1.49", "ON", "12345", "0", "STATEMENT" },
	{ "ptk-vars-5.1.50-tab-header.txt", "mysql", "5.1.50", "ON", "1", "0", "STATEMENT" },
	{ "ptk-vars-5.1.58-ubuntu.txt", "mysql", "5.1.58", "ON", "1", "0", "STATEMENT" },
	{ "ptk-vars-5.5.21-semisync.txt", "mysql", "5.5.21", "OFF", "0", "0", "STATEMENT" },
	{ "ptk-vars-5.5.23-percona.txt", "percona", "5.5.23", "ON", "12345", "0", "STATEMENT" },
	{ "ptk-vars-5.5.28-pxc-node1.txt", "percona", "5.5.28", "ON", "12345", "0", "ROW" },
	{ "ptk-vars-8.0.32-percona-a.txt", "percona", "8.0.32", "ON", "12345", "1", "STATEMENT" },
	{ "ptk-vars-8.0.32-percona-b.txt", "percona", "8.0.32", "ON", "12345", "1", "STATEMENT" },
	{ "samtsov-vars-8.0.19-web.txt", "mysql", "8.0.19", "ON", "1", "1", "ROW" },
};

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void test_corpus(void)
{
	DIR *d = opendir(CORPUS);
	if (!d) {
		printf("ok %d - # SKIP %s is absent\n", ++tap_count, CORPUS);
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		ARRAY_GROW(names, n + 1, cap);
		names[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	ok(n > 0, "the corpus has dumps (%zu)", n);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", CORPUS, names[i]);
		struct settings s;
		char ver[32];
		settings_init(&s, path, "snapshot");
		int rc = snapshot_load(&s, path, &cat);
		ok(rc == 0 && !s.error, "%s: read", names[i]);
		ok(!diag_count(&s.diags, DIAG_ERROR), "%s: no error", names[i]);
		ok(s.version_detected, "%s: version detected (%s %s)", names[i], flavor_name(s.flavor),
		   version_format(&s.version, ver, sizeof(ver)));
		const struct corpus_expect *x = NULL;
		for (size_t k = 0; k < ARRAY_SIZE(corpus_expect); k++)
			if (!strcmp(corpus_expect[k].file, names[i]))
				x = &corpus_expect[k];
		if (x) {
			char label[300];
			snprintf(label, sizeof(label), "%s: flavor", names[i]);
			is_str(flavor_name(s.flavor), x->flavor, label);
			snprintf(label, sizeof(label), "%s: version", names[i]);
			is_str(version_format(&s.version, ver, sizeof(ver)), x->version, label);
			snprintf(label, sizeof(label), "%s: log_bin", names[i]);
			is_str(value(&s, "log_bin"), x->log_bin, label);
			snprintf(label, sizeof(label), "%s: server_id", names[i]);
			is_str(value(&s, "server_id"), x->server_id, label);
			snprintf(label, sizeof(label), "%s: sync_binlog", names[i]);
			is_str(value(&s, "sync_binlog"), x->sync_binlog, label);
			snprintf(label, sizeof(label), "%s: binlog_format", names[i]);
			is_str(value(&s, "binlog_format"), x->binlog_format ? x->binlog_format : "(absent)", label);
			const struct settings_var *v = settings_get(&s, "sync_binlog");
			ok(v && v->current.origin.source == SETTINGS_SRC_SNAPSHOT && v->current.origin.line > 0 &&
			   v->current.origin.file && !strcmp(v->current.origin.file, path),
			   "%s: origin is the snapshot file and a line", names[i]);
		}
		settings_release(&s);
		free(path);
		free(names[i]);
	}
	free(names);
}

static struct settings *fixture(const char *name, int *rc)
{
	struct settings *s = xmalloc(sizeof(*s));
	char *path = xasprintf("%s/%s", FIXTURES, name);
	settings_init(s, path, "snapshot");
	*rc = snapshot_load(s, path, &cat);
	free(path);
	return s;
}

static void done(struct settings *s)
{
	settings_release(s);
	free(s);
}

static void test_forms(void)
{
	int rc;
	char ver[32];
	struct settings *s;

	/* mysql -NBe 'SHOW GLOBAL VARIABLES': tab form, no header, escaped values */
	s = fixture("mysql84-nbe.txt", &rc);
	ok(rc == 0, "-NBe: read");
	is_str(flavor_name(s->flavor), "mysql", "-NBe: MySQL");
	is_str(version_format(&s->version, ver, sizeof(ver)), "8.4.3", "-NBe: 8.4.3");
	is_str(value(s, "gtid_mode"), "ON", "-NBe: gtid_mode");
	is_str(value(s, "init_connect"), "SET NAMES utf8\tx\\y", "-NBe: \\t and \\\\ unescaped");
	/* log_slave_updates and log_replica_updates are one catalog variable */
	const struct settings_var *lru = settings_get(s, "log_replica_updates");
	ok(lru && lru->n_overridden == 1, "-NBe: both spellings land on log_replica_updates");
	ok(settings_get(s, "log_slave_updates") == NULL, "-NBe: no separate log_slave_updates");
	is_str(lru ? lru->current.spelled : NULL, "log_replica_updates", "-NBe: spelled as the server names it");
	is_int(lru ? lru->current.origin.line : 0, 7, "-NBe: line 7");
	ok(s->role == ROLE_ANY && !s->role_detected, "-NBe: role not detected");
	done(s);

	/* mysql -Be: header row; MariaDB flavor from "-MariaDB" in version */
	s = fixture("mariadb1011-be.txt", &rc);
	ok(rc == 0, "-Be: read");
	is_str(flavor_name(s->flavor), "mariadb", "-Be: MariaDB");
	is_str(version_format(&s->version, ver, sizeof(ver)), "10.11.6", "-Be: 10.11.6");
	ok(settings_get(s, "variable_name") == NULL, "-Be: the header is not a variable");
	is_str(value(s, "replica_parallel_workers"), "4", "-Be: slave_parallel_threads -> replica_parallel_workers");
	is_str(value(s, "gtid_strict_mode"), "ON", "-Be: gtid_strict_mode");
	ok(s->cluster == NULL, "-Be: wsrep_on OFF: no cluster");
	done(s);

	/* bordered table with a prompt, '|' inside a value and a row count */
	s = fixture("percona80-table.txt", &rc);
	ok(rc == 0, "table: read");
	ok(!diag_count(&s->diags, DIAG_NOTE), "table: prompt and row count skipped silently");
	is_str(flavor_name(s->flavor), "percona", "table: Percona from version_comment");
	is_str(version_format(&s->version, ver, sizeof(ver)), "8.0.36", "table: 8.0.36");
	is_str(value(s, "sql_mode"), "ONLY_FULL_GROUP_BY|STRICT_TRANS_TABLES", "table: '|' inside a value");
	is_str(value(s, "relay_log_info_repository"), "TABLE", "table: relay_log_info_repository");
	is_int(settings_get(s, "server_id") ? settings_get(s, "server_id")->current.origin.line : 0, 10, "table: line 10");
	done(s);

	/* \G vertical form, with an empty value */
	s = fixture("mysql57-vertical.txt", &rc);
	ok(rc == 0, "\\G: read");
	is_str(version_format(&s->version, ver, sizeof(ver)), "5.7.44", "\\G: 5.7.44");
	is_str(value(s, "server_id"), "0", "\\G: server_id 0");
	is_str(value(s, "init_connect"), "", "\\G: empty value");
	is_int(settings_get(s, "server_id") ? settings_get(s, "server_id")->current.origin.line : 0, 8,
	       "\\G: origin is the Variable_name line");
	done(s);

	/* mysqladmin variables from a PXC node: Percona flavor, Galera cluster */
	s = fixture("pxc57-mysqladmin.txt", &rc);
	ok(rc == 0, "mysqladmin: read");
	is_str(flavor_name(s->flavor), "percona", "mysqladmin: PXC is Percona");
	/* EVIDENCE: mysql-facts.md D1: PXC's version_comment is "Percona XtraDB Cluster (GPL), ..." */
	is_str(flavor_variant_name(s->variant), "galera", "mysqladmin: PXC is a Galera build");
	ok(s->flavor_evidence && strstr(s->flavor_evidence, "Percona XtraDB Cluster"),
	   "mysqladmin: the evidence quotes version_comment");
	is_str(version_format(&s->version, ver, sizeof(ver)), "5.7.26", "mysqladmin: 5.7.26");
	is_str(s->cluster, "pxc-prod", "mysqladmin: Galera cluster name");
	done(s);
}

static void test_capture(void)
{
	int rc;
	char ver[32];
	struct settings *s = fixture("capture-mariadb106.txt", &rc);
	ok(rc == 0, "capture: read");
	is_str(flavor_name(s->flavor), "mariadb", "capture: MariaDB");
	is_str(version_format(&s->version, ver, sizeof(ver)), "10.6.16", "capture: 10.6.16");
	is_str(flavor_variant_name(s->variant), "plain", "capture: no Galera");
	ok(s->role == ROLE_REPLICA && s->role_detected, "capture: # role replica");
	ok(s->channels_known && s->nchannels == 1, "capture: one channel");
	if (s->nchannels == 1) {
		is_str(s->channels[0].name, "", "capture: the default channel");
		is_str(s->channels[0].using_gtid, "Slave_Pos", "capture: using_gtid");
		is_str(s->channels[0].source_host, "10.0.0.5", "capture: source_host");
		is_int(s->channels[0].source_port, 3306, "capture: source_port");
		ok(s->channels[0].auto_position == NULL, "capture: no auto_position on MariaDB");
	}
	is_str(value(s, "runtime_only_changes"), "sync_binlog=1", "capture: # fact");
	const struct settings_var *sb = settings_get(s, "sync_binlog");
	ok(sb && sb->current.origin.source == SETTINGS_SRC_SNAPSHOT, "capture: source SNAPSHOT");
	ok(sb && sb->current.origin.detail && strstr(sb->current.origin.detail, "set at runtime (SET GLOBAL)"),
	   "capture: SQL origin is a runtime change");
	const struct settings_var *rlr = settings_get(s, "relay_log_recovery");
	is_str(rlr ? rlr->current.origin.detail : NULL, "live, from /etc/mysql/mariadb.conf.d/50-server.cnf",
	       "capture: CONFIG origin with its path");
	done(s);

	s = fixture("capture-mysql80-channels.txt", &rc);
	ok(rc == 0, "capture 2: read");
	ok(s->role == ROLE_REPLICA && s->role_detected, "capture 2: replica because it has channels");
	is_int((long)s->nchannels, 2, "capture 2: two channels");
	if (s->nchannels == 2) {
		is_str(s->channels[0].auto_position, "1", "capture 2: auto_position 1");
		is_str(s->channels[0].sql_running, "No", "capture 2: sql_running");
		is_str(s->channels[1].name, "east", "capture 2: channel east");
		is_str(s->channels[1].auto_position, "0", "capture 2: east auto_position 0");
	}
	const struct settings_var *sid = settings_get(s, "server_id");
	is_str(sid ? sid->current.origin.detail : NULL, "live, persisted (SET PERSIST) in /var/lib/mysql/mysqld-auto.cnf",
	       "capture 2: PERSISTED origin");
	sb = settings_get(s, "sync_binlog");
	ok(sb && strstr(sb->current.origin.detail, "SET GLOBAL"), "capture 2: DYNAMIC is a runtime change");
	done(s);

	s = fixture("capture-mysql84-nochannels.txt", &rc);
	ok(rc == 0, "capture 3: read");
	ok(s->channels_known && s->nchannels == 0, "capture 3: channels known, none");
	ok(s->role == ROLE_ANY && !s->role_detected, "capture 3: no channel, no role line: role stays any");
	done(s);
}

/*
 * A capture by an account that could not read the channels (breaker8
 * finding 6): "# unknown NAME<TAB>WHY" is the fact stored unknown (NULL)
 * with WHY as its detail, and the channels stay not known, so the rules
 * say "could not evaluate" as the live run did, not "not applicable".
 */
static void test_unknown_facts(void)
{
	int rc;
	struct settings *s = fixture("capture-mariadb1011-unknown.txt", &rc);
	ok(rc == 0, "unknown facts: read");
	const struct settings_var *rc_fact = settings_get(s, "replication_channels");
	ok(rc_fact && !rc_fact->current.value, "# unknown replication_channels: the fact is there, unknown");
	is_str(rc_fact ? rc_fact->current.origin.detail : NULL, "SHOW ALL SLAVES STATUS denied (needs SLAVE MONITOR)",
	       "... with the live run's reason as its detail");
	ok(!s->channels_known && s->nchannels == 0, "... and the channels are not known (no channel line)");
	const struct settings_var *mt = settings_get(s, "metadata_tables_innodb");
	ok(mt && !mt->current.value && mt->current.origin.source == SETTINGS_SRC_SNAPSHOT,
	   "# unknown metadata_tables_innodb: unknown, from the snapshot");
	is_str(value(s, "runtime_only_changes"), "", "# fact with an empty value stays a known empty fact");
	done(s);
}

static void test_failures(void)
{
	int rc;
	struct settings *s = fixture("junk.txt", &rc);
	ok(rc == -1 && s->error, "junk: not a snapshot");
	ok(s->error && strstr(s->error, "no server variables"), "junk: says why");
	done(s);
	s = fixture("does-not-exist.txt", &rc);
	ok(rc == -1 && s->error && strstr(s->error, "cannot read"), "missing file: an error");
	ok(diag_count(&s->diags, DIAG_ERROR) == 1, "missing file: one diagnostic");
	done(s);
}

/*
 * Captures without a version row (issue 7, fault 5): the version stays
 * what the caller gave (unknown unless --server-version), never MySQL 8.4;
 * the flavor comes from version_comment when there is one; a warning for
 * stderr says so.
 */
static void test_no_version(void)
{
	char ver[32];
	struct settings s;
	char *path = xasprintf("%s/%s", FIXTURES, "noversion.txt");
	settings_init(&s, path, "snapshot");
	version_set_unknown(&s.version);
	s.flavor = FLAVOR_UNKNOWN;
	ok(snapshot_load(&s, path, &cat) == 0, "no version row: read");
	ok(!version_is_known(&s.version), "no version row: the version is unknown, not assumed");
	ok(!s.version_detected, "no version row: not detected");
	ok(s.flavor == FLAVOR_UNKNOWN, "no version row, no version_comment: the flavor is unknown");
	ok(s.build_diags.n == 1 && s.build_diags.items[0].level == DIAG_WARNING &&
	   strstr(s.build_diags.items[0].message, "server version is unknown"),
	   "no version row: a warning that is always shown says so");
	ok(s.flavor_evidence && strstr(s.flavor_evidence, "no version row"), "no version row: in the evidence");
	settings_release(&s);

	settings_init(&s, path, "snapshot");
	version_parse(&s.version, "8.0");
	ok(snapshot_load(&s, path, &cat) == 0, "no version row, --server-version 8.0: read");
	is_str(version_format(&s.version, ver, sizeof(ver)), "8.0", "no version row: the given version stays");
	ok(s.build_diags.n == 0, "no version row but a version given: no warning");
	settings_release(&s);
	free(path);

	path = xasprintf("%s/%s", FIXTURES, "noversion-mariadb.txt");
	settings_init(&s, path, "snapshot");
	version_set_unknown(&s.version);
	s.flavor = FLAVOR_UNKNOWN;
	ok(snapshot_load(&s, path, &cat) == 0, "version_comment only: read");
	is_str(flavor_name(s.flavor), "mariadb", "version_comment only: MariaDB from the comment");
	ok(!version_is_known(&s.version), "version_comment only: the version is still unknown");
	settings_release(&s);
	free(path);
}

/* snapshot_load_kept(): keeps the names it is given: the exact name test of check_retain(). */
static int keep_sync_binlog(void *ctx, const char *name)
{
	(void)ctx;
	return !strcmp(name, "sync_binlog");
}

/*
 * snapshot_load_kept() (issue 13): only the kept variables are stored, and
 * the wsrep rows that make s->cluster; the version and flavor still come
 * from rows that are not stored; a capture whose flavor stays unknown keeps
 * every variable (infer_capture() reads them all).
 */
static void test_kept(void)
{
	struct settings s;
	char *path = xasprintf("/tmp/crashsafe-test-kept-%ld.txt", (long)getpid());
	FILE *fp = fopen(path, "w");
	if (!ok(fp != NULL, "kept: temporary capture written")) {
		free(path);
		return;
	}
	fputs("Variable_name\tValue\nsync_binlog\t1\nserver_id\t7\nwsrep_on\tON\n"
	      "wsrep_cluster_name\tc1\nversion\t10.6.16-MariaDB\nversion_comment\tmariadb.org binary distribution\n", fp);
	fclose(fp);
	settings_init(&s, path, "snapshot");
	version_set_unknown(&s.version);
	s.flavor = FLAVOR_UNKNOWN;
	ok(snapshot_load_kept(&s, path, &cat, keep_sync_binlog, NULL) == 0, "kept: read");
	is_str(value(&s, "sync_binlog"), "1", "kept: a kept variable is stored");
	ok(!settings_get(&s, "server_id") && !settings_get(&s, "version"), "kept: the others are not stored");
	is_str(value(&s, "wsrep_on"), "ON", "kept: wsrep_on is stored");
	ok(s.cluster && !strcmp(s.cluster, "c1"), "kept: the cluster is set");
	is_str(flavor_name(s.flavor), "mariadb", "kept: the flavor from rows not stored");
	ok(version_is_known(&s.version) && s.version.major == 10, "kept: the version from a row not stored");
	ok(s.n == 3, "kept: three variables stored");
	settings_release(&s);
	unlink(path);
	free(path);

	path = xasprintf("%s/%s", FIXTURES, "noversion.txt");
	settings_init(&s, path, "snapshot");
	version_set_unknown(&s.version);
	s.flavor = FLAVOR_UNKNOWN;
	ok(snapshot_load_kept(&s, path, &cat, keep_sync_binlog, NULL) == 0, "kept, flavor unknown: read");
	ok(settings_get(&s, "server_id") && settings_get(&s, "log_bin"),
	   "kept, flavor unknown: every variable is stored (for inference)");
	settings_release(&s);
	free(path);
}

/* settings_forget_prefix() (merge forgets a shard's topology.* facts): the others stay, found by name. */
static void test_forget_prefix(void)
{
	struct settings s;
	struct settings_origin o;
	memset(&o, 0, sizeof(o));
	o.source = SETTINGS_SRC_LIVE;
	settings_init(&s, "t", "live");
	settings_set(&s, "server_id", "1", "server_id", &o);
	settings_set(&s, "topology.ring", "ON", "topology.ring", &o);
	settings_set(&s, "read_only", "ON", "read_only", &o);
	settings_set(&s, "topology.replicas", "2", "topology.replicas", &o);
	settings_set(&s, "topology.replicas", "3", "topology.replicas", &o);   /* one overridden value */
	settings_set(&s, "gtid_mode", "ON", "gtid_mode", &o);
	settings_forget_prefix(&s, "topology.");
	is_int((long)s.n, 3, "forget_prefix: the three others are kept");
	ok(!settings_get(&s, "topology.ring") && !settings_get(&s, "topology.replicas"), "... the topology.* facts are gone");
	ok(settings_get(&s, "server_id") && !strcmp(settings_get(&s, "server_id")->current.value, "1") &&
	   settings_get(&s, "read_only") && !strcmp(settings_get(&s, "read_only")->current.value, "ON") &&
	   settings_get(&s, "gtid_mode") && !strcmp(settings_get(&s, "gtid_mode")->current.value, "ON"),
	   "... and the others are found by name, with their values");
	is_str(s.vars[1].name, "read_only", "... in their order");
	settings_set(&s, "topology.ring", "OFF", "topology.ring", &o);
	is_int((long)settings_get(&s, "topology.ring")->n_overridden, 0, "... a fact set again is new, not an override");
	settings_forget_prefix(&s, "nothing.");
	is_int((long)s.n, 4, "forget_prefix with no match changes nothing");
	settings_release(&s);
}

/*
 * "# fact replication_channels N" against the "# channel" lines (breaker7): a
 * capture cut short or edited so that they disagree, or whose N is no count,
 * has its channels unknown and a warning (shown without -v) at the fact's
 * line; never "no replication channel is configured".
 */
static void test_channels_agree(void)
{
	static const struct {
		const char *fact;       /* replaces "2" on the fact line */
		int drop_channels;      /* leave the "# channel" lines out */
		const char *gr_line;    /* a Group Replication channel line added, or NULL */
		int known;              /* channels_known wanted */
		const char *warning;    /* in build_diags at line 7, or NULL for none */
	} cases[] = {
		{ "2", 0, NULL, 1, NULL },
		{ "2", 1, NULL, 0, "replication_channels says 2 but the capture has 0 '# channel' lines" },
		{ "1", 0, NULL, 0, "replication_channels says 1 but the capture has 2 '# channel' lines" },
		{ "abc", 0, NULL, 0, "replication_channels is not a count of channels" },
		{ "-1", 0, NULL, 0, "replication_channels is not a count of channels" },
		{ "2", 0, "# channel group_replication_applier\tgroup_replication=1\n", 1, NULL },
	};
	FILE *in = fopen("examples/topology/m.capture", "r");
	if (!ok(in != NULL, "channels agree: examples/topology/m.capture opens"))
		return;
	char line[8192];
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char path[] = "/tmp/crashsafe-snapshot-chan-XXXXXX";
		int fd = mkstemp(path);
		FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!out) {
			ok(0, "channels agree: a temporary file");
			break;
		}
		rewind(in);
		while (fgets(line, sizeof(line), in)) {
			if (!strncmp(line, "# fact replication_channels\t", 28))
				fprintf(out, "# fact replication_channels\t%s\n", cases[i].fact);
			else if (!strncmp(line, "# channel ", 10) && cases[i].drop_channels)
				continue;
			else
				fputs(line, out);
		}
		if (cases[i].gr_line)
			fputs(cases[i].gr_line, out);
		fclose(out);
		struct settings s;
		settings_init(&s, path, "snapshot");
		int rc = snapshot_load(&s, path, &cat);
		int warned = 0, other = 0;
		for (size_t k = 0; k < s.build_diags.n; k++) {
			const struct diag *dg = &s.build_diags.items[k];
			if (cases[i].warning && dg->level == DIAG_WARNING && dg->line == 7 &&
			    strstr(dg->message, cases[i].warning))
				warned = 1;
			else if (strstr(dg->message, "replication_channels"))
				other = 1;
		}
		const struct settings_var *rcv = settings_get(&s, "replication_channels");
		int fact_unknown = rcv && !rcv->current.value;
		ok(rc == 0 && s.channels_known == cases[i].known && (cases[i].warning ? warned : !other) &&
		   fact_unknown == !cases[i].known,
		   "channels agree: fact %s%s%s: channels %s%s", cases[i].fact, cases[i].drop_channels ? ", no channel lines" : "",
		   cases[i].gr_line ? ", a Group Replication channel besides" : "", cases[i].known ? "known" : "unknown",
		   cases[i].warning ? ", a warning at the fact's line, the count unknown" : ", no warning");
		settings_release(&s);
		unlink(path);
	}
	fclose(in);
}

/* A variable named twice in a capture: the last row is taken and a warning says so (breaker7). */
static void test_duplicate_rows(void)
{
	char path[] = "/tmp/crashsafe-snapshot-dup-XXXXXX";
	int fd = mkstemp(path);
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!ok(out != NULL, "duplicate rows: a temporary file"))
		return;
	fputs("Variable_name\tValue\nversion\t8.4.3\nsync_binlog\t0\nserver_id\t5\nsync_binlog\t1\n", out);
	fclose(out);
	struct settings s;
	settings_init(&s, path, "snapshot");
	int rc = snapshot_load(&s, path, &cat);
	is_str(rc == 0 ? value(&s, "sync_binlog") : NULL, "1", "duplicate rows: the last row is taken");
	int warned = 0;
	for (size_t k = 0; k < s.build_diags.n; k++)
		warned |= s.build_diags.items[k].level == DIAG_WARNING && s.build_diags.items[k].line == 5 &&
			  strstr(s.build_diags.items[k].message, "sync_binlog is in the capture twice (line 3, then here)");
	ok(warned, "duplicate rows: a warning at the second row, naming the first");
	settings_release(&s);
	unlink(path);

	/* MariaDB shows slave_parallel_threads and slave_parallel_workers, one variable: no warning */
	settings_init(&s, "examples/topology/dual/d1.capture", "snapshot");
	rc = snapshot_load(&s, "examples/topology/dual/d1.capture", &cat);
	warned = 0;
	for (size_t k = 0; k < s.build_diags.n; k++)
		warned |= strstr(s.build_diags.items[k].message, "twice") != NULL;
	ok(rc == 0 && !warned, "duplicate rows: two aliases of one variable on rows of their own are no duplicate");
	settings_release(&s);
}

int main(void)
{
	if (!fixture_catalog(&cat))
		return done_testing();
	test_forms();
	test_capture();
	test_unknown_facts();
	test_failures();
	test_no_version();
	test_corpus();
	test_forget_prefix();
	test_kept();
	test_channels_agree();
	test_duplicate_rows();
	catalog_release(&cat);
	return done_testing();
}
