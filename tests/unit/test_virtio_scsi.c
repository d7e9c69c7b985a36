/* test_virtio_scsi.c - virtio-scsi's request logic (drivers/virtio_scsi_queue.c) on a split
 * virtqueue against an in-memory device: cmd_req/cmd_resp chains and the LUN field, tags
 * completed out of order, 16-bit ring indexes wrapping, every response code and malformed
 * completions; and the whole driver (drivers/virtio_scsi.c over drivers/virtio_pci.c and the
 * SCSI layer) against a register-level virtio-scsi PCI device through tests/unit/fake_pci.c
 * whose commands the software target tests/unit/scsi_model.c executes: two targets and a LUN
 * above 0, depths 1..32, errors, a device that stops answering, and the device handed back as
 * the firmware's modern or legacy driver had set it up. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "drivers/blk_driver.h"
#include "drivers/virtio_scsi.h"
#include "drivers/virtio_scsi_queue.h"
#include "kernel/platform.h"
#include "tests/unit/drv_check.h"
#include "tests/unit/fake_pci.h"
#include "tests/unit/scsi_model.h"

/* ---------------- the request logic over in-memory rings ---------------- */
#define QSIZE 16

struct ring {
    struct virtq_desc desc[QSIZE];
    uint16_t avail[2 + QSIZE + 1];
    uint32_t used[1 + 2 * QSIZE + 1];
    uint8_t slots[QSIZE * VSCSI_SLOT];
    uint16_t last_avail;
    int notifies;
    struct virtq q;
    struct vscsi_io io;
};

static void r_notify(void *ctx) { ((struct ring *)ctx)->notifies++; }

static struct ring *ring_new(int ntags)
{
    struct ring *r = calloc(1, sizeof *r);
    virtq_init(&r->q, r->desc, (struct virtq_avail *)r->avail, (struct virtq_used *)r->used, QSIZE);
    r->io = (struct vscsi_io){&r->q, r->slots, (uintptr_t)r->slots, ntags, r_notify, r, 0};
    return r;
}

static struct virtq_avail *AV(struct ring *r) { return (struct virtq_avail *)r->avail; }
static struct virtq_used *US(struct ring *r) { return (struct virtq_used *)r->used; }

/* The device takes the next available chain: its head. */
static uint16_t take(struct ring *r)
{
    assert_true(r->last_avail != AV(r)->idx);
    return AV(r)->ring[r->last_avail++ % QSIZE];
}

/* The device answers chain `head` with response code `resp`, SCSI status, used length `len`. */
static void answer(struct ring *r, uint16_t head, uint8_t resp, uint8_t status, uint32_t len)
{
    struct virtq_desc *d = &r->desc[head];
    while (!(d->flags & VIRTQ_DESC_WRITE))
        d = &r->desc[d->next];
    uint8_t *p = (uint8_t *)(uintptr_t)d->addr;
    uint32_t sense_len = status == SCSI_CHECK_CONDITION ? 18 : 0, resid = 0;
    memcpy(p, &sense_len, 4);
    memcpy(p + 4, &resid, 4);
    p[10] = status;
    p[11] = resp;
    if (sense_len) {
        p[12] = 0x70;
        p[14] = 3;
        p[24] = 0x11;
    }
    struct virtq_used *u = US(r);
    u->ring[u->idx % QSIZE].id = head;
    u->ring[u->idx % QSIZE].len = len;
    u->idx++;
}

struct got {
    int n, tag[64];
    struct scsi_result r[64];
};

static void collect(void *arg, int tag, const struct scsi_result *res)
{
    struct got *g = arg;
    g->tag[g->n] = tag;
    g->r[g->n++] = *res;
}

