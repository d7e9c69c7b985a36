#!/usr/bin/env bash
# 54-disk-scsi.sh - the disk suite through barebench's own virtio-scsi driver and the shared SCSI
# layer, under Debian 12's OVMF (whose ScsiBusDxe crashes if the controller is disconnected: the
# driver leaves it bound and hands the device back as it found it).  One boot with a controller
# holding a data disk (target 0 LUN 0, 512 B) and a scratch disk (target 1 LUN 2, 4 KiB; OVMF's
# VirtioScsiDxe does not see it) plus Proxmox's shape (a modern-only virtio-scsi-pci per disk),
# disk_driver=both: units described, writes only on the marked one, the data unchanged, the
# firmware path working after the hand-back; a controller the firmware has no driver for
# (VirtioScsiDxe refuses max_sectors=1) measured natively, and named in skipped with
# disk_driver=firmware; the same controller under trixie's OVMF (modern interface, both units
# twinned); blkdebug read and write errors recorded with their
# sense; a disk image booted from virtio-scsi still saves its results.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/media.bash"
. "$(dirname "$0")/scsi.bash"

MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
D=$(mktemp -d "$T/scsi.XXXXXX")
trap 'rm -rf "$D"' EXIT
scsi_data_disk
cp "$D/data.img" "$D/nofw.img"
NOFW=(-device virtio-scsi-pci,id=nofw,max_sectors=1
    -drive if=none,id=nf0,format=raw,readonly=on,file="$D/nofw.img" -device scsi-hd,bus=nofw.0,drive=nf0,product=NOFW)

