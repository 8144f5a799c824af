#!/bin/bash
# report-cli.t - what the reports say about real option files, end to end
# (issue 9 and issue 7 fault 12): one finding per offending line, located
# at that line in SARIF and JUnit; a value left at its default located at
# its group's header. TAP.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
export NO_COLOR=1
PY=/usr/bin/python3
tap_scratch report-cli

py() {   # py NAME SCRIPT ARGS...: ok when the python script succeeds
	local name=$1 script=$2 out
	shift 2
	if out=$($PY -c "$script" "$@" 2>&1); then ok 0 "$name"; else ok 1 "$name"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
}

if [ ! -x "$CRASHSAFE" ]; then
	echo "1..0 # SKIP $CRASHSAFE not built"
	exit 0
fi

# --- issue 7 fault 12: one finding per offending line ------------------------
# Four lines MySQL 8.4 refuses: two removed options, two refused values.
cat >"$T/upgrade.cnf" <<'EOF'
# a MySQL 8.0 replica's file, kept through the upgrade to 8.4
[mysqld]
server_id = 7
master_info_repository = TABLE
relay_log_info_repository = TABLE
sync_binlog = 1 ; fsync every commit
innodb_flush_log_at_trx_commit = lots
relay_log_recovery = ON
EOF
run check --no-color --role replica --sarif "$T/u.sarif" --junit "$T/u.xml" --json "$T/u.json" "$T/upgrade.cnf"
hasnt "more)" "$out" "no finding folds several lines into one ('... (and N more)')"
py "SARIF: one removed-option result per removed line, each at its own line" '
import json, sys
doc = json.load(open(sys.argv[1]))
res = doc["runs"][0]["results"]
def lines(rule):
    return sorted(r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in res if r["ruleId"] == rule)
assert lines("removed-option") == [4, 5], lines("removed-option")
assert lines("option-file-syntax") == [6, 7], lines("option-file-syntax")
fps = [r["partialFingerprints"]["crashsafe/v1"] for r in res]
assert len(fps) == len(set(fps)), fps
' "$T/u.sarif"
py "JUnit: one testcase per offending line, named by the option" '
import sys
import xml.etree.ElementTree as ET
names = [c.get("name") for c in ET.parse(sys.argv[1]).iter("testcase")]
for want in ("removed-option [master_info_repository]", "removed-option [relay_log_info_repository]",
             "option-file-syntax [sync_binlog]", "option-file-syntax [innodb_flush_log_at_trx_commit]"):
    assert want in names, (want, names)
assert len(names) == len(set(names)), "testcase names repeat"
' "$T/u.xml"
has "line 6: 'sync_binlog = 1 ; fsync every commit': ';' starts a comment only at the start of a line, so the value is '1 ; fsync every commit' and the server refuses it" \
	"$out" "a refused value is a sentence about its line"
has "line 6: write 'sync_binlog = 1' and put the comment on a line of its own" "$out" \
	"its fix says what to write on that line"
has "line 4: 'master_info_repository = TABLE': MySQL removed 'master_info_repository' in 8.3.0" "$out" \
	"a removed option names its line and the release that removed it"
hasnt "option_file_errors" "$out" "internal fact names are not shown as variables"
hasnt "removed_options" "$out" "(removed_options neither)"

# --- a value left at its default is located at its group's header -----------
cat >"$T/defaults.cnf" <<'EOF'
# nothing about crash safety is set here
[client]
port = 3306

[mysqld]
server_id = 8
EOF
run check --role replica --sarif "$T/d.sarif" --json "$T/d.json" "$T/defaults.cnf"
py "SARIF: relay-log-recovery (a default) is annotated at the [mysqld] header, line 5" '
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
r = [r for r in res if r["ruleId"] == "relay-log-recovery"][0]
loc = r["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"].endswith("defaults.cnf"), loc
assert loc["region"]["startLine"] == 5, loc
' "$T/d.sarif"
py "JSON: the finding carries its location, the value its default origin" '
import json, sys
t = json.load(open(sys.argv[1]))["targets"][0]
f = [f for f in t["findings"] if f["rule_id"] == "relay-log-recovery"][0]
assert f["location"]["line"] == 5 and f["location"]["file"].endswith("defaults.cnf"), f["location"]
assert f["origin"]["source"] == "default" and f["origin"]["line"] is None, f["origin"]
' "$T/d.json"

