/* fake_pci.h - the unit tests' side of the PCI/DMA seam (drivers/pci.h): a PCI function with a
 * config space, memory-backed BARs whose register writes (doorbells) and reads call back into
 * a device model, DMA memory whose device address is its host address, and a virtual clock
 * that only moves when a driver waits (each wait lets the device models run): no test is
 * timed. */
#ifndef BB_FAKE_PCI_H
#define BB_FAKE_PCI_H

#include "drivers/pci.h"

#define FAKE_BAR_BYTES 0x8000 /* PVSCSI: KickRwIo at 0x4018 in its 32 KiB BAR 0 */

struct pci_host {
    uint8_t cfg[256];
    uint8_t bar[6][FAKE_BAR_BYTES];    /* register files, little endian */
    int bar_io[6];                      /* 1: an I/O-port BAR */
    void *model;
    /** After a driver wrote a register (the value is already in bar[]). */
    void (*on_write)(struct pci_host *h, int bar, uint32_t off, int width, uint32_t v);
    /** Before a driver reads a register: the model may update bar[] first. */
    void (*on_read)(struct pci_host *h, int bar, uint32_t off, int width);
    /** Time passed (a driver stalled or paused): the model runs. */
    void (*tick)(struct pci_host *h);
    int enabled, restored;              /* pci_enable / pci_restore calls */
    int dma_live;                       /* pci_dma_alloc'd, not yet freed */
    int map_fail;                       /* pci_dma_addr fails */
    int alloc_fail_after;               /* pci_dma_alloc fails after this many (0: never) */
    int allocs;
};

/** A function with these ids and class (class << 16 | sub << 8 | progif) at 0000:00:04.0,
 *  capability list empty; f->host = h. */
void fake_pci_init(struct pci_fn *f, struct pci_host *h, uint16_t vendor, uint16_t device, uint32_t cls);
/** Append a capability (id; body: its bytes after the id/next pair, at most 30) to the list:
 *  its offset, 0 when the config space is full. */
uint8_t fake_pci_add_cap(struct pci_host *h, uint8_t id, const uint8_t *body, int len);
uint32_t fake_reg(struct pci_host *h, int bar, uint32_t off, int width);
void fake_set_reg(struct pci_host *h, int bar, uint32_t off, int width, uint32_t v);
/** The virtual clock (ticks of one microsecond). */
uint64_t fake_clock(void);
/** Devices ticked on every wait (up to 4); fake_pci_init registers, this forgets them all. */
void fake_pci_reset_all(void);

#endif
