# qemu-lib.sh - shared QEMU helpers for make run, the boot tests and the image/PXE tests:
# OVMF lookup, KVM detection (by trying it once), disk attachment, boot with timeout, and
# extraction of the results document from the serial log.  Source it; do not run it.

OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
# a second firmware, Debian trixie's OVMF (EDK2 2025.02), installed by make deps
# (tools/fetch-ovmf-trixie.sh); boot with it: OVMF_CODE=$OVMF_TRIXIE_DIR/OVMF_CODE_4M.fd
# OVMF_VARS=$OVMF_TRIXIE_DIR/OVMF_VARS_4M.fd
OVMF_TRIXIE_DIR=${OVMF_TRIXIE_DIR:-/usr/local/share/barebench/ovmf-trixie}
# the QEMU of the architecture (make passes QEMU_SYSTEM of mk/arch-$(ARCH).mk)
QEMU=${QEMU:-qemu-system-x86_64}
# Arm64 (qemu-system-aarch64): the virt machine with AAVMF (qemu-efi-aarch64), 64 MiB pflash each
AAVMF_CODE=${AAVMF_CODE:-/usr/share/AAVMF/AAVMF_CODE.fd}
AAVMF_VARS=${AAVMF_VARS:-/usr/share/AAVMF/AAVMF_VARS.fd}
# qemu_arch_setup: the machine, firmware and KVM CPU of $QEMU's architecture into QEMU_MACHINE,
# FW_CODE, FW_VARS, KVM_CPU (KVM needs a host of the same architecture; kvm_usable tries it)
qemu_arch_setup() {
    case $QEMU in
    *aarch64*) QEMU_MACHINE=virt; FW_CODE=$AAVMF_CODE; FW_VARS=$AAVMF_VARS; KVM_CPU=host ;;
    *) QEMU_MACHINE=q35,smbios-entry-point-type=64; FW_CODE=$OVMF_CODE; FW_VARS=$OVMF_VARS; KVM_CPU=host ;;
    esac
}

# kvm_usable: 0 if QEMU can run barebench with KVM here.  /dev/kvm alone proves nothing (a
# nested or emulated /dev/kvm may fail at the first instruction: "KVM internal error"), so
# boot barebench.efi once with `help` under KVM and watch for its output or for that error.
# The verdict is cached per boot of the host.  ACCEL=kvm|tcg overrides.
kvm_usable() {
    [ "${ACCEL:-auto}" = tcg ] && return 1
    [ "${ACCEL:-auto}" = kvm ] && return 0
    [ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
    case $QEMU in *aarch64*) [ "$(uname -m)" = aarch64 ] || return 1 ;; esac
    local boot_id cache
    boot_id=$(cut -c1-8 /proc/sys/kernel/random/boot_id 2>/dev/null || echo x)
    cache=${TMPDIR:-/tmp}/barebench-kvm-probe.$(basename "$QEMU").$boot_id
    if [ -f "$cache" ]; then [ "$(cat "$cache")" = yes ]; return; fi
    local efi=${BAREBENCH_EFI:-build/barebench.efi} dir verdict=no pid
    [ -f "$efi" ] || return 1
    qemu_arch_setup
    dir=$(mktemp -d) && cp "$FW_VARS" "$dir/vars.fd"
    "$QEMU" -accel kvm -machine "${QEMU_MACHINE%%,*}" -cpu host -m 256 -display none -no-reboot -monitor none \
        -serial "file:$dir/out" -net none -drive if=pflash,format=raw,readonly=on,file="$FW_CODE" \
        -drive if=pflash,format=raw,file="$dir/vars.fd" -kernel "$efi" -append "help" \
        >"$dir/err" 2>&1 &
    pid=$!
    for _ in $(seq 1 150); do
        if grep -q "barebench options" "$dir/out" 2>/dev/null; then verdict=yes; break; fi
        if grep -q "KVM internal error\|failed to initialize\|Could not access KVM" "$dir/err" 2>/dev/null \
           || ! kill -0 "$pid" 2>/dev/null; then break; fi
        sleep 0.2
    done
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
    rm -rf "$dir"
    echo "$verdict" >"$cache"
    [ "$verdict" = yes ]
}

# qemu_cdrom_args ISO: fills QEMU_CDROM_ARGS to attach ISO as a CD-ROM of the machine (q35: its
# AHCI -cdrom; Arm's virt has no IDE/AHCI: a virtio-scsi CD, which AAVMF boots from)
qemu_cdrom_args() {
    qemu_arch_setup
    if [ "$QEMU_MACHINE" = virt ]; then
        QEMU_CDROM_ARGS=(-drive "if=none,id=cd,format=raw,media=cdrom,readonly=on,file=$1"
                         -device virtio-scsi-pci,id=cdscsi -device scsi-cd,drive=cd,bus=cdscsi.0)
    else
        QEMU_CDROM_ARGS=(-cdrom "$1")
    fi
}

