#!/bin/sh
# bench/run.sh BINARY - benchmarks, not tests: nothing here fails because the
# machine is slow. Prints the figures DESIGN.md sets targets for:
#   1. one option file, whole process: crashsafe check / resolve --raw vs my_print_defaults
#      (target: within 2x);
#   2. 10,000 option files in one run (target: under 0.5 s on one core);
#   3. the live benchmark (bench/live.sh), when a live server can be started.
# Results go to stdout; docs/benchmarks.md records the figures of the last run.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CRASHSAFE_RULES_DIR=${CRASHSAFE_RULES_DIR:-$here/rules}
export CRASHSAFE_RULES_DIR
file="$here/examples/mysql-8.4/replica-unsafe.cnf"
[ -f "$file" ] || file=$(ls "$here"/examples/*/*.cnf | head -n 1)

echo "## 1. one option file ($file), whole process"
hyperfine -N --warmup 20 --runs 100 --export-markdown "$tmp/one.md" \
	"$bin check --format json --fail-on never $file" \
	"$bin resolve --raw --flavor mariadb $file" \
	"my_print_defaults --defaults-file=$file --mysqld" >/dev/null
cat "$tmp/one.md"

echo
echo "## 2. 10,000 option files in one run (one core: taskset -c 0)"
mkdir -p "$tmp/fleet"
i=0
for f in "$here"/examples/mysql-8.4/*.cnf "$here"/examples/mysql-5.7/*.cnf; do
	[ -f "$f" ] || continue
	cp "$f" "$tmp/fleet/src$i.cnf"
	i=$((i + 1))
done
n=0
while [ $n -lt 10000 ]; do
	src=$((n % i))
	# Distinct server ids so the fleet rule has real work.
	sed "s/^server[-_]id.*/server_id = $((n + 1))/" "$tmp/fleet/src$src.cnf" >"$tmp/fleet/h$n.cnf"
	n=$((n + 1))
done
rm -f "$tmp"/fleet/src*.cnf
cd "$tmp/fleet"
hyperfine -N --warmup 2 --runs 10 --export-markdown "$tmp/many.md" \
	"taskset -c 0 $bin check --format json --fail-on never --json /dev/null $(ls | tr '\n' ' ')" >/dev/null 2>&1 ||
	hyperfine --warmup 2 --runs 10 --export-markdown "$tmp/many.md" \
		"taskset -c 0 $bin check --format json --fail-on never ./*.cnf >/dev/null"
cat "$tmp/many.md"
cd "$here"

if [ -x bench/live.sh ]; then
	echo
	echo "## 3. live"
	sh bench/live.sh "$bin" || echo "live benchmark could not run (see above)"
fi
