#!/bin/bash
# live-robust.t - servers that answer what no real server answers, drip their
# answers, or never answer, in the same runs as a real MariaDB server that
# must still be audited (ports LIVE_PORT_BASE + 20-23; base 23300 by default):
#
#   good      a real MariaDB server                                  (+20)
#   fake      tests/live/fakemysql.py, one malformed answer per
#             address: 127.0.0.1 to 127.0.0.15, all on port          (+21)
#   drip      tests/live/netfault.py drip: a proxy to good that passes
#             the answer to SYSTEM_VARIABLES on one byte every 20 ms  (+22)
#   silent    a socket that accepts and never answers                 (+23)
#
# 1. Every malformed answer is a per-target error naming the statement and
#    the shape ("unexpected answer to STATEMENT: N columns ..."): no crash,
#    no uninitialised read (CI runs this file with the ASan/UBSan build too),
#    and the real server is audited in the same run.
# 2. A server that drips its answer ends at --target-timeout; three of them
#    with --jobs 1 take about one deadline, not three.
# 3. Hanging servers are not batched: 20 silent sockets and 20 good
#    targets with --jobs 4 and --connect-timeout 1 take about one timeout
#    (a pool of 4 blocking workers would take 5).
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
# shellcheck source=tests/live/harness.sh
. "$REPO/tests/live/harness.sh"
live_test_begin timeout   # harness.sh: skip or fail without the packages; CRASHSAFE, RQ, LIVE_DIR, out

ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }
# No sanitizer report and no signal: rc below 128, nothing from ASan/UBSan on stderr.
no_crash() { # no_crash RC STDERR-FILE WHAT
	if [ "$1" -lt 128 ] && ! grep -Eq 'AddressSanitizer|runtime error|LeakSanitizer' "$2"; then
		pass "$3: no crash, no sanitizer report (exit $1)"
	else
		fail "$3: no crash, no sanitizer report (exit $1)"
		grep -E -A8 'AddressSanitizer|runtime error|LeakSanitizer' "$2" | head -30 | sed 's/^/#   /'
	fi
}

live_start good $((LIVE_PORT_BASE + 20)) 20 "log_bin = mariadb-bin" || bail "good did not start"
good=127.0.0.1:$((LIVE_PORT_BASE + 20))

