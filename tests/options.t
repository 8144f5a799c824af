#!/bin/bash
# options.t - the live check of the option catalog's generator: regenerate
# the MariaDB rows of rules/options.tsv from the local server
#     python3 scripts/gen-options.py live --mariadbd $(command -v mariadbd)
# (its --verbose --help, the SYSTEM_VARIABLES of a scratch server started
# and stopped by the script, its plugins) and compare them with what the
# committed file gives for that release
#     python3 scripts/gen-options.py project rules/options.tsv mariadb VERSION
# Every option, type, value list, default, range and flag must agree. When
# Debian updates mariadb-server, a difference here means: regenerate the
# file (docs/variables.md §6.5), and review what the server changed.
#
# Without mariadbd (or as non-root: mariadbd needs --user=mysql): skipped
# with the reason when run by hand, a failure under CI.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
cd "$REPO" || exit 1
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3 || true)
MARIADBD=$(command -v mariadbd || true)
[ -z "$MARIADBD" ] && [ -x /usr/sbin/mariadbd ] && MARIADBD=/usr/sbin/mariadbd

skip() {
	if [ -n "${CI:-}" ]; then
		echo "1..1"
		echo "not ok 1 - $1 (required under CI)"
		exit 1
	fi
	echo "1..0 # SKIP $1"
	exit 0
}
[ -n "$PY" ] || skip "python3 not installed"
[ -n "$MARIADBD" ] || skip "mariadbd not installed (Debian package mariadb-server)"
[ "$(id -u)" = 0 ] || skip "the generator starts mariadbd --user=mysql and must run as root"
id mysql >/dev/null 2>&1 || skip "no mysql user"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/options-t.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
echo "1..4"

if "$PY" scripts/gen-options.py live --mariadbd "$MARIADBD" >"$TMP/live" 2>"$TMP/err"; then
	echo "ok 1 - the generator reads the local mariadbd"
else
	echo "not ok 1 - the generator reads the local mariadbd"
	sed 's/^/# /' "$TMP/err"
fi
version=$(sed -n 's/^# mariadb //p' "$TMP/live" | head -1)
if grep -q "^#@release	mariadb	$version	" rules/options.tsv; then
	echo "ok 2 - rules/options.tsv lists MariaDB $version"
else
	echo "not ok 2 - rules/options.tsv lists MariaDB $version (the local server; regenerate the file)"
fi
"$PY" scripts/gen-options.py project rules/options.tsv mariadb "${version:-0.0.0}" >"$TMP/committed" 2>"$TMP/err2"
grep -v '^#' "$TMP/live" >"$TMP/live.rows"
grep -v '^#' "$TMP/committed" >"$TMP/committed.rows"
if [ -s "$TMP/live.rows" ] && diff "$TMP/committed.rows" "$TMP/live.rows" >"$TMP/diff"; then
	echo "ok 3 - every option of MariaDB $version is as rules/options.tsv says ($(wc -l <"$TMP/live.rows") options)"
else
	echo "not ok 3 - every option of MariaDB $version is as rules/options.tsv says (< file, > server)"
	head -40 "$TMP/diff" | sed 's/^/# /'
fi
grep '^#@plugin	mariadb	' "$TMP/live" | cut -f1-5 | sort >"$TMP/live.plugins"
grep "^#@plugin	mariadb	.*	mariadb-$version\$" rules/options.tsv | cut -f1-5 | sort >"$TMP/committed.plugins"
if [ -s "$TMP/live.plugins" ] && diff "$TMP/committed.plugins" "$TMP/live.plugins" >"$TMP/pdiff"; then
	echo "ok 4 - the plugins that provide options are as rules/options.tsv says"
else
	echo "not ok 4 - the plugins that provide options are as rules/options.tsv says (< file, > server)"
	sed 's/^/# /' "$TMP/pdiff"
fi
