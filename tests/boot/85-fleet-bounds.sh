#!/usr/bin/env bash
# 85-fleet-bounds.sh - the image on server-like machines: with 48 physical address bits
# (-cpu max,phys-bits=48: OVMF maps the whole lower half) the page-walk and page-fault tests
# still run (the window lives in the upper half); the HLT test runs at TPL_HIGH_LEVEL.
. "$(dirname "$0")/lib.sh"

boot pb48 2 512M "suite=mem,vmcost profile=quick reps=2" -cpu max,phys-bits=48
rc=$?
check "phys-bits=48 boot powers off by itself (QEMU exit 0)" test "$rc" = 0
jqcheck "phys-bits=48: latency_pages measured with 4K and 2M pages" "$T/pb48/latest.json" \
    '[.results[] | select(.test=="latency_pages") | .params.page] | unique == ["2M","4K"]'
jqcheck "phys-bits=48: page_fault measured (unmapped address in the upper half)" "$T/pb48/latest.json" \
    '[.results[] | select(.suite=="vmcost" and .test=="page_fault")] | length == 1'
jqcheck "phys-bits=48: hlt_timer measured" "$T/pb48/latest.json" \
    '[.results[] | select(.suite=="vmcost" and .test=="hlt_timer")] | length == 1'
jqcheck "phys-bits=48: nothing degraded" "$T/pb48/latest.json" '.env.degraded == []'
