#!/bin/bash
# live.t - `crashsafe live` against real MariaDB servers (Debian's
# mariadb-server), started by tests/live/harness.sh on 127.0.0.1 (ports LIVE_PORT_BASE +
# 0-9 and 18; the base defaults to 23300):
#
#   primary   binary log, sync_binlog=1
#   gtid      a replica with crash-safe settings: MASTER_USE_GTID=slave_pos,
#             relay_log_recovery=ON, sync_binlog=1, trx_commit=1, read_only
#   filepos   a replica with the classic unsafe defaults: MASTER_USE_GTID=no,
#             and its mysql.gtid_slave_pos moved to Aria (as on old servers)
#
# with real replication running between them, and two single-node Galera
# clusters of the same name. Each live rule is shown to pass
# on one server and fail on another; SET GLOBAL produces runtime-only-change;
# --config produces config-drift; the least-privileged account reads
# everything and an account without privileges gets "could not evaluate"
# with the reason; the capture round-trips through `crashsafe check
# --variables`; the password appears nowhere. The faults are in
# live-faults.t. Without the server packages: skipped by hand, failed under CI.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
# shellcheck source=tests/live/harness.sh
. "$REPO/tests/live/harness.sh"
live_test_begin   # harness.sh: skip or fail without the packages; CRASHSAFE, RQ, LIVE_DIR, out

P=$((LIVE_PORT_BASE + 0))
G=$((LIVE_PORT_BASE + 1))
F=$((LIVE_PORT_BASE + 2))
AUDITOR_PW=$LIVE_AUDITOR_PW

live_start primary $P 1 "log_bin = mariadb-bin
binlog_format = ROW
sync_binlog = 1
innodb_flush_log_at_trx_commit = 1" || bail "primary did not start"
live_start gtid $G 2 "log_bin = mariadb-bin
log_slave_updates = ON
relay_log_recovery = ON
sync_binlog = 1
innodb_flush_log_at_trx_commit = 1
gtid_strict_mode = ON
read_only = ON" || bail "gtid replica did not start"
live_start filepos $F 3 "" || bail "filepos replica did not start"
live_sql filepos "ALTER TABLE mysql.gtid_slave_pos ENGINE = Aria" || bail "cannot alter gtid_slave_pos"
live_replicate gtid $P slave_pos || bail "CHANGE MASTER on gtid failed"
live_replicate filepos $P no || bail "CHANGE MASTER on filepos failed"
live_wait_replicated gtid primary || bail "gtid replica does not replicate"
live_wait_replicated filepos primary || bail "filepos replica does not replicate"

# cs NAME ARGS...: run crashsafe live as the auditor; stdout, stderr and the
# exit status land in $out/NAME.{out,err,rc}.
cs() {
	local name=$1
	shift
	MYSQL_PWD=$AUDITOR_PW "$CRASHSAFE" live --no-defaults -u auditor "$@" >"$out/$name.out" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
}
# st JSON TARGET RULE: the statuses of RULE's findings on TARGET, comma-separated
st() { $RQ "$1" finding "$2" "$3" status; }
# msg JSON TARGET RULE: the messages of RULE's findings on TARGET
msg() { $RQ "$1" finding "$2" "$3" message; }
# fv JSON TARGET RULE FIELD: another field of those findings (value, origin.text...)
fv() { $RQ "$1" finding "$2" "$3" "$4"; }
tp=127.0.0.1:$P
tg=127.0.0.1:$G
tf=127.0.0.1:$F

# ---- the three servers, least-privileged auditor ---------------------------
cs all $tp $tg $tf --rules tests/live/rules --format json --json "$out/all.json" --junit "$out/all.xml" --sarif "$out/all.sarif" --text "$out/all.txt"
j=$out/all.json
is "$(cat "$out/all.rc")" 1 "three servers: exit 1 (error findings, everything audited)"
is "$($RQ "$j" targets role)" "primary,replica,replica" \
	"roles detected from the configured channels"
is "$($RQ "$j" targets series)" "mariadb 10.11,mariadb 10.11,mariadb 10.11" \
	"flavor and version detected"
