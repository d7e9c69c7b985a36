/* arch/cpu.h (aarch64) - the CPU as portable code reaches it (the same names as x86's
 * kernel/x86/arch/cpu.h, which portable files include as "arch/cpu.h"): the architected generic
 * timer's virtual counter CNTVCT_EL0 as the clock, the ID registers as the identity. */
#ifndef BB_ARCH_CPU_H
#define BB_ARCH_CPU_H

#include "kernel/aarch64/cpu.h"
#include "kernel/firmware/smbios.h"

#include <stdint.h>

/** Counter read ordered after all earlier instructions and before all later ones (ISB on both
 *  sides: CNTVCT_EL0 reads may otherwise be taken early or late). */
static inline uint64_t arch_ticks_fenced(void)
{
    uint64_t v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0\n\tisb" : "=r"(v)::"memory");
    return v;
}

/* The fault numbers plat_try returns (kernel/platform.h), from the exception syndrome's class:
 * an undefined instruction (EC 0x00), a permission or alignment fault, a translation fault. */
#define ARCH_FAULT_UNDEFINED 1
#define ARCH_FAULT_PROTECTION 2
#define ARCH_FAULT_PAGE 3

/* The counter arch_ticks_fenced reads, as the document and the notes name it. */
#define ARCH_COUNTER_NAME "cntvct"
#define ARCH_COUNTER_LABEL "CNTVCT"
/* Where the CPU's own cache description comes from (env.caches[].source when not the PPTT). */
#define ARCH_CACHE_SOURCE "id-registers"
/* The instructions of arch_ticks_fenced, as the timer suite's description names them. */
#define ARCH_COUNTER_READ "isb;mrs cntvct_el0;isb"
/* The fastest plausible counter before calibration (kernel/run/bounds.h): twice CNTFRQ_EL0's
 * stated rate, or 2 GHz where the firmware left it 0 (Armv8.6 fixes the counter at 1 GHz). */
#define ARCH_COUNTER_HZ_MAX arch_counter_hz_max()
/* The ISA every CPU of the architecture has: the "isa" param of entries that need nothing more. */
#define ARCH_BASE_ISA "aarch64"

static inline double arch_counter_hz_max(void)
{
    uint64_t f;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
    f &= 0xffffffffu;
    return f ? 2.0 * (double)f : 2e9;
}

/** The generic timer's count is architecturally constant-rate (the system counter). */
static inline int arch_counter_invariant(const struct cpu_info *c)
{
    (void)c;
    return 1;
}

/* A rate the CPU or a hypervisor states for the counter (hz 0: not stated).  fallback > 0: it
 * may calibrate the counter when no reference clock can, lowest first; 0: a cross-check only. */
struct arch_rate {
    const char *name;
    double hz;
    int fallback;
};
#define ARCH_MAX_RATES 2

/** CNTFRQ_EL0, the rate the firmware programmed for the system counter (the architecture's
 *  definition of the counter's rate), and where the GTDT describes the counter's frame its
 *  CNTFID0 (a cross-check only); both checked against firmware Stall by clock_calibrate. */
static inline int arch_counter_rates(const struct cpu_info *c, struct arch_rate *out)
{
    out[0] = (struct arch_rate){"cntfrq_el0", (double)c->cntfrq, 1};
    out[1] = (struct arch_rate){"gtdt-cntfid0", (double)c->gtdt_hz, 0};
    return 2;
}

/** Hint to the core that this is a spin-wait loop (YIELD). */
static inline void arch_relax(void) { __asm__ volatile("yield" ::: "memory"); }

/** Identify the running CPU (the ID registers; the hypervisor by SMCCC) into *out. */
static inline void arch_cpu_identify(struct cpu_info *out)
{
    cpu_decode(cpu_idregs_native, out);
}

/** What the hypervisor answers beyond the ID registers, into *c: on aarch64 the SMCCC vendor
 *  UID, the FADT and the GTDT are asked inside arch_cpu_identify already (cpu_decode), so
 *  nothing more (x86 probes the VMware backdoor here). */
static inline void arch_cpu_probe_hypervisor(struct cpu_info *c) { (void)c; }

/** The last hint, once SMBIOS is read: a hypervisor neither SMCCC nor the FADT named, from the
 *  system manufacturer/product (cpu_hypervisor_smbios_hint). */
static inline void arch_cpu_hypervisor_hint(struct cpu_info *c, const struct smbios_info *s)
{
    cpu_hypervisor_smbios_hint(c, s->sys_manufacturer, s->sys_product);
}

/** The calling processor's hardware id: MPIDR_EL1's affinity fields Aff3..Aff0 packed in 32
 *  bits (Aff3 << 24 | Aff2 << 16 | Aff1 << 8 | Aff0), as the MADT's GICC entries name them. */
static inline uint32_t arch_cpu_hw_id(void)
{
    uint64_t m;
    __asm__ volatile("mrs %0, mpidr_el1" : "=r"(m));
    return (uint32_t)(((m >> 32) & 0xff) << 24) | (uint32_t)(m & 0xffffff);
}

/** Interrupts off (DAIF.I and F set); returns the state arch_irq_restore puts back.  In the
 *  Linux build (EL0) DAIF is not writable: the state is kept as it is. */
static inline uint64_t arch_irq_save(void)
{
#ifdef BB_UEFI
    uint64_t daif;
    __asm__ volatile("mrs %0, daif\n\tmsr daifset, #3" : "=r"(daif)::"memory");
    return daif;
#else
    return 0;
#endif
}

static inline void arch_irq_restore(uint64_t daif)
{
#ifdef BB_UEFI
    __asm__ volatile("msr daif, %0" ::"r"(daif) : "memory");
#else
    (void)daif;
#endif
}

/** Interrupts off and waiting for good: a processor that must never return. */
static inline void arch_halt_forever(void)
{
    for (;;)
        __asm__ volatile("msr daifset, #3\n\twfi");
}

/* Keep a value in a register of its kind at this point, so the compiler neither folds nor
 * moves the operation that made it: ARCH_KEEP for integers, ARCH_KEEP_FP for doubles. */
#define ARCH_KEEP(x) __asm__("" : "+r"(x))
#define ARCH_KEEP_FP(x) __asm__("" : "+w"(x))
#define ARCH_KEEP_VOLATILE(x) __asm__ volatile("" : "+r"(x))

/* Fused multiply-add is part of every AArch64 FP unit: nothing to ask the compiler for. */
#define ARCH_TARGET_FMA

/** Square root by the hardware instruction (FSQRT), with no libm call and no errno path. */
static inline double arch_sqrt(double x)
{
    __asm__("fsqrt %d0, %d1" : "=w"(x) : "w"(x));
    return x;
}

#endif
