/* topology_cpuid.h - the CPUID topology leaves (0x1F, 0xB) decoded from any source of leaves
 * (the real instruction, or recorded leaves in the unit tests). */
#ifndef BB_TOPOLOGY_CPUID_H
#define BB_TOPOLOGY_CPUID_H

#include "kernel/x86/cpu.h"

/** Shifts of CPUID leaf 0x1F (or 0xB when 0x1F is absent): bits of the APIC id below the core
 *  level (`smt`) and below the package (`pkg`).  Returns the leaf used, or 0 if neither. */
int topo_cpuid_shifts(cpuid_fn fn, int *smt, int *die, int *pkg);

#endif
