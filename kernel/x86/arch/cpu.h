/* arch/cpu.h (x86) - the CPU as portable code reaches it: portable files include "arch/cpu.h",
 * which -Ikernel/$(ARCH) resolves to this file (kvm-unit-tests' lib/<arch>/asm manner), so they
 * carry no inline assembly and name no x86 header.  Another architecture supplies its own
 * kernel/<arch>/arch/cpu.h with the same names. */
#ifndef BB_ARCH_CPU_H
#define BB_ARCH_CPU_H

#include "kernel/x86/apic_id.h"
#include "kernel/x86/cpu.h"
#include "kernel/firmware/smbios.h"
#include "kernel/x86/vmware_backdoor.h"

#include <stdint.h>

/** Counter read ordered after all earlier instructions and before all later ones (TSC). */
static inline uint64_t arch_ticks_fenced(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* The fault numbers plat_try returns (kernel/platform.h): the exception vectors #UD, #GP, #PF. */
#define ARCH_FAULT_UNDEFINED 6
#define ARCH_FAULT_PROTECTION 13
#define ARCH_FAULT_PAGE 14

/* The counter arch_ticks_fenced reads, as the document and the notes name it. */
#define ARCH_COUNTER_NAME "tsc"
#define ARCH_COUNTER_LABEL "TSC"
/* Where the CPU's own cache description comes from (env.caches[].source when not the PPTT). */
#define ARCH_CACHE_SOURCE "cpuid"
/* The instructions of arch_ticks_fenced, as the timer suite's description names them. */
#define ARCH_COUNTER_READ "lfence;rdtsc;lfence"
/* The ISA every CPU of the architecture has: the "isa" param of entries that need nothing more. */
#define ARCH_BASE_ISA "x86-64"

/** The counter runs at one rate whatever the core's frequency and sleep states do. */
static inline int arch_counter_invariant(const struct cpu_info *c) { return c->invariant_tsc; }

/* A rate the CPU or a hypervisor states for the counter (hz 0: not stated).  fallback > 0: it
 * may calibrate the counter when no reference clock can, lowest first; 0: a cross-check only. */
struct arch_rate {
    const char *name;
    double hz;
    int fallback;
};
#define ARCH_MAX_RATES 3

/** The stated rates into out[ARCH_MAX_RATES], in the order the document lists its cross-checks;
 *  returns how many. */
static inline int arch_counter_rates(const struct cpu_info *c, struct arch_rate *out)
{
    out[0] = (struct arch_rate){"cpuid-0x15", (double)c->cpuid15_tsc_hz, 2};
    out[1] = (struct arch_rate){"hypervisor-0x40000010", (double)c->hv_tsc_khz * 1000.0, 1};
    out[2] = (struct arch_rate){"cpuid-0x16-base", c->base_mhz * 1e6, 0};
    return 3;
}

/** Hint to the core that this is a spin-wait loop (PAUSE). */
static inline void arch_relax(void) { __asm__ volatile("pause" ::: "memory"); }

/** Identify the running CPU (CPUID leaves, XCR0) into *out. */
static inline void arch_cpu_identify(struct cpu_info *out)
{
    cpu_decode(cpuid_native, cpu_read_xcr0(), out);
}

/** What the hypervisor answers beyond CPUID (x86: the VMware backdoor port), into *c; needs
 *  the platform's trap-safe calls (plat_try). */
static inline void arch_cpu_probe_hypervisor(struct cpu_info *c) { vmw_backdoor_probe(c); }

/** Once SMBIOS is read: on x86 the hypervisor is CPUID's word alone (leaf 0x40000000), so
 *  SMBIOS's names are not taken as one. */
static inline void arch_cpu_hypervisor_hint(struct cpu_info *c, const struct smbios_info *s)
{
    (void)c, (void)s;
}

/** The calling processor's hardware id (x2APIC / initial APIC id); callable on every
 *  processor, also where firmware services may not be called. */
static inline uint32_t arch_cpu_hw_id(void) { return cpu_apic_id(); }

/** Interrupts off (ring 0 only); returns the state arch_irq_restore puts back. */
static inline uint64_t arch_irq_save(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq\n\tpopq %0\n\tcli" : "=r"(flags)::"memory");
    return flags;
}

static inline void arch_irq_restore(uint64_t flags)
{
    if (flags & (1ull << 9)) /* IF */
        __asm__ volatile("sti" ::: "memory");
}

/** Interrupts off and halted for good (ring 0 only): a processor that must never return. */
static inline void arch_halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

/* Keep a value in a register of its kind at this point, so the compiler neither folds nor
 * moves the operation that made it: ARCH_KEEP for integers, ARCH_KEEP_FP for doubles. */
#define ARCH_KEEP(x) __asm__("" : "+r"(x))
#define ARCH_KEEP_FP(x) __asm__("" : "+x"(x))
/* ARCH_KEEP that may not be removed or merged either (volatile): one arm of a branch that must
 * stay a branch (the compiler cannot turn it into a conditional move). */
#define ARCH_KEEP_VOLATILE(x) __asm__ volatile("" : "+r"(x))

/* A function compiled for the fused multiply-add instructions (FMA3), called only where the
 * CPU has them (kernels check their alu_kernel.isa first). */
#define ARCH_TARGET_FMA __attribute__((target("fma")))

/** Square root by the hardware instruction (SQRTSD), with no libm call and no errno path. */
static inline double arch_sqrt(double x)
{
    __asm__("sqrtsd %1, %0" : "=x"(x) : "x"(x));
    return x;
}

#endif
