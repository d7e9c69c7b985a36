/* test_mpt.c - the Fusion-MPT driver (drivers/mpt.c) against a software model of an IOC on
 * tests/unit/fake_pci.c: the doorbell handshake (IOC_FACTS, PORT_FACTS, IOC_INIT, PORT_ENABLE,
 * each reply word read only once the IOC says it is there), SCSI_IO frames from the request
 * FIFO with their SGE checked, context-only replies on success and full reply frames from the
 * free list on error (frames given back), the FIFOs wrapping, completions out of order, a LUN
 * above 0, the IOC's own id never addressed, and a command that never completes (IOC reset). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "drivers/mpt.h"
#include "kernel/platform.h"
#include "tests/unit/drv_check.h"
#include "tests/unit/fake_pci.h"
#include "tests/unit/scsi_model.h"

#define FIFO 128
#define CREDITS 64

enum { IN_ORDER, REVERSE };
enum { DB_NONE, DB_WRITE, DB_READ };

static struct {
    uint32_t state, his, him;
    int db, want, nmsg, rwords, ridx;
    uint32_t msg[64];
    uint16_t reply[64];
    uint32_t hi, sense_hi, who_init, max_devices, reply_frame_size;
    int port_enabled;
    uint32_t freeq[FIFO], postq[FIFO];
    int nfree, fhead, npost, phead;
    uint32_t held[1024];
    int nheld, order, deferred;
    int resets, requests, turbo, full, proto_err, bad_sge, faults, in_flight, most_in_flight;
    uint32_t targets_seen;
} mm;
static struct scsi_model sm;
static struct scsi_model_lu *l0, *l1;
static struct pci_fn fn;
static struct pci_host host;

static void set_reply(const uint8_t *bytes, int dwords)
{
    memcpy(mm.reply, bytes, (size_t)dwords * 4);
    mm.rwords = dwords * 2;
    mm.ridx = 0;
    mm.db = DB_READ;
    mm.his |= MPT_HIS_DOORBELL;
}

/* A message that came through the handshake; its reply goes back the same way. */
static void handshake_msg(void)
{
    uint8_t r[80];
    int fn_code = (int)(mm.msg[0] >> 24), len = 5;
    memset(r, 0, sizeof r);
    r[3] = (uint8_t)fn_code;
    switch (fn_code) {
    case MPT_FN_IOC_FACTS:
        len = 20;
        r[0] = 0x05; r[1] = 0x01;                 /* MsgVersion 1.05 */
        r[0x18] = FIFO - 1;                        /* ReplyQueueDepth */
        r[0x1A] = 32;                              /* RequestFrameSize: 32 dwords */
        r[0x24] = CREDITS;                         /* GlobalCredits */
        r[0x2E] = 8;                               /* MaxDevices */
        r[0x2F] = 1;
        break;
    case MPT_FN_PORT_FACTS:
        len = 10;
        r[0x15] = 0x30;                            /* SAS */
        r[0x16] = 8;
        r[0x18] = 7;                               /* PortSCSIID: the IOC itself */
        break;
    case MPT_FN_IOC_INIT:
        mm.who_init = mm.msg[0] & 0xFF;
        mm.max_devices = mm.msg[1] >> 8 & 0xFF;
        mm.reply_frame_size = mm.msg[3] & 0xFFFF;
        mm.hi = mm.msg[4];
        mm.sense_hi = mm.msg[5];
        mm.state = MPT_STATE_OPERATIONAL;
        break;
    case MPT_FN_PORT_ENABLE:
        mm.port_enabled = mm.state == MPT_STATE_OPERATIONAL;
        break;
    default:
        r[14] = 1; /* INVALID_FUNCTION */
        break;
    }
    r[2] = (uint8_t)len;
    set_reply(r, len);
}

static void post(uint32_t w)
{
    assert_true(mm.npost < FIFO);
    mm.postq[(mm.phead + mm.npost++) % FIFO] = w;
    mm.his |= MPT_HIS_REPLY;
    mm.in_flight--;
}

/* Execute one SCSI_IO frame; GOOD with everything moved is a context-only reply, anything
 * else a full reply in a frame from the free list, as QEMU's mptsas does. */
