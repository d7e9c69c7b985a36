#!/usr/bin/env bash
# bench-mem.sh - our all-core DRAM triad (Linux build, build/host/mem-triad) against Debian's
# likwid-bench stream_mem_* at the same thread count and size, alternated PAIRS times in one
# run (order flipped every pair: the box is shared and noisy); prints both sides per pair and
# ends with "ratio X" = median over pairs of ours / likwid.
# Byte convention, both sides: triad a = b + s*c moves 24 bytes per element (2 loads + 1
# store of 8 bytes); non-temporal stores, so there is no write-allocate traffic to count.
# likwid's "-w N:1GB:T" is 1e9 bytes over all three arrays and T threads; so is ours.
#   tools/bench-mem.sh build/host/mem-triad     (env: PAIRS=7 SIZE_GB=1 THREADS=all ITERS=16
#                                                 SUITE_PAIRS=5 SUITE_GB=4)
# Then the suite's own all-core DRAM triad (nt stores, `barebench --suite mem`, the same
# build) against mem-triad at SUITE_GB, alternated SUITE_PAIRS times: "suite ratio X".
# Each side runs about a second per pair: ours 3 samples of >= 200 ms (median), likwid ITERS
# sweeps per thread (one interval).
set -euo pipefail
ours=${1:?usage: bench-mem.sh MEM-TRIAD-BINARY}
PAIRS=${PAIRS:-7} SIZE_GB=${SIZE_GB:-1} ITERS=${ITERS:-16}
THREADS=${THREADS:-$(nproc)}
if ! command -v likwid-bench >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y likwid >/dev/null; else
        echo "bench-mem: likwid-bench missing (apt-get install likwid)" >&2; exit 1; fi
fi
bytes=$(awk -v g="$SIZE_GB" 'BEGIN { printf "%.0f", g * 1e9 }')

# warm-up of ours tells us the ISA level; take likwid's matching stream_mem kernel
isa=$("$ours" "$bytes" "$THREADS" 1 100 1 | awk '{print $1}')
case $isa in avx512) lk=stream_mem_avx512 ;; avx2) lk=stream_mem_avx ;; *) lk=stream_mem_sse ;; esac
kernels=$(likwid-bench -a 2>/dev/null || true)
grep -q "^$lk " <<<"$kernels" || lk=stream_mem_sse
echo "bench-mem: triad, $THREADS threads, ${SIZE_GB} GB (1e9 B) over 3 arrays, nt stores, 24 B/element"
echo "bench-mem: ours = mem-triad $isa (median of 3 x >= 200 ms), likwid = likwid-bench -t $lk -w N:${SIZE_GB}GB:$THREADS -i $ITERS"

run_ours() { "$ours" "$bytes" "$THREADS" 1 200 3 | awk '{print $5}'; }
run_likwid() {
    likwid-bench -t "$lk" -w "N:${SIZE_GB}GB:$THREADS" -i "$ITERS" 2>/dev/null |
        awk '/^MByte\/s:/ { printf "%.3f\n", $2 / 1000 }'
}

ratios=() oursv=() theirv=()
for p in $(seq 1 "$PAIRS"); do
    if [ $((p % 2)) = 1 ]; then o=$(run_ours); l=$(run_likwid); else l=$(run_likwid); o=$(run_ours); fi
    [ -n "$o" ] && [ -n "$l" ] || { echo "bench-mem: a run gave no number (ours '$o', likwid '$l')" >&2; exit 1; }
    r=$(awk -v o="$o" -v l="$l" 'BEGIN { printf "%.3f", o / l }')
    printf 'pair %d: ours %8.3f GB/s   likwid %8.3f GB/s   ratio %s\n' "$p" "$o" "$l" "$r"
    ratios+=("$r") oursv+=("$o") theirv+=("$l")
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "median: ours $(median "${oursv[@]}") GB/s, likwid $(median "${theirv[@]}") GB/s"
echo "load average: $(cut -d" " -f1-3 /proc/loadavg) (shared box: pairs alternate, order flips)"
echo "ratio $(median "${ratios[@]}")"

# ---- the suite's own all-core DRAM triad next to mem-triad at SUITE_GB ----
SUITE_PAIRS=${SUITE_PAIRS:-5} SUITE_GB=${SUITE_GB:-4}
bb=$(dirname "$ours")/barebench
[ -x "$bb" ] || { echo "bench-mem: $bb missing (make host)" >&2; exit 1; }
sbytes=$(awk -v g="$SUITE_GB" 'BEGIN { printf "%.0f", g * 1e9 }')
per_array=$((sbytes / 3))
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
echo "bench-mem: suite = barebench --suite mem --mem_tests cores --mem_dram $per_array (all-core triad, nt stores,"
echo "bench-mem:         median of 3 x >= 200 ms), mem-triad = the same kernel at $SUITE_GB GB over $THREADS threads"
run_suite() {
    "$bb" --suite mem --mem_tests cores --mem_dram "$per_array" --reps 3 --min_time_ms 200 \
        --json "$tmp/s.json" >/dev/null 2>&1 || return 1
    jq -r --argjson t "$THREADS" '[.results[] | select(.test=="cores" and .params.nt and .params.threads==$t
        and (.params | has("node") | not))][0].median' "$tmp/s.json"
}
run_triad() { "$ours" "$sbytes" "$THREADS" 1 200 3 | awk '{print $5}'; }
sr=() sv=() tv=()
for p in $(seq 1 "$SUITE_PAIRS"); do
    if [ $((p % 2)) = 1 ]; then s=$(run_suite); o=$(run_triad); else o=$(run_triad); s=$(run_suite); fi
    [ -n "$s" ] && [ "$s" != null ] && [ -n "$o" ] || { echo "bench-mem: a run gave no number (suite '$s', mem-triad '$o')" >&2; exit 1; }
    r=$(awk -v s="$s" -v o="$o" 'BEGIN { printf "%.3f", s / o }')
    printf 'pair %d: suite %8.3f GB/s   mem-triad %8.3f GB/s   ratio %s\n' "$p" "$s" "$o" "$r"
    sr+=("$r") sv+=("$s") tv+=("$o")
done
echo "median: suite $(median "${sv[@]}") GB/s, mem-triad $(median "${tv[@]}") GB/s"
echo "suite ratio $(median "${sr[@]}")"
