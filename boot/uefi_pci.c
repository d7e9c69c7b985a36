/* uefi_pci.c - the PCI/DMA seam of the drivers (drivers/pci.h) over EFI_PCI_IO_PROTOCOL, so
 * the firmware's view of the device stays consistent: config space, BAR access, attributes,
 * AllocateBuffer + Map CommonBuffer, and the TSC as the drivers' clock. */
#include "boot/uefi_pci.h"
#include "kernel/machine/clock.h"
#include "kernel/platform.h"

#define CALL uefi_call_wrapper

int uefi_pci_open(struct pci_fn *f, struct pci_host *host, EFI_HANDLE h)
{
    SetMem(f, sizeof *f, 0);
    SetMem(host, sizeof *host, 0);
    f->host = host;
    host->h = h;
    if (CALL(BS->HandleProtocol, 3, h, &PciIoProtocol, (VOID **)&host->io) != EFI_SUCCESS || !host->io)
        return -1;
    UINTN seg, bus, dev, fn;
    if (CALL(host->io->GetLocation, 5, host->io, &seg, &bus, &dev, &fn) != EFI_SUCCESS)
        return -1;
    f->seg = (unsigned)seg;
    f->bus = (unsigned)bus;
    f->dev = (unsigned)dev;
    f->fn = (unsigned)fn;
    host->dp = DevicePathFromHandle(h);
    return pci_fn_identify(f);
}

static EFI_PCI_IO_PROTOCOL_WIDTH width_of(int bytes)
{
    return bytes == 1 ? EfiPciIoWidthUint8 : bytes == 2 ? EfiPciIoWidthUint16 : EfiPciIoWidthUint32;
}

static uint32_t narrow(uint32_t v, int width)
{
    return width == 1 ? (v & 0xFF) : width == 2 ? (v & 0xFFFF) : v;
}

uint32_t pci_cfg_read(struct pci_fn *f, uint32_t off, int width)
{
    EFI_PCI_IO_PROTOCOL *io = f->host->io;
    uint32_t v = 0xFFFFFFFF;
    CALL(io->Pci.Read, 5, io, width_of(width), off, 1, &v);
    return narrow(v, width);
}

void pci_cfg_write(struct pci_fn *f, uint32_t off, int width, uint32_t v)
{
    EFI_PCI_IO_PROTOCOL *io = f->host->io;
    CALL(io->Pci.Write, 5, io, width_of(width), off, 1, &v);
}

/* One register of a memory or I/O BAR through PciIo's Mem or Io access. */
static uint32_t bar_read(struct pci_fn *f, EFI_PCI_IO_PROTOCOL_IO_MEM rd, int bar, uint64_t off, int width)
{
    uint32_t v = 0;
    if (CALL(rd, 6, f->host->io, width_of(width), (UINT8)bar, off, 1, &v) != EFI_SUCCESS)
        return narrow(0xFFFFFFFF, width);
    return narrow(v, width);
}

static void bar_write(struct pci_fn *f, EFI_PCI_IO_PROTOCOL_IO_MEM wr, int bar, uint64_t off, int width, uint32_t v)
{
    CALL(wr, 6, f->host->io, width_of(width), (UINT8)bar, off, 1, &v);
}

uint32_t pci_mmio(struct pci_fn *f, int bar, uint64_t off, int width)
{
    return bar_read(f, f->host->io->Mem.Read, bar, off, width);
}

void pci_mmio_write(struct pci_fn *f, int bar, uint64_t off, int width, uint32_t v)
{
    bar_write(f, f->host->io->Mem.Write, bar, off, width, v);
}

uint32_t pci_port(struct pci_fn *f, int bar, uint64_t off, int width)
{
    return bar_read(f, f->host->io->Io.Read, bar, off, width);
}

void pci_port_write(struct pci_fn *f, int bar, uint64_t off, int width, uint32_t v)
{
    bar_write(f, f->host->io->Io.Write, bar, off, width, v);
}

int pci_enable(struct pci_fn *f)
{
    struct pci_host *p = f->host;
    UINT64 cur = 0, sup = 0;
    if (CALL(p->io->Attributes, 4, p->io, EfiPciIoAttributeOperationGet, 0, &cur) != EFI_SUCCESS)
        return -1;
    if (!p->attr_saved) {
        p->saved_attr = cur;
        p->attr_saved = 1;
    }
    CALL(p->io->Attributes, 4, p->io, EfiPciIoAttributeOperationSupported, 0, &sup);
    UINT64 want = EFI_PCI_IO_ATTRIBUTE_MEMORY | EFI_PCI_IO_ATTRIBUTE_BUS_MASTER;
    if (sup & EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE)
        want |= EFI_PCI_IO_ATTRIBUTE_DUAL_ADDRESS_CYCLE; /* no bounce for buffers above 4 GiB */
    if (CALL(p->io->Attributes, 4, p->io, EfiPciIoAttributeOperationEnable, want & sup, NULL) !=
        EFI_SUCCESS)
        return -1;
    pci_cfg16_write(f, 4, pci_cfg16(f, 4) | (1u << 10)); /* INTx disable: we poll */
    return 0;
}

