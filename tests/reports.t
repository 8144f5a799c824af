#!/bin/bash
# reports.t - the four report formats of a hand-built fixture result, checked
# with outside tools: xmllint against the JUnit XSD, junitparser reading the
# JUnit back, python's json module on the JSON (and its schema keys), and a
# structural check of the SARIF. The fixture comes from
# `test_reports --write-fixture DIR` (tests/unit/test_reports.c).
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
BUILD=${BUILD:-$REPO/build}
FIXTURE_BIN=$BUILD/tests/unit/test_reports
XSD=$REPO/../shared/schemas/junit-10.xsd
PY=/usr/bin/python3
check() { # check NAME COMMAND...: ok when COMMAND succeeds; its output is shown on failure
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then pass "$name"; else fail "$name"; printf '%s\n' "$out" | sed 's/^/#   /'; fi
}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

if [ ! -x "$FIXTURE_BIN" ]; then
	echo "1..0 # SKIP $FIXTURE_BIN not built (make units)"
	exit 0
fi
check "test_reports --write-fixture writes the four reports" "$FIXTURE_BIN" --write-fixture "$dir"
for f in report.txt report.json junit.xml report.sarif; do
	check "$f is not empty" test -s "$dir/$f"
done

# ---- JUnit -----------------------------------------------------------------
if [ -r "$XSD" ]; then
	check "junit validates against ../shared/schemas/junit-10.xsd" xmllint --noout --schema "$XSD" "$dir/junit.xml"
else
	skip "../shared/schemas/junit-10.xsd absent"
fi
if $PY -c 'import junitparser' 2>/dev/null; then
	check "junit reads back with junitparser, counts and results intact" $PY - "$dir/junit.xml" <<'PYEOF'
import sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
suites = list(xml)
assert [s.name for s in suites][0] == "conf.d/replica.cnf", [s.name for s in suites]
assert len(suites) == 4, len(suites)
s = suites[0]
assert (s.tests, s.failures, s.errors, s.skipped) == (8, 3, 1, 2), (s.tests, s.failures, s.errors, s.skipped)
cases = {c.name: c for c in s}
kinds = {name: [type(r).__name__ for r in c.result] for name, c in cases.items()}
assert kinds["relay-log-recovery"] == ["Failure"], kinds
assert kinds["gtid-mode"] == ["Error"], kinds
assert kinds["gtid-strict-mode"] == ["Skipped"], kinds
assert kinds["preserve-commit-order"] == ["Skipped"], kinds
assert kinds["replica-read-only"] == [], kinds
assert cases["relay-log-recovery"].result[0].type == "error"
assert cases["sync-binlog"].result[0].type == "warning"
assert "source-auto-position [channel ch1]" in cases
assert all(c.name.split(" ")[0] in ("relay-log-recovery", "sync-binlog", "source-auto-position",
       "gtid-mode", "preserve-commit-order", "gtid-strict-mode", "replica-read-only", "option-file-syntax") for c in s)
down = suites[1]
assert [type(r).__name__ for c in down for r in c.result] == ["Error"]
odd = suites[2]
assert odd.name == "odd <&\"'>\ufffd dir/db\ufffd.cnf", repr(odd.name)
props = {p.name: p.value for p in s.properties()}
assert props == {"flavor": "mysql", "build": "plain", "version": "8.4", "role": "replica", "kind": "file"}, props
PYEOF
else
	skip "python3-junitparser not installed"
fi

# ---- JSON ------------------------------------------------------------------
check "json parses with python -m json.tool" $PY -m json.tool "$dir/report.json"
check "json has the documented crashsafe-report/3 keys and types" $PY - "$dir/report.json" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
def keys(obj, want, where):
    assert set(obj) == set(want), "%s: keys %s, want %s" % (where, sorted(obj), sorted(want))
keys(doc, ["schema", "tool", "command", "run", "summary", "targets"], "top")
assert doc["schema"] == "crashsafe-report/3"
keys(doc["run"], ["rules", "fleet_settings", "shard", "targets"], "run")
assert doc["run"]["shard"] is None and isinstance(doc["run"]["targets"], int)
assert all(isinstance(r, str) for r in doc["run"]["rules"])
keys(doc["tool"], ["name", "version"], "tool")
STATUSES = ["fail", "could-not-evaluate", "suppressed", "not-applicable", "pass"]
SEVS = ["error", "warning", "info"]
sm = doc["summary"]
keys(sm, ["targets", "targets_failed_to_audit", "findings", "by_status", "fail_by_severity",
          "could_not_evaluate_by_severity", "input_errors", "exit_status", "exit_status_by_fail_on"], "summary")
