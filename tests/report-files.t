#!/bin/bash
# report-files.t - writing report files safely, and the permission checks
# of files crashsafe reads secrets from (issue 8, item 7).
#
# Permission behaviour is tested as an unprivileged user (root may write a
# read-only file): under root (CI) every run goes through `runuser -u
# nobody` on a directory nobody owns. A report replaces the old one only
# when complete (temporary file in the same directory, O_EXCL, renamed);
# a replaced report keeps its mode; a read-only report is refused as the
# shell's '>' refuses it, and one the user may write in a directory it may
# not is written in place as '>' writes it; a name near NAME_MAX works; a
# symlink's target is replaced, not the link; SIGINT/SIGTERM/SIGHUP while writing leave no
# temporary file; a full disk (/dev/full, a 64 KB tmpfs) leaves the old
# report untouched and exits 2 with the reason. A --password-file others
# can read gets a warning; a world-writable --defaults-file is ignored with
# the mysql client's warning, and so is a world-writable default option
# file (~/.my.cnf), the others still read. The temporary file is opened O_CREAT|O_EXCL,
# mode 0600, beside the report (strace). TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
tap_scratch files
MNT=
cleanup() {
	[ -n "$MNT" ] && umount "$MNT" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
chmod 755 "$T"

# as_user CMD...: run as the unprivileged user, umask 022, in the current directory.
if [ "$(id -u)" = 0 ]; then
	if ! command -v runuser >/dev/null 2>&1; then
		echo "1..1"
		echo "not ok 1 - runuser is needed to test permissions as an unprivileged user (util-linux)"
		exit 1
	fi
	USER_NAME=nobody
	as_user() { runuser -u "$USER_NAME" -- sh -c 'umask 022; exec "$@"' sh "$@"; }
	own() { chown -R "$USER_NAME" "$@"; }
else
	as_user() { sh -c 'umask 022; exec "$@"' sh "$@"; }
	own() { :; }
fi
D=$T/reports
mkdir -p "$D"
own "$D"
# The input lives where the user can read it.
printf '[mysqld]\nserver_id = 3\n' >"$T/my.cnf"
chmod 644 "$T/my.cnf"
CS="$CRASHSAFE check --fail-on never --format json"

mode() { stat -c %a "$1"; }
# Temporary files: ours (.crashsafe-*) and the old naming (NAME.tmp.*).
leftovers() { find "$1" -maxdepth 1 \( -name '.crashsafe-*' -o -name '*.tmp.*' \) | wc -l; }

# 1. A new report: 0644 (less the umask); 0600 under umask 077.
as_user $CS --json "$D/new.json" "$T/my.cnf" >/dev/null 2>"$T/err"
[ "$(mode "$D/new.json")" = 644 ]
ok $? "a new report is 0644 (got $(mode "$D/new.json" 2>/dev/null))"
as_user sh -c 'umask 077; exec "$@"' sh $CS --json "$D/private.json" "$T/my.cnf" >/dev/null 2>&1
[ "$(mode "$D/private.json")" = 600 ]
ok $? "under umask 077 a new report is 0600"

# 2. Replacing keeps the mode.
for m in 600 640; do
	as_user sh -c "echo old >'$D/keep$m.json' && chmod $m '$D/keep$m.json'"
	as_user $CS --json "$D/keep$m.json" "$T/my.cnf" >/dev/null 2>"$T/err"
	[ "$(mode "$D/keep$m.json")" = "$m" ] && grep -q '"schema"' "$D/keep$m.json"
	ok $? "a $m report is replaced and stays $m (got $(mode "$D/keep$m.json"))"
done

# 3. A read-only report is refused, as '>' refuses it.
as_user sh -c "echo old >'$D/ro.json' && chmod 444 '$D/ro.json'"
as_user $CS --json "$D/ro.json" "$T/my.cnf" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 2 ] && [ "$(cat "$D/ro.json")" = old ]
ok $? "a read-only report is refused (exit $rc) and left as it was"
grep -q "ro.json: error: cannot write the json report: Permission denied" "$T/err"
ok $? "... with the reason"
[ "$rc" = 2 ] || sed 's/^/#   /' "$T/err"

# 3b. A report the user may write in a directory it may not (pre-created in
# a log directory): written in place, as '>' writes it; a new report there
# is refused with the reason.
mkdir -p "$T/rodir"
echo old >"$T/rodir/pre.json"
own "$T/rodir/pre.json"
chmod 640 "$T/rodir/pre.json"
chmod 555 "$T/rodir"
as_user $CS --json "$T/rodir/pre.json" "$T/my.cnf" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 0 ] && grep -q '"schema"' "$T/rodir/pre.json" && [ "$(mode "$T/rodir/pre.json")" = 640 ]
ok $? "a writable report in a directory the user may not write: written in place, mode kept (exit $rc)"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err"
as_user $CS --json "$T/rodir/new.json" "$T/my.cnf" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 2 ] && [ ! -e "$T/rodir/new.json" ] && grep -q "new.json: error: cannot write the json report: Permission denied" "$T/err"
ok $? "... a new report there: refused with the reason (exit $rc)"
chmod 755 "$T/rodir"

