#!/bin/bash
# inputs.t - how crashsafe reads its inputs, from the outside (TAP):
#   - every file is bounded in size and never blocks (issue 8, item 3):
#     /dev/zero and FIFOs as password file, snapshot, suppression file, rule
#     file; a directory where a file is meant;
#   - pipes and standard input as option files (issue 7, item 10);
#   - the line rule by flavor and version (issue 7, item 7);
#   - world-writable option files (issue 7, item 9);
#   - --root and includes that leave the tree (issue 7, item 11).
# Every command runs under `timeout`, so a regression that blocks fails its
# test instead of hanging the suite.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
unset NO_COLOR MYSQL_GROUP_SUFFIX
tap_scratch inputs
WRITERS=()
cleanup() {
	for p in "${WRITERS[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
LIMIT=${INPUTS_LIMIT:-30}   # seconds any one command may take
RUN_TIMEOUT=$LIMIT   # run and run_in: under timeout

lines() { printf '%s\n' "$1" | grep -c .; }

cat >"$T/good.cnf" <<'EOF'
[mysqld]
server_id = 21
gtid_mode = ON
enforce_gtid_consistency = ON
relay_log_recovery = ON
sync_binlog = 1
EOF
printf '[mysqld]\nserver_id = 22\nsync_binlog = 0\n' >"$T/unsafe.cnf"

# ==== issue 8, item 3: bounded, non-blocking reading of every file ============

run live --password-file /dev/zero 127.0.0.1:9
is_rc 2 "--password-file /dev/zero is refused"
has "/dev/zero: error: cannot read the password file" "$err" "it says which file is wrong"
has "not a regular file" "$err" "and why: a device is not a password file"
[ "$(lines "$err")" -eq 1 ]; ok $? "in one line"

mkfifo "$T/pw.fifo"
run live --password-file "$T/pw.fifo" 127.0.0.1:9
is_rc 2 "a --password-file FIFO nobody writes to is an error, not a hang"
has "no process writes" "$err" "it says the FIFO has no writer"
[ "$secs" -lt 8 ]; ok $? "it gives up within seconds ($secs s)"

printf 'Sekr1t\n' >"$T/pw-ok"
head -c 4097 /dev/zero | tr '\0' 'x' >"$T/pw-big"
run live --password-file "$T/pw-big" 127.0.0.1:9
is_rc 2 "a password file over 4 KiB is refused"
has "larger than 4 KiB" "$err" "with the limit"

run check --variables /dev/zero
is_rc 2 "check --variables /dev/zero stops at the snapshot limit"
has "longer than 64 MiB" "$err" "and names the limit"

run check --suppress /dev/zero "$T/good.cnf"
is_rc 2 "--suppress /dev/zero is refused"
has "character device, not a regular file" "$err" "as a device"
run check --suppress "$T" "$T/good.cnf"
is_rc 2 "--suppress DIR is refused (it was silently accepted)"
has "is a directory, not a regular file" "$err" "as a directory"

mkdir "$T/rules-fifo"
mkfifo "$T/rules-fifo/trap.ini"
run check --rules "$T/rules-fifo" "$T/good.cnf"
is_rc 2 "a FIFO inside a --rules directory is refused, not read forever"
has "trap.ini: error: cannot read rule file: is a FIFO or pipe" "$err" "naming the file, in one line"

mkdir "$T/rules-big"
{ echo '[big-rule]'; head -c $((5 * 1024 * 1024)) /dev/zero | tr '\0' ';'; } >"$T/rules-big/big.ini"
run check --rules "$T/rules-big" "$T/good.cnf"
is_rc 2 "a rule file over 4 MiB is refused"
has "larger than 4 MiB" "$err" "with the limit"

mkdir "$T/catalog-fifo"
cp "$REPO"/rules/*.ini "$T/catalog-fifo/"
rm "$T/catalog-fifo/variables.ini"
mkfifo "$T/catalog-fifo/variables.ini"
CRASHSAFE_RULES_DIR="$T/catalog-fifo" run check "$T/good.cnf"
is_rc 2 "a FIFO as the variable catalog is refused"
has "variables.ini: error: cannot read the variable catalog: is a FIFO" "$err" "and says so"

# ==== issue 7, item 10: pipes and standard input ================================

run_in "$T/unsafe.cnf" check --no-color -
is_rc 1 "check - reads standard input as one server's option file"
has "<stdin> (file" "$out" "the target is named <stdin>"
has "<stdin>:3" "$out" "and findings point at its lines"
run check --no-color <(cat "$T/unsafe.cnf")
is_rc 1 "check <(...) reads the pipe (it audited an empty file before)"
has "sync_binlog is 0" "$out" "the value from the pipe is seen"
timeout "$LIMIT" "$CRASHSAFE" check --no-color /dev/stdin <"$T/unsafe.cnf" >"$T/out" 2>&1
rc=$?; out=$(cat "$T/out")
is_rc 1 "check /dev/stdin reads standard input"
has "sync_binlog is 0" "$out" "and sees its values"
timeout "$LIMIT" "$CRASHSAFE" resolve --raw <(printf '[mysqld]\nsync_binlog = 0\n[client]\nx=1\n') \
	>"$T/out" 2>"$T/err"
rc=$?; out=$(cat "$T/out")
is_rc 0 "resolve --raw <(...)"
[ "$out" = "--sync_binlog=0" ]; ok $? "prints what my_print_defaults prints for the pipe"
MPD=$(command -v my_print_defaults || true)
if [ -n "$MPD" ]; then
	want=$("$MPD" --defaults-file=<(printf '[mysqld]\na=1\n!include inc.cnf\n') --mysqld 2>/dev/null)
	(cd "$T" && printf '[mysqld]\nfrom_inc=1\n' >inc.cnf &&
	 timeout "$LIMIT" "$CRASHSAFE" resolve --raw --flavor mariadb \
		<(printf '[mysqld]\na=1\n!include inc.cnf\n') >"$T/out" 2>"$T/err")
	got=$(cat "$T/out")
	want=$(cd "$T" && "$MPD" --defaults-file=<(printf '[mysqld]\na=1\n!include inc.cnf\n') --mysqld)
	[ "$got" = "$want" ] && [ "$got" = "$(printf -- '--a=1\n--from_inc=1')" ]
	ok $? "a pipe's !include resolves in the working directory, as my_print_defaults does"
else
	echo "# SKIP my_print_defaults not installed: pipe include oracle"
	ok 0 "# SKIP my_print_defaults not installed"
fi
run_in "$T/unsafe.cnf" check - --variables -
is_rc 2 "standard input given twice is a usage error"
has "only once" "$err" "and says why"

mkfifo "$T/silent.fifo"
run check --no-color "$T/silent.fifo" "$T/good.cnf"
is_rc 2 "a FIFO without a writer is an error for that target, not a hang"
has "silent.fifo: error: cannot read option file" "$err" "the error names the FIFO"
has "no process writes" "$err" "and says why"
is "$(grep -c 'no process writes' <<<"$err")" 1 "... once (the reader's error and the target's were the same line twice)"
has "good.cnf (file" "$out" "the other target is still audited"
[ "$secs" -lt 8 ]; ok $? "within seconds ($secs s)"

# A FIFO with a slow writer is read (the writer opens it, then writes later).
mkfifo "$T/slow.fifo"
( sleep 1; cat "$T/unsafe.cnf" ) >"$T/slow.fifo" &
WRITERS+=($!)
run check --no-color "$T/slow.fifo"
is_rc 1 "a FIFO whose writer is slow is read once it writes"
has "sync_binlog is 0" "$out" "with its content"

run check /dev/zero "$T/good.cnf"
is_rc 2 "check /dev/zero stops at the stream limit"
has "longer than 16 MiB" "$err" "with the documented limit"
has "good.cnf (file" "$out" "the other target is still audited"

# ==== issue 7, item 7: the line rule by flavor and version ======================

{ printf '[mysqld]\nserver_id = 5\nlog_bin\n#'; head -c 4093 /dev/zero | tr '\0' 'x'; printf 'sync_binlog = 0\n'; } \
	>"$T/long.cnf"
for case in "mariadb 10.11 cut" "mysql 5.7 cut" "mysql 8.0.21 cut" "percona 8.0.21 cut" \
	    "mysql 8.0.25 whole" "mysql 8.0.36 whole" "mysql 8.4 whole" "percona 8.4 whole" \
	    "mysql 9.1 whole"; do
	set -- $case
	run resolve --raw --flavor "$1" --server-version "$2" "$T/long.cnf"
	if [ "$3" = cut ]; then
		[ "$out" = "$(printf -- '--server_id=5\n--log_bin\n--sync_binlog=0')" ]
		ok $? "$1 $2 cuts the comment at 4094 bytes: its tail is a setting"
	else
		[ "$out" = "$(printf -- '--server_id=5\n--log_bin')" ]
		ok $? "$1 $2 reads the long comment whole: no setting"
	fi
done
run resolve --raw --flavor mariadb --server-version 10.11 "$T/long.cnf"
has "longer than 4094 bytes" "$err" "a cut line is a warning"
run resolve --raw --flavor mysql --server-version 8.0.23 "$T/long.cnf"
[ "$out" = "$(printf -- '--server_id=5\n--log_bin')" ]; ok $? "MySQL 8.0.23 (not confirmed) is read whole"
has "8.0.22 to 8.0.24 are not confirmed" "$err" "with a warning saying the release is not confirmed"
run resolve --raw --flavor mysql --server-version 8.0 "$T/long.cnf"
has "not confirmed" "$err" "8.0 without a patch release warns too"
run check -v --no-color --server-version 8.4 "$T/long.cnf"
has "sync_binlog is 1 (default for MySQL 8.4)" "$out" "check as MySQL 8.4: sync_binlog stays at its default"
run check --no-color --flavor mariadb "$T/long.cnf"
has "sync_binlog is 0" "$out" "check as MariaDB: the tail sets sync_binlog = 0"
has "long.cnf:5" "$out" "on line 5, as the server counts"

# ==== issue 7, item 9: world-writable option files =============================

cp "$T/good.cnf" "$T/ww.cnf"
chmod 666 "$T/ww.cnf"
run check --no-color "$T/ww.cnf"
is_rc 1 "a world-writable option file fails (the server will not read it)"
has "option-file-syntax" "$out" "as an option-file finding"
has "will not read it" "$out" "saying the server will not read it"
has "ww.cnf: error: world-writable option file" "$err" "and on standard error without -v"
printf '[mysqld]\nserver_id = 23\n!include %s\n' "$T/ww.cnf" >"$T/inc-ww.cnf"
run check --no-color "$T/inc-ww.cnf"
is_rc 1 "an included world-writable file fails too"
has "line 3: world-writable option file" "$out" "at the directive that names it"

# ==== issue 7, item 11: --root and includes leaving the tree ====================

mkdir -p "$T/repo/etc/mysql/conf.d" "$T/repo/etc/alternatives"
cat >"$T/repo/etc/mysql/mariadb.cnf" <<'EOF'
[mysqld]
server_id = 31
!includedir /etc/mysql/conf.d/
EOF
ln -s /etc/alternatives/my.cnf "$T/repo/etc/mysql/my.cnf"
ln -s /etc/mysql/mariadb.cnf "$T/repo/etc/alternatives/my.cnf"
printf '[mysqld]\nrelay_log_recovery = OFF\n' >"$T/repo/etc/mysql/conf.d/50-repl.cnf"

run resolve --raw --root "$T/repo" "$T/repo/etc/mysql/mariadb.cnf"
[ "$out" = "$(printf -- '--server_id=31\n--relay_log_recovery=OFF')" ]
ok $? "--root reads an absolute !includedir under the root"
hasnt "outside" "$err" "no warning with --root"
run resolve --root "$T/repo" "$T/repo/etc/mysql/mariadb.cnf"
has "# file: $T/repo/etc/mysql/conf.d/50-repl.cnf (included from $T/repo/etc/mysql/mariadb.cnf:3)" \
	"$out" "the included file is named ROOT/path, with its include chain"
run resolve --raw --root "$T/repo"
[ "$out" = "$(printf -- '--server_id=31\n--relay_log_recovery=OFF')" ]
ok $? "--root without FILE: the default files under the root, through absolute symlinks"
run check --no-color --root "$T/repo" --flavor mariadb
has "$T/repo/etc/mysql/conf.d/50-repl.cnf:2" "$out" "check --root reports the repository's file and line"
(cd "$T/repo" && timeout "$LIMIT" "$CRASHSAFE" resolve --root . etc/mysql/mariadb.cnf >"$T/out" 2>"$T/err")
out=$(cat "$T/out")
has "# file: etc/mysql/conf.d/50-repl.cnf" "$out" "--root . names files relative to the repository"

run resolve --raw "$T/repo/etc/mysql/mariadb.cnf"
has "'!includedir /etc/mysql/conf.d/' reads '/etc/mysql/conf.d" "$err" \
	"without --root, an include leaving the tree is a warning naming the path"
has "--root" "$err" "that suggests --root"
hasnt "relay_log_recovery=OFF" "$out" "(and the repository's conf.d is not read)"
run check --no-color "$T/repo/etc/mysql/mariadb.cnf"
has "outside '$T/repo/etc/mysql'" "$err" "check prints that warning without -v"
printf '[mysqld]\n!include conf.d/50-repl.cnf\n' >"$T/repo/etc/mysql/rel.cnf"
(cd "$T/repo/etc/mysql" && timeout "$LIMIT" "$CRASHSAFE" resolve --raw rel.cnf >"$T/out" 2>"$T/err")
err=$(cat "$T/err")
hasnt "outside" "$err" "an include inside the tree gets no warning"
run check --root "$T/no-such-dir" "$T/good.cnf"
is_rc 2 "--root must be a directory"

tap_done
