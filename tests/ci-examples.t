#!/bin/bash
# ci-examples.t - the CI examples run as their CI would run them (issue 10):
# examples/ci/gitlab-ci.yml's script and examples/ci/github-actions.yml's run
# steps, read from the files themselves (PyYAML), in a scratch git repository
# with a project file, option files and a Debian etc/mysql tree, on a push
# (every report written although findings fail the job) and on merge/pull
# requests (--baseline against the target branch: old findings pass, a new
# one fails and is marked new); and .pre-commit-hooks.yaml's two hooks with
# the files pre-commit would pass. crashsafe is the build's, on PATH. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
export NO_COLOR=1
PY=/usr/bin/python3
tap_scratch ci

if ! $PY -c 'import yaml' 2>/dev/null; then
	if [ -n "${CI:-}" ]; then
		echo "Bail out! PyYAML (python3-yaml) is missing under CI"
		exit 1
	fi
	echo "1..0 # SKIP PyYAML (python3-yaml) is not installed: the examples cannot be read"
	exit 0
fi

mkdir -p "$T/bin" "$T/tmp"
ln -s "$CRASHSAFE" "$T/bin/crashsafe"
export PATH="$T/bin:$PATH" TMPDIR="$T/tmp"
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
export GIT_CONFIG_NOSYSTEM=1 HOME="$T"
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# ---- the repository: a project file, a primary, a replica with an accepted failure, a Debian tree
git init -q --bare "$T/origin.git"
git clone -q "$T/origin.git" "$T/work" 2>/dev/null
W=$T/work
mkdir -p "$W/configs/common" "$W/hosts/db5/etc"
cat >"$W/.crashsafe.ini" <<'EOF'
[defaults]
flavor  = mysql
version = 8.4
role    = primary
cluster = orders

[targets "configs/*-replica.cnf"]
role    = replica

[targets "hosts/*/etc/mysql"]
flavor  = mariadb
version = 10.11
EOF
cat >"$W/configs/db1.cnf" <<'EOF'
[mysqld]
server_id = 1
log_bin = binlog
gtid_mode = ON
enforce_gtid_consistency = ON
sync_binlog = 1
innodb_flush_log_at_trx_commit = 1
EOF
# An error the team has lived with: relay_log_recovery is not set on this replica.
cat >"$W/configs/db2-replica.cnf" <<'EOF'
[mysqld]
server_id = 2
log_bin = binlog
gtid_mode = ON
enforce_gtid_consistency = ON
read_only = ON
super_read_only = ON
!include configs/common/tuning.cnf
EOF
printf '[mysqld]\ninnodb_flush_log_at_trx_commit = 1\nsync_binlog = 1\n' >"$W/configs/common/tuning.cnf"
cp -r "$REPO/examples/mariadb-10.11/etc/mysql" "$W/hosts/db5/etc/mysql"
(cd "$W" && git add -A && git commit -qm base && git push -q origin main 2>/dev/null)

# gitlab SCRIPT-FILE: the job's variables and script from the example, as one bash script
$PY - "$REPO/examples/ci/gitlab-ci.yml" >"$T/gitlab.sh" <<'PYEOF'
import shlex, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
print("set -eo pipefail")   # how GitLab's runner runs a bash script
for k, v in doc.get("variables", {}).items():
    print("export %s=%s" % (k, shlex.quote(str(v))))
for line in doc["crashsafe"]["script"]:
    print(line)
PYEOF
gitlab() {   # gitlab [TARGET-BRANCH]: run the job in $W; sets rc
	rm -f "$W"/crashsafe*.xml "$W"/crashsafe*.sarif "$W"/crashsafe*.json
	(cd "$W" && CI_PROJECT_DIR=$W CI_MERGE_REQUEST_TARGET_BRANCH_NAME=${1:-} bash "$T/gitlab.sh") \
		>"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
}
# js FILE EXPR: a Python expression over a JSON file (doc)
js() {
	$PY - "$1" "$2" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
def finding(target, rule):
    t = [t for t in doc["targets"] if t["name"] == target][0]
    return [f for f in t["findings"] if f["rule_id"] == rule][0]
print(eval(sys.argv[2]))
PYEOF
}

