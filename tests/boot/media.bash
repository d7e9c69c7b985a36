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

# boot_media_until NAME PATTERN MAX SMP MEM QEMU-ARGS...: for boots that never power off by
# themselves (a refused image leaves the firmware waiting for a key): ends QEMU as soon as the
# console shows PATTERN, or after MAX seconds, so a loaded machine gets time and an idle one waits
# for nothing.
boot_media_until() {
    local name=$1 pat=$2 max=$3 smp=$4 mem=$5; shift 5
    local dir=$T/$name i pid
    rm -rf "$dir"; mkdir -p "$dir"
    qemu_base_args "$smp" "$mem" "$dir" || return 1
    "$QEMU" "${QEMU_ARGS[@]}" "$@" </dev/null >"$dir/serial.log" 2>"$dir/qemu.stderr" &
    pid=$!
    for ((i = 0; i < max * 5; i++)); do
        strip_escapes <"$dir/serial.log" >"$dir/console.log"
        grep -q "$pat" "$dir/console.log" && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    strip_escapes <"$dir/serial.log" >"$dir/console.log"
}

# banner_last NAME: the closing banner is the last block before the power-off line.
banner_last() {
    tail -n 12 "$T/$1/console.log" | grep -q "^  barebench: " &&
        tail -n 3 "$T/$1/console.log" | grep -q "^====="
}

FAST_ARGS="profile=quick suite=timer reps=2"

# boot_media_key NAME PROMPT QEMU-ARGS...: like boot_media with 1 CPU and 512M, but types a key
# on the serial console once PROMPT has appeared there (for then=wait).  Also records in
# $T/NAME/waited whether the machine was still up, waiting, 3 s after the prompt.
boot_media_key() {
    local name=$1 prompt=$2; shift 2
    local dir=$T/$name
    rm -rf "$dir"; mkdir -p "$dir"
    qemu_base_args 1 512M "$dir" || return 1
    mkfifo "$dir/keys"
    (
        for _ in $(seq 600); do grep -q "$prompt" "$dir/serial.log" 2>/dev/null && break; sleep 0.2; done
        sleep 3
        grep -q "barebench: powering off" "$dir/serial.log" || echo yes >"$dir/waited"
        printf ' '
        sleep 2
    ) >"$dir/keys" &
    local feeder=$!
    timeout -k 5 "${BOOT_TIMEOUT:-300}" "$QEMU" "${QEMU_ARGS[@]}" "$@" <"$dir/keys" >"$dir/serial.log" 2>"$dir/qemu.stderr"
    local rc=$?
    kill "$feeder" 2>/dev/null; wait "$feeder" 2>/dev/null
    strip_escapes <"$dir/serial.log" >"$dir/console.log"
    extract_results "$dir/console.log" "$dir/latest.json" 2>/dev/null
    return $rc
}

# mkimg_with IMG "LOAD OPTIONS" [LOCAL:/ESP/PATH ...]: a disk image (image/mkimg.sh) with those
# load options in its barebench.cfg and the given files copied onto its ESP.
mkimg_with() {
    local img=$1 args=$2 first f; shift 2
    ARGS="$args" "$top/image/mkimg.sh" "$EFI" "$img" >"$img.mkimg.log" 2>&1 || return 1
    first=$(sed -n 's/.*ESP at sector \([0-9]*\).*/\1/p' "$img.mkimg.log")
    for f in "$@"; do
        MTOOLS_SKIP_CHECK=1 mcopy -i "$img@@$((first * 512))" "${f%%:*}" "::${f#*:}" || return 1
    done
}

# boot_img NAME IMG [extra QEMU args...]: boot_media from that disk image on virtio-blk.
boot_img() {
    local name=$1 img=$2; shift 2
    boot_media "$name" 1 256M -drive "if=none,id=boot,format=raw,file=$img" \
        -device virtio-blk-pci,drive=boot,bootindex=0 "$@"
}
