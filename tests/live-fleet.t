#!/bin/bash
# live-fleet.t - `crashsafe live` over a fleet of real MariaDB servers
# (tests/live/harness.sh, 127.0.0.1, ports LIVE_PORT_BASE + 40 to + 43): a
# primary and a GTID replica replicating from it, and two more servers that
# share a server_id (a clone's mistake).
#
#   --inventory: names, per-section option files compared with the running
#   servers (each server's own my.cnf: no false drift; a swapped mapping:
#   drift on server_id), credentials from a per-section defaults_file (no
#   password on the command line or in the environment), an unreadable
#   defaults_file, --config HOST=FILE, and the old plain --config FILE with
#   several hosts refused; --capture-dir written 0600 and read back by
#   `check --inventory --variables DIR/*` with the same verdicts; --shard and
#   `crashsafe merge` giving the unsharded run's verdicts, and the fleet rule
#   across shards; the examples of examples/fleet/ run as written (the
#   Kubernetes Indexed Job's pods and merge Job, the cron line, the systemd
#   service, checked by systemd-analyze too) and the README's hourly example.
# Without the server packages: skipped by hand, failed under CI.
set -u
REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
# shellcheck source=tests/live/harness.sh
. "$REPO/tests/live/harness.sh"
live_test_begin   # harness.sh: skip or fail without the packages; CRASHSAFE, RQ, LIVE_DIR, out

P=$((LIVE_PORT_BASE + 40))
R=$((LIVE_PORT_BASE + 41))
S=$((LIVE_PORT_BASE + 42))
S2=$((LIVE_PORT_BASE + 43))

W=$LIVE_DIR/work
mkdir -p "$W"
live_start primary $P 41 "log_bin = mariadb-bin
binlog_format = ROW
sync_binlog = 1
innodb_flush_log_at_trx_commit = 1" || bail "primary did not start"
live_start replica $R 42 "log_bin = mariadb-bin
log_slave_updates = ON
relay_log_recovery = ON
sync_binlog = 1
innodb_flush_log_at_trx_commit = 1
read_only = ON" || bail "replica did not start"
live_start single $S 43 "" || bail "single did not start"
live_start twin $S2 43 "" || bail "twin did not start"
live_replicate replica $P slave_pos || bail "CHANGE MASTER on replica failed"
live_wait_replicated replica primary || bail "replica does not replicate"

# The auditor's credentials in a [client] file only root can read.
printf '[client]\nuser = auditor\npassword = %s\n' "$LIVE_AUDITOR_PW" >"$W/auditor.cnf"
chmod 600 "$W/auditor.cnf"
cat >"$W/fleet.ini" <<INI
; the test fleet
[defaults]
defaults_file = auditor.cnf
flavor = mariadb

[eu-primary]
host = 127.0.0.1
port = $P
config = $LIVE_DIR/primary/my.cnf
role = primary
tags = eu

[eu-replica]
host = 127.0.0.1
port = $R
config = $LIVE_DIR/replica/my.cnf

[lonely]
host = 127.0.0.1
port = $S
config = $LIVE_DIR/single/my.cnf

[lonely-twin]
host = 127.0.0.1
port = $S2
config = $LIVE_DIR/twin/my.cnf
INI

# cs NAME ARGS...: crashsafe live, no password anywhere but in files; output in $W/NAME.{out,err,rc}
cs() {
	local name=$1
	shift
	env -u MYSQL_PWD "$CRASHSAFE" live --no-defaults "$@" >"$W/$name.out" 2>"$W/$name.err"
	echo $? >"$W/$name.rc"
}
st() { $RQ "$1" finding "$2" "$3" status; }

