/*
 * test_catalog.c - the variable catalog (rules/variables.ini + catalog.c):
 * names and aliases, types, defaults per flavor and version, existence and
 * removal, value checks as each server reads them, and malformed entries.
 * Runs from the repository root (prove does).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "tap.h"

#include "banned.h"

#define CATALOG_PATH "rules/variables.ini"

static struct catalog cat;

static struct version V(int major, int minor, int patch)
{
	struct version v = { major, minor, patch };
	return v;
}

static const struct catalog_var *var(const char *name)
{
	const struct catalog_var *v = catalog_lookup(&cat, name);
	if (!v)
		printf("# no catalog entry for '%s'\n", name);
	return v;
}

static const char *def(const char *name, enum flavor f, struct version ver)
{
	const struct catalog_var *v = var(name);
	return v ? catalog_default(v, f, &ver) : "(no entry)";
}

static int exists(const char *name, enum flavor f, struct version ver)
{
	const struct catalog_var *v = var(name);
	return v ? catalog_exists(v, f, &ver) : -1;
}

static int exists_build(const char *name, enum flavor f, enum flavor_variant b, struct version ver)
{
	const struct catalog_var *v = var(name);
	return v ? catalog_exists_build(v, f, b, &ver) : -1;
}

static const char *def_build(const char *name, enum flavor f, enum flavor_variant b, struct version ver)
{
	const struct catalog_var *v = var(name);
	return v ? catalog_default_build(v, f, b, &ver) : "(no entry)";
}

/* Check a value as flavor f reads it: the verdict and the value it ends up as. */
static void check(const char *name, enum flavor f, const char *raw, enum catalog_verdict want,
		  const char *want_out)
{
	const struct catalog_var *v = var(name);
	char *out = NULL;
	const char *why = NULL;
	char label[200];
	snprintf(label, sizeof(label), "%s %s='%s'", flavor_name(f), name, raw ? raw : "(bare)");
	if (!v) {
		ok(0, "%s: no entry", label);
		return;
	}
	enum catalog_verdict got = catalog_check_value(v, f, raw, &out, &why);
	ok(got == want, "%s: verdict %d", label, (int)want);
	if (got != want)
		printf("#   got verdict %d (%s)\n", (int)got, why ? why : "");
	is_str(out, want_out, label);
	ok(got == CATALOG_VALUE_OK ? why == NULL : why != NULL, "%s: a reason iff not OK", label);
	free(out);
}

static void test_names(void)
{
	/* EVIDENCE: mysql-facts.md A1 (H84: log_slave_updates and log_replica_updates both in 8.4 --help) */
	ok(var("log_slave_updates") == var("log_replica_updates"), "log_slave_updates is an alias of log_replica_updates");
	is_str(var("log-slave-updates")->name, "log_replica_updates", "'-' and '_' are the same");
	ok(catalog_lookup(&cat, "LOG_SLAVE_UPDATES") == NULL, "names are case-sensitive, as the server's");
	is_str(var("sync_master_info")->name, "sync_source_info", "sync_master_info -> sync_source_info");
	is_str(var("slave_parallel_workers")->name, "replica_parallel_workers", "slave_parallel_workers");
	is_str(var("slave_parallel_threads")->name, "replica_parallel_workers", "MariaDB slave_parallel_threads");
	is_str(var("master_verify_checksum")->name, "source_verify_checksum", "master_verify_checksum");
	is_str(var("slave_preserve_commit_order")->name, "replica_preserve_commit_order", "slave_preserve_commit_order");
	is_str(var("skip_slave_start")->name, "skip_replica_start", "skip_slave_start");
	ok(catalog_lookup(&cat, "no_such_variable") == NULL, "unknown name");

	const struct catalog_var *lru = var("log_replica_updates");
	struct version v8020 = V(8, 0, 20), v8026 = V(8, 0, 26), v84 = V(8, 4, -1), v1011 = V(10, 11, -1);
	/* EVIDENCE: MySQL 8.0.26 renamed slave/master variables (mysql-facts.md A1) */
	ok(!catalog_name_accepted(lru, "log_replica_updates", FLAVOR_MYSQL, &v8020), "log_replica_updates unknown on 8.0.20");
	ok(catalog_name_accepted(lru, "log_replica_updates", FLAVOR_MYSQL, &v8026), "log_replica_updates on 8.0.26");
	ok(catalog_name_accepted(lru, "log_slave_updates", FLAVOR_MYSQL, &v84), "log_slave_updates still on 8.4");
	ok(catalog_name_accepted(lru, "log_replica_updates", FLAVOR_PERCONA, &v84), "Percona follows MySQL");
	/* EVIDENCE: mariadbd 10.11.19 --log-replica-updates: "unknown option" (docs/variables.md) */
	ok(!catalog_name_accepted(lru, "log_replica_updates", FLAVOR_MARIADB, &v1011), "no log_replica_updates on MariaDB");
	ok(catalog_name_accepted(lru, "log-slave-updates", FLAVOR_MARIADB, &v1011), "log-slave-updates on MariaDB");
	const struct catalog_var *rpw = var("replica_parallel_workers");
	/* EVIDENCE: mariadbd 10.11.19 --verbose --help lists slave-parallel-threads and slave-parallel-workers */
	ok(catalog_name_accepted(rpw, "slave_parallel_threads", FLAVOR_MARIADB, &v1011), "slave_parallel_threads on MariaDB");
	ok(!catalog_name_accepted(rpw, "slave_parallel_threads", FLAVOR_MYSQL, &v84), "no slave_parallel_threads on MySQL");

	const struct catalog_var *v = NULL;
	const char *full = NULL;
	is_int((long)catalog_prefix_lookup(&cat, "sync_b", &v, &full), 1, "prefix sync_b is unique");
	is_str(full, "sync_binlog", "prefix sync_b -> sync_binlog");
	ok(catalog_prefix_lookup(&cat, "sync", &v, &full) > 1, "prefix sync is ambiguous");
}

