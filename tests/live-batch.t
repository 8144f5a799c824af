#!/bin/bash
# live-batch.t - one round trip per server after the login (issue 13): the
# statements of a target go out in one multi-statement query, and a refused
# statement affects only its own facts. Ports LIVE_PORT_BASE + 60-61 (base
# 23300 by default):
#
#   real   a MariaDB server with its general log in a table       (+60)
#   fake   tests/live/fakemysql.py (FAKEMYSQL_LOG: every query it
#          receives, as the kinds of its statements):            (+61)
#            127.0.0.1  batch-mysql  MySQL 8.0.36, six statements
#            127.0.0.2  greeting-57  the greeting says 5.7.44, the variables 8.0.36
#            127.0.0.3  no-multi     a multi-statement query is a syntax error
#
# 1. The auditor account: one query (SYSTEM_VARIABLES, SHOW ALL SLAVES
#    STATUS, information_schema.TABLES), as the server's general log shows.
# 2. An account without SLAVE MONITOR: the server stops the batch at SHOW
#    ALL SLAVES STATUS; the rest goes in a second query and is read (the
#    metadata tables are judged by what TABLES showed, not "denied").
# 3. MySQL 8.0 (scripted): six statements in one query; a greeting that
#    predicts the wrong statements costs one more query, not a wrong
#    reading (the same verdicts); a server that takes one statement per
#    query gets them one at a time. TAP.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
# shellcheck source=tests/live/harness.sh
. "$REPO/tests/live/harness.sh"
live_test_begin   # harness.sh: skip or fail without the packages; CRASHSAFE, RQ, LIVE_DIR, out

live_start real $((LIVE_PORT_BASE + 60)) 60 "log_bin = mariadb-bin
log_output = TABLE" || bail "the server did not start"
real=127.0.0.1:$((LIVE_PORT_BASE + 60))

# queries USER: what USER's connections sent, one query per line, oldest first
queries() {
	live_sql real "SELECT REPLACE(CONVERT(argument USING utf8mb4), '\n', ' ') FROM mysql.general_log
		WHERE command_type = 'Query' AND user_host LIKE '$1[%' ORDER BY event_time"
}
log_restart() {
	live_sql real "SET GLOBAL general_log = OFF; TRUNCATE TABLE mysql.general_log; SET GLOBAL general_log = ON" ||
		bail "cannot reset the general log"
}

# ---- 1. the auditor account: one query --------------------------------------
log_restart
MYSQL_PWD=$LIVE_AUDITOR_PW "$CRASHSAFE" live --no-defaults -u auditor "$real" --format json \
	>"$out/a.json" 2>"$out/a.err"
is "$($RQ "$out/a.json" target "$real" error)" none "MariaDB, least-privileged account: audited"
q=$(queries auditor)
is "$(printf '%s\n' "$q" | grep -c .)" 1 "... with one query after the login (general log)"
like "$q" "information_schema.SYSTEM_VARIABLES .*;SHOW ALL SLAVES STATUS;SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES" \
	"... holding the variables, the channels and the table engines, in that order"

# ---- 2. a denied statement: only its own facts -------------------------------
log_restart
MYSQL_PWD=$LIVE_NOPRIV_PW "$CRASHSAFE" live --no-defaults -u nopriv -v "$real" --format json \
	>"$out/np.json" 2>"$out/np.err"
is "$($RQ "$out/np.json" target "$real" error)" none "an account without SLAVE MONITOR: audited"
q=$(queries nopriv)
is "$(printf '%s\n' "$q" | grep -c .)" 2 "... in two queries: the server stops a batch at the refused statement"
like "$(printf '%s\n' "$q" | sed -n 2p)" "^SELECT TABLE_NAME, ENGINE FROM information_schema.TABLES" \
	"... the second holds what came after it"
like "$(cat "$out/np.err")" "SHOW ALL SLAVES STATUS denied \(needs SLAVE MONITOR\)" \
	"... the denial is reported for its statement"
is "$($RQ "$out/np.json" finding "$real" gtid-auto-position status)" could-not-evaluate \
	"... a channel rule could not be evaluated (the channels are unknown)"
like "$($RQ "$out/np.json" finding "$real" replica-metadata-engine message)" "needs SELECT on mysql.gtid_slave_pos" \
	"... while the table engines were read after it (what TABLES showed this account, not a denial)"
like "$($RQ "$out/np.json" finding "$real" sync-binlog status)" "^(pass|fail)$" \
	"... and the variables read before it are judged"

# ---- 3. MySQL 8.0 statements, scripted --------------------------------------
export FAKEMYSQL_LOG=$out/fake.log
: >"$FAKEMYSQL_LOG"
live_fakemysql fake $((LIVE_PORT_BASE + 61)) batch-mysql greeting-57 no-multi || bail "fakemysql.py did not start"
fake() { echo "127.0.0.$1:$((LIVE_PORT_BASE + 61))"; }
for i in 1 2 3; do
	MYSQL_PWD=x timeout 60 "$CRASHSAFE" live --no-defaults -u x --connect-timeout 5 --read-timeout 5 \
		"$(fake $i)" --format json >"$out/f$i.json" 2>"$out/f$i.err"
done
all="vars,origins,persisted,rcc,status,tables"
is "$($RQ "$out/f1.json" target "$(fake 1)" error)" none "MySQL 8.0.36 (scripted): audited"
is "$(grep -P '^batch-mysql\t' "$FAKEMYSQL_LOG" | cut -f2 | tr '\n' ' ')" "$all " \
	"... in one query of six statements"
is "$($RQ "$out/f2.json" target "$(fake 2)" error)" none "a greeting (5.7.44) that is not the server's version (8.0.36): audited"
is "$(grep -P '^greeting-57\t' "$FAKEMYSQL_LOG" | cut -f2 | tr '\n' ' ')" \
	"vars,rcc,status,tables origins,persisted,rcc,status,tables " \
	"... the batch guessed from the greeting, then the statements 8.0.36 needs"
statuses() { $RQ "$1" statuses '#0' '.'; }
is "$(statuses "$out/f2.json")" "$(statuses "$out/f1.json")" "... with the same verdicts as the well-guessed server"
is "$($RQ "$out/f3.json" target "$(fake 3)" error)" none "a server that takes one statement per query: audited"
is "$(grep -P '^no-multi\t' "$FAKEMYSQL_LOG" | cut -f2 | tr '\n' ' ')" \
	"$all vars origins persisted rcc status tables " \
	"... the batch refused as a syntax error, then one statement at a time"
is "$(statuses "$out/f3.json")" "$(statuses "$out/f1.json")" "... with the same verdicts"

tap_done