# ---- the inventory ---------------------------------------------------------------
cs inv --inventory "$W/fleet.ini" --format json
is "$(cat "$W/inv.rc")" 1 "live --inventory: the fleet is audited (exit 1: two servers share server_id 43)"
is "$($RQ "$W/inv.out" targets name)" "eu-primary,eu-replica,lonely,lonely-twin" "targets are named by their sections, in order"
is "$($RQ "$W/inv.out" targets error)" "none,none,none,none" "credentials came from the sections' defaults_file"
is "$(st "$W/inv.out" eu-primary config-drift),$(st "$W/inv.out" eu-replica config-drift),$(st "$W/inv.out" lonely config-drift)" \
	"pass,pass,pass" "each server compared with its own my.cnf: no false drift"
is "$(st "$W/inv.out" eu-primary server-id-unique),$(st "$W/inv.out" eu-replica server-id-unique)" "pass,pass" \
	"the primary's and the replica's server ids are unique across the fleet"
is "$(st "$W/inv.out" lonely server-id-unique),$(st "$W/inv.out" lonely-twin server-id-unique)" "fail,fail" \
	"the two servers with server_id 43 fail server-id-unique"
is "$($RQ "$W/inv.out" targets role)" "primary,replica,primary,primary" \
	"the inventory's role is kept; the others are detected (replica from its channel)"
is "$($RQ "$W/inv.out" target eu-replica role)" "replica" "the replica is detected as one"
unlike "$(cat "$W/inv.out" "$W/inv.err")" "$LIVE_AUDITOR_PW" "the password from the defaults_file is nowhere in the output"

# A swapped mapping reports the drift it should.
sed -e "s#$LIVE_DIR/primary/my.cnf#$LIVE_DIR/XX/my.cnf#" -e "s#$LIVE_DIR/replica/my.cnf#$LIVE_DIR/primary/my.cnf#" \
	-e "s#$LIVE_DIR/XX/my.cnf#$LIVE_DIR/replica/my.cnf#" "$W/fleet.ini" >"$W/swapped.ini"
cs swapped --inventory "$W/swapped.ini" --format json
is "$(st "$W/swapped.out" eu-primary config-drift)" "fail" "a server compared with another's my.cnf: config-drift fails"
like "$($RQ "$W/swapped.out" finding eu-primary config-drift value)" "server_id: running 41, option file 42" \
	"... on server_id, with both values"
is "$(cat "$W/swapped.rc")" 1 "config-drift is a warning: the exit status is the fleet's (1: the shared id)"

# An unreadable defaults_file: that server is not contacted, the others are audited.
sed "0,/^\[eu-replica\]/s//[eu-replica]\ndefaults_file = missing.cnf/" "$W/fleet.ini" >"$W/nocreds.ini"
cs nocreds --inventory "$W/nocreds.ini" --format json
is "$(cat "$W/nocreds.rc")" 3 "a section whose defaults_file cannot be read: exit 3"
like "$($RQ "$W/nocreds.out" target eu-replica error)" "cannot read defaults_file .*missing.cnf \(.*nocreds.ini:[0-9]+\)" \
	"... its error names the file and the inventory line"
is "$($RQ "$W/nocreds.out" target eu-primary error)" "none" "... the others are audited"

# ---- clusters from the inventory (issue 10): fleet rules compare within one -----------
# The same server under two names has one server_id: a clash within a cluster, none across two.
printf '[defaults]\ndefaults_file = auditor.cnf\nflavor = mariadb\n[x]\nhost = 127.0.0.1\nport = %s\ncluster = one\n[y]\nhost = 127.0.0.1\nport = %s\ncluster = %s\n' \
	"$S" "$S" two >"$W/clusters.ini"
cs clusters --inventory "$W/clusters.ini" --format json
is "$(st "$W/clusters.out" x server-id-unique),$(st "$W/clusters.out" y server-id-unique)" "pass,pass" \
	"live --inventory: one server_id in two declared clusters is no clash"
is "$($RQ "$W/clusters.out" targets cluster)" "one,two" "... each target carries its inventory cluster"
printf '[defaults]\ndefaults_file = auditor.cnf\nflavor = mariadb\n[x]\nhost = 127.0.0.1\nport = %s\ncluster = one\n[y]\nhost = 127.0.0.1\nport = %s\ncluster = %s\n' \
	"$S" "$S" one >"$W/clusters1.ini"
