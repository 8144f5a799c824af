#!/bin/bash
# fleet.t - fleet runs offline: `crashsafe check --inventory FILE` (names,
# per-target settings, relative paths, errors with file:line, a refused
# password), a capture and an option file of one server as one target with
# drift between them, and --shard I/N (disjoint, complete, independent of
# order). The live side (per-host --config, --capture-dir) is in
# live-fleet.t. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
RQ="/usr/bin/python3 $REPO/tests/live/rq.py"
tap_scratch fleet

mkdir -p "$T/inv/configs" "$T/elsewhere"
cat >"$T/inv/configs/db1.cnf" <<'CNF'
[mysqld]
server_id = 1
log_bin = binlog
sync_binlog = 1
gtid_mode = ON
enforce_gtid_consistency = ON
CNF
cat >"$T/inv/configs/db2.cnf" <<'CNF'
[mysqld]
server_id = 2
gtid_mode = ON
enforce_gtid_consistency = ON
relay_log_recovery = ON
read_only = ON
super_read_only = ON
CNF
cat >"$T/inv/fleet.ini" <<'INI'
; two servers and a host that check has nothing to read for
[defaults]
flavor = mysql
version = 8.0.36

[db1]
host = db1.example.com
config = configs/db1.cnf
role = primary
tags = eu, orders

[db2]
host = db2.example.com
config = configs/db2.cnf
role = replica

[db3]
host = db3.example.com
INI

# ---- check --inventory ------------------------------------------------------
cd "$T/elsewhere" || exit 1
run check --inventory ../inv/fleet.ini --format json
is "$rc" 0 "check --inventory: both servers pass (exit 0)"
is "$($RQ "$T/out" targets name)" "db1,db2" "targets are named by their sections, in file order; db3 has no config"
is "$($RQ "$T/out" targets role)" "primary,replica" "each section's role"
is "$($RQ "$T/out" targets version)" "8.0.36,8.0.36" "the version from [defaults]"
is "$($RQ "$T/out" targets flavor_source)" "inventory,inventory" "flavor_source says the inventory decided"
is "$($RQ "$T/out" target db1 tags)" "['eu', 'orders']" "the section's tags are in the JSON report"
is "$($RQ "$T/out" target db2 tags)" "[]" "... an empty list without tags"
is "$($RQ "$T/out" targets position)" "0,1" "each target's position in the run"
is "$($RQ "$T/out" finding db1 sync-binlog origin.file)" "../inv/configs/db1.cnf" \
	"config is relative to the inventory's directory, not the working directory"
run check --inventory ../inv/fleet.ini -v -q
has "fleet.ini: note: 1 section without config or variables: not checked" "$err" "-v says which sections check skips"
cd "$REPO" || exit 1

# A missing config is that target's input error; the other is audited.
sed 's#configs/db2.cnf#configs/missing.cnf#' "$T/inv/fleet.ini" >"$T/inv/missing.ini"
run check --inventory "$T/inv/missing.ini" --format json
is "$rc" 2 "a section whose config cannot be read: exit 2"
has "cannot read" "$($RQ "$T/out" target db2 error)" "... db2 carries the error, under its name"
is "$($RQ "$T/out" target db1 error)" "none" "... db1 is still audited"

# ---- inventory errors: file:line, nothing audited ---------------------------
cat >"$T/bad.ini" <<'INI'
[db1]
host = db1
password = Sekr1t-Pw

[db2]
hots = db2
port = 99999
role = leader
INI
run check --inventory "$T/bad.ini"
is "$rc" 2 "an inventory with errors: exit 2"
has "bad.ini:3: error: [db1]: 'password' is refused" "$err" "a password key is refused, at its line"
has "defaults_file" "$err" "... and the message says where credentials go"
hasnt "Sekr1t-Pw" "$err$out" "... and never shows the password"
has "bad.ini:6: error: [db2]: unknown key 'hots'" "$err" "unknown key at its line"
has "bad.ini:7: error: [db2]: port '99999'" "$err" "bad port at its line"
has "bad.ini:8: error: [db2]: role 'leader'" "$err" "bad role at its line (every error, not the first)"
is "$out" "" "nothing is audited when the inventory has errors"
run live --inventory "$T/bad.ini"
is "$rc" 2 "live refuses the same inventory (exit 2)"
has "bad.ini:3: error: [db1]: 'password' is refused" "$err" "... with the same file:line"
run check --inventory "$T/nonexistent.ini"
is "$rc" 2 "a missing inventory: exit 2"
has "cannot read the inventory" "$err" "... says so"
run check --inventory "$T/inv/fleet.ini" --inventory "$T/inv/fleet.ini"
is "$rc" 2 "--inventory twice is a usage error"