static void test_types(void)
{
	is_str(catalog_type_name(var("relay_log_recovery")->type), "bool", "relay_log_recovery is a bool");
	is_str(catalog_type_name(var("sync_binlog")->type), "uint", "sync_binlog is a uint");
	is_str(catalog_type_name(var("binlog_format")->type), "enum", "binlog_format is an enum");
	is_str(catalog_type_name(var("wsrep_cluster_name")->type), "string", "wsrep_cluster_name is a string");
	ok(var("relay_log_recovery")->crash_safety, "relay_log_recovery is a crash-safety setting");
	ok(var("sync_binlog")->crash_safety, "sync_binlog is a crash-safety setting");
	ok(!var("server_uuid")->crash_safety, "server_uuid is not");
	ok(var("relay_log_recovery")->title && *var("relay_log_recovery")->title, "entries have a title");
	/* EVIDENCE: mysql-facts.md A1 (relay_log_recovery RO on MySQL) and A2 (Dyn on MariaDB) */
	ok(!catalog_dynamic(var("relay_log_recovery"), FLAVOR_MYSQL), "relay_log_recovery read-only on MySQL");
	ok(catalog_dynamic(var("relay_log_recovery"), FLAVOR_MARIADB), "relay_log_recovery dynamic on MariaDB");
	ok(catalog_dynamic(var("sync_binlog"), FLAVOR_PERCONA), "sync_binlog dynamic");
}

