/*
 * test_topology.c - the topology of a run (auditor/topology.h) and the
 * channel status reader (live_channel_read_status(), live.h), on recorded
 * rows: MySQL cannot run here, so SHOW REPLICA STATUS / SHOW SLAVE STATUS
 * rows are the manual's examples, and the MariaDB row's columns are those
 * of MariaDB 10.11.19's SHOW ALL SLAVES STATUS on this machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "engine.h"
#include "finding.h"
#include "live.h"
#include "reportread.h"
#include "topology.h"
#include "tap.h"
#include "banned.h"

/* ---- the status reader on recorded rows ------------------------------------ */

/* MySQL 8.0.22+ SHOW REPLICA STATUS, the manual's example (SHOW REPLICA STATUS Statement), stopped by a 1062. */
static const char *const replica_status_names[] = {
	"Replica_IO_State", "Source_Host", "Source_User", "Source_Port", "Connect_Retry", "Source_Log_File",
	"Read_Source_Log_Pos", "Relay_Log_File", "Relay_Log_Pos", "Relay_Source_Log_File", "Replica_IO_Running",
	"Replica_SQL_Running", "Replicate_Do_DB", "Replicate_Ignore_DB", "Replicate_Do_Table",
	"Replicate_Ignore_Table", "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table", "Last_Errno",
	"Last_Error", "Skip_Counter", "Exec_Source_Log_Pos", "Relay_Log_Space", "Until_Condition",
	"Until_Log_File", "Until_Log_Pos", "Source_SSL_Allowed", "Source_SSL_CA_File", "Source_SSL_CA_Path",
	"Source_SSL_Cert", "Source_SSL_Cipher", "Source_SSL_Key", "Seconds_Behind_Source",
	"Source_SSL_Verify_Server_Cert", "Last_IO_Errno", "Last_IO_Error", "Last_SQL_Errno", "Last_SQL_Error",
	"Replicate_Ignore_Server_Ids", "Source_Server_Id", "Source_UUID", "Source_Info_File", "SQL_Delay",
	"SQL_Remaining_Delay", "Replica_SQL_Running_State", "Source_Retry_Count", "Source_Bind",
	"Last_IO_Error_Timestamp", "Last_SQL_Error_Timestamp", "Source_SSL_Crl", "Source_SSL_Crlpath",
	"Retrieved_Gtid_Set", "Executed_Gtid_Set", "Auto_Position", "Replicate_Rewrite_DB", "Channel_Name",
	"Source_TLS_Version", "Source_public_key_path", "Get_Source_public_key", "Network_Namespace",
};
#define DUP_ERROR "Coordinator stopped because there were error(s) in the worker(s). The most recent failure " \
	"being: Worker 1 failed executing transaction '73f86016-978b-11ee-ade5-8d2a2a562feb:4' at source log " \
	"master-bin.000001, end_log_pos 1234. See error log and/or performance_schema." \
	"replication_applier_status_by_worker table for more details about this failure or others, if any."
static const char *const replica_status_row[] = {
	"", "127.0.0.1", "root", "13000", "1", "master-bin.000001", "1234", "slave-relay-bin.000002", "1145",
	"master-bin.000001", "Yes", "No", "", "", "", "", "", "", "1062", DUP_ERROR, "0", "927", "1355", "None",
	"", "0", "No", "", "", "", "", "", NULL, "No", "0", "", "1062", DUP_ERROR, "", "1",
	"73f86016-978b-11ee-ade5-8d2a2a562feb", "mysql.slave_master_info", "0", NULL, "", "10", "", "",
	"231208 10:00:00", "", "", "73f86016-978b-11ee-ade5-8d2a2a562feb:1-4",
	"73f86016-978b-11ee-ade5-8d2a2a562feb:1-3", "1", "", "", "", "", "0", "",
};

