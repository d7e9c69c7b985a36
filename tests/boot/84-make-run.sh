#!/usr/bin/env bash
# 84-make-run.sh - `make run` as a new user meets it: the collector example of docs/FLEET.md (start
# barebench-collect --key-file, `make run ARGS="upload=http://10.0.2.2:PORT/ upload_key=..."`: a NIC is attached by itself
# and the document lands in the collector's directory); NET=none and DISKS=none attach nothing;
# the default scratch disk is created filled with data, marked, and marked again when needed.
# run.sh: lock=scratch (make run's build/scratch.img)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/collector.bash"
D=$(mktemp -d "$T/make-run.XXXXXX")
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$D"; }
trap cleanup EXIT

# the default scratch disk, made and repaired by the function make run uses
img=$D/scratch.img
default_scratch_disk "$img" "$BUILD/host/mkscratch" 2>"$D/mk.log"
check "default scratch disk: 256 MiB, scratch-marked" \
    bash -c "test \$(stat -c %s '$img') = 268435456 && '$BUILD/host/mkscratch' --check '$img'"
check "default scratch disk: filled, not sparse (all blocks allocated)" \
    test "$(( $(stat -c '%b * %B' "$img") ))" -ge 268435456
check "default scratch disk: incompressible (gzip saves under 1%)" \
    test "$(head -c 8M "$img" | gzip -1 | wc -c)" -gt "$(( 8 * 1024 * 1024 * 99 / 100 ))"
dd if=/dev/zero of="$img" bs=4096 count=1 conv=notrunc status=none
default_scratch_disk "$img" "$BUILD/host/mkscratch" 2>"$D/mk2.log"
check "default scratch disk: marker lost -> marked again, said so" \
    bash -c "'$BUILD/host/mkscratch' --check '$img' && grep -q 'marking it again' '$D/mk2.log'"

# the collector example of docs/FLEET.md, signed as it suggests (--key-file + upload_key=), with
# a free port and short suites
DISKOPTS="disk_blocks=4K,64K disk_qd=1 disk_budget=1M"
mkdir -p "$D/results"
openssl rand -hex 32 >"$D/fleet.key"
start_collector "$D/collector.log" --dir "$D/results" --key-file "$D/fleet.key"
check "collector started (signed uploads only)" grep -q "signed uploads only" "$D/collector.log"
make -s -C "$top" run BUILD="$BUILD" RUN_OUT="$D/run" \
    ARGS="upload=http://10.0.2.2:$PORT/ upload_key=$(cat "$D/fleet.key") suite=timer,disk reps=2 $DISKOPTS" \
    >"$D/run.log" 2>&1
rc=$?
check "make run with upload= and upload_key=: exit 0" test "$rc" = 0
check "the run signed its upload, and the key shows nowhere in what it printed" \
    bash -c "grep -q 'signed with the fleet key' '$D/run/console.log' && ! grep -rqF '$(cat "$D/fleet.key")' '$D/run' '$D/run.log'"
check "make run attached a user-mode NIC by itself" grep -q "net=user" "$D/run.log"
check "make run attached the default scratch disk" grep -q "disks=$BUILD/scratch.img (virtio" "$D/run.log"
check "console says uploaded with HTTP 201" grep -q "^results uploaded to http://10.0.2.2:$PORT/: HTTP 201" "$D/run/console.log"
f=$(ls "$D/results"/*.json 2>/dev/null | head -1)
check "the document landed in the collector's directory" test -n "$f"
check "stored document equals the one make run took from serial" \
    cmp -s <(head -c -1 "$D/run/latest.json") "$f"
jqcheck "make run's default disk: a virtio scratch disk with seq_read and seq_write entries" "$D/run/latest.json" \
    '([.env.disks[] | select(.kind == "virtio" and .scratch == "yes")] | length == 1) and
     ([.results[] | select(.suite == "disk" and .params.disk_kind == "virtio") | .test] | index("seq_read") and index("seq_write"))'

# NET=none refuses a NIC even with upload=; DISKS=none attaches no disk
make -s -C "$top" run BUILD="$BUILD" RUN_OUT="$D/none" NET=none DISKS=none \
    ARGS="upload=http://10.0.2.2:$PORT/ suite=timer,disk reps=2 $DISKOPTS" >"$D/none.log" 2>&1
rc=$?
check "NET=none DISKS=none: exit 0" test "$rc" = 0
check "NET=none: no NIC, the upload says so" grep -q "^results not uploaded to .*: no network interface" "$D/none/console.log"
jqcheck "DISKS=none: the disk suite ran and found no virtio disk" "$D/none/latest.json" \
    '(.env.disks | type == "array") and ([.env.disks[] | select(.kind == "virtio")] | length == 0)'
make -s -C "$top" run BUILD="$BUILD" RUN_OUT="$D/bad" NET=wifi ARGS="suite=timer" >"$D/bad.log" 2>&1
rc=$?
check "NET=wifi: refused with a message" bash -c "test $rc != 0 && grep -q \"NET must be user or none (got 'wifi')\" '$D/bad.log'"