static void test_defaults(void)
{
	/* EVIDENCE: mysql-facts.md A1 sync_binlog: 0 in 5.6, 1 from 5.7.7 (morgo mysql-57.cnf); A2: 0 on MariaDB */
	is_str(def("sync_binlog", FLAVOR_MYSQL, V(5, 6, -1)), "0", "sync_binlog 0 on MySQL 5.6");
	is_str(def("sync_binlog", FLAVOR_MYSQL, V(5, 7, 6)), "0", "sync_binlog 0 on MySQL 5.7.6");
	is_str(def("sync_binlog", FLAVOR_MYSQL, V(5, 7, 7)), "1", "sync_binlog 1 on MySQL 5.7.7");
	is_str(def("sync_binlog", FLAVOR_MYSQL, V(5, 7, -1)), "1", "sync_binlog 1 on MySQL 5.7 (a current 5.7)");
	is_str(def("sync_binlog", FLAVOR_MYSQL, V(8, 4, -1)), "1", "sync_binlog 1 on MySQL 8.4");
	is_str(def("sync_binlog", FLAVOR_PERCONA, V(8, 0, 32)), "1", "sync_binlog 1 on Percona 8.0");
	/* EVIDENCE: mariadbd 10.11.19 --no-defaults --verbose --help: sync-binlog 0 */
	is_str(def("sync_binlog", FLAVOR_MARIADB, V(10, 6, -1)), "0", "sync_binlog 0 on MariaDB 10.6");
	is_str(def("sync_binlog", FLAVOR_MARIADB, V(10, 11, -1)), "0", "sync_binlog 0 on MariaDB 10.11");
	is_str(def("sync_binlog", FLAVOR_MARIADB, V(11, 4, -1)), "0", "sync_binlog 0 on MariaDB 11.4");
	/* EVIDENCE: mysql-facts.md A1 log_bin / log_replica_updates ON from 8.0.3 (dev.mysql.com blog) */
	is_str(def("log_bin", FLAVOR_MYSQL, V(5, 7, -1)), "OFF", "log_bin OFF on 5.7");
	is_str(def("log_bin", FLAVOR_MYSQL, V(8, 0, 2)), "OFF", "log_bin OFF on 8.0.2");
	is_str(def("log_bin", FLAVOR_MYSQL, V(8, 0, 3)), "ON", "log_bin ON on 8.0.3");
	is_str(def("log_slave_updates", FLAVOR_MYSQL, V(8, 4, -1)), "ON", "log_replica_updates ON on 8.4");
	is_str(def("log_slave_updates", FLAVOR_MARIADB, V(10, 11, -1)), "OFF", "log_slave_updates OFF on MariaDB");
	/* EVIDENCE: mysql-facts.md A1 master_info_repository TABLE from 8.0.2 (WL#10474) */
	is_str(def("master_info_repository", FLAVOR_MYSQL, V(5, 7, -1)), "FILE", "master_info_repository FILE on 5.7");
	is_str(def("master_info_repository", FLAVOR_MYSQL, V(8, 0, -1)), "TABLE", "master_info_repository TABLE on 8.0");
	/* EVIDENCE: mysql-facts.md A1 replica_parallel_workers 4 and preserve order ON from 8.0.27 (H80, H84) */
	is_str(def("replica_parallel_workers", FLAVOR_MYSQL, V(8, 0, 26)), "0", "workers 0 on 8.0.26");
	is_str(def("replica_parallel_workers", FLAVOR_MYSQL, V(8, 0, 27)), "4", "workers 4 on 8.0.27");
	is_str(def("replica_preserve_commit_order", FLAVOR_MYSQL, V(8, 4, -1)), "ON", "preserve order ON on 8.4");
	is_str(def("replica_preserve_commit_order", FLAVOR_MYSQL, V(5, 7, -1)), "OFF", "preserve order OFF on 5.7");
	/* EVIDENCE: mariadbd 10.11.19 --verbose --help: binlog-format MIXED, server-id 1; H56/H57 binlog_format */
	is_str(def("binlog_format", FLAVOR_MARIADB, V(10, 11, -1)), "MIXED", "binlog_format MIXED on MariaDB 10.11");
	is_str(def("binlog_format", FLAVOR_MYSQL, V(5, 6, -1)), "STATEMENT", "binlog_format STATEMENT on 5.6");
	is_str(def("binlog_format", FLAVOR_MYSQL, V(5, 7, -1)), "ROW", "binlog_format ROW on 5.7");
	is_str(def("server_id", FLAVOR_MARIADB, V(10, 11, -1)), "1", "server_id 1 on MariaDB");
	is_str(def("server_id", FLAVOR_MYSQL, V(5, 7, -1)), "0", "server_id 0 on MySQL 5.7");
	is_str(def("server_id", FLAVOR_MYSQL, V(8, 0, -1)), "1", "server_id 1 on MySQL 8.0");
	/* EVIDENCE: a mariadbd 10.11.19 started with --no-defaults: @@slave_parallel_mode = optimistic
	 * (its --verbose --help prints conservative; the running server is the truth) */
	is_str(def("slave_parallel_mode", FLAVOR_MARIADB, V(10, 11, -1)), "optimistic", "slave_parallel_mode optimistic on 10.11");
	is_str(def("wsrep_cluster_name", FLAVOR_MARIADB, V(10, 11, -1)), "my_wsrep_cluster", "wsrep_cluster_name default");
	is_str(def("gtid_pos_auto_engines", FLAVOR_MARIADB, V(10, 11, -1)), "", "gtid_pos_auto_engines '' on MariaDB");
	is_str(def("server_uuid", FLAVOR_MYSQL, V(8, 4, -1)), NULL, "server_uuid has no offline default");
	ok(exists("server_uuid", FLAVOR_MYSQL, V(8, 4, -1)) == 1, "but it exists on 8.4");
}

