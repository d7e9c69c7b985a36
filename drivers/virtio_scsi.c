/* virtio_scsi.c - barebench's own virtio-scsi driver (virtio 1.2, 4.1 and 5.6): capabilities,
 * reset, features, the device configuration, the first request queue (controlq and eventq stay
 * disabled: polled, no hotplug); commands and units are drivers/virtio_scsi_queue.c and the
 * shared SCSI layer drivers/scsi.c. */
#include "drivers/virtio_scsi.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

/* device configuration (5.6.4) */
enum { CFG_NUM_QUEUES = 0, CFG_SEG_MAX = 4, CFG_MAX_SECTORS = 8, CFG_CMD_PER_LUN = 12,
       CFG_SENSE_SIZE = 20, CFG_CDB_SIZE = 24, CFG_MAX_TARGET = 30, CFG_MAX_LUN = 32 };
#define REQUEST_QUEUE 2 /* 0 controlq, 1 eventq, 2.. request queues */

static void notify(void *ctx)
{
    struct vscsi_dev *d = ctx;
    virtio_pci_notify(&d->vp, &d->pq);
}

/* Commands stopped completing: a device reset stops all DMA (virtio 1.2, 2.4). */
static int reset(void *ctx, char *what, size_t n)
{
    struct vscsi_dev *d = ((struct vscsi_io *)ctx)->ctx; /* the ops' ctx is the queue */
    int rc = virtio_pci_reset(&d->vp);
    d->running = 0;
    bb_snprintf(what, n, "%s", rc ? "device reset did not finish within 1 s" : "device reset");
    return rc ? -1 : 0;
}

static const struct scsi_hba_ops ops = {vscsi_submit, vscsi_kick, vscsi_reap, reset, vscsi_max_tags};

static void free_all(struct vscsi_dev *d)
{
    pci_dma_free(d->pci, &d->slots);
    virtio_pci_queue_free(&d->vp, &d->pq);
}

/* The firmware's driver stays bound (driver table: firmware_stays): give it its device back as
 * it left it, or just reset it when it had none running. */
static void hand_back(struct vscsi_dev *d)
{
    if (!d->fw.valid || virtio_pci_restore(&d->vp, &d->fw))
        virtio_pci_reset(&d->vp);
}

static int fail(struct vscsi_dev *d, const char *why)
{
    bb_snprintf(d->host.why, sizeof d->host.why, "%s", why);
    virtio_pci_set_status(&d->vp, virtio_pci_status(&d->vp) | VIRTIO_S_FAILED);
    hand_back(d);
    free_all(d);
    return -1;
}

static void config_write32(struct vscsi_dev *d, uint32_t off, uint32_t v)
{
    pci_mmio_write(d->pci, d->vp.device.bar, d->vp.device.off + off, 4, v);
}

/* The request queue and one cmd_req + cmd_resp slot per tag. */
static int setup_queue(struct vscsi_dev *d)
{
    int rc = virtio_pci_queue(&d->vp, REQUEST_QUEUE, VIRTQ_MAX, &d->pq, &d->vq);
    if (rc)
        return fail(d, rc == -1 ? "request queue missing or too small" : "no DMA memory for the virtqueue");
    int ntags = d->pq.size / 2 < SCSI_MAX_TAGS ? d->pq.size / 2 : SCSI_MAX_TAGS;
    if (pci_dma_alloc(d->pci, (size_t)ntags * VSCSI_SLOT, &d->slots))
        return fail(d, "no DMA memory for the requests");
    d->io = (struct vscsi_io){&d->vq, d->slots.host, d->slots.dev, ntags, notify, d, 0};
    return 0;
}

int vscsi_start(struct vscsi_dev *d, struct pci_fn *f)
{
    d->pci = f;
    if (virtio_pci_find(&d->vp, f)) {
        bb_snprintf(d->host.why, sizeof d->host.why, "legacy-only virtio device (no VERSION_1 capabilities)");
        return -1;
    }
    virtio_pci_save(&d->vp, &d->fw);
    if (virtio_pci_reset(&d->vp)) {
        bb_snprintf(d->host.why, sizeof d->host.why, "device did not reset within 1 s");
        return -1;
    }
    virtio_pci_set_status(&d->vp, VIRTIO_S_ACK);
    virtio_pci_set_status(&d->vp, VIRTIO_S_ACK | VIRTIO_S_DRIVER);
    uint64_t offered = virtio_pci_features(&d->vp);
    if (!(offered & VIRTIO_F_VERSION_1))
        return fail(d, "device does not offer VERSION_1");
    /* no INOUT, HOTPLUG, CHANGE or T10_PI: one data direction per command, polled, no events */
    d->features = offered & (VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM);
    if (virtio_pci_accept(&d->vp, d->features))
        return fail(d, "device refused the features (FEATURES_OK not kept)");
    config_write32(d, CFG_CDB_SIZE, VSCSI_CDB_SIZE);
    config_write32(d, CFG_SENSE_SIZE, VSCSI_SENSE_SIZE);
    if (virtio_pci_config(&d->vp, CFG_CDB_SIZE, 4) != VSCSI_CDB_SIZE ||
        virtio_pci_config(&d->vp, CFG_SENSE_SIZE, 4) != VSCSI_SENSE_SIZE)
        return fail(d, "device kept no 32-byte CDB / 96-byte sense size");
    if (virtio_pci_config(&d->vp, CFG_NUM_QUEUES, 4) < 1)
        return fail(d, "device has no request queue");
    uint64_t max_bytes = (uint64_t)virtio_pci_config(&d->vp, CFG_MAX_SECTORS, 4) * 512;
    uint32_t max_target = virtio_pci_config(&d->vp, CFG_MAX_TARGET, 2);
    uint32_t max_lun = virtio_pci_config(&d->vp, CFG_MAX_LUN, 4);
    int cmd_per_lun = (int)virtio_pci_config(&d->vp, CFG_CMD_PER_LUN, 4);
    if (setup_queue(d))
        return -1;
    virtio_pci_set_status(&d->vp, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK);
    if (virtio_pci_status(&d->vp) & VIRTIO_S_FAILED)
        return fail(d, "device failed after DRIVER_OK");
    d->running = 1;
    uint32_t xfer = max_bytes && max_bytes < VSCSI_MAX_XFER ? (uint32_t)max_bytes & ~511u : VSCSI_MAX_XFER;
    d->host.hba = (struct scsi_hba){&ops, &d->io, f, "virtio-scsi", max_target > 255 ? 255 : max_target,
                                    max_lun > 16383 ? 16383 : max_lun, -1, xfer, cmd_per_lun};
    if (scsi_scan(&d->host) < 0) {
        char why[sizeof d->host.why];
        bb_snprintf(why, sizeof why, "%s", d->host.why);
        return fail(d, why);
    }
    return 0;
}

void vscsi_stop(struct vscsi_dev *d)
{
    hand_back(d); /* also after a timeout's reset: the firmware's driver gets a working device */
    d->running = 0;
    scsi_release(&d->host);
    free_all(d);
}

static int match(const struct pci_fn *f)
{
    return f->vendor == 0x1AF4 && (f->device == 0x1048 || f->device == 0x1004); /* modern, transitional */
}

static int t_start(void *ctrl, struct pci_fn *f) { return vscsi_start(ctrl, f); }
static void t_stop(void *ctrl) { vscsi_stop(ctrl); }

const struct blk_driver virtio_scsi_driver = {
    .name = "virtio-scsi", .match = match, .size = sizeof(struct vscsi_dev), .firmware_stays = 1,
    .start = t_start, .stop = t_stop, SCSI_BLK_OPS,
};
