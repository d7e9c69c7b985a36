/* coreclock_arch.h - the architecture's part of the core clock measurement (kernel/machine/
 * coreclock.c): the add chain in the CPU's own instructions, and a pair of cycle counters whose
 * ratio tells the effective clock (x86: APERF/MPERF), where one is readable.  Implemented in
 * kernel/<arch>/coreclock_arch.c. */
#ifndef BB_CORECLOCK_ARCH_H
#define BB_CORECLOCK_ARCH_H

#include <stdint.h>

struct cpu_info;

/* dependent adds per block of coreclock_arch_add_chain */
#define CORECLOCK_ADDS_PER_BLOCK 100

/** `blocks` x 100 dependent register adds, one core cycle each; the loop counter runs beside. */
uint64_t coreclock_arch_add_chain(uint64_t blocks);
/** On processor 0, before any read: 1 when the ratio pair may be read plainly from now on;
 *  else 0 with *why (e.g. "CPUID.06H:ECX[0] clear (no APERF/MPERF)"). */
int coreclock_arch_ratio_probe(const struct cpu_info *c, const char **why);
/** The pair now: *actual (APERF) and *reference (MPERF); only after a probe said 1. */
void coreclock_arch_ratio_read(uint64_t *actual, uint64_t *reference);

#endif
