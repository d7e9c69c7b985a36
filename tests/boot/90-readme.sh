#!/usr/bin/env bash
# 90-readme.sh - the README walkthrough: runs, as written, every command of the code blocks in
# README.md and docs/*.md marked `<!-- walkthrough -->` (from the top of the tree) or
# `<!-- walkthrough: fixtures -->` (from a scratch directory holding tests/fixtures/*.json, also as
# results/*.json, and build/), so the pages and this test cannot drift.  One "ok" per command that
# exits 0, named by its page.
# run.sh: lock=scratch (make run's build/scratch.img)
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d)
had_results=no; [ -e "$top/results" ] && had_results=yes
cleanup() { rm -rf "$work"; [ "$had_results" = no ] && rm -rf "$top/results"; }
trap cleanup EXIT

# the marked blocks: "PAGE<TAB>MODE<TAB>command" lines (a trailing backslash joins the next line)
(cd "$top" && awk '
    FNR == 1 { want = 0; inblock = 0; line = "" }
    /^<!-- walkthrough(: [a-z]+)? -->$/ { mode = ($3 == "-->") ? "top" : $3; want = 1; next }
    want && /^```/ { if (inblock) { inblock = 0; want = 0 } else inblock = 1; next }
    inblock && NF { line = line $0; if (line ~ /\\$/) { sub(/\\$/, "", line); next }
                    print (FILENAME == "README.md" ? "README" : FILENAME) "\t" mode "\t" line; line = "" }
' README.md docs/*.md) >"$work/commands"
n=$(grep -c '^README	' "$work/commands")
check "README: walkthrough blocks hold commands ($n)" test "$n" -ge 5
n=$(grep -vc '^README	' "$work/commands")
check "docs/*.md: walkthrough blocks hold commands ($n)" test "$n" -ge 1

mkdir -p "$work/fixtures/results"
cp "$top"/tests/fixtures/*.json "$work/fixtures/"
cp "$top"/tests/fixtures/*.json "$work/fixtures/results/"
ln -s "$BUILD" "$work/fixtures/build"

i=0
while IFS=$'\t' read -r page mode cmd; do
    i=$((i + 1))
    case $mode in
    top) dir=$top ;;
    fixtures) dir=$work/fixtures ;;
    *) echo "not ok - $page: unknown walkthrough mode '$mode'"; continue ;;
    esac
    if (cd "$dir" && timeout 600 bash -c "$cmd") >"$work/out.$i" 2>&1 </dev/null; then
        echo "ok - $page: $cmd"
    else
        echo "not ok - $page: $cmd"
        tail -n 5 "$work/out.$i" | sed 's/^/#   /'
    fi
done <"$work/commands"

# what the quick tries promise beyond their exit status
check "README: MEDIA=img left its results file in results/" bash -c "ls '$top'/results/try-uefi-*.json"

# what the terminal shows: the help without a failure; a run's progress, summary table and where
# the document went, but not the JSON; table numbers in full (no exponents)
out_of() { grep -n "" "$work/commands" | grep -F "$1" | head -1 | cut -d: -f1; }
h=$(out_of 'ARGS="help"'); r=$(out_of 'MEDIA=iso')
check "README: make run ARGS=help printed the options and no 'no results document' error" \
    bash -c "grep -q '^barebench options' '$work/out.$h' && ! grep -q 'no results document' '$work/out.$h'"
check "README: make run shows the summary table and where the document went" \
    bash -c "grep -q '^suite  *test  *min  *median' '$work/out.$r' && grep -q '^results: build/results/latest.json' '$work/out.$r'"
check "README: make run keeps the JSON off the terminal (V=1 shows it)" \
    bash -c "! grep -q 'BEGIN BAREBENCH RESULTS' '$work/out.$r' && grep -q 'BEGIN BAREBENCH RESULTS' '$top/build/results/serial.log'"
check "README: summary table numbers without exponents" \
    bash -c "! sed -n '/^suite  *test  *min/,/^\$/p' '$work/out.$r' | grep -Eq '[0-9]e[+-][0-9]'"
# the Linux build: the document on the terminal only with --json -
bb=$BUILD/host/barebench
"$bb" --suite timer,alu --reps 2 --profile quick --json "$work/l.json" >"$work/l.out" 2>&1
check "Linux build: --json FILE keeps the document off the terminal" \
    bash -c "! grep -q 'BEGIN BAREBENCH' '$work/l.out' && test -s '$work/l.json'"
check "Linux build: summary params in the schema's order (kind isa threads; interval_ms reference)" \
    bash -c "grep -Eq '^alu +int_add .* kind=throughput isa=[a-z0-9-]+ threads=2$' '$work/l.out' && grep -Eq '^timer +tsc_vs_ref .* interval_ms=10 reference=' '$work/l.out'"
check "Linux build: --json - prints it" \
    bash -c "'$bb' --suite timer --reps 2 --profile quick --json - | grep -q '^-----BEGIN BAREBENCH RESULTS-----$'"
