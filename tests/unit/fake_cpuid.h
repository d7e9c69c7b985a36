/* fake_cpuid.h - a CPUID stand-in for unit tests: answers from a table of recorded leaves
 * (zeros for a leaf the table lacks), so decoders run against real CPUs' answers. */
#ifndef FAKE_CPUID_H
#define FAKE_CPUID_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/x86/cpu.h"

/* One recorded answer: CPUID(leaf, sub) returned r. */
struct leaf {
    uint32_t leaf, sub;
    struct cpuid_regs r;
};

/* Make fake_cpuid answer from the n leaves of table (kept by pointer, not copied). */
void fake_cpuid_use(const struct leaf *table, size_t n);

/* The CPUID function to hand to the code under test. */
void fake_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r);

/* fake_cpuid_use on a whole array. */
#define USE(tbl) fake_cpuid_use((tbl), sizeof(tbl) / sizeof((tbl)[0]))

#endif
