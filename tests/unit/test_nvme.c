/* test_nvme.c - the NVMe queue logic (kernel/nvme_queue.c) against a software model of a
 * controller: phase tags and wrap-around, command-id reuse, PRP lists across page boundaries,
 * transfers split above the largest command and kept in flight, errors and timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kernel/nvme_queue.h"
#include "kernel/platform.h"

#define PAGE 4096u
#define BS 512u

/* The model: consumes the SQ up to the doorbell tail, completes commands (in order, in reverse
 * order, never, or with an error for one LBA), posts CQEs with the phase tag. */
struct model {
    struct nvme_sqe sq[64];
    struct nvme_cqe cq[64];
    uint16_t depth, sq_head, sq_tail, cq_tail, cq_head_seen;
    uint8_t phase;
    int reverse, stuck;
    uint64_t fail_lba;           /* a command starting here completes with status 0x81 */
    uint64_t clock;
    int sq_bells, cq_bells;
    struct nvme_sqe held[64];
    int nheld;
    uint8_t seen[4096];          /* per block: how many times a command covered it */
    uint64_t bytes_checked;
};

static void post(struct model *m, const struct nvme_sqe *c)
{
    struct nvme_cqe *e = &m->cq[m->cq_tail];
    memset(e, 0, sizeof *e);
    e->cid = c->cid;
    e->sqhd = m->sq_head;
    uint16_t st = (c->opc != NVME_OP_FLUSH && c->cdw10 == m->fail_lba) ? 0x81 : 0;
    e->status = (uint16_t)(st << 1 | m->phase);
    if (++m->cq_tail == m->depth) {
        m->cq_tail = 0;
        m->phase ^= 1;
    }
}

/* Walk the command's PRPs as a controller would; check them against the blocks it names. */
static void check_prp(struct model *m, const struct nvme_sqe *c)
{
    if (c->opc == NVME_OP_FLUSH)
        return;
    uint64_t bytes = ((uint64_t)c->cdw12 + 1) * BS, lba = c->cdw10;
    uint64_t first = PAGE - (c->prp1 & (PAGE - 1));
    uint64_t expect = c->prp1 + (first < bytes ? first : bytes), done = first < bytes ? first : bytes;
    if (done < bytes) {
        uint64_t left = bytes - done, pages = (left + PAGE - 1) / PAGE;
        const uint64_t *list = pages == 1 ? &c->prp2 : (const uint64_t *)(uintptr_t)c->prp2;
        for (uint64_t k = 0; k < pages; k++) {
            assert_int_equal(list[k] & (PAGE - 1), 0); /* every entry after PRP1 page-aligned */
            assert_int_equal(list[k], expect);          /* and contiguous with the last */
            expect += PAGE;
        }
        if (pages > 1) /* a list never crosses its page: it would read as a chain pointer */
            assert_true((c->prp2 & (PAGE - 1)) + pages * 8 <= PAGE);
    }
    for (uint64_t b = 0; b < bytes / BS; b++)
        m->seen[lba + b]++;
    m->bytes_checked += bytes;
}

static void model_run(struct model *m)
{
    while (m->sq_head != m->sq_tail) {
        struct nvme_sqe c = m->sq[m->sq_head];
        m->sq_head = (uint16_t)((m->sq_head + 1) % m->depth);
        check_prp(m, &c);
        if (m->stuck)
            continue;
        m->held[m->nheld++] = c;
    }
    /* complete what is held: in order, or newest first */
    for (int i = 0; i < m->nheld; i++)
        post(m, &m->held[m->reverse ? m->nheld - 1 - i : i]);
    m->nheld = 0;
}

