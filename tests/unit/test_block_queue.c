/* test_block_queue.c - the block engine (kernel/block/blk_engine.c), the one queue-depth loop of
 * every block path, against a fake device: transfers complete after a few polls, depth 1..32
 * kept full, a transfer that never completes (bounded, wedged, its slot and buffer never used
 * again), a transfer above the cap sent as pieces with the right blocks and buffer offsets, a
 * failing submit, a failed completion (the rest collected), a device with no room (retried), a
 * device that loses everything at once, and the synchronous depth-1 path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/block/blk_engine.h"
#include "kernel/platform.h"

#define BS 512
static uint64_t tsc;
static uint64_t ticks(void *ctx) { (void)ctx; return tsc += 10; }

static struct {
    int polls_needed;      /* polls until a transfer completes */
    int never_slot;        /* this slot's transfers never complete (-1 none) */
    int fail_submit_at;    /* the N-th submit fails (-1 never) */
    int left[BLK_MAX_QD];  /* polls left per slot, -1 when idle */
    int slot_submits[BLK_MAX_QD];
    int fail_complete_at;  /* the N-th submit completes with an error (-1 never) */
    int status[BLK_MAX_QD];
    int room;              /* transfers the device takes at once (0: unlimited) */
    int inflight, max_inflight, kicks, lose_all_after;
    int submits;
    uint64_t lba[64];
    size_t bytes[64];
    uintptr_t buf[64];
} fk;

static int submit(void *ctx, int slot, int write, uint64_t lba, void *buf, size_t bytes, uint64_t now)
{
    (void)ctx; (void)write; (void)now;
    if (fk.room && fk.inflight >= fk.room)
        return BLK_AGAIN;
    assert_true(fk.left[slot] < 0 || fk.left[slot] == 0x7fff); /* never a slot still in flight */
    if (fk.submits == fk.fail_submit_at) {
        fk.submits++;
        return PLAT_IO_ERROR;
    }
    if (fk.submits < 64) {
        fk.lba[fk.submits] = lba;
        fk.bytes[fk.submits] = bytes;
        fk.buf[fk.submits] = (uintptr_t)buf;
    }
    fk.status[slot] = fk.submits == fk.fail_complete_at ? PLAT_IO_ERROR : PLAT_IO_OK;
    fk.submits++;
    fk.slot_submits[slot]++;
    fk.left[slot] = fk.polls_needed;
    if (++fk.inflight > fk.max_inflight)
        fk.max_inflight = fk.inflight;
    return PLAT_IO_OK;
}

static void kick(void *ctx) { (void)ctx; fk.kicks++; }

static int reap(void *ctx, struct blk_engine *e)
{
    (void)ctx;
    int got = 0;
    if (fk.lose_all_after && fk.submits >= fk.lose_all_after)
        return PLAT_IO_ERROR; /* the device lost everything and recovered */
    for (int k = 0; k < BLK_MAX_QD; k++) {
        if (fk.left[k] < 0 || k == fk.never_slot || fk.left[k]-- > 0)
            continue;
        fk.left[k] = -1;
        fk.inflight--;
        blk_engine_done(e, k, fk.status[k]);
        got++;
    }
    return got;
}

static struct blk_engine_ops ops = {NULL, submit, kick, reap, NULL, ticks, 100000, BS, 4u << 20};
static char b0[16], b1[16], b2[16], b3[16];
/* one buffer per transfer (reads may repeat one) */
static void *bufs[10] = {b0, b1, b2, b3, b0, b1, b2, b3, b0, b1};

static void reset(void)
{
    memset(&fk, 0, sizeof fk);
    fk.polls_needed = 3;
    fk.never_slot = -1;
    fk.fail_submit_at = -1;
    fk.fail_complete_at = -1;
    for (int k = 0; k < BLK_MAX_QD; k++)
        fk.left[k] = -1;
    tsc = 0;
}

static void all_complete(void **s)
{
    (void)s;
    reset();
    uint64_t lba[10], lat[10];
    for (int i = 0; i < 10; i++)
        lba[i] = (uint64_t)i * 8;
    int wedged = 1;
    assert_int_equal(blk_engine_run(&ops, 0, 4, lba, 10, 4096, bufs, lat, &wedged), PLAT_IO_OK);
    assert_int_equal(wedged, 0);
    assert_int_equal(fk.submits, 10);
    for (int i = 0; i < 10; i++)
        assert_true(lat[i] > 0);
}

static void token_never_completes(void **s)
{
    (void)s;
    reset();
    fk.never_slot = 2;
    uint64_t lba[10] = {0};
    int wedged = 0;
    assert_int_equal(blk_engine_run(&ops, 0, 4, lba, 10, 4096, bufs, NULL, &wedged), PLAT_IO_TIMEOUT);
    assert_int_equal(wedged, 1);
    assert_true(tsc >= ops.timeout);          /* it waited the bound... */
    assert_true(tsc < 3 * ops.timeout);       /* ...and not much longer */
    assert_int_equal(fk.slot_submits[2], 1);  /* the hung slot (and its buffer) never reused */
}

