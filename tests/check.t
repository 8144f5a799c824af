#!/bin/bash
# check.t - `crashsafe check` and `crashsafe rules` from the outside: exit
# statuses (0/1/2/3 and --fail-on), unreadable inputs, --rules DIR, the rule
# listing and explanation, report files, suppressions. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
unset NO_COLOR
tap_scratch check

# A MySQL 8.4 GTID replica with every error-level setting right (warnings remain: sync-relay-log n/a, ...).
cat >"$T/safe.cnf" <<'EOF'
[mysqld]
server_id = 11
gtid_mode = ON
enforce_gtid_consistency = ON
relay_log_recovery = ON
read_only = ON
super_read_only = ON
EOF
# Only a warning-level failure: binlog_format MIXED.
cat >"$T/warn.cnf" <<'EOF'
[mysqld]
server_id = 12
gtid_mode = ON
enforce_gtid_consistency = ON
relay_log_recovery = ON
binlog_format = MIXED
EOF
# The classic unsafe replica.
cat >"$T/unsafe.cnf" <<'EOF'
[mysqld]
server_id = 13
sync_binlog = 0
EOF

# --- help --------------------------------------------------------------
run check --help
is_rc 0 "check --help"
has "MySQL 8.4" "$out" "--help documents the default flavor and version"
has "role any" "$out" "--help documents the default role"
has "Exit status" "$out" "--help documents the exit statuses"
has "--fail-on" "$out" "--help lists the common options"
has "--variables" "$out" "--help lists --variables"

# --- exit statuses -------------------------------------------------------
run check --no-color "$T/safe.cnf"
is_rc 0 "a crash-safe replica config exits 0"
run check --no-color "$T/unsafe.cnf"
is_rc 1 "an unsafe config exits 1"
has "relay-log-recovery" "$out" "the report names the failed rule"
has "unsafe.cnf:3" "$out" "the report names the file and line of the value"
run check --fail-on never "$T/unsafe.cnf"
is_rc 0 "--fail-on never exits 0 despite failures"
run check "$T/warn.cnf"
is_rc 0 "a warning-only failure passes the default --fail-on error"
run check --fail-on warning "$T/warn.cnf"
is_rc 1 "--fail-on warning fails on it"
run check --fail-on info "$T/warn.cnf"
is_rc 1 "--fail-on info fails on it too"
run check --fail-on sometimes "$T/warn.cnf"
is_rc 2 "a bad --fail-on value is a usage error"
run check --role boss "$T/safe.cnf"
is_rc 2 "a bad --role is a usage error"
run check --flavor oracle "$T/safe.cnf"
is_rc 2 "a bad --flavor is a usage error"
run check --no-such-option "$T/safe.cnf"
is_rc 2 "an unknown option is a usage error"
has "crashsafe: error:" "$err" "usage errors use the message grammar"

# --- unreadable input: exit 2, the other files still audited ---------------
run check --no-color "$T/missing.cnf" "$T/unsafe.cnf"
is_rc 2 "an unreadable FILE exits 2"
has "crashsafe: $T/missing.cnf: error: cannot read" "$err" "it says which file and why, in the message grammar"
has "unsafe.cnf" "$out" "the other file is still audited and reported"
run check "$T"
is_rc 2 "a directory without an entry file (my.cnf ...) exits 2"
has "a directory without an entry file" "$err" "and says so"

# --- exit 3: an error-severity rule that could not be evaluated ------------
printf 'version\t8.0.36\nversion_comment\tMySQL Community Server - GPL\nserver_id\t5\n' >"$T/vars.tsv"
run check --no-color --role replica --variables "$T/vars.tsv"
is_rc 3 "a snapshot without relay_log_recovery cannot be judged: exit 3"
has "could not evaluate" "$out" "the report says what could not be evaluated"
run check --no-color --fail-on never --role replica --variables "$T/vars.tsv"
is_rc 3 "--fail-on never does not hide what could not be checked"

# --- flavor and version --------------------------------------------------
run check --no-color -v --server-version 10.11 "$T/unsafe.cnf"
has "MariaDB 10.11" "$out" "a version of 10 or more without --flavor is MariaDB"
run check --no-color -v --flavor mariadb "$T/unsafe.cnf"
has "MariaDB 10.11" "$out" "--flavor mariadb defaults to 10.11"
run check --no-color -v --flavor mysql --server-version 5.7 "$T/unsafe.cnf"
has "MySQL 5.7" "$out" "--server-version is used"
has "relay-log-info-repository" "$out" "5.7 gets the repository rules"

