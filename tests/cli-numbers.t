#!/bin/bash
# cli-numbers.t - every number crashsafe takes from the command line or an
# inventory is digits only and in range, as host specs' ports are (issue 8:
# "db1: +5" was taken as port 5). strtoul() alone takes " +5", "+5" and
# wraps " -1"; each such spelling is a usage error (exit 2) that names the
# option, for every numeric option. The checks are one function
# (util.h parse_uint_strict, unit-tested in test_util). TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
tap_scratch numbers

printf '[mysqld]\nserver_id = 3\n' >"$T/my.cnf"

# refused WHAT PATTERN ARGS...: exit 2 at once, stderr names the option (PATTERN).
refused() {
	local what=$1 pat=$2 rc
	shift 2
	timeout 20 "$CRASHSAFE" "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" = 2 ] && grep -q -- "$pat" "$T/err"
	ok $? "$what: refused (exit $rc)"
	[ "$rc" = 2 ] || sed 's/^/#   /' "$T/err" | head -3
}

for opt in connect-timeout read-timeout write-timeout target-timeout jobs; do
	for v in "+4" " 4" " +4" "4 " "0x4" " -1" "-1" "" "4s"; do
		refused "live --$opt '$v'" "'--$opt'" live --no-defaults --"$opt" "$v" 127.0.0.1:1
	done
done
for v in "+3" " 3" "0x3" " -1"; do
	refused "check --keep '$v'" "--keep" check --report-dir "$T/rd" --keep "$v" "$T/my.cnf"
done
for spec in "db1: +5" "db1:+5" "db1: 5" "db1:0x5" "db1:5 " "db1:-1"; do
	refused "host spec '$spec'" "is not a number\|port" live --no-defaults "$spec"
done
printf '[db1]\nhost = 127.0.0.1\nport = +5\n' >"$T/inv.ini"
refused "inventory port = +5" "inv.ini:3: error: .*port '+5' is not a number" live --no-defaults --inventory "$T/inv.ini"

# What is a number still works: the largest and smallest values of each.
timeout 20 "$CRASHSAFE" live --no-defaults --connect-timeout 1 --read-timeout 86400 --jobs 1024 127.0.0.1:1 \
	</dev/null >"$T/out" 2>"$T/err"
[ $? = 3 ]
ok $? "live --connect-timeout 1 --read-timeout 86400 --jobs 1024: taken (the target is refused, exit 3)"
"$CRASHSAFE" check --report-dir "$T/rd" --keep 100000 --fail-on never "$T/my.cnf" >/dev/null 2>"$T/err"
ok $? "check --keep 100000: taken"

tap_done
