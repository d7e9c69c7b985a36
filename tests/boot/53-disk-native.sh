#!/usr/bin/env bash
# 53-disk-native.sh - the disk suite through barebench's own NVMe, virtio-blk and AHCI drivers:
# an NVMe controller with two namespaces (data, 512-byte blocks; scratch, 4 KiB blocks) measured natively and through the
# firmware (disk_driver=both): env.disks describes the controller, writes land only on the
# marked namespace, the data namespace is unchanged; the same for virtio-blk (modern-only and
# transitional, 512 B and 4 KiB) and AHCI with NCQ; an NVMe disk image that barebench booted
# from still gets its results file after its controller was taken and given back; blkdebug
# errors through the own driver are reported per point and the run completes.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/media.bash"

MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
D=$(mktemp -d "$T/native.XXXXXX")
trap 'rm -rf "$D"' EXIT

yes "barebench data namespace: must never be written" | head -c 64M >"$D/data.img"
sum_before=$(sha256sum <"$D/data.img")

OPTS="suite=disk profile=quick reps=2 disk_budget=1M disk_blocks=4K,1M disk_qd=1,4,32 min_time_ms=20 disk_write=yes disk=all disk_driver=both"

# The checks every own-driver boot with a data and a scratch disk shares: writes only on the
# two scratch-marked disks, some through the own driver (api API), no errors, the data image
# unchanged, the scratch image's marker intact.
# native_checks PREFIX UNIT(namespace|disk) JSON API SCRATCH_IMG
native_checks() {
    local p=$1 unit=$2 j=$3 api=$4 scratch=$5
    jqcheck "$p: writes only on the marked $unit, through both paths (native and firmware)" "$j" \
        '[.env.disks[] | select(.scratch=="yes") | .index] as $s |
         [.results[] | select(.params.op=="write")] as $w |
         ($s | length == 2) and ([$w[] | select(.params.api=="'"$api"'")] | length > 0) and all($w[]; .params.disk as $d | $s | index($d) != null)'
    jqcheck "$p: no errors" "$j" '.errors == []'
    check "$p: data $unit unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$sum_before"
    check "$p: scratch marker intact" "$MK" --check "$scratch"
}

# An NVMe controller, namespace 1 data (512 B), namespace 2 scratch (4 KiB), disk_driver=both.
case_nvme() {
    local rc J=$T/disk-native/latest.json
    "$MK" --size 64M --label ns2 "$D/scratch.img" >/dev/null
    boot disk-native 1 512M "$OPTS" \
        -device nvme,id=nvc,serial=bbn \
        -drive if=none,id=n1,format=raw,file="$D/data.img" -device nvme-ns,drive=n1,bus=nvc,nsid=1 \
        -drive if=none,id=n2,format=raw,file="$D/scratch.img" \
        -device nvme-ns,drive=n2,bus=nvc,nsid=2,logical_block_size=4096,physical_block_size=4096
    rc=$?
    check "native: QEMU exits cleanly after the disk suite" test "$rc" = 0
    jqcheck "native: both namespaces driven by the own driver, controller described" "$J" \
        '[.env.disks[] | select(.driver=="nvme" and .pci_id=="1b36:0010" and (.pci|test("^0000:")) and .queues==1
           and .queue_depth>=64 and .max_transfer==524288 and .model=="QEMU NVMe Ctrl")] | map(.namespace) | sort == [1,2]'
    jqcheck "native: logical block sizes 512 and 4096 from Identify Namespace" "$J" \
        '[.env.disks[] | select(.driver=="nvme") | [.namespace, .block_size]] | sort == [[1,512],[2,4096]]'
    jqcheck "native: each namespace also through the firmware (twins)" "$J" \
        '[.env.disks[] | select(.driver=="firmware" and .kind=="nvme" and .twin>=0)] | length == 2'
    jqcheck "native: api nvme up to QD32, firmware blockio/blockio2 beside it" "$J" \
        '([.results[] | select(.test=="rand_read" and .params.api=="nvme") | .params.qd] | unique == [1,4,32]) and
         ([.results[] | select(.test=="rand_read" and (.params.api=="blockio" or .params.api=="blockio2"))] | length >= 4)'
    jqcheck "native: 128K sequential reads per depth with p99.9 latency" "$J" \
        '[.results[] | select(.test=="seq_read_lat_p999" and .params.block_size==131072 and .params.api=="nvme")] | length >= 6'
    jqcheck "native: the marker was read through the own driver" "$J" \
        '[.env.disks[] | select(.driver=="nvme" and .namespace==2 and .scratch=="yes")] | length == 1'
    native_checks native namespace "$J" nvme "$D/scratch.img"
}

