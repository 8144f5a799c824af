#!/bin/bash
# gate.t - the CI gate from the outside (issue 10), every feature on real
# files in a scratch repository: per-target settings in layers (command
# line < project file < annotation), the project file found upward,
# annotations and their errors, entry points (directories, included files,
# two spellings), clusters for fleet rules, inline suppressions with expiry,
# merged suppression files, --strict, the gcc format, standard input named
# by --stdin-filename, and the command-line conventions. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
CORPUS=$REPO/../shared/corpus
export CRASHSAFE_RULES_DIR="$REPO/rules"
export NO_COLOR=1
tap_scratch gate
RUN_DIR=$T/repo   # run and run_in run crashsafe from the scratch repository

# js EXPR: evaluate a Python expression over the JSON report in $T/out (doc); prints the result
js() {
	/usr/bin/python3 - "$T/out" "$1" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
def target(name):
    return [t for t in doc["targets"] if t["name"] == name][0]
def finding(name, rule, channel=None):
    return [f for f in target(name)["findings"] if f["rule_id"] == rule and f["channel"] == channel][0]
def status(name, rule):
    return finding(name, rule)["status"]
print(eval(sys.argv[2]))
PYEOF
}
is_js() {   # is_js EXPR WANT NAME: is on what js EXPR prints
	is "$(js "$1" 2>&1)" "$2" "$3" || echo "# js: $1"
}

mkdir -p "$T/repo/.git" "$T/repo/configs/eu" "$T/repo/configs/us" "$T/repo/legacy"

# A repository's project file: MySQL 8.4 by default; EU replicas of cluster eu-orders.
cat >"$T/repo/.crashsafe.ini" <<'EOF'
; the orders team's option files
[defaults]
flavor  = mysql
version = 8.4
role    = primary

[targets "configs/eu/*-replica.cnf"]
role    = replica
cluster = eu-orders

[targets "configs/us/*"]
cluster = us-orders
EOF
# A safe MySQL 8.4 GTID primary.
primary() {   # primary SERVER-ID
	printf '[mysqld]\nserver_id = %s\nlog_bin = binlog\ngtid_mode = ON\nenforce_gtid_consistency = ON\n' "$1"
	printf 'sync_binlog = 1\ninnodb_flush_log_at_trx_commit = 1\n'
}
primary 1 >"$T/repo/configs/eu/db1.cnf"
{ primary 2; printf 'relay_log_recovery = ON\nread_only = ON\nsuper_read_only = ON\n'; } >"$T/repo/configs/eu/db2-replica.cnf"
primary 1 >"$T/repo/configs/us/db1.cnf"
# An annotation wins over the project file: a MariaDB replica in its own cluster.
cat >"$T/repo/configs/eu/db3-replica.cnf" <<'EOF'
# crashsafe: flavor=mariadb version=10.11 cluster=eu-reporting
[mariadb]
server_id = 3
log_bin = binlog
gtid_strict_mode = ON
relay_log_recovery = ON
read_only = ON
EOF

# --- layers: command line < project file [defaults] < [targets] < annotation -------
run check --list-targets configs/eu/db1.cnf configs/eu/db2-replica.cnf configs/eu/db3-replica.cnf
is_rc 0 "--list-targets audits nothing and exits 0"
has "configs/eu/db1.cnf (file)" "$out" "--list-targets names each target"
has "role     primary (project-file .crashsafe.ini:5 [defaults])" "$out" \
	"[defaults] role, with the file, line and section that decided it"
has "role     replica (project-file .crashsafe.ini:8 [targets \"configs/eu/*-replica.cnf\"])" "$out" \
	"[targets GLOB] wins over [defaults]"
has "cluster  eu-orders (project-file" "$out" "the cluster of a [targets] section"
has "flavor   MariaDB (annotation configs/eu/db3-replica.cnf:1)" "$out" "an annotation wins over the project file"
has "cluster  eu-reporting (annotation configs/eu/db3-replica.cnf:1)" "$out" "an annotation's cluster"
has "version  10.11 (annotation" "$out" "an annotation's version"

run check --role replica --list-targets configs/eu/db1.cnf
has "role     primary (project-file" "$out" "the project file wins over the command line (run-wide defaults)"
: >"$T/empty.ini"
run check --role replica --list-targets --project-file "$T/empty.ini" configs/eu/db1.cnf
has "role     replica (command-line --role)" "$out" "--project-file: an empty project gives nothing; the command line decides"

