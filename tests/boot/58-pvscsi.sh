#!/usr/bin/env bash
# 58-pvscsi.sh - disks on a VMware PVSCSI controller (Debian's OVMF has no driver for it) measured
# by barebench's own driver: a data disk (512 B blocks, target 0) and a scratch disk (4 KiB
# blocks, target 3) on one controller, writes asked on every disk land only on the marked one,
# the data disk is unchanged.  Two targets, not a LUN above 0: QEMU's pvscsi model refuses one
# (hw/scsi/vmw_pvscsi.c: .max_lun = 0), which the last check shows.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scsi_vmware.bash"

vmw_setup pvscsi
vmw_args pvscsi pvscsi 0:0 3:0 4096
boot pvscsi 1 512M "$VMW_OPTS" "${VMW_ARGS[@]}"
vmw_case_checks $? pvscsi 15ad:07c0 "[[0,0],[3,0]]" 256 # rings as deep as they go
check "QEMU's pvscsi takes no LUN above 0 (so two targets are tested instead)" bash -c \
    "'$QEMU' -machine q35 -nodefaults -display none -S -monitor none -device pvscsi,id=c \
     -drive if=none,id=x,format=raw,file='$D/data.img',readonly=on -device scsi-hd,bus=c.0,scsi-id=1,lun=1,drive=x \
     2>&1 </dev/null | grep -q 'bad scsi device lun: 1'"