# --- colour only on a terminal -------------------------------------------
run check "$T/unsafe.cnf"
hasnt $'\033[' "$out" "no colour codes when stdout is not a terminal"
if command -v script >/dev/null 2>&1; then
	script -qfec "NO_COLOR=1 $CRASHSAFE check $T/unsafe.cnf" /dev/null >"$T/tty" 2>&1
	hasnt $'\033[' "$(cat "$T/tty")" "NO_COLOR turns colour off on a terminal"
	script -qfec "$CRASHSAFE check --no-color $T/unsafe.cnf" /dev/null >"$T/tty" 2>&1
	hasnt $'\033[' "$(cat "$T/tty")" "--no-color turns colour off on a terminal"
	script -qfec "$CRASHSAFE check $T/unsafe.cnf" /dev/null >"$T/tty" 2>&1
	has $'\033[' "$(cat "$T/tty")" "colour on a terminal by default"
else
	for i in 1 2 3; do skip "script(1) not installed"; done
fi

# --- report files ----------------------------------------------------------
run check --junit "$T/r.xml" --json "$T/r.json" --sarif "$T/r.sarif" --text "$T/r.txt" "$T/unsafe.cnf"
is_rc 1 "report files do not change the exit status"
for f in r.xml r.json r.sarif r.txt; do
	[ -s "$T/$f" ]
	ok $? "--${f#r.} FILE is written"
done
has "relay-log-recovery" "$(cat "$T/r.xml")" "the JUnit file holds the findings"
run check --format json "$T/unsafe.cnf"
has '"rule_id"' "$out" "--format json writes JSON on stdout"
run check --junit /nonexistent-dir/r.xml "$T/safe.cnf"
is_rc 2 "a report that cannot be written exits 2"
has "/nonexistent-dir/r.xml" "$err" "and names the file"

# --- --rules DIR ----------------------------------------------------------
mkdir -p "$T/bad" "$T/good"
cat >"$T/bad/site.ini" <<'EOF'
; a site rule with a mistake on line 5
[site-sync-binlog]
severity = warning
title    = Site rule
require  = sync_binlog = 1
why      = w
fix      = sync_binlog = 1
EOF
run check --rules "$T/bad" "$T/safe.cnf"
is_rc 2 "a malformed rule file exits 2"
has "crashsafe: $T/bad/site.ini:5: error:" "$err" "the error names the rule file and line"
[ -z "$out" ]
ok $? "nothing is audited when a rule file is bad"
cat >"$T/good/site.ini" <<'EOF'
[site-buffer-pool]
severity = info
title    = Site: the binary log is kept
require  = log_bin == ON
why      = Our backups need it.
fix      = log_bin = ON
EOF
run check --no-color -v --rules "$T/good" "$T/safe.cnf"
is_rc 0 "a good extra rule file loads"
has "site-buffer-pool" "$out" "its rule is evaluated"
run rules --rules "$T/good"
has "site-buffer-pool" "$out" "and listed by 'rules --rules DIR'"
cp "$T/good/site.ini" "$T/bad/dup.ini"
printf '[relay-log-recovery]\nseverity = info\ntitle = t\nrequire = true\nwhy = w\nfix = f\n' >"$T/bad/site.ini"
run check --rules "$T/bad" "$T/safe.cnf"
is_rc 2 "a rule id that already exists is an error"
has "duplicate rule id 'relay-log-recovery'" "$err" "the duplicate is named"

# --- suppressions -----------------------------------------------------------
cat >"$T/suppress.ini" <<'EOF'
[relay-log-recovery]
target = */unsafe.cnf
reason = ticket DBA-42: replica rebuilt nightly
[sync-binlog]
target = */unsafe.cnf
reason = ticket DBA-43
[server-id-set]
reason = ids are set by the provisioning tool
EOF
run check --no-color -v --suppress "$T/suppress.ini" "$T/unsafe.cnf"
is_rc 0 "suppressed failures do not fail the run"
has "DBA-42" "$out" "the suppression reason is reported"
printf '[relay-log-recovery]\ntarget = x\n' >"$T/bad-suppress.ini"
run check --suppress "$T/bad-suppress.ini" "$T/unsafe.cnf"
is_rc 2 "a suppression without a reason is refused"

