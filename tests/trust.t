#!/bin/bash
# trust.t - verdicts a DBA can trust (breaker7's findings): a plugin's
# variable set without the plugin loaded by the files is "could not
# evaluate", warned without -v; `diff` with a side that could not be
# audited compares nothing; no password quoted in a message;
# $MYSQL_GROUP_SUFFIX read by every command; usage errors up front; an
# unreadable !include warned; an include storm is crashsafe's limit. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
unset NO_COLOR MYSQL_GROUP_SUFFIX
tap_scratch trust

# status RULE: the status of RULE's first finding in the JSON report $T/out.
status() {
	/usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
print(next((f["status"] for t in d["targets"] for f in t["findings"] if f["rule_id"]==sys.argv[2]), "none"))' "$T/out" "$1"
}

# --- 3: a plugin's variable, the plugin not loaded by the files ---------------
# The MySQL manual's semisync setup: INSTALL PLUGIN once (kept in mysql.plugin),
# then the variables in my.cnf. Whether the plugin is installed is in the datadir:
# either the value counts (AFTER_COMMIT fails semi-sync-wait-point) or the server
# refuses the unknown option (mysqld.cc: options left after plugin_init() are an
# error; mariadbd 10.11 measured: "unknown variable", exit 7).
printf '[mysqld]\nserver_id=1\nrpl_semi_sync_source_enabled=ON\nrpl_semi_sync_source_wait_point=AFTER_COMMIT\n' >"$T/ss.cnf"
run check --format json --fail-on never "$T/ss.cnf"
is "$(status semi-sync-wait-point)" "could-not-evaluate" \
	"semi-sync set in my.cnf, plugin not loaded by the files: semi-sync-wait-point could not evaluate (was: not applicable, OFF by default)"
has "ss.cnf:3: warning: 'rpl_semi_sync_source_enabled' exists only while the plugin" "$err" \
	"the warning is printed without -v (it changes what was audited)"
has "the rules that read it could not evaluate" "$err" "and says the value is unknown"
run check -v --fail-on never "$T/ss.cnf"
is "$(grep -c "ss.cnf:3: warning: 'rpl_semi_sync_source_enabled' exists only" "$T/err")" 1 "with -v: printed once"
printf '[mysqld]\nserver_id=1\nloose-rpl_semi_sync_master_enabled=ON\nrpl_semi_sync_master_wait_point=AFTER_COMMIT\n' >"$T/ss57.cnf"
run check --format json --fail-on never --server-version 5.7 "$T/ss57.cnf"
is "$(status semi-sync-wait-point)" "could-not-evaluate" "5.7's rpl_semi_sync_master_* with loose-: could not evaluate"
printf '[mysqld]\nserver_id=1\nplugin-load-add=semisync_source.so\nrpl_semi_sync_source_enabled=ON\nrpl_semi_sync_source_wait_point=AFTER_COMMIT\n' >"$T/ss2.cnf"
run check --format json --fail-on never "$T/ss2.cnf"
is "$(status semi-sync-wait-point)" "fail" "with plugin-load-add the value counts: AFTER_COMMIT fails"
hasnt "exists only while" "$err" "and nothing is warned"
run resolve --effective "$T/ss.cnf"
has "rpl_semi_sync_source_enabled	\\N	" "$out" "resolve --effective: the value is unknown (\\N)"
has "exists only while the plugin" "$err" "resolve --effective prints the warning"

