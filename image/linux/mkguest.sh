#!/usr/bin/env bash
# mkguest.sh - builds barebench's Linux guest from Debian packages only: the installed kernel
# (linux-image-cloud-amd64 or linux-image-amd64), an initramfs with busybox-static, the block
# driver modules the attached controllers need (with their dependencies, from modprobe's data),
# the barebench Linux build, mkscratch, fio with its libraries, and image/linux/init.sh as /init.
#   image/linux/mkguest.sh BUILD_HOST_DIR OUT_DIR     -> OUT_DIR/{vmlinuz,initrd.img,kernel-version}
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "error: $*" >&2; exit 1; }

hostdir=${1:?usage: mkguest.sh BUILD_HOST_DIR OUT_DIR}
out=${2:?usage: mkguest.sh BUILD_HOST_DIR OUT_DIR}
for f in "$hostdir/barebench" "$hostdir/mkscratch"; do
    [ -x "$f" ] || die "$f not built (make host $hostdir/mkscratch)"
done
for t in /bin/busybox /usr/bin/fio cpio gzip modprobe ldd; do
    command -v "$t" >/dev/null || die "'$t' not found (run 'make deps')"
done

# the kernel: KVER= picks one; else the newest installed cloud kernel, else the newest generic one
kver=${KVER:-}
if [ -z "$kver" ]; then
    kver=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -1)
    [ -n "$kver" ] || kver=$(ls /boot/vmlinuz-*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -1)
fi
[ -n "$kver" ] && [ -f "/boot/vmlinuz-$kver" ] || die "no Debian kernel in /boot (make deps installs linux-image-cloud-amd64)"
[ -d "/lib/modules/$kver" ] || die "/lib/modules/$kver missing: the kernel package is incomplete"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,sbin,etc,proc,sys,dev,tmp,run,lib,lib64,usr/bin}

cp /bin/busybox "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
chmod 755 "$root/init"
cp "$hostdir/barebench" "$hostdir/mkscratch" /usr/bin/fio "$root/usr/bin/"

# shared libraries of the dynamic programs, at the paths the loader looks for them
for prog in "$hostdir/barebench" "$hostdir/mkscratch" /usr/bin/fio; do
    ldd "$prog" | awk '/=> \//{print $3} /^\t\/.*ld-linux/{print $1}'
done | sort -u | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
done
[ -e "$root/lib64/ld-linux-x86-64.so.2" ] || cp -L /lib64/ld-linux-x86-64.so.2 "$root/lib64/"

# block driver modules and what they need, in load order; one that this kernel builds in or
# lacks (AHCI is not in the cloud kernel) is left out and named
: >"$root/etc/modules.load"
: >"$root/etc/modules.missing"
for m in virtio_pci virtio_blk nvme ahci sd_mod; do
    if deps=$(modprobe -S "$kver" --show-depends "$m" 2>/dev/null); then
        printf '%s\n' "$deps" | awk '$1 == "insmod" {print $2}' | while read -r ko; do
            grep -qxF "$ko" "$root/etc/modules.load" && continue
            mkdir -p "$root$(dirname "$ko")"
            cp "$ko" "$root$ko"
            echo "$ko" >>"$root/etc/modules.load"
        done
    else
        echo "$m" >>"$root/etc/modules.missing"
    fi
done
echo "$kver" >"$root/etc/kernel-version"

mkdir -p "$out"
(cd "$root" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out/initrd.img.tmp"
mv "$out/initrd.img.tmp" "$out/initrd.img"
cp "/boot/vmlinuz-$kver" "$out/vmlinuz"
echo "$kver" >"$out/kernel-version"
missing=$(paste -sd' ' "$root/etc/modules.missing")
echo "built $out: kernel $kver, initrd $(( $(stat -c %s "$out/initrd.img") / 1048576 )) MiB${missing:+ (not in this kernel: $missing)}"
