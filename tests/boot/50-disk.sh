#!/usr/bin/env bash
# 50-disk.sh - the disk suite on the real image: a data disk (known pattern) and a scratch disk
# (tools/mkscratch/) on virtio-blk, NVMe and AHCI: reads measured on both, writes only on the
# scratch disk, the data disk bit-for-bit unchanged - also with disk_write=yes disk=all.
# Also virtio-scsi and USB, disk_write=no, and a GPT partition as the scratch target.
# Through the firmware's drivers (disk_driver=firmware; 53-disk-native.sh covers own drivers).
# All through the firmware's drivers (disk_driver=firmware); 53-disk-native.sh covers barebench's
# own drivers.  Then faults: blkdebug read errors on one disk and write errors on another are reported and
# the run completes; a readonly=on scratch disk is skipped for writes with a reason.
. "$(dirname "$0")/lib.sh"

MK=${MKSCRATCH:-$BUILD/host/mkscratch}
D=$T/disk-images
mkdir -p "$D"
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }

# data disk: a known pattern, its sha256 kept; scratch disks: marked by the tool
yes "barebench data disk: must never be written" | head -c 64M >"$D/data.img"
sum_before=$(sha256sum <"$D/data.img")
mkimg_scratch() { rm -f "$1"; "$MK" --size 64M --label ci "$1" >/dev/null; }
# cache IMG: the -drive cache options make run uses for IMG (none,aio=native where O_DIRECT works)
cache() { qemu_drive_cache "$1"; echo "$QEMU_DRIVE_CACHE"; }

# disks are attached bypassing the host's page cache where the host file system allows it
qemu_disk_args virtio "$D/data.img"
want=cache=writeback
dd if="$D/data.img" of=/dev/null bs=4096 count=1 iflag=direct status=none 2>/dev/null && want=cache=none,aio=native
check "disks attached with $want (O_DIRECT where the host fs takes it)" \
    bash -c "[[ '${QEMU_DISK_ARGS[*]}' == *',$want,file='* ]]"
DISK_CACHE=writeback qemu_disk_args virtio "$D/data.img"
check "DISK_CACHE=writeback: attached with the host's page cache" \
    bash -c "[[ '${QEMU_DISK_ARGS[*]}' == *',cache=writeback,file='* ]]"

OPTS="suite=disk disk_driver=firmware profile=quick reps=2 disk_budget=1M disk_blocks=4K,64K,1M disk_qd=1,4 min_time_ms=20 disk_write=yes disk=all"

for ifc in virtio nvme ahci; do
    mkimg_scratch "$D/scratch-$ifc.img"
    if [ "$ifc" = ahci ]; then # one disk per AHCI port (ide.N); qemu_disk_args puts both on one
        QEMU_DISK_ARGS=(-drive if=none,id=d0,format=raw,$(cache "$D/data.img"),file="$D/data.img" -device ide-hd,drive=d0,bus=ide.0
                        -drive if=none,id=d1,format=raw,$(cache "$D/scratch-$ifc.img"),file="$D/scratch-$ifc.img" -device ide-hd,drive=d1,bus=ide.1)
    else
        qemu_disk_args "$ifc" "$D/data.img" "$D/scratch-$ifc.img"
    fi
    boot "disk-$ifc" 1 512M "$OPTS" "${QEMU_DISK_ARGS[@]}"
    rc=$?
    J=$T/disk-$ifc/latest.json
    kind=$ifc; [ "$ifc" = ahci ] && kind=sata
    check "$ifc: QEMU exits cleanly after the disk suite" test "$rc" = 0
    jqcheck "$ifc: both disks discovered as $kind with 512-byte blocks" "$J" \
        "[.env.disks[] | select(.kind==\"$kind\" and .bytes==67108864 and .block_size==512 and (.partition|not))] | length == 2"
    jqcheck "$ifc: exactly the scratch disk is writable" "$J" \
        '[.env.disks[] | select(.scratch=="yes")] | length == 1'
    jqcheck "$ifc: reads measured on both disks at every block size" "$J" \
        '[.results[] | select(.test=="seq_read" and .unit=="MB/s" and .median > 0) | .params.disk] | unique | length == 2'
    jqcheck "$ifc: random 4K read IOPS and p50/p99 latency in us" "$J" \
        '([.results[] | select(.test=="rand_read" and .unit=="IOPS")] | length >= 2) and ([.results[] | select(.test=="rand_read_lat_p99" and .unit=="us")] | length >= 2)'
    jqcheck "$ifc: writes measured, and only on the scratch disk" "$J" \
        '(.env.disks | map(select(.scratch=="yes"))[0].index) as $s |
         [.results[] | select(.params.op=="write")] as $w |
         ($w | length > 0) and all($w[]; .params.disk == $s)'
    jqcheck "$ifc: the data disk's writes were refused with a reason" "$J" \
        '[.skipped[] | select(.test=="seq_write" and (.why | test("no scratch marker")))] | length == 1'
    jqcheck "$ifc: no errors" "$J" '.errors == []'
    jqcheck "$ifc: the scratch disk preconditioned before its reads, the data disk not" "$J" \
        '(.env.disks | map(select(.scratch=="yes"))[0].index) as $s |
         ([.env.disks[] | select(.preconditioned) | .index] == [$s]) and
         all(.results[] | select(.params.op=="read" and .test != "probe"); .extra.preconditioned == (.params.disk == $s))'
    jqcheck "$ifc: seq_write headline includes the flush, the rate without it beside" "$J" \
        'all(.results[] | select(.test=="seq_write"); .extra.no_flush_mbps >= .median and .extra.flush_ms_median >= 0)'
    check "$ifc: data disk unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$sum_before"
    check "$ifc: scratch marker intact after the write sweep" "$MK" --check "$D/scratch-$ifc.img"
