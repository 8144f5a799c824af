#!/bin/bash
# live-topology.t - the topology rules of issue 12 against real MariaDB
# servers and real replication (tests/live/harness.sh, 127.0.0.1, ports
# LIVE_PORT_BASE + 50 to + 72), each rule shown to fail on one server and
# pass on another:
#
#   p, q      two sources (q in GTID domain 2)
#   rdup      a replica of p broken by a row written on it before p wrote the
#             same key: its applier stops with 1062, for real
#   rskip     a replica of p with slave_skip_errors=1062: the same row is
#             skipped, it keeps running, and its own write is an errant GTID
#   m         a multi-source replica: channel 'a' from p (healthy), channel
#             'b' from q (stopped); later a pending sql_slave_skip_counter,
#             and 'b' restarted after q purged what it needs (1236)
#   later     changed at run time: rdup IDEMPOTENT, semi-sync on p
#             (AFTER_COMMIT) and q (AFTER_SYNC), q logging statements
#   d1, d2    a dual primary (both writable, then one read-only; then both
#             writable again, declared multi_writer with auto-increment
#             offsets)
#   g1-g3, x  a three-node Galera cluster (galera-4, rsync SST) in an
#             asynchronous ring with an outside server x (g1 <- x <- g2)
#
# The servers are started once and reused across checks; the first seven
# are stopped before the Galera cluster starts. Without the server packages:
# skipped by hand, failed under CI.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
# shellcheck source=tests/live/harness.sh
. "$REPO/tests/live/harness.sh"
live_test_begin rsync   # harness.sh: skip or fail without the packages; CRASHSAFE, RQ, LIVE_DIR, out

port() { echo $((LIVE_PORT_BASE + $1)); }
P=$(port 50) Q=$(port 51) RDUP=$(port 52) RSKIP=$(port 53) M=$(port 54) D1=$(port 55) D2=$(port 56)

# cs NAME ARGS...: crashsafe live as the least-privileged auditor, JSON on stdout -> $out/NAME.json
cs() {
	local name=$1
	shift
	MYSQL_PWD=$LIVE_AUDITOR_PW "$CRASHSAFE" live --no-defaults -u auditor --format json "$@" \
		>"$out/$name.json" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
}
st() { $RQ "$1" finding "$2" "$3" status; }
fv() { $RQ "$1" finding "$2" "$3" "$4"; }
# ch JSON TARGET RULE CHANNEL FIELD: one field of a channel's finding
ch() {
	/usr/bin/python3 - "$@" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
t = [t for t in doc["targets"] if t["name"] == sys.argv[2]]
f = [f for f in (t[0]["findings"] if t else []) if f["rule_id"] == sys.argv[3] and f["channel"] == sys.argv[4]]
v = f[0] if f else {}
for part in sys.argv[5].split("."):
    v = v.get(part) if isinstance(v, dict) else None
print("none" if v is None else v)
EOF
}
# wait_for NAME SQL: until SQL on NAME prints 1 (10 s)
wait_for() {
	local i
	for i in $(seq 1 100); do
		[ "$(live_sql "$1" "$2" 2>/dev/null)" = 1 ] && return 0
		sleep 0.1
	done
	echo "# waited in vain on $1 for: $2" >&2
	return 1
}
# replicate NAME CONNECTION PORT: a named MariaDB connection (MASTER_USE_GTID=slave_pos)
replicate() {
	live_sql "$1" "CHANGE MASTER '$2' TO MASTER_HOST='127.0.0.1', MASTER_PORT=$3, MASTER_USER='repl',
		MASTER_PASSWORD='$LIVE_REPL_PW', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1; START SLAVE '$2'"
}
inventory() { # inventory FILE NAME:PORT[:KEY=VALUE...]...
	local file=$1 spec name p kv
	shift
	: >"$file"
	for spec in "$@"; do
		IFS=: read -r name p kv <<<"$spec"
		printf '[%s]\nhost = 127.0.0.1\nport = %s\n' "$name" "$p" >>"$file"
		[ -n "$kv" ] && printf '%s\n' "${kv//,/$'\n'}" >>"$file"
	done
}

# ---- sources and replicas ------------------------------------------------------
ROW="log_bin = mariadb-bin
binlog_format = ROW"
live_start p "$P" 21 "$ROW" || bail "p did not start"
live_start q "$Q" 22 "$ROW
gtid_domain_id = 2" || bail "q did not start"
live_start rdup "$RDUP" 23 "" || bail "rdup did not start"
live_start rskip "$RSKIP" 24 "$ROW
log_slave_updates = ON
slave_skip_errors = 1062" || bail "rskip did not start"
live_start m "$M" 25 "$ROW
log_slave_updates = ON
read_only = ON" || bail "m did not start"

