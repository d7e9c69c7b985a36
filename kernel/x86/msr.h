/* msr.h - model-specific register access: plain RDMSR/WRMSR (ring 0, only after a trap-safe
 * probe said the register exists) and trap-safe forms through plat_try. */
#ifndef BB_MSR_H
#define BB_MSR_H

#include <stdint.h>

static inline uint64_t msr_read(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void msr_write(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/** RDMSR under plat_try (plat_trap_begin must have succeeded on this processor).  Returns 0
 *  and *v, else the vector (13 = #GP: absent or trapped) or -1 when traps are unavailable. */
int msr_try_read(uint32_t msr, uint64_t *v);
/** WRMSR under plat_try; same return values. */
int msr_try_write(uint32_t msr, uint64_t v);
/** Text for a msr_try_* result: "#GP", "#UD", "not ring 0", ... */
const char *msr_why(int rc);

#endif