# ---- GitLab: a push ---------------------------------------------------------------------------
gitlab
is "$rc" 1 "GitLab, push: the replica's error fails the job (exit 1)"
ok "$([ -s "$W/crashsafe.xml" ] && [ -s "$W/crashsafe.sarif" ] && [ -s "$W/crashsafe.json" ]; echo $?)" \
	"... and every report is written: JUnit, SARIF, JSON (the job does not stop at a failing command)"
is "$(js "$W/crashsafe.json" 'sorted(t["name"] for t in doc["targets"])')" \
	"['configs/db1.cnf', 'configs/db2-replica.cnf', 'hosts/db5/etc/mysql']" \
	"one run for the repository: the two servers and the Debian tree, not tuning.cnf (an include)"
is "$(js "$W/crashsafe.json" '[(t["name"], t["flavor"], t["role"]) for t in doc["targets"]][2]')" \
	"('hosts/db5/etc/mysql', 'mariadb', 'replica')" \
	"the Debian tree: MariaDB by the project file's [targets] for the directory, a replica by its own annotation"
is "$(js "$W/crashsafe.json" 'finding("configs/db2-replica.cnf", "relay-log-recovery")["status"]')" "fail" \
	"the replica is audited as one ([targets] of the project file)"
$PY -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$W/crashsafe.xml"
ok $? "the JUnit report is XML"

# ---- GitLab: a merge request that changes nothing that matters --------------------------------------
(cd "$W" && git checkout -qb mr1 && printf '# tuned for the batch\n' >>configs/common/tuning.cnf && git commit -qam mr1)
gitlab main
is "$rc" 0 "GitLab, merge request without a new finding: the target branch's findings do not fail it"
ok "$([ -s "$W/crashsafe-base.json" ]; echo $?)" "... the target branch was audited into crashsafe-base.json"
is "$(js "$W/crashsafe.json" 'finding("configs/db2-replica.cnf", "relay-log-recovery")["baseline"]')" "unchanged" \
	"... its finding is marked unchanged"

# ---- GitLab: a merge request that introduces a failure ---------------------------------------------
(cd "$W" && git checkout -qb mr2 main && sed -i 's/^sync_binlog = 1/sync_binlog = 0/' configs/common/tuning.cnf &&
	git commit -qam mr2)
gitlab main
is "$rc" 1 "GitLab, merge request with a new failure: exit 1"
is "$(js "$W/crashsafe.json" 'finding("configs/db2-replica.cnf", "sync-binlog")["baseline"]')" "new" \
	"... the new finding is marked new"
is "$(js "$W/crashsafe.json" 'finding("configs/db2-replica.cnf", "sync-binlog")["location"]["file"]')" \
	"configs/common/tuning.cnf" "... at the included file's line"
has 'sync-binlog' "$(cat "$W/crashsafe.xml")" "... and the JUnit report carries it"
(cd "$W" && git checkout -q main)

# ---- GitHub Actions: the run steps of a pull request ------------------------------------------------
$PY - "$REPO/examples/ci/github-actions.yml" "$T/gh" <<'PYEOF'
import shlex, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
env = doc.get("env", {})
steps = doc["jobs"]["audit"]["steps"]
names = ["Audit the base branch (the baseline)", "Audit the option files"]
for i, name in enumerate(names):
    step = [s for s in steps if s.get("name") == name][0]
    run = step["run"].replace("${{ github.base_ref }}", "main")
    with open("%s%d.sh" % (sys.argv[2], i), "w") as f:
        f.write("set -eo pipefail\n")   # GitHub's bash: bash --noprofile --norc -eo pipefail {0}
        for k, v in env.items():
            f.write("export %s=%s\n" % (k, shlex.quote(str(v))))
        f.write(run)