static void sq_bell(void *ctx, uint16_t qid, uint16_t tail) { struct model *m = ctx; (void)qid; m->sq_tail = tail; m->sq_bells++; }
static void cq_bell(void *ctx, uint16_t qid, uint16_t head) { struct model *m = ctx; (void)qid; m->cq_head_seen = head; m->cq_bells++; }
static uint64_t now(void *ctx) { struct model *m = ctx; return m->clock += 10; }
static int dev_addr(void *ctx, void *buf, size_t len, uint64_t *dev) { (void)ctx; (void)len; *dev = (uintptr_t)buf; return 0; }
static void idle(void *ctx) { model_run(ctx); }
static const struct nvme_io_ops ops = {sq_bell, cq_bell, now, dev_addr, idle};

static struct nvme_queue q;
static uint64_t prp_lists[64][PAGE / 8] __attribute__((aligned(4096)));

static struct model *setup(uint16_t depth, uint32_t max_chunk, struct nvme_io *io)
{
    struct model *m = calloc(1, sizeof *m);
    m->depth = depth;
    m->phase = 1;
    m->fail_lba = UINT64_MAX;
    nvmeq_init(&q, 1, m->sq, m->cq, depth);
    memset(io, 0, sizeof *io);
    io->q = &q;
    io->ops = &ops;
    io->ctx = m;
    io->nsid = 1;
    io->block_size = BS;
    io->page = PAGE;
    io->max_chunk = max_chunk;
    io->prp = &prp_lists[0][0];
    io->prp_dev = (uintptr_t)io->prp;
    io->prp_cap = PAGE / 8;
    io->timeout = 100000;
    return m;
}

static void prp_rules(void **state)
{
    (void)state;
    static uint64_t list[PAGE / 8];
    uint64_t p1, p2;
    assert_int_equal(nvme_prp(0x10000, 4096, PAGE, list, 0x9000, 512, &p1, &p2), 0);
    assert_true(p1 == 0x10000 && p2 == 0);                    /* one page */
    assert_int_equal(nvme_prp(0x10200, 4096, PAGE, list, 0x9000, 512, &p1, &p2), 0);
    assert_true(p1 == 0x10200 && p2 == 0x11000);               /* crosses one boundary */
    assert_int_equal(nvme_prp(0x10200, 3 * 4096, PAGE, list, 0x9000, 512, &p1, &p2), 3);
    assert_true(p2 == 0x9000 && list[0] == 0x11000 && list[2] == 0x13000); /* PRP list */
    assert_int_equal(nvme_prp(0x10000, 8192 + 4096, PAGE, list, 0x9000, 512, &p1, &p2), 2);
    assert_int_equal(nvme_prp(0x10002, 512, PAGE, list, 0x9000, 512, &p1, &p2), -1); /* dword */
    assert_int_equal(nvme_prp(0x10000, 600u * 4096, PAGE, list, 0x9000, 512, &p1, &p2), -1); /* cap */
}

static void phase_and_wrap(void **state)
{
    (void)state;
    struct nvme_io io;
    struct model *m = setup(4, 4096, &io);
    struct nvme_sqe c;
    memset(&c, 0, sizeof c);
    c.opc = NVME_OP_FLUSH;
    for (int i = 0; i < 10; i++) { /* 10 commands through a 4-entry ring: 2 wraps */
        assert_int_equal(nvme_io_cmd(&io, &c, NULL), 0);
        assert_int_equal(q.sq_tail, (i + 1) % 4);
        assert_int_equal(q.cq_head, (i + 1) % 4);
        assert_int_equal(q.phase, ((i + 1) / 4) % 2 ? 0 : 1); /* flips at each wrap */
        assert_int_equal(m->cq_head_seen, q.cq_head);
    }
    assert_int_equal(q.outstanding, 0);
    /* a stale entry (old phase) is not taken for a new completion */
    struct nvme_cqe e;
    assert_int_equal(nvmeq_reap(&q, &e, NULL), 0);
    free(m);
}

