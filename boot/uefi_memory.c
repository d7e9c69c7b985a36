/* uefi_memory.c - memory for the UEFI build: pool allocations for small objects, page
 * allocations (aligned; DMA buffers below 4 GiB first) for benchmark buffers, and the memory
 * map's free blocks (specific-purpose memory left out). */
#include "boot/uefi.h"
#include "kernel/platform.h"

void *plat_alloc(size_t bytes)
{
    VOID *p = NULL;
    if (uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, (UINTN)bytes, &p) != EFI_SUCCESS)
        return NULL;
    ZeroMem(p, bytes);
    return p;
}

void plat_free(void *p)
{
    if (p)
        uefi_call_wrapper(BS->FreePool, 1, p);
}

#define MAX_BIG 64
static struct {
    void *aligned;
    EFI_PHYSICAL_ADDRESS base;
    UINTN pages;
    int abandoned; /* a wedged device may still write into it: never given back */
} big[MAX_BIG];

void uefi_memory_abandon(const void *p, size_t bytes)
{
    uintptr_t a = (uintptr_t)p;
    for (int i = 0; i < MAX_BIG; i++)
        if (big[i].aligned && a + bytes > (uintptr_t)big[i].base &&
            a < (uintptr_t)big[i].base + big[i].pages * 4096)
            big[i].abandoned = 1;
}

void *plat_alloc_pages(size_t bytes, size_t align, unsigned flags)
{
    /* page size is the page tables' business on UEFI (see the mem suite) */
    if (align < 4096)
        align = 4096;
    UINTN pages = (bytes + align + 4095) / 4096;
    EFI_PHYSICAL_ADDRESS base = 0;
    int slot = -1;
    for (int i = 0; i < MAX_BIG; i++)
        if (!big[i].aligned) {
            slot = i;
            break;
        }
    if (slot < 0)
        return NULL;
    /* DMA buffers below 4 GiB first: some vendor drivers still program 32-bit addresses */
    base = 0xffffffffull;
    if (!(flags & PLAT_PAGES_DMA32) ||
        uefi_call_wrapper(BS->AllocatePages, 4, AllocateMaxAddress, EfiLoaderData, pages, &base) !=
            EFI_SUCCESS) {
        base = 0;
        if (uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData, pages,
                              &base) != EFI_SUCCESS)
            return NULL;
    }
    uintptr_t a = ((uintptr_t)base + align - 1) & ~(uintptr_t)(align - 1);
    big[slot].aligned = (void *)a;
    big[slot].base = base;
    big[slot].pages = pages;
    return (void *)a;
}

int uefi_numa_free_pages(void *p); /* boot/uefi_numa.c: pages taken inside a node */

void plat_free_pages(void *p, size_t bytes)
{
    (void)bytes;
    if (uefi_numa_free_pages(p))
        return;
    for (int i = 0; i < MAX_BIG; i++)
        if (p && big[i].aligned == p) {
            if (!big[i].abandoned)
                uefi_call_wrapper(BS->FreePages, 2, big[i].base, big[i].pages);
            big[i].abandoned = 0;
            big[i].aligned = NULL;
            return;
        }
}

/* Walk the memory map: RAM in it, free RAM and the largest free block, in bytes. */
void uefi_memory_totals(uint64_t *total, uint64_t *free, uint64_t *largest)
{
    UINTN n = 0, key, dsize;
    UINT32 dver;
    EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);
    *total = *free = *largest = 0;
    if (!map)
        return;
    for (UINTN i = 0; i < n; i++) {
        EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * dsize);
        uint64_t b = d->NumberOfPages * 4096ull;
        if (d->Attribute & 0x40000ull) /* EFI_MEMORY_SP: specific-purpose (CXL, HBM), not ours */
            continue;
        switch (d->Type) {
        case EfiConventionalMemory:
            *free += b;
            if (b > *largest)
                *largest = b;
            /* fall through */
        case EfiLoaderCode:
        case EfiLoaderData:
        case EfiBootServicesCode:
        case EfiBootServicesData:
        case EfiRuntimeServicesCode:
        case EfiRuntimeServicesData:
        case EfiACPIReclaimMemory:
        case EfiACPIMemoryNVS:
        case 14: /* EfiPersistentMemory (UEFI 2.5; not in GNU-EFI's enum) */
            *total += b;
            break;
        default:
            break;
        }
    }
    FreePool(map);
}

uint64_t plat_largest_free(void)
{
    uint64_t t, f, l;
    uefi_memory_totals(&t, &f, &l);
    return l;
}
