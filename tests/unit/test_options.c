/*
 * test_options.c - the full option catalog (options.c and the table the
 * build generates from rules/options.tsv).
 *
 * 1. The compiled table equals the data file, row by row (the awk generator
 *    is checked against its input; runs from the repository root).
 * 2. Lookups: coverage decides (present / absent / uncertain) per product
 *    and release.
 * 3. Value parsing per flavor, on hand-made entries, each case citing the
 *    server source or the mariadbd run that shows it.
 */
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "tap.h"

#include "banned.h"

/* ---- 1. the table equals rules/options.tsv -------------------------------- */

static int pack(const char *v)
{
	int a = 0, b = 0, c = 0;
	int n = sscanf(v, "%d.%d.%d", &a, &b, &c);
	return n >= 2 ? a * 10000 + b * 100 + c : -2;
}

static void spec(const char *s, int is_from, int *lo, int *hi)
{
	const char *dots = strstr(s, "..");
	if (!strcmp(s, "-")) {
		*lo = *hi = OPTIONS_OPEN;
	} else if (dots) {
		*lo = dots == s ? -1 : pack(s);
		*hi = pack(dots + 2);
	} else {
		*hi = pack(s);
		*lo = *hi - 1;
	}
	(void)is_from;
}

static int same(const char *table, const char *file, const char *null_marker)
{
	if (!strcmp(file, null_marker))
		return table == NULL;
	return table && !strcmp(table, file);
}

static const char *const type_names[] = { "bool", "noarg", "int", "uint", "num", "double", "enum",
					  "multienum", "set", "flagset", "string" };
static const char *const arg_names[] = { "req", "opt", "none" };

static int row_matches(const struct options_entry *e, char **col)
{
	int flo, fhi, ulo, uhi;
	spec(col[2], 1, &flo, &fhi);
	spec(col[3], 0, &ulo, &uhi);
	unsigned flags = 0;
	const char *bare = NULL, *alias = NULL;
	char *fl = col[11];
	for (char *save = NULL, *w = strtok_r(fl, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!strcmp(w, "session"))
			flags |= OPTIONS_F_SESSION;
		else if (!strcmp(w, "auto"))
			flags |= OPTIONS_F_AUTO;
		else if (!strcmp(w, "struct"))
			flags |= OPTIONS_F_STRUCT;
		else if (!strncmp(w, "bare=", 5))
			bare = w + 5;
		else if (!strncmp(w, "alias=", 6))
			alias = w + 6;
	}
	return !strcmp(e->name, col[1]) && !strcmp(options_product_name(e->product), col[0]) &&
	       !strcmp(type_names[e->type], col[4]) && !strcmp(arg_names[e->arg], col[5]) &&
	       e->from_lo == flo && e->from_hi == fhi && e->until_lo == ulo && e->until_hi == uhi &&
	       same(e->values, col[6], "") && same(e->def, col[7], "\\N") && same(e->min, col[8], "") &&
	       same(e->max, col[9], "") && same(e->block, col[10], "") && e->flags == flags &&
	       ((!bare && !e->bare) || (bare && e->bare && !strcmp(bare, e->bare))) &&
	       ((!alias && !e->aliases) || (alias && e->aliases && !strcmp(alias, e->aliases))) &&
	       same(e->provider, col[12], "") && same(e->replacement, col[13], "");
}

static void test_table_equals_file(void)
{
	FILE *fp = fopen("rules/options.tsv", "r");
	if (!ok(fp != NULL, "rules/options.tsv opens (run from the repository root)"))
		return;
	char line[8192];
	size_t rows = 0, bad = 0, releases = 0, plugins = 0;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "#@release\t", 10)) {
			releases++;
			continue;
		}
		if (!strncmp(line, "#@plugin\t", 9)) {
			plugins++;
			continue;
		}
		if (line[0] == '#' || !line[0])
			continue;
		char *col[15];
		size_t n = 0;
		char *p = line;
		while (n < 15) {
			col[n++] = p;
			char *tab = strchr(p, '\t');
			if (!tab)
				break;
			*tab = '\0';
			p = tab + 1;
		}
		if (n != 15 || rows >= options_nentries || !row_matches(options_entry_at(rows), col)) {
			if (bad++ < 5)
				printf("# row %zu (%s) differs from the table\n", rows + 1, col[1]);
		}
		rows++;
	}
	fclose(fp);
	is_int((long)rows, (long)options_nentries, "the table has as many rows as rules/options.tsv");
	is_int((long)bad, 0, "every row of the table equals its line of rules/options.tsv");
	is_int((long)releases, (long)options_nreleases, "every #@release line is in the table");
	is_int((long)plugins, (long)options_nplugins, "every #@plugin line is in the table");
	int sorted = 1;
	for (size_t i = 1; i < options_nentries; i++)
		if (strcmp(options_name_at(i - 1), options_name_at(i)) > 0)
			sorted = 0;
	ok(sorted, "the table is sorted by name (binary search)");
	/* options_upper: the first row of every name with a capital (MariaDB's case-insensitive lookup) */
	size_t upper = 0, listed = 0;
	for (size_t i = 0; i < options_nentries; i++) {
		const char *name = options_name_at(i);
		if (strcspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == strlen(name) ||
		    (i && !strcmp(options_name_at(i - 1), name)))
			continue;
		upper++;
		for (size_t k = 0; k < options_nupper; k++)
			listed += options_upper[k] == i;
	}
	ok(upper > 0 && listed == upper && options_nupper == upper,
	   "options_upper lists the first row of each of the %zu names with a capital (%zu listed)", upper,
	   (size_t)options_nupper);
	ok(options_entry_at(3) == options_entry_at(3) && !strcmp(options_entry_at(3)->name, options_name_at(3)),
	   "an entry made from a row is made once, with the row's name");
}

