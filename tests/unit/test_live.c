/*
 * test_live.c - the parts of the live collector (live.c) that need no server:
 * target specs, --ssl-mode names, the readers driven with recorded rows
 * (the MySQL 8.0 and 5.6 paths, which no server here can run, the MariaDB
 * path, refusals, and answers of the wrong shape), the answer limits, the
 * option-file comparison behind config-drift and runtime-only-change, the
 * capture writer (read back with snapshot_load), and a refused connection.
 * tests/live.t, tests/live-faults.t and tests/live-robust.t run the
 * collector against real MariaDB servers and scripted protocol servers.
 * Runs from the repository root (prove does): the catalog is
 * rules/variables.ini.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "catalog.h"
#include "live.h"
#include "settings.h"
#include "snapshot.h"
#include "fixture.h"
#include "tap.h"

#include "banned.h"

static struct catalog cat;

static void test_parse_host(void)
{
	static const struct {
		const char *spec, *host;
		unsigned port;
		int rc;
	} cases[] = {
		{ "db1", "db1", 0, 0 },
		{ "db1:3307", "db1", 3307, 0 },
		{ "127.0.0.1:23300", "127.0.0.1", 23300, 0 },
		{ "[::1]:3306", "::1", 3306, 0 },
		{ "[::1]", "::1", 0, 0 },
		{ "::1", "::1", 0, 0 },
		{ "fe80::1:2", "fe80::1:2", 0, 0 },
		{ "", NULL, 0, 0 },
		{ "db1:", NULL, 0, -1 },
		{ "db1:0", NULL, 0, -1 },
		{ "db1:65536", NULL, 0, -1 },
		{ "db1:33x", NULL, 0, -1 },
		{ "db1:-1", NULL, 0, -1 },
		{ ":3306", NULL, 0, -1 },
		{ "[::1", NULL, 0, -1 },
		{ "[]:3306", NULL, 0, -1 },
		{ "[::1]x", NULL, 0, -1 },
		{ "db1: +5", NULL, 0, -1 },
		{ "db1:+5", NULL, 0, -1 },
		{ "db1: 5", NULL, 0, -1 },
		{ "db1:5 ", NULL, 0, -1 },
		{ "db1:123456", NULL, 0, -1 },
		{ "db1:0x10", NULL, 0, -1 },
		{ "db 1:3306", NULL, 0, -1 },
		{ "db1\x1b[2J", NULL, 0, -1 },
		{ "[::1]: 5", NULL, 0, -1 },
		{ "db1:65535", "db1", 65535, 0 },
		{ "db1:00005", "db1", 5, 0 },
		/* breaker7: more than one ':' outside an IPv6 address is no host name (was looked up in DNS) */
		{ "host:1:2", NULL, 0, -1 },
		{ "1:2:3", NULL, 0, -1 },
		{ "fe80::1%eth0", "fe80::1%eth0", 0, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *host = NULL;
		unsigned port = 99;
		const char *why = NULL;
		int rc = live_parse_host(cases[i].spec, &host, &port, &why);
		char name[128];
		snprintf(name, sizeof(name), "live_parse_host('%s')", cases[i].spec);
		if (cases[i].rc == 0) {
			ok(rc == 0 && port == cases[i].port &&
				   ((!host && !cases[i].host) || (host && cases[i].host && !strcmp(host, cases[i].host))),
			   "%s: host '%s' port %u", name, host ? host : "(none)", port);
		} else {
			ok(rc == -1 && why && !host, "%s is refused: %s", name, why ? why : "(no reason)");
		}
		free(host);
	}
}

static void test_ssl_mode(void)
{
	enum live_ssl_mode m = LIVE_SSL_DEFAULT;
	is_int(live_ssl_mode_parse(&m, "verify_identity"), 0, "--ssl-mode is case-insensitive");
	is_int(m, LIVE_SSL_VERIFY_IDENTITY, "... VERIFY_IDENTITY");
	is_int(live_ssl_mode_parse(&m, "DISABLED") == 0 && m == LIVE_SSL_DISABLED, 1, "DISABLED");
	is_int(live_ssl_mode_parse(&m, "VERIFY"), -1, "an unknown mode is refused");
	is_int(live_ssl_mode_parse(&m, ""), -1, "an empty mode is refused");
}

static void set(struct settings *s, const char *name, const char *value, enum settings_source src,
		const char *file, unsigned line, const char *detail)
{
	struct settings_origin o = { .source = src, .file = file, .line = line, .detail = detail };
	settings_set(s, name, value, name, &o);
}

static const char *value(const struct settings *s, const char *name)
{
	const struct settings_var *v = settings_get(s, name);
	return v ? v->current.value : "(absent)";
}

/* ---- the readers, driven with recorded rows ------------------------------ */

/* A recorded answer: ncols names, then the cells row by row (NULL: SQL NULL). */
struct rec {
	const char *const *names;
	size_t ncols;
	const char *const *cells;
	size_t ncells;
};
#define NAMES(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)
#define CELLS(...) (const char *const[]){ __VA_ARGS__ }, \
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)
#define NO_ROWS NULL, 0

/* Build the answer. Returns 0, or -1 (with *why) when a limit refused it. */
static int rec_build(struct live_result *r, const struct rec *a, const char **why)
{
	live_result_init(r);
	for (size_t i = 0; i < a->ncols; i++)
		if (live_result_add_column(r, a->names[i], strlen(a->names[i]), why) < 0)
			return -1;
	for (size_t i = 0; a->ncols && i + a->ncols <= a->ncells; i += a->ncols)
		if (live_result_add_row(r, a->cells + i, NULL, why) < 0)
			return -1;
	return 0;
}

/*
 * The plan's next statement must be `label` (its SQL starting with sql, if
 * given); answer it with a. Returns 1, or 0 when the statement was another.
 */