static void cmd(struct scsi_cmd *c, int dir, uint32_t target, uint64_t lun, void *buf, uint32_t len)
{
    memset(c, 0, sizeof *c);
    c->target = target;
    c->lun = lun;
    c->dir = (uint8_t)dir;
    c->len = len;
    c->buf = buf;
    c->buf_dev = (uintptr_t)buf;
    c->cdb_len = 16;
    c->cdb[0] = dir == SCSI_DIR_OUT ? 0x8A : 0x88;
}

static void chains(void **state)
{
    (void)state;
    struct ring *r = ring_new(5);
    static uint8_t data[4096];
    struct scsi_cmd c;
    cmd(&c, SCSI_DIR_IN, 3, 258, data, 4096);
    assert_int_equal(vscsi_submit(&r->io, 2, &c), 0);
    cmd(&c, SCSI_DIR_OUT, 1, 0, data, 4096);
    assert_int_equal(vscsi_submit(&r->io, 4, &c), 0);
    cmd(&c, SCSI_DIR_NONE, 1, 0, NULL, 0);
    c.cdb[0] = 0x35;
    c.cdb_len = 10;
    assert_int_equal(vscsi_submit(&r->io, 0, &c), 0);
    assert_int_equal(r->q.nfree, QSIZE - 8);
    assert_int_equal(AV(r)->idx, 0); /* nothing visible before the kick */
    vscsi_kick(&r->io);
    assert_int_equal(AV(r)->idx, 3);
    assert_int_equal(r->notifies, 1);
    /* read: cmd_req (device reads), cmd_resp then data (device writes) */
    uint16_t h = take(r);
    struct virtq_desc *d = &r->desc[h];
    const uint8_t *req = (const uint8_t *)(uintptr_t)d->addr;
    assert_int_equal(d->len, VSCSI_REQ_BYTES);
    assert_int_equal(d->flags, VIRTQ_DESC_NEXT);
    uint8_t lun[8] = {1, 3, 0x41, 0x02};
    assert_memory_equal(req, lun, 8);
    assert_int_equal(req[8], 2); /* the id is our tag */
    assert_int_equal(req[19], 0x88);
    d = &r->desc[d->next];
    assert_true(d->len == VSCSI_RESP_BYTES && d->flags == (VIRTQ_DESC_NEXT | VIRTQ_DESC_WRITE));
    d = &r->desc[d->next];
    assert_true(d->len == 4096 && d->flags == VIRTQ_DESC_WRITE && d->addr == (uintptr_t)data);
    /* write: cmd_req, data (both read by the device), cmd_resp */
    h = take(r);
    d = &r->desc[r->desc[h].next];
    assert_true(d->len == 4096 && d->flags == VIRTQ_DESC_NEXT);
    d = &r->desc[d->next];
    assert_true(d->len == VSCSI_RESP_BYTES && d->flags == VIRTQ_DESC_WRITE);
    /* no data: two descriptors */
    h = take(r);
    assert_true(r->desc[r->desc[h].next].flags == VIRTQ_DESC_WRITE);
    /* no room for a fourth data command + a no-data one: BLK_AGAIN, nothing added */
    cmd(&c, SCSI_DIR_IN, 0, 0, data, 4096);
    assert_int_equal(vscsi_submit(&r->io, 1, &c), 0);
    assert_int_equal(vscsi_submit(&r->io, 3, &c), 0);
    assert_int_equal(r->q.nfree, 2);
    assert_int_equal(vscsi_submit(&r->io, 1, &c), BLK_AGAIN);
    assert_int_equal(vscsi_submit(&r->io, 7, &c), PLAT_IO_RANGE); /* beyond ntags */
    assert_int_equal(vscsi_max_tags(&r->io, 4096), 5);
    assert_int_equal(vscsi_max_tags(&r->io, 0), 5);
    free(r);
}

