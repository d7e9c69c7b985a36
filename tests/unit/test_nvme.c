/* test_nvme.c - the NVMe queue logic (drivers/nvme_queue.c) against a software model of a
 * controller: phase tags and wrap-around, command-id reuse, PRP lists across page boundaries,
 * transfers split above the largest command and kept in flight, errors and timeouts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "drivers/nvme_queue.h"
#include "kernel/platform.h"
#include "drivers/nvme.h"
#include "drivers/blk_driver.h"
#include "tests/unit/fake_pci.h"
#include "tests/unit/drv_check.h"

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
        ids[n++] = nvmeq_push(&q, &c, 0);
    assert_int_equal(n, 7);
    assert_int_equal(nvmeq_push(&q, &c, 0), -1);
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

/* ---- the whole driver against a register-level controller (CAP/CC/CSTS/AQA/ASQ/ACQ,
 * doorbells; admin Identify and Create I/O queues; Read/Write into a RAM disk) ---- */
#define CTL_BLOCKS 4096u
struct ctl {
    struct pci_host *h;
    uint8_t disk[2][CTL_BLOCKS * BS];      /* namespace 1 (512 B) and 2 (4 KiB blocks) */
    struct { uint64_t sq, cq; uint16_t depth, head, tail, cq_tail; uint8_t phase; } q[2];
    int never_ready, stuck, fail_lba_hit;
    uint64_t fail_lba;
    int commands, io_bells;
};
static struct ctl ctl;

static uint32_t nsbs(int ns) { return ns == 1 ? BS : 4096u; }

/* copy between the RAM disk and the command's PRPs (PRP2 a page or a list) */
static void ctl_data(const struct nvme_sqe *c, uint8_t *disk, uint64_t bytes, int to_host)
{
    uint64_t done = 0, addr = c->prp1;
    int k = 0;
    const uint64_t *list = NULL;
    uint64_t first = PAGE - (c->prp1 & (PAGE - 1));
    if (bytes > first && bytes - first > PAGE)
        list = (const uint64_t *)(uintptr_t)c->prp2;
    while (done < bytes) {
        uint64_t len = done == 0 ? first : PAGE;
        if (len > bytes - done)
            len = bytes - done;
        if (to_host)
            memcpy((void *)(uintptr_t)addr, disk + done, len);
        else
            memcpy(disk + done, (void *)(uintptr_t)addr, len);
        done += len;
        addr = list ? list[k++] : c->prp2;
    }
}

static uint16_t ctl_exec(struct ctl *m, int qid, const struct nvme_sqe *c)
{
    uint8_t *buf = (uint8_t *)(uintptr_t)c->prp1;
    m->commands++;
    if (qid == 0) {
        switch (c->opc) {
        case 0x06: /* Identify */
            memset(buf, 0, 4096);
            if (c->cdw10 == 1) {
                memcpy(buf + 4, "SERIAL-0001         ", 20);
                memcpy(buf + 24, "barebench model NVMe                    ", 40);
                buf[77] = 5; /* MDTS: 32 x 4 KiB = 128 KiB */
            } else if (c->cdw10 == 2) {
                uint32_t ids[2] = {1, 2};
                memcpy(buf, ids, sizeof ids);
            } else {
                uint64_t nsze = CTL_BLOCKS * BS / nsbs((int)c->nsid);
                uint32_t lbaf = (c->nsid == 1 ? 9u : 12u) << 16;
                memcpy(buf, &nsze, 8);
                memcpy(buf + 128, &lbaf, 4);
            }
            return 0;
        case 0x05: case 0x01: { /* Create I/O CQ / SQ (queue 1 only) */
            if ((c->cdw10 & 0xFFFF) != 1)
                return 0x101;
            m->q[1].depth = (uint16_t)((c->cdw10 >> 16) + 1);
            if (c->opc == 0x05)
                m->q[1].cq = c->prp1;
            else
                m->q[1].sq = c->prp1;
            return 0;
        }
        default:
            return 0x1; /* invalid opcode */
        }
    }
    if (c->opc == NVME_OP_FLUSH)
        return 0;
    uint64_t lba = (uint64_t)c->cdw11 << 32 | c->cdw10;
    uint32_t bs = nsbs((int)c->nsid), nb = (c->cdw12 & 0xFFFF) + 1;
    if (c->nsid < 1 || c->nsid > 2 || lba + nb > CTL_BLOCKS * BS / bs)
        return 0x80; /* LBA out of range */
    if (lba == m->fail_lba) {
        m->fail_lba_hit++;
        return 0x81;
    }
    ctl_data(c, m->disk[c->nsid - 1] + lba * bs, (uint64_t)nb * bs, c->opc == NVME_OP_READ);
    return 0;
}

