/* coreclock_arch.c (aarch64) - the add chain of the core clock measurement (ADD/SUBS/B.NE);
 * no cycle-ratio pair is read (the activity monitors' AMEVCNTR0 pair is not probed yet). */
#include "kernel/machine/coreclock_arch.h"

uint64_t coreclock_arch_add_chain(uint64_t blocks)
{
    uint64_t x = 0, one = 1;
    __asm__ volatile("1:\n\t"
                     ".rept 100\n\t"
                     "add %[x], %[x], %[one]\n\t"
                     ".endr\n\t"
                     "subs %[n], %[n], #1\n\t"
                     "b.ne 1b"
                     : [x] "+r"(x), [n] "+r"(blocks)
                     : [one] "r"(one)
                     : "cc");
    return x;
}

int coreclock_arch_ratio_probe(const struct cpu_info *c, const char **why)
{
    (void)c;
    *why = "aarch64: the activity monitors (AMU) are not read";
    return 0;
}

void coreclock_arch_ratio_read(uint64_t *actual, uint64_t *reference)
{
    *actual = *reference = 0;
}
