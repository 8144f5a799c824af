#!/bin/bash
# stream.t - check streams its targets (issue 13): each target is evaluated
# as soon as it is read and its result waits in a temporary file, so that
# memory grows only by what the rules across targets compare, not by each
# target's settings and findings.
#
# 1. Memory per target, measured structurally rather than by time: the
#    peak resident size (GNU time's %M) of `check -q` over 1,000 and over
#    10,000 generated option files (5,000 until session 7: the first
#    1,000's peak moves by 300 KB run to run, 75 bytes a target over 4,000);
#    the growth per target between the two must stay under 520 bytes. Holding every target's settings and result
#    (before streaming) took about 35 KB per target; streaming about 7 KB;
#    cross-target copies that share one string pool 4.9 KB; since they
#    keep their variables compact and no findings, 2.8 KB; since load.c
#    keeps no settings slot or project data per streamed target, and the
#    copies' slots are 12 bytes, 1.8 KB; since the cross-target rules read
#    the kept copies' compact heads through an accessor (no target_result
#    per kept copy) and linking builds no index when no channel is known,
#    1.35 KB; since the derived facts are records shared by targets, the
#    copies' heads 72 bytes with what they share kept once, and linking
#    holds no node or input per target past its use, 0.95 KB; since
#    the copies' variable slots are shared, 0.76 KB; since the fleet plan's
#    entries are 48 bytes and the copies keep their problems' places only,
#    0.65-0.72 KB (0.65-0.68 KB at 1,000 -> 10,000 files); since load.c
#    keeps 4-byte numbers and no copies of names until its last pass, plain
#    FILE operands make no plan entry, the copies keep 1-byte slot indexes,
#    32-byte heads, no path key, only the problems a cross-target rule can
#    name, the linking 4-byte numbers and arena strings 16-byte steps,
#    0.43-0.46 KB (380 bytes from 10,000 to 100,000 files; docs/benchmarks.md).
# 2. Every report is read back from the spool on its own: the JSON, JUnit,
#    SARIF, text and gcc reports written as files in one run are the bytes
#    each gives alone on standard output, over targets that share
#    server_ids (fleet findings merged into their targets), with a
#    suppression of a fleet finding and an included file dropped after it
#    was evaluated.
# 3. The spool goes to $TMPDIR and leaves nothing there; a $TMPDIR it cannot
#    be made in is an error (exit 2) before anything is audited; a run with
#    one target needs none (reported from memory: the same report).
#    A $TMPDIR that fills up is that error before any report (never a
#    report cut short); /tmp read-only does not matter when $TMPDIR is set.
# 4. A kept copy's problems are kept as their places while the targets are
#    read, made into problems for the kept copies only: a cross-target
#    finding still names its own target's refused line, after a dropped
#    target's, and after a refused line of its own that no cross-target
#    rule reads (only problems up to the last such line keep a place).
# 5. A kept copy's variables read back right past 16,384 distinct slots
#    (their indexes are kept 7 bits a byte).
# 6. The fleet rule's keys (made in an arena while the targets are grouped)
#    compare as before: 007 and 7 are one server_id.
# TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
tap_scratch stream

# ---- 1. memory per target ----------------------------------------------------------------
# The peak RSS of check -q (GNU time's %M, the figure docs/benchmarks.md
# reports) over the first 1,000 and the first 10,000 of 10,000 generated
# option files. (getrusage(RUSAGE_CHILDREN) from python counted python's own
# 10 MB: the child's high-water mark starts before its exec, which hid the
# growth of small runs.)
peak_kb() {   # peak_kb N: the peak RSS in KB of check -q over the first N files of $T/gen
	local files
	files=$(seq 0 $(($1 - 1)) | sed 's/.*/h&.cnf/')   # bench/gen.py's names, in its order
	# shellcheck disable=SC2086
	(cd "$T/gen" && /usr/bin/time -f %M -o "$T/peak" "$CRASHSAFE" check -q --no-color --fail-on never $files \
		>/dev/null 2>&1) && tail -n 1 "$T/peak" || echo -1
}
if [ -x /usr/bin/time ]; then
	/usr/bin/python3 "$REPO/bench/gen.py" files 10000 "$T/gen" >/dev/null
	small=$(peak_kb 1000)
	large=$(peak_kb 10000)
	ok "$([ "$small" -gt 0 ] && [ "$large" -gt 0 ]; echo $?)" "check -q over 1,000 and 10,000 files runs (peak ${small} KB, ${large} KB)"
	per=$(( (large - small) * 1024 / 9000 ))
	ok "$([ "$per" -lt 520 ]; echo $?)" "memory grows by under 520 bytes per target (${per} bytes; about 35,000 when every target was held, 4,900 with the cross-target copies as views and their findings held, 2,800 with a settings slot and project data per target in load.c, 1,800 with a target_result per kept copy, 1,350 with a 176-byte record of derived facts per target, 650-680 with 72-byte heads, 4-byte slot indexes and a plan entry per file)"
