# tests/live/harness.sh - start and stop real MariaDB servers for the live
# tests and the live benchmark. Source it from bash; it defines functions and
# touches nothing until they are called.
#
#   live_need_packages          0 when mariadbd, mariadb-install-db, mariadb and
#                               mariadb-admin are installed; else 1 and
#                               LIVE_SKIP_REASON says what is missing
#   live_init                   make LIVE_DIR (a temp dir the mysql user can
#                               traverse), a template datadir with the test
#                               accounts, and the EXIT trap that stops every
#                               server started here
#   live_start NAME PORT ID [CNF-LINES]
#                               copy the template to LIVE_DIR/NAME, write its
#                               my.cnf (127.0.0.1:PORT, server_id ID, small
#                               footprint, CNF-LINES appended to [mariadbd])
#                               and start mariadbd; waits until it answers
#   live_sql NAME SQL...        run SQL as root over NAME's socket (-N -B)
#   live_pid NAME               the PID of NAME's mariadbd
#   live_kill NAME              SIGKILL NAME's mariadbd and wait for it
#   live_stop NAME              clean shutdown of NAME (then SIGTERM, SIGKILL)
#   live_replicate NAME PRIMARY-PORT GTID
#                               make NAME replicate from 127.0.0.1:PRIMARY-PORT
#                               with MASTER_USE_GTID=GTID (slave_pos or no)
#   live_wait_replicated NAME   wait until NAME's threads run and NAME has
#                               applied everything the primary wrote
#   live_tls_certs              make LIVE_DIR/tls/{ca,server-cert,server-key}.pem
#                               (and other-ca.pem, a CA that signed nothing)
#   live_netfault NAME ARGS...  start tests/live/netfault.py ARGS (silent,
#                               kill, stall, drip or delay) in the background,
#                               wait until it listens; stopped at exit like
#                               the servers
#   live_fakemysql NAME PORT SCENARIO...
#                               the same for tests/live/fakemysql.py, the
#                               MySQL-protocol server that answers with
#                               malformed result sets (scenario i on
#                               127.0.0.(1+i):PORT)
#   live_require_or_skip [TOOL...]
#                               print the TAP plan's skip line and exit 0 when
#                               the packages or a TOOL are missing (under CI:
#                               "not ok" and exit 1)
#   live_test_begin [TOOL...]   the start of every live test file, once REPO is
#                               set: BUILD, CRASHSAFE (the build's unless set)
#                               and RQ (tests/live/rq.py) set, the working
#                               directory REPO, live_require_or_skip TOOL...,
#                               live_init ("Bail out!" when it fails), and
#                               out=LIVE_DIR/out made for the test's files
#
# Accounts in every instance (created at bootstrap):
#   auditor@127.0.0.1  LIVE_AUDITOR_PW   least privileges for crashsafe live
#   nopriv@127.0.0.1   LIVE_NOPRIV_PW    no privileges at all (USAGE)
#   repl@127.0.0.1     LIVE_REPL_PW      REPLICATION SLAVE, for the replicas
#   root@localhost     unix socket authentication (the harness runs as root)
#
# Only PIDs recorded by live_start are ever signalled.
#
# Ports: tests take theirs as offsets from LIVE_PORT_BASE (default 23300), so
# two checkouts can run the live tests at once with different bases
# (LIVE_PORT_BASE=24300 make test). Each test file documents its offsets.

LIVE_AUDITOR_PW='Crashsafe-Audit-Pw-7f3a9c1e'
LIVE_NOPRIV_PW='Nopriv-Pw-52be0d'
LIVE_REPL_PW='Repl-Pw-91c4d2'
declare -A LIVE_PIDS=()
declare -A LIVE_HELPERS=()
LIVE_DIR=
LIVE_PORT_BASE=${LIVE_PORT_BASE:-23300}
LIVE_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

live_need_packages() {
	local p missing=
	for p in mariadbd mariadb-install-db mariadb mariadb-admin; do
		command -v "$p" >/dev/null 2>&1 || [ -x "/usr/sbin/$p" ] || missing="$missing $p"
	done
	if ! id mysql >/dev/null 2>&1; then
		missing="$missing (user mysql)"
	fi
	if [ -n "$missing" ]; then
		LIVE_SKIP_REASON="MariaDB server packages missing:$missing (apt-get install mariadb-server mariadb-client)"
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		LIVE_SKIP_REASON="the live tests start mariadbd --user=mysql and must run as root"
		return 1
	fi
	return 0
}

live_mariadbd() {
	if command -v mariadbd >/dev/null 2>&1; then command -v mariadbd; else echo /usr/sbin/mariadbd; fi
}

live_cleanup() {
	local name pid
	for name in "${!LIVE_HELPERS[@]}"; do
		pid=${LIVE_HELPERS[$name]}
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for name in "${!LIVE_PIDS[@]}"; do
		live_stop "$name"
	done
	if [ -n "$LIVE_DIR" ] && [ -z "${LIVE_KEEP:-}" ]; then
		rm -rf "$LIVE_DIR"
	fi
}

