/* virtio_blk.c - barebench's own virtio-blk driver (virtio 1.2, 4.1 and 5.2): capabilities,
 * reset, feature negotiation, one polled split virtqueue; the ring and request logic itself is
 * kernel/virtq.c. */
#include "drivers/virtio_blk.h"
#include "kernel/clock.h"
#include "kernel/fmt.h"
#include "kernel/platform.h"

#include <string.h>

/* common configuration (4.1.4.3) */
enum { C_DFSEL = 0x00, C_DF = 0x04, C_GFSEL = 0x08, C_GF = 0x0C, C_MSIX = 0x10, C_STATUS = 0x14,
       C_QSEL = 0x16, C_QSIZE = 0x18, C_QMSIX = 0x1A, C_QENABLE = 0x1C, C_QNOTIFY = 0x1E,
       C_QDESC = 0x20, C_QDRIVER = 0x28, C_QDEVICE = 0x30 };
enum { S_ACK = 1, S_DRIVER = 2, S_DRIVER_OK = 4, S_FEATURES_OK = 8, S_FAILED = 128 };
#define F_SIZE_MAX (1ull << 1)
#define F_SEG_MAX (1ull << 2)
#define F_RO (1ull << 5)
#define F_BLK_SIZE (1ull << 6)
#define F_FLUSH (1ull << 9)
#define F_VERSION_1 (1ull << 32)
#define F_ACCESS_PLATFORM (1ull << 33)
#define MAX_XFER (4u << 20) /* largest data descriptor when the device sets no SIZE_MAX */

static uint32_t rd(struct vblk_dev *d, const struct vblk_region *r, uint32_t off, int w)
{
    return pci_mmio(d->pci, r->bar, r->off + off, w);
}

static void wr(struct vblk_dev *d, const struct vblk_region *r, uint32_t off, int w, uint32_t v)
{
    pci_mmio_write(d->pci, r->bar, r->off + off, w, v);
}

static void notify(void *ctx)
{
    struct vblk_dev *d = ctx;
    wr(d, &d->notify, (uint32_t)d->notify_off * d->notify_mult, 2, 0);
}

static int dev_addr(void *ctx, void *buf, size_t len, uint64_t *dev)
{
    struct vblk_dev *d = ctx;
    return pci_dma_addr(d->pci, buf, len, dev);
}

static const struct vblk_ops ops = {notify, drv_now, dev_addr, drv_idle};

/* Walk the PCI capability list for the virtio structures (vendor-specific capability 9). */
static int find_caps(struct vblk_dev *d)
{
    struct pci_fn *f = d->pci;
    if (!(pci_cfg16(f, 0x06) & (1u << 4)))
        return -1;
    uint8_t p = pci_cfg8(f, 0x34) & 0xFC;
    for (int guard = 0; p && guard < 48; guard++) {
        if (pci_cfg8(f, p) == 0x09) {
            uint8_t type = pci_cfg8(f, p + 3);
            struct vblk_region r = {pci_cfg8(f, p + 4), pci_cfg32(f, p + 8), 1};
            if (r.bar <= 5) {
                if (type == 1 && !d->common.present)
                    d->common = r;
                else if (type == 2 && !d->notify.present) {
                    d->notify = r;
                    d->notify_mult = pci_cfg32(f, p + 16);
                } else if (type == 4 && !d->device.present)
                    d->device = r;
            }
        }
        p = pci_cfg8(f, p + 1) & 0xFC;
    }
    return d->common.present && d->notify.present && d->device.present ? 0 : -1;
}

/* Write 0 to device_status and wait until it reads 0 (bounded). */
static int reset(struct vblk_dev *d)
{
    wr(d, &d->common, C_STATUS, 1, 0);
    uint64_t end = drv_deadline(1.0);
    while (rd(d, &d->common, C_STATUS, 1) != 0) {
        if (drv_expired(end))
            return -1;
        plat_stall_us(50);
    }
    return 0;
}

static void free_all(struct vblk_dev *d)
{
    pci_dma_free(d->pci, &d->reqs);
    pci_dma_free(d->pci, &d->ring);
}

static int fail(struct vblk_dev *d, const char *why)
{
    bb_snprintf(d->why, sizeof d->why, "%s", why);
    wr(d, &d->common, C_STATUS, 1, rd(d, &d->common, C_STATUS, 1) | S_FAILED);
    reset(d);
    free_all(d);
    return -1;
}