/* ---- 2. lookups ------------------------------------------------------------ */

static enum options_state state_of(enum options_product p, int major, int minor, int patch, const char *name)
{
	struct options_target t;
	struct version v = { major, minor, patch };
	struct options_lookup l;
	options_target_init(&t, p, &v);
	options_lookup(&t, name, &l);
	return l.state;
}

static void test_lookups(void)
{
	/* EVIDENCE: mariadbd 10.11.19 --verbose --help lists relay-log-recovery, not super-read-only */
	is_int(state_of(OPTIONS_MARIADB, 10, 11, 19, "relay_log_recovery"), OPTIONS_PRESENT,
	       "MariaDB 10.11.19: relay_log_recovery exists");
	is_int(state_of(OPTIONS_MARIADB, 10, 11, 19, "relay-log-recovery"), OPTIONS_PRESENT,
	       "'-' and '_' are the same");
	is_int(state_of(OPTIONS_MARIADB, 10, 11, -1, "relay_log_recovey"), OPTIONS_ABSENT,
	       "MariaDB 10.11: a typo is absent (the 10.11.19 list decides)");
	is_int(state_of(OPTIONS_MARIADB, 10, 11, 19, "super_read_only"), OPTIONS_ABSENT,
	       "MariaDB 10.11.19: no super_read_only");
	is_int(state_of(OPTIONS_MARIADB, 10, 11, 19, "wsrep_slave_FK_checks"), OPTIONS_PRESENT,
	       "names keep their case");
	/* EVIDENCE: mariadbd 10.11.19 --wsrep_slave_fk_checks=OFF and --SYNC_BINLOG=5 --verbose --help set
	 * wsrep-slave-FK-checks and sync-binlog (exit 0): MariaDB ignores the case of option names */
	is_int(state_of(OPTIONS_MARIADB, 10, 11, 19, "wsrep_slave_fk_checks"), OPTIONS_PRESENT,
	       "MariaDB: names in another case are the same option");
	is_int(state_of(OPTIONS_MARIADB, 10, 11, 19, "SYNC_BINLOG"), OPTIONS_PRESENT, "MariaDB: SYNC_BINLOG");
	/* EVIDENCE: MySQL 8.0.43 mysys/my_getopt.cc getopt_compare_strings compares bytes ('-' = '_') */
	is_int(state_of(OPTIONS_MYSQL, 8, 0, 43, "SYNC_BINLOG"), OPTIONS_ABSENT, "MySQL: names are case-sensitive");
	is_int(state_of(OPTIONS_MARIADB, 9, 5, 1, "relay_log_recovey"), OPTIONS_UNCERTAIN,
	       "a release with no list near it: uncertain, never absent");
	struct options_target t;
	struct version v = { 10, 11, 19 };
	const struct options_entry *cand[8];
	int unc = 0;
	options_target_init(&t, OPTIONS_MARIADB, &v);
	/* EVIDENCE: mariadbd 10.11.19 --sync=1: "ambiguous option '--sync=1' (sync_frm, sync_master_info)" */
	ok(options_prefix(&t, "sync", cand, 8, &unc) > 1, "MariaDB: 'sync' prefixes several options");
	/* EVIDENCE: mariadbd 10.11.19 --relay-log-rec=ON: "Using unique option prefix" and TRUE */
	ok(options_prefix(&t, "relay_log_rec", cand, 8, &unc) == 1 && !strcmp(cand[0]->name, "relay_log_recovery"),
	   "MariaDB: 'relay_log_rec' abbreviates relay_log_recovery alone");
	ok(options_prefix(&t, "innodb_flush_log", cand, 8, &unc) == 2,
	   "MariaDB: 'innodb_flush_log' prefixes innodb_flush_log_at_timeout and _at_trx_commit");
}

/* The lookup of one name: its state and the listed release that decided (packed). */
static enum options_state lookup_listed(enum options_product p, int major, int minor, int patch, const char *name,
					int *listed)
{
	struct options_target t;
	struct version v = { major, minor, patch };
	struct options_lookup l;
	options_target_init(&t, p, &v);
	options_lookup(&t, name, &l);
	*listed = l.listed;
	return l.state;
}

/* The release (packed) that removed name on p at the version, or 0 when the lookup names none. */
static int removed_in(enum options_product p, int major, int minor, int patch, const char *name)
{
	struct options_target t;
	struct version v = { major, minor, patch };
	struct options_lookup l;
	options_target_init(&t, p, &v);
	options_lookup(&t, name, &l);
	if (l.state != OPTIONS_ABSENT || !l.last)
		return 0;
	return l.last->until_hi;
}