/* n 512-byte reads on tags 0..n-1 of a new ring, kicked, their heads taken by the device. */
static struct ring *reads_taken(int n, uint16_t *heads)
{
    struct ring *r = ring_new(n);
    static uint8_t data[8][512];
    struct scsi_cmd c;
    for (int t = 0; t < n; t++) {
        cmd(&c, SCSI_DIR_IN, 0, 0, data[t], 512);
        assert_int_equal(vscsi_submit(&r->io, t, &c), 0);
    }
    vscsi_kick(&r->io);
    for (int i = 0; i < n; i++)
        heads[i] = take(r);
    return r;
}

static void responses_out_of_order(void **state)
{
    (void)state;
    uint16_t heads[5];
    struct ring *r = reads_taken(5, heads);
    /* answered in reverse: OK+CHECK CONDITION, BAD_TARGET, RESET, BUSY, TRANSPORT_FAILURE */
    answer(r, heads[4], VSCSI_S_OK, SCSI_CHECK_CONDITION, VSCSI_RESP_BYTES + 512);
    answer(r, heads[3], VSCSI_S_BAD_TARGET, 0, VSCSI_RESP_BYTES);
    answer(r, heads[2], VSCSI_S_RESET, 0, VSCSI_RESP_BYTES);
    answer(r, heads[1], VSCSI_S_BUSY, 0, VSCSI_RESP_BYTES);
    answer(r, heads[0], VSCSI_S_TRANSPORT_FAILURE, 0, 4); /* also too short */
    struct got g = {0};
    assert_int_equal(vscsi_reap(&r->io, collect, &g), 5);
    assert_int_equal(g.n, 5);
    assert_int_equal(g.tag[0], 4);
    assert_true(g.r[0].host == SCSI_HOST_OK && g.r[0].status == SCSI_CHECK_CONDITION && g.r[0].sense_len == 18);
    struct scsi_sense s = scsi_sense_decode(g.r[0].sense, g.r[0].sense_len);
    assert_true(s.valid && s.key == 3 && s.asc == 0x11);
    assert_true(g.tag[1] == 3 && g.r[1].host == SCSI_HOST_NO_TARGET);
    assert_true(g.tag[2] == 2 && g.r[2].host == SCSI_HOST_RESET);
    assert_true(g.tag[3] == 1 && g.r[3].host == SCSI_HOST_BUSY);
    assert_true(g.tag[4] == 0 && g.r[4].host == SCSI_HOST_ERROR);
    assert_int_equal(r->q.nfree, QSIZE);
    /* a used entry naming a descriptor not in flight: counted and ignored */
    US(r)->ring[US(r)->idx % QSIZE].id = 7;
    US(r)->idx++;
    g.n = 0;
    assert_int_equal(vscsi_reap(&r->io, collect, &g), 1);
    assert_int_equal(g.n, 0);
    assert_int_equal(r->io.bad_completions, 1);
    free(r);
}

/* A used index more than the ring's size ahead (a broken device): its stale entries would name
 * a command still in flight and complete it with a response the device never wrote; nothing is
 * taken, the command stays in flight (and times out in the layer). */
static void used_index_garbage(void **state)
{
    (void)state;
    uint16_t h[2];
    struct ring *r = reads_taken(2, h);
    uint16_t h0 = h[0], h1 = h[1];
    answer(r, h0, VSCSI_S_OK, SCSI_GOOD, VSCSI_RESP_BYTES + 512);
    struct got g = {0};
    assert_int_equal(vscsi_reap(&r->io, collect, &g), 1);
    assert_int_equal(g.tag[0], 0);
    for (int i = 0; i < QSIZE; i++)
        US(r)->ring[i].id = h1; /* stale entries naming the command in flight */
    US(r)->idx = (uint16_t)(US(r)->idx + QSIZE + 3);
    g.n = 0;
    assert_int_equal(vscsi_reap(&r->io, collect, &g), 0);
    assert_int_equal(g.n, 0);
    assert_true(r->q.busy[h1]); /* still the device's */
    free(r);
}