/* Queue 0: its size, rings in one DMA allocation (each part page aligned), request headers. */
static int setup_queue(struct vblk_dev *d)
{
    wr(d, &d->common, C_QSEL, 2, 0);
    int size = (int)rd(d, &d->common, C_QSIZE, 2);
    if (size < 4)
        return fail(d, "queue 0 missing or too small");
    if (size > VIRTQ_MAX)
        size = VIRTQ_MAX;
    d->qsize = size;
    wr(d, &d->common, C_QSIZE, 2, (uint32_t)size);
    size_t desc = 16u * size, avail = 6u + 2u * size, used = 6u + 8u * size;
    size_t o_avail = (desc + 4095) & ~4095ul, o_used = o_avail + ((avail + 4095) & ~4095ul);
    if (pci_dma_alloc(d->pci, o_used + used, &d->ring) ||
        pci_dma_alloc(d->pci, (size_t)size * (sizeof(struct vblk_hdr) + 1), &d->reqs))
        return fail(d, "no DMA memory for the virtqueue");
    uint8_t *base = d->ring.host;
    virtq_init(&d->vq, (struct virtq_desc *)base, (struct virtq_avail *)(base + o_avail),
               (struct virtq_used *)(base + o_used), (uint16_t)size);
    wr(d, &d->common, C_QMSIX, 2, 0xFFFF); /* no vector: polled */
    wr(d, &d->common, C_QDESC, 4, (uint32_t)d->ring.dev);
    wr(d, &d->common, C_QDESC + 4, 4, (uint32_t)(d->ring.dev >> 32));
    wr(d, &d->common, C_QDRIVER, 4, (uint32_t)(d->ring.dev + o_avail));
    wr(d, &d->common, C_QDRIVER + 4, 4, (uint32_t)((d->ring.dev + o_avail) >> 32));
    wr(d, &d->common, C_QDEVICE, 4, (uint32_t)(d->ring.dev + o_used));
    wr(d, &d->common, C_QDEVICE + 4, 4, (uint32_t)((d->ring.dev + o_used) >> 32));
    d->notify_off = (uint16_t)rd(d, &d->common, C_QNOTIFY, 2);
    wr(d, &d->common, C_QENABLE, 2, 1);
    return 0;
}

int vblk_start(struct vblk_dev *d, struct pci_fn *f)
{
    memset(d, 0, sizeof *d);
    d->pci = f;
    if (find_caps(d)) {
        bb_snprintf(d->why, sizeof d->why, "legacy-only virtio device (no VERSION_1 capabilities)");
        return -1;
    }
    if (reset(d)) {
        bb_snprintf(d->why, sizeof d->why, "device did not reset within 1 s");
        return -1;
    }
    wr(d, &d->common, C_MSIX, 2, 0xFFFF);
    wr(d, &d->common, C_STATUS, 1, S_ACK);
    wr(d, &d->common, C_STATUS, 1, S_ACK | S_DRIVER);
    wr(d, &d->common, C_DFSEL, 4, 0);
    uint64_t offered = rd(d, &d->common, C_DF, 4);
    wr(d, &d->common, C_DFSEL, 4, 1);
    offered |= (uint64_t)rd(d, &d->common, C_DF, 4) << 32;
    if (!(offered & F_VERSION_1))
        return fail(d, "device does not offer VERSION_1");
    /* ACCESS_PLATFORM must be accepted when offered: our addresses come from PciIo Map anyway */
    uint64_t want = F_VERSION_1 | F_ACCESS_PLATFORM | F_SIZE_MAX | F_SEG_MAX | F_BLK_SIZE | F_FLUSH | F_RO;
    d->features = offered & want;
    wr(d, &d->common, C_GFSEL, 4, 0);
    wr(d, &d->common, C_GF, 4, (uint32_t)d->features);
    wr(d, &d->common, C_GFSEL, 4, 1);
    wr(d, &d->common, C_GF, 4, (uint32_t)(d->features >> 32));
    wr(d, &d->common, C_STATUS, 1, S_ACK | S_DRIVER | S_FEATURES_OK);
    if (!(rd(d, &d->common, C_STATUS, 1) & S_FEATURES_OK))
        return fail(d, "device refused the features (FEATURES_OK not kept)");
    d->sectors = (uint64_t)rd(d, &d->device, 0, 4) | (uint64_t)rd(d, &d->device, 4, 4) << 32;
    uint32_t size_max = d->features & F_SIZE_MAX ? rd(d, &d->device, 8, 4) : 0;
    uint32_t seg_max = d->features & F_SEG_MAX ? rd(d, &d->device, 12, 4) : 1;
    d->block_size = d->features & F_BLK_SIZE ? rd(d, &d->device, 20, 4) : 512;
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
    d->io.timeout = (uint64_t)(VBLK_IO_TIMEOUT_S * g_clock.hz);
    wr(d, &d->common, C_STATUS, 1, S_ACK | S_DRIVER | S_FEATURES_OK | S_DRIVER_OK);
    if (rd(d, &d->common, C_STATUS, 1) & S_FAILED)
        return fail(d, "device failed after DRIVER_OK");
    d->running = 1;
    return 0;
}

void vblk_stop(struct vblk_dev *d)
{
    if (d->running)
        reset(d);
    d->running = 0;
    free_all(d);
}

/* A request did not complete: reset the device so it stops DMA; no more I/O. */
static int fail_timeout(struct vblk_dev *d)
{
    d->dead = 1;
    bb_snprintf(d->why, sizeof d->why, "a request did not complete within %.0f s: device reset",
                VBLK_IO_TIMEOUT_S);
    reset(d);
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