keys(sm["by_status"], STATUSES, "summary.by_status")
keys(sm["fail_by_severity"], SEVS, "summary.fail_by_severity")
keys(sm["exit_status_by_fail_on"], SEVS + ["never"], "summary.exit_status_by_fail_on")
assert sm["exit_status"] == 3 == sm["exit_status_by_fail_on"]["error"], sm
assert sm["targets"] == len(doc["targets"]) == 4
total = 0
for t in doc["targets"]:
    keys(t, ["name", "kind", "flavor", "flavor_display", "build", "version", "flavor_source", "flavor_evidence",
             "role", "cluster", "path_key", "diff", "error", "position", "tags", "fleet", "topology", "counts", "findings"], "target")
    assert t["diff"] is None, t["diff"]
    keys(t["fleet"], ["file", "includes", "role_detected", "version_detected", "group_header", "settings",
                      "channels"], "target.fleet")
    assert isinstance(t["position"], int) and isinstance(t["tags"], list)
    for st in t["fleet"]["settings"]:
        keys(st, ["name", "value", "spelled", "origin", "overridden"], "fleet.settings")
        keys(st["origin"], ["source", "file", "line", "chain", "detail"], "fleet.settings.origin")
    # what crashsafe merge needs for the topology rules (issue 12, docs/report-formats.md "topology")
    keys(t["topology"], ["address", "galera_cluster", "multi_writer", "channels_known", "variables", "facts",
                         "channels"], "target.topology")
    assert isinstance(t["topology"]["channels_known"], bool)
    assert all(isinstance(v, (str, type(None))) for v in t["topology"]["variables"].values())
    assert all(k.startswith("topology.") for k in t["topology"]["facts"])
    for ch in t["topology"]["channels"]:
        keys(ch, ["name", "group_replication", "source_host", "source_port", "source_server_id", "source_uuid",
                  "auto_position", "using_gtid", "io_running", "sql_running", "last_io_errno", "last_io_error",
                  "last_sql_errno", "last_sql_error", "skip_counter", "source", "source_why"], "channel")
    assert t["build"] in ("plain", "galera")
    assert t["kind"] in ("file", "snapshot", "live")
    assert t["role"] in ("any", "primary", "replica")
    keys(t["counts"], ["findings", "by_status", "fail_by_severity", "could_not_evaluate_by_severity"], "target.counts")
    assert t["counts"]["findings"] == len(t["findings"])
    total += len(t["findings"])
    for f in t["findings"]:
        keys(f, ["rule_id", "title", "severity", "status", "channel", "subject", "variable", "value", "origin",
                 "location", "cause", "overridden", "expected", "message", "fix", "why", "doc", "fingerprint",
                 "baseline", "suppression", "expired_suppression"], "finding")
        assert f["cause"] is None or set(f["cause"]) == {"rule_id", "file", "line"}, f["cause"]
        assert isinstance(f["fingerprint"], str) and len(f["fingerprint"]) == 16, f["fingerprint"]
        assert f["baseline"] in (None, "new", "unchanged")
        assert f["suppression"] is None or f["status"] == "suppressed", f
        keys(f["location"], ["file", "line"], "location")
        assert f["location"]["line"] is None or isinstance(f["location"]["line"], int)
        assert f["status"] in STATUSES and f["severity"] in SEVS
        keys(f["origin"], ["source", "file", "line", "chain", "detail", "text"], "origin")
        assert f["origin"]["source"] in ("default", "file", "snapshot", "live")
        assert f["origin"]["line"] is None or isinstance(f["origin"]["line"], int)
        for k in ("title", "channel", "variable", "value", "overridden", "expected", "message", "fix", "why", "doc"):
            assert f[k] is None or isinstance(f[k], str), k