static void test_releases_mysql(void)
{
	int listed = 0;
	/* EVIDENCE: Shannon-Data/ShannonBase@d1995626 (MYSQL_VERSION 8.4.8) mysqld--help-notwin.result lists
	 * check-table-functions; MySQL Server Version Reference optvar-changes-8-4: "Introduced in version 8.4.5" */
	is_int(state_of(OPTIONS_MYSQL, 8, 4, 8, "check_table_functions"), OPTIONS_PRESENT,
	       "MySQL 8.4.8 list: check_table_functions exists");
	is_int(state_of(OPTIONS_MYSQL, 8, 4, 5, "check_table_functions"), OPTIONS_PRESENT,
	       "MySQL 8.4.5: check_table_functions (added in 8.4.5)");
	ok(state_of(OPTIONS_MYSQL, 8, 4, 3, "check_table_functions") != OPTIONS_PRESENT,
	   "MySQL 8.4.3 (ShannonBase@a5905c40 list): no check_table_functions");
	/* EVIDENCE: optvar-changes-8-3: innodb_api_* removed in 8.3.0 (ShannonBase's sources still define them) */
	is_int(removed_in(OPTIONS_MYSQL, 8, 4, 8, "innodb_api_trx_level"), pack("8.3.0"),
	       "MySQL 8.4.8: innodb_api_trx_level removed in 8.3.0, though the fork's source keeps it");
	is_int(state_of(OPTIONS_MYSQL, 8, 4, 8, "innodb_redo_log_capacity"), OPTIONS_PRESENT,
	       "MySQL 8.4.8: innodb_redo_log_capacity (ha_innodb.cc)");
	/* EVIDENCE: optvar-changes-9-0: mysql-native-password removed in 9.0.0; present in the 8.4.8 list */
	is_int(state_of(OPTIONS_MYSQL, 8, 4, 8, "mysql_native_password"), OPTIONS_PRESENT,
	       "MySQL 8.4.8: mysql_native_password exists");
	is_int(removed_in(OPTIONS_MYSQL, 9, 5, 0, "mysql_native_password"), pack("9.0.0"),
	       "MySQL 9.5: mysql_native_password removed in 9.0.0");
	/* EVIDENCE: villagesql/villagesql-server@e5f09548 (a 9.3 tree) option table lists replica-parallel-type;
	 * percona/percona-xtrabackup@f92d0217 (9.5-9.6) does not */
	is_int(state_of(OPTIONS_MYSQL, 9, 3, 1, "replica_parallel_type"), OPTIONS_PRESENT,
	       "MySQL 9.3: replica_parallel_type still exists");
	is_int(state_of(OPTIONS_MYSQL, 9, 5, 0, "replica_parallel_type"), OPTIONS_ABSENT,
	       "MySQL 9.5: replica_parallel_type is gone");
	is_int(state_of(OPTIONS_MYSQL, 9, 5, 0, "container_aware"), OPTIONS_PRESENT, "MySQL 9.5: container_aware");
	is_int(state_of(OPTIONS_MYSQL, 9, 3, 0, "container_aware"), OPTIONS_ABSENT,
	       "MySQL 9.3: no container_aware (absent from its table)");
	is_int(lookup_listed(OPTIONS_MYSQL, 9, 6, 1, "relay_log_recovey", &listed), OPTIONS_ABSENT,
	       "MySQL 9.6.1: a typo is unknown");
	is_int(listed, pack("9.6.0"), "MySQL 9.6.1: the 9.6.0 list decided (nearest listed release)");
	is_int(lookup_listed(OPTIONS_MYSQL, 8, 4, 2, "relay_log_recovey", &listed), OPTIONS_ABSENT,
	       "MySQL 8.4.2: a typo is unknown");
	is_int(listed, pack("8.4.0"), "MySQL 8.4.2: the 8.4.0 list decided");
	/* EVIDENCE: optvar-changes-9-7: replica_allow_higher_version_source introduced in 9.7.0 */
	is_int(state_of(OPTIONS_MYSQL, 9, 7, 0, "replica_allow_higher_version_source"), OPTIONS_PRESENT,
	       "MySQL 9.7.0: replica_allow_higher_version_source");
	/* EVIDENCE: AKJUS/mysql-server@4299c713 (MYSQL_VERSION 9.7.0) mysqld--help-notwin.result option table: the
	 * 9.5 table plus caching-sha2-password-enforce-storage-format, caching-sha2-password-storage-format,
	 * replica-allow-higher-version-source; no enable-cascade-triggers (optvar-changes-9-7 names it) */
	is_int(state_of(OPTIONS_MYSQL, 9, 7, 0, "enable_cascade_triggers"), OPTIONS_UNCERTAIN,
	       "MySQL 9.7.0: enable_cascade_triggers (documented, not in the 9.7 table) is not judged");
	is_int(state_of(OPTIONS_MYSQL, 9, 7, 1, "relay_log_recovey"), OPTIONS_ABSENT, "MySQL 9.7.1: a typo is unknown");
	is_int(state_of(OPTIONS_MYSQL, 9, 6, 1, "replica_allow_higher_version_source"), OPTIONS_ABSENT,
	       "MySQL 9.6.1: no replica_allow_higher_version_source (the 9.6.0 list decides; added in 9.7.0)");
	is_int(state_of(OPTIONS_MYSQL, 9, 4, 0, "relay_log_recovey"), OPTIONS_UNCERTAIN,
	       "MySQL 9.4: no list of that release series, never absent");
	/* EVIDENCE: villagesql/villagesql-server@0cec592 (Percona Server 8.4 fork) option table: userstat,
	 * kill-idle-transaction; optvar-changes-8-3: innodb_api_* removed in 8.3.0 */
	is_int(state_of(OPTIONS_PERCONA, 8, 4, 5, "userstat"), OPTIONS_PRESENT, "Percona 8.4.5: userstat");
	/* EVIDENCE: the PXC 8.4 table (kamil-holubicki/percona-xtradb-cluster@2599271b, before 8.4.5) has no
	 * performance-schema-logger, the Percona 8.4.5 one has it */
	is_int(state_of(OPTIONS_PERCONA, 8, 4, 5, "performance_schema_logger"), OPTIONS_PRESENT,
	       "Percona 8.4.5: performance_schema_logger");
	is_int(state_of(OPTIONS_PERCONA, 8, 4, 2, "performance_schema_logger"), OPTIONS_UNCERTAIN,
	       "Percona 8.4.2: performance_schema_logger not judged (added between 8.4.0 and 8.4.5)");
	is_int(state_of(OPTIONS_PERCONA, 8, 4, 5, "kill_idle_transaction"), OPTIONS_PRESENT,
	       "Percona 8.4.5: kill_idle_transaction");
	ok(state_of(OPTIONS_MYSQL, 8, 4, 8, "userstat") != OPTIONS_PRESENT, "MySQL 8.4.8: no userstat");
	is_int(removed_in(OPTIONS_PERCONA, 8, 4, 5, "innodb_api_trx_level"), pack("8.3.0"),
	       "Percona 8.4.5: innodb_api_trx_level removed in 8.3.0");
	is_int(state_of(OPTIONS_PERCONA, 8, 4, 5, "villagesql_skip_extension_updates"), OPTIONS_ABSENT,
	       "Percona 8.4.5: the fork's own options are not Percona's");
}