static int step(struct live_plan *p, const char *label, const char *sql, const struct rec *a)
{
	struct live_stmt st = { 0 };
	struct live_result r;
	const char *why = NULL;
	int more = live_plan_next(p, &st);
	int good = ok(more && !strcmp(st.label, label) && (!sql || !strncmp(st.sql, sql, strlen(sql))),
		      "next statement: %s", more ? st.label : "(none)");
	if (!good) {
		printf("#   want: %s\n#   sql:  %.80s\n", label, more ? st.sql : "(none)");
		return 0;
	}
	if (rec_build(&r, a, &why) < 0) {
		ok(0, "the recorded answer to %s builds: %s", label, why);
		live_result_release(&r);
		return 0;
	}
	live_plan_answer(p, &r);
	live_result_release(&r);
	return 1;
}

/* The plan's next statement must be label; it is refused with code and message. */
static void step_refused(struct live_plan *p, const char *label, unsigned code, const char *message)
{
	struct live_stmt st = { 0 };
	int more = live_plan_next(p, &st);
	if (ok(more && !strcmp(st.label, label), "next statement: %s (refused with error %u)",
	       more ? st.label : "(none)", code))
		live_plan_failed(p, code, message);
}

static void plan_done(struct live_plan *p, unsigned statements)
{
	struct live_stmt st = { 0 };
	int more = live_plan_next(p, &st);
	ok(!more, "no statement after that (%s)", more ? st.label : "done");
	is_int(p->t->statements, statements, "statements sent");
}

static const char *origin(const struct settings *s, const char *name)
{
	const struct settings_var *v = settings_get(s, name);
	return v ? v->current.origin.detail : "(absent)";
}

static const struct settings_channel *channel(const struct settings *s, const char *name)
{
	for (size_t i = 0; i < s->nchannels; i++)
		if (!strcmp(s->channels[i].name, name))
			return &s->channels[i];
	return NULL;
}

/* How many diagnostics of s contain text, and how often in all. */
static int diag_mentions(const struct settings *s, const char *text)
{
	int n = 0;
	for (size_t i = 0; i < s->diags.n; i++)
		for (const char *m = s->diags.items[i].message; (m = strstr(m, text)); m += strlen(text))
			n++;
	return n;
}

static struct live_conn plan_conn;

static void plan_start(struct live_plan *p, struct live_target *t, struct settings *s, const char *greeting)
{
	settings_init(s, "db1:3306", "live");
	s->flavor = FLAVOR_UNKNOWN;
	s->version = (struct version){ 0, 0, -1 };
	live_target_init(t, s, "db1:3306");
	live_plan_init(p, t, &plan_conn, &cat, greeting);
}

static void plan_end(struct live_plan *p, struct live_target *t, struct settings *s)
{
	live_plan_release(p);
	live_target_release(t);
	settings_release(s);
}

/*
 * The column names of SHOW REPLICA STATUS on MySQL 8.0.22+ and of SHOW
 * SLAVE STATUS on 5.6, in the servers' order, as the reference manual's
 * examples print them (https://dev.mysql.com/doc/refman/8.0/en/show-replica-status.html,
 * https://dev.mysql.com/doc/refman/5.6/en/show-slave-status.html).
 */
#define REPLICA_STATUS_80_NAMES NAMES("Replica_IO_State", "Source_Host", "Source_User", "Source_Port", \
	"Connect_Retry", "Source_Log_File", "Read_Source_Log_Pos", "Relay_Log_File", "Relay_Log_Pos", \
	"Relay_Source_Log_File", "Replica_IO_Running", "Replica_SQL_Running", "Replicate_Do_DB", \
	"Replicate_Ignore_DB", "Replicate_Do_Table", "Replicate_Ignore_Table", "Replicate_Wild_Do_Table", \
	"Replicate_Wild_Ignore_Table", "Last_Errno", "Last_Error", "Skip_Counter", "Exec_Source_Log_Pos", \
	"Relay_Log_Space", "Until_Condition", "Until_Log_File", "Until_Log_Pos", "Source_SSL_Allowed", \
	"Source_SSL_CA_File", "Source_SSL_CA_Path", "Source_SSL_Cert", "Source_SSL_Cipher", "Source_SSL_Key", \
	"Seconds_Behind_Source", "Source_SSL_Verify_Server_Cert", "Last_IO_Errno", "Last_IO_Error", \
	"Last_SQL_Errno", "Last_SQL_Error", "Replicate_Ignore_Server_Ids", "Source_Server_Id", "Source_UUID", \
	"Source_Info_File", "SQL_Delay", "SQL_Remaining_Delay", "Replica_SQL_Running_State", \
	"Source_Retry_Count", "Source_Bind", "Last_IO_Error_Timestamp", "Last_SQL_Error_Timestamp", \
	"Source_SSL_Crl", "Source_SSL_Crlpath", "Retrieved_Gtid_Set", "Executed_Gtid_Set", "Auto_Position", \
	"Replicate_Rewrite_DB", "Channel_Name", "Source_TLS_Version", "Source_public_key_path", \
	"Get_Source_public_key", "Network_Namespace")

/* One SHOW REPLICA STATUS row: host, IO and SQL state, Auto_Position, channel; the rest as the manual shows it. */
#define REPLICA_STATUS_80_ROW(host, io, sql, autopos, chan) \
	"Waiting for source to send event", host, "repl", "3306", "60", "binlog.000002", "927", \
	"relay.000002", "1145", "binlog.000002", io, sql, "", "", "", "", "", "", "0", "", "0", "927", "1355", \
	"None", "", "0", "No", "", "", "", "", "", "0", "No", "0", "", "0", "", "", "1", \
	"73f86016-978b-11ee-ade5-8d2a2a562feb", "mysql.slave_master_info", "0", NULL, \
	"Replica has read all relay log; waiting for more updates", "86400", "", "", "", "", "", \
	"73f86016-978b-11ee-ade5-8d2a2a562feb:1-3", "73f86016-978b-11ee-ade5-8d2a2a562feb:1-3", autopos, "", chan, \
	"", "", "0", ""

