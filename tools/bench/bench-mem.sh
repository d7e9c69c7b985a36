#!/usr/bin/env bash
# bench-mem.sh - our all-core DRAM triad (Linux build, build/host/mem-triad) against Debian's
# likwid-bench stream_mem_* at the same thread count and size, alternated PAIRS times in one
# run (order flipped every pair: the box is shared and noisy); prints both sides per pair and
# ends with "ratio X" = median over pairs of ours / likwid.
# Byte convention, both sides: triad a = b + s*c moves 24 bytes per element (2 loads + 1
# store of 8 bytes); non-temporal stores, so there is no write-allocate traffic to count.
# likwid's "-w N:1GB:T" is 1e9 bytes over all three arrays and T threads; so is ours.
#   tools/bench/bench-mem.sh build/host/mem-triad     (env: PAIRS=7 SIZE_GB=1 THREADS=all ITERS=16
#                                                 SUITE_PAIRS=8 SUITE_GB=4 SUITE_REPS=5
#                                                 QUIET_WAIT=0 QUIET_MAX=0.5)
# Then the suite's own all-core DRAM triad (nt stores, `barebench --suite mem`, the same
# build) against mem-triad at SUITE_GB, alternated SUITE_PAIRS times: "suite ratio X" (median
# of the pairs' ratios of medians).  QUIET_WAIT=S waits up to S seconds before each pair for
# at most QUIET_MAX other runnable processes (the box is shared).
# Each side runs about a second per pair: ours 3 samples of >= 200 ms (median), likwid ITERS
# sweeps per thread (one interval).
set -euo pipefail
. "$(dirname "$0")/bench-lib.sh"
ours=${1:?usage: bench-mem.sh MEM-TRIAD-BINARY}
PAIRS=${PAIRS:-7} SIZE_GB=${SIZE_GB:-1} ITERS=${ITERS:-16}
THREADS=${THREADS:-$(nproc)}
if ! command -v likwid-bench >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y likwid >/dev/null; else
        echo "bench-mem: likwid-bench missing (apt-get install likwid)" >&2; exit 1; fi
fi
bytes=$(awk -v g="$SIZE_GB" 'BEGIN { printf "%.0f", g * 1e9 }')
lkw=$(awk -v g="$SIZE_GB" 'BEGIN { printf "%.0fMB", g * 1e3 }') # likwid's sizes are decimal and whole

# warm-up of ours tells us the ISA level; take likwid's matching stream_mem kernel
isa=$("$ours" "$bytes" "$THREADS" 1 100 1 | awk '{print $1}')
# (aarch64: ours is asimd; likwid's Arm kernels are asked for by name, untested: no Arm host here)
case $isa in avx512) lk=stream_mem_avx512 ;; avx2) lk=stream_mem_avx ;; asimd|sve*) lk=stream_mem ;; *) lk=stream_mem_sse ;; esac
kernels=$(likwid-bench -a 2>/dev/null || true)
grep -q "^$lk " <<<"$kernels" || lk=stream_mem_sse
grep -q "^$lk " <<<"$kernels" || lk=$(grep -o '^stream_mem[a-z0-9_]* ' <<<"$kernels" | head -n 1 | tr -d ' ')
[ -n "$lk" ] || { echo "bench-mem: likwid-bench offers no stream_mem kernel here" >&2; exit 1; }
echo "bench-mem: triad, $THREADS threads, ${SIZE_GB} GB (1e9 B) over 3 arrays, nt stores, 24 B/element"
bench_load start
echo "bench-mem: ours = mem-triad $isa (median of 3 x >= 200 ms), likwid = likwid-bench -t $lk -w N:$lkw:$THREADS -i $ITERS"

run_ours() { "$ours" "$bytes" "$THREADS" 1 200 3 | awk '{print $5}'; }
run_likwid() {
    likwid-bench -t "$lk" -w "N:$lkw:$THREADS" -i "$ITERS" 2>/dev/null |
        awk '/^MByte\/s:/ { printf "%.3f\n", $2 / 1000 }'
}

ratios=() oursv=() theirv=()
for p in $(seq 1 "$PAIRS"); do
    # a failed run leaves its figure empty: the check below names it
    if [ $((p % 2)) = 1 ]; then o=$(run_ours) || true; l=$(run_likwid) || true
    else l=$(run_likwid) || true; o=$(run_ours) || true; fi
    [ -n "$o" ] && [ -n "$l" ] || { echo "bench-mem: a run gave no number (ours '$o', likwid '$l')" >&2; exit 1; }
    r=$(awk -v o="$o" -v l="$l" 'BEGIN { printf "%.3f", o / l }')
    printf 'pair %d: ours %8.3f GB/s   likwid %8.3f GB/s   ratio %s\n' "$p" "$o" "$l" "$r"
    ratios+=("$r") oursv+=("$o") theirv+=("$l")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