else
	skip "memory per target: needs GNU time (/usr/bin/time, package time)"
	skip "memory per target: needs GNU time (/usr/bin/time, package time)"
fi

# ---- 2. each report read back on its own ---------------------------------------------------
mkdir -p "$T/fleet"
for i in 0 1 2 3 4 5; do
	sed -E "s/^server[-_]id.*/server_id = $((i % 3 + 1))/" "$REPO/examples/mysql-8.4/replica-safe.cnf" >"$T/fleet/n$i.cnf"
done
cp "$REPO/examples/galera/node1.cnf" "$REPO/examples/galera/node2.cnf" "$T/fleet/"
printf '[mysqld]\nserver_id = 9\n' >"$T/fleet/part.cnf"
printf '!include part.cnf\n' >>"$T/fleet/n5.cnf"
printf '[server-id-unique]\ntarget = n1.cnf\nreason = "known"\n' >"$T/sup.ini"
cd "$T/fleet" || exit 1
files=(part.cnf n0.cnf n1.cnf n2.cnf n3.cnf n4.cnf n5.cnf node1.cnf node2.cnf)
"$CRASHSAFE" check --no-color --suppress "$T/sup.ini" --json "$T/r.json" --junit "$T/r.xml" --sarif "$T/r.sarif" \
	--text "$T/r.txt" "${files[@]}" >"$T/r.gcc" 2>"$T/all.err" --format gcc
all=$?
ok "$([ "$all" = 1 ]; echo $?)" "one run writing five reports: exit 1 (duplicate server_ids fail)"
for f in json:r.json junit:r.xml sarif:r.sarif text:r.txt gcc:r.gcc; do
	"$CRASHSAFE" check --no-color --suppress "$T/sup.ini" --format "${f%%:*}" "${files[@]}" >"$T/alone" 2>"$T/alone.err"
	cmp -s "$T/alone" "$T/${f#*:}"
	ok $? "the ${f%%:*} report written with the others is the one written alone"
done
cmp -s "$T/all.err" "$T/alone.err"
ok $? "... and standard error is the same"
grep -A3 '"rule_id": "server-id-unique"' "$T/r.json" | grep -q '"status": "fail"' &&
	grep -A3 '"rule_id": "server-id-unique"' "$T/r.json" | grep -q '"status": "suppressed"'
ok $? "the JSON report has the fleet rule's findings, failed and suppressed"
if grep -q '"name": "part.cnf"' "$T/r.json"; then
	fail "the file n5.cnf includes is not a target, though it was read first"
else
	pass "the file n5.cnf includes is not a target, though it was read first"
fi
grep -q 'n1.cnf' "$T/r.gcc" && ! grep -q 'n1.cnf:.*server-id-unique' "$T/r.gcc"
ok $? "the gcc report names n1.cnf but not its suppressed server-id-unique"

# ---- 3. the spool's place ------------------------------------------------------------------
mkdir -p "$T/tmpdir"
TMPDIR="$T/tmpdir" "$CRASHSAFE" check -q --no-color "${files[@]}" >/dev/null 2>&1
left=$(find "$T/tmpdir" -mindepth 1 | wc -l)
ok "$([ "$left" = 0 ]; echo $?)" "the spool in \$TMPDIR leaves nothing behind (${left} entries)"
TMPDIR="$T/nonexistent" "$CRASHSAFE" check -q --no-color "${files[@]}" >"$T/notmp.out" 2>"$T/notmp.err"
rc=$?
ok "$([ "$rc" = 2 ] && grep -q "cannot make a temporary file for the targets' results" "$T/notmp.err" &&
	! [ -s "$T/notmp.out" ]; echo $?)" "a \$TMPDIR the spool cannot be made in: exit 2, said, nothing audited"
