/* virtq.c - virtio split virtqueue rings and the virtio-blk request loop, shared by the UEFI
 * driver and the unit tests' model of a device. */
#include "kernel/virtq.h"
#include "kernel/platform.h"

#include <string.h>

#define MAX_SLOTS 256

void virtq_init(struct virtq *q, struct virtq_desc *desc, volatile struct virtq_avail *avail,
                volatile struct virtq_used *used, uint16_t size)
{
    memset(q, 0, sizeof *q);
    q->desc = desc;
    q->avail = avail;
    q->used = used;
    q->size = size;
    q->nfree = size;
    for (uint16_t i = 0; i < size; i++) /* free list threaded through next */
        desc[i].next = (uint16_t)(i + 1);
    avail->flags = 1; /* VIRTQ_AVAIL_F_NO_INTERRUPT: we poll */
    avail->idx = 0;
}

int virtq_add(struct virtq *q, const struct virtq_buf *b, int n, uint16_t tag, uint64_t now)
{
    if (n < 1 || n > q->nfree)
        return -1;
    uint16_t head = q->free_head, d = head;
    for (int i = 0; i < n; i++) {
        struct virtq_desc *e = &q->desc[d];
        uint16_t next = e->next;
        e->addr = b[i].addr;
        e->len = b[i].len;
        e->flags = (uint16_t)((b[i].device_writes ? VIRTQ_DESC_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_NEXT : 0));
        if (i + 1 < n)
            d = next;
        else
            q->free_head = next; /* e->next keeps pointing on: restored when the chain frees */
    }
    q->nfree = (uint16_t)(q->nfree - n);
    q->chain[head] = (uint16_t)n;
    q->tag[head] = tag;
    q->started[head] = now;
    q->busy[head] = 1;
    q->avail->ring[q->avail_idx % q->size] = head;
    q->avail_idx++;
    return head;
}

void virtq_publish(struct virtq *q)
{
    __atomic_thread_fence(__ATOMIC_RELEASE); /* ring entries before the index */
    q->avail->idx = q->avail_idx;
}

int virtq_get(struct virtq *q, uint16_t *tag, uint32_t *len)
{
    if (q->used->idx == q->last_used)
        return 0;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    volatile struct virtq_used_elem *e = &q->used->ring[q->last_used % q->size];
    uint32_t id = e->id;
    if (len)
        *len = e->len;
    q->last_used++;
    if (id >= q->size || !q->busy[id])
        return -1;
    /* give the chain back: its last descriptor links to the old free head */
    uint16_t d = (uint16_t)id;
    for (int i = 1; i < q->chain[id]; i++)
        d = q->desc[d].next;
    q->desc[d].next = q->free_head;
    q->free_head = (uint16_t)id;
    q->nfree = (uint16_t)(q->nfree + q->chain[id]);
    q->busy[id] = 0;
    if (tag)
        *tag = q->tag[id];
    return 1;
}

uint64_t virtq_oldest(const struct virtq *q)
{
    uint64_t t = UINT64_MAX;
    for (int i = 0; i < q->size; i++)
        if (q->busy[i] && q->started[i] < t)
            t = q->started[i];
    return t;
}

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