static void split_above_cap(void **s)
{
    (void)s;
    reset();
    uint64_t lba[2] = {1000, 5000000};
    size_t bytes = 10u << 20; /* 10 MiB with a 4 MiB cap: 4 + 4 + 2 */
    int wedged;
    uint64_t lat[2];
    assert_int_equal(blk_engine_run(&ops, 0, 2, lba, 2, bytes, bufs, lat, &wedged), PLAT_IO_OK);
    assert_int_equal(fk.submits, 6);
    size_t sum[2] = {0, 0};
    for (int i = 0; i < 6; i++) {
        int t = fk.lba[i] >= 5000000;
        uintptr_t base = (uintptr_t)bufs[t];
        assert_true(fk.bytes[i] <= (4u << 20));
        /* each piece: its block and its buffer offset agree */
        assert_int_equal((fk.lba[i] - lba[t]) * BS, fk.buf[i] - base);
        sum[t] += fk.bytes[i];
    }
    assert_int_equal(sum[0], bytes);
    assert_int_equal(sum[1], bytes);
}

static void failing_submit_drains_then_reports(void **s)
{
    (void)s;
    reset();
    fk.fail_submit_at = 5;
    uint64_t lba[10] = {0};
    int wedged;
    assert_int_equal(blk_engine_run(&ops, 1, 4, lba, 10, 4096, bufs, NULL, &wedged), PLAT_IO_ERROR);
    assert_int_equal(wedged, 0);
    assert_int_equal(fk.submits, 6); /* nothing submitted after the failure */
}

static void depth_1_to_32_kept_full(void **s)
{
    (void)s;
    static char buf[64][16];
    void *b[64];
    uint64_t lba[64], lat[64];
    for (int i = 0; i < 64; i++) {
        b[i] = buf[i];
        lba[i] = (uint64_t)i * 8;
    }
    for (int qd = 1; qd <= 32; qd++) {
        reset();
        int wedged = 1;
        memset(lat, 0, sizeof lat);
        assert_int_equal(blk_engine_run(&ops, 0, qd, lba, 64, 4096, b, lat, &wedged), PLAT_IO_OK);
        assert_int_equal(wedged, 0);
        assert_int_equal(fk.submits, 64);
        assert_int_equal(fk.max_inflight, qd); /* the queue was kept at its depth */
        assert_int_equal(fk.inflight, 0);
        assert_true(fk.kicks < 64 || qd == 1); /* one kick per round, not per transfer */
        for (int i = 0; i < 64; i++)
            assert_true(lat[i] > 0);
    }
}

static void failed_completion_collects_the_rest(void **s)
{
    (void)s;
    reset();
    fk.fail_complete_at = 3;
    uint64_t lba[10] = {0};
    int wedged;
    assert_int_equal(blk_engine_run(&ops, 0, 4, lba, 10, 4096, bufs, NULL, &wedged), PLAT_IO_ERROR);
    assert_int_equal(wedged, 0);
    assert_int_equal(fk.inflight, 0);  /* what was in flight was collected */
    assert_true(fk.submits < 10);      /* nothing new after the failure was seen */
}

static void no_room_is_retried(void **s)
{
    (void)s;
    reset();
    fk.room = 3; /* the device takes three at once although the queue is eight deep */
    uint64_t lba[20] = {0};
    int wedged;
    assert_int_equal(blk_engine_run(&ops, 0, 8, lba, 20, 4096, bufs, NULL, &wedged), PLAT_IO_OK);
    assert_int_equal(fk.submits, 20);
    assert_int_equal(fk.max_inflight, 3);
}

static void device_loses_everything(void **s)
{
    (void)s;
    reset();
    fk.lose_all_after = 4;
    uint64_t lba[10] = {0};
    int wedged = 1;
    assert_int_equal(blk_engine_run(&ops, 0, 4, lba, 10, 4096, bufs, NULL, &wedged), PLAT_IO_ERROR);
    assert_int_equal(wedged, 0); /* recovered by the device: nothing left to abandon */
}

static int io1_calls, io1_fail_at;
static int io1(struct plat_disk *d, int write, uint64_t lba, void *buf, size_t bytes)
{
    (void)d; (void)write; (void)buf; (void)bytes;
    assert_int_equal(lba, (uint64_t)io1_calls * 8); /* in order */
    return io1_calls++ == io1_fail_at ? PLAT_IO_ERROR : PLAT_IO_OK;
}

static void sync_depth_one(void **s)
{
    (void)s;
    uint64_t lba[10], lat[10];
    for (int i = 0; i < 10; i++)
        lba[i] = (uint64_t)i * 8;
    io1_calls = 0;
    io1_fail_at = -1;
    assert_int_equal(blk_engine_sync(NULL, 0, lba, 10, 4096, bufs, lat, io1), PLAT_IO_OK);
    assert_int_equal(io1_calls, 10);
    io1_calls = 0;
    io1_fail_at = 4;
    assert_int_equal(blk_engine_sync(NULL, 1, lba, 10, 4096, bufs, NULL, io1), PLAT_IO_ERROR);
    assert_int_equal(io1_calls, 5); /* stops at the first failure */
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(all_complete), cmocka_unit_test(token_never_completes),
        cmocka_unit_test(split_above_cap), cmocka_unit_test(failing_submit_drains_then_reports),
        cmocka_unit_test(depth_1_to_32_kept_full), cmocka_unit_test(failed_completion_collects_the_rest),
        cmocka_unit_test(no_room_is_retried), cmocka_unit_test(device_loses_everything),
        cmocka_unit_test(sync_depth_one),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