static void test_plan_mysql80(void)
{
	struct live_plan p;
	struct live_target t;
	struct settings s;
	const struct settings_channel *ch;
	const struct settings_var *v;

	plan_start(&p, &t, &s, "8.0.36");
	step(&p, "SHOW GLOBAL VARIABLES", "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('",
	     &(struct rec){ NAMES("Variable_name", "Value"),
			    CELLS("enforce_gtid_consistency", "ON", "gtid_mode", "ON",
				  "innodb_flush_log_at_trx_commit", "1", "log_replica_updates", "ON",
				  "log_slave_updates", "ON", "read_only", "ON", "relay_log_recovery", "OFF",
				  "server_id", "2", "server_uuid", "4c844dec-5541-11e7-8420-0a54ade845dc",
				  "sync_binlog", "1", "version", "8.0.36",
				  "version_comment", "MySQL Community Server - GPL") });
	step(&p, "performance_schema.variables_info", "SELECT VARIABLE_NAME, VARIABLE_SOURCE, VARIABLE_PATH",
	     &(struct rec){ NAMES("VARIABLE_NAME", "VARIABLE_SOURCE", "VARIABLE_PATH"),
			    CELLS("server_id", "GLOBAL", "/etc/my.cnf",
				  "sync_binlog", "DYNAMIC", "",
				  "innodb_flush_log_at_trx_commit", "DYNAMIC", "",
				  "read_only", "PERSISTED", "/var/lib/mysql/mysqld-auto.cnf",
				  "relay_log_recovery", "COMPILED", "",
				  "gtid_mode", "EXPLICIT", "/etc/mysql/conf.d/gtid.cnf",
				  "version", "COMPILED", "") });
	step(&p, "performance_schema.persisted_variables", NULL,
	     &(struct rec){ NAMES("VARIABLE_NAME", "VARIABLE_VALUE"),
			    CELLS("innodb_flush_log_at_trx_commit", "1", "read_only", "ON", "relay_log_recovery", "ON") });
	step(&p, "performance_schema.replication_connection_configuration", NULL,
	     &(struct rec){ NAMES("CHANNEL_NAME", "HOST", "PORT", "AUTO_POSITION"),
			    CELLS("", "10.0.0.1", "3306", "1",
				  "east", "10.0.0.2", "3307", "0",
				  "group_replication_applier", "", "0", "1") });
	step(&p, "SHOW REPLICA STATUS", "SHOW REPLICA STATUS",
	     &(struct rec){ REPLICA_STATUS_80_NAMES,
			    CELLS(REPLICA_STATUS_80_ROW("10.0.0.1", "Yes", "Yes", "1", ""),
				  REPLICA_STATUS_80_ROW("10.0.0.2", "No", "No", "0", "east")) });
	step(&p, "information_schema.TABLES", NULL,
	     &(struct rec){ NAMES("TABLE_NAME", "ENGINE"),
			    CELLS("gtid_executed", "InnoDB", "slave_master_info", "InnoDB",
				  "slave_relay_log_info", "InnoDB", "slave_worker_info", "MyISAM") });
	plan_done(&p, 6);

	is_str(s.error, NULL, "MySQL 8.0.36 (recorded rows): audited");
	is_int(s.flavor, FLAVOR_MYSQL, "... flavor MySQL");
	ok(s.version_detected && s.version.major == 8 && s.version.minor == 0 && s.version.patch == 36,
	   "... version 8.0.36");
	is_int(s.role, ROLE_REPLICA, "... a replica: it has channels");
	/* issue 12: Group Replication's channel is kept, flagged: the channel rules say it is not an async one */
	is_int((long)s.nchannels, 3, "... three channels, Group Replication's among them");
	ch = channel(&s, "group_replication_applier");
	ok(ch && ch->group_replication, "... flagged as Group Replication's (not an asynchronous channel)");
	ch = channel(&s, "");
	ok(ch && ch->auto_position && !strcmp(ch->auto_position, "1") && ch->io_running &&
		   !strcmp(ch->io_running, "Yes") && ch->source_host && !strcmp(ch->source_host, "10.0.0.1") &&
		   ch->source_port == 3306,
	   "... the default channel: AUTO_POSITION 1, receiver Yes, source 10.0.0.1:3306");
	ch = channel(&s, "east");
	ok(ch && ch->auto_position && !strcmp(ch->auto_position, "0") && ch->sql_running &&
		   !strcmp(ch->sql_running, "No") && ch->source_port == 3307,
	   "... channel east: AUTO_POSITION 0, applier No, port 3307 from replication_connection_configuration");
	is_str(value(&s, "replication_channels"), "2", "... replication_channels 2");
	is_str(value(&s, "runtime_only_changes"), "sync_binlog=1",
	       "... runtime_only_changes: DYNAMIC and not persisted (innodb_flush_log_at_trx_commit was SET PERSIST)");
	is_str(origin(&s, "server_id"), "live, from /etc/my.cnf", "... origin GLOBAL with its path");
	is_str(origin(&s, "read_only"), "live, persisted in /var/lib/mysql/mysqld-auto.cnf (SET PERSIST)",
	       "... origin PERSISTED");
	is_str(origin(&s, "innodb_flush_log_at_trx_commit"), "live, set with SET PERSIST",
	       "... DYNAMIC with the same value persisted");
	is_str(origin(&s, "relay_log_recovery"), "live, compiled default", "... origin COMPILED");
	is_str(value(&s, "persisted_drift"), "relay_log_recovery: running OFF, persisted ON: the next restart uses ON",
	       "... persisted_drift: a persisted value that is not the running one (ON = 1 elsewhere)");
	is_str(value(&s, "metadata_tables_innodb"), "OFF", "... metadata_tables_innodb OFF");
	ok(strstr(origin(&s, "metadata_tables_innodb"), "mysql.slave_worker_info=MyISAM") != NULL,
	   "... naming the table and its engine: %s", origin(&s, "metadata_tables_innodb"));
	v = settings_get(&s, "log_replica_updates");
	ok(v && v->current.spelled && !strcmp(v->current.spelled, "log_replica_updates"),
	   "... a variable shown under two names is read under its canonical one");
	plan_end(&p, &t, &s);
}

