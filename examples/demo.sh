#!/bin/sh
# demo.sh BINARY - audit the bundled examples with crashsafe.
#
# The examples are one repository of option files (examples/.crashsafe.ini
# says which server each file is): MySQL and MariaDB, primaries and
# replicas, several clusters, a Debian etc/mysql tree. For each line of
# examples/demo-groups.txt (one line: the whole repository in one run) it
# prints what will be audited and as what (--list-targets: each target's
# flavor, version, role and cluster, and which layer decided them), then
# runs `crashsafe check`, printing the text report to the terminal and
# writing a JUnit report next to the binary, in BINARY's
# directory/examples-junit/NAME.xml (build/examples-junit/ for `make demo`).
# Then the change check: `crashsafe diff` of examples/change/before.cnf and
# after.cnf (an edit that introduces two failures and fixes one).
#
# The examples contain crash-unsafe configurations on purpose, so `crashsafe
# check` exits 1 (findings at or above --fail-on) or 3 (something could not
# be evaluated). The demo shows those exit statuses and still exits 0: it
# demonstrates, it does not gate. It exits 1 when a run ends with any other
# status (2: usage error or unusable input), because then the demo itself is
# broken, and 2 when it cannot start.
#
# Runs from the repository root whatever the current directory, so that the
# file names in the reports are the same as in tests/golden/.
set -u

if [ $# -ne 1 ]; then
	echo "usage: examples/demo.sh BINARY" >&2
	exit 2
fi
bin=$1
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ]; then
	echo "examples/demo.sh: $bin: not an executable (run make first)" >&2
	exit 2
fi
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 2
out=$(dirname "$bin")/examples-junit
mkdir -p "$out" || exit 2
# Audit with this tree's rules unless told otherwise.
if [ -z "${CRASHSAFE_RULES_DIR:-}" ] && [ -f "$repo/rules/variables.ini" ]; then
	CRASHSAFE_RULES_DIR=$repo/rules
	export CRASHSAFE_RULES_DIR
fi

describe() {
	case $1 in
	0) echo "nothing at or above --fail-on" ;;
	1) echo "findings at or above --fail-on: a CI job would fail here" ;;
	2) echo "usage error or unusable input" ;;
	3) echo "something could not be audited or evaluated" ;;
	*) echo "unexpected" ;;
	esac
}

trim() {
	# Squeeze surrounding blanks off a field.
	printf '%s' "$1" | sed 's/^[[:space:]]*//; s/[[:space:]]*$//'
}

broken=0
while IFS='|' read -r name opts files; do
	case $name in
	'' | '#'*) continue ;;
	esac
	name=$(trim "$name")
	opts=$(trim "$opts")
	files=$(trim "$files")
	echo "==> $name: crashsafe check --list-targets $opts $files"
	echo
	# Word splitting of $opts and $files is intended: neither holds spaces.
	# shellcheck disable=SC2086
	"$bin" check --list-targets $opts $files </dev/null || broken=$((broken + 1))
	echo
	echo "==> $name: crashsafe check $opts $files"
	echo
	# shellcheck disable=SC2086
	"$bin" check $opts --junit "$out/$name.xml" $files </dev/null
	rc=$?
	echo "(crashsafe exited $rc: $(describe $rc))"
	echo
	case $rc in
	0 | 1 | 3) ;;
	*) broken=$((broken + 1)) ;;
	esac
done < examples/demo-groups.txt

# The change check: what an edit to a server's option file introduces and fixes, before a restart.
echo "==> the change check: crashsafe diff examples/change/before.cnf examples/change/after.cnf"
echo
"$bin" diff examples/change/before.cnf examples/change/after.cnf </dev/null
rc=$?
echo "(crashsafe exited $rc: $(describe $rc))"
echo
case $rc in
0 | 1 | 3) ;;
*) broken=$((broken + 1)) ;;
esac

echo "JUnit reports: $out/*.xml"
if [ "$broken" -ne 0 ]; then
	echo "examples/demo.sh: $broken run(s) could not audit the examples (see above)" >&2
	exit 1
fi
exit 0