# --- exit status ------------------------------------------------------------
json_exit() { $PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["exit_status"])' "$1"; }
# A config the server refuses to start with is a failure (exit 1), not "could
# not audit" (3): sync-binlog could not be evaluated because of line 6, and
# points at the option-file-syntax failure there.
run check --no-color --role replica --json "$T/u.json" "$T/upgrade.cnf"
ok $([ "$rc" -eq 1 ]; echo $?) "a config the server refuses: exit 1, not 3 (exit $rc)"
ok $([ "$(json_exit "$T/u.json")" = "$rc" ]; echo $?) "JSON summary.exit_status is the process's exit status ($rc)"
has "sync_binlog is unknown (" "$out" "the rule that needs the refused value could not be evaluated"
has "the server refuses line 6 (the option-file-syntax failure there decides the exit status)" "$out" \
	"... and says which failed finding to look at"
py "JSON: the could-not-evaluate finding names its cause (rule, file, line)" '
import json, sys
t = json.load(open(sys.argv[1]))["targets"][0]
f = [f for f in t["findings"] if f["rule_id"] == "sync-binlog"][0]
assert f["status"] == "could-not-evaluate", f["status"]
assert f["cause"]["rule_id"] == "option-file-syntax" and f["cause"]["line"] == 6, f["cause"]
assert f["cause"]["file"].endswith("upgrade.cnf"), f["cause"]
' "$T/u.json"
run check --no-color --role replica --fail-on never "$T/upgrade.cnf"
ok $([ "$rc" -eq 0 ]; echo $?) "--fail-on never: a refused config is a failure like others, exit 0 (exit $rc)"

# Exit 3 stays for what could not be audited: a capture without relay_log_recovery.
printf 'version\t8.0.36\nversion_comment\tMySQL Community Server - GPL\nserver_id\t5\n' >"$T/vars.tsv"
run check --no-color --role replica --json "$T/v.json" --variables "$T/vars.tsv"
ok $([ "$rc" -eq 3 ]; echo $?) "an error-severity rule unknown for another reason: exit 3 (exit $rc)"
ok $([ "$(json_exit "$T/v.json")" = 3 ]; echo $?) "... and JSON says 3"
run check --no-color --role replica --fail-on never --json "$T/v.json" --variables "$T/vars.tsv"
ok $([ "$rc" -eq 3 ] && [ "$(json_exit "$T/v.json")" = 3 ]; echo $?) \
	"--fail-on never does not hide what could not be checked (exit $rc)"

# An unreadable FILE: exit 2, and the report of the other files is still written, saying 2.
run check --no-color --json "$T/m.json" "$T/missing.cnf" "$T/defaults.cnf"
ok $([ "$rc" -eq 2 ]; echo $?) "an unreadable FILE: exit 2 (exit $rc)"
ok $([ "$(json_exit "$T/m.json")" = 2 ]; echo $?) "... the JSON report is written, and says 2"
has "defaults.cnf" "$out" "... with the other file audited"

# live: a server that refuses the connection could not be audited: exit 3, and JSON says 3.
run live --no-defaults -u nobody --connect-timeout 2 --json "$T/l.json" 127.0.0.1:1
ok $([ "$rc" -eq 3 ] && [ "$(json_exit "$T/l.json")" = 3 ]; echo $?) \
	"live, a refused connection: exit 3 and JSON summary.exit_status 3 (exit $rc)"

# Warnings: --fail-on warning makes them exit 1, and JSON agrees.
run check --no-color --role replica --fail-on warning --json "$T/w.json" "$T/defaults.cnf"
ok $([ "$rc" -eq 1 ] && [ "$(json_exit "$T/w.json")" = 1 ]; echo $?) "--fail-on warning: JSON and the process agree (exit $rc)"
run check --no-color --role replica --fail-on never --json "$T/w.json" "$T/defaults.cnf"
ok $([ "$rc" -eq 0 ] && [ "$(json_exit "$T/w.json")" = 0 ]; echo $?) "--fail-on never: both 0 (exit $rc)"

