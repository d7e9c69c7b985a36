#!/usr/bin/env bash
# 16-linux-disk-safety.sh - the ways around the write guard, tried on the Linux build as a
# careless user would (needs root: losetup, mount): mounted and claimed loop devices (directly
# and through a partition) refused by mkscratch --force and by barebench; --json never a device
# or a disk under test, replaced by rename; mkscratch refusing data files, shrinking, and
# read-only files; an old-format marker; a marker erased mid-batch stops the writes within
# about 250 ms and is recorded as an error naming the device.
# run.sh: lock=alone (a rate window of the Linux build on this machine)
. "$(dirname "$0")/../boot/lib.sh"
BB=${BAREBENCH:-$BUILD/host/barebench}
MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$BB" ] && [ -x "$MK" ] || { echo "not ok - $BB or $MK missing (make host)"; exit 1; }
if [ "$(id -u)" != 0 ]; then echo "not ok - needs root (losetup, mount)"; exit 1; fi
D=$(mktemp -d "${TMPDIR:-/tmp}/bb-safety.XXXXXX")
MNT=$D/mnt MNT2=$D/mnt2 L1= L2=
mkdir -p "$MNT" "$MNT2"
cleanup() {
    mountpoint -q "$MNT" && umount "$MNT"
    mountpoint -q "$MNT2" && umount "$MNT2"
    [ -n "$L1" ] && losetup -d "$L1"
    [ -n "$L2" ] && losetup -d "$L2"
    rm -rf "$D"
}
trap cleanup EXIT
RUN="--suite disk --profile quick --reps 1 --disk_budget 1M --disk_blocks 64K --disk_qd 1 --min_time_ms 20 --disk_write yes"
pattern() { yes "$1" | head -c "$2" >"$3"; }
sum() { sha256sum <"$1"; }
# marker SIZE FILE: a 512-byte marker for a target of SIZE bytes without identity, in FILE
marker() { rm -f "$D/m.img"; "$MK" --size "$1" "$D/m.img" >/dev/null && head -c 512 "$D/m.img" >"$2"; }

# ---- mkscratch on files ----
pattern "vm image data" 16M "$D/vm.img"
before=$(sum "$D/vm.img")
"$MK" "$D/vm.img" >"$D/o1" 2>&1
rc=$?
check "mkscratch: an existing data file without --force is refused" test "$rc" != 0
check "mkscratch: ...saying --force is needed" grep -q -- "--force" "$D/o1"
check "mkscratch: ...and the file is untouched" test "$(sum "$D/vm.img")" = "$before"
"$MK" --force --size 1M "$D/vm.img" >"$D/o2" 2>&1
rc=$?
check "mkscratch: --size smaller than the file is refused, even with --force" test "$rc" != 0
check "mkscratch: ...saying it never shrinks" grep -q "never shrinks" "$D/o2"
check "mkscratch: ...and the file keeps its size and data" test "$(sum "$D/vm.img")" = "$before"
"$MK" --force "$D/vm.img" >/dev/null 2>&1
check "mkscratch: --force marks a data file" "$MK" --check "$D/vm.img"
check "mkscratch: ...keeping its size" test "$(stat -c %s "$D/vm.img")" = 16777216
"$MK" --size 32M "$D/vm.img" >/dev/null 2>&1
check "mkscratch: a scratch file grows without --force" test "$(stat -c %s "$D/vm.img")" = 33554432
check "mkscratch: ...and its marker matches the new size" "$MK" --check "$D/vm.img"

# ---- barebench: read-only files, old-format markers ----
"$MK" --size 4M "$D/ro.img" >/dev/null
chmod 0444 "$D/ro.img"
ro_before=$(sum "$D/ro.img")
"$BB" $RUN --disk "$D/ro.img" --json "$D/ro.json" >/dev/null 2>&1
jqcheck "0444 scratch file: read, never written, with a reason (even as root)" "$D/ro.json" \
    '([.results[] | select(.params.op=="write")] | length == 0) and ([.skipped[] | select(.why | test("read-only"))] | length == 1)'