done
jqcheck "nvme: queue depth 4 through Block IO 2" "$T/disk-nvme/latest.json" \
    '[.results[] | select(.test=="rand_read" and .params.qd==4 and .params.api=="blockio2")] | length == 2'
jqcheck "ahci: model and serial through EFI_DISK_INFO (ATA IDENTIFY)" "$T/disk-ahci/latest.json" \
    'all(.env.disks[] | select(.kind=="sata"); .model == "QEMU HARDDISK" and (.serial | length) > 0)'
jqcheck "nvme: model and serial through NVMe Identify Controller" "$T/disk-nvme/latest.json" \
    '[.env.disks[] | select(.kind=="nvme") | select(.model == "QEMU NVMe Ctrl" and (.serial | test("^bb[01]$")))] | length == 2'
jqcheck "virtio: no Block IO 2, QD>1 skipped with a reason" "$T/disk-virtio/latest.json" \
    '[.skipped[] | select(.why | test("queue depths above 1 need Block IO 2"))] | length == 2'
check "progress lines on the console" grep -q "seq_read   bs=1M   qd=1  rep 2/2: .*MB/s  \[point" "$T/disk-nvme/console.log"

# virtio-scsi and USB mass storage are recognised (model from SCSI INQUIRY); disk_write=no
# keeps even a scratch disk unwritten
mkimg_scratch "$D/scratch-usb.img"
boot disk-scsi-usb 1 512M "suite=disk profile=quick reps=1 disk_budget=1M disk_blocks=64K disk_qd=1 disk_write=no" \
    -device virtio-scsi-pci,id=s0 -drive if=none,id=q0,format=raw,$(cache "$D/data.img"),file="$D/data.img" -device scsi-hd,drive=q0,bus=s0.0 \
    -device qemu-xhci -drive if=none,id=u0,format=raw,$(cache "$D/scratch-usb.img"),file="$D/scratch-usb.img" -device usb-storage,drive=u0
J=$T/disk-scsi-usb/latest.json
jqcheck "scsi/usb: kinds and INQUIRY model reported" "$J" \
    '([.env.disks[] | select(.kind=="scsi" or .kind=="usb") | select(.model | test("QEMU HARDDISK"))] | length) == 2'
jqcheck "scsi/usb: disk_write=no: nothing written, the scratch disk says why" "$J" \
    '([.results[] | select(.params.op=="write")] | length == 0) and
     ([.env.disks[] | select(.kind=="usb" and (.scratch_why | test("disk_write=no")))] | length == 1)'
check "scsi/usb: data disk unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$sum_before"

