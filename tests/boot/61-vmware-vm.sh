#!/usr/bin/env bash
# 61-vmware-vm.sh - a "VMware-shaped VM" under QEMU: q35 with vmport=on (the VMware backdoor
# port), the disks on a PVSCSI controller, a vmxnet3 NIC, the ISO on a SATA CD.  A full run of
# every suite (quick profile, small sizes) completes; the PVSCSI disks are measured by the own
# driver (Debian's OVMF has none), writes land only on the marked one; the document says what is
# true: hypervisor "tcg" from CPUID and the backdoor answering, never "vmware" from the port
# alone (63's short boot with vmport=off shows the backdoor field follows the machine).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/media.bash"
. "$(dirname "$0")/scsi.bash"

MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
D=$(mktemp -d "$T/vmw.XXXXXX")
trap 'rm -rf "$D"' EXIT

scsi_data_disk
"$MK" --size 32M --label vmw-scratch "$D/scratch.img" >/dev/null
ARGS="profile=quick reps=2 tag=vmware-vm mem_max=64M mem_tests=cores,latency disk_blocks=4K \
disk_qd=1,32 disk_budget=1M min_time_ms=20 disk_write=yes disk=all" \
    "$top/image/mkiso.sh" "$EFI" "$D/bb.iso" >/dev/null 2>&1

boot_media vmw 1 1G -machine vmport=on -drive if=none,id=cd,media=cdrom,file="$D/bb.iso" \
    -device ide-cd,bus=ide.0,drive=cd \
    -device pvscsi,id=pv -drive if=none,id=d0,format=raw,file="$D/data.img" \
    -device scsi-hd,bus=pv.0,scsi-id=0,drive=d0 \
    -drive if=none,id=d1,format=raw,file="$D/scratch.img" -device scsi-hd,bus=pv.0,scsi-id=1,drive=d1 \
    -netdev user,id=n0,restrict=on -device vmxnet3,netdev=n0,romfile=
rc=$?
J=$T/vmw/latest.json
check "vmware-vm: the ISO on the SATA CD ran and powered off (QEMU exit 0)" test "$rc" = 0
jqcheck "vmware-vm: every suite ran (full run, quick profile; the ISO's baked options)" "$J" \
    '.tool.tag == "vmware-vm" and ([.results[].suite] | unique) == ["alu","disk","mem","timer","vmcost"]'
jqcheck "vmware-vm: both PVSCSI disks driven by the own driver (15ad:07c0), measured at QD1 and QD32" "$J" \
    '([.env.disks[] | select(.driver=="pvscsi" and .kind=="scsi" and .pci_id=="15ad:07c0")] | length == 2) and
     ([.results[] | select(.test=="rand_read" and .params.api=="pvscsi") | .params.qd] | unique == [1,32])'
jqcheck "vmware-vm: the boot CD stays the firmware's (SATA)" "$J" \
    '[.env.disks[] | select(.kind=="cd" and .driver=="firmware")] | length >= 1'
jqcheck "vmware-vm: hypervisor tcg (CPUID), the VMware backdoor answering GETVERSION" "$J" \
    '.env.hypervisor.name == "tcg" and .env.hypervisor.vmware_backdoor.probed and
     .env.hypervisor.vmware_backdoor.answers and .env.hypervisor.vmware_backdoor.version > 0'
jqcheck "vmware-vm: writes only on the scratch-marked PVSCSI disk, no errors" "$J" \
    '[.env.disks[] | select(.scratch=="yes") | .index] as $s | (.errors == []) and ($s | length == 1) and
     ([.results[] | select(.params.op=="write")] | length > 0 and all(.[]; .params.disk == $s[0]))'
check "vmware-vm: data disk unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$SCSI_DATA_SUM"
check "vmware-vm: scratch marker intact" "$MK" --check "$D/scratch.img"