live_init() {
	LIVE_DIR=$(mktemp -d /tmp/crashsafe-live.XXXXXX) || return 1
	# mariadbd runs as mysql: it must be able to reach its datadir.
	chmod 755 "$LIVE_DIR"
	trap live_cleanup EXIT
	trap 'exit 130' INT TERM
	cat >"$LIVE_DIR/bootstrap.sql" <<EOF
FLUSH PRIVILEGES;
CREATE USER 'auditor'@'127.0.0.1' IDENTIFIED BY '$LIVE_AUDITOR_PW';
GRANT SLAVE MONITOR ON *.* TO 'auditor'@'127.0.0.1';
GRANT SELECT ON mysql.gtid_slave_pos TO 'auditor'@'127.0.0.1';
CREATE USER 'nopriv'@'127.0.0.1' IDENTIFIED BY '$LIVE_NOPRIV_PW';
CREATE USER 'repl'@'127.0.0.1' IDENTIFIED BY '$LIVE_REPL_PW';
GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';
EOF
	# A private tmpdir: every mariadbd deletes the "#sql*" files of its tmpdir at
	# startup (mysql_rm_tmp_tables), so with the default /tmp a server another
	# test run starts removes this bootstrap's temporary tables ("Could not
	# remove temporary table", then "Unknown table 'mysql.tmp_user_sys'").
	mkdir -p "$LIVE_DIR/tmp"
	chown mysql:mysql "$LIVE_DIR/tmp"
	if ! mariadb-install-db --user=mysql --datadir="$LIVE_DIR/template" \
		--tmpdir="$LIVE_DIR/tmp" \
		--auth-root-authentication-method=socket --skip-test-db \
		--extra-file="$LIVE_DIR/bootstrap.sql" \
		--innodb-log-file-size=16M --innodb-buffer-pool-size=32M \
		>"$LIVE_DIR/install.log" 2>&1; then
		echo "# mariadb-install-db failed:" >&2
		sed 's/^/#   /' "$LIVE_DIR/install.log" >&2
		return 1
	fi
}

live_sock() { echo "$LIVE_DIR/$1/sock"; }
live_pid() { echo "${LIVE_PIDS[$1]}"; }

live_start() {
	local name=$1 port=$2 id=$3 extra=${4:-}
	local d="$LIVE_DIR/$name"
	mkdir -p "$d"
	cp -a "$LIVE_DIR/template" "$d/data"
	cat >"$d/my.cnf" <<EOF
[mariadbd]
datadir = $d/data
tmpdir = $d
socket = $d/sock
pid-file = $d/mariadbd.pid
log-error = $d/error.log
port = $port
bind-address = 127.0.0.1
skip-name-resolve
server_id = $id
innodb_buffer_pool_size = 32M
innodb_log_file_size = 16M
performance_schema = OFF
$extra
EOF
	chown -R mysql:mysql "$d"
	"$(live_mariadbd)" --defaults-file="$d/my.cnf" --user=mysql >"$d/stdout.log" 2>&1 &
	LIVE_PIDS[$name]=$!
	# No "Killed" job notice when a test kills it; bash still reaps it.
	disown "${LIVE_PIDS[$name]}"
	local i
	for i in $(seq 1 300); do
		if ! kill -0 "${LIVE_PIDS[$name]}" 2>/dev/null; then
			echo "# mariadbd $name exited during startup:" >&2
			tail -n 20 "$d/error.log" "$d/stdout.log" 2>/dev/null | sed 's/^/#   /' >&2
			unset "LIVE_PIDS[$name]"
			return 1
		fi
		if [ -S "$d/sock" ] && mariadb-admin --no-defaults --socket="$d/sock" -uroot ping >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	echo "# mariadbd $name did not answer within 30 s" >&2
	return 1
}

live_sql() {
	local name=$1
	shift
	mariadb --no-defaults --socket="$(live_sock "$name")" -uroot -N -B -e "$*"
}

