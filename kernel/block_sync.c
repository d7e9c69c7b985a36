/* block_sync.c - the queue-depth-1 transfer loop of the block layers (see block_sync.h);
 * portable: host/block_linux.c and kernel/uefi_block.c pass their single-transfer call. */
#include "kernel/block_sync.h"
#include "kernel/clock.h"

int block_sync_batch(struct plat_disk *d, int write, const uint64_t *lba, int n, size_t bytes,
                     void *const *bufs, uint64_t *lat, block_io1_fn io1)
{
    for (int i = 0; i < n; i++) {
        uint64_t t0 = lat ? clock_ticks() : 0;
        int rc = io1(d, write, lba[i], bufs[i], bytes);
        if (rc)
            return rc;
        if (lat)
            lat[i] = clock_ticks() - t0;
    }
    return 0;
}
