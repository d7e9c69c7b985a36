#!/usr/bin/env bash
# fetch-arm64-sysroot.sh - unpacks Debian's arm64 packages the aarch64 builds need into one folder,
# $ARM64_SYSROOT, when they are missing: GNU-EFI (crt0, libefi, libgnuefi, linker script, headers
# of `gnu-efi:arm64`) for `make ARCH=aarch64`, and the libraries the Linux program links
# (libnuma, OpenSSL) for `make linux-aarch64`.  gnu-efi:arm64 cannot be installed beside the
# amd64 one (same paths, no Multi-Arch), and adding arm64 to dpkg would change the system, so the
# .debs are unpacked into the folder instead.  It comes from the
# system's own Debian release through apt with a private sources list, lists and cache in a
# temporary directory: the system's apt sources, lists, architectures and cache are left as
# they were, and apt checks the Release signature (debian-archive-keyring).  Run by
# install-deps.sh; needs root or sudo to write the folder.
set -euo pipefail
dir=${ARM64_SYSROOT:-/usr/local/share/barebench/arm64-sysroot}
pkgs=(gnu-efi libnuma1 libnuma-dev libssl3 libssl-dev)
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

[ -s "$dir/usr/lib/crt0-efi-aarch64.o" ] && [ -s "$dir/usr/lib/libefi.a" ] &&
    [ -e "$dir/usr/lib/aarch64-linux-gnu/libnuma.so" ] && [ -e "$dir/usr/lib/aarch64-linux-gnu/libssl.so" ] && exit 0

fail() { echo "error: could not install the arm64 packages into $dir: $*" >&2; exit 1; }
. "$(dirname "$0")/apt-private.bash"
echo "fetching Debian $suite's arm64 ${pkgs[*]} (for make ARCH=aarch64) into $dir"
apt_private "$suite" arch=arm64 -o APT::Architecture=arm64 -o APT::Architectures::=arm64
(cd "$t/get" && apt-get "${apt_opts[@]}" -qq download "${pkgs[@]/%/:arm64}") >"$t/download.log" 2>&1 \
    || { cat "$t/download.log" >&2; fail "apt-get download ${pkgs[*]} (arm64) failed"; }
for p in "${pkgs[@]}"; do
    deb=$(ls "$t"/get/"${p}"_*_arm64.deb 2>/dev/null | head -n 1)
    [ -n "$deb" ] || fail "apt-get download left no ${p}_*_arm64.deb"
    dpkg-deb -x "$deb" "$t/x" || fail "$deb does not unpack"
    echo "$p $(dpkg-deb -f "$deb" Version)" >>"$t/x/version"
done
for f in usr/lib/crt0-efi-aarch64.o usr/lib/libefi.a usr/lib/libgnuefi.a usr/lib/elf_aarch64_efi.lds \
         usr/include/efi/aarch64/efibind.h usr/lib/aarch64-linux-gnu/libnuma.so \
         usr/lib/aarch64-linux-gnu/libssl.so usr/include/aarch64-linux-gnu/openssl/configuration.h; do
    [ -e "$t/x/$f" ] || fail "the packages have no $f"
done
# the whole tree lands by one rename: a concurrent build sees the old state or the new one
$SUDO mkdir -p "$(dirname "$dir")"
$SUDO rm -rf "$dir.new.$$"
$SUDO cp -a "$t/x" "$dir.new.$$" && $SUDO chmod -R a+rX "$dir.new.$$"
$SUDO rm -rf "$dir" && $SUDO mv "$dir.new.$$" "$dir" || fail "cannot write $dir"
echo "installed arm64 $(paste -sd, "$dir/version") in $dir"