assert sm["findings"] == total
sb = [f for t in doc["targets"] for f in t["findings"] if f["rule_id"] == "sync-binlog"][0]
assert sb["origin"] == {"source": "file", "file": "conf.d/replica.cnf", "line": 7,
                        "chain": "included from my.cnf:3", "detail": None,
                        "text": "conf.d/replica.cnf:7 (included from my.cnf:3)"}, sb["origin"]
odd = doc["targets"][2]["findings"][0]
assert odd["value"] == "<&\"'>\x01\x1b[31mred\x7f\ufffd\ufffd end", repr(odd["value"])
assert doc["targets"][1]["error"] == "cannot connect: connection refused"
PYEOF

# ---- SARIF -----------------------------------------------------------------
check "sarif is SARIF 2.1.0 in shape (required keys, levels, locations, rule indexes)" $PY - "$dir/report.sarif" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1], encoding="utf-8"))
assert doc["version"] == "2.1.0" and "sarif-2.1.0" in doc["$schema"]
assert isinstance(doc["runs"], list) and len(doc["runs"]) == 1
run = doc["runs"][0]
drv = run["tool"]["driver"]
assert drv["name"] == "crashsafe"
ids = [r["id"] for r in drv["rules"]]
assert ids == sorted(ids) and len(set(ids)) == len(ids), ids
for r in drv["rules"]:
    assert isinstance(r["shortDescription"]["text"], str)
    assert r["defaultConfiguration"]["level"] in ("error", "warning", "note", "none")
    if "helpUri" in r:
        assert r["helpUri"].startswith("http")
inv = run["invocations"][0]
assert isinstance(inv["executionSuccessful"], bool)
assert inv["executionSuccessful"] is False
assert inv["toolExecutionNotifications"][0]["message"]["text"].startswith("db-7.example:3306")
results = run["results"]
# fail and unknown findings, and (issue 10) the suppressed one with its suppressions[]
assert len(results) == 6, len(results)
sup = [r for r in results if "suppressions" in r]
assert len(sup) == 1 and sup[0]["suppressions"][0]["status"] == "accepted", sup
for res in results:
    assert set(["ruleId", "message", "level", "kind", "locations"]) <= set(res), res.keys()
    assert ids[res["ruleIndex"]] == res["ruleId"]
    assert isinstance(res["message"]["text"], str) and res["message"]["text"]
    if res["kind"] == "fail":
        assert res["level"] in ("error", "warning", "note")
    else:
        assert res["kind"] == "open" and res["level"] == "none"
    for loc in res["locations"]:
        pl = loc["physicalLocation"]
        assert isinstance(pl["artifactLocation"]["uri"], str)
        if "region" in pl:
            assert isinstance(pl["region"]["startLine"], int) and pl["region"]["startLine"] >= 1
    assert res["properties"]["status"] in ("fail", "could-not-evaluate", "suppressed")
byrule = {r["ruleId"]: r for r in results}
loc = byrule["sync-binlog"]["locations"][0]["physicalLocation"]
assert loc["artifactLocation"]["uri"] == "conf.d/replica.cnf" and loc["region"]["startLine"] == 7
rlr = byrule["relay-log-recovery"]["locations"][0]["physicalLocation"]
assert rlr["artifactLocation"]["uri"] == "conf.d/replica.cnf" and "region" not in rlr, rlr
assert set(byrule) == {"relay-log-recovery", "sync-binlog", "source-auto-position", "gtid-mode", "server-id-set",
                       "preserve-commit-order"}
sup = byrule["preserve-commit-order"]
assert sup["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "ticket DBA-12",
        "location": {"physicalLocation": {"artifactLocation": {"uri": "suppress.ini"}, "region": {"startLine": 4}}}}], sup
assert sup["kind"] == "fail" and sup["level"] == "warning", sup
assert "replica_preserve_commit_order is OFF" in sup["message"]["text"], sup["message"]
for r in results:
    assert "suppressions" not in r or r["ruleId"] == "preserve-commit-order", r
PYEOF

# ---- text ------------------------------------------------------------------
check "text ends with the summary line" grep -qx '4 targets: 4 fail (2 error, 1 warning, 1 info), 1 could not evaluate, 3 pass, 1 not applicable, 1 suppressed, 1 target could not be audited' "$dir/report.txt"
if LC_ALL=C grep -q $'\x1b' "$dir/report.txt"; then fail "text has no raw escape byte"; else pass "text has no raw escape byte"; fi

tap_done
