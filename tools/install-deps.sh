#!/usr/bin/env bash
# install-deps.sh - installs the Debian packages barebench's build, run and tests need,
# only those missing (so it is quick when everything is there).  Needs root or sudo.
set -euo pipefail
pkgs=(gcc make binutils gnu-efi ovmf qemu-system-x86 qemu-utils mtools dosfstools xorriso gdisk
      jq libcmocka-dev libjansson-dev sbsigntool openssl ipxe dnsmasq-base iproute2 python3 coreutils gnuplot-nox curl
      tesseract-ocr netpbm
      libsqlite3-dev sqlite3 libpq-dev postgresql
      linux-image-cloud-amd64 busybox-static fio kmod cpio
      likwid chromium time
      dpkg-dev man-db
      libnuma-dev libmicrohttpd-dev libssl-dev systemd python3-jsonschema debian-archive-keyring
      gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm qemu-user qemu-efi-aarch64)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# A second firmware, Debian trixie's OVMF (EDK2 2025.02): it boots with 48 physical address
# bits under TCG, where bookworm's (2022.11) hangs (tests/boot/87-fleet-bounds.sh).  Only its
# two 4M files go to $OVMF_TRIXIE_DIR; the system's apt sources, lists and cache stay untouched.
# Only that test needs it: when it cannot be fetched, say so and go on (make run still works;
# the test fails, naming the missing firmware).
"$(dirname "$0")/fetch-ovmf-trixie.sh" \
    || echo "warning: no second firmware: tests/boot/87-fleet-bounds.sh will fail its phys-bits=48 boot" >&2
# GNU-EFI and the Linux program's libraries for arm64 (make ARCH=aarch64, make linux-aarch64):
# unpacked into /usr/local/share/barebench/arm64-sysroot, since gnu-efi:arm64 cannot be installed
# beside the amd64 one; the system's apt state and architectures stay untouched.
"$(dirname "$0")/fetch-arm64-sysroot.sh" \
    || echo "warning: no arm64 sysroot: make ARCH=aarch64 cannot link the aarch64 image" >&2