live_sql p "CREATE DATABASE t; CREATE TABLE t.k (id INT PRIMARY KEY) ENGINE=InnoDB" || bail "no table on p"
live_sql q "CREATE DATABASE tq; CREATE TABLE tq.k (id INT PRIMARY KEY) ENGINE=InnoDB" || bail "no table on q"
live_replicate rdup "$P" slave_pos || bail "rdup: CHANGE MASTER"
live_replicate rskip "$P" slave_pos || bail "rskip: CHANGE MASTER"
replicate m a "$P" && replicate m b "$Q" || bail "m: CHANGE MASTER"
for r in rdup rskip m; do
	wait_for $r "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 't' AND TABLE_NAME = 'k'" ||
		bail "$r does not replicate from p"
done
wait_for m "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'tq'" || bail "m does not replicate from q"

# A row written on the replicas before the source writes the same key.
live_sql rdup "INSERT INTO t.k VALUES (7)" && live_sql rskip "INSERT INTO t.k VALUES (7)" || bail "replica writes"
live_sql p "INSERT INTO t.k VALUES (7), (8)" || bail "source write"
# rdup's applier stops (column 12 of SHOW SLAVE STATUS is Slave_SQL_Running)
# (up to 30 s: on a loaded 2-core machine 10 s was not always enough)
i=0
until [ "$(live_sql rdup "SHOW SLAVE STATUS" | cut -f 12)" = No ] || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
# rskip skips the whole event that hit 1062 (so row 8 is lost with row 7: silent drift) and catches up
pos=$(live_sql p "SELECT @@gtid_binlog_pos")
wait_for rskip "SELECT @@gtid_slave_pos = '$pos'" || bail "rskip did not skip its way past the duplicate"
live_sql m "STOP SLAVE 'b'" || bail "STOP SLAVE 'b'"

inventory "$out/a.ini" "p:$P" "q:$Q" "rdup:$RDUP" "rskip:$RSKIP" "m:$M"
cs a --inventory "$out/a.ini" --capture-dir "$out/caps"
j=$out/a.json
is "$(cat "$out/a.rc")" 1 "five servers with broken replication: exit 1 (errors found, everything evaluated)"
is "$(st "$j" rdup replica-applier-running)" fail "replica-applier-running fails on the replica stopped by the duplicate"
is "$(fv "$j" rdup replica-applier-running severity)" error "... as an error"
like "$(fv "$j" rdup replica-applier-running message)" "Last_SQL_Errno 1062: .*Duplicate entry '7'" \
	"... quoting the server's error: Last_SQL_Errno 1062, Duplicate entry '7'"
like "$(fv "$j" rdup replica-applier-running why)" "1062 \(duplicate key\) or 1032 \(row not found\)" \
	"... and saying what it usually means for crash safety"
is "$(st "$j" rskip replica-applier-running)" pass "the replica that skips 1062 keeps running: replica-applier-running passes there"
is "$(st "$j" rskip replica-skip-errors)" fail "... but replica-skip-errors fails on it"
is "$(fv "$j" rskip replica-skip-errors severity)/$(fv "$j" rskip replica-skip-errors value)" "error/1062" \
	"... as an error (1062 hides a divergence), with the running value"
is "$(st "$j" rdup replica-skip-errors)" pass "replica-skip-errors passes where slave_skip_errors is OFF"
is "$(st "$j" rskip errant-transactions)" fail "errant-transactions fails on the replica that wrote a row of its own"
like "$(fv "$j" rskip errant-transactions value)" "0-24-" "... naming its own (domain, server_id) pair"
is "$(st "$j" m errant-transactions)" pass "errant-transactions passes on the multi-source replica (both sources in the run)"
is "$(st "$j" rdup errant-transactions)" not-applicable "... and does not apply without a binary log (no GTID for local writes)"
is "$(ch "$j" m replica-applier-running a status)" pass "multi-source: the healthy channel 'a' passes"
is "$(ch "$j" m replica-applier-running b status)" fail "... the stopped channel 'b' fails"
like "$(ch "$j" m replica-applier-running b message)" "applier stopped|receiver stopped" "... saying which thread stopped"
is "$(ch "$j" m source-replica-consistency a status),$(ch "$j" m source-replica-consistency b status)" "pass,pass" \
	"source-replica-consistency finds both sources of the multi-source replica and passes"