# --- -q: every finding that decides the exit status, and nothing else ----------
mkdir -p "$T/q"
for h in a b c; do printf '[mysqld]\nserver_id = 5\nrelay_log_recovery = ON\n' >"$T/q/$h.cnf"; done
run check -q --no-color --role replica "$T/q/a.cnf" "$T/q/b.cnf" "$T/q/c.cnf"
ok $([ "$rc" -eq 1 ]; echo $?) "-q: three servers sharing server_id 5 fail (exit $rc)"
has "  fail (error) server-id-unique: server_id 5 is also used by 2 other targets: $T/q/b.cnf, $T/q/c.cnf" "$out" \
	"-q: a fleet rule's line names the targets that collide"
hasnt "(warning)" "$out" "-q: warnings below --fail-on error do not decide the exit status: left out"
hasnt "found:" "$out" "-q: one line per finding, no details"
run check -q --no-color --role replica --fail-on warning "$T/q/a.cnf"
has "  fail (warning) sync-relay-log: sync_relay_log is 10000 (default for MySQL 8.4)" "$out" \
	"-q --fail-on warning: the warnings decide it, shown"
run check -q --no-color --role replica --variables "$T/vars.tsv"
ok $([ "$rc" -eq 3 ]; echo $?) "-q on a capture without the values: exit 3 (exit $rc)"
has "  could not evaluate (error) relay-log-recovery: relay_log_recovery is unknown" "$out" \
	"-q keeps a could-not-evaluate finding of error severity (it decides exit 3)"
hasnt "could not evaluate (warning)" "$out" "-q leaves out could-not-evaluate warnings (they decide nothing)"
has "  could not evaluate (error) sync-binlog: log_bin is unknown, so whether the rule applies is unknown" "$out" \
	"a rule whose applicability is unknown says which value, and says 'could not evaluate' once"

# --- facts are not variables, in every status's sentence ------------------------
run check -v --no-color --role replica --variables "$T/vars.tsv"
has "not applicable (warning) runtime-only-change: the values changed at run time (SET GLOBAL) are known only on a running server (crashsafe live)" \
	"$out" "a fact a capture lacks is said as what it is and where it is known"
has "not applicable (error) option-file-syntax: the server's verdict on the option files is known only for an option file" \
	"$out" "... the option files' verdict on a capture too"
for fact in option_file_errors removed_options runtime_only_changes config_drift persisted_drift metadata_tables_innodb; do
	hasnt "$fact" "$out" "-v on a capture never prints the fact name $fact"
done
run check -v --no-color --role primary "$T/q/a.cnf"
hasnt "cluster is empty" "$out" "the Galera keyword 'cluster' is not confused with the report's cluster"
has "the server is no Galera node" "$out" "... it says the server is no Galera node"

# --- a channel's fix: the statements of the target's version, for that channel ---
# Captures of MySQL replicas (the format of crashsafe live --capture) with a default and a named
# channel that position by file: gtid-auto-position fails on both, and its fix is what that
# release accepts (START/STOP REPLICA from 8.0.22, CHANGE REPLICATION SOURCE TO from 8.0.23).
caps=()
for v in 5.6.51 8.0.20 8.0.22 8.4.3; do
	{
		printf '# crashsafe capture 1\n# target db-%s\n# role replica\n# fact replication_channels\t2\n' "$v"
		printf '# channel \tauto_position=0\tio_running=Yes\tsql_running=Yes\tsource_host=10.0.0.1\tsource_port=3306\n'
		printf '# channel east\tauto_position=0\tio_running=Yes\tsql_running=Yes\tsource_host=10.0.0.2\tsource_port=3306\n'
		printf 'version\t%s\nversion_comment\tMySQL Community Server - GPL\ngtid_mode\tON\nserver_id\t%s\n' "$v" "${v//./}"
	} >"$T/cap-$v.txt"
	caps+=(--variables "$T/cap-$v.txt")
