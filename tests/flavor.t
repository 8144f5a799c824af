#!/bin/bash
# flavor.t - flavor, build and version from the outside: Galera builds and
# their defaults (--flavor pxc), captures without a version, flavor
# inference and the evidence in every report format, --server-version
# validation, and persisted variables (mysqld-auto.cnf, --datadir). TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
export NO_COLOR=1
tap_scratch flavor

# finding RULE STATUS: the JSON report in $T/out has RULE with STATUS for the target named TARGET
jq_status() {   # jq_status TARGET-INDEX RULE
	/usr/bin/python3 - "$T/out" "$1" "$2" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
t = doc["targets"][int(sys.argv[2])]
print([f["status"] for f in t["findings"] if f["rule_id"] == sys.argv[3] and f["channel"] is None][0])
PYEOF
}

# --- fault 4: Galera builds and their defaults ---------------------------------
# Two Percona XtraDB Cluster nodes sharing server_id 1 by design, wsrep_on never set.
for i in 1 2; do
	cat >"$T/pxc$i.cnf" <<'EOF'
[mysqld]
server_id = 1
wsrep_provider = /usr/lib/galera4/libgalera_smm.so
wsrep_cluster_name = pxc-prod
wsrep_cluster_address = gcomm://10.0.0.1,10.0.0.2,10.0.0.3
log_bin = binlog
EOF
done
run check --flavor pxc --server-version 8.0 --role primary --format json "$T/pxc1.cnf" "$T/pxc2.cnf"
has '"build": "galera"' "$out" "--flavor pxc: the build is Galera in the JSON report"
has '"flavor_display": "Percona XtraDB Cluster"' "$out" "--flavor pxc: shown as Percona XtraDB Cluster"
ok "$([ "$(jq_status 0 server-id-unique)" = pass ]; echo $?)" \
	"PXC nodes without wsrep_on share a server_id as one cluster (server-id-unique passes)"
ok "$([ "$(jq_status 0 log-replica-updates)" = pass ]; echo $?)" \
	"PXC primary: the Galera branch of log-replica-updates applies (8.0 default ON passes, not n/a)"
run check --flavor pxc --server-version 8.0 --role primary "$T/pxc1.cnf"
has "Percona XtraDB Cluster 8.0" "$out" "text report names the build"
run check --flavor nosuch "$T/pxc1.cnf"
is_rc 2 "--flavor nosuch is a usage error"
has "pxc" "$err" "the usage error lists the build names"

# --- fault 5: a capture without a version row ---------------------------------------
printf 'Variable_name\tValue\nlog_bin\tON\nsync_binlog\t1\nserver_id\t7\nrelay_log_recovery\tON\n' >"$T/nover.txt"
run check --format json --variables "$T/nover.txt"
is_rc 3 "a capture without a version: rules that depend on it could not be evaluated (exit 3)"
has "server version is unknown" "$err" "stderr says the version is unknown (without -v)"
has '"version": "unknown"' "$out" "the JSON report says the version is unknown"
hasnt '"version": "8.4"' "$out" "and never MySQL 8.4"
ok "$([ "$(jq_status 0 preserve-commit-order)" = could-not-evaluate ]; echo $?)" \
	"a version-dependent rule is 'could not evaluate', not n/a"
ok "$([ "$(jq_status 0 sync-binlog)" = pass ]; echo $?)" "a reported value is still judged"
run check --no-color --variables "$T/nover.txt"
has "version unknown" "$out" "the text report says the version is unknown"
run check --format json --server-version 8.0 --variables "$T/nover.txt"
has '"version": "8.0"' "$out" "--server-version gives a version-less capture its version"
hasnt "server version is unknown" "$err" "and then nothing is unknown"

