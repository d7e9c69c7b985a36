/* virtio_blk_queue.c - virtio-blk requests on a split virtqueue (see virtio_blk_queue.h). */
#include "drivers/virtio_blk_queue.h"
#include "kernel/platform.h"

#include <string.h>

#define MAX_SLOTS 256

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
                       size_t bytes, uint64_t now)
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
    return virtq_add(io->q, b, n, (uint16_t)s, now) < 0 ? -1 : 0;
}

int vblk_batch(struct vblk_io *io, int write, int qd, const uint64_t *lba, int n, size_t bytes,
               void *const *bufs, uint64_t *lat)
{
    struct virtq *q = io->q;
    uint64_t t0[MAX_SLOTS];
    int idx[MAX_SLOTS], free_slot[MAX_SLOTS], busy[MAX_SLOTS];
    if (qd < 1)
        qd = 1;
    int per = vblk_descs(io, bytes);
    if (bytes == 0 || bytes % 512 || per < 0 || qd > vblk_max_qd(io, bytes))
        return PLAT_IO_RANGE;
    int nfree = 0;
    for (int s = qd - 1; s >= 0; s--) {
        free_slot[nfree++] = s;
        busy[s] = 0;
    }
    int next = 0, inflight = 0, rc = 0;
    uint64_t last_scan = io->ops->now(io->ctx);
    while ((next < n && !rc) || inflight) {
        int added = 0;
        uint64_t now = io->ops->now(io->ctx);
        while (!rc && next < n && nfree > 0 && q->nfree >= per) {
            uint64_t dev;
            if (io->ops->dev_addr(io->ctx, bufs[next], bytes, &dev)) { /* transfer i: bufs[i] */
                rc = PLAT_IO_UNSUPPORTED;
                break;
            }
            int s = free_slot[--nfree];
            if (add_request(io, s, write ? VBLK_T_OUT : VBLK_T_IN, lba[next] << io->lba_shift, dev, bytes, now)) {
                free_slot[nfree++] = s;
                rc = PLAT_IO_ERROR;
                break;
            }
            t0[s] = now;
            idx[s] = next++;
            busy[s] = 1;
            inflight++;
            added = 1;
        }
        if (added) {
            virtq_publish(q);
            io->ops->notify(io->ctx); /* one notification per round */
        }
        int got = 0, r;
        uint16_t tag;
        now = io->ops->now(io->ctx);
        while ((r = virtq_get(q, &tag, NULL)) != 0) {
            got++;
            if (r < 0 || tag >= qd || !busy[tag])
                continue;
            if (io->status[tag] != 0) {
                io->last_status = io->status[tag];
                if (!rc)
                    rc = io->status[tag] == 2 ? PLAT_IO_UNSUPPORTED : PLAT_IO_ERROR;
            }
            if (lat)
                lat[idx[tag]] = now - t0[tag];
            busy[tag] = 0;
            free_slot[nfree++] = tag;
            inflight--;
        }
        if (got)
            continue;
        if (inflight && now - last_scan > io->timeout / 64) {
            last_scan = now;
            uint64_t old = virtq_oldest(q);
            if (old != UINT64_MAX && now - old > io->timeout)
                return PLAT_IO_TIMEOUT;
        }
        io->ops->idle(io->ctx);
    }
    return rc;
}

int vblk_flush(struct vblk_io *io)
{
    uint64_t t0 = io->ops->now(io->ctx);
    if (add_request(io, 0, VBLK_T_FLUSH, 0, 0, 0, t0))
        return PLAT_IO_ERROR;
    virtq_publish(io->q);
    io->ops->notify(io->ctx);
    for (;;) {
        uint16_t tag;
        int r = virtq_get(io->q, &tag, NULL);
        if (r > 0) {
            if (io->status[0] != 0) {
                io->last_status = io->status[0];
                return io->status[0] == 2 ? PLAT_IO_UNSUPPORTED : PLAT_IO_ERROR;
            }
            return 0;
        }
        if (io->ops->now(io->ctx) - t0 > io->timeout)
            return PLAT_IO_TIMEOUT;
        io->ops->idle(io->ctx);
    }
}
