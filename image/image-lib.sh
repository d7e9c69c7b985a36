# shellcheck shell=bash
# image-lib.sh - shared steps of mkiso.sh / mkimg.sh: write barebench.cfg from ARGS, and fill a
# FAT file system (EFI/BOOT/BOOTX64.EFI, \barebench\barebench.cfg, \barebench\results\) with mtools.
# The boot file's name is the architecture's (EFI_BOOT_NAME from mk/arch-$(ARCH).mk; x86-64's
# BOOTX64.EFI when unset).  MEDIA_EXTRA="FILE:NAME ..." adds other architectures' boot files
# (make iso|img ARCH=both: build/aarch64/barebench.efi:BOOTAA64.EFI), so one medium boots either
# kind of machine.  Source it; do not run it.
EFI_BOOT_NAME=${EFI_BOOT_NAME:-BOOTX64.EFI}
MEDIA_EXTRA=${MEDIA_EXTRA:-}

# extra_bytes: the size of the MEDIA_EXTRA files together
extra_bytes() {
    local x n=0
    for x in $MEDIA_EXTRA; do
        [ -f "${x%%:*}" ] || die "${x%%:*} not found (make ARCH=... efi)"
        n=$(( n + $(stat -c %s "${x%%:*}") ))
    done
    echo "$n"
}

die() { echo "error: $*" >&2; exit 1; }

need() {
    local t
    for t in "$@"; do
        command -v "$t" >/dev/null || die "'$t' not found (run 'make deps')"
    done
}

# check_args "ARGS": when BB_HOST names the Linux build, let it parse ARGS (with 'help', so
# nothing runs) and refuse to build media whose barebench.cfg would stop every boot.
check_args() {
    local args=$1 out
    [ -n "$args" ] && [ -x "${BB_HOST:-}" ] || return 0
    # shellcheck disable=SC2086 # one word per option, as on the command line
    if ! out=$("$BB_HOST" $args help 2>&1); then
        die "ARGS: $(printf '%s\n' "$out" | sed -n 's/^barebench: error in flags: //p' | head -1)"
    fi
}

# write_cfg OUT "ARGS": barebench.cfg with a header, one ARGS word per line.
write_cfg() {
    local out=$1 args=$2 w
    {
        echo "# barebench.cfg - options read at every boot from \\barebench\\barebench.cfg."
        echo "# One key=value per line (the same keys as load options; 'help' lists them)."
        echo "# '#' starts a comment.  Precedence: defaults < this file < load options."
        echo "# Examples:  suite=mem,disk   profile=quick   reps=3   tag=rack7   then=wait"
        for w in $args; do
            printf '%s\n' "$w"
        done
    } >"$out"
}

# fat_fill IMAGE EFI CFG: copies the boot program and config into a FAT image (mtools, no mount).
# IMAGE may carry an mtools offset, e.g. disk.img@@1048576.
fat_fill() {
    local img=$1 efi=$2 cfg=$3
    export MTOOLS_SKIP_CHECK=1
    mmd -i "$img" ::/EFI ::/EFI/BOOT ::/barebench ::/barebench/results || die "mmd into $img failed"
    mcopy -i "$img" "$efi" "::/EFI/BOOT/$EFI_BOOT_NAME" || die "copying $efi into $img failed"
    local x
    for x in $MEDIA_EXTRA; do
        mcopy -i "$img" "${x%%:*}" "::/EFI/BOOT/${x##*:}" || die "copying ${x%%:*} into $img failed"
    done
    mcopy -i "$img" "$cfg" ::/barebench/barebench.cfg || die "copying $cfg into $img failed"
}
