#!/usr/bin/env bash
# 40-mem.sh - boots the real image with suite=mem (-smp 2 -m 512M, profile=quick) and checks
# the document: STREAM kernels per ISA level and store kind, sweep points in every cache level
# and DRAM, DRAM triad on 1 and 2 processors, latency per size and with 4K vs 2M pages; then
# a -m 128M boot where the suite shrinks, says why, and the run still completes.  Sizes follow
# STREAM's rule (3 arrays, each 4x the LLC) and level labels leave out the boundaries.
. "$(dirname "$0")/lib.sh"

boot mem 2 512M "suite=mem profile=quick reps=3"
rc=$?
J=$T/mem/latest.json
M='[.results[] | select(.suite=="mem")]'
check "mem boot powers off by itself (QEMU exit 0)" test "$rc" = 0
jqcheck "no errors (every kernel's arrays checked out)" "$J" '.errors == []'
jqcheck "all mem entries positive, with 3 samples" "$J" "$M | length > 40 and all(.[]; .median > 0 and .min > 0 and .reps == 3)"
jqcheck "STREAM kernels: 11 per usable ISA level (6 ops x 2 store kinds, sum has no nt)" "$J" \
    '([.results[] | select(.suite=="mem" and (.test | IN("copy","scale","add","triad","sum","fill")))] | group_by(.params.isa) | map(length)) as $n
     | ($n | length) >= 1 and all($n[]; . == 11)'
jqcheck "STREAM kernels at the best ISA level include nt and regular stores" "$J" \
    '.env.cpu.best_isa as $b | [.results[] | select(.test=="triad" and .params.isa==$b) | .params.nt] | sort == [false,true]'
jqcheck "bandwidth entries in GB/s, higher is better" "$J" \
    '[.results[] | select(.suite=="mem" and (.test|startswith("latency")|not))] | all(.[]; .unit=="GB/s" and .better=="higher")'
for lv in L1 DRAM; do
    jqcheck "sweep has points in $lv" "$J" "[.results[] | select(.test==\"sweep\" and .params.level==\"$lv\")] | length >= 2"
done
jqcheck "sweep has a point in L2 (at most 3/4 of it)" "$J" '[.results[] | select(.test=="sweep" and .params.level=="L2")] | length >= 1'
jqcheck "level labels are L1/L2/L3/DRAM or boundary" "$J" \
    '[.results[] | select(.suite=="mem") | .params.level // "DRAM"] | all(.[]; IN("L1","L2","L3","DRAM","boundary"))'
jqcheck "sweep has points in L3 when the CPU reports one" "$J" \
    '([.env.cpu.caches[]? | select(.level==3)] | length) as $l3 | $l3 == 0 or ([.results[] | select(.test=="sweep" and .params.level=="L3")] | length >= 1)'
jqcheck "sweep starts at 4 KiB and reaches the DRAM working set" "$J" \
    '[.results[] | select(.test=="sweep") | .params.bytes] as $b | ($b | min) <= 4096 and ($b | max) >= 64*1048576 - 4096'
jqcheck "DRAM triad on 1 and on 2 processors (regular and nt stores)" "$J" \
    '[.results[] | select(.test=="cores" and .params.level=="DRAM") | "\(.params.threads)/\(.params.nt)"] | sort == ["1/false","1/true","2/false","2/true"]'
jqcheck "2-processor entries carry per-CPU figures" "$J" \
    '[.results[] | select(.test=="cores" and .params.threads==2)] | all(.[]; (.per_cpu | length) == 2)'
jqcheck "latency per sweep size in ns, lower is better" "$J" \
    '[.results[] | select(.test=="latency")] | length >= 6 and all(.[]; .unit=="ns" and .better=="lower" and .median > 0)'
jqcheck "latency at DRAM size with 4K and with 2M pages" "$J" \
    '[.results[] | select(.test=="latency_pages" and .params.level=="DRAM") | .params.page] | sort == ["2M","4K"]'
jqcheck "nothing skipped but the ISA levels the CPU lacks and the plateau notes" "$J" \
    '[.skipped[] | select(.suite=="mem") | .test] | all(.[]; IN("sse2","avx2","avx512","plateau","latency_plateau","numa"))'
jqcheck "DRAM triad entries carry the plateau check (sizes tried, figures), a note when not on it" "$J" \
    '[.results[] | select((.test=="triad" or .test=="cores") and .params.level=="DRAM")] as $t | ($t | length) >= 4 and all($t[]; (.extra.plateau | length) >= 1 and all(.extra.plateau[]; .bytes > 0 and .gbps > 0) and (.extra.on_plateau == 1 or .extra.on_plateau == 0)) and (($t[0].extra.on_plateau == 1) or ([.skipped[] | select(.test=="plateau")] | length == 1))'

boot mem128 1 128M "suite=mem profile=quick reps=3"
rc=$?
J=$T/mem128/latest.json
check "-m 128M: the run completes (QEMU exit 0)" test "$rc" = 0
jqcheck "-m 128M: the suite says it shrank, and why" "$J" \
    '[.skipped[] | select(.suite=="mem" and (.why | test("instead of 3 arrays x 4x LLC|no DRAM tests")))] | length == 1'
jqcheck "-m 128M: no errors, mem entries still measured" "$J" \
    '.errors == [] and ([.results[] | select(.suite=="mem" and .median > 0)] | length) > 20'
