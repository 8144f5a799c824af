#!/bin/bash
# bench/live.sh BINARY - a benchmark, not a test: how long one `crashsafe live`
# takes on one real MariaDB server on loopback, next to the tools DBAs run
# for the same question, on the same server:
#
#   mariadb -e 'SHOW GLOBAL VARIABLES'    the floor: connect, one query
#   pt-variable-advisor                   Percona Toolkit's variable checks
#   mysqltuner                            the usual tuning report
#
# and, at a distance and in numbers (issue 13):
#   far    the same server behind a 100 ms round trip (bench/delayproxy.c,
#          50 ms each way, the TCP handshake included): crashsafe live
#          against `mariadb -e 'SHOW GLOBAL VARIABLES'`, interleaved
#          (bench/interleave.c), and each one's queries
#   fleet  LIVE_BENCH_FLEET (default 1,000) servers behind a 100 ms round
#          trip: as many proxy ports in front of the one server, default
#          options, wall time and peak memory (/usr/bin/time)
#   hang   200 targets of which 100 never answer (netfault.py silent),
#          --connect-timeout 2: one timeout if hanging servers hold no worker,
#          ceil(100/jobs) timeouts if they do (issue 8 item 6)
#   many   LIVE_BENCH_MANY (default 10,000) targets in one process (the
#          loopback server named that many times; its max_connections is
#          raised for it): every one audited, no file descriptor exhausted
# Targets: no slower than `mariadb -e` on loopback, 10x faster than
# pt-variable-advisor, 50x faster than mysqltuner; at 100 ms within 1.1x of
# `mariadb -e`; 1,000 servers at 100 ms under 3 s; 10,000 in one process.
# LIVE_BENCH_SECTIONS picks sections (default "one far fleet hang many");
# the runs are short (the machine is shared).
# The server is started by tests/live/harness.sh on 127.0.0.1:LIVE_PORT_BASE+90 and
# stopped at exit. Prints hyperfine's table; docs/live.md records a run.
# bench/run.sh runs it with sh: this script needs bash (the harness uses arrays).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$here/build/crashsafe}
case "$bin" in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$here" || exit 1
. "$here/tests/live/harness.sh"

if ! live_need_packages; then
	echo "live benchmark skipped: $LIVE_SKIP_REASON"
	exit 0
fi
missing=
for t in hyperfine pt-variable-advisor mysqltuner; do
	command -v $t >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "live benchmark skipped: missing$missing (apt-get install hyperfine percona-toolkit mysqltuner)"
	exit 0
fi
[ -x "$bin" ] || { echo "bench/live.sh: $bin is not built" >&2; exit 2; }

PORT=$((LIVE_PORT_BASE + 90))
live_init || exit 1
# mysqltuner divides by innodb_buffer_pool_chunk_size, which MariaDB 10.11
# reports as 0 unless it is set: set it so that mysqltuner runs to the end.
live_start bench $PORT 90 "log_bin = mariadb-bin
sync_binlog = 1
innodb_buffer_pool_chunk_size = 8M
max_connections = 11000
back_log = 4096" || exit 1
sections=" ${LIVE_BENCH_SECTIONS:-one far fleet hang many} "
want() { case "$sections" in *" $1 "*) return 0 ;; esac; return 1; }
BENCH_PW=Bench-Pw-3b9e
live_sql bench "CREATE USER 'bench'@'127.0.0.1' IDENTIFIED BY '$BENCH_PW';
	GRANT ALL ON *.* TO 'bench'@'127.0.0.1'" || exit 1
export MYSQL_PWD=$BENCH_PW
host=127.0.0.1

if want one; then
echo "## one MariaDB $(live_sql bench 'SELECT VERSION()') server on loopback ($host:$PORT), whole process"
echo
# Every tool connects the same way (TCP, user bench, password from MYSQL_PWD).
hyperfine -N -i --warmup 3 --runs "${LIVE_BENCH_RUNS:-30}" --export-json "$LIVE_DIR/one.json" \
	-n "crashsafe live" "$bin live --no-defaults -u bench $host:$PORT --fail-on never" \
	-n "mariadb -e 'SHOW GLOBAL VARIABLES'" \
	"mariadb --no-defaults -h $host -P $PORT -u bench -e 'SHOW GLOBAL VARIABLES'" \
	-n "pt-variable-advisor" "pt-variable-advisor h=$host,P=$PORT,u=bench" >/dev/null
hyperfine -N -i --warmup 1 --runs "${LIVE_BENCH_SLOW_RUNS:-5}" --export-json "$LIVE_DIR/slow.json" \
	-n "mysqltuner" \
	"mysqltuner --host $host --port $PORT --user bench --passenv MYSQL_PWD --nocolor --forcemem 1024 --forceswap 0" \
	>/dev/null
