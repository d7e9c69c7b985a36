/* virtio_blk.c - barebench's own virtio-blk driver (virtio 1.2, 4.1 and 5.2): capabilities,
 * reset, feature negotiation, one polled split virtqueue; the ring and request logic itself is
 * drivers/virtq.c. */
#include "drivers/virtio_blk.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

#define F_SIZE_MAX (1ull << 1)
#define F_SEG_MAX (1ull << 2)
#define F_RO (1ull << 5)
#define F_BLK_SIZE (1ull << 6)
#define F_FLUSH (1ull << 9)
#define MAX_XFER (4u << 20) /* largest data descriptor when the device sets no SIZE_MAX */

static void notify(void *ctx)
{
    struct vblk_dev *d = ctx;
    virtio_pci_notify(&d->vp, &d->pq);
}

static int dev_addr(void *ctx, void *buf, size_t len, uint64_t *dev)
{
    struct vblk_dev *d = ctx;
    return pci_dma_addr(d->pci, buf, len, dev);
}

static const struct vblk_ops ops = {notify, drv_now, dev_addr, drv_idle};

static void free_all(struct vblk_dev *d)
{
    pci_dma_free(d->pci, &d->reqs);
    virtio_pci_queue_free(&d->vp, &d->pq);
}

static int fail(struct vblk_dev *d, const char *why)
{
    bb_snprintf(d->why, sizeof d->why, "%s", why);
    virtio_pci_set_status(&d->vp, virtio_pci_status(&d->vp) | VIRTIO_S_FAILED);
    virtio_pci_reset(&d->vp);
    free_all(d);
    return -1;
}

/* Queue 0 and one request header and status byte per ring entry. */
static int setup_queue(struct vblk_dev *d)
{
    int rc = virtio_pci_queue(&d->vp, 0, VIRTQ_MAX, &d->pq, &d->vq);
    if (rc)
        return fail(d, rc == -1 ? "queue 0 missing or too small" : "no DMA memory for the virtqueue");
    d->qsize = d->pq.size;
    if (pci_dma_alloc(d->pci, (size_t)d->qsize * (sizeof(struct vblk_hdr) + 1), &d->reqs))
        return fail(d, "no DMA memory for the virtqueue");
    return 0;
}

int vblk_start(struct vblk_dev *d, struct pci_fn *f)
{
    memset(d, 0, sizeof *d);
    d->pci = f;
    if (virtio_pci_find(&d->vp, f)) {
        bb_snprintf(d->why, sizeof d->why, "legacy-only virtio device (no VERSION_1 capabilities)");
        return -1;
    }
    if (virtio_pci_reset(&d->vp)) {
        bb_snprintf(d->why, sizeof d->why, "device did not reset within 1 s");
        return -1;
    }
    virtio_pci_set_status(&d->vp, VIRTIO_S_ACK);
    virtio_pci_set_status(&d->vp, VIRTIO_S_ACK | VIRTIO_S_DRIVER);
    uint64_t offered = virtio_pci_features(&d->vp);
    if (!(offered & VIRTIO_F_VERSION_1))
        return fail(d, "device does not offer VERSION_1");
    /* ACCESS_PLATFORM must be accepted when offered: our addresses come from PciIo Map anyway */
    uint64_t want = VIRTIO_F_VERSION_1 | VIRTIO_F_ACCESS_PLATFORM | F_SIZE_MAX | F_SEG_MAX | F_BLK_SIZE | F_FLUSH | F_RO;
    d->features = offered & want;
    if (virtio_pci_accept(&d->vp, d->features))
        return fail(d, "device refused the features (FEATURES_OK not kept)");
    d->sectors = (uint64_t)virtio_pci_config(&d->vp, 0, 4) | (uint64_t)virtio_pci_config(&d->vp, 4, 4) << 32;
    uint32_t size_max = d->features & F_SIZE_MAX ? virtio_pci_config(&d->vp, 8, 4) : 0;
    uint32_t seg_max = d->features & F_SEG_MAX ? virtio_pci_config(&d->vp, 12, 4) : 1;
    d->block_size = d->features & F_BLK_SIZE ? virtio_pci_config(&d->vp, 20, 4) : 512;
    if (d->block_size < 512 || d->block_size > 65536 || (d->block_size & (d->block_size - 1)))
        return fail(d, "unusable logical block size");
    d->read_only = !!(d->features & F_RO);
    d->can_flush = !!(d->features & F_FLUSH);
    if (setup_queue(d))
        return -1;
    uint32_t seg = size_max && size_max < MAX_XFER ? size_max & ~511u : MAX_XFER;
    if (seg < 512)
        seg = 512;
    if (seg_max < 1)
        seg_max = 1;
    if ((int)seg_max > d->qsize - 2)
        seg_max = (uint32_t)(d->qsize - 2);
    uint64_t max = (uint64_t)seg * seg_max; /* one request: SEG_MAX descriptors of SIZE_MAX */
    d->max_transfer = (uint32_t)(max < 0xFFFFF000ull ? max : 0xFFFFF000ull);
    d->io.q = &d->vq;
    d->io.ops = &ops;
    d->io.ctx = d;
    d->io.hdr = d->reqs.host;
    d->io.hdr_dev = d->reqs.dev;
    d->io.status = (uint8_t *)d->reqs.host + (size_t)d->qsize * sizeof(struct vblk_hdr);
    d->io.status_dev = d->reqs.dev + (uint64_t)d->qsize * sizeof(struct vblk_hdr);
    d->io.lba_shift = (uint32_t)__builtin_ctz(d->block_size / 512);
    d->io.seg_bytes = seg;
    d->io.seg_max = seg_max;
    d->io.timeout = drv_ticks_of(VBLK_IO_TIMEOUT_S);
    virtio_pci_set_status(&d->vp, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK | VIRTIO_S_DRIVER_OK);
    if (virtio_pci_status(&d->vp) & VIRTIO_S_FAILED)
        return fail(d, "device failed after DRIVER_OK");
    d->running = 1;
    return 0;
}

