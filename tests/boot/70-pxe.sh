#!/usr/bin/env bash
# 70-pxe.sh - network boot as on a rack: OVMF boots Debian's ipxe.efi (BOOTX64.EFI on a small FAT
# disk), QEMU user networking's DHCP hands it http://10.0.2.2:PORT/racks/a/boot.ipxe, iPXE fetches
# the script and (by its relative URL) barebench.efi from a python3 http.server on 127.0.0.1,
# and the options on the script's chain line reach the run.  Also the other launcher that puts
# the program's name before the options: the UEFI shell (startup.nsh), name typed without .efi.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/media.bash"
P=$T/pxe-root
rm -rf "$P"; mkdir -p "$P/www/racks" "$P/esp/EFI/BOOT"
OPTS="$FAST_ARGS tag=pxe-ci then=shutdown"

# the bundle lives below a sub-directory of the HTTP root: relative URLs must still work
ARGS="$OPTS" "$top/image/mkpxe.sh" "$EFI" "$P/www/racks/a" >/dev/null
check "pxe bundle: barebench.efi, boot.ipxe, ipxe.efi, snponly.efi, dnsmasq.conf" \
    test -s "$P/www/racks/a/barebench.efi" -a -s "$P/www/racks/a/boot.ipxe" -a -s "$P/www/racks/a/ipxe.efi" \
         -a -s "$P/www/racks/a/snponly.efi" -a -s "$P/www/racks/a/dnsmasq.conf"
cp "$P/www/racks/a/ipxe.efi" "$P/esp/EFI/BOOT/BOOTX64.EFI"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$P/www" "$port" >"$P/http.log" 2>&1 &
http_pid=$!
trap 'kill "$http_pid" 2>/dev/null; wait "$http_pid" 2>/dev/null' EXIT
for _ in $(seq 50); do
    python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/racks/a/boot.ipxe')" 2>/dev/null && break
    sleep 0.1
done

QEMU_NET=1 boot_media pxe 1 512M \
    -drive if=none,id=f0,format=raw,file=fat:"$P/esp",readonly=on -device virtio-blk-pci,drive=f0 \
    -netdev user,id=n0,bootfile=http://10.0.2.2:$port/racks/a/boot.ipxe \
    -device virtio-net-pci,netdev=n0,romfile=
rc=$?
check "pxe: iPXE boots barebench, which powers off (QEMU exit 0)" test "$rc" = 0
check "pxe: iPXE fetched boot.ipxe over HTTP" grep -q '"GET /racks/a/boot.ipxe HTTP/1.[01]" 200' "$P/http.log"
check "pxe: barebench.efi fetched by the relative URL" grep -q '"GET /racks/a/barebench.efi HTTP/1.[01]" 200' "$P/http.log"
jqcheck "pxe: the chain line's options reached the run (program name skipped)" "$T/pxe/latest.json" \
    ".tool.command_line == \"$OPTS\" and .tool.tag == \"pxe-ci\" and .tool.suites == \"timer\" and .tool.reps == 2"
jqcheck "pxe: the timer suite ran" "$T/pxe/latest.json" '(.results | length) > 0 and .errors == []'
check "pxe: closing banner printed last" banner_last pxe

# --- UEFI shell: no boot file on the disk, so OVMF falls through to its shell, which runs
# startup.nsh (after a 5 s countdown); LoadOptions then hold "barebench profile=..." as typed
S=$T/shell-root
rm -rf "$S"; mkdir -p "$S/d/tools"
cp "$EFI" "$S/d/tools/barebench.efi"
printf 'fs0:\r\ncd tools\r\nbarebench %s tag=shell\r\n' "$FAST_ARGS" >"$S/d/startup.nsh"
boot_media shell 1 512M -drive if=none,id=f0,format=raw,file=fat:"$S/d",readonly=on -device virtio-blk-pci,drive=f0
rc=$?
check "uefi shell: barebench started from startup.nsh powers off" test "$rc" = 0
jqcheck "uefi shell: program name typed without .efi is skipped, options reach the run" "$T/shell/latest.json" \
    ".tool.command_line == \"$FAST_ARGS tag=shell\" and .tool.tag == \"shell\" and (.results | length) > 0"
