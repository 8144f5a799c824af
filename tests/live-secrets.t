#!/bin/bash
# live-secrets.t - passwords and outside text in `crashsafe live`, against a
# real MariaDB server (ports LIVE_PORT_BASE + 30 to + 32):
#
#   server    a MariaDB server with the auditor account (harness.sh)
#   hang      a socket that accepts and never answers (keeps a run alive
#             while its process list entry is read)
#   errserver a socket that answers every connection with a MySQL error
#             packet whose message holds escape sequences (errserver.py)
#
# The password on the command line has the mysql client's meaning: -pX and
# --password=X are passwords, bare -p asks on the terminal (never on a pipe:
# without a terminal it is an error at once), and "-p X" is NOT a password:
# X is an operand. The password is never printed, and is scrubbed from
# /proc/PID/cmdline and ps while the run goes on. A server's error message
# carrying escape sequences reaches stderr escaped. Files: a capture is 0600;
# one that cannot be written (a device, a full file system, a read-only
# file) is exit 2 with the reason, the old capture untouched; a world-
# writable --defaults-file or default option file (~/.my.cnf) is ignored
# with the mysql client's warning. TAP.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
# shellcheck source=tests/live/harness.sh
. "$REPO/tests/live/harness.sh"
live_test_begin setsid runuser   # harness.sh: skip or fail without the packages; CRASHSAFE, RQ, LIVE_DIR, out
PTYRUN="/usr/bin/python3 $REPO/tests/live/ptyrun.py"

SP=$((LIVE_PORT_BASE + 30))
HP=$((LIVE_PORT_BASE + 31))
EP=$((LIVE_PORT_BASE + 32))
# Secrets the server shows in SHOW GLOBAL VARIABLES as they are (MariaDB 10.11,
# wsrep off: both in clear text), for the capture and reports to mask.
live_start server $SP 30 "report_password = Report-Sekr1t-Pw
wsrep_sst_auth = sst:Sst-Sekr1t-Pw" || bail "server did not start"
S=127.0.0.1:$SP
PW=$LIVE_AUDITOR_PW

# cs NAME ARGS...: run crashsafe live (no terminal: a new session, stdin
# /dev/null); NAME.out, NAME.err, NAME.rc, and NAME.ms (wall time).
cs() {
	local name=$1 start
	shift
	start=$(date +%s%N)
	setsid -w "$CRASHSAFE" live --no-defaults "$@" </dev/null >"$out/$name.out" 2>"$out/$name.err"
	echo $? >"$out/$name.rc"
	echo $((($(date +%s%N) - start) / 1000000)) >"$out/$name.ms"
}
rc() { cat "$out/$1.rc"; }
all() { cat "$out/$1.out" "$out/$1.err"; }
audited() { # audited NAME WHAT: exit 0 or 1, the server's findings in the report
	case "$(rc "$1")" in
	0 | 1) pass "$2: the server is audited (exit $(rc "$1"))" ;;
	*) fail "$2: the server is audited (exit $(rc "$1"))"; sed 's/^/#   /' "$out/$1.err" | head -5 ;;
	esac
}

# ---- the password on the command line, the mysql client's way -----------------
cs attached -u auditor "-p$PW" --format json $S
audited attached "-pPASSWORD"
hasnt "$PW" "$(all attached)" "-pPASSWORD: the password is printed nowhere"
like "$(cat "$out/attached.err")" "warning: using a password on the command line interface can be insecure" \
	"-pPASSWORD: the mysql client's warning"
hasnt "unknown option" "$(all attached)" "-pPASSWORD is an option, not an unknown one"

cs long -u auditor "--password=$PW" --format json $S
audited long "--password=PASSWORD"
hasnt "$PW" "$(all long)" "--password=PASSWORD: the password is printed nowhere"

cs bundled -qu auditor "-vp$PW" $S
audited bundled "-qu auditor -vpPASSWORD (bundled short options)"
hasnt "$PW" "$(all bundled)" "bundled: the password is printed nowhere"

cs wrong -u auditor "-pnot-the-password" --format json $S
is "$(rc wrong)" 3 "-pWRONG: access denied, exit 3"
hasnt "not-the-password" "$(all wrong)" "-pWRONG: the wrong password is printed nowhere"

# "-p PASSWORD": bare -p (asks) and an operand; with no terminal that is an
# error at once, and the word after -p is not echoed.
cs spaced -u auditor -p "$PW" $S
is "$(rc spaced)" 2 "-p PASSWORD with no terminal: a usage error (exit 2)"
like "$(cat "$out/spaced.err")" "asks for the password, but there is no terminal" "... saying there is no terminal"
like "$(cat "$out/spaced.ms")" "^[0-9]{1,4}$" "... at once, no wait for input ($(cat "$out/spaced.ms") ms)"
hasnt "$PW" "$(all spaced)" "... and the word after -p is printed nowhere"