# scenario, then the error it must give (grep -E; "none": audited)
scenarios=(
	vars-1col 'unexpected answer to SHOW GLOBAL VARIABLES: 1 column \(Variable_name\), expected Variable_name, Value$'
	vars-wrong-names 'unexpected answer to SHOW GLOBAL VARIABLES: 2 columns \(a, b\), expected Variable_name, Value$'
	vars-null-name 'unexpected answer to SHOW GLOBAL VARIABLES: NULL in Variable_name \(row 2\)$'
	vars-huge 'unexpected answer to SHOW GLOBAL VARIABLES: more than 16 MB$'
	sysvars-2col 'unexpected answer to information_schema.SYSTEM_VARIABLES: 2 columns \(VARIABLE_NAME, GLOBAL_VALUE\), expected VARIABLE_NAME, GLOBAL_VALUE, GLOBAL_VALUE_ORIGIN, GLOBAL_VALUE_PATH$'
	sysvars-close '^lost the connection during information_schema.SYSTEM_VARIABLES: .*\(error 20(13|06)\)'
	fallback-1col 'unexpected answer to SHOW GLOBAL VARIABLES: 1 column \(Variable_name\)'
	fallback-ok '^none$'
	origins-1col 'unexpected answer to performance_schema.variables_info: 1 column \(VARIABLE_NAME\), expected VARIABLE_NAME, VARIABLE_SOURCE, VARIABLE_PATH$'
	persisted-1col 'unexpected answer to performance_schema.persisted_variables: 1 column \(VARIABLE_NAME\), expected VARIABLE_NAME, VARIABLE_VALUE$'
	rcc-null 'unexpected answer to performance_schema.replication_connection_configuration: NULL in CHANNEL_NAME \(row 1\)$'
	status-none 'unexpected answer to SHOW ALL SLAVES STATUS: no result set \(0 columns\)$'
	tables-1col 'unexpected answer to information_schema.TABLES: 1 column \(TABLE_NAME\), expected TABLE_NAME, ENGINE$'
	malformed '^unexpected answer to SHOW GLOBAL VARIABLES: '
	reordered '^none$'
)
names=()
for ((i = 0; i < ${#scenarios[@]}; i += 2)); do names+=("${scenarios[i]}"); done
live_fakemysql fake $((LIVE_PORT_BASE + 21)) "${names[@]}" || bail "fakemysql.py did not start"

# ---- 1. malformed answers, next to a real server ---------------------------
targets="$good"
fake() { echo "127.0.0.$((1 + $1)):$((LIVE_PORT_BASE + 21))"; }   # fake I: the I-th scenario's target
for ((i = 0; i < ${#names[@]}; i++)); do targets="$targets $(fake $i)"; done
# shellcheck disable=SC2086
MYSQL_PWD=$LIVE_AUDITOR_PW timeout 120 "$CRASHSAFE" live --no-defaults -u auditor -v --connect-timeout 5 \
	--read-timeout 5 $targets --json "$out/fake.json" --text "$out/fake.txt" >"$out/fake.out" 2>"$out/fake.err"
rc=$?
j=$out/fake.json
no_crash $rc "$out/fake.err" "fifteen scripted servers and a real one"
is "$rc" 3 "exit status 3: some servers could not be audited"
is "$($RQ "$j" target "$good" error)" none "the real MariaDB server in the same run is audited"
like "$($RQ "$j" target "$good" findings)" "^[1-9]" "... with findings"
for ((i = 0; i < ${#names[@]}; i++)); do
	t=$(fake $i)
	like "$($RQ "$j" target "$t" error)" "${scenarios[2 * i + 1]}" "${names[i]}: $($RQ "$j" target "$t" error | cut -c1-100)"
done
is "$($RQ "$j" errored-findings)" 0 "a server that answered wrongly has no findings (nothing from it is trusted)"
like "$(grep -c "unexpected answer to" "$out/fake.txt")" "^1[0-9]$" "the text report carries each error"
for ((i = 0; i < ${#names[@]}; i++)); do [ "${names[i]}" = fallback-ok ] && fallback_ok=$(fake $i); done
is "$(grep -F "$fallback_ok" "$out/fake.err" | grep -o "Unknown table 'SYSTEM_VARIABLES'" | wc -l)" 1 \
	"-v: a failed statement's server message is printed once"
like "$(grep -F "$fallback_ok" "$out/fake.err")" \
	"information_schema.SYSTEM_VARIABLES failed: Unknown table 'SYSTEM_VARIABLES' \(error 1109\)$" \
	"... as 'STATEMENT failed: MESSAGE (error N)', and the server is audited from SHOW GLOBAL VARIABLES"

# ---- 2. a server that drips its answer ------------------------------------------
live_netfault drip drip $((LIVE_PORT_BASE + 22)) $((LIVE_PORT_BASE + 20)) 20 SYSTEM_VARIABLES || bail "netfault drip"
drip=127.0.0.1:$((LIVE_PORT_BASE + 22))
start=$(date +%s%N)
MYSQL_PWD=$LIVE_AUDITOR_PW timeout 60 "$CRASHSAFE" live --no-defaults -u auditor --jobs 1 --read-timeout 2 \
	--target-timeout 3 $drip $good $drip $drip --format json >"$out/drip.json" 2>"$out/drip.err"
rc=$?
took=$(ms_since "$start")
no_crash $rc "$out/drip.err" "three dripping servers"
is "$rc" 3 "exit status 3"
is "$($RQ "$out/drip.json" targets error | tr , '\n' | grep -c '^timed out after 3\.[0-9] s (--target-timeout 3) during information_schema.SYSTEM_VARIABLES: the server answers too slowly$')" 3 \
	"each dripping server ends at its deadline (--target-timeout 3), not at --read-timeout 2, which the drip never reaches"
is "$($RQ "$out/drip.json" target "#1" error)" none "the real server in the same run is audited"
like "$took" "^([0-9]{1,3}|[0-5][0-9]{3})$" \
	"three deadlines of 3 s with --jobs 1 take one deadline, not three (took $took ms, under 6000)"
like "$(grep -c . "$LIVE_DIR/drip.log")" "^0$" "the drip proxy ran without an error"

# ---- 3. hanging servers are not batched --------------------------------------
live_netfault silent silent $((LIVE_PORT_BASE + 23)) || bail "netfault silent"
silent=127.0.0.1:$((LIVE_PORT_BASE + 23))
targets=
for i in $(seq 1 20); do targets="$targets $silent $good"; done
start=$(date +%s%N)
# shellcheck disable=SC2086
MYSQL_PWD=$LIVE_AUDITOR_PW timeout 60 "$CRASHSAFE" live --no-defaults -u auditor --jobs 4 --connect-timeout 1 \
	$targets --format json >"$out/batch.json" 2>"$out/batch.err"
rc=$?
took=$(ms_since "$start")
no_crash $rc "$out/batch.err" "40 targets, 20 silent"
errors=$($RQ "$out/batch.json" targets error | tr , '\n')
is "$(printf '%s\n' "$errors" | grep -c '^cannot connect: timed out after 1\.[0-9] s (--connect-timeout 1)')" 20 \
	"the 20 silent servers time out after --connect-timeout 1"
is "$(printf '%s\n' "$errors" | grep -c '^none$')" 20 "the 20 answering ones are audited"
like "$took" "^([0-9]{1,3}|[0-2][0-9]{3})$" \
	"40 targets, 20 silent, --jobs 4, --connect-timeout 1: about one timeout, not ceil(20/4) = 5 (took $took ms, under 3000)"

tap_done
