#!/usr/bin/env bash
# run.sh - runs unit test binaries (cmocka) and boot test scripts, counts what passed and
# failed, and ends with the line "N passed, N failed" (exit 1 if anything failed).
#   tests/run.sh unit BIN...      tests/run.sh boot SCRIPT...     tests/run.sh all BIN... -- SCRIPT...
# A test script (tests/boot/: boots the image; tests/host/: does not) prints "ok - what" or
# "not ok - what" per check (tests/boot/lib.sh helps).
# Scripts run BOOT_JOBS at a time (default: 2 when the machine has 2 or more processors),
# each in its own directory ($T = build/tests/boot/NAME or build/tests/host/NAME).  A script that must not share the
# machine says so in a header line "# run.sh: lock=NAME": scripts naming the same lock never
# run together; lock=alone runs with nothing else beside it (timing-sensitive, or the shared
# build/scratch.img of `make run`); lock=last runs alone after all the others.
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

# ---- boot and host test scripts, BOOT_JOBS at a time ----
jobs_max=${BOOT_JOBS:-$( [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ] && echo 2 || echo 1)}
case $jobs_max in ''|*[!0-9]*|0) echo "run.sh: BOOT_JOBS must be a positive number, not '$jobs_max'" >&2; exit 2 ;; esac
lock_of() { sed -n 's/^# run\.sh: lock=\([a-z0-9_-]*\).*/\1/p' "$1" | head -1; }
declare -A run_lock=() run_start=()   # pid -> lock, start time
declare -a pending=("${boots[@]}")
declare -A pid_script=()

# kind_of SCRIPT: its folder (boot or host), which names its log, its $T and its report line
kind_of() { basename "$(dirname "$1")"; }

# report SCRIPT RC: counts and prints one finished script's checks
report() {
    local s=$1 rc=$2 name out p f kind
    name=$(basename "$s" .sh); kind=$(kind_of "$s")
    out=$(cat "$logdir/$kind-$name.log")
    p=$(printf '%s\n' "$out" | grep -c '^ok - ')
    f=$(printf '%s\n' "$out" | grep -c '^not ok - ')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "--- $name exited $rc:"; printf '%s\n' "$out" | tail -20; fi
    [ "$f" -gt 0 ] && printf '%s\n' "$out" | grep -B2 -A8 '^not ok - '
    echo "$kind  $name: $p passed, $f failed ($3 s)"
    passed=$((passed + p)); failed=$((failed + f))
}

# start SCRIPT LOCK: runs one script in the background in its own $T, output to its log
start() {
    local name T kind
    name=$(basename "$1" .sh); kind=$(kind_of "$1")
    T=$(cd "${BUILD:-build}" && pwd)/tests/$kind/$name
    rm -rf "$T"; mkdir -p "$T"
    T="$T" bash "$1" >"$logdir/$kind-$name.log" 2>&1 &
    run_lock[$!]=$2; run_start[$!]=$(date +%s); pid_script[$!]=$1
}

# may_start LOCK: whether a script with this lock may start beside the running ones
may_start() {
    local l=$1 n=${#run_lock[@]} held
    [ "$n" -ge "$jobs_max" ] && return 1
    for held in "${run_lock[@]}"; do
        [ "$held" = alone ] || [ "$held" = last ] && return 1
        [ -n "$l" ] && [ "$held" = "$l" ] && return 1
    done
    case $l in
    alone) [ "$n" -eq 0 ] ;;
    last) [ "$n" -eq 0 ] && [ "${#pending[@]}" -eq 1 ] ;;
    *) return 0 ;;
    esac
}

while [ "${#pending[@]}" -gt 0 ] || [ "${#run_lock[@]}" -gt 0 ]; do
    # start what may start, in order; a script that must wait does not hold back later ones
    # unless it waits to run alone (then nothing new starts until it has run)
    rest=()
    blocked=0
    for s in "${pending[@]}"; do
        l=$(lock_of "$s")
        if [ "$blocked" = 0 ] && may_start "$l"; then
            start "$s" "$l"
        else
            rest+=("$s")
            [ "$l" = alone ] && blocked=1   # lock=last waits without holding others back
        fi
    done
    # nothing running and nothing could start (two lock=last scripts): the first one runs
    if [ "${#run_lock[@]}" -eq 0 ] && [ "${#rest[@]}" -gt 0 ]; then
        start "${rest[0]}" alone
        rest=("${rest[@]:1}")
    fi
    pending=("${rest[@]}")
    [ "${#run_lock[@]}" -eq 0 ] && continue
    # wait for one to finish, then report it
    wait -n -p done_pid "${!run_lock[@]}"; rc=$?
    report "${pid_script[$done_pid]}" "$rc" $(( $(date +%s) - run_start[$done_pid] ))
    unset "run_lock[$done_pid]" "run_start[$done_pid]" "pid_script[$done_pid]"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