/* MySQL 5.7 SHOW SLAVE STATUS (the 5.7 manual's column list), receiver stopped by 1236. */
static const char *const slave_status_names[] = {
	"Slave_IO_State", "Master_Host", "Master_User", "Master_Port", "Connect_Retry", "Master_Log_File",
	"Read_Master_Log_Pos", "Relay_Log_File", "Relay_Log_Pos", "Relay_Master_Log_File", "Slave_IO_Running",
	"Slave_SQL_Running", "Replicate_Do_DB", "Replicate_Ignore_DB", "Replicate_Do_Table",
	"Replicate_Ignore_Table", "Replicate_Wild_Do_Table", "Replicate_Wild_Ignore_Table", "Last_Errno",
	"Last_Error", "Skip_Counter", "Exec_Master_Log_Pos", "Relay_Log_Space", "Until_Condition",
	"Until_Log_File", "Until_Log_Pos", "Master_SSL_Allowed", "Master_SSL_CA_File", "Master_SSL_CA_Path",
	"Master_SSL_Cert", "Master_SSL_Cipher", "Master_SSL_Key", "Seconds_Behind_Master",
	"Master_SSL_Verify_Server_Cert", "Last_IO_Errno", "Last_IO_Error", "Last_SQL_Errno", "Last_SQL_Error",
	"Replicate_Ignore_Server_Ids", "Master_Server_Id", "Master_UUID", "Master_Info_File", "SQL_Delay",
	"SQL_Remaining_Delay", "Slave_SQL_Running_State", "Master_Retry_Count", "Master_Bind",
	"Last_IO_Error_Timestamp", "Last_SQL_Error_Timestamp", "Master_SSL_Crl", "Master_SSL_Crlpath",
	"Retrieved_Gtid_Set", "Executed_Gtid_Set", "Auto_Position", "Replicate_Rewrite_DB", "Channel_name",
	"Master_TLS_Version",
};
static const char *const slave_status_row[] = {
	"", "db1.example.com", "repl", "3306", "60", "mysql-bin.000007", "4", "relay.000001", "4",
	"mysql-bin.000007", "No", "Yes", "", "", "", "", "", "", "0", "", "2", "4", "154", "None", "", "0",
	"No", "", "", "", "", "", NULL, "No", "1236",
	"Got fatal error 1236 from master when reading data from binary log: 'Could not find first log file "
	"name in binary log index file'",
	"0", "", "", "7", "8a94f357-aab4-11df-86ab-c80aa9429562", "/var/lib/mysql/master.info", "0", NULL,
	"Slave has read all relay log; waiting for more updates", "86400", "", "231208 10:00:00", "", "", "",
	"", "", "0", "", "east", "",
};

/* MariaDB 10.11.19 SHOW ALL SLAVES STATUS: its columns, read on this machine. */
static const char *const all_slaves_names[] = {
	"Connection_name", "Slave_SQL_State", "Slave_IO_State", "Master_Host", "Master_User", "Master_Port",
	"Connect_Retry", "Master_Log_File", "Read_Master_Log_Pos", "Relay_Log_File", "Relay_Log_Pos",
	"Relay_Master_Log_File", "Slave_IO_Running", "Slave_SQL_Running", "Replicate_Do_DB",
	"Replicate_Ignore_DB", "Replicate_Do_Table", "Replicate_Ignore_Table", "Replicate_Wild_Do_Table",
	"Replicate_Wild_Ignore_Table", "Last_Errno", "Last_Error", "Skip_Counter", "Exec_Master_Log_Pos",
	"Relay_Log_Space", "Until_Condition", "Until_Log_File", "Until_Log_Pos", "Master_SSL_Allowed",
	"Master_SSL_CA_File", "Master_SSL_CA_Path", "Master_SSL_Cert", "Master_SSL_Cipher", "Master_SSL_Key",
	"Seconds_Behind_Master", "Master_SSL_Verify_Server_Cert", "Last_IO_Errno", "Last_IO_Error",
	"Last_SQL_Errno", "Last_SQL_Error", "Replicate_Ignore_Server_Ids", "Master_Server_Id", "Master_SSL_Crl",
	"Master_SSL_Crlpath", "Using_Gtid", "Gtid_IO_Pos", "Replicate_Do_Domain_Ids",
	"Replicate_Ignore_Domain_Ids", "Parallel_Mode", "SQL_Delay", "SQL_Remaining_Delay",
	"Slave_SQL_Running_State", "Slave_DDL_Groups", "Slave_Non_Transactional_Groups",
	"Slave_Transactional_Groups", "Replicate_Rewrite_DB", "Retried_transactions", "Max_relay_log_size",
	"Executed_log_entries", "Slave_received_heartbeats", "Slave_heartbeat_period", "Gtid_Slave_Pos",
};

