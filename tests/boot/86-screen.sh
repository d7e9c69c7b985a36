#!/usr/bin/env bash
# 86-screen.sh - the run's end as a person sees it on the VM's screen: boots with a VGA display
# and then=wait, takes the screen with QEMU's monitor (screendump), reads it with OCR
# (tesseract) and checks the one-page summary is there (headline figures, outcome, next step)
# and no JSON is; the serial log still carries the whole document.
. "$(dirname "$0")/lib.sh"
D=$(mktemp -d "$T/screen.XXXXXX")
trap 'rm -rf "$D"' EXIT
sock=$D/monitor.sock

# monitor CMD...: sends each command to QEMU's human monitor on $sock
monitor() {
    python3 - "$sock" "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
time.sleep(0.3)
for cmd in sys.argv[2:]:
    s.sendall(cmd.encode() + b"\n")
    time.sleep(1.5)
try:
    s.recv(65536)
except OSError:
    pass
PY
}

# screen NAME "OPTIONS" [qemu args]: boots with then=wait, waits for the prompt on serial,
# dumps the screen to $D/NAME.ppm and quits QEMU; the text read off it goes to $D/NAME.txt
screen() {
    local name=$1 opts=$2; shift 2
    rm -f "$sock"
    rm -rf "${T:?}/$name" # a serial.log left by an earlier run must not pass for this one
    boot "$name" 2 1G "$opts then=wait" -vga std -monitor "unix:$sock,server,nowait" "$@" &
    local pid=$! ok=0
    for _ in $(seq 1 600); do
        if grep -q "press any key to power off" "$T/$name/serial.log" 2>/dev/null; then ok=1; break; fi
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
    done
    sleep 1  # let the screen settle
    [ "$ok" = 1 ] && monitor "screendump $D/$name.ppm" "quit"
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -s "$D/$name.ppm" ] || return 1
    # 2x scale, grey: tesseract reads the 8x16 firmware font far better that way
    pnmscale 2 "$D/$name.ppm" 2>/dev/null | ppmtopgm 2>/dev/null | pnmtopng >"$D/$name.png" 2>/dev/null
    tesseract "$D/$name.png" "$D/$name" --psm 6 >/dev/null 2>&1
    [ -s "$D/$name.txt" ]
}

"$BUILD/host/mkscratch" --size 32M "$D/scratch.img" >/dev/null
qemu_disk_args virtio "$D/scratch.img"
screen sum "suite=timer,alu,vmcost,mem,disk reps=2 profile=quick mem_max=256M mem_tests=cores,latency disk_blocks=4K,1M disk_qd=1 disk_budget=2M" \
    "${QEMU_DISK_ARGS[@]}"
check "screen taken and read by OCR" test -s "$D/sum.txt"
txt=$D/sum.txt
cp "$D/sum.png" "$T/sum/screen.png" 2>/dev/null; cp "$txt" "$T/sum/screen.txt" 2>/dev/null
check "screen: outcome FINISHED" grep -q "barebench: FINISHED" "$txt"
check "screen: the machine and hypervisor" bash -c "grep -q 'machine:' '$txt' && grep -qi 'hypervisor tcg' '$txt'"
check "screen: timer calibration" grep -Eq "timer: +TSC [0-9.]+ GHz" "$txt"
check "screen: alu FP64 FMA peak with unit" grep -Eq "FP64 FMA peak [0-9.]+ GFLOP/s on 1 core" "$txt"
check "screen: mem DRAM triad and latency with units" \
    bash -c "grep -Eq 'DRAM triad [0-9.]+ GB/s' '$txt' && grep -Eq 'DRAM latency [0-9.]+ ns' '$txt'"
check "screen: vmcost CPUID and HLT wake-up in ns" \
    bash -c "grep -Eq 'CPUID [0-9.]+ ns' '$txt' && grep -Eq 'HLT wake-up [0-9.]+[kKM]? ns' '$txt'"
# (a figure's first field may carry one misread digit: OCR once read 24.7 as "2t.7")
check "screen: disk table with reads and writes of the scratch disk" \
    bash -c "grep -Eq '4K seq.*1M seq' '$txt' && grep -Eq '^0 +virtio +read +[0-9][^ ]* +[0-9.]+ +[0-9.]+' '$txt' && grep -Eq '^0 +virtio +.?.?rite +[0-9][^ ]* +[0-9.]+' '$txt'"
check "screen: where the document went, what happens next" \
    bash -c "grep -q 'document: *JSON on the serial console' '$txt' && grep -q 'next: *waiting for a key' '$txt'"
# what JSON on the screen looks like to OCR: the document's keys and markers (OCR may read a
# bracket as a brace, so single braces inside lines do not count); screen=full below proves it
json_re='(schema|median|samples|params|errors|skipped)[^a-z]{0,3}:|-{3,} *(BEGIN|END) BAREBENCH|^ *[{}],? *$'
check "screen: no JSON on it" bash -c "! grep -Eiq '$json_re' '$txt'"
# the document still reaches serial whole
jqcheck "serial log still carries the whole document" "$T/sum/latest.json" \
    '.schema == "barebench/1" and ([.results[].suite] | unique) == ["alu","disk","mem","timer","vmcost"]'
check "serial log also carries the summary page" grep -q "^  next:      waiting for a key" "$T/sum/console.log"

# screen=full: the document is on the screen too (the summary follows it, no clearing)
screen full "suite=timer reps=3 profile=quick screen=full"
check "screen=full: JSON on the screen" grep -Eiq "$json_re" "$D/full.txt"
cp "$D/full.txt" "$T/full/screen.txt" 2>/dev/null
jqcheck "screen=full: document on serial too" "$T/full/latest.json" '.schema == "barebench/1"'