run check --format json configs/eu/db1.cnf configs/eu/db2-replica.cnf configs/eu/db3-replica.cnf
is_js 'target("configs/eu/db3-replica.cnf")["flavor"]' "mariadb" "the report audits the annotated file as MariaDB"
is_js 'target("configs/eu/db2-replica.cnf")["role"]' "replica" "and the [targets] file as a replica"
is_js 'target("configs/eu/db2-replica.cnf")["cluster"]' "eu-orders" "JSON: the target's cluster"
is_js 'target("configs/eu/db2-replica.cnf")["path_key"]' "configs/eu/db2-replica.cnf" \
	"JSON: the normalised path (relative to the repository root)"

run check -v configs/eu/db2-replica.cnf
has "crashsafe: configs/eu/db2-replica.cnf: note: role replica (project-file .crashsafe.ini:8" "$err" \
	"-v says which layer decided each setting"

# The project file is found upward from each file's directory, not above the repository root.
mkdir -p "$T/repo/legacy/old"
primary 9 >"$T/repo/legacy/old/x.cnf"
printf '[defaults]\nrole = replica\n' >"$T/repo/legacy/.crashsafe.ini"
run check --list-targets legacy/old/x.cnf configs/eu/db1.cnf
has "project  legacy/.crashsafe.ini" "$out" "the nearest project file upward"
has "project  .crashsafe.ini" "$out" "another file, another project file"
mkdir -p "$T/outside"
primary 9 >"$T/outside/y.cnf"
printf '[defaults]\nrole = replica\n' >"$T/.crashsafe.ini"
run check --list-targets "$T/outside/y.cnf"
has "role     replica" "$out" "outside the repository: the project file above it"
# A repository without a project file under a directory that has one: the lookup stops at .git.
mkdir -p "$T/bare-repo/.git" "$T/bare-repo/c"
primary 9 >"$T/bare-repo/c/z.cnf"
run check --list-targets "$T/bare-repo/c/z.cnf"
hasnt "role     replica" "$out" "the lookup stops at the repository root (.git): the project file above it is not read"
hasnt "project  " "$out" "... and --list-targets names no project file"
rm "$T/.crashsafe.ini"

# Project file errors: each with its line; nothing is audited.
printf '[defaults]\nflavor = oracle\n[targets "a"]\ncolour = red\n' >"$T/bad.ini"
run check --project-file "$T/bad.ini" configs/eu/db1.cnf
is_rc 2 "a bad project file is a usage error"
has "$T/bad.ini:2: error: flavor 'oracle' is not a flavor" "$err" "a bad value, with file:line"
has "$T/bad.ini:4: error: unknown key 'colour'" "$err" "an unknown key, with file:line"

# --- annotations: unknown keys and values are errors with file:line ----------------
cat >"$T/repo/legacy/annot.cnf" <<'EOF'
[mysqld]
# crashsafe: role=leader
server_id = 7
# crashsafe: datacenter=eu
EOF
run check legacy/annot.cnf
is_rc 2 "a bad annotation is unusable input (exit 2)"
has "crashsafe: legacy/annot.cnf:2: error: crashsafe annotation: role 'leader' is not a role" "$err" "an unknown value, at its line"
has "crashsafe: legacy/annot.cnf:4: error: crashsafe annotation: unknown key 'datacenter'" "$err" "an unknown key, at its line"
has "legacy/annot.cnf (file" "$out" "the file is still audited"
# An annotation in an included file applies to the target that includes it.
mkdir -p "$T/repo/inc/conf.d"
printf '[mysqld]\nserver_id = 4\n!includedir inc/conf.d\n' >"$T/repo/inc/my.cnf"
printf '# crashsafe: role=replica cluster=inc\n[mysqld]\nlog_bin = binlog\n' >"$T/repo/inc/conf.d/10-role.cnf"
run check --list-targets inc/my.cnf
has "role     replica (annotation inc/conf.d/10-role.cnf:1)" "$out" "an annotation in an included file"