static void indexes_wrap(void **state)
{
    (void)state;
    struct ring *r = ring_new(5);
    static uint8_t data[512];
    struct scsi_cmd c;
    int done = 0;
    for (int round = 0; round < 14000; round++) { /* 70000 commands: the 16-bit indexes wrap */
        for (int t = 0; t < 5; t++) {
            cmd(&c, SCSI_DIR_IN, 0, 0, data, 512);
            assert_int_equal(vscsi_submit(&r->io, t, &c), 0);
        }
        vscsi_kick(&r->io);
        uint16_t heads[5];
        for (int i = 0; i < 5; i++)
            heads[i] = take(r);
        for (int i = 0; i < 5; i++)
            answer(r, heads[(i * 3 + round) % 5], VSCSI_S_OK, SCSI_GOOD, VSCSI_RESP_BYTES + 512);
        struct got g = {0};
        assert_int_equal(vscsi_reap(&r->io, collect, &g), 5);
        int seen = 0;
        for (int i = 0; i < 5; i++) {
            assert_int_equal(g.r[i].host, SCSI_HOST_OK);
            seen |= 1 << g.tag[i];
        }
        assert_int_equal(seen, 0x1F);
        done += 5;
    }
    assert_int_equal(done, 70000);
    assert_true(r->q.avail_idx == (uint16_t)70000 && US(r)->idx == (uint16_t)70000);
    free(r);
}

/* ---------------- the whole driver against a virtio-scsi PCI device ----------------
 * BAR 4: common configuration at 0, notify at 0x1000 (multiplier 4), device config at 0x2000;
 * BAR 0: the legacy interface (features, queue PFN/size/select, status). */
enum { CC_DFSEL = 0x00, CC_DF = 0x04, CC_GFSEL = 0x08, CC_GF = 0x0C, CC_STATUS = 0x14,
       CC_QSEL = 0x16, CC_QSIZE = 0x18, CC_QMSIX = 0x1A, CC_QENABLE = 0x1C, CC_QNOTIFY = 0x1E,
       CC_QDESC = 0x20, CC_QDRIVER = 0x28, CC_QDEVICE = 0x30 };
enum { L_GF = 0x04, L_PFN = 0x08, L_QSIZE = 0x0C, L_QSEL = 0x0E, L_STATUS = 0x12 };
#define NQ 3
#define DEVQ 256

struct vdev {
    struct scsi_model m;
    uint64_t offered, accepted;
    struct { uint32_t size, enable; uint64_t desc, drv, dev; uint32_t pfn; } q[NQ];
    uint16_t last_avail;
    int notifies, held;
    uint32_t legacy_features;
};
static struct vdev vd;
static struct pci_fn vfn;
static struct pci_host vhost;

static void load_queue(struct pci_host *h, uint32_t sel)
{
    int ok = sel < NQ;
    fake_set_reg(h, 4, CC_QSIZE, 2, ok ? vd.q[sel].size : 0);
    fake_set_reg(h, 4, CC_QENABLE, 2, ok ? vd.q[sel].enable : 0);
    fake_set_reg(h, 4, CC_QNOTIFY, 2, sel);
    for (int k = 0; k < 3; k++) {
        uint64_t v = !ok ? 0 : k == 0 ? vd.q[sel].desc : k == 1 ? vd.q[sel].drv : vd.q[sel].dev;
        fake_set_reg(h, 4, CC_QDESC + 8u * (uint32_t)k, 4, (uint32_t)v);
        fake_set_reg(h, 4, CC_QDESC + 8u * (uint32_t)k + 4, 4, (uint32_t)(v >> 32));
    }
}

static uint64_t reg64(uint32_t off)
{
    return (uint64_t)fake_reg(&vhost, 4, off + 4, 4) << 32 | fake_reg(&vhost, 4, off, 4);
}

