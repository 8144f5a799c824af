#!/bin/bash
# startup.t - the libraries a command does not need are not loaded (issue
# 13): crashsafe is linked with neither libxml2, nor jansson, nor MariaDB's
# Connector/C; each is loaded when first used (auditor/lazylib.h) and works
# then: libxml2 for a JUnit report, jansson for reading JSON (persisted
# variables), Connector/C for live. Which shared objects a run loaded is
# read from the dynamic loader's own trace (LD_DEBUG=files). And the built-in
# rule files compiled in at build time (auditor/inipack.h, and the catalog
# and rules built from them, auditor/prebuilt.h) load the same rules as the
# same files parsed: a copy of rules/ with a comment appended to every file
# (so that none is the packed one) gives the same rule list, explanations
# and reports. No timing here: the figures are in
# docs/benchmarks.md. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
export NO_COLOR=1
tap_scratch startup

# traced NAME ARGS...: run crashsafe ARGS with the loader's trace in $T/NAME.ld;
# sets rc, out, err
traced() {
	local name=$1
	shift
	rm -f "$T/$name.ld".*
	LD_DEBUG=files LD_DEBUG_OUTPUT="$T/$name.ld" "$CRASHSAFE" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
	cat "$T/$name.ld".* >"$T/$name.trace" 2>/dev/null
}
# loaded NAME LIB: 0 when the trace NAME shows LIB (a soname prefix) opened
loaded() {
	grep -q "file=$2[^ ]* \[" "$T/$1.trace"
}
lazy=(libxml2.so libjansson.so libmariadb.so)

needed=$(LC_ALL=C readelf -d "$CRASHSAFE" | sed -n 's/.*(NEEDED).*\[\(.*\)\].*/\1/p' | tr '\n' ' ')
for lib in "${lazy[@]}"; do
	case " $needed" in *" $lib"*) s=1 ;; *) s=0 ;; esac
	ok $s "crashsafe is not linked with $lib (NEEDED: $needed)"
done

file="$REPO/examples/mysql-8.4/replica-unsafe.cnf"
traced text check --fail-on never "$file"
ok $rc "check (text) runs"
ok "$(grep -q "replica-unsafe.cnf" <<<"$out"; echo $?)" "  and reports the file"
ok "$([ -s "$T/text.trace" ]; echo $?)" "  the loader's trace was written"
for lib in "${lazy[@]}"; do
	loaded text "$lib" && s=1 || s=0
	ok $s "  check (text) does not load $lib"
done

traced json check --format json --fail-on never "$file"
ok "$(grep -q '"targets"' <<<"$out"; echo $?)" "check --format json writes a JSON report"
for lib in "${lazy[@]}"; do
	loaded json "$lib" && s=1 || s=0
	ok $s "  without loading $lib (writing JSON needs no JSON library)"
done

traced junit check --format junit --fail-on never "$file"
ok "$(grep -q '<testsuites' <<<"$out"; echo $?)" "check --format junit writes a JUnit report"
loaded junit libxml2.so
ok $? "  having loaded libxml2"
loaded junit libmariadb.so && s=1 || s=0
ok $s "  and not Connector/C"

cat >"$T/replica.cnf" <<'EOF'
[mysqld]
server_id = 51
gtid_mode = ON
enforce_gtid_consistency = ON
relay_log_recovery = ON
EOF
mkdir -p "$T/dd"
printf '%s\n' '{ "Version" : 1 , "mysql_server" : { "mysql_server_static_options" : { "relay_log_recovery" : { "Value" : "OFF" , "Metadata" : { "Timestamp" : 1700000001000000 , "User" : "root" , "Host" : "localhost" } } } } }' >"$T/dd/mysqld-auto.cnf"
traced persisted check --flavor mysql --server-version 8.4 --role replica --fail-on never --datadir "$T/dd" "$T/replica.cnf"
ok "$(grep -q "relay-log-recovery" <<<"$out" && grep -q "mysqld-auto.cnf" <<<"$out"; echo $?)" \
	"check --datadir reads the persisted relay_log_recovery = OFF"
loaded persisted libjansson.so
ok $? "  having loaded jansson"

