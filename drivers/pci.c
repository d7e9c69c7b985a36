/* pci.c - the portable part of the PCI/DMA seam (drivers/pci.h): identity from config space,
 * 64-bit registers, capability walking and bounded waits, over the calls each platform
 * implements (boot/uefi_pci.c; tests/unit/fake_pci.c). */
#include "drivers/pci.h"
#include "kernel/lib/fmt.h"

int pci_fn_identify(struct pci_fn *f)
{
    uint32_t id = pci_cfg32(f, 0), cls = pci_cfg32(f, 8);
    f->vendor = (uint16_t)id;
    f->device = (uint16_t)(id >> 16);
    f->cls = (uint8_t)(cls >> 24);
    f->sub = (uint8_t)(cls >> 16);
    f->progif = (uint8_t)(cls >> 8);
    return f->vendor == 0xFFFF ? -1 : 0;
}

void pci_fn_names(const struct pci_fn *f, char *addr, size_t an, char *id, size_t idn)
{
    bb_snprintf(addr, an, "%04x:%02x:%02x.%x", f->seg, f->bus, f->dev, f->fn);
    bb_snprintf(id, idn, "%04x:%04x", f->vendor, f->device);
}

uint64_t pci_mmio64(struct pci_fn *f, int bar, uint64_t off)
{
    uint64_t lo = pci_mmio32(f, bar, off), hi = pci_mmio32(f, bar, off + 4);
    return lo | hi << 32;
}

void pci_mmio64_write(struct pci_fn *f, int bar, uint64_t off, uint64_t v)
{
    pci_mmio32_write(f, bar, off, (uint32_t)v);
    pci_mmio32_write(f, bar, off + 4, (uint32_t)(v >> 32));
}

uint8_t pci_find_cap(struct pci_fn *f, uint8_t id, uint8_t from)
{
    if (!(pci_cfg16(f, 0x06) & (1u << 4))) /* status: capability list present */
        return 0;
    uint8_t p = from ? pci_cfg8(f, from + 1u) & 0xFC : pci_cfg8(f, 0x34) & 0xFC;
    for (int guard = 0; p && guard < 48; guard++) {
        if (pci_cfg8(f, p) == id)
            return p;
        p = pci_cfg8(f, p + 1u) & 0xFC;
    }
    return 0;
}

uint64_t drv_ticks_of(double seconds)
{
    return (uint64_t)(seconds * drv_hz());
}

uint64_t drv_deadline(double seconds)
{
    return drv_ticks() + drv_ticks_of(seconds);
}

int drv_expired(uint64_t deadline)
{
    return (int64_t)(drv_ticks() - deadline) > 0;
}

uint64_t drv_now(void *ctx)
{
    (void)ctx;
    return drv_ticks();
}

void drv_idle(void *ctx)
{
    (void)ctx;
    drv_pause();
}