done
run check --no-color --json "$T/caps.json" "${caps[@]}"
py "gtid-auto-position: each MySQL version gets its own statements, for the channel found" '
import json, sys
want = {
    "5.6.51": ("STOP SLAVE;\nCHANGE MASTER TO MASTER_AUTO_POSITION = 1;\nSTART SLAVE;",) * 2,
    "8.0.20": tuple("STOP SLAVE FOR CHANNEL %s;\nCHANGE MASTER TO MASTER_AUTO_POSITION = 1 FOR CHANNEL %s;\n"
                    "START SLAVE FOR CHANNEL %s;" % ((c,) * 3) for c in ("\x27\x27", "\x27east\x27")),
    "8.0.22": tuple("STOP REPLICA FOR CHANNEL %s;\nCHANGE MASTER TO MASTER_AUTO_POSITION = 1 FOR CHANNEL %s;\n"
                    "START REPLICA FOR CHANNEL %s;" % ((c,) * 3) for c in ("\x27\x27", "\x27east\x27")),
    "8.4.3": tuple("STOP REPLICA FOR CHANNEL %s;\nCHANGE REPLICATION SOURCE TO SOURCE_AUTO_POSITION = 1 FOR CHANNEL %s;\n"
                   "START REPLICA FOR CHANNEL %s;" % ((c,) * 3) for c in ("\x27\x27", "\x27east\x27")),
}
for t in json.load(open(sys.argv[1]))["targets"]:
    fs = {f["channel"]: f for f in t["findings"] if f["rule_id"] == "gtid-auto-position"}
    assert set(fs) == {"", "east"}, (t["version"], set(fs))
    for ch, fix in zip(("", "east"), want[t["version"]]):
        f = fs[ch]
        assert f["status"] == "fail", (t["version"], ch, f["status"])
        assert f["fix"] == fix, (t["version"], ch, f["fix"], fix)
        assert f["variable"] == "AUTO_POSITION" and f["value"] == "0", (f["variable"], f["value"])
        assert f["message"] == "AUTO_POSITION is 0", f["message"]
' "$T/caps.json"
hasnt "channel.auto_position" "$out" "a channel field is named as the server shows it, never channel.auto_position"
has "fail (error) gtid-auto-position [default channel]" "$out" "... on the default channel, called so"

# --- one status vocabulary: fail, could not evaluate, not applicable, suppressed, pass --
printf '[relay-log-recovery]\ntarget = */defaults.cnf\nreason = rebuilt nightly (DBA-42)\n' >"$T/sup-st.ini"
run check -v --no-color --role replica --suppress "$T/sup-st.ini" --json "$T/st.json" --junit "$T/st.xml" \
	"$T/defaults.cnf" "$T/upgrade.cnf"
py "text: every finding line starts with one of the five status words" '
import re, sys
words = ("fail", "could not evaluate", "not applicable", "suppressed", "pass")
seen = set()
for line in sys.stdin.read().splitlines():
    m = re.match(r"^  ([a-z ]+) \((error|warning|info)\) ", line)
    if m:
        assert m.group(1) in words, line
        seen.add(m.group(1))
assert seen == set(words), seen
' <<<"$out"
py "JSON: statuses are the same words as tokens; JUnit messages start with the word" '
import json, sys
import xml.etree.ElementTree as ET
tokens = {"fail", "could-not-evaluate", "not-applicable", "suppressed", "pass"}
doc = json.load(open(sys.argv[1]))
got = {f["status"] for t in doc["targets"] for f in t["findings"]}
assert got == tokens, got
assert set(doc["summary"]["by_status"]) == tokens, doc["summary"]["by_status"]
for c in ET.parse(sys.argv[2]).iter("testcase"):
    for el in c:
        msg = el.get("message") or ""
        if el.tag == "skipped":
            assert msg.startswith(("not applicable: ", "suppressed")), msg
        if el.tag == "error":
            assert msg.startswith("could not evaluate"), msg
