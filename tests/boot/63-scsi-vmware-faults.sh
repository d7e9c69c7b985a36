#!/usr/bin/env bash
# 63-scsi-vmware-faults.sh - I/O errors through the own PVSCSI and Fusion-MPT drivers (QEMU
# blkdebug: read errors on the data disk behind PVSCSI, write errors on the scratch disk behind
# MPT, one boot with both controllers): each failed point is recorded with the disk it hit, the
# other points and the run go on, no controller is reset (an error is not a timeout).  With
# disk_driver=firmware the same machine says in `skipped` that the firmware (Debian's OVMF) has
# no driver for either controller.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scsi_vmware.bash"

vmw_setup vmwf
"$MK" --size 64M --label werr "$D/werr.img" >/dev/null
"$MK" --size 64M --label pscratch "$D/pscratch.img" >/dev/null
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' >"$D/read-errors.conf"
printf '[inject-error]\nevent = "write_aio"\nerrno = "5"\niotype = "write"\n' >"$D/write-errors.conf"
boot vmw-faults 1 512M "$VMW_OPTS" \
    -device pvscsi,id=pv -drive if=none,id=d0,format=raw,file=blkdebug:"$D/read-errors.conf":"$D/data.img" \
    -device scsi-hd,bus=pv.0,scsi-id=0,drive=d0 \
    -drive if=none,id=d1,format=raw,file="$D/pscratch.img" -device scsi-hd,bus=pv.0,scsi-id=1,drive=d1 \
    -device mptsas1068,id=mp -drive if=none,id=d2,format=raw,file=blkdebug:"$D/write-errors.conf":"$D/werr.img" \
    -device scsi-hd,bus=mp.0,scsi-id=0,drive=d2
rc=$?
J=$T/vmw-faults/latest.json
check "faults: the run completes and powers off" test "$rc" = 0
jqcheck "faults: all three units on the own drivers" "$J" \
    '[.env.disks[] | select(.kind=="scsi") | .driver] | sort == ["mpt","pvscsi","pvscsi"]'
jqcheck "faults: read errors recorded on the PVSCSI data disk" "$J" \
    '(.env.disks | map(select(.driver=="pvscsi" and .scratch=="no"))[0].index) as $i |
     [.errors[] | select(.suite=="disk" and (.what | test("disk \($i) ")))] | length >= 1'
jqcheck "faults: write errors recorded per point on the MPT scratch disk" "$J" \
    '(.env.disks | map(select(.driver=="mpt"))[0].index) as $i |
     [.errors[] | select((.test=="seq_write" or .test=="rand_write") and (.what | test("disk \($i) ")))] | length >= 2'
jqcheck "faults: the MPT scratch disk's reads and the clean PVSCSI disk still measured" "$J" \
    '(.env.disks | map(select(.driver=="mpt"))[0].index) as $m |
     (.env.disks | map(select(.driver=="pvscsi" and .scratch=="yes"))[0].index) as $p |
     ([.results[] | select(.test=="rand_read" and .params.disk==$m and .params.api=="mpt")] | length >= 2) and
     ([.results[] | select(.params.op=="write" and .params.disk==$p and .params.api=="pvscsi")] | length >= 2)'
jqcheck "faults: an error is not a timeout (no controller reset)" "$J" \
    '[.errors[] | select(.what | test("did not complete|reset"))] | length == 0'

boot vmw-fw 1 512M "suite=disk profile=quick disk_driver=firmware" \
    -device pvscsi -device mptsas1068,id=mp -drive if=none,id=d2,format=raw,file="$D/werr.img" \
    -device scsi-hd,bus=mp.0,scsi-id=0,drive=d2
jqcheck "disk_driver=firmware: skipped names both controllers the firmware has no driver for" \
    "$T/vmw-fw/latest.json" '[.skipped[].why | select(test("the firmware has no driver for it")) |
     capture("\\((?<id>[0-9a-f:]+), (?<drv>[^)]+)\\)") | "\(.id) \(.drv)"] | sort == ["1000:0054 Fusion-MPT","15ad:07c0 PVSCSI"]'
