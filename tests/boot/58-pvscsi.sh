#!/usr/bin/env bash
# 58-pvscsi.sh - disks on a VMware PVSCSI controller (Debian's OVMF has no driver for it) measured
# by barebench's own driver: a data disk (512 B blocks, target 0) and a scratch disk (4 KiB
# blocks, target 3) on one controller, writes asked on every disk land only on the marked one,
# the data disk is unchanged, the rings used as deep as they go.  Two targets, not a LUN above 0:
# QEMU's pvscsi model refuses one (hw/scsi/vmw_pvscsi.c: .max_lun = 0), which a check shows.
# Last, an empty PVSCSI controller as the VM's only storage: still reset at the end.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scsi.bash"

MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
D=$(mktemp -d "$T/pvscsi.XXXXXX")
trap 'rm -rf "$D"' EXIT

scsi_data_disk
scsi_disks c0 0:0 3:0 4096 "$D/pvscsi-scratch.img"
boot pvscsi 1 512M "$SCSI_OPTS" -device pvscsi,id=c0 "${SCSI_ARGS[@]}"
check "pvscsi: the run completes and powers off (QEMU exit 0)" test $? = 0
scsi_checks pvscsi pvscsi 0:0 3:0 4096
jqcheck "pvscsi: both units 256 deep (the request and completion rings' size)" "$T/pvscsi/latest.json" \
    '[.env.disks[] | select(.driver=="pvscsi") | .max_qd] == [256,256]'
check "QEMU's pvscsi takes no LUN above 0 (so two targets are tested instead)" bash -c \
    "'$QEMU' -machine q35 -nodefaults -display none -S -monitor none -device pvscsi,id=c \
     -drive if=none,id=x,format=raw,file='$D/data.img',readonly=on -device scsi-hd,bus=c.0,scsi-id=1,lun=1,drive=x \
     2>&1 </dev/null | grep -q 'bad scsi device lun: 1'"
# A VM whose only storage is an empty PVSCSI controller (no CD either): the disk suite finds no
# disk, and the controller it took is still handed back (the last adapter command a reset).
boot pvscsi-empty 1 512M "$SCSI_OPTS" -nodefaults -device pvscsi -trace pvscsi_on_cmd_arrived -D "$D/trace.log"
jqcheck "pvscsi-empty: no block devices found" "$T/pvscsi-empty/latest.json" \
    'any(.skipped[]; .why == "no block devices found")'
check "pvscsi-empty: the controller taken (rings set up) and handed back (ADAPTER_RESET last)" bash -c \
    "grep -q SETUP_RINGS '$D/trace.log' && grep on_cmd_arrived '$D/trace.log' | tail -1 | grep -q ADAPTER_RESET"
