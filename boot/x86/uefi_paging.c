/* uefi_paging.c - page tables of our own (ring 0) for the mem suite: a copy of the firmware's
 * PML4 plus one free slot (upper half first) mapping a buffer with 4 KiB PTEs or 2 MiB PDEs,
 * SEV C-bit copied, loaded into CR3 while in use; the firmware's CR3 comes back on unmap. */
#include "boot/uefi.h"
#include "kernel/platform.h"
#include "kernel/x86/pt_slot.h"

#define PG_P 1ull
#define PG_RW 2ull
#define PG_PS 0x80ull
#define ADDR_MASK 0x000ffffffffff000ull
#define SZ_2M (2ull << 20)
#define SZ_1G (1ull << 30)

static struct {
    int active;
    uint64_t saved_cr3;
    uint64_t *tables;     /* PML4, PDPT, PDs, PTs: contiguous pages */
    size_t tables_bytes;
    void *win;
} w;

static uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static void write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory");
}

void *plat_map_window(void *buf, size_t bytes, int page_kb)
{
    uint64_t cr4;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    bytes = (bytes + SZ_2M - 1) & ~(SZ_2M - 1);
    if (w.active || ((uintptr_t)buf & (SZ_2M - 1)) || (page_kb != 4 && page_kb != 2048) ||
        (cr4 & (1ull << 12)) /* LA57: 5-level paging, not handled */ || bytes == 0 ||
        bytes > 512 * SZ_1G)
        return NULL;
    size_t npd = (bytes + SZ_1G - 1) / SZ_1G, n2m = bytes / SZ_2M;
    size_t npt = page_kb == 4 ? n2m : 0;
    size_t pages = 2 + npd + npt;
    uint64_t *t = plat_alloc_pages(pages * 4096, 4096, 0);
    if (!t)
        return NULL;
    ZeroMem(t, pages * 4096);

    /* SEV guest: our entries carry the firmware's encryption bit (else the window reads
     * ciphertext); SEV-SNP would need our pages validated first, so no window there */
    int snp;
    uint64_t cbit = uefi_sev_cbit(&snp);
    if (snp) {
        plat_free_pages(t, pages * 4096);
        return NULL;
    }
    uint64_t cr3 = read_cr3();
    const uint64_t *fw = (const uint64_t *)(uintptr_t)(cr3 & ADDR_MASK & ~cbit);
    uint64_t *pml4 = t, *pdpt = t + 512, *pd = t + 1024, *pt = t + 512 * (2 + npd);
    CopyMem(pml4, (void *)fw, 4096);
    /* upper half first: with 47-48 physical address bits the firmware maps the whole lower
     * half; then the lower half above what the firmware maps */
    int slot = pt_free_slot(pml4);
    if (slot < 0) {
        plat_free_pages(t, pages * 4096);
        return NULL;
    }
    pml4[slot] = (uint64_t)(uintptr_t)pdpt | PG_P | PG_RW | cbit;
    for (size_t k = 0; k < npd; k++)
        pdpt[k] = (uint64_t)(uintptr_t)(pd + 512 * k) | PG_P | PG_RW | cbit;
    uint64_t phys = (uint64_t)(uintptr_t)buf;
    for (size_t i = 0; i < n2m; i++) { /* pd entries are contiguous over the PD pages */
        uint64_t base = phys + i * SZ_2M;
        if (page_kb == 2048) {
            pd[i] = base | PG_P | PG_RW | PG_PS | cbit;
        } else {
            uint64_t *ptp = pt + 512 * i;
            for (int e = 0; e < 512; e++)
                ptp[e] = (base + (uint64_t)e * 4096) | PG_P | PG_RW | cbit;
            pd[i] = (uint64_t)(uintptr_t)ptp | PG_P | PG_RW | cbit;
        }
    }
    w.saved_cr3 = cr3;
    w.tables = t;
    w.tables_bytes = pages * 4096;
    w.win = (void *)(uintptr_t)pt_slot_address(slot);
    w.active = 1;
    write_cr3((uint64_t)(uintptr_t)pml4 | (cr3 & 0xfff)); /* keep PCID/PWT/PCD bits */
    /* the window must show the buffer: compare its first and last words through both */
    volatile uint64_t *vb = buf, *vw = w.win;
    size_t last = bytes / 8 - 1;
    vb[0] = 0x6d656d77696e3030ull;
    vb[last] = ~vb[0];
    if (vw[0] != vb[0] || vw[last] != vb[last]) {
        plat_unmap_window(w.win, bytes);
        return NULL;
    }
    return w.win;
}

int plat_pt_layout(uintptr_t addr, int *slot, int *lower_used)
{
    uint64_t cr4;
    int snp;
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    if (cr4 & (1ull << 12)) /* LA57 */
        return -1;
    uint64_t cr3 = w.active ? w.saved_cr3 : read_cr3(); /* the firmware's PML4, not our copy */
    const uint64_t *fw = (const uint64_t *)(uintptr_t)(cr3 & ADDR_MASK & ~uefi_sev_cbit(&snp));
    *slot = pt_slot_of(addr);
    *lower_used = pt_lower_used(fw);
    return 0;
}

void plat_unmap_window(void *win, size_t bytes)
{
    (void)bytes;
    if (!w.active || win != w.win)
        return;
    write_cr3(w.saved_cr3);
    plat_free_pages(w.tables, w.tables_bytes);
    w.active = 0;
}
