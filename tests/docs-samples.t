#!/bin/bash
# docs-samples.t - the sample runs the documentation shows are what crashsafe
# prints. A code block of README.md or docs/*.md whose first line is
# "$ crashsafe ARGS" (ARGS without shell quoting, run from the tree's root) is
# run; each of its lines indented by at most two spaces (a target's header, a
# finding's lead line, the diff lines, the summary) must be a line of the output,
# in the same order; a line ending in "..." must begin a line of the output
# with what stands before it. Deeper lines (found:, expected:, fix:) may be
# wrapped in the docs and are not compared; a line of "..." stands for lines
# left out. TAP.
set -u

REPO=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=tests/lib/tap.sh
. "$REPO/tests/lib/tap.sh"
export CRASHSAFE_RULES_DIR="$REPO/rules"
export NO_COLOR=1
tap_scratch docs-samples

# sample_check DOC BLOCK_NO CMD SAMPLE_FILE: one test per sample
sample_check() {
	local doc=$1 cmd=$2 sample=$3 out="$T/out.txt"
	# shellcheck disable=SC2086 # ARGS are words, as the docs show them
	(cd "$REPO" && "$CRASHSAFE" ${cmd#crashsafe } >"$out" 2>/dev/null)
	local missing
	missing=$(awk -v OUT="$out" '
		BEGIN { while ((getline l < OUT) > 0) got[++n] = l; at = 1 }
		/^\.\.\.$/ || /^ *\.\.\.$/ { next }
		/^   / { next }
		{
			want = $0; prefix = 0
			if (want ~ /\.\.\.$/) { prefix = 1; want = substr(want, 1, length(want) - 3) }
			found = 0
			for (i = at; i <= n; i++) {
				if ((prefix && substr(got[i], 1, length(want)) == want) || (!prefix && got[i] == want)) {
					found = 1; at = i + 1; break
				}
			}
			if (!found) { print want; exit }
		}' "$sample")
	if [ -z "$missing" ]; then
		pass "$doc: \$ $cmd: the sample is what it prints"
	else
		fail "$doc: \$ $cmd: the sample is what it prints"
		tap_diag "not printed (or out of order)" "$missing"
		tap_diag "printed" "$(cat "$out")"
	fi
}

count=0
for doc in "$REPO/README.md" "$REPO"/docs/*.md; do
	rel=${doc#"$REPO"/}
	# split each fenced block that starts with "$ crashsafe" into its own file
	rm -f "$T"/block.*
	awk -v DIR="$T" '
		/^```/ { if (inblock) { inblock = 0; close(f) } else { inblock = 1; first = 1 } ; next }
		inblock && first { first = 0; if ($0 ~ /^\$ crashsafe /) { k++; f = DIR "/block." k; print > f } else inblock = 2; next }
		inblock == 1 { print > f }' "$doc"
	for b in "$T"/block.*; do
		[ -e "$b" ] || continue
		cmd=$(head -1 "$b" | sed 's/^\$ //')
		tail -n +2 "$b" >"$b.sample"
		sample_check "$rel" "$cmd" "$b.sample"
		count=$((count + 1))
	done
done
ok $((count >= 2 ? 0 : 1)) "the docs show sample runs to compare ($count found)"

tap_done
