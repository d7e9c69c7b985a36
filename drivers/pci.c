/* pci.c - PCI access, DMA memory and bounded waits for barebench's own storage drivers,
 * all through EFI_PCI_IO_PROTOCOL so the firmware's view of the device stays consistent. */
#include "drivers/pci.h"
#include "kernel/clock.h"
#include "kernel/fmt.h"

#define CALL uefi_call_wrapper

int pci_fn_open(struct pci_fn *f, EFI_HANDLE h)
{
    SetMem(f, sizeof *f, 0);
    f->h = h;
    if (CALL(BS->HandleProtocol, 3, h, &PciIoProtocol, (VOID **)&f->io) != EFI_SUCCESS || !f->io)
        return -1;
    if (CALL(f->io->GetLocation, 5, f->io, &f->seg, &f->bus, &f->dev, &f->fn) != EFI_SUCCESS)
        return -1;
    uint32_t id = pci_cfg32(f, 0), cls = pci_cfg32(f, 8);
    f->vendor = (uint16_t)id;
    f->device = (uint16_t)(id >> 16);
    f->cls = (uint8_t)(cls >> 24);
    f->sub = (uint8_t)(cls >> 16);
    f->progif = (uint8_t)(cls >> 8);
    f->dp = DevicePathFromHandle(h);
    return f->vendor == 0xFFFF ? -1 : 0;
}

void pci_fn_names(const struct pci_fn *f, char *addr, size_t an, char *id, size_t idn)
{
    bb_snprintf(addr, an, "%04x:%02x:%02x.%x", (unsigned)f->seg, (unsigned)f->bus, (unsigned)f->dev,
                (unsigned)f->fn);
    bb_snprintf(id, idn, "%04x:%04x", f->vendor, f->device);
}

uint32_t pci_cfg32(struct pci_fn *f, uint32_t off)
{
    uint32_t v = 0xFFFFFFFF;
    CALL(f->io->Pci.Read, 5, f->io, EfiPciIoWidthUint32, off, 1, &v);
    return v;
}

uint16_t pci_cfg16(struct pci_fn *f, uint32_t off)
{
    uint16_t v = 0xFFFF;
    CALL(f->io->Pci.Read, 5, f->io, EfiPciIoWidthUint16, off, 1, &v);
    return v;
}

void pci_cfg16_write(struct pci_fn *f, uint32_t off, uint16_t v)
{
    CALL(f->io->Pci.Write, 5, f->io, EfiPciIoWidthUint16, off, 1, &v);
}

uint8_t pci_cfg8(struct pci_fn *f, uint32_t off)
{
    uint8_t v = 0xFF;
    CALL(f->io->Pci.Read, 5, f->io, EfiPciIoWidthUint8, off, 1, &v);
    return v;
}

static EFI_PCI_IO_PROTOCOL_WIDTH width_of(int bytes)
{
    return bytes == 1 ? EfiPciIoWidthUint8 : bytes == 2 ? EfiPciIoWidthUint16 : EfiPciIoWidthUint32;
}

uint32_t pci_mmio(struct pci_fn *f, int bar, uint64_t off, int width)
{
    uint32_t v = 0;
    if (CALL(f->io->Mem.Read, 6, f->io, width_of(width), (UINT8)bar, off, 1, &v) != EFI_SUCCESS)
        return 0xFFFFFFFF;
    return width == 1 ? (v & 0xFF) : width == 2 ? (v & 0xFFFF) : v;
}

void pci_mmio_write(struct pci_fn *f, int bar, uint64_t off, int width, uint32_t v)
{
    CALL(f->io->Mem.Write, 6, f->io, width_of(width), (UINT8)bar, off, 1, &v);
}

uint32_t pci_mmio32(struct pci_fn *f, int bar, uint64_t off)
{
    uint32_t v = 0xFFFFFFFF;
    CALL(f->io->Mem.Read, 6, f->io, EfiPciIoWidthUint32, (UINT8)bar, off, 1, &v);
    return v;
}

uint64_t pci_mmio64(struct pci_fn *f, int bar, uint64_t off)
{
    /* two dword reads, low first: not every root bridge does 64-bit MMIO cycles */
    uint64_t lo = pci_mmio32(f, bar, off), hi = pci_mmio32(f, bar, off + 4);
    return lo | hi << 32;
}

void pci_mmio32_write(struct pci_fn *f, int bar, uint64_t off, uint32_t v)
{
    CALL(f->io->Mem.Write, 6, f->io, EfiPciIoWidthUint32, (UINT8)bar, off, 1, &v);
}

void pci_mmio64_write(struct pci_fn *f, int bar, uint64_t off, uint64_t v)
{
    pci_mmio32_write(f, bar, off, (uint32_t)v);
    pci_mmio32_write(f, bar, off + 4, (uint32_t)(v >> 32));
}

