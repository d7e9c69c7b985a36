#!/usr/bin/env bash
# bench-alu.sh - our FP64 FMA peak (build/host/alu-peak: the alu suite's best SIMD kernel and
# runner) against likwid-bench peakflops_avx512_fma / peakflops_avx_fma, 1 core and all cores,
# alternated PAIRS times in one run (the box is shared and noisy); prints every pair and ends
# with "ratio X" = median over the pairs of ours/likwid on 1 core.   env: PAIRS=5 MIN_MS=100
# REPS=3 (alu-peak's interval and samples), LIKWID_ITERS (likwid-bench -i N; default: its own
# calibration to >= 1 s).  Both report GFLOP/s: flops, 2 per FMA lane.
set -uo pipefail
. "$(dirname "$0")/bench-lib.sh"
peak=${1:-build/host/alu-peak}
PAIRS=${PAIRS:-5} MIN_MS=${MIN_MS:-100} REPS=${REPS:-3} LIKWID_ITERS=${LIKWID_ITERS:-}
[ -x "$peak" ] || { echo "error: $peak not built (make bench-alu builds it)" >&2; exit 1; }
if ! command -v likwid-bench >/dev/null; then
    echo "likwid-bench missing: installing Debian's likwid" >&2
    apt-get install -y likwid >/dev/null 2>&1 || { echo "error: cannot install likwid" >&2; exit 1; }
fi
ncpu=$(nproc)
if grep -qw avx512f /proc/cpuinfo; then
    test=peakflops_avx512_fma lanes=8
elif grep -qw fma /proc/cpuinfo; then
    test=peakflops_avx_fma lanes=4
else
    echo "error: CPU has no FMA; likwid's peakflops_*_fma cannot run" >&2; exit 1
fi
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $ncpu CPUs"
echo "theoretical peak: 2 FMA units x $lanes doubles x 2 flops = $((2 * lanes * 2)) flop/cycle per core (core clock)"
bench_load start
lk_iters=(); [ -n "$LIKWID_ITERS" ] && lk_iters=(-i "$LIKWID_ITERS")
echo "reference: likwid-bench -t $test -w N:<32kB per thread>:<threads>${lk_iters[*]:+ ${lk_iters[*]}}; ours: $peak $MIN_MS $REPS"

likwid() { # threads -> MFlops/s as GFLOP/s
    likwid-bench -t "$test" -w "N:$((32 * $1))kB:$1" "${lk_iters[@]}" 2>/dev/null |
        awk '/^MFlops\/s:/ {printf "%.3f", $2 / 1000}'
}

r1=() rn=() b_o=0 b_l=0
printf '%-4s %-8s %12s %12s %8s   %12s %12s %8s\n' pair isa "ours-1c" "likwid-1c" ratio "ours-${ncpu}c" "likwid-${ncpu}c" ratio
for i in $(seq 1 "$PAIRS"); do
    out=$("$peak" "$MIN_MS" "$REPS") || { echo "error: $peak failed" >&2; exit 1; }
    o1=$(awk '$2 == 1 {print $3}' <<<"$out"); on=$(awk -v n="$ncpu" '$2 == n {print $3}' <<<"$out")
    isa=$(awk 'NR == 1 {print $1}' <<<"$out"); cyc=$(awk '$2 == 1 {print $4 " flop/TSC-cycle, " $5 " flop/core-cycle"}' <<<"$out")
    l1=$(likwid 1); ln=$([ "$ncpu" -gt 1 ] && likwid "$ncpu" || echo "$l1")
    [ -n "$o1" ] && [ -n "$l1" ] || { echo "error: missing figure (ours '$o1', likwid '$l1')" >&2; exit 1; }
    [ -n "$on" ] || on=$o1
    q1=$(awk -v a="$o1" -v b="$l1" 'BEGIN {printf "%.3f", a / b}')
    qn=$(awk -v a="$on" -v b="$ln" 'BEGIN {printf "%.3f", (b > 0 ? a / b : 0)}')
    r1+=("$q1"); rn+=("$qn")
    b_o=$(awk -v a="$b_o" -v b="$o1" 'BEGIN {print (b > a ? b : a)}')
    b_l=$(awk -v a="$b_l" -v b="$l1" 'BEGIN {print (b > a ? b : a)}')
    printf '%-4s %-8s %12s %12s %8s   %12s %12s %8s   (ours: %s)\n' \
        "$i" "$isa" "$o1" "$l1" "$q1" "$on" "$ln" "$qn" "$cyc"
done
bench_load end
median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
m1=$(median "${r1[@]}"); mn=$(median "${rn[@]}")
echo "GFLOP/s units; the TSC ticks at a fixed rate while the core may run faster (turbo), so flop/TSC-cycle"
echo "can exceed the per-core-cycle peak; flop/core-cycle takes the core clock from a 1-cycle scalar add"
echo "chain, so it reads low where AVX-512 runs at a lower licence clock than scalar code"
echo "best of the pairs, 1 core: ours $b_o, likwid $b_l GFLOP/s, ratio $(awk -v a="$b_o" -v b="$b_l" 'BEGIN {printf "%.3f", a / b}')"
echo "all-core ratio (median): $mn"
echo "ratio $m1"
