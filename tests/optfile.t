#!/bin/bash
# optfile.t - differential test of the option-file reader against the
# server's own reader, run live: for every input,
#     crashsafe resolve --raw --show-secrets --flavor mariadb --server-version 10.11 FILE
# (--show-secrets: MariaDB's my_print_defaults prints passwords) must print exactly what
#     my_print_defaults --defaults-file=FILE --mysqld
# prints (stdout byte for byte), and both must succeed or both fail.
#
# Inputs: the edge cases in tests/optfile/cases/*.cnf (see make-cases.py
# there for what each pins down), cases that need special file modes (made
# here in a temporary directory), the default search path with a fake
# $HOME and $MYSQL_HOME, and every option file under ../shared/corpus/cnf
# when that folder exists. Relative !include paths resolve against the
# working directory, so both readers always run from the same one.
#
# Env: CRASHSAFE (the binary), set by `make test`.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
CASES=$REPO/tests/optfile/cases
CORPUS=$REPO/../shared/corpus/cnf
MPD=$(command -v my_print_defaults || true)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/optfile-t.XXXXXX")
trap 'chmod -R u+rwx "$TMP" 2>/dev/null; rm -rf "$TMP"' EXIT

if [ -z "$MPD" ]; then
	echo "1..0 # SKIP my_print_defaults not installed (Debian package mariadb-client)"
	exit 0
fi
if ! "$MPD" --help 2>/dev/null | grep -q -- '--mysqld'; then
	echo "1..0 # SKIP my_print_defaults has no --mysqld"
	exit 0
fi

# compare NAME DIR FILE [EXTRA-ARGS...]: run both readers in DIR on FILE.
# EXTRA-ARGS go to both (a --defaults-group-suffix=S or the search options).
compare() {
	local name=$1 dir=$2 file=$3
	shift 3
	local want_rc got_rc
	if [ -n "$file" ]; then
		(cd "$dir" && "$MPD" --defaults-file="$file" "$@" --mysqld >"$TMP/want" 2>"$TMP/want.err")
		want_rc=$?
		(cd "$dir" && "$CRASHSAFE" resolve --raw --show-secrets --flavor mariadb --server-version 10.11 \
			"$@" "$file" >"$TMP/got" 2>"$TMP/got.err")
		got_rc=$?
	else
		(cd "$dir" && "$MPD" "$@" --mysqld >"$TMP/want" 2>"$TMP/want.err")
		want_rc=$?
		(cd "$dir" && "$CRASHSAFE" resolve --raw --show-secrets --flavor mariadb --server-version 10.11 \
			"$@" >"$TMP/got" 2>"$TMP/got.err")
		got_rc=$?
	fi
	local want_ok=0 got_ok=0
	[ $want_rc = 0 ] && want_ok=1
	[ $got_rc = 0 ] && got_ok=1
	if cmp -s "$TMP/want" "$TMP/got" && [ $want_ok = $got_ok ]; then
		ok 0 "$name (exit $want_rc, $(wc -l <"$TMP/want") lines)"
		return
	fi
	ok 1 "$name"
	echo "#   my_print_defaults exit $want_rc, crashsafe exit $got_rc"
	diff <(od -c "$TMP/want") <(od -c "$TMP/got") | head -20 | sed 's/^/#   /'
	sed 's/^/#   mpd stderr: /' "$TMP/want.err" | head -5
	sed 's/^/#   crashsafe stderr: /' "$TMP/got.err" | head -5
}

