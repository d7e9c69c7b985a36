/* uefi_numa.c - NUMA on the UEFI image: the layout from ACPI SRAT/SLIT (one node when there is
 * no SRAT), pages taken at addresses inside a node's ranges (AllocatePages at an address), and
 * running a function on a processor of a given node (MP services StartupThisAP). */
#include "boot/uefi.h"
#include "boot/efi_protocols.h"
#include "kernel/firmware/acpi.h"
#include "kernel/lib/fmt.h"
#include "kernel/machine/numa.h"
#include "kernel/platform.h"
#include "arch/cpu.h"

#define EFI_MEMORY_SP_BIT 0x40000ull /* "specific purpose" memory: not for general use */

static struct numa_info g_numa;
static int g_numa_ready;
static BB_EFI_MP_SERVICES_PROTOCOL *g_mp;
static UINTN g_nproc;
static uint32_t g_apic[NUMA_MAX_CPUS];   /* by MP processor number */
static int g_is_bsp[NUMA_MAX_CPUS];

/* Every enabled processor's APIC id, by MP services processor number. */
static void list_processors(void)
{
    EFI_GUID guid = BB_EFI_MP_SERVICES_PROTOCOL_GUID;
    UINTN total = 0, enabled = 0;
    g_nproc = 1;
    g_apic[0] = arch_cpu_hw_id();
    g_is_bsp[0] = 1;
    if (LibLocateProtocol(&guid, (VOID **)&g_mp) != EFI_SUCCESS || !g_mp) {
        g_mp = NULL;
        return;
    }
    if (g_mp->GetNumberOfProcessors(g_mp, &total, &enabled) != EFI_SUCCESS)
        return;
    g_nproc = 0;
    for (UINTN i = 0; i < total && g_nproc < NUMA_MAX_CPUS; i++) {
        BB_EFI_PROCESSOR_INFORMATION info;
        if (g_mp->GetProcessorInfo(g_mp, i, &info) != EFI_SUCCESS || !(info.StatusFlag & 2))
            continue;
        g_apic[g_nproc] = (uint32_t)info.ProcessorId;
        g_is_bsp[g_nproc++] = info.StatusFlag & 1;
    }
    if (!g_nproc) {
        g_nproc = 1;
        g_apic[0] = arch_cpu_hw_id();
        g_is_bsp[0] = 1;
    }
}

void uefi_memory_totals(uint64_t *total, uint64_t *free, uint64_t *largest);

const struct numa_info *plat_numa(void)
{
    if (g_numa_ready)
        return &g_numa;
    g_numa_ready = 1;
    list_processors();
    const uint8_t *srat = acpi_find_table(uefi_acpi_rsdp(), "SRAT");
    if (!srat || acpi_parse_srat(srat, *(const uint32_t *)(srat + 4), &g_numa) != 0) {
        uint64_t t, f, l;
        uefi_memory_totals(&t, &f, &l);
        char why[128];
        bb_snprintf(why, sizeof why, "%s: one node", srat ? g_numa.note : "no SRAT");
        g_numa.cpu_id_kind = "apic";
        numa_single(&g_numa, g_apic, (int)g_nproc, t, why);
        return &g_numa;
    }
    const uint8_t *slit = acpi_find_table(uefi_acpi_rsdp(), "SLIT");
    if (!slit || acpi_parse_slit(slit, *(const uint32_t *)(slit + 4), &g_numa) != 0) {
        for (int a = 0; a < g_numa.nnodes; a++) /* ACPI's defaults: local 10, remote 20 */
            for (int b = 0; b < g_numa.nnodes; b++)
                g_numa.dist[a][b] = a == b ? 10 : 20;
        g_numa.has_dist = 1;
        if (!g_numa.note[0])
            bb_snprintf(g_numa.note, sizeof g_numa.note, "%s: distances 10/20 assumed",
                        slit ? "SLIT malformed" : "no SLIT");
    }
    return &g_numa;
}

int plat_cpu_node(void)
{
    int k = g_numa_ready ? numa_lookup_cpu(&g_numa, arch_cpu_hw_id()) : -1;
    return k < 0 ? 0 : k;
}

int plat_addr_node(const void *p)
{
    if (!g_numa_ready)
        return -1;
    if (!g_numa.nranges)
        return g_numa.nnodes == 1 ? 0 : -1;
    return numa_lookup_addr(&g_numa, (uint64_t)(uintptr_t)p);
}

#define MAX_NODE_BUFS 64
static struct {
    void *p;
    UINTN pages;
} bufs[MAX_NODE_BUFS];

/* First free run of the memory map inside one of node's ranges that holds `bytes` at an
 * `align`ed address; 0 when there is none. */
