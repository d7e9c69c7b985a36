/* topology_mpidr.c (aarch64) - where processors sit when the platform cannot tell: MPIDR_EL1's
 * affinity of processor 0 (MT bit: Aff0 numbers threads of a core), each other one its own core. */
#include "kernel/machine/topology.h"
#include "arch/cpu.h"

void topo_from_cpu(struct topology *t)
{
    uint32_t id = arch_cpu_hw_id();
    for (int i = 0; i < t->n; i++)
        t->cpu[i] = (struct topo_cpu){i == 0 ? id : 0, 0, 0, i, 0, 0};
    t->source = "none (each processor its own core)";
}
