# shellcheck shell=bash
# scsi.bash - the boot-test helpers every SCSI controller shares (virtio-scsi in 54-disk-scsi,
# PVSCSI and Fusion-MPT beside it): a data disk and a scratch disk on one controller at chosen
# targets/LUNs, the run's shared assertions, blkdebug faults, and the firmware-has-no-driver
# skip.  Source after lib.sh (and media.bash); needs $D (a mktemp folder) and $MK (mkscratch).

SCSI_OPTS="suite=disk profile=quick reps=1 disk_budget=1M disk_blocks=4K disk_qd=1,32 min_time_ms=20 disk_write=yes disk=all"

# scsi_data_disk: $D/data.img, never to be written, and its sha256 in SCSI_DATA_SUM.
scsi_data_disk() {
    yes "barebench SCSI data disk: must never be written" | head -c 64M >"$D/data.img"
    SCSI_DATA_SUM=$(sha256sum <"$D/data.img")
}

# scsi_disks CTRL-ID DATA_T:L SCRATCH_T:L LBS IMG: QEMU arguments (in SCSI_ARGS) for the data disk
# (512 B) and a fresh scratch disk IMG (logical blocks LBS) on the controller's bus CTRL-ID.0.
scsi_disks() {
    local c=$1 dt=${2%:*} dl=${2#*:} st=${3%:*} sl=${3#*:} lbs=$4 img=$5
    "$MK" --size 64M --label "scsi-$c" "$img" >/dev/null
    SCSI_ARGS=(-drive "if=none,id=$c-d,format=raw,file=$D/data.img,readonly=on"
        -device "scsi-hd,bus=$c.0,drive=$c-d,scsi-id=$dt,lun=$dl"
        -drive "if=none,id=$c-s,format=raw,file=$img"
        -device "scsi-hd,bus=$c.0,drive=$c-s,scsi-id=$st,lun=$sl,logical_block_size=$lbs,physical_block_size=$lbs")
}

# scsi_boot NAME OPTS CTRL-DEVICE DATA_T:L SCRATCH_T:L [LBS [EXTRA QEMU ARGS...]]: boots with
# controller `-device CTRL-DEVICE,id=c0` holding the two disks; the document is $T/NAME/latest.json.
scsi_boot() {
    local name=$1 opts=$2 ctrl=$3 data=$4 scratch=$5 lbs=${6:-4096}
    shift 6 2>/dev/null || shift $#
    scsi_disks c0 "$data" "$scratch" "$lbs" "$D/$name-scratch.img"
    boot "$name" 1 512M "$opts" -device "$ctrl,id=c0" "${SCSI_ARGS[@]}" "$@"
}

# scsi_checks NAME API DATA_T:L SCRATCH_T:L [LBS]: what every controller's two-disk boot asserts.
scsi_checks() {
    local name=$1 api=$2 dt=${3%:*} dl=${3#*:} st=${4%:*} sl=${4#*:} lbs=${5:-4096} rc
    local j=$T/$name/latest.json
    jqcheck "$name: data unit $dt:$dl (512 B) and scratch unit $st:$sl ($lbs B) driven by $api, INQUIRY ids" "$j" \
        "[.env.disks[] | select(.driver==\"$api\" and .kind==\"scsi\" and .controller!=null and .vendor==\"QEMU\"
           and .product==\"QEMU HARDDISK\" and (.revision|length>0)) | [.target,.lun,.block_size]] as \$u |
         (\$u | index([[$dt,$dl,512]]) != null) and (\$u | index([[$st,$sl,$lbs]]) != null)"
    jqcheck "$name: 4K random reads at QD1 and QD32 on both units through $api" "$j" \
        "[.results[] | select(.test==\"rand_read\" and .params.api==\"$api\") | .params.qd] | (map(select(.==32))|length>=2) and (map(select(.==1))|length>=2)"
    jqcheck "$name: queue depth 32 used, more available" "$j" \
        "[.env.disks[] | select(.driver==\"$api\" and .target==$st and .lun==$sl)][0] | .qd_used==32 and .queue_depth>=32"
    jqcheck "$name: writes only on the marked unit ($st:$sl), some through $api" "$j" \
        "[.env.disks[] | select(.scratch==\"yes\") | [.target,.lun]] as \$s | (.env.disks | map(select(.scratch==\"yes\")) | map(.index)) as \$si |
         (\$s | length >= 1) and all(\$s[]; . == [$st,$sl] or . == [null,null]) and
         ([.results[] | select(.params.op==\"write\" and .params.api==\"$api\")] | length > 0) and
         all(.results[] | select(.params.op==\"write\"); .params.disk as \$d | \$si | index(\$d) != null)"
    jqcheck "$name: no errors" "$j" '.errors == []'
    check "$name: data disk unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$SCSI_DATA_SUM"
    check "$name: scratch marker intact" "$MK" --check "$D/$name-scratch.img"
}

# scsi_fault_boot NAME OPTS CTRL-DEVICE: blkdebug read errors on the data disk (target 0) and write
# errors on the scratch disk (target 1), disk_driver=native.
scsi_fault_boot() {
    local name=$1 opts=$2 ctrl=$3
    "$MK" --size 64M --label "scsi-err" "$D/$name-scratch.img" >/dev/null
    printf '[inject-error]\nevent = "read_aio"\nerrno = "5"\n' >"$D/read-errors.conf"
    printf '[inject-error]\nevent = "write_aio"\nerrno = "5"\niotype = "write"\n' >"$D/write-errors.conf"
    boot "$name" 1 512M "$opts disk_driver=native" -device "$ctrl,id=c0" \
        -drive "if=none,id=e0,format=raw,readonly=on,file=blkdebug:$D/read-errors.conf:$D/data.img" \
        -device scsi-hd,bus=c0.0,drive=e0,scsi-id=0,lun=0 \
        -drive "if=none,id=e1,format=raw,werror=report,rerror=report,file=blkdebug:$D/write-errors.conf:$D/$name-scratch.img" \
        -device scsi-hd,bus=c0.0,drive=e1,scsi-id=1,lun=0
}

# scsi_fault_checks NAME API RC: the fault boot completed and recorded the errors with their sense.
scsi_fault_checks() {
    local name=$1 api=$2 rc=$3 j=$T/$1/latest.json
    check "$name: the run completes and powers off" test "$rc" = 0
    jqcheck "$name: both units on $api" "$j" "[.env.disks[] | select(.driver==\"$api\")] | length == 2"
    jqcheck "$name: read errors on the data unit, with the CHECK CONDITION's sense key and ASC/ASCQ" "$j" \
        '[.errors[] | select(.suite=="disk" and (.what | test("disk [0-9]+ \\(scsi\\).*unreadable: device error: READ\\((16|10)\\) lba [0-9]+: CHECK CONDITION [A-Z ]+ [0-9A-F]{2}/[0-9A-F]{2}")))] | length >= 1'
    jqcheck "$name: write errors per point on the scratch unit, with the sense" "$j" \
        '[.errors[] | select(.test=="seq_write" and (.what | test("write bs=.*device error.*WRITE\\((16|10)\\) lba [0-9]+: CHECK CONDITION")))] | length >= 1'
    jqcheck "$name: the scratch unit's reads still measured" "$j" \
        "(.env.disks | map(select(.scratch==\"yes\"))[0].index) as \$i | [.results[] | select(.test==\"seq_read\" and .params.disk==\$i and .params.api==\"$api\")] | length >= 1"
    check "$name: data disk unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$SCSI_DATA_SUM"
}

# scsi_firmware_skip_check NAME PCI_ID NAME_IN_TABLE: a disk_driver=firmware boot on a controller
# the firmware has no driver for says so in skipped.
scsi_firmware_skip_check() {
    local name=$1 id=$2 drv=$3
    jqcheck "$name: disk_driver=firmware says the firmware has no driver for the $drv controller" "$T/$name/latest.json" \
        "[.skipped[] | select(.suite==\"disk\" and (.why | test(\"$id, $drv\\\\): the firmware has no driver for it: its disks are not measured\")))] | length == 1"
}