static void ctl_post(struct ctl *m, int qid, uint16_t cid, uint16_t status)
{
    struct nvme_cqe *cq = (struct nvme_cqe *)(uintptr_t)m->q[qid].cq;
    struct nvme_cqe *e = &cq[m->q[qid].cq_tail];
    e->cid = cid;
    e->sqhd = m->q[qid].head;
    e->sqid = (uint16_t)qid;
    e->status = (uint16_t)(status << 1 | m->q[qid].phase);
    if (++m->q[qid].cq_tail == m->q[qid].depth) {
        m->q[qid].cq_tail = 0;
        m->q[qid].phase ^= 1;
    }
}

static void ctl_write(struct pci_host *h, int bar, uint32_t off, int width, uint32_t v)
{
    struct ctl *m = h->model;
    (void)bar;
    (void)width;
    if (off == 0x14) { /* CC */
        if ((v & 1) && !m->never_ready) {
            uint32_t aqa = fake_reg(h, 0, 0x24, 4);
            m->q[0].sq = (uint64_t)fake_reg(h, 0, 0x2C, 4) << 32 | fake_reg(h, 0, 0x28, 4);
            m->q[0].cq = (uint64_t)fake_reg(h, 0, 0x34, 4) << 32 | fake_reg(h, 0, 0x30, 4);
            m->q[0].depth = (uint16_t)((aqa & 0xFFF) + 1);
            fake_set_reg(h, 0, 0x1C, 4, 1);
        } else if (!(v & 1)) {
            memset(m->q, 0, sizeof m->q);
            m->q[0].phase = m->q[1].phase = 1;
            fake_set_reg(h, 0, 0x1C, 4, 0);
        }
        m->q[0].phase = m->q[1].phase = 1;
        return;
    }
    if (off < 0x1000 || !(fake_reg(h, 0, 0x1C, 4) & 1))
        return;
    int qid = (int)((off - 0x1000) / 8), cqdb = ((off - 0x1000) / 4) & 1;
    if (qid > 1 || cqdb)
        return;
    m->q[qid].tail = (uint16_t)v;
    m->io_bells += qid == 1;
    if (m->stuck && qid == 1)
        return; /* takes the commands, never completes them */
    while (m->q[qid].head != m->q[qid].tail) {
        struct nvme_sqe c = ((struct nvme_sqe *)(uintptr_t)m->q[qid].sq)[m->q[qid].head];
        m->q[qid].head = (uint16_t)((m->q[qid].head + 1) % m->q[qid].depth);
        ctl_post(m, qid, c.cid, ctl_exec(m, qid, &c));
    }
}

static void ctl_fail_at(uint64_t lba) { ctl.fail_lba = lba; }
static void ctl_hang(void) { ctl.stuck = 1; }
static int ctl_requests(void) { return ctl.io_bells; }

static struct pci_fn ctl_fn;
static struct pci_host ctl_host;

static struct nvme_ctrl *ctl_setup(void)
{
    fake_pci_reset_all();
    fake_pci_init(&ctl_fn, &ctl_host, 0x1b36, 0x0010, 0x010802);
    memset(&ctl, 0, sizeof ctl);
    ctl.h = &ctl_host;
    ctl.fail_lba = UINT64_MAX;
    ctl_host.model = &ctl;
    ctl_host.on_write = ctl_write;
    /* CAP: MQES 63, CQR, TO 2 (1 s), DSTRD 0, CSS NVM, MPSMIN 0 */
    uint64_t cap = 63 | 1u << 16 | 2u << 24 | 1ull << 37;
    fake_set_reg(&ctl_host, 0, 0, 4, (uint32_t)cap);
    fake_set_reg(&ctl_host, 0, 4, 4, (uint32_t)(cap >> 32));
    fake_set_reg(&ctl_host, 0, 0x14, 4, 1); /* left enabled by the firmware's driver */
    fake_set_reg(&ctl_host, 0, 0x1C, 4, 1);
    return calloc(1, sizeof(struct nvme_ctrl));
}

