#!/bin/bash
# live-faults.t - every live fault, for real, in one `crashsafe live` run over
# a small fleet on 127.0.0.1, ports LIVE_PORT_BASE + 10-17 (base 23300 by default):
#
#   good      a MariaDB server that answers                      (audited)
#   otherpw   a server where the auditor has another password     wrong password
#   tls       a server with require_secure_transport=ON           TLS required
#   hang      a socket that accepts and never answers (python)    connect timeout
#   refused   a port nobody listens on                            connection refused
#   killed    a proxy to the server "victim" that SIGKILLs it when
#             crashsafe sends SHOW ALL SLAVES STATUS (in the one
#             batch of statements after the login, issue 13: the
#             server dies before its first answer)              killed mid-audit
#   stall     a proxy to "good" that never forwards the origins
#             query                                                read timeout
#
# Each must give its own clear error in every report format (text, JSON,
# JUnit, SARIF) while the good server is still audited, the run must end
# within the timeouts (targets are collected concurrently), and the exit
# status must be 3. Then --ssl-mode and --ssl-ca against the TLS server.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
# shellcheck source=tests/live/harness.sh
. "$REPO/tests/live/harness.sh"
live_test_begin openssl   # harness.sh: skip or fail without the packages; CRASHSAFE, RQ, LIVE_DIR, out

live_tls_certs || bail "could not make TLS certificates"
T=$LIVE_DIR/tls
live_start good $((LIVE_PORT_BASE + 10)) 10 "log_bin = mariadb-bin" || bail "good did not start"
live_start otherpw $((LIVE_PORT_BASE + 11)) 11 "" || bail "otherpw did not start"
live_sql otherpw "ALTER USER 'auditor'@'127.0.0.1' IDENTIFIED BY 'another-password'" || bail "ALTER USER failed"
live_start tls $((LIVE_PORT_BASE + 12)) 12 "ssl_ca = $T/ca.pem
ssl_cert = $T/server-cert.pem
ssl_key = $T/server-key.pem
require_secure_transport = ON" || bail "tls did not start"
live_start victim $((LIVE_PORT_BASE + 13)) 13 "" || bail "victim did not start"
victim_pid=$(live_pid victim)
live_netfault hang silent $((LIVE_PORT_BASE + 14)) || bail "netfault silent"
live_netfault killer kill $((LIVE_PORT_BASE + 15)) $((LIVE_PORT_BASE + 13)) "$victim_pid" "SHOW ALL SLAVES STATUS" || bail "netfault kill"
live_netfault staller stall $((LIVE_PORT_BASE + 16)) $((LIVE_PORT_BASE + 10)) - "SYSTEM_VARIABLES" || bail "netfault stall"

good=127.0.0.1:$((LIVE_PORT_BASE + 10))
otherpw=127.0.0.1:$((LIVE_PORT_BASE + 11))
tls=127.0.0.1:$((LIVE_PORT_BASE + 12))
hang=127.0.0.1:$((LIVE_PORT_BASE + 14))
killed=127.0.0.1:$((LIVE_PORT_BASE + 15))
stall=127.0.0.1:$((LIVE_PORT_BASE + 16))
refused=127.0.0.1:$((LIVE_PORT_BASE + 17))

# ---- one run over the whole fleet ------------------------------------------
start=$(date +%s%N)
MYSQL_PWD=$LIVE_AUDITOR_PW "$CRASHSAFE" live --no-defaults -u auditor --connect-timeout 2 --read-timeout 2 \
	$good $otherpw $tls $hang $refused $killed $stall \
	--text "$out/r.txt" --json "$out/r.json" --junit "$out/r.xml" --sarif "$out/r.sarif" \
	>"$out/stdout" 2>"$out/stderr"
rc=$?
took_ms=$((($(date +%s%N) - start) / 1000000))
j=$out/r.json

