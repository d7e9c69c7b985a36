#!/usr/bin/env bash
# 13-aarch64-smp.sh - four processors on the aarch64 image without EFI MP services (AAVMF has
# none): barebench starts the three others itself with PSCI CPU_ON (the MADT's GICC MPIDRs, the
# conduit from the FADT), each on its own stack; all four run the all-core measurements (the core
# clock of each, the timer suite's counter offsets) and every one is seen OFF again (AFFINITY_INFO)
# after each run - a processor that is not leaves a note in env.degraded; also with the firmware
# at EL2, and with one processor stuck (fault=ap-stuck).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/aarch64.bash"

boot a64-smp 4 512M "suite=timer profile=quick reps=2"
rc=$?
J=$T/a64-smp/latest.json
check "QEMU exits cleanly with four processors" test "$rc" = 0
jqcheck "four processors counted (PSCI bring-up; the firmware offers no MP services), at EL1" "$J" \
    '.env.processors.logical == 4 and .env.cpu.exception_level == 1'
jqcheck "each processor's hardware id is its MPIDR affinity, all different" "$J" \
    '[.env.topology.processor[].apic_id] | sort == [0,1,2,3]'
jqcheck "the core clock measured on all four at once" "$J" \
    '(.env.clock.all_core_hz | length) == 4 and all(.env.clock.all_core_hz[]; . > 0)'
jqcheck "timer suite: counter offsets between the four processors measured" "$J" \
    '[.results[] | select(.test=="tsc_offset" and .params.threads==4 and (.per_cpu | length) == 4)] | length == 1'
jqcheck "every processor started, ran and was seen OFF again (no mp note)" "$J" \
    '[.env.degraded[]? | select(.what == "mp")] | length == 0'
jqcheck "no errors" "$J" '.errors == []'

# fault=ap-stuck: the first processor started halts before checking in; the bounded waits give
# up on it, it is named and left out, and the all-core measurements run on the three others
boot a64-stuck 4 512M "suite=timer profile=quick reps=2 fault=ap-stuck"
rc=$?
J=$T/a64-stuck/latest.json
check "ap-stuck: QEMU still exits cleanly" test "$rc" = 0
jqcheck "ap-stuck: the processor is named and left out" "$J" \
    '.env.degraded | any(.what == "mp" and (.note | test("processor [0-9]+")))'
jqcheck "ap-stuck: the counter offsets measured on the three processors left, no errors" "$J" \
    '([.results[] | select(.test=="tsc_offset" and .params.threads==3)] | length == 1) and .errors == []'

# firmware at EL2 with a GICv3 (virtualization=on: the virt machine emulates EL2, AAVMF runs
# there, PSCI over SMC, as on bare-metal Arm servers): the processors start at EL2 with the EL2
# registers; vmcost's WFI finds this processor's redistributor
boot a64-el2 4 512M "suite=timer,vmcost profile=quick reps=2" -machine virtualization=on,gic-version=3
rc=$?
J=$T/a64-el2/latest.json
check "EL2: QEMU exits cleanly" test "$rc" = 0
jqcheck "EL2: four processors ran the counter offsets, none left ON or out, no errors" "$J" \
    '.env.cpu.exception_level == 2 and .env.processors.logical == 4 and ([.results[] | select(.test=="tsc_offset" and .params.threads==4)] | length == 1)
     and ([.env.degraded[]? | select(.what == "mp")] | length == 0) and .errors == []'
jqcheck "EL2, GICv3: WFI woken by the virtual timer measured (the redistributor found)" "$J" \
    '[.results[] | select(.test=="hlt_timer" and .median > 0)] | length == 1'
