/* blk_engine.c - the queue-depth loop every block path runs (see blk_engine.h): slots from a
 * free list, one kick per round of submissions, completions reaped, latencies, first failure
 * kept, a bound on every transfer. */
#include "kernel/block/blk_engine.h"
#include "kernel/machine/clock.h"
#include "kernel/platform.h"

#include <string.h>

/* Submit the next piece of slot k's transfer (the whole transfer when piece_max is 0). */
static int submit_piece(struct blk_engine *e, int k, uint64_t now)
{
    const struct blk_engine_ops *o = e->o;
    struct blk_slot *s = &e->slot[k];
    size_t left = e->bytes - s->done;
    s->piece = o->piece_max && left > o->piece_max ? o->piece_max : left;
    s->tpiece = now;
    return o->submit(o->ctx, k, e->write, e->lba[s->idx] + s->done / o->block_size,
                     (uint8_t *)e->bufs[s->idx] + s->done, s->piece, now);
}

static void release(struct blk_engine *e, int k, int status)
{
    e->slot[k].busy = 0;
    e->free_slot[e->nfree++] = k;
    e->inflight--;
    if (status != 0 && !e->rc)
        e->rc = status; /* submit no more; collect what is in flight */
}

void blk_engine_done(struct blk_engine *e, int k, int status)
{
    if (k < 0 || k >= e->qd || !e->slot[k].busy)
        return; /* a completion for nothing in flight: ignored */
    struct blk_slot *s = &e->slot[k];
    s->done += s->piece;
    if (status == 0 && s->done < e->bytes) {
        s->next_piece = 1; /* sent in the next round */
        return;
    }
    if (status == 0 && e->lat)
        e->lat[s->idx] = e->reap_now - s->t0;
    release(e, k, status);
}

/* Send the next pieces of transfers whose previous piece completed; 1 if any was sent. */
static int next_pieces(struct blk_engine *e, uint64_t now)
{
    int sent = 0;
    for (int k = 0; k < e->qd; k++) {
        struct blk_slot *s = &e->slot[k];
        if (!s->busy || !s->next_piece)
            continue;
        int st = submit_piece(e, k, now);
        if (st == BLK_AGAIN)
            continue;
        s->next_piece = 0;
        if (st != 0)
            release(e, k, st);
        else
            sent = 1;
    }
    return sent;
}

/* A transfer (or piece) older than the bound: 1. */
static int expired(const struct blk_engine *e, uint64_t now)
{
    for (int k = 0; k < e->qd; k++)
        if (e->slot[k].busy && !e->slot[k].next_piece && now - e->slot[k].tpiece > e->o->timeout)
            return 1;
    return 0;
}

int blk_engine_run(const struct blk_engine_ops *o, int write, int qd, const uint64_t *lba, int n,
                   size_t bytes, void *const *bufs, uint64_t *lat, int *wedged)
{
    struct blk_engine e;
    *wedged = 0;
    if (qd < 1)
        qd = 1;
    if (qd > BLK_MAX_QD)
        qd = BLK_MAX_QD;
    if (!o->block_size || (o->piece_max && (o->piece_max < o->block_size || o->piece_max % o->block_size)))
        return PLAT_IO_RANGE;
    e.o = o;
    e.write = write;
    e.qd = qd;
    e.inflight = e.rc = e.nfree = 0;
    e.bytes = bytes;
    e.lba = lba;
    e.bufs = bufs;
    e.lat = lat;
    memset(e.slot, 0, sizeof e.slot[0] * (size_t)qd);
    for (int k = qd - 1; k >= 0; k--) /* popped 0, 1, 2, ... */
        e.free_slot[e.nfree++] = k;
    int next = 0;
    uint64_t last_scan = o->now(o->ctx);
    while ((next < n && !e.rc) || e.inflight) {
        uint64_t now = o->now(o->ctx);
        int sent = next_pieces(&e, now);
        while (!e.rc && next < n && e.nfree > 0) {
            int k = e.free_slot[e.nfree - 1];
            e.slot[k] = (struct blk_slot){1, next, 0, 0, 0, now, now};
            int st = submit_piece(&e, k, now);
            if (st == BLK_AGAIN) {
                e.slot[k].busy = 0;
                break;
            }
            e.nfree--;
            e.inflight++;
            if (st != 0) {
                release(&e, k, st);
                break;
            }
            next++;
            sent = 1;
        }
        if (sent && o->kick) /* one doorbell for everything submitted in this round */
            o->kick(o->ctx);
        e.reap_now = o->now(o->ctx);
        int got = o->reap(o->ctx, &e);
        if (got < 0)
            return got; /* everything in flight was lost; the device recovered */
        /* the transfers' ages, now and then (a scan of the slots), even while others complete */
        if (e.inflight && e.reap_now - last_scan > o->timeout / 64) {
            last_scan = e.reap_now;
            if (expired(&e, e.reap_now)) {
                *wedged = 1; /* the device may still own every slot and its buffer */
                return PLAT_IO_TIMEOUT;
            }
        }
        if (!got && o->idle)
            o->idle(o->ctx);
    }
    return e.rc;
}

/* ---- depth 1 over a synchronous call: submit does the transfer, reap reports it ---- */
struct sync_ctx {
    struct plat_disk *d;
    blk_io1_fn io1;
    int status, pending;
};

static int sync_submit(void *ctx, int slot, int write, uint64_t lba, void *buf, size_t bytes, uint64_t now)
{
    struct sync_ctx *c = ctx;
    (void)slot;
    (void)now;
    int st = c->io1(c->d, write, lba, buf, bytes);
    if (st)
        return st;
    c->pending = 1;
    return 0;
}

static int sync_reap(void *ctx, struct blk_engine *e)
{
    struct sync_ctx *c = ctx;
    if (!c->pending)
        return 0;
    c->pending = 0;
    blk_engine_done(e, 0, 0);
    return 1;
}

static uint64_t sync_now(void *ctx)
{
    (void)ctx;
    return clock_ticks();
}

int blk_engine_sync(struct plat_disk *d, int write, const uint64_t *lba, int n, size_t bytes,
                    void *const *bufs, uint64_t *lat, blk_io1_fn io1)
{
    struct sync_ctx c = {d, io1, 0, 0};
    /* the call returns only when the transfer is done: no bound to enforce on top of it */
    struct blk_engine_ops o = {&c, sync_submit, NULL, sync_reap, NULL, sync_now, UINT64_MAX, 1, 0};
    int wedged;
    return blk_engine_run(&o, write, 1, lba, n, bytes, bufs, lat, &wedged);
}