void vblk_stop(struct vblk_dev *d)
{
    if (d->running)
        virtio_pci_reset(&d->vp);
    d->running = 0;
    free_all(d);
}

/* A request did not complete: reset the device so it stops DMA; no more I/O. */
static int fail_timeout(struct vblk_dev *d)
{
    d->dead = 1;
    bb_snprintf(d->why, sizeof d->why, "a request did not complete within %.0f s: device reset",
                VBLK_IO_TIMEOUT_S);
    virtio_pci_reset(&d->vp);
    d->running = 0;
    return PLAT_IO_TIMEOUT;
}

int vblk_rw(struct vblk_dev *d, int write, int qd, const uint64_t *lba, int n, size_t bytes,
            void *const *bufs, uint64_t *lat)
{
    if (d->dead || !d->running)
        return PLAT_IO_TIMEOUT;
    if (write && d->read_only)
        return PLAT_IO_READ_ONLY;
    int rc = vblk_batch(&d->io, write, qd, lba, n, bytes, bufs, lat);
    return rc == PLAT_IO_TIMEOUT ? fail_timeout(d) : rc;
}

int vblk_dev_flush(struct vblk_dev *d)
{
    if (d->dead || !d->running)
        return PLAT_IO_TIMEOUT;
    if (!d->can_flush)
        return 0; /* no FLUSH feature: the device has no volatile cache to drain */
    int rc = vblk_flush(&d->io);
    return rc == PLAT_IO_TIMEOUT ? fail_timeout(d) : rc;
}

int vblk_dev_max_qd(struct vblk_dev *d, size_t bytes)
{
    return d->running ? vblk_max_qd(&d->io, bytes) : 0;
}

/* ---- the driver table entry (drivers/blk_driver.h): the function is the one disk ---- */
static int match(const struct pci_fn *f)
{
    return f->vendor == 0x1AF4 && (f->device == 0x1042 || f->device == 0x1001); /* modern, transitional */
}

static int t_start(void *ctrl, struct pci_fn *f) { return vblk_start(ctrl, f); }
static void t_stop(void *ctrl) { vblk_stop(ctrl); }
static const char *t_why(void *ctrl) { return ((struct vblk_dev *)ctrl)->why; }
static int t_units(void *ctrl) { (void)ctrl; return 1; }

static void t_describe(void *ctrl, int unit, struct blk_unit *u)
{
    struct vblk_dev *d = ctrl;
    (void)unit;
    u->kind = "virtio";
    u->api = "virtio-blk";
    u->model = u->serial = NULL; /* virtio-blk has none: the firmware's entry's are kept */
    u->block_size = d->block_size;
    u->blocks = d->sectors * 512 / d->block_size;
    u->read_only = d->read_only;
    u->queue_depth = d->qsize;
    u->max_transfer = d->max_transfer;
    u->addr.transport = PLAT_T_PCI;
}

static const char *t_dead(void *ctrl, int unit)
{
    struct vblk_dev *d = ctrl;
    (void)unit;
    return d->dead ? d->why : NULL;
}

static int t_max_qd(void *ctrl, int unit, size_t bytes)
{
    (void)unit;
    return vblk_dev_max_qd(ctrl, bytes);
}

static int t_rw(void *ctrl, int unit, int write, int qd, const uint64_t *lba, int n, size_t bytes,
                void *const *bufs, uint64_t *lat)
{
    (void)unit;
    return vblk_rw(ctrl, write, qd, lba, n, bytes, bufs, lat);
}

static int t_flush(void *ctrl, int unit)
{
    (void)unit;
    return vblk_dev_flush(ctrl);
}

const struct blk_driver virtio_blk_driver = {
    .name = "virtio-blk", .match = match, .size = sizeof(struct vblk_dev), .start = t_start,
    .stop = t_stop, .why = t_why, .units = t_units, .describe = t_describe, .dead = t_dead,
    .max_qd = t_max_qd, .rw = t_rw, .flush = t_flush,
};