# --- fault 6: the flavor inferred from the files ------------------------------------
cat >"$T/maria.cnf" <<'EOF'
[mysqld]
server_id = 21
[mariadb]
log_bin = binlog
sync_binlog = 0
gtid_strict_mode = ON
EOF
run check --format json "$T/maria.cnf"
has '"flavor": "mariadb"' "$out" "[mariadb] groups: the flavor is inferred as MariaDB"
has '"flavor_source": "inferred"' "$out" "the JSON report says the flavor was inferred"
has 'group [mariadb] at' "$out" "the JSON report names the evidence"
ok "$([ "$(jq_status 0 sync-binlog)" = fail ]; echo $?)" "the [mariadb] group is audited (sync_binlog = 0 fails)"
hasnt "warning" "$err" "no warning when nothing contradicts the files"
run check --no-color "$T/maria.cnf"
has "FLAVOR     flavor inferred from the files" "$out" "the text report says what decided the flavor"
run check --format junit "$T/maria.cnf"
has '<property name="flavor_source" value="inferred"/>' "$out" "JUnit: flavor_source property"
has '<property name="flavor_evidence" value="flavor inferred from the files' "$out" "JUnit: flavor_evidence property"
run check --format sarif "$T/maria.cnf"
has '"flavor_source": "inferred"' "$out" "SARIF: the target's flavor_source in the invocation properties"
run check --flavor mysql --format json "$T/maria.cnf"
has '"flavor": "mysql"' "$out" "--flavor mysql wins over the files"
has "do not look like MySQL" "$err" "a given flavor the files contradict: a warning on stderr"
has "group [mariadb] is not read by MySQL 8.4: 3 options" "$err" "the groups MySQL does not read are named, with their options"

cat >"$T/pxcfile.cnf" <<'EOF'
[mysqld]
server_id = 1
wsrep_provider = /usr/lib/galera4/libgalera_smm.so
wsrep_cluster_address = gcomm://10.0.0.1,10.0.0.2
pxc_strict_mode = ENFORCING
EOF
cp "$T/pxcfile.cnf" "$T/pxcfile2.cnf"   # two nodes (one file given twice is one target)
run check --format json "$T/pxcfile.cnf" "$T/pxcfile2.cnf"
has '"flavor_display": "Percona XtraDB Cluster"' "$out" "wsrep_*/pxc_* options: inferred as Percona XtraDB Cluster"
ok "$([ "$(jq_status 1 server-id-unique)" = pass ]; echo $?)" "an inferred PXC node gets PXC's defaults (one cluster, shared server_id)"
run check --flavor percona --format json "$T/pxcfile.cnf"
has '"build": "galera"' "$out" "--flavor percona with wsrep options: the Galera build is inferred"
run check --format json "$REPO/examples/galera/node1.cnf"
has '"flavor_display": "MariaDB Galera Cluster"' "$out" "the bundled Galera example is inferred as MariaDB Galera"

# --server-version: a version the flavor never had is a usage error
for args in "--flavor mysql --server-version 10.11" "--server-version 0.0" "--server-version 99.99" \
	"--flavor mariadb --server-version 8.4" "--flavor percona --server-version 9.3"; do
	# shellcheck disable=SC2086
	run check $args "$T/maria.cnf"
	is_rc 2 "check $args is a usage error"
done
has "its series" "$err" "the usage error lists the flavor's series"
run live --flavor mysql --server-version 10.11 127.0.0.1:1
is_rc 2 "live --flavor mysql --server-version 10.11 is a usage error too"
run check --format json --server-version 26.10 "$T/pxc1.cnf"
has '"flavor": "mysql"' "$out" "--server-version 26.10 alone is MySQL (a version of 10 or more is not always MariaDB)"
run check --format json --server-version 10.6 "$T/pxc1.cnf"
has '"flavor": "mariadb"' "$out" "--server-version 10.6 alone is MariaDB"
cat >"$T/v57.cnf" <<'EOF'
[mysqld-5.7]
server_id = 5
sync_binlog = 1
EOF
run check --format json "$T/v57.cnf"
has '"version": "5.7"' "$out" "a [mysqld-5.7] group gives the version"

# the flavor decides how lines are cut: a file inferred as MariaDB is read again with MariaDB's rule
{ printf '[mariadb]\nserver_id = 31\nlog_bin = binlog\nsync_binlog = 1\n#'; head -c 4093 /dev/zero | tr '\0' x; printf 'sync_binlog = 0\n'; } >"$T/long.cnf"
run check --format json "$T/long.cnf"
has '"flavor": "mariadb"' "$out" "a [mariadb] file with a long line: MariaDB"
ok "$([ "$(jq_status 0 sync-binlog)" = fail ]; echo $?)" \
	"read again with MariaDB's 4094-byte lines: the tail of the long comment sets sync_binlog = 0"
run check --format json - <"$T/maria.cnf"
has '"flavor": "mariadb"' "$out" "standard input: the flavor is inferred too"

