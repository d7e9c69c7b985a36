# shellcheck shell=bash
# media.bash - helpers for the delivery boot tests (60-iso-img, 70-pxe): boot QEMU+OVMF from
# boot media (ISO, disk image, network) instead of -kernel.  Source it after lib.sh.

# boot_media NAME SMP MEM QEMU-ARGS...: boots with the given media; leaves $T/NAME/{console.log,
# latest.json}; returns QEMU's exit status.  QEMU_NET=1 keeps networking (no -net none).
boot_media() {
    local name=$1 smp=$2 mem=$3; shift 3
    local dir=$T/$name
    rm -rf "$dir"; mkdir -p "$dir"
    qemu_base_args "$smp" "$mem" "$dir" || return 1
    QUIET=1 qemu_boot "$dir" "${BOOT_TIMEOUT:-300}" "${QEMU_ARGS[@]}" "$@"
    local rc=$?
    extract_results "$dir/console.log" "$dir/latest.json" 2>/dev/null
    return $rc
}

# banner_last NAME: the closing banner is the last block before the power-off line.
banner_last() {
    tail -n 12 "$T/$1/console.log" | grep -q "^  barebench: " &&
        tail -n 3 "$T/$1/console.log" | grep -q "^====="
}

FAST_ARGS="profile=quick suite=timer reps=2"
