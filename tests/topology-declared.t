#!/bin/bash
# topology-declared.t - multi_writer declared in the layers of issue 10 for
# the topology rules of issue 12: an annotation (`# crashsafe: cluster=ring1
# multi_writer=yes`), a project file's [targets "GLOB"] section, and the
# precedence between them (annotation > inventory > project file), judged on
# option files with auto-increment-ring (a declared multi-writer cluster is a
# write group even without channels). Bad values are errors at file:line.
# TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
export NO_COLOR=1
tap_scratch topodecl
RUN_DIR=$T/repo   # run and run_in run crashsafe from the scratch repository
mkdir -p "$T/repo/.git" "$T/repo/ring" "$T/repo/pf"

is() { # is GOT WANT NAME: tap.sh's is, with the last run's stderr shown on a failure
	[ "$1" = "$2" ]
	local s=$?
	ok $s "$3"
	[ $s -eq 0 ] || { echo "#   got:  '$1'"; echo "#   want: '$2'"; echo "# stderr: ${err:0:600}"; }
}
# st TARGET RULE: the rule's status on TARGET in the JSON report in $T/out
st() {
	/usr/bin/python3 - "$T/out" "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
t = [t for t in doc["targets"] if t["name"] == sys.argv[2]]
f = [f for f in (t[0]["findings"] if t else []) if f["rule_id"] == sys.argv[3]]
print(f[0]["status"] if f else "none")
EOF
}
mw() { # mw TARGET: the report's topology.multi_writer of TARGET
	/usr/bin/python3 -c 'import json,sys
doc = json.load(open(sys.argv[1]))
t = [t for t in doc["targets"] if t["name"] == sys.argv[2]][0]
print((t.get("topology") or {}).get("multi_writer"))' "$T/out" "$1"
}

# ---- annotations ---------------------------------------------------------------
printf '# crashsafe: cluster=ring1 multi_writer=yes\n[mysqld]\nserver_id = 1\n' >"$T/repo/ring/a.cnf"
printf '[mysqld]\n# crashsafe: cluster=ring1 multi_writer=yes\nserver_id = 2\n' >"$T/repo/ring/b.cnf"
run check --format json ring/a.cnf ring/b.cnf
is "$rc" 1 "two files annotated multi_writer=yes with the default auto_increment_increment: exit 1"
is "$(st ring/a.cnf auto-increment-ring),$(st ring/b.cnf auto-increment-ring)" "fail,fail" \
	"auto-increment-ring fails on both writers of the declared multi-writer cluster"
is "$(mw ring/a.cnf)" yes "the report's topology block carries multi_writer = yes"
run check --list-targets ring/a.cnf ring/b.cnf
has "multi_writer yes (annotation ring/b.cnf:2)" "$out" "--list-targets names the annotation that declared it"

printf '# crashsafe: cluster=ring1 multi_writer=yes\n[mysqld]\nserver_id = 1\nauto_increment_increment = 2\nauto_increment_offset = 1\n' >"$T/repo/ring/a.cnf"
printf '# crashsafe: cluster=ring1 multi_writer=yes\n[mysqld]\nserver_id = 2\nauto_increment_increment = 2\nauto_increment_offset = 2\n' >"$T/repo/ring/b.cnf"
run check --format json ring/a.cnf ring/b.cnf
is "$(st ring/a.cnf auto-increment-ring),$(st ring/b.cnf auto-increment-ring)" "pass,pass" \
	"offsets 1 and 2 of increment 2: auto-increment-ring passes"

printf '# crashsafe: cluster=ring1\n[mysqld]\nserver_id = 1\n' >"$T/repo/ring/a.cnf"
printf '# crashsafe: cluster=ring1\n[mysqld]\nserver_id = 2\n' >"$T/repo/ring/b.cnf"
run check --format json ring/a.cnf ring/b.cnf
is "$(st ring/a.cnf auto-increment-ring)/$(mw ring/a.cnf)" "not-applicable/None" \
	"the same cluster not declared multi-writer: auto-increment-ring does not apply to option files"

