#!/usr/bin/env bash
# mkpxe.sh - builds the PXE bundle: barebench.efi, boot.ipxe (chains it with ARGS by a relative
# URL, so the directory works from any HTTP or TFTP root), Debian's ipxe.efi and snponly.efi,
# and an example dnsmasq.conf.   image/mkpxe.sh BAREBENCH.EFI OUTDIR   (env ARGS: options)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/image-lib.sh"

efi=${1:?usage: mkpxe.sh BAREBENCH.EFI OUTDIR}
dir=${2:?usage: mkpxe.sh BAREBENCH.EFI OUTDIR}
IPXE_DIR=${IPXE_DIR:-/usr/lib/ipxe}
[ -f "$efi" ] || die "$efi not found (make efi)"
for f in ipxe.efi snponly.efi; do
    [ -f "$IPXE_DIR/$f" ] || die "$IPXE_DIR/$f not found (Debian package 'ipxe': make deps)"
done
case ${ARGS:-} in *'"'*|*\\*) die "ARGS must not contain quotes or backslashes" ;; esac
# iPXE expands ${settings} at boot (e.g. tag=${net0/mac:hexhyp}): check with a stand-in
check_args "$(printf '%s' "${ARGS:-}" | sed 's/\${[^}]*}/x/g')"

mkdir -p "$dir"
cp "$efi" "$dir/barebench.efi"
cp -L "$IPXE_DIR/ipxe.efi" "$IPXE_DIR/snponly.efi" "$dir/"
cp "$here/dnsmasq.conf.example" "$dir/dnsmasq.conf"
cat >"$dir/boot.ipxe" <<IPXE
#!ipxe
# boot.ipxe - fetched by iPXE; runs barebench with the options on the chain line.  The relative
# name resolves against this script's own URL, so the bundle works from any HTTP/TFTP root.
# Per-machine options can use iPXE settings, e.g. tag=\${net0/mac:hexhyp} or tag=\${hostname}.
echo barebench: chaining barebench.efi
chain barebench.efi ${ARGS:-} || goto failed
exit
:failed
echo barebench: could not fetch or start barebench.efi; returning to the firmware in 30 s
sleep 30
exit 1
IPXE
echo "built $dir/: barebench.efi boot.ipxe ipxe.efi snponly.efi dnsmasq.conf${ARGS:+ (options: $ARGS)}"