' "$T/st.json" "$T/st.xml"
for doc in "$REPO/docs/report-formats.md" "$REPO/man/crashsafe.1" "$REPO/README.md"; do
	txt=$(sed 's/\\f[BIRP]//g; s/\\-/-/g' "$doc")
	for w in "could not evaluate" "not applicable" "suppressed" "could-not-evaluate" "not-applicable"; do
		has "$w" "$txt" "${doc#"$REPO"/} names the status '$w'"
	done
done

# --- resolve --help says what resolve exits with, and it is true ---------------
run resolve --help
has "values are not checked" "$out" "resolve --help: exit 0 when the files were read, values not checked"
printf '[mysqld]\nsync_binlog = lots\nno_such_option = 1\n' >"$T/r-values.cnf"
run resolve "$T/r-values.cnf"
ok $([ "$rc" -eq 0 ]; echo $?) "resolve: a value and an option the server refuses are printed as written, exit 0 (exit $rc)"
has "sync_binlog=lots" "$out" "... as written"
printf 'x = 1\n[mysqld]\nsync_binlog = 1\n' >"$T/r-before.cnf"
printf '[mysqld\nsync_binlog = 1\n' >"$T/r-header.cnf"
printf '\357\273\277[mysqld]\nsync_binlog = 1\n' >"$T/r-bom.cnf"
printf '[mysqld]\nsync_binlog = 1\n!includedir %s/no-such-dir\n' "$T" >"$T/r-incdir.cnf"
for f in r-before r-header r-bom r-incdir missing; do
	run resolve "$T/$f.cnf"
	ok $([ "$rc" -eq 2 ] && [ -z "$out" ]; echo $?) "resolve $f.cnf: the reader stops where the server's would: exit 2, nothing on stdout (exit $rc)"
done
run resolve --no-such-option
ok $([ "$rc" -eq 2 ]; echo $?) "resolve: a usage error exits 2 (exit $rc)"

# --- SARIF: flavor help, suppressions; JUnit case names --------------------------
printf '[mysqld]\nserver_id = 3\nsync_binlog = 1 ; fsync\n' >"$T/maria.cnf"
run check --no-color --flavor mariadb --sarif "$T/mr.sarif" "$T/maria.cnf"
py "SARIF: a MariaDB result links the MariaDB knowledge base; the rule lists the help per flavor" '
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
r = [r for r in run["results"] if r["ruleId"] == "option-file-syntax"][0]
assert r["properties"]["helpUri"].startswith("https://mariadb.com/kb/"), r["properties"]
assert r["properties"]["flavor"] == "mariadb"
rule = [x for x in run["tool"]["driver"]["rules"] if x["id"] == "option-file-syntax"][0]
assert rule["properties"]["helpUri_by_flavor"]["mariadb"].startswith("https://mariadb.com/kb/"), rule["properties"]
assert rule["helpUri"].startswith("https://dev.mysql.com/"), rule["helpUri"]
text = r["message"]["text"]
assert text.count("sync_binlog = 1 ; fsync") == 1, text
' "$T/mr.sarif"
printf '[relay-log-recovery]\ntarget = */defaults.cnf\nreason = rebuilt nightly (DBA-42)\n' >"$T/sup.ini"
run check --no-color --role replica --suppress "$T/sup.ini" --sarif "$T/s.sarif" --junit "$T/s.xml" "$T/defaults.cnf"
py "SARIF: a suppressed finding is a result with suppressions[] (external, the reason, the suppression's line)" '
import json, sys
res = json.load(open(sys.argv[1]))["runs"][0]["results"]
r = [r for r in res if r["ruleId"] == "relay-log-recovery"][0]
s = r["suppressions"]
assert len(s) == 1 and s[0]["kind"] == "external" and s[0]["justification"] == "rebuilt nightly (DBA-42)", s
assert s[0]["location"]["physicalLocation"]["artifactLocation"]["uri"].endswith("sup.ini"), s
assert s[0]["location"]["physicalLocation"]["region"]["startLine"] == 2, s  # its target = line
assert r["kind"] == "fail" and r["level"] == "error", r
assert r["properties"]["status"] == "suppressed"
assert all("suppressions" not in x for x in res if x["ruleId"] != "relay-log-recovery")
' "$T/s.sarif"
py "JUnit: the suppressed finding is <skipped> with the reason" '
import sys
import xml.etree.ElementTree as ET
c = [c for c in ET.parse(sys.argv[1]).iter("testcase") if c.get("name") == "relay-log-recovery"][0]
sk = c.find("skipped")
assert sk is not None and "rebuilt nightly (DBA-42)" in sk.get("message"), ET.tostring(c)
' "$T/s.xml"
printf '[mysqld]\nserver_id = 4\nmaster_info_repository = TABLE\nsync_binlog = 1\nmaster_info_repository = FILE\n' >"$T/twice.cnf"
run check --no-color --junit "$T/t.xml" "$T/twice.cnf"
py "JUnit: one option refused on two lines gives two cases, told apart by their lines" '
import sys
import xml.etree.ElementTree as ET
names = [c.get("name") for c in ET.parse(sys.argv[1]).iter("testcase")]
assert "removed-option [master_info_repository, line 3]" in names, names
assert "removed-option [master_info_repository, line 5]" in names, names
assert len(names) == len(set(names)), names
' "$T/t.xml"
if $PY -c 'import junitparser' 2>/dev/null; then
	py "junitparser: target as suite, rule-id [subject] as case, classname crashsafe.TARGET" '
