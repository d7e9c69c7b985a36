/* arch.h - the few x86 instructions the portable runtime and the suites need (a fenced TSC
 * read, the spin-wait hint), so portable files carry no inline assembly of their own. */
#ifndef BB_ARCH_H
#define BB_ARCH_H

#include <stdint.h>

/** TSC read ordered after all earlier instructions and before all later ones. */
static inline uint64_t arch_ticks_fenced(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/** Hint to the core that this is a spin-wait loop (PAUSE). */
static inline void arch_relax(void) { __asm__ volatile("pause" ::: "memory"); }

#endif