check "0444 scratch file: unchanged" test "$(sum "$D/ro.img")" = "$ro_before"
"$MK" --size 4M "$D/old.img" >/dev/null
python3 "$top/tests/boot/old_marker.py" "$D/old.img" # a version-1 marker (no identity)
old_before=$(sum "$D/old.img")
"$MK" --check "$D/old.img" >"$D/o3" 2>&1
check "old-format marker: mkscratch --check says to run mkscratch again" grep -q "run mkscratch again" "$D/o3"
"$BB" $RUN --disk "$D/old.img" --json "$D/old.json" >/dev/null 2>&1
jqcheck "old-format marker: not written, the reason says to run mkscratch again" "$D/old.json" \
    '([.results[] | select(.params.op=="write")] | length == 0) and (.env.disks[0].scratch_why | test("run mkscratch again"))'
check "old-format marker: file unchanged" test "$(sum "$D/old.img")" = "$old_before"

# ---- --json ----
pattern "data image" 16M "$D/d.img"
d_before=$(sum "$D/d.img")
"$BB" --suite timer --reps 1 --profile quick --disk "$D/d.img" --json "$D/d.img" >"$D/o4" 2>&1
rc=$?
check "--json naming the --disk file: refused with exit 2" test "$rc" = 2
check "...saying it is the same file as the disk" grep -q "same file as the disk" "$D/o4"
check "...and the disk image is untouched" test "$(sum "$D/d.img")" = "$d_before"
ln -s "$D/d.img" "$D/link.json"
"$BB" --suite timer --reps 1 --profile quick --disk="$D/d.img" --json "$D/link.json" >/dev/null 2>&1
check "--json through a symlink to the disk: refused too" test "$(sum "$D/d.img")" = "$d_before"
echo '{"old": true}' >"$D/res.json"
ln "$D/res.json" "$D/res-link.json"
"$BB" --suite timer --reps 1 --profile quick --json "$D/res.json" >/dev/null 2>&1
jqcheck "--json replaces an existing file with the new document" "$D/res.json" '.schema == "barebench/1"'
jqcheck "...by rename, not by truncating it in place (a hard link keeps the old one)" "$D/res-link.json" '.old == true'
check "...leaving no temporary file behind" test "$(ls "$D" | grep -c 'res.json.')" = 0

# ---- loop device 1: GPT, partition 1 ext4 mounted, partition 2 free (kernels with GPT) ----
truncate -s 64M "$D/gpt.img"
sgdisk -o -n 1:2048:+30M -t 1:8300 -n 2:0:0 -t 2:8300 "$D/gpt.img" >/dev/null
L1=$(losetup -f -P --show "$D/gpt.img")
for i in $(seq 20); do [ -e "/sys/class/block/${L1#/dev/}/${L1#/dev/}p2" ] && break; sleep 0.1; done
if [ ! -e "/sys/class/block/${L1#/dev/}/${L1#/dev/}p2" ]; then
    echo "# skipped: this kernel reads no partition tables (CONFIG_EFI_PARTITION unset): the mounted-partition cases did not run"
else
    P1=$D/p1 P2=$D/p2 # own device nodes: no udev needed
    mknod "$P1" b $(tr : ' ' <"/sys/class/block/${L1#/dev/}p1/dev")
    mknod "$P2" b $(tr : ' ' <"/sys/class/block/${L1#/dev/}p2/dev")
    mkfs.ext4 -q -F "$P1" && mount "$P1" "$MNT" && pattern "file system data" 8M "$MNT/keep.txt" && sync
    keep_before=$(sum "$MNT/keep.txt")
    "$MK" --force "$P1" >"$D/o5" 2>&1
    rc=$?
    check "mkscratch --force on a mounted partition: refused" test "$rc" != 0
    check "...naming the mount" grep -q "mounted on $MNT" "$D/o5"
    "$MK" --force "$L1" >"$D/o6" 2>&1
    rc=$?
    check "mkscratch --force on the disk holding a mounted partition: refused" test "$rc" != 0
    check "...with the reason" grep -Eq "in use|mounted" "$D/o6"
    check "mkscratch --force on the free partition 2 marks it" bash -c "'$MK' --force '$P2' >/dev/null && '$MK' --check '$P2'"
    # a marker copied onto the whole disk (same size) while partition 1 is mounted
    marker "$(blockdev --getsize64 "$L1")" "$D/m1"
    dd if="$D/m1" of="$L1" bs=512 count=1 conv=notrunc status=none
    "$BB" $RUN --disk "$L1" --json "$D/l1.json" >/dev/null 2>&1
    jqcheck "barebench: a marked disk with a mounted partition is read, never written" "$D/l1.json" \
        '([.results[] | select(.params.op=="read")] | length > 0) and ([.results[] | select(.params.op=="write")] | length == 0)'
    jqcheck "...with the reason (in use / mounted)" "$D/l1.json" '.env.disks[0].scratch_why | test("in use|mounted")'
    check "the mounted file system's data survived" test "$(sum "$MNT/keep.txt")" = "$keep_before"
    umount "$MNT"
    check "...and e2fsck finds it clean" e2fsck -fn "$P1"
