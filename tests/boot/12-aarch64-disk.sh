#!/usr/bin/env bash
# 12-aarch64-disk.sh - the disk suite of the aarch64 image on the virt machine's PCIe (ECAM):
# barebench's own NVMe and virtio-blk drivers over PciIo, unchanged, beside the firmware's Block
# IO (disk_driver=both): a data disk on virtio-blk and a scratch-marked one on NVMe, writes asked
# everywhere (disk_write=yes disk=all): writes land only on the scratch disk, the data disk is
# unchanged bit for bit, the scratch marker intact.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64.bash"
MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
D=$(mktemp -d "$T/a64disk.XXXXXX")
trap 'rm -rf "$D"' EXIT

yes "barebench data disk on aarch64: must never be written" | head -c 32M >"$D/data.img"
sum_before=$(sha256sum <"$D/data.img")
"$MK" --size 32M --label a64 "$D/scratch.img" >/dev/null
boot a64-disk 1 512M "suite=disk profile=quick reps=2 disk_budget=1M disk_blocks=4K,1M disk_qd=1,4 min_time_ms=20 disk_write=yes disk=all disk_driver=both" \
    -drive if=none,id=d0,format=raw,file="$D/data.img" -device virtio-blk-pci,drive=d0 \
    -drive if=none,id=d1,format=raw,file="$D/scratch.img" -device nvme,drive=d1,serial=a64nvme
rc=$?
J=$T/a64-disk/latest.json
check "QEMU exits cleanly after the disk suite" test "$rc" = 0
jqcheck "own drivers on ECAM: virtio-blk and NVMe, each also through the firmware" "$J" \
    '([.env.disks[] | select(.driver=="virtio-blk" or .driver=="nvme") | .driver] | sort == ["nvme","virtio-blk"])
     and ([.env.disks[] | select(.driver=="firmware")] | length == 2)'
jqcheck "reads measured through the own drivers (api nvme and virtio)" "$J" \
    '[.results[] | select(.test=="rand_read" and .median > 0) | .params.api] | unique | contains(["nvme","virtio"])'
jqcheck "writes only on the scratch-marked disk (its own and its firmware path)" "$J" \
    '[.env.disks[] | select(.scratch=="yes") | .index] as $s |
     [.results[] | select(.params.op=="write")] as $w |
     ($s | length == 2) and ($w | length > 0) and all($w[]; .params.disk as $d | $s | index($d) != null)'
jqcheck "the data disk's writes refused with a reason" "$J" \
    '[.skipped[] | select(.test=="seq_write" and (.why | test("no scratch marker")))] | length >= 1'
jqcheck "no errors" "$J" '.errors == []'
check "data disk unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$sum_before"
check "scratch marker intact" "$MK" --check "$D/scratch.img"
check "the document validates against docs/schema.json" "$top/tests/validate-docs.sh" "$J"
