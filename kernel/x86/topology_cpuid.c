/* topology_cpuid.c - the x86 answer of topo_from_cpu (kernel/machine/topology.h) when the platform
 * cannot tell where the processors sit: CPUID leaf 0x1F (or 0xB) shifts applied to processor
 * 0's APIC id. */
#include "kernel/machine/topology.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/topology_cpuid.h"

int topo_cpuid_shifts(cpuid_fn fn, int *smt, int *die, int *pkg)
{
    struct cpuid_regs r;
    fn(0, 0, &r);
    uint32_t max = r.eax;
    int leaf = max >= 0x1f ? 0x1f : max >= 0xb ? 0xb : 0;
    if (leaf == 0x1f) { /* 0x1F may be listed but empty: then fall back to 0xB */
        fn(0x1f, 0, &r);
        if (((r.ecx >> 8) & 0xff) == 0)
            leaf = max >= 0xb ? 0xb : 0;
    }
    if (!leaf)
        return 0;
    int s = 0, d = -1, last = 0;
    for (uint32_t sub = 0; sub < 16; sub++) {
        fn((uint32_t)leaf, sub, &r);
        int type = (int)((r.ecx >> 8) & 0xff);
        if (type == 0)
            break;
        int shift = (int)(r.eax & 0x1f);
        if (type == 1)
            s = shift;
        if (type == 5) /* die: the bits below it are cores (and modules, tiles) */
            d = last;
        last = shift;
    }
    if (last == 0 && s == 0)
        return 0;
    *smt = s;
    *die = d < 0 ? last : d;
    *pkg = last;
    return leaf;
}

/* Every processor from the CPUID shifts applied to the one APIC id we can read: processor 0. */
void topo_from_cpu(struct topology *t)
{
    int smt, die, pkg;
    struct cpuid_regs r;
    cpuid_native(1, 0, &r);
    uint32_t apic = r.ebx >> 24;
    int leaf = topo_cpuid_shifts(cpuid_native, &smt, &die, &pkg);
    if (leaf) {
        cpuid_native((uint32_t)leaf, 0, &r);
        apic = r.edx;
    }
    for (int i = 0; i < t->n; i++)
        t->cpu[i] = (struct topo_cpu){i == 0 ? apic : 0, 0, 0, i, 0, 0};
    if (leaf && t->n == 1)
        topo_split_apic(apic, smt, die, pkg, &t->cpu[0]);
    t->source = leaf == 0x1f ? "cpuid-0x1f (processor 0 only)" : leaf ? "cpuid-0xb (processor 0 only)"
                                                                     : "none (each processor its own core)";
}