void pci_restore(struct pci_fn *f)
{
    struct pci_host *p = f->host;
    if (!p->attr_saved)
        return;
    pci_cfg16_write(f, 4, pci_cfg16(f, 4) & ~(1u << 10));
    CALL(p->io->Attributes, 4, p->io, EfiPciIoAttributeOperationSet, p->saved_attr, NULL);
    p->attr_saved = 0;
}

int pci_dma_alloc(struct pci_fn *f, size_t bytes, struct pci_dma *m)
{
    EFI_PCI_IO_PROTOCOL *io = f->host->io;
    SetMem(m, sizeof *m, 0);
    m->pages = (bytes + 4095) / 4096;
    VOID *host = NULL;
    if (CALL(io->AllocateBuffer, 6, io, AllocateAnyPages, EfiBootServicesData, (UINTN)m->pages,
             &host, 0) != EFI_SUCCESS)
        return -1;
    UINTN n = m->pages * 4096;
    EFI_PHYSICAL_ADDRESS dev = 0;
    if (CALL(io->Map, 6, io, EfiPciIoOperationBusMasterCommonBuffer, host, &n, &dev,
             &m->mapping) != EFI_SUCCESS || n != m->pages * 4096) {
        CALL(io->FreeBuffer, 3, io, (UINTN)m->pages, host);
        return -1;
    }
    SetMem(host, m->pages * 4096, 0);
    m->host = host;
    m->dev = dev;
    return 0;
}

void pci_dma_free(struct pci_fn *f, struct pci_dma *m)
{
    EFI_PCI_IO_PROTOCOL *io = f->host->io;
    if (!m->host)
        return;
    CALL(io->Unmap, 2, io, m->mapping);
    CALL(io->FreeBuffer, 3, io, (UINTN)m->pages, m->host);
    m->host = NULL;
}

int pci_dma_addr(struct pci_fn *f, void *buf, size_t bytes, uint64_t *dev)
{
    struct pci_host *p = f->host;
    uintptr_t b = (uintptr_t)buf;
    for (int i = 0; i < p->nmaps; i++) {
        struct pci_map *m = &p->maps[i];
        uintptr_t h = (uintptr_t)m->host;
        if (b >= h && b + bytes <= h + m->bytes) {
            *dev = m->dev + (b - h);
            return 0;
        }
    }
    if (p->nmaps == PCI_MAPS) { /* full: drop the oldest mapping */
        CALL(p->io->Unmap, 2, p->io, p->maps[0].mapping);
        for (int i = 1; i < PCI_MAPS; i++)
            p->maps[i - 1] = p->maps[i];
        p->nmaps--;
    }
    /* map whole pages around the buffer: later buffers in the same pages hit the cache */
    uintptr_t start = b & ~(uintptr_t)4095, end = (b + bytes + 4095) & ~(uintptr_t)4095;
    UINTN n = end - start;
    EFI_PHYSICAL_ADDRESS d = 0;
    VOID *mapping = NULL;
    if (CALL(p->io->Map, 6, p->io, EfiPciIoOperationBusMasterCommonBuffer, (VOID *)start, &n, &d,
             &mapping) != EFI_SUCCESS)
        return -1;
    if (n != end - start) { /* a partial mapping would be a bounce buffer in disguise */
        CALL(p->io->Unmap, 2, p->io, mapping);
        return -1;
    }
    struct pci_map *m = &p->maps[p->nmaps++];
    m->host = (void *)start;
    m->bytes = end - start;
    m->dev = d;
    m->mapping = mapping;
    *dev = d + (b - start);
    return 0;
}

void pci_unmap_all(struct pci_fn *f)
{
    struct pci_host *p = f->host;
    while (p->nmaps > 0)
        CALL(p->io->Unmap, 2, p->io, p->maps[--p->nmaps].mapping);
}

uint64_t drv_ticks(void)
{
    return clock_ticks();
}

double drv_hz(void)
{
    return g_clock.hz;
}

void drv_stall_us(uint64_t us)
{
    plat_stall_us(us);
}
