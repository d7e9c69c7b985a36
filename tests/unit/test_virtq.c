/* test_virtq.c - the virtio split virtqueue (drivers/virtq.c) and virtio-blk request loop
 * (drivers/virtio_blk_queue.c) against a software model of a device: descriptor chains and
 * flags, the free list, 16-bit ring index wrap-around, out-of-order completion, splits into
 * segments, errors, timeout; and the whole virtio-blk driver (drivers/virtio_blk.c over the
 * virtio PCI transport drivers/virtio_pci.c) against a modern virtio-blk device model
 * (capabilities, common configuration, notify, used ring) through tests/unit/fake_pci.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "kernel/platform.h"
#include "drivers/virtio_blk_queue.h"
#include "drivers/virtio_blk.h"
#include "drivers/blk_driver.h"
#include "tests/unit/fake_pci.h"
#include "tests/unit/drv_check.h"

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
        heads[i] = virtq_add(&q, b, 3, (uint16_t)i);
    assert_int_equal(q.nfree, 1);
    assert_int_equal(virtq_add(&q, b, 3, 9), -1); /* only one descriptor left */
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

/* ---- the whole driver against a modern virtio-blk PCI device: BAR 4 holds the common
 * configuration at 0, notify at 0x1000 (multiplier 4), the device configuration at 0x2000 ---- */
#define DEV_SECTORS 8192u
enum { CC_DFSEL = 0x00, CC_DF = 0x04, CC_GFSEL = 0x08, CC_GF = 0x0C, CC_STATUS = 0x14,
       CC_QSEL = 0x16, CC_QSIZE = 0x18, CC_QENABLE = 0x1C, CC_QDESC = 0x20, CC_QDRIVER = 0x28,
       CC_QDEVICE = 0x30 };
struct vdev {
    uint8_t disk[DEV_SECTORS * 512];
    uint64_t offered, accepted;
    uint16_t last_avail;
    int stuck, notifies, requests;
    uint64_t fail_sector;
};
static struct vdev vd;
static struct pci_fn vfn;
static struct pci_host vhost;

static uint64_t reg64(uint32_t off)
{
    return (uint64_t)fake_reg(&vhost, 4, off + 4, 4) << 32 | fake_reg(&vhost, 4, off, 4);
}

/* Serve every new available chain: header, data, status; post it on the used ring. */
static void vdev_serve(void)
{
    uint16_t size = (uint16_t)fake_reg(&vhost, 4, CC_QSIZE, 2);
    struct virtq_desc *desc = (struct virtq_desc *)(uintptr_t)reg64(CC_QDESC);
    struct virtq_avail *av = (struct virtq_avail *)(uintptr_t)reg64(CC_QDRIVER);
    struct virtq_used *us = (struct virtq_used *)(uintptr_t)reg64(CC_QDEVICE);
    while (vd.last_avail != av->idx) {
        uint16_t head = av->ring[vd.last_avail++ % size], d = head;
        const struct vblk_hdr *h = (const struct vblk_hdr *)(uintptr_t)desc[d].addr;
        uint64_t sector = h->sector, off = 0;
        uint8_t st = 0;
        vd.requests++;
        while ((desc[d].flags & VIRTQ_DESC_NEXT) && (desc[desc[d].next].flags & VIRTQ_DESC_NEXT)) {
            d = desc[d].next;
            uint8_t *p = (uint8_t *)(uintptr_t)desc[d].addr;
            if (sector * 512 + off + desc[d].len > sizeof vd.disk || sector == vd.fail_sector)
                st = 1;
            else if (h->type == VBLK_T_IN)
                memcpy(p, vd.disk + sector * 512 + off, desc[d].len);
            else if (h->type == VBLK_T_OUT)
                memcpy(vd.disk + sector * 512 + off, p, desc[d].len);
            off += desc[d].len;
        }
        d = desc[d].next;
        *(uint8_t *)(uintptr_t)desc[d].addr = st;
        us->ring[us->idx % size].id = head;
        us->ring[us->idx % size].len = (uint32_t)off + 1;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        us->idx++;
    }
}

static void vdev_read(struct pci_host *h, int bar, uint32_t off, int width)
{
    (void)width;
    if (bar == 4 && off == CC_DF) {
        uint32_t sel = fake_reg(h, 4, CC_DFSEL, 4);
        fake_set_reg(h, 4, CC_DF, 4, sel ? (uint32_t)(vd.offered >> 32) : (uint32_t)vd.offered);
    }
}

static void vdev_write(struct pci_host *h, int bar, uint32_t off, int width, uint32_t v)
{
    (void)width;
    if (bar != 4)
        return;
    if (off == CC_GF) {
        uint32_t sel = fake_reg(h, 4, CC_GFSEL, 4);
        vd.accepted = sel ? (vd.accepted & 0xFFFFFFFFull) | (uint64_t)v << 32
                          : (vd.accepted & ~0xFFFFFFFFull) | v;
    } else if (off == CC_STATUS && (v & VIRTIO_S_FEATURES_OK) && (vd.accepted & ~vd.offered)) {
        fake_set_reg(h, 4, CC_STATUS, 1, v & ~(uint32_t)VIRTIO_S_FEATURES_OK); /* refused */
    } else if (off == CC_STATUS && v == 0) { /* reset */
        vd.last_avail = 0;
        fake_set_reg(h, 4, CC_QENABLE, 2, 0);
        fake_set_reg(h, 4, CC_QSIZE, 2, 256);
    } else if (off == CC_QSEL) {
        fake_set_reg(h, 4, CC_QSIZE, 2, v == 0 ? 256 : 0);
    } else if (off >= 0x1000 && off < 0x2000) {
        vd.notifies++;
        if (!vd.stuck && fake_reg(h, 4, CC_QENABLE, 2))
            vdev_serve();
    }
}

