#!/usr/bin/env bash
# 17-mkscratch-errors.sh - mkscratch when it cannot do its job: every failure names its real cause
# (a failed allocation its errno, not a stale one), leaves no new file behind (one it created is
# removed, one it grew gets its old size back, an existing one is never removed), a --size the
# file system cannot hold is refused before anything is created, a fill interrupted by SIGTERM
# is cleaned up, and --check on a FIFO, a directory, a socket or a character device is refused
# at once, naming what it is.  The failing allocation comes from ulimit -f (EFBIG).
. "$(dirname "$0")/../boot/lib.sh"
MK=${MKSCRATCH:-$BUILD/host/mkscratch}
[ -x "$MK" ] || { echo "not ok - $MK missing (make host)"; exit 1; }
D=$(mktemp -d "$T/mkscratch.XXXXXX")
sum() { sha256sum <"$1"; }

# ---- a failed posix_fallocate (over ulimit -f: EFBIG) ----
(ulimit -f 256; "$MK" --size 1M "$D/new.img") >"$D/o1" 2>&1
rc=$?
check "failed allocation: exit 1" test "$rc" = 1
check "...naming the real cause: File too large, the ulimit -f limit" \
    grep -q "new.img: cannot allocate its space: File too large (the file size limit of this process, ulimit -f, is 262144 bytes)" "$D/o1"
check "...never a stale errno (No such file or directory)" bash -c "! grep -q 'No such file' '$D/o1'"
check "...and the file it created is removed" test ! -e "$D/new.img"
check "a rerun is not blocked by debris: it marks the file" bash -c "'$MK' --size 1M '$D/new.img' && '$MK' --check '$D/new.img'"

before=$(sum "$D/new.img")
(ulimit -f 1536; "$MK" --size 2M "$D/new.img") >"$D/o2" 2>&1
rc=$?
check "growing an existing scratch file fails: exit 1, naming the cause" \
    bash -c "test $rc = 1 && grep -q 'cannot allocate its space: File too large' '$D/o2'"
check "...the file is kept, with its size, data and marker" \
    bash -c "test -e '$D/new.img' && test \$(stat -c %s '$D/new.img') = 1048576 && test '$(sum "$D/new.img")' = '$before' && '$MK' --check '$D/new.img'"

yes "precious data" | head -c 100000 >"$D/data.bin"
before=$(sum "$D/data.bin")
(ulimit -f 512; "$MK" --force --size 1M "$D/data.bin") >"$D/o3" 2>&1
rc=$?
check "an existing data file (--force) that cannot grow: exit 1, the file never removed" \
    bash -c "test $rc = 1 && test '$(sum "$D/data.bin")' = '$before'"

# ---- sizes refused before anything is created ----
fs_bytes=$(( $(stat -f -c '%b * %S' "$D") ))
"$MK" --size $((fs_bytes + (1 << 30))) "$D/big.img" >"$D/o4" 2>&1
rc=$?
check "--size over the file system's free space: refused up front (exit 2), saying so" \
    bash -c "test $rc = 2 && grep -q 'bytes free: refused, nothing written' '$D/o4'"
check "...no file created (not even an empty one)" test ! -e "$D/big.img"
"$MK" --size 9000000000G "$D/huge.img" >"$D/o5" 2>&1
rc=$?
check "absurd --size (9000000000G): refused up front, saying why" \
    bash -c "test $rc = 2 && grep -q 'larger than any file can be' '$D/o5'"
check "...no file created" test ! -e "$D/huge.img"
"$MK" "$D/empty.img" >"$D/o6" 2>&1
check "a new file without --size: refused, and no empty file left" \
    bash -c "grep -q 'use --size' '$D/o6' && test ! -e '$D/empty.img'"

# ---- interrupted: SIGTERM during the fill of a new file ----
"$MK" --size 2G "$D/slow.img" >"$D/o7" 2>&1 &
mk=$!
for _ in $(seq 200); do [ -e "$D/slow.img" ] && break; sleep 0.01; done
kill -TERM "$mk"
wait "$mk"
rc=$?
check "SIGTERM during the fill: exit 1, saying it was interrupted" \
    bash -c "test $rc = 1 && grep -q 'interrupted (signal 15) before it was marked' '$D/o7'"
check "...and the unfinished file is removed" test ! -e "$D/slow.img"

# ---- --check and marking on what cannot be a scratch target: at once, naming it ----
mkfifo "$D/fifo"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$D/sock"
for t in "fifo:a FIFO:$D/fifo" "dir:a directory:$D" "socket:a socket:$D/sock" "chardev:a character device:/dev/null"; do
    name=${t%%:*} rest=${t#*:}; what=${rest%%:*} path=${rest#*:}
    timeout 5 "$MK" --check "$path" >"$D/c-$name" 2>&1
    rc=$?
    check "--check on $what: refused at once (exit 1, not a hang), saying it is $what" \
        bash -c "test $rc = 1 && grep -q 'is $what: only a file, disk image or block device' '$D/c-$name'"
done
timeout 5 "$MK" --force "$D/fifo" >"$D/m-fifo" 2>&1
rc=$?
check "marking a FIFO: refused at once, saying it is a FIFO" \
    bash -c "test $rc = 2 && grep -q 'is a FIFO, neither a regular file nor a block device' '$D/m-fifo'"
rm -rf "$D"
