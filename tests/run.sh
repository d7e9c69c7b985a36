#!/usr/bin/env bash
# run.sh - runs unit test binaries (cmocka) and boot test scripts, counts what passed and
# failed, and ends with the line "N passed, N failed" (exit 1 if anything failed).
#   tests/run.sh unit BIN...      tests/run.sh boot SCRIPT...     tests/run.sh all BIN... -- SCRIPT...
# A boot test script prints "ok - what" or "not ok - what" per check (tests/boot/lib.sh helps).
set -u
mode=$1; shift
units=() boots=()
case $mode in
unit) units=("$@") ;;
boot) boots=("$@") ;;
all) while [ $# -gt 0 ] && [ "$1" != -- ]; do units+=("$1"); shift; done
     [ $# -gt 0 ] && shift; boots=("$@") ;;
esac
passed=0 failed=0
logdir=${BUILD:-build}/tests/logs
mkdir -p "$logdir"
for b in "${units[@]}"; do
    name=$(basename "$b")
    out=$("$b" 2>&1); rc=$?
    # cmocka's group summaries: "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:"
    p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\..*/\1/p' | awk '{s+=$1} END {print s+0}')
    f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below.*/\1/p' | awk '{s+=$1} END {print s+0}')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed before reporting
    printf '%s\n' "$out" >"$logdir/$name.log"
    [ "$f" -gt 0 ] && { echo "--- $name:"; printf '%s\n' "$out" | grep -v '^\[ RUN\|^\[       OK'; }
    echo "unit  $name: $p passed, $f failed"
    passed=$((passed + p)); failed=$((failed + f))
done
for s in "${boots[@]}"; do
    name=$(basename "$s" .sh)
    start=$(date +%s)
    out=$(bash "$s" 2>&1); rc=$?
    printf '%s\n' "$out" >"$logdir/boot-$name.log"
    p=$(printf '%s\n' "$out" | grep -c '^ok - ')
    f=$(printf '%s\n' "$out" | grep -c '^not ok - ')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "--- $name exited $rc:"; printf '%s\n' "$out" | tail -20; fi
    [ "$f" -gt 0 ] && printf '%s\n' "$out" | grep -B2 -A8 '^not ok - '
    echo "boot  $name: $p passed, $f failed ($(( $(date +%s) - start )) s)"
    passed=$((passed + p)); failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
