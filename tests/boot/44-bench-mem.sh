#!/usr/bin/env bash
# 44-bench-mem.sh - the Linux build: `make bench-mem`'s second part (the suite's all-core nt
# triad against mem-triad) runs small, gives both sides the same bytes, prints per-pair figures
# and "suite ratio X"; mem-triad prints its median and best sample. Timings are not checked.
. "$(dirname "$0")/lib.sh"
MT=$BUILD/host/mem-triad
D=$T/bench-mem
rm -rf "$D"; mkdir -p "$D"

"$MT" 24000000 1 1 10 3 >"$D/mt.out" 2>&1
check "mem-triad runs and exits 0" test $? = 0
check "mem-triad prints isa threads nt bytes median best, best >= median" \
    awk 'NF == 6 && $2 == 1 && $3 == 1 && $4 > 0 && $6 + 0 >= $5 + 0 && $5 > 0 { ok = 1 } END { exit !ok }' "$D/mt.out"
"$MT" 24000000 999999 >/dev/null 2>&1
check "mem-triad refuses a thread count beyond the processors" test $? = 2

PAIRS=0 SIZE_GB=0.03 SUITE_PAIRS=2 SUITE_GB=0.06 SUITE_REPS=2 \
    "$top/tools/bench-mem.sh" "$MT" >"$D/out" 2>&1
check "bench-mem.sh (suite part only, 60 MB) exits 0" test $? = 0
check "two pairs, each with suite, mem-triad, ratio and best figures" \
    test "$(grep -cE '^pair [12]: suite +[0-9.]+ GB/s +mem-triad +[0-9.]+ GB/s +ratio [0-9.]+ +\(best' "$D/out")" = 2
check "mem-triad is given the suite's working set (3 x mem_dram rounded to 2 MiB)" \
    grep -q 'mem-triad = the same kernel at 60817408 B' "$D/out"
check "ends with a numeric suite ratio" grep -qE '^suite ratio [0-9]+\.[0-9]+$' "$D/out"
check "PAIRS=0 skips the likwid part" bash -c "! grep -q '^ratio ' '$D/out'"