static void test_releases_mariadb(void)
{
	int listed = 0;
	/* EVIDENCE: DeanKamali/server@917c99f1 mysql-test/main/mysqld--help.result (an 11.4 tree) option table:
	 * binlog-gtid-index, max-binlog-total-size; mariadbd 10.11.19 --verbose --help lists neither */
	is_int(state_of(OPTIONS_MARIADB, 11, 4, 5, "binlog_gtid_index"), OPTIONS_PRESENT,
	       "MariaDB 11.4.5: binlog_gtid_index exists");
	is_int(state_of(OPTIONS_MARIADB, 11, 4, 5, "max_binlog_total_size"), OPTIONS_PRESENT,
	       "MariaDB 11.4.5: max_binlog_total_size exists");
	is_int(state_of(OPTIONS_MARIADB, 10, 11, 19, "binlog_gtid_index"), OPTIONS_ABSENT,
	       "MariaDB 10.11.19: no binlog_gtid_index");
	is_int(state_of(OPTIONS_MARIADB, 10, 6, 20, "binlog_gtid_index"), OPTIONS_ABSENT,
	       "MariaDB 10.6.20: no binlog_gtid_index (the 10.6 list decides)");
	/* EVIDENCE: Olernov/server@9fbf1db5 (a 10.6 tree) option table lists date-format and time-format; the 11.4
	 * table does not. MariaDB keeps many removed options as accepted and ignored (mariadbd 10.11.19:
	 * innodb_file_format "does nothing now"), so the 11.4 list cannot prove them unknown */
	is_int(state_of(OPTIONS_MARIADB, 10, 6, 20, "date_format"), OPTIONS_PRESENT, "MariaDB 10.6: date_format exists");
	is_int(state_of(OPTIONS_MARIADB, 11, 4, 5, "date_format"), OPTIONS_UNCERTAIN,
	       "MariaDB 11.4: date_format is gone from the table: not known, never 'refuses'");
	is_int(state_of(OPTIONS_MARIADB, 11, 4, 5, "relay_log_recovery"), OPTIONS_PRESENT,
	       "MariaDB 11.4: relay_log_recovery");
	is_int(lookup_listed(OPTIONS_MARIADB, 10, 6, 20, "relay_log_recovey", &listed), OPTIONS_ABSENT,
	       "MariaDB 10.6.20: a typo is unknown");
	is_int(listed, pack("10.6.1"), "MariaDB 10.6.20: the 10.6.1 list decided");
	is_int(lookup_listed(OPTIONS_MARIADB, 11, 4, 9, "relay_log_recovey", &listed), OPTIONS_ABSENT,
	       "MariaDB 11.4.9: a typo is unknown");
	is_int(listed, pack("11.4.1"), "MariaDB 11.4.9: the 11.4.1 list decided");
	/* the 10.6 tree is older than 10.6.16, which added note_verbosity (mariadbd 10.11.19 has it) */
	is_int(state_of(OPTIONS_MARIADB, 10, 6, 20, "note_verbosity"), OPTIONS_UNCERTAIN,
	       "MariaDB 10.6.20: note_verbosity not in the 10.6 tree's table: not known, never unknown");
	is_int(state_of(OPTIONS_MARIADB, 10, 6, 20, "innodb_buffer_pool_size"), OPTIONS_PRESENT,
	       "MariaDB 10.6: innodb_buffer_pool_size (kept from 10.11.19: the table leaves InnoDB out)");
	/* EVIDENCE: SenZhangAI/server@8d9c207d mysql-test/main/mysqld--help.result (an early 10.5 tree) option table:
	 * binlog-row-metadata, thread-pool-dedicated-listener; no require-secure-transport (10.5.2) */
	is_int(lookup_listed(OPTIONS_MARIADB, 10, 5, 20, "relay_log_recovey", &listed), OPTIONS_ABSENT,
	       "MariaDB 10.5.20: a typo is unknown");
	is_int(listed, pack("10.5.0"), "MariaDB 10.5.20: the 10.5.0 list decided");
	{
		struct options_target t;
		struct version v = { 10, 5, 20 };
		struct options_lookup l;
		options_target_init(&t, OPTIONS_MARIADB, &v);
		options_lookup(&t, "binlog_row_metadata", &l);
		ok(l.state == OPTIONS_PRESENT && l.entry && !strcmp(l.entry->def, "NO_LOG"),
		   "MariaDB 10.5: binlog_row_metadata, default NO_LOG (the 10.5 table prints NO_LOG)");
	}
	is_int(state_of(OPTIONS_MARIADB, 10, 4, 30, "binlog_row_metadata"), OPTIONS_ABSENT,
	       "MariaDB 10.4.30: no binlog_row_metadata (the 10.4.12 list decides)");
	is_int(state_of(OPTIONS_MARIADB, 10, 5, 20, "require_secure_transport"), OPTIONS_UNCERTAIN,
	       "MariaDB 10.5.20: require_secure_transport (10.5.2, after the tree) is not judged");
	is_int(state_of(OPTIONS_MARIADB, 10, 5, 20, "binlog_gtid_index"), OPTIONS_ABSENT,
	       "MariaDB 10.5: no binlog_gtid_index (11.4 has it, 10.11 does not)");
	is_int(state_of(OPTIONS_MARIADB, 10, 3, 9, "relay_log_recovey"), OPTIONS_UNCERTAIN,
	       "MariaDB 10.3: no list of that release series, never absent");
	/* EVIDENCE: mariadbd 10.11.19 --loose-innodb-checksums=1 --verbose --help: "unknown variable
	 * 'loose-innodb-checksums=1'", while --loose-innodb-log-optimize-ddl=1 "was removed. It does nothing now"
	 * (the probe of names the server does not print once read every name as accepted) */
	is_int(state_of(OPTIONS_MARIADB, 10, 11, 19, "innodb_checksums"), OPTIONS_ABSENT,
	       "MariaDB 10.11.19: innodb_checksums is unknown");
	is_int(state_of(OPTIONS_MARIADB, 10, 11, 19, "innodb_log_optimize_ddl"), OPTIONS_PRESENT,
	       "MariaDB 10.11.19: innodb_log_optimize_ddl is accepted (and ignored)");
	/* EVIDENCE: the MariaDB manual's InnoDB variables page (rusher/mariadb-docs@8e285b6a) has no
	 * innodb_redo_log_capacity (a MySQL 8.0.30+ option), and no MariaDB list has it; the 10.6 and 11.4 tables
	 * leave InnoDB out, so only names some MariaDB release had stay unjudged there */
	is_int(state_of(OPTIONS_MARIADB, 10, 6, 20, "innodb_redo_log_capacity"), OPTIONS_ABSENT,
	       "MariaDB 10.6: innodb_redo_log_capacity is unknown (no MariaDB ever had it)");
	is_int(state_of(OPTIONS_MARIADB, 11, 4, 5, "innodb_redo_log_capacity"), OPTIONS_ABSENT,
	       "MariaDB 11.4: innodb_redo_log_capacity is unknown");
	is_int(state_of(OPTIONS_MARIADB, 10, 6, 20, "innodb_checksums"), OPTIONS_UNCERTAIN,
	       "MariaDB 10.6: innodb_checksums (10.4.12 had it) is not judged");
	/* EVIDENCE: the MariaDB manual's Galera variables page (rusher/mariadb-docs@8e285b6a
	 * galera-cluster/reference/galera-cluster-system-variables.md) has wsrep_strict_ddl, not PXC's
	 * wsrep_sst_allowed_methods (PXC 8.0 table, venkatesh-prasad-v/percona-xtradb-cluster@49fc4aee) */
	is_int(state_of(OPTIONS_MARIADB, 10, 6, 20, "wsrep_sst_allowed_methods"), OPTIONS_ABSENT,
	       "MariaDB 10.6: PXC's wsrep_sst_allowed_methods is unknown (no MariaDB ever had it)");
	is_int(state_of(OPTIONS_MARIADB, 11, 4, 5, "wsrep_strict_ddl"), OPTIONS_UNCERTAIN,
	       "MariaDB 11.4: wsrep_strict_ddl (a MariaDB Galera variable the 11.4 list lacks) is not judged");
	is_int(state_of(OPTIONS_MARIADB, 10, 6, 20, "wsrep_provider"), OPTIONS_PRESENT,
	       "MariaDB 10.6: wsrep_provider (kept from 10.11.19: the table leaves Galera out)");
}

