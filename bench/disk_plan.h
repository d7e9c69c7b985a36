/* disk_plan.h - where each transfer of a sweep point goes.  The usable area (past the marker)
 * is cut into transfer-sized slots; the warm-up and every repetition of a point take slots no
 * earlier pass of that point took: sequential runs of consecutive slots, or random slots from a
 * permutation of the whole area.  A point never reads the same bytes twice. */
#ifndef BB_DISK_PLAN_H
#define BB_DISK_PLAN_H

#include <stdint.h>

enum { DISK_PLAN_OK = 0, DISK_PLAN_NO_FIT = -1, DISK_PLAN_TOO_SMALL = -2 };

struct disk_plan {
    uint64_t lo, hi;    /* usable bytes [lo, hi) of the target */
    uint64_t xfer;      /* bytes per transfer */
    uint64_t slots;     /* transfers that fit in [lo, hi) */
    uint64_t warm;      /* transfers of the warm-up (slots [0, warm) of the point) */
    uint64_t count;     /* transfers per repetition: at most the budget's, shrunk to fit */
    int reps;           /* repetitions planned after the warm-up */
    int shrunk;         /* count is below the budget's so that passes do not overlap */
    uint64_t shift;     /* sequential: where slot 0 lies, moved per point and run */
    uint64_t seed;      /* random: the permutation */
    int bits;           /* random: the permutation's domain is [0, 2^bits) */
    int random;
};

/** Plan a point: target of dev_bytes with the first `protect` bytes off limits, transfers of
 *  xfer bytes (a multiple of block_size), a warm-up of `warm` transfers and `reps`
 *  repetitions of about `budget` bytes each (at least one transfer), all on distinct slots.
 *  When they do not all fit, the per-repetition count (then the warm-up) shrinks.  `salt`
 *  moves the regions between points and runs.  Returns DISK_PLAN_OK, DISK_PLAN_NO_FIT (a
 *  transfer does not fit the usable area or is misaligned) or DISK_PLAN_TOO_SMALL (fewer slots
 *  than warm-up + reps: every pass would re-read what an earlier one read). */
int disk_plan_point(struct disk_plan *p, uint64_t dev_bytes, uint64_t protect, uint32_t block_size,
                    uint64_t xfer, uint64_t budget, int random, int reps, uint64_t warm,
                    uint64_t salt);

/** Use n (1..count) transfers per repetition from now on (sized by the warm-up). */
void disk_plan_set_count(struct disk_plan *p, uint64_t n);

/** Byte offset of transfer i of pass `pass` (0 = warm-up, 1..reps = repetitions), aligned to
 *  the transfer inside [lo, hi - xfer]; distinct for every (pass, i) of the point. */
uint64_t disk_plan_offset(const struct disk_plan *p, int pass, uint64_t i);

#endif
