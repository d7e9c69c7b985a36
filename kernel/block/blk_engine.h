/* blk_engine.h - the one queue-depth loop of every block path: the firmware's Block IO (one
 * transfer at a time) and Block IO 2, and each of barebench's own drivers (drivers/).  It keeps
 * up to qd transfers in flight in slots (a free list), submits into free slots and rings the
 * device once per round, reaps what completed, records each transfer's latency, stops
 * submitting at the first failure and collects the rest, and gives up on a transfer that does
 * not complete within its bound (TSC ticks): the device may then still own every slot's
 * buffer, which the caller must never reuse.  Portable: hosts and drivers pass small calls. */
#ifndef BB_BLK_ENGINE_H
#define BB_BLK_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#define BLK_MAX_QD 256      /* transfers in flight at most (the disk suite's deepest queue) */
#define BLK_AGAIN 1         /* submit: no room on the device now; retried after a reap */

struct blk_engine;

struct blk_engine_ops {
    void *ctx;
    /** Start transfer (or piece) on slot `slot` (0..qd-1): 0, BLK_AGAIN, or a PLAT_IO_* failure
     *  (nothing of it reached the device).  `now` is the round's time. */
    int (*submit)(void *ctx, int slot, int write, uint64_t lba, void *buf, size_t bytes, uint64_t now);
    /** Make this round's submissions visible to the device (a doorbell); NULL if not needed. */
    void (*kick)(void *ctx);
    /** Report finished transfers with blk_engine_done(e, slot, status); return how many
     *  completions were consumed (0: none), or a negative PLAT_IO_* when everything in flight
     *  was lost at once and the device recovered (the loop returns it: nothing is wedged). */
    int (*reap)(void *ctx, struct blk_engine *e);
    /** A pause while nothing completed (a model lets its device run). */
    void (*idle)(void *ctx);
    uint64_t (*now)(void *ctx);  /* TSC ticks */
    uint64_t timeout;            /* ticks one transfer (or piece) may take */
    uint32_t block_size;
    size_t piece_max;            /* 0: whole transfers; else sent as consecutive pieces */
};

/* The loop's state (blk_engine_run keeps it on its stack; reap sees it only through done). */
struct blk_slot {
    int busy, idx, next_piece;
    size_t done, piece;          /* bytes of the transfer completed / of the piece in flight */
    uint64_t t0, tpiece;         /* start of the transfer / of the piece in flight */
};
struct blk_engine {
    const struct blk_engine_ops *o;
    int write, qd, inflight, rc, nfree;
    size_t bytes;
    const uint64_t *lba;
    void *const *bufs;
    uint64_t *lat;
    uint64_t reap_now;
    struct blk_slot slot[BLK_MAX_QD];
    int free_slot[BLK_MAX_QD];
};

/** From reap: the transfer (or piece) on `slot` finished with PLAT_IO_* `status`. */
void blk_engine_done(struct blk_engine *e, int slot, int status);

/** Run n transfers of `bytes` at blocks lba[0..n-1], up to qd (1..BLK_MAX_QD) in flight,
 *  transfer i in bufs[i]; lat[i] (may be NULL) gets transfer i's ticks.  Returns 0 or the
 *  first failure's PLAT_IO_* status once the others completed; PLAT_IO_TIMEOUT at once with
 *  *wedged = 1 when a transfer outlived o->timeout. */
int blk_engine_run(const struct blk_engine_ops *o, int write, int qd, const uint64_t *lba, int n,
                   size_t bytes, void *const *bufs, uint64_t *lat, int *wedged);

struct plat_disk;
/** One transfer of `bytes` at block `lba` through the host's synchronous call (pread,
 *  ReadBlocks...): 0 or PLAT_IO_*. */
typedef int (*blk_io1_fn)(struct plat_disk *d, int write, uint64_t lba, void *buf, size_t bytes);
/** The engine at depth 1 over a synchronous call (both hosts' Block IO paths): n transfers in
 *  order, each timed; stops at the first failure and returns its status. */
int blk_engine_sync(struct plat_disk *d, int write, const uint64_t *lba, int n, size_t bytes,
                    void *const *bufs, uint64_t *lat, blk_io1_fn io1);

#endif