int pci_enable(struct pci_fn *f)
{
    UINT64 cur = 0, sup = 0;
    if (CALL(f->io->Attributes, 4, f->io, EfiPciIoAttributeOperationGet, 0, &cur) != EFI_SUCCESS)
        return -1;
    if (!f->attr_saved) {
        f->saved_attr = cur;
        f->attr_saved = 1;
    }
    CALL(f->io->Attributes, 4, f->io, EfiPciIoAttributeOperationSupported, 0, &sup);
    UINT64 want = EFI_PCI_IO_ATTRIBUTE_MEMORY | EFI_PCI_IO_ATTRIBUTE_BUS_MASTER;
    if (sup & EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE)
        want |= EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE; /* no bounce for buffers above 4 GiB */
    if (CALL(f->io->Attributes, 4, f->io, EfiPciIoAttributeOperationEnable, want & sup, NULL) !=
        EFI_SUCCESS)
        return -1;
    pci_cfg16_write(f, 4, pci_cfg16(f, 4) | (1u << 10)); /* INTx disable: we poll */
    return 0;
}

void pci_restore(struct pci_fn *f)
{
    if (!f->attr_saved)
        return;
    pci_cfg16_write(f, 4, pci_cfg16(f, 4) & ~(1u << 10));
    CALL(f->io->Attributes, 4, f->io, EfiPciIoAttributeOperationSet, f->saved_attr, NULL);
    f->attr_saved = 0;
}

int pci_dma_alloc(struct pci_fn *f, size_t bytes, struct pci_dma *m)
{
    SetMem(m, sizeof *m, 0);
    m->pages = (bytes + 4095) / 4096;
    VOID *host = NULL;
    if (CALL(f->io->AllocateBuffer, 6, f->io, AllocateAnyPages, EfiBootServicesData, m->pages,
             &host, 0) != EFI_SUCCESS)
        return -1;
    UINTN n = m->pages * 4096;
    EFI_PHYSICAL_ADDRESS dev = 0;
    if (CALL(f->io->Map, 6, f->io, EfiPciIoOperationBusMasterCommonBuffer, host, &n, &dev,
             &m->mapping) != EFI_SUCCESS || n != m->pages * 4096) {
        CALL(f->io->FreeBuffer, 3, f->io, m->pages, host);
        return -1;
    }
    SetMem(host, m->pages * 4096, 0);
    m->host = host;
    m->dev = dev;
    return 0;
}

void pci_dma_free(struct pci_fn *f, struct pci_dma *m)
{
    if (!m->host)
        return;
    CALL(f->io->Unmap, 2, f->io, m->mapping);
    CALL(f->io->FreeBuffer, 3, f->io, m->pages, m->host);
    m->host = NULL;
}

int pci_dma_addr(struct pci_fn *f, void *buf, size_t bytes, uint64_t *dev)
{
    uintptr_t b = (uintptr_t)buf;
    for (int i = 0; i < f->nmaps; i++) {
        struct pci_map *m = &f->maps[i];
        uintptr_t h = (uintptr_t)m->host;
        if (b >= h && b + bytes <= h + m->bytes) {
            *dev = m->dev + (b - h);
            return 0;
        }
    }
    if (f->nmaps == PCI_MAPS) { /* full: drop the oldest mapping */
        CALL(f->io->Unmap, 2, f->io, f->maps[0].mapping);
        for (int i = 1; i < PCI_MAPS; i++)
            f->maps[i - 1] = f->maps[i];
        f->nmaps--;
    }
    /* map whole pages around the buffer: later buffers in the same pages hit the cache */
    uintptr_t start = b & ~(uintptr_t)4095, end = (b + bytes + 4095) & ~(uintptr_t)4095;
    UINTN n = end - start;
    EFI_PHYSICAL_ADDRESS d = 0;
    VOID *mapping = NULL;
    if (CALL(f->io->Map, 6, f->io, EfiPciIoOperationBusMasterCommonBuffer, (VOID *)start, &n, &d,
             &mapping) != EFI_SUCCESS)
        return -1;
    if (n != end - start) { /* a partial mapping would be a bounce buffer in disguise */
        CALL(f->io->Unmap, 2, f->io, mapping);
        return -1;
    }
    struct pci_map *m = &f->maps[f->nmaps++];
    m->host = (void *)start;
    m->bytes = end - start;
    m->dev = d;
    m->mapping = mapping;
    *dev = d + (b - start);
    return 0;
}

void pci_unmap_all(struct pci_fn *f)
{
    while (f->nmaps > 0)
        CALL(f->io->Unmap, 2, f->io, f->maps[--f->nmaps].mapping);
}

uint64_t drv_deadline(double seconds)
{
    return clock_ticks() + (uint64_t)(seconds * g_clock.hz);
}

int drv_expired(uint64_t deadline)
{
    return (int64_t)(clock_ticks() - deadline) > 0;
}

uint64_t drv_now(void *ctx)
{
    (void)ctx;
    return clock_ticks();
}

void drv_idle(void *ctx)
{
    (void)ctx;
    drv_pause();
}