/* Serve the request queue (2): decode each chain into a SCSI command for the model. */
static void serve(void)
{
    uint16_t size = (uint16_t)vd.q[2].size;
    struct virtq_desc *desc = (struct virtq_desc *)(uintptr_t)vd.q[2].desc;
    struct virtq_avail *av = (struct virtq_avail *)(uintptr_t)vd.q[2].drv;
    struct virtq_used *us = (struct virtq_used *)(uintptr_t)vd.q[2].dev;
    while (vd.last_avail != av->idx) {
        uint16_t head = av->ring[vd.last_avail++ % size], d = head;
        const uint8_t *req = (const uint8_t *)(uintptr_t)desc[d].addr;
        assert_int_equal(desc[d].len, VSCSI_REQ_BYTES);
        struct scsi_cmd c;
        memset(&c, 0, sizeof c);
        assert_int_equal(req[0], 1);
        c.target = req[1];
        c.lun = (uint64_t)(req[2] & 0x3F) << 8 | req[3];
        memcpy(c.cdb, req + 19, 16);
        c.cdb_len = 16;
        uint8_t *resp = NULL;
        while (desc[d].flags & VIRTQ_DESC_NEXT) {
            d = desc[d].next;
            if (desc[d].len == VSCSI_RESP_BYTES && (desc[d].flags & VIRTQ_DESC_WRITE) && !resp) {
                resp = (uint8_t *)(uintptr_t)desc[d].addr;
                continue;
            }
            c.dir = desc[d].flags & VIRTQ_DESC_WRITE ? SCSI_DIR_IN : SCSI_DIR_OUT;
            c.buf_dev = desc[d].addr;
            c.len = desc[d].len;
        }
        assert_non_null(resp);
        struct scsi_result r;
        if (scsi_model_exec(&vd.m, &c, &r)) {
            vd.held++; /* taken, never answered */
            continue;
        }
        uint32_t sl = r.sense_len;
        memcpy(resp, &sl, 4);
        memcpy(resp + 4, &r.residual, 4);
        resp[10] = r.status;
        resp[11] = r.host == SCSI_HOST_NO_TARGET ? VSCSI_S_BAD_TARGET : VSCSI_S_OK;
        memcpy(resp + 12, r.sense, r.sense_len);
        us->ring[us->idx % size].id = head;
        us->ring[us->idx % size].len = VSCSI_RESP_BYTES + (c.dir == SCSI_DIR_IN ? c.len : 0);
        __atomic_thread_fence(__ATOMIC_RELEASE);
        us->idx++;
    }
}

static void dev_read(struct pci_host *h, int bar, uint32_t off, int width)
{
    (void)width;
    if (bar == 4 && off == CC_DF) {
        uint32_t sel = fake_reg(h, 4, CC_DFSEL, 4);
        fake_set_reg(h, 4, CC_DF, 4, sel ? (uint32_t)(vd.offered >> 32) : (uint32_t)vd.offered);
    } else if (bar == 4 && off == CC_GF) {
        uint32_t sel = fake_reg(h, 4, CC_GFSEL, 4);
        fake_set_reg(h, 4, CC_GF, 4, sel ? (uint32_t)(vd.accepted >> 32) : (uint32_t)vd.accepted);
    }
}

static void reset_dev(struct pci_host *h)
{
    vd.last_avail = 0;
    vd.accepted = 0;
    for (int i = 0; i < NQ; i++) {
        vd.q[i].enable = 0;
        vd.q[i].pfn = 0;
        vd.q[i].size = DEVQ;
    }
    fake_set_reg(h, 4, CC_STATUS, 1, 0);
    fake_set_reg(h, 0, L_STATUS, 1, 0);
}