static void test_releases_pxc(void)
{
	int listed = 0;
	struct options_target t;
	struct version v = { 8, 0, 35 };
	struct options_lookup l;
	/* EVIDENCE: percona/percona-xtradb-cluster@031a1f5a (PXC 5.7, 5.7.31 or later) mysqld--help-notwin.result
	 * option table lists wsrep-sst-auth and coredumper; the tables of venkatesh-prasad-v/percona-xtradb-cluster
	 * @49fc4aee (PXC 8.0.32-8.0.41) and kamil-holubicki/percona-xtradb-cluster@2599271b (PXC 8.4, whose help
	 * text has no --wsrep-sst-auth either) lack it, and list wsrep-applier-threads, which the 5.7 table lacks */
	is_int(state_of(OPTIONS_PXC, 5, 7, 31, "wsrep_sst_auth"), OPTIONS_PRESENT, "PXC 5.7.31: wsrep_sst_auth");
	is_int(state_of(OPTIONS_PXC, 8, 4, 3, "wsrep_sst_auth"), OPTIONS_ABSENT,
	       "PXC 8.4: wsrep_sst_auth is gone (the 8.0 and 8.4 lists lack it)");
	is_int(state_of(OPTIONS_PXC, 5, 7, 31, "coredumper"), OPTIONS_PRESENT,
	       "PXC 5.7.31: coredumper (Percona 5.7.31-34; the Percona 5.7.22 list lacks it)");
	is_int(state_of(OPTIONS_PXC, 8, 0, 35, "wsrep_applier_threads"), OPTIONS_PRESENT,
	       "PXC 8.0.35: wsrep_applier_threads");
	is_int(state_of(OPTIONS_PXC, 5, 7, 40, "wsrep_applier_threads"), OPTIONS_ABSENT,
	       "PXC 5.7.40: no wsrep_applier_threads (the 5.7 list decides)");
	options_target_init(&t, OPTIONS_PERCONA, &v);
	options_lookup(&t, "wsrep_applier_threads", &l);
	ok(l.state == OPTIONS_UNCERTAIN && l.why == OPTIONS_WHY_OTHER_BUILD && l.other == OPTIONS_PXC,
	   "Percona Server 8.0.35: wsrep_applier_threads is PXC's (another build), never present");
	is_int(lookup_listed(OPTIONS_PXC, 8, 0, 35, "wsrep_provder", &listed), OPTIONS_ABSENT,
	       "PXC 8.0.35: a typo of a wsrep option is unknown");
	is_int(listed, pack("8.0.32"), "PXC 8.0.35: the PXC 8.0.32 list decided");
	is_int(state_of(OPTIONS_PXC, 8, 4, 3, "check_table_functions"), OPTIONS_ABSENT,
	       "PXC 8.4.3: no check_table_functions (added in 8.4.5; the PXC 8.4 table lacks it)");
	is_int(state_of(OPTIONS_PXC, 8, 4, 5, "check_table_functions"), OPTIONS_PRESENT,
	       "PXC 8.4.5: check_table_functions (the Percona 8.4.5 list, PXC's base, has it)");
	/* EVIDENCE: every PXC help text read: "--wsrep-on  To enable wsrep replication (Defaults to on; use
	 * --skip-wsrep-on to disable.)" (the tables print FALSE: the test suite runs without a provider) */
	options_target_init(&t, OPTIONS_PXC, &v);
	options_lookup(&t, "wsrep_on", &l);
	ok(l.state == OPTIONS_PRESENT && l.entry && !strcmp(l.entry->def, "ON"), "PXC 8.0.35: wsrep_on defaults to ON");
	options_lookup(&t, "wsrep_debug", &l);
	ok(l.state == OPTIONS_PRESENT && l.entry && l.entry->type == OPTIONS_T_STRING,
	   "PXC 8.0: wsrep_debug is no boolean any more (the table prints NONE)");
}