static void test_existence(void)
{
	struct version gone = { 0, 0, -1 };
	const struct catalog_var *mir = var("master_info_repository");
	struct version v84 = V(8, 4, -1), v80 = V(8, 0, -1), v1011 = V(10, 11, -1), v830 = V(8, 3, 0);
	/* EVIDENCE: mysql-facts.md A1: master_info_repository absent from 8.4 (H84); removed in 8.3.0
	 * (MySQL 8.3.0 release notes: --master-info-repository and --relay-log-info-repository removed) */
	ok(!catalog_exists(mir, FLAVOR_MYSQL, &v84), "master_info_repository absent on MySQL 8.4");
	ok(!catalog_exists(mir, FLAVOR_MYSQL, &v830), "absent on MySQL 8.3.0");
	ok(catalog_exists(mir, FLAVOR_MYSQL, &v80), "present on MySQL 8.0");
	ok(catalog_removed_in(mir, FLAVOR_MYSQL, &v84, &gone) == 1, "removed on 8.4");
	ok(gone.major == 8 && gone.minor == 3 && gone.patch == 0, "removed in 8.3.0");
	ok(catalog_removed_in(mir, FLAVOR_MYSQL, &v80, &gone) == 0, "not removed on 8.0");
	/* EVIDENCE: mariadbd 10.11.19 --master-info-repository=TABLE: "is MySQL 5.6 / 5.7 compatible option.
	 * Not used or needed in MariaDB." (a warning; the server starts) */
	ok(!catalog_exists(mir, FLAVOR_MARIADB, &v1011), "master_info_repository absent on MariaDB");
	ok(catalog_ignored(mir, FLAVOR_MARIADB), "but MariaDB accepts and ignores the option");
	ok(!catalog_ignored(mir, FLAVOR_MYSQL), "MySQL does not ignore it");
	ok(catalog_removed_in(mir, FLAVOR_MARIADB, &v1011, &gone) == 0, "MariaDB never removed it");
	/* EVIDENCE: mariadbd 10.11.19 --gtid-mode=ON / --super-read-only=ON: "unknown variable" */
	ok(exists("gtid_mode", FLAVOR_MARIADB, V(10, 11, -1)) == 0, "no gtid_mode on MariaDB");
	ok(exists("super_read_only", FLAVOR_MARIADB, V(10, 6, -1)) == 0, "no super_read_only on MariaDB");
	ok(exists("gtid_strict_mode", FLAVOR_MYSQL, V(8, 4, -1)) == 0, "no gtid_strict_mode on MySQL");
	ok(exists("gtid_strict_mode", FLAVOR_MARIADB, V(11, 4, -1)) == 1, "gtid_strict_mode on MariaDB 11.4");
	/* EVIDENCE: mysql-facts.md A1 super_read_only added in 5.7.8 */
	ok(exists("super_read_only", FLAVOR_MYSQL, V(5, 6, -1)) == 0, "no super_read_only on 5.6");
	ok(exists("super_read_only", FLAVOR_MYSQL, V(5, 7, -1)) == 1, "super_read_only on 5.7");
	/* EVIDENCE: https://dev.mysql.com/doc/mysqld-version-reference/en/optvar-changes-8-4.html:
	 * binlog_transaction_dependency_tracking "Removed in version 8.4.0" */
	ok(exists("binlog_transaction_dependency_tracking", FLAVOR_MYSQL, V(8, 0, -1)) == 1, "btdt on 8.0");
	ok(exists("binlog_transaction_dependency_tracking", FLAVOR_MYSQL, V(8, 4, 0)) == 0, "btdt gone on 8.4.0");
	ok(exists("wsrep_on", FLAVOR_MYSQL, V(8, 4, -1)) == 0, "no wsrep_on on Oracle MySQL");
	/* EVIDENCE: PXC manual "Index of wsrep system variables" (8.0, 8.4): wsrep_on "Default Value: ON";
	 * MariaDB KB wsrep_on: "OFF (the default since MariaDB 10.1)", and mariadbd 10.11 with galera-4
	 * prints wsrep-on FALSE with and without wsrep_provider. Plain Percona Server has no wsrep_*. */
	ok(exists("wsrep_on", FLAVOR_PERCONA, V(8, 0, -1)) == 0, "no wsrep_on on plain Percona Server");
	ok(exists_build("wsrep_on", FLAVOR_PERCONA, FLAVOR_VARIANT_GALERA, V(8, 0, -1)) == 1,
	   "wsrep_on on Percona XtraDB Cluster");
	is_str(def_build("wsrep_on", FLAVOR_PERCONA, FLAVOR_VARIANT_GALERA, V(8, 0, -1)), "ON",
	       "PXC: wsrep_on is ON by default");
	is_str(def_build("wsrep_on", FLAVOR_PERCONA, FLAVOR_VARIANT_GALERA, V(5, 7, -1)), "ON",
	       "PXC 5.7: wsrep_on is ON by default");
	is_str(def_build("wsrep_on", FLAVOR_MYSQL, FLAVOR_VARIANT_GALERA, V(8, 0, -1)), "ON",
	       "MySQL-wsrep: wsrep_on is ON by default");
	is_str(def_build("wsrep_cluster_name", FLAVOR_PERCONA, FLAVOR_VARIANT_GALERA, V(8, 0, -1)),
	       "my_wsrep_cluster", "PXC: wsrep_cluster_name default");
	is_str(def_build("wsrep_on", FLAVOR_MARIADB, FLAVOR_VARIANT_GALERA, V(10, 11, -1)), "OFF",
	       "MariaDB Galera: wsrep_on is OFF by default");
	is_str(def_build("wsrep_on", FLAVOR_MARIADB, FLAVOR_VARIANT_PLAIN, V(10, 11, -1)), "OFF",
	       "MariaDB: wsrep_on is OFF by default");
	is_str(def_build("sync_binlog", FLAVOR_PERCONA, FLAVOR_VARIANT_GALERA, V(8, 0, -1)), "1",
	       "a variable without galera ranges: PXC takes the plain default");
	struct version in = { 0, 0, -1 };
	ok(catalog_introduced_in(var("super_read_only"), FLAVOR_MYSQL, &in) && in.major == 5 && in.minor == 7 &&
	   in.patch == 8, "super_read_only introduced in 5.7.8");
	ok(!catalog_introduced_in(var("super_read_only"), FLAVOR_MARIADB, &in), "never on MariaDB");
}

