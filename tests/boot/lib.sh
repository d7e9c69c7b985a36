# lib.sh - helpers for boot tests: boot the real image under QEMU+OVMF, parse the results
# document, and report checks as "ok - ..." / "not ok - ..." lines.  Source it.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/image/qemu-lib.sh"
BUILD=${BUILD:-$top/build}
EFI=${EFI:-$BUILD/barebench.efi}
export BAREBENCH_EFI=${BAREBENCH_EFI:-$EFI}
T=${T:-$BUILD/tests/boot}
mkdir -p "$T"

# boot NAME SMP MEM "LOAD OPTIONS" [extra QEMU args...]: boots barebench.efi with -kernel;
# leaves $T/NAME/{console.log,latest.json}; returns QEMU's exit status.
boot() {
    local name=$1 smp=$2 mem=$3 opts=$4; shift 4
    local dir=$T/$name
    rm -rf "$dir"; mkdir -p "$dir"
    qemu_base_args "$smp" "$mem" "$dir" || return 1
    local a=("${QEMU_ARGS[@]}" -kernel "$EFI")
    [ -n "$opts" ] && a+=(-append "$opts")
    QUIET=1 qemu_boot "$dir" "${BOOT_TIMEOUT:-300}" "${a[@]}" "$@"
    local rc=$?
    extract_results "$dir/console.log" "$dir/latest.json" 2>/dev/null
    return $rc
}

# check "what" command...: runs the command; prints ok/not ok.
check() {
    local what=$1; shift
    if "$@" >/dev/null 2>&1; then echo "ok - $what"; else echo "not ok - $what"; fi
}

# jqcheck "what" FILE 'jq boolean expression'
jqcheck() {
    local what=$1 file=$2 expr=$3
    if [ -f "$file" ] && jq -e "$expr" "$file" >/dev/null 2>&1; then
        echo "ok - $what"
    else
        echo "not ok - $what"
        echo "#   expression: $expr"
        [ -f "$file" ] && echo "#   got: $(jq -c "$expr" "$file" 2>&1 | head -c 300)" || echo "#   no file $file"
    fi
}
