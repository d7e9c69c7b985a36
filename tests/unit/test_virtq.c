/* test_virtq.c - the virtio split virtqueue and virtio-blk request loop (kernel/virtq.c)
 * against a software model of a device: descriptor chains and flags, the free list, 16-bit
 * ring index wrap-around, out-of-order completion, splits into segments, errors, timeout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kernel/platform.h"
#include "kernel/virtq.h"

#define QSIZE 16

struct model {
    struct virtq_desc desc[QSIZE];
    uint16_t avail_mem[2 + QSIZE + 1];
    uint32_t used_mem[1 + 2 * QSIZE + 1];
    uint16_t last_avail;
    int reverse, stuck;
    uint64_t fail_sector;
    uint64_t clock;
    int notifies;
    uint16_t held[QSIZE];
    int nheld;
    uint8_t seen[8192];       /* per 512-byte sector */
    struct vblk_hdr hdr[QSIZE];
    uint8_t status[QSIZE];
};

static struct virtq q;

static struct virtq_avail *AV(struct model *m) { return (struct virtq_avail *)m->avail_mem; }
static struct virtq_used *US(struct model *m) { return (struct virtq_used *)m->used_mem; }

/* The device's view of one chain: header readable, data writable iff IN, status last. */
static void serve(struct model *m, uint16_t head)
{
    struct virtq_desc *d = &m->desc[head];
    assert_int_equal(d->len, sizeof(struct vblk_hdr));
    assert_false(d->flags & VIRTQ_DESC_WRITE);
    const struct vblk_hdr *h = (const struct vblk_hdr *)(uintptr_t)d->addr;
    uint64_t sector = h->sector, bytes = 0;
    int n = 1;
    while (d->flags & VIRTQ_DESC_NEXT) {
        d = &m->desc[d->next];
        n++;
        assert_true(n <= QSIZE); /* a chain never loops */
        if (!(d->flags & VIRTQ_DESC_NEXT))
            break;
        if (h->type == VBLK_T_IN)
            assert_true(d->flags & VIRTQ_DESC_WRITE);
        else
            assert_false(d->flags & VIRTQ_DESC_WRITE);
        bytes += d->len;
    }
    assert_int_equal(d->len, 1); /* status byte, device-writable */
    assert_true(d->flags & VIRTQ_DESC_WRITE);
    if (h->type != VBLK_T_FLUSH)
        for (uint64_t s = 0; s < bytes / 512; s++)
            m->seen[sector + s]++;
    *(uint8_t *)(uintptr_t)d->addr = (h->type != VBLK_T_FLUSH && sector == m->fail_sector) ? 1 : 0;
}

static void model_run(struct model *m)
{
    struct virtq_avail *av = AV(m);
    while (m->last_avail != av->idx) {
        uint16_t head = av->ring[m->last_avail % QSIZE];
        m->last_avail++;
        if (!m->stuck)
            m->held[m->nheld++] = head;
    }
    struct virtq_used *u = US(m);
    for (int i = 0; i < m->nheld; i++) {
        uint16_t head = m->held[m->reverse ? m->nheld - 1 - i : i];
        serve(m, head);
        u->ring[u->idx % QSIZE].id = head;
        u->ring[u->idx % QSIZE].len = 1;
        u->idx++;
    }
    m->nheld = 0;
}

static void notify(void *ctx) { ((struct model *)ctx)->notifies++; }
static uint64_t now(void *ctx) { return ((struct model *)ctx)->clock += 10; }
static int dev_addr(void *ctx, void *buf, size_t len, uint64_t *dev) { (void)ctx; (void)len; *dev = (uintptr_t)buf; return 0; }
static void idle(void *ctx) { model_run(ctx); }
static const struct vblk_ops ops = {notify, now, dev_addr, idle};

static struct model *setup(uint32_t seg_bytes, uint32_t seg_max, struct vblk_io *io)
{
    struct model *m = calloc(1, sizeof *m);
    m->fail_sector = UINT64_MAX;
    virtq_init(&q, m->desc, AV(m), US(m), QSIZE);
    memset(io, 0, sizeof *io);
    io->q = &q;
    io->ops = &ops;
    io->ctx = m;
    io->hdr = m->hdr;
    io->hdr_dev = (uintptr_t)m->hdr;
    io->status = m->status;
    io->status_dev = (uintptr_t)m->status;
    io->seg_bytes = seg_bytes;
    io->seg_max = seg_max;
    io->timeout = 100000;
    return m;
}