# --- crashsafe rules ------------------------------------------------------
run rules
is_rc 0 "rules lists the rules"
for id in relay-log-recovery relay-log-info-repository master-info-repository sync-relay-log-info \
	sync-master-info sync-binlog innodb-flush-log-at-trx-commit replica-read-only \
	replica-super-read-only gtid-mode gtid-strict-mode server-id-set server-id-unique \
	binlog-format-row log-replica-updates preserve-commit-order removed-option option-file-syntax; do
	echo "$out" | grep -q "^[a-z0-9-]*  *$id  *\(error\|warning\|info\)  "
	ok $? "rules lists $id with its severity"
done
run rules relay-log-recovery
is_rc 0 "rules relay-log-recovery explains it"
for field in "severity:" "applies:" "require:" "why:" "fix:" "doc:" "https://"; do
	has "$field" "$out" "the explanation has $field"
done
has "(MariaDB)" "$out" "and the MariaDB-specific text"
run rules no-such-rule
is_rc 2 "an unknown rule id exits 2"
has "no rule 'no-such-rule'" "$err" "and says so"

# A report path that is a FIFO (like /dev/stdout or /dev/null) is written in
# place, never replaced by the atomic rename.
mkfifo "$T/fifo"
timeout 10 cat "$T/fifo" >"$T/fifo.out" &
reader=$!
run check --fail-on never --json "$T/fifo" "$REPO/examples/mysql-8.4/replica-safe.cnf"
wait "$reader"
[ -p "$T/fifo" ]
ok $? "--json FIFO leaves the FIFO in place"
has '"schema"' "$(cat "$T/fifo.out")" "--json FIFO: the report went through the FIFO"

# Where a fix for a value left at its default goes: under the last group the
# server reads, never under one it skips ([client], [mysqldump], another
# release's [mysqld-8.0]): a line added there changes nothing and breaks the
# client tools that do read it (breaker7 finding 4).
printf '[client]\nuser = x\n' >"$T/client-only.cnf"
printf '[mysqld_safe]\nnice = 0\n[mysqldump]\nquick\n' >"$T/tools-only.cnf"
printf '[mysqld-8.0]\nserver_id = 1\n' >"$T/mysqld80.cnf"
printf '[server]\nserver_id = 1\n' >"$T/server-group.cnf"
run check --fail-on never "$T/client-only.cnf"
has "(add under [mysqld] in $T/client-only.cnf)" "$out" "fix location: only [client] in the file: a [mysqld] group to add"
hasnt "add under [client]" "$out" "fix location: never under [client]"
run check --fail-on never "$T/tools-only.cnf"
hasnt "add under [mysqldump]" "$out" "fix location: never under [mysqldump]"
has "(add under [mysqld] in $T/tools-only.cnf)" "$out" "fix location: only client tools' groups: a [mysqld] group to add"
run check --fail-on never --server-version 8.4 "$T/mysqld80.cnf"
has "(add under [mysqld] in $T/mysqld80.cnf)" "$out" "fix location: 8.4 does not read [mysqld-8.0]"
run check --fail-on never --server-version 8.0 "$T/mysqld80.cnf"
has "(add under [mysqld-8.0], $T/mysqld80.cnf:1)" "$out" "fix location: 8.0 reads [mysqld-8.0]: under it"
run check --fail-on never --flavor mariadb "$T/server-group.cnf"
has "(add under [server], $T/server-group.cnf:1)" "$out" "fix location: MariaDB reads [server]: under it"
run check --fail-on never --format gcc "$T/client-only.cnf"
hasnt "client-only.cnf:1:" "$out" "fix location: gcc names no line of the [client] group"

