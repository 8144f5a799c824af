#!/bin/bash
# diff.t - `crashsafe diff OLD NEW`, the change check, on real files and on
# real JSON reports: introduced (new, exit 1), fixed, unchanged (including the
# same rule failing with another value), the effective values that changed
# with file:line on each side, exit 0/1/2/3, every format, directories and
# the project file. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
XSD=$REPO/../shared/schemas/junit-10.xsd
export CRASHSAFE_RULES_DIR="$REPO/rules"
export NO_COLOR=1
tap_scratch diff
RUN_DIR=$T/repo   # run and run_in run crashsafe from the scratch repository

js() {   # js EXPR: over the JSON report in $T/out (doc; t = its first target, d = t's diff)
	/usr/bin/python3 - "$T/out" "$1" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
t = doc["targets"][0] if "targets" in doc else None
d = t["diff"] if t else None
def f(rule):
    return [x for x in t["findings"] if x["rule_id"] == rule][0]
print(eval(sys.argv[2]))
PYEOF
}
is_js() {   # is_js EXPR WANT NAME: is on what js EXPR prints
	is "$(js "$1" 2>&1)" "$2" "$3" || echo "# js: $1"
}

mkdir -p "$T/repo/.git"
printf '[defaults]\nflavor = mysql\nversion = 8.4\nrole = replica\n' >"$T/repo/.crashsafe.ini"
# A safe MySQL 8.4 GTID replica ...
cat >"$T/repo/old.cnf" <<'EOF'
[mysqld]
server_id = 7
log_bin = binlog
gtid_mode = ON
enforce_gtid_consistency = ON
sync_binlog = 1
innodb_flush_log_at_trx_commit = 2
relay_log_recovery = ON
read_only = ON
EOF
# ... with one accepted failure (innodb_flush_log_at_trx_commit = 2), and an edit: lines move (a
# comment on top), sync_binlog 1 -> 0 (introduced), super_read_only added (fixes
# replica-super-read-only), innodb_flush_log_at_trx_commit 2 -> 0 (still fails: unchanged).
cat >"$T/repo/new.cnf" <<'EOF'
# edited for the batch
[mysqld]
server_id = 7
log_bin = binlog
gtid_mode = ON
enforce_gtid_consistency = ON
sync_binlog = 0
innodb_flush_log_at_trx_commit = 0
relay_log_recovery = ON
read_only = ON
super_read_only = ON
EOF

# --- option files -----------------------------------------------------------------------
run diff old.cnf new.cnf
is_rc 1 "an introduced error-severity failure: exit 1"
has "sync-binlog: Binary log is synced at every commit (new)" "$out" "the introduced finding is marked new"
has "diff against old.cnf: 1 introduced, 1 fixed, 1 unchanged" "$out" "the counts, against the OLD file"
has "fixed (warning) replica-super-read-only" "$out" "the fixed finding is listed"
has "changed sync_binlog: 1 (old.cnf:6) -> 0 (new.cnf:7)" "$out" "a changed value with file:line on each side"
has "changed super_read_only: OFF (default for MySQL 8.4) -> ON (new.cnf:11)" "$out" "a value that was a default"
has "changed innodb_flush_log_at_trx_commit: 2 (old.cnf:7) -> 0 (new.cnf:8)" "$out" "the value of the unchanged finding"
hasnt "changed server_id" "$out" "a value that moved lines but did not change is not listed"
has "suppressed (error) innodb-flush-log-at-trx-commit" "$(cd "$T/repo" && "$CRASHSAFE" diff -v old.cnf new.cnf 2>/dev/null)" \
	"(-v: the unchanged failure is listed as suppressed)"
hasnt "fail (error) innodb-flush-log-at-trx-commit" "$out" \
	"the same rule failing with another value is not a failure of the change"

run diff --format json old.cnf new.cnf
is_js 'f("sync-binlog")["baseline"]' "new" "JSON: introduced is baseline new"
is_js 'f("innodb-flush-log-at-trx-commit")["baseline"], f("innodb-flush-log-at-trx-commit")["status"], f("innodb-flush-log-at-trx-commit")["suppression"]["kind"]' \
	"('unchanged', 'suppressed', 'baseline')" "JSON: unchanged failure is suppressed, kind baseline"
is_js '[x["rule_id"] for x in d["fixed"]]' "['replica-super-read-only']" "JSON: diff.fixed"
is_js 'd["fixed"][0]["location"]["file"]' "old.cnf" "JSON: a fixed finding is located in OLD"
is_js '[(c["variable"], c["old"]["line"], c["new"]["line"]) for c in d["changes"]]' \
	"[('innodb_flush_log_at_trx_commit', 7, 8), ('super_read_only', None, 11), ('sync_binlog', 6, 7)]" \
	"JSON: diff.changes, sorted, with lines"