# one controller with two targets and a LUN > 0, and a second one with one disk (Proxmox)
case_two_controllers() {
    local rc j=$T/disk-scsi/latest.json
    cp "$D/data.img" "$D/pve.img"
    scsi_boot disk-scsi "$SCSI_OPTS disk_driver=both" virtio-scsi-pci 0:0 1:2 4096 \
        -device virtio-scsi-pci,id=pve,disable-legacy=on \
        -drive if=none,id=pv0,format=raw,readonly=on,file="$D/pve.img" -device scsi-hd,bus=pve.0,drive=pv0 \
        "${NOFW[@]}"
    rc=$?
    check "virtio-scsi: QEMU exits cleanly (controllers handed back to Debian 12's OVMF)" test "$rc" = 0
    scsi_checks disk-scsi virtio-scsi 0:0 1:2 4096
    jqcheck "virtio-scsi: transitional (1af4:1004) and modern-only (1af4:1048) controllers, 4 units natively" "$j" \
        '[.env.disks[] | select(.driver=="virtio-scsi") | .pci_id] | sort == ["1af4:1004","1af4:1004","1af4:1004","1af4:1048"]'
    jqcheck "no firmware driver (VirtioScsiDxe refuses max_sectors=1): measured natively in 512-byte commands, skipped says so" "$j" \
        '(.env.disks[] | select(.product=="NOFW")) as $u | $u.driver=="virtio-scsi" and $u.twin==-1 and $u.max_transfer==512 and
         ([.results[] | select(.params.disk==$u.index and .test=="rand_read" and .params.api=="virtio-scsi")] | length >= 2) and
         ([.skipped[] | select(.why | test("no driver for it"))] | length == 1) and
         ([.skipped[] | select(.why | startswith("controller " + $u.pci + " (1af4:1004, virtio-scsi): the firmware has no driver for it: its disks are measured through barebench'"'"'s own driver only"))] | length == 1)'
    jqcheck "virtio-scsi: the unit the firmware cannot see (1:2) is measured natively, no twin" "$j" \
        '[.env.disks[] | select(.driver=="virtio-scsi" and .target==1 and .lun==2 and .twin==-1)] | length == 1'
    jqcheck "virtio-scsi: the firmware's entries twinned and measured after the hand-back (blockio)" "$j" \
        '[.env.disks[] | select(.driver=="firmware" and .kind=="scsi" and .twin>=0) | .index] as $f |
         ($f | length == 2) and ([.results[] | select(.test=="rand_read" and .params.api=="blockio" and (.params.disk as $d | $f | index($d) != null))] | length == 2)'
    check "proxmox: its data disk unchanged (sha256)" test "$(sha256sum <"$D/pve.img")" = "$SCSI_DATA_SUM"
}

# disk_driver=firmware: the controller the firmware has no driver for is named in skipped
case_firmware_only() {
    local rc
    boot disk-scsi-fw 1 512M "$SCSI_OPTS disk_driver=firmware" "${NOFW[@]}"
    rc=$?
    check "firmware only: runs and powers off" test "$rc" = 0
    scsi_firmware_skip_check disk-scsi-fw 1af4:1004 virtio-scsi
    jqcheck "firmware only: its disk is not measured, nothing is native" "$T/disk-scsi-fw/latest.json" \
        '([.env.disks[] | select(.driver!="firmware")] == []) and ([.results[] | select(.params.api=="virtio-scsi")] == [])'
}

# trixie's OVMF (EDK2 2025.02) sees both units and runs the device through its modern
# interface: every unit twinned, the firmware path measuring them after the hand-back
case_trixie() {
    local rc j=$T/disk-scsi-trixie/latest.json
    check "trixie's OVMF is installed (tools/fetch-ovmf-trixie.sh)" test -s "$OVMF_TRIXIE_DIR/OVMF_CODE_4M.fd"
    OVMF_CODE=$OVMF_TRIXIE_DIR/OVMF_CODE_4M.fd OVMF_VARS=$OVMF_TRIXIE_DIR/OVMF_VARS_4M.fd \
        scsi_boot disk-scsi-trixie "$SCSI_OPTS disk_driver=both disk_tests=rand_read,seq_write" virtio-scsi-pci 0:0 1:2 4096
    rc=$?
    check "trixie: QEMU exits cleanly" test "$rc" = 0
    jqcheck "trixie: both units twinned, each read through the firmware after the hand-back and natively" "$j" \
        '. as $doc | [.env.disks[] | select(.driver=="virtio-scsi" and .twin>=0)] as $n | ($n | length == 2) and
         all($n[]; .twin as $f | .index as $i |
             ([$doc.results[] | select(.test=="rand_read" and .params.disk==$f and .params.api=="blockio")] | length == 1) and
             ([$doc.results[] | select(.test=="rand_read" and .params.disk==$i and .params.api=="virtio-scsi")] | length == 2))'
    jqcheck "trixie: no errors; writes only on the scratch unit, through both drivers" "$j" \
        '[.env.disks[] | select(.scratch=="yes") | .index] as $s | ($s | length == 2) and (.errors == []) and
         ([.results[] | select(.test=="seq_write") | .params.disk] | unique == $s) and
         ([.results[] | select(.test=="seq_write") | .params.api] | index("virtio-scsi") != null and index("blockio") != null)'
    check "trixie: data disk unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$SCSI_DATA_SUM"
}

case_faults() {
    local rc
    scsi_fault_boot disk-scsi-faults "$SCSI_OPTS" virtio-scsi-pci
    rc=$?
    scsi_fault_checks disk-scsi-faults virtio-scsi "$rc"
}

# booted from a virtio-scsi disk image: the suite takes the controller, hands it back, and the
# results file still lands on the image's ESP
case_boot_disk() {
    local rc
    ARGS="suite=disk profile=quick reps=1 disk_budget=256K disk_blocks=64K disk_qd=1,4 min_time_ms=10 tag=scsiboot" \
        "$top/image/mkimg.sh" "$EFI" "$D/boot.img" >/dev/null
    boot_media disk-scsi-boot 1 512M -device virtio-scsi-pci,id=b -drive if=none,id=b0,format=raw,file="$D/boot.img" \
        -device scsi-hd,bus=b.0,drive=b0,bootindex=0
    rc=$?
    check "scsi boot: runs and powers off" test "$rc" = 0
    jqcheck "scsi boot: the boot disk was measured through the own driver" "$T/disk-scsi-boot/latest.json" \
        '[.results[] | select(.params.api=="virtio-scsi")] | length > 0'
    "$top/tools/img-results.sh" "$D/boot.img" "$D/got" >/dev/null 2>&1
    check "scsi boot: results file saved on the ESP afterwards" test "$(ls "$D/got"/*.json 2>/dev/null | wc -l)" = 1
}

case_two_controllers
case_firmware_only
case_trixie
case_faults
case_boot_disk
