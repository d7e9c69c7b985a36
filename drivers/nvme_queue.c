/* nvme_queue.c - NVMe queue logic shared by the UEFI driver and the unit tests' model:
 * rings with phase tags, command ids, PRP lists, and the queue-depth batch loop. */
#include "drivers/nvme_queue.h"
#include "kernel/block/blk_engine.h"
#include "kernel/platform.h"

#include <string.h>

#define MAX_SLOTS NVME_IO_SLOTS

void nvmeq_init(struct nvme_queue *q, uint16_t qid, struct nvme_sqe *sq, volatile struct nvme_cqe *cq,
                uint16_t depth)
{
    memset(q, 0, sizeof *q);
    q->sq = sq;
    q->cq = cq;
    q->qid = qid;
    q->depth = depth;
    q->phase = 1; /* the controller's first pass through the CQ writes phase 1 */
    for (int i = 0; i < depth; i++)
        q->free_cid[q->nfree++] = (uint16_t)(depth - 1 - i); /* pop gives 0, 1, 2, ... */
}

int nvmeq_room(const struct nvme_queue *q)
{
    return q->depth - 1 - q->outstanding;
}

int nvmeq_push(struct nvme_queue *q, const struct nvme_sqe *cmd, uint16_t tag)
{
    if (nvmeq_room(q) <= 0 || q->nfree == 0)
        return -1;
    uint16_t cid = q->free_cid[--q->nfree];
    struct nvme_sqe *slot = &q->sq[q->sq_tail];
    *slot = *cmd;
    slot->cid = cid;
    q->busy[cid] = 1;
    q->tag[cid] = tag;
    q->outstanding++;
    if (++q->sq_tail == q->depth)
        q->sq_tail = 0;
    return cid;
}

int nvmeq_reap(struct nvme_queue *q, struct nvme_cqe *out, uint16_t *tag)
{
    volatile struct nvme_cqe *e = &q->cq[q->cq_head];
    if ((e->status & 1) != q->phase)
        return 0;
    __atomic_thread_fence(__ATOMIC_ACQUIRE); /* read the entry only after its phase tag */
    out->dw0 = e->dw0;
    out->dw1 = e->dw1;
    out->sqhd = e->sqhd;
    out->sqid = e->sqid;
    out->cid = e->cid;
    out->status = e->status;
    if (++q->cq_head == q->depth) {
        q->cq_head = 0;
        q->phase ^= 1; /* the next pass carries the other tag */
    }
    uint16_t cid = out->cid;
    if (cid >= q->depth || !q->busy[cid])
        return -1;
    q->busy[cid] = 0;
    q->free_cid[q->nfree++] = cid;
    q->outstanding--;
    if (tag)
        *tag = q->tag[cid];
    return 1;
}


int nvme_prp(uint64_t dev, uint64_t bytes, uint32_t page, uint64_t *list, uint64_t list_dev,
             uint32_t cap, uint64_t *prp1, uint64_t *prp2)
{
    if ((dev & 3) || bytes == 0)
        return -1;
    uint64_t off = dev & (page - 1);
    uint64_t first = page - off; /* bytes PRP1 covers */
    *prp1 = dev;
    *prp2 = 0;
    if (bytes <= first)
        return 0;
    uint64_t npages = (bytes - first + page - 1) / page;
    uint64_t base = dev - off + page;
    if (npages == 1) {
        *prp2 = base;
        return 0;
    }
    if (npages > cap)
        return -1; /* would need a chained list: the caller splits transfers before this */
    for (uint64_t k = 0; k < npages; k++)
        list[k] = base + k * page;
    *prp2 = list_dev;
    return (int)npages;
}

static uint32_t chunks_of(const struct nvme_io *io, size_t bytes)
{
    return (uint32_t)((bytes + io->max_chunk - 1) / io->max_chunk);
}

int nvme_io_max_qd(const struct nvme_io *io, size_t bytes)
{
    uint32_t per = chunks_of(io, bytes ? bytes : 1);
    int qd = (int)((io->q->depth - 1) / per);
    return qd > MAX_SLOTS ? MAX_SLOTS : qd;
}

