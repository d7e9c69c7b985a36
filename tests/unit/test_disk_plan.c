/* test_disk_plan.c - the disk sweep's region planner: every transfer of a point (warm-up and
 * all repetitions) on bytes no other transfer of the point touched, on small and large
 * targets, sequential and random; shrinking and refusing when the target is too small. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "bench/disk_plan.h"

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Plan a point, size the repetitions to `count` (0 = as planned), and check that the warm-up
 * and all reps stay inside [lo, hi), past the protected bytes, aligned, and never overlap. */
static void no_overlap(uint64_t dev, uint64_t xfer, uint64_t budget, int random, int reps,
                       uint64_t warm, uint64_t count, uint64_t salt)
{
    struct disk_plan p;
    assert_int_equal(disk_plan_point(&p, dev, 4096, 512, xfer, budget, random, reps, warm, salt),
                     DISK_PLAN_OK);
    if (count)
        disk_plan_set_count(&p, count);
    assert_true(p.warm >= 1 && p.count >= 1);
    uint64_t n = p.warm + (uint64_t)reps * p.count, k = 0;
    assert_true(n <= p.slots);
    uint64_t *off = malloc(n * sizeof *off);
    for (uint64_t i = 0; i < p.warm; i++)
        off[k++] = disk_plan_offset(&p, 0, i);
    for (int r = 1; r <= reps; r++)
        for (uint64_t i = 0; i < p.count; i++)
            off[k++] = disk_plan_offset(&p, r, i);
    for (uint64_t i = 0; i < n; i++) {
        assert_true(off[i] >= 4096 && off[i] >= p.lo && off[i] + xfer <= dev);
        assert_true((off[i] - p.lo) % xfer == 0);
    }
    qsort(off, n, sizeof *off, cmp_u64);
    for (uint64_t i = 1; i < n; i++)
        assert_true(off[i] >= off[i - 1] + xfer); /* disjoint byte ranges */
    free(off);
}

static void large_target_no_overlap(void **s)
{
    uint64_t dev = 8ull << 30; /* 8 GiB: the budget fits, nothing shrinks */
    struct disk_plan p;
    assert_int_equal(disk_plan_point(&p, dev, 4096, 512, 1u << 20, 256u << 20, 0, 5, 2, 1), 0);
    assert_true(p.count == 256 && !p.shrunk && p.warm == 2);
    for (int random = 0; random < 2; random++) {
        no_overlap(dev, 1u << 20, 256u << 20, random, 5, 2, 0, 11);
        no_overlap(dev, 4096, 64u << 20, random, 10, 512, 0, 12);
        no_overlap(dev, 64u << 20, 1u << 30, random, 3, 2, 0, 13);
    }
}

static void small_target_shrinks(void **s)
{
    /* the case: a 128 MiB scratch, the standard budget (256 MiB), 1 MiB blocks: the
     * old planner read the same region in every repetition and the warm-up */
    uint64_t dev = 128u << 20;
    struct disk_plan p;
    assert_int_equal(disk_plan_point(&p, dev, 4096, 512, 1u << 20, 256u << 20, 0, 5, 2, 7), 0);
    assert_true(p.shrunk);
    assert_true(p.count == (p.slots - p.warm) / 5 && p.count < 256);
    for (int random = 0; random < 2; random++)
        for (uint64_t salt = 0; salt < 50; salt++) {
            no_overlap(dev, 1u << 20, 256u << 20, random, 5, 2, 0, salt);
            no_overlap(dev, 4096, 256u << 20, random, 5, 64, 0, salt);
            no_overlap(dev, 16u << 20, 256u << 20, random, 3, 2, 0, salt);
            no_overlap(dev, 4096, 256u << 20, random, 5, 64, 3, salt); /* sized by warm-up */
        }
    /* a tiny target (3 slots past the marker, aligned to 64K): one transfer per pass */
    assert_int_equal(disk_plan_point(&p, 4 * 65536, 4096, 512, 65536, 1u << 20, 0, 2, 16, 0), 0);
    assert_true(p.warm == 1 && p.count == 1 && p.shrunk);
    no_overlap(4 * 65536, 65536, 1u << 20, 1, 2, 16, 0, 5);
}

static void too_small_is_refused(void **s)
{
    struct disk_plan p;
    /* 64 MiB, 16 MiB blocks: 3 slots past the marker: fine for 2 reps, not for 3 */
    assert_int_equal(disk_plan_point(&p, 64u << 20, 4096, 512, 16u << 20, 1u << 30, 0, 2, 2, 0), 0);
    assert_int_equal(disk_plan_point(&p, 64u << 20, 4096, 512, 16u << 20, 1u << 30, 0, 3, 2, 0),
                     DISK_PLAN_TOO_SMALL);
    /* transfers that cannot fit, or are not whole blocks, are refused */
    assert_int_equal(disk_plan_point(&p, 64u << 20, 4096, 512, 64u << 20, 1u << 30, 0, 1, 1, 0),
                     DISK_PLAN_NO_FIT);
    assert_int_equal(disk_plan_point(&p, 64u << 20, 4096, 4096, 512, 1u << 20, 0, 1, 1, 0),
                     DISK_PLAN_NO_FIT);
    assert_int_equal(disk_plan_point(&p, 4096, 4096, 512, 512, 4096, 0, 1, 1, 0), DISK_PLAN_NO_FIT);
    assert_int_equal(disk_plan_point(&p, 64u << 20, 4096, 0, 4096, 4096, 0, 1, 1, 0), DISK_PLAN_NO_FIT);
}

static void sequential_runs_and_spread(void **s)
{
    struct disk_plan p;
    uint64_t dev = 1ull << 30;
    /* sequential: consecutive transfers (one wrap at the end of the area at most) */
    assert_int_equal(disk_plan_point(&p, dev, 4096, 512, 1u << 20, 8u << 20, 0, 4, 2, 3), 0);
    int jumps = 0;
    for (int r = 1; r <= 4; r++)
        for (uint64_t i = 1; i < p.count; i++)
            jumps += disk_plan_offset(&p, r, i) != disk_plan_offset(&p, r, i - 1) + (1u << 20);
    assert_true(jumps <= 1);
    /* another salt (point or run) starts elsewhere */
    struct disk_plan q;
    disk_plan_point(&q, dev, 4096, 512, 1u << 20, 8u << 20, 0, 4, 2, 4);
    assert_true(disk_plan_offset(&p, 1, 0) != disk_plan_offset(&q, 1, 0));
    /* random: spread over the whole area */
    assert_int_equal(disk_plan_point(&p, dev, 4096, 512, 4096, 4u << 20, 1, 4, 16, 9), 0);
    int low = 0, high = 0;
    for (uint64_t i = 0; i < p.count; i++) {
        uint64_t o = disk_plan_offset(&p, 1, i);
        low |= o < dev / 4;
        high |= o > dev / 4 * 3;
    }
    assert_true(low && high);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(large_target_no_overlap),
        cmocka_unit_test(small_target_shrinks),
        cmocka_unit_test(too_small_is_refused),
        cmocka_unit_test(sequential_runs_and_spread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
