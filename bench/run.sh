#!/bin/bash
# bench/run.sh BINARY - benchmarks, not tests: nothing here fails because the
# machine is slow. Prints the figures DESIGN.md sets targets for (issue 13),
# as Markdown tables; docs/benchmarks.md records a run and says how to read it.
#
#   one     one option file, whole process: check (JSON and text), resolve
#           --raw and my_print_defaults on the same file, interleaved
#           (bench/interleave.c: A B C D A B C D ..., medians), and each
#           one's instruction count (valgrind --tool=callgrind), which the
#           load of a shared machine does not change
#   many    N option files (bench/gen.py files; BENCH_FILES, default 10000)
#           in one check, pinned to one core (taskset -c 0): text -q, JSON,
#           JUnit, SARIF; wall, user and system time and peak memory
#           (/usr/bin/time); BENCH_SCALE="1000 10000 100000" runs text -q
#           and JSON at each size (linear time, flat memory)
#   captures  BENCH_CAPTURES (default 20000) captured SHOW GLOBAL VARIABLES
#           files (bench/gen.py captures) in one check -q
#   live    bench/live.sh (one server and fleets behind bench/delayproxy.c)
#
# BENCH_SECTIONS picks sections (default "one many captures live"). Keep runs
# short: the development machine has 2 cores shared with other jobs, so wall
# times move with its load; user + system time and instruction counts are
# the steadier figures.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d /tmp/crashsafe-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
CRASHSAFE_RULES_DIR=${CRASHSAFE_RULES_DIR:-$here/rules}
export CRASHSAFE_RULES_DIR
sections=" ${BENCH_SECTIONS:-one many captures live} "
want() { case "$sections" in *" $1 "*) return 0 ;; esac; return 1; }
cc -O2 -o "$tmp/interleave" "$here/bench/interleave.c"

# measure LABEL ARGS...: one run of crashsafe ARGS on one core, stdout to
# /dev/null; a Markdown row: wall, user, system, peak RSS, report size
measure() {
	local label=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" taskset -c 0 "$bin" "$@" >"$tmp/report" 2>/dev/null || true
	read -r wall user sys rss <"$tmp/time"
	printf '| %s | %s s | %s s | %s s | %d MB | %d MB |\n' "$label" "$wall" "$user" "$sys" \
		$((rss / 1024)) $(($(stat -c %s "$tmp/report") / 1048576))
}
header() {
	echo "| run | wall | user | system | peak RSS | report |"
	echo "|:---|---:|---:|---:|---:|---:|"
}

if want one; then
	file="$here/examples/mysql-8.4/replica-unsafe.cnf"
	echo "## one option file ($file), whole process"
	echo
	"$tmp/interleave" -n "${BENCH_ONE_RUNS:-100}" -w 10 -r 5 -- \
		"$bin check --format json --fail-on never $file" \
		"$bin check --fail-on never $file" \
		"$bin resolve --raw --flavor mariadb $file" \
		"$bin --version" \
		"my_print_defaults --defaults-file=$file --mysqld"
	if command -v valgrind >/dev/null 2>&1; then
		echo
		echo "| command | instructions (callgrind) |"
		echo "|:---|---:|"
		for c in "$bin check --format json --fail-on never $file" "$bin check --fail-on never $file" \
			"$bin resolve --raw --flavor mariadb $file" "$bin --version" \
			"my_print_defaults --defaults-file=$file --mysqld"; do
			# shellcheck disable=SC2086
			ir=$(valgrind --tool=callgrind --callgrind-out-file=/dev/null $c 2>&1 >/dev/null |
				sed -n 's/.*refs: *//p')
			echo "| \`$c\` | $ir |"
		done
	fi
fi

if want many; then
	nfiles=${BENCH_FILES:-10000}
	echo
	echo "## $nfiles option files in one check, one core (taskset -c 0)"
	echo
	python3 "$here/bench/gen.py" files "$nfiles" "$tmp/fleet"
	cd "$tmp/fleet"
	header
	measure "text -q" check -q --no-color --fail-on never ./*.cnf
	measure "JSON" check --format json --fail-on never ./*.cnf
	measure "JUnit" check --format junit --fail-on never ./*.cnf
	measure "SARIF" check --format sarif --fail-on never ./*.cnf
	cd "$here"
	rm -rf "$tmp/fleet"
	if [ -n "${BENCH_SCALE:-}" ]; then
		echo
		echo "## scale: text -q and JSON by number of files, one core"
		echo
		header
		for n in $BENCH_SCALE; do
			python3 "$here/bench/gen.py" files "$n" "$tmp/scale"
			cd "$tmp/scale"
			measure "$n files, text -q" check -q --no-color --fail-on never ./*.cnf
			measure "$n files, JSON" check --format json --fail-on never ./*.cnf
			cd "$here"
			rm -rf "$tmp/scale"
		done
	fi
fi

if want captures; then
	ncap=${BENCH_CAPTURES:-20000}
	echo
	echo "## $ncap captured variable files in one check, one core"
	echo
	python3 "$here/bench/gen.py" captures "$ncap" "$tmp/captures"
	cd "$tmp/captures"
	args=()
	for f in ./*.txt; do
		args+=(--variables "$f")
	done
	header
	measure "$ncap captures, text -q" check -q --no-color --fail-on never "${args[@]}"
	measure "$ncap captures, JSON" check --format json --fail-on never "${args[@]}"
	cd "$here"
	rm -rf "$tmp/captures"
fi

if want live; then
	echo
	echo "## live"
	bash "$here/bench/live.sh" "$bin" || echo "live benchmark could not run (see above)"
fi