# 4. A name near NAME_MAX (255): the temporary name is short.
long=$(printf 'r%.0s' $(seq 1 250)).json
as_user $CS --json "$D/$long" "$T/my.cnf" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 0 ] && [ -s "$D/$long" ]
ok $? "a report named with 255 bytes is written (exit $rc)"
[ "$rc" = 0 ] || sed 's/^/#   /' "$T/err"

# 5. A symlink: its target is replaced, the link stays.
as_user sh -c "echo old >'$D/target.json' && ln -s target.json '$D/link.json'"
as_user $CS --json "$D/link.json" "$T/my.cnf" >/dev/null 2>"$T/err"
[ -L "$D/link.json" ] && grep -q '"schema"' "$D/target.json"
ok $? "a report path that is a symlink: the target is written, the link kept"

# 6. A directory is refused.
mkdir "$D/adir"
own "$D/adir"
as_user $CS --json "$D/adir" "$T/my.cnf" >/dev/null 2>"$T/err"
[ $? = 2 ] && grep -q "Is a directory" "$T/err"
ok $? "a directory as the report path: exit 2, 'Is a directory'"

# 7. A full disk: /dev/full (as whoever runs the tests: containers often make it 0644).
$CS --json /dev/full "$T/my.cnf" >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 2 ] && grep -q "/dev/full: error: cannot write the json report: No space left on device" "$T/err"
ok $? "/dev/full: exit $rc, 'No space left on device'"