# virtio-blk: a modern-only device (disable-legacy=on, 512 B) holding the data and a
# transitional one (4 KiB logical blocks) marked scratch.
case_virtio() {
    local rc J=$T/disk-native-virtio/latest.json
    "$MK" --size 64M --label vio "$D/vscratch.img" >/dev/null
    boot disk-native-virtio 1 512M "$OPTS" \
        -drive if=none,id=v1,format=raw,file="$D/data.img" -device virtio-blk-pci,drive=v1,disable-legacy=on \
        -drive if=none,id=v2,format=raw,file="$D/vscratch.img" \
        -device virtio-blk-pci,drive=v2,logical_block_size=4096,physical_block_size=4096
    rc=$?
    check "virtio: QEMU exits cleanly" test "$rc" = 0
    jqcheck "virtio: modern (1af4:1042) and transitional (1af4:1001) devices driven by the own driver" "$J" \
        '[.env.disks[] | select(.driver=="virtio-blk") | [.pci_id, .block_size]] | sort == [["1af4:1001",4096],["1af4:1042",512]]'
    jqcheck "virtio: queue depth 32 natively, firmware QD1 only" "$J" \
        '([.results[] | select(.test=="rand_read" and .params.api=="virtio-blk" and .params.qd==32)] | length == 2) and
         ([.results[] | select(.test=="rand_read" and .params.api=="blockio")] | length == 2)'
    native_checks virtio disk "$J" virtio-blk "$D/vscratch.img"
}

# AHCI: two ports (data, scratch), NCQ.
case_ahci() {
    local rc J=$T/disk-native-ahci/latest.json
    "$MK" --size 64M --label sata "$D/ascratch.img" >/dev/null
    boot disk-native-ahci 1 512M "$OPTS" \
        -drive if=none,id=a0,format=raw,file="$D/data.img" -device ide-hd,drive=a0,bus=ide.0 \
        -drive if=none,id=a1,format=raw,file="$D/ascratch.img" -device ide-hd,drive=a1,bus=ide.1
    rc=$?
    check "ahci: QEMU exits cleanly" test "$rc" = 0
    jqcheck "ahci: both ports driven by the own driver with NCQ, 32 slots" "$J" \
        '[.env.disks[] | select(.driver=="ahci-ncq" and .kind=="sata" and .queue_depth==32 and .model=="QEMU HARDDISK")] | length == 2'
    jqcheck "ahci: QD32 through NCQ natively" "$J" \
        '[.results[] | select(.test=="rand_read" and .params.api=="ahci-ncq" and .params.qd==32)] | length == 2'
    native_checks ahci disk "$J" ahci-ncq "$D/ascratch.img"
}