static void test_status_rows(void)
{
	struct settings s;
	struct settings_channel *ch;
	settings_init(&s, "t", "live");

	ch = settings_add_channel(&s, "");
	is_int(ARRAY_SIZE(replica_status_names), ARRAY_SIZE(replica_status_row), "the recorded 8.0 row is whole");
	live_channel_read_status(&s, ch, replica_status_names, replica_status_row, ARRAY_SIZE(replica_status_names));
	is_str(ch->last_sql_errno, "1062", "SHOW REPLICA STATUS: Last_SQL_Errno");
	ok(ch->last_sql_error && !strncmp(ch->last_sql_error, "Coordinator stopped", 19) &&
	   strlen(ch->last_sql_error) <= 303 && !strcmp(ch->last_sql_error + strlen(ch->last_sql_error) - 3, "..."),
	   "... Last_SQL_Error, cut at 300 bytes with '...'");
	is_str(ch->last_io_errno, "0", "... Last_IO_Errno");
	is_str(ch->skip_counter, "0", "... Skip_Counter");
	is_str(ch->source_server_id, "1", "... Source_Server_Id");
	is_str(ch->source_uuid, "73f86016-978b-11ee-ade5-8d2a2a562feb", "... Source_UUID");

	ch = settings_add_channel(&s, "east");
	is_int(ARRAY_SIZE(slave_status_names), ARRAY_SIZE(slave_status_row), "the recorded 5.7 row is whole");
	live_channel_read_status(&s, ch, slave_status_names, slave_status_row, ARRAY_SIZE(slave_status_names));
	is_str(ch->last_io_errno, "1236", "SHOW SLAVE STATUS (5.7): Last_IO_Errno");
	ok(ch->last_io_error && strstr(ch->last_io_error, "Could not find first log file"), "... Last_IO_Error whole");
	is_str(ch->skip_counter, "2", "... a pending Skip_Counter");
	is_str(ch->source_server_id, "7", "... Master_Server_Id");
	is_str(ch->source_uuid, "8a94f357-aab4-11df-86ab-c80aa9429562", "... Master_UUID");

	/* MariaDB: a row with a control character in the error and no Master_UUID column */
	const char *row[ARRAY_SIZE(all_slaves_names)];
	for (size_t i = 0; i < ARRAY_SIZE(row); i++)
		row[i] = "";
	for (size_t i = 0; i < ARRAY_SIZE(all_slaves_names); i++) {
		if (!strcmp(all_slaves_names[i], "Last_SQL_Errno"))
			row[i] = "1062";
		else if (!strcmp(all_slaves_names[i], "Last_SQL_Error"))
			row[i] = "Duplicate entry '7'\nfor key 'PRIMARY'\x1b[31m";
		else if (!strcmp(all_slaves_names[i], "Master_Server_Id"))
			row[i] = "1";
		else if (!strcmp(all_slaves_names[i], "Skip_Counter"))
			row[i] = NULL;   /* SQL NULL: left unknown */
	}
	ch = settings_add_channel(&s, "b");
	live_channel_read_status(&s, ch, all_slaves_names, row, ARRAY_SIZE(all_slaves_names));
	is_str(ch->last_sql_error, "Duplicate entry '7'?for key 'PRIMARY'?[31m",
	       "SHOW ALL SLAVES STATUS: the server's text with its control characters shown as '?'");
	is_str(ch->source_server_id, "1", "... Master_Server_Id");
	ok(!ch->source_uuid, "... no Master_UUID on MariaDB");
	ok(!ch->skip_counter, "... a NULL cell stays unknown");
	settings_release(&s);
}

/* ---- linking ---------------------------------------------------------------- */

static void var(struct settings *v, const char *name, const char *value)
{
	struct settings_origin o = { .source = SETTINGS_SRC_LIVE };
	settings_set(v, name, value, name, &o);
}

/* Room for n targets, so that the views handed out stay where they are. */
static void reserve(struct audit_result *r, size_t n)
{
	ARRAY_GROW(r->targets, n, r->cap);
}

/* A live target's view: address, server_id, read_only (reserve() first). */
static struct settings *node(struct audit_result *r, const char *name, const char *address, const char *server_id,
			     const char *read_only)
{
	struct target_result *t = audit_result_add_target(r, name, "live");
	struct settings *v = &t->view;
	v->flavor = FLAVOR_MYSQL;
	v->address = address;
	v->channels_known = 1;
	if (server_id)
		var(v, "server_id", server_id);
	if (read_only)
		var(v, "read_only", read_only);
	return v;
}

static struct settings_channel *channel(struct settings *v, const char *name, const char *host, unsigned port)
{
	struct settings_channel *ch = settings_add_channel(v, name);
	ch->source_host = host;
	ch->source_port = port;
	return ch;
}

/* A fact's value; "(absent)" or "(unknown)" so that comparisons print what was there. */
static const char *fact(const struct settings *v, const char *name)
{
	const struct settings_var *sv = settings_get(v, name);
	return !sv ? "(absent)" : sv->current.value ? sv->current.value : "(unknown)";
}