printf '[mysqld]\n# crashsafe: multi_writer=maybe\nserver_id = 1\n' >"$T/repo/ring/bad.cnf"
run check ring/bad.cnf
is "$rc" 2 "a bad multi_writer annotation is unusable input (exit 2)"
has "ring/bad.cnf:2: error: crashsafe annotation: multi_writer 'maybe' is not yes or no" "$err" \
	"... an error at its file and line"

# ---- project file and precedence --------------------------------------------------
cat >"$T/repo/.crashsafe.ini" <<'EOF'
[targets "pf/*.cnf"]
cluster      = ring2
multi_writer = yes
EOF
printf '[mysqld]\nserver_id = 1\n' >"$T/repo/pf/a.cnf"
printf '[mysqld]\nserver_id = 2\n' >"$T/repo/pf/b.cnf"
run check --format json pf/a.cnf pf/b.cnf
is "$(st pf/a.cnf auto-increment-ring),$(st pf/b.cnf auto-increment-ring)" "fail,fail" \
	"[targets \"pf/*.cnf\"] multi_writer = yes: auto-increment-ring fails on both"
run check --list-targets pf/a.cnf
has "multi_writer yes (project-file .crashsafe.ini:3 [targets \"pf/*.cnf\"])" "$out" "... declared by the project file's line 3"

printf '# crashsafe: multi_writer=no\n[mysqld]\nserver_id = 1\n' >"$T/repo/pf/a.cnf"
printf '# crashsafe: multi_writer=no\n[mysqld]\nserver_id = 2\n' >"$T/repo/pf/b.cnf"
run check --format json pf/a.cnf pf/b.cnf
is "$(st pf/a.cnf auto-increment-ring)/$(mw pf/a.cnf)" "not-applicable/no" \
	"an annotation multi_writer=no wins over the project file's yes"

printf '[mysqld]\nserver_id = 1\n' >"$T/repo/pf/a.cnf"
cat >"$T/repo/.crashsafe.ini" <<'EOF'
[targets "pf/*.cnf"]
multi_writer = maybe
EOF
run check pf/a.cnf
is "$rc" 2 "a bad multi_writer in the project file: exit 2"
has ".crashsafe.ini:2: error: multi_writer 'maybe' is not yes or no" "$err" "... an error at its line"

# The topology facts are said as what they mean, never by their internal names
# ("topology.writable_peers is d2"; breaker7): every example inventory, every
# format's messages, with -v (passes and not-applicable reasons too).
for inv in "$REPO"/examples/topology/*.ini; do
	for fmt in text json junit sarif gcc; do
		out=$("$CRASHSAFE" check -v --fail-on never --format "$fmt" --inventory "$inv" 2>/dev/null)
		unlike "$out" 'topology\.[a-z_]+ (is|are)' "$(basename "$inv") $fmt: no topology.* fact named in a message"
	done
done
out=$("$CRASHSAFE" check -q --fail-on error --inventory "$REPO/examples/topology/dual.ini" 2>/dev/null)
has "other servers of its ring take writes too: d2 and its cluster's multi_writer is known only in an inventory that declares it (multi_writer = yes or no)" "$out" "dual.ini: writable-peers says which peer takes writes and that multi_writer is not declared"
out=$("$CRASHSAFE" check -v --fail-on never --inventory "$REPO/examples/topology/galera.ini" 2>/dev/null)
has "found:      the nodes of its Galera cluster have 3 different server_ids and its cluster is declared to take writes on more than one server (multi_writer = yes)" "$out" "galera.ini: galera-async-server-id in words"
has "it has no replication channel ($REPO/examples/topology/galera/g1.capture:7)" "$out" "galera.ini: a capture without channels, with the capture's line"
unlike "$out" 'source\.cluster is' "galera.ini: the source's Galera cluster in words"

tap_done