# 8. A full file system: the old report stays as it was, no temporary file.
big=$T/big
mkdir -p "$big"
for i in $(seq 1 40); do printf '[mysqld]\nserver_id = %d\n' "$i" >"$big/h$i.cnf"; done
chmod -R a+rX "$big"
if [ "$(id -u)" = 0 ]; then
	MNT=$T/small
	mkdir -p "$MNT"
	if mount -t tmpfs -o size=64k,mode=0755 tmpfs "$MNT"; then
		chown "$USER_NAME" "$MNT"
		as_user sh -c "echo old-report >'$MNT/r.json'"
		as_user $CS --json "$MNT/r.json" "$big"/*.cnf >/dev/null 2>"$T/err"
		rc=$?
		[ "$rc" = 2 ] && grep -q "r.json: error: cannot write the json report: No space left on device" "$T/err"
		ok $? "a full tmpfs: exit $rc with the reason"
		[ "$(cat "$MNT/r.json")" = old-report ] && [ "$(leftovers "$MNT")" = 0 ]
		ok $? "a full tmpfs: the old report is untouched, no temporary file left"
		umount "$MNT"
		MNT=
	else
		ok 1 "mount a 64 KB tmpfs (root could not)"
	fi
elif [ -n "${CI:-}" ]; then
	ok 1 "the full-disk test needs root to mount a tmpfs"
else
	skip "not root: no small tmpfs to fill (run as root for this test)"
fi

# 9. Signals while a large report is written: no temporary file left, the
# old report untouched, the process ends by the signal.
for i in $(seq 41 2500); do printf '[mysqld]\nserver_id = %d\n' "$i" >"$big/h$i.cnf"; done
chmod -R a+rX "$big"
for sig in TERM INT HUP; do
	as_user sh -c "echo old-report >'$D/sig.json'"
	res=$(as_user /usr/bin/python3 "$REPO/tests/lib/interrupt.py" "$D" $sig -- \
		$CRASHSAFE check --fail-on never -q --json "$D/sig.json" "$big"/*.cnf)
	rc=$?
	want=$((128 + $(kill -l $sig)))
	[ "$res" = seen=1 ] && [ "$rc" = "$want" ]
	ok $? "SIG$sig while the report is written: the run ends by it ($res, exit $rc, want $want)"
	[ "$(leftovers "$D")" = 0 ] && [ "$(cat "$D/sig.json")" = old-report ]
	ok $? "SIG$sig: no temporary file left, the old report untouched"
	[ "$(leftovers "$D")" = 0 ] || ls -la "$D" | grep -e crashsafe- -e '\.tmp\.' | sed 's/^/#   /'
done
[ "$(leftovers "$D")" = 0 ]
ok $? "no temporary file left behind by any run"

# 10. A password file others can read: a warning, as ssh gives for a key.
as_user sh -c "printf 'pw\n' >'$D/pw' && chmod 644 '$D/pw'"
as_user "$CRASHSAFE" live --no-defaults --password-file "$D/pw" --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
grep -q "pw: warning: the password file is readable by others (mode 0644): chmod 600 it" "$T/err"
ok $? "a --password-file readable by others: warned"
as_user chmod 640 "$D/pw"
as_user "$CRASHSAFE" live --no-defaults --password-file "$D/pw" --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
grep -q "pw: warning: the password file is readable by others (mode 0640): chmod 600 it" "$T/err"
ok $? "a --password-file its group can read: warned too (as ssh warns about a key)"
as_user chmod 600 "$D/pw"
as_user "$CRASHSAFE" live --no-defaults --password-file "$D/pw" --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
! grep -q "password file is" "$T/err"
ok $? "a 0600 --password-file: no warning"

# 11. A world-writable --defaults-file: ignored, with the mysql client's warning.
as_user sh -c "printf '[client]\nuser=x\n' >'$D/client.cnf' && chmod 666 '$D/client.cnf'"
as_user "$CRASHSAFE" live --defaults-file "$D/client.cnf" --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
grep -q "warning: World-writable config file '$D/client.cnf' is ignored" "$T/err"
ok $? "a world-writable --defaults-file: the mysql client's warning"
as_user "$CRASHSAFE" live --defaults-extra-file "$D/client.cnf" --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
grep -q "warning: World-writable config file '$D/client.cnf' is ignored" "$T/err"
ok $? "a world-writable --defaults-extra-file: the same"
as_user chmod 600 "$D/client.cnf"
as_user "$CRASHSAFE" live --defaults-file "$D/client.cnf" --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
! grep -q "World-writable" "$T/err"
ok $? "a 0600 --defaults-file: no warning"

# 11b. A world-writable default option file (~/.my.cnf): the client library
# (MariaDB Connector/C) would read it; the mysql client ignores it with the
# same warning, and so does crashsafe, still reading the other default files
# ($MYSQL_HOME/my.cnf here). The files opened are seen with strace when it
# can trace; against a server: live-secrets.t.
mkdir -p "$D/home" "$D/mh"
own "$D/home" "$D/mh"
as_user sh -c "printf '[client]\nuser=x\n' >'$D/home/.my.cnf' && chmod 666 '$D/home/.my.cnf'"
as_user sh -c "printf '[client]\nuser=y\n' >'$D/mh/my.cnf' && chmod 600 '$D/mh/my.cnf'"
dflt() { as_user env -u MARIADB_HOME HOME="$D/home" MYSQL_HOME="$D/mh" "$@"; }
dflt "$CRASHSAFE" live --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
grep -q "warning: World-writable config file '$D/home/.my.cnf' is ignored" "$T/err"
ok $? "a world-writable ~/.my.cnf: the mysql client's warning"
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	dflt strace -f -e trace=open,openat -o "$D/dtrace" "$CRASHSAFE" live --connect-timeout 1 127.0.0.1:1 >/dev/null 2>&1
	! grep -F "\"$D/home/.my.cnf\"" "$D/dtrace" | grep -q O_RDONLY && grep -F "\"$D/mh/my.cnf\"" "$D/dtrace" | grep -q O_RDONLY
	ok $? "... it is never opened; \$MYSQL_HOME/my.cnf still is"
elif [ -n "${CI:-}" ]; then
	ok 1 "strace is needed to see which option files are opened (apt-get install strace)"
else
	skip "strace is not installed or may not trace here: which default files are opened is not checked"
fi
as_user chmod 600 "$D/home/.my.cnf"
dflt "$CRASHSAFE" live --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
! grep -q "World-writable" "$T/err"
ok $? "a 0600 ~/.my.cnf: no warning"

# 11b2. A world-writable file that an option file of the client includes
# (!include, !includedir): the library would read it and cannot skip it
# alone, so the run stops (exit 2) naming it and the including line.
mkdir -p "$D/home2" "$D/incdir"
own "$D/home2" "$D/incdir"
as_user sh -c "printf '[client]\nuser=w\n' >'$D/inc-ww.cnf' && chmod 666 '$D/inc-ww.cnf'"
as_user sh -c "printf '[client]\n!include $D/inc-ww.cnf\n' >'$D/home2/.my.cnf' && chmod 600 '$D/home2/.my.cnf'"
as_user env -u MARIADB_HOME -u MYSQL_HOME HOME="$D/home2" "$CRASHSAFE" live --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 2 ] && grep -q "$D/home2/.my.cnf:2: error: '$D/inc-ww.cnf' is world-writable" "$T/err"
ok $? "a world-writable file !included by ~/.my.cnf: exit 2 ($rc), naming it and the line"
[ "$rc" = 2 ] || sed 's/^/#   /' "$T/err" | head -3
as_user sh -c "cp '$D/inc-ww.cnf' '$D/incdir/x.cnf' && chmod 666 '$D/incdir/x.cnf'"
as_user sh -c "printf '[client]\n!includedir $D/incdir\n' >'$D/df.cnf' && chmod 600 '$D/df.cnf'"
as_user "$CRASHSAFE" live --defaults-file "$D/df.cnf" --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 2 ] && grep -q "df.cnf:2: error: '$D/incdir/x.cnf' is world-writable" "$T/err"
ok $? "... one found through !includedir of a --defaults-file: the same ($rc)"
printf '[db1]\nhost = 127.0.0.1\nport = 1\ndefaults_file = %s\n' "$D/df.cnf" >"$T/inv.ini"
chmod 644 "$T/inv.ini"
as_user "$CRASHSAFE" live --no-defaults --inventory "$T/inv.ini" --connect-timeout 1 >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 3 ] && grep -q "df.cnf:2: error: '$D/incdir/x.cnf' is world-writable" "$T/err" &&
	grep -q "includes a world-writable option file" "$T/out"
ok $? "... and through an inventory target's defaults_file: that target is not contacted ($rc)"
[ "$rc" = 3 ] || sed 's/^/#   /' "$T/err" "$T/out" | head -5
as_user chmod 644 "$D/inc-ww.cnf" "$D/incdir/x.cnf"
as_user env -u MARIADB_HOME -u MYSQL_HOME HOME="$D/home2" "$CRASHSAFE" live --connect-timeout 1 127.0.0.1:1 >/dev/null 2>"$T/err"
rc=$?
[ "$rc" = 3 ] && ! grep -q "world-writable" "$T/err"
ok $? "... made 0644: read, the run goes on (the target is refused: exit $rc)"

# 11c. --defaults-extra-file FILE is read with the default files, after
# $MYSQL_HOME/my.cnf and before ~/.my.cnf, as the mysql client reads it (the
# library alone reads FILE instead of them). Seen with strace.
as_user sh -c "printf '[client]\nuser=z\n' >'$D/extra.cnf' && chmod 600 '$D/extra.cnf'"
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	dflt strace -f -e trace=open,openat -o "$D/etrace" "$CRASHSAFE" live --defaults-extra-file "$D/extra.cnf" \
		--connect-timeout 1 127.0.0.1:1 >/dev/null 2>&1
	# the library's opens are the last three (crashsafe reads each first for its !include lines)
	order=$(grep -oF -e "\"$D/mh/my.cnf\"" -e "\"$D/extra.cnf\"" -e "\"$D/home/.my.cnf\"" "$D/etrace" | tail -n 3 |
		tr -d '"' | tr '\n' ' ')
	[ "$order" = "$D/mh/my.cnf $D/extra.cnf $D/home/.my.cnf " ]
	ok $? "--defaults-extra-file: read between \$MYSQL_HOME/my.cnf and ~/.my.cnf, as the mysql client does"
	[ "$order" = "$D/mh/my.cnf $D/extra.cnf $D/home/.my.cnf " ] || echo "#   opened: $order"
elif [ -n "${CI:-}" ]; then
	ok 1 "strace is needed to see which option files are opened (apt-get install strace)"
else
	skip "strace is not installed or may not trace here: the order of the option files is not checked"
fi

# 12. The temporary file (seen with strace): created with O_CREAT|O_EXCL, so
# an existing file or a symlink planted at its name is never opened or
# followed; mode 0600 until it is complete; in the report's own directory
# (the rename stays on one file system); the report itself is never opened
# for writing (only renamed over).
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	strace -f -e trace=open,openat,creat -o "$T/trace" $CS --json "$D/traced.json" "$T/my.cnf" >/dev/null 2>&1
	tmpline=$(grep -F "\"$D/.crashsafe-" "$T/trace" | head -1)
	case "$tmpline" in
	*"O_CREAT|O_EXCL"*", 0600)"*) ok 0 "the temporary file: O_CREAT|O_EXCL, mode 0600, beside the report" ;;
	*) ok 1 "the temporary file: O_CREAT|O_EXCL, mode 0600, beside the report"; echo "#   got: ${tmpline:-no open of $D/.crashsafe-*}" ;;
	esac
	! grep -F "\"$D/traced.json\"" "$T/trace" | grep -q -e O_WRONLY -e O_RDWR
	ok $? "... the report itself is never opened for writing (renamed over)"
	[ -s "$D/traced.json" ] && [ "$(leftovers "$D")" = 0 ]
	ok $? "... the report is there, no temporary file left"
elif [ -n "${CI:-}" ]; then
	ok 1 "strace is needed to see how the temporary file is opened (apt-get install strace)"
else
	skip "strace is not installed or may not trace here: the temporary file's open flags are not checked"
fi

tap_done
