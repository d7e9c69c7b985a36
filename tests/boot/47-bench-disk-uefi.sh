#!/usr/bin/env bash
# 47-bench-disk-uefi.sh - `make bench-disk-uefi` still runs to its "ratio X" line: the image
# under QEMU with small NVMe, virtio-blk and virtio-scsi scratch disks, one repetition at QD32 only, prints
# both drivers' NVMe QD32 IOPS, a positive ratio and the load average at start and end.
# No lock: the figures are TCG's and not checked beyond being there.
. "$(dirname "$0")/lib.sh"

BUILD=$BUILD TMPDIR=$T REPS=1 MS=20 QDS=32 DISK_SIZE=64M "$top/tools/bench/bench-disk-uefi.sh" >"$T/out" 2>&1
check "bench-disk-uefi.sh (QD32, 64 MiB disks) exits 0" test $? = 0
check "both drivers' NVMe 4K random read at QD32" \
    grep -qE '^nvme 4K random read QD32: own [0-9.]+ IOPS, firmware [0-9.]+ IOPS$' "$T/out"
check "virtio-scsi own vs firmware at QD32 and own virtio-scsi vs virtio-blk, with ratios" bash -c \
    "grep -qE '^virtio-scsi 4K random read QD32: own [0-9.]+ IOPS, firmware [0-9.]+ IOPS: own/firmware [0-9.]+$' '$T/out' &&
     grep -qE '^4K random read QD32, own drivers: virtio-scsi [0-9.]+ IOPS, virtio-blk [0-9.]+ IOPS: scsi/blk [0-9.]+$' '$T/out'"
check "a positive ratio X" awk '/^ratio / { r = (NF == 2 && $2 ~ /^[0-9.]+$/ && $2 + 0 > 0) } END { exit !r }' "$T/out"
check "load average at start and end" \
    bash -c "grep -q '^load average at start: ' '$T/out' && grep -q '^load average at end: ' '$T/out'"
grep -E '^(nvme 4K|virtio-scsi 4K random read QD32|4K random read QD32|ratio)' "$T/out" | sed 's/^/# /'