# a $TMPDIR that fills up while the targets are spooled: at every fill level, either the whole
# report (exit 0) or the spool's error with nothing on stdout (exit 2) -- never a report cut short
# (a write failure once hid in the stream's buffer until the reports read the spool back)
if [ "$(id -u)" = 0 ] && mkdir -p "$T/tiny" && mount -t tmpfs -o size=64k tmpfs "$T/tiny" 2>/dev/null; then
	/usr/bin/python3 "$REPO/bench/gen.py" files 3 "$T/three"
	"$CRASHSAFE" check --format json --fail-on never "$T/three/"*.cnf >"$T/three.json" 2>/dev/null
	bad=""
	for k in $(seq 0 2 40); do
		rm -f "$T/tiny/fill"
		[ "$k" -gt 0 ] && dd if=/dev/zero of="$T/tiny/fill" bs=1k count="$k" status=none 2>/dev/null
		TMPDIR="$T/tiny" "$CRASHSAFE" check --format json --fail-on never "$T/three/"*.cnf >"$T/full.out" 2>"$T/full.err"
		rc=$?
		if [ "$rc" = 0 ] && cmp -s "$T/full.out" "$T/three.json" && ! [ -s "$T/full.err" ]; then :
		elif [ "$rc" = 2 ] && ! [ -s "$T/full.out" ] && grep -q "temporary file in $T/tiny: No space left" "$T/full.err"; then :
		else bad="$bad fill=${k}KB:rc=$rc,$(wc -c <"$T/full.out")B"; fi
	done
	umount "$T/tiny"
	is "${bad:-none}" none "a \$TMPDIR filling up at 0-40 KB of 64 KB: the whole report, or exit 2 naming the directory with nothing on stdout"
else
	skip "a full \$TMPDIR: needs root to mount a small tmpfs (CI runs as root)"
fi

# every temporary file goes to $TMPDIR: with /tmp read-only (a container whose TMPDIR is a volume)
# the run still reports, and a target's lines for stderr are not lost (they once went to tmpfile(3),
# which ignores $TMPDIR). Run from a copy under /var/tmp, as the checkout may itself be under /tmp.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && V=$(mktemp -d /var/tmp/crashsafe-stream.XXXXXX); then
	mkdir -p "$V/tmp" && cp "$CRASHSAFE" "$V/crashsafe" && cp -r "$REPO/rules" "$V/rules" &&
		cp "$T/three/h0.cnf" "$T/three/h1.cnf" "$V/"
	unshare -m sh -c 'mount --make-rprivate / && mount -t tmpfs -o ro,size=4k tmpfs /tmp &&
		cd "$1" && TMPDIR="$1/tmp" CRASHSAFE_RULES_DIR="$1/rules" ./crashsafe check -q --no-color \
		--fail-on never h0.cnf h1.cnf nope.cnf' sh "$V" >"$V/out" 2>"$V/err"
	rc=$?
	ok "$([ "$rc" = 2 ] && grep -q '3 targets' "$V/out" && grep -q 'nope.cnf' "$V/err" &&
		! grep -q 'temporary file' "$V/err"; echo $?)" \
		"/tmp read-only, \$TMPDIR writable: the run reports (exit $rc, 2 for the unreadable FILE) and its stderr line stays"
	[ "$rc" = 2 ] || { echo "# stdout: $(head -c 300 "$V/out")"; echo "# stderr: $(head -c 300 "$V/err")"; }
	rm -rf "$V"
else
	skip "/tmp read-only: needs root and unshare(1) for a private mount namespace (CI runs as root)"
fi

# one target has nothing to wait for: reported from memory, no temporary file needed, the same report
one="$REPO/examples/mysql-8.4/replica-unsafe.cnf"
TMPDIR="$T/nonexistent" "$CRASHSAFE" check --format json --fail-on never "$one" >"$T/one-notmp.json" 2>"$T/one-notmp.err"
rc=$?
# the same FILE named twice is one target, but two were planned: that run streams (it needs the
# spool); its report must be the one-target report but for the planned count
"$CRASHSAFE" check --format json --fail-on never "$one" "$one" >"$T/twice.json" 2>/dev/null
TMPDIR="$T/nonexistent" "$CRASHSAFE" check --format json --fail-on never "$one" "$one" >/dev/null 2>&1
rc2=$?
ok "$([ "$rc" = 0 ] && ! [ -s "$T/one-notmp.err" ] && [ -s "$T/one-notmp.json" ] && [ "$rc2" = 2 ]; echo $?)" \
	"one FILE needs no temporary file: audited with a \$TMPDIR that does not exist (exit $rc; the FILE twice, streamed: exit $rc2)"
