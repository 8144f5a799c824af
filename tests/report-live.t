#!/bin/bash
# report-live.t - what the reports say about running servers (issue 9), on
# real MariaDB servers started by tests/live/harness.sh on 127.0.0.1 (ports
# LIVE_PORT_BASE + 50 and + 51; + 59 is named, never used): a primary, and a replica whose default
# connection and a named one ('east') replicate by file and position.
#
#   - the default channel is called the default channel, never channel '';
#   - a channel's fix names that channel and shows only the statements of
#     the server's flavor: run as given, it fixes the finding;
#   - runtime-only-change says what the --config file sets instead, and where.
# Without the server packages: skipped by hand, failed under CI.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
# shellcheck source=tests/live/harness.sh
. "$REPO/tests/live/harness.sh"
live_test_begin   # harness.sh: skip or fail without the packages; CRASHSAFE, RQ, LIVE_DIR, out
PY=/usr/bin/python3

P=$((LIVE_PORT_BASE + 50))
R=$((LIVE_PORT_BASE + 51))

live_start primary $P 1 "log_bin = mariadb-bin
binlog_format = ROW" || bail "primary did not start"
live_start replica $R 2 "sync_binlog = 1
relay_log_recovery = ON" || bail "replica did not start"
live_replicate replica $P no || bail "CHANGE MASTER failed"
# a second, named connection to another source (never started: its settings
# are what is judged; MariaDB refuses two connections to one source)
live_sql replica "CHANGE MASTER 'east' TO MASTER_HOST='127.0.0.1', MASTER_PORT=$((LIVE_PORT_BASE + 59)),
	MASTER_USER='repl', MASTER_PASSWORD='$LIVE_REPL_PW', MASTER_USE_GTID=no" || bail "CHANGE MASTER 'east' failed"
live_wait_replicated replica primary || bail "the replica does not replicate"

cs() { # cs NAME ARGS...: crashsafe live as the auditor; $out/NAME.{out,err,rc}
	local name=$1
	shift
	MYSQL_PWD=$LIVE_AUDITOR_PW "$CRASHSAFE" live --no-defaults -u auditor "$@" >"$out/$name.out" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
}
# fix JSON CHANNEL: the fix of gtid-auto-position on that channel
fix() {
	$PY -c 'import json, sys
for f in json.load(open(sys.argv[1]))["targets"][0]["findings"]:
    if f["rule_id"] == "gtid-auto-position" and f["channel"] == sys.argv[2]:
        print(f["status"]); print(f["fix"])' "$1" "$2"
}

tr=127.0.0.1:$R
cs before $tr --no-color --json "$out/before.json"
txt=$(cat "$out/before.out")
has "fail (error) gtid-auto-position [default channel]" "$txt" "the default channel is called the default channel"
has "fail (error) gtid-auto-position [channel east]" "$txt" "a named channel is named"
hasnt "channel ''" "$txt" "never channel ''"
hasnt "[channel ]" "$txt" "never [channel ]"
default_fix=$(fix "$out/before.json" "")
east_fix=$(fix "$out/before.json" east)
is "$default_fix" "fail
STOP SLAVE '';
CHANGE MASTER '' TO MASTER_USE_GTID = slave_pos;
START SLAVE '';" "the default channel's fix: MariaDB's statements for the connection ''"
is "$east_fix" "fail
STOP SLAVE 'east';
CHANGE MASTER 'east' TO MASTER_USE_GTID = slave_pos;
START SLAVE 'east';" "the named channel's fix names it"
hasnt "REPLICATION SOURCE" "$txt" "no MySQL statement is shown for a MariaDB server"
hasnt "'name'" "$txt" "no literal 'name' placeholder"

# Facts are not variables: a live server without --config, in -v.
cs verbose $tr --no-color -v
txt=$(cat "$out/verbose.out")
has "not applicable (warning) config-drift: the differences between the running values and the option file are known only with crashsafe live --config FILE" "$txt" \
	"-v: config-drift without --config says how to get it, not 'config_drift is not known'"
hasnt "config_drift" "$txt" "-v: the fact's name is not printed"

# The fixes, run as given, fix the findings.
live_sql replica "$(printf '%s\n' "$default_fix" | sed 1d)" || fail "the default channel's fix runs on MariaDB"
live_sql replica "$(printf '%s\n' "$east_fix" | sed 1d)" || fail "the named channel's fix runs on MariaDB"
cs after $tr --no-color --json "$out/after.json"
is "$(fix "$out/after.json" "" | sed -n 1p),$(fix "$out/after.json" east | sed -n 1p)" "pass,pass" \
	"after running the fixes, gtid-auto-position passes on both channels"

# runtime-only-change: what the option file says instead, and where.
live_sql replica "SET GLOBAL sync_binlog = 0" || bail "SET GLOBAL failed"
cs rt $tr --no-color --config "$LIVE_DIR/replica/my.cnf"
line=$(grep -n '^sync_binlog' "$LIVE_DIR/replica/my.cnf" | cut -d: -f1)
txt=$(cat "$out/rt.out")
has "fail (warning) runtime-only-change" "$txt" "a SET GLOBAL the option file contradicts fails runtime-only-change"
has "sync_binlog=0 (the option file sets 1 at $LIVE_DIR/replica/my.cnf:$line)" "$txt" \
	"... and says what the option file sets, and where"
hasnt "not in the option file" "$txt" "... never that the option file lacks it"
hasnt "runtime_only_changes" "$txt" "the fact's name is not shown as a variable"

tap_done