# --- 5: diff with a side that could not be audited -------------------------
printf '[mysqld]\nserver_id=1\nsync_binlog=0\n' >"$T/old.cnf"
run diff "$T/old.cnf" "$T/missing.cnf"
is_rc 2 "diff with an unreadable NEW: exit 2 (an input that cannot be used)"
has "not compared: NEW could not be audited" "$out" "the diff says NEW could not be audited"
hasnt "fixed" "$out" "nothing is fixed"
hasnt "-> unknown" "$out" "no value changed to unknown"
run diff --format json "$T/old.cnf" "$T/missing.cnf"
is_rc 2 "JSON: exit 2"
got=$(/usr/bin/python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))["targets"][0]["diff"]
print(d["not_compared"], d["introduced"], d["unchanged"], len(d["fixed"]), len(d["changes"]))' "$T/out" 2>&1)
is "$got" "NEW could not be audited 0 0 0 0" "JSON diff: not_compared, nothing fixed, introduced or changed"
run diff "$T/missing.cnf" "$T/old.cnf"
is_rc 2 "diff with an unreadable OLD: exit 2"
has "not compared: OLD could not be audited" "$out" "the diff says OLD could not be audited"
hasnt "(new)" "$out" "nothing is introduced"
run diff --format json "$T/old.cnf" "$T/old.cnf"
got=$(/usr/bin/python3 -c 'import json,sys
print(json.load(open(sys.argv[1]))["targets"][0]["diff"]["not_compared"])' "$T/out" 2>&1)
is "$got" "None" "JSON diff of two audited sides: not_compared is null"

# --- 7: passwords quoted in messages -----------------------------------------
# MySQL 8.0.25+ glues the next line onto a line cut by a NUL byte: the value of
# sync_binlog is "1password=hunter2" (docs/option-files.md, "Physical lines").
printf '[mysqld]\nsync_binlog=1\0junk\npassword=hunter2\n' >"$T/leak1.cnf"
run resolve "$T/leak1.cnf"
hasnt "hunter2" "$out$err" "resolve: a NUL-joined line holding password= is masked"
has "sync_binlog=********" "$out" "and shown as the mask"
run resolve --show-secrets "$T/leak1.cnf"
has "sync_binlog=1password=hunter2" "$out" "resolve --show-secrets shows it"
run resolve --effective "$T/leak1.cnf"
hasnt "hunter2" "$out$err" "resolve --effective: the out-of-range warning does not quote it"
run check -v "$T/leak1.cnf"
hasnt "hunter2" "$out$err" "check -v: neither"
# ... nor stored: a string variable holding a glued password= never reaches a report.
printf '[mysqld]\nserver_id=1\nreport_host=h\0junk\npassword=hunter4\n' >"$T/leak2.cnf"
for f in json junit sarif; do
	run check -v --format "$f" "$T/leak2.cnf"
	hasnt "hunter4" "$out$err" "check --format $f: a value holding password= is not stored (report_host)"
done
# A misspelt secret name is an unknown option: its value is never quoted.
printf '[mysqld]\nserver_id=1\nwsrep_sst_auht=root:hunter5\nsync_binlg=0\n' >"$T/leak3.cnf"
for f in text json junit sarif gcc; do
	run check -v --format "$f" "$T/leak3.cnf"
	hasnt "hunter5" "$out$err" "check --format $f: an unknown option's value is not quoted"
done
run check "$T/leak3.cnf"
has "'wsrep_sst_auht = ********'" "$out" "option-file-syntax names the option and masks its value"
has "'sync_binlg = ********'" "$out" "whatever its name"

# --- 6: $MYSQL_GROUP_SUFFIX: check and resolve alike, as mysqld --------------
# mysys/my_default.cc: no --defaults-group-suffix -> getenv("MYSQL_GROUP_SUFFIX").
printf '[mysqld]\nserver_id=1\nlog_bin=b\nsync_binlog=1\n[mysqld.2]\nsync_binlog=0\n' >"$T/s.cnf"
MYSQL_GROUP_SUFFIX=.2 run check -q "$T/s.cnf"
has "sync_binlog is 0" "$out" "check honours \$MYSQL_GROUP_SUFFIX (reads [mysqld.2])"
MYSQL_GROUP_SUFFIX=.2 run check -v "$T/s.cnf"
has "note: the groups with the suffix '.2' are read too (\$MYSQL_GROUP_SUFFIX)" "$err" "with -v, check says the variable was used"
MYSQL_GROUP_SUFFIX=.2 run resolve "$T/s.cnf"
has "sync_binlog=0" "$out" "as resolve does"
MYSQL_GROUP_SUFFIX=.2 run check -q --defaults-group-suffix .3 "$T/s.cnf"
hasnt "sync_binlog is 0" "$out" "--defaults-group-suffix wins over the variable"
run check -q "$T/s.cnf"
hasnt "sync_binlog is 0" "$out" "without either, [mysqld.2] is not read"
run check --help
has "MYSQL_GROUP_SUFFIX" "$out" "check --help names the variable"

# --- small CLI ones: usage errors up front ------------------------------------
run check -q --json= "$T/s.cnf"
is_rc 2 "--json= (empty): a usage error"
has "empty file name" "$err" "before any audit"
hasnt "s.cnf" "$out" "nothing audited"
run check -q --keep 3 "$T/s.cnf"
is_rc 2 "--keep without --report-dir: a usage error"
run check -q --report-format json "$T/s.cnf"
is_rc 2 "--report-format without --report-dir: a usage error"
run check -q --stdin-filename x.cnf "$T/s.cnf"
is_rc 2 "--stdin-filename without -: a usage error"
run_in "$T/s.cnf" check -q --fail-on never --stdin-filename x.cnf -
is_rc 0 "--stdin-filename with -: taken"
run live --no-defaults ''
is_rc 2 "live '': a usage error (was: localhost through the default socket)"
run live --no-defaults --connect-timeout 1 host:1:2
is_rc 2 "live host:1:2: a usage error (was: a DNS look-up of 'host:1:2')"
"$CRASHSAFE" --help >/dev/full 2>"$T/err"
is "$?" 2 "crashsafe --help > /dev/full: exit 2"
"$CRASHSAFE" check --help >/dev/full 2>"$T/err"
is "$?" 2 "crashsafe check --help > /dev/full: exit 2"
run resolve --help
has "With --effective, 2 also" "$out" "resolve --help: --effective exits 2 on a refused value"

# --- 9: an !include this user may not open: a warning without -v ----------------
chmod 755 "$T"
printf '[mysqld]\nsync_binlog=1\n' >"$T/u.cnf"
chmod 000 "$T/u.cnf"
printf '[mysqld]\nserver_id=1\n!include %s\n!include %s/none.cnf\n' "$T/u.cnf" "$T" >"$T/inc_u.cnf"
chmod 644 "$T/inc_u.cnf"
as_nobody=()
if [ "$(id -u)" = 0 ]; then
	as_nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups)
