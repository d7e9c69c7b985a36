/* ahci.h - barebench's own AHCI driver: polled, every ATA disk port of the HBA, 32 command
 * slots with NCQ (READ/WRITE FPDMA QUEUED) where HBA and drive support it, else DMA EXT one
 * command at a time. */
#ifndef BB_DRIVERS_AHCI_H
#define BB_DRIVERS_AHCI_H

#include "drivers/blk_driver.h"
#include "drivers/pci.h"
#include "drivers/ahci_queue.h"

#define AHCI_MAX_PORTS 8
#define AHCI_IO_TIMEOUT_S 5.0

struct ahci_hba;

struct ahci_port {
    struct ahci_hba *hba;
    int port;                 /* HBA port number */
    int ncq;                  /* NCQ in use */
    int slots;                /* commands in flight at most */
    uint32_t block_size;
    uint64_t blocks;
    uint32_t max_transfer;    /* bytes per command */
    char model[41], serial[21];
    struct pci_dma mem;       /* command list, received FIS, command tables */
    struct ahci_io io;        /* command logic (drivers/ahci_queue.c) over mem */
    int running, dead;
};

struct ahci_hba {
    struct pci_fn *pci;
    uint32_t cap;
    int nslots;               /* CAP.NCS + 1 */
    int nports;
    struct ahci_port port[AHCI_MAX_PORTS];
    char why[96];
};

/** Reset the HBA, start every port with an ATA disk, IDENTIFY each.  0 (at least one disk),
 *  or -1 with h->why. */
int ahci_start(struct ahci_hba *h, struct pci_fn *f);
/** Stop every port, reset the HBA, free memory. */
void ahci_stop(struct ahci_hba *h);
int ahci_rw(struct ahci_hba *h, int unit, int write, int qd, const uint64_t *lba, int n,
            size_t bytes, void *const *bufs, uint64_t *lat);
int ahci_flush(struct ahci_hba *h, int unit);
int ahci_max_qd(struct ahci_hba *h, int unit, size_t bytes);

/** Its entry in the driver table (drivers/blk_drivers.c). */
extern const struct blk_driver ahci_driver;

#endif
