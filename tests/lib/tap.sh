# tests/lib/tap.sh - the TAP helpers of the shell tests (tests/*.t). Source it
# from bash once REPO is set:
#     . "$REPO/tests/lib/tap.sh"
# It only sets CRASHSAFE (when unset), the counters and the functions below;
# the test prints the plan at its end with `tap_done`, whose status is the
# file's exit status. Every check (ok, is, has ...) prints one test line and
# returns 0 when it is "ok", else 1.
# Not a test itself: prove runs tests/*.t only (Makefile TESTS).
#
# What the helpers read from the test: T (its scratch directory, see
# tap_scratch: run writes $T/out and $T/err), CRASHSAFE (the binary run runs;
# by default the build's), and, optionally, RUN_DIR, RUN_TIMEOUT and TAP_SHOW
# (below).

CRASHSAFE=${CRASHSAFE:-${BUILD:-$REPO/build}/crashsafe}   # the binary under test (make test sets it)
n=0        # test lines printed so far
failed=0   # how many of them were "not ok"
TAP_SHOW=${TAP_SHOW:-800}   # characters of a text shown in a failure's diagnostics

# tap_scratch NAME: T=/tmp/crashsafe-NAME.XXXXXX, a new directory removed at exit (a test
# that needs more cleaning sets its own EXIT trap afterwards, removing $T too).
tap_scratch() {
	T=$(mktemp -d "/tmp/crashsafe-$1.XXXXXX") || bail "cannot make a scratch directory"
	trap 'rm -rf "$T"' EXIT
}

# tap_diag LABEL TEXT: "# LABEL:", then TEXT's first $TAP_SHOW characters, each line behind "#   ".
tap_diag() {
	printf '# %s:\n' "$1"
	printf '%s\n' "${2:0:$TAP_SHOW}" | sed 's/^/#   /'
}

# ok STATUS NAME: "ok N - NAME" when STATUS is 0, else "not ok N - NAME" (counted in failed).
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
		return 0
	fi
	echo "not ok $n - $2"
	failed=$((failed + 1))
	return 1
}

# pass NAME: ok 0 NAME.
pass() { ok 0 "$1"; }

# fail NAME: ok 1 NAME.
fail() { ok 1 "$1"; }

# skip REASON: "ok N # SKIP REASON" (a test that could not run here; say why).
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}

# is GOT WANT NAME: ok when GOT and WANT are the same string; else both are shown.
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "#   got:  '$1'"
		echo "#   want: '$2'"
		return 1
	fi
}

# has NEEDLE HAYSTACK NAME: ok when the fixed string NEEDLE occurs in HAYSTACK.
has() {
	case "$2" in
	*"$1"*) ok 0 "$3" ;;
	*) ok 1 "$3"; echo "# missing: $1"; tap_diag in "$2"; return 1 ;;
	esac
}

# hasnt NEEDLE HAYSTACK NAME: ok when the fixed string NEEDLE does not occur in HAYSTACK.
hasnt() {
	case "$2" in
	*"$1"*) ok 1 "$3"; echo "# unexpected: $1"; tap_diag in "$2"; return 1 ;;
	*) ok 0 "$3" ;;
	esac
}

# like TEXT PATTERN NAME: ok when a line of TEXT matches the extended regular expression PATTERN.
like() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		echo "# no line matches: $2"
		tap_diag in "$1"
		return 1
	fi
}

# unlike TEXT PATTERN NAME: ok when no line of TEXT matches the extended regular expression PATTERN.
unlike() {
	if printf '%s' "$1" | grep -Eq -- "$2"; then
		ok 1 "$3"
		echo "# a line matches: $2"
		tap_diag in "$1"
		return 1
	else
		ok 0 "$3"
	fi
}

# run ARGS...: run "$CRASHSAFE" ARGS, stdout to $T/out, stderr to $T/err; sets rc (its exit
# status), out, err (their texts) and secs (the seconds it took). With RUN_DIR set: run from
# that directory; with RUN_TIMEOUT set: under `timeout $RUN_TIMEOUT`; with either, standard
# input is /dev/null, else the test's own.
run() {
	if [ -n "${RUN_DIR:-}${RUN_TIMEOUT:-}" ]; then
		run_in /dev/null "$@"
		return
	fi
	local t0=$SECONDS
	"$CRASHSAFE" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	# shellcheck disable=SC2034 # for the test
	secs=$((SECONDS - t0))
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# run_in INPUT ARGS...: as run, with standard input from the file INPUT.
run_in() {
	local input=$1 t0=$SECONDS
	shift
	local argv=("$CRASHSAFE" "$@")
	[ -z "${RUN_TIMEOUT:-}" ] || argv=(timeout "$RUN_TIMEOUT" "${argv[@]}")
	if [ -n "${RUN_DIR:-}" ]; then
		(cd "$RUN_DIR" && "${argv[@]}") >"$T/out" 2>"$T/err" <"$input"
	else
		"${argv[@]}" >"$T/out" 2>"$T/err" <"$input"
	fi
	rc=$?
	# shellcheck disable=SC2034 # for the test (inputs.t reads it)
	secs=$((SECONDS - t0))
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# is_rc WANT NAME: ok when the last run's rc is WANT ("NAME (exit RC, want WANT)"); else its
# stdout and stderr are shown.
is_rc() {
	if [ "$rc" -eq "$1" ]; then
		ok 0 "$2 (exit $rc, want $1)"
	else
		ok 1 "$2 (exit $rc, want $1)"
		tap_diag stdout "$out"
		tap_diag stderr "$err"
		return 1
	fi
}

# bail REASON: "Bail out! REASON" (prove stops the whole run) and exit 1.
bail() {
	echo "Bail out! $1"
	exit 1
}

# tap_done: print the plan ("1..N"; and "# F of N failed" when some failed); returns 0 when
# every test line was ok. The last command of a test, so that it is the file's exit status.
tap_done() {
	echo "1..$n"
	[ "$failed" -eq 0 ] && return 0
	echo "# $failed of $n failed"
	return 1
}
