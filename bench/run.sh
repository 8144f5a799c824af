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
#           in one check, pinned to one core (taskset -c BENCH_CORE,
#           default 0): text -q, JSON, JUnit, SARIF; wall, user and system
#           time and peak memory
#           (/usr/bin/time); BENCH_SCALE="1000 10000 100000" runs text -q
#           and JSON at each size (linear time, flat memory)
#   captures  BENCH_CAPTURES (default 20000) captured SHOW GLOBAL VARIABLES
#           files (bench/gen.py captures) in one check -q
#   live    bench/live.sh (one server and fleets behind bench/delayproxy.c)
#
# BENCH_BASELINE=OTHER_BINARY (issue 13: before and after, measured the same
# way at the same time): the one section interleaves OTHER_BINARY's check
# (text and JSON) with the others' and counts its instructions too; the many
# and captures sections run each measurement
# with OTHER_BINARY and BINARY in turn, BENCH_ROUNDS times (default 1), so
# that a burst of load lands on both alike; rows say which binary ran. Both
# read the rules of CRASHSAFE_RULES_DIR (default: this tree's rules/).
# BENCH_CORE picks the core (default 0).
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

base=
if [ -n "${BENCH_BASELINE:-}" ]; then
	base=$(cd "$(dirname "$BENCH_BASELINE")" && pwd)/$(basename "$BENCH_BASELINE")
fi
# measure_one LABEL BINARY ARGS...: one run of BINARY ARGS on one core,
# stdout to /dev/null; a Markdown row: wall, user, system, peak RSS, report size
measure_one() {
	local label=$1 b=$2
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/time" taskset -c "${BENCH_CORE:-0}" "$b" "$@" >"$tmp/report" 2>/dev/null || true
	# the last line: time puts "Command exited with non-zero status N" before it
	read -r wall user sys rss < <(tail -n 1 "$tmp/time")
	printf '| %s | %s s | %s s | %s s | %d MB | %d MB |\n' "$label" "$wall" "$user" "$sys" \
		$((rss / 1024)) $(($(stat -c %s "$tmp/report") / 1048576))
}
# measure LABEL ARGS...: crashsafe ARGS; with BENCH_BASELINE, the baseline and
# then this binary, BENCH_ROUNDS times
measure() {
	local label=$1
	shift
	if [ -z "$base" ]; then
		measure_one "$label" "$bin" "$@"
		return
	fi
	for _ in $(seq 1 "${BENCH_ROUNDS:-1}"); do
		measure_one "$label, baseline" "$base" "$@"
		measure_one "$label, this build" "$bin" "$@"
	done
}
header() {
	echo "| run | wall | user | system | peak RSS | report |"
	echo "|:---|---:|---:|---:|---:|---:|"
}

if want one; then
	file="$here/examples/mysql-8.4/replica-unsafe.cnf"
	echo "## one option file ($file), whole process"
	echo
	one=("$bin check --format json --fail-on never $file" "$bin check --fail-on never $file"
		"$bin resolve --raw --flavor mariadb $file" "$bin --version")
	if [ -n "$base" ]; then
		one+=("$base check --format json --fail-on never $file" "$base check --fail-on never $file")
	fi
	one+=("my_print_defaults --defaults-file=$file --mysqld")
	# the reference (-r) is the last command: my_print_defaults
	"$tmp/interleave" -n "${BENCH_ONE_RUNS:-100}" -w 10 -r "${#one[@]}" -- "${one[@]}"
	if command -v valgrind >/dev/null 2>&1; then
		echo
		echo "| command | instructions (callgrind) |"
		echo "|:---|---:|"
		for c in "${one[@]}"; do
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
	echo "## $nfiles option files in one check, one core (taskset -c ${BENCH_CORE:-0})"
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
