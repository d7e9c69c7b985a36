/* virtio_blk.h - barebench's own virtio-blk driver: modern (VERSION_1) and transitional PCI
 * devices through their virtio capabilities, one polled virtqueue as deep as the device allows. */
#ifndef BB_DRIVERS_VIRTIO_BLK_H
#define BB_DRIVERS_VIRTIO_BLK_H

#include "drivers/blk_driver.h"
#include "drivers/pci.h"
#include "drivers/virtio_pci.h"
#include "drivers/virtio_blk_queue.h"

#define VBLK_IO_TIMEOUT_S 5.0

struct vblk_dev {
    struct pci_fn *pci;
    struct virtio_pci vp;
    uint64_t features;          /* accepted */
    uint64_t sectors;           /* capacity in 512-byte sectors */
    uint32_t block_size;        /* logical block (BLK_SIZE, else 512) */
    uint32_t max_transfer;      /* bytes per request (SEG_MAX x SIZE_MAX) */
    int read_only, can_flush;
    int qsize;
    struct virtio_pci_queue pq;
    struct pci_dma reqs;
    struct virtq vq;
    struct vblk_io io;
    int running, dead;
    char why[96];
};

/** Reset the device, negotiate features, set up queue 0.  0, or -1 with d->why. */
int vblk_start(struct vblk_dev *d, struct pci_fn *f);
/** Reset the device and free its memory. */
void vblk_stop(struct vblk_dev *d);
int vblk_rw(struct vblk_dev *d, int write, int qd, const uint64_t *lba, int n, size_t bytes,
            void *const *bufs, uint64_t *lat);
int vblk_dev_flush(struct vblk_dev *d);
int vblk_dev_max_qd(struct vblk_dev *d, size_t bytes);

/** Its entry in the driver table (drivers/blk_drivers.c). */
extern const struct blk_driver virtio_blk_driver;

#endif