static void test_link(void)
{
	struct audit_result r;
	char host[64];
	unsigned port;
	audit_result_init(&r);
	reserve(&r, 16);
	ok(!topology_address("DB1.example.com:3307", host, sizeof(host), &port) && !strcmp(host, "db1.example.com") &&
	   port == 3307, "an address: host lowercased, port");
	ok(!topology_address("localhost", host, sizeof(host), &port) && !strcmp(host, "127.0.0.1") && port == 3306,
	   "localhost is the loopback host, on port 3306 by default");
	ok(!topology_address("[::1]:3310", host, sizeof(host), &port) && !strcmp(host, "127.0.0.1") && port == 3310,
	   "::1 too");

	struct settings *src = node(&r, "src", "10.0.0.1:3306", "1", "OFF");
	struct settings *a = node(&r, "a", "10.0.0.2:3306", "2", "ON");
	channel(a, "", "10.0.0.1", 3306);                          /* by address */
	struct settings *b = node(&r, "b", "b.example:3306", "3", "ON");
	channel(b, "", "db-src.example", 3306)->source_server_id = "1";   /* by Master_Server_Id */
	struct settings *c = node(&r, "c", NULL, "4", "ON");
	channel(c, "", "elsewhere", 3306)->source_server_id = "99";       /* nobody */
	struct settings *d = node(&r, "d", NULL, "5", "ON");
	var(src, "report_host", "src.internal");
	var(src, "port", "3306");
	channel(d, "", "SRC.internal", 0);                          /* report_host, default port */
	/* two servers with server_id 7 (a Galera cluster): the one on the channel's port */
	struct settings *g1 = node(&r, "g1", NULL, "7", "OFF");
	var(g1, "port", "3310");
	struct settings *g2 = node(&r, "g2", NULL, "7", "OFF");
	var(g2, "port", "3311");
	struct settings *e = node(&r, "e", NULL, "8", "ON");
	channel(e, "", "galera-lb", 3311)->source_server_id = "7";
	struct settings *f = node(&r, "f", NULL, "9", "ON");
	channel(f, "", "galera-lb", 3312)->source_server_id = "7";   /* ambiguous */
	topology_link(NULL, &r, 0);
	is_str(a->channels[0].source_target, "src", "a channel's source found by its address");
	is_int((long)a->channels[0].source_index, 1, "... its index in the result");
	is_str(b->channels[0].source_target, "src", "... by Master_Server_Id when the address is unknown");
	ok(!c->channels[0].source_target && strstr(c->channels[0].source_why, "elsewhere:3306") &&
	   strstr(c->channels[0].source_why, "is not among the audited servers"), "... none: the reason names host:port");
	is_str(d->channels[0].source_target, "src", "... by the source's report_host and port");
	is_str(e->channels[0].source_target, "g2", "... by server_id shared by two, the one on the channel's port");
	ok(!f->channels[0].source_target && strstr(f->channels[0].source_why, "more than one"),
	   "... ambiguous otherwise, and said so");
	is_str(fact(src, "topology.replicas"), "3", "the source has three replicas in the run");
	is_str(fact(src, "topology.ring"), "OFF", "no ring through a plain source");
	ok(settings_get(c, "topology.ring") && !settings_get(c, "topology.ring")->current.value,
	   "a replica whose source is not in the run: whether it is in a ring is unknown");
	audit_result_release(&r);
}