# qemu_base_args SMP MEM DIR: fills QEMU_ARGS (machine, firmware, serial) and QEMU_ACCEL.
qemu_base_args() {
    local smp=$1 mem=$2 dir=$3
    qemu_arch_setup
    [ -f "$FW_CODE" ] || { echo "error: UEFI firmware not found at $FW_CODE (make deps)" >&2; return 1; }
    cp "$FW_VARS" "$dir/ovmf_vars.fd" || return 1
    if kvm_usable; then QEMU_ACCEL=kvm; cpu=$KVM_CPU; else QEMU_ACCEL=tcg; cpu=max; fi
    QEMU_ARGS=(-machine "$QEMU_MACHINE" -accel "$QEMU_ACCEL" -cpu "$cpu"
               -smp "$smp" -m "$mem" -display none -monitor none -serial stdio -no-reboot
               -drive if=pflash,format=raw,readonly=on,file="$FW_CODE"
               -drive if=pflash,format=raw,file="$dir/ovmf_vars.fd")
    [ -n "${QEMU_NET:-}" ] || QEMU_ARGS+=(-net none)
}

# qemu_drive_cache IMG: sets QEMU_DRIVE_CACHE, the -drive cache options for IMG:
# cache=none,aio=native (O_DIRECT: guest I/O reaches the host's device, never its page cache)
# where the host file system accepts O_DIRECT on IMG; else cache=writeback, with a message
# (guest reads may then come from the host's RAM).  DISK_CACHE=writeback forces the latter.
qemu_drive_cache() {
    local img=$1
    QEMU_DRIVE_CACHE=cache=none,aio=native
    [ "${DISK_CACHE:-auto}" = writeback ] && { QEMU_DRIVE_CACHE=cache=writeback; return 0; }
    if ! dd if="$img" of=/dev/null bs=4096 count=1 iflag=direct status=none 2>/dev/null; then
        echo "note: $img: the host file system refuses O_DIRECT: attached with cache=writeback" \
             "(guest reads may come from the host's page cache, not the disk)" >&2
        QEMU_DRIVE_CACHE=cache=writeback
    fi
}

# qemu_numa_args NODES SMP MEM: fills QEMU_NUMA_ARGS with NODES NUMA nodes (one RAM backend
# each, MEM split evenly, CPUs split evenly, SLIT distances 10 local / 21 remote).  The guest
# then sees ACPI SRAT and SLIT tables.  NODES 0 or 1: no arguments.
qemu_numa_args() {
    local nodes=$1 smp=$2 mem=$3
    QEMU_NUMA_ARGS=()
    [ "${nodes:-0}" -le 1 ] 2>/dev/null && return 0
    [[ $nodes =~ ^[0-9]+$ ]] || { echo "error: NUMA must be a number of nodes (got '$nodes')" >&2; return 1; }
    [ "$smp" -ge "$nodes" ] || { echo "error: NUMA=$nodes needs at least $nodes CPUs (SMP=$smp)" >&2; return 1; }
    local mib
    case $mem in
    *[Gg]) mib=$(( ${mem%[Gg]} * 1024 )) ;;
    *[Mm]) mib=${mem%[Mm]} ;;
    *[0-9]) mib=$mem ;;
    *) echo "error: MEM '$mem' is not a size like 512M or 2G" >&2; return 1 ;;
    esac
    [[ $mib =~ ^[0-9]+$ ]] || { echo "error: MEM '$mem' is not a size like 512M or 2G" >&2; return 1; }
    local i j per=$(( mib / nodes )) left=$mib first last
    for ((i = 0; i < nodes; i++)); do
        local size=$per
        [ $i -eq $((nodes - 1)) ] && size=$left
        left=$((left - per))
        first=$(( i * smp / nodes )); last=$(( (i + 1) * smp / nodes - 1 ))
        QEMU_NUMA_ARGS+=(-object "memory-backend-ram,id=m$i,size=${size}M"
                         -numa "node,nodeid=$i,cpus=$first-$last,memdev=m$i")
    done
    for ((i = 0; i < nodes; i++)); do
        for ((j = 0; j < nodes; j++)); do
            [ $i -ne $j ] && QEMU_NUMA_ARGS+=(-numa "dist,src=$i,dst=$j,val=21")
        done
    done
    return 0
}