static void test_values(void)
{
	/* EVIDENCE: MySQL 8.0 mysys/my_getopt.cc get_bool_argument: true/on/1 and false/off/0, any case */
	check("relay_log_recovery", FLAVOR_MYSQL, "ON", CATALOG_VALUE_OK, "ON");
	check("relay_log_recovery", FLAVOR_MYSQL, "on", CATALOG_VALUE_OK, "ON");
	check("relay_log_recovery", FLAVOR_MYSQL, "1", CATALOG_VALUE_OK, "ON");
	check("relay_log_recovery", FLAVOR_MYSQL, "true", CATALOG_VALUE_OK, "ON");
	check("relay_log_recovery", FLAVOR_MARIADB, "TRUE", CATALOG_VALUE_OK, "ON");
	check("relay_log_recovery", FLAVOR_MYSQL, "Off", CATALOG_VALUE_OK, "OFF");
	check("relay_log_recovery", FLAVOR_MYSQL, "0", CATALOG_VALUE_OK, "OFF");
	check("relay_log_recovery", FLAVOR_MYSQL, "false", CATALOG_VALUE_OK, "OFF");
	check("relay_log_recovery", FLAVOR_MYSQL, NULL, CATALOG_VALUE_OK, "ON");
	/* EVIDENCE: mariadbd 10.11.19 --relay-log-recovery=yes: "boolean value 'yes' wasn't recognized. Set to OFF."
	 * EVIDENCE: MySQL 8.0 my_getopt.cc setval GET_BOOL: EE_INCORRECT_BOOLEAN_VALUE_FOR_OPTION, value false */
	check("relay_log_recovery", FLAVOR_MARIADB, "yes", CATALOG_VALUE_FALLBACK, "OFF");
	check("relay_log_recovery", FLAVOR_MYSQL, "yes", CATALOG_VALUE_FALLBACK, "OFF");
	check("read_only", FLAVOR_MARIADB, "2", CATALOG_VALUE_FALLBACK, "OFF");

	/* EVIDENCE: mariadbd 10.11.19 --relay-log-space-limit=1T -> 1099511627776; =1kx -> 1024; =k -> 0 */
	check("sync_binlog", FLAVOR_MYSQL, "1", CATALOG_VALUE_OK, "1");
	check("relay_log_space_limit", FLAVOR_MARIADB, "1k", CATALOG_VALUE_OK, "1024");
	check("relay_log_space_limit", FLAVOR_MARIADB, "2M", CATALOG_VALUE_OK, "2097152");
	check("relay_log_space_limit", FLAVOR_MARIADB, "1g", CATALOG_VALUE_OK, "1073741824");
	check("relay_log_space_limit", FLAVOR_MARIADB, "1T", CATALOG_VALUE_OK, "1099511627776");
	check("relay_log_space_limit", FLAVOR_MARIADB, "1kx", CATALOG_VALUE_OK, "1024");
	check("relay_log_space_limit", FLAVOR_MARIADB, "+5", CATALOG_VALUE_OK, "5");
	/* EVIDENCE: mariadbd 10.11.19 with "sync_binlog = 1 ; c" in a file: "Unknown suffix ' ' used for
	 * variable 'sync_binlog' (value '1 ; c')" and exit 9 (";" is not a comment after a value, C4) */
	check("sync_binlog", FLAVOR_MARIADB, "1 ; comment", CATALOG_VALUE_REFUSED, NULL);
	check("sync_binlog", FLAVOR_MYSQL, "1;c", CATALOG_VALUE_REFUSED, NULL);
	check("server_id", FLAVOR_MARIADB, "0x10", CATALOG_VALUE_REFUSED, NULL);
	/* EVIDENCE: mariadbd 10.11.19 "sync_binlog" bare in a file: "option '--sync_binlog' requires an argument" */
	check("sync_binlog", FLAVOR_MARIADB, NULL, CATALOG_VALUE_REFUSED, NULL);
	/* EVIDENCE: MySQL 8.0 my_getopt.cc setval: EE_OPTION_WITH_EMPTY_VALUE for numeric and enum types
	 * EVIDENCE: mariadbd 10.11.19 "sync_binlog =" -> 0, "innodb_flush_log_at_trx_commit =" -> 0, no error */
	check("sync_binlog", FLAVOR_MYSQL, "", CATALOG_VALUE_REFUSED, NULL);
	check("sync_binlog", FLAVOR_MARIADB, "", CATALOG_VALUE_FALLBACK, "0");
	check("innodb_flush_log_at_trx_commit", FLAVOR_MARIADB, "", CATALOG_VALUE_FALLBACK, "0");
	/* EVIDENCE: mariadbd 10.11.19 "server_id =" and "server_id=0": "unsigned value 0 adjusted to 1" */
	check("server_id", FLAVOR_MARIADB, "0", CATALOG_VALUE_FALLBACK, "1");
	check("server_id", FLAVOR_MYSQL, "0", CATALOG_VALUE_OK, "0");
	/* EVIDENCE: mariadbd 10.11.19 --sync-binlog=99999999999: "adjusted to 4294967295";
	 * --innodb-flush-log-at-trx-commit=5: "adjusted to 3" */
	check("sync_binlog", FLAVOR_MARIADB, "99999999999", CATALOG_VALUE_FALLBACK, "4294967295");
	check("sync_binlog", FLAVOR_MARIADB, "4G", CATALOG_VALUE_FALLBACK, "4294967295");
	check("innodb_flush_log_at_trx_commit", FLAVOR_MARIADB, "5", CATALOG_VALUE_FALLBACK, "3");
	check("innodb_flush_log_at_trx_commit", FLAVOR_MYSQL, "5", CATALOG_VALUE_FALLBACK, "2");
	/* EVIDENCE: mariadbd 10.11.19 --sync-binlog=-1: "Incorrect unsigned value: '-1'", exit 13 */
	check("sync_binlog", FLAVOR_MARIADB, "-1", CATALOG_VALUE_REFUSED, NULL);
	check("relay_log_space_limit", FLAVOR_MARIADB, "99999999999999999999999", CATALOG_VALUE_REFUSED, NULL);

	/* EVIDENCE: mariadbd 10.11.19 --binlog-format=r -> ROW, =2 -> ROW, =xx and =3 refused;
	 * MySQL 8.0 my_getopt.cc setval GET_ENUM: find_type, else the ordinal */
	check("binlog_format", FLAVOR_MYSQL, "row", CATALOG_VALUE_OK, "ROW");
	check("binlog_format", FLAVOR_MARIADB, "r", CATALOG_VALUE_OK, "ROW");
	check("binlog_format", FLAVOR_MARIADB, "2", CATALOG_VALUE_OK, "ROW");
	check("binlog_format", FLAVOR_MARIADB, "0", CATALOG_VALUE_OK, "MIXED");
	check("binlog_format", FLAVOR_MARIADB, "3", CATALOG_VALUE_REFUSED, NULL);
	check("binlog_format", FLAVOR_MARIADB, "xx", CATALOG_VALUE_REFUSED, NULL);
	check("slave_parallel_mode", FLAVOR_MARIADB, "opt", CATALOG_VALUE_OK, "optimistic");
	check("gtid_mode", FLAVOR_MYSQL, "on", CATALOG_VALUE_OK, "ON");
	check("gtid_mode", FLAVOR_MYSQL, "ON_", CATALOG_VALUE_OK, "ON_PERMISSIVE");
	check("gtid_mode", FLAVOR_MYSQL, "O", CATALOG_VALUE_REFUSED, NULL);
	/* EVIDENCE: mariadbd 10.11.19 "slave_parallel_mode =" -> none (ordinal 0); "binlog_format" bare refused */
	check("slave_parallel_mode", FLAVOR_MARIADB, "", CATALOG_VALUE_FALLBACK, "none");
	check("binlog_format", FLAVOR_MYSQL, "", CATALOG_VALUE_REFUSED, NULL);
	check("binlog_format", FLAVOR_MARIADB, NULL, CATALOG_VALUE_REFUSED, NULL);
	/* EVIDENCE: corpus cnf/datacharmer-my-gtid.cnf uses a bare enforce-gtid-consistency on MySQL 5.6/5.7 */
	check("enforce_gtid_consistency", FLAVOR_MYSQL, NULL, CATALOG_VALUE_OK, "ON");
	check("wsrep_cluster_name", FLAVOR_MARIADB, "Prod East", CATALOG_VALUE_OK, "Prod East");

	/* the flavor-less function reads as MySQL */
	char *out = NULL;
	const char *why = NULL;
	is_int(catalog_normalize(var("read_only"), "yes", &out, &why), -1, "catalog_normalize: yes is -1");
	is_str(out, "OFF", "catalog_normalize: yes falls back to OFF");
	free(out);
	is_int(catalog_normalize(var("sync_binlog"), "1 ; c", &out, &why), -1, "catalog_normalize: refused");
	ok(out == NULL && why != NULL, "catalog_normalize: refused has no value and a reason");
	is_int(catalog_normalize(var("read_only"), "true", &out, &why), 0, "catalog_normalize: true");
	is_str(out, "ON", "catalog_normalize: true is ON");
	free(out);
}

