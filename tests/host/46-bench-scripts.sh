#!/usr/bin/env bash
# 46-bench-scripts.sh - `make bench-alu` and `make bench-disk` still run to their "ratio X" line
# (one pair, the smallest settings), each printing the load average at start and end; bench-alu's
# ratio lies in a sane band (ours and likwid both in GFLOP/s); tools/bench/bench-lib.sh warns exactly
# when the box is busy.  bench-mem: 44-bench-mem.sh; bench-disk-uefi: 47-bench-disk-uefi.sh.
# run.sh: lock=alone (bench-alu times this machine)
. "$(dirname "$0")/../boot/lib.sh"

# ratio_in FILE LO HI: the output has a line "ratio X" with LO <= X <= HI
ratio_in() {
    awk -v lo="$2" -v hi="$3" '/^ratio / { r = (NF == 2 && $2 ~ /^[0-9.]+$/ && $2 + 0 >= lo && $2 + 0 <= hi) }
        END { exit !r }' "$1"
}
loads() { grep -q '^load average at start: ' "$1" && grep -q '^load average at end: ' "$1"; }

PAIRS=1 MIN_MS=20 REPS=3 LIKWID_ITERS=100000 "$top/tools/bench/bench-alu.sh" "$BUILD/host/alu-peak" >"$T/alu.out" 2>&1
check "bench-alu.sh (1 pair) exits 0" test $? = 0
check "bench-alu.sh: one pair of ours and likwid on 1 and all cores" \
    grep -qE '^1 +[a-z0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ ' "$T/alu.out"
check "bench-alu.sh: ratio X within 0.3 .. 3 (alu-peak and likwid both count flops)" \
    ratio_in "$T/alu.out" 0.3 3
check "bench-alu.sh: load average at start and end" loads "$T/alu.out"
grep -E '^(1 |ratio|load)' "$T/alu.out" | sed 's/^/# /'

BUILD=$BUILD FILE=$T/disk.img SIZE_MB=16 ROUNDS=1 MS=20 BLOCKS=4K "$top/tools/bench/bench-disk.sh" >"$T/disk.out" 2>&1
check "bench-disk.sh (1 round, 4K, 16 MiB) exits 0" test $? = 0
check "bench-disk.sh: a row per test at 4K" \
    test "$(grep -cE '^(read|write|randread|randwrite) +4K +[0-9.]+ +[0-9.]+ +[0-9.]+$' "$T/disk.out")" = 4
check "bench-disk.sh: a positive ratio X" ratio_in "$T/disk.out" 0.000001 1e9
check "bench-disk.sh: load average at start and end" loads "$T/disk.out"
rm -f "$T/disk.img"

# bench-lib.sh on made-up /proc/loadavg contents: 4 runnable (3 besides the reader) is busy, so
# is a 1-minute load above half the CPUs; a load of 0.05 and only the reader running is quiet
. "$top/tools/bench/bench-lib.sh"
echo "0.05 1.20 1.00 4/300 999" >"$T/busy"
awk -v n="$(nproc)" 'BEGIN { printf "%.2f 0.01 0.01 1/300 999\n", n / 2 + 0.01 }' >"$T/loaded"
echo "0.05 0.04 0.01 1/300 999" >"$T/quiet"
BENCH_LOADAVG=$T/busy bench_load start >"$T/busy.out"
BENCH_LOADAVG=$T/loaded bench_load end >"$T/loaded.out"
BENCH_LOADAVG=$T/quiet bench_load end >"$T/quiet.out"
check "bench_load prints the three load averages and the other runnable processes" \
    grep -qx "load average at start: 0.05 1.20 1.00 ($(nproc) CPUs, 3.0 other runnable)" "$T/busy.out"
check "bench_load warns when other processes are runnable" grep -q '^warning: the box was busy at start' "$T/busy.out"
check "bench_load warns when the 1-minute load exceeds half the CPUs" \
    grep -q '^warning: the box was busy at end' "$T/loaded.out"
check "bench_load stays quiet on a quiet box" \
    bash -c "grep -qx 'load average at end: 0.05 0.04 0.01 ($(nproc) CPUs, 0.0 other runnable)' '$T/quiet.out' &&
             ! grep -q warning '$T/quiet.out'"