static void cid_reuse_and_room(void **state)
{
    (void)state;
    struct nvme_io io;
    struct model *m = setup(8, 4096, &io);
    struct nvme_sqe c;
    memset(&c, 0, sizeof c);
    int ids[8], n = 0;
    while (nvmeq_room(&q) > 0) /* depth - 1 commands fit: full never looks empty */
        ids[n++] = nvmeq_push(&q, &c, 0, 0);
    assert_int_equal(n, 7);
    assert_int_equal(nvmeq_push(&q, &c, 0, 0), -1);
    for (int i = 0; i < n; i++)
        for (int k = i + 1; k < n; k++)
            assert_int_not_equal(ids[i], ids[k]); /* no id twice in flight */
    sq_bell(m, 1, q.sq_tail);
    model_run(m);
    struct nvme_cqe e;
    int got = 0;
    while (nvmeq_reap(&q, &e, NULL) > 0)
        got++;
    assert_int_equal(got, 7);
    assert_int_equal(q.nfree, 8); /* every id back */
    /* a completion for an id not in flight is refused */
    m->cq[q.cq_head].cid = 3;
    m->cq[q.cq_head].status = q.phase;
    assert_int_equal(nvmeq_reap(&q, &e, NULL), -1);
    assert_int_equal(q.nfree, 8);
    free(m);
}

static void batch_splits_in_flight(void **state)
{
    (void)state;
    struct nvme_io io;
    struct model *m = setup(32, 8192, &io); /* 8 KiB per command: a 20 KiB transfer = 3 commands */
    m->reverse = 1;                          /* completions out of order */
    static uint8_t buf[4][20480 + 512] __attribute__((aligned(4096)));
    void *bufs[40]; /* transfer i uses bufs[i]: four buffers round-robin, unaligned start */
    uint64_t lba[40], lat[40];
    for (int i = 0; i < 40; i++) {
        bufs[i] = buf[i % 4] + 512;
        lba[i] = (uint64_t)i * 40;
        lat[i] = 0;
    }
    assert_int_equal(nvme_io_max_qd(&io, 20480), 10);
    assert_int_equal(nvme_io_batch(&io, 0, 4, lba, 40, 20480, bufs, lat), 0);
    for (int i = 0; i < 40; i++) {
        assert_true(lat[i] > 0);
        for (int b = 0; b < 40; b++)
            assert_int_equal(m->seen[lba[i] + b], 1); /* every block exactly once */
    }
    assert_int_equal(m->bytes_checked, 40u * 20480);
    assert_true(m->sq_bells < 40 * 3); /* batched: fewer doorbells than commands */
    assert_int_equal(q.outstanding, 0);
    assert_int_equal(nvme_io_batch(&io, 0, 11, lba, 4, 20480, bufs, lat), PLAT_IO_RANGE);
    free(m);
}

static void batch_error_and_timeout(void **state)
{
    (void)state;
    struct nvme_io io;
    struct model *m = setup(16, 4096, &io);
    static uint8_t buf[4][4096] __attribute__((aligned(4096)));
    void *bufs[20];
    uint64_t lba[20];
    for (int i = 0; i < 20; i++) {
        lba[i] = (uint64_t)i * 8;
        bufs[i] = buf[i % 4];
    }
    m->fail_lba = 48;
    assert_int_equal(nvme_io_batch(&io, 1, 4, lba, 20, 4096, bufs, NULL), PLAT_IO_ERROR);
    assert_int_equal(io.last_status, 0x81);
    assert_int_equal(q.outstanding, 0); /* what was in flight was collected */
    free(m);

    m = setup(16, 4096, &io);
    m->stuck = 1;
    assert_int_equal(nvme_io_batch(&io, 0, 4, lba, 20, 4096, bufs, NULL), PLAT_IO_TIMEOUT);
    assert_true(m->clock >= io.timeout); /* it waited the bound, then gave up */
    assert_true(m->clock < 4 * io.timeout);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prp_rules),
        cmocka_unit_test(phase_and_wrap),
        cmocka_unit_test(cid_reuse_and_room),
        cmocka_unit_test(batch_splits_in_flight),
        cmocka_unit_test(batch_error_and_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