/* Load text as a catalog file; return the diagnostics as one string (caller frees). */
static char *load_bad(const char *text, int *rc)
{
	char path[] = "/tmp/crashsafe-test-catalog-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	struct catalog c;
	struct diag_list d;
	catalog_init(&c);
	diag_list_init(&d);
	*rc = catalog_load(&c, path, &d);
	struct strbuf sb = { 0 };
	for (size_t i = 0; i < d.n; i++)
		strbuf_addf(&sb, "%u:%s|", d.items[i].line, d.items[i].message);
	catalog_release(&c);
	diag_list_release(&d);
	unlink(path);
	return sb.buf ? strbuf_detach(&sb) : xstrdup("");
}

static void bad(const char *text, const char *want_line_and_text, const char *name)
{
	int rc;
	char *diags = load_bad(text, &rc);
	ok(rc == -1, "malformed catalog: %s: load fails", name);
	ok(strstr(diags, want_line_and_text) != NULL, "malformed catalog: %s: '%s'", name, want_line_and_text);
	if (!strstr(diags, want_line_and_text))
		printf("#   diagnostics: %s\n", diags);
	free(diags);
}

static void test_malformed(void)
{
	bad("[x]\ntitle = t\ntype = number\n", "3:unknown type 'number'", "bad type");
	bad("[x]\ntitle = t\ntype = bool\ncolour = red\n", "4:unknown key 'colour'", "unknown key");
	bad("[x]\ntitle = t\ntype = bool\ndefault.oracle = 5.0:ON\n", "4:unknown key 'default.oracle'", "bad flavor");
	bad("[x]\ntitle = t\ntype = uint\ndefault.mysql = 5.0:1 5.7\n", "4:bad default '5.7'", "default without value");
	bad("[x]\ntitle = t\ntype = uint\ndefault.mysql = 5.7:1 5.6:2\n", "4:default.mysql versions must ascend", "descending");
	bad("[x]\ntitle = t\ntype = bool\ndefault.mysql = 5.0:maybe\n", "4:default 'maybe' in [x]", "bad default value");
	bad("[x]\ntitle = t\ntype = enum\ndefault.mysql = 5.0:A\n", "2:[x] is an enum without values", "enum without values");
	bad("[x]\ntitle = t\ntype = bool\nremoved.mysql = 8.0\n", "removed.mysql without default.mysql", "removed only");
	bad("[x]\ntitle = t\ntype = bool\ndefault.mysql = 8.0:ON\nremoved.mysql = 5.7\n", "is not after the last default", "removed early");
	bad("[x]\ntitle = t\ntype = bool\nnames.mysql = y\n", "4:name 'y' in [x] is neither", "names not an alias");
	bad("[x]\ntitle = t\n[y]\ntitle = u\n[x]\ntype = bool\n", "6:duplicate section [x]", "duplicate section");
	bad("[x]\ntitle = t\n[x]\ntitle = u\n", "4:key 'title' given twice", "repeated section, repeated key");
	bad("[x]\ntitle = t\nthis line has no equals sign\n", "3:syntax error", "syntax error");
	bad("[x]\ntype = bool\n", "[x] has no title", "no title");
	bad("[x]\ntitle = t\ntype = bool\ndefault.mysql.wsrep = 5.0:ON\n", "4:unknown key 'default.mysql.wsrep'",
	    "a build other than galera");
	bad("[x]\ntitle = t\ntype = uint\nmax.mysql.galera = 5\n", "4:unknown key 'max.mysql.galera'",
	    "only default takes a build");
	bad("[x]\ntitle = t\ntype = bool\ndefault.mysql.galera = 5.0:yes\n", "4:default 'yes' in [x]",
	    "a galera default is checked like the others");
	bad("[x]\ntitle = t\ntype = bool\ndefault.percona.galera = 5.7:ON\ndefault.percona.galera = 8.0:ON\n",
	    "5:key 'default.percona.galera' given twice", "a galera default given twice");

	int rc;
	char *diags = load_bad("[x]\ntitle = t\ntype = bool\ndefault.mysql = 5.0:ON\n", &rc);
	ok(rc == 0 && !*diags, "a minimal entry loads");
	free(diags);

	/* bad_bool.FLAVOR = ignore. EVIDENCE: mariadbd 10.11.19 --innodb-doublewrite=yes: "ignoring option
	 * '--innodb-doublewrite' due to invalid value 'yes'" (a plugin boolean), where server booleans set OFF */
	char path[] = "/tmp/crashsafe-test-catalog-XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	fputs("[dw]\ntitle = t\ntype = bool\ndefault.mysql = 5.0:ON\ndefault.mariadb = 10.0:ON\n"
	      "bad_bool.mariadb = ignore\nmin.mariadb = 1\n", fp);
	fclose(fp);
	struct catalog c;
	struct diag_list d;
	catalog_init(&c);
	diag_list_init(&d);
	int loaded = catalog_load(&c, path, &d);
	unlink(path);
	ok(loaded == -1, "min on a bool is an error");
	catalog_release(&c);
	diag_list_release(&d);
	char path2[] = "/tmp/crashsafe-test-catalog-XXXXXX";
	fd = mkstemp(path2);
	fp = fdopen(fd, "w");
	fputs("[dw]\ntitle = t\ntype = bool\ndefault.mysql = 5.0:ON\ndefault.mariadb = 10.0:ON\n"
	      "bad_bool.mariadb = ignore\n", fp);
	fclose(fp);
	catalog_init(&c);
	diag_list_init(&d);
	is_int(catalog_load(&c, path2, &d), 0, "bad_bool entry loads");
	unlink(path2);
	const struct catalog_var *dw = catalog_lookup(&c, "dw");
	char *out = NULL;
	const char *why = NULL;
	ok(dw && catalog_check_value(dw, FLAVOR_MARIADB, "yes", &out, &why) == CATALOG_VALUE_IGNORED && !out,
	   "bad_bool.mariadb = ignore: yes is ignored on MariaDB");
	free(out);
	ok(dw && catalog_check_value(dw, FLAVOR_MYSQL, "yes", &out, &why) == CATALOG_VALUE_FALLBACK, "but OFF on MySQL");
	free(out);
	catalog_release(&c);
	diag_list_release(&d);

	catalog_init(&c);
	diag_list_init(&d);
	is_int(catalog_load(&c, "/nonexistent/variables.ini", &d), -1, "a missing catalog fails");
	ok(d.n == 1 && d.items[0].level == DIAG_ERROR, "with one error");
	catalog_release(&c);
	diag_list_release(&d);
}