# --- fault 8: persisted variables (mysqld-auto.cnf) ----------------------------------
# relay_log_recovery=ON in my.cnf plus SET PERSIST_ONLY relay_log_recovery=OFF, in both layouts
# (sql/persisted_variable.cc: Version 1 mysql_server_static_options, Version 2 mysql_static_variables)
cat >"$T/replica.cnf" <<'EOF'
[mysqld]
server_id = 51
gtid_mode = ON
enforce_gtid_consistency = ON
relay_log_recovery = ON
EOF
mkdir -p "$T/dd1" "$T/dd2"
printf '%s\n' '{ "Version" : 1 , "mysql_server" : { "mysql_server_static_options" : { "relay_log_recovery" : { "Value" : "OFF" , "Metadata" : { "Timestamp" : 1700000001000000 , "User" : "root" , "Host" : "localhost" } } } } }' >"$T/dd1/mysqld-auto.cnf"
cat >"$T/dd2/mysqld-auto.cnf" <<'EOF'
{
  "Version": 2,
  "mysql_static_variables": {
    "relay_log_recovery": {
      "Value": "OFF",
      "Metadata": { "Timestamp": 1700000001000000, "User": "root", "Host": "localhost" }
    }
  }
}
EOF
run check --flavor mysql --server-version 8.4 --role replica --format json "$T/replica.cnf"
ok "$([ "$(jq_status 0 relay-log-recovery)" = pass ]; echo $?)" "without --datadir: my.cnf's relay_log_recovery = ON passes"
for dd in dd1 dd2; do
	run check --flavor mysql --server-version 8.4 --role replica --format json --datadir "$T/$dd" "$T/replica.cnf"
	ok "$([ "$(jq_status 0 relay-log-recovery)" = fail ]; echo $?)" \
		"--datadir ($dd): the persisted relay_log_recovery = OFF is what the server starts with"
	has "$dd/mysqld-auto.cnf" "$out" "  and its origin is the persisted file ($dd)"
	has "SET PERSIST_ONLY" "$out" "  set with SET PERSIST_ONLY ($dd)"
done
run check --flavor mysql --server-version 8.4 --role replica --no-color --datadir "$T/dd2" "$T/replica.cnf"
has "overridden to OFF at $T/dd2/mysqld-auto.cnf:4" "$out" "the text report shows my.cnf's ON overridden by the persisted OFF, at its line"
# persisted_globals_load=OFF: the server does not apply the file
printf 'persisted_globals_load = OFF\n' >>"$T/replica.cnf"
run check --flavor mysql --server-version 8.4 --role replica --format json --datadir "$T/dd2" "$T/replica.cnf"
ok "$([ "$(jq_status 0 relay-log-recovery)" = pass ]; echo $?)" "persisted_globals_load = OFF: the persisted value does not apply"
has "persisted_globals_load is OFF" "$err" "  and stderr says so"
# MariaDB has no persisted variables
run check --flavor mariadb --role replica --format json --datadir "$T/dd2" "$T/maria.cnf"
hasnt "mysqld-auto.cnf:" "$out" "MariaDB: mysqld-auto.cnf is not applied"
# a file the server refuses
mkdir -p "$T/dd3"
printf '{ "Version": 7 }\n' >"$T/dd3/mysqld-auto.cnf"
run check --flavor mysql --server-version 8.4 --format json --datadir "$T/dd3" "$T/pxc1.cnf"
ok "$([ "$(jq_status 0 option-file-syntax)" = fail ]; echo $?)" "a mysqld-auto.cnf the server refuses: the server will not start"
# --root: the datadir the option files name, resolved under the root (never this machine's datadir)
mkdir -p "$T/repo/etc/mysql" "$T/repo/var/lib/mysql"
printf '[mysqld]\nserver_id = 52\ndatadir = /var/lib/mysql\nrelay_log_recovery = ON\n' >"$T/repo/etc/mysql/my.cnf"
cp "$T/dd2/mysqld-auto.cnf" "$T/repo/var/lib/mysql/"
run check --flavor mysql --server-version 8.4 --role replica --format json --root "$T/repo" "$T/repo/etc/mysql/my.cnf"
ok "$([ "$(jq_status 0 relay-log-recovery)" = fail ]; echo $?)" "--root: datadir = /var/lib/mysql is read under the root"
run check --flavor mysql --server-version 8.4 --role replica --format json "$T/repo/etc/mysql/my.cnf"
ok "$([ "$(jq_status 0 relay-log-recovery)" = pass ]; echo $?)" "without --root the option files' datadir is not read (not this machine's)"
# bounded: a FIFO or an oversized file is refused, never waited on
mkdir -p "$T/dd4"
mkfifo "$T/dd4/mysqld-auto.cnf"
run check --flavor mysql --server-version 8.4 --format json --datadir "$T/dd4" "$T/pxc1.cnf"
has "not a regular file" "$err" "a FIFO named mysqld-auto.cnf is refused at once"

tap_done
