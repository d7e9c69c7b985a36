#!/usr/bin/env bash
# 63-scsi-vmware-faults.sh - I/O errors through the own PVSCSI and Fusion-MPT drivers (QEMU
# blkdebug; one boot, both controllers, on each a data disk failing its reads and a scratch disk
# failing its writes): each failed point is recorded with the disk it hit, the other points and
# the run go on, no controller is reset (an error is not a timeout).  With disk_driver=firmware
# the same controllers are named in `skipped`: the firmware (Debian's OVMF) has no driver for them;
# that boot has vmport=off, and the VMware backdoor (answering in 61) then does not answer.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scsi.bash"

MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
D=$(mktemp -d "$T/vmwf.XXXXXX")
trap 'rm -rf "$D"' EXIT

scsi_data_disk
cp "$D/data.img" "$D/mdata.img"
"$MK" --size 64M --label pwerr "$D/pwerr.img" >/dev/null
"$MK" --size 64M --label mwerr "$D/mwerr.img" >/dev/null
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' >"$D/read-errors.conf"
printf '[inject-error]\nevent = "write_aio"\nerrno = "5"\niotype = "write"\n' >"$D/write-errors.conf"
R=blkdebug:"$D/read-errors.conf" W=blkdebug:"$D/write-errors.conf"
boot vmw-faults 1 512M "$SCSI_OPTS" \
    -device pvscsi,id=pv -drive if=none,id=d0,format=raw,file="$R":"$D/data.img" -device scsi-hd,bus=pv.0,scsi-id=0,drive=d0 \
    -drive if=none,id=d1,format=raw,file="$W":"$D/pwerr.img" -device scsi-hd,bus=pv.0,scsi-id=1,drive=d1 \
    -device mptsas1068,id=mp -drive if=none,id=d2,format=raw,file="$W":"$D/mwerr.img" -device scsi-hd,bus=mp.0,scsi-id=0,drive=d2 \
    -drive if=none,id=d3,format=raw,file="$R":"$D/mdata.img" -device scsi-hd,bus=mp.0,scsi-id=1,lun=1,drive=d3
rc=$?
J=$T/vmw-faults/latest.json
check "faults: the run completes and powers off" test "$rc" = 0
jqcheck "faults: all four units on the own drivers" "$J" \
    '[.env.disks[] | select(.kind=="scsi") | .driver] | sort == ["mpt","mpt","pvscsi","pvscsi"]'
for api in pvscsi mpt; do
    jqcheck "faults: read errors recorded on the $api data disk" "$J" \
        '(.env.disks | map(select(.driver=="'$api'" and .scratch=="no"))[0].index) as $i |
         [.errors[] | select(.suite=="disk" and (.what | test("disk \($i) ")))] | length >= 1'
    jqcheck "faults: write errors recorded per point on the $api scratch disk with the sense, its reads still measured" "$J" \
        '(.env.disks | map(select(.driver=="'$api'" and .scratch=="yes"))[0].index) as $i |
         ([.errors[] | select((.test=="seq_write" or .test=="rand_write") and
           (.what | test("disk \($i) .*WRITE\\(16\\) lba [0-9]+: CHECK CONDITION [A-Z ]+ [0-9A-F]{2}/[0-9A-F]{2}")))] | length >= 2) and
         ([.results[] | select(.test=="rand_read" and .params.disk==$i and .params.api=="'$api'")] | length >= 2)'
done
jqcheck "faults: an error is not a timeout (no controller reset)" "$J" \
    '[.errors[] | select(.what | test("did not complete|reset"))] | length == 0'

boot vmw-fw 1 512M "suite=disk profile=quick disk_driver=firmware" -machine vmport=off \
    -device pvscsi -device mptsas1068,id=mp -drive if=none,id=d2,format=raw,file="$D/mwerr.img" \
    -device scsi-hd,bus=mp.0,scsi-id=0,drive=d2
scsi_firmware_skip_check vmw-fw 15ad:07c0 PVSCSI
scsi_firmware_skip_check vmw-fw 1000:0054 Fusion-MPT
jqcheck "vmport=off: the VMware backdoor does not answer, the hypervisor is still tcg" "$T/vmw-fw/latest.json" \
    '.env.hypervisor.name == "tcg" and .env.hypervisor.vmware_backdoor.probed and
     (.env.hypervisor.vmware_backdoor.answers | not)'
