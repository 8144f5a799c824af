#!/bin/bash
# loadpath.t - a target's path is resolved once per run (issue 13: the
# working directory asked once, each directory a target names resolved
# once, the last component looked at with one lstat; .git looked for once
# per directory). These are the cases where a remembered answer could be
# the wrong one: a file included by two targets, one file under several
# spellings (./, dir/../, absolute, a symlinked file, a symlinked
# directory), a symlink into a directory with another project file,
# nested repositories, a directory target through a symlink, and paths
# relative to the working directory run from two directories. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
export NO_COLOR=1
tap_scratch loadpath
W=$T/w

# inw DIR ARGS...: run crashsafe in DIR (out, err, rc as run sets them)
inw() {
	local dir=$1
	shift
	(cd "$dir" && "$CRASHSAFE" "$@" >"$T/out" 2>"$T/err")
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
# js EXPR: a Python expression over the JSON report in $T/out (doc; t(name): that target)
js() {
	/usr/bin/python3 - "$T/out" "$1" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
def t(name):
    return [x for x in doc["targets"] if x["name"] == name][0]
print(eval(sys.argv[2]))
PYEOF
}

mkdir -p "$W/.git" "$W/conf/common" "$W/real" "$W/other" "$W/nested/.git" "$W/hosts/db1" "$W/sub"
printf '[mysqld]\nserver_id = 1\n!include conf/common/base.cnf\n' >"$W/conf/a.cnf"
printf '[mysqld]\nserver_id = 2\n!include conf/common/base.cnf\n' >"$W/conf/b.cnf"
printf '[mysqld]\nlog_bin = binlog\n' >"$W/conf/common/base.cnf"

# --- 1. a file included by two targets -------------------------------------------
inw "$W" check -v --format json conf/common/base.cnf conf/a.cnf conf/b.cnf
is "$(js 'sorted(x["name"] for x in doc["targets"])')" "['conf/a.cnf', 'conf/b.cnf']" \
	"a file two targets include is not a target, even given first"
has "conf/common/base.cnf: note: not a target: included by conf/a.cnf" "$err" "and the first includer is named"
is "$(js '[t("conf/a.cnf")["fleet"]["includes"], t("conf/b.cnf")["fleet"]["includes"]]')" \
	"[['conf/common/base.cnf'], ['conf/common/base.cnf']]" "both targets list the shared file, resolved"
is "$(js 't("conf/b.cnf")["fleet"]["settings"][[s["name"] for s in t("conf/b.cnf")["fleet"]["settings"]].index("log_bin")]["origin"]["file"]')" \
	"conf/common/base.cnf" "the second includer reads it too (its own origin)"

# --- 2. one file under several spellings ------------------------------------------
ln -s conf/a.cnf "$W/alias.cnf"
ln -s conf "$W/dlink"
inw "$W" check -v --format json conf/a.cnf ./conf/a.cnf conf/common/../a.cnf "$W/conf/a.cnf" alias.cnf dlink/a.cnf
is "$(js 'len(doc["targets"])')" "1" "six spellings (./, dir/.., absolute, a file link, a directory link) are one target"
is "$(js '(doc["run"]["targets"], doc["summary"]["targets"])')" "(6, 1)" "... counted as planned in run.targets (six named) and as audited in summary.targets (docs/report-formats.md)"
is "$(grep -c 'not a target: the same file as conf/a.cnf' "$T/err")" "5" "the five others say which file they are"
is "$(js 't("conf/a.cnf")["path_key"] + " " + t("conf/a.cnf")["fleet"]["file"]')" "conf/a.cnf conf/a.cnf" \
	"its key and file, resolved"
# the link first: it is the target, named as given, its key and file the resolved ones
inw "$W" check --format json dlink/a.cnf conf/a.cnf alias.cnf
is "$(js '[(x["name"], x["path_key"], x["fleet"]["file"]) for x in doc["targets"]]')" \
	"[('dlink/a.cnf', 'conf/a.cnf', 'conf/a.cnf')]" "a symlinked directory resolves to the file it holds"
inw "$W" check --format json alias.cnf
is "$(js '[(x["name"], x["path_key"], x["fleet"]["file"]) for x in doc["targets"]]')" \
	"[('alias.cnf', 'conf/a.cnf', 'conf/a.cnf')]" "a symlinked file resolves to its target"

# --- 3. a symlink into a directory with another project file -----------------------
printf '[defaults]\nrole = replica\n' >"$W/real/.crashsafe.ini"
printf '[defaults]\nrole = primary\n' >"$W/other/.crashsafe.ini"
printf '[mysqld]\nserver_id = 5\n' >"$W/real/x.cnf"
printf '[mysqld]\nserver_id = 6\n' >"$W/other/plain.cnf"
ln -s ../real/x.cnf "$W/other/y.cnf"
inw "$W" check --list-targets other/plain.cnf other/y.cnf
has "$(printf 'other/plain.cnf (file)\n  project  other/.crashsafe.ini')" "$out" "a file takes the project file of its directory"
has "$(printf 'other/y.cnf (file)\n  project  real/.crashsafe.ini')" "$out" \
	"a link in the same directory takes the project file of the file it points to"
has "role     replica (project-file real/.crashsafe.ini:2 [defaults])" "$out" "and its settings"
ln -s real "$W/rlink"
inw "$W" check --list-targets rlink/x.cnf other/plain.cnf
has "$(printf 'rlink/x.cnf (file)\n  project  real/.crashsafe.ini')" "$out" "a symlinked directory's project file is the real one's"

# --- 4. nested repositories: .git looked for per directory ---------------------------
printf '[mysqld]\nserver_id = 7\n' >"$W/nested/n.cnf"
inw "$W" check --format json nested/n.cnf conf/b.cnf
is "$(js 't("nested/n.cnf")["path_key"] + " " + t("conf/b.cnf")["path_key"]')" "n.cnf conf/b.cnf" \
	"each key is relative to its own repository"

# --- 5. a directory target through a symlink -----------------------------------------
printf '[mysqld]\nserver_id = 8\n' >"$W/hosts/db1/my.cnf"
ln -s hosts/db1 "$W/db1link"
inw "$W" check -v --list-targets db1link hosts/db1/my.cnf
has "$(printf 'db1link (directory)\n  entry    db1link/my.cnf')" "$out" "a linked directory means its entry file"
has "hosts/db1/my.cnf (not a target)" "$out" "and its entry file named directly is the same target"

# --- 6. paths relative to the working directory, from two directories ---------------
inw "$W/sub" check --format json ../conf/a.cnf
is "$(js 't("../conf/a.cnf")["path_key"]')" "conf/a.cnf" "from a subdirectory: the key is the repository's"
is "$(js 't("../conf/a.cnf")["fleet"]["file"]')" "$W/conf/a.cnf" "the file, outside the working directory: absolute"
has "'!include conf/common/base.cnf' reads '$W/sub/conf/common/base.cnf'" "$err" \
	"a relative !include is read from the working directory (the server's), not the file's"
inw "$W" check --format json conf/a.cnf
is "$(js 't("conf/a.cnf")["fleet"]["includes"]')" "['conf/common/base.cnf']" "from the top: the same include is read"
# the working directory through a link: files below it are shown relative to it
ln -s "$W" "$T/wlink"
inw "$T/wlink" check --format json conf/a.cnf
is "$(js 't("conf/a.cnf")["fleet"]["file"] + " " + t("conf/a.cnf")["path_key"]')" "conf/a.cnf conf/a.cnf" \
	"run from a linked working directory: shown from it"
# a file that does not exist: the unusable input, its path cleaned as given
inw "$W" check --format json conf/missing.cnf conf/a.cnf
is "$rc" "2" "a missing file is unusable input (exit 2)"
is "$(js 't("conf/missing.cnf")["path_key"]')" "conf/missing.cnf" "its key: the path made absolute, cleaned"

# --- 7. what one run remembers across targets (issue 13) ---------------------------------
# A run keeps, per release, the catalog's defaults; per option name, what
# it says about the flavor and which catalog variable it is; per value and
# the value before it, the option parser's verdict. Each target of a mixed
# run must read exactly as it reads alone: releases (MySQL 5.7, 8.4,
# MariaDB, Galera) in turn, the same names with other values before them
# (optimizer_switch builds on the value before it), loose- and not, a
# secret, an abbreviation.
mkdir -p "$T/mixed"
i=0
for f in "$REPO"/examples/*/*.cnf; do
	i=$((i + 1))
	cp "$f" "$T/mixed/$i-$(basename "$f")"
done
printf '[mysqld]\noptimizer_switch = index_merge=off\noptimizer_switch = mrr=off\nserver_id = 3\n' >"$T/mixed/m1.cnf"
printf '[mysqld]\noptimizer_switch = mrr=off\nloose-gtid_mode = ON\npassword = hunter2\n' >"$T/mixed/m2.cnf"
printf '[mariadb]\nlog_slave_upd = ON\ngtid_mode = ON\nbinlog_format = row\n' >"$T/mixed/m3.cnf"
printf '[mysqld]\ngtid_mode = ON\nbinlog_format = row\nwsrep_on = ON\n' >"$T/mixed/m4.cnf"
# reading, as a report shows it: flavor, release, evidence, settings and where they come from
READ='[(x["name"], x["flavor"], x["build"], x["version"], x["flavor_evidence"], x["fleet"]["settings"], x["fleet"]["group_header"]) for x in doc["targets"]]'
files=$(cd "$T/mixed" && echo ./*.cnf)
# shellcheck disable=SC2086 # the names, split
inw "$T/mixed" check --format json --fail-on never $files
together=$(js "$READ")
alone=""
for f in $files; do
	inw "$T/mixed" check --format json --fail-on never "$f"
	alone="$alone$(js "$READ" | sed 's/^\[//; s/\]$//'), "
done
together_items=$(/usr/bin/python3 -c 'import ast,sys; print(len(ast.literal_eval(sys.argv[1])))' "$together")
is "$together_items" "$(ls "$T/mixed" | wc -l)" "a mixed run reads every file"
/usr/bin/python3 - "$together" "[${alone%, }]" <<'PYEOF' >"$T/cmp"
import ast, sys
def strip(rows):
    # fleet facts (topology.*) are about the run's other targets, not about reading
    return [(r[0], r[1], r[2], r[3], r[4], [s for s in r[5] if s["origin"]["source"] != "topology"], r[6]) for r in rows]
a, b = strip(ast.literal_eval(sys.argv[1])), strip(ast.literal_eval(sys.argv[2]))
print("same" if a == b else "differ: " + next((repr((x, y)) for x, y in zip(a, b) if x != y), "count"))
PYEOF
is "$(cat "$T/cmp")" "same" "each target of a mixed run reads as it reads alone"

# A MariaDB abbreviation of a plugin's option: each file's own plugin loads decide, in either
# order (resolutions that look at the loaded plugins are not remembered for the release; this
# pair reads the same either way, so it guards the outcome, not that rule alone).
mkdir -p "$T/abbr"
printf '[mariadbd]\nplugin_load_add = server_audit\nserver_audit_logg = ON\nserver_id = 5\n' >"$T/abbr/a.cnf"
printf '[mariadbd]\nserver_audit_logg = ON\nserver_id = 6\n' >"$T/abbr/b.cnf"
for order in "a.cnf b.cnf" "b.cnf a.cnf"; do
	# shellcheck disable=SC2086 # the names, split
	inw "$T/abbr" check -v --fail-on never $order
	has "b.cnf:2: warning: 'server_audit_logg' exists only while the plugin SERVER_AUDIT" "$err" \
		"$order: without the plugin loaded, the abbreviation is a warning"
	hasnt "a.cnf:3: warning" "$err" "$order: where the file loads it, it is not"
done

# --- reading a target: four system calls (issue 13) ----------------------------------
# The resolver opens the file it looked at (O_NOFOLLOW: a link fails to open and takes the
# lstat/realpath way) and the reader reads that descriptor: openat, fstat, one read of
# size + 1 bytes (a short read of exactly the size is the end), close. No lstat, no second
# read. What else a target costs (the spool, the report) is not the reading's.
mkdir -p "$T/sys"
for i in $(seq 1 20); do printf '[mysqld]\nserver_id = %d\nlog_bin = b\nsync_binlog = 1\n' "$i" >"$T/sys/f$i.cnf"; done
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	(cd "$T/sys" && strace -f -y -o "$T/trace" "$CRASHSAFE" check -q --fail-on never ./f*.cnf >/dev/null 2>&1)
	grep -v execve "$T/trace" >"$T/calls"
	most=0
	total=0
	for i in $(seq 1 20); do
		calls=$(grep -cE "/f$i\.cnf[\">]" "$T/calls")
		total=$((total + calls))
		[ "$calls" -gt "$most" ] && most=$calls
	done
	ok "$([ "$most" -le 4 ] && [ "$total" -ge 40 ]; echo $?)" \
		"20 targets: at most 4 system calls name each file ($most at most, $total in all; 6 before: lstat, openat, fstat, 2 reads, close)"
	is "$(grep -E '/f7\.cnf[">]' "$T/calls" | sed -E 's/^[0-9]+ +//; s/\(.*//' | tr '\n' ' ')" \
		"openat newfstatat read close " "one file: openat, fstat, one read, close"
	is "$(grep -cE '(lstat|newfstatat)\(AT_FDCWD[^,]*, "[^"]*/f[0-9]+\.cnf"' "$T/trace")" "0" "no lstat of a target"
else
	skip "system calls of reading a target: needs strace"
	skip "one file's system calls: needs strace"
	skip "no lstat of a target: needs strace"
fi
# what the open-first way must not change: a link to a file, a link to a FIFO with a writer,
# a device, an unreadable file (unreadable unless root: as cat reads it)
ln -s f1.cnf "$T/sys/link.cnf"
inw "$T/sys" check -v --format json --fail-on never link.cnf
is "$(js '[x["name"] for x in doc["targets"]] + [s["origin"]["file"] for s in doc["targets"][0]["fleet"]["settings"] if s["name"] == "server_id"]')" \
	"['link.cnf', 'link.cnf']" "a link to a file is read through the link (named as given)"
mkfifo "$T/sys/pipe.fifo"
ln -s pipe.fifo "$T/sys/fifo-link.cnf"
(timeout 20 sh -c 'printf "[mysqld]\nsync_binlog = 0\n" >"$1"' sh "$T/sys/pipe.fifo" &)
inw "$T/sys" check -v --fail-on never fifo-link.cnf
has "sync_binlog is 0 (fifo-link.cnf:2)" "$out" "a link to a FIFO with a writer is read as a stream"
(timeout 20 sh -c 'printf "[mysqld]\nsync_binlog = 0\n" >"$1"' sh "$T/sys/pipe.fifo" &)
inw "$T/sys" check -v --fail-on never pipe.fifo
has "sync_binlog is 0 (pipe.fifo:2)" "$out" "a FIFO given itself too"
inw "$T/sys" check -v --fail-on never /dev/null
is "$rc/$(grep -c 'error' <<<"$err")/$(grep -c '^/dev/null (file' <<<"$out")" "0/0/1" \
	"a device (/dev/null) reads as an empty option file"
printf '[mysqld]\nsync_binlog = 0\n' >"$T/sys/locked.cnf"
chmod 000 "$T/sys/locked.cnf"
inw "$T/sys" check -v --fail-on never locked.cnf
if cat "$T/sys/locked.cnf" >/dev/null 2>&1; then
	has "sync_binlog is 0 (locked.cnf:2)" "$out" "a file only root can read is read by root"
else
	has "locked.cnf: error: cannot read: Permission denied" "$err" \
		"an unreadable file: cannot read, and why (once: breaker7)"
fi
chmod 644 "$T/sys/locked.cnf"

# a target whose file is not read still says how its flavor was decided (the text is put
# together only then, or by the files' own decision: issue 13)
mkdir -p "$T/sys/emptydir"
inw "$T/sys" check --format json --flavor mariadb --fail-on never missing.cnf f1.cnf
is "$(js '[x["flavor_evidence"] for x in doc["targets"]]')" \
	"[\"flavor from the command line; version 10.11: MariaDB's default\", \"flavor from the command line; version 10.11: MariaDB's default\"]" \
	"a missing file: the flavor given and its default version, as for a file read"
inw "$T/sys" check --format json --server-version 8.0.36 --fail-on never emptydir
is "$(js '[x["flavor_evidence"] for x in doc["targets"]]')" \
	"['flavor from the version given (MySQL had 8.0.36); version from the command line']" \
	"a directory without an entry file: the flavor the version names"

tap_done
