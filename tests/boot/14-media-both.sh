#!/usr/bin/env bash
# 14-media-both.sh - one medium for either kind of machine (make iso|img ARCH=both): the x86-64
# image as BOOTX64.EFI and the aarch64 one as BOOTAA64.EFI on the same ISO, booted as a CD by
# OVMF on q35 and by AAVMF on virt (virtio-scsi CD); the disk image with both, booted by AAVMF as
# a virtio disk, saves its results to its ESP as on x86.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/media.bash"
A64=$BUILD/aarch64/barebench.efi
[ -f "$A64" ] || { echo "not ok - $A64 missing (make ARCH=aarch64 efi)"; exit 1; }
M=$(mktemp -d "$T/both.XXXXXX")
trap 'rm -rf "$M"' EXIT

extra=$(cd "$top" && make -s -n iso ARCH=both BUILD="$BUILD" 2>/dev/null | grep -o "MEDIA_EXTRA='[^']*'" | head -1)
check "make iso ARCH=both passes the aarch64 image as BOOTAA64.EFI" \
    test "$extra" = "MEDIA_EXTRA='$BUILD/aarch64/barebench.efi:BOOTAA64.EFI'"
export MEDIA_EXTRA="$A64:BOOTAA64.EFI"
ARGS="$FAST_ARGS tag=both" "$top/image/mkiso.sh" "$EFI" "$M/both.iso" >/dev/null
ARGS="$FAST_ARGS tag=bothimg" "$top/image/mkimg.sh" "$EFI" "$M/both.img" >/dev/null
unset MEDIA_EXTRA
check "img: both boot files on its ESP" \
    bash -c "mdir -i '$M/both.img@@1M' ::/EFI/BOOT 2>/dev/null | grep -q BOOTX64 && mdir -i '$M/both.img@@1M' ::/EFI/BOOT | grep -q BOOTAA64"

boot_media both-x86 1 512M -cdrom "$M/both.iso"
check "x86-64 (OVMF, q35) boots the ISO and powers off" test $? = 0
jqcheck "x86-64: the x86 image ran with the medium's options" "$T/both-x86/latest.json" \
    '.tool.tag == "both" and (.env.cpu.arch // "x86-64") == "x86-64" and (.env.cpu.xcr0 | type) == "string" and (.results | length) > 0'

QEMU=qemu-system-aarch64
qemu_cdrom_args "$M/both.iso"
boot_media both-a64 1 512M "${QEMU_CDROM_ARGS[@]}"
check "aarch64 (AAVMF, virt) boots the same ISO and powers off" test $? = 0
jqcheck "aarch64: the aarch64 image ran with the medium's options" "$T/both-a64/latest.json" \
    '.tool.tag == "both" and .env.cpu.arch == "aarch64" and (.results | length) > 0 and .errors == []'

boot_media both-a64-img 1 512M -drive if=none,id=d0,format=raw,file="$M/both.img" -device virtio-blk-pci,drive=d0
check "aarch64 boots the disk image as a virtio disk and powers off" test $? = 0
jqcheck "aarch64 img: options from its barebench.cfg" "$T/both-a64-img/latest.json" \
    '.tool.tag == "bothimg" and .env.cpu.arch == "aarch64"'
check "aarch64 img: results saved to the ESP" grep -q 'results saved to \\barebench\\results\\bothimg-uefi-' "$T/both-a64-img/console.log"