# ---- a capture and a config of one server are one target --------------------
cat >"$T/db7.capture" <<'CAP'
# crashsafe capture 1
# target db7
# role replica
version	8.4.2
version_comment	MySQL Community Server - GPL
server_id	7
gtid_mode	ON
enforce_gtid_consistency	ON
relay_log_recovery	ON
read_only	ON
super_read_only	OFF
CAP
cat >"$T/db7.cnf" <<'CNF'
[mysqld]
server_id = 7
gtid_mode = ON
enforce_gtid_consistency = ON
relay_log_recovery = ON
read_only = ON
super_read_only = ON
sync_binlog = 1;
CNF
printf '[db7]\nconfig = db7.cnf\n' >"$T/pair.ini"
run check --inventory "$T/pair.ini" --variables "$T/db7.capture" --format json
is "$($RQ "$T/out" targets name)" "db7" "check --inventory with --variables DIR/NAME.capture: one target, named db7"
is "$($RQ "$T/out" target db7 kind)" "snapshot" "... audited on the captured (running) values"
is "$($RQ "$T/out" finding db7 config-drift status)" "fail" "... with drift between capture and option file"
has "super_read_only: running OFF, option file ON" "$($RQ "$T/out" finding db7 config-drift value)" \
	"... naming the variable and both values"
has "db7.cnf:7" "$($RQ "$T/out" finding db7 config-drift value)" "... and the option file's line"
is "$($RQ "$T/out" finding db7 option-file-syntax status)" "fail" \
	"... and the option file's own problem (a value the server refuses) is a finding too"
is "$($RQ "$T/out" finding db7 replica-super-read-only status)" "fail" "... while the rules judge the running value"
# The same pair named in the inventory.
printf '[db7]\nconfig = db7.cnf\nvariables = db7.capture\n' >"$T/pair2.ini"
run check --inventory "$T/pair2.ini" --format json
is "$($RQ "$T/out" finding db7 config-drift status)" "fail" "the inventory's variables key pairs them too"
run check --inventory "$T/pair2.ini" --variables "$T/db7.capture"
is "$rc" 2 "a second capture for a section that has one: usage error"
# A capture matching no section stays a target of its own, named by its path.
cp "$T/db7.capture" "$T/other.capture"
run check --inventory "$T/pair.ini" --variables "$T/other.capture" --format json
is "$($RQ "$T/out" targets name)" "db7,$T/other.capture" "a capture of no section is its own target"
# A capture alone (no config): config-drift does not apply, nor do the option-file rules.
run check --variables "$T/db7.capture" --format json
is "$($RQ "$T/out" finding "#0" config-drift status)" "not-applicable" "a capture alone has no drift to judge"
is "$($RQ "$T/out" finding "#0" option-file-syntax status)" "not-applicable" "... nor option-file problems"

# ---- shards -------------------------------------------------------------------
# Relative names, so that the shards (a hash of the names) are the same on every run: under a
# random temporary directory one of the three was now and then empty.
mkdir -p "$T/shards"
cd "$T/shards" || exit 1
files=()
for i in $(seq 1 12); do
	printf '[mysqld]\nserver_id = %d\n' "$i" >"s$i.cnf"
	files+=("s$i.cnf")
done
all=$("$CRASHSAFE" check "${files[@]}" --format json | $RQ - targets name | tr ',' '\n' | sort)
got=
for i in 1 2 3; do
	"$CRASHSAFE" check --shard "$i/3" "${files[@]}" --format json >"$T/shard$i.json"
	got="$got$($RQ "$T/shard$i.json" targets name | tr ',' '\n')"$'\n'
