/* block_sync.h - the queue-depth-1 transfer loop both hosts' block layers share: one transfer
 * after the other through the host's own single-transfer call, timing each. */
#ifndef BB_BLOCK_SYNC_H
#define BB_BLOCK_SYNC_H

#include <stddef.h>
#include <stdint.h>

struct plat_disk;

/** One transfer of `bytes` at block `lba` (the host's pread/ReadBlocks...); 0 or PLAT_IO_*. */
typedef int (*block_io1_fn)(struct plat_disk *d, int write, uint64_t lba, void *buf, size_t bytes);

/** Run n transfers at lba[0..n-1] with bufs[0..n-1], in order; lat (may be NULL) gets each one's TSC
 *  ticks.  Stops at the first failure and returns its status. */
int block_sync_batch(struct plat_disk *d, int write, const uint64_t *lba, int n, size_t bytes,
                     void *const *bufs, uint64_t *lat, block_io1_fn io1);

#endif