static void test_plan_mysql56(void)
{
	struct live_plan p;
	struct live_target t;
	struct settings s;
	const struct settings_channel *ch;

	plan_start(&p, &t, &s, "5.6.51-log");
	step(&p, "SHOW GLOBAL VARIABLES", NULL,
	     &(struct rec){ NAMES("Variable_name", "Value"),
			    CELLS("relay_log_info_repository", "TABLE", "relay_log_recovery", "ON",
				  "server_id", "3", "version", "5.6.51-log",
				  "version_comment", "MySQL Community Server (GPL)") });
	/* 5.6: no variables_info, no replication_connection_configuration */
	step(&p, "SHOW SLAVE STATUS", "SHOW SLAVE STATUS",
	     &(struct rec){ NAMES("Slave_IO_State", "Master_Host", "Master_User", "Master_Port", "Connect_Retry",
				  "Master_Log_File", "Read_Master_Log_Pos", "Relay_Log_File", "Relay_Log_Pos",
				  "Relay_Master_Log_File", "Slave_IO_Running", "Slave_SQL_Running", "Replicate_Do_DB",
				  "Replicate_Ignore_DB", "Replicate_Do_Table", "Replicate_Ignore_Table",
				  "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table", "Last_Errno", "Last_Error",
				  "Skip_Counter", "Exec_Master_Log_Pos", "Relay_Log_Space", "Until_Condition",
				  "Until_Log_File", "Until_Log_Pos", "Master_SSL_Allowed", "Master_SSL_CA_File",
				  "Master_SSL_CA_Path", "Master_SSL_Cert", "Master_SSL_Cipher", "Master_SSL_Key",
				  "Seconds_Behind_Master", "Master_SSL_Verify_Server_Cert", "Last_IO_Errno",
				  "Last_IO_Error", "Last_SQL_Errno", "Last_SQL_Error", "Replicate_Ignore_Server_Ids",
				  "Master_Server_Id", "Master_UUID", "Master_Info_File", "SQL_Delay",
				  "SQL_Remaining_Delay", "Slave_SQL_Running_State", "Master_Retry_Count", "Master_Bind",
				  "Last_IO_Error_Timestamp", "Last_SQL_Error_Timestamp", "Master_SSL_Crl",
				  "Master_SSL_Crlpath", "Retrieved_Gtid_Set", "Executed_Gtid_Set", "Auto_Position"),
			    CELLS("Waiting for master to send event", "master", "root", "3306", "60",
				  "mysqld-bin.000002", "325", "mysqld-relay-bin.000002", "284", "mysqld-bin.000002",
				  "Yes", "Yes", "", "", "", "", "", "", "0", "", "0", "325", "458", "None", "", "0",
				  "No", "", "", "", "", "", "0", "No", "0", "", "0", "", "", "1",
				  "4c844dec-5541-11e7-8420-0a54ade845dc", "/var/lib/mysql/master.info", "0", NULL,
				  "Slave has read all relay log; waiting for the slave I/O thread to update it",
				  "86400", "", "", "", "", "", "", "", "0") });
	step(&p, "information_schema.TABLES", NULL,
	     &(struct rec){ NAMES("TABLE_NAME", "ENGINE"),
			    CELLS("slave_master_info", "InnoDB", "slave_relay_log_info", "InnoDB",
				  "slave_worker_info", "InnoDB") });
	plan_done(&p, 3);

	is_str(s.error, NULL, "MySQL 5.6.51 (recorded rows): audited");
	is_int(s.role, ROLE_REPLICA, "... a replica");
	is_int((long)s.nchannels, 1, "... one channel, from SHOW SLAVE STATUS (5.6 has no Channel_Name)");
	ch = channel(&s, "");
	ok(ch && ch->auto_position && !strcmp(ch->auto_position, "0") && ch->source_host &&
		   !strcmp(ch->source_host, "master") && ch->io_running && !strcmp(ch->io_running, "Yes"),
	   "... the default channel: Auto_Position 0, Master_Host master, Slave_IO_Running Yes");
	is_str(value(&s, "runtime_only_changes"), NULL, "... runtime_only_changes unknown");
	ok(strstr(origin(&s, "runtime_only_changes"), "MySQL 5.6.51 does not record where a value came from") != NULL,
	   "... because 5.6 keeps no origins: %s", origin(&s, "runtime_only_changes"));
	is_str(value(&s, "metadata_tables_innodb"), "ON", "... metadata_tables_innodb ON (gtid_executed is 5.7.5+)");
	is_str(value(&s, "persisted_drift"), "(absent)", "... no persisted_drift before 8.0");
	plan_end(&p, &t, &s);
}

static void test_plan_mysql_refused(void)
{
	struct live_plan p;
	struct live_target t;
	struct settings s;

	plan_start(&p, &t, &s, "8.0.36");
	step(&p, "SHOW GLOBAL VARIABLES", NULL,
	     &(struct rec){ NAMES("Variable_name", "Value"),
			    CELLS("sync_binlog", "1", "version", "8.0.36", "version_comment", "MySQL Community Server - GPL") });
	step_refused(&p, "performance_schema.variables_info", 1146,
		     "Table 'performance_schema.variables_info' doesn't exist");
	/* no persisted_variables without variables_info */
	step(&p, "performance_schema.replication_connection_configuration", NULL,
	     &(struct rec){ NAMES("AUTO_POSITION", "PORT", "HOST", "CHANNEL_NAME"), CELLS("1", "3306", "10.0.0.1", "") });
	step_refused(&p, "SHOW REPLICA STATUS", 1227,
		     "Access denied; you need (at least one of) the SUPER, REPLICATION CLIENT privilege(s) for this operation");
	step(&p, "information_schema.TABLES", NULL, &(struct rec){ NAMES("TABLE_NAME", "ENGINE"), NO_ROWS });
	plan_done(&p, 5);

	is_str(s.error, NULL, "MySQL 8.0 with refusals: still audited");
	ok(s.channels_known && s.nchannels == 1 && s.channels[0].auto_position &&
		   !strcmp(s.channels[0].auto_position, "1"),
	   "... the channels from replication_connection_configuration, columns in any order");
	is_int(diag_mentions(&s, "doesn't exist"), 1, "... a failed statement's message appears once");
	ok(strstr(origin(&s, "runtime_only_changes"),
		  "performance_schema.variables_info failed: Table 'performance_schema.variables_info' doesn't exist (error 1146)") != NULL,
	   "... and is why the origins are unknown: %s", origin(&s, "runtime_only_changes"));
	is_int(diag_mentions(&s, "SHOW REPLICA STATUS denied (needs REPLICATION CLIENT): Access denied"), 1,
	       "... a denied statement: the privilege it needs, then the server's message once");
	is_str(value(&s, "metadata_tables_innodb"), NULL, "... table engines not visible: unknown");
	is_str(value(&s, "persisted_drift"), NULL, "... persisted_drift unknown: persisted_variables was not read");
	plan_end(&p, &t, &s);
}

