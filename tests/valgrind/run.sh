#!/bin/bash
# tests/valgrind/run.sh BINARY SAMPLE TEST... - run end-to-end TAP tests with
# every crashsafe process (one in SAMPLE of them) under valgrind memcheck,
# through the tests/valgrind/crashsafe wrapper, then require zero errors:
# every process log must end with "ERROR SUMMARY: 0 errors" (invalid reads
# and writes, uses of uninitialised values, bad frees, definite leaks).
# Exits 1 when a test fails, a log shows an error, or no process ran under
# valgrind at all (a broken wrapper must not pass).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
sample=$2
shift 2
if ! command -v valgrind >/dev/null 2>&1; then
	echo "valgrind is not installed (apt-get install valgrind)" >&2
	exit 1
fi
logs=$(mktemp -d /tmp/crashsafe-memcheck.XXXXXX)
trap 'rm -rf "$logs"' EXIT

CRASHSAFE_REAL=$bin VALGRIND_LOG_DIR=$logs VALGRIND_SAMPLE=$sample CRASHSAFE=$here/crashsafe \
	prove --exec '' "$@"
status=$?

runs=$(find "$logs" -name 'vg.*.log' | wc -l)
bad=$(grep -L "ERROR SUMMARY: 0 errors" "$logs"/vg.*.log 2>/dev/null)
echo "memcheck: $runs crashsafe processes under valgrind (1 in $sample), $(echo "$bad" | grep -c .) with errors"
for f in $bad; do
	echo "== $f"
	cat "$f"
done
[ "$runs" -gt 0 ] || { echo "memcheck: no process ran under valgrind" >&2; exit 1; }
[ -z "$bad" ] && [ "$status" = 0 ]