static void dev_write(struct pci_host *h, int bar, uint32_t off, int width, uint32_t v)
{
    (void)width;
    uint32_t sel = fake_reg(h, 4, CC_QSEL, 2);
    if (bar == 0) { /* legacy */
        uint32_t lsel = fake_reg(h, 0, L_QSEL, 2);
        if (off == L_STATUS) {
            if (v == 0)
                reset_dev(h);
            fake_set_reg(h, 4, CC_STATUS, 1, v); /* one status register behind both */
        } else if (off == L_QSEL && v < NQ) {
            fake_set_reg(h, 0, L_PFN, 4, vd.q[v].pfn);
            fake_set_reg(h, 0, L_QSIZE, 2, vd.q[v].size);
        } else if (off == L_PFN && lsel < NQ) {
            vd.q[lsel].pfn = v;
        } else if (off == L_GF) {
            vd.legacy_features = v;
        }
        return;
    }
    if (bar != 4)
        return;
    if (off == CC_GF) {
        uint32_t s = fake_reg(h, 4, CC_GFSEL, 4);
        vd.accepted = s ? (vd.accepted & 0xFFFFFFFFull) | (uint64_t)v << 32 : (vd.accepted & ~0xFFFFFFFFull) | v;
    } else if (off == CC_STATUS && v == 0) {
        reset_dev(h);
        load_queue(h, sel);
    } else if (off == CC_STATUS) {
        fake_set_reg(h, 0, L_STATUS, 1, v);
    } else if (off == CC_QSEL) {
        load_queue(h, v);
    } else if (sel < NQ && off == CC_QSIZE) {
        vd.q[sel].size = v;
    } else if (sel < NQ && off == CC_QENABLE) {
        vd.q[sel].enable = v;
    } else if (sel < NQ && off >= CC_QDESC && off < CC_QDEVICE + 8) {
        uint64_t val = reg64(off & ~7u);
        if ((off & ~7u) == CC_QDESC) vd.q[sel].desc = val;
        else if ((off & ~7u) == CC_QDRIVER) vd.q[sel].drv = val;
        else vd.q[sel].dev = val;
    } else if (off >= 0x1000 && off < 0x2000) {
        vd.notifies++;
        if ((off - 0x1000) / 4 == 2 && vd.q[2].enable)
            serve();
    }
}

static void fail_at(uint64_t lba)
{
    vd.m.lu[0].fail_lba = lba;
    vd.m.lu[0].fail_key = 3;
    vd.m.lu[0].fail_asc = 0x11;
}
static void hang(void) { vd.m.hang = 1; }
static int requests(void) { return vd.m.commands; }

static struct vscsi_dev *dev_setup(uint16_t device)
{
    fake_pci_reset_all();
    fake_pci_init(&vfn, &vhost, 0x1AF4, device, 0x010000);
    scsi_model_free(&vd.m);
    memset(&vd, 0, sizeof vd);
    scsi_model_init(&vd.m);
    scsi_model_add(&vd.m, 0, 0, 512, 16384);
    scsi_model_add(&vd.m, 1, 2, 4096, 2048)->ua_pending = 1;
    vd.offered = VIRTIO_F_VERSION_1 | 0x0F; /* INOUT, HOTPLUG, CHANGE, T10_PI: none wanted */
    vhost.on_read = dev_read;
    vhost.on_write = dev_write;
    uint8_t common[14] = {14, 1, 4}, notify[18] = {18, 2, 4}, device_cfg[14] = {14, 4, 4};
    uint32_t o_notify = 0x1000, o_dev = 0x2000, mult = 4;
    memcpy(notify + 6, &o_notify, 4);
    memcpy(notify + 14, &mult, 4);
    memcpy(device_cfg + 6, &o_dev, 4);
    assert_true(fake_pci_add_cap(&vhost, 0x09, common, sizeof common));
    assert_true(fake_pci_add_cap(&vhost, 0x09, notify, sizeof notify));
    assert_true(fake_pci_add_cap(&vhost, 0x09, device_cfg, sizeof device_cfg));
    fake_set_reg(&vhost, 4, 0x2000, 4, 1);       /* num_queues */
    fake_set_reg(&vhost, 4, 0x2008, 4, 0xFFFF);  /* max_sectors */
    fake_set_reg(&vhost, 4, 0x200C, 4, 128);     /* cmd_per_lun */
    fake_set_reg(&vhost, 4, 0x2014, 4, 96);      /* sense_size */
    fake_set_reg(&vhost, 4, 0x2018, 4, 32);      /* cdb_size */
    fake_set_reg(&vhost, 4, 0x201E, 2, 7);       /* max_target */
    fake_set_reg(&vhost, 4, 0x2020, 4, 16383);   /* max_lun */
    for (int i = 0; i < NQ; i++)
        vd.q[i].size = DEVQ;
    return calloc(1, sizeof(struct vscsi_dev));
}

