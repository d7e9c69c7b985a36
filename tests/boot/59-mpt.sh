#!/usr/bin/env bash
# 59-mpt.sh - disks on a Fusion-MPT controller (QEMU's mptsas1068, the LSI SAS1068 ESXi calls
# LSI Logic SAS; Debian's OVMF has no driver for it) measured by barebench's own driver: a data
# disk (512 B blocks, target 0 LUN 0) and a scratch disk (4 KiB blocks, target 1 LUN 1) on one
# controller, writes asked on every disk land only on the marked one, the data disk unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/scsi_vmware.bash"

vmw_setup mpt
vmw_args mpt mptsas1068 0:0 1:1 4096
boot mpt 1 512M "$VMW_OPTS" "${VMW_ARGS[@]}"
vmw_case_checks $? mpt 1000:0054 "[[0,0],[1,1]]" 127 # IOC_FACTS credits 128, less one