static void complete(uint32_t low)
{
    struct mpt_scsi_io *m = (struct mpt_scsi_io *)(uintptr_t)((uint64_t)mm.hi << 32 | low);
    uint32_t fl = m->sge_flags_len;
    int out = (m->control & 0x03000000u) == MPT_CTL_WRITE;
    if (m->function != MPT_FN_SCSI_IO || (fl & 0xFF000000u & ~MPT_SGE_HOST_TO_IOC) != MPT_SGE_SIMPLE64_LAST ||
        !!(fl & MPT_SGE_HOST_TO_IOC) != out || (fl & 0xFFFFFF) != m->data_len || m->sense_len < 18)
        mm.bad_sge++;
    mm.targets_seen |= 1u << m->target;
    struct scsi_cmd c;
    struct scsi_result r;
    memset(&c, 0, sizeof c);
    c.target = m->target;
    c.lun = m->lun[1];
    memcpy(c.cdb, m->cdb, 16);
    c.cdb_len = m->cdb_len;
    c.dir = out ? SCSI_DIR_OUT : m->control & MPT_CTL_READ ? SCSI_DIR_IN : SCSI_DIR_NONE;
    c.len = m->data_len;
    c.buf_dev = ((uint64_t)m->sge_addr_high << 32 | m->sge_addr_low);
    if (scsi_model_exec(&sm, &c, &r))
        return; /* taken, never answered */
    if (r.host == SCSI_HOST_OK && r.status == SCSI_GOOD && !r.residual) {
        mm.turbo++;
        post(m->context);
        return;
    }
    if (!mm.nfree) {
        mm.faults++;
        return;
    }
    uint32_t at = mm.freeq[mm.fhead];
    mm.fhead = (mm.fhead + 1) % FIFO;
    mm.nfree--;
    struct mpt_scsi_reply *e = (struct mpt_scsi_reply *)(uintptr_t)((uint64_t)mm.hi << 32 | at);
    memset(e, 0, sizeof *e);
    e->msg_len = sizeof *e / 4;
    e->context = m->context;
    e->target = m->target;
    if (r.host == SCSI_HOST_NO_TARGET) {
        e->ioc_status = MPT_IOC_NOT_THERE;
        e->scsi_state = 0x04; /* no SCSI status */
    } else {
        e->scsi_status = r.status;
        e->ioc_status = MPT_IOC_UNDERRUN;
        e->transfer_count = c.len - r.residual;
        if (r.status == SCSI_CHECK_CONDITION) {
            e->scsi_state = MPT_STATE_AUTOSENSE;
            e->sense_count = r.sense_len;
            memcpy((void *)(uintptr_t)((uint64_t)mm.sense_hi << 32 | m->sense_low), r.sense,
                   r.sense_len < m->sense_len ? r.sense_len : m->sense_len);
        }
    }
    mm.full++;
    post(MPT_REPLY_ADDRESS | at >> 1);
}

static void complete_held(void)
{
    for (int i = 0; i < mm.nheld; i++)
        complete(mm.held[mm.order == REVERSE ? mm.nheld - 1 - i : i]);
    mm.nheld = 0;
}

static void msg_unit_reset(void)
{
    mm.resets++;
    mm.nheld = mm.nfree = mm.npost = 0;
    mm.db = DB_NONE;
    mm.state = MPT_STATE_READY;
    mm.in_flight = 0;
}

static void ioc_write(struct pci_host *h, int bar, uint32_t off, int width, uint32_t v)
{
    (void)h;
    assert_int_equal(width, 4);
    assert_int_equal(bar, 1);
    switch (off) {
    case MPT_R_DOORBELL:
        if (mm.db == DB_WRITE) {
            if (mm.nmsg < 64)
                mm.msg[mm.nmsg++] = v;
            if (mm.nmsg == mm.want)
                handshake_msg();
        } else if (v >> 24 == MPT_FN_MSG_UNIT_RESET) {
            msg_unit_reset();
        } else if (v >> 24 == MPT_FN_HANDSHAKE) {
            mm.db = DB_WRITE;
            mm.want = (int)(v >> 16 & 0xFF);
            mm.nmsg = 0;
            mm.his |= MPT_HIS_DOORBELL;
        }
        break;
    case MPT_R_HIS:
        if (mm.db == DB_READ) {
            if (mm.ridx == mm.rwords)
                mm.db = DB_NONE; /* the interrupt stays up until the next write */
        } else {
            mm.his &= ~MPT_HIS_DOORBELL;
        }
        break;
    case MPT_R_HIM: mm.him = v; break;
    case MPT_R_REQ_FIFO:
        assert_int_equal(mm.state, MPT_STATE_OPERATIONAL);
        mm.held[mm.nheld++] = v;
        mm.requests++;
        if (++mm.in_flight > mm.most_in_flight)
            mm.most_in_flight = mm.in_flight;
        if (!mm.deferred)
            complete_held();
        break;
    case MPT_R_REPLY_FIFO:
        assert_true(mm.nfree < FIFO - 1);
        mm.freeq[(mm.fhead + mm.nfree++) % FIFO] = v;
        break;
    default: break;
    }
}