# Bare -p from cron: stdin is a pipe whose writer never writes nor closes;
# still no wait (a timeout of 20 s would end a run that waits).
mkfifo "$out/stdin.fifo"
exec 7<>"$out/stdin.fifo"
start=$(date +%s%N)
timeout 20 setsid -w "$CRASHSAFE" live --no-defaults -u auditor -p $S <"$out/stdin.fifo" >/dev/null 2>"$out/cron.err"
r=$?
ms=$((($(date +%s%N) - start) / 1000000))
exec 7>&-
is "$r" 2 "bare -p, stdin an open pipe, no terminal: exit 2"
[ "$ms" -lt 5000 ] && pass "... without waiting for the pipe (${ms} ms)" || fail "... without waiting for the pipe (${ms} ms)"

# ---- bare -p on a terminal: asked without echo, the echo restored -------------
$PTYRUN "$PW" "$out/pty.shown" -- "$CRASHSAFE" live --no-defaults -u auditor -p --format json $S >/dev/null
r=$?
[ "$r" = 0 ] || [ "$r" = 1 ] && pass "bare -p on a terminal: asked, and the server is audited (exit $r)" ||
	{ fail "bare -p on a terminal: asked, and the server is audited (exit $r)"; sed 's/^/#   /' "$out/pty.shown" | head; }
like "$(cat "$out/pty.shown")" "Enter password: " "bare -p: the prompt is on the terminal"
hasnt "$PW" "$(cat "$out/pty.shown")" "bare -p: what was typed is not echoed"
like "$(cat "$out/pty.shown")" "ECHO-AFTER=1" "bare -p: the terminal's echo is on again afterwards"
$PTYRUN "@INT" "$out/ptyint.shown" -- "$CRASHSAFE" live --no-defaults -u auditor --password $S >/dev/null
r=$?
is "$r" 130 "Ctrl-C at the prompt ends the run by SIGINT"
like "$(cat "$out/ptyint.shown")" "ECHO-AFTER=1" "Ctrl-C at the prompt: the terminal's echo is restored"

# ---- scrubbed from the process list while the run goes on --------------------
live_netfault hang silent $HP || bail "netfault silent"
# cmdline_of ARGS...: start a run against the silent host, read its
# /proc/PID/cmdline and ps line while it waits for the connect timeout.
cmdline_of() {
	"$CRASHSAFE" live --no-defaults --connect-timeout 3 "$@" 127.0.0.1:$HP >/dev/null 2>&1 &
	local pid=$!
	sleep 0.7   # options are parsed in microseconds; the connect waits 3 s
	tr '\0' ' ' <"/proc/$pid/cmdline"
	echo
	ps -o args= -p "$pid"
	wait "$pid"
}
got=$(cmdline_of -u auditor "-pSekr1t-On-The-Line")
hasnt "Sekr1t" "$got" "-pSECRET is not in /proc/PID/cmdline or ps while the run goes on"
like "$got" "-px( |$)" "... it shows as -px (the length hidden too)"
got=$(cmdline_of -u auditor "--password=Sekr1t-On-The-Line")
hasnt "Sekr1t" "$got" "--password=SECRET is not in /proc/PID/cmdline or ps"
like "$got" "--password=x( |$)" "... it shows as --password=x"
got=$(cmdline_of -qu auditor "-vpSekr1t-On-The-Line")
hasnt "Sekr1t" "$got" "bundled -vpSECRET is not in /proc/PID/cmdline or ps"

# ---- a server's error message is escaped on stderr -------------------------
# A real server escapes what it quotes (MariaDB shows ESC in a user name as
# \001B); a hostile server or proxy does not: errserver.py answers with an
# ERR packet whose message clears the screen, sets the title and fakes a line.
msg=$(printf 'Host blocked\e[2J\e]0;owned\a\ncrashsafe: note: all good\r\xc2\x9b' | od -An -tx1 | tr -d ' \n')
rm -f "$LIVE_DIR/errserver.ready"
/usr/bin/python3 "$REPO/tests/live/errserver.py" $EP 1129 "$msg" "$LIVE_DIR/errserver.ready" >"$LIVE_DIR/errserver.log" 2>&1 &
LIVE_HELPERS[errserver]=$!
for i in $(seq 1 100); do [ -f "$LIVE_DIR/errserver.ready" ] && break; sleep 0.05; done
cs evil -u auditor --format json 127.0.0.1:$EP
is "$(rc evil)" 3 "a server that refuses with a hostile message: exit 3"
if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f\x80-\x9f]' "$out/evil.err"; then
	fail "the server's error message reaches stderr with no raw control byte"
	cat -v "$out/evil.err" | sed 's/^/#   /'