same=$(/usr/bin/python3 - "$T/one-notmp.json" "$T/twice.json" <<'PY'
import json, sys
one, twice = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
planned = (one["run"].pop("targets"), twice["run"].pop("targets"))
print("same" if planned == (1, 2) and one == twice else "differ %r" % (planned,))
PY
)
is "$same" same "... and its report is the streamed one, but for the planned count (run.targets 1, not 2)"

# ---- 4. written once, counted as added (spool2) ----------------------------------------------
# Each target is written to the spool once and its findings counted as it is added; finish only
# adds the cross-target findings to the counts, takes out the targets it does not keep (an
# included file read first) and re-counts the targets it rewrites (a project file's disabled
# rule and suppression, here for proj/ only: the others are not read back). JUnit writes those
# totals in <testsuites> before any target, so they must be the sums of its <testsuite>s, and
# the exit status must be the one the JSON report's own counts give.
mkdir -p "$T/fleet/proj"
for i in 0 1; do
	sed -E "s/^server[-_]id.*/server_id = $((i + 1))/" "$REPO/examples/mysql-8.4/replica-unsafe.cnf" \
		>"$T/fleet/proj/p$i.cnf"
done
printf '[defaults]\ndisable = sync-binlog\n\n[suppress "server-id-unique"]\ntarget = *.cnf\nreason = known\n' \
	>"$T/fleet/proj/.crashsafe.ini"
