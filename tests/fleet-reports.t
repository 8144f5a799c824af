#!/bin/bash
# fleet-reports.t - reports a dashboard and alerting read: --prom (accepted
# by `promtool check metrics`, one series per label set, label values
# escaped, target_up 0 for a target that could not be audited),
# --report-dir (timestamped reports, latest links replaced atomically,
# --keep rotation, shards side by side), --timestamp (off by default: two
# runs give the same bytes; on: time, duration and version in JSON, JUnit
# and SARIF, JUnit still valid), and the progress line (shown on a
# terminal, never otherwise). TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
XSD=$REPO/../shared/schemas/junit-10.xsd
PY=/usr/bin/python3
tap_scratch fleetrep

need() {   # need TOOL: under CI a missing tool fails; by hand the test says why it skips
	if command -v "$1" >/dev/null 2>&1; then return 0; fi
	if [ -n "${CI:-}" ]; then ok 1 "$1 is installed (the test needs it)"; else skip "$1 not installed"; fi
	return 1
}

# Two bad files, one good, one that cannot be read; one file whose name needs escaping.
mkdir -p "$T/c"
printf '[mysqld]\nserver_id = 1\nsync_binlog = 0\ninnodb_flush_log_at_trx_commit = 2\nlog_bin = b\n' >"$T/c/bad.cnf"
printf '[mysqld]\nserver_id = 1\ngtid_mode = ON\nenforce_gtid_consistency = ON\n' >"$T/c/dup.cnf"
odd="$T/c/we\"ird\\na"$'\n'"me.cnf"
printf '[mysqld]\nserver_id = 3\n' >"$odd"
files=("$T/c/bad.cnf" "$T/c/dup.cnf" "$odd" "$T/c/missing.cnf")

# ---- --prom --------------------------------------------------------------------
"$CRASHSAFE" check "${files[@]}" --prom "$T/m.prom" --format json >"$T/m.json" 2>/dev/null
is "$?" 2 "a run with an unreadable file still writes its metrics (exit 2)"
if need promtool; then
	out=$(promtool check metrics <"$T/m.prom" 2>&1)
	is "$?" 0 "promtool check metrics accepts the file"
	is "$out" "" "... without a lint warning"
fi
prom=$(cat "$T/m.prom")
for m in crashsafe_finding crashsafe_target_up crashsafe_targets crashsafe_last_run_timestamp_seconds \
	crashsafe_run_duration_seconds; do
	has "# HELP $m " "$prom" "$m has HELP"
	has "# TYPE $m gauge" "$prom" "$m has TYPE gauge"
done
has 'crashsafe_targets 4' "$prom" "crashsafe_targets counts every target"
has "crashsafe_target_up{target=\"$T/c/missing.cnf\"} 0" "$prom" "a target that could not be audited is down"
has "crashsafe_target_up{target=\"$T/c/bad.cnf\"} 1" "$prom" "an audited one is up"
has "crashsafe_finding{target=\"$T/c/bad.cnf\",rule=\"sync-binlog\",channel=\"\",severity=\"error\",status=\"fail\"} 1" \
	"$prom" "a failed finding is a series with its labels"
has 'crashsafe_target_up{target="'"$T"'/c/we\"ird\\na\nme.cnf"} 1' "$prom" \
	"label values escape \\\", \\\\ and the line feed"
# One series per non-pass finding's label set, counted from the JSON report.
want=$($PY - "$T/m.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
s = set()
for t in doc["targets"]:
    for f in t["findings"]:
        if f["status"] != "pass":
            s.add((t["name"], f["rule_id"], f["channel"] or "", f["severity"], f["status"]))
print(len(s))
PY
)
na=$($PY - "$T/m.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
print(sum(1 for t in doc["targets"] for f in t["findings"] if f["status"] == "not-applicable"))
PY
)
[ "$na" -gt 0 ] && grep -q '^crashsafe_finding{.*,status="not-applicable"} 1$' "$T/m.prom"
ok $? "a not-applicable finding is a series too, status=\"not-applicable\" (issue 11: every finding that is not a pass; $na in the run)"
is "$(grep -c '^crashsafe_finding{' "$T/m.prom")" "$want" "one crashsafe_finding series per label set of the findings that are not a pass"
is "$(grep '^crashsafe_finding{' "$T/m.prom" | sort | uniq -d)" "" "... and none twice"
stamp=$(sed -n 's/^crashsafe_last_run_timestamp_seconds //p' "$T/m.prom")
now=$(date +%s)
$PY -c "import sys; sys.exit(0 if abs(float('$stamp') - $now) < 60 else 1)"
ok $? "crashsafe_last_run_timestamp_seconds is now ($stamp)"
# A run without any finding to report still writes valid families.
printf '[mysqld]\nserver_id = 9\ngtid_mode = ON\nenforce_gtid_consistency = ON\nlog_bin = b\nsync_binlog = 1\n' >"$T/good.cnf"
"$CRASHSAFE" check "$T/good.cnf" --prom "$T/empty.prom" -q >/dev/null 2>&1
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics <"$T/empty.prom" >/dev/null 2>&1
	is "$?" 0 "promtool accepts a run with no failed finding"