import sys
from junitparser import JUnitXml
suites = list(JUnitXml.fromfile(sys.argv[1]))
assert [s.name for s in suites] == [sys.argv[2]], [s.name for s in suites]
cases = list(suites[0])
assert all(c.classname == "crashsafe." + sys.argv[2].replace(".", "_") for c in cases), set(c.classname for c in cases)
assert "sync-binlog" in [c.name for c in cases]
' "$T/t.xml" "$T/twice.cnf"
else
	ok 0 "junitparser view # SKIP python3-junitparser not installed"
fi

# --- crashsafe rules ---------------------------------------------------------
run rules
ok $([ "$rc" -eq 0 ]; echo $?) "rules lists the rules"
printf '%s\n' "$out" | awk '{print $1 " " $2}' >"$T/order"
sort -c "$T/order" 2>/dev/null
ok $? "the list is sorted by family, then id"
has "durability  sync-binlog" "$out" "each line starts with the family (the rule file's name)"
run rules --format json
py "rules --format json: every rule, with its keys, in the listed order" '
import json, sys
d = json.load(sys.stdin)
assert d["schema"] == "crashsafe-rules/1", d["schema"]
ids = [(r["family"], r["id"]) for r in d["rules"]]
assert ids == sorted(ids), ids
r = [r for r in d["rules"] if r["id"] == "gtid-auto-position"][0]
assert r["scope"] == "channel" and r["severity"] == "error" and r["family"] == "live", r
assert "mariadb" in r["fix_by_flavor"] and r["fix_if"] and r["fix_if"][0]["when"], r["fix_if"]
assert r["tags"] == ["live", "replication", "gtid"], r["tags"]
' <<<"$out"
run rules --format json relay-log-recovery
py "rules --format json RULE-ID: that rule only" '
import json, sys
d = json.load(sys.stdin)
assert [r["id"] for r in d["rules"]] == ["relay-log-recovery"], d
' <<<"$out"
run rules sync_binlog
ok $([ "$rc" -eq 2 ]; echo $?) "rules sync_binlog: no such rule (exit $rc)"
has "did you mean: sync-binlog" "$err" "... it suggests sync-binlog"
has "the rules that read sync_binlog: sync-binlog" "$err" "... and every rule that reads sync_binlog"
run rules log_slave_updates
has "the rules that read log_replica_updates:" "$err" "an alias finds the rules of its variable"
has "log-replica-updates" "$err" "... log-replica-updates among them"
run rules relay-log-recovry
has "did you mean: relay-log-recovery" "$err" "a misspelt rule id gets the rule it is near"
run rules --format yaml
ok $([ "$rc" -eq 2 ]; echo $?) "rules --format yaml: a usage error"