mixed=(part.cnf n0.cnf n1.cnf proj/p0.cnf n2.cnf proj/p1.cnf n5.cnf node1.cnf nope.cnf)
"$CRASHSAFE" check --no-color --fail-on warning --junit "$T/m.xml" --json "$T/m.json" "${mixed[@]}" >/dev/null 2>"$T/m.err"
mrc=$?
sums=$(/usr/bin/python3 - "$T/m.xml" "$T/m.json" "$mrc" <<'PY'
import json, sys, xml.etree.ElementTree as ET
top = ET.parse(sys.argv[1]).getroot()
got = {k: int(top.get(k)) for k in ("tests", "failures", "errors")}
want = {k: sum(int(s.get(k)) for s in top.findall("testsuite")) for k in ("tests", "failures", "errors")}
doc = json.load(open(sys.argv[2]))
names = [t["name"] for t in doc["targets"]]
st = [f["status"] for t in doc["targets"] for f in t["findings"]]
bad = []
if got != want: bad.append("testsuites %r, sums %r" % (got, want))
if int(sys.argv[3]) != doc["summary"]["exit_status"]: bad.append("exit %s, JSON %s" % (sys.argv[3], doc["summary"]["exit_status"]))
if "part.cnf" in names or "proj/p0.cnf" not in names: bad.append("targets %r" % names)
if "suppressed" not in st or "fail" not in st: bad.append("statuses %r" % sorted(set(st)))
print("; ".join(bad) or "same")
PY
)
is "$sums" same "counted as added: JUnit's totals are its suites' sums, the exit status the report's (rewritten, kept, dropped, fleet)"
grep -q "nope.cnf" "$T/m.err"
ok $? "... and the unreadable target's error line is on stderr"
for f in proj/p0.cnf n0.cnf; do
	"$CRASHSAFE" check --no-color --format json "${mixed[@]}" 2>/dev/null |
		/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); t=[t for t in d["targets"] if t["name"]==sys.argv[1]][0]; print(" ".join(sorted(set(f["rule_id"] for f in t["findings"] if f["status"] in ("fail","suppressed")))))' "$f" >"$T/ids.$$"
	case "$f" in
	proj/*) ! grep -qw sync-binlog "$T/ids.$$" && grep -qw server-id-unique "$T/ids.$$" ;;
	*) grep -qw server-id-unique "$T/ids.$$" ;;
	esac
	ok $? "$f: the project file's disabled rule and suppression apply to its own targets only ($(cat "$T/ids.$$"))"
done

# a report reads a target's view back only when its writer reads it (text -q: for the findings it
# shows): the explanations of text -q streamed are those each target gives alone, unstreamed
mkdir -p "$T/q"
for i in 1 2 3; do
	sed "/^\[mysqld\]/a server_id = $((i + 10))" "$REPO/examples/mysql-8.4/replica-unsafe.cnf" >"$T/q/q$i.cnf"
done
(cd "$T/q" && "$CRASHSAFE" check -q --no-color --fail-on warning q1.cnf q2.cnf q3.cnf >"$T/q/all.txt" 2>&1
	for i in 1 2 3; do "$CRASHSAFE" check -q --no-color --fail-on warning "q$i.cnf" 2>&1 | sed '$d'; done >"$T/q/alone.txt")
sed '$d' "$T/q/all.txt" | cmp -s - "$T/q/alone.txt" && [ "$(grep -c 'q[123].cnf:[0-9]' "$T/q/all.txt")" -ge 6 ]
ok $? "text -q streamed explains each target's failures as it does alone (the view read back for them)"

# the spool's stdio buffers are its own, 32 KB and 16 KB (glibc's setvbuf ignored the size without
# one: 4 KB writes, about 3 per target); the stream writes each target once
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true 2>/dev/null; then
	/usr/bin/python3 "$REPO/bench/gen.py" files 400 "$T/w400" >/dev/null
	(cd "$T/w400" && strace -f -e trace=write -o "$T/writes" "$CRASHSAFE" check -q --no-color --fail-on never ./*.cnf >/dev/null 2>&1)
	nw=$(grep -c '^[0-9]* *write(' "$T/writes")
	ok "$([ "$nw" -lt 200 ]; echo $?)" "400 targets: under 200 write(2) calls in all ($nw; about 1,300 with 4 KB writes and every target written twice)"
	# what a report writes nothing for is not read back (report.h writes): text -q --fail-on never lists
	# no target here, so the spool is not read, and the second (cross-target findings) is not made
	spool_io() { # TRACE: "READS WRITES WRITES_TO_THE_SECOND FILES" on the spool files' descriptors
		/usr/bin/python3 - "$1" <<'PY'
import re, sys
fds, r, w, w2 = [], 0, 0, 0
for line in open(sys.argv[1]):
    m = re.search(r'openat\(.*crashsafe-spool-.*= (\d+)$', line)
    if m:
        fds.append(m.group(1))
        continue
    m = re.search(r'\b(read|write)\((\d+),', line)
    if m and m.group(2) in fds:
        if m.group(1) == 'read':
            r += 1
        else:
            w += 1
            w2 += len(fds) > 1 and m.group(2) == fds[1]
print(r, w, w2, len(fds))
PY
	}
	(cd "$T/w400" && strace -f -e trace=openat,read,write -o "$T/io-q" "$CRASHSAFE" check -q --no-color --fail-on never ./*.cnf >/dev/null 2>&1)
	(cd "$T/w400" && strace -f -e trace=openat,read,write -o "$T/io-text" "$CRASHSAFE" check --no-color --fail-on never ./*.cnf >/dev/null 2>&1)
	read -r qr qw qw2 qf <<<"$(spool_io "$T/io-q")"
	read -r tr tw _ tf <<<"$(spool_io "$T/io-text")"
	ok "$([ "$qr" = 0 ] && [ "$qw2" = 0 ] && [ "$qf" = 1 ] && [ "$qw" -gt 0 ] && [ "$tr" -gt 0 ] && [ "$tf" = 2 ]; echo $?)" \
		"400 targets, text -q --fail-on never: the spool is written ($qw write(2) calls) but never read back ($qr reads), the second not made ($qf file, $qw2 writes to a second); text reads them back ($tf files, $tr reads, $tw writes)"
else
	skip "write(2) calls: needs strace"
	skip "spool read back: needs strace"
fi

# ---- 4. a kept copy's problems: where they are, after dropped targets' ----------------------
# The copies keep only their problems' places (file, line) while the targets are
# read, and make problems for the kept ones (issue 13): a cross-target finding
# that could not be evaluated names its own target's refused line, also after a
# dropped target (included by another) that had a refused line of its own.
mkdir -p "$T/places"
printf '[mysqld]\nserver_id = zz\n' >"$T/places/d.cnf"
printf '[mysqld]\nlog_bin = on\n!include %s/d.cnf\n' "$T/places" >"$T/places/x.cnf"
printf '[mysqld]\nlog_bin = on\nserver_id = abc\n' >"$T/places/a.cnf"
printf '[mysqld]\nserver_id = 1\nlog_bin = on\n' >"$T/places/b.cnf"
out=$(cd "$T/places" && "$CRASHSAFE" check --no-color --fail-on never d.cnf x.cnf a.cnf b.cnf 2>&1)
x=$(printf '%s\n' "$out" | sed -n '/^x.cnf /,/^a.cnf /p' | grep -A1 'server-id-unique:' | tail -n 1)
a=$(printf '%s\n' "$out" | sed -n '/^a.cnf /,/^b.cnf /p' | grep -A1 'server-id-unique:' | tail -n 1)
case "$x" in *"refuses $T/places/d.cnf line 2 "*) r=0 ;; *) r=1 ;; esac
ok "$r" "a kept copy's refused line from an included file names that file and line (${x# *})"
case "$a" in *"the server refuses line 3 "*) r=0 ;; *) r=1 ;; esac
ok "$r" "... and the next kept copy its own line, after the dropped target's (${a# *})"
# A copy keeps the places of its problems only up to the last one on a line whose variable the
# cross-target rules read (issue 13): the refused innodb_buffer_pool_size on line 3 (read by no
# such rule) keeps its index but no place, so the finding still names server_id's line 4.
printf '[mysqld]\nlog_bin = on\ninnodb_buffer_pool_size = 12Q\nserver_id = abc\n' >"$T/places/c.cnf"
out=$(cd "$T/places" && "$CRASHSAFE" check --no-color --fail-on never c.cnf b.cnf 2>&1)
c=$(printf '%s\n' "$out" | sed -n '/^c.cnf /,/^b.cnf /p' | grep -A1 'server-id-unique:' | tail -n 1)
case "$c" in *"the server refuses line 4 "*) r=0 ;; *) r=1 ;; esac
ok "$r" "a copy's refused server_id line after another refused line names its own line (${c# *})"

# ---- 5. a kept copy's variables, past 16,384 distinct slots ---------------------------------
# The copies' slots are kept as indexes of 7 bits a byte (issue 13: 4 bytes each were 64
# bytes a target): 3,500 files with five values of their own each make over 17,500 distinct
# slots, so the last file's take three bytes. Its server_id (on its line 7) is the first
# file's: the fleet rule finds the pair from both sides, with the values and lines read back.
/usr/bin/python3 - "$T/slots" <<'PY'
import os, sys
d = sys.argv[1]
os.makedirs(d, exist_ok=True)
n = 3500
for i in range(n):
    last = i == n - 1
    lines = ["[mysqld]"]
    if not last:
        lines.append("server_id = %d" % (i + 1))
    lines += ["port = %d" % (10000 + i), "report_host = h%d.example" % i, "report_port = %d" % (20000 + i),
              "auto_increment_offset = %d" % (i + 1), "log_bin = ON"]
    if last:
        lines.append("server_id = 1")
    with open(os.path.join(d, "h%d.cnf" % i), "w") as f:
        f.write("\n".join(lines) + "\n")
PY
(cd "$T/slots" && "$CRASHSAFE" check --no-color --fail-on never --format gcc $(seq 0 3499 | sed 's/.*/h&.cnf/') \
	2>/dev/null | grep 'server-id-unique' >"$T/slots.out")
