#!/usr/bin/env bash
# 60-iso-img.sh - delivery media under QEMU+OVMF: a Secure-Boot-signed image (sbverify) put on
# an ISO booted as AHCI CD-ROM and as a USB stick (hybrid); the disk image booted as virtio and
# NVMe with results written back to its ESP (read with mtools); a config typo fails cleanly.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/media.bash"
M=$T/media
# the media carry the BIOS boot sector as `make iso/img` builds them: UEFI boots must not mind it
export BIOS_SECTOR=${BIOS_SECTOR:-$BUILD/bios/nouefi.bin}
rm -rf "$M"; mkdir -p "$M"

# --- Secure Boot signing with a throwaway key
openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj "/CN=barebench test db/" \
    -keyout "$M/db.key" -out "$M/db.crt" >/dev/null 2>&1
openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 1 -subj "/CN=someone else/" \
    -keyout "$M/other.key" -out "$M/other.crt" >/dev/null 2>&1
cp "$EFI" "$M/barebench.efi"
check "sign: image/sign.sh signs the image in place" "$top/image/sign.sh" "$M/db.key" "$M/db.crt" "$M/barebench.efi"
check "sign: sbverify --cert passes" sbverify --cert "$M/db.crt" "$M/barebench.efi"
check "sign: sbverify with another certificate fails" bash -c "! sbverify --cert '$M/other.crt' '$M/barebench.efi'"
"$top/image/sign.sh" "$M/db.key" "$M/db.crt" "$M/barebench.efi" >/dev/null 2>&1
check "sign: signing twice leaves one signature" bash -c "sbverify --list '$M/barebench.efi' | grep -c '^signature [0-9]' | grep -qx 1"

# --- Secure Boot enforced: OVMF with Debian's snakeoil keys enrolled runs the image signed with
# that key and refuses the unsigned one (skipped where the ovmf package lacks them)
SB_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd SB_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
SB_KEY=/usr/share/ovmf/PkKek-1-snakeoil.key SB_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
if [ -f "$SB_CODE" ] && [ -f "$SB_VARS" ] && [ -f "$SB_KEY" ] && [ -f "$SB_CERT" ]; then
    openssl pkey -in "$SB_KEY" -passin pass:snakeoil -out "$M/snakeoil.key" 2>/dev/null
    cp "$EFI" "$M/sb.efi"
    "$top/image/sign.sh" "$M/snakeoil.key" "$SB_CERT" "$M/sb.efi" >/dev/null 2>&1
    ARGS="$FAST_ARGS tag=secureboot" "$top/image/mkiso.sh" "$M/sb.efi" "$M/sb.iso" >/dev/null
    ARGS="$FAST_ARGS tag=secureboot" "$top/image/mkiso.sh" "$EFI" "$M/unsigned.iso" >/dev/null
    OVMF_CODE=$SB_CODE OVMF_VARS=$SB_VARS boot_media sb-signed 1 512M -machine smm=on \
        -global driver=cfi.pflash01,property=secure,value=on -cdrom "$M/sb.iso"
    rc=$?
    check "secure boot on: the signed image runs and powers off" test "$rc" = 0
    jqcheck "secure boot on: results of the signed image" "$T/sb-signed/latest.json" '.tool.tag == "secureboot" and (.results | length) > 0'
    # refused at once; the firmware then waits for a key: end the boot once it has said so
    OVMF_CODE=$SB_CODE OVMF_VARS=$SB_VARS boot_media_until sb-unsigned "Access Denied" 120 1 512M \
        -machine smm=on -global driver=cfi.pflash01,property=secure,value=on -cdrom "$M/unsigned.iso"
    check "secure boot on: the unsigned image is refused (Access Denied)" grep -q "failed to load Boot.*Access Denied" "$T/sb-unsigned/console.log"
    check "secure boot on: nothing of the unsigned image ran" bash -c "! grep -q '^barebench' '$T/sb-unsigned/console.log'"
else
    echo "# skipped Secure Boot boots: OVMF snakeoil firmware/keys not installed"
fi

# --- ISO (built from the signed program): AHCI CD-ROM, then the same file as a USB stick
ARGS="$FAST_ARGS tag=iso" "$top/image/mkiso.sh" "$M/barebench.efi" "$M/barebench.iso" >/dev/null
check "iso: GPT with an EFI system partition" bash -c "sgdisk -p '$M/barebench.iso' | grep -q ' EF00 '"
start=$(sgdisk -p "$M/barebench.iso" 2>/dev/null | awk '$6 == "EF00" { print $2; exit }')
MTOOLS_SKIP_CHECK=1 mcopy -i "$M/barebench.iso@@$((start * 512))" ::/EFI/BOOT/BOOTX64.EFI "$M/iso-boot.efi" 2>/dev/null
check "iso: carries the signed program (sbverify)" sbverify --cert "$M/db.crt" "$M/iso-boot.efi"

boot_media iso-cd 1 512M -cdrom "$M/barebench.iso"
rc=$?
check "iso as AHCI CD-ROM: runs and powers off (QEMU exit 0)" test "$rc" = 0
jqcheck "iso as CD-ROM: baked-in barebench.cfg reached the run" "$T/iso-cd/latest.json" \
    '.tool.tag == "iso" and .tool.suites == "timer" and .tool.reps == 2 and .tool.profile == "quick" and (.results | length) > 0'