# A port nothing listens on: the login fails at once, through Connector/C.
traced live live --no-defaults -u nobody --connect-timeout 2 127.0.0.1:1 --fail-on never
ok "$(grep -q "cannot connect" <<<"$out$err"; echo $?)" "live reaches the client library (cannot connect to 127.0.0.1:1)"
ok "$([ "$rc" -eq 3 ]; echo $?)" "  exit status 3 (could not audit; got $rc)"
loaded live libmariadb.so
ok $? "  having loaded Connector/C"
loaded live libxml2.so && s=1 || s=0
ok $s "  and not libxml2"

# The pack against the parser: the same files, one comment longer each.
mkdir -p "$T/rules-parsed"
for f in "$REPO"/rules/*; do
	cp "$f" "$T/rules-parsed/"
	case "$f" in *.ini) printf '\n; a comment: not the packed file any more\n' >>"$T/rules-parsed/${f##*/}" ;; esac
done
# same NAME ARGS...: crashsafe ARGS with the built-in rules and with the parsed copy give the same output
same() {
	local what=$1
	shift
	CRASHSAFE_RULES_DIR="$REPO/rules" "$CRASHSAFE" "$@" 2>&1 | sed "s|$REPO/rules|RULES|g" >"$T/packed.out"
	CRASHSAFE_RULES_DIR="$T/rules-parsed" "$CRASHSAFE" "$@" 2>&1 | sed "s|$T/rules-parsed|RULES|g" >"$T/parsed.out"
	if cmp -s "$T/packed.out" "$T/parsed.out" && [ -s "$T/packed.out" ]; then
		ok 0 "$what: the same with the compiled-in rules as with the files parsed"
	else
		ok 1 "$what: the same with the compiled-in rules as with the files parsed"
		diff "$T/packed.out" "$T/parsed.out" | head -10 | sed 's/^/# /'
	fi
}
same "crashsafe rules" rules
for r in relay-log-recovery sync-binlog server-id-unique; do
	same "crashsafe rules $r" rules "$r"
done
same "check --format json, three files" check --format json --fail-on never "$REPO"/examples/mysql-8.4/*.cnf
same "check --format sarif" check --format sarif --fail-on never "$file" "$REPO/examples/mysql-5.7/replica-filepos.cnf"
same "check of a bad value" check --fail-on never "$REPO/examples/broken/mysql-8.4-after-upgrade.cnf"

# The fixed system calls of one file (issue 13, docs/benchmarks.md "The fixed cost of one file"):
# a file named relative to the working directory, whose project file (examples/.crashsafe.ini)
# is found upward. The working directory is asked once by the finder (the other getcwd is
# realpath()'s of the file's directory) and is not resolved (getcwd() names no links), the
# project file's directory and the target are not resolved again (5 getcwd and 9 readlink
# before), a directory's .git is looked for once, and the time zone is not read when no
# suppression has an expiry date (/etc/localtime was read by every run).
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	(cd "$REPO" && strace -f -o "$T/one.strace" "$CRASHSAFE" check --fail-on never \
		examples/mysql-8.4/replica-unsafe.cnf >"$T/one.out" 2>&1)
	grep -q 'replica-unsafe.cnf' "$T/one.out"
	ok $? "one file under strace: reported"
	sys_calls() { grep -cE "^[0-9]+ +$1\(" "$T/one.strace"; }
	count=$(sys_calls getcwd)
	ok "$([ "$count" -le 2 ]; echo $?)" "one file: at most 2 getcwd ($count)"
	count=$(sys_calls readlink)
	ok "$([ "$count" -le 3 ]; echo $?)" "one file: at most 3 readlink ($count; the working directory is not resolved)"
	twice=$(grep -oE '"[^"]*/\.git"' "$T/one.strace" | sort | uniq -d | tr '\n' ' ')
	is "$twice" "" "one file: whether a directory holds .git is asked once"
	count=$(grep -c 'localtime' "$T/one.strace")
	is "$count" "0" "one file: the time zone is not read (no suppression has an until date)"
else
	skip "one file's system calls: needs strace"
	skip "one file: getcwd: needs strace"
	skip "one file: readlink: needs strace"
	skip "one file: .git: needs strace"
	skip "one file: time zone: needs strace"
fi

tap_done
