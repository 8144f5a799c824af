#!/bin/bash
# targets.t - which servers a run audits, and which file it reads for each
# (breaker7's findings 1, 2 and the small ones about targets):
#   1. an inventory section is a server the user declared: always its own
#      target, with its own name, role and cluster, even when its config is
#      another section's file or included by another section's file (it was
#      dropped, a note under -v only: a primary with sync_binlog=0 passed,
#      and server-id-unique could not fire); the old rule stays for FILE
#      operands (an included file is not a target, one file under two
#      spellings is one); merge of shards still equals the unsharded run;
#   2. check/resolve --root DIR FILE, FILE inside DIR a symbolic link with an
#      absolute target (Debian's etc/mysql/my.cnf -> /etc/alternatives/my.cnf):
#      followed under DIR, as the man page promises for --root, never to
#      this machine's /etc (whose lines were reported under the repository
#      file's name); without --root, a FILE in a repository that leads out of
#      it is warned about;
#   3. a hard link is one file with its other names, as a symbolic link is
#      (same device and inode); a missing FILE is reported once; an
#      inventory config that cannot be read names the inventory's file:line.
# TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
PY=/usr/bin/python3
tap_scratch targets

js() {   # js FILE EXPR: EXPR over the JSON report FILE (as doc)
	$PY -c 'import json,sys; doc=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- 1. inventory sections are servers ------------------------------------------
mkdir -p "$T/inv"
cd "$T/inv" || exit 1
# a replica's file includes its primary's ("replica = primary + overrides")
printf '[mysqld]\nserver_id=1\nlog_bin=b\nsync_binlog=0\n' >prim.cnf
printf '!include prim.cnf\n[mysqld]\nserver_id=2\nsync_binlog=1\nrelay_log_recovery=ON\n' >repl.cnf
printf '[p]\nconfig = prim.cnf\nrole = primary\n[r]\nconfig = repl.cnf\nrole = replica\n' >incl.ini
run check -v --format json --inventory incl.ini
is "$rc" 1 "a primary whose file its replica includes is audited: exit 1 (its sync_binlog=0 fails)"
is "$(js "$T/out" '[t["name"] for t in doc["targets"]]')" "['p', 'r']" "... both sections are targets, by their names"
is "$(js "$T/out" '[f["status"] for t in doc["targets"] if t["name"]=="p" for f in t["findings"] if f["rule_id"]=="sync-binlog"]')" \
	"['fail']" "... and p's sync-binlog fails"
hasnt "not a target" "$err" "... no section is 'not a target', even under -v"
is "$(js "$T/out" '[t["fleet"]["file"] for t in doc["targets"]]')" "[None, None]" \
	"... a section's fleet.file is null (merge never drops a declared server)"
is "$(js "$T/out" '[t["fleet"]["includes"] for t in doc["targets"]]')" "[[], ['prim.cnf']]" \
	"... its includes are still reported"

# two servers running with one template file
printf '[mysqld]\nserver_id=7\nlog_bin=b\n' >shared.cnf
printf '[primary1]\nconfig = shared.cnf\nrole = primary\ncluster = c1\n[replica1]\nconfig = ./shared.cnf\nrole = replica\ncluster = c1\n' >shared.ini
run check -q --no-color --inventory shared.ini
is "$rc" 1 "two sections with one file: exit 1"
like "$out" "^primary1 .*role primary, cluster c1" "... primary1 is a target with its role and cluster"
like "$out" "^replica1 .*role replica, cluster c1" "... and so is replica1"
has "server_id 7 is also used by 1 other target of cluster 'c1': replica1" "$out" "... server-id-unique fires on the shared server_id"
like "$out" "relay-log-recovery: relay_log_recovery is OFF" "... and the replica's own rules are evaluated"
run check --list-targets --inventory shared.ini
hasnt "(not a target)" "$out" "--list-targets: both sections are targets"
has "role     replica (inventory shared.ini:7 [replica1])" "$out" "... replica1 with its own role"

# FILE operands keep the documented rule
run check -v -q prim.cnf repl.cnf
has "prim.cnf: note: not a target: included by repl.cnf" "$err" "FILE operands: a file another target includes is still not a target"
like "$out" "^1 target:" "... one target"
run check -v -q shared.cnf ./shared.cnf
like "$out" "^1 target:" "FILE operands: one file under two spellings is still one target"
# a FILE operand that a section's file includes is part of that server
run check -v -q --inventory incl.ini prim.cnf
has "prim.cnf: note: not a target: included by r" "$err" "a FILE operand a section includes is part of that section's server"
like "$out" "^2 targets:" "... two targets: the sections"

# merge of shards equals the unsharded run (the sections fall in different shards)
printf '[p]\nconfig = prim.cnf\nrole = primary\n[r]\nconfig = repl.cnf\nrole = replica\n[s1]\nconfig = shared.cnf\ncluster = c1\n[s2]\nconfig = ./shared.cnf\ncluster = c1\n' >all.ini
"$CRASHSAFE" check --inventory all.ini prim.cnf shared.cnf --format json >all.json 2>/dev/null
is "$(js all.json 'len(doc["targets"])')" 5 "an inventory of four sections and two FILEs: 5 targets (the FILE p's file is dropped, included by r)"
for N in 2 3; do
	for i in $(seq 1 $N); do
		"$CRASHSAFE" check --inventory all.ini prim.cnf shared.cnf --shard "$i/$N" --json "s$N-$i.json" -q >/dev/null 2>&1
	done
	"$CRASHSAFE" merge --format json s"$N"-*.json >"m$N.json" 2>/dev/null
	cmp -s all.json "m$N.json"
	ok $? "merge of $N shards equals the unsharded run"
done

# ---- 2. --root DIR and a FILE whose link leaves DIR ------------------------------
# Debian's layout as committed to a repository: my.cnf -> /etc/alternatives/my.cnf -> /etc/mysql/mysql.cnf.
mkdir -p "$T/host/etc/mysql/mysql.conf.d" "$T/host/etc/mysql/conf.d" "$T/host/etc/alternatives"
cd "$T/host" || exit 1
printf '[mysqld]\nlog_bin=b\n!includedir /etc/mysql/conf.d/\n!includedir /etc/mysql/mysql.conf.d/\n' >etc/mysql/mysql.cnf
printf '[mysqld]\nserver_id=3\nsync_binlog=0\n' >etc/mysql/mysql.conf.d/mysqld.cnf
printf '[mysql]\nuser=x\n' >etc/mysql/conf.d/mysql.cnf
ln -s /etc/alternatives/my.cnf etc/mysql/my.cnf
ln -s /etc/mysql/mysql.cnf etc/alternatives/my.cnf
"$CRASHSAFE" check --format gcc --fail-on never etc/mysql >"$T/dir.gcc" 2>"$T/dir.err"
run check --format gcc --fail-on never --root . etc/mysql/my.cnf
has "etc/mysql/mysql.conf.d/mysqld.cnf:3: error: sync_binlog is 0" "$out" \
	"--root . etc/mysql/my.cnf: the tree's mysql.cnf is read (sync-binlog fails at the tree's line)"
unlike "$out" "^etc/mysql/my.cnf:[0-9]" "... no line of another file is reported under the link's name"
hasnt "/etc/mysql/mariadb" "$out$err" "... nothing of this machine's /etc/mysql is read"
cmp -s "$T/out" "$T/dir.gcc"
ok $? "... the same report as the directory form (check etc/mysql)"
run resolve --root . etc/mysql/my.cnf
has "sync_binlog=0  etc/mysql/mysql.conf.d/mysqld.cnf:3" "$out" "resolve --root . etc/mysql/my.cnf reads the tree's files too"
rm etc/alternatives/my.cnf
run check -q --root . etc/mysql/my.cnf
is "$rc" 2 "the link's target is not in the tree: exit 2, not this machine's file"
has "a symbolic link on its way leads to './etc/alternatives/my.cnf' under --root '.'" "$err" "... saying where the link leads"
ln -s /etc/mysql/mysql.cnf etc/alternatives/my.cnf
# a FILE inside a repository whose link leaves it, without --root: a warning
mkdir .git
run check -q --fail-on never etc/mysql/my.cnf
like "$err" "etc/mysql/my\.cnf: warning: a symbolic link out of the repository .*: this machine's file is audited" \
	"without --root, a FILE leading out of its repository is warned about"
run check -q --fail-on never etc/mysql/mysql.conf.d/mysqld.cnf
hasnt "symbolic link" "$err" "... a FILE that is no link is not"
rmdir .git

# ---- 3. hard links, a missing FILE, an unreadable inventory config ---------------
cd "$T/inv" || exit 1
cp prim.cnf real.cnf
ln -f real.cnf hard.cnf
ln -sf real.cnf sym.cnf
run check -v -q real.cnf hard.cnf sym.cnf
like "$out" "^1 target:" "a hard link and a symbolic link of one file: one target"
has "hard.cnf: note: not a target: the same file as real.cnf" "$err" "... the hard link says which file it is"
printf '[mysqld]\nserver_id=5\n!include %s/hard.cnf\n' "$T/inv" >inch.cnf
run check -v -q inch.cnf real.cnf
has "real.cnf: note: not a target: included by inch.cnf" "$err" "a FILE included under another hard link's name is not a target"
run check -q nonexist.cnf
is "$rc" 2 "a missing FILE: exit 2"
is "$(printf '%s\n' "$err" | grep -c 'nonexist.cnf')" 1 "... reported once on standard error"
printf '[a]\nconfig = nonexist.cnf\n' >miss.ini
run check -q --inventory miss.ini
is "$rc" 2 "an inventory config that cannot be read: exit 2"
has "crashsafe: a: error: config 'nonexist.cnf' (miss.ini:2): cannot read: No such file or directory" "$err" \
	"... the error names the inventory's file:line"
is "$(printf '%s\n' "$err" | grep -c .)" 1 "... once"

tap_done
