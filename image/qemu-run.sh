#!/usr/bin/env bash
# qemu-run.sh - boots a barebench UEFI binary (or ISO/IMG) under QEMU with OVMF, serial on
# stdio; uses KVM when it really works here and TCG otherwise; extracts the results document.
#   image/qemu-run.sh build/barebench.efi      (env: SMP MEM NUMA ARGS DISKS DISK_IF NET OUT_DIR TIMEOUT)
#   image/qemu-run.sh build/linux-guest        the Linux guest (image/linux/mkguest.sh) under the
#                                              same machine, firmware and disks; same ARGS
# DISKS empty: the default scratch disk SCRATCH_IMG (made with MKSCRATCH); DISKS=none: no disk.
# NET=user|none; unset: a user-mode NIC when ARGS has upload=.
# Writes OUT_DIR/serial.log (raw), OUT_DIR/console.log (escapes stripped), OUT_DIR/latest.json.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/qemu-lib.sh"

efi=${1:?usage: qemu-run.sh BAREBENCH.EFI|LINUX-GUEST-DIR}
guest=""
if [ -d "$efi" ]; then guest=$efi; efi=$(dirname "$guest")/barebench.efi; fi
export BAREBENCH_EFI=$efi
SMP=${SMP:-2} MEM=${MEM:-1G} ARGS=${ARGS:-} DISKS=${DISKS:-} DISK_IF=${DISK_IF:-virtio}
OUT_DIR=${OUT_DIR:-build/results} TIMEOUT=${TIMEOUT:-1800}
mkdir -p "$OUT_DIR"
SCRATCH_IMG=${SCRATCH_IMG:-build/scratch.img} MKSCRATCH=${MKSCRATCH:-build/host/mkscratch}
case $DISKS in
"")   default_scratch_disk "$SCRATCH_IMG" "$MKSCRATCH" || exit 1; DISKS=$SCRATCH_IMG ;;
none) DISKS= ;;
esac
if [ -z "${NET:-}" ]; then
    NET=none; [[ " $ARGS " == *" upload="* ]] && NET=user
fi
qemu_net_args "$NET" || exit 1
[ "$NET" = user ] && export QEMU_NET=1

qemu_base_args "$SMP" "$MEM" "$OUT_DIR" || exit 1
# Under emulation numbers mean nothing and full-size suites take long: quick unless asked.
if [ "$QEMU_ACCEL" = tcg ] && [[ " $ARGS " != *" profile="* ]]; then
    ARGS="${ARGS:+$ARGS }profile=quick"
fi
if [ -n "$guest" ]; then
    # OVMF boots the kernel's EFI stub; the words after "--" reach the guest's /init as ARGS
    args=("${QEMU_ARGS[@]}" -kernel "$guest/vmlinuz" -initrd "$guest/initrd.img"
          -append "console=ttyS0 quiet loglevel=3 panic=-1 -- $ARGS")
else
    args=("${QEMU_ARGS[@]}" -kernel "$efi")
    [ -n "$ARGS" ] && args+=(-append "$ARGS")
fi
qemu_disk_args "$DISK_IF" $DISKS || exit 1
args+=("${QEMU_DISK_ARGS[@]}" "${QEMU_NET_ARGS[@]}")
qemu_numa_args "${NUMA:-0}" "$SMP" "$MEM" || exit 1
args+=("${QEMU_NUMA_ARGS[@]}")

echo "qemu: accel=$QEMU_ACCEL smp=$SMP mem=$MEM $([ "${NUMA:-0}" != 0 ] && echo "numa=$NUMA ")${ARGS:+args=\"$ARGS\"} ${DISKS:+disks=$DISKS ($DISK_IF; $QEMU_DISK_CACHES)} net=$NET" >&2
qemu_boot "$OUT_DIR" "$TIMEOUT" "${args[@]}"
rc=$?
if [ -n "$guest" ]; then
    extract_results "$OUT_DIR/console.log" "$OUT_DIR/linux-guest.json" \
        && "$here/linux/guest-results.sh" "$OUT_DIR/console.log" "$OUT_DIR/linux-guest.json" || rc=1
else
    extract_results "$OUT_DIR/console.log" "$OUT_DIR/latest.json" || rc=1
fi
exit $rc
