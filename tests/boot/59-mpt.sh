#!/usr/bin/env bash
# 59-mpt.sh - disks on a Fusion-MPT controller (QEMU's mptsas1068, the LSI SAS1068 ESXi calls
# LSI Logic SAS; Debian's OVMF has no driver for it) measured by barebench's own driver: a data
# disk (512 B blocks, target 0 LUN 0) and a scratch disk (4 KiB blocks, target 1 LUN 1) on one
# controller, writes asked on every disk land only on the marked one, the data disk unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scsi_vmware.bash"

vmw_setup mpt
vmw_boot mpt "$VMW_OPTS" mptsas1068 0:0 1:1 4096
check "mpt: the run completes and powers off (QEMU exit 0)" test $? = 0
vmw_checks mpt mpt 1000:0054 4096 "[[0,0],[1,1]]"
jqcheck "mpt: depth from IOC_FACTS (credits 128, a FIFO holds one less)" "$T/mpt/latest.json" \
    '[.env.disks[] | select(.driver=="mpt") | .max_qd] == [127,127]'