fi
is "$(stat -c %a "$T/m.prom")" 644 "the metrics file is readable by node_exporter (0644)"

# ---- --timestamp ---------------------------------------------------------------
for f in json junit sarif; do
	"$CRASHSAFE" check "$T/c/bad.cnf" "$T/c/dup.cnf" --format $f >"$T/a.$f" 2>/dev/null
	sleep 0.01
	"$CRASHSAFE" check "$T/c/bad.cnf" "$T/c/dup.cnf" --format $f >"$T/b.$f" 2>/dev/null
	cmp -s "$T/a.$f" "$T/b.$f"
	ok $? "without --timestamp two runs give the same $f bytes"
	"$CRASHSAFE" check "$T/c/bad.cnf" "$T/c/dup.cnf" --format $f --timestamp >"$T/t.$f" 2>/dev/null
done
has '"generated": "20' "$(cat "$T/t.json")" "--timestamp: JSON has the generation time"
has '"duration_seconds": ' "$(cat "$T/t.json")" "... and the duration"
has '"version": "' "$(cat "$T/t.json")" "... and crashsafe's version"
hasnt '"generated"' "$(cat "$T/a.json")" "without it, no time in JSON"
has 'timestamp="20' "$(cat "$T/t.junit")" "--timestamp: JUnit testsuites have a timestamp"
has '<testsuites name="crashsafe check" tests=' "$(cat "$T/t.junit")" "... (the root element is intact)"
has 'time="' "$(head -3 "$T/t.junit")" "... and the run's time"
has 'name="crashsafe_version"' "$(cat "$T/t.junit")" "... and crashsafe's version"
hasnt 'timestamp=' "$(cat "$T/a.junit")" "without it, no time in JUnit"
if [ -r "$XSD" ] && command -v xmllint >/dev/null 2>&1; then
	xmllint --noout --schema "$XSD" "$T/t.junit" 2>/dev/null
	ok $? "the JUnit report with --timestamp validates against junit-10.xsd"
fi
has '"startTimeUtc": "20' "$(cat "$T/t.sarif")" "--timestamp: SARIF invocation has startTimeUtc"
has '"endTimeUtc": "20' "$(cat "$T/t.sarif")" "... and endTimeUtc"
hasnt 'TimeUtc' "$(cat "$T/a.sarif")" "without it, no time in SARIF"

# ---- --report-dir ----------------------------------------------------------------
rd=$T/reports
for i in 1 2 3 4; do
	"$CRASHSAFE" check "$T/c/bad.cnf" "$T/c/dup.cnf" --report-dir "$rd" --keep 3 -q >/dev/null 2>&1
done
runs=$(cd "$rd" && ls crashsafe-*.json | wc -l)
is "$runs" 3 "--keep 3 after four runs: three runs left"
for ext in txt json junit.xml sarif; do
	is "$(cd "$rd" && ls crashsafe-*."$ext" | wc -l)" 3 "... each in .$ext"
	# the newest run by its stem (STAMP, STAMP-2, STAMP-3 ... in the same second)
	newest=$(cd "$rd" && ls crashsafe-*."$ext" | sed "s/\.$ext\$//" | LC_ALL=C sort | tail -1)
	is "$(readlink "$rd/latest.$ext")" "$newest.$ext" "latest.$ext points at the newest run (relative link)"
