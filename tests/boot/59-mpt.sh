#!/usr/bin/env bash
# 59-mpt.sh - disks on a Fusion-MPT controller (QEMU's mptsas1068, the LSI SAS1068 ESXi calls
# LSI Logic SAS; Debian's OVMF has no driver for it) measured by barebench's own driver: a data
# disk (512 B blocks, target 0 LUN 0) and a scratch disk (4 KiB blocks, target 1 LUN 1) on one
# controller, writes asked on every disk land only on the marked one, the data disk unchanged,
# the depth IOC_FACTS allows used.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scsi.bash"

MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
D=$(mktemp -d "$T/mpt.XXXXXX")
trap 'rm -rf "$D"' EXIT

scsi_data_disk
scsi_disks c0 0:0 1:1 4096 "$D/mpt-scratch.img"
boot mpt 1 512M "$SCSI_OPTS" -device mptsas1068,id=c0 "${SCSI_ARGS[@]}"
check "mpt: the run completes and powers off (QEMU exit 0)" test $? = 0
scsi_checks mpt mpt 0:0 1:1 4096
jqcheck "mpt: both units 127 deep (IOC_FACTS: 128 credits, a FIFO holds one less)" "$T/mpt/latest.json" \
    '[.env.disks[] | select(.driver=="mpt") | .max_qd] == [127,127]'
