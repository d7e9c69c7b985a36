#!/usr/bin/env bash
# 30-alu-vmcost.sh - boots the real image (-smp 2) with suite=alu,vmcost: every alu kernel
# passed its self-check (no errors) and reports positive rates and cycles, SIMD entries carry
# their ISA, throughput kernels also ran on both CPUs; every vmcost operation is measured or
# skipped with a reason.  A second boot on a CPU without XSAVE (-cpu qemu64) must turn the
# faulting XSETBV into a skipped entry ("#UD") and still power off cleanly.
. "$(dirname "$0")/lib.sh"

boot alu 2 512M "suite=alu,vmcost profile=quick reps=3"
rc=$?
J=$T/alu/latest.json
check "alu+vmcost boot powers off by itself (QEMU exit 0)" test "$rc" = 0
jqcheck "no errors (every kernel's self-check passed under UEFI)" "$J" '.errors == []'
jqcheck "16 scalar alu kernels on 1 CPU (or skipped for a missing ISA)" "$J" \
    '([.results[] | select(.suite=="alu" and .test!="simd_fma" and .params.threads==1)] | length) + ([.skipped[] | select(.suite=="alu" and .test!="simd_fma" and (.why|test("needs")))] | length) == 16'
jqcheck "alu entries: positive rate and TSC cycles per op, 3 reps" "$J" \
    'all(.results[] | select(.suite=="alu"); .median > 0 and .cycles_per_op.median > 0 and .reps == 3)'
jqcheck "alu units are Gop/s, GFLOP/s or Mloop/s" "$J" \
    'all(.results[] | select(.suite=="alu"); .unit | IN("Gop/s","GFLOP/s","Mloop/s"))'
jqcheck "throughput and latency variants of int add/mul/div, fp add/mul" "$J" \
    '[.results[] | select(.suite=="alu" and .params.threads==1 and (.test|IN("int_add","int_mul","int_div","fp_add","fp_mul"))) | .params.kind] | (map(select(.=="latency"))|length) == 5 and (map(select(.=="throughput"))|length) == 5'
jqcheck "SIMD FMA labelled with its ISA, SSE2 always there" "$J" \
    '[.results[] | select(.test=="simd_fma") | .params.isa] | all(IN("sse2","avx2","avx512")) and index("sse2") != null'
jqcheck "SIMD levels run = what the CPU offers; the others skipped with a reason" "$J" \
    '([.results[] | select(.test=="simd_fma" and .params.threads==1) | .params.isa] | length) + ([.skipped[] | select(.test=="simd_fma" and (.why|test("needs")))] | length) == 3'
jqcheck "best ISA of the CPU was measured" "$J" \
    '.env.cpu.best_isa as $b | [.results[] | select(.test=="simd_fma") | .params.isa] | index($b) != null'
jqcheck "throughput kernels also on 2 CPUs, with 2 per-CPU figures" "$J" \
    '[.results[] | select(.suite=="alu" and .params.threads==2)] | length >= 10 and all(.per_cpu | length == 2)'
jqcheck "latency kernels only on 1 CPU" "$J" \
    '[.results[] | select(.params.kind=="latency" and .params.threads!=1)] | length == 0'
jqcheck "every vmcost op measured or skipped with a reason" "$J" \
    '([.results[] | select(.suite=="vmcost") | .test] + [.skipped[] | select(.suite=="vmcost" and (.why|length) > 0) | .test]) | sort == (["cpuid","rdtsc","rdtscp","rdmsr","io_read","mmio_read","cr3_write","invlpg","xsetbv","page_fault","hlt_timer"] | sort)'
jqcheck "vmcost entries: positive ns and cycles, loop overhead stated" "$J" \
    'all(.results[] | select(.suite=="vmcost"); .unit == "ns" and .median > 0 and .cycles_per_op.median > 0 and .extra.loop_overhead_ns >= 0)'
jqcheck "ring 0 ops ran under UEFI (CPUID, RDMSR, page fault, HLT+APIC timer)" "$J" \
    '[.results[] | select(.suite=="vmcost") | .test] | contains(["cpuid","rdmsr","page_fault","hlt_timer"])'
check "summary lists alu and vmcost" grep -q "^vmcost" "$T/alu/console.log"

boot vm-noxsave 1 256M "suite=vmcost profile=quick reps=3" -cpu qemu64
rc=$?
J=$T/vm-noxsave/latest.json
check "no-XSAVE boot powers off by itself (QEMU exit 0)" test "$rc" = 0
jqcheck "XSETBV without OSXSAVE: skipped as a fault, not a crash" "$J" \
    '[.skipped[] | select(.test=="xsetbv") | .why] | length == 1 and (.[0] | test("#UD"))'
jqcheck "no-XSAVE boot: other ring 0 ops still measured, no errors" "$J" \
    '.errors == [] and ([.results[] | select(.suite=="vmcost") | .test] | contains(["cpuid","rdmsr","cr3_write"]))'