static void test_plan_mariadb(void)
{
	struct live_plan p;
	struct live_target t;
	struct settings s;

	plan_start(&p, &t, &s, "10.11.6-MariaDB-log");
	step(&p, "information_schema.SYSTEM_VARIABLES", "SELECT LOWER(VARIABLE_NAME) AS VARIABLE_NAME, GLOBAL_VALUE",
	     &(struct rec){ NAMES("VARIABLE_NAME", "GLOBAL_VALUE", "GLOBAL_VALUE_ORIGIN", "GLOBAL_VALUE_PATH"),
			    CELLS("sync_binlog", "0", "SQL", NULL,
				  "server_id", "3", "CONFIG", "/etc/mysql/my.cnf",
				  "version", "10.11.6-MariaDB-log", "COMPILE-TIME", NULL,
				  "version_comment", "Debian 12", "COMPILE-TIME", NULL) });
	step(&p, "SHOW ALL SLAVES STATUS", NULL,
	     &(struct rec){ NAMES("Connection_name", "Slave_SQL_State", "Slave_IO_State", "Master_Host", "Master_User",
				  "Master_Port", "Slave_IO_Running", "Slave_SQL_Running", "Using_Gtid", "Gtid_IO_Pos"),
			    CELLS("", "", "", "10.0.0.1", "repl", "3306", "Yes", "Yes", "Slave_Pos", "0-1-5",
				  "east", "", "", "10.0.0.2", "repl", "3306", "No", "No", "No", "") });
	step(&p, "information_schema.TABLES", NULL,
	     &(struct rec){ NAMES("TABLE_NAME", "ENGINE"), CELLS("gtid_slave_pos", "InnoDB") });
	plan_done(&p, 3);
	is_str(s.error, NULL, "MariaDB 10.11 (recorded rows): audited in three statements");
	is_int(s.flavor, FLAVOR_MARIADB, "... flavor MariaDB");
	is_int((long)s.nchannels, 2, "... two connections");
	ok(s.nchannels == 2 && s.channels[1].using_gtid && !strcmp(s.channels[1].using_gtid, "No"),
	   "... Using_Gtid of connection east: No");
	is_str(value(&s, "runtime_only_changes"), "sync_binlog=0", "... origin SQL: a runtime-only change");
	is_str(origin(&s, "server_id"), "live, from /etc/mysql/my.cnf", "... origin CONFIG with its path");
	is_str(value(&s, "metadata_tables_innodb"), "ON", "... metadata_tables_innodb ON");
	plan_end(&p, &t, &s);

	/* SYSTEM_VARIABLES refused: SHOW GLOBAL VARIABLES, without origins */
	plan_start(&p, &t, &s, "10.11.6-MariaDB-log");
	step_refused(&p, "information_schema.SYSTEM_VARIABLES", 1109, "Unknown table 'SYSTEM_VARIABLES'");
	step(&p, "SHOW GLOBAL VARIABLES", NULL,
	     &(struct rec){ NAMES("Variable_name", "Value"), CELLS("version", "10.3.39-MariaDB") });
	step(&p, "SHOW ALL SLAVES STATUS", NULL,
	     &(struct rec){ NAMES("Connection_name", "Master_Host", "Master_Port", "Slave_IO_Running",
				  "Slave_SQL_Running", "Using_Gtid"), NO_ROWS });
	ok(!strcmp(p.needs, "REPLICATION CLIENT"), "... 10.3: SHOW ALL SLAVES STATUS needs REPLICATION CLIENT (%s)",
	   p.needs ? p.needs : "(none)");
	step(&p, "information_schema.TABLES", NULL, &(struct rec){ NAMES("TABLE_NAME", "ENGINE"), NO_ROWS });
	plan_done(&p, 4);
	is_str(s.error, NULL, "MariaDB without SYSTEM_VARIABLES: audited from SHOW GLOBAL VARIABLES");
	is_int(s.role, ROLE_PRIMARY, "... no connection: a primary");
	is_str(value(&s, "runtime_only_changes"), NULL, "... origins unknown");
	plan_end(&p, &t, &s);
}

