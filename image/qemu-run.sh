#!/usr/bin/env bash
# qemu-run.sh - boots a barebench UEFI binary (or ISO/IMG) under QEMU with OVMF, serial on
# stdio; uses KVM when it really works here and TCG otherwise; extracts the results document.
#   image/qemu-run.sh build/barebench.efi      (env: SMP MEM ARGS DISKS DISK_IF OUT_DIR TIMEOUT)
# Writes OUT_DIR/serial.log (raw), OUT_DIR/console.log (escapes stripped), OUT_DIR/latest.json.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-lib.sh"

efi=${1:?usage: qemu-run.sh BAREBENCH.EFI}
export BAREBENCH_EFI=$efi
SMP=${SMP:-2} MEM=${MEM:-1G} ARGS=${ARGS:-} DISKS=${DISKS:-} DISK_IF=${DISK_IF:-virtio}
OUT_DIR=${OUT_DIR:-build/results} TIMEOUT=${TIMEOUT:-1800}
mkdir -p "$OUT_DIR"

qemu_base_args "$SMP" "$MEM" "$OUT_DIR" || exit 1
# Under emulation numbers mean nothing and full-size suites take long: quick unless asked.
if [ "$QEMU_ACCEL" = tcg ] && [[ " $ARGS " != *" profile="* ]]; then
    ARGS="${ARGS:+$ARGS }profile=quick"
fi
args=("${QEMU_ARGS[@]}" -kernel "$efi")
[ -n "$ARGS" ] && args+=(-append "$ARGS")
qemu_disk_args "$DISK_IF" $DISKS || exit 1
args+=("${QEMU_DISK_ARGS[@]}")

echo "qemu: accel=$QEMU_ACCEL smp=$SMP mem=$MEM ${ARGS:+args=\"$ARGS\"} ${DISKS:+disks=$DISKS ($DISK_IF)}" >&2
qemu_boot "$OUT_DIR" "$TIMEOUT" "${args[@]}"
rc=$?
extract_results "$OUT_DIR/console.log" "$OUT_DIR/latest.json" || rc=1
exit $rc
