#!/usr/bin/env bash
# 35-topology-clock.sh - what makes two documents comparable, on the real image: topology from
# MP services (-smp 4 as 1 socket x 2 cores x 2 threads: 2 threads per core; cpus=cores runs 2
# threads, one per core, extra.smt 1), 2 packages from -smp 8,sockets=2; pstate=max under
# emulation completes with the refusal recorded; env.clock.core_hz positive (under TCG its
# value means nothing) and env.clock.moved consistent with the measurements; frequency policy
# and stolen time recorded or explained.
# Caches from ACPI PPTT: QEMU 7.2's q35 builds no PPTT (a Linux guest under -smp 4,sockets=2,
# cores=2 sees only APIC DSDT FACP FACS HPET MCFG WAET), so without one env.caches comes from
# CPUID; the 2-socket boot hands OVMF a PPTT built to the spec (tests/boot/pptt_table.py, via
# -acpitable) describing that topology, with 32 MiB L3s where TCG's CPUID says one 16 MiB L3.
. "$(dirname "$0")/lib.sh"
PPTT=$(mktemp)
trap 'rm -f "$PPTT"' EXIT
python3 "$top/tests/boot/pptt_table.py" "$PPTT" 2 2 2 64 64 512 32768

boot topo-smt "4,sockets=1,cores=2,threads=2" 512M "suite=alu profile=quick reps=3 min_time_ms=1 cpus=cores pstate=max"
rc=$?
J=$T/topo-smt/latest.json
check "cpus=cores pstate=max boot powers off by itself (QEMU exit 0)" test "$rc" = 0
jqcheck "no errors" "$J" '.errors == []'
jqcheck "topology from MP services: 1 package, 2 cores, 2 threads per core, 4 processors" "$J" \
    '.env.topology | (.source|startswith("mp-services")) and .packages == 1 and .cores == 2 and .threads_per_core == 2 and (.processor|length) == 4'
jqcheck "every processor has its location and APIC id; APIC ids distinct" "$J" \
    '.env.topology.processor | all(has("apic_id") and has("package") and has("core") and has("thread")) and (map(.apic_id)|unique|length) == 4'
jqcheck "cpus=cores selects 2 processors on different cores" "$J" \
    '.env.topology as $t | $t.cpus == "cores" and ($t.selected|length) == 2 and $t.selected_threads_per_core == 1 and ([$t.selected[] as $i | $t.processor[$i].core] | unique | length) == 2'
jqcheck "all-core entries ran 2 threads with extra.smt 1" "$J" \
    '[.results[] | select(.params.threads > 1)] | length > 5 and all(.params.threads == 2 and .extra.smt == 1)'
jqcheck "pstate=max refused under emulation, with the reason, nothing written" "$J" \
    '.env.power.pstate | .asked == "max" and .refused == true and (.why|test("hypervisor \\(tcg\\)")) and .written == false'
jqcheck "env.clock.core_hz positive, a measurement per suite, and after pstate=max" "$J" \
    '.env.clock.core_hz > 0 and ([.env.clock.measurements[].when] | index("alu") != null and index("after pstate=max") != null)'
jqcheck "env.clock.moved agrees with the measurements (every processor's too), with its env.degraded note" "$J" \
    "$(cat "$top/tests/boot/clock-moved.jq") and (.env.clock.measurements | all(.all_core_hz | length == 2))"
jqcheck "alu entries: extra.core_ghz, cycles per op named core, outliers counted" "$J" \
    '[.results[] | select(.suite=="alu")] | all(.extra.core_ghz > 0 and .cycles_per_op.clock == "core" and (.extra.outliers >= 0))'
jqcheck "parallel entries count late starts kept after the retries" "$J" \
    '[.results[] | select(.params.threads > 1)] | all(.extra.late_starts >= 0 and .extra.late_starts_redone >= 0)'
jqcheck "frequency policy registers read or unreadable with a reason" "$J" \
    '.env.power.registers | length > 0 and all(.[]; has("value") or has("unreadable"))'
jqcheck "no steal-time interface under TCG, and env.steal says why" "$J" \
    '.env.steal.interface == "none" and (.env.steal.why|test("TCG"))'
check "console shows the topology line" grep -q "topology:   1 package(s), 2 core(s), 2 thread(s) per core" "$T/topo-smt/console.log"
jqcheck "no PPTT (QEMU 7.2 q35 builds none): every env.caches entry from CPUID, without a note" "$J" \
    '(.env.caches | length) >= 2 and (.env.caches | all(.source == "cpuid" and (has("note") | not)))'

boot topo-2s "8,sockets=2,cores=2,threads=2" 512M "suite=timer profile=quick reps=2 cpus=3" \
    -acpitable file="$PPTT"
rc=$?
J=$T/topo-2s/latest.json
check "2-socket boot powers off by itself (QEMU exit 0)" test "$rc" = 0
jqcheck "-smp 8,sockets=2,cores=2,threads=2: 2 packages, 4 cores, 2 threads per core" "$J" \
    '.env.topology | .packages == 2 and .cores == 4 and .threads_per_core == 2 and (.processor|length) == 8'
jqcheck "cpus=3 takes 3 different cores (cores before siblings) over both packages" "$J" \
    '.env.topology as $t | ($t.selected|length) == 3 and $t.selected[0] == 0 and ([$t.selected[] as $i | "\($t.processor[$i].package)/\($t.processor[$i].core)"] | unique | length) == 3 and ([$t.selected[] as $i | $t.processor[$i].package] | unique | length) == 2'
jqcheck "the timer's all-processor test ran on the 3 selected" "$J" \
    '[.results[] | select(.test=="tsc_offset") | [.params.threads, .extra.smt]] == [[3, 1]]'
jqcheck "PPTT given: L3 from it (2 packages x 32 MiB), a note keeps CPUID's 1 x 16 MiB" "$J" \
    '.env.caches[] | select(.level == 3) | .source == "pptt" and .bytes == 33554432 and .instances == 2
     and .total == 67108864 and (.note | test("CPUID says 1 x 16 MiB, the PPTT 2 x 32 MiB"))'
jqcheck "PPTT given: L1D, L1I and L2 one per core (4), all from the PPTT" "$J" \
    '[.env.caches[] | select(.level <= 2) | [.level, .type, .instances, .source]] | sort
     == [[1,"D",4,"pptt"],[1,"I",4,"pptt"],[2,"U",4,"pptt"]]'

boot topo-bad 2 256M "suite=timer profile=quick cpus=1-1"
J=$T/topo-bad/latest.json
jqcheck "cpus= without processor 0: refused with a message, nothing run" "$J" \
    '.results == [] and (.errors[0] | tostring | test("cpus=1-1: the list must include processor 0"))'