fi
if [ "$(id -u)" = 0 ] && ! command -v setpriv >/dev/null; then
	skip "EACCES include: running as root without setpriv (root opens a mode-000 file)"
else
	"${as_nobody[@]}" "$CRASHSAFE" check -q --fail-on never "$T/inc_u.cnf" >"$T/out" 2>"$T/err"
	has "inc_u.cnf:3: warning: included file '$T/u.cnf' cannot be opened by this user (Permission denied)" \
		"$(cat "$T/err")" "an !include denied to this user: a warning without -v"
	hasnt "none.cnf" "$(cat "$T/err")" "a missing !include stays a note (-v only)"
	"${as_nobody[@]}" "$CRASHSAFE" check -v --fail-on never "$T/inc_u.cnf" >"$T/out" 2>"$T/err"
	has "inc_u.cnf:4: note: included file '$T/none.cnf' cannot be opened (No such file or directory)" \
		"$(cat "$T/err")" "with -v, the missing one is a note"
fi
chmod 644 "$T/u.cnf"

# --- 10: an include storm: crashsafe's limit, not a server refusal -------------
mkdir -p "$T/storm/d"
for f in w x y z; do printf '[mysqld]\n!includedir d\n' >"$T/storm/d/$f.cnf"; done
printf '[mysqld]\n!includedir d\n' >"$T/storm/top.cnf"
RUN_DIR="$T/storm" run check -q --format json top.cnf
is_rc 2 "an include storm past 100,000 files: the target could not be audited (exit 2)"
got=$(/usr/bin/python3 -c 'import json,sys
t=json.load(open(sys.argv[1]))["targets"][0]
print(len(t["findings"]), t["error"][:50])' "$T/out" 2>&1)
is "$got" "0 crashsafe stopped reading after 100000 option file" "JSON: no findings, the error says crashsafe stopped reading"
hasnt "refuses to start" "$out$err" "no claim that the server refuses to start"
is "$(grep -c 'include nesting deeper than 10' "$T/err")" 4 "the depth warning once per directive (4 files), not 75,000 times"

tap_done
