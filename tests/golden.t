#!/bin/bash
# golden.t - the reports of the bundled examples in every format, diffed
# against tests/golden/. The runs are the lines of examples/demo-groups.txt
# (the same ones `make demo` shows); for each run NAME:
#   tests/golden/NAME.txt        the text report (--no-color), stdout
#   tests/golden/NAME.junit.xml  the JUnit report (--junit FILE)
#   tests/golden/NAME.json       the JSON report (--json FILE)
#   tests/golden/NAME.sarif      the SARIF report (--sarif FILE)
#   tests/golden/NAME.prom       the Prometheus report (--prom FILE), the run's time and
#                                duration masked
#   tests/golden/NAME.gcc        --format gcc on stdout, and its exit status
#   tests/golden/NAME.verbose.txt, NAME.quiet.txt   the text report with -v, with -q
#   tests/golden/NAME.exit       the exit status
#   tests/golden/NAME.stderr     diagnostics, when the run prints any
# One TAP line per file; a difference prints the diff.
#
# UPDATE_GOLDEN=1 tests/golden.t rewrites the files instead. Read every
# rewritten file before committing it: a golden file states what crashsafe
# should say about a configuration, not merely what it said.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
GOLDEN=$REPO/tests/golden
GROUPS_FILE=$REPO/examples/demo-groups.txt
XSD=$REPO/../shared/schemas/junit-10.xsd
UPDATE=${UPDATE_GOLDEN:-0}

if [ ! -x "$CRASHSAFE" ]; then
	echo "1..0 # SKIP $CRASHSAFE not built"
	exit 0
fi
cd "$REPO" || exit 1
export NO_COLOR=1
export CRASHSAFE_RULES_DIR=${CRASHSAFE_RULES_DIR:-$REPO/rules}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# compare NAME GOT WANT: one TAP line; the diff on a difference.
compare() {
	local name=$1 got=$2 want=$3
	if [ "$UPDATE" = 1 ]; then
		mkdir -p "$GOLDEN"
		cp "$got" "$want"
		pass "$name (updated)"
	elif [ ! -f "$want" ]; then
		fail "$name: ${want#"$REPO"/} missing (UPDATE_GOLDEN=1 creates it)"
	elif diff -u "$want" "$got" >"$tmp/diff"; then
		pass "$name"
	else
		fail "$name differs from ${want#"$REPO"/}"
		sed 's/^/#   /' "$tmp/diff"
	fi
}

trim() { printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'; }

while IFS='|' read -r name opts files; do
	case $name in
	'' | '#'*) continue ;;
	esac
	name=$(trim "$name")
	opts=$(trim "$opts")
	files=$(trim "$files")
	# Word splitting of $opts and $files is intended: neither holds spaces.
	# shellcheck disable=SC2086
	"$CRASHSAFE" check $opts --no-color --junit "$tmp/$name.junit.xml" \
		--json "$tmp/$name.json" --sarif "$tmp/$name.sarif" --prom "$tmp/$name.prom.raw" $files \
		>"$tmp/$name.txt" 2>"$tmp/$name.err" </dev/null
	echo $? >"$tmp/$name.exit"
	# the Prometheus report always says when the run was and how long it took: those two values
	# are the only ones not compared
	if [ -f "$tmp/$name.prom.raw" ]; then
		sed -E 's/^(crashsafe_last_run_timestamp_seconds|crashsafe_run_duration_seconds) .*/\1 (not compared)/' \
			"$tmp/$name.prom.raw" >"$tmp/$name.prom"
	fi
	# shellcheck disable=SC2086
	"$CRASHSAFE" check $opts --no-color --format gcc $files >"$tmp/$name.gcc" 2>/dev/null </dev/null
	echo "exit $?" >>"$tmp/$name.gcc"
	# the text report's other two faces: -v (every finding, the rationale) and -q
	for face in verbose quiet; do
		# shellcheck disable=SC2086
		"$CRASHSAFE" check $opts --no-color "--$face" $files >"$tmp/$name.$face.txt" 2>/dev/null </dev/null
	done
	compare "$name: text report" "$tmp/$name.txt" "$GOLDEN/$name.txt"
	if [ -f "$tmp/$name.junit.xml" ]; then
		compare "$name: JUnit report" "$tmp/$name.junit.xml" "$GOLDEN/$name.junit.xml"
		if [ -r "$XSD" ]; then
			if out=$(xmllint --noout --schema "$XSD" "$tmp/$name.junit.xml" 2>&1); then
				pass "$name: JUnit report validates against junit-10.xsd"
			else
				fail "$name: JUnit report validates against junit-10.xsd"
				printf '%s\n' "$out" | sed 's/^/#   /'
			fi
		else
			pass "$name: JUnit schema check # SKIP ../shared/schemas/junit-10.xsd absent"
		fi
	else
		fail "$name: no JUnit report written"
	fi
	for f in verbose.txt quiet.txt json sarif prom gcc; do
		if [ -f "$tmp/$name.$f" ]; then
			compare "$name: $f report" "$tmp/$name.$f" "$GOLDEN/$name.$f"
		else
			fail "$name: no $f report written"
		fi
	done
	compare "$name: exit status" "$tmp/$name.exit" "$GOLDEN/$name.exit"
	if [ -s "$tmp/$name.err" ] || [ -f "$GOLDEN/$name.stderr" ]; then
		if [ "$UPDATE" = 1 ] && [ ! -s "$tmp/$name.err" ]; then
			rm -f "$GOLDEN/$name.stderr"
			pass "$name: diagnostics (none now; golden removed)"
		else
			compare "$name: diagnostics on stderr" "$tmp/$name.err" "$GOLDEN/$name.stderr"
		fi
	fi
done <"$GROUPS_FILE"

tap_done