check "iso as CD-ROM: read-only medium reported, not an error" grep -q "file:      not saved: the boot volume is read-only" "$T/iso-cd/console.log"
check "iso as CD-ROM: closing banner printed last" banner_last iso-cd

# the stick's image also asks for then=reboot (QEMU runs with -no-reboot, so it exits)
ARGS="$FAST_ARGS tag=usb then=reboot" "$top/image/mkiso.sh" "$M/barebench.efi" "$M/stick.img" >/dev/null
boot_media iso-usb 1 512M -device qemu-xhci -drive if=none,id=u0,format=raw,file="$M/stick.img" \
    -device usb-storage,drive=u0
rc=$?
check "iso dd'd to a USB stick (hybrid GPT): runs, then reboots (QEMU exit 0)" test "$rc" = 0
jqcheck "iso as USB stick: options from barebench.cfg" "$T/iso-usb/latest.json" '.tool.tag == "usb" and (.results | length) > 0'
check "iso as USB stick: then=reboot from barebench.cfg honoured" grep -q "^  next:      rebooting" "$T/iso-usb/console.log"
check "iso as USB stick: results saved on the stick's ESP" grep -q 'results saved to \\barebench\\results\\usb-uefi-' "$T/iso-usb/console.log"

# then=wait: the banner stays on the console until a key is typed, then it powers off
ARGS="$FAST_ARGS tag=wait then=wait" "$top/image/mkiso.sh" "$EFI" "$M/wait.iso" >/dev/null
boot_media_key iso-wait "press any key" -cdrom "$M/wait.iso"
rc=$?
check "then=wait: machine stays up with the banner on screen until a key" test -f "$T/iso-wait/waited"
check "then=wait: banner says it waits" grep -q "^  next:      waiting for a key, then powering off" "$T/iso-wait/console.log"
check "then=wait: after the key it powers off (QEMU exit 0)" test "$rc" = 0

# --- disk image: virtio, then NVMe; each run leaves a results file on the ESP
ARGS="$FAST_ARGS tag=img" "$top/image/mkimg.sh" "$EFI" "$M/barebench.img" >/dev/null
check "img: GPT verifies" sgdisk -v "$M/barebench.img"
boot_media img-virtio 1 512M -drive if=none,id=d0,format=raw,file="$M/barebench.img" -device virtio-blk-pci,drive=d0
rc=$?
check "img as virtio disk: runs and powers off" test "$rc" = 0
jqcheck "img as virtio: options from barebench.cfg" "$T/img-virtio/latest.json" '.tool.tag == "img" and (.results | length) > 0'
check "img as virtio: saved to the ESP" grep -q 'results saved to \\barebench\\results\\img-uefi-' "$T/img-virtio/console.log"
boot_media img-nvme 1 512M -drive if=none,id=d0,format=raw,file="$M/barebench.img" -device nvme,drive=d0,serial=bb0
rc=$?
check "img as NVMe disk: runs and powers off" test "$rc" = 0
rm -rf "$M/got"
"$top/tools/img-results.sh" "$M/barebench.img" "$M/got" >"$M/got.list" 2>/dev/null
check "img: tools/img-results.sh copies 2 results files off the ESP (mtools)" test "$(ls "$M/got"/*.json 2>/dev/null | wc -l)" = 2
jqcheck "img: the files are the documents of the runs" "$(ls "$M/got"/*.json 2>/dev/null | tail -1)" \
    '.schema == "barebench/1" and .tool.tag == "img" and (.results | length) > 0'
check "img: GPT still verifies after the runs wrote to the ESP" sgdisk -v "$M/barebench.img"

# --- make img/iso check ARGS with the Linux build's parser before baking them in
if [ -x "$BUILD/host/barebench" ]; then
    out=$(BB_HOST=$BUILD/host/barebench ARGS="$FAST_ARGS rpes=2" "$top/image/mkimg.sh" "$EFI" "$M/refused.img" 2>&1)
    check "img build refuses bad ARGS, naming the key" bash -c "[ ! -e '$M/refused.img' ] && grep -q \"ARGS: unknown option 'rpes'\" <<<\"\$1\"" _ "$out"
fi

# --- a config file with a typo: error names file, line and key; nothing runs; clean power-off
ARGS="$FAST_ARGS rpes=2" "$top/image/mkimg.sh" "$EFI" "$M/typo.img" >/dev/null
boot_media img-typo 1 256M -drive if=none,id=d0,format=raw,file="$M/typo.img" -device virtio-blk-pci,drive=d0
rc=$?
check "config typo: QEMU still exits cleanly" test "$rc" = 0
check "config typo: error names file, line and key" grep -q "error in configuration: \\\\barebench\\\\barebench.cfg line 8: unknown option 'rpes'" "$T/img-typo/console.log"
check "config typo: no suite ran" bash -c "! grep -q '^suite timer' '$T/img-typo/console.log'"
jqcheck "config typo: document holds only that error" "$T/img-typo/latest.json" \
    '.results == [] and (.errors | length) == 1 and (.errors[0].what | test("barebench.cfg line 8: unknown option .rpes."))'
check "config typo: banner says nothing ran" grep -q "barebench: NOTHING RUN" "$T/img-typo/console.log"
