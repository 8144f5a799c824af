#!/bin/bash
# secrets-mask.t - secrets inside option files and snapshots are masked
# everywhere (issue 8, item 9): resolve (all three forms; --show-secrets shows
# them, as my_print_defaults --show does), every report format (gcc and prom
# too) and --report-dir's files, stderr
# diagnostics, and what check reads back. The names are secret.c's list:
# password (and its MariaDB prefixes), master-password, report_password,
# wsrep_sst_auth, *_password, *_pwd ...; look-alikes that hold no secret
# (disconnect_on_expired_password) are shown. (Captures: live-secrets.t.) TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
tap_scratch mask

SECRETS="ClientPw1 SstPw2 MasterPw3 ReportPw4 AbbrevPw5 FirstPw SecondPw KeyringPw6 LdapPw7"
# none_in FILE... : 0 when no secret appears in any FILE
none_in() {
	local s found=
	for s in $SECRETS; do
		grep -lF "$s" "$@" >/dev/null 2>&1 && found="$found $s"
	done
	[ -z "$found" ] || echo "# found:$found in $*"
	[ -z "$found" ]
}

cat >"$T/sec.cnf" <<'EOF'
[client-server]
password = ClientPw1
[mysqld]
server_id = 5
wsrep_sst_auth = sst:SstPw2
master-password = MasterPw3
loose-report_password = ReportPw4
pass = AbbrevPw5
password = FirstPw
password = SecondPw
loose-keyring_encrypted_file_password = KeyringPw6
loose-authentication_ldap_simple_bind_root_pwd = LdapPw7
disconnect_on_expired_password = ON
ssl-key = /etc/mysql/key.pem
EOF

# ---- resolve --------------------------------------------------------------
"$CRASHSAFE" resolve --flavor mariadb "$T/sec.cnf" >"$T/resolve" 2>"$T/resolve.err"
none_in "$T/resolve" "$T/resolve.err"
ok $? "resolve: no secret printed"
[ "$(grep -c '=\*\*\*\*\*\*\*\*' "$T/resolve")" = 9 ]
ok $? "resolve: the 7 secret options and 2 overridden values show ******** ($(grep -c '\*\*\*\*\*\*\*\*' "$T/resolve"))"
grep -q "^disconnect_on_expired_password=ON " "$T/resolve" && grep -q "^ssl_key=/etc/mysql/key.pem " "$T/resolve"
ok $? "resolve: values that are no secret are shown"

"$CRASHSAFE" resolve --raw --flavor mariadb "$T/sec.cnf" >"$T/raw" 2>&1
none_in "$T/raw"
ok $? "resolve --raw: no secret printed"
grep -qx -- "--wsrep_sst_auth=\*\*\*\*\*\*\*\*" "$T/raw" && grep -qx -- "--pass=\*\*\*\*\*\*\*\*" "$T/raw" &&
	grep -qx -- "--loose-report_password=\*\*\*\*\*\*\*\*" "$T/raw"
ok $? "resolve --raw: each as --name=********, spelled as written"
"$CRASHSAFE" resolve --raw --show-secrets --flavor mariadb "$T/sec.cnf" >"$T/shown" 2>&1
grep -qx -- "--wsrep_sst_auth=sst:SstPw2" "$T/shown"
ok $? "resolve --raw --show-secrets: shown"
if command -v my_print_defaults >/dev/null 2>&1; then
	my_print_defaults --defaults-file="$T/sec.cnf" --mysqld >"$T/mpd"
	cmp -s "$T/mpd" "$T/shown"
	ok $? "resolve --raw --show-secrets is byte for byte my_print_defaults --mysqld"
	# Masked: my_print_defaults' lines with the secret values replaced, and nothing else changed.
	sed -E 's/^(--(password|wsrep_sst_auth|master-password|loose-report_password|pass|loose-keyring_encrypted_file_password|loose-authentication_ldap_simple_bind_root_pwd))=.*/\1=********/' \
		"$T/mpd" >"$T/mpd.masked"
	cmp -s "$T/mpd.masked" "$T/raw"
	ok $? "resolve --raw is my_print_defaults --mysqld with only the secrets masked"
