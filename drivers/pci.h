/* pci.h - the portable PCI/DMA seam every storage driver under drivers/ is written against:
 * config space, BAR registers (memory and I/O), bus mastering, DMA buffers with device
 * addresses, and the driver's clock (bounded waits).  Implemented once for UEFI over
 * EFI_PCI_IO_PROTOCOL (boot/uefi_pci.c) and once by a fake with device models for the unit
 * tests (tests/unit/fake_pci.c); nothing here names a firmware type. */
#ifndef BB_DRIVERS_PCI_H
#define BB_DRIVERS_PCI_H

#include <stddef.h>
#include <stdint.h>

struct pci_host; /* the platform's handle on the function (PciIo protocol, or the fake device) */

struct pci_fn {
    struct pci_host *host;
    unsigned seg, bus, dev, fn;
    uint16_t vendor, device;
    uint8_t cls, sub, progif;
};

/** Read location, ids and class from config space into f (host already set); 0, or -1 when
 *  no function answers there. */
int pci_fn_identify(struct pci_fn *f);
/** "SSSS:BB:DD.F" and "vvvv:dddd" texts. */
void pci_fn_names(const struct pci_fn *f, char *addr, size_t an, char *id, size_t idn);

/* ---- implemented by the platform (boot/uefi_pci.c, tests/unit/fake_pci.c) ---- */
/** Config space read/write of 1, 2 or 4 bytes (all ones when the read fails). */
uint32_t pci_cfg_read(struct pci_fn *f, uint32_t off, int width);
void pci_cfg_write(struct pci_fn *f, uint32_t off, int width, uint32_t v);
/** Register access of 1, 2 or 4 bytes in a memory BAR (all ones when the read fails). */
uint32_t pci_mmio(struct pci_fn *f, int bar, uint64_t off, int width);
void pci_mmio_write(struct pci_fn *f, int bar, uint64_t off, int width, uint32_t v);
/** The same in an I/O-port BAR (legacy virtio, Fusion-MPT's I/O window). */
uint32_t pci_port(struct pci_fn *f, int bar, uint64_t off, int width);
void pci_port_write(struct pci_fn *f, int bar, uint64_t off, int width, uint32_t v);
/** Enable memory decoding and bus mastering, INTx off; the previous state is kept
 *  for pci_restore.  0 or -1. */
int pci_enable(struct pci_fn *f);
/** Put back what pci_enable found (bus mastering off again if it was). */
void pci_restore(struct pci_fn *f);

/* Memory the device reads and writes (queues, PRP lists): zeroed, page aligned. */
struct pci_dma {
    void *host;
    uint64_t dev;
    size_t pages;
    void *mapping;
};
int pci_dma_alloc(struct pci_fn *f, size_t bytes, struct pci_dma *m);
void pci_dma_free(struct pci_fn *f, struct pci_dma *m);
/** Device address of a caller's buffer (mapped once, cached until pci_unmap_all). 0 or -1. */
int pci_dma_addr(struct pci_fn *f, void *buf, size_t bytes, uint64_t *dev);
void pci_unmap_all(struct pci_fn *f);

/** The driver's clock: ticks now (TSC), ticks per second. */
uint64_t drv_ticks(void);
double drv_hz(void);
/** Pause `us` microseconds (a register poll's back-off). */
void drv_stall_us(uint64_t us);
/** Short pause inside a polling loop (drivers/x86/pause.c; the fake lets its devices run). */
void drv_pause(void);

/* ---- portable helpers over the calls above (drivers/pci.c) ---- */
static inline uint32_t pci_cfg32(struct pci_fn *f, uint32_t off) { return pci_cfg_read(f, off, 4); }
static inline uint16_t pci_cfg16(struct pci_fn *f, uint32_t off) { return (uint16_t)pci_cfg_read(f, off, 2); }
static inline uint8_t pci_cfg8(struct pci_fn *f, uint32_t off) { return (uint8_t)pci_cfg_read(f, off, 1); }
static inline void pci_cfg16_write(struct pci_fn *f, uint32_t off, uint16_t v) { pci_cfg_write(f, off, 2, v); }
static inline uint32_t pci_mmio32(struct pci_fn *f, int bar, uint64_t off) { return pci_mmio(f, bar, off, 4); }
static inline void pci_mmio32_write(struct pci_fn *f, int bar, uint64_t off, uint32_t v) { pci_mmio_write(f, bar, off, 4, v); }
/** 64-bit registers as two dword accesses, low first: not every root bridge does 64-bit cycles. */
uint64_t pci_mmio64(struct pci_fn *f, int bar, uint64_t off);
void pci_mmio64_write(struct pci_fn *f, int bar, uint64_t off, uint64_t v);

/** Offset of the first capability `id` at or after list position `from` (0: the start), 0 if
 *  none; the walk is bounded (a looping list ends it). */
uint8_t pci_find_cap(struct pci_fn *f, uint8_t id, uint8_t from);

/** Ticks in `seconds`; a deadline `seconds` from now; whether it passed. */
uint64_t drv_ticks_of(double seconds);
uint64_t drv_deadline(double seconds);
int drv_expired(uint64_t deadline);
/** The clock and idle callbacks of the queue logic's ops tables, the same for every driver:
 *  ctx is not used. */
uint64_t drv_now(void *ctx);
void drv_idle(void *ctx);

#endif