# One table, with crashsafe's speed-up over each tool (mean over mean).
jq -rs '[.[].results[]] as $r | ($r[] | select(.command == "crashsafe live") | .mean) as $cs |
	"| command | mean | min | max | crashsafe live is |",
	"|:---|---:|---:|---:|---:|",
	($r[] | "| `\(.command)` | \(.mean*1000*10|round/10) ms | \(.min*1000*10|round/10) ms | \(.max*1000*10|round/10) ms | " +
		(if .command == "crashsafe live" then "-" else "\(.mean/$cs*10|round/10)x faster" end) + " |")' \
	"$LIVE_DIR/one.json" "$LIVE_DIR/slow.json"
fi

cc -O2 -o "$LIVE_DIR/delayproxy" "$here/bench/delayproxy.c" || exit 1
cc -O2 -o "$LIVE_DIR/interleave" "$here/bench/interleave.c" || exit 1
# proxy NAME FIRST-PORT COUNT: COUNT ports at a 100 ms round trip in front of the server
proxy() {
	"$LIVE_DIR/delayproxy" "$2" "$3" "$PORT" 50 "$LIVE_DIR/$1.ready" 2>"$LIVE_DIR/$1.log" &
	LIVE_HELPERS[$1]=$!
	for _ in $(seq 1 100); do [ -f "$LIVE_DIR/$1.ready" ] && return 0; sleep 0.05; done
	echo "bench/live.sh: the delay proxy did not start" >&2
	return 1
}

if want far; then
echo
echo "## one server at a 100 ms round trip (bench/delayproxy.c), whole process, interleaved"
echo
far=$((LIVE_PORT_BASE + 92))
proxy far $far 1 || exit 1
"$LIVE_DIR/interleave" -n "${LIVE_BENCH_FAR_RUNS:-10}" -w 1 -r 1 -- \
	"mariadb --no-defaults -h $host -P $far -u bench -e 'SHOW GLOBAL VARIABLES'" \
	"$bin live --no-defaults -u bench $host:$far --fail-on never -q"
echo
echo "Queries after the login (the server's general log): mariadb -e sends 1, crashsafe live" \
	"$(live_sql bench "SET GLOBAL log_output = 'TABLE'; TRUNCATE TABLE mysql.general_log;
		SET GLOBAL general_log = ON" && "$bin" live --no-defaults -u bench "$host:$far" --fail-on never -q >/dev/null;
		live_sql bench "SET GLOBAL general_log = OFF; SELECT COUNT(*) FROM mysql.general_log
		WHERE command_type = 'Query' AND user_host LIKE 'bench[%'")."
fi

if want fleet; then
nfleet=${LIVE_BENCH_FLEET:-1000}
echo
echo "## a fleet: $nfleet servers at a 100 ms round trip (proxy ports), one run, default options"
echo
first=$((LIVE_PORT_BASE + 1000))
proxy fleet $first "$nfleet" || exit 1
targets=
for i in $(seq 0 $((nfleet - 1))); do
	targets="$targets $host:$((first + i))"
done
# shellcheck disable=SC2086
/usr/bin/time -f "wall %e s, user %U s, system %S s, max RSS %M KB" "$bin" live --no-defaults -u bench $targets \
	--fail-on never -q 2>&1 | tail -n 2
fi

if want hang; then
echo
echo "## 200 targets, 100 of them never answer, --connect-timeout 2"
echo
live_netfault silent silent $((LIVE_PORT_BASE + 91)) || exit 1
targets=
for i in $(seq 1 100); do
	targets="$targets $host:$PORT $host:$((LIVE_PORT_BASE + 91))"
done
# shellcheck disable=SC2086
hyperfine -N -i --runs "${LIVE_BENCH_HANG_RUNS:-3}" --export-markdown "$LIVE_DIR/hang.md" \
	-n "crashsafe live, 200 targets, 100 silent (default --jobs)" \
	"$bin live --no-defaults -u bench --connect-timeout 2$targets --fail-on never -q" \
	-n "the same with --jobs 4" \
	"$bin live --no-defaults -u bench --connect-timeout 2 --jobs 4$targets --fail-on never -q" >/dev/null
cat "$LIVE_DIR/hang.md"
fi

if want many; then
nmany=${LIVE_BENCH_MANY:-10000}
echo
echo "## $nmany targets in one process (the loopback server named $nmany times)"
echo
targets=
for i in $(seq 1 "$nmany"); do
	targets="$targets $host:$PORT"
done
# shellcheck disable=SC2086
/usr/bin/time -f "wall %e s, user %U s, system %S s, max RSS %M KB" "$bin" live --no-defaults -u bench $targets \
	--fail-on never -q 2>&1 | tail -n 2
fi
