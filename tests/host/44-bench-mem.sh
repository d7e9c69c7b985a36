#!/usr/bin/env bash
# 44-bench-mem.sh - the Linux build: `make bench-mem` runs small to its end: one pair of
# mem-triad against likwid-bench ("ratio X", a fractional SIZE_GB too), then the suite's
# all-core nt triad against mem-triad, both sides given the same bytes, per-pair figures and
# "suite ratio X", the load average at start and end; mem-triad prints its median and best
# sample.  Timings are not checked (the other bench scripts: 46-bench-scripts.sh).
. "$(dirname "$0")/../boot/lib.sh"
MT=$BUILD/host/mem-triad
D=$T/bench-mem
rm -rf "$D"; mkdir -p "$D"

"$MT" 24000000 1 1 10 3 >"$D/mt.out" 2>&1
check "mem-triad runs and exits 0" test $? = 0
check "mem-triad prints isa threads nt bytes median best, best >= median" \
    awk 'NF == 6 && $2 == 1 && $3 == 1 && $4 > 0 && $6 + 0 >= $5 + 0 && $5 > 0 { ok = 1 } END { exit !ok }' "$D/mt.out"
"$MT" 24000000 999999 >/dev/null 2>&1
check "mem-triad refuses a thread count beyond the processors" test $? = 2

PAIRS=1 SIZE_GB=0.03 ITERS=2 SUITE_PAIRS=2 SUITE_GB=0.06 SUITE_REPS=2 \
    "$top/tools/bench/bench-mem.sh" "$MT" >"$D/out" 2>&1
check "bench-mem.sh (1 pair at 30 MB, suite part at 60 MB) exits 0" test $? = 0
check "one likwid pair, then a positive ratio X (likwid given 30MB)" \
    awk '/^pair 1: ours .* likwid .* ratio / { p++ } /likwid-bench .* -w N:30MB:/ { w = 1 }
         /^ratio / { r = (NF == 2 && $2 + 0 > 0) } END { exit !(p == 1 && w && r) }' "$D/out"
check "two pairs, each with suite, mem-triad, ratio and best figures" \
    test "$(grep -cE '^pair [12]: suite +[0-9.]+ GB/s +mem-triad +[0-9.]+ GB/s +ratio [0-9.]+ +\(best' "$D/out")" = 2
check "mem-triad is given the suite's working set (3 x mem_dram rounded to 2 MiB)" \
    grep -q 'mem-triad = the same kernel at 60817408 B' "$D/out"
check "ends with a numeric suite ratio" grep -qE '^suite ratio [0-9]+\.[0-9]+$' "$D/out"
check "the load average at start and at end" \
    bash -c "grep -q '^load average at start: ' '$D/out' && grep -q '^load average at end: ' '$D/out'"