done
is "$(printf '%s' "$got" | grep . | sort)" "$all" "three shards together audit every file exactly once"
is "$(printf '%s' "$got" | grep . | sort | uniq -d)" "" "... none twice"
nonempty=0
for i in 1 2 3; do [ "$($RQ "$T/shard$i.json" summary targets)" -gt 0 ] && nonempty=$((nonempty + 1)); done
is "$nonempty" 3 "... each shard has some of the 12"
rev=()
for ((i = ${#files[@]} - 1; i >= 0; i--)); do rev+=("${files[$i]}"); done
"$CRASHSAFE" check --shard 2/3 "${rev[@]}" --format json >"$T/rev2.json"
is "$($RQ "$T/rev2.json" targets name | tr ',' '\n' | sort)" "$($RQ "$T/shard2.json" targets name | tr ',' '\n' | sort)" \
	"a target's shard does not depend on the order of the files"
for bad in 0/3 4/3 3 a/b 1/0 -1/3 "1 /3"; do
	run check --shard "$bad" "${files[0]}"
	is "$rc" 2 "--shard '$bad' is a usage error"
done
run check --shard 1/1 "${files[@]}" --format json
is "$($RQ "$T/out" summary targets)" 12 "--shard 1/1 is the whole run"
cd "$T/elsewhere" || exit 1
# Inventory sections shard by NAME.
run check --inventory "$T/inv/fleet.ini" --shard 1/2 --format json
a=$($RQ "$T/out" targets name)
run check --inventory "$T/inv/fleet.ini" --shard 2/2 --format json
b=$($RQ "$T/out" targets name)
is "$(printf '%s\n%s\n' "$a" "$b" | tr ',' '\n' | grep . | sort | tr '\n' ' ')" "db1 db2 " \
	"inventory sections are split between shards, each once"

# ---- live --config NAME=FILE: by name, else by HOST[:PORT] as given (planned before connecting) ----
mkdir -p "$T/cfgmap"
: >"$T/cfgmap/a.cnf"
printf '[db1]\nhost = db1.invalid\n\n[db2]\nhost = db2.invalid\nport = 3307\n' >"$T/cfgmap/inv.ini"
run live --inventory "$T/cfgmap/inv.ini" --config "db2.invalid:3307=$T/cfgmap/a.cnf" --config "db2=$T/cfgmap/a.cnf"
is "$rc" 2 "live --config by HOST:PORT, then by the section name: one server, a usage error"
has "'db2' already has its option file $T/cfgmap/a.cnf (from --config)" "$err" \
	"... the HOST:PORT found the section db2 (hashed lookup, issue 13)"
run live --inventory "$T/cfgmap/inv.ini" --config "db1=$T/cfgmap/a.cnf" --config "db1.invalid=$T/cfgmap/a.cnf" \
	--config "nosuch=$T/cfgmap/a.cnf"
is "$rc" 2 "live --config for a name not in the run: a usage error"
has "'db1' already has its option file" "$err" "... a section's host as given finds that section"
has "'nosuch' is not a server of this run" "$err" "... and an unknown name is named"
# The plan keeps a section's socket, defaults_file and config line in the section only
# (48 bytes a target, issue 13): they still reach the messages and the connection.
printf '[db1]\nhost = db1.invalid\nconfig = a.cnf\n' >"$T/cfgmap/sec.ini"
run live --inventory "$T/cfgmap/sec.ini" --config "db1=$T/cfgmap/a.cnf"
is "$rc" 2 "live --config for a section that has a config: a usage error"
has "'db1' already has its option file $T/cfgmap/a.cnf (from $T/cfgmap/sec.ini:3)" "$err" \
	"... naming the section's config line"
printf '[db2]\nsocket = %s/none.sock\ndefaults_file = missing.cnf\n\n[db3]\nsocket = %s/none3.sock\n' \
	"$T/cfgmap" "$T/cfgmap" >"$T/cfgmap/sock.ini"
run live --no-defaults -u nobody --inventory "$T/cfgmap/sock.ini" --format json
is "$rc" 3 "live, sections with an unusable socket or defaults_file: exit 3"
like "$($RQ "$T/out" target db2 error)" "cannot read defaults_file .*missing.cnf \(.*sock.ini:3\)" \
	"... the section's defaults_file is read from the section (not contacted)"
like "$($RQ "$T/out" target db3 error)" "through socket '$T/cfgmap/none3.sock'" "... and its socket is the one connected to"

# ---- the man page documents the inventory format: every key the reader takes --------
keys=$(sed -n 's/^\t\[INVENTORY_[A-Z_]*\] = { "\([a-z_]*\)".*/\1/p' "$REPO/auditor/inventory.c")
is "$([ "$(printf '%s\n' "$keys" | grep -c .)" -ge 11 ] && echo yes)" yes "the reader's key table is found in inventory.c"
section=$(sed -n '/^\.SH INVENTORY/,/^\.SH /p' "$REPO/man/crashsafe.1")
missing=
for k in $keys; do
	printf '%s\n' "$section" | grep -Eq "^\.BR? (.*[\" ])?${k//_/\\\\?_}([\" ,]|\$)" || missing="$missing $k"
done
is "$missing" "" "crashsafe(1) INVENTORY documents every inventory key"
has "[defaults]" "$section" "... and the [defaults] section"
has "password" "$section" "... and that a password key is refused"

# The shipped fleet example is runnable as it stands: its configs are in the
# tree, so `check --inventory examples/fleet/fleet.ini` audits three servers
# (it exited 2, "cannot read", before they were shipped; breaker7).
out=$(cd "$REPO/examples/fleet" && "$CRASHSAFE" check -q --inventory fleet.ini 2>&1)
rc=$?
is "$rc" 1 "examples/fleet/fleet.ini: check exits 1 (us-db1's sync_binlog = 0), not 2"
has "3 targets:" "$out" "examples/fleet/fleet.ini: three servers audited"
has "fail (error) sync-binlog: sync_binlog is 0 (configs/us-db1.cnf:10)" "$out" "examples/fleet/fleet.ini: us-db1's finding at its line"

tap_done
