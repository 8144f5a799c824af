#!/bin/bash
# fleet-merge.t - `crashsafe merge` of shard reports equals the unsharded
# run, byte for byte in every format (text, JSON, JUnit, SARIF; Prometheus
# but for its two time samples), for option files and captures: the fleet
# rules run again over every target (server ids shared across shards fail
# in the merge though each shard alone passed), targets come back in the
# run's order, findings keep their sentences; and the refusals: a missing or
# repeated shard, shards of different runs, reports made with other rules,
# a report without the fleet data (schema 2), a target twice. The topology
# rules (issue 12) over the example topologies of examples/topology/, a
# replica and its source in different shards: the merge links them and
# equals the unsharded run. Also the examples/fleet/ GitHub Actions matrix,
# run as written. The live side is in
# live-fleet.t. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
RQ="/usr/bin/python3 $REPO/tests/live/rq.py"
PY=/usr/bin/python3
tap_scratch merge

same() {   # same FILE-A FILE-B NAME: byte-identical, else the first differences
	if cmp -s "$1" "$2"; then ok 0 "$3"; else ok 1 "$3"; diff "$1" "$2" | head -20 | sed 's/^/#   /'; fi
}

# ---- a fleet of option files and captures ------------------------------------
# 24 servers: ids repeat every 10 (so some clash across shards), a Galera pair
# sharing an id within its cluster, problems per line, a capture with its
# option file, a capture alone, an unreadable file, a file without server_id.
mkdir -p "$T/f" "$T/caps"
for i in $(seq 1 20); do
	id=$(( (i - 1) % 10 + 1 ))
	{
		printf '[mysqld]\nserver_id = %d\n' "$id"
		case $((i % 4)) in
		0) printf 'gtid_mode = ON\nenforce_gtid_consistency = ON\nrelay_log_recovery = ON\n' ;;
		1) printf 'log_bin = b\nsync_binlog = 0\nmaster_info_repository = TABLE\n' ;;
		2) printf 'read_only = ON\nsync_binlog = 1;\ninnodb_flush_log_at_trx_commit = 2\n' ;;
		3) printf 'server_uuid = 3e11fa47-71ca-11e1-9e33-c80aa9429562\n' ;;
		esac
	} >"$T/f/db$i.cnf"