is "$(cat "$T/slots.out")" "h0.cnf:2: error: server_id 1 is also used by 1 other target: h3499.cnf; expected server_id unique among the targets of the run (targets with the same cluster may share it) [server-id-unique]
h3499.cnf:7: error: server_id 1 is also used by 1 other target: h0.cnf; expected server_id unique among the targets of the run (targets with the same cluster may share it) [server-id-unique]" \
	"3,500 copies, the last one's slots three bytes each: only h0.cnf and h3499.cnf share server_id 1, each named with its own line"

# ---- 6. the fleet rule's keys ---------------------------------------------------------------
# The keys a fleet rule compares are made in an arena for the grouping (issue 13: a heap string
# per target until the runs were known): server_id 007 and 7 are one value, 8 another.
mkdir -p "$T/keys"
printf '[mysqld]\nserver_id = 007\nlog_bin = ON\n' >"$T/keys/z1.cnf"
printf '[mysqld]\nserver_id = 7\nlog_bin = ON\n' >"$T/keys/z2.cnf"
printf '[mysqld]\nserver_id = 8\nlog_bin = ON\n' >"$T/keys/z3.cnf"
(cd "$T/keys" && "$CRASHSAFE" check --no-color --fail-on never --format gcc z1.cnf z2.cnf z3.cnf 2>/dev/null |
	grep 'server-id-unique' | cut -d: -f1,4 >"$T/keys.out")
is "$(cat "$T/keys.out")" "z1.cnf: server_id 7 is also used by 1 other target
z2.cnf: server_id 7 is also used by 1 other target" "server_id 007 and 7 are one value across targets, 8 another"

tap_done
