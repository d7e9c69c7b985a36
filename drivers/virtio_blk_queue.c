/* virtio_blk_queue.c - virtio-blk requests on a split virtqueue (see virtio_blk_queue.h). */
#include "drivers/virtio_blk_queue.h"
#include "kernel/block/blk_engine.h"
#include "kernel/platform.h"

#include <string.h>

#define MAX_SLOTS BLK_MAX_QD

int vblk_descs(const struct vblk_io *io, size_t bytes)
{
    uint64_t segs = bytes ? (bytes + io->seg_bytes - 1) / io->seg_bytes : 0;
    return segs > io->seg_max ? -1 : (int)segs + 2;
}

int vblk_max_qd(const struct vblk_io *io, size_t bytes)
{
    int per = vblk_descs(io, bytes);
    if (per < 0)
        return 0;
    int qd = io->q->size / per;
    return qd > MAX_SLOTS ? MAX_SLOTS : qd;
}

/* Queue request slot s: header, data split into seg_bytes pieces, status byte. */
static int add_request(struct vblk_io *io, int s, uint32_t type, uint64_t sector, uint64_t dev,
                       size_t bytes)
{
    struct virtq_buf b[VIRTQ_MAX];
    int n = 0;
    io->hdr[s].type = type;
    io->hdr[s].reserved = 0;
    io->hdr[s].sector = sector;
    io->status[s] = 0xFF; /* the device overwrites it */
    b[n++] = (struct virtq_buf){io->hdr_dev + (uint64_t)s * sizeof(struct vblk_hdr), sizeof(struct vblk_hdr), 0};
    for (size_t off = 0; off < bytes; off += io->seg_bytes) {
        size_t len = bytes - off < io->seg_bytes ? bytes - off : io->seg_bytes;
        b[n++] = (struct virtq_buf){dev + off, (uint32_t)len, type == VBLK_T_IN};
    }
    b[n++] = (struct virtq_buf){io->status_dev + (uint64_t)s, 1, 1};
    return virtq_add(io->q, b, n, (uint16_t)s) < 0 ? -1 : 0;
}

/* The block engine's view of the queue (kernel/block/blk_engine.h): a transfer on slot s is one
 * request chain tagged s. */
static int eng_submit(void *ctx, int s, int write, uint64_t lba, void *buf, size_t bytes, uint64_t now)
{
    struct vblk_io *io = ctx;
    (void)now;
    uint64_t dev;
    if (io->q->nfree < vblk_descs(io, bytes))
        return BLK_AGAIN;
    if (io->ops->dev_addr(io->ctx, buf, bytes, &dev)) /* transfer i: bufs[i] */
        return PLAT_IO_UNSUPPORTED;
    if (add_request(io, s, write ? VBLK_T_OUT : VBLK_T_IN, lba << io->lba_shift, dev, bytes))
        return PLAT_IO_ERROR;
    return 0;
}

static void eng_kick(void *ctx) /* one notification per round */
{
    struct vblk_io *io = ctx;
    virtq_publish(io->q);
    io->ops->notify(io->ctx);
}

static int status_of(struct vblk_io *io, int s)
{
    if (io->status[s] == 0)
        return 0;
    io->last_status = io->status[s];
    return io->status[s] == 2 ? PLAT_IO_UNSUPPORTED : PLAT_IO_ERROR;
}

static int eng_reap(void *ctx, struct blk_engine *e)
{
    struct vblk_io *io = ctx;
    int got = 0, r;
    uint16_t tag;
    while ((r = virtq_get(io->q, &tag, NULL)) != 0) {
        got++;
        if (r > 0)
            blk_engine_done(e, tag, status_of(io, tag)); /* ignored unless in flight */
    }
    return got;
}

static void eng_idle(void *ctx)
{
    struct vblk_io *io = ctx;
    io->ops->idle(io->ctx);
}

static uint64_t eng_now(void *ctx)
{
    struct vblk_io *io = ctx;
    return io->ops->now(io->ctx);
}

int vblk_batch(struct vblk_io *io, int write, int qd, const uint64_t *lba, int n, size_t bytes,
               void *const *bufs, uint64_t *lat)
{
    if (qd < 1)
        qd = 1;
    int per = vblk_descs(io, bytes);
    if (bytes == 0 || bytes % 512 || per < 0 || qd > vblk_max_qd(io, bytes))
        return PLAT_IO_RANGE;
    struct blk_engine_ops o = {io, eng_submit, eng_kick, eng_reap, eng_idle, eng_now, io->timeout,
                               512u << io->lba_shift, 0};
    int wedged;
    return blk_engine_run(&o, write, qd, lba, n, bytes, bufs, lat, &wedged);
}

int vblk_flush(struct vblk_io *io)
{
    uint64_t t0 = io->ops->now(io->ctx);
    if (add_request(io, 0, VBLK_T_FLUSH, 0, 0, 0))
        return PLAT_IO_ERROR;
    virtq_publish(io->q);
    io->ops->notify(io->ctx);
    for (;;) {
        uint16_t tag;
        int r = virtq_get(io->q, &tag, NULL);
        if (r > 0)
            return status_of(io, 0);
        if (io->ops->now(io->ctx) - t0 > io->timeout)
            return PLAT_IO_TIMEOUT;
        io->ops->idle(io->ctx);
    }
}