cs clusters1 --inventory "$W/clusters1.ini" --format json
is "$(st "$W/clusters1.out" y server-id-unique)" "fail" "... and in one cluster it clashes"
like "$($RQ "$W/clusters1.out" finding y server-id-unique message)" "cluster 'one'" "... naming the cluster"

# ---- --config on the command line ---------------------------------------------
MYSQL_PWD=$LIVE_AUDITOR_PW "$CRASHSAFE" live --no-defaults -u auditor 127.0.0.1:$P 127.0.0.1:$R \
	--config "127.0.0.1:$P=$LIVE_DIR/primary/my.cnf" --config "127.0.0.1:$R=$LIVE_DIR/replica/my.cnf" \
	--format json >"$W/map.out" 2>"$W/map.err"
is "$(st "$W/map.out" 127.0.0.1:$P config-drift),$(st "$W/map.out" 127.0.0.1:$R config-drift)" "pass,pass" \
	"--config HOST=FILE per server: no false drift"
MYSQL_PWD=$LIVE_AUDITOR_PW "$CRASHSAFE" live --no-defaults -u auditor 127.0.0.1:$P 127.0.0.1:$R \
	--config "$LIVE_DIR/primary/my.cnf" >"$W/plain.out" 2>"$W/plain.err"
is "$?" 2 "plain --config FILE with two servers is a usage error (it always reported false drift)"
like "$(cat "$W/plain.err")" "one option file cannot be every server's" "... saying why and what to do"
is "$(cat "$W/plain.out")" "" "... before contacting any server"
MYSQL_PWD=$LIVE_AUDITOR_PW "$CRASHSAFE" live --no-defaults -u auditor 127.0.0.1:$P \
	--config "127.0.0.1:$R=$LIVE_DIR/replica/my.cnf" >"$W/nohost.out" 2>"$W/nohost.err"
is "$?" 2 "--config HOST=FILE for a server not in the run is a usage error"
cs both --inventory "$W/fleet.ini" --config "eu-primary=$LIVE_DIR/primary/my.cnf"
is "$(cat "$W/both.rc")" 2 "--config for a section that has its config is a usage error"

# ---- --capture-dir and check --variables DIR/* -------------------------------------
cs cap --inventory "$W/fleet.ini" --capture-dir "$W/captures" --format json
is "$(cat "$W/cap.rc")" 1 "live --capture-dir: exit as the run (1)"
is "$(cd "$W/captures" && ls | tr '\n' ' ')" "eu-primary.capture eu-replica.capture lonely-twin.capture lonely.capture " \
	"one capture per server, named by its section"
