#!/usr/bin/env bash
# 52-disk-identity.sh - the marker names the device it was made for: three same-size NVMe
# disks, one marked for its serial (mkscratch --serial), one holding a dd copy of that marker
# (another serial), one with a marker of the old format.  Only the first is written; the copy
# and the old marker are refused with their reasons, and both disks keep every byte.
. "$(dirname "$0")/lib.sh"
MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
D=$(mktemp -d "${TMPDIR:-/tmp}/bb-identity.XXXXXX")
trap 'rm -rf "$D"' EXIT

"$MK" --size 32M --serial bbA --model "QEMU NVMe Ctrl" --label mine "$D/a.img" >/dev/null
yes "another disk of the same model: must never be written" | head -c 32M >"$D/b.img"
dd if="$D/a.img" of="$D/b.img" bs=4096 count=1 conv=notrunc status=none # the copied marker
yes "a disk marked by the old mkscratch" | head -c 32M >"$D/c.img"
python3 "$top/tests/boot/old_marker.py" "$D/c.img"
b_before=$(sha256sum <"$D/b.img") c_before=$(sha256sum <"$D/c.img")

boot disk-identity 1 512M "suite=disk profile=quick reps=1 disk_budget=1M disk_blocks=64K disk_qd=1 min_time_ms=20 disk_write=yes disk=all" \
    -drive if=none,id=a,format=raw,file="$D/a.img" -device nvme,drive=a,serial=bbA \
    -drive if=none,id=b,format=raw,file="$D/b.img" -device nvme,drive=b,serial=bbB \
    -drive if=none,id=c,format=raw,file="$D/c.img" -device nvme,drive=c,serial=bbC
J=$T/disk-identity/latest.json
jqcheck "identity: three NVMe disks of the same size" "$J" \
    '[.env.disks[] | select(.kind=="nvme" and .bytes==33554432 and (.partition|not))] | length == 3'
jqcheck "identity: the disk the marker was made for is the only writable one" "$J" \
    '[.env.disks[] | select(.scratch=="yes") | .serial] == ["bbA"]'
jqcheck "identity: writes only on it" "$J" \
    '(.env.disks | map(select(.serial=="bbA"))[0].index) as $a |
     [.results[] | select(.params.op=="write")] as $w | ($w | length > 0) and all($w[]; .params.disk == $a)'
jqcheck "identity: the copied marker (serial bbB) is refused as made for another device" "$J" \
    '.env.disks[] | select(.serial=="bbB") | .scratch == "no" and (.scratch_why | test("another device") and test("bbA"))'
jqcheck "identity: the old-format marker is refused: run mkscratch again" "$J" \
    '.env.disks[] | select(.serial=="bbC") | .scratch == "no" and (.scratch_why | test("run mkscratch again"))'
check "identity: the disk with the copied marker is unchanged (sha256)" test "$(sha256sum <"$D/b.img")" = "$b_before"
check "identity: the disk with the old marker is unchanged (sha256)" test "$(sha256sum <"$D/c.img")" = "$c_before"
check "identity: the marked disk's marker still checks for its serial" "$MK" --check --serial bbA --model "QEMU NVMe Ctrl" "$D/a.img"
check "identity: ...and not for another one" bash -c "! '$MK' --check --serial bbB '$D/a.img'"