is "$(st "$j" $tg gtid-auto-position)" pass "gtid-auto-position passes on the slave_pos replica"
is "$(st "$j" $tf gtid-auto-position)" fail "gtid-auto-position fails on the MASTER_USE_GTID=no replica"
like "$(msg "$j" $tf gtid-auto-position)" "Using_Gtid is No" "... and says Using_Gtid is No (the column's name, not channel.using_gtid)"
is "$(st "$j" $tp gtid-auto-position)" not-applicable "gtid-auto-position does not apply to the primary"
is "$(st "$j" $tg replica-metadata-engine)" pass "replica-metadata-engine passes with mysql.gtid_slave_pos on InnoDB"
is "$(st "$j" $tf replica-metadata-engine)" fail "replica-metadata-engine fails with mysql.gtid_slave_pos on Aria"
like "$(fv "$j" $tf replica-metadata-engine origin.text)" \
	"mysql.gtid_slave_pos=Aria" "... and names the table and its engine"
# breaker8 finding 7; crashlab-results.md: a Slave_Pos replica survived every crash with sync_*=10000
is "$(st "$j" $tg sync-relay-log),$(st "$j" $tg sync-relay-log-info)" "not-applicable,not-applicable" \
	"sync-relay-log(-info) do not apply to the replica whose every connection uses Slave_Pos (sync_* at their default 10000)"
is "$(st "$j" $tf sync-relay-log),$(st "$j" $tf sync-relay-log-info)" "fail,fail" \
	"... and still fail on the file/position replica with the same settings"
is "$(st "$j" $tg runtime-only-change),$(st "$j" $tp runtime-only-change)" "pass,pass" \
	"runtime-only-change passes before any SET GLOBAL"
is "$(st "$j" $tg config-drift)" not-applicable "config-drift does not apply without --config"
is "$(st "$j" $tg server-uuid-unique)" not-applicable "server-uuid-unique does not apply to MariaDB (no server_uuid)"
is "$($RQ "$j" count could-not-evaluate)" 0 \
	"SLAVE MONITOR + SELECT on mysql.gtid_slave_pos is enough: nothing could not be evaluated"
like "$(fv "$j" $tg test-probe-sync-binlog origin.text)" \
	"^live, from an option file$" "a value set in my.cnf has the live origin 'from an option file'"
is "$(for f in all.txt all.xml all.sarif; do test -s "$out/$f" && echo y; done | wc -l)" 3 \
	"the text, JUnit and SARIF reports are written too"
like "$(grep -c 'gtid-auto-position' "$out/all.xml")" "^[1-9]" "the JUnit report has the live rules"

# ---- SET GLOBAL -> runtime-only-change; --config -> config-drift -------------
live_sql gtid "SET GLOBAL sync_binlog = 0; SET GLOBAL read_only = ON" || bail "SET GLOBAL failed"
cs rt $tp $tg --rules tests/live/rules --format json
j=$out/rt.json
mv "$out/rt.out" "$j"
is "$(st "$j" $tg runtime-only-change)" fail "SET GLOBAL sync_binlog on a running server: runtime-only-change fails"
like "$(fv "$j" $tg runtime-only-change value)" \
	"sync_binlog=0" "... naming sync_binlog and its running value"
is "$(st "$j" $tp runtime-only-change)" pass "... and still passes on the untouched primary"
like "$(fv "$j" $tg test-probe-sync-binlog origin.text)" \
	"^live, set at runtime \(SET GLOBAL\): lost on restart$" "the value's origin says it was set with SET GLOBAL and is lost on restart"

cs drift $tg --config "$LIVE_DIR/gtid/my.cnf" --format json
j=$out/drift.json
mv "$out/drift.out" "$j"
is "$(st "$j" $tg config-drift)" fail "--config with the server's own my.cnf after SET GLOBAL: config-drift fails"
cfgline=$(grep -n '^sync_binlog' "$LIVE_DIR/gtid/my.cnf" | cut -d: -f1)
like "$(fv "$j" '#0' config-drift value)" \
	"sync_binlog: running 0, option file 1 at .*gtid/my.cnf:$cfgline" "... saying which value is where (file:line)"
