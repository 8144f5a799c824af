#!/bin/bash
# bench/samebytes.sh REF_BIN NEW_BIN [TREE] - are the reports of a change byte for byte the old ones?
# Runs the same ~500 commands with both binaries (TREE, default NEW_BIN/..: its examples,
# tests/snapshot and bench/gen.py) and compares the md5 of stdout, stderr and the exit status,
# time stamps and durations left out. Inputs: 1,000 generated files, 40 files with shared
# server_ids and Galera clusters, 200 captures, every examples/topology and examples/fleet
# inventory, tests/snapshot, every example file, and 60 configs of ../shared/corpus when it is
# there; text, JSON, JUnit, SARIF, gcc and prom, with and without -v; report files; --strict;
# --list-targets. BIG=1 adds 10,000-file runs. Generated inputs are kept in $SAMEBYTES_DATA
# (default ${TMPDIR:-/tmp}/crashsafe-samebytes) for the next run. Prints a DIFF line for each
# difference and ends "samebytes: N same, M different". REF_BIN is usually main built at the
# change's base: git worktree add /tmp/ref main && make -C /tmp/ref.
# the argument lists built with $(...) are meant to split into words
# shellcheck disable=SC2046
set -u
ref=$(readlink -f "$1"); new=$(readlink -f "$2")
tree=$(readlink -f "${3:-$(dirname "$new")/..}")
work=$(mktemp -d /tmp/samebytes.XXXXXX); trap 'rm -rf "$work"' EXIT
same=0; diff=0; unusable=0
data=${SAMEBYTES_DATA:-${TMPDIR:-/tmp}/crashsafe-samebytes}
mkdir -p "$data"
corpus=$tree/../shared/corpus
[ -d "$data"/sb1k ] || python3 "$tree/bench/gen.py" files 1000 "$data"/sb1k >/dev/null
if [ "${BIG:-0}" = 1 ] && [ ! -d "$data"/sb10k ]; then python3 "$tree/bench/gen.py" files 10000 "$data"/sb10k >/dev/null; fi
[ -d "$data"/sbcap ] || python3 "$tree/bench/gen.py" captures 200 "$data"/sbcap >/dev/null
# 40 files with shared server_ids and two Galera clusters
if [ ! -d "$data"/sb40 ]; then
  mkdir -p "$data"/sb40; i=0
  for f in "$tree"/examples/*/*.cnf "$tree"/examples/galera/*.cnf; do
    [ -f "$f" ] || continue; i=$((i+1)); [ $i -gt 40 ] && break
    sed "s/^\(server[-_]id[[:space:]]*=\).*/\1 $(( (i % 7) + 1 ))/" "$f" > "$data"/sb40/t$i.cnf
  done
fi
run() { # run NAME DIR ARGS...: a word with '*' is a glob expanded in DIR (quote it at the call)
  local name=$1 dir=$2; shift 2
  local a b w args=() m
  for w in "$@"; do
    if [[ $w == *'*'* ]]; then
      mapfile -t m < <(cd "$dir" && shopt -s nullglob && for f in $w; do printf '%s\n' "$f"; done)
      if [ ${#m[@]} -eq 0 ]; then echo "samebytes: '$w' matches nothing in $dir" >&2; exit 2; fi
      args+=("${m[@]}")
    else
      args+=("$w")
    fi
  done
  (cd "$dir" && "$ref" "${args[@]}" >"$work/r.out" 2>"$work/r.err"; echo "rc=$?" >>"$work/r.err")
  (cd "$dir" && "$new" "${args[@]}" >"$work/n.out" 2>"$work/n.err"; echo "rc=$?" >>"$work/n.err")
  if grep -qx 'rc=2' "$work/r.err"; then unusable=$((unusable+1)); echo "exit 2: $name" >>"$work/unusable"; fi
  for w in r n; do sed -i -E '/crashsafe_(run_timestamp|run_duration|last_run)|"(started|finished|duration_ms|elapsed_ms)"/d' "$work/$w.out"; done
  a=$(cat "$work/r.out" "$work/r.err" | md5sum); b=$(cat "$work/n.out" "$work/n.err" | md5sum)
  if [ "$a" = "$b" ]; then same=$((same+1)); else diff=$((diff+1)); echo "DIFF: $name ($dir: $*)"; fi
}
for fmt in text json junit sarif gcc prom; do
  run "1k $fmt" "$data"/sb1k check --format $fmt --fail-on never './*.cnf'
  run "1k -v $fmt" "$data"/sb1k check -v --format $fmt --fail-on never './*.cnf'
  run "40 $fmt" "$data"/sb40 check --format $fmt './*.cnf'
  run "40 -v $fmt" "$data"/sb40 check -v --format $fmt './*.cnf'
  run "captures $fmt" "$data"/sbcap check --format $fmt --fail-on never $(cd "$data"/sbcap && ls | head -200 | sed 's/^/--variables /')
  for inv in "$tree"/examples/topology/*.ini "$tree"/examples/fleet/*.ini; do
    [ -f "$inv" ] && run "inventory $(basename $inv) $fmt" "$(dirname "$inv")" check --format $fmt --inventory "$inv"
    [ -f "$inv" ] && run "inventory -v $(basename $inv) $fmt" "$(dirname "$inv")" check -v --format $fmt --inventory "$inv"
  done
  run "snapshots $fmt" "$tree/tests/snapshot" check -v --format $fmt $(cd "$tree/tests/snapshot" && ls *.txt | sed 's/^/--variables /')
  for f in "$tree"/examples/*/*.cnf; do run "example $fmt $f" "$(dirname "$f")" check -v --format $fmt "$f"; done
  if [ -d "$corpus" ]; then
    for f in $(find "$corpus" -name '*.cnf' | sort | head -60); do run "corpus $fmt $f" "$(dirname "$f")" check --format $fmt "$f"; done
  fi
done
run "1k -q" "$data"/sb1k check -q --fail-on never './*.cnf'
run "40 strict files" "$data"/sb40 check --strict --json "$work/j.json" --junit "$work/j.xml" --sarif "$work/s.sarif" './*.cnf'
for w in ref new; do b=$ref; [ $w = new ] && b=$new; mkdir -p "$work/rd-$w"; (cd "$data"/sb40 && "$b" check --json "$work/rd-$w/j.json" --junit "$work/rd-$w/j.xml" --sarif "$work/rd-$w/s.sarif" --text "$work/rd-$w/t.txt" ./*.cnf >/dev/null 2>&1); sed -i -E '/"(started|finished|duration_ms|elapsed_ms)"/d' "$work/rd-$w"/*; done
if diff -r "$work/rd-ref" "$work/rd-new" >/dev/null; then same=$((same+1)); else diff=$((diff+1)); echo "DIFF: report files"; fi
run "list-targets" "$data"/sb40 check --list-targets './*.cnf'
if [ "${BIG:-0}" = 1 ]; then
  for fmt in text json junit sarif; do run "10k $fmt" "$data"/sb10k check --format $fmt --fail-on never './*.cnf'; done
  run "10k -q" "$data"/sb10k check -q --fail-on never './*.cnf'
fi
# a run the reference refuses (exit 2) compares an error, not a report: say how many
if [ "$unusable" -gt 0 ]; then
  sed 's/^/  /' "$work/unusable"
  echo "samebytes: $unusable of the runs exit 2 with the reference (an error compared, not a report: above)"
fi
echo "samebytes: $same same, $diff different"