static void driver_io(void **state)
{
    (void)state;
    struct vscsi_dev *d = dev_setup(0x1048);
    assert_ptr_equal(blk_driver_for(&vfn), &virtio_scsi_driver);
    assert_int_equal(virtio_scsi_driver.start(d, &vfn), 0);
    assert_int_equal(vd.accepted, VIRTIO_F_VERSION_1);
    assert_true(vd.q[2].enable && !vd.q[0].enable && !vd.q[1].enable); /* request queue only */
    assert_int_equal(virtio_scsi_driver.units(d), 2);
    struct blk_unit u;
    memset(&u, 0, sizeof u);
    virtio_scsi_driver.describe(d, 1, &u);
    assert_true(u.addr.transport == PLAT_T_SCSI && u.addr.target == 1 && u.addr.lun == 2);
    assert_true(u.block_size == 4096 && u.blocks == 2048);
    assert_string_equal(u.api, "virtio-scsi");
    assert_int_equal(u.queue_depth, 85); /* 256 descriptors, 3 per command */
    int notes = vd.notifies, cmds = vd.m.commands;
    drv_check_depths(&virtio_scsi_driver, d, 0);
    drv_check_depths(&virtio_scsi_driver, d, 1);
    assert_true(vd.notifies - notes < (vd.m.commands - cmds) / 4); /* one notify per round */
    assert_int_equal(virtio_scsi_driver.flush(d, 0), 0);
    static const struct drv_faults f = {fail_at, hang, requests, SCSI_IO_TIMEOUT_S};
    drv_check_error_and_timeout(&virtio_scsi_driver, d, 0, &f);
    assert_non_null(strstr(virtio_scsi_driver.dead(d, 1), "device reset"));
    assert_int_equal(fake_reg(&vhost, 4, CC_STATUS, 1), 0); /* the device let go */
    virtio_scsi_driver.stop(d);
    assert_int_equal(vhost.dma_live, 0);
    free(d);
}

/* The firmware's modern driver had queue 2 running: after us it gets the same queue back,
 * emptied, and the device running with its features. */
static void hands_back_modern(void **state)
{
    (void)state;
    struct vscsi_dev *d = dev_setup(0x1048);
    static uint8_t fw_ring[3][4096] __attribute__((aligned(4096)));
    vd.accepted = VIRTIO_F_VERSION_1;
    vd.q[2].size = 128;
    vd.q[2].enable = 1;
    vd.q[2].desc = (uintptr_t)fw_ring[0];
    vd.q[2].drv = (uintptr_t)fw_ring[1];
    vd.q[2].dev = (uintptr_t)fw_ring[2];
    ((uint16_t *)fw_ring[1])[1] = 77; /* its avail and used indexes so far */
    ((uint16_t *)fw_ring[2])[1] = 77;
    fake_set_reg(&vhost, 4, CC_STATUS, 1, 0x0F);
    assert_int_equal(virtio_scsi_driver.start(d, &vfn), 0);
    assert_int_equal(vd.q[2].size, DEVQ); /* ours now */
    drv_check_depths(&virtio_scsi_driver, d, 0);
    virtio_scsi_driver.stop(d);
    assert_int_equal(fake_reg(&vhost, 4, CC_STATUS, 1), 0x0F);
    assert_int_equal(vd.accepted, VIRTIO_F_VERSION_1);
    assert_true(vd.q[2].enable && vd.q[2].size == 128 && vd.q[2].desc == (uintptr_t)fw_ring[0] &&
                vd.q[2].drv == (uintptr_t)fw_ring[1] && vd.q[2].dev == (uintptr_t)fw_ring[2]);
    assert_int_equal(((uint16_t *)fw_ring[1])[1], 0);
    assert_int_equal(((uint16_t *)fw_ring[2])[1], 0);
    assert_int_equal(vhost.dma_live, 0);
    free(d);
}