is_js 'doc["command"], doc["summary"]["exit_status"]' "('diff', 1)" "JSON: command diff, the process's exit status"

run diff --format sarif old.cnf new.cnf
is_js 'sorted((r["ruleId"], r.get("baselineState")) for r in doc["runs"][0]["results"])' \
	"[('innodb-flush-log-at-trx-commit', 'unchanged'), ('replica-super-read-only', 'absent'), ('sync-binlog', 'new')]" \
	"SARIF: baselineState new, unchanged, and absent for the fixed finding"
run diff --format gcc old.cnf new.cnf
ok "$([ "$(wc -l <"$T/out")" -eq 1 ] && grep -q '^new.cnf:7: error: sync_binlog is 0' "$T/out"; echo $?)" \
	"gcc: only the introduced failure, at its line"
run diff --format junit old.cnf new.cnf
has '<failure type="error"' "$out" "JUnit: the introduced failure is a failure"
if [ -r "$XSD" ]; then
	printf '%s\n' "$out" >"$T/j.xml"
	xmllint --noout --schema "$XSD" "$T/j.xml" >/dev/null 2>&1
	ok $? "JUnit: validates against junit-10.xsd"
else
	ok 0 "JUnit schema # SKIP ../shared/schemas/junit-10.xsd absent"
fi

# Only fixes: exit 0. The reverse diff introduces nothing at error level.
run diff new.cnf old.cnf
is_rc 0 "a change that only fixes: exit 0"
has "diff against new.cnf: 1 introduced, 1 fixed, 1 unchanged" "$out" "the reverse: the warning is introduced, sync-binlog fixed"
run diff --fail-on warning new.cnf old.cnf
is_rc 1 "--fail-on warning: the introduced warning fails"
run diff old.cnf old.cnf
is_rc 0 "no change: exit 0"
has "0 introduced, 0 fixed, 2 unchanged; 0 values changed" "$out" "nothing changed"

# Every effective value that changed is listed, also one that no rule reads.
printf '[mysqld]\nserver_id = 7\nmax_connections = 100\n' >"$T/repo/mc-old.cnf"
printf '[mysqld]\nserver_id = 7\nmax_connections = 200\n' >"$T/repo/mc-new.cnf"
run diff mc-old.cnf mc-new.cnf
has "changed max_connections: 100 (mc-old.cnf:3) -> 200 (mc-new.cnf:3)" "$out" \
	"a value no rule reads: listed with file:line on each side"

# --- the project file and annotations apply to both sides ----------------------------------
printf '# crashsafe: role=primary\n' | cat - "$T/repo/new.cnf" >"$T/repo/new-primary.cnf"
run diff --format json old.cnf new-primary.cnf
is_js 't["role"]' "primary" "NEW's annotation decides its role"
is_js '"replica-read-only" in [x["rule_id"] for x in d["fixed"]] or f("replica-read-only")["status"]' \
	"not-applicable" "a rule that no longer applies is neither introduced nor fixed"

# --- directories --------------------------------------------------------------------------
mkdir -p "$T/repo/old/etc/mysql/conf.d" "$T/repo/new/etc/mysql/conf.d"
for side in old new; do
	printf '[mysqld]\nserver_id = 7\nlog_bin = binlog\nrelay_log_recovery = ON\n!includedir /etc/mysql/conf.d/\n' \
		>"$T/repo/$side/etc/mysql/my.cnf"
done
printf '[mysqld]\nsync_binlog = 1\n' >"$T/repo/old/etc/mysql/conf.d/90-sync.cnf"
printf '[mysqld]\nsync_binlog = 0\n' >"$T/repo/new/etc/mysql/conf.d/90-sync.cnf"
run diff old/etc/mysql new/etc/mysql
is_rc 1 "two etc/mysql trees: the include under each root is compared"
has "changed sync_binlog: 1 (old/etc/mysql/conf.d/90-sync.cnf:2 (included from old/etc/mysql/my.cnf:5)) -> 0 (new/etc/mysql/conf.d/90-sync.cnf:2" "$out" \
	"the changed value in the included files, on each side"

# --- JSON reports ---------------------------------------------------------------------------
run check --json "$T/old.json" old.cnf
run check --json "$T/new.json" new.cnf
run diff --format json "$T/old.json" "$T/new.json"
is_rc 1 "two JSON reports: the introduced failure, exit 1"
is_js 'f("sync-binlog")["baseline"], [x["rule_id"] for x in d["fixed"]], d["unchanged"]' \
	"('new', ['replica-super-read-only'], 1)" "the same verdicts as from the files"
