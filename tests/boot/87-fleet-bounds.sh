#!/usr/bin/env bash
# 87-fleet-bounds.sh - the ring-0 tests on server-like firmware: the page-walk window and the
# unmapped address for the page-fault test live in the upper half (free even when the firmware
# maps the whole lower half, as with 47-48 physical address bits), the HLT test runs at
# TPL_HIGH_LEVEL, and the handlers sit in a private IDT copy.  Two boots:
# - Debian 12's OVMF (2022.11, the default firmware), -cpu max: QEMU's TCG default of 40
#   physical address bits, so the firmware maps 1 TiB = 2 of the 256 lower-half PML4 slots.
# - -cpu max,phys-bits=48 with Debian trixie's OVMF (2025.02, installed by make deps under
#   $OVMF_TRIXIE_DIR).  Debian 12's OVMF cannot be used for it: under QEMU 7.2 TCG it hangs
#   before the boot manager with phys-bits >= 46 on any CPU model with 1 GiB pages (vCPU in HLT
#   with interrupts on, nothing on serial; phys-bits=45 boots; qemu64,phys-bits=48 boots
#   because without 1 GiB pages it keeps 40 bits).  EDK2 2025.02 caps the physical address
#   width at 46 bits with 4-level paging (PlatformAddressWidthFromCpuid: "limit PhysBits to 46
#   (4-level paging)"), so it maps 64 TiB = 128 lower-half slots, which the run records.
# What this proves: with a firmware that maps 64 times more of the lower half, latency_pages
# (4K and 2M) and page_fault still run, the run powers off by itself, and both the window and
# the #PF address sit in an upper-half slot (>= 256: the old lower-half-only search would have
# taken slot 128), outside everything the firmware maps.  What it does not prove: a firmware
# that maps the WHOLE lower half (all 256 slots, as server firmware with 47-48 bits may):
# OVMF never does with 4-level paging; tests/unit/test_pt_slot.c covers that slot choice.
. "$(dirname "$0")/lib.sh"

OPTS="suite=mem,vmcost mem_tests=latency profile=quick reps=2"

run_checks() {
    local name=$1 what=$2
    jqcheck "$what: latency_pages measured with 4K and 2M pages" "$T/$name/latest.json" \
        '[.results[] | select(.test=="latency_pages") | .params.page] | unique == ["2M","4K"]'
    jqcheck "$what: page_fault measured" "$T/$name/latest.json" \
        '[.results[] | select(.suite=="vmcost" and .test=="page_fault")] | length == 1'
    jqcheck "$what: hlt_timer measured" "$T/$name/latest.json" \
        '[.results[] | select(.suite=="vmcost" and .test=="hlt_timer")] | length == 1'
    # (a core clock that moved is left out: under TCG it moves with the host's load; 35 checks it)
    jqcheck "$what: reference clock accepted, nothing degraded" "$T/$name/latest.json" \
        '[.env.degraded[] | select(.what != "core_clock")] == [] and .env.timer.calibrated_by == "acpi-pm"'
    jqcheck "$what: window and #PF address in an upper-half PML4 slot, above what the firmware maps" \
        "$T/$name/latest.json" \
        '[.results[] | select(.test=="latency_pages" or .test=="page_fault") | .extra]
         | length == 3 and all(.pml4_slot >= 256 and .pml4_slot > .fw_pml4_lower_used - 1)'
}

# lower_used NAME: the lower-half PML4 slots the firmware mapped in boot NAME (one value for
# all three entries, else empty)
lower_used() {
    jq -r '[.results[] | select(.test=="latency_pages" or .test=="page_fault")
            | .extra.fw_pml4_lower_used] | unique | if length == 1 then .[0] else empty end' \
        "$T/$1/latest.json" 2>/dev/null
}

boot upper 2 512M "$OPTS"
rc=$?
check "mem+vmcost boot powers off by itself (QEMU exit 0)" test "$rc" = 0
run_checks upper "default firmware"
def_used=$(lower_used upper)
if ! kvm_usable; then
    check "default firmware, TCG's 40 physical address bits: 2 lower-half PML4 slots mapped (got '$def_used')" \
        test "$def_used" = 2
fi

code=$OVMF_TRIXIE_DIR/OVMF_CODE_4M.fd vars=$OVMF_TRIXIE_DIR/OVMF_VARS_4M.fd
check "trixie's OVMF installed in $OVMF_TRIXIE_DIR (make deps)" test -s "$code" -a -s "$vars"
if [ -s "$code" ] && [ -s "$vars" ]; then
    OVMF_CODE=$code OVMF_VARS=$vars boot pb48 1 512M "$OPTS" -cpu max,phys-bits=48
    rc=$?
    check "phys-bits=48 boot (trixie's OVMF $(cat "$OVMF_TRIXIE_DIR/version" 2>/dev/null)) powers off by itself (QEMU exit 0)" \
        test "$rc" = 0
    jqcheck "phys-bits=48: booted by Debian's trixie EDK2 build, not the default firmware" \
        "$T/pb48/latest.json" '.env.firmware.vendor == "Debian distribution of EDK II"'
    run_checks pb48 "phys-bits=48"
    pb_used=$(lower_used pb48)
    check "phys-bits=48: the firmware maps 128 lower-half PML4 slots (46 bits, EDK2's 4-level cap: 64 TiB; got '$pb_used')" \
        test "$pb_used" = 128
    check "phys-bits=48 maps more of the lower half than the default boot ($pb_used > $def_used)" \
        test "${pb_used:-0}" -gt "${def_used:-999}"
fi