like "$(fv "$j" '#0' runtime-only-change value)" \
	"^sync_binlog=0 \\(the option file sets 1 at .*gtid/my.cnf:$cfgline\\)$" \
	"--config drops read_only (SET GLOBAL to the value my.cnf has) from runtime-only-change, and says what the file sets for sync_binlog"
cs nodrift $tp --config "$LIVE_DIR/primary/my.cnf" --format json
is "$(st "$out/nodrift.out" $tp config-drift)" pass "config-drift passes when the running server matches its my.cnf"
live_sql gtid "SET GLOBAL sync_binlog = 1" || bail "SET GLOBAL failed"

# ---- no privileges: could not evaluate, with the reason ---------------------
MYSQL_PWD=$LIVE_NOPRIV_PW "$CRASHSAFE" live --no-defaults -u nopriv $tg --format json >"$out/np.json" 2>"$out/np.err"
rc=$?
j=$out/np.json
is "$rc" 3 "an account without privileges: exit 3 (error rules could not be evaluated)"
is "$(st "$j" $tg gtid-auto-position)" could-not-evaluate "gtid-auto-position: could not evaluate (never passed)"
is "$(st "$j" $tg replica-metadata-engine)" could-not-evaluate "replica-metadata-engine: could not evaluate"
like "$(msg "$j" $tg replica-metadata-engine)" "needs SELECT on mysql.gtid_slave_pos" \
	"... and the message names the missing privilege"
MYSQL_PWD=$LIVE_NOPRIV_PW "$CRASHSAFE" live --no-defaults -u nopriv -v $tg >/dev/null 2>"$out/npv.err"
like "$(cat "$out/npv.err")" "SHOW ALL SLAVES STATUS denied \(needs SLAVE MONITOR\)" \
	"-v prints the denied statement and the privilege it needs"

# A capture by that account keeps the unknown facts unknown (breaker8 finding 6): read
# back offline, the channel rules and replica-metadata-engine could not be evaluated, as live,
# never "not applicable".
MYSQL_PWD=$LIVE_NOPRIV_PW "$CRASHSAFE" live --no-defaults -u nopriv $tg --capture "$out/np.cap" --format json \
	>"$out/npcap.json" 2>/dev/null
is "$(grep -c $'^# unknown replication_channels\tSHOW ALL SLAVES STATUS denied' "$out/np.cap")" 1 \
	"the capture of an account without SLAVE MONITOR says the channels are unknown, and why"
"$CRASHSAFE" check --variables "$out/np.cap" --format json >"$out/npcheck.json" 2>/dev/null
np_statuses() { $RQ "$1" statuses '#0' '^(gtid-auto-position|replica-applier-running|replica-metadata-engine)$'; }
is "$(np_statuses "$out/npcheck.json")" \
	"gtid-auto-position=could-not-evaluate replica-applier-running=could-not-evaluate replica-metadata-engine=could-not-evaluate" \
	"check --variables on it: the rules it could not read could not be evaluated (not 'not applicable')"
is "$(np_statuses "$out/npcheck.json")" "$(np_statuses "$out/npcap.json")" "... the same statuses as the live run"

# ---- capture and check --variables -----------------------------------------
cs cap $tf --capture "$out/filepos.cap" --format json
is "$(head -1 "$out/filepos.cap")" "# crashsafe capture 1" "--capture writes a capture (format 1)"
like "$(grep -c $'^# channel \tusing_gtid=No' "$out/filepos.cap")" "^1$" "the capture carries the channel"
"$CRASHSAFE" check --variables "$out/filepos.cap" --format json >"$out/capcheck.json" 2>"$out/capcheck.err"
# exit 3: the replica's source is not in the run, so source-replica-consistency (an error
# rule) could not be evaluated (issue 12); the live run of $tf alone says the same.
is "$?" 3 "crashsafe check --variables CAPTURE of a replica alone: exit 3, as live (its source is not in the run)"
live_statuses() { $RQ "$1" statuses '#0' '^(gtid-auto-position|replica-metadata-engine|runtime-only-change)$'; }
is "$(live_statuses "$out/capcheck.json")" "$(live_statuses "$out/cap.out")" \
	"the capture gives the live rules the same verdicts as the live server"
is "$($RQ "$out/capcheck.json" target '#0' version)" "$($RQ "$out/cap.out" target '#0' version)" \
	"... and the same version"