/* catalog_lookup() as a scan: the index entry equal to name with '-' as '_'. */
static const struct catalog_var *lookup_by_scan(const char *name)
{
	char key[300];
	size_t i;
	for (i = 0; name[i] && i + 1 < sizeof(key); i++)
		key[i] = name[i] == '-' ? '_' : name[i];
	key[i] = '\0';
	for (size_t k = 0; k < cat.nindex; k++)
		if (!strcmp(cat.index[k].name, key))
			return &cat.vars[cat.index[k].var];
	return NULL;
}

/*
 * Issue 13: catalog_lookup() compares the name with '-' read as '_' instead
 * of copying it into a key first: it finds what a scan of the index finds,
 * for every name and alias, dashed, cut short, lengthened, and case-changed.
 */
static void test_lookup_all(void)
{
	size_t bad = 0, tried = 0;
	char buf[300];
	for (size_t k = 0; k < cat.nindex; k++) {
		const char *name = cat.index[k].name;
		size_t n = strlen(name);
		const char *variants[5];
		char dashed[300], shorter[300], longer[300], upper[300];
		snprintf(dashed, sizeof(dashed), "%s", name);
		for (char *p = dashed; *p; p++)
			if (*p == '_')
				*p = '-';
		snprintf(shorter, sizeof(shorter), "%.*s", (int)(n ? n - 1 : 0), name);
		snprintf(longer, sizeof(longer), "%s_", name);
		snprintf(upper, sizeof(upper), "%s", name);
		upper[0] = (char)(upper[0] >= 'a' && upper[0] <= 'z' ? upper[0] - 'a' + 'A' : upper[0]);
		variants[0] = name;
		variants[1] = dashed;
		variants[2] = shorter;
		variants[3] = longer;
		variants[4] = upper;
		for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
			tried++;
			if (catalog_lookup(&cat, variants[v]) != lookup_by_scan(variants[v])) {
				bad++;
				printf("# catalog_lookup('%s') differs from a scan\n", variants[v]);
			}
		}
		if (catalog_lookup(&cat, name) != &cat.vars[cat.index[k].var]) {
			bad++;
			printf("# catalog_lookup('%s') is not its entry's variable\n", name);
		}
	}
	memset(buf, 'a', 290);
	buf[290] = '\0';
	ok(catalog_lookup(&cat, buf) == NULL && catalog_lookup(&cat, "") == NULL && catalog_lookup(&cat, "-") == NULL,
	   "a long name, an empty one and a lone '-' are not found");
	ok(tried > 100, "%zu names tried", tried);
	is_int((long)bad, 0, "catalog_lookup() finds what a scan of the index finds");
}