is_js '[(c["variable"], c["old"]["value"], c["new"]["value"]) for c in d["changes"] if c["variable"] == "sync_binlog"]' \
	"[('sync_binlog', '1', '0')]" "the values the findings read, compared"
run diff "$T/old.json" new.cnf
is_rc 1 "a report as OLD and a file as NEW"

# A JSON report as NEW: its findings are re-sorted after the marking (an unchanged failure becomes
# suppressed and moves after the failures); each keeps its own sentences, value and fingerprint, and
# the verdicts are those of the files (breaker8 finding 1: the finding OLD had was "new", the new one
# hidden as unchanged, one rule's id with another's value).
mkdir -p "$T/b8/.git"
printf '[defaults]\nflavor = mysql\nversion = 8.4\n' >"$T/b8/.crashsafe.ini"
printf '[mysqld]\nserver_id=1\nlog_bin=b\nsync_binlog=0\nrelay_log_recovery=ON\nenforce_gtid_consistency=ON\ngtid_mode=ON\nsync_relay_log=1\n' >"$T/b8/o4.cnf"
grep -v '^gtid_mode' "$T/b8/o4.cnf" >"$T/b8/n4.cnf"   # the change: gtid_mode removed
printf '[mysqld]\nserver_id=1\nlog_bin=b\nsync_binlog=1\nrelay_log_recovery=ON\nenforce_gtid_consistency=ON\nsync_relay_log=1\ninnodb_flush_log_at_trx_commit=1\n' >"$T/b8/o3.cnf"
sed 's/^sync_relay_log=1/sync_relay_log=0/' "$T/b8/o3.cnf" >"$T/b8/n3.cnf"   # the change: sync_relay_log 1 -> 0
RUN_DIR=$T/b8
for x in o4 n4 o3 n3; do run check -q --fail-on never --json "$x.json" "$x.cnf"; done
run diff --format gcc o4.cnf n4.cnf
files4=$out
has "n4.cnf:1: warning: gtid_mode is OFF" "$files4" "(files: the removed gtid_mode line is the introduced warning)"
run diff --format gcc o4.json n4.json
is "$out" "$files4" "two reports: the same introduced finding as the files (gtid-mode, not sync-binlog)"
run diff --format gcc o4.cnf n4.json
is "$out" "$files4" "a file as OLD, a report as NEW: the same"
run diff o4.json n4.json
has "fail (warning) gtid-mode: Replication uses GTIDs (new)" "$out" "text: the new finding is gtid-mode's, with its severity"
hasnt "sync-binlog" "$out" "text: sync-binlog, failing in OLD too, is not listed (under any severity)"
run diff --format json o3.json n3.json
pairs() {   # pairs FILE: rule, status, variable, value, fingerprint of each failed or suppressed finding, by rule
	/usr/bin/python3 - "$1" <<'PYEOF'
import json, sys
t = json.load(open(sys.argv[1]))["targets"][0]
print(sorted((f["rule_id"], f["variable"], f["value"], f["fingerprint"]) for f in t["findings"]
             if f["status"] in ("fail", "suppressed")))
PYEOF
}
is "$(pairs "$T/out")" "$(pairs "$T/b8/n3.json")" \
	"JSON: each finding keeps its own variable, value and fingerprint (as NEW's report wrote them)"
is_js '[(x["rule_id"], x["status"], x["baseline"]) for x in t["findings"] if x["status"] in ("fail", "suppressed")]' \
	"[('sync-relay-log', 'fail', 'new'), ('gtid-mode', 'suppressed', 'unchanged')]" \
	"JSON: sync-relay-log is new, gtid-mode unchanged (suppressed, kind baseline)"
run diff --format json o3.cnf n3.cnf
files3=$(js '[(x["rule_id"], x["status"], x["baseline"], x["variable"], x["value"], x["fingerprint"]) for x in t["findings"]]')
run diff --format json o3.json n3.json
is "$(js '[(x["rule_id"], x["status"], x["baseline"], x["variable"], x["value"], x["fingerprint"]) for x in t["findings"]]')" \
	"$files3" "JSON: every finding as from the files"

