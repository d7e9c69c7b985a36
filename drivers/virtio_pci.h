/* virtio_pci.h - the virtio PCI transport (virtio 1.2, 4.1) every virtio driver shares
 * (virtio-blk now, virtio-scsi next): the vendor capabilities, reset, device status, feature
 * negotiation, setting up a split virtqueue and notifying it, over the PCI seam. */
#ifndef BB_DRIVERS_VIRTIO_PCI_H
#define BB_DRIVERS_VIRTIO_PCI_H

#include "drivers/pci.h"
#include "drivers/virtq.h"

enum { VIRTIO_S_ACK = 1, VIRTIO_S_DRIVER = 2, VIRTIO_S_DRIVER_OK = 4, VIRTIO_S_FEATURES_OK = 8,
       VIRTIO_S_FAILED = 128 };
#define VIRTIO_F_VERSION_1 (1ull << 32)
#define VIRTIO_F_ACCESS_PLATFORM (1ull << 33)

struct virtio_region {
    int bar;
    uint32_t off;
    int present;
};

struct virtio_pci {
    struct pci_fn *pci;
    struct virtio_region common, notify, device;
    uint32_t notify_mult;
};

/* One virtqueue set up on the device: its rings in one DMA allocation. */
struct virtio_pci_queue {
    uint16_t index, notify_off;
    int size;
    struct pci_dma ring;
};

/** Find the common, notify and device-specific capabilities of a modern (VERSION_1) or
 *  transitional device: 0, or -1 for a legacy-only device. */
int virtio_pci_find(struct virtio_pci *v, struct pci_fn *f);
uint32_t virtio_pci_common(struct virtio_pci *v, uint32_t off, int width);
void virtio_pci_common_write(struct virtio_pci *v, uint32_t off, int width, uint32_t val);
/** Device-specific configuration (the virtio-blk capacity, the virtio-scsi limits...). */
uint32_t virtio_pci_config(struct virtio_pci *v, uint32_t off, int width);
/** Write 0 to device_status and wait until it reads 0 (at most 1 s): 0 or -1. */
int virtio_pci_reset(struct virtio_pci *v);
uint8_t virtio_pci_status(struct virtio_pci *v);
void virtio_pci_set_status(struct virtio_pci *v, uint8_t s);
/** Every feature bit the device offers. */
uint64_t virtio_pci_features(struct virtio_pci *v);
/** Accept `features` and set FEATURES_OK: 0, or -1 when the device does not keep it. */
int virtio_pci_accept(struct virtio_pci *v, uint64_t features);
/** Set up queue `index` (at most `max` entries, at least 4) as q over DMA memory, no MSI-X
 *  vector (polled); the rings are made by virtq_init.  0, -1 (no such queue, or smaller than
 *  4 entries) or -2 (no DMA memory). */
int virtio_pci_queue(struct virtio_pci *v, uint16_t index, int max, struct virtio_pci_queue *pq,
                     struct virtq *q);
void virtio_pci_queue_free(struct virtio_pci *v, struct virtio_pci_queue *pq);
/* What a firmware driver that stays bound to the device set up (features, queues), saved before
 * we reset it and put back afterwards (virtio_pci_save / virtio_pci_restore). */
#define VIRTIO_SAVE_QUEUES 4
struct virtio_pci_state {
    int valid;                 /* the device was running (DRIVER_OK) when saved */
    uint8_t status;
    uint64_t features;         /* the driver's accepted features */
    struct { uint16_t size, enabled; uint64_t desc, avail, used; } q[VIRTIO_SAVE_QUEUES];
    int legacy;                /* set up through the legacy I/O BAR 0 (virtio 0.9.5): */
    uint32_t legacy_features, pfn[VIRTIO_SAVE_QUEUES];
};
/** Save the running configuration of queues 0..VIRTIO_SAVE_QUEUES-1: through the modern
 *  registers, or the legacy ones when FEATURES_OK was never set (a transitional device a legacy
 *  driver runs, as Debian 12's OVMF does with virtio-scsi). */
void virtio_pci_save(struct virtio_pci *v, struct virtio_pci_state *s);
/** Reset the device and set it up again as saved, each queue's rings emptied (available and
 *  used index 0 in memory: the rings are at device address = host address, as OVMF maps
 *  them without an IOMMU), so the firmware's driver carries on with its next request.
 *  0, or -1 when the device does not take it back. */
int virtio_pci_restore(struct virtio_pci *v, const struct virtio_pci_state *s);

/** Tell the device queue pq has new available entries. */
void virtio_pci_notify(struct virtio_pci *v, const struct virtio_pci_queue *pq);

#endif
