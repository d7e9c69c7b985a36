/* disk_plan.h - where each transfer of a sweep point goes: sequential runs that start in a
 * different region every repetition, or random aligned offsets; never in the marker area. */
#ifndef BB_DISK_PLAN_H
#define BB_DISK_PLAN_H

#include <stdint.h>

struct disk_plan {
    uint64_t lo, hi;    /* usable bytes [lo, hi) of the target */
    uint64_t xfer;      /* bytes per transfer */
    uint64_t count;     /* transfers in one repetition */
    uint64_t start;     /* sequential: offset of the first transfer */
    uint64_t slots;     /* random: aligned positions to choose from */
    uint64_t seed;
    int random;
};

/** Plan repetition `rep` of a point: target of dev_bytes with the first `protect` bytes off
 *  limits, transfers of xfer bytes (a multiple of block_size), about `budget` bytes in all
 *  (at least one transfer, at most max_count if non-zero).  `salt` moves the regions between
 *  points.  Returns 0, or -1 when a transfer does not fit the usable area or is misaligned. */
int disk_plan_make(struct disk_plan *p, uint64_t dev_bytes, uint64_t protect, uint32_t block_size,
                   uint64_t xfer, uint64_t budget, uint64_t max_count, int random, int rep,
                   unsigned salt);

/** Byte offset of transfer i (0 <= i < count): inside [lo, hi - xfer], aligned to block size. */
uint64_t disk_plan_offset(const struct disk_plan *p, uint64_t i);

#endif