/* Submit the commands of one transfer (slot s) at block lba from device address dev. */
static int submit_transfer(struct nvme_io *io, int write, int s, uint64_t lba, uint64_t dev,
                           size_t bytes)
{
    struct nvme_queue *q = io->q;
    for (size_t off = 0; off < bytes; off += io->max_chunk) {
        size_t len = bytes - off < io->max_chunk ? bytes - off : io->max_chunk;
        struct nvme_sqe c;
        memset(&c, 0, sizeof c);
        c.opc = write ? NVME_OP_WRITE : NVME_OP_READ;
        c.nsid = io->nsid;
        /* the PRP list belongs to the command id nvmeq_push is about to hand out */
        uint16_t cid = q->free_cid[q->nfree - 1];
        uint64_t *list = io->prp + (size_t)cid * io->prp_cap;
        uint64_t list_dev = io->prp_dev + (uint64_t)cid * io->prp_cap * 8;
        if (nvme_prp(dev + off, len, io->page, list, list_dev, io->prp_cap, &c.prp1, &c.prp2) < 0)
            return PLAT_IO_RANGE;
        uint64_t slba = lba + off / io->block_size;
        c.cdw10 = (uint32_t)slba;
        c.cdw11 = (uint32_t)(slba >> 32);
        c.cdw12 = (uint32_t)(len / io->block_size - 1); /* NLB is 0-based */
        if (nvmeq_push(q, &c, (uint16_t)s) < 0)
            return PLAT_IO_ERROR; /* cannot happen: room was checked */
    }
    return 0;
}

/* The block engine's view of the pair (kernel/block/blk_engine.h): a transfer on slot s is `per`
 * commands pushed together, all tagged s; the slot finishes when the last one completes. */
static int eng_submit(void *ctx, int s, int write, uint64_t lba, void *buf, size_t bytes, uint64_t now)
{
    struct nvme_io *io = ctx;
    (void)now;
    int per = (int)chunks_of(io, bytes);
    uint64_t dev;
    if (nvmeq_room(io->q) < per)
        return BLK_AGAIN;
    if (io->ops->dev_addr(io->ctx, buf, bytes, &dev)) /* transfer i: bufs[i] */
        return PLAT_IO_UNSUPPORTED;
    int rc = submit_transfer(io, write, s, lba, dev, bytes);
    if (rc)
        return rc; /* nothing of it was pushed: checked before pushing */
    io->left[s] = (uint16_t)per;
    io->failed[s] = 0;
    return 0;
}

static void eng_kick(void *ctx) /* one doorbell write for everything queued in this round */
{
    struct nvme_io *io = ctx;
    io->ops->sq_doorbell(io->ctx, io->q->qid, io->q->sq_tail);
}

static int eng_reap(void *ctx, struct blk_engine *e)
{
    struct nvme_io *io = ctx;
    struct nvme_queue *q = io->q;
    struct nvme_cqe c;
    uint16_t tag;
    int got = 0, r;
    while ((r = nvmeq_reap(q, &c, &tag)) != 0) {
        got++;
        if (r < 0 || tag >= MAX_SLOTS || io->left[tag] == 0)
            continue; /* a completion for nothing we sent: ignore it */
        if (c.status >> 1) {
            io->last_status = c.status >> 1;
            io->failed[tag] = 1;
        }
        if (--io->left[tag] == 0)
            blk_engine_done(e, tag, io->failed[tag] ? PLAT_IO_ERROR : 0);
    }
    if (got)
        io->ops->cq_doorbell(io->ctx, q->qid, q->cq_head);
    return got;
}

static void eng_idle(void *ctx)
{
    struct nvme_io *io = ctx;
    io->ops->idle(io->ctx);
}

static uint64_t eng_now(void *ctx)
{
    struct nvme_io *io = ctx;
    return io->ops->now(io->ctx);
}

int nvme_io_batch(struct nvme_io *io, int write, int qd, const uint64_t *lba, int n, size_t bytes,
                  void *const *bufs, uint64_t *lat)
{
    if (qd < 1)
        qd = 1;
    if (bytes == 0 || bytes % io->block_size || qd > nvme_io_max_qd(io, bytes))
        return PLAT_IO_RANGE;
    memset(io->left, 0, sizeof io->left);
    struct blk_engine_ops o = {io, eng_submit, eng_kick, eng_reap, eng_idle, eng_now, io->timeout,
                               io->block_size, 0};
    int wedged;
    return blk_engine_run(&o, write, qd, lba, n, bytes, bufs, lat, &wedged);
}

int nvme_io_cmd(struct nvme_io *io, struct nvme_sqe *cmd, struct nvme_cqe *cqe)
{
    struct nvme_queue *q = io->q;
    struct nvme_cqe e;
    uint16_t tag;
    uint64_t t0 = io->ops->now(io->ctx);
    int cid = nvmeq_push(q, cmd, 0xFFFF);
    if (cid < 0)
        return PLAT_IO_ERROR;
    io->ops->sq_doorbell(io->ctx, q->qid, q->sq_tail);
    for (;;) {
        int r = nvmeq_reap(q, &e, &tag);
        if (r) {
            io->ops->cq_doorbell(io->ctx, q->qid, q->cq_head);
            if (r < 0 || e.cid != cid)
                continue;
            if (cqe)
                *cqe = e;
            if (e.status >> 1) {
                io->last_status = e.status >> 1;
                return PLAT_IO_ERROR;
            }
            return 0;
        }
        if (io->ops->now(io->ctx) - t0 > io->timeout)
            return PLAT_IO_TIMEOUT;
        io->ops->idle(io->ctx);
    }
}
