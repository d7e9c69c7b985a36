#!/usr/bin/env bash
# bench-disk-uefi.sh - `make bench-disk-uefi`: the image under QEMU+OVMF with a scratch disk
# (DISK_SIZE) on NVMe, one on virtio-blk and one on virtio-scsi, disk_driver=both: every point
# through barebench's own driver and through the firmware's, side by side.  Prints virtio-blk QD1
# latency p50 of both paths; for virtio-scsi the own driver's 4 KiB random-read IOPS at QD32 against
# QD1, against the firmware's at QD32 and against the own virtio-blk driver at QD32 (each with its
# ratio); ends with "ratio X" = own / firmware 4 KiB random-read IOPS at QD32 on NVMe.
# PVSCSI and Fusion-MPT (mptsas1068) scratch disks ride along (no firmware driver for them in
# Debian's OVMF: own driver only): their QD32 against QD1 and against the own virtio-blk driver;
# MODEL_TRACE=1 also logs QEMU's own pvscsi/mptsas trace events and prints the most commands
# each device model held at once (whether the model queues or serialises; the logging slows
# QEMU, so not for the figures).
# QEMU here is TCG: the figures compare two drivers on one emulated device, not hardware.
# env: BUILD=build REPS=3 MS=200 QDS=1,4,16,32,64,128,256 DISK_SIZE=1G (each scratch disk)
#      KEEP=1 (keep the temp dir)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${BUILD:-$top/build}
REPS=${REPS:-3}
MS=${MS:-200}
QDS=${QDS:-1,4,16,32,64,128,256}
DISK_SIZE=${DISK_SIZE:-1G}
MK=$BUILD/host/mkscratch
[ -f "$BUILD/barebench.efi" ] && [ -x "$MK" ] || { echo "error: make efi host first" >&2; exit 1; }
command -v jq >/dev/null || { echo "error: jq not installed" >&2; exit 1; }
export BUILD
T=$(mktemp -d "${TMPDIR:-/tmp}/bench-disk-uefi.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$T"' EXIT
. "$top/tests/boot/lib.sh"
. "$top/tools/bench/bench-lib.sh"

"$MK" --size "$DISK_SIZE" --label bench-nvme "$T/nvme.img" >/dev/null
"$MK" --size "$DISK_SIZE" --label bench-virtio "$T/virtio.img" >/dev/null
"$MK" --size "$DISK_SIZE" --label bench-scsi "$T/scsi.img" >/dev/null

# PVSCSI and Fusion-MPT: one scratch disk on each controller (VMW_ARGS for the boot)
vmw_disks() {
    "$MK" --size "$DISK_SIZE" --label bench-pvscsi "$T/pvscsi.img" >/dev/null
    "$MK" --size "$DISK_SIZE" --label bench-mpt "$T/mpt.img" >/dev/null
    VMW_ARGS=(-device pvscsi,id=pvs -drive if=none,id=p0,format=raw,file="$T/pvscsi.img"
              -device scsi-hd,bus=pvs.0,scsi-id=0,drive=p0
              -device mptsas1068,id=mpt -drive if=none,id=m0,format=raw,file="$T/mpt.img"
              -device scsi-hd,bus=mpt.0,scsi-id=0,drive=m0)
    [ -z "${MODEL_TRACE:-}" ] || VMW_ARGS+=(-D "$T/model-trace.log"
        -trace pvscsi_process_req_descr -trace pvscsi_complete_request
        -trace mptsas_process_scsi_io_request -trace mptsas_command_complete)
}
vmw_disks
OPTS="suite=disk profile=quick reps=$REPS min_time_ms=$MS disk_driver=both disk_write=no disk=all"
OPTS+=" disk_tests=rand_read,seq_read disk_blocks=4K,1M disk_qd=$QDS disk_budget=256M"
echo "booting: $OPTS" >&2
bench_load start
BOOT_TIMEOUT=${BOOT_TIMEOUT:-3000} boot bench 1 1G "$OPTS" \
    -drive if=none,id=n0,format=raw,file="$T/nvme.img" -device nvme,drive=n0,serial=bench \
    -drive if=none,id=v0,format=raw,file="$T/virtio.img" -device virtio-blk-pci,drive=v0 \
    -device virtio-scsi-pci,id=s -drive if=none,id=s0,format=raw,file="$T/scsi.img" -device scsi-hd,bus=s.0,drive=s0 \
    "${VMW_ARGS[@]}" \
    || { echo "error: the boot failed (console: $T/bench/console.log)" >&2; KEEP=1; exit 1; }
bench_load end
J=$T/bench/latest.json
jq -e '.results | length > 0' "$J" >/dev/null || { echo "error: no results in $J" >&2; exit 1; }

echo "disk   driver    test                 bs      qd   median      unit"
jq -r '.env.disks as $d | .results[] | select(.suite=="disk") |
       [$d[.params.disk].kind, (if $d[.params.disk].driver=="firmware" then "firmware" else "own" end),
        .test, .params.block_size, .params.qd, (.median*10|round/10), .unit] | @tsv' "$J" |
    sort -k1,1 -k3,3 -k4,4n -k5,5n -k2,2 | awk -F'\t' '{printf "%-6s %-9s %-20s %-7s %-4s %-11s %s\n", $1,$2,$3,$4,$5,$6,$7}'

pick() { # KIND DRIVER(own|firmware) TEST QD -> median or empty
    jq -r --arg k "$1" --arg drv "$2" --arg t "$3" --argjson qd "$4" '.env.disks as $d |
        [.results[] | select(.test==$t and .params.qd==$qd and .params.block_size==4096 and
          $d[.params.disk].kind==$k and
          (if $drv=="firmware" then $d[.params.disk].driver=="firmware" else $d[.params.disk].driver!="firmware" end))
        | .median][0] // empty' "$J"
}
own=$(pick nvme own rand_read 32); fw=$(pick nvme firmware rand_read 32)
echo
echo "nvme 4K random read QD32: own $own IOPS, firmware $fw IOPS"
vo=$(pick virtio own rand_read_lat_p50 1); vf=$(pick virtio firmware rand_read_lat_p50 1)
echo "virtio-blk 4K random read QD1 latency p50: own ${vo:-n/a (not measured)} us, firmware ${vf:-n/a (not measured)} us"

# one own driver's 4K random-read median IOPS at a depth (pvscsi, mpt and virtio-scsi are all kind scsi)
pick_driver() { # DRIVER (env.disks[].driver) QD -> 4K random-read median IOPS or empty
    jq -r --arg drv "$1" --argjson qd "$2" '.env.disks as $d |
        [.results[] | select(.test=="rand_read" and .params.qd==$qd and .params.block_size==4096 and
          $d[.params.disk].driver==$drv) | .median][0] // empty' "$J"
}
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || echo n/a; }
whole() { [ -n "$1" ] || return 0; awk -v a="$1" 'BEGIN { printf "%.0f", a }'; } # IOPS without decimals
s1=$(whole "$(pick_driver virtio-scsi 1)"); s32=$(whole "$(pick_driver virtio-scsi 32)")
sf=$(whole "$(pick scsi firmware rand_read 32)"); b32=$(whole "$(pick virtio own rand_read 32)")
echo "virtio-scsi 4K random read, own driver: QD1 ${s1:-n/a} IOPS, QD32 ${s32:-n/a} IOPS: QD32/QD1 $(ratio "$s32" "$s1")"
echo "virtio-scsi 4K random read QD32: own ${s32:-n/a} IOPS, firmware ${sf:-n/a} IOPS: own/firmware $(ratio "$s32" "$sf")"
echo "4K random read QD32, own drivers: virtio-scsi ${s32:-n/a} IOPS, virtio-blk ${b32:-n/a} IOPS: scsi/blk $(ratio "$s32" "$b32")"

