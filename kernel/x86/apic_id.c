/* apic_id.c - the calling processor's APIC id from CPUID (x2APIC id from leaf 0xB when the
 * CPU has it, else the initial APIC id of leaf 1): the key for cache sharing and NUMA nodes. */
#include "kernel/x86/apic_id.h"
#include "kernel/x86/cpu.h"

uint32_t cpu_apic_id(void)
{
    struct cpuid_regs r;
    cpuid_native(0, 0, &r);
    uint32_t max = r.eax;
    if (max >= 0xb) {
        struct cpuid_regs t;
        cpuid_native(0xb, 0, &t);
        if (t.ebx != 0) /* leaf 0xB implemented: EDX is the full x2APIC id */
            return t.edx;
    }
    cpuid_native(1, 0, &r);
    return r.ebx >> 24;
}
