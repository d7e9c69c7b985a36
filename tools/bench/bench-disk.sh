#!/usr/bin/env bash
# bench-disk.sh - `make bench-disk`: our Linux build's disk sweep against Debian's fio on the
# same scratch file, alternated in one run (ROUNDS times), O_DIRECT both sides:
#   sequential read/write per block size at QD1 (ours: pread/pwrite; fio: psync)
#   random 4 KiB read/write at QD32          (ours: Linux native AIO; fio: libaio)
# Each point runs ours then fio (fio first in even rounds), so drift of this noisy machine hits
# both.  Prints both sides and the median ratio per row; ends with "ratio X" (lowest median).
# env: BUILD=build FILE=$BUILD/bench-disk.img SIZE_MB=512 ROUNDS=7 MS=300 BLOCKS="4K 16K ..."
#      AA=1: fio against fio (same method), to see this machine's noise floor
set -euo pipefail
. "$(dirname "$0")/bench-lib.sh"
BUILD=${BUILD:-build}
FILE=${FILE:-$BUILD/bench-disk.img}
SIZE_MB=${SIZE_MB:-512}
ROUNDS=${ROUNDS:-7}
MS=${MS:-300}
BLOCKS=${BLOCKS:-"4K 16K 64K 256K 1M 4M 16M"}
BB=$BUILD/host/barebench
# both sides at the same raised priority when allowed: the box is shared, and 4K QD1 points
# are latency-bound, so scheduling noise would otherwise dominate them (same for both tools)
PRIO=(); [ "$(id -u)" = 0 ] && PRIO=(nice -n -5)
MK=$BUILD/host/mkscratch
if ! command -v fio >/dev/null; then
    echo "fio missing: installing Debian's fio" >&2
    { apt-get install -y fio || { apt-get update -qq && apt-get install -y fio; }; } >/dev/null 2>&1 \
        || { echo "error: fio not installed and cannot be installed (apt-get install fio)" >&2; exit 1; }
fi
command -v jq >/dev/null || { echo "error: jq not installed" >&2; exit 1; }
[ -x "$BB" ] && [ -x "$MK" ] || { echo "error: build $BB and $MK first (make host)" >&2; exit 1; }

# a real, written file (unwritten extents would read as zeros without touching the disk)
if ! "$MK" --check "$FILE" >/dev/null 2>&1 || [ "$(stat -c %s "$FILE")" != $((SIZE_MB << 20)) ]; then
    avail=$(df -Pm "$(dirname "$FILE")" | awk 'NR==2 {print $4}')
    [ "$avail" -gt $((SIZE_MB * 2)) ] || { echo "error: not enough space for $FILE" >&2; exit 1; }
    rm -f "$FILE"
    "$MK" --size "${SIZE_MB}M" --label bench-disk "$FILE" >/dev/null # filled with data
fi
"$MK" --check "$FILE"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# fio stays clear of the marker (from 1 MiB on) and, like our sweep, starts each run in another
# region, so neither side re-reads what the host's cache still holds from the previous run
FIO=(fio --name=bb --filename="$FILE" --direct=1 --runtime="${MS}ms" --time_based
     --output-format=json --invalidate=1)
fio_run=0
fio_region() {
    local mib=$(( 1 + (fio_run * 97) % (SIZE_MB / 2) ))
    fio_run=$((fio_run + 1))
    echo "--offset=${mib}M --size=$((SIZE_MB - mib))M"
}

# ours OP BS -> bytes per second of one point (OP: read|write|randread|randwrite).  Reads with
# disk_write=no (the file is already filled: no preconditioning per point); writes compared
# without their final flush (extra.no_flush_*), as fio here does not fsync.
ours() {
    local op=$1 bs=$2 test qd=1 w=no
    case $op in read) test=seq_read ;; write) test=seq_write; w=yes ;;
                randread) test=rand_read; qd=32 ;; randwrite) test=rand_write; qd=32; w=yes ;; esac
    "${PRIO[@]}" "$BB" --suite disk --disk "$FILE" --disk_tests $test --disk_blocks "$bs" --disk_qd $qd \
        --disk_write $w --reps 1 --min_time_ms "$MS" --disk_budget 64G --json "$tmp/o.json" >/dev/null
    jq -r --arg t $test --argjson qd $qd '[.results[] | select(.test==$t and .params.qd==$qd)][0] |
        (.extra.no_flush_mbps // .extra.no_flush_iops // .median) as $v |
        if .unit == "IOPS" then $v * 4096 else $v * 1e6 end' "$tmp/o.json"
}

# theirs OP BS -> bytes per second (psync QD1 sequential, libaio QD32 random)
theirs() {
    local op=$1 bs=$2 eng=psync qd=1 dir=${1#rand}
    case $op in rand*) eng=libaio; qd=32 ;; esac
    "${PRIO[@]}" "${FIO[@]}" $(fio_region) --rw=$op --bs=$bs --ioengine=$eng --iodepth=$qd >"$tmp/f.json"
    jq ".jobs[0].$dir.bw_bytes" "$tmp/f.json"
}

[ "${AA:-0}" = 1 ] && ours() { theirs "$@"; } && echo "bench-disk: AA=1, fio against itself"
echo "bench-disk: $FILE (${SIZE_MB} MiB scratch), ${ROUNDS} rounds, ours/fio alternated per point, ${MS} ms each"
bench_load start
for r in $(seq 1 "$ROUNDS"); do
    for row in $(for b in $BLOCKS; do echo read:$b; done; for b in $BLOCKS; do echo write:$b; done) \
               randread:4K randwrite:4K; do
        op=${row%%:*} bs=${row#*:} n=$(numfmt --from=iec "$bs")
        if [ $((r % 2)) = 1 ]; then o=$(ours $op $bs); f=$(theirs $op $bs)
        else f=$(theirs $op $bs); o=$(ours $op $bs); fi
        echo "$r $op $n $o" >>"$tmp/ours"
        echo "$r $op $n $f" >>"$tmp/fio"
    done
    echo "  round $r/$ROUNDS done" >&2
done
bench_load end

# join per round and row, ratio = ours / fio (bytes per second both), median over rounds
awk '
    FNR == NR { fio[$1 " " $2 " " $3] = $4; next }
    { k = $1 " " $2 " " $3; if (k in fio && fio[k] > 0) print $2, $3, $4, fio[k], $4 / fio[k] }
' "$tmp/fio" "$tmp/ours" | sort -k1,1 -k2,2n >"$tmp/pairs"
printf '%-14s %10s %12s %12s %8s\n' test block ours_MB/s fio_MB/s ratio
awk '
    function median(a, n,   i, j, t) {
        for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
        return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    { k = $1 " " $2; if (!(k in n)) order[++rows] = k
      n[k]++; o[k, n[k]] = $3; f[k, n[k]] = $4; q[k, n[k]] = $5 }
    END {
        low = 1e9
        for (r = 1; r <= rows; r++) {
            k = order[r]; split(k, kk, " ")
            for (i = 1; i <= n[k]; i++) { ao[i] = o[k, i]; af[i] = f[k, i]; aq[i] = q[k, i] }
            mo = median(ao, n[k]); mf = median(af, n[k]); mq = median(aq, n[k])
            bs = kk[2] >= 1048576 ? sprintf("%dM", kk[2] / 1048576) : sprintf("%dK", kk[2] / 1024)
            printf "%-14s %10s %12.1f %12.1f %8.3f\n", kk[1], bs, mo / 1e6, mf / 1e6, mq
            if (mq < low) low = mq
        }
        printf "ratio %.3f\n", low
    }
' "$tmp/pairs"