else
	pass "the server's error message reaches stderr with no raw control byte"
fi
is "$(grep -c . "$out/evil.err")" 1 "... on one line (no line faked)"
like "$(cat "$out/evil.err")" 'Host blocked\\x1b\[2J\\x1b\]0;owned\\x07\\ncrashsafe: note: all good\\x0d' \
	"... shown escaped"

# ---- secrets the server holds: masked in the capture and every report --------
is "$(live_sql server "SELECT GLOBAL_VALUE FROM information_schema.SYSTEM_VARIABLES WHERE VARIABLE_NAME = 'REPORT_PASSWORD'")" \
	"Report-Sekr1t-Pw" "the server shows report_password in clear (what the capture must not copy)"
MYSQL_PWD=$PW cs capture -u auditor --capture "$out/secrets.cap" --json "$out/cap.json" --junit "$out/cap.xml" \
	--sarif "$out/cap.sarif" --text "$out/cap.txt" -v $S
audited capture "--capture of a server holding secrets"
found=$(grep -lE "Report-Sekr1t-Pw|Sst-Sekr1t-Pw" "$out/secrets.cap" "$out/cap.json" "$out/cap.xml" "$out/cap.sarif" \
	"$out/cap.txt" "$out/capture.out" "$out/capture.err" 2>/dev/null)
is "$found" "" "no secret in the capture, the four reports, stdout or stderr"
grep -qx $'report_password\t\\*\\*\\*\\*\\*\\*\\*\\*' "$out/secrets.cap" &&
	grep -qx $'wsrep_sst_auth\t\\*\\*\\*\\*\\*\\*\\*\\*' "$out/secrets.cap"
[ $? = 0 ] && pass "the capture shows them as ********" || fail "the capture shows them as ********"
"$CRASHSAFE" check --format json --variables "$out/secrets.cap" >"$out/readback.json" 2>&1
! grep -qE "Sekr1t" "$out/readback.json" && pass "the capture reads back, still without them" ||
	fail "the capture reads back, still without them"

# ---- files: the capture's mode; a world-writable --defaults-file ------------
# Permission behaviour as an unprivileged user (nobody), in a directory it owns.
U=$LIVE_DIR/user
mkdir -p "$U"
chown nobody "$U"
chmod 755 "$U"
as_nobody() { runuser -u nobody -- sh -c 'umask 022; exec "$@"' sh "$@"; }
MYSQL_PWD=$PW as_nobody "$CRASHSAFE" live --no-defaults -u auditor --capture "$U/cap.txt" $S >/dev/null 2>&1
is "$(stat -c %a "$U/cap.txt" 2>/dev/null)" 600 "a new capture is 0600 (it names hosts)"
# A capture that cannot be written: the run says why and exits 2 (a full
# disk; a read-only capture, refused as '>' refuses it, and left as it was).
cs capfull -u auditor "-p$PW" --capture /dev/full $S
is "$(rc capfull)" 2 "--capture /dev/full: exit 2"
like "$(cat "$out/capfull.err")" "error: --capture /dev/full: not a regular file|/dev/full: error: cannot write the capture: No space left on device" "... with the reason"
if [ "$(id -u)" = 0 ] && mkdir -p "$LIVE_DIR/small" && mount -t tmpfs -o size=8k,mode=0755 tmpfs "$LIVE_DIR/small"; then
	echo old-capture >"$LIVE_DIR/small/c.cap"
	cs capsmall -u auditor "-p$PW" --capture "$LIVE_DIR/small/c.cap" $S
	is "$(rc capsmall)" 2 "a capture on a full file system: exit 2"
	like "$(cat "$out/capsmall.err")" "c.cap: error: cannot write the capture: No space left on device" "... with the reason"
	is "$(cat "$LIVE_DIR/small/c.cap"; ls -A "$LIVE_DIR/small" | grep -vx c.cap)" old-capture \
		"... the old capture untouched, no temporary file left"
	umount "$LIVE_DIR/small"
elif [ -n "${CI:-}" ]; then
	fail "a capture on a full file system: root could not mount a small tmpfs"
else
	echo "# skipped: a capture on a full file system needs root to mount a small tmpfs"