is "$(stat -c %a "$W/captures/eu-primary.capture")" 600 "captures are written 0600"
is "$(stat -c %a "$W/captures")" 700 "the capture directory is made 0700"
unlike "$(cat "$W/captures"/*)" "$LIVE_AUDITOR_PW" "no capture holds the password"
"$CRASHSAFE" check --inventory "$W/fleet.ini" --variables "$W/captures"/* --format json >"$W/back.out" 2>"$W/back.err"
is "$($RQ "$W/back.out" targets name)" "eu-primary,eu-replica,lonely,lonely-twin" \
	"check --inventory --variables DIR/*: the captures join their sections"
is "$($RQ "$W/back.out" targets kind)" "snapshot,snapshot,snapshot,snapshot" "... audited as captures"
is "$(st "$W/back.out" eu-primary config-drift),$(st "$W/back.out" eu-replica config-drift),$(st "$W/back.out" lonely config-drift)" \
	"pass,pass,pass" "... each compared with its own option file: no drift"
# the rules of one server's stable settings, and the topology rules over them (issue 12)
stable='^(auto-increment-ring|errant-transactions|replicate-same-server-id|source-replica-consistency|writable-peers|binlog-format-row|gtid-strict-mode|innodb-flush-log-at-trx-commit|log-replica-updates|metadata-tables-innodb|relay-log-recovery|replica-read-only|server-id-set|server-id-unique|sync-binlog)$'
for t in eu-primary eu-replica lonely lonely-twin; do
	is "$($RQ "$W/back.out" statuses $t "$stable")" "$($RQ "$W/cap.out" statuses $t "$stable")" \
		"$t: the capture read back gives the live verdicts on the stable rules"
done

# Declared clusters: servers of two clusters may share an id.
sed -e '/^\[lonely\]$/a cluster = eu-left' -e '/^\[lonely-twin\]$/a cluster = eu-right' "$W/fleet.ini" >"$W/clusters.ini"
cs clusters --inventory "$W/clusters.ini" --format json
is "$(st "$W/clusters.out" lonely server-id-unique),$(st "$W/clusters.out" lonely-twin server-id-unique)" "pass,pass" \
	"the inventory's cluster: servers of two clusters sharing server_id 43 pass"
is "$($RQ "$W/clusters.out" target lonely cluster)" "eu-left" "... and the report names the cluster"

# ---- --shard and merge --------------------------------------------------------------
# N shards that put the two servers sharing server_id 43 apart, and the replica apart from its
# source (FNV-1a 64 of the name, mod N: shard.h), so that only the merge can see the clash and
# link the replica's channel to its source.
N=$(/usr/bin/python3 - <<'PY'
def fnv(s):
    h = 14695981039346656037
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) % (1 << 64)
    return h
for n in range(2, 9):
    if fnv("lonely") % n != fnv("lonely-twin") % n and fnv("eu-primary") % n != fnv("eu-replica") % n:
        print(n)
        break
PY
)
shards=()
for i in $(seq 1 "$N"); do
	cs shard$i --inventory "$W/fleet.ini" --shard "$i/$N" --json "$W/shard$i.json" -q
	shards+=("$W/shard$i.json")
done
alone=
for i in $(seq 1 "$N"); do
	s=$($RQ "$W/shard$i.json" finding lonely server-id-unique status)
	[ -n "$s" ] && alone=$s
done
is "$alone" pass "in its shard, lonely does not see its twin: server-id-unique passes there"
# the topology rules (issue 12), once they are in the tree
topo=
"$CRASHSAFE" rules 2>/dev/null | grep -q 'source-replica-consistency' && topo=1
if [ -n "$topo" ]; then
	blind=
	for i in $(seq 1 "$N"); do
		s=$($RQ "$W/shard$i.json" finding eu-replica source-replica-consistency message)
		[ -n "$s" ] && blind=$s
	done
	like "$blind" "not among the audited servers" \
		"in its shard, the replica's source is not there: source-replica-consistency could not tell"
fi
"$CRASHSAFE" merge --format json "${shards[@]}" >"$W/merged.out" 2>"$W/merged.err"
is "$?" "$(cat "$W/inv.rc")" "merge of $N live shards exits as the unsharded run"
is "$($RQ "$W/merged.out" targets name)" "$($RQ "$W/inv.out" targets name)" "the merged report has the run's targets, in its order"
is "$(st "$W/merged.out" lonely server-id-unique),$(st "$W/merged.out" lonely-twin server-id-unique)" "fail,fail" \
	"merge runs server-id-unique over every shard: the clash is found"
if [ -n "$topo" ]; then
	is "$(st "$W/merged.out" eu-replica source-replica-consistency)" "$(st "$W/inv.out" eu-replica source-replica-consistency)" \
		"merge links the replica's channel to its source in another shard: source-replica-consistency as unsharded"
	unlike "$(cat "$W/merged.out")" "not among the audited servers" "... and no finding of the merge is left without its source"
else
	n=$((n + 1))
	echo "ok $n # SKIP the topology rules of issue 12 are not in this tree (rules/link.ini)"
fi
for t in eu-primary eu-replica lonely lonely-twin; do
	is "$($RQ "$W/merged.out" statuses $t "$stable")" "$($RQ "$W/inv.out" statuses $t "$stable")" \
		"$t: merged verdicts on the stable rules are the unsharded run's"
done

# ---- the examples of examples/fleet/, run as written against these servers ----------
# Only their paths are made the test's (the inventory, the report and metric
# directories, the shared volume); crashsafe is found on PATH as they expect.
EX=$REPO/examples/fleet
mkdir -p "$W/bin" "$W/k8s" "$W/ex/prom"
ln -sf "$CRASHSAFE" "$W/bin/crashsafe"
ex() {   # ex TEXT: the example's paths made the test's
	printf '%s' "$1" | sed -e "s#/usr/local/bin/crashsafe#crashsafe#g" -e "s#/etc/crashsafe/fleet.ini#$W/fleet.ini#g" \
		-e "s#/var/lib/crashsafe/reports#$W/ex/reports#g" -e "s#/var/lib/prometheus/node-exporter#$W/ex/prom#g" \
		-e "s#/reports/#$W/k8s/#g"
}
exrun() {   # exrun NAME COMMAND: run an example's shell command; output in $W/ex-NAME.{out,err,rc}
	env -u MYSQL_PWD PATH="$W/bin:$PATH" sh -c "$2" >"$W/ex-$1.out" 2>"$W/ex-$1.err" </dev/null
	echo $? >"$W/ex-$1.rc"
}
verdicts_like_inv() {   # verdicts_like_inv REPORT WHAT: the unsharded run's targets and stable verdicts
	is "$($RQ "$1" targets name)" "$($RQ "$W/inv.out" targets name)" "$2: the fleet's targets, in the run's order"
	local t want got
	want= got=
	for t in eu-primary eu-replica lonely lonely-twin; do
		want="$want $($RQ "$W/inv.out" statuses $t "$stable")"
		got="$got $($RQ "$1" statuses $t "$stable")"
	done
	is "$got" "$want" "$2: the unsharded run's verdicts on the stable rules"
	like "$got" "server-id-unique=fail" "$2: ... among them the shared server_id 43"
}

# The Kubernetes Indexed Job: every pod's command with its JOB_COMPLETION_INDEX, then the merge Job's.
k8s=$(/usr/bin/python3 - "$EX/k8s-indexed-job.yaml" <<'PY'
import shlex, sys, yaml
shards, merge = list(yaml.safe_load_all(open(sys.argv[1])))
spec = shards["spec"]
assert spec["completionMode"] == "Indexed" and spec["completions"] == spec["parallelism"]
pod = spec["template"]["spec"]["containers"][0]
assert pod["command"] == ["/bin/sh", "-c"] and len(pod["args"]) == 1
print(spec["completions"])
print(pod["args"][0].replace("\n", " "))
print(shlex.join(merge["spec"]["template"]["spec"]["containers"][0]["command"]))
PY
)
is "$?" 0 "the Kubernetes example is YAML: an Indexed Job of shards and a merge Job"
completions=$(printf '%s\n' "$k8s" | sed -n 1p)
pod_cmd=$(ex "$(printf '%s\n' "$k8s" | sed -n 2p)")
merge_cmd=$(ex "$(printf '%s\n' "$k8s" | sed -n 3p)")
like "$pod_cmd" 'JOB_COMPLETION_INDEX' "the pods take their shard from JOB_COMPLETION_INDEX"
pods_rc=
for k in $(seq 0 $((completions - 1))); do
	JOB_COMPLETION_INDEX=$k exrun pod$k "export JOB_COMPLETION_INDEX=$k; $pod_cmd"
	pods_rc="$pods_rc$(cat "$W/ex-pod$k.rc")"
done
is "$pods_rc" "$(printf '0%.0s' $(seq 1 "$completions"))" \
	"all $completions pods succeed (a pod fails only without a report; $completions shards of 4 servers: some are empty)"
exrun k8smerge "$merge_cmd"
is "$(cat "$W/ex-k8smerge.rc")" "$(cat "$W/inv.rc")" "the merge Job exits as the unsharded run"
verdicts_like_inv "$W/k8s/merged/latest.json" "the merge Job's latest.json"
if command -v promtool >/dev/null 2>&1; then
	promtool check metrics <"$W/k8s/crashsafe.prom" >/dev/null 2>&1
	is "$?" 0 "the merge Job's metrics pass promtool check metrics"
elif [ -n "${CI:-}" ]; then fail "promtool is installed (the test needs it)"
else pass "# SKIP promtool not installed"; fi

# The cron line: its command as cron runs it (stderr is no terminal: no progress line).
cron_cmd=$(grep -v '^#' "$EX/crashsafe.cron" | grep -E '^[0-9*]' | cut -d' ' -f7-)
like "$cron_cmd" '^/usr/local/bin/crashsafe live --inventory ' "the cron line runs crashsafe live --inventory as user crashsafe"
exrun cron "$(ex "$cron_cmd")"
is "$(cat "$W/ex-cron.rc")" "$(cat "$W/inv.rc")" "the cron example exits as the run (cron mails the failures)"
is "$(cat "$W/ex-cron.err")" "" "... nothing on stderr: no progress line without a terminal"
verdicts_like_inv "$W/ex/reports/latest.json" "the cron example's latest.json"
ls "$W/ex/reports"/latest.* >/dev/null 2>&1 && [ -s "$W/ex/prom/crashsafe.prom" ]
is "$?" 0 "... with its latest links and the metrics for the textfile collector"

# The README's hourly example: the same run as the cron line's.
readme_cmd=$(sed -n '/^# Hourly audit/,/^$/p' "$REPO/README.md" | grep -v '^#' | sed 's/\\$//' | tr -s ' \n' '  ')
like "$readme_cmd" '^crashsafe live --inventory .* --report-dir .* --prom ' "the README's hourly example uses --inventory, --report-dir and --prom"
unlike "$readme_cmd" '--config' "... and no shared --config (it reported false drift on every host but one)"
rm -rf "$W/ex/reports"
exrun readme "$(ex "$readme_cmd")"
is "$(cat "$W/ex-readme.rc")" "$(cat "$W/inv.rc")" "the README's hourly example exits as the run"
verdicts_like_inv "$W/ex/reports/latest.json" "the README's hourly example's latest.json"

# The systemd service: its ExecStart (continued lines joined), and systemd-analyze's verdict on both units.
svc_cmd=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$EX/crashsafe-audit.service" | sed 's/^ExecStart=//; s/\\$//' | tr -s ' \n' '  ')
like "$svc_cmd" '--fail-on never' "the service runs with --fail-on never (findings are alerts, not a failed unit)"
rm -rf "$W/ex/reports"
exrun systemd "$(ex "$svc_cmd")"
is "$(cat "$W/ex-systemd.rc")" 0 "the service's command exits 0 with failed findings (--fail-on never)"
verdicts_like_inv "$W/ex/reports/latest.json" "the systemd example's latest.json"
if command -v systemd-analyze >/dev/null 2>&1; then
	mkdir -p "$W/units"
	sed "s#/usr/local/bin/crashsafe#$CRASHSAFE#" "$EX/crashsafe-audit.service" >"$W/units/crashsafe-audit.service"
	cp "$EX/crashsafe-audit.timer" "$W/units/"
	out=$(cd "$W/units" && systemd-analyze verify ./crashsafe-audit.timer ./crashsafe-audit.service 2>&1)
	is "$?:$out" "0:" "systemd-analyze verify accepts the timer and the service, without a warning"
elif [ -n "${CI:-}" ]; then fail "systemd-analyze is installed (the test needs it)"
else pass "# SKIP systemd-analyze not installed"; fi

tap_done