mkfifo "$out/fifo"
"$CRASHSAFE" live --no-defaults --capture "$out/fifo" $tf >/dev/null 2>"$out/capfifo.err"
is "$?/$(stat -c %F "$out/fifo")" "2/fifo" "--capture refuses a path that is not a regular file (a FIFO, /dev/null)"

# ---- connection conventions ---------------------------------------------------
printf '[client]\nuser = auditor\npassword = "%s"\nport = %s\n' "$AUDITOR_PW" $G >"$out/client.cnf"
"$CRASHSAFE" live --defaults-file "$out/client.cnf" 127.0.0.1 --format json >"$out/df.json" 2>"$out/df.err"
is "$($RQ "$out/df.json" target '#0' error)/$($RQ "$out/df.json" target '#0' role)" "none/replica" \
	"--defaults-file: user, password and port from its [client] group"
printf '%s\n' "$AUDITOR_PW" >"$out/pw"
"$CRASHSAFE" live --no-defaults -u auditor --password-file "$out/pw" $tp -q >"$out/pf.out" 2>"$out/pf.err"
is "$?" 0 "--password-file: the first line is the password"
"$CRASHSAFE" live --no-defaults -u root --socket "$(live_sock primary)" >"$out/sock.out" 2>"$out/sock.err"
rc=$?
like "$rc/$(head -1 "$out/sock.out")" "^0/$(live_sock primary) \(live, MariaDB" "--socket with no HOST audits the local server (unix_socket root)"

# ---- Galera: the cluster is detected (wsrep_on, wsrep_provider, wsrep_cluster_name) ----
# Two single-node Galera clusters with the same name and server_id: crashsafe
# sees two nodes of one cluster, which may share a server_id (DESIGN.md).
galera_cnf() { # galera_cnf GMCAST-PORT IST-PORT
	printf '%s\n' "wsrep_on = ON" "wsrep_provider = /usr/lib/galera/libgalera_smm.so" \
		"wsrep_cluster_address = gcomm://" "wsrep_cluster_name = crashsafe_t" \
		"wsrep_node_address = 127.0.0.1" \
		"wsrep_provider_options = \"gmcast.listen_addr=tcp://127.0.0.1:$1;ist.recv_addr=127.0.0.1:$2\"" \
		"binlog_format = ROW" "innodb_autoinc_lock_mode = 2"
}
if [ -r /usr/lib/galera/libgalera_smm.so ] &&
	live_start galera1 $((LIVE_PORT_BASE + 3)) 7 "$(galera_cnf $((LIVE_PORT_BASE + 4)) $((LIVE_PORT_BASE + 5)))" && live_start galera2 $((LIVE_PORT_BASE + 6)) 7 "$(galera_cnf $((LIVE_PORT_BASE + 7)) $((LIVE_PORT_BASE + 8)))"; then
	cs galera 127.0.0.1:$((LIVE_PORT_BASE + 3)) 127.0.0.1:$((LIVE_PORT_BASE + 6)) --format json
	like "$(msg "$out/galera.out" 127.0.0.1:$((LIVE_PORT_BASE + 3)) server-id-unique)" "shared only within cluster 'crashsafe_t'" \
		"Galera nodes: the cluster is detected, so they may share server_id 7"
	cs twice $tp $tp --format json
	is "$(st "$out/twice.out" $tp server-id-unique)" "fail" "... while two servers outside a cluster may not"
	live_stop galera1
	live_stop galera2
else
	pass "# SKIP Galera (galera-4) is not installed or did not start"
	pass "# SKIP Galera"
fi

# ---- names as MariaDB spells them, once per variable; SET GLOBAL back to the default ----
# breaker8 findings 3 and 4. slave_parallel_threads is the catalog's replica_parallel_workers
# (also named slave_parallel_workers); sync_master_info=10000 and slave_exec_mode=STRICT are
# MariaDB 10.11's compiled defaults (mariadbd --verbose --help), so a SET GLOBAL to them is
# undone by nothing when the option file does not set them.
cp "$LIVE_DIR/primary/my.cnf" "$out/p.cnf"
printf 'slave_parallel_threads = 0\n' >>"$out/p.cnf"
pline=$(grep -n '^slave_parallel_threads' "$out/p.cnf" | cut -d: -f1)
live_sql primary "SET GLOBAL slave_parallel_threads = 2; SET GLOBAL sync_master_info = 10000; SET GLOBAL slave_exec_mode = STRICT" ||
	bail "SET GLOBAL failed"
