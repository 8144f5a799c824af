#!/bin/bash
# terminal.t - nothing from outside reaches the operator's terminal raw.
# Option files, snapshots, rule ids, file names and arguments can hold
# escape sequences (ESC [ 2 J clears the screen, ESC ] 0 ; sets the window
# title, a bare CR or a newline fakes a line, the 8-bit CSI byte 0x9b, the
# C1 controls in UTF-8, bidi overrides that reorder what is shown). Every
# stderr message goes through one escaping (util.h strbuf_add_escaped), so
# stderr must hold no such byte, keep one message per line, and show the
# bytes as \xNN / \uNNNN. stdout too where it prints outside text outside a
# report's own escaping: resolve --effective, Prometheus labels. (Server
# error messages: live-secrets.t.) TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
tap_scratch term

# safe FILE: 0 when FILE holds only well-formed UTF-8 with no control
# character but newline, no C1 control and no line-breaking or bidi character.
safe() {
	/usr/bin/python3 - "$1" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
try:
    text = data.decode("utf-8")
except UnicodeDecodeError as e:
    print("# not UTF-8 at byte %d: %r" % (e.start, data[max(0, e.start - 20):e.start + 20]))
    sys.exit(1)
bad = [c for c in text if (ord(c) < 0x20 and c != "\n") or 0x7f <= ord(c) < 0xa0
       or ord(c) in (0x2028, 0x2029) or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069]
if bad:
    print("# raw control characters: %r" % bad[:10])
    sys.exit(1)
EOF
}
# term_ok NAME EXPECTED-LINES PATTERN...: stderr ($T/err) is terminal-safe,
# has EXPECTED-LINES lines (none faked), and holds each fixed PATTERN.
term_ok() {
	local name=$1 want=$2 lines p missing=
	shift 2
	safe "$T/err"
	ok $? "$name: no raw control byte in what reaches the terminal"
	lines=$(wc -l <"$T/err")
	[ "$lines" -eq "$want" ]
	ok $? "$name: $want line(s), no line faked (got $lines)"
	for p in "$@"; do
		grep -qF -- "$p" "$T/err" || missing="$missing [$p]"
	done
	[ -z "$missing" ]
	ok $? "$name: the bytes are shown escaped"
	[ -z "$missing" ] || { echo "# missing:$missing"; sed 's/^/#   /' "$T/err" | cat -v | head -20; }
}

ESC=$'\x1b'
BEL=$'\x07'
CR=$'\r'
C1_UTF8=$'\xc2\x9b'         # U+009B (CSI) in UTF-8
CSI8=$'\x9b'                # the 8-bit CSI byte alone (not UTF-8)
RLO=$'\xe2\x80\xae'         # U+202E RIGHT-TO-LEFT OVERRIDE

# 1. Values and include paths of an option file, in check's reading diagnostics.
{
	printf '[mysqld]\n'
	printf 'server_id = 1%s[2J\n' "$ESC"
	printf 'sync_binlog = %s]0;owned%s\n' "$ESC" "$BEL"
	printf 'innodb_flush_log_at_trx_commit = 1%scrashsafe: note: all good\n' "$CR"
	printf '!include /nonexistent/%s%s%s.cnf\n' "$C1_UTF8" "$CSI8" "$RLO"
} >"$T/hostile.cnf"
"$CRASHSAFE" check -v --format json "$T/hostile.cnf" >/dev/null 2>"$T/err"
term_ok "check -v, hostile option file" 5 '\x1b[2J' '\x1b]0;owned\x07' '\x0dcrashsafe: note: all good' \
	'\u009b\x9b\u202e.cnf'

# 2. The same file through resolve (its diagnostics; stdout is the caller's):
#    the include leaving the tree (a warning) and the missing directory (fatal).
printf '[mysqld]\n!includedir /nonexistent/%s[31mred\n' "$ESC" >"$T/dir.cnf"
"$CRASHSAFE" resolve "$T/dir.cnf" >/dev/null 2>"$T/err"
term_ok "resolve, hostile !includedir" 2 '\x1b[31mred'

# 3. A file name with a newline and an escape in it: one line, escaped.
bad="$T/x${ESC}[2J
crashsafe: note: fake line.cnf"
printf '[mysqld\n' >"$bad"
"$CRASHSAFE" check -v --format json "$bad" >/dev/null 2>"$T/err"
term_ok "check, a file name with a newline" 1 'x\x1b[2J\ncrashsafe: note: fake line.cnf'

