#!/usr/bin/env bash
# 62-bios.sh - the ISO (as a CD) and the disk image (as a disk), booted by a legacy BIOS (QEMU
# -machine pc, SeaBIOS): the boot sector says on COM1 and on the screen (read back with OCR from
# a screendump) that barebench needs UEFI and how to switch; a key press reboots.
. "$(dirname "$0")/lib.sh"
BIOS_SECTOR=${BIOS_SECTOR:-$BUILD/bios/nouefi.bin}
M=$(mktemp -d)
trap 'rm -rf "$M"' EXIT

check "BIOS boot sector fits the 440-byte MBR boot code area" test "$(stat -c %s "$BIOS_SECTOR")" -le 440
BIOS_SECTOR=$BIOS_SECTOR "$top/image/mkiso.sh" "$EFI" "$M/bb.iso" >/dev/null
BIOS_SECTOR=$BIOS_SECTOR "$top/image/mkimg.sh" "$EFI" "$M/bb.img" >/dev/null
check "ISO: GPT still verifies with the BIOS MBR code" sgdisk -v "$M/bb.iso"
check "IMG: GPT still verifies with the BIOS MBR code" sgdisk -v "$M/bb.img"
check "ISO has a BIOS and a UEFI El Torito entry" bash -c \
    "xorriso -indev '$M/bb.iso' -report_el_torito plain 2>/dev/null | grep -q 'boot img :   1  BIOS' &&
     xorriso -indev '$M/bb.iso' -report_el_torito plain 2>/dev/null | grep -q 'boot img :   2  UEFI'"

# monitor CMD...: sends commands to the QEMU monitor socket $M/NAME.mon
monitor() {
    local sock=$1; shift
    python3 - "$sock" "$@" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(0.2)
for c in sys.argv[2:]:
    s.sendall((c + "\n").encode()); time.sleep(0.5)
PY
}

# bios_boot NAME MEDIUM-ARGS...: boots on SeaBIOS with VGA + COM1 to a file; waits (bounded)
# for the message on COM1, takes the screen, OCRs it, then presses a key; QEMU must exit
# (-no-reboot turns the reboot into an exit).
bios_boot() {
    local name=$1; shift
    local d=$M/$name; mkdir -p "$d"
    $QEMU -machine pc -accel tcg -m 128 -display none -vga std -no-reboot -net none \
        -serial "file:$d/com1.log" -monitor "unix:$d/mon,server,nowait" "$@" >"$d/qemu.err" 2>&1 &
    local pid=$! i
    for i in $(seq 1 300); do
        grep -q "next boot device" "$d/com1.log" 2>/dev/null && break
        kill -0 $pid 2>/dev/null || break
        sleep 0.2
    done
    sleep 1
    monitor "$d/mon" "screendump $d/screen.ppm"
    pnmtopng "$d/screen.ppm" >"$d/screen.png" 2>/dev/null && tesseract "$d/screen.png" "$d/screen" >/dev/null 2>&1
    monitor "$d/mon" "sendkey ret"
    for i in $(seq 1 100); do kill -0 $pid 2>/dev/null || break; sleep 0.2; done
    if kill -0 $pid 2>/dev/null; then kill $pid; wait $pid 2>/dev/null; echo running >"$d/after_key"
    else wait $pid 2>/dev/null; echo exited >"$d/after_key"; fi
}

for kind in iso img; do
    if [ $kind = iso ]; then bios_boot $kind -cdrom "$M/bb.iso"
    else bios_boot $kind -drive "if=ide,format=raw,file=$M/bb.img"; fi
    d=$M/$kind
    check "$kind on BIOS: COM1 says barebench needs UEFI" grep -q "barebench needs UEFI firmware" "$d/com1.log"
    check "$kind on BIOS: COM1 says how to switch a VM and a server" \
        bash -c "grep -q 'firmware to EFI/UEFI' '$d/com1.log' && grep -q 'boot mode UEFI' '$d/com1.log'"
    check "$kind on BIOS: the screen (OCR) says barebench needs UEFI" grep -qi "barebench needs UEFI" "$d/screen.txt"
    check "$kind on BIOS: the screen (OCR) says what a key does" grep -qi "Press a key to reboot" "$d/screen.txt"
    check "$kind on BIOS: a key press reboots (QEMU exits with -no-reboot)" grep -q exited "$d/after_key"
done
