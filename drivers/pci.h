/* pci.h - the layer barebench's own storage drivers share: a PCI function reached through
 * EFI_PCI_IO_PROTOCOL (config space, BAR registers, bus mastering), DMA memory and device
 * addresses (AllocateBuffer + Map CommonBuffer), and bounded TSC-timed waits. */
#ifndef BB_DRIVERS_PCI_H
#define BB_DRIVERS_PCI_H

#include "boot/uefi.h"

#include <stddef.h>
#include <stdint.h>

#define PCI_MAPS 32

struct pci_map {
    void *host;
    size_t bytes;
    uint64_t dev;
    void *mapping;
};

struct pci_fn {
    EFI_HANDLE h;
    EFI_PCI_IO_PROTOCOL *io;
    EFI_DEVICE_PATH *dp;
    UINTN seg, bus, dev, fn;
    uint16_t vendor, device;
    uint8_t cls, sub, progif;
    uint64_t saved_attr;     /* attributes before we enabled ours */
    int attr_saved;
    struct pci_map maps[PCI_MAPS]; /* caller buffers mapped for DMA (kept until pci_unmap_all) */
    int nmaps;
};

/** Fill f from a PciIo handle (location, ids, class); 0 or -1. */
int pci_fn_open(struct pci_fn *f, EFI_HANDLE h);
/** "SSSS:BB:DD.F" and "vvvv:dddd" texts. */
void pci_fn_names(const struct pci_fn *f, char *addr, size_t an, char *id, size_t idn);

uint32_t pci_cfg32(struct pci_fn *f, uint32_t off);
uint16_t pci_cfg16(struct pci_fn *f, uint32_t off);
void pci_cfg16_write(struct pci_fn *f, uint32_t off, uint16_t v);

uint8_t pci_cfg8(struct pci_fn *f, uint32_t off);
/** Register access of any width (1, 2, 4 bytes) in a memory BAR. */
uint32_t pci_mmio(struct pci_fn *f, int bar, uint64_t off, int width);
void pci_mmio_write(struct pci_fn *f, int bar, uint64_t off, int width, uint32_t v);
uint32_t pci_mmio32(struct pci_fn *f, int bar, uint64_t off);
uint64_t pci_mmio64(struct pci_fn *f, int bar, uint64_t off);
void pci_mmio32_write(struct pci_fn *f, int bar, uint64_t off, uint32_t v);
void pci_mmio64_write(struct pci_fn *f, int bar, uint64_t off, uint64_t v);

/** Enable memory decoding and bus mastering (64-bit DMA where offered), INTx off;
 *  the previous attributes are kept for pci_restore.  0 or -1. */
int pci_enable(struct pci_fn *f);
/** Put back the attributes pci_enable found. */
void pci_restore(struct pci_fn *f);

/* Memory the device reads and writes (queues, PRP lists): zeroed, page aligned. */
struct pci_dma {
    void *host;
    uint64_t dev;
    UINTN pages;
    void *mapping;
};
int pci_dma_alloc(struct pci_fn *f, size_t bytes, struct pci_dma *m);
void pci_dma_free(struct pci_fn *f, struct pci_dma *m);

/** Device address of a caller's buffer (mapped CommonBuffer once, cached). 0 or -1. */
int pci_dma_addr(struct pci_fn *f, void *buf, size_t bytes, uint64_t *dev);
void pci_unmap_all(struct pci_fn *f);

/** TSC deadline `seconds` from now; drv_expired() says whether it passed. */
uint64_t drv_deadline(double seconds);
int drv_expired(uint64_t deadline);
/** Short pause inside a polling loop. */
void drv_pause(void);
/** The clock and idle callbacks of the queue logic's ops tables (kernel/nvme_queue.h,
 *  kernel/virtq.h, kernel/ahci_queue.h), the same for every driver: ctx is not used. */
uint64_t drv_now(void *ctx);
void drv_idle(void *ctx);

#endif
