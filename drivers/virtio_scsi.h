/* virtio_scsi.h - barebench's own virtio-scsi driver: modern (1af4:1048) and transitional
 * (1af4:1004) PCI devices through their virtio capabilities, the first request queue polled
 * (interrupts off), tagged commands in flight up to the queue size; the logical units are the
 * shared SCSI layer's (drivers/scsi.h). */
#ifndef BB_DRIVERS_VIRTIO_SCSI_H
#define BB_DRIVERS_VIRTIO_SCSI_H

#include "drivers/blk_driver.h"
#include "drivers/scsi.h"
#include "drivers/virtio_pci.h"
#include "drivers/virtio_scsi_queue.h"

#define VSCSI_MAX_XFER (1u << 20) /* bytes per command we send (the device allows max_sectors) */

struct vscsi_dev {
    struct scsi_host host;      /* first: the driver table's ctrl is also the SCSI host */
    struct pci_fn *pci;
    struct virtio_pci vp;
    struct virtio_pci_state fw;  /* what the firmware's driver left: put back by vscsi_stop */
    uint64_t features;
    struct virtio_pci_queue pq;
    struct virtq vq;
    struct pci_dma slots;
    struct vscsi_io io;
    int running;
};

/** Reset, negotiate, set the first request queue up, scan the units.  0, or -1 with
 *  d->host.why. */
int vscsi_start(struct vscsi_dev *d, struct pci_fn *f);
/** Reset the device (set up again as the firmware's driver left it, when it was running) and
 *  free its memory. */
void vscsi_stop(struct vscsi_dev *d);

/** Its entry in the driver table (drivers/blk_drivers.c). */
extern const struct blk_driver virtio_scsi_driver;

#endif
