# shellcheck shell=bash
# scsi_vmware.bash - helpers of the PVSCSI and Fusion-MPT boot tests (58, 59, 63): a data disk
# and a scratch disk on one SCSI controller, and the checks every such boot shares.  Source it
# after lib.sh.

VMW_OPTS="suite=disk profile=quick reps=2 disk_budget=1M disk_blocks=4K disk_qd=1,32 min_time_ms=20 disk_write=yes disk=all"

# vmw_setup PREFIX: $MK (mkscratch, built by make host) and a fresh $D, removed on exit; then
# the data disk (vmw_data_disk)
vmw_setup() {
    MK=${MKSCRATCH:-$BUILD/host/mkscratch}
    [ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
    D=$(mktemp -d "$T/$1.XXXXXX")
    trap 'rm -rf "$D"' EXIT
    vmw_data_disk
}

# vmw_data_disk: $D/data.img (64 MiB of text that must never change) and its sha256
vmw_data_disk() {
    yes "barebench SCSI data disk: must never be written" | head -c 64M >"$D/data.img"
    VMW_SUM=$(sha256sum <"$D/data.img")
}

# vmw_args NAME CTRL DATA_T:L SCRATCH_T:L LBS: VMW_ARGS = controller CTRL (id c0) with the data
# disk (512 B blocks) and a fresh scratch disk $D/NAME.img (LBS-byte blocks), for `boot`
vmw_args() {
    local name=$1 ctrl=$2 dt=${3%:*} dl=${3#*:} st=${4%:*} sl=${4#*:} lbs=$5
    "$MK" --size 64M --label "$name" "$D/$name.img" >/dev/null
    VMW_ARGS=(-device "$ctrl",id=c0
        -drive if=none,id=d0,format=raw,file="$D/data.img" -device scsi-hd,bus=c0.0,scsi-id="$dt",lun="$dl",drive=d0
        -drive if=none,id=d1,format=raw,file="$D/$name.img"
        -device scsi-hd,bus=c0.0,scsi-id="$st",lun="$sl",drive=d1,logical_block_size="$lbs",physical_block_size="$lbs")
}

# vmw_checks NAME API PCI_ID LBS "[[T,L],[T,L]]": both units measured natively by API on that
# controller (INQUIRY ids, their targets and LUNs in env.disks) at QD1
# and QD32 with block sizes 512 and LBS, writes asked everywhere landed only on the marked unit,
# no errors, the data disk unchanged, the scratch marker intact
vmw_checks() {
    local n=$1 api=$2 id=$3 lbs=$4 tl=$5 J=$T/$1/latest.json
    jqcheck "$n: both units driven by the own $api driver ($id), blocks 512 and $lbs" "$J" \
        '[.env.disks[] | select(.driver=="'"$api"'" and .kind=="scsi" and .pci_id=="'"$id"'") | .block_size] | sort == [512,'"$lbs"']'
    jqcheck "$n: target and LUN of each unit, INQUIRY QEMU / QEMU HARDDISK" "$J" \
        '[.env.disks[] | select(.driver=="'"$api"'" and .vendor=="QEMU" and .product=="QEMU HARDDISK") | [.target, .lun]] | sort == '"$tl"
    jqcheck "$n: 4K random reads at QD1 and QD32 on both units" "$J" \
        '[.results[] | select(.test=="rand_read" and .params.api=="'"$api"'") | [.params.disk, .params.qd]] | unique | length == 4'
    jqcheck "$n: writes asked on every disk landed only on the scratch-marked unit" "$J" \
        '[.env.disks[] | select(.scratch=="yes") | .index] as $s | ($s | length == 1) and
         ([.results[] | select(.params.op=="write")] | length > 0 and all(.[]; .params.disk == $s[0] and .params.api=="'"$api"'")) and
         ([.skipped[] | select(.test=="seq_write" and (.why | test("no scratch marker")))] | length == 1)'
    jqcheck "$n: no errors" "$J" '.errors == []'
    check "$n: data disk unchanged (sha256)" test "$(sha256sum <"$D/data.img")" = "$VMW_SUM"
    check "$n: scratch marker intact" "$MK" --check "$D/$n.img"
}

# vmw_case_checks RC NAME PCI_ID "[[T,L],[T,L]]" DEPTH: the checks of a boot NAME (api NAME, 4 KiB
# scratch blocks, writes asked everywhere), the depth the driver states included
vmw_case_checks() {
    check "$2: the run completes and powers off (QEMU exit 0)" test "$1" = 0
    vmw_checks "$2" "$2" "$3" 4096 "$4"
    jqcheck "$2: queue depth $5 on both units" "$T/$2/latest.json" \
        '[.env.disks[] | select(.driver=="'"$2"'") | .max_qd] == ['"$5,$5"']'
}
