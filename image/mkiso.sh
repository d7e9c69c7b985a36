#!/usr/bin/env bash
# mkiso.sh - builds the UEFI El Torito ISO: a FAT boot image (EFI_BOOT_NAME, e.g. BOOTX64.EFI, + barebench.cfg)
# appended as GPT partition 2 (type EF00), so the same file boots as CD-ROM and, dd'd, as disk/USB.
#   image/mkiso.sh BAREBENCH.EFI OUT.iso        (env ARGS: options baked into barebench.cfg;
#                                                BIOS_SECTOR: a BIOS El Torito entry + MBR code;
#                                                EFI_BOOT_NAME: the boot file, default BOOTX64.EFI)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/image-lib.sh"

efi=${1:?usage: mkiso.sh BAREBENCH.EFI OUT.iso}
out=${2:?usage: mkiso.sh BAREBENCH.EFI OUT.iso}
[ -f "$efi" ] || die "$efi not found (make efi)"
need xorriso mkfs.vfat mmd mcopy
check_args "${ARGS:-}"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# FAT image: the program plus 1 MiB of room, at least 2 MiB (KiB units for mkfs.vfat -C)
kb=$(( (($(stat -c %s "$efi") + $(extra_bytes)) / 1024) + 1024 ))
[ "$kb" -lt 2048 ] && kb=2048
mkfs.vfat -C -n BAREBENCH "$tmp/efiboot.img" "$kb" >/dev/null || die "mkfs.vfat failed"
write_cfg "$tmp/barebench.cfg" "${ARGS:-}"
fat_fill "$tmp/efiboot.img" "$efi" "$tmp/barebench.cfg"

mkdir -p "$tmp/root"
cat >"$tmp/root/README.TXT" <<'TXT'
barebench - bare-metal benchmark, UEFI only.  The program and \barebench\barebench.cfg live in
the FAT boot image (GPT partition 2 / El Torito image) of this medium, not in this ISO 9660 tree.
TXT
bios=()
if [ -n "${BIOS_SECTOR:-}" ]; then
    # a legacy BIOS boots this El Torito entry (CD) or the MBR code (stick): both only say
    # that barebench needs UEFI.  Padded to the 4 sectors a no-emulation entry loads.
    mkdir -p "$tmp/root/boot"
    cp "$BIOS_SECTOR" "$tmp/root/boot/nouefi.bin"
    truncate -s 2048 "$tmp/root/boot/nouefi.bin"
    head -c 440 "$BIOS_SECTOR" >"$tmp/mbr.bin"
    bios=(-G "$tmp/mbr.bin" -b boot/nouefi.bin -no-emul-boot -boot-load-size 4 -eltorito-alt-boot)
fi
mkdir -p "$(dirname "$out")"
if ! xorriso -as mkisofs -o "$out" -V BAREBENCH \
        "${bios[@]}" -append_partition 2 0xef "$tmp/efiboot.img" -appended_part_as_gpt \
        -e --interval:appended_partition_2:all:: -no-emul-boot "$tmp/root" 2>"$tmp/xorriso.log"; then
    cat "$tmp/xorriso.log" >&2
    die "xorriso failed to write $out"
fi
echo "built $out ($(stat -c %s "$out") bytes)${ARGS:+, barebench.cfg: $ARGS}"
