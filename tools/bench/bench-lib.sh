# bench-lib.sh - sourced by tools/bench/bench-*.sh: how busy the box is at the start and at the end
# of a run (this machine is shared; a ratio measured while other work ran is less sure).
#   bench_others        other runnable processes besides us: mean of 10 readings 0.1 s apart
#                       (4th field of /proc/loadavg, which counts the reader itself)
#   bench_load WHEN     prints "load average at WHEN: 1m 5m 15m (N CPUs, R other runnable)" and
#                       a warning when the 1-minute load exceeds 0.5 x CPUs or R exceeds 0.5
# BENCH_LOADAVG names another file to read instead of /proc/loadavg (for the tests).

bench_others() {
    local s=0 rq _
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        read -r _ _ _ rq _ <"${BENCH_LOADAVG:-/proc/loadavg}"
        s=$((s + ${rq%%/*} - 1)); sleep 0.1
    done
    awk -v s="$s" 'BEGIN { printf "%.1f", s / 10 }'
}

bench_load() {
    local when=$1 l1 l5 l15 n o
    read -r l1 l5 l15 _ <"${BENCH_LOADAVG:-/proc/loadavg}"
    n=$(nproc); o=$(bench_others)
    echo "load average at $when: $l1 $l5 $l15 ($n CPUs, $o other runnable)"
    if awk -v l="$l1" -v n="$n" -v o="$o" 'BEGIN { exit !(l > 0.5 * n || o > 0.5) }'; then
        echo "warning: the box was busy at $when (1-minute load $l1 against $n CPUs, $o other" \
             "runnable processes): single pairs are noisy, so trust the ratio less; rerun with" \
             "more pairs or when the box is quiet"
    fi
}