static uint64_t find_in_node(int node, uint64_t bytes, uint64_t align)
{
    UINTN n = 0, key, dsize;
    UINT32 dver;
    EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);
    uint64_t found = 0;
    for (UINTN i = 0; map && i < n && !found; i++) {
        EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * dsize);
        if (d->Type != EfiConventionalMemory || (d->Attribute & EFI_MEMORY_SP_BIT))
            continue;
        uint64_t s = d->PhysicalStart, e = s + d->NumberOfPages * 4096ull;
        for (int r = 0; r < g_numa.nranges && !found; r++) {
            const struct numa_range *g = &g_numa.ranges[r];
            if (g->node != node)
                continue;
            uint64_t lo = s > g->base ? s : g->base;
            uint64_t hi = e < g->base + g->len ? e : g->base + g->len;
            uint64_t a = (lo + align - 1) & ~(align - 1);
            if (a >= lo && a < hi && hi - a >= bytes)
                found = a;
        }
    }
    if (map)
        FreePool(map);
    return found;
}

void *plat_alloc_pages_node(size_t bytes, size_t align, int node)
{
    plat_numa();
    if (node < 0 || node >= g_numa.nnodes)
        return NULL;
    if (!g_numa.nranges) /* no SRAT: all memory is the one node's */
        return plat_alloc_pages(bytes, align, PLAT_PAGES_HUGE);
    if (align < 4096)
        align = 4096;
    int slot = -1;
    for (int i = 0; i < MAX_NODE_BUFS && slot < 0; i++)
        if (!bufs[i].p)
            slot = i;
    if (slot < 0)
        return NULL;
    UINTN pages = (bytes + 4095) / 4096;
    for (int tries = 0; tries < 4; tries++) { /* the map can change between look and take */
        EFI_PHYSICAL_ADDRESS a = find_in_node(node, (uint64_t)pages * 4096, align);
        if (!a)
            return NULL;
        if (uefi_call_wrapper(BS->AllocatePages, 4, AllocateAddress, EfiLoaderData, pages, &a) ==
            EFI_SUCCESS) {
            bufs[slot].p = (void *)(uintptr_t)a;
            bufs[slot].pages = pages;
            return bufs[slot].p;
        }
    }
    return NULL;
}

/* plat_free_pages hands us what it did not allocate itself: 1 when it was ours. */
int uefi_numa_free_pages(void *p)
{
    for (int i = 0; i < MAX_NODE_BUFS; i++)
        if (p && bufs[i].p == p) {
            uefi_call_wrapper(BS->FreePages, 2, (EFI_PHYSICAL_ADDRESS)(uintptr_t)p, bufs[i].pages);
            bufs[i].p = NULL;
            return 1;
        }
    return 0;
}

struct on_node {
    void (*fn)(void *);
    void *arg;
    volatile int done;
};

static VOID EFIAPI on_node_entry(VOID *p)
{
    struct on_node *o = p;
    uefi_simd_enable();
    o->fn(o->arg);
    __atomic_store_n(&o->done, 1, __ATOMIC_RELEASE);
}

int plat_run_on_node(int node, void (*fn)(void *arg), void *arg)
{
    plat_numa();
    for (UINTN i = 0; i < g_nproc; i++) {
        if (numa_lookup_cpu(&g_numa, g_apic[i]) != node &&
            !(g_numa.nranges == 0 && node == 0))
            continue;
        if (g_is_bsp[i]) {
            fn(arg);
            return 0;
        }
    }
    for (UINTN i = 0; g_mp && i < g_nproc; i++) {
        if (g_is_bsp[i] || numa_lookup_cpu(&g_numa, g_apic[i]) != node)
            continue;
        static struct on_node o;
        o = (struct on_node){fn, arg, 0};
        EFI_EVENT ev;
        if (uefi_call_wrapper(BS->CreateEvent, 5, 0, 0, NULL, NULL, &ev) != EFI_SUCCESS)
            return -1;
        /* StartupThisAP takes the MP processor number: re-find it by APIC id */
        UINTN total = 0, enabled = 0, num = (UINTN)-1;
        g_mp->GetNumberOfProcessors(g_mp, &total, &enabled);
        for (UINTN k = 0; k < total; k++) {
            BB_EFI_PROCESSOR_INFORMATION info;
            if (g_mp->GetProcessorInfo(g_mp, k, &info) == EFI_SUCCESS &&
                (uint32_t)info.ProcessorId == g_apic[i])
                num = k;
        }
        EFI_STATUS st = num == (UINTN)-1 ? EFI_NOT_FOUND
                        : g_mp->StartupThisAP(g_mp, on_node_entry, num, ev, 0, &o, NULL);
        if (st != EFI_SUCCESS) {
            uefi_call_wrapper(BS->CloseEvent, 1, ev);
            continue;
        }
        /* bounded: a benchmark takes seconds; give it ten minutes */
        for (uint64_t ms = 0; ms < 600000 && !__atomic_load_n(&o.done, __ATOMIC_ACQUIRE); ms++)
            uefi_call_wrapper(BS->Stall, 1, 1000);
        for (int ms = 0; o.done && ms < 1000 &&
                         uefi_call_wrapper(BS->CheckEvent, 1, ev) == EFI_NOT_READY; ms++)
            uefi_call_wrapper(BS->Stall, 1, 1000);
        uefi_call_wrapper(BS->CloseEvent, 1, ev);
        return o.done ? 0 : -1;
    }
    return -1;
}