/* A transitional device the firmware runs through the legacy interface (Debian 12's OVMF). */
static void hands_back_legacy(void **state)
{
    (void)state;
    struct vscsi_dev *d = dev_setup(0x1004);
    /* legacy queue addresses are 32-bit page numbers: the rings must sit low */
    uint8_t *fw_ring = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
    assert_true(fw_ring != MAP_FAILED);
    uint32_t pfn = (uint32_t)((uintptr_t)fw_ring >> 12);
    assert_true((uint64_t)pfn << 12 == (uintptr_t)fw_ring); /* below 16 TiB */
    vd.q[2].pfn = pfn;
    vd.legacy_features = 0x3;
    fake_set_reg(&vhost, 0, L_GF, 4, 0x3);
    fake_set_reg(&vhost, 4, CC_STATUS, 1, 0x07); /* DRIVER_OK without FEATURES_OK: legacy */
    uint16_t *avail_idx = (uint16_t *)(fw_ring + 16 * DEVQ + 2);
    uint16_t *used_idx = (uint16_t *)(fw_ring + ((16 * DEVQ + 2 * (3 + DEVQ) + 4095) & ~4095) + 2);
    *avail_idx = *used_idx = 9;
    assert_int_equal(virtio_scsi_driver.start(d, &vfn), 0);
    assert_int_equal(vd.q[2].pfn, 0);
    drv_check_depths(&virtio_scsi_driver, d, 1);
    virtio_scsi_driver.stop(d);
    assert_int_equal(vd.q[2].pfn, pfn);
    assert_int_equal(vd.legacy_features, 0x3);
    assert_int_equal(fake_reg(&vhost, 0, L_STATUS, 1), 0x07);
    assert_true(*avail_idx == 0 && *used_idx == 0);
    munmap(fw_ring, 4 * 4096);
    free(d);

    d = dev_setup(0x1004); /* nothing running before us: plain reset at the end */
    assert_int_equal(virtio_scsi_driver.start(d, &vfn), 0);
    virtio_scsi_driver.stop(d);
    assert_int_equal(fake_reg(&vhost, 4, CC_STATUS, 1), 0);
    free(d);
}

static void refusals(void **state)
{
    (void)state;
    struct vscsi_dev *d = dev_setup(0x1048);
    vd.offered &= ~VIRTIO_F_VERSION_1;
    assert_int_equal(virtio_scsi_driver.start(d, &vfn), -1);
    assert_non_null(strstr(virtio_scsi_driver.why(d), "VERSION_1"));
    assert_int_equal(vhost.dma_live, 0);
    free(d);
    d = dev_setup(0x1048);
    vd.m.hang = 1; /* the first REPORT LUNS never answered: start fails in bounded time */
    assert_int_equal(virtio_scsi_driver.start(d, &vfn), -1);
    assert_non_null(strstr(virtio_scsi_driver.why(d), "did not complete within 2 s: device reset"));
    assert_int_equal(vhost.dma_live, 0);
    free(d);
    scsi_model_free(&vd.m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chains),
        cmocka_unit_test(responses_out_of_order),
        cmocka_unit_test(used_index_garbage),
        cmocka_unit_test(indexes_wrap),
        cmocka_unit_test(driver_io),
        cmocka_unit_test(hands_back_modern),
        cmocka_unit_test(hands_back_legacy),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