# --- entry points ----------------------------------------------------------------------
run check --list-targets inc/my.cnf inc/conf.d/10-role.cnf
has "inc/conf.d/10-role.cnf (not a target)" "$out" "a file another target includes is not a target"
has "included by inc/my.cnf" "$out" "and says by which"
# shellcheck disable=SC2046
run check --format json inc/my.cnf $(cd "$T/repo" && echo inc/conf.d/*.cnf)
is_js 'len(doc["targets"])' "1" "one server, one target, however the shell globbed"
run check --format json configs/eu/db1.cnf ./configs/eu/db1.cnf "$T/repo/configs/eu/db1.cnf"
is_js 'len(doc["targets"])' "1" "one file under three spellings is one target"
# A directory: its entry file.
mkdir -p "$T/repo/dirs/plain"
primary 20 >"$T/repo/dirs/plain/my.cnf"
run check --list-targets dirs/plain
has "entry    dirs/plain/my.cnf" "$out" "a directory means its my.cnf"
mkdir -p "$T/repo/dirs/empty"
run check dirs/empty
is_rc 2 "a directory without an entry file is unusable input"
has "a directory without an entry file" "$err" "and says so"
# Debian's layout, read as the server reads it: /etc/mysql/... under the directory's root.
if [ -d "$CORPUS/cnf/mariadb-debian-tree" ]; then
	mkdir -p "$T/repo/hosts/db5/etc"
	cp -r "$CORPUS/cnf/mariadb-debian-tree" "$T/repo/hosts/db5/etc/mysql"
	# a fresh install has /etc/mysql/conf.d/ (the tree omits empty directories); without it
	# the server refuses to start (!includedir of a missing directory is fatal)
	mkdir -p "$T/repo/hosts/db5/etc/mysql/conf.d"
	run check --project-file "$T/empty.ini" --list-targets hosts/db5/etc/mysql
	has "entry    hosts/db5/etc/mysql/mariadb.cnf" "$out" "Debian MariaDB: mariadb.cnf is the entry (real file)"
	has "root     hosts/db5/" "$out" "read under the directory above etc/ (its !includedir /etc/mysql/... resolve there)"
	run check --project-file "$T/empty.ini" --format json hosts/db5/etc/mysql
	is_js 'target("hosts/db5/etc/mysql")["flavor_display"]' "MariaDB Galera Cluster" \
		"the tree's groups make it MariaDB, and its 60-galera.cnf (read through the root) a Galera node"
	is_js '"mariadb.conf.d/60-galera.cnf" in target("hosts/db5/etc/mysql")["flavor_evidence"]' "True" \
		"the evidence names the included file"
	run check --project-file "$T/empty.ini" --list-targets hosts/db5
	has "entry    hosts/db5/etc/mysql/mariadb.cnf" "$out" "a host's root directory: etc/mysql below it"
else
	for i in 1 2 3 4 5; do ok 0 "# SKIP $CORPUS absent (Debian MariaDB tree)"; done
fi

# --- clusters: fleet rules compare the targets of one cluster only ---------------------
# eu/db1 (cluster: none, the run's default), us/db1 (us-orders): both server_id 1.
run check --format json configs/eu/db1.cnf configs/us/db1.cnf
is_js 'status("configs/us/db1.cnf", "server-id-unique")' "pass" "the same id in two clusters is no clash"
is_js 'finding("configs/us/db1.cnf", "server-id-unique")["message"]' \
	"server_id 1 is unique among the 1 target of cluster 'us-orders' that it applies to" "and says which cluster"
primary 1 >"$T/repo/configs/us/db9.cnf"
run check --format json configs/us/db1.cnf configs/us/db9.cnf configs/eu/db1.cnf
is_js 'status("configs/us/db9.cnf", "server-id-unique")' "fail" "the same id in one cluster clashes"
is_js 'finding("configs/us/db9.cnf", "server-id-unique")["message"]' \
	"server_id 1 is also used by 1 other target of cluster 'us-orders': configs/us/db1.cnf" "naming the cluster and the peer"
is_js 'status("configs/eu/db1.cnf", "server-id-unique")' "pass" "the target of another cluster is not compared"
# Without any cluster, the run is one cluster, as before.
run check --format json --project-file "$T/empty.ini" configs/eu/db1.cnf configs/us/db1.cnf
is_js 'status("configs/us/db1.cnf", "server-id-unique")' "fail" "no cluster declared: one run, one cluster"
# A Galera node's cluster is its wsrep_cluster_name.
printf '[galera]\nwsrep_on = ON\nwsrep_provider = /usr/lib/galera/libgalera_smm.so\nwsrep_cluster_name = g1\n[mariadb]\nserver_id = 1\n' \
	>"$T/repo/legacy/node1.cnf"
run check --format json --project-file "$T/empty.ini" legacy/node1.cnf configs/eu/db1.cnf
is_js 'status("legacy/node1.cnf", "server-id-unique")' "pass" "a Galera node is compared within its Galera cluster"

# --- inline suppressions ------------------------------------------------------------------
cat >"$T/repo/legacy/bulk.cnf" <<'EOF'
[mysqld]
server_id = 31
log_bin = binlog
# crashsafe: ignore=sync-binlog reason="bulk import, OPS-4411" until=2999-12-31
# (the comment above excuses the next option line)
sync_binlog = 0
# crashsafe: ignore=innodb-flush-log-at-trx-commit reason="was accepted until 2000" until=2000-01-31
innodb_flush_log_at_trx_commit = 2
# crashsafe: ignore=gtid-mode reason="file/position on purpose, DBA-7"
EOF
run check --format json legacy/bulk.cnf
is_js 'status("legacy/bulk.cnf", "sync-binlog")' "suppressed" "an inline suppression suppresses the line after it"
is_js 'finding("legacy/bulk.cnf", "sync-binlog")["suppression"]["reason"]' "bulk import, OPS-4411" "with its reason"
is_js 'finding("legacy/bulk.cnf", "sync-binlog")["suppression"]["kind"]' "inline" "kind inline"
is_js 'finding("legacy/bulk.cnf", "sync-binlog")["suppression"]["line"]' "4" "and its line"
is_js 'status("legacy/bulk.cnf", "innodb-flush-log-at-trx-commit")' "fail" "after its until date it no longer suppresses"
is_js '"expired on 2000-01-31" in finding("legacy/bulk.cnf", "innodb-flush-log-at-trx-commit")["message"]' "True" \
	"the finding says the suppression expired"
is_js 'status("legacy/bulk.cnf", "gtid-mode")' "suppressed" "a value left at its default: excused from anywhere in a group read"
has "legacy/bulk.cnf:7: warning: suppression of 'innodb-flush-log-at-trx-commit' expired on 2000-01-31" "$err" \
	"an expired suppression: a warning at its line"
run check --format junit legacy/bulk.cnf
has '<skipped message="suppressed by legacy/bulk.cnf:4: bulk import, OPS-4411' "$out" \
	"JUnit: a suppressed finding is skipped with the reason"
run check --format sarif legacy/bulk.cnf
is_js '[r for r in doc["runs"][0]["results"] if r["ruleId"] == "sync-binlog"][0]["suppressions"][0]["justification"]' \
	"bulk import, OPS-4411" "SARIF: suppressions[] with the justification"
printf '[mysqld]\nserver_id = 5\n# crashsafe: ignore=sync-binlog\nsync_binlog = 0\n' >"$T/repo/legacy/noreason.cnf"
run check legacy/noreason.cnf
is_rc 2 "an inline suppression without a reason is an error"
has "legacy/noreason.cnf:3: error: crashsafe annotation: ignore=sync-binlog needs reason=" "$err" "at its line"
printf '[mysqld]\nserver_id = 5\n# crashsafe: ignore=sync-binlog reason="nothing to excuse"\nsync_binlog = 1\n' \
	>"$T/repo/legacy/unused.cnf"
run check legacy/unused.cnf
has "legacy/unused.cnf:3: warning: suppression of 'sync-binlog' matched no finding" "$err" \
	"an inline suppression that matched nothing: a warning"
run check --strict legacy/unused.cnf
is_rc 2 "with --strict it is an error"

# --- suppression files merge --------------------------------------------------------------
cat >"$T/sup1.ini" <<'EOF'
[sync-binlog]
target = configs/*/db9.cnf
reason = OPS-1: rebuilt nightly
EOF
cat >"$T/sup2.ini" <<'EOF'
[server-id-unique]
target = configs/us/db9.cnf
reason = OPS-2: the id is being changed
[no-such-rule]
reason = typo
[gtid-mode]
target = nothing/*.cnf
reason = never matches
[binlog-format]
reason = r
until = 31/12/2030
EOF
printf '[mysqld]\nserver_id = 1\nsync_binlog = 0\n' >>"$T/repo/configs/us/db9.cnf"
run check --format json --suppress "$T/sup1.ini" --suppress "$T/sup2.ini" configs/us/db1.cnf "$T/repo/configs/us/db9.cnf"
is_js 'status("'"$T"'/repo/configs/us/db9.cnf", "sync-binlog")' "suppressed" \
	"the first file suppresses (its glob matches the normalised path of an absolute spelling)"
is_js 'status("'"$T"'/repo/configs/us/db9.cnf", "server-id-unique")' "suppressed" "the second file too: they merge"
has "$T/sup2.ini:4: warning: suppression of unknown rule 'no-such-rule'" "$err" "an unknown rule id: a warning"
has "$T/sup2.ini:7: warning: suppression of 'gtid-mode' for 'nothing/*.cnf' matched no finding" "$err" \
	"an entry that matched nothing: a warning"
has "$T/sup2.ini:11: warning: suppression of 'binlog-format': until '31/12/2030' is not a date" "$err" \
	"a malformed date: a warning"
run check --strict --suppress "$T/sup1.ini" --suppress "$T/sup2.ini" configs/us/db1.cnf configs/us/db9.cnf
is_rc 2 "with --strict those warnings are errors (exit 2)"
has "$T/sup2.ini:11: error:" "$err" "the malformed date is an error"

# --- the baseline: findings of an earlier report pass, new ones fail ------------------------
printf '[mysqld]\nserver_id = 50\nlog_bin = binlog\nsync_binlog = 0\n' >"$T/repo/legacy/base.cnf"
run check --role primary --json "$T/base.json" legacy/base.cnf
is_rc 1 "without a baseline, the existing finding fails the run"
# The same finding after the file was edited (lines moved) and under another spelling: still known.
printf '# a comment that moves every line\n[mysqld]\nlog_bin = binlog\nserver_id = 50\nsync_binlog = 0\n' \
	>"$T/repo/legacy/base.cnf"
run check --role primary --format json --baseline "$T/base.json" ./legacy/../legacy/base.cnf
is_rc 0 "--baseline: a finding already in the earlier report does not fail the run"
is_js 'status("./legacy/../legacy/base.cnf", "sync-binlog")' "suppressed" "it is suppressed ..."
is_js 'finding("./legacy/../legacy/base.cnf", "sync-binlog")["baseline"]' "unchanged" "... and marked unchanged"
is_js 'finding("./legacy/../legacy/base.cnf", "sync-binlog")["suppression"]["kind"]' "baseline" "its suppression is the baseline"
run check --role primary -v --baseline "$T/base.json" legacy/base.cnf
has "sync-binlog: by $T/base.json: already in the baseline report; was: sync_binlog is 0" "$out" \
	"text -v: the baselined finding names the baseline report (no line 0)"
# A new finding fails, and is marked new.
printf '[mysqld]\nserver_id = 50\nlog_bin = binlog\nsync_binlog = 0\ninnodb_flush_log_at_trx_commit = 0\n' \
	>"$T/repo/legacy/base.cnf"
run check --role primary --format json --baseline "$T/base.json" legacy/base.cnf
is_rc 1 "--baseline: a new finding fails the run"
is_js 'status("legacy/base.cnf", "innodb-flush-log-at-trx-commit")' "fail" "the new finding fails"
is_js 'finding("legacy/base.cnf", "innodb-flush-log-at-trx-commit")["baseline"]' "new" "and is marked new"
# The same rule with another value is another finding: sync_binlog 0 -> 100 is new.
printf '[mysqld]\nserver_id = 50\nlog_bin = binlog\nsync_binlog = 100\n' >"$T/repo/legacy/base.cnf"
run check --role primary --format json --baseline "$T/base.json" legacy/base.cnf
is_js 'finding("legacy/base.cnf", "sync-binlog")["baseline"]' "new" "another value of the same variable is new"
run check --role primary --format sarif --baseline "$T/base.json" legacy/base.cnf
is_js '[r["baselineState"] for r in doc["runs"][0]["results"] if r["ruleId"] == "sync-binlog"][0]' "new" \
	"SARIF: baselineState"
printf '{"schema": "something-else"}\n' >"$T/notreport.json"
run check --baseline "$T/notreport.json" legacy/base.cnf
is_rc 2 "--baseline: a file that is not a crashsafe report is a usage error"
has "not a crashsafe report" "$err" "and says so"

# --- the gcc format ------------------------------------------------------------------------
run check --format gcc legacy/bulk.cnf
is_rc 1 "gcc: the exit status is the run's"
has "legacy/bulk.cnf:8: error: innodb_flush_log_at_trx_commit is 2" "$out" "gcc: FILE:LINE: severity: message"
has "[innodb-flush-log-at-trx-commit]" "$out" "gcc: the rule id at the end"
hasnt "sync-binlog]" "$out" "gcc: suppressed findings are not printed"
ok "$(grep -cv '^[^:]*:[0-9]*: \(error\|warning\|note\): .* \[[a-z0-9-]*\]$' "$T/out" | grep -qx 0; echo $?)" \
	"gcc: every line has the FILE:LINE: severity: message [rule-id] shape"
printf '[mysqld]\nserver_id = 40\n' >"$T/repo/legacy/defaults.cnf"
run check --format gcc --role replica legacy/defaults.cnf
has "legacy/defaults.cnf:1: error: relay_log_recovery is OFF" "$out" "gcc: a value left at its default points at its group's header"

# --- standard input, named by --stdin-filename ------------------------------------------------
run_in "$T/repo/legacy/bulk.cnf" check --format gcc --stdin-filename legacy/bulk.cnf -
has "legacy/bulk.cnf:8: error:" "$out" "-: gcc lines name the --stdin-filename, not <stdin>"
run_in "$T/repo/configs/eu/db2-replica.cnf" check --list-targets --stdin-filename configs/eu/db2-replica.cnf -
has "role     replica (project-file" "$out" "-: the project file is found from --stdin-filename's directory"
run_in "$T/repo/legacy/bulk.cnf" check --format json --stdin-filename legacy/bulk.cnf -
is_js 'status("legacy/bulk.cnf", "sync-binlog")' "suppressed" "-: inline suppressions apply to standard input"
run_in "$T/repo/legacy/bulk.cnf" check --format json -
is_js 'doc["targets"][0]["name"]' "<stdin>" "-: without --stdin-filename the target is <stdin>"

# --- the project file's other keys: disable/enable, [suppress], fail-on, root ----------------
mkdir -p "$T/repo/proj/c" "$T/repo/proj/h/etc/mysql/conf.d" "$T/repo/proj/h/srv"
cat >"$T/repo/proj/.crashsafe.ini" <<'EOF'
[defaults]
flavor  = mysql
version = 8.4
role    = primary
disable = sync-binlog, gtid-mode
fail-on = warning

[targets "c/keep-*.cnf"]
enable  = sync-binlog

[targets "c/w.cnf"]
role    = replica

[suppress "innodb-flush-log-at-trx-commit"]
target  = c/*.cnf
reason  = OPS-9: batch host
EOF
printf '[mysqld]\nserver_id = 1\nlog_bin = binlog\nsync_binlog = 0\ninnodb_flush_log_at_trx_commit = 2\n' \
	>"$T/repo/proj/c/a.cnf"
printf '[mysqld]\nserver_id = 2\nlog_bin = binlog\nsync_binlog = 0\ninnodb_flush_log_at_trx_commit = 2\n' \
	>"$T/repo/proj/c/keep-b.cnf"
run check --format json proj/c/a.cnf proj/c/keep-b.cnf
is_js '[f["rule_id"] for f in target("proj/c/a.cnf")["findings"] if f["rule_id"] in ("sync-binlog", "gtid-mode")]' "[]" \
	"project [defaults] disable: the rules are not evaluated for its targets"
is_js 'status("proj/c/keep-b.cnf", "sync-binlog")' "fail" "[targets] enable undoes the [defaults] disable for its files"
is_js 'status("proj/c/a.cnf", "innodb-flush-log-at-trx-commit"), finding("proj/c/a.cnf", "innodb-flush-log-at-trx-commit")["suppression"]["reason"]' \
	"('suppressed', 'OPS-9: batch host')" "a [suppress \"RULE\"] section of the project file suppresses, with its reason"
run check --list-targets proj/c/a.cnf
has "disabled sync-binlog" "$out" "--list-targets lists the disabled rules"
# fail-on = warning: a failed warning alone fails the run; --fail-on on the command line wins.
printf '[mysqld]\nserver_id = 3\nlog_bin = binlog\nrelay_log_recovery = ON\ngtid_mode = ON\nenforce_gtid_consistency = ON\n' \
	>"$T/repo/proj/c/w.cnf"
run check --format json proj/c/w.cnf
is_js '[(f["rule_id"], f["severity"]) for f in target("proj/c/w.cnf")["findings"] if f["status"] == "fail"]' \
	"[('replica-read-only', 'warning'), ('replica-super-read-only', 'warning')]" \
	"(w.cnf, a replica by the project file, fails warnings only)"
run check proj/c/w.cnf
is_rc 1 "[defaults] fail-on = warning: a failed warning fails the run"
run check --fail-on error proj/c/w.cnf
is_rc 0 "--fail-on on the command line wins over the project file's fail-on"
run check -v proj/c/w.cnf
has "proj/.crashsafe.ini:6: note: fail-on warning (project file)" "$err" "-v says the project file decided fail-on"
# root = . : a file's absolute !includedir is read under the project file's directory.
printf '[defaults]\nflavor = mysql\nversion = 8.4\nrole = primary\nroot = .\n' >"$T/repo/proj/h/.crashsafe.ini"
printf '[mysqld]\nserver_id = 3\nlog_bin = binlog\n!includedir /etc/mysql/conf.d\n' >"$T/repo/proj/h/srv/db.cnf"
printf '[mysqld]\nsync_binlog = 0\n' >"$T/repo/proj/h/etc/mysql/conf.d/x.cnf"
run check --format gcc proj/h/srv/db.cnf
has "$T/repo/proj/h/etc/mysql/conf.d/x.cnf:2: error: sync_binlog is 0" "$out" \
	"[defaults] root = . : /etc/mysql/conf.d is read under the project file's directory (resolved path)"

# --- inference is the lowest layer --------------------------------------------------------
printf '[mariadb]\nserver_id = 7\nlog_bin = binlog\ngtid_strict_mode = ON\n' >"$T/repo/configs/maria.cnf"
run check --project-file "$T/empty.ini" --list-targets configs/maria.cnf
has "flavor   MariaDB (inferred from the files)" "$out" "no layer gives a flavor: the files' groups decide"
run check --list-targets configs/maria.cnf
has "flavor   MySQL (project-file .crashsafe.ini:3 [defaults])" "$out" "a project file's flavor wins over the inferred one"
run check --format json configs/maria.cnf
has "audited as MySQL as the project file says" "$err" "... and a warning says the files look otherwise"
is_js 'target("configs/maria.cnf")["flavor"]' "mysql" "the report audits it as the project file says"
rm "$T/repo/configs/maria.cnf"

# --- -v: one note per setting a layer gave ---------------------------------------------------
run check -v -q configs/eu/db3-replica.cnf
has "configs/eu/db3-replica.cnf: note: flavor mariadb (annotation configs/eu/db3-replica.cnf:1)" "$err" "-v: flavor and its layer"
has "configs/eu/db3-replica.cnf: note: version 10.11 (annotation" "$err" "-v: version and its layer"
has "configs/eu/db3-replica.cnf: note: cluster eu-reporting (annotation" "$err" "-v: cluster and its layer"
has "configs/eu/db3-replica.cnf: note: role replica (project-file .crashsafe.ini:8" "$err" \
	"-v: role from a lower layer when the annotation does not give it"

# --- two annotations of one target that disagree ------------------------------------------
mkdir -p "$T/repo/two/conf.d"
printf '# crashsafe: role=replica\n[mysqld]\nserver_id = 4\n!includedir two/conf.d\n' >"$T/repo/two/my.cnf"
printf '# crashsafe: role=primary\n[mysqld]\nlog_bin = binlog\n' >"$T/repo/two/conf.d/a.cnf"
run check two/my.cnf
is_rc 2 "two annotations giving one setting different values: an error (exit 2)"
has "two/conf.d/a.cnf:1: error: crashsafe annotation: role 'primary' contradicts role 'replica' at two/my.cnf:1" "$err" \
	"... naming both places"

# --- clusters from an inventory (check --inventory) ----------------------------------------
mkdir -p "$T/repo/inv"
printf '[mysqld]\nserver_id = 1\nlog_bin = binlog\n' >"$T/repo/inv/a.cnf"
cp "$T/repo/inv/a.cnf" "$T/repo/inv/b.cnf"
printf '# crashsafe: cluster=zz\n[mysqld]\nserver_id = 1\nlog_bin = binlog\n' >"$T/repo/inv/c.cnf"
printf '[defaults]\nflavor = mysql\nversion = 8.4\n[a]\nconfig = a.cnf\ncluster = one\n[b]\nconfig = b.cnf\ncluster = two\n[c]\nconfig = c.cnf\ncluster = one\n' \
	>"$T/repo/inv/fleet.ini"
run check --inventory inv/fleet.ini --format json
is_js '[(t["name"], t["cluster"]) for t in doc["targets"]]' "[('a', 'one'), ('b', 'two'), ('c', 'zz')]" \
	"the inventory's cluster is a layer; an annotation in the file wins over it"
is_js 'status("a", "server-id-unique"), status("b", "server-id-unique"), status("c", "server-id-unique")' \
	"('pass', 'pass', 'pass')" "one server_id in three clusters: no clash"
printf '[defaults]\nflavor = mysql\nversion = 8.4\n[a]\nconfig = a.cnf\ncluster = one\n[b]\nconfig = b.cnf\ncluster = one\n' \
	>"$T/repo/inv/one.ini"
run check --inventory inv/one.ini --format json
is_js 'status("b", "server-id-unique")' "fail" "one inventory cluster: the same server_id clashes"
run check --inventory inv/fleet.ini --list-targets
has "cluster  one (inventory inv/fleet.ini:6 [a])" "$out" "--list-targets names the inventory line that decided"

# --- Debian MySQL layout: my.cnf is an absolute alternatives link, resolved in the tree ------
mkdir -p "$T/repo/deb/etc/mysql/conf.d" "$T/repo/deb/etc/mysql/mysql.conf.d"
printf '!includedir /etc/mysql/conf.d/\n!includedir /etc/mysql/mysql.conf.d/\n' >"$T/repo/deb/etc/mysql/mysql.cnf"
printf '[mysqld]\nserver_id = 8\nlog_bin = binlog\nsync_binlog = 0\n' >"$T/repo/deb/etc/mysql/mysql.conf.d/mysqld.cnf"
printf '[mysql]\n' >"$T/repo/deb/etc/mysql/conf.d/mysql.cnf"
ln -s /etc/alternatives/my.cnf "$T/repo/deb/etc/mysql/my.cnf"
run check --project-file "$T/empty.ini" --list-targets deb/etc/mysql
has "entry    deb/etc/mysql/mysql.cnf" "$out" \
	"Debian MySQL: my.cnf links to /etc/alternatives (not in the tree): mysql.cnf is the entry, not this machine's file"
run check --project-file "$T/empty.ini" --format gcc deb/etc/mysql
has "deb/etc/mysql/mysql.conf.d/mysqld.cnf:4: error: sync_binlog is 0" "$out" "... and its !includedir is read in the tree"
hasnt "mariadb.conf.d" "$out$err" "... (this machine's /etc/mysql is not read)"
mkdir -p "$T/repo/deb/etc/alternatives"
printf '[mysqld]\nserver_id = 9\n' >"$T/repo/deb/etc/mysql/other.cnf"
ln -s /etc/mysql/other.cnf "$T/repo/deb/etc/alternatives/my.cnf"
run check --project-file "$T/empty.ini" --list-targets deb/etc/mysql
has "entry    deb/etc/mysql/other.cnf" "$out" "a link chain present in the tree is followed in the tree"

# --- standard input: SARIF and the baseline use --stdin-filename ------------------------------
run check --role primary --json "$T/stdin-base.json" legacy/base.cnf
run_in "$T/repo/legacy/base.cnf" check --role primary --baseline "$T/stdin-base.json" --stdin-filename legacy/base.cnf -
is_rc 0 "-: the baseline matches a finding of standard input named by --stdin-filename"
run_in "$T/repo/legacy/base.cnf" check --role primary --format sarif --stdin-filename legacy/base.cnf -
is_js 'sorted({l["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"] for l in r.get("locations", [])})' \
	"['legacy/base.cnf']" "-: SARIF locations name the --stdin-filename"

# --- conventions ------------------------------------------------------------------------------
run check -qv configs/eu/db1.cnf
is_rc 0 "bundled short options (-qv)"
for cmd in check live resolve rules diff merge; do
	run "$cmd" -h
	is_rc 0 "$cmd -h"
	run "$cmd" --version
	is_rc 0 "$cmd --version"
	has "crashsafe 0." "$out" "$cmd --version prints the version"
done
run check --role replica --role primary configs/eu/db1.cnf
is_rc 2 "a repeated single-value option is an error"
has "option '--role' given twice" "$err" "and says which"
# the rule is the parser's, for every command and every option that takes one value
run check --project-file .crashsafe.ini --project-file=.crashsafe.ini configs/eu/db1.cnf
is_rc 2 "--project-file twice (second as --opt=VALUE) is an error"
has "option '--project-file' given twice" "$err" "... and says which"
run check --stdin-filename a.cnf --stdin-filename b.cnf -
is_rc 2 "--stdin-filename twice is an error"
run check --format json --format text configs/eu/db1.cnf
is_rc 2 "--format twice is an error"
run diff --root . --root . configs/eu/db1.cnf configs/eu/db1.cnf
is_rc 2 "diff: --root twice is an error"
has "option '--root' given twice" "$err" "... and says which"
run resolve --flavor mariadb --flavor mysql configs/eu/db1.cnf
is_rc 2 "resolve: --flavor twice is an error"
run live -u a -u b 127.0.0.1:1
is_rc 2 "live: -u twice (short form) is an error, before any connection"
has "option '--user' given twice" "$err" "... and names the long option"
run live --password=Pw1xyzzy --password=Pw2xyzzy 127.0.0.1:1
is_rc 2 "live: --password twice is an error"
hasnt "Pw1xyzzy" "$err" "... and the first password is not echoed"
hasnt "Pw2xyzzy" "$err" "... nor the second"
run check --rules "$REPO/rules" --rules "$REPO/rules" configs/eu/db1.cnf
hasnt "given twice" "$err" "--rules is repeatable"
run check -v -v -q configs/eu/db1.cnf
is_rc 0 "flags (no value) may repeat"
run check --json "$T/r.json" --sarif "$T/r.json" configs/eu/db1.cnf
is_rc 2 "two reports to one path is an error"
has "two reports to one file" "$err" "and says so"
run check --json "$T/fresh.json" --sarif "$T/./fresh.json" configs/eu/db1.cnf
is_rc 2 "two reports to one file not written yet, under two spellings, is an error"
ok "$([ ! -e "$T/fresh.json" ]; echo $?)" "... and nothing is written"
run check --json - configs/eu/db1.cnf
is_rc 0 "--json - writes the JSON report to standard output"
is_js 'doc["schema"][:17]' "crashsafe-report/" "standard output holds the JSON report (and nothing else)"
run check --json - --sarif - configs/eu/db1.cnf
is_rc 2 "two reports to standard output is an error"

tap_done
