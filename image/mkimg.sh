#!/usr/bin/env bash
# mkimg.sh - builds the USB/VM disk image: GPT with one FAT32 EFI system partition holding
# EFI/BOOT/$EFI_BOOT_NAME (BOOTX64.EFI), \barebench\barebench.cfg and \barebench\results\ (results are written back there).
#   image/mkimg.sh BAREBENCH.EFI OUT.img       (env ARGS: baked-in options; IMG_MB: size, default 64;
#                                               BIOS_SECTOR: boot code for the protective MBR)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/image-lib.sh"

efi=${1:?usage: mkimg.sh BAREBENCH.EFI OUT.img}
out=${2:?usage: mkimg.sh BAREBENCH.EFI OUT.img}
mb=${IMG_MB:-64}
[ -f "$efi" ] || die "$efi not found (make efi)"
[ "$mb" -ge 40 ] 2>/dev/null || die "IMG_MB must be a number >= 40 (FAT32 needs room), got '$mb'"
need sgdisk mkfs.vfat mmd mcopy
check_args "${ARGS:-}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$(dirname "$out")"
rm -f "$out"
truncate -s "${mb}M" "$out"
sgdisk -o "$out" >/dev/null || die "sgdisk could not write a GPT to $out"
sgdisk -n 1:2048:0 -t 1:EF00 -c 1:BAREBENCH "$out" >/dev/null || die "sgdisk could not add the ESP"
first=$(sgdisk -i 1 "$out" | sed -n 's/^First sector: \([0-9]*\).*/\1/p')
last=$(sgdisk -i 1 "$out" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
[ -n "$first" ] && [ -n "$last" ] || die "cannot read the ESP's extent from $out"
# the file system is made in a separate file and copied in: mformat on the disk would
# clobber the backup GPT (see DESIGN.md)
mkfs.vfat -F 32 -n BAREBENCH -C "$tmp/esp.img" $(( (last - first + 1) / 2 )) >/dev/null \
    || die "mkfs.vfat failed"
write_cfg "$tmp/barebench.cfg" "${ARGS:-}"
fat_fill "$tmp/esp.img" "$efi" "$tmp/barebench.cfg"
dd if="$tmp/esp.img" of="$out" bs=512 seek="$first" conv=notrunc,sparse status=none \
    || die "dd of the ESP into $out failed"
if [ -n "${BIOS_SECTOR:-}" ]; then
    # a legacy BIOS runs the protective MBR's boot code: it says that barebench needs UEFI
    [ "$(stat -c %s "$BIOS_SECTOR")" -le 440 ] || die "$BIOS_SECTOR is larger than 440 bytes"
    dd if="$BIOS_SECTOR" of="$out" bs=1 count=440 conv=notrunc status=none \
        || die "writing the BIOS boot code into $out failed"
fi
sgdisk -v "$out" >/dev/null || die "the GPT of $out does not verify"
echo "built $out (${mb} MiB, ESP at sector $first)${ARGS:+, barebench.cfg: $ARGS}"