# faults through each own driver: blkdebug read errors on data disks (NVMe namespace 1,
# virtio-blk), write errors on scratch targets (NVMe namespace 2, AHCI): recorded per point, the
# run goes on, nothing hangs
case_faults() {
    local rc J=$T/disk-native-faults/latest.json
    "$MK" --size 64M --label werr "$D/werr.img" >/dev/null
    "$MK" --size 64M --label awerr "$D/awerr.img" >/dev/null
    cp "$D/data.img" "$D/vdata.img"
    printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' >"$D/read-errors.conf"
    printf '[inject-error]\nevent = "write_aio"\nerrno = "5"\niotype = "write"\n' >"$D/write-errors.conf"  # writes only: blkdebug otherwise fails the reads after it too (preconditioning writes first)
    boot disk-native-faults 1 512M "${OPTS/disk_driver=both/disk_driver=native}" \
        -device nvme,id=nvc,serial=bbf \
        -drive if=none,id=n1,format=raw,file=blkdebug:"$D/read-errors.conf":"$D/data.img" -device nvme-ns,drive=n1,bus=nvc,nsid=1 \
        -drive if=none,id=n2,format=raw,file=blkdebug:"$D/write-errors.conf":"$D/werr.img" -device nvme-ns,drive=n2,bus=nvc,nsid=2 \
        -drive if=none,id=v1,format=raw,file=blkdebug:"$D/read-errors.conf":"$D/vdata.img" -device virtio-blk-pci,drive=v1 \
        -drive if=none,id=a1,format=raw,file=blkdebug:"$D/write-errors.conf":"$D/awerr.img" -device ide-hd,drive=a1,bus=ide.0
    rc=$?
    check "faults: the run completes and powers off" test "$rc" = 0
    jqcheck "faults: every disk on an own driver (native)" "$J" \
        '[.env.disks[] | select(.media_present and (.partition|not)) | .driver] | sort == ["ahci-ncq","nvme","nvme","virtio-blk"]'
    for k in nvme virtio; do
        jqcheck "faults: read errors reported for the $k data disk" "$J" \
            "[.errors[] | select(.suite==\"disk\" and (.what | test(\"disk [0-9]+ \\\\($k\\\\).*device error\")))] | length >= 1"
    done
    for k in nvme sata; do
        jqcheck "faults: write errors reported per point on the $k scratch target" "$J" \
            "[.errors[] | select(.test==\"seq_write\" and (.what | test(\"disk [0-9]+ \\\\($k\\\\) write bs=.*device error\")))] | length >= 2"
        jqcheck "faults: the $k scratch target's reads still measured natively" "$J" \
            "(.env.disks | map(select(.kind==\"$k\" and .scratch==\"yes\"))[0].index) as \$i |
             [.results[] | select(.test==\"seq_read\" and .params.disk==\$i and .params.api!=\"blockio\")] | length >= 2"
    done
    check "faults: data disks unchanged (sha256)" bash -c "test \"\$(sha256sum <'$D/data.img')\" = '$sum_before' && test \"\$(sha256sum <'$D/vdata.img')\" = '$sum_before'"
}

# booted from an NVMe disk image: the suite takes that controller, gives it back, the results
# file still lands on the image's ESP
case_nvme_boot() {
    local rc
    ARGS="suite=disk profile=quick reps=1 disk_budget=256K disk_blocks=64K disk_qd=1,4 min_time_ms=10 tag=nvboot" \
        "$top/image/mkimg.sh" "$EFI" "$D/boot.img" >/dev/null
    boot_media disk-native-boot 1 512M -drive if=none,id=b0,format=raw,file="$D/boot.img" -device nvme,drive=b0,serial=bbb
    rc=$?
    check "nvme boot: runs and powers off" test "$rc" = 0
    jqcheck "nvme boot: the boot disk was measured through the own driver" "$T/disk-native-boot/latest.json" \
        '[.results[] | select(.params.api=="nvme")] | length > 0'
    "$top/tools/img-results.sh" "$D/boot.img" "$D/got" >/dev/null 2>&1
    check "nvme boot: results file saved on the ESP afterwards" test "$(ls "$D/got"/*.json 2>/dev/null | wc -l)" = 1
}

case_nvme
case_virtio
case_ahci
case_faults
case_nvme_boot
