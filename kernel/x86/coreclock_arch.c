/* coreclock_arch.c (x86) - the add chain of the core clock measurement (ADD/DEC/JNZ) and
 * APERF/MPERF, read plainly only after a trap-safe probe on processor 0 worked. */
#include "kernel/machine/coreclock_arch.h"
#include "kernel/platform.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/msr.h"

#define MSR_MPERF 0xe7
#define MSR_APERF 0xe8

uint64_t coreclock_arch_add_chain(uint64_t blocks)
{
    uint64_t x = 0, one = 1;
    __asm__ volatile("1:\n\t"
                     ".rept 100\n\t"
                     "add %[one], %[x]\n\t"
                     ".endr\n\t"
                     "dec %[n]\n\t"
                     "jnz 1b"
                     : [x] "+r"(x), [n] "+r"(blocks)
                     : [one] "r"(one)
                     : "cc");
    return x;
}

int coreclock_arch_ratio_probe(const struct cpu_info *c, const char **why)
{
    struct cpuid_regs r = {0};
    if (c->max_leaf >= 6)
        cpuid_native(6, 0, &r);
    uint64_t v;
    if (!(r.ecx & 1)) {
        *why = "CPUID.06H:ECX[0] clear (no APERF/MPERF)";
        return 0;
    }
    if (plat_trap_begin() != 0) {
        *why = "trap handlers unavailable";
        return 0;
    }
    int rc = msr_try_read(MSR_APERF, &v);
    if (rc == 0)
        rc = msr_try_read(MSR_MPERF, &v);
    plat_trap_end();
    *why = rc ? msr_why(rc) : NULL;
    return rc == 0;
}

void coreclock_arch_ratio_read(uint64_t *actual, uint64_t *reference)
{
    *reference = msr_read(MSR_MPERF);
    *actual = msr_read(MSR_APERF);
}
