/* fake_pci.c - the PCI/DMA seam (drivers/pci.h) for the unit tests: config space, BARs that
 * call back into a device model, DMA memory at its host address, a virtual clock (see
 * fake_pci.h). */
#include "tests/unit/fake_pci.h"

#include <stdlib.h>
#include <string.h>

#define MAX_DEVS 4

static uint64_t now_ticks;
static struct pci_host *devs[MAX_DEVS];
static int ndevs;

void fake_pci_reset_all(void)
{
    ndevs = 0;
}

static void tick_all(uint64_t ticks)
{
    now_ticks += ticks;
    for (int i = 0; i < ndevs; i++)
        if (devs[i]->tick)
            devs[i]->tick(devs[i]);
}

void fake_pci_init(struct pci_fn *f, struct pci_host *h, uint16_t vendor, uint16_t device, uint32_t cls)
{
    memset(h, 0, sizeof *h);
    memset(f, 0, sizeof *f);
    f->host = h;
    f->dev = 4;
    uint32_t id = (uint32_t)device << 16 | vendor, c = cls << 8;
    memcpy(h->cfg, &id, 4);
    memcpy(h->cfg + 8, &c, 4);
    pci_fn_identify(f);
    if (ndevs < MAX_DEVS)
        devs[ndevs++] = h;
}

uint8_t fake_pci_add_cap(struct pci_host *h, uint8_t id, const uint8_t *body, int len)
{
    uint8_t at = 0x40, *link = &h->cfg[0x34];
    while (*link) { /* one 32-byte slot per capability, appended after the last */
        at = (uint8_t)(*link + 32);
        link = &h->cfg[*link + 1];
    }
    if (len > 30 || at > 0xE0)
        return 0;
    *link = at;
    h->cfg[at] = id;
    h->cfg[at + 1] = 0;
    memcpy(&h->cfg[at + 2], body, (size_t)len);
    h->cfg[6] |= 1u << 4; /* status: capability list */
    return at;
}

uint32_t pci_cfg_read(struct pci_fn *f, uint32_t off, int width)
{
    uint32_t v = 0;
    if (off + (uint32_t)width > sizeof f->host->cfg)
        return 0xFFFFFFFF;
    memcpy(&v, f->host->cfg + off, (size_t)width);
    return v;
}

void pci_cfg_write(struct pci_fn *f, uint32_t off, int width, uint32_t v)
{
    if (off + (uint32_t)width <= sizeof f->host->cfg)
        memcpy(f->host->cfg + off, &v, (size_t)width);
}

uint32_t fake_reg(struct pci_host *h, int bar, uint32_t off, int width)
{
    uint32_t v = 0;
    memcpy(&v, h->bar[bar] + off, (size_t)width);
    return v;
}

void fake_set_reg(struct pci_host *h, int bar, uint32_t off, int width, uint32_t v)
{
    memcpy(h->bar[bar] + off, &v, (size_t)width);
}

static uint32_t bar_read(struct pci_fn *f, int bar, uint64_t off, int width)
{
    struct pci_host *h = f->host;
    if (bar < 0 || bar > 5 || off + (uint64_t)width > FAKE_BAR_BYTES)
        return width == 1 ? 0xFF : width == 2 ? 0xFFFF : 0xFFFFFFFF;
    if (h->on_read)
        h->on_read(h, bar, (uint32_t)off, width);
    return fake_reg(h, bar, (uint32_t)off, width);
}

static void bar_write(struct pci_fn *f, int bar, uint64_t off, int width, uint32_t v)
{
    struct pci_host *h = f->host;
    if (bar < 0 || bar > 5 || off + (uint64_t)width > FAKE_BAR_BYTES)
        return;
    fake_set_reg(h, bar, (uint32_t)off, width, v);
    if (h->on_write)
        h->on_write(h, bar, (uint32_t)off, width, v);
}

uint32_t pci_mmio(struct pci_fn *f, int bar, uint64_t off, int width) { return bar_read(f, bar, off, width); }
void pci_mmio_write(struct pci_fn *f, int bar, uint64_t off, int width, uint32_t v) { bar_write(f, bar, off, width, v); }
uint32_t pci_port(struct pci_fn *f, int bar, uint64_t off, int width) { return bar_read(f, bar, off, width); }
void pci_port_write(struct pci_fn *f, int bar, uint64_t off, int width, uint32_t v) { bar_write(f, bar, off, width, v); }

int pci_enable(struct pci_fn *f)
{
    f->host->enabled++;
    pci_cfg16_write(f, 4, pci_cfg16(f, 4) | 0x6 | (1u << 10)); /* memory, bus master, INTx off */
    return 0;
}

void pci_restore(struct pci_fn *f)
{
    f->host->restored++;
    pci_cfg16_write(f, 4, 0);
}

int pci_dma_alloc(struct pci_fn *f, size_t bytes, struct pci_dma *m)
{
    memset(m, 0, sizeof *m);
    struct pci_host *h = f->host;
    if (h->alloc_fail_after && h->allocs >= h->alloc_fail_after)
        return -1;
    m->pages = (bytes + 4095) / 4096;
    m->host = aligned_alloc(4096, m->pages * 4096);
    if (!m->host)
        return -1;
    memset(m->host, 0, m->pages * 4096);
    m->dev = (uint64_t)(uintptr_t)m->host;
    h->allocs++;
    h->dma_live++;
    return 0;
}

void pci_dma_free(struct pci_fn *f, struct pci_dma *m)
{
    if (!m->host)
        return;
    free(m->host);
    m->host = NULL;
    f->host->dma_live--;
}

int pci_dma_addr(struct pci_fn *f, void *buf, size_t bytes, uint64_t *dev)
{
    (void)bytes;
    if (f->host->map_fail)
        return -1;
    *dev = (uint64_t)(uintptr_t)buf;
    return 0;
}

void pci_unmap_all(struct pci_fn *f)
{
    (void)f;
}

uint64_t fake_clock(void)
{
    return now_ticks;
}

uint64_t drv_ticks(void)
{
    return now_ticks;
}

double drv_hz(void)
{
    return 1e6;
}

void drv_stall_us(uint64_t us)
{
    tick_all(us ? us : 1);
}

void drv_pause(void)
{
    tick_all(1);
}