/* ---- 3. values --------------------------------------------------------------- */

static struct options_entry entry(enum options_type type, enum options_arg arg, const char *values,
				  const char *def, const char *min, const char *max, const char *block)
{
	struct options_entry e;
	memset(&e, 0, sizeof(e));
	e.name = "x";
	e.type = (unsigned char)type;
	e.arg = (unsigned char)arg;
	e.values = values;
	e.def = def;
	e.min = min;
	e.max = max;
	e.block = block;
	return e;
}

/* One check: verdict and value (NULL: none expected). */
static void check(const struct options_entry *e, enum options_product p, const char *raw, const char *prev,
		  enum catalog_verdict want, const char *want_value, const char *name)
{
	char *out = NULL;
	const char *why = NULL;
	enum catalog_verdict got = options_check_value(e, p, raw, prev, &out, &why);
	int good = got == want && ((!want_value && !out) || (want_value && out && !strcmp(out, want_value)));
	ok(good, "%s", name);
	if (!good)
		printf("#   got verdict %d value '%s' (%s); want %d '%s'\n", (int)got, out ? out : "(null)",
		       why ? why : "", (int)want, want_value ? want_value : "(null)");
	free(out);
}

static void test_values(void)
{
	const enum options_product MY = OPTIONS_MYSQL, MA = OPTIONS_MARIADB;
	struct options_entry b = entry(OPTIONS_T_BOOL, OPTIONS_ARG_OPT, NULL, "OFF", NULL, NULL, NULL);
	struct options_entry bn = entry(OPTIONS_T_BOOL, OPTIONS_ARG_NONE, NULL, "ON", NULL, NULL, NULL);
	/* EVIDENCE: my_getopt.c/.cc get_bool_argument: true/on/1, false/off/0, latin1 case-insensitive */
	check(&b, MY, "TRUE", NULL, CATALOG_VALUE_OK, "ON", "bool TRUE is ON");
	check(&b, MA, "Off", NULL, CATALOG_VALUE_OK, "OFF", "bool Off is OFF");
	check(&b, MA, NULL, NULL, CATALOG_VALUE_OK, "ON", "bool without a value is ON");
	/* EVIDENCE: mariadbd 10.11.19 --log-slave-updates=yes: "wasn't recognized. Set to OFF." */
	check(&b, MA, "yes", NULL, CATALOG_VALUE_FALLBACK, "OFF", "bool yes: warning, OFF");
	/* EVIDENCE: mariadbd 10.11.19 --innodb-doublewrite=yes: "ignoring option ... due to invalid value" */
	check(&bn, MA, "yes", "ON", CATALOG_VALUE_IGNORED, NULL, "NO_ARG bool yes: ignored");

	struct options_entry u = entry(OPTIONS_T_UINT, OPTIONS_ARG_REQ, NULL, "0", "0", "4294967295", NULL);
	check(&u, MA, "1k", NULL, CATALOG_VALUE_OK, "1024", "uint 1k");
	/* EVIDENCE: my_getopt eval_num_suffix reads one character after the digits: 1kx is 1024 */
	check(&u, MA, "1kx", NULL, CATALOG_VALUE_OK, "1024", "uint 1kx is 1024");
	/* EVIDENCE: mariadbd 10.11.19 sync_binlog = 1 ; c: "Unknown suffix ' '", exit 9 */
	check(&u, MA, "1 ; c", NULL, CATALOG_VALUE_REFUSED, NULL, "uint '1 ; c' refused");
	check(&u, MY, "1 ; c", NULL, CATALOG_VALUE_REFUSED, NULL, "MySQL: uint '1 ; c' refused");
	/* EVIDENCE: mariadbd 10.11.19 --sync-binlog=99999999999: adjusted to 4294967295 */
	check(&u, MA, "99999999999", NULL, CATALOG_VALUE_FALLBACK, "4294967295", "uint clamped to max");
	/* EVIDENCE: mariadbd 10.11.19 --sync-binlog=-1: "Incorrect unsigned value", exit 13 */
	check(&u, MA, "-1", NULL, CATALOG_VALUE_REFUSED, NULL, "MariaDB: negative unsigned refused");
	/* EVIDENCE: MySQL 8.0 my_getopt.cc getopt_ull: is_negative_num -> min_value with a warning */
	check(&u, MY, "-1", NULL, CATALOG_VALUE_FALLBACK, "0", "MySQL: negative unsigned is the minimum");
	/* EVIDENCE: MySQL 8.0 my_getopt.cc setval: EE_OPTION_WITH_EMPTY_VALUE; MariaDB strtoull("") is 0 */
	check(&u, MY, "", NULL, CATALOG_VALUE_REFUSED, NULL, "MySQL: empty number refused");
	check(&u, MA, "", NULL, CATALOG_VALUE_FALLBACK, "0", "MariaDB: empty number is 0");
	check(&u, MA, NULL, NULL, CATALOG_VALUE_REFUSED, NULL, "a required value left out is refused");
	struct options_entry uo = entry(OPTIONS_T_UINT, OPTIONS_ARG_OPT, NULL, "1", "0", "3", NULL);
	check(&uo, MA, NULL, NULL, CATALOG_VALUE_OK, "1", "an optional number left out is 1 (enabled_my_option)");
	struct options_entry blk = entry(OPTIONS_T_UINT, OPTIONS_ARG_REQ, NULL, "8192", "4096", "32768", "1024");
	check(&blk, MA, "5000", NULL, CATALOG_VALUE_OK, "4096", "rounded down to the block size, silently");
	check(&blk, MA, "100", NULL, CATALOG_VALUE_FALLBACK, "4096", "below the minimum: warning, minimum");
	/* EVIDENCE: MySQL 8.0 eval_num_suffix: a suffix that overflows is ERANGE, refused; MariaDB wraps */
	check(&u, MY, "99999999999999999E", NULL, CATALOG_VALUE_REFUSED, NULL, "MySQL: overflowing suffix refused");
	struct options_entry s = entry(OPTIONS_T_INT, OPTIONS_ARG_REQ, NULL, "0", "-10", "10", NULL);
	check(&s, MA, "-20", NULL, CATALOG_VALUE_FALLBACK, "-10", "signed: clamped to min");
	check(&s, MA, "-5", NULL, CATALOG_VALUE_OK, "-5", "signed: -5");

	struct options_entry en = entry(OPTIONS_T_ENUM, OPTIONS_ARG_REQ, "MIXED,STATEMENT,ROW", "MIXED", NULL, NULL,
					NULL);
	/* EVIDENCE: mariadbd 10.11.19: binlog_format=r / Row / 2 -> ROW; =3 and =xx refused */
	check(&en, MA, "r", NULL, CATALOG_VALUE_OK, "ROW", "enum: unique prefix");
	check(&en, MY, "Row", NULL, CATALOG_VALUE_OK, "ROW", "enum: any case");
	check(&en, MA, "2", NULL, CATALOG_VALUE_OK, "ROW", "enum: ordinal");
	check(&en, MA, "3", NULL, CATALOG_VALUE_REFUSED, NULL, "enum: ordinal out of range refused");
	check(&en, MA, "xx", NULL, CATALOG_VALUE_REFUSED, NULL, "enum: unknown name refused");
	check(&en, MY, "", NULL, CATALOG_VALUE_REFUSED, NULL, "MySQL: empty enum refused");
	check(&en, MA, "", NULL, CATALOG_VALUE_FALLBACK, "MIXED", "MariaDB: empty enum is the first value");

	/* EVIDENCE: MySQL sql/sys_vars.cc enforce_gtid_consistency_aliases {OFF ON WARN FALSE TRUE},
	 * sys_vars.h Sys_var_multi_enum::fixup_command_line (exact alias, case-insensitive, or 0..2), and
	 * mysqld.cc OPT_ENFORCE_GTID_CONSISTENCY: an invalid value is only a warning */
	struct options_entry me = entry(OPTIONS_T_MULTIENUM, OPTIONS_ARG_OPT, "OFF|FALSE,ON|TRUE,WARN", "OFF", NULL,
					NULL, NULL);
	me.bare = "ON";
	check(&me, MY, "TRUE", NULL, CATALOG_VALUE_OK, "ON", "enforce_gtid_consistency = TRUE is ON");
	check(&me, MY, "false", NULL, CATALOG_VALUE_OK, "OFF", "= false is OFF");
	check(&me, MY, "warn", NULL, CATALOG_VALUE_OK, "WARN", "= warn is WARN");
	check(&me, MY, "2", NULL, CATALOG_VALUE_OK, "WARN", "= 2 is WARN");
	check(&me, MY, "WA", "OFF", CATALOG_VALUE_IGNORED, NULL, "= WA is no abbreviation: warning, value kept");
	check(&me, MY, "3", "ON", CATALOG_VALUE_IGNORED, NULL, "= 3: warning, value kept");
	check(&me, MY, NULL, NULL, CATALOG_VALUE_OK, "ON", "bare: ON");

	struct options_entry set = entry(OPTIONS_T_SET, OPTIONS_ARG_REQ, "A,BB,CC", "", NULL, NULL, NULL);
	check(&set, MA, "cc,a", NULL, CATALOG_VALUE_OK, "A,CC", "set: names in list order");
	check(&set, MA, "", NULL, CATALOG_VALUE_OK, "", "set: empty");
	check(&set, MA, "5", NULL, CATALOG_VALUE_OK, "A,CC", "set: a bit mask");
	check(&set, MA, "A,ZZ", NULL, CATALOG_VALUE_REFUSED, NULL, "set: unknown name refused");

	struct options_entry fs = entry(OPTIONS_T_FLAGSET, OPTIONS_ARG_REQ, "a,b", "a=on,b=off", NULL, NULL, NULL);
	check(&fs, MA, "b=on", "a=on,b=off", CATALOG_VALUE_OK, "a=on,b=on", "flagset: one flag changed");
	check(&fs, MA, "a=off,b=on", NULL, CATALOG_VALUE_OK, "a=off,b=on", "flagset: two flags");
	check(&fs, MA, "default", "a=off,b=on", CATALOG_VALUE_OK, "a=on,b=off", "flagset: default");
	check(&fs, MA, "c=on", NULL, CATALOG_VALUE_REFUSED, NULL, "flagset: unknown flag refused");

	struct options_entry na = entry(OPTIONS_T_NOARG, OPTIONS_ARG_NONE, NULL, NULL, NULL, NULL, NULL);
	/* EVIDENCE: my_getopt handle_options: "option '--%s' cannot take an argument" */
	check(&na, MA, "1", NULL, CATALOG_VALUE_REFUSED, NULL, "no-argument option with a value refused");
	check(&na, MA, NULL, NULL, CATALOG_VALUE_OK, "ON", "no-argument option");

	struct options_entry d = entry(OPTIONS_T_DOUBLE, OPTIONS_ARG_REQ, NULL, "10", "0", "31536000", NULL);
	check(&d, MA, "0.5", NULL, CATALOG_VALUE_OK, "0.5", "double 0.5");
	check(&d, MA, "1x", NULL, CATALOG_VALUE_REFUSED, NULL, "double with junk refused");
	check(&d, MA, "-1", NULL, CATALOG_VALUE_FALLBACK, "0", "double below min: warning, min");
}

