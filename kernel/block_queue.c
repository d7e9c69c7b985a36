/* block_queue.c - queued transfers with a bound on each (see block_queue.h): per slot one
 * logical transfer at a time, sent as pieces of at most xfer_max bytes one after the other. */
#include "kernel/block_queue.h"
#include "kernel/platform.h"

#define BQ_MAX_QD 64

struct slot {
    int busy, idx;
    size_t done;      /* bytes of the logical transfer already completed */
    size_t piece;     /* bytes of the piece in flight */
    uint64_t t0;      /* start of the logical transfer */
    uint64_t tpiece;  /* start of the piece in flight */
};

static int submit_piece(const struct bq_ops *o, struct slot *s, int k, int write,
                        const uint64_t *lba, size_t bytes, void *const *bufs)
{
    size_t left = bytes - s->done;
    s->piece = left > o->xfer_max ? o->xfer_max : left;
    s->tpiece = o->ticks();
    return o->submit(o->ctx, k, write, lba[s->idx] + s->done / o->block_size,
                     (uint8_t *)bufs[s->idx] + s->done, s->piece);
}

int bq_run(const struct bq_ops *o, int write, int qd, const uint64_t *lba, int n, size_t bytes,
           void *const *bufs, uint64_t *lat, int *wedged)
{
    struct slot sl[BQ_MAX_QD] = {{0}};
    int next = 0, inflight = 0, rc = 0;
    *wedged = 0;
    if (qd > BQ_MAX_QD)
        qd = BQ_MAX_QD;
    if (o->xfer_max < o->block_size || o->xfer_max % o->block_size)
        return PLAT_IO_RANGE;
    while ((next < n && !rc) || inflight) {
        for (int k = 0; k < qd && next < n && !rc; k++) {
            if (sl[k].busy)
                continue;
            sl[k] = (struct slot){1, next, 0, 0, o->ticks(), 0};
            int st = submit_piece(o, &sl[k], k, write, lba, bytes, bufs);
            if (st != PLAT_IO_OK) {
                sl[k].busy = 0;
                rc = st;
                break;
            }
            next++;
            inflight++;
        }
        for (int k = 0; k < qd; k++) {
            if (!sl[k].busy)
                continue;
            int st = PLAT_IO_OK;
            uint64_t now = o->ticks();
            if (o->poll(o->ctx, k, &st)) {
                sl[k].done += sl[k].piece;
                if (st == PLAT_IO_OK && sl[k].done < bytes)
                    st = submit_piece(o, &sl[k], k, write, lba, bytes, bufs);
                else if (st == PLAT_IO_OK && lat)
                    lat[sl[k].idx] = now - sl[k].t0;
                if (st != PLAT_IO_OK || sl[k].done >= bytes) {
                    sl[k].busy = 0;
                    inflight--;
                    if (st != PLAT_IO_OK && !rc)
                        rc = st;
                }
            } else if (now - sl[k].tpiece > o->timeout_ticks) {
                *wedged = 1; /* the driver still owns this slot and its buffer */
                return PLAT_IO_TIMEOUT;
            }
        }
    }
    return rc;
}
