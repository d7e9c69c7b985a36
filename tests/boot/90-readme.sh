#!/usr/bin/env bash
# 90-readme.sh - the README walkthrough: runs, as written, every command of the README's code
# blocks marked `<!-- walkthrough -->` (from the top of the tree) or `<!-- walkthrough: fixtures -->`
# (from a scratch directory holding tests/fixtures/*.json, also as results/*.json, and build/),
# so the README and this test cannot drift.  One "ok" per command that exits 0.
. "$(dirname "$0")/lib.sh"
readme=$top/README.md
work=$(mktemp -d)
had_results=no; [ -e "$top/results" ] && had_results=yes
cleanup() { rm -rf "$work"; [ "$had_results" = no ] && rm -rf "$top/results"; }
trap cleanup EXIT

# the marked blocks: "MODE<TAB>command" lines (a trailing backslash joins the next line)
awk '
    /^<!-- walkthrough(: [a-z]+)? -->$/ { mode = ($3 == "-->") ? "top" : $3; want = 1; next }
    want && /^```/ { if (inblock) { inblock = 0; want = 0 } else inblock = 1; next }
    inblock && NF { line = line $0; if (line ~ /\\$/) { sub(/\\$/, "", line); next }
                    print mode "\t" line; line = "" }
' "$readme" >"$work/commands"
n=$(wc -l <"$work/commands")
check "README: walkthrough blocks hold commands ($n)" test "$n" -ge 5

mkdir -p "$work/fixtures/results"
cp "$top"/tests/fixtures/*.json "$work/fixtures/"
cp "$top"/tests/fixtures/*.json "$work/fixtures/results/"
ln -s "$BUILD" "$work/fixtures/build"

while IFS=$'\t' read -r mode cmd; do
    case $mode in
    top) dir=$top ;;
    fixtures) dir=$work/fixtures ;;
    *) echo "not ok - README: unknown walkthrough mode '$mode'"; continue ;;
    esac
    if (cd "$dir" && timeout 600 bash -c "$cmd") >"$work/out" 2>&1 </dev/null; then
        echo "ok - README: $cmd"
    else
        echo "not ok - README: $cmd"
        tail -n 5 "$work/out" | sed 's/^/#   /'
    fi
done <"$work/commands"

# what the quick tries promise beyond their exit status
check "README: MEDIA=img left its results file in results/" bash -c "ls '$top'/results/try-uefi-*.json"