done
printf '[mysqld]\nwsrep_on = ON\nwsrep_provider = /usr/lib/galera/libgalera_smm.so\nwsrep_cluster_name = eu\nserver_id = 77\n' >"$T/f/galera-a.cnf"
printf '[mysqld]\nwsrep_on = ON\nwsrep_provider = /usr/lib/galera/libgalera_smm.so\nwsrep_cluster_name = eu\nserver_id = 77\n' >"$T/f/galera-b.cnf"
printf '[mysqld]\nlog_bin = b\n' >"$T/f/noid.cnf"
# One server's options in two files, both given: the included one is no target of its own (load.h);
# and a file given under a second spelling (./f/db2.cnf) is one target.
printf '[mysqld]\nserver_id = 88\n!include f/inc-part.cnf\n' >"$T/f/inc-main.cnf"
printf '[mysqld]\nrelay_log_recovery = ON\n' >"$T/f/inc-part.cnf"
cat >"$T/caps/cap1.capture" <<'CAP'
# crashsafe capture 1
# target cap1
# role replica
version	8.4.2
version_comment	MySQL Community Server - GPL
server_id	3
gtid_mode	ON
enforce_gtid_consistency	ON
relay_log_recovery	ON
read_only	ON
super_read_only	OFF
CAP
sed 's/^server_id\t3$/server_id\t12/' "$T/caps/cap1.capture" >"$T/caps/cap2.capture"
printf '[mysqld]\nserver_id = 3\nsuper_read_only = ON\n' >"$T/cap1.cnf"
printf '[cap1]\nvariables = caps/cap1.capture\nconfig = cap1.cnf\n[cap2]\nvariables = caps/cap2.capture\nrole = replica\n' >"$T/inv.ini"
# Relative names (run from $T): shard assignment hashes the names, so it is the same on every run.
cd "$T" || exit 1
files=(f/*.cnf f/missing.cnf ./f/db2.cnf)
args=(--inventory inv.ini "${files[@]}")

# The unsharded run in every format, and the same run in N shards merged.
formats() {   # formats PREFIX: the report options writing PREFIX.{txt,json,xml,sarif,prom}
	echo --format text --json "$1.json" --junit "$1.xml" --sarif "$1.sarif" --prom "$1.prom"
}
# shellcheck disable=SC2046
"$CRASHSAFE" check "${args[@]}" $(formats "$T/all") >"$T/all.txt" 2>/dev/null
all_rc=$?
is "$all_rc" 2 "the unsharded run exits 2 (an unreadable file)"
# The two dropped are FILE operands: the two inventory sections are servers the inventory declares
# and stay targets whatever their files (breaker7 finding 1; tests/targets.t merges those).
is "$($RQ "$T/all.json" summary targets)" 27 "... over 27 targets (29 given: an included FILE and a FILE's second spelling are not targets; both sections are)"
# The shard counts below split those pairs at least once, so merge must drop them across shards.
$PY - <<'PY'
import sys
def fnv(s):
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) % (1 << 64)
    return h
pairs = [("f/inc-main.cnf", "f/inc-part.cnf"), ("f/db2.cnf", "./f/db2.cnf")]
sys.exit(0 if all(any(fnv(a) % n != fnv(b) % n for n in (2, 3, 5)) for a, b in pairs) else 1)
PY
ok $? "the includer and its included file, and the two spellings, fall in different shards at least once"
for N in 2 3 5; do
	shards=()
	died=
	for i in $(seq 1 $N); do
		"$CRASHSAFE" check "${args[@]}" --shard "$i/$N" --json "$T/s$N-$i.json" -q >/dev/null 2>&1
		shard_rc=$?
		[ "$shard_rc" -lt 128 ] || died="$died $i/$N:$shard_rc"
		shards+=("$T/s$N-$i.json")
	done
	is "$died" "" "each of $N shards exits with a status, none dies of a signal"
	# shellcheck disable=SC2046
	"$CRASHSAFE" merge $(formats "$T/m$N") "${shards[@]}" >"$T/m$N.txt" 2>"$T/m$N.err"
	rc=$?
	is "$rc" "$all_rc" "merge of $N shards exits as the unsharded run ($all_rc)"
	for ext in txt json xml sarif; do
		same "$T/all.$ext" "$T/m$N.$ext" "merge of $N shards: the .$ext report equals the unsharded run's"
	done
	grep -v '^crashsafe_last_run_timestamp_seconds \|^crashsafe_run_duration_seconds ' "$T/all.prom" >"$T/all.prom.cut"
	grep -v '^crashsafe_last_run_timestamp_seconds \|^crashsafe_run_duration_seconds ' "$T/m$N.prom" >"$T/m$N.prom.cut"
	same "$T/all.prom.cut" "$T/m$N.prom.cut" "merge of $N shards: the metrics equal the unsharded run's (but the time samples)"
done
# --format gcc (FILE:LINE: severity: message [rule-id]) of the merge of 3 shards, and its exit status.
"$CRASHSAFE" check "${args[@]}" --format gcc >"$T/all.gcc" 2>/dev/null
"$CRASHSAFE" merge --format gcc "$T"/s3-*.json >"$T/m3.gcc" 2>/dev/null
is "$?" "$all_rc" "merge --format gcc exits as the unsharded run"
same "$T/all.gcc" "$T/m3.gcc" "merge --format gcc: the unsharded run's lines"
has "server-id-unique]" "$(cat "$T/m3.gcc")" "... with the fleet findings judged over every shard"
# The shards alone did not see the clashes the merge reports.
st() { $RQ "$1" finding "$2" server-id-unique status; }
is "$(st "$T/all.json" f/db1.cnf)" fail "db1 shares server_id 1 with db11: fail in the whole run"
# targets whose server-id-unique passed in their shard of 5 and fails merged: the merge judged across shards
again=$($PY - "$T"/s5-*.json "$T/m5.json" <<'PY'
import json, sys
shard = {}
for path in sys.argv[1:-1]:
    for t in json.load(open(path))["targets"]:
        for f in t["findings"]:
            if f["rule_id"] == "server-id-unique":
                shard[t["name"]] = f["status"]
merged = json.load(open(sys.argv[-1]))
print(sum(1 for t in merged["targets"] for f in t["findings"]
          if f["rule_id"] == "server-id-unique" and f["status"] == "fail" and shard.get(t["name"]) == "pass"))
PY
)
ok "$([ "$again" -gt 0 ] && echo 0 || echo 1)" "$again targets passed server-id-unique in their shard and fail merged: merge ran the fleet rule again"
is "$(st "$T/m5.json" f/galera-a.cnf)" pass "the Galera pair shares its id within its cluster, merged too"
has "is also used by 2 other targets: f/db11.cnf, f/noid.cnf" "$($RQ "$T/m5.json" finding f/db1.cnf server-id-unique message)" \
	"the merged fleet finding names the peers, from other shards too"

# Order of the arguments does not matter; the merged report keeps the run's order.
"$CRASHSAFE" merge --format json "$T/s3-3.json" "$T/s3-1.json" "$T/s3-2.json" >"$T/rev.json" 2>/dev/null
same "$T/all.json" "$T/rev.json" "shard reports given in any order merge to the same report"
# A merged report merges again (it is one whole run).
"$CRASHSAFE" merge --format json "$T/m3.json" >"$T/again.json" 2>/dev/null
same "$T/all.json" "$T/again.json" "a merged report merged alone is itself"
# --fail-on decides merge's exit status as it would the run's.
"$CRASHSAFE" check "${files[@]:0:20}" --fail-on warning -q >/dev/null 2>&1
want=$?
for i in 1 2; do "$CRASHSAFE" check "${files[@]:0:20}" --shard $i/2 --json "$T/w$i.json" -q >/dev/null 2>&1; done
"$CRASHSAFE" merge --fail-on warning -q "$T/w1.json" "$T/w2.json" >/dev/null 2>&1
is "$?" "$want" "merge --fail-on warning exits as check --fail-on warning ($want)"

# ---- refusals ------------------------------------------------------------------
run merge "$T/s3-1.json" "$T/s3-3.json"
is "$rc" 2 "a missing shard: exit 2"
has "shard 2 of 3 is missing" "$err" "... naming it"
run merge "$T/s3-1.json" "$T/s3-2.json" "$T/s3-3.json" "$T/s3-2.json"
is "$rc" 2 "a shard given twice: exit 2"
has "shard 2 of 3 is given twice" "$err" "... naming it"
run merge "$T/s3-1.json" "$T/s2-2.json" "$T/s3-3.json"
is "$rc" 2 "shards of different splits: exit 2"
"$CRASHSAFE" check "${files[@]:0:5}" --shard 2/3 --json "$T/other2.json" -q >/dev/null 2>&1
run merge "$T/s3-1.json" "$T/other2.json" "$T/s3-3.json"
is "$rc" 2 "shards of different runs (another target list): exit 2"
mkdir -p "$T/myrules"
printf '[my-rule]\nseverity = info\ntitle = A rule of my own\nrequire = server_id != 42\nwhy = w\nfix = f\n' >"$T/myrules/my.ini"
run merge "$T/s2-1.json" "$T/s2-2.json" --rules "$T/myrules"
is "$rc" 2 "shards made with other rules than merge loads: exit 2"
has "--rules" "$err" "... saying to give the same rules"
$PY - "$T/s2-1.json" "$T/old.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["schema"] = "crashsafe-report/2"
del d["run"]
for t in d["targets"]:
    for k in ("position", "tags", "fleet"):
        del t[k]
json.dump(d, open(sys.argv[2], "w"), indent=2)
PY
run merge "$T/old.json"
is "$rc" 2 "a report without the fleet data (schema 2): exit 2"
has "crashsafe-report/3" "$err" "... saying which schema merge needs"
run merge "$T/all.json" "$T/all.json"
is "$rc" 2 "one target in two reports: exit 2"
has "twice" "$err" "... saying so"
printf '{"schema": "crashsafe-report/3", "targets": [' >"$T/broken.json"
run merge "$T/broken.json"
is "$rc" 2 "a JSON file cut short: exit 2"
has "broken.json" "$err" "... naming the file"
run merge
is "$rc" 2 "merge without a report: usage error"

# ---- topology rules across shards (examples/topology/, issue 12) ------------------
# The example topologies (real MariaDB captures): a replica and its source in
# different shards leave the shard "could not evaluate: the source ... is not among
# the audited servers"; merge links every channel again (engine_evaluate_fleet)
# and gives the unsharded report byte for byte.
# Until the topology rules are in the tree (rules/link.ini, examples/topology/), say so.
if [ -f "$REPO/examples/topology/broken.ini" ] && "$CRASHSAFE" rules 2>/dev/null | grep -q 'source-replica-consistency'; then
	split_total=0
	blind_total=0
	for topo in broken dual galera; do
		inv=$REPO/examples/topology/$topo.ini
		# shellcheck disable=SC2046
		"$CRASHSAFE" check --inventory "$inv" $(formats "$T/t-$topo") >"$T/t-$topo.txt" 2>/dev/null
		topo_rc=$?
		for N in 2 3; do
			shards=()
			died=
			for i in $(seq 1 $N); do
				"$CRASHSAFE" check --inventory "$inv" --shard "$i/$N" --json "$T/t-$topo-s$N-$i.json" -q >/dev/null 2>&1
				shard_rc=$?
				[ "$shard_rc" -lt 128 ] || died="$died $i/$N:$shard_rc"
				shards+=("$T/t-$topo-s$N-$i.json")
			done
			# a shard may hold no target at all (broken.ini in 3 shards: 2/3 is empty)
			is "$died" "" "$topo in $N shards: each shard exits with a status, none dies of a signal"
			# channels whose source is in another shard, and how many shard findings could not tell
			split=$($PY - "$N" "$T/t-$topo.json" "${shards[@]}" <<-'PY'
	import json, sys
	n = int(sys.argv[1])
	def fnv(s):
	    h = 14695981039346656037
	    for b in s.encode():
	        h = ((h ^ b) * 1099511628211) % (1 << 64)
	    return h
	whole = json.load(open(sys.argv[2]))
	split = sum(1 for t in whole["targets"] for c in t["topology"]["channels"]
	            if c.get("source") and fnv(c["source"]) % n != fnv(t["name"]) % n)
	blind = sum(1 for p in sys.argv[3:] for t in json.load(open(p))["targets"] for f in t["findings"]
	            if "not among the audited servers" in json.dumps(f))
	print(split, blind)
	PY
	)
			# shellcheck disable=SC2046
			"$CRASHSAFE" merge $(formats "$T/t-$topo-m$N") "${shards[@]}" >"$T/t-$topo-m$N.txt" 2>/dev/null
			is "$?" "$topo_rc" "$topo in $N shards ($split: channels split, shard findings blind): merge exits as the unsharded run"
			for ext in txt json xml sarif; do
				same "$T/t-$topo.$ext" "$T/t-$topo-m$N.$ext" "$topo in $N shards: the merged .$ext equals the unsharded run's"
			done
			split_total=$((split_total + ${split%% *}))
			blind_total=$((blind_total + ${split##* }))
		done
	done
	ok "$([ "$split_total" -gt 0 ] && echo 0 || echo 1)" "$split_total channels had their source in another shard: merge linked them"
	ok "$([ "$blind_total" -gt 0 ] && echo 0 || echo 1)" \
		"$blind_total shard findings could not tell (source not among the audited servers); merged, none that the whole run has not"
else
	skip "the topology rules of issue 12 are not in this tree (rules/link.ini, examples/topology/)"
fi

# ---- the GitHub Actions matrix of examples/fleet/, as written -----------------
gha=$REPO/examples/fleet/github-actions-matrix.yml
shard_cmd=$(grep -A1 '^        run: |$' "$gha" | sed -n 's/^          crashsafe check /check /p' | head -1)
merge_cmd=$(sed -n 's/^        run: crashsafe merge /merge /p' "$gha")
has "--shard \${{ matrix.shard }}/4" "$shard_cmd" "the example's shard step runs crashsafe check --shard N/4"
mkdir -p "$T/gha/configs"
cp f/db1*.cnf f/galera-*.cnf "$T/gha/configs/"
(
	cd "$T/gha" || exit 1
	for s in 1 2 3 4; do
		cmd=${shard_cmd//\$\{\{ matrix.shard \}\}/$s}
		# shellcheck disable=SC2086
		eval "\"$CRASHSAFE\" ${cmd}" >/dev/null 2>&1
	done
	# shellcheck disable=SC2086
	eval "\"$CRASHSAFE\" ${merge_cmd}" >/dev/null 2>&1
	echo $? >merge.rc
	"$CRASHSAFE" check --json whole.json configs/*.cnf >/dev/null 2>&1
	echo $? >whole.rc
)
same "$T/gha/whole.json" "$T/gha/crashsafe.json" "the GitHub Actions example: shards and merge give the unsharded report"
is "$(cat "$T/gha/merge.rc")" "$(cat "$T/gha/whole.rc")" "... and its exit status"

# The merged report's time is the oldest shard's when every shard carries its own
# (--timestamp): the staleness alert on crashsafe_last_run_timestamp_seconds then
# sees the stalest shard, not the merge (breaker8). Without it, the merge's clock.
"$CRASHSAFE" check "${files[@]:0:10}" --shard 1/2 --timestamp --json "$T/ts1.json" -q >/dev/null 2>&1
sleep 1.2
"$CRASHSAFE" check "${files[@]:0:10}" --shard 2/2 --timestamp --json "$T/ts2.json" -q >/dev/null 2>&1
"$CRASHSAFE" merge --prom "$T/ts.prom" --json "$T/ts.json" --timestamp -q "$T/ts1.json" "$T/ts2.json" >/dev/null 2>&1
tsx=$(/usr/bin/python3 - "$T/ts1.json" "$T/ts2.json" "$T/ts.prom" "$T/ts.json" <<'PY'
import json, sys, datetime
def t(p):
    g = json.load(open(p))["generated"]
    return datetime.datetime.strptime(g, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc).timestamp()
t1, t2 = t(sys.argv[1]), t(sys.argv[2])
d1, d2 = (json.load(open(p))["duration_seconds"] for p in sys.argv[1:3])
prom = {l.split()[0]: float(l.split()[1]) for l in open(sys.argv[3]) if l.startswith("crashsafe_") and " " in l and "{" not in l.split()[0]}
m = json.load(open(sys.argv[4]))
ok = (t2 - t1 > 1 and abs(prom["crashsafe_last_run_timestamp_seconds"] - t1) < 0.002
      and abs(prom["crashsafe_run_duration_seconds"] - max(d1, d2)) < 0.002 and abs(t(sys.argv[4]) - t1) < 0.002)
print("same" if ok else "differ: %r %r %r %r" % (t1, t2, prom.get("crashsafe_last_run_timestamp_seconds"), m.get("generated")))
PY
)
is "$tsx" "same" "merge of shards with --timestamp: the oldest shard's time and the longest duration (prom and JSON)"
"$CRASHSAFE" check "${files[@]:0:10}" --shard 1/2 --json "$T/nt1.json" -q >/dev/null 2>&1
before=$(date +%s)
"$CRASHSAFE" merge --prom "$T/nt.prom" -q "$T/nt1.json" "$T/ts2.json" >/dev/null 2>&1
ntime=$(awk '/^crashsafe_last_run_timestamp_seconds /{print int($2)}' "$T/nt.prom")
ok $(( ntime >= before ? 0 : 1 )) "merge with a shard without --timestamp: the merge's own time ($ntime >= $before)"

tap_done