static void ioc_read(struct pci_host *h, int bar, uint32_t off, int width)
{
    (void)h;
    (void)width;
    assert_int_equal(bar, 1);
    uint32_t v = 0;
    switch (off) {
    case MPT_R_DOORBELL:
        v = mm.state | (mm.db != DB_NONE ? MPT_DB_ACTIVE : 0);
        if (mm.db == DB_READ && mm.ridx < mm.rwords) {
            if (!(mm.his & MPT_HIS_DOORBELL))
                mm.proto_err++; /* read before the IOC said a word is there */
            v = (v & 0xFFFF0000u) | mm.reply[mm.ridx++];
        }
        break;
    case MPT_R_HIS: v = mm.his; break;
    case MPT_R_HIM: v = mm.him; break;
    case MPT_R_REPLY_FIFO:
        if (mm.npost) {
            v = mm.postq[mm.phead];
            mm.phead = (mm.phead + 1) % FIFO;
            mm.npost--;
        } else {
            v = 0xFFFFFFFF;
            mm.his &= ~MPT_HIS_REPLY;
        }
        break;
    default: return;
    }
    fake_set_reg(&host, 1, off, 4, v);
}

static void ioc_tick(struct pci_host *h)
{
    (void)h;
    if (mm.deferred)
        complete_held();
}

static void fail_at(uint64_t lba) { l0->fail_lba = lba; }
static void hang(void) { sm.hang = 1; }
static int requests(void) { return mm.requests; }

static struct mpt_dev *start(void)
{
    fake_pci_reset_all();
    fake_pci_init(&fn, &host, 0x1000, 0x0054, 0x010000); /* SAS1068 */
    host.cfg[0x10] = 1;                                    /* BAR 0: I/O; BAR 1: memory */
    host.bar_io[0] = 1;
    host.on_write = ioc_write;
    host.on_read = ioc_read;
    host.tick = ioc_tick;
    memset(&mm, 0, sizeof mm);
    mm.state = MPT_STATE_READY;
    scsi_model_free(&sm);
    scsi_model_init(&sm);
    l0 = scsi_model_add(&sm, 0, 0, 512, 2048);
    l0->fail_key = 3;    /* MEDIUM ERROR */
    l0->fail_asc = 0x11; /* unrecovered read error */
    l1 = scsi_model_add(&sm, 1, 1, 4096, 256); /* target 1, LUN 1 */
    struct mpt_dev *d = calloc(1, mpt_driver.size);
    assert_ptr_equal(blk_driver_for(&fn), &mpt_driver);
    int rc = mpt_driver.start(d, &fn);
    if (rc)
        print_message("start: %s\n", mpt_driver.why(d));
    assert_int_equal(rc, 0);
    return d;
}

static void stop(struct mpt_dev *d)
{
    int resets = mm.resets;
    mpt_driver.stop(d);
    assert_int_equal(mm.resets, resets + 1); /* handed back reset: READY, FIFOs empty */
    assert_int_equal(mm.state, MPT_STATE_READY);
    assert_int_equal(host.dma_live, 0);
    free(d);
}

static void handshake_init_and_fifos(void **state)
{
    (void)state;
    struct mpt_dev *d = start();
    assert_int_equal(mm.proto_err, 0);
    assert_int_equal(mm.who_init, 0x04);          /* host driver */
    assert_int_equal(mm.reply_frame_size, MPT_REPLY_BYTES);
    assert_int_equal(mm.max_devices, 8);
    assert_true(mm.port_enabled);
    assert_int_equal(mm.him, MPT_HIS_DOORBELL | MPT_HIS_REPLY); /* both interrupts masked */
    assert_int_equal(mm.nfree, CREDITS - 1);      /* a free reply frame per tag */
    assert_int_equal(mpt_driver.max_qd(d, 0, 4096), CREDITS - 1);
    assert_int_equal(mpt_driver.units(d), 2);
    assert_int_equal(mm.targets_seen & 0x80, 0); /* the IOC's own id (7) never addressed */
    assert_int_equal(mm.targets_seen & 0x7F, 0x7F);
    struct blk_unit u;
    memset(&u, 0, sizeof u);
    mpt_driver.describe(d, 1, &u);
    assert_string_equal(u.api, "mpt");
    assert_int_equal(u.addr.target, 1);
    assert_int_equal(u.addr.lun, 1);              /* a LUN above 0 */
    assert_int_equal(u.block_size, 4096);
    int turbo = mm.turbo, full = mm.full;
    drv_check_depths(&mpt_driver, d, 1);          /* 2048 commands through 128-entry FIFOs */
    assert_int_equal(mm.turbo - turbo, 2 * 32 * 32); /* every success a context-only reply */
    assert_int_equal(mm.full, full);
    assert_int_equal(mm.bad_sge, 0);
    assert_int_equal(mm.faults, 0);
    for (uint64_t i = 0; i < l0->blocks * l0->block_size; i++)
        assert_int_equal(l0->data[i], 0);         /* nothing reached the other unit */
    stop(d);
}

