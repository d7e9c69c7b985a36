#!/usr/bin/env bash
# qemu-run.sh - boots a barebench UEFI binary (or ISO/IMG) under QEMU with OVMF, serial on
# stdio; uses KVM when it really works here and TCG otherwise; extracts the results document.
#   image/qemu-run.sh build/barebench.efi      (env: SMP MEM NUMA ARGS DISKS DISK_IF NET OUT_DIR TIMEOUT)
#   image/qemu-run.sh build/linux-guest        the Linux guest (image/linux/mkguest.sh) under the
#                                              same machine, firmware and disks; same ARGS
# DISKS empty: the default scratch disk SCRATCH_IMG (made with MKSCRATCH); DISKS=none: no disk.
# NET=user|none; unset: a user-mode NIC when ARGS has upload=.
#   MEDIA=iso|img image/qemu-run.sh build/barebench.efi
#                                              writes build/barebench.iso|.img with ARGS in its
#                                              barebench.cfg and boots it as a CD / a virtio disk
# Writes OUT_DIR/serial.log (raw), OUT_DIR/console.log (escapes stripped), OUT_DIR/latest.json.
# The terminal shows the console without the results document (V=1 shows it too).  Exit status:
# 0 when the run finished without errors (or printed its help), non-zero otherwise.
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
MEDIA=${MEDIA:-}
if [ -n "$MEDIA" ]; then
    # ARGS go into the medium's barebench.cfg (there are no load options on a media boot)
    media_out=$(dirname "$efi")/barebench.$MEDIA
    case $MEDIA in
    iso) ARGS=$ARGS "$here/mkiso.sh" "$efi" "$media_out" >&2 || exit 2
         qemu_cdrom_args "$media_out"
         args=("${QEMU_ARGS[@]}" "${QEMU_CDROM_ARGS[@]}") ;;
    img) ARGS=$ARGS "$here/mkimg.sh" "$efi" "$media_out" >&2 || exit 2
         args=("${QEMU_ARGS[@]}" -drive "if=none,id=boot,format=raw,file=$media_out"
               -device virtio-blk-pci,drive=boot,bootindex=0) ;;
    *) echo "error: MEDIA must be iso or img (got '$MEDIA')" >&2; exit 2 ;;
    esac
elif [ -n "$guest" ]; then
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

# secrets in ARGS are not echoed (the run's own console and document redact them too)
shown_args=$(sed -E 's/(upload_key|upload_token)=[^ ]*/\1=REDACTED/g' <<<"$ARGS")
echo "qemu: accel=$QEMU_ACCEL smp=$SMP mem=$MEM ${MEDIA:+media=$media_out }$([ "${NUMA:-0}" != 0 ] && echo "numa=$NUMA ")${ARGS:+args=\"$shown_args\"} ${DISKS:+disks=$DISKS ($DISK_IF; $QEMU_DISK_CACHES)} net=$NET" >&2
[ -n "${V:-}" ] || export HIDE_DOC=1
qemu_boot "$OUT_DIR" "$TIMEOUT" "${args[@]}"
rc=$?
if [ "$rc" = 0 ] && [ -z "$guest" ] && ! grep -q '^-----BEGIN BAREBENCH RESULTS-----$' "$OUT_DIR/console.log" \
   && grep -q '^barebench options' "$OUT_DIR/console.log"; then
    exit 0 # the help was asked for and printed: no document, nothing wrong
fi
if [ -n "$guest" ]; then
    extract_results "$OUT_DIR/console.log" "$OUT_DIR/linux-guest.json" \
        && "$here/linux/guest-results.sh" "$OUT_DIR/console.log" "$OUT_DIR/linux-guest.json" || rc=1
else
    extract_results "$OUT_DIR/console.log" "$OUT_DIR/latest.json" || rc=1
fi
doc=$OUT_DIR/latest.json; [ -n "$guest" ] && doc=$OUT_DIR/linux-guest.json
if [ "$rc" = 0 ] && [ -f "$doc" ]; then
    nerr=$(jq '.errors | length' "$doc" 2>/dev/null || echo 1)
    if [ "$nerr" != 0 ]; then
        echo "error: the results document lists $nerr error(s): $(jq -r '.errors[0] | "\(.suite)/\(.test): \(.what)"' "$doc" 2>/dev/null)" >&2
        rc=1
    fi
fi
exit $rc