# faults: read errors (disk 0), write errors (disk 1, scratch), read-only scratch (disk 2)
mkimg_scratch "$D/scratch-werr.img"
mkimg_scratch "$D/scratch-ro.img"
printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' >"$D/read-errors.conf"
# iotype: fail writes only (by default, once the first write fires the rule, blkdebug fails the
# reads after it too, and preconditioning writes before the read sweep)
printf '[inject-error]\nevent = "write_aio"\nerrno = "5"\niotype = "write"\n' >"$D/write-errors.conf"
boot disk-faults 1 512M "$OPTS" \
    -drive if=none,id=e0,format=raw,$(cache "$D/data.img"),file=blkdebug:"$D/read-errors.conf":"$D/data.img" -device virtio-blk-pci,drive=e0 \
    -drive if=none,id=e1,format=raw,$(cache "$D/scratch-werr.img"),file=blkdebug:"$D/write-errors.conf":"$D/scratch-werr.img" -device virtio-blk-pci,drive=e1 \
    -drive if=none,id=e2,format=raw,readonly=on,$(cache "$D/scratch-ro.img"),file="$D/scratch-ro.img" -device virtio-blk-pci,drive=e2
rc=$?
J=$T/disk-faults/latest.json
check "faults: the run completes and powers off" test "$rc" = 0
jqcheck "faults: the read error is reported for that disk" "$J" \
    '[.errors[] | select(.suite=="disk" and (.what | test("disk 0 .*device error")))] | length >= 1'
jqcheck "faults: write errors reported per point on the scratch disk" "$J" \
    '[.errors[] | select(.test=="seq_write" and (.what | test("disk 1 .*write bs=.*device error")))] | length >= 2'
jqcheck "faults: that disk's reads still measured" "$J" \
    '[.results[] | select(.test=="seq_read" and .params.disk==1 and (.params.block_size | IN(4096,65536,1048576)))] | length == 3'
jqcheck "faults: the read-only scratch disk is read, never written, with a reason" "$J" \
    '([.results[] | select(.params.disk==2 and .params.op=="read")] | length > 0) and
     ([.results[] | select(.params.disk==2 and .params.op=="write")] | length == 0) and
     ([.skipped[] | select(.why | test("disk 2 .*read-only"))] | length == 1)'
jqcheck "faults: preconditioning the scratch disk with write errors is reported" "$J" \
    '[.errors[] | select(.test=="precondition" and (.what | test("disk 1 .*device error")))] | length == 1'
check "faults: data disk unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$sum_before"
check "faults: read-only scratch image untouched by the run" "$MK" --check "$D/scratch-ro.img"
# a GPT disk: partition 1 data, partition 2 marked scratch -> only partition 2 is written
G=$D/gpt.img
rm -f "$G"; truncate -s 96M "$G"
sgdisk -o "$G" >/dev/null && sgdisk -n 1:2048:+40M -t 1:8300 -n 2:0:+40M -t 2:8300 "$G" >/dev/null
p2_start=$(sgdisk -i 2 "$G" | awk '/^First sector/ {print $3}')
p2_end=$(sgdisk -i 2 "$G" | awk '/^Last sector/ {print $3}')
yes "partition one: data" | head -c 40M | dd of="$G" bs=1M seek=1 conv=notrunc status=none
"$MK" --size $(( (p2_end - p2_start + 1) * 512 )) --label part "$D/p2.img" >/dev/null
dd if="$D/p2.img" of="$G" bs=512 seek="$p2_start" conv=notrunc status=none
outside_p2() { { head -c $((p2_start * 512)) "$G"; tail -c +$(( (p2_end + 1) * 512 + 1 )) "$G"; } | sha256sum; }
gpt_before=$(outside_p2)
boot disk-gpt 1 512M "$OPTS" -drive if=none,id=g0,format=raw,$(cache "$G"),file="$G" -device virtio-blk-pci,drive=g0
J=$T/disk-gpt/latest.json
jqcheck "gpt: both partitions found as handles of the disk" "$J" \
    '(.env.disks | map(select(.partition==false and .bytes==100663296))[0].index) as $w |
     [.env.disks[] | select(.partition and .parent == $w)] | length == 2'
jqcheck "gpt: the scratch partition is the only writable target" "$J" \
    '[.env.disks[] | select(.scratch=="yes")] as $s | ($s | length) == 1 and $s[0].partition'
jqcheck "gpt: writes only on that partition, reads on the whole disk" "$J" \
    '(.env.disks | map(select(.scratch=="yes"))[0].index) as $p |
     ([.results[] | select(.params.op=="write")] | length > 0 and all(.[]; .params.disk == $p and .params.partition)) and
     ([.results[] | select(.test=="seq_read" and (.params.partition|not) and (.params.block_size | IN(4096,65536,1048576)))] | length == 3)'
check "gpt: everything outside partition 2 unchanged (sha256)" test "$(outside_p2)" = "$gpt_before"
rm -f "$D"/*.img
