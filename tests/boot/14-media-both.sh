#!/usr/bin/env bash
# 14-media-both.sh - one medium for either kind of machine (make iso|img ARCH=both): the x86-64
# image as BOOTX64.EFI and the aarch64 one as BOOTAA64.EFI on the same ISO, booted as a CD by
# OVMF on q35 and by AAVMF on virt (virtio-scsi CD); the disk image with both, booted by AAVMF as
# a virtio disk, saves its results to its ESP as on x86, and uploads them over https (the
# firmware's EFI HTTP + TLS on a virtio-net-pci NIC) signed with the fleet key, the key and the
# collector's certificate read from files on that ESP (upload_key_file=, upload_ca_file=).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/media.bash"
. "$(dirname "$0")/collector.bash"
A64=$BUILD/aarch64/barebench.efi
[ -f "$A64" ] || { echo "not ok - $A64 missing (make ARCH=aarch64 efi)"; exit 1; }
M=$(mktemp -d "$T/both.XXXXXX")
trap 'cleanup; rm -rf "$M"' EXIT
KEY=$(openssl rand -hex 32)
printf '%s\n' "$KEY" >"$M/key"
mkdir -p "$M/store"
# the collector's self-signed certificate for 10.0.2.2 (how the guest reaches the host) is the CA
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$M/tls.key" -out "$M/tls.pem" -days 2 -subj /CN=collector \
    -addext subjectAltName=IP:10.0.2.2 -addext basicConstraints=critical,CA:TRUE >/dev/null 2>&1
start_collector "$M/collector.log" --dir "$M/store" --key-file "$M/key" --tls-cert "$M/tls.pem" --tls-key "$M/tls.key"

extra=$(cd "$top" && make -s -n iso ARCH=both BUILD="$BUILD" 2>/dev/null | grep -o "MEDIA_EXTRA='[^']*'" | head -1)
check "make iso ARCH=both passes the aarch64 image as BOOTAA64.EFI" \
    test "$extra" = "MEDIA_EXTRA='$BUILD/aarch64/barebench.efi:BOOTAA64.EFI'"
export MEDIA_EXTRA="$A64:BOOTAA64.EFI"
ARGS="$FAST_ARGS tag=both" "$top/image/mkiso.sh" "$EFI" "$M/both.iso" >/dev/null
mkimg_with "$M/both.img" "$FAST_ARGS tag=bothimg net=10.0.2.15/24,10.0.2.2 upload=https://10.0.2.2:$PORT/ upload_key_file=/barebench/upload.key upload_ca_file=/barebench/ca.pem" \
    "$M/key:/barebench/upload.key" "$M/tls.pem:/barebench/ca.pem"
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

QEMU_NET=1 boot_media both-a64-img 1 512M -drive if=none,id=d0,format=raw,file="$M/both.img" -device virtio-blk-pci,drive=d0 \
    -netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=
check "aarch64 boots the disk image as a virtio disk and powers off" test $? = 0
jqcheck "aarch64 img: options from its barebench.cfg" "$T/both-a64-img/latest.json" \
    '.tool.tag == "bothimg" and .env.cpu.arch == "aarch64"'
check "aarch64 img: results saved to the ESP" grep -q 'results saved to \\barebench\\results\\bothimg-uefi-' "$T/both-a64-img/console.log"
L=$T/both-a64-img/console.log
f=$(ls "$M/store"/bothimg_*.json 2>/dev/null | head -1)
check "aarch64 img: https trusting the CA file, signed with the key file, stored (201), the CA variable removed again" \
    bash -c "grep -q '^upload: https, trusting 1 CA certificate from /barebench/ca.pem' '$L' && grep -q '^upload: signed with the fleet key' '$L' &&
             grep -q '^results uploaded to https://10.0.2.2:$PORT/: HTTP 201: stored bothimg_' '$L' && test -n '$f' && grep -q '^upload: TlsCaCertificate removed again' '$L'"
check "aarch64 img: the stored file equals the serial document, the key in neither it nor the serial log" \
    bash -c "test -n '$f' && cmp -s <(head -c -1 '$T/both-a64-img/latest.json') '$f' && ! grep -q '$KEY' '$f' '$T/both-a64-img/serial.log'"