static void driver_start_and_io(void **state)
{
    (void)state;
    struct nvme_ctrl *c = ctl_setup();
    assert_int_equal(nvme_start(c, &ctl_fn), 0);
    assert_int_equal(c->nns, 2);
    assert_string_equal(c->model, "barebench model NVMe");
    assert_string_equal(c->serial, "SERIAL-0001");
    assert_int_equal(c->ns[0].nsid, 1);
    assert_int_equal(c->ns[1].block_size, 4096);
    assert_int_equal(c->ns[1].blocks, CTL_BLOCKS * BS / 4096);
    assert_int_equal(c->depth, 64);
    assert_int_equal(c->max_transfer, 128 * 1024);
    assert_int_equal(fake_reg(&ctl_host, 0, 0x0C, 4), 0xFFFFFFFF); /* every vector masked */
    /* the driver table picks this driver for the class, and names each namespace by its nsid */
    assert_ptr_equal(blk_driver_for(&ctl_fn), &nvme_driver);
    assert_int_equal(nvme_driver.units(c), 2);
    struct blk_unit u;
    memset(&u, 0, sizeof u);
    nvme_driver.describe(c, 1, &u);
    assert_int_equal(u.addr.transport, PLAT_T_NVME);
    assert_int_equal(u.addr.nsid, 2);
    assert_int_equal(u.block_size, 4096);
    assert_string_equal(u.api, "nvme");
    drv_check_depths(&nvme_driver, c, 1); /* namespace 2 (4 KiB blocks), depth 1..32 */
    /* a 512 KiB transfer on namespace 1: split into 128 KiB commands, PRP lists */
    static uint8_t big[512 * 1024] __attribute__((aligned(4096)));
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 13);
    void *bb = big;
    uint64_t l0 = 100;
    assert_int_equal(nvme_rw(c, 0, 1, 1, &l0, 1, sizeof big, &bb, NULL), 0);
    assert_memory_equal(ctl.disk[0] + 100 * BS, big, sizeof big);
    assert_int_equal(nvme_flush(c, 0), 0);
    nvme_stop(c);
    assert_int_equal(fake_reg(&ctl_host, 0, 0x14, 4) & 1, 0); /* disabled, handed back reset */
    assert_int_equal(ctl_host.dma_live, 0);                    /* every DMA buffer freed */
    free(c);
}

static void driver_errors_and_timeout(void **state)
{
    (void)state;
    struct nvme_ctrl *c = ctl_setup();
    ctl.never_ready = 1;
    assert_int_equal(nvme_start(c, &ctl_fn), -1);
    assert_non_null(strstr(c->why, "not ready within CAP.TO"));
    assert_int_equal(ctl_host.dma_live, 0);
    free(c);

    c = ctl_setup();
    assert_int_equal(nvme_start(c, &ctl_fn), 0);
    uint64_t lba = 0;
    void *buf = ctl.disk[1];
    assert_int_equal(nvme_rw(c, 2, 0, 1, &lba, 1, 4096, &buf, NULL), PLAT_IO_RANGE); /* no ns 3 */
    static const struct drv_faults faults = {ctl_fail_at, ctl_hang, ctl_requests, NVME_IO_TIMEOUT_S};
    drv_check_error_and_timeout(&nvme_driver, c, 0, &faults);
    assert_int_equal(c->io.last_status, 0x81);
    assert_true(c->dead);
    assert_int_equal(fake_reg(&ctl_host, 0, 0x14, 4) & 1, 0); /* reset: nothing DMAs on */
    assert_non_null(strstr(c->why, "did not complete"));
    nvme_stop(c);
    assert_int_equal(ctl_host.dma_live, 0);
    free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prp_rules),
        cmocka_unit_test(phase_and_wrap),
        cmocka_unit_test(cid_reuse_and_room),
        cmocka_unit_test(batch_splits_in_flight),
        cmocka_unit_test(batch_error_and_timeout),
        cmocka_unit_test(driver_start_and_io),
        cmocka_unit_test(driver_errors_and_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