# Findings NEW suppressed (the --baseline of NEW's run, --suppress) still fail: an OLD failure they
# match is unchanged, never fixed, in every format (breaker8 finding 2).
printf '[mysqld]\nserver_id=1\nlog_bin=b\nsync_binlog=0\n' >"$T/b8/a.cnf"
printf '[sync-binlog]\ntarget = *\nreason = accepted risk\n' >"$T/b8/sup.ini"
run check -q --fail-on never --json old.json a.cnf
run check -q --fail-on never --baseline old.json --json new.json a.cnf
run check -q --fail-on never --suppress sup.ini --json new2.json a.cnf
run diff old.json new.json
is_rc 0 "NEW made with --baseline OLD: nothing introduced, exit 0"
has "diff against a.cnf: 0 introduced, 0 fixed, 4 unchanged" "$out" "NEW's baseline-suppressed findings are unchanged, none fixed"
hasnt "fixed (" "$out" "no fixed line"
run diff old.json new2.json
has "diff against a.cnf: 0 introduced, 0 fixed, 4 unchanged" "$out" "a finding NEW suppressed with --suppress is unchanged, not fixed"
hasnt "fixed (error) sync-binlog" "$out" "sync-binlog, still 0 in the same file, is not fixed"
run diff --format json old.json new2.json
is_js 'd["introduced"], d["unchanged"], d["fixed"]' "(0, 4, [])" "JSON diff: the same counts, nothing fixed"
is_js 'f("sync-binlog")["status"], f("sync-binlog")["baseline"], f("sync-binlog")["suppression"]["kind"]' \
	"('suppressed', 'unchanged', 'file')" "JSON: it stays suppressed by its own suppression, marked unchanged"
is_js 'len([x for x in t["findings"] if x["baseline"] == "unchanged"])' "4" "JSON: as many marked unchanged as counted"
run diff --format sarif old.json new2.json
is_js 'sorted((r["ruleId"], r.get("baselineState")) for r in doc["runs"][0]["results"])' \
	"[('gtid-mode', 'unchanged'), ('relay-log-recovery', 'unchanged'), ('sync-binlog', 'unchanged'), ('sync-relay-log', 'unchanged')]" \
	"SARIF: unchanged, no absent (fixed) result"
run diff --suppress sup.ini a.cnf a.cnf
has "diff against a.cnf: 0 introduced, 0 fixed, 4 unchanged" "$out" \
	"files, --suppress on both sides: the suppressed finding is unchanged"
run diff a.cnf new2.json
has "diff against a.cnf: 0 introduced, 0 fixed, 4 unchanged" "$out" "a file as OLD, the --suppress report as NEW: unchanged"
# ... and the other way round: what OLD suppressed failed all the same; NEW failing it again
# introduces nothing, and NEW no longer failing it fixes it.
run diff new.json old.json
is_rc 0 "OLD made with --baseline, NEW without: nothing introduced, exit 0"
has "diff against a.cnf: 0 introduced, 0 fixed, 4 unchanged" "$out" "OLD's suppressed findings failing in NEW are unchanged"
run diff --format json new2.json old.json
is_js 'd["introduced"], d["unchanged"], f("sync-binlog")["status"], f("sync-binlog")["baseline"]' \
	"(0, 4, 'suppressed', 'unchanged')" "JSON: sync-binlog, suppressed in OLD, failing in NEW: unchanged (suppressed, kind baseline)"
printf '[mysqld]\nserver_id=1\nlog_bin=b\nsync_binlog=1\n' >"$T/b8/a1.cnf"
run diff --format json --suppress sup.ini a.cnf a1.cnf
is_js '[(x["rule_id"], x["status"]) for x in d["fixed"]], d["unchanged"]' "([('sync-binlog', 'fail')], 3)" \
	"a finding OLD suppressed that NEW passes is fixed (as the failure it was)"
RUN_DIR=$T/repo

# exit 3: NEW could not be fully checked (a capture without relay_log_recovery)
printf 'version\t8.0.36\nversion_comment\tMySQL Community Server - GPL\nserver_id\t5\n' >"$T/repo/vars.tsv"
run check --json "$T/cap.json" --variables vars.tsv
run diff "$T/cap.json" "$T/cap.json"
is_rc 3 "NEW with an error-severity rule that could not be evaluated: exit 3, even unchanged"

# exit 2: unusable OLD or NEW
printf '{"schema": "something-else"}\n' >"$T/not.json"
run diff "$T/not.json" new.cnf
is_rc 2 "OLD that is not a crashsafe report: exit 2"
has "not a crashsafe report" "$err" "and says why"
run diff old.cnf missing.cnf
is_rc 2 "NEW that cannot be read: exit 2"
run diff old.cnf
is_rc 2 "one operand is a usage error"
run diff --baseline "$T/old.json" old.cnf new.cnf
is_rc 2 "--baseline with diff is a usage error (OLD is the baseline)"
run diff -h
is_rc 0 "diff -h"
has "usage: crashsafe diff" "$out" "diff -h prints the usage"
run diff --version
is_rc 0 "diff --version"

tap_done