# qemu_disk_args IF IMG...: fills QEMU_DISK_ARGS to attach raw images as IF (virtio|nvme|ahci),
# each with qemu_drive_cache's options; QEMU_DISK_CACHES lists them ("img:cache ...").
qemu_disk_args() {
    local iface=$1; shift
    QEMU_DISK_ARGS=()
    QEMU_DISK_CACHES=
    local i=0 img
    for img in "$@"; do
        [ -f "$img" ] || { echo "error: disk image '$img' not found" >&2; return 1; }
        qemu_drive_cache "$img"
        QEMU_DISK_CACHES="${QEMU_DISK_CACHES:+$QEMU_DISK_CACHES }$(basename "$img"):$QEMU_DRIVE_CACHE"
        local drv="if=none,id=d$i,format=raw,$QEMU_DRIVE_CACHE,file=$img"
        case $iface in
        virtio) QEMU_DISK_ARGS+=(-drive "$drv" -device virtio-blk-pci,drive=d$i) ;;
        nvme)   QEMU_DISK_ARGS+=(-drive "$drv" -device nvme,drive=d$i,serial=bb$i) ;;
        # q35's AHCI has six ports (ide.0-5); the default CD sits on ide.2, so skip it
        ahci)   local port=$i; [ "$port" -ge 2 ] && port=$((port + 1))
                [ "$port" -le 5 ] || { echo "error: at most 5 AHCI disks" >&2; return 1; }
                QEMU_DISK_ARGS+=(-drive "$drv" -device ide-hd,drive=d$i,bus=ide.$port) ;;
        *) echo "error: DISK_IF must be virtio, nvme or ahci (got '$iface')" >&2; return 1 ;;
        esac
        i=$((i + 1))
    done
}

# strip_escapes: removes ANSI/VT100 escape sequences and carriage returns (OVMF clears screens).
strip_escapes() {
    sed -u -e 's/\x1b\[[0-9;?=]*[A-Za-z]//g' -e 's/\x1b[()][A-Z0-9]//g' -e 's/\x1b[=>c]//g' -e 's/\r//g'
}

# qemu_boot DIR TIMEOUT QEMU-ARGS...: runs QEMU, shows the console (QUIET=1: not at all;
# HIDE_DOC=1: without the results document), keeps serial.log and console.log in DIR; returns
# QEMU's status (124 on timeout).
qemu_boot() {
    local dir=$1 t=$2; shift 2
    set -o pipefail
    timeout --foreground -k 5 "$t" "$QEMU" "$@" </dev/null 2>"$dir/qemu.stderr" \
        | tee "$dir/serial.log" | strip_escapes | tee "$dir/console.log" \
        | { if [ -n "${QUIET:-}" ]; then cat >/dev/null
            elif [ -n "${HIDE_DOC:-}" ]; then # HIDE_DOC=1: the document stays in the logs only
                sed -u '/^-----BEGIN BAREBENCH RESULTS-----$/,/^-----END BAREBENCH RESULTS-----$/{/^-----END/s/.*/(results document: in the serial log; V=1 shows it here)/p;d}'
            else cat; fi; }
    local rc=${PIPESTATUS[0]}
    if [ "$rc" = 124 ]; then echo "error: QEMU did not finish within ${t}s" >&2; fi
    if [ -s "$dir/qemu.stderr" ] && [ "$rc" != 0 ]; then cat "$dir/qemu.stderr" >&2; fi
    return "$rc"
}

# extract_results LOG OUT: the JSON between the BEGIN/END lines of LOG into OUT (validated).
extract_results() {
    local log=$1 out=$2
    sed -n '/^-----BEGIN BAREBENCH RESULTS-----$/,/^-----END BAREBENCH RESULTS-----$/p' "$log" \
        | sed '1d;$d' >"$out.tmp"
    if [ ! -s "$out.tmp" ]; then
        rm -f "$out.tmp"; echo "error: no results document in $log" >&2; return 1
    fi
    if command -v jq >/dev/null && ! jq -e .schema "$out.tmp" >/dev/null 2>&1; then
        echo "error: the results document in $log is not valid JSON (kept as $out.bad)" >&2
        mv "$out.tmp" "$out.bad"; return 1
    fi
    mv "$out.tmp" "$out"
    echo "results: $out" >&2
}

# default_scratch_disk IMG MKSCRATCH: makes IMG the scratch disk `make run` attaches when DISKS
# is not given: created on first use as 256 MiB of incompressible data (never-written blocks of
# a sparse file read impossibly fast: mkscratch fills it), marked again if its marker is missing.
default_scratch_disk() {
    local img=$1 mk=$2
    [ -x "$mk" ] || { echo "error: $mk not built (make mkscratch)" >&2; return 1; }
    if [ ! -f "$img" ]; then
        mkdir -p "$(dirname "$img")"
        echo "scratch: creating $img (256 MiB of random data, scratch-marked)" >&2
        "$mk" --size 256M --label scratch "$img" >/dev/null || { rm -f "$img"; return 1; }
    elif ! "$mk" --check "$img" >/dev/null 2>&1; then
        echo "scratch: $img carries no valid scratch marker: marking it again" >&2
        "$mk" --force --label scratch "$img" >/dev/null || return 1
    fi
}

# qemu_net_args MODE: fills QEMU_NET_ARGS for NET=user (a virtio NIC on QEMU's user network:
# the host is 10.0.2.2 from the guest) or NET=none.
qemu_net_args() {
    QEMU_NET_ARGS=()
    case $1 in
    user) QEMU_NET_ARGS=(-netdev user,id=n0 -device virtio-net-pci,netdev=n0,romfile=) ;;
    none) ;;
    *) echo "error: NET must be user or none (got '$1')" >&2; return 1 ;;
    esac
}
