#!/bin/bash
# password-args.t - an argument that looks like a password option is never
# echoed, whatever the command and wherever it stands (before the command
# name too), and a bare -p never waits for input without a terminal.
# (Against a real server, with the process list: live-secrets.t.) TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
tap_scratch pwargs
SECRET=Sekr1t-Do-Not-Show

printf '[mysqld]\nserver_id = 3\n' >"$T/my.cnf"
printf 'x\n' >"$T/pw"
chmod 600 "$T/pw"

# never_echoed WANT-RC ARGS...: run without a terminal; the exit status is
# WANT-RC and the secret appears in neither stdout nor stderr.
never_echoed() {
	local want=$1 rc
	shift
	timeout 10 setsid -w "$CRASHSAFE" "$@" </dev/null >"$T/out" 2>"$T/err"
	rc=$?
	[ "$rc" -eq "$want" ]
	ok $? "crashsafe $* (${SECRET} elided): exit $rc, want $want"
	! grep -qF "$SECRET" "$T/out" "$T/err"
	ok $? "... the secret is not echoed"
	grep -qF "$SECRET" "$T/out" "$T/err" && sed 's/^/#   /' "$T/err" | head -3
}

never_echoed 2 "--password=$SECRET" live 127.0.0.1:1
never_echoed 2 "-p$SECRET" live 127.0.0.1:1
never_echoed 2 "-p$SECRET" check "$T/my.cnf"
never_echoed 2 check "-p$SECRET" "$T/my.cnf"
never_echoed 2 check -v "-vp$SECRET" "$T/my.cnf"
never_echoed 2 check "--password=$SECRET" "$T/my.cnf"
never_echoed 2 resolve "-p$SECRET" "$T/my.cnf"
never_echoed 2 resolve "--password=$SECRET" "$T/my.cnf"
never_echoed 2 rules "-p$SECRET"
never_echoed 2 rules "--password=$SECRET"
never_echoed 2 live "--pasword=$SECRET" 127.0.0.1:1
never_echoed 2 live --no-defaults "--password=$SECRET" --password-file "$T/pw" 127.0.0.1:1
never_echoed 2 live --no-defaults "-p$SECRET" --jobs "0" 127.0.0.1:1
never_echoed 2 live --no-defaults -p "$SECRET"
never_echoed 2 live --no-defaults --password "$SECRET"
# After "--" an argument is an operand: for live a HOST, which never starts with '-'.
never_echoed 2 live --no-defaults 127.0.0.1:1 -- "-p$SECRET"
never_echoed 2 live --no-defaults -- "--password=$SECRET"

# "-p" is an option of live in --help, with the mysql client's spelling.
"$CRASHSAFE" live --help >"$T/help" 2>&1
grep -qF -- "-p, --password[=PASSWORD]" "$T/help"
ok $? "live --help shows -p, --password[=PASSWORD]"

tap_done
