/* test_block_queue.c - the queued-transfer loop against a fake Block IO 2 device: transfers
 * complete after a few polls, a token that never completes (bounded, disk wedged), a transfer
 * above the cap sent as pieces with the right blocks and buffer offsets, a failing submit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/block_queue.h"
#include "kernel/platform.h"

#define BS 512
static uint64_t tsc;
static uint64_t ticks(void) { return tsc += 10; }

static struct {
    int polls_needed;      /* polls until a transfer completes */
    int never_slot;        /* this slot's transfers never complete (-1 none) */
    int fail_submit_at;    /* the N-th submit fails (-1 never) */
    int left[8];           /* polls left per slot */
    int submits;
    uint64_t lba[64];
    size_t bytes[64];
    uintptr_t buf[64];
} fk;

static int submit(void *ctx, int slot, int write, uint64_t lba, void *buf, size_t bytes)
{
    (void)ctx; (void)write;
    if (fk.submits == fk.fail_submit_at) {
        fk.submits++;
        return PLAT_IO_ERROR;
    }
    if (fk.submits < 64) {
        fk.lba[fk.submits] = lba;
        fk.bytes[fk.submits] = bytes;
        fk.buf[fk.submits] = (uintptr_t)buf;
    }
    fk.submits++;
    fk.left[slot] = fk.polls_needed;
    return PLAT_IO_OK;
}

static int poll(void *ctx, int slot, int *status)
{
    (void)ctx;
    if (slot == fk.never_slot || fk.left[slot]-- > 0)
        return 0;
    *status = PLAT_IO_OK;
    return 1;
}

static struct bq_ops ops = {NULL, submit, poll, ticks, 100000, BS, 4u << 20};
static char b0[16], b1[16], b2[16], b3[16];
/* one buffer per transfer (reads may repeat one) */
static void *bufs[10] = {b0, b1, b2, b3, b0, b1, b2, b3, b0, b1};

static void reset(void)
{
    memset(&fk, 0, sizeof fk);
    fk.polls_needed = 3;
    fk.never_slot = -1;
    fk.fail_submit_at = -1;
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
    assert_int_equal(bq_run(&ops, 0, 4, lba, 10, 4096, bufs, lat, &wedged), PLAT_IO_OK);
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
    assert_int_equal(bq_run(&ops, 0, 4, lba, 10, 4096, bufs, NULL, &wedged), PLAT_IO_TIMEOUT);
    assert_int_equal(wedged, 1);
    assert_true(tsc < 10 * ops.timeout_ticks); /* bounded */
}

static void split_above_cap(void **s)
{
    (void)s;
    reset();
    uint64_t lba[2] = {1000, 5000000};
    size_t bytes = 10u << 20; /* 10 MiB with a 4 MiB cap: 4 + 4 + 2 */
    int wedged;
    uint64_t lat[2];
    assert_int_equal(bq_run(&ops, 0, 2, lba, 2, bytes, bufs, lat, &wedged), PLAT_IO_OK);
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
    assert_int_equal(bq_run(&ops, 1, 4, lba, 10, 4096, bufs, NULL, &wedged), PLAT_IO_ERROR);
    assert_int_equal(wedged, 0);
    assert_int_equal(fk.submits, 6); /* nothing submitted after the failure */
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(all_complete), cmocka_unit_test(token_never_completes),
        cmocka_unit_test(split_above_cap), cmocka_unit_test(failing_submit_drains_then_reports),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