static void error_reply_frame_and_sense(void **state)
{
    (void)state;
    struct mpt_dev *d = start();
    static uint8_t buf[4096] __attribute__((aligned(4096)));
    void *bufs[1] = {buf};
    uint64_t lba = 40;
    l0->fail_lba = 40;
    int full = mm.full;
    assert_int_equal(mpt_driver.rw(d, 0, 0, 1, &lba, 1, 4096, bufs, NULL), PLAT_IO_ERROR);
    assert_int_equal(mm.full, full + 1);          /* a full reply frame */
    assert_int_equal(mm.nfree, CREDITS - 1);      /* and the frame given back */
    const char *e = mpt_driver.last_error(d, 0);
    assert_non_null(e);
    assert_non_null(strstr(e, "MEDIUM ERROR"));
    assert_non_null(strstr(e, "11/00"));
    l0->fail_lba = UINT64_MAX;
    assert_int_equal(mpt_driver.rw(d, 0, 0, 1, &lba, 1, 4096, bufs, NULL), 0);
    stop(d);
}

static int reaped;
static void count_done(void *arg, int tag, const struct scsi_result *r) { (void)arg; (void)tag; (void)r; reaped++; }

/* Reply FIFO words naming nothing of ours (a broken IOC): reply addresses outside the frame pool,
 * between frames, a frame holding a context not in flight; context-only words for tags not in
 * flight.  None is reported, read beyond the pool or given back to the free list. */
static void garbage_replies(void **state)
{
    (void)state;
    struct mpt_dev *d = start();
    uint32_t base = (uint32_t)d->replies_dev, end = base + (uint32_t)d->depth * MPT_REPLY_BYTES;
    memset(d->replies, 0, MPT_REPLY_BYTES); /* frame 0 holds context 0: no tag */
    uint32_t words[] = {MPT_REPLY_ADDRESS | (base - MPT_REPLY_BYTES) >> 1, MPT_REPLY_ADDRESS | end >> 1,
                        MPT_REPLY_ADDRESS | (base + 8) >> 1, MPT_REPLY_ADDRESS | 0, MPT_REPLY_ADDRESS | 0x7FFFFFFEu,
                        MPT_REPLY_ADDRESS | base >> 1, 0, 5, (uint32_t)d->depth + 1, 0x7FFFFFFEu};
    int nfree = mm.nfree;
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        mm.postq[(mm.phead + mm.npost++) % FIFO] = words[i];
        mm.in_flight++; /* post() counts a reply as a completion; these are none */
    }
    reaped = 0;
    assert_int_equal(d->host.hba.ops->reap(d, count_done, NULL), 0);
    assert_int_equal(reaped, 0);
    assert_int_equal(mm.nfree, nfree + 1); /* only frame 0, ours, given back */
    assert_int_equal(mm.freeq[(mm.fhead + mm.nfree - 1) % FIFO], base);
    static uint8_t buf[4096] __attribute__((aligned(4096)));
    void *bufs[1] = {buf};
    uint64_t lba = 0;
    assert_int_equal(mpt_driver.rw(d, 0, 0, 1, &lba, 1, 4096, bufs, NULL), 0); /* still works */
    stop(d);
}

static void deep_and_out_of_order(void **state)
{
    (void)state;
    struct mpt_dev *d = start();
    mm.deferred = 1;
    mm.order = REVERSE;
    static uint8_t buf[512] __attribute__((aligned(4096)));
    static uint64_t lba[500];
    void *bufs[500];
    for (int i = 0; i < 500; i++) {
        lba[i] = (uint64_t)(i * 5) % 2048;
        bufs[i] = buf;
    }
    assert_int_equal(mpt_driver.rw(d, 0, 0, CREDITS - 1, lba, 500, 512, bufs, NULL), 0);
    assert_int_equal(mm.most_in_flight, CREDITS - 1);
    drv_check_depths(&mpt_driver, d, 0);
    assert_int_equal(mm.faults, 0);
    stop(d);
}

static void never_completes(void **state)
{
    (void)state;
    struct mpt_dev *d = start();
    static const struct drv_faults faults = {fail_at, hang, requests, SCSI_IO_TIMEOUT_S};
    int resets = mm.resets;
    drv_check_error_and_timeout(&mpt_driver, d, 0, &faults);
    assert_int_equal(mm.resets, resets + 1);      /* the IOC message unit reset */
    assert_non_null(strstr(mpt_driver.dead(d, 0), "message unit reset"));
    stop(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(handshake_init_and_fifos),
        cmocka_unit_test(error_reply_frame_and_sense),
        cmocka_unit_test(deep_and_out_of_order),
        cmocka_unit_test(never_completes),
        cmocka_unit_test(garbage_replies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
