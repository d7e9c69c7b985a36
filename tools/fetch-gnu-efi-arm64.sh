#!/usr/bin/env bash
# fetch-gnu-efi-arm64.sh - installs Debian's GNU-EFI for arm64 (crt0, libefi, libgnuefi, the
# linker script and headers of `gnu-efi:arm64`) into $GNU_EFI_ARM64_DIR when it is missing,
# for `make ARCH=aarch64`.  The arm64 package cannot be installed beside the amd64 one (same
# paths, no Multi-Arch), so its .deb is unpacked into a folder instead.  It comes from the
# system's own Debian release through apt with a private sources list, lists and cache in a
# temporary directory: the system's apt sources, lists, architectures and cache are left as
# they were, and apt checks the Release signature (debian-archive-keyring).  Run by
# install-deps.sh; needs root or sudo to write the folder.
set -euo pipefail
dir=${GNU_EFI_ARM64_DIR:-/usr/local/share/barebench/gnu-efi-arm64}
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

[ -s "$dir/usr/lib/crt0-efi-aarch64.o" ] && [ -s "$dir/usr/lib/libefi.a" ] && exit 0

fail() { echo "error: could not install gnu-efi:arm64 into $dir: $*" >&2; exit 1; }
. "$(dirname "$0")/apt-private.bash"
echo "fetching Debian $suite's gnu-efi:arm64 (for make ARCH=aarch64) into $dir"
apt_private "$suite" arch=arm64 -o APT::Architecture=arm64 -o APT::Architectures::=arm64
(cd "$t/get" && apt-get "${apt_opts[@]}" -qq download gnu-efi:arm64) >"$t/download.log" 2>&1 \
    || { cat "$t/download.log" >&2; fail "apt-get download gnu-efi:arm64 failed"; }
deb=$(ls "$t"/get/gnu-efi_*_arm64.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || fail "apt-get download left no gnu-efi_*_arm64.deb"
dpkg-deb -x "$deb" "$t/x" || fail "$deb does not unpack"
for f in usr/lib/crt0-efi-aarch64.o usr/lib/libefi.a usr/lib/libgnuefi.a usr/lib/elf_aarch64_efi.lds \
         usr/include/efi/aarch64/efibind.h; do
    [ -s "$t/x/$f" ] || fail "$deb has no $f"
done
dpkg-deb -f "$deb" Version >"$t/x/version"
# the whole tree lands by one rename: a concurrent build sees the old state or the new one
$SUDO mkdir -p "$(dirname "$dir")"
$SUDO rm -rf "$dir.new.$$"
$SUDO cp -a "$t/x" "$dir.new.$$" && $SUDO chmod -R a+rX "$dir.new.$$"
$SUDO rm -rf "$dir" && $SUDO mv "$dir.new.$$" "$dir" || fail "cannot write $dir"
echo "installed gnu-efi:arm64 $(cat "$dir/version") in $dir"