fi

# ---- loop device 2: ext4 on the whole device, a marker in its unused first 512 bytes, mounted ----
truncate -s 32M "$D/whole.img"
mkfs.ext4 -q -F "$D/whole.img"
marker 33554432 "$D/m2"
dd if="$D/m2" of="$D/whole.img" bs=512 count=1 conv=notrunc status=none
L2=$(losetup -f --show "$D/whole.img")
mount "$L2" "$MNT2" && pattern "more data" 4M "$MNT2/keep.txt" && sync
"$MK" --force "$L2" >"$D/o8" 2>&1
rc=$?
check "mkscratch --force on a mounted device: refused" test "$rc" != 0
check "...naming the mount" grep -q "mounted on $MNT2" "$D/o8"
l2_before=$(sum "$L2")
"$BB" --suite timer --reps 1 --profile quick --json "$L2" >"$D/o7" 2>&1
rc=$?
check "--json naming a block device: refused with exit 2" test "$rc" = 2
check "...saying it is a block device" grep -q "block device" "$D/o7"
check "...and the device is untouched" test "$(sum "$L2")" = "$l2_before"
"$BB" $RUN --disk "$L2" --json "$D/l2.json" >/dev/null 2>&1
jqcheck "barebench: a marked but mounted device is never written, with the reason" "$D/l2.json" \
    '([.results[] | select(.params.op=="write")] | length == 0) and (.env.disks[0].scratch_why | test("in use|mounted"))'
umount "$MNT2"
check "...and its file system is clean" e2fsck -fn "$L2"

# ---- a marker erased during a write batch ----
# bytes written are counted by the kernel (/proc/PID/io wchar: every pwrite of the QD1 path)
E=$D/erase.img
"$MK" --size 256M "$E" >/dev/null
# one repetition of 49152 random 4K writes (about 3 s at 15k IOPS here), sized by the budget
"$BB" --suite disk --profile quick --reps 1 --disk_tests rand_write --disk_qd 1 --min_time_ms 60000 \
    --disk_budget 192M --disk_write yes --disk "$E" --json "$D/erase.json" >"$D/erase.out" 2>&1 &
pid=$!
wchar() { awk '/^wchar/ {print $2}' "/proc/$pid/io" 2>/dev/null; }
for i in $(seq 400); do [ "$(wchar)" -gt 1048576 ] 2>/dev/null && break; sleep 0.05; done
w0=$(wchar); sleep 0.25; w1=$(wchar) # a quarter second of writes with the marker present
dd if=/dev/zero of="$E" bs=512 count=1 conv=notrunc status=none # another process erases it
we=$(wchar) wl=$we
while kill -0 $pid 2>/dev/null; do w=$(wchar); [ -n "$w" ] && wl=$w; sleep 0.01; done
wait $pid
rate=$(( (${w1:-0} - ${w0:-0}) * 4 )) leak=$((wl - we - $(stat -c %s "$D/erase.out") - $(stat -c %s "$D/erase.json")))
echo "# marker erased mid-batch: ${rate} bytes/s before, at most ${leak} bytes written after the erasure"
check "erased mid-batch: writes were running (rate > 0)" test "$rate" -gt 0
# the guard re-reads the marker every ~250 ms (paced by the previous chunk, so a slower chunk
# runs a little longer): allow 0.75 s of writes; without the re-reads the rest of the batch ran
check "erased mid-batch: at most ~0.75 s of writes after the erasure (not the rest of the batch)" \
    test "$leak" -le $((rate * 3 / 4 + 262144))
jqcheck "erased mid-batch: recorded as an error naming the device" "$D/erase.json" \
    "[.errors[] | select(.what | test(\"marker vanished\") and test(\"$E\"))] | length == 1"