# A project file with errors audits nothing (docs/project.md: exit 2, nothing
# audited), and each error is found with its file:line: a section without keys
# whose name is unknown, a key given twice in one section (breaker7 finding 8).
mkdir -p "$T/proj/.git" "$T/proj/configs"
printf '[mysqld]\nserver_id = 2\n' >"$T/proj/configs/db2.cnf"
printf '[defaults]\nrole = replica\n[weird]\n' >"$T/proj/empty-unknown.ini"
printf '[defaults]\nrole = replica\n[target "configs/*"]\n' >"$T/proj/typo.ini"
printf '[defaults]\nrole = replica\nrole = primary\n' >"$T/proj/twice.ini"
printf '[defaults]\nfail-on = error\nfail-on = warning\n' >"$T/proj/twice-fail-on.ini"
for case in "empty-unknown.ini:3: error: unknown section [weird]" \
	"typo.ini:3: error: unknown section [target \"configs/*\"]" \
	"twice.ini:3: error: 'role' is given twice in [defaults] (line 2, then here)" \
	"twice-fail-on.ini:3: error: 'fail-on' is given twice in [defaults] (line 2, then here)"; do
	pf=${case%%:*}
	rm -f "$T/proj/out.json"
	RUN_DIR=$T/proj run check --project-file "$pf" --json out.json configs/db2.cnf
	is_rc 2 "project file $pf: exit 2"
	has "$case" "$err" "project file $pf: the error at its line"
	has "nothing audited: the project file has errors" "$err" "project file $pf: says nothing was audited"
	is "$out" "" "project file $pf: no report"
	[ ! -e "$T/proj/out.json" ]
	ok $? "project file $pf: no report file written"
done
RUN_DIR=$T/proj run diff --project-file twice.ini configs/db2.cnf configs/db2.cnf
is_rc 2 "diff with a project file with errors: exit 2"
is "$out" "" "diff with a project file with errors: no report"
RUN_DIR=$T/proj run check --project-file twice.ini --list-targets configs/db2.cnf
is_rc 2 "--list-targets with a project file with errors: exit 2 (the list still shown)"

# A version no release has is refused wherever it is declared, as --server-version
# refuses it (an annotation, a project file and an inventory accepted 7.0 and audited
# "MySQL 7.0"); a flavor's missing release is said in English ("never had release 8.0").
printf '# crashsafe: version=7.0\n[mariadb]\nserver_id = 1\n' >"$T/v70.cnf"
run check -q --fail-on never "$T/v70.cnf"
is_rc 2 "annotation version=7.0: exit 2"
has "v70.cnf:1: error: crashsafe annotation: version '7.0' is a version no MySQL, Percona Server or MariaDB release has" "$err" "annotation version=7.0: an error at its line"
mkdir -p "$T/v70/.git"
printf '[mariadb]\nserver_id = 1\n' >"$T/v70/a.cnf"
printf '[defaults]\nversion = 7.0\n' >"$T/v70/.crashsafe.ini"
RUN_DIR=$T/v70 run check -q a.cnf
is_rc 2 "project file version = 7.0: exit 2"
has ".crashsafe.ini:2: error: version '7.0' is a version no MySQL, Percona Server or MariaDB release has" "$err" "project file version = 7.0: an error at its line"
printf '[a]\nconfig = a.cnf\nversion = 7.0\n' >"$T/v70/inv.ini"
rm -f "$T/v70/.crashsafe.ini"
RUN_DIR=$T/v70 run check -q --inventory inv.ini
is_rc 2 "inventory version = 7.0: exit 2"
has "inv.ini:3: error" "$err" "inventory version = 7.0: an error at its line"
has "version '7.0' is a version no MySQL, Percona Server or MariaDB release has" "$err" "inventory version = 7.0: says why"
run check -q --flavor mariadb --server-version 8.0 "$T/v70/a.cnf"
has "MariaDB never had release 8.0 (its series:" "$err" "--flavor mariadb --server-version 8.0: said in English"

# A fact said in words, and a true "defined(X) && X == V" said once (fixlive's
# channels_slave_pos read "channels_slave_pos is known and channels_slave_pos is ON").
awk '/^--- gtid.cap/{f=1;next} /^--- /{f=0} f' "$REPO/tests/rules/sync-relay-gtid-mariadb.case" >"$T/gtid.cap"
run check -v --fail-on never --variables "$T/gtid.cap"
has "not applicable (warning) sync-relay-log: every replication channel uses the GTID position (Using_Gtid Slave_Pos) ($T/gtid.cap:5)" "$out" "channels_slave_pos ON said in words, once"
unlike "$out" 'channels_slave_pos|is known and' "no internal fact name, no 'is known and' before the value that says it"
# A capture whose channel count disagrees with its channel lines: the channel rules could not be evaluated
grep -v '^# channel' "$REPO/examples/topology/m.capture" >"$T/cut.capture"
run check --fail-on never --variables "$T/cut.capture"
has "could not evaluate (error) replica-applier-running" "$out" "a cut capture: its channel rules could not be evaluated"
has "cut.capture:7: warning: replication_channels says 2 but the capture has 0 '# channel' lines" "$err" "... and a warning says why, without -v"

tap_done