int main(void)
{
	struct diag_list d;
	catalog_init(&cat);
	diag_list_init(&d);
	int rc = catalog_load(&cat, CATALOG_PATH, &d);
	diag_print(&d, stdout);
	if (!ok(rc == 0 && d.n == 0, "%s loads without a diagnostic", CATALOG_PATH))
		return done_testing();
	ok(cat.n >= 40, "the catalog has every variable the rules use (%zu)", cat.n);
	/* every variable of mysql-facts.md A1 and A2 */
	static const char *const required[] = {
		"relay_log_recovery", "relay_log_purge", "master_info_repository", "relay_log_info_repository",
		"sync_source_info", "sync_relay_log_info", "sync_relay_log", "sync_binlog",
		"innodb_flush_log_at_trx_commit", "innodb_doublewrite", "read_only", "super_read_only",
		"gtid_mode", "enforce_gtid_consistency", "server_id", "server_uuid", "log_bin",
		"log_replica_updates", "binlog_format", "binlog_checksum", "source_verify_checksum",
		"replica_sql_verify_checksum", "replica_parallel_workers", "replica_parallel_type",
		"replica_preserve_commit_order", "skip_replica_start", "binlog_order_commits",
		"innodb_flush_method", "relay_log_space_limit", "gtid_strict_mode", "gtid_slave_pos",
		"gtid_pos_auto_engines", "gtid_domain_id", "gtid_ignore_duplicates", "slave_parallel_mode",
		"slave_domain_parallel_threads", "wsrep_on", "wsrep_provider", "wsrep_cluster_name",
		"wsrep_gtid_mode", "wsrep_gtid_domain_id", "version", "version_comment",
	};
	for (size_t i = 0; i < ARRAY_SIZE(required); i++)
		ok(catalog_lookup(&cat, required[i]) != NULL, "catalog has %s", required[i]);
	test_names();
	test_lookup_all();
	test_types();
	test_defaults();
	test_existence();
	test_values();
	test_malformed();
	catalog_release(&cat);
	diag_list_release(&d);
	return done_testing();
}