fi
as_nobody sh -c "echo old >'$U/ro.cap' && chmod 444 '$U/ro.cap'"
MYSQL_PWD=$PW as_nobody "$CRASHSAFE" live --no-defaults -u auditor --capture "$U/ro.cap" $S >/dev/null 2>"$out/ro.err"
r=$?
[ "$r" = 2 ] && [ "$(cat "$U/ro.cap")" = old ] && grep -q "ro.cap: error: cannot write the capture: Permission denied" "$out/ro.err" &&
	pass "a read-only capture is refused (exit 2, the reason) and left as it was" ||
	{ fail "a read-only capture is refused (exit 2, the reason) and left as it was (exit $r)"; sed 's/^/#   /' "$out/ro.err" | head -3; }
printf '[client]\nuser = auditor\npassword = %s\n' "$PW" >"$U/client.cnf"
chown nobody "$U/client.cnf"
chmod 666 "$U/client.cnf"
as_nobody "$CRASHSAFE" live --defaults-file "$U/client.cnf" --format json $S >"$out/ww.out" 2>"$out/ww.err"
r=$?
like "$(cat "$out/ww.err")" "warning: World-writable config file '$U/client.cnf' is ignored" \
	"a world-writable --defaults-file: the mysql client's warning"
is "$r" 3 "... and it is ignored: its account and password are not used (access denied, exit 3)"
hasnt "$PW" "$(cat "$out/ww.out" "$out/ww.err")" "... its password printed nowhere"
chmod 600 "$U/client.cnf"
as_nobody "$CRASHSAFE" live --defaults-file "$U/client.cnf" --format json $S >"$out/ww.out" 2>"$out/ww.err"
r=$?
[ "$r" = 0 ] || [ "$r" = 1 ] && pass "the same file 0600: read, the server is audited (exit $r)" ||
	{ fail "the same file 0600: read, the server is audited (exit $r)"; sed 's/^/#   /' "$out/ww.err"; }

# A world-writable default option file: ~/.my.cnf names another account,
# $MYSQL_HOME/my.cnf (0600) the auditor's. Connector/C reads both (the
# later wins: 'intruder', access denied); the mysql client, and crashsafe,
# ignore the world-writable one with the warning and read the other.
mkdir -p "$U/home" "$U/mh"
printf '[client]\nuser = auditor\npassword = %s\n' "$PW" >"$U/mh/my.cnf"
printf '[client]\nuser = intruder\npassword = x\n' >"$U/home/.my.cnf"
chown -R nobody "$U/home" "$U/mh"
chmod 600 "$U/mh/my.cnf"
chmod 666 "$U/home/.my.cnf"
as_nobody env -u MARIADB_HOME HOME="$U/home" MYSQL_HOME="$U/mh" "$CRASHSAFE" live --format json $S \
	>"$out/wwd.out" 2>"$out/wwd.err"
r=$?
like "$(cat "$out/wwd.err")" "warning: World-writable config file '$U/home/.my.cnf' is ignored" \
	"a world-writable ~/.my.cnf: the mysql client's warning"
[ "$r" = 0 ] || [ "$r" = 1 ] && pass "... ignored, the other default files read: audited as the auditor (exit $r)" ||
	{ fail "... ignored, the other default files read: audited as the auditor (exit $r)"; sed 's/^/#   /' "$out/wwd.err" | head -5; }

# --defaults-extra-file is read with the default files, as the mysql client
# reads it: the account from $MYSQL_HOME/my.cnf, the password from the extra
# file (Connector/C alone reads only the extra file: no account, denied).
mkdir -p "$U/mh2"
printf '[client]\nuser = auditor\n' >"$U/mh2/my.cnf"
printf '[client]\npassword = %s\n' "$PW" >"$U/extra.cnf"
chown -R nobody "$U/mh2" "$U/extra.cnf"
chmod 600 "$U/mh2/my.cnf" "$U/extra.cnf"
as_nobody env -u MARIADB_HOME HOME="$U/nohome" MYSQL_HOME="$U/mh2" "$CRASHSAFE" live \
	--defaults-extra-file "$U/extra.cnf" --format json $S >"$out/extra.out" 2>"$out/extra.err"
r=$?
[ "$r" = 0 ] || [ "$r" = 1 ] && pass "--defaults-extra-file and \$MYSQL_HOME/my.cnf both read: audited (exit $r)" ||
	{ fail "--defaults-extra-file and \$MYSQL_HOME/my.cnf both read: audited (exit $r)"; sed 's/^/#   /' "$out/extra.err" | head -5; }

tap_done