static void test_rings(void)
{
	struct audit_result r;
	audit_result_init(&r);
	reserve(&r, 3);
	/* x <-> y (a dual primary), z replicates from x */
	struct settings *x = node(&r, "x", "h1:1", "1", "OFF");
	struct settings *y = node(&r, "y", "h2:1", "2", "OFF");
	struct settings *z = node(&r, "z", "h3:1", "3", "ON");
	channel(x, "", "h2", 1);
	channel(y, "", "h1", 1);
	channel(z, "", "h1", 1);
	var(x, "auto_increment_increment", "2");
	var(x, "auto_increment_offset", "1");
	var(y, "auto_increment_increment", "2");
	var(y, "auto_increment_offset", "3");   /* 3 > 2: the server takes 1, as x */
	topology_link(NULL, &r, 0);
	is_str(fact(x, "topology.ring"), "ON", "a dual primary is a ring");
	is_str(fact(z, "topology.ring"), "OFF", "its replica is in no ring");
	is_str(fact(x, "topology.writable_peers"), "y", "x's writable peer is y");
	is_str(fact(x, "topology.writers"), "2", "two writers");
	ok(strstr(fact(x, "topology.auto_increment_clash"), "x and y generate the same") != NULL,
	   "an offset above the increment counts as 1: x and y clash");
	audit_result_release(&r);

	/*
	 * two rings, their members interleaved in target order, and a server in
	 * neither: each ring named by its own members, in target order (the
	 * names are made for the rings alone, sorted by component, issue 13)
	 */
	audit_result_init(&r);
	reserve(&r, 5);
	struct settings *p1 = node(&r, "p1", "p1:1", "11", "OFF");
	struct settings *q1 = node(&r, "q1", "q1:1", "12", "OFF");
	struct settings *lone = node(&r, "lone", "l:1", "13", "OFF");
	struct settings *p2 = node(&r, "p2", "p2:1", "14", "OFF");
	struct settings *q2 = node(&r, "q2", "q2:1", "15", "OFF");
	channel(p1, "", "p2", 1);
	channel(p2, "", "p1", 1);
	channel(q1, "", "q2", 1);
	channel(q2, "", "q1", 1);
	topology_link(NULL, &r, 0);
	const struct settings_var *rp = settings_get(p2, "topology.ring"), *rq = settings_get(q1, "topology.ring");
	is_str(rp && rp->current.origin.detail ? rp->current.origin.detail : "(none)", "ring: p1, p2",
	       "two rings: the first named by its own members, in target order");
	is_str(rq && rq->current.origin.detail ? rq->current.origin.detail : "(none)", "ring: q1, q2",
	       "two rings: ... and the second by its own");
	is_str(fact(lone, "topology.ring"), "OFF", "two rings: a server in neither is in no ring");
	audit_result_release(&r);

	/* a long chain closed into one ring: linear, and every member is in it */
	enum { N = 20000 };
	audit_result_init(&r);
	reserve(&r, N);
	char name[32], addr[32], up[32];
	for (int i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		snprintf(addr, sizeof(addr), "10.1.%d.%d:3306", i / 250, i % 250);
		struct settings *v = node(&r, name, arena_strdup(&r.arena, addr), NULL, i ? "ON" : "OFF");
		int j = (i + 1) % N;
		snprintf(up, sizeof(up), "10.1.%d.%d", j / 250, j % 250);
		channel(v, "", arena_strdup(&r.arena, up), 3306);
	}
	topology_link(NULL, &r, 0);
	int all = 1;
	for (int i = 0; i < N; i++)
		all &= !strcmp(fact(&r.targets[i].view, "topology.ring"), "ON");
	ok(all, "a ring of %d servers: every one is in it", N);
	is_str(fact(&r.targets[1].view, "topology.writable_peers"), "n0", "the one writable server is every member's peer");
	audit_result_release(&r);

	/* a chain whose head replicates from outside the run: unknown downstream, known for the head's source */
	audit_result_init(&r);
	reserve(&r, 3);
	struct settings *h = node(&r, "head", "a:1", "1", "ON");
	struct settings *m = node(&r, "mid", "b:1", "2", "ON");
	struct settings *t = node(&r, "tail", "c:1", "3", "ON");
	channel(h, "", "outside", 1);
	channel(m, "", "a", 1);
	channel(t, "", "b", 1);
	topology_link(NULL, &r, 0);
	const struct settings_var *sv = settings_get(t, "topology.ring");
	ok(sv && !sv->current.value && strstr(sv->current.origin.detail, "outside:1"),
	   "a replica downstream of an unaudited source: ring unknown, and the reason names that source");
	audit_result_release(&r);
}

/* Galera: a cluster is one node of the graph; an async ring through it. */
static void test_galera(void)
{
	struct audit_result r;
	audit_result_init(&r);
	reserve(&r, 3);
	struct settings *n1 = node(&r, "n1", "g1:3306", "1", "OFF");
	struct settings *n2 = node(&r, "n2", "g2:3306", "2", "OFF");
	struct settings *out = node(&r, "out", "o:3306", "9", "ON");
	for (struct settings *v = n1; v; v = v == n1 ? n2 : NULL) {
		var(v, "wsrep_on", "ON");
		var(v, "wsrep_cluster_name", "east");
		var(v, "wsrep_auto_increment_control", "ON");
	}
	channel(n1, "", "o", 3306);
	channel(out, "", "g2", 3306);
	topology_link(NULL, &r, 0);
	is_str(fact(n1, "topology.galera_async_ring"), "ON", "a node replicating from a server that replicates from its cluster");
	is_str(fact(n2, "topology.galera_async_ring"), "ON", "... every node of the cluster is in that ring");
	is_str(fact(out, "topology.galera_async_ring"), "OFF", "... the outside server is no Galera node");
	is_str(fact(n1, "topology.cluster_server_ids"), "1, 2", "the cluster's server_ids");
	is_str(fact(n1, "topology.cluster_server_id_count"), "2", "... two of them");
	is_str(fact(n1, "topology.writable_peers"), "", "nodes of one cluster are not each other's writable peers");
	is_str(fact(n1, "topology.auto_increment_clash"), "", "wsrep_auto_increment_control: nodes of one cluster do not clash");
	audit_result_release(&r);
}