/* Answers of the wrong shape: the target's error names the statement and the shape. */
static void test_plan_unexpected(void)
{
	const struct {
		const char *greeting;
		size_t ok_steps;          /* well-formed answers before the bad one (from the list below) */
		struct rec bad;
		const char *error;
	} cases[] = {
		{ "8.0.36", 0, { NAMES("Variable_name"), CELLS("version") },
		  "unexpected answer to SHOW GLOBAL VARIABLES: 1 column (Variable_name), expected Variable_name, Value" },
		{ "8.0.36", 0, { NAMES("Variable_name", "Value"), CELLS("version", "8.0.36", NULL, "1") },
		  "unexpected answer to SHOW GLOBAL VARIABLES: NULL in Variable_name (row 2)" },
		{ "8.0.36", 0, { NULL, 0, NULL, 0 }, "unexpected answer to SHOW GLOBAL VARIABLES: no result set (0 columns)" },
		{ "10.11.6-MariaDB", 0, { NAMES("VARIABLE_NAME", "GLOBAL_VALUE"), CELLS("version", "10.11.6-MariaDB") },
		  "unexpected answer to information_schema.SYSTEM_VARIABLES: 2 columns (VARIABLE_NAME, GLOBAL_VALUE), "
		  "expected VARIABLE_NAME, GLOBAL_VALUE, GLOBAL_VALUE_ORIGIN, GLOBAL_VALUE_PATH" },
		{ "8.0.36", 1, { NAMES("VARIABLE_NAME", "VARIABLE_SOURCE"), CELLS("server_id", "GLOBAL") },
		  "unexpected answer to performance_schema.variables_info: 2 columns (VARIABLE_NAME, VARIABLE_SOURCE), "
		  "expected VARIABLE_NAME, VARIABLE_SOURCE, VARIABLE_PATH" },
		{ "8.0.36", 2, { NAMES("VARIABLE_NAME"), CELLS("sync_binlog") },
		  "unexpected answer to performance_schema.persisted_variables: 1 column (VARIABLE_NAME), "
		  "expected VARIABLE_NAME, VARIABLE_VALUE" },
		{ "8.0.36", 3, { NAMES("CHANNEL_NAME", "HOST", "PORT"), CELLS("", "h", "1") },
		  "unexpected answer to performance_schema.replication_connection_configuration: 3 columns "
		  "(CHANNEL_NAME, HOST, PORT), expected CHANNEL_NAME, AUTO_POSITION, HOST, PORT" },
		{ "8.0.36", 4, { NAMES("Replica_IO_Running", "Source_Host", "Source_Port"), CELLS("Yes", "h", "1") },
		  "unexpected answer to SHOW REPLICA STATUS: 3 columns (Replica_IO_Running, Source_Host, Source_Port), "
		  "expected Replica_IO_Running, Replica_SQL_Running, Source_Host, Source_Port" },
		{ "8.0.36", 5, { NAMES("TABLE_NAME"), CELLS("gtid_executed") },
		  "unexpected answer to information_schema.TABLES: 1 column (TABLE_NAME), expected TABLE_NAME, ENGINE" },
		{ "8.0.36", 0, { NAMES("Vari\033[2Jable", "x\ny"), CELLS("a", "b") },
		  "unexpected answer to SHOW GLOBAL VARIABLES: 2 columns (Vari\033[2Jable, x\ny), expected Variable_name, Value" },
		{ "8.0.36", 0, { NAMES("Variable_name_that_is_far_longer_than_forty_bytes_x", "Value"), NO_ROWS },
		  "unexpected answer to SHOW GLOBAL VARIABLES: 2 columns (Variable_name_that_is_far_longer_than_fo..., "
		  "Value), expected Variable_name, Value" },
	};
	/* The well-formed answers of a MySQL 8.0 server, in order. */
	const struct rec good[] = {
		{ NAMES("Variable_name", "Value"), CELLS("version", "8.0.36") },
		{ NAMES("VARIABLE_NAME", "VARIABLE_SOURCE", "VARIABLE_PATH"), CELLS("version", "COMPILED", "") },
		{ NAMES("VARIABLE_NAME", "VARIABLE_VALUE"), NO_ROWS },
		{ NAMES("CHANNEL_NAME", "HOST", "PORT", "AUTO_POSITION"), NO_ROWS },
		{ NAMES("Replica_IO_Running", "Replica_SQL_Running", "Source_Host", "Source_Port"), NO_ROWS },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct live_plan p;
		struct live_target t;
		struct settings s;
		struct live_stmt st;
		struct live_result r;
		const char *why = NULL;

		plan_start(&p, &t, &s, cases[i].greeting);
		for (size_t k = 0; k < cases[i].ok_steps; k++) {
			live_plan_next(&p, &st);
			rec_build(&r, &good[k], &why);
			live_plan_answer(&p, &r);
			live_result_release(&r);
		}
		if (live_plan_next(&p, &st)) {
			rec_build(&r, &cases[i].bad, &why);
			live_plan_answer(&p, &r);
			live_result_release(&r);
		}
		char name[200];
		snprintf(name, sizeof(name), "case %zu: %.150s", i + 1, cases[i].error ? cases[i].error : "");
		for (char *c = name; *c; c++)   /* a TAP line of its own, and no escape on the terminal */
			if ((unsigned char)*c < ' ')
				*c = '?';
		is_str(s.error, cases[i].error, name);
		ok(!live_plan_next(&p, &st), "... and the plan stops there");
		plan_end(&p, &t, &s);
	}
}

/* A channel statement with more rows than any server has channels. */
static void test_plan_too_many_channels(void)
{
	struct live_plan p;
	struct live_target t;
	struct settings s;
	struct live_stmt st;
	struct live_result r;
	const char *why = NULL;
	char name[32];

	plan_start(&p, &t, &s, "10.11.6-MariaDB");
	step(&p, "information_schema.SYSTEM_VARIABLES", NULL,
	     &(struct rec){ NAMES("VARIABLE_NAME", "GLOBAL_VALUE", "GLOBAL_VALUE_ORIGIN", "GLOBAL_VALUE_PATH"),
			    CELLS("version", "10.11.6-MariaDB", "COMPILE-TIME", NULL) });
	live_plan_next(&p, &st);
	live_result_init(&r);
	for (const char *const *n = (const char *const[]){ "Connection_name", "Using_Gtid", "Slave_IO_Running",
							  "Slave_SQL_Running", "Master_Host", "Master_Port", NULL };
	     *n; n++)
		live_result_add_column(&r, *n, strlen(*n), &why);
	for (unsigned i = 0; i < LIVE_MAX_CHANNELS + 1; i++) {
		snprintf(name, sizeof(name), "c%u", i);
		live_result_add_row(&r, (const char *const[]){ name, "No", "No", "No", "h", "1" }, NULL, &why);
	}
	live_plan_answer(&p, &r);
	live_result_release(&r);
	is_str(s.error, "unexpected answer to SHOW ALL SLAVES STATUS: 4097 rows (at most 4096)",
	       "4097 channels: an unexpected answer, not a quadratic merge");
	plan_end(&p, &t, &s);
}