static void vdev_fail_at(uint64_t lba) { vd.fail_sector = lba; } /* 512-byte blocks */
static void vdev_hang(void) { vd.stuck = 1; }
static int vdev_requests(void) { return vd.notifies; }

static struct vblk_dev *vdev_setup(void)
{
    fake_pci_reset_all();
    fake_pci_init(&vfn, &vhost, 0x1AF4, 0x1042, 0x010000);
    memset(&vd, 0, sizeof vd);
    vd.fail_sector = UINT64_MAX;
    vd.offered = VIRTIO_F_VERSION_1 | (1ull << 9) /* FLUSH */ | (1ull << 2) /* SEG_MAX */;
    vhost.model = &vd;
    vhost.on_read = vdev_read;
    vhost.on_write = vdev_write;
    /* virtio vendor capabilities: cfg_type, bar, 3 padding, offset, length (, multiplier) */
    uint8_t common[14] = {14, 1, 4}, notify[18] = {18, 2, 4}, device[14] = {14, 4, 4};
    uint32_t o_notify = 0x1000, o_dev = 0x2000, mult = 4;
    memcpy(notify + 6, &o_notify, 4);
    memcpy(notify + 14, &mult, 4);
    memcpy(device + 6, &o_dev, 4);
    assert_true(fake_pci_add_cap(&vhost, 0x09, common, sizeof common));
    assert_true(fake_pci_add_cap(&vhost, 0x09, notify, sizeof notify));
    assert_true(fake_pci_add_cap(&vhost, 0x09, device, sizeof device));
    fake_set_reg(&vhost, 4, 0x2000, 4, DEV_SECTORS); /* capacity */
    fake_set_reg(&vhost, 4, 0x200C, 4, 4);           /* seg_max: 4 data descriptors */
    fake_set_reg(&vhost, 4, CC_STATUS, 1, 0x0F);     /* the firmware's driver had it running */
    return calloc(1, sizeof(struct vblk_dev));
}

static void driver_start_and_io(void **state)
{
    (void)state;
    struct vblk_dev *d = vdev_setup();
    assert_int_equal(vblk_start(d, &vfn), 0);
    assert_int_equal(d->sectors, DEV_SECTORS);
    assert_int_equal(d->block_size, 512);
    assert_int_equal(d->qsize, 256);
    assert_true(d->can_flush);
    assert_int_equal(vd.accepted, vd.offered); /* every offered feature it wants, nothing else */
    assert_int_equal(fake_reg(&vhost, 4, CC_STATUS, 1), 0x0F); /* DRIVER_OK */
    assert_ptr_equal(blk_driver_for(&vfn), &virtio_blk_driver);
    struct blk_unit u;
    memset(&u, 0, sizeof u);
    virtio_blk_driver.describe(d, 0, &u);
    assert_int_equal(u.addr.transport, PLAT_T_PCI);
    assert_null(u.model); /* none: the firmware's entry's are kept */
    assert_int_equal(u.blocks, DEV_SECTORS);
    int notes = vd.notifies, reqs = vd.requests;
    drv_check_depths(&virtio_blk_driver, d, 0);
    assert_true(vd.notifies - notes < vd.requests - reqs); /* one notify per batch, not per request */
    assert_int_equal(vblk_dev_flush(d), 0);
    vblk_stop(d);
    assert_int_equal(fake_reg(&vhost, 4, CC_STATUS, 1), 0); /* reset, handed back */
    assert_int_equal(vhost.dma_live, 0);
    free(d);
}

static void driver_refusals_and_timeout(void **state)
{
    (void)state;
    struct vblk_dev *d = vdev_setup();
    vd.offered &= ~VIRTIO_F_VERSION_1; /* a legacy-only device in disguise */
    assert_int_equal(vblk_start(d, &vfn), -1);
    assert_non_null(strstr(d->why, "VERSION_1"));
    assert_int_equal(vhost.dma_live, 0);
    free(d);

    d = vdev_setup();
    assert_int_equal(vblk_start(d, &vfn), 0);
    static const struct drv_faults faults = {vdev_fail_at, vdev_hang, vdev_requests, VBLK_IO_TIMEOUT_S};
    drv_check_error_and_timeout(&virtio_blk_driver, d, 0, &faults);
    assert_true(d->dead);
    assert_int_equal(fake_reg(&vhost, 4, CC_STATUS, 1), 0); /* reset: the device lets go */
    vblk_stop(d);
    assert_int_equal(vhost.dma_live, 0);
    free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chains_and_free_list),
        cmocka_unit_test(batch_wraps_and_splits),
        cmocka_unit_test(errors_and_timeout),
        cmocka_unit_test(driver_start_and_io),
        cmocka_unit_test(driver_refusals_and_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