# PVSCSI and Fusion-MPT: QD32 against QD1, and against the own virtio-blk driver at QD32
vmw_report() {
    local drv q1 q32
    for drv in pvscsi mpt; do
        q1=$(whole "$(pick_driver "$drv" 1)"); q32=$(whole "$(pick_driver "$drv" 32)")
        echo "$drv 4K random read, own driver: QD1 ${q1:-n/a} IOPS, QD32 ${q32:-n/a} IOPS: QD32/QD1 $(ratio "$q32" "$q1") (target >= 4)"
        echo "4K random read QD32, own drivers: $drv ${q32:-n/a} IOPS, virtio-blk ${b32:-n/a} IOPS: $drv/blk $(ratio "$q32" "$b32")"
    done
    [ -z "${MODEL_TRACE:-}" ] || vmw_model_inflight
    return 0
}
# From QEMU's trace: the most commands each model held at once; mptsas traces no completion for
# a command to an absent target, so only target 0 (the disk) counts there.
vmw_model_inflight() {
    local m
    for m in pvscsi_process_req_descr:pvscsi_complete_request mptsas_process_scsi_io_request:mptsas_command_complete; do
        awk -v p="${m%:*}" -v c="${m#*:}" '
            index($0, p) && ($0 !~ /^mptsas/ || / dev 0:0:0 /) { if (++n > mx) mx = n }
            index($0, c) { n-- }
            END { printf "%s model: at most %d commands in flight at once\n", substr(p, 1, index(p, "_") - 1), mx }' \
            "$T/model-trace.log"
    done
}
vmw_report

[ -n "$own" ] && [ -n "$fw" ] || { echo "error: QD32 figures missing on one side" >&2; exit 1; }
awk -v a="$own" -v b="$fw" 'BEGIN { printf "ratio %.2f\n", a / b }'
