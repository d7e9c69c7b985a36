#!/usr/bin/env bash
# 85-linux-guest.sh - what the OS adds: the Linux guest (Debian kernel + busybox initramfs, the
# barebench Linux build, fio) boots under the same QEMU configuration as the image, with a data
# disk and a scratch disk on virtio and on NVMe: its document has build linux, the suites' entries
# and fio's, the data disk is unchanged; os-compare lines the image and the guest up in one table.
. "$(dirname "$0")/lib.sh"
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
ARGS_T="suite=alu,mem,disk profile=quick mem_max=256M mem_tests=cores,latency disk_blocks=4K,1M disk_qd=1,4"

"$top/image/linux/mkguest.sh" "$BUILD/host" "$D/guest" >"$D/mkguest.log" 2>&1
check "guest built from Debian packages (kernel, busybox initramfs, fio)" \
    bash -c "test -s '$D/guest/vmlinuz' && test -s '$D/guest/initrd.img' && zcat '$D/guest/initrd.img' | cpio -t 2>/dev/null | grep -qx 'usr/bin/fio'"
cp "$EFI" "$D/barebench.efi"   # qemu-run.sh probes KVM with the image beside the guest

for iface in virtio nvme; do
    truncate -s 48M "$D/data-$iface.img"
    head -c 1M /dev/urandom | dd of="$D/data-$iface.img" conv=notrunc status=none
    sha=$(sha256sum <"$D/data-$iface.img")
    "$BUILD/host/mkscratch" --size 96M "$D/scratch-$iface.img" >/dev/null
    out=$D/out-$iface; mkdir -p "$out"
    # alu and mem once (virtio, also compared with the image); the NVMe run checks the disks
    args=$ARGS_T; [ $iface = nvme ] && args="suite=disk profile=quick disk_blocks=4K,1M disk_qd=1,4"
    SMP=2 MEM=1G ARGS="$args" DISKS="$D/data-$iface.img $D/scratch-$iface.img" DISK_IF=$iface \
        OUT_DIR=$out TIMEOUT=400 "$top/image/qemu-run.sh" "$D/guest" >"$out/run.log" 2>&1
    rc=$?
    J=$out/linux-guest.json
    check "$iface: guest run powers off with exit 0" test "$rc" = 0
    jqcheck "$iface: document of the Linux build, same hypervisor as the image" "$J" \
        '.tool.build == "linux" and (.env.hypervisor.name == "tcg" or .env.hypervisor.name == "kvm")'
    jqcheck "$iface: env.os names the guest kernel" "$J" '(.env.os | test("Linux")) and (.env.linux_guest.kernel | length) > 0'
    jqcheck "$iface: entries of every suite asked for ($args)" "$J" \
        '[.results[].suite] as $s | ($s | index("disk")) and
         ('"$([ $iface = virtio ] && echo true || echo false)"' | not or (($s | index("alu")) and ($s | index("mem"))))'
    jqcheck "$iface: disk suite saw both disks, only the scratch one marked" "$J" \
        '[.env.disks[] | .scratch] | sort == ["no","yes"]'
    jqcheck "$iface: fio entries with the disk suite's params (seq MB/s, rand IOPS + latency)" "$J" \
        '[.results[] | select(.suite == "fio")] as $f
         | ($f | map(select(.test == "seq_read" and .params.block_size == 1048576)) | length) == 2
         and ($f | map(select(.test == "rand_read" and .params.qd == 4 and .median > 0)) | length) == 2
         and ($f | map(select(.test == "rand_read_lat_p50")) | length) >= 2'
    jqcheck "$iface: fio wrote only to the scratch disk" "$J" \
        '. as $d | [.results[] | select(.suite == "fio" and .params.op == "write") | .params.disk] | unique as $w
         | [$d.env.disks[] | select(.scratch == "yes") | .index] as $s | ($w | length) > 0 and ($w - $s) == []'
    check "$iface: data disk unchanged (sha256)" test "$(sha256sum <"$D/data-$iface.img")" = "$sha"
    if [ $iface = virtio ]; then
        # the image in the same VM, for the comparison
        SMP=2 MEM=1G ARGS="$ARGS_T" DISKS="$D/data-$iface.img $D/scratch-$iface.img" DISK_IF=$iface \
            OUT_DIR=$out TIMEOUT=400 "$top/image/qemu-run.sh" "$EFI" >"$out/uefi.log" 2>&1
        check "virtio: the image and the guest ran under the same QEMU configuration" \
            bash -c "diff <(grep '^qemu: ' '$out/run.log') <(grep '^qemu: ' '$out/uefi.log')"
        "$top/image/linux/os-compare.sh" "$out/latest.json" "$J" "$out/cmp" "$BUILD/host/benchcmp" >"$out/cmp.log" 2>&1
        check "compare-os: table names the uefi, linux and fio documents" \
            bash -c "grep -q 'uefi' '$out/cmp/table.txt' && grep -q '^fio ' '$out/cmp/table.txt' && grep -qw linux '$out/cmp/table.txt'"
        check "compare-os: disk rows line up across UEFI, Linux and fio (seq_read 1M has 3 figures)" \
            bash -c "grep -E '^disk +seq_read .*block_size=1048576' '$out/cmp/table.txt' | grep -v -- ' - ' | grep -q ."
        check "compare-os: charts drawn" bash -c "ls '$out/cmp'/*.svg >/dev/null 2>&1"
    fi
done