cs names $tp --config "$out/p.cnf" --format json
like "$(fv "$out/names.out" $tp config-drift value)" "^slave_parallel_workers: running 2, option file 0 at .*p\.cnf:$pline$" \
	"config-drift on MariaDB: one item for slave_parallel_threads (not one per name the catalog knows), under a name MariaDB has"
like "$(fv "$out/names.out" $tp runtime-only-change value)" "^slave_parallel_workers=2 \(the option file sets 0 at .*p\.cnf:$pline\)$" \
	"runtime-only-change with --config: SET GLOBAL to the compiled default of a variable the file does not set is not a runtime-only change"
cs names2 $tp --format json
rt=$(fv "$out/names2.out" $tp runtime-only-change value)
like "$rt" "sync_master_info=10000" "without --config (the option file unknown) it still counts, under MariaDB's name"
unlike "$rt" "sync_source_info|replica_parallel|replica_exec|rpl_semi_sync_source" "... and no name MariaDB does not have"
live_sql primary "SET GLOBAL slave_parallel_threads = 0" || bail "SET GLOBAL failed"

# ---- the password appears nowhere ---------------------------------------------
"$CRASHSAFE" live --no-defaults -u auditor --password="$AUDITOR_PW" $tp $tg $tf 127.0.0.1:$((LIVE_PORT_BASE + 9)) \
	--text "$out/pw.txt" --json "$out/pw.json" --junit "$out/pw.xml" --sarif "$out/pw.sarif" \
	>"$out/pw.out" 2>"$out/pw.err"
"$CRASHSAFE" live --no-defaults -u auditor --password="$AUDITOR_PW" --capture "$out/pw.cap" $tg >/dev/null 2>&1
like "$(cat "$out/pw.err")" "warning: using a password on the command line interface can be insecure" \
	"--password=X gets the mysql client's warning"
is "$($RQ "$out/pw.json" targets error)" "none,none,none,$($RQ "$out/pw.json" target 127.0.0.1:$((LIVE_PORT_BASE + 9)) error)" \
	"... and the run audits the three servers (the fourth is refused)"
leaks=$(grep -lF -- "$AUDITOR_PW" "$out"/pw.* "$out"/*.out "$out"/*.err "$out"/*.json "$out"/*.cap "$out"/all.* 2>/dev/null | grep -v -e '/pw$' -e 'client.cnf')
is "$leaks" "" "the password is in no stdout, stderr, report (text, JSON, JUnit, SARIF) or capture"
WRONG_PW='Wrong-Pw-e41f0c9a'
"$CRASHSAFE" live --no-defaults -u auditor --password="$WRONG_PW" $tp \
	--text "$out/wpw.txt" --json "$out/wpw.json" --junit "$out/wpw.xml" --sarif "$out/wpw.sarif" \
	>"$out/wpw.out" 2>"$out/wpw.err"
like "$(cat "$out/wpw.err")" "Access denied" "a wrong password: the server refuses it"
is "$(grep -lF -- "$WRONG_PW" "$out"/wpw.* | wc -l)" 0 "... and it is in no output or report either"
# While connecting (to a port that never answers) the command line shows no password.
live_netfault hang silent $((LIVE_PORT_BASE + 18))
"$CRASHSAFE" live --no-defaults -u auditor --password="$AUDITOR_PW" --connect-timeout 3 127.0.0.1:$((LIVE_PORT_BASE + 18)) >/dev/null 2>&1 &
cpid=$!
sleep 0.5
cmdline=$(tr '\0' ' ' </proc/$cpid/cmdline 2>/dev/null)
kill $cpid 2>/dev/null
wait $cpid 2>/dev/null
like "$cmdline" "--password=x+ " "the password is overwritten in the process list (as the mysql client does)"
case "$cmdline" in *"$AUDITOR_PW"*) fail "... and is not visible there";; *) pass "... and is not visible there";; esac

tap_done