/* The limits on one answer. */
static void test_result_limits(void)
{
	struct live_result r;
	const char *why = NULL;
	char *big = malloc(LIVE_RESULT_MAX_BYTES / 4 + 1);
	unsigned long len = LIVE_RESULT_MAX_BYTES / 4;
	int rc = 0, rows = 0;

	memset(big, 'x', len);
	big[len] = '\0';
	live_result_init(&r);
	live_result_add_column(&r, "Value", 5, &why);
	while ((rc = live_result_add_row(&r, (const char *const[]){ big }, &len, &why)) == 0)
		rows++;
	is_int(rows, 3, "rows of 4 MB: three fit under 16 MB with the column name");
	is_str(why, "more than 16 MB", "... the fourth is refused: more than 16 MB");
	is_int((long)r.nrows, 3, "... and not added");
	live_result_release(&r);
	free(big);

	live_result_init(&r);
	live_result_add_column(&r, "Variable_name", 13, &why);
	rows = 0;
	while (live_result_add_row(&r, (const char *const[]){ "v" }, NULL, &why) == 0)
		rows++;
	is_int(rows, LIVE_RESULT_MAX_ROWS, "at most 100000 rows");
	is_str(why, "more than 100000 rows", "... then: more than 100000 rows");
	live_result_release(&r);

	live_result_init(&r);
	live_result_add_column(&r, "a", 1, &why);
	live_result_add_column(&r, "b", 1, &why);
	live_result_add_row(&r, (const char *const[]){ "x\0y", NULL }, (const unsigned long[]){ 3, 0 }, &why);
	is_int((long)live_result_cell(&r, 0, 0)->len, 3, "a cell keeps its length (bytes after a NUL)");
	ok(live_result_cell(&r, 0, 1)->v == NULL, "... and NULL stays NULL");
	live_result_release(&r);
}

/* A capture reads every variable: no name list in the statement. */
static void test_plan_capture(void)
{
	struct live_plan p;
	struct live_target t;
	struct settings s;
	struct live_stmt st;
	struct live_conn all = { .all_variables = 1 };

	settings_init(&s, "db1", "live");
	live_target_init(&t, &s, "db1");
	live_plan_init(&p, &t, &all, &cat, "8.0.36");
	ok(live_plan_next(&p, &st) && !strcmp(st.sql, "SHOW GLOBAL VARIABLES"),
	   "--capture: SHOW GLOBAL VARIABLES without a name list (%s)", st.sql);
	plan_end(&p, &t, &s);
	is_int((long)live_target_timeout(&all), 10 + 2 * 30, "--target-timeout default: connect + 2 x read timeout (70 s)");
	all.connect_timeout = 2;
	all.read_timeout = 3;
	is_int((long)live_target_timeout(&all), 8, "... 2 + 2 x 3 = 8 s");
	all.target_timeout = 5;
	is_int((long)live_target_timeout(&all), 5, "... or --target-timeout itself");
}

static void test_compare_config(void)
{
	struct settings live, file;
	struct live_target t;

	settings_init(&live, "db1:3306", "live");
	live.flavor = FLAVOR_MARIADB;
	version_parse(&live.version, "10.11.6");
	set(&live, "sync_binlog", "0", SETTINGS_SRC_LIVE, NULL, 0, "live, set at runtime (SET GLOBAL): lost on restart");
	set(&live, "read_only", "ON", SETTINGS_SRC_LIVE, NULL, 0, "live, set at runtime (SET GLOBAL): lost on restart");
	set(&live, "server_id", "7", SETTINGS_SRC_LIVE, NULL, 0, "live, from an option file");
	set(&live, "relay_log_recovery", "ON", SETTINGS_SRC_LIVE, NULL, 0, "live, from an option file");
	set(&live, "runtime_only_changes", "sync_binlog=0, read_only=ON", SETTINGS_SRC_LIVE, NULL, 0, "live");
	live_target_init(&t, &live, "db1:3306");

	settings_init(&file, "my.cnf", "file");
	file.flavor = FLAVOR_MARIADB;
	file.version = live.version;
	set(&file, "sync_binlog", "1", SETTINGS_SRC_FILE, "my.cnf", 7, NULL);
	set(&file, "read_only", "1", SETTINGS_SRC_FILE, "my.cnf", 8, NULL);
	set(&file, "server_id", "7", SETTINGS_SRC_FILE, "my.cnf", 9, NULL);
	/* a default is not something the file says */
	set(&file, "relay_log_recovery", "OFF", SETTINGS_SRC_DEFAULT, NULL, 0, "default for MariaDB 10.11");

	live_compare_config(&t, &file, &cat);
	is_str(value(&live, "config_drift"), "sync_binlog: running 0, option file 1 at my.cnf:7",
	       "config_drift names the running value, the file's value and file:line; defaults and "
	       "equal values (read_only ON = 1) are no drift");
	is_str(value(&live, "runtime_only_changes"), "sync_binlog=0 (the option file sets 1 at my.cnf:7)",
	       "a runtime change the option file also makes (read_only) survives a restart: dropped; "
	       "the others say what the file sets instead, and where");

	settings_release(&file);
	settings_init(&file, "same.cnf", "file");
	set(&file, "server_id", "7", SETTINGS_SRC_FILE, "same.cnf", 3, NULL);
	live_compare_config(&t, &file, &cat);
	is_str(value(&live, "config_drift"), "", "no drift: config_drift is empty");

	live_target_release(&t);
	settings_release(&file);
	settings_release(&live);
}

