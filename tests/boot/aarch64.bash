# shellcheck shell=bash
# aarch64.bash - sourced after lib.sh by the aarch64 boot tests (11-14): boot() and boot_media()
# then boot build/aarch64/barebench.efi under qemu-system-aarch64 -M virt with AAVMF
# (image/qemu-lib.sh picks machine and firmware by $QEMU).
EFI=$BUILD/aarch64/barebench.efi
export BAREBENCH_EFI=$EFI QEMU=qemu-system-aarch64
[ -f "$EFI" ] || { echo "not ok - $EFI missing (make ARCH=aarch64 efi)"; exit 1; }