# ---- the stored edge cases --------------------------------------------------
for f in "$CASES"/*.cnf; do
	compare "cases/$(basename "$f")" "$CASES" "$(basename "$f")"
done
compare "cases/group-suffix.cnf with --defaults-group-suffix=.2" "$CASES" group-suffix.cnf \
	--defaults-group-suffix=.2
compare "cases/basic.cnf by absolute path from another directory" / "$CASES/basic.cnf"
compare "cases/include-basic.cnf from another directory (its include is missing there)" / \
	"$CASES/include-basic.cnf"
compare "cases/include-dotdot.cnf by a path through a missing directory" "$CASES" \
	"no-such-dir/../include-dotdot.cnf"
compare "a missing file" "$CASES" no-such-file.cnf
compare "a directory as the file" "$CASES" inc

# ---- cases that need file modes git does not keep ---------------------------
mkdir -p "$TMP/special/dir" "$TMP/special/dir/dir.cnf"
printf '[mysqld]\nww=1\n' >"$TMP/special/ww.cnf"
chmod 666 "$TMP/special/ww.cnf"
printf '[mysqld]\nmain=1\n!include ww.cnf\nafter=1\n' >"$TMP/special/include-ww.cnf"
printf '[mysqld]\nin_dir=1\n' >"$TMP/special/dir/a.cnf"
cp "$TMP/special/ww.cnf" "$TMP/special/dir/b.cnf"
chmod 666 "$TMP/special/dir/b.cnf"
printf '[mysqld]\nin_dir_c=1\n' >"$TMP/special/dir/c.cnf"
ln -s a.cnf "$TMP/special/dir/link.cnf"
ln -s nowhere "$TMP/special/dir/dangling.cnf"
printf '[mysqld]\n!includedir dir\nlast=1\n' >"$TMP/special/includedir.cnf"
printf '[mysqld]\nunreadable=1\n' >"$TMP/special/unreadable.cnf"
chmod 000 "$TMP/special/unreadable.cnf"
printf '[mysqld]\n!include unreadable.cnf\nafter=1\n' >"$TMP/special/include-unreadable.cnf"
compare "world-writable file as the file" "$TMP/special" ww.cnf
compare "world-writable included file" "$TMP/special" include-ww.cnf
compare "includedir with a directory named x.cnf, a world-writable file, symlinks" "$TMP/special" \
	includedir.cnf
compare "unreadable included file (readable to root)" "$TMP/special" include-unreadable.cnf
compare "unreadable file (readable to root)" "$TMP/special" unreadable.cnf

# "~/" and "~user/" in !include paths expand ($HOME; the password database).
mkdir -p "$TMP/tilde/home"
printf '[mysqld]\nfrom_home=1\n' >"$TMP/tilde/home/h.cnf"
printf '[mysqld]\n!include ~/h.cnf\n!include ~/../home/h.cnf\n!include ~root/../%s/home/h.cnf\n' \
	"${TMP#/}/tilde" >"$TMP/tilde/t.cnf"
HOME=$TMP/tilde/home compare "!include ~/ with HOME set" "$TMP/tilde" t.cnf
(unset HOME; compare "!include ~/ with HOME unset" "$TMP/tilde" t.cnf) | tee "$TMP/sub.tap"
grep -q '^ok' "$TMP/sub.tap" || failed=$((failed + 1))
n=$((n + 1))

# ---- the default search path ------------------------------------------------
# /etc/my.cnf and /etc/mysql/my.cnf are the machine's own; HOME and
# MYSQL_HOME point at files made here.
mkdir -p "$TMP/home" "$TMP/mysqlhome" "$TMP/empty"
printf '[mysqld]\nfrom_home=1\n[client]\nuser=me\n' >"$TMP/home/.my.cnf"
printf '[mariadb]\nfrom_mysql_home=1\n' >"$TMP/mysqlhome/my.cnf"
printf '[mysqld]\nfrom_extra=1\n' >"$TMP/extra.cnf"
unset MYSQL_GROUP_SUFFIX MARIADB_HOME
HOME=$TMP/home MYSQL_HOME=$TMP/mysqlhome compare "default search path, HOME and MYSQL_HOME" "$TMP" ""
HOME=$TMP/home MYSQL_HOME=$TMP/mysqlhome compare "default search path with --defaults-extra-file" \
	"$TMP" "" --defaults-extra-file="$TMP/extra.cnf"
HOME=$TMP/home compare "default search path with a missing --defaults-extra-file" "$TMP" "" \
	--defaults-extra-file="$TMP/nosuch.cnf"
HOME=$TMP/home MARIADB_HOME=$TMP/mysqlhome compare "default search path, MARIADB_HOME" "$TMP" ""
HOME=$TMP/empty compare "default search path, no ~/.my.cnf" "$TMP" ""

# ---- the held-out corpus ----------------------------------------------------
if [ -d "$CORPUS" ]; then
	while IFS= read -r -d '' f; do
		rel=${f#"$CORPUS"/}
		# MTR trees resolve "!include include/..." against mysql-test/.
		case "$rel" in
		*-tree/mysql-test/*) dir=$CORPUS/${rel%%/mysql-test/*}/mysql-test ;;
		*) dir=$(dirname "$f") ;;
		esac
		compare "corpus/$rel" "$dir" "$f"
	done < <(find "$CORPUS" -type f -print0 | sort -z)
else
	echo "# SKIP corpus: $CORPUS not found"
fi

echo "# $n compared, $failed mismatched"
tap_done