is "$rc" 3 "exit status 3: some servers could not be audited"
is "$($RQ "$j" target $good error)" none "the good server is audited"
like "$($RQ "$j" target $good findings)" "^[1-9]" "... with findings"
like "$took_ms" "^([0-9]{1,3}|[0-3][0-9]{3})$" "the run ends within the 2 s timeouts, faults collected concurrently (took $took_ms ms)"
is "$($RQ "$j" summary targets_failed_to_audit)" 6 "six targets could not be audited"

# error_of TARGET: its error in the JSON report
error_of() { $RQ "$j" target "$1" error; }
check_fault() { # check_fault TARGET PATTERN WHAT
	local t=$1 pat=$2 what=$3 f missing=""
	like "$(error_of "$t")" "$pat" "$what: a clear error ($(error_of "$t" | cut -c1-90)...)"
	for f in r.txt r.xml r.sarif stdout stderr; do
		grep -F -- "$t" "$out/$f" | grep -Eq -- "$pat" || grep -Eq -- "$pat" "$out/$f" || missing="$missing $f"
	done
	is "$missing" "" "$what: the error is in the text, JUnit and SARIF reports, stdout and stderr"
}
check_fault $otherpw "Access denied.*wrong user or password" "wrong password"
check_fault $tls "requires TLS \(require_secure_transport=ON\) and TLS was not configured" "TLS required by the server"
check_fault $hang "cannot connect: timed out after [0-9.]+ s \(--connect-timeout 2\)" "a host that accepts and never answers"
check_fault $refused "cannot connect: .*connection refused or unreachable" "connection refused"
check_fault $killed "lost the connection during information_schema.SYSTEM_VARIABLES" "a server killed during the audit"
check_fault $stall "timed out after [0-9.]+ s waiting for information_schema.SYSTEM_VARIABLES \(--read-timeout 2\)" \
	"a server that stops answering mid-audit"
if kill -0 "$victim_pid" 2>/dev/null && ! grep -q '^State:.*Z' "/proc/$victim_pid/status" 2>/dev/null; then
	fail "the killed server really died (PID $victim_pid)"
else
	pass "the killed server really died (PID $victim_pid)"
fi
live_kill victim
is "$($RQ "$j" errored-findings)" 0 \
	"a target that could not be audited has no findings (nothing reported as passed)"
like "$(xmllint --xpath 'count(//testsuite[@name="'$refused'"]//error)' "$out/r.xml" 2>&1)" "^[1-9]" \
	"JUnit: the unreachable server's suite has an <error>"

# ---- TLS options against the server that requires TLS --------------------------
tlsrun() { MYSQL_PWD=$LIVE_AUDITOR_PW "$CRASHSAFE" live --no-defaults -u auditor --connect-timeout 5 "$@" --format json 2>/dev/null; }
is "$(tlsrun --ssl-mode=VERIFY_CA --ssl-ca "$T/ca.pem" $tls | $RQ - target '#0' error)" none \
	"--ssl-mode=VERIFY_CA --ssl-ca: the TLS server is audited"
is "$(tlsrun --ssl-mode=VERIFY_IDENTITY --ssl-ca "$T/ca.pem" $tls | $RQ - target '#0' error)" none \
	"--ssl-mode=VERIFY_IDENTITY (certificate for 127.0.0.1): audited"
is "$(tlsrun --ssl-mode=REQUIRED $tls | $RQ - target '#0' error)" none \
	"--ssl-mode=REQUIRED without a CA: audited"
like "$(tlsrun --ssl-mode=VERIFY_CA --ssl-ca "$T/other-ca.pem" $tls | $RQ - target '#0' error)" \
	"TLS handshake failed" "--ssl-ca of another CA: the certificate is refused"
like "$(tlsrun --ssl-mode=REQUIRED $good | $RQ - target '#0' error)" \
	"requires TLS and the server does not offer it" "--ssl-mode=REQUIRED against a server without TLS: refused"
is "$(tlsrun --ssl-mode=DISABLED $good | $RQ - target '#0' error)" none \
	"--ssl-mode=DISABLED against a server without TLS: audited"

tap_done
