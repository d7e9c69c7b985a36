/* topology_mpidr.c (aarch64) - where processors sit when the platform cannot tell (no EFI MP
 * services): processor 0 is the running one, the others the MADT's enabled GICC entries in table
 * order, as boot/aarch64/uefi_psci.c numbers them; each by its MPIDR affinity (the hardware id),
 * each its own core of one package (MPIDR's levels say nothing reliable about sockets). */
#include "kernel/firmware/acpi.h"
#include "kernel/machine/topology.h"
#include "kernel/platform.h"
#include "arch/cpu.h"

void topo_from_cpu(struct topology *t)
{
    uint32_t me = arch_cpu_hw_id(), len = 0;
    const void *m = plat_acpi_table("APIC", &len, NULL);
    uint64_t mpidr[256];
    int n = m ? acpi_madt_gicc(m, len, mpidr, 256) : -1, k = 1;
    for (int i = 0; i < t->n; i++)
        t->cpu[i] = (struct topo_cpu){i == 0 ? me : 0, 0, 0, i, 0, 0};
    for (int i = 0; i < n && k < t->n; i++)
        if (acpi_mpidr_id(mpidr[i]) != me)
            t->cpu[k++].apic_id = acpi_mpidr_id(mpidr[i]);
    t->source = k == t->n && t->n > 1 ? "madt-gicc (each processor its own core)"
                                      : "none (each processor its own core)";
}