done
ok "$([ -L "$rd/latest.json" ] && echo 0 || echo 1)" "latest.json is a symbolic link"
cmp -s "$rd/latest.txt" <("$CRASHSAFE" check "$T/c/bad.cnf" "$T/c/dup.cnf" -q 2>/dev/null)
ok $? "latest.txt holds the text report"
$PY -c 'import json,sys; json.load(open(sys.argv[1]))' "$rd/latest.json"
ok $? "latest.json is a whole JSON report"
is "$(ls -A "$rd" | grep -c '^\.')" 0 "no temporary file or link is left behind"
oldest_kept=$(cd "$rd" && ls crashsafe-*.json | sed 's/\.json$//' | LC_ALL=C sort | head -1).json
"$CRASHSAFE" check "$T/c/bad.cnf" --report-dir "$rd" --keep 1 --report-format json -q >/dev/null 2>&1
is "$(cd "$rd" && ls crashsafe-*.json | wc -l)" 1 "--keep 1: only the new run's JSON is left"
is "$(cd "$rd" && ls crashsafe-*.txt 2>/dev/null | wc -l)" 0 "... and the older runs' other formats are gone too"
ok "$([ ! -e "$rd/$oldest_kept" ] && echo 0 || echo 1)" "... the oldest run is deleted"
is "$(readlink "$rd/latest.json")" "$(cd "$rd" && ls crashsafe-*.json)" "... latest.json moved to it"
touch "$rd/notes.txt" "$rd/crashsafe-notes.json"
"$CRASHSAFE" check "$T/c/bad.cnf" --report-dir "$rd" --keep 1 --report-format json -q >/dev/null 2>&1
ok "$([ -e "$rd/notes.txt" ] && [ -e "$rd/crashsafe-notes.json" ] && echo 0 || echo 1)" \
	"pruning touches only files named as crashsafe's runs"
# Shards share a directory.
"$CRASHSAFE" check "${files[@]:0:3}" --shard 1/2 --report-dir "$rd" --report-format json -q >/dev/null 2>&1
"$CRASHSAFE" check "${files[@]:0:3}" --shard 2/2 --report-dir "$rd" --report-format json -q >/dev/null 2>&1
ok "$([ -L "$rd/latest.shard-1-of-2.json" ] && [ -L "$rd/latest.shard-2-of-2.json" ] && echo 0 || echo 1)" \
	"each shard has its own latest link"
is "$(readlink "$rd/latest.json")" "$(cd "$rd" && ls crashsafe-*Z*.json | grep -v shard)" \
	"... and the unsharded latest.json is untouched"
"$CRASHSAFE" check "$T/c/bad.cnf" --report-dir "$rd" --keep 1 --report-format json -q >/dev/null 2>&1
ok "$([ -e "$rd/$(readlink "$rd/latest.shard-1-of-2.json")" ] && echo 0 || echo 1)" \
	"pruning the unsharded runs leaves the shards' reports"
for bad in "--keep 0" "--keep x" "--report-format xml" "--report-format prom" "--report-format ,"; do
	# shellcheck disable=SC2086
	"$CRASHSAFE" check "$T/c/bad.cnf" --report-dir "$rd" $bad >/dev/null 2>&1
	is "$?" 2 "$bad is a usage error"
done
printf 'x' >"$T/afile"
"$CRASHSAFE" check "$T/c/bad.cnf" --report-dir "$T/afile" -q >/dev/null 2>"$T/err"
is "$?" 2 "--report-dir on a regular file: exit 2"
has "not a directory" "$(cat "$T/err")" "... saying so"

# ---- progress --------------------------------------------------------------------
if need script; then
	rm -f "$T/fifo" && mkfifo "$T/fifo"
	# A FIFO nobody writes to keeps the run busy for 3 s (fileio.h): long enough for the line.
	script -qec "'$CRASHSAFE' check '$T/c/bad.cnf' '$T/fifo' -q" /dev/null >"$T/pty.out" 2>&1
	has $'\r'"crashsafe: 1/2 files, 0 unreadable" "$(cat "$T/pty.out")" "on a terminal, a run over a second shows its progress"
	"$CRASHSAFE" check "$T/c/bad.cnf" "$T/fifo" -q >"$T/plain.out" 2>"$T/plain.err"
	hasnt "files," "$(cat "$T/plain.out" "$T/plain.err")" "with stderr not a terminal, no progress at all"
	script -qec "'$CRASHSAFE' check '$T/c/bad.cnf' -q" /dev/null >"$T/quick.out" 2>&1
	hasnt "files," "$(cat "$T/quick.out")" "a run under a second shows no progress"
fi

tap_done