fi

# ---- check: every report format, stderr with -v ---------------------------
mkdir -p "$T/rules"
cat >"$T/rules/secrets.ini" <<'EOF'
[no-report-password]
severity = warning
title = report_password is not set
require = report_password == ""
why = test rule reading a secret
fix = remove it
EOF
"$CRASHSAFE" check -v --rules "$T/rules" --flavor mariadb --format json --text "$T/r.txt" \
	--junit "$T/r.xml" --sarif "$T/r.sarif" "$T/sec.cnf" >"$T/r.json" 2>"$T/check.err"
none_in "$T/r.json" "$T/r.txt" "$T/r.xml" "$T/r.sarif" "$T/check.err"
ok $? "check (option file): no secret in JSON, text, JUnit, SARIF or stderr"
grep -q '"value": "\*\*\*\*\*\*\*\*"' "$T/r.json"
ok $? "check: a rule reading a secret from the option file sees (and shows) ********"

printf 'version\t10.11.6-MariaDB\nreport_password\tReportPw4\nwsrep_sst_auth\tsst:SstPw2\nserver_id\t9\n' >"$T/snap.txt"
"$CRASHSAFE" check -v --rules "$T/rules" --format json --text "$T/s.txt" --junit "$T/s.xml" \
	--sarif "$T/s.sarif" --variables "$T/snap.txt" >"$T/s.json" 2>"$T/snap.err"
none_in "$T/s.json" "$T/s.txt" "$T/s.xml" "$T/s.sarif" "$T/snap.err"
ok $? "check --variables (a snapshot): no secret in any report or on stderr"
grep -q '"value": "\*\*\*\*\*\*\*\*"' "$T/s.json"
ok $? "check --variables: the secret is seen as ********"

# The formats that came later (gcc with the CI gate, prom with the fleet) and
# the files --report-dir writes go through the same masking.
"$CRASHSAFE" check -v --rules "$T/rules" --flavor mariadb --format gcc --report-dir "$T/rd" "$T/sec.cnf" \
	>"$T/r.gcc" 2>"$T/gcc.err"
"$CRASHSAFE" check --rules "$T/rules" --flavor mariadb --format prom "$T/sec.cnf" >"$T/r.prom" 2>&1
none_in "$T/r.gcc" "$T/gcc.err" "$T/r.prom" "$T"/rd/*
ok $? "check --format gcc, --format prom, --report-dir's four files: no secret"
grep -q 'sec.cnf:[0-9]*: warning: .*\*\*\*\*\*\*\*\*.*\[no-report-password\]' "$T/r.gcc" && [ "$(ls "$T/rd" | wc -l)" -ge 4 ]
ok $? "... the gcc line of the rule reading it shows ********; --report-dir wrote its files"

# resolve --effective (the values the server would run with, added with the catalog).
"$CRASHSAFE" resolve --effective --flavor mariadb "$T/sec.cnf" >"$T/eff" 2>"$T/eff.err"
none_in "$T/eff" "$T/eff.err"
ok $? "resolve --effective: no secret printed"
grep -q '^report_password	\*\*\*\*\*\*\*\*	' "$T/eff"
ok $? "resolve --effective: report_password shows ********"

"$CRASHSAFE" resolve --effective --show-secrets --flavor mariadb "$T/sec.cnf" >"$T/eff" 2>"$T/eff.err"
[ $? = 2 ] && grep -q "show-secrets cannot apply to --effective" "$T/eff.err" && none_in "$T/eff" "$T/eff.err"
ok $? "resolve --effective --show-secrets: a usage error, not masked values passed off as shown"

# An empty secret is shown as empty: nothing to hide, and "not set" stays visible.
printf 'version\t10.11.6-MariaDB\nreport_password\t\n' >"$T/empty.txt"
"$CRASHSAFE" check --rules "$T/rules" --format json --variables "$T/empty.txt" >"$T/e.json" 2>/dev/null
grep -q '"rule_id": "no-report-password"' "$T/e.json" && ! grep -q '\*\*\*\*\*\*\*\*' "$T/e.json"
ok $? "an empty secret stays empty (the rule passes)"

tap_done
