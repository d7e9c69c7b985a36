/* cpu.h - CPU and hypervisor identification from CPUID, decoded from any source of leaves
 * (the real instruction, or leaves recorded on real CPUs for the unit tests). */
#ifndef BB_CPU_H
#define BB_CPU_H

#include "kernel/machine/cache_info.h"

#include <stdint.h>

struct json;

struct cpuid_regs {
    uint32_t eax, ebx, ecx, edx;
};
typedef void (*cpuid_fn)(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);

/** The CPUID instruction itself. */
void cpuid_native(uint32_t leaf, uint32_t subleaf, struct cpuid_regs *r);
/** XCR0 via XGETBV, or 0 when the OS has not enabled XSAVE (CR4.OSXSAVE clear). */
uint64_t cpu_read_xcr0(void);

struct cpu_info {
    char vendor[13];
    char brand[49];
    uint32_t signature; /* CPUID.1:EAX */
    uint32_t family, model, stepping;
    uint32_t max_leaf, max_ext_leaf;
    /* features that matter for the kernels and the clock */
    int sse2, sse42, avx, avx2, fma, avx512f, avx512bw, avx512vl, xsave, osxsave;
    int tsc, rdtscp, invariant_tsc, tsc_deadline, x2apic, hypervisor, pdpe1gb, apic;
    uint64_t xcr0;           /* as read (0 if OSXSAVE clear) */
    int os_avx, os_avx512;   /* the state the OS enabled: AVX / AVX-512 usable */
    /* hypervisor */
    char hv_signature[13];
    const char *hv_name;     /* kvm, vmware, hyperv, xen, tcg, bhyve, ..., none, unknown */
    uint32_t hv_max_leaf;
    uint64_t hv_tsc_khz;     /* leaf 0x40000010 EAX, 0 if absent */
    uint64_t hv_apic_khz;    /* leaf 0x40000010 EBX */
    /* the VMware backdoor port (kernel/x86/vmware_backdoor.c): probed (under a hypervisor
     * only), answered GETVERSION with the magic, its version (EAX) and product type (ECX),
     * the fault the probe took (0 none, -1 no trap handlers) */
    int bdoor_probed, bdoor_answers, bdoor_fault;
    uint32_t bdoor_version, bdoor_type;
    /* frequency leaves */
    uint64_t cpuid15_tsc_hz;     /* from leaf 0x15 (with crystal from 0x16 when ECX is 0) */
    uint64_t cpuid15_crystal_hz;
    uint32_t base_mhz, max_mhz, bus_mhz; /* leaf 0x16 */
    /* caches */
    struct cache_info caches[CPU_MAX_CACHES];
    int ncaches;
    uint32_t phys_addr_bits, virt_addr_bits;
};

/** Decode everything above from `fn`; `xcr0` is what XGETBV gave (0 if unavailable). */
void cpu_decode(cpuid_fn fn, uint64_t xcr0, struct cpu_info *out);
/** Map a 12-byte CPUID 0x40000000 signature to a short name ("unknown" if not known). */
const char *cpu_hypervisor_name(const char *sig12);
/** Best SIMD level the CPU has and the OS enabled: "avx512", "avx2", "sse2". */
const char *cpu_best_isa(const struct cpu_info *c);
/** Size of the last-level data/unified cache in bytes (0 if unknown), and of level `lvl`. */
uint32_t cpu_cache_size(const struct cpu_info *c, int lvl);
uint32_t cpu_llc_size(const struct cpu_info *c);
/** Write the "cpu" and "hypervisor" objects' members (caller opened nothing: writes two keys). */
void cpu_write_json(const struct cpu_info *c, struct json *j);

#endif