assert [s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif")][0]["with"]["sarif_file"] == "crashsafe.sarif"
PYEOF
ok $? "GitHub Actions: the example uploads crashsafe.sarif (upload-sarif)"
github() {   # github: the base step, then the audit step, in $W on branch mr2; sets rc
	rm -f "$W"/crashsafe*.xml "$W"/crashsafe*.sarif "$W"/crashsafe*.json
	rm -rf "$T/runner"
	mkdir -p "$T/runner"
	git -C "$W" worktree prune   # each run on a fresh runner
	(cd "$W" && GITHUB_WORKSPACE=$W RUNNER_TEMP=$T/runner bash "$T/gh0.sh") >"$T/out0" 2>&1
	(cd "$W" && GITHUB_WORKSPACE=$W RUNNER_TEMP=$T/runner bash "$T/gh1.sh") >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
}
(cd "$W" && git push -q origin mr2 2>/dev/null && git fetch -q origin && git checkout -q mr2)
github
is "$rc" 1 "GitHub, pull request with a new failure: exit 1"
has "configs/common/tuning.cnf:3: error: sync_binlog is 0" "$out" "... gcc lines on stdout for the problem matchers"
hasnt "relay_log_recovery" "$out" "... the base branch's finding is not among the failures"
is "$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sorted({r["ruleId"] for r in d["runs"][0]["results"] if r.get("baselineState") == "new"}))' "$W/crashsafe.sarif")" \
	"['sync-binlog']" "... SARIF marks the new finding (baselineState new) for code scanning"
(cd "$W" && git checkout -q mr1)
github
is "$rc" 0 "GitHub, pull request without a new finding: exit 0"
(cd "$W" && git checkout -q main)

# ---- pre-commit: the hooks of .pre-commit-hooks.yaml -----------------------------------------------
# precommit HOOK-ID FILE...: run the hook as pre-commit would, over the staged files given; sets rc, out
precommit() {
	local id=$1
	shift
	$PY - "$REPO/.pre-commit-hooks.yaml" "$id" "$@" >"$T/hook.args" <<'PYEOF'
import re, shlex, sys, yaml
hooks = {h["id"]: h for h in yaml.safe_load(open(sys.argv[1]))}
h = hooks[sys.argv[2]]
argv = shlex.split(h["entry"]) + h.get("args", [])
if h.get("pass_filenames", True):
    files = [f for f in sys.argv[3:] if re.search(h.get("files", ""), f)
             and not (h.get("exclude") and re.search(h["exclude"], f))]
    argv += files
else:
    argv += sys.argv[3:]   # the repository's own args: [...] for a hook without file names
print("".join(a + "\0" for a in argv), end="")
PYEOF
	local argv
	mapfile -d '' argv <"$T/hook.args"
	(cd "$W" && "${argv[@]}") >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
}
precommit crashsafe configs/db2-replica.cnf configs/common/tuning.cnf .crashsafe.ini README
is "$rc" 1 "pre-commit 'crashsafe': the replica's error refuses the commit"
has "configs/common/tuning.cnf:1: error: relay_log_recovery is OFF" "$out" \
	"... FILE:LINE: severity: message (a default: the header of the last [mysqld] group read, where a line would win)"
hasnt "configs/common/tuning.cnf:1: error: server_id" "$out" \
	"... the included fragment is audited as part of the replica, not alone"
hasnt ".crashsafe.ini" "$(tr '\0' ' ' <"$T/hook.args")" "... the project file is not passed (exclude)"
precommit crashsafe configs/db1.cnf
is "$rc" 0 "pre-commit 'crashsafe': a safe file passes"
precommit crashsafe-entries hosts/db5/etc/mysql
is "$rc" 0 "pre-commit 'crashsafe-entries': the Debian tree given as a directory passes (warnings only)"
has "hosts/db5/etc/mysql/mariadb.conf.d/99-bulk-load.cnf:5: warning: sync_relay_log is 10000" "$out" \
	"... its warnings are printed, pointing into the tree"

tap_done
