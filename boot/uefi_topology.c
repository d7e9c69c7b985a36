/* uefi_topology.c - processor topology from MP services GetProcessorInfo (the extended
 * Location2 form where the firmware offers it) and the cpus= selection: which run index an AP
 * takes, found from its own APIC id (CPUID) without calling the firmware from the AP. */
#include "boot/uefi.h"
#include "boot/efi_protocols.h"
#include "kernel/platform.h"
#include "kernel/machine/topology.h"
#include "arch/cpu.h"

#define CPU_V2_EXTENDED_TOPOLOGY (1u << 24) /* PI 1.7: ask GetProcessorInfo for Location2 */

static uint32_t *apic_by_proc; /* processor number -> APIC id, plat_cpu_count() entries */
static int nproc;
static const int *selection;   /* run index -> processor number */
static int nselection;

/* Location2 of the PI 1.7 extension: Package, Die, Tile, Module, Core, Thread. */
struct location2 {
    UINT32 package, die, tile, module, core, thread;
};

int plat_topology(struct topo_cpu *out, int n, const char **source)
{
    EFI_GUID guid = BB_EFI_MP_SERVICES_PROTOCOL_GUID;
    BB_EFI_MP_SERVICES_PROTOCOL *mp = NULL;
    if (LibLocateProtocol(&guid, (VOID **)&mp) != EFI_SUCCESS || !mp)
        return -1;
    uint32_t *apic = AllocateZeroPool((UINTN)n * sizeof *apic);
    if (!apic)
        return -1;
    int extended = 1;
    for (int i = 0; i < n; i++) {
        BB_EFI_PROCESSOR_INFORMATION info;
        ZeroMem(&info, sizeof info);
        EFI_STATUS st = EFI_NOT_FOUND;
        if (extended)
            st = mp->GetProcessorInfo(mp, (UINTN)i | CPU_V2_EXTENDED_TOPOLOGY, &info);
        if (st != EFI_SUCCESS) {
            extended = 0; /* older firmware: processor number out of range */
            ZeroMem(&info, sizeof info);
            st = mp->GetProcessorInfo(mp, (UINTN)i, &info);
        }
        if (st != EFI_SUCCESS) {
            FreePool(apic);
            return -1;
        }
        apic[i] = (uint32_t)info.ProcessorId;
        out[i].apic_id = apic[i];
        if (extended) {
            struct location2 l;
            CopyMem(&l, info.ExtendedInformation, sizeof l);
            out[i].package = (int)l.package;
            out[i].die = (int)l.die;
            /* tile and module sit between die and core: fold them into the core number */
            out[i].core = (int)((l.tile << 20) | (l.module << 12) | l.core);
            out[i].thread = (int)l.thread;
        } else {
            out[i].package = (int)info.Location.Package;
            out[i].die = 0;
            out[i].core = (int)info.Location.Core;
            out[i].thread = (int)info.Location.Thread;
        }
    }
    if (apic_by_proc)
        FreePool(apic_by_proc);
    apic_by_proc = apic;
    nproc = n;
    *source = extended ? "mp-services-extended" : "mp-services";
    return 0;
}

void plat_cpu_select(const int *procs, int n)
{
    /* the APs find their index by APIC id: only when that id means what MP services say
     * (checked on processor 0); otherwise they take indices in arrival order */
    int usable = apic_by_proc && nproc > 0 && apic_by_proc[0] == arch_cpu_hw_id();
    selection = usable ? procs : NULL;
    nselection = usable ? n : 0;
}

int plat_os_steal_ns(int idx, uint64_t *ns)
{
    (void)idx, (void)ns;
    return -1;
}

/** Run index of the calling processor under the current selection; -1 when not selected;
 *  -2 when there is no selection (the caller hands out indices in arrival order). */
int uefi_cpu_slot(void)
{
    if (!selection || !apic_by_proc)
        return -2;
    uint32_t me = arch_cpu_hw_id();
    for (int k = 1; k < nselection; k++)
        if (selection[k] < nproc && apic_by_proc[selection[k]] == me)
            return k;
    return -1;
}