/*
 * Issue 13: entries are made on first use in blocks, one after the other
 * (options.c): each row's entry is made once, its pointer stays the same
 * for the process, distinct rows have distinct entries, and threads making
 * them at once get the same ones.
 */
#define MADE_THREADS 4
static const struct options_entry **made_seen[MADE_THREADS];

static void *made_thread(void *arg)
{
	size_t t = (size_t)(uintptr_t)arg;
	for (size_t k = 0; k < options_nentries; k++) {
		/* each thread in its own order: from the end, from the start, strided */
		size_t i = t == 0 ? options_nentries - 1 - k : t == 1 ? k : (k * 7 + t) % options_nentries;
		made_seen[t][i] = options_entry_at(i);
	}
	return NULL;
}

static void test_entries_made(void)
{
	pthread_t th[MADE_THREADS];
	int started = 0;
	for (size_t t = 0; t < MADE_THREADS; t++)
		made_seen[t] = calloc(options_nentries ? options_nentries : 1, sizeof(*made_seen[t]));
	for (size_t t = 0; t < MADE_THREADS; t++)
		started += pthread_create(&th[t], NULL, made_thread, (void *)(uintptr_t)t) == 0;
	for (size_t t = 0; t < (size_t)started; t++)
		pthread_join(th[t], NULL);
	is_int(started, MADE_THREADS, "threads making entries at once");
	size_t same = 0, named = 0, distinct = 1;
	for (size_t i = 0; i < options_nentries; i++) {
		const struct options_entry *e = options_entry_at(i);
		int all = 1;
		for (size_t t = 0; t < (size_t)started; t++)
			all &= made_seen[t][i] == e;
		same += all;
		named += e && !strcmp(e->name, options_name_at(i));
		if (i && e == options_entry_at(i - 1))
			distinct = 0;
	}
	is_int((long)same, (long)options_nentries, "every row: one entry, the same pointer from every thread and later");
	is_int((long)named, (long)options_nentries, "every entry has its row's name");
	ok(distinct, "neighbouring rows have entries of their own");
	for (size_t t = 0; t < MADE_THREADS; t++)
		free(made_seen[t]);
}

int main(void)
{
	test_entries_made();   /* first: the threads make every entry */
	test_table_equals_file();
	test_lookups();
	test_releases_mysql();
	test_releases_mariadb();
	test_releases_pxc();
	test_values();
	return done_testing();
}
