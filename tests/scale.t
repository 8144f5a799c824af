#!/bin/bash
# scale.t - no quadratic step when reading large inputs (issue 8, item 5).
#
# Captures of 400,000 variables, generated here: one as `crashsafe live
# --capture` writes it (an "# origin" line per variable, then the values),
# one as `mysql -NBe 'SHOW GLOBAL VARIABLES'` prints it. With a linear
# name lookup per variable (settings_set, the snapshot's origins) the first
# took well over two minutes (40,000 variables: 11 s); hashed, it takes
# well under a second. The bound is generous (a slow, shared CI machine,
# 50x the measured time) and still fails the quadratic version by far.
# The values read back are checked too: the last variable's origin and
# value reach the report. And an option file with 40,000 option groups the
# server does not read (flavor inference scanned the groups per group). TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
tap_scratch scale
BOUND=${SCALE_BOUND_SECONDS:-30}
N=400000

/usr/bin/python3 - "$T" "$N" <<'EOF'
import sys
d, n = sys.argv[1], int(sys.argv[2])
with open(d + "/capture.txt", "w") as f:
    f.write("# crashsafe capture 1\n# target 127.0.0.1:3306\n# role replica\n")
    for i in range(n):
        f.write("# origin var_%07d\tCONFIG\t/etc/mysql/my.cnf\n" % i)
    f.write("# origin sync_binlog\tSQL\n")
    f.write("version\t10.11.6-MariaDB-log\nversion_comment\tmariadb.org binary distribution\n")
    for i in range(n):
        f.write("var_%07d\t%d\n" % (i, i))
    f.write("sync_binlog\t0\n")
with open(d + "/nbe.txt", "w") as f:
    f.write("version\t8.0.36\nversion_comment\tMySQL Community Server - GPL\n")
    for i in range(n):
        f.write("var_%07d\tvalue %d\n" % (i, i))
    f.write("innodb_flush_log_at_trx_commit\t2\n")
EOF

# field JSON RULE KEY: one field of RULE's finding in the report
field() {
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["targets"][0]["findings"]:
    if f["rule_id"] == sys.argv[2]:
        v = f
        for k in sys.argv[3].split("."):
            v = v[k]
        print(v)
        break' "$@" 2>/dev/null
}

for input in capture nbe; do
	start=$(date +%s%N)
	timeout "$BOUND" "$CRASHSAFE" check --format json --variables "$T/$input.txt" >"$T/$input.json" 2>"$T/$input.err"
	rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]
	ok $? "$N variables ($input form) read within ${BOUND} s (took $ms ms)"
	[ "$rc" -le 3 ] && [ -s "$T/$input.json" ]
	ok $? "$input: a report (exit $rc)"
done
# An option file with 40,000 groups no server reads ([mysqld-8.N]): flavor
# inference and the unread-group warnings looked each group up by a scan
# over every earlier one (20,000 groups: 21 s; hashed: 0.1 s).
/usr/bin/python3 -c '
import sys
with open(sys.argv[1], "w") as f:
    for i in range(40000):
        f.write("[mysqld-8.%d]\nsync_binlog = 1\n" % i)
    f.write("[mysqld]\nserver_id = 4\n")' "$T/groups.cnf"
start=$(date +%s%N)
timeout "$BOUND" "$CRASHSAFE" check --format json "$T/groups.cnf" >"$T/groups.json" 2>"$T/groups.err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[ "$rc" -ne 124 ] && [ "$rc" -ne 137 ]
ok $? "40,000 unread option groups read within ${BOUND} s (took $ms ms)"
[ "$(grep -c 'is not read by' "$T/groups.err")" = 39999 ]
ok $? "... one warning per unread group (all but [mysqld-8.4])"

[ "$(field "$T/capture.json" sync-binlog value)" = 0 ]
ok $? "capture: the variable after 400,000 others is read"
case "$(field "$T/capture.json" sync-binlog origin.text)" in
*"SET GLOBAL"*) ok 0 "capture: its origin line (the last of 400,001) is applied" ;;
*) ok 1 "capture: its origin line (the last of 400,001) is applied"; field "$T/capture.json" sync-binlog origin | sed 's/^/#   /' ;;
esac
[ "$(field "$T/nbe.json" innodb-flush-log-at-trx-commit value)" = 2 ]
ok $? "mysql -NB form: the variable after 400,000 others is read"

tap_done
