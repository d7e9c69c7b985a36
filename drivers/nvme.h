/* nvme.h - barebench's own NVMe driver: polled, interrupts masked, one admin and one I/O
 * queue pair (as deep as CAP.MQES allows, up to 1024), every active namespace. */
#ifndef BB_DRIVERS_NVME_H
#define BB_DRIVERS_NVME_H

#include "drivers/blk_driver.h"
#include "drivers/pci.h"
#include "drivers/nvme_queue.h"

#define NVME_MAX_NS 16
#define NVME_IO_TIMEOUT_S 5.0

struct nvme_ns {
    uint32_t nsid;
    uint32_t block_size;
    uint64_t blocks;
};

struct nvme_ctrl {
    struct pci_fn *pci;
    uint64_t cap;
    uint32_t stride;          /* doorbell stride in bytes (4 << CAP.DSTRD) */
    uint32_t page;            /* memory page size (CC.MPS) */
    double ready_s;           /* CAP.TO: how long enable/disable may take */
    uint32_t max_transfer;    /* bytes per command: MDTS and one PRP list page */
    int depth;                /* I/O queue entries */
    char model[41], serial[21];
    int nns;
    struct nvme_ns ns[NVME_MAX_NS];
    struct pci_dma asq, acq, isq, icq, prp, ident;
    struct nvme_queue aq, iq;
    struct nvme_io admin, io;
    int running;              /* queues built, controller enabled */
    int dead;                 /* a command timed out: no more I/O */
    char why[96];             /* why start failed / what went wrong */
};

/** Reset the controller (it may still be enabled by the firmware's driver), build the admin
 *  queue, identify the controller and every active namespace, create one I/O queue pair.
 *  0, or -1 with c->why set (everything undone). */
int nvme_start(struct nvme_ctrl *c, struct pci_fn *f);
/** Disable the controller (CC.EN=0, bounded by CAP.TO) and free its memory. */
void nvme_stop(struct nvme_ctrl *c);

/** Transfers on namespace index ns (see nvme_io_batch); a timeout disables the controller. */
int nvme_rw(struct nvme_ctrl *c, int ns, int write, int qd, const uint64_t *lba, int n,
            size_t bytes, void *const *bufs, uint64_t *lat);
int nvme_flush(struct nvme_ctrl *c, int ns);
/** Deepest queue of `bytes` transfers the I/O pair keeps in flight. */
int nvme_max_qd(struct nvme_ctrl *c, size_t bytes);

/** Its entry in the driver table (drivers/blk_drivers.c). */
extern const struct blk_driver nvme_driver;

#endif