if [ "$PAIRS" -gt 0 ]; then # PAIRS=0: only the suite part below
echo "median: ours $(median "${oursv[@]}") GB/s, likwid $(median "${theirv[@]}") GB/s"
echo "ratio $(median "${ratios[@]}")"
fi

# ---- the suite's own all-core DRAM triad next to mem-triad at SUITE_GB ----
# Like with like: the same objects, kernel (best ISA, nt stores), runner (bench_run_parallel:
# threads pinned one per processor, TSC-barrier start, interval = deadline .. last thread's end,
# one warm-up sample), 2 MiB pages (madvise), first touch outside the timed samples, threads,
# per-thread chunk of SUITE_GB / THREADS as 3 arrays, 24 B per element, and statistic: the
# median of SUITE_REPS samples on both sides (the best sample, STREAM's statistic, beside it).
# The suite is told mem_dram = SUITE_GB / 3 per array, so no plateau search changes its size;
# mem-triad gets the suite's total (rounded to 2 MiB), so the layouts match byte for byte
# (checked every pair: params.bytes against mem-triad's bytes).
SUITE_PAIRS=${SUITE_PAIRS:-8} SUITE_GB=${SUITE_GB:-4} SUITE_REPS=${SUITE_REPS:-5}
QUIET_WAIT=${QUIET_WAIT:-0} QUIET_MAX=${QUIET_MAX:-0.5}
bb=$(dirname "$ours")/barebench
[ -x "$bb" ] || { echo "bench-mem: $bb missing (make host)" >&2; exit 1; }
per_array=$(awk -v g="$SUITE_GB" 'BEGIN { printf "%.0f", g * 1e9 / 3 }')
# the suite's working set: 3 arrays rounded up to 2 MiB (bench/mem_plan.c); mem-triad gets the
# same total, so both split it alike: same chunk per thread, same array offsets
sbytes=$(( (3 * per_array + 2097151) / 2097152 * 2097152 ))
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "bench-mem: suite = barebench --suite mem --mem_tests cores --mem_dram $per_array (all-core triad, nt stores),"
echo "bench-mem:         mem-triad = the same kernel at $sbytes B over $THREADS threads; both: median (and best) of $SUITE_REPS x >= 200 ms"
run_suite() {
    "$bb" --suite mem --mem_tests cores --mem_dram "$per_array" --reps "$SUITE_REPS" --min_time_ms 200 \
        --json "$tmp/s.json" >/dev/null 2>&1 || return 1
    jq -r --argjson t "$THREADS" '[.results[] | select(.test=="cores" and .params.nt and .params.threads==$t
        and (.params | has("node") | not))][0] | "\(.median) \(.max) \(.params.bytes)"' "$tmp/s.json"
}
run_triad() { "$ours" "$sbytes" "$THREADS" 1 200 "$SUITE_REPS" | awk '{print $5, $6, $4}'; }
# Wait up to QUIET_WAIT s for at most QUIET_MAX other runnable processes; prints the last figure.
quiet() {
    local t0=$SECONDS o
    while o=$(bench_others); awk -v o="$o" -v m="$QUIET_MAX" 'BEGIN { exit !(o > m) }' &&
        [ $((SECONDS - t0)) -lt "$QUIET_WAIT" ]; do sleep 2; done
    echo "$o"
}
sr=() br=() sv=() tv=()
for p in $(seq 1 "$SUITE_PAIRS"); do
    q=$(quiet)
    if [ $((p % 2)) = 1 ]; then s=$(run_suite); o=$(run_triad); else o=$(run_triad); s=$(run_suite); fi
    read -r sm sb sbb <<<"$s"; read -r om ob obb <<<"$o"
    [ -n "$sm" ] && [ "$sm" != null ] && [ -n "$om" ] && [ -n "$ob" ] ||
        { echo "bench-mem: a run gave no number (suite '$s', mem-triad '$o')" >&2; exit 1; }
    [ "$sbb" = "$obb" ] || { echo "bench-mem: sizes differ (suite $sbb B, mem-triad $obb B)" >&2; exit 1; }
    r=$(awk -v s="$sm" -v o="$om" 'BEGIN { printf "%.3f", s / o }')
    b=$(awk -v s="$sb" -v o="$ob" 'BEGIN { printf "%.3f", s / o }')
    printf 'pair %d: suite %7.3f GB/s   mem-triad %7.3f GB/s   ratio %s   (best %7.3f vs %7.3f: %s; others runnable %s)\n' \
        "$p" "$sm" "$om" "$r" "$sb" "$ob" "$b" "$q"
    sr+=("$r") br+=("$b") sv+=("$sm") tv+=("$om")
done
lo=$(printf '%s\n' "${sr[@]}" | sort -g | head -1) hi=$(printf '%s\n' "${sr[@]}" | sort -g | tail -1)
echo "median: suite $(median "${sv[@]}") GB/s, mem-triad $(median "${tv[@]}") GB/s; pair ratios $lo .. $hi, of best samples $(median "${br[@]}")"
bench_load end
echo "suite ratio $(median "${sr[@]}")"