# --- a relocated binary never reads rules/ of the working directory -----------
mkdir -p "$T/reloc/bin" "$T/repo/rules"
cp "$CRASHSAFE" "$T/reloc/bin/crashsafe"
cp "$REPO"/rules/*.ini "$T/repo/rules/"
# a repository's own rules/ that would change the audit: sync-binlog would pass everything
sed -i 's/^require  *= sync_binlog == 1/require = true/' "$T/repo/rules/durability.ini"
(cd "$T/repo" && env -u CRASHSAFE_RULES_DIR "$T/reloc/bin/crashsafe" check --no-color "$REPO/examples/mysql-8.4/replica-unsafe.cnf") \
	>"$T/out" 2>"$T/err"
rc=$?
err=$(cat "$T/err")
ok $([ "$rc" -eq 2 ]; echo $?) "a relocated binary with no rules: exit 2 (exit $rc), nothing audited"
ok $([ ! -s "$T/out" ]; echo $?) "... no report from the working directory's rules/"
has "tried: $T/reloc/rules, $T/reloc/share/crashsafe/rules" "$err" "it says which directories it tried"
has "CRASHSAFE_RULES_DIR" "$err" "... and how to point it at the rules"
(cd "$T/repo" && CRASHSAFE_RULES_DIR="$REPO/rules" "$T/reloc/bin/crashsafe" check --no-color "$REPO/examples/mysql-8.4/replica-unsafe.cnf") \
	>"$T/out" 2>"$T/err"
has "fail (error) sync-binlog" "$(cat "$T/out")" "with CRASHSAFE_RULES_DIR it audits with those rules"
mkdir -p "$T/reloc/share/crashsafe"
cp -r "$REPO/rules" "$T/reloc/share/crashsafe/rules"
(cd "$T/repo" && env -u CRASHSAFE_RULES_DIR "$T/reloc/bin/crashsafe" rules) >"$T/out" 2>"$T/err"
ok $? "installed as PREFIX/bin with PREFIX/share/crashsafe/rules: found"

# --- check without FILE: the files it chose; --strict refuses -----------------
(cd "$T" && "$CRASHSAFE" check --no-color -q >/dev/null 2>"$T/err")
has "no FILE given" "$(cat "$T/err")" "check without FILE says so on stderr"
named=$(sed -n 's/.*reads on this machine: \(\/[^ ]*\).*/\1/p' "$T/err")
if grep -q "none of the default option files" "$T/err"; then
	ok 0 "... and names the files it chose # SKIP none of them on this machine (checked under --root below)"
else
	ok $([ -n "$named" ] && [ -e "$named" ]; echo $?) "... and names the files it chose (${named:-none named})"
fi
mkdir -p "$T/emptyroot"
(cd "$T" && HOME="$T/emptyroot" "$CRASHSAFE" check --no-color -q --root emptyroot >/dev/null 2>"$T/err")
has "none of the default option files of MySQL exists (/etc/my.cnf, /etc/mysql/my.cnf, \$MYSQL_HOME/my.cnf, ~/.my.cnf): auditing the compiled-in defaults" \
	"$(cat "$T/err")" "with none of them (under an empty --root), it names the files it looked for and says what it audits"
run check --strict
ok $([ "$rc" -eq 2 ]; echo $?) "check --strict without FILE: exit 2 (exit $rc)"
has "--strict: no FILE given" "$err" "... saying why"
[ -z "$out" ]
ok $? "... and audits nothing"
run check --strict --no-color "$T/defaults.cnf"
ok $([ "$rc" -ne 2 ]; echo $?) "check --strict with a FILE runs (exit $rc)"
mkdir -p "$T/warnrules"
printf '[site-x]\nseverity = info\ntitle = t\nrequire = no_such_fact == ""\nwhy = w\nfix = f\n' >"$T/warnrules/x.ini"
run check --no-color --rules "$T/warnrules" "$T/defaults.cnf"
ok $([ "$rc" -ne 2 ]; echo $?) "a rule file with a warning (an unknown fact): runs (exit $rc)"
run check --no-color --strict --rules "$T/warnrules" "$T/defaults.cnf"
ok $([ "$rc" -eq 2 ] && [ -z "$out" ]; echo $?) "--strict: that warning is an error (exit $rc), nothing audited"

tap_done
