#!/usr/bin/env bash
# 87-fleet-bounds.sh - the ring-0 tests on server-like firmware: the page-walk window and the
# unmapped address for the page-fault test live in the upper half (free even when the firmware
# maps the whole lower half, as with 47-48 physical address bits), the HLT test runs at
# TPL_HIGH_LEVEL, and the handlers sit in a private IDT copy.  The upper half is always tried
# first, so the default boot exercises that path on real OVMF; tests/unit/test_pt_slot.c covers
# the slot choice with a full lower half.  With KVM, or BB_PHYSBITS48=1, the same run is repeated
# with -cpu max,phys-bits=48 (Debian's OVMF under TCG printed nothing within 13
# minutes (1 vCPU, loaded 2-core machine), so it is not part of the default run there).
. "$(dirname "$0")/lib.sh"

run_checks() {
    local name=$1 what=$2
    jqcheck "$what: latency_pages measured with 4K and 2M pages" "$T/$name/latest.json" \
        '[.results[] | select(.test=="latency_pages") | .params.page] | unique == ["2M","4K"]'
    jqcheck "$what: page_fault measured" "$T/$name/latest.json" \
        '[.results[] | select(.suite=="vmcost" and .test=="page_fault")] | length == 1'
    jqcheck "$what: hlt_timer measured" "$T/$name/latest.json" \
        '[.results[] | select(.suite=="vmcost" and .test=="hlt_timer")] | length == 1'
    jqcheck "$what: reference clock accepted, nothing degraded" "$T/$name/latest.json" \
        '.env.degraded == [] and .env.timer.calibrated_by == "acpi-pm"'
}

boot upper 2 512M "suite=mem,vmcost profile=quick reps=2"
rc=$?
check "mem+vmcost boot powers off by itself (QEMU exit 0)" test "$rc" = 0
run_checks upper "upper-half window"

if kvm_usable || [ -n "${BB_PHYSBITS48:-}" ]; then
    BOOT_TIMEOUT=${BOOT_TIMEOUT:-1800} boot pb48 1 512M "suite=mem,vmcost profile=quick reps=2" \
        -cpu max,phys-bits=48
    rc=$?
    check "phys-bits=48 boot powers off by itself (QEMU exit 0)" test "$rc" = 0
    run_checks pb48 "phys-bits=48"
else
    echo "# skipped the phys-bits=48 boot: no KVM (set BB_PHYSBITS48=1 to run it under TCG)"
fi