# live_gone PID: wait (up to 10 s) until PID has exited and been reaped.
live_gone() {
	local i
	for i in $(seq 1 200); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# live_ours NAME PID: PID is still NAME's mariadbd (not a reused PID).
live_ours() {
	tr '\0' ' ' 2>/dev/null <"/proc/$2/cmdline" | grep -qF -- "--defaults-file=$LIVE_DIR/$1/my.cnf"
}

live_kill() {
	local name=$1 pid=${LIVE_PIDS[$1]:-}
	[ -n "$pid" ] || return 0
	live_ours "$name" "$pid" && kill -KILL "$pid" 2>/dev/null
	live_gone "$pid"
	unset "LIVE_PIDS[$name]"
}

live_stop() {
	local name=$1 pid=${LIVE_PIDS[$1]:-} i
	[ -n "$pid" ] || return 0
	if live_ours "$name" "$pid"; then
		mariadb-admin --no-defaults --socket="$(live_sock "$name")" -uroot shutdown >/dev/null 2>&1 ||
			kill -TERM "$pid" 2>/dev/null
		live_gone "$pid" || { live_ours "$name" "$pid" && kill -KILL "$pid" 2>/dev/null; }
		live_gone "$pid"
	fi
	unset "LIVE_PIDS[$name]"
}

live_replicate() {
	local name=$1 port=$2 gtid=$3
	live_sql "$name" "CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$port,
		MASTER_USER='repl', MASTER_PASSWORD='$LIVE_REPL_PW', MASTER_USE_GTID=$gtid,
		MASTER_CONNECT_RETRY=1; START SLAVE"
}

# live_wait_replicated NAME PRIMARY: both threads running and NAME has the
# primary's last write (a row the primary inserts into crashsafe_t.marks).
live_wait_replicated() {
	local name=$1 primary=$2 mark i
	mark=$(live_sql "$primary" "CREATE DATABASE IF NOT EXISTS crashsafe_t;
		CREATE TABLE IF NOT EXISTS crashsafe_t.marks (id INT AUTO_INCREMENT PRIMARY KEY) ENGINE=InnoDB;
		INSERT INTO crashsafe_t.marks VALUES (NULL); SELECT MAX(id) FROM crashsafe_t.marks") || return 1
	for i in $(seq 1 200); do
		if [ "$(live_sql "$name" "SELECT COUNT(*) FROM crashsafe_t.marks WHERE id = $mark" 2>/dev/null)" = 1 ]; then
			return 0
		fi
		sleep 0.1
	done
	echo "# $name did not replicate mark $mark within 20 s:" >&2
	live_sql "$name" "SHOW SLAVE STATUS\G" 2>&1 | grep -E 'Running|Error' | sed 's/^/#   /' >&2
	return 1
}

# A CA and a server certificate for 127.0.0.1 (SAN IP), made with openssl.
live_tls_certs() {
	local t="$LIVE_DIR/tls"
	command -v openssl >/dev/null 2>&1 || { echo "# openssl is not installed" >&2; return 1; }
	mkdir -p "$t"
	(
		cd "$t" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=crashsafe test CA" \
			-keyout ca-key.pem -out ca.pem &&
		openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
			-keyout server-key.pem -out server.csr &&
		printf 'subjectAltName=IP:127.0.0.1\n' >san.ext &&
		openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
			-days 2 -extfile san.ext -out server-cert.pem &&
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=some other CA" \
			-keyout other-ca-key.pem -out other-ca.pem
	) >"$LIVE_DIR/openssl.log" 2>&1 || { sed 's/^/#   /' "$LIVE_DIR/openssl.log" >&2; return 1; }
	chmod 644 "$t"/*.pem
}

# live_helper NAME SCRIPT READY-ARGS...: start a python helper whose
# arguments end with its ready file (netfault.py) or put it second
# (fakemysql.py: "PORT READYFILE SCENARIO..."), wait until it listens.
live_helper() {
	local name=$1 script=$2 i
	shift 2
	local ready="$LIVE_DIR/$name.ready"
	rm -f "$ready"
	if [ "$script" = fakemysql.py ]; then
		local first=$1
		shift
		/usr/bin/python3 "$LIVE_HERE/$script" "$first" "$ready" "$@" >"$LIVE_DIR/$name.log" 2>&1 &
	else
		/usr/bin/python3 "$LIVE_HERE/$script" "$@" "$ready" >"$LIVE_DIR/$name.log" 2>&1 &
	fi
	LIVE_HELPERS[$name]=$!
	for i in $(seq 1 100); do
		[ -f "$ready" ] && return 0
		kill -0 "${LIVE_HELPERS[$name]}" 2>/dev/null || break
		sleep 0.05
	done
	echo "# $script $* did not start:" >&2
	sed 's/^/#   /' "$LIVE_DIR/$name.log" >&2
	return 1
}

live_netfault() {
	local name=$1
	shift
	live_helper "$name" netfault.py "$@"
}

live_fakemysql() {
	local name=$1
	shift
	live_helper "$name" fakemysql.py "$@"
}

# Without the server packages (or one of the extra TOOLs named): under CI
# the test fails (a missing package must not pass as a skip); by hand it is
# skipped with the reason.
live_require_or_skip() {
	local tool
	if live_need_packages; then
		for tool in /usr/bin/python3 "$@"; do
			if ! command -v "$tool" >/dev/null 2>&1; then
				LIVE_SKIP_REASON="$tool is not installed"
				break
			fi
		done
		[ -z "${LIVE_SKIP_REASON:-}" ] && return 0
	fi
	if [ -n "${CI:-}" ]; then
		echo "1..1"
		echo "not ok 1 - the live tests cannot run: $LIVE_SKIP_REASON"
		exit 1
	fi
	echo "1..0 # SKIP $LIVE_SKIP_REASON"
	exit 0
}

# The common start of tests/live*.t (see the list above); REPO is the checkout.
# shellcheck disable=SC2120 # TOOL... is optional
live_test_begin() {
	BUILD=${BUILD:-$REPO/build}
	CRASHSAFE=${CRASHSAFE:-$BUILD/crashsafe}
	RQ="/usr/bin/python3 $REPO/tests/live/rq.py"
	cd "$REPO" || exit 1
	live_require_or_skip "$@"
	if ! live_init; then
		echo "Bail out! could not create the template datadir (see above)"
		exit 1
	fi
	out=$LIVE_DIR/out
	mkdir -p "$out"
}
