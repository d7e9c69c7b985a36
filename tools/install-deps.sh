#!/usr/bin/env bash
# install-deps.sh - installs the Debian packages barebench's build, run and tests need,
# only those missing (so it is quick when everything is there).  Needs root or sudo.
set -euo pipefail
pkgs=(gcc make binutils gnu-efi ovmf qemu-system-x86 qemu-utils mtools dosfstools xorriso gdisk
      jq libcmocka-dev libjansson-dev sbsigntool openssl ipxe dnsmasq-base iproute2 python3 coreutils gnuplot-nox curl
      tesseract-ocr netpbm
      linux-image-cloud-amd64 busybox-static fio kmod cpio
      libnuma-dev libmicrohttpd-dev python3-jsonschema)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