static void chains_and_free_list(void **state)
{
    (void)state;
    struct vblk_io io;
    struct model *m = setup(4096, 8, &io);
    struct virtq_buf b[3] = {{0x1000, 16, 0}, {0x2000, 4096, 1}, {0x3000, 1, 1}};
    int heads[5];
    for (int i = 0; i < 5; i++)
        heads[i] = virtq_add(&q, b, 3, (uint16_t)i, 0);
    assert_int_equal(q.nfree, 1);
    assert_int_equal(virtq_add(&q, b, 3, 9, 0), -1); /* only one descriptor left */
    for (int i = 0; i < 5; i++) {
        struct virtq_desc *d = &m->desc[heads[i]];
        assert_true((d->flags & VIRTQ_DESC_NEXT) && !(d->flags & VIRTQ_DESC_WRITE));
        d = &m->desc[d->next];
        assert_true(d->flags == (VIRTQ_DESC_NEXT | VIRTQ_DESC_WRITE) && d->len == 4096);
        d = &m->desc[d->next];
        assert_true(d->flags == VIRTQ_DESC_WRITE && d->len == 1);
    }
    assert_int_equal(AV(m)->idx, 0); /* nothing visible before publish */
    virtq_publish(&q);
    assert_int_equal(AV(m)->idx, 5);
    /* the device returns them out of order; every descriptor comes back */
    struct virtq_used *u = US(m);
    for (int i = 4; i >= 0; i--) {
        u->ring[u->idx % QSIZE].id = (uint32_t)heads[i];
        u->idx++;
    }
    uint16_t tag;
    for (int i = 4; i >= 0; i--) {
        assert_int_equal(virtq_get(&q, &tag, NULL), 1);
        assert_int_equal(tag, i);
    }
    assert_int_equal(virtq_get(&q, &tag, NULL), 0);
    assert_int_equal(q.nfree, QSIZE);
    /* a used id that is not in flight is refused, and frees nothing */
    u->ring[u->idx % QSIZE].id = 3;
    u->idx++;
    assert_int_equal(virtq_get(&q, &tag, NULL), -1);
    assert_int_equal(q.nfree, QSIZE);
    free(m);
}

static void batch_wraps_and_splits(void **state)
{
    (void)state;
    struct vblk_io io;
    struct model *m = setup(4096, 4, &io); /* 12 KiB request = 3 data segments: 5 descriptors */
    m->reverse = 1;
    static uint8_t buf[3][12288];
    static void *bufs[300]; /* transfer i uses bufs[i] */
    for (int i = 0; i < 300; i++)
        bufs[i] = buf[i % 3];
    assert_int_equal(vblk_descs(&io, 12288), 5);
    assert_int_equal(vblk_max_qd(&io, 12288), 3);
    assert_int_equal(vblk_descs(&io, 5 * 4096), -1); /* over SEG_MAX */
    uint64_t lba[300], lat[300];
    for (int i = 0; i < 300; i++)
        lba[i] = (uint64_t)i * 24; /* 24 sectors each: no overlap */
    io.lba_shift = 0;
    /* 300 requests: the 16-bit ring indexes and the 16-entry ring wrap many times */
    for (int round = 0; round < 250; round++)
        assert_int_equal(vblk_batch(&io, 0, 3, lba, 300, 12288, bufs, lat), 0);
    for (int i = 0; i < 300; i++) {
        assert_true(lat[i] > 0);
        for (int s = 0; s < 24; s++)
            assert_int_equal(m->seen[lba[i] + s], 250);
    }
    assert_true(AV(m)->idx == (uint16_t)(250 * 300)); /* wrapped past 65535 */
    assert_int_equal(q.nfree, QSIZE);
    assert_true(m->notifies < 250 * 300); /* batched notifications */
    assert_int_equal(vblk_batch(&io, 0, 4, lba, 3, 12288, bufs, lat), PLAT_IO_RANGE);
    free(m);
}

static void errors_and_timeout(void **state)
{
    (void)state;
    struct vblk_io io;
    struct model *m = setup(4096, 4, &io);
    static uint8_t buf[4][4096];
    void *bufs[20];
    uint64_t lba[20];
    for (int i = 0; i < 20; i++) {
        lba[i] = (uint64_t)i;
        bufs[i] = buf[i % 4];
    }
    io.lba_shift = 3; /* 4 KiB blocks: block 6 is sector 48 */
    m->fail_sector = 48;
    assert_int_equal(vblk_batch(&io, 1, 4, lba, 20, 4096, bufs, NULL), PLAT_IO_ERROR);
    assert_int_equal(io.last_status, 1);
    assert_int_equal(q.nfree, QSIZE); /* in-flight requests collected */
    assert_int_equal(m->seen[19 * 8], 0); /* no more submitted after the error */
    assert_int_equal(vblk_flush(&io), 0);
    free(m);

    m = setup(4096, 4, &io);
    m->stuck = 1;
    assert_int_equal(vblk_batch(&io, 0, 4, lba, 20, 4096, bufs, NULL), PLAT_IO_TIMEOUT);
    assert_true(m->clock >= io.timeout && m->clock < 4 * io.timeout);
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chains_and_free_list),
        cmocka_unit_test(batch_wraps_and_splits),
        cmocka_unit_test(errors_and_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
