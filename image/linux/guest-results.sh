#!/usr/bin/env bash
# guest-results.sh - completes the Linux guest's results document (already extracted from the
# serial log): fio's JSON outputs between the "FIO RESULTS" lines become entries of suite "fio"
# with the disk suite's params (disk index, op, pattern, block_size, qd; api "fio-libaio"), and
# env.linux_guest says what ran (env.os already names the kernel).
#   image/linux/guest-results.sh CONSOLE.LOG DOC.json      (DOC is rewritten in place)
set -euo pipefail
log=${1:?usage: guest-results.sh CONSOLE.LOG DOC.json}
doc=${2:?usage: guest-results.sh CONSOLE.LOG DOC.json}
[ -f "$doc" ] || { echo "error: $doc not found" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# one file per disk: the device path, then fio's JSON
n=0
while IFS= read -r line; do
    case $line in
    "-----BEGIN FIO RESULTS "*-----) n=$((n + 1)); dev=${line#-----BEGIN FIO RESULTS }; dev=${dev%-----}
        echo "$dev" >"$tmp/$n.dev"; : >"$tmp/$n.json"; cur=$tmp/$n.json ;;
    "-----END FIO RESULTS "*) cur="" ;;
    *) [ -n "${cur:-}" ] && printf '%s\n' "$line" >>"$cur" ;;
    esac
done <"$log"

echo '[]' >"$tmp/entries.json"
for ((i = 1; i <= n; i++)); do
    dev=$(cat "$tmp/$i.dev")
    if ! jq -e .jobs "$tmp/$i.json" >/dev/null 2>&1; then
        echo "warning: fio output for $dev is not valid JSON; left out" >&2
        continue
    fi
    jq --arg dev "$dev" --slurpfile doc "$doc" --slurpfile prev "$tmp/entries.json" '
      ($doc[0].env.disks // [] | map(select(.path == $dev)) | .[0].index // -1) as $disk
      | (.["fio version"] // "fio") as $ver
      | [ .jobs[] | (.jobname | split("-")) as $n
          | ($n[0] | split("_")) as $t
          | (if $t[1] == "read" then .read else .write end) as $r
          | {pattern: $t[0], op: $t[1], bs: ($n[1] | tonumber), qd: ($n[2] | tonumber), r: $r,
             runtime_s: (($r.runtime // 0) / 1000)} ] as $jobs
      | $prev[0] + [ $jobs[] as $j
          | {disk: $disk, op: $j.op, pattern: $j.pattern, block_size: $j.bs, qd: $j.qd, api: "fio-libaio"} as $p
          | {tool: $ver, runtime_s: $j.runtime_s, ioengine: "libaio", direct: true, source: "fio in the same VM"} as $x
          | if $j.pattern == "seq" then
              ($j.r.bw_bytes / 1e6) as $v
              | {suite: "fio", test: ("seq_" + $j.op), params: $p, unit: "MB/s", better: "higher",
                 desc: "fio sequential throughput, MB/s = 1e6 bytes/s", timer: "fio",
                 reps: 1, min: $v, median: $v, max: $v, mean: $v, stddev: 0, spread_pct: 0,
                 samples: [$v], extra: $x}
            else
              ($j.r.iops) as $v
              | ($j.r.clat_ns.percentile // {}) as $pc
              | {suite: "fio", test: ("rand_" + $j.op), params: $p, unit: "IOPS", better: "higher",
                 desc: "fio random 4 KiB operations per second", timer: "fio",
                 reps: 1, min: $v, median: $v, max: $v, mean: $v, stddev: 0, spread_pct: 0,
                 samples: [$v], extra: $x},
                ( [["50.000000", "p50"], ["99.000000", "p99"]][] as [$k, $name]
                  | select($pc[$k] != null) | ($pc[$k] / 1000) as $us
                  | {suite: "fio", test: ("rand_" + $j.op + "_lat_" + $name), params: $p, unit: "us",
                     better: "lower", desc: ("fio completion latency " + $name + ", us"), timer: "fio",
                     reps: 1, min: $us, median: $us, max: $us, mean: $us, stddev: 0, spread_pct: 0,
                     samples: [$us], extra: $x} )
            end ]' "$tmp/$i.json" >"$tmp/next.json"
    mv "$tmp/next.json" "$tmp/entries.json"
done

kernel=$(sed -n 's/^barebench guest: kernel=\([^ ]*\) done.*/\1/p' "$log" | tail -1)
jq --slurpfile e "$tmp/entries.json" --arg k "${kernel:-unknown}" '
    .results += $e[0]
    | .env.linux_guest = {kernel: $k, userland: "busybox initramfs", disk_reference: "fio (libaio, O_DIRECT)"}' \
    "$doc" >"$tmp/doc.json"
mv "$tmp/doc.json" "$doc"
echo "fio: $(jq length "$tmp/entries.json") entries from $n disk(s) added to $doc" >&2
