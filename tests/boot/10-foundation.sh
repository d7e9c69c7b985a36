#!/usr/bin/env bash
# 10-foundation.sh - boots the real image (-smp 2 -m 1G) and checks the results document:
# processors, memory, hypervisor, SMBIOS, calibrated timer, timer suite entries; then a boot
# with a bad option must print an error naming it, run nothing and still power off cleanly.
. "$(dirname "$0")/lib.sh"

boot good 2 1G "suite=timer reps=3 profile=quick tag=ci"
rc=$?
J=$T/good/latest.json
check "good boot powers off by itself (QEMU exit 0)" test "$rc" = 0
jqcheck "schema is barebench/1" "$J" '.schema == "barebench/1" and .tool.build == "uefi"'
jqcheck "load options reached the run" "$J" '.tool.command_line == "suite=timer reps=3 profile=quick tag=ci" and .tool.tag == "ci"'
jqcheck "2 processors counted through MP services" "$J" '.env.processors.logical == 2'
jqcheck "about 1 GiB of RAM in the memory map" "$J" '.env.memory.total_bytes > 0.9*1073741824 and .env.memory.total_bytes <= 1073741824'
jqcheck "hypervisor is tcg (or kvm where KVM works)" "$J" '.env.hypervisor.name as $h | ($h == "tcg" or $h == "kvm")'
jqcheck "SMBIOS system manufacturer is QEMU" "$J" '.env.system.manufacturer == "QEMU"'
jqcheck "SMBIOS type 17 DIMMs add up to 1024 MB" "$J" '.env.system.dimm_total_mb == 1024'
jqcheck "firmware identified (EDK II)" "$J" '.env.firmware.vendor | test("EDK")'
jqcheck "timer calibrated against the ACPI PM timer" "$J" '.env.timer.calibrated_by == "acpi-pm" and .env.timer.hz > 1e8 and .env.timer.rounds == 5'
jqcheck "calibration rounds agree within 1%" "$J" '.env.timer.spread_ppm < 10000'
jqcheck "CPU vendor and ISA level reported" "$J" '(.env.cpu.vendor | length) == 12 and (.env.cpu.best_isa | IN("sse2","avx2","avx512"))'
jqcheck "timer suite: TSC vs PM timer over 2 intervals, 3 reps each" "$J" '[.results[] | select(.suite=="timer" and .test=="tsc_vs_ref" and .reps==3)] | length == 2'
jqcheck "TSC agrees with the PM timer within 1000 ppm (median)" "$J" '[.results[] | select(.test=="tsc_vs_ref") | .median] | max < 1000'
jqcheck "clock read costs are positive ns with cycles" "$J" '[.results[] | select(.test=="tsc_read" or .test=="ref_read") | select(.unit=="ns" and .median > 0 and .cycles_per_op.median > 0)] | length == 2'
jqcheck "TSC offset between the 2 processors measured (under 100 us)" "$J" '[.results[] | select(.test=="tsc_offset" and .params.threads==2 and (.per_cpu|length)==2 and .median < 100000)] | length == 1'
jqcheck "entries carry min/median/max and samples" "$J" 'all(.results[]; .min <= .median and .median <= .max and (.samples|length) == .reps)'
jqcheck "no errors" "$J" '.errors == []'
check "summary table printed on the console" grep -q "^timer   tsc_vs_ref" "$T/good/console.log"

boot badopt 1 256M "suite=timer rpes=3"
rc=$?
J=$T/badopt/latest.json
check "bad option: QEMU still exits cleanly" test "$rc" = 0
check "bad option: the error names the key" grep -q "unknown option 'rpes'" "$T/badopt/console.log"
jqcheck "bad option: document lists the error and no results" "$J" '(.errors | length) == 1 and (.errors[0].what | test("rpes")) and .results == []'
check "bad option: no suite ran" bash -c "! grep -q '^suite timer' '$T/badopt/console.log'"

boot badval 1 256M "reps=0 then=shutdown"
check "bad value: the error names key and range" grep -q "bad value '0' for 'reps': expected 1..1000" "$T/badval/console.log"

boot help 1 256M "help"
check "help lists the options" grep -q "then=shutdown|reboot|exit|wait" "$T/help/console.log"
# the suites' own options, registered through their struct suite entries (app_init on the image too)
check "help lists each suite's own options under its name" \
    bash -c "tr -d '\r' <'$T/help/console.log' | grep -A3 '^options of the mem suite:' | grep -q '^  mem_max=SIZE' &&
             tr -d '\r' <'$T/help/console.log' | grep -A7 '^options of the disk suite:' | grep -q '^  disk_write=yes|no '"