/*
 * What crashsafe merge does with shard reports: the golden reports of the
 * recorded broken topologies (examples/topology/) read back, their channels
 * linked again from the "topology" blocks only, and the facts come out as
 * the run that wrote them derived them.
 */
static void test_reports_again(void)
{
	static const char *const reports[] = {
		"tests/golden/topology-broken.json", "tests/golden/topology-dual-primary.json",
		"tests/golden/topology-galera-ring.json",
	};
	for (size_t k = 0; k < ARRAY_SIZE(reports); k++) {
		struct reportread rr;
		struct audit_result r;
		struct diag_list d;
		size_t facts = 0, same = 0, linked = 0, channels = 0;
		reportread_init(&rr);
		audit_result_init(&r);
		diag_list_init(&d);
		if (!ok(!reportread_load(&rr, reports[k], &d), "%s reads back", reports[k])) {
			diag_print(&d, stdout);
			goto next;
		}
		reportread_to_result(&rr, &r);
		topology_link(NULL, &r, 0);
		for (size_t i = 0; i < r.n; i++) {
			const struct settings *v = &r.targets[i].view;
			const struct reportread_target *rt = &rr.targets[i];
			for (size_t j = 0; j < rt->nfacts; j++) {
				/* the report's value, and the one derived again */
				const struct settings_var *sv = settings_get(v, rt->facts[j].name);
				const char *was = rt->facts[j].value, *now = sv ? sv->current.value : NULL;
				if (!sv)
					printf("#   %s %s: not derived again\n", r.targets[i].name, rt->facts[j].name);
				facts++;
				if (sv && ((!was && !now) || (was && now && !strcmp(was, now))))
					same++;
				else
					printf("#   %s %s: report '%s', again '%s'\n", r.targets[i].name, sv->name,
					       was ? was : "(unknown)", now ? now : "(unknown)");
			}
			for (size_t c = 0; c < v->nchannels; c++) {
				channels++;
				linked += v->channels[c].source_index != 0;
			}
		}
		ok(facts > 0 && same == facts, "%s: the %zu topology facts derived again from the report are the same",
		   reports[k], facts);
		ok(channels > 0 && linked == channels, "%s: every channel (%zu) finds its source again", reports[k],
		   channels);
	next:
		diag_list_release(&d);
		audit_result_release(&r);
		reportread_release(&rr);
	}
}

