/* block_queue.h - the queued-transfer loop of a block layer (UEFI Block IO 2), portable: keeps
 * up to qd transfers in flight through small function pointers, splits transfers above a cap,
 * and gives up on a transfer that does not complete in time (the disk is then wedged). */
#ifndef BB_BLOCK_QUEUE_H
#define BB_BLOCK_QUEUE_H

#include <stddef.h>
#include <stdint.h>

struct bq_ops {
    void *ctx;
    /* start one transfer on queue slot `slot` (0..qd-1); returns a PLAT_IO_* status */
    int (*submit)(void *ctx, int slot, int write, uint64_t lba, void *buf, size_t bytes);
    /* 1 when the slot's transfer completed (its PLAT_IO_* status in *status), 0 while pending */
    int (*poll)(void *ctx, int slot, int *status);
    uint64_t (*ticks)(void);   /* TSC */
    uint64_t timeout_ticks;    /* one transfer may take this long (BB_DISK_IO_TIMEOUT_S) */
    uint32_t block_size;
    size_t xfer_max;           /* larger transfers go as consecutive pieces of this size */
};

/** Run n transfers of `bytes` at blocks lba[0..n-1], up to qd in flight, transfer i using
 *  bufs[i] (n entries); lat[i] (if not NULL) gets transfer i's latency in TSC ticks (all its pieces).
 *  Stops submitting at the first failure and returns its status once the others completed.
 *  When a transfer times out, returns PLAT_IO_TIMEOUT at once with *wedged = 1: the driver may
 *  still own every slot and buffer, which the caller must then never reuse or free. */
int bq_run(const struct bq_ops *o, int write, int qd, const uint64_t *lba, int n, size_t bytes,
           void *const *bufs, uint64_t *lat, int *wedged);

#endif