# 4. Arguments echoed in usage errors.
"$CRASHSAFE" check --role "${ESC}[2Jprimary" x.cnf >/dev/null 2>"$T/err"
term_ok "--role with an escape" 1 "'\\x1b[2Jprimary'"
"$CRASHSAFE" "live${ESC}]0;x${BEL}" >/dev/null 2>"$T/err"
safe "$T/err"
ok $? "unknown command with an escape: no raw control byte on stderr"
grep -qF 'live\x1b]0;x\x07' "$T/err"
ok $? "unknown command with an escape: shown escaped"
# the error and one note ("crashsafe rules lists every rule")
"$CRASHSAFE" rules "no-such-rule${ESC}[2J" >/dev/null 2>"$T/err"
term_ok "rules with an unknown id" 2 'no-such-rule\x1b[2J'
"$CRASHSAFE" check "--no-such${ESC}[2J" >/dev/null 2>"$T/err"
term_ok "unknown option" 1 'no-such\x1b[2J'

# 5. A snapshot's header lines, in check -v diagnostics.
{
	printf '# crashsafe capture 1\n'
	printf '# role prim%s[8mary\n' "$ESC"
	printf 'version\t10.11.6-MariaDB\n'
	printf 'server_id\t7\n'
} >"$T/snap.txt"
"$CRASHSAFE" check -v --format json --variables "$T/snap.txt" >/dev/null 2>"$T/err"
term_ok "check -v, hostile snapshot" 1 "unknown role 'prim\\x1b[8mary'"

# 6. A rule file's problems (the rule file is outside text too).
mkdir -p "$T/rules"
printf '[bad-rule]\nseverity = error\ntitle = t\nrequire = server_id == %s[2J\n' "$ESC" >"$T/rules/x.ini"
"$CRASHSAFE" check --rules "$T/rules" "$T/hostile.cnf" >/dev/null 2>"$T/err"
safe "$T/err"
ok $? "a hostile rule file: no raw control byte on stderr"
grep -qF '\x1b' "$T/err"
ok $? "a hostile rule file: the escape is shown escaped"

# 6b. `crashsafe rules` prints rule files (outside text) on the terminal too.
mkdir -p "$T/rules2"
printf '[evil-rule]\nseverity = warning\ntitle = evil %s[2J title\nrequire = sync_binlog == 1\nwhy = why %s]0;x%s\nfix = fix\n' \
	"$ESC" "$ESC" "$BEL" >"$T/rules2/e.ini"
"$CRASHSAFE" rules --rules "$T/rules2" >"$T/err" 2>&1
term_ok "rules --rules: the list" "$(wc -l <"$T/err")" 'evil \x1b[2J title'
"$CRASHSAFE" rules --rules "$T/rules2" evil-rule >"$T/err" 2>&1
term_ok "rules ID: the explanation" "$(wc -l <"$T/err")" 'evil \x1b[2J title' 'why \x1b]0;x\x07'

# 6c. resolve --effective prints values from the option file on stdout: as
# resolve's other forms, escaped, one line per option (a newline or tab in
# a value fakes no line and no field).
printf '[mysqld]\nreport_host = a%s[2Jb\ninit_connect = "x\\ny%s]0;t%s"\n' "$ESC" "$ESC" "$BEL" >"$T/eff.cnf"
"$CRASHSAFE" resolve --effective --flavor mariadb "$T/eff.cnf" >"$T/eff.out" 2>/dev/null
tr '\t' ' ' <"$T/eff.out" >"$T/err"   # its field separators are the tabs it prints itself
term_ok "resolve --effective: stdout" 2 'a\x1b[2Jb' 'x\ny\x1b]0;t\x07'
[ "$(awk -F'\t' 'NF != 3' "$T/eff.out" | wc -l)" = 0 ]
ok $? "resolve --effective: three fields on every line"

# 6d. The Prometheus format names targets (file names, outside text) in its
# labels: escaped the same way, then as the format escapes a backslash.
pf="$T/p${ESC}[1mx${RLO}.cnf"
printf '[mysqld]\nserver_id = 4\n' >"$pf"
"$CRASHSAFE" check --format prom "$pf" >"$T/err" 2>/dev/null
safe "$T/err"
ok $? "--format prom with a hostile file name: no raw control byte on stdout"
grep -qF 'target="'"$T"'/p\\x1b[1mx\\u202e.cnf"' "$T/err"
ok $? "--format prom: the label shows the bytes escaped (\\x1b, \\u202e)"

# 7. UTF-8 text passes unchanged (only what a terminal acts on is escaped).
printf '[mysqld]\n!include /nonexistent/caf\xc3\xa9-\xe6\x97\xa5\xe6\x9c\xac.cnf\n' >"$T/utf8.cnf"
"$CRASHSAFE" check -v --format json "$T/utf8.cnf" >/dev/null 2>"$T/err"
grep -qF "café-日本.cnf" "$T/err"
ok $? "well-formed UTF-8 is kept as it is"

tap_done