/* "target rule [channel]: status severity" of f, for comparing runs. */
static char *merge_key(const struct target_result *t, const struct finding *f)
{
	return xasprintf("%s %s [%s]: %s %s", t->name, f->rule_id, f->channel ? f->channel : "-",
			 finding_status_name(f->status), severity_name(f->severity));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * The contract crashsafe merge relies on (engine.h,
 * engine_rule_across_targets): drop the findings of the rules judged
 * across targets, keep the others, call engine_evaluate_fleet() once over
 * the targets read back, and every topology, link and fleet finding comes
 * out as the run that wrote the report had it (status and severity), with
 * no finding twice.
 */
static void test_merge_again(void)
{
	static const char *const reports[] = {
		"tests/golden/topology-broken.json", "tests/golden/topology-dual-primary.json",
		"tests/golden/topology-galera-ring.json",
	};
	struct catalog c;
	struct engine e;
	struct diag_list d;
	catalog_init(&c);
	engine_init(&e);
	diag_list_init(&d);
	if (!ok(catalog_load(&c, "rules/variables.ini", &d) == 0 && engine_load_dir(&e, "rules", &d) == 0 &&
			engine_bind(&e, &c, &d) == 0,
		"the catalog and the rules load")) {
		diag_print(&d, stdout);
		goto out;
	}
	ok(engine_rule_across_targets(engine_rule_find(&e, "errant-transactions")) &&
		   engine_rule_across_targets(engine_rule_find(&e, "writable-peers")) &&
		   engine_rule_across_targets(engine_rule_find(&e, "server-id-unique")) &&
		   !engine_rule_across_targets(engine_rule_find(&e, "replica-applier-running")) &&
		   !engine_rule_across_targets(engine_rule_find(&e, "sync-binlog")) && !engine_rule_across_targets(NULL),
	   "link, topology and fleet rules are judged across targets; channel and target rules are not");
	for (size_t k = 0; k < ARRAY_SIZE(reports); k++) {
		struct reportread rr;
		struct audit_result r;
		char **was = NULL, **now = NULL;
		size_t nwas = 0, nnow = 0, capw = 0, capn = 0, kept = 0, dropped = 0;
		reportread_init(&rr);
		audit_result_init(&r);
		if (reportread_load(&rr, reports[k], &d) < 0) {
			ok(0, "%s reads back", reports[k]);
			goto next;
		}
		reportread_to_result(&rr, &r);
		for (size_t i = 0; i < r.n; i++) {
			struct target_result *t = &r.targets[i];
			size_t out = 0;
			for (size_t f = 0; f < t->n; f++) {
				if (engine_rule_across_targets(engine_rule_find(&e, t->findings[f].rule_id))) {
					ARRAY_GROW(was, nwas + 1, capw);
					was[nwas++] = merge_key(t, &t->findings[f]);
					dropped++;
					continue;
				}
				t->findings[out++] = t->findings[f];
				kept++;
			}
			t->n = out;
		}
		engine_evaluate_fleet(&e, &c, &r, 0);
		for (size_t i = 0; i < r.n; i++) {
			const struct target_result *t = &r.targets[i];
			for (size_t f = 0; f < t->n; f++) {
				if (!engine_rule_across_targets(engine_rule_find(&e, t->findings[f].rule_id)))
					continue;
				ARRAY_GROW(now, nnow + 1, capn);
				now[nnow++] = merge_key(t, &t->findings[f]);
			}
		}
		if (nwas)
			qsort(was, nwas, sizeof(*was), cmp_str);
		if (nnow)
			qsort(now, nnow, sizeof(*now), cmp_str);
		size_t same = 0;
		for (size_t i = 0; i < nwas && i < nnow; i++) {
			if (!strcmp(was[i], now[i]))
				same++;
			else
				printf("#   report: %s\n#   again:  %s\n", was[i], now[i]);
		}
		ok(dropped > 0 && kept > 0, "%s: %zu findings judged across targets dropped, %zu kept", reports[k], dropped,
		   kept);
		ok(nwas == nnow && same == nwas, "%s: judged again over the targets read back, the %zu findings are the "
		   "report's (%zu again, %zu the same)", reports[k], nwas, nnow, same);
		for (size_t i = 0; i < nwas; i++)
			free(was[i]);
		for (size_t i = 0; i < nnow; i++)
			free(now[i]);
		free(was);
		free(now);
	next:
		audit_result_release(&r);
		reportread_release(&rr);
	}
out:
	diag_list_release(&d);
	engine_release(&e);
	catalog_release(&c);
}

/* r's target i's node (topology_derive_nodes()) */
static void result_node(void *ctx, size_t i, struct topology_node *n)
{
	const struct audit_result *r = ctx;
	topology_node_of(&r->targets[i], n);
}

/* r's target i's view (topology_view_fn) */
static const struct settings *result_view(void *ctx, size_t i)
{
	const struct audit_result *r = ctx;
	return &r->targets[i].view;
}

/*
 * topology_derive_nodes() (issue 13: the stream links compact nodes, not
 * target_results): the channels' sources go into the nodes' channels as
 * 1 + the source's index among the nodes, the facts into d[i], the strings
 * into the pool; an unusable node gets none; targets whose channels are
 * unknown (option files: no index is built then) are in a ring or not
 * "unknown", and the reason names the target.
 */
static void test_nodes(void)
{
	struct audit_result r, pool;
	const char *cluster[4];
	struct topology_derived_set set = { 0 };
	const struct topology_derived *d[4];
	audit_result_init(&r);
	audit_result_init(&pool);
	reserve(&r, 4);
	struct settings *src = node(&r, "src", "10.0.0.1:3306", "1", "OFF");
	struct settings *a = node(&r, "a", "10.0.0.2:3306", "2", "ON");
	channel(a, "", "10.0.0.1", 3306);
	node(&r, "broken", "10.0.0.3:3306", "3", "ON");
	r.targets[2].error = "cannot connect";
	struct settings *b = node(&r, "b", NULL, "4", "ON");
	channel(b, "", "10.0.0.1", 3306)->source_server_id = "1";
	topology_derive_nodes(NULL, 4, result_node, &r, result_view, &r, &pool, &set, cluster);
	for (size_t i = 0; i < 4; i++)
		d[i] = topology_derived_get(&set, i);
	is_str(a->channels[0].source_target, "src", "nodes: a channel's source written into the node's channels");
	is_int((long)b->channels[0].source_index, 1, "... as 1 + its index among the nodes");
	ok(d[0]->n && d[0]->value[0] && !strcmp(d[0]->value[0], "2"), "the source's topology.replicas is 2 (d[0])");
	ok(d[0]->detail[0] && !strcmp(d[0]->detail[0], "replicated by a, b"), "... and names them: %s",
	   d[0]->detail[0] ? d[0]->detail[0] : "(null)");
	ok(pool.arena.head != NULL, "the strings made are the pool's");
	is_int(d[2]->n, 0, "an unusable node gets no fact");
	ok(cluster[0] && !*cluster[0] && cluster[3] && !*cluster[3], "no Galera node: its keyword cluster handed back is \"\"");
	(void)src;

	/* option files: no channel known anywhere, so nothing is looked up, and each ring fact says why */
	audit_result_release(&r);
	audit_result_init(&r);
	reserve(&r, 2);
	node(&r, "one.cnf", NULL, "1", "ON")->channels_known = 0;
	node(&r, "two.cnf", NULL, "1", "ON")->channels_known = 0;
	topology_derive_nodes(NULL, 2, result_node, &r, result_view, &r, &pool, &set, NULL);
	for (size_t i = 0; i < 2; i++)
		d[i] = topology_derived_get(&set, i);
	ok(!d[1]->value[1] && d[1]->detail[1] == topology_channels_unknown,
	   "channels unknown: topology.ring unknown, its reason the target's own channels (made when applied)");
	is_str(d[0]->value[0], "0", "... and nobody replicates from it");
	ok(d[0] == d[1] && set.nrec == 2, "the two option files have one record of facts (and the empty one): %zu",
	   set.nrec);
	struct arena ar;
	arena_init(&ar);
	const char *why = topology_detail(d[1], 1, "two.cnf", &ar);
	is_str(why, "the replication channels of two.cnf are known only on a running server or its capture",
	       "... the text made names the target");
	struct settings *v = &r.targets[1].view;
	topology_apply(v, d[1]);
	const struct settings_var *sv = settings_get(v, "topology.ring");
	ok(sv && !sv->current.value && sv->current.origin.detail && !strcmp(sv->current.origin.detail, why),
	   "topology_apply(): the fact's detail is the text for the view's target");
	struct settings with;
	struct topology_scratch sc = { 0 };
	topology_view_with(&r.targets[0].view, d[0], &with, &sc);
	sv = NULL;
	for (size_t k = 0; k < with.n; k++)   /* with has v's index, which has no fact: a scan */
		if (!strcmp(with.vars[k].name, "topology.writers"))
			sv = &with.vars[k];
	ok(sv && sv->current.origin.detail &&
	   !strcmp(sv->current.origin.detail, "the replication channels of one.cnf are known only on a running server or its capture"),
	   "topology_view_with(): every fact with that reason has the text for its own target");
	topology_scratch_release(&sc);

	/* a replica of an option file: its ring is unknown because of the file's channels, said with the file's name */
	audit_result_release(&r);
	audit_result_init(&r);
	reserve(&r, 2);
	node(&r, "up.cnf", "10.0.0.9:3306", "1", "OFF")->channels_known = 0;
	channel(node(&r, "down", "10.0.0.8:3306", "2", "ON"), "", "10.0.0.9", 3306);
	topology_derive_nodes(NULL, 2, result_node, &r, result_view, &r, &pool, &set, NULL);
	d[1] = topology_derived_get(&set, 1);
	ok(d[1]->detail[1] && d[1]->detail[1] != topology_channels_unknown &&
	   !strcmp(d[1]->detail[1], "the replication channels of up.cnf are known only on a running server or its capture"),
	   "a replica of a target whose channels are unknown: the reason names that target: %s",
	   d[1]->detail[1] == topology_channels_unknown ? "(the sentinel)" : d[1]->detail[1] ? d[1]->detail[1] : "(null)");
	arena_release(&ar);
	topology_derived_set_release(&set);
	audit_result_release(&r);
	audit_result_release(&pool);
}

int main(void)
{
	test_status_rows();
	test_link();
	test_nodes();
	test_rings();
	test_galera();
	test_reports_again();
	test_merge_again();
	return done_testing();
}