is "$(ch "$j" m replica-applier-running a value)" "" "a running channel has no error to quote"
is "$($RQ "$j" finding p source-replica-consistency status)" not-applicable "... and does not apply to a source without channels"
is "$(st "$j" rdup replica-exec-mode),$(st "$j" m replica-exec-mode)" "pass,pass" "replica-exec-mode passes on the STRICT replicas"
is "$(st "$j" p semi-sync-wait-point)" not-applicable "semi-sync-wait-point does not apply to a source without semi-sync"

# The captures, judged together by check, give the topology rules the same verdicts.
"$CRASHSAFE" check --inventory "$out/a.ini" --variables "$out"/caps/* --format json >"$out/caps.json" 2>"$out/caps.err"
topo_statuses() { $RQ "$1" statuses "$2" '^(replica-applier-running|errant-transactions|source-replica-consistency|replica-skip-errors)$'; }
same=1
for t in p q rdup rskip m; do
	[ "$(topo_statuses "$out/caps.json" $t)" = "$(topo_statuses "$j" $t)" ] || same=0
done
is "$same" 1 "check over the five captures gives the topology rules the live verdicts"

# A replica alone: its source is not in the run.
inventory "$out/alone.ini" "rskip:$RSKIP"
cs alone --inventory "$out/alone.ini"
is "$(st "$out/alone.json" rskip errant-transactions)" could-not-evaluate "a replica audited alone: errant-transactions could not be evaluated"
like "$(fv "$out/alone.json" rskip errant-transactions message)" "127.0.0.1:$P of the default channel is not among the audited servers" \
	"... because its source 127.0.0.1:$P is not among the audited servers"
is "$(cat "$out/alone.rc")" 3 "... which is exit 3 (an error rule could not be evaluated)"

# A pending sql_slave_skip_counter on a running channel: a warning. And, changed at run
# time: rdup in IDEMPOTENT mode, semi-sync on p (AFTER_COMMIT, MariaDB's default) and on q
# (AFTER_SYNC), q logging statements.
live_sql m "STOP SLAVE 'a'; SET @@default_master_connection = 'a'; SET GLOBAL sql_slave_skip_counter = 2;
	START SLAVE 'a'" || bail "skip counter"
live_sql rdup "SET GLOBAL slave_exec_mode = 'IDEMPOTENT'" || bail "slave_exec_mode"
live_sql p "SET GLOBAL rpl_semi_sync_master_enabled = ON" || bail "semi-sync on p"
live_sql q "SET GLOBAL rpl_semi_sync_master_enabled = ON; SET GLOBAL rpl_semi_sync_master_wait_point = AFTER_SYNC;
	SET GLOBAL binlog_format = 'STATEMENT'" || bail "semi-sync and binlog_format on q"
# q writes on while m's channel 'b' is stopped, then purges its binary logs: restarted,
# 'b' needs what was purged, q refuses with 1236 ("Could not find GTID state requested
# by slave in any binlog files ... purged") and the receiver stops.
live_sql q "INSERT INTO tq.k VALUES (1), (2); FLUSH BINARY LOGS; INSERT INTO tq.k VALUES (3); FLUSH BINARY LOGS;
	PURGE BINARY LOGS BEFORE NOW() + INTERVAL 1 DAY" || bail "purge on q"
live_sql m "START SLAVE 'b'" || bail "START SLAVE 'b'"
io_errno() {
	mariadb --no-defaults --socket="$(live_sock m)" -uroot -e "SHOW SLAVE 'b' STATUS\G" |
		sed -n 's/^ *Last_IO_Errno: //p'
}
# until the receiver has failed: a number above 0 (an empty answer from a busy server is not one),
# up to 30 s (a clean clone's `make test` beside two CI runs missed it at 10 s: tests 26-27)
i=0
until [ "$(io_errno)" -gt 0 ] 2>/dev/null || [ $i -ge 300 ]; do sleep 0.1; i=$((i + 1)); done
cs skip --inventory "$out/a.ini"
j=$out/skip.json
is "$(ch "$j" m replica-applier-running b status)/$(ch "$j" m replica-applier-running b severity)" "fail/error" \
	"a receiver refused by its source: replica-applier-running fails as an error on that channel"
like "$(ch "$j" m replica-applier-running b message)" "receiver stopped: Last_IO_Errno 1236: .*binlog files have been purged" \
	"... quoting the receiver's error: Last_IO_Errno 1236, required binlog files purged"
like "$(ch "$j" m replica-applier-running b why)" "1236 \(the source cannot send what the replica asks for\)" \
	"... and what 1236 usually means"
is "$(ch "$j" m replica-applier-running a status)/$(ch "$j" m replica-applier-running a severity)" \
	"fail/warning" "a pending sql_slave_skip_counter on a running channel: replica-applier-running fails as a warning"
is "$(st "$j" rdup replica-exec-mode)/$(fv "$j" rdup replica-exec-mode severity)/$(fv "$j" rdup replica-exec-mode value)" \
	"fail/error/IDEMPOTENT" "slave_exec_mode = IDEMPOTENT: replica-exec-mode fails as an error"
is "$(st "$j" m replica-exec-mode)" pass "... and still passes on the STRICT replica"
is "$(st "$j" p semi-sync-wait-point)/$(fv "$j" p semi-sync-wait-point value)" "fail/AFTER_COMMIT" \
	"semi-sync enabled with MariaDB's default wait point: semi-sync-wait-point fails, showing AFTER_COMMIT"
is "$(st "$j" q semi-sync-wait-point)" pass "... and passes on the source that waits AFTER_SYNC"
is "$(ch "$j" m source-replica-consistency b status)/$(ch "$j" m source-replica-consistency b severity)/$(ch "$j" m source-replica-consistency b value)" \
	"fail/error/STATEMENT" "q logs statements: source-replica-consistency fails on m's channel b, showing the source's binlog_format"
is "$(ch "$j" m source-replica-consistency a status)" pass "... and still passes on channel a (p logs rows)"
live_sql m "STOP SLAVE 'a'; SET @@default_master_connection = 'a'; SET GLOBAL sql_slave_skip_counter = 0; START SLAVE 'a'"

for s in p q rdup rskip m; do live_stop $s; done

# ---- a dual primary ----------------------------------------------------------
DUAL="$ROW
log_slave_updates = ON"
live_start d1 "$D1" 31 "$DUAL
gtid_domain_id = 31" || bail "d1 did not start"
live_start d2 "$D2" 32 "$DUAL
gtid_domain_id = 32" || bail "d2 did not start"
live_replicate d1 "$D2" slave_pos && live_replicate d2 "$D1" slave_pos || bail "dual primary: CHANGE MASTER"
wait_for d1 "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_IO'" &&
	wait_for d2 "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Slave_IO'" ||
	bail "dual primary: receivers not running"
inventory "$out/d.ini" "d1:$D1" "d2:$D2"
cs dual --inventory "$out/d.ini" --capture-dir "$out/caps-dual"
j=$out/dual.json
is "$(st "$j" d1 writable-peers),$(st "$j" d2 writable-peers)" "fail,fail" \
	"a dual primary with both sides writable: writable-peers fails on both"
like "$(fv "$j" d1 writable-peers message)" "other servers of its ring take writes too: d2" "... naming the other writable server"
is "$(st "$j" d1 auto-increment-ring),$(st "$j" d2 auto-increment-ring)" "fail,fail" \
	"... and auto-increment-ring fails (auto_increment_increment 1 on two writers)"
is "$(st "$j" d1 errant-transactions)" not-applicable "errant-transactions does not apply in a ring"
is "$(st "$j" d1 source-replica-consistency)" pass "the ring's channels are consistent (ROW, distinct server_ids)"
live_sql d2 "SET GLOBAL read_only = ON" || bail "read_only"
cs dual-ro --inventory "$out/d.ini"
j=$out/dual-ro.json
is "$(st "$j" d1 writable-peers),$(st "$j" d2 writable-peers)" "pass,pass" "with d2 read-only: writable-peers passes on both"
is "$(st "$j" d1 auto-increment-ring),$(st "$j" d2 auto-increment-ring)" "not-applicable,not-applicable" \
	"... and auto-increment-ring does not apply (one writer)"
live_sql d2 "SET GLOBAL read_only = OFF" || bail "read_only"
live_sql d1 "SET GLOBAL auto_increment_increment = 2, GLOBAL auto_increment_offset = 1" &&
	live_sql d2 "SET GLOBAL auto_increment_increment = 2, GLOBAL auto_increment_offset = 2" || bail "auto_increment"
inventory "$out/dm.ini" "d1:$D1:multi_writer = yes" "d2:$D2:multi_writer = yes"
cs dual-mw --inventory "$out/dm.ini"
j=$out/dual-mw.json
is "$(st "$j" d1 writable-peers),$(st "$j" d2 writable-peers)" "pass,pass" \
	"both writable but declared multi_writer = yes with offsets 1 and 2 of 2: writable-peers passes"
is "$(st "$j" d1 auto-increment-ring),$(st "$j" d2 auto-increment-ring)" "pass,pass" "... and so does auto-increment-ring"
live_stop d1
live_stop d2

# ---- a Galera cluster in an asynchronous ring ----------------------------------------
galera() { # galera SQL-PORT-OFFSET ADDRESS: a node of cluster topo_g, ports +0..+3
	printf '%s\n' "wsrep_on = ON" "wsrep_provider = /usr/lib/galera/libgalera_smm.so" \
		"wsrep_cluster_address = gcomm://$2" "wsrep_cluster_name = topo_g" \
		"wsrep_node_address = 127.0.0.1" \
		"wsrep_provider_options = \"gmcast.listen_addr=tcp://127.0.0.1:$(port $(($1 + 1)));ist.recv_addr=127.0.0.1:$(port $(($1 + 2)))\"" \
		"wsrep_sst_method = rsync" "wsrep_sst_receive_address = 127.0.0.1:$(port $(($1 + 3)))" \
		"binlog_format = ROW" "innodb_autoinc_lock_mode = 2" "log_bin = mariadb-bin" "log_slave_updates = ON"
}
X=$(port 72)
if [ -r /usr/lib/galera/libgalera_smm.so ] &&
	live_start g1 "$(port 60)" 41 "$(galera 60 "")" &&
	live_start g2 "$(port 64)" 42 "$(galera 64 "127.0.0.1:$(port 61)")" &&
	live_start g3 "$(port 68)" 43 "$(galera 68 "127.0.0.1:$(port 61)")" &&
	wait_for g1 "SELECT VARIABLE_VALUE = 3 FROM information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'WSREP_CLUSTER_SIZE'"; then
	live_start x "$X" 49 "$DUAL
read_only = ON" || bail "x did not start"
	live_replicate x "$(port 60)" slave_pos && live_replicate g2 "$X" slave_pos || bail "ring: CHANGE MASTER"
	GINV=("g1:$(port 60):multi_writer = yes" "g2:$(port 64):multi_writer = yes" "g3:$(port 68):multi_writer = yes" "x:$X")
	inventory "$out/g.ini" "${GINV[@]}"
	cs galera --inventory "$out/g.ini" --capture-dir "$out/caps-galera"
	j=$out/galera.json
	is "$(st "$j" g1 galera-async-server-id),$(st "$j" g2 galera-async-server-id),$(st "$j" g3 galera-async-server-id)" \
		"fail,fail,fail" "a 3-node Galera cluster in a ring with x (g1 <- x <- g2), multi-writer, server_ids 41-43: fails on every node"
	like "$(fv "$j" g3 galera-async-server-id value)" "^41, 42, 43$" "... showing the nodes' server_ids"
	is "$(st "$j" x galera-async-server-id)" not-applicable "... and does not apply to the outside server"
	is "$(st "$j" g1 writable-peers)" pass "the cluster is one node of the ring: its writable nodes are no peers of each other, x is read-only"
	inventory "$out/gu.ini" "g1:$(port 60)" "g2:$(port 64)" "g3:$(port 68)" "x:$X"
	cs galera-undeclared --inventory "$out/gu.ini"
	is "$(st "$out/galera-undeclared.json" g2 galera-async-server-id)" could-not-evaluate \
		"without multi_writer in the inventory: could not evaluate (whether writes go to several nodes is unknown)"
	for g in g1 g2 g3; do live_sql $g "SET GLOBAL server_id = 40" || bail "server_id"; done
	cs galera-shared --inventory "$out/g.ini"
	j=$out/galera-shared.json
	is "$(st "$j" g1 galera-async-server-id),$(st "$j" g2 galera-async-server-id),$(st "$j" g3 galera-async-server-id)" \
		"pass,pass,pass" "... one server_id (40) on every node: passes"
	is "$(st "$j" g1 server-id-unique)" pass "server-id-unique still lets the nodes of one cluster share it"
	for s in x g3 g2 g1; do live_stop $s; done
else
	for _ in 1 2 3 4 5 6 7; do pass "# SKIP Galera (galera-4) is not installed or the cluster did not form"; done
	[ -n "${CI:-}" ] && fail "the three-node Galera cluster must form under CI"
fi

tap_done