static void test_capture(void)
{
	struct settings live, back;
	struct live_target t;
	char path[] = "/tmp/crashsafe-test-live-XXXXXX";
	int fd = mkstemp(path);
	struct settings_channel *ch;
	const struct live_raw_var raw[] = {
		{ "version", "10.11.6-MariaDB-log", "COMPILE-TIME", NULL },
		{ "version_comment", "MariaDB Server", "COMPILE-TIME", NULL },
		{ "sync_binlog", "0", "SQL", NULL },
		{ "server_id", "3", "CONFIG", "/etc/mysql/my.cnf" },
		{ "init_connect", "SET a=1;\tSET b='x\\y'\nSET c=2", "COMPILE-TIME", NULL },
	};

	ok(fd >= 0, "a temporary file for the capture");
	if (fd >= 0)
		close(fd);
	settings_init(&live, "10.0.0.5:3306", "live");
	live.flavor = FLAVOR_MARIADB;
	version_parse(&live.version, "10.11.6");
	live.role = ROLE_REPLICA;
	live.channels_known = 1;
	ch = settings_add_channel(&live, "");
	ch->using_gtid = "No";
	ch->io_running = "Yes";
	ch->sql_running = "Yes";
	ch->source_host = "10.0.0.1";
	ch->source_port = 3306;
	ch = settings_add_channel(&live, "east");
	ch->using_gtid = "Slave_Pos";
	set(&live, "metadata_tables_innodb", NULL, SETTINGS_SRC_LIVE, NULL, 0,
	    "information_schema.TABLES shows no mysql.gtid_slave_pos (needs SELECT on mysql.gtid_slave_pos)");
	set(&live, "runtime_only_changes", "sync_binlog=0", SETTINGS_SRC_LIVE, NULL, 0, "live");
	set(&live, "replication_channels", "2", SETTINGS_SRC_LIVE, NULL, 0, "live");
	live_target_init(&t, &live, "10.0.0.5:3306");
	t.raw = (struct live_raw_var *)malloc(sizeof(raw));
	memcpy(t.raw, raw, sizeof(raw));
	t.nraw = t.raw_cap = sizeof(raw) / sizeof(raw[0]);

	is_int(live_capture_write(&t, path), 0, "live_capture_write writes the capture");
	{
		FILE *fp = fopen(path, "r");
		char line[512];
		int header = 0, unknown = 0, escaped = 0;
		while (fp && fgets(line, sizeof(line), fp)) {
			if (!strcmp(line, "# crashsafe capture 1\n"))
				header = 1;
			if (!strncmp(line, "# unknown metadata_tables_innodb\tinformation_schema.TABLES", 58))
				unknown = 1;
			if (!strcmp(line, "init_connect\tSET a=1;\\tSET b='x\\\\y'\\nSET c=2\n"))
				escaped = 1;
		}
		if (fp)
			fclose(fp);
		ok(header, "it starts with '# crashsafe capture 1'");
		ok(unknown, "an unknown fact is written as '# unknown NAME<TAB>REASON'");
		ok(escaped, "tabs, newlines and backslashes in values are escaped as mysql -NB does");
	}

	settings_init(&back, path, "snapshot");
	is_int(snapshot_load(&back, path, &cat), 0, "snapshot_load reads the capture back");
	is_int(back.flavor, FLAVOR_MARIADB, "... flavor from version");
	is_int(back.role, ROLE_REPLICA, "... the role");
	is_int(back.channels_known, 1, "... channels are known");
	is_int((long)back.nchannels, 2, "... both channels");
	if (back.nchannels == 2) {
		is_str(back.channels[0].name, "", "... the default channel's name is ''");
		is_str(back.channels[0].using_gtid, "No", "... its Using_Gtid");
		is_str(back.channels[0].source_host, "10.0.0.1", "... its source host");
		is_int(back.channels[0].source_port, 3306, "... its source port");
		is_str(back.channels[1].using_gtid, "Slave_Pos", "... the second channel's Using_Gtid");
	}
	is_str(value(&back, "runtime_only_changes"), "sync_binlog=0", "... the facts");
	/* read back unknown (NULL), with the live run's reason: not absent, which reads as "not live" (breaker8 6) */
	is_str(value(&back, "metadata_tables_innodb"), NULL, "... an unknown fact stays unknown");
	const struct settings_var *mt = settings_get(&back, "metadata_tables_innodb");
	ok(mt && mt->current.origin.detail && !strncmp(mt->current.origin.detail, "information_schema.TABLES", 25),
	   "... with the reason the live run gave");
	is_str(value(&back, "sync_binlog"), "0", "... the variables");
	is_str(value(&back, "init_connect"), "SET a=1;\tSET b='x\\y'\nSET c=2", "... escaped values unescaped");
	{
		const struct settings_var *v = settings_get(&back, "sync_binlog");
		ok(v && v->current.origin.detail && strstr(v->current.origin.detail, "SET GLOBAL"),
		   "... each value's live origin (sync_binlog: %s)",
		   v && v->current.origin.detail ? v->current.origin.detail : "(none)");
	}

	settings_release(&back);
	live_target_release(&t);
	settings_release(&live);
	unlink(path);

	/* Nothing is written for a target that could not be audited. */
	settings_init(&live, "x", "live");
	live.error = "cannot connect";
	live_target_init(&t, &live, "x");
	is_int(live_capture_write(&t, path), -1, "no capture for a target with an error");
	ok(access(path, F_OK) != 0, "... and no file is left");
	settings_release(&live);
}

static void test_refused(void)
{
	struct settings s;
	struct live_target t;
	struct live_conn o = { .user = "nobody", .no_defaults = 1, .connect_timeout = 2 };

	is_int(live_library_init(), 0, "libmysqlclient initialises");
	settings_init(&s, "127.0.0.1:1", "live");
	live_target_init(&t, &s, "127.0.0.1:1");
	is_int((long)live_collect_all(&t, 1, &o, &cat, 0), 1, "a port nobody listens on: not audited");
	ok(s.error && strstr(s.error, "cannot connect"), "... error: %s", s.error ? s.error : "(none)");
	is_int(s.version_detected, 0, "... and nothing was detected");
	live_target_release(&t);
	settings_release(&s);

	settings_init(&s, "db1:x", "live");
	live_target_init(&t, &s, "db1:x");
	is_int(live_collect(&t, &o, &cat), -1, "a malformed target is not audited");
	ok(s.error && strstr(s.error, "bad target 'db1:x'"), "... error: %s", s.error ? s.error : "(none)");
	live_target_release(&t);
	settings_release(&s);
	live_library_end();
}

int main(void)
{
	if (!fixture_catalog(&cat))
		return done_testing();
	test_parse_host();
	test_ssl_mode();
	test_plan_mysql80();
	test_plan_mysql56();
	test_plan_mysql_refused();
	test_plan_mariadb();
	test_plan_unexpected();
	test_plan_too_many_channels();
	test_plan_capture();
	test_result_limits();
	test_compare_config();
	test_capture();
	test_refused();
	catalog_release(&cat);
	return done_testing();
}
