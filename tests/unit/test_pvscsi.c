/* test_pvscsi.c - the PVSCSI driver (drivers/pvscsi.c) against a software model of the adapter
 * on tests/unit/fake_pci.c: SETUP_RINGS with several request and completion pages, the rings
 * wrapping many times, the completion ring never overrun at full depth, completions out of
 * order, READ/WRITE kicked on KickRwIo and the rest on KickNonRwIo, CHECK CONDITION with its
 * sense, absent targets, and a command that never completes (ABORT_CMD, adapter reset). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "drivers/pvscsi.h"
#include "kernel/platform.h"
#include "tests/unit/drv_check.h"
#include "tests/unit/fake_pci.h"
#include "tests/unit/scsi_model.h"

enum { IN_ORDER, REVERSE };

/* The adapter model: its command register protocol, the rings as the device walks them. */
static struct {
    uint32_t cmd, ndata, data[160];
    int rings_ok;
    struct pvscsi_rings_state *rs;
    uint64_t req_pa[32], cmp_pa[32];
    uint32_t req_pages, cmp_pages, req_mask, cmp_mask;
    uint32_t consumed, filled;
    struct pvscsi_req held[1024];
    int nheld, order, deferred;
    int resets, aborts, kicks_rw, kicks_other, rw_on_other_kick, requests, overflow;
    uint32_t intr_mask, most_in_flight, req_pages_seen, cmp_pages_seen;
} pm;
static uint32_t cmp_entries_cap; /* a device that uses fewer completion entries than offered */
static struct scsi_model sm;
static struct scsi_model_lu *l0, *l1;
static struct pci_fn fn;
static struct pci_host host;

static void post(const struct pvscsi_req *q, uint16_t host_status, uint16_t scsi_status, uint32_t sense_len)
{
    if (pm.filled - pm.rs->cmp_cons >= pm.cmp_mask + 1)
        pm.overflow++; /* the driver let more be in flight than the completion ring holds */
    uint32_t i = pm.filled & pm.cmp_mask, per = 4096 / sizeof(struct pvscsi_cmp);
    struct pvscsi_cmp *e = (struct pvscsi_cmp *)(uintptr_t)pm.cmp_pa[i / per] + i % per;
    memset(e, 0, sizeof *e);
    e->context = q->context;
    e->host_status = host_status;
    e->scsi_status = scsi_status;
    e->sense_len = sense_len;
    pm.cmp_pages_seen |= 1u << (i / per);
    pm.filled++;
    pm.rs->cmp_prod = pm.filled;
}

/* Execute a request on the logical units and complete it, as QEMU does: a short transfer is
 * DATARUN with no byte count, an absent target a selection timeout. */
static void complete(const struct pvscsi_req *q)
{
    struct scsi_cmd c;
    struct scsi_result r;
    memset(&c, 0, sizeof c);
    c.target = q->target;
    c.lun = q->lun[1];
    memcpy(c.cdb, q->cdb, 16);
    c.cdb_len = q->cdb_len;
    c.dir = q->flags & PVSCSI_F_DIR_TOHOST ? SCSI_DIR_IN : q->flags & PVSCSI_F_DIR_TODEVICE ? SCSI_DIR_OUT : SCSI_DIR_NONE;
    c.len = (uint32_t)q->data_len;
    c.buf_dev = q->data_addr;
    if (scsi_model_exec(&sm, &c, &r))
        return; /* taken, never answered */
    if (r.host == SCSI_HOST_NO_TARGET) {
        post(q, PVSCSI_BT_SELTIMEO, 0, 0);
        return;
    }
    uint32_t n = r.sense_len < q->sense_len ? r.sense_len : q->sense_len;
    if (r.status == SCSI_CHECK_CONDITION)
        memcpy((void *)(uintptr_t)q->sense_addr, r.sense, n);
    post(q, r.residual ? PVSCSI_BT_DATARUN : PVSCSI_BT_SUCCESS, r.status,
         r.status == SCSI_CHECK_CONDITION ? n : 0);
}

static void complete_held(void)
{
    for (int i = 0; i < pm.nheld; i++)
        complete(&pm.held[pm.order == REVERSE ? pm.nheld - 1 - i : i]);
    pm.nheld = 0;
}

static int is_rw(uint8_t op) { return op == 0x28 || op == 0x2A || op == 0x88 || op == 0x8A; }

static void kick(int rw)
{
    rw ? pm.kicks_rw++ : pm.kicks_other++;
    assert_true(pm.rings_ok);
    uint32_t per = 4096 / sizeof(struct pvscsi_req);
    while (pm.rs->req_prod != pm.consumed) {
        uint32_t i = pm.consumed & pm.req_mask;
        pm.held[pm.nheld] = ((struct pvscsi_req *)(uintptr_t)pm.req_pa[i / per])[i % per];
        pm.req_pages_seen |= 1u << (i / per);
        if (!rw && is_rw(pm.held[pm.nheld].cdb[0]))
            pm.rw_on_other_kick++;
        pm.nheld++;
        pm.requests++;
        pm.consumed++;
        pm.rs->req_cons = pm.consumed;
        if (pm.consumed - pm.rs->cmp_cons > pm.most_in_flight)
            pm.most_in_flight = pm.consumed - pm.rs->cmp_cons;
    }
    if (!pm.deferred)
        complete_held();
}

static int log2u(uint32_t v) { int l = 0; while ((1u << l) < v) l++; return l; }

static int setup_rings(void)
{
    uint32_t rp = pm.data[0], cp = pm.data[1];
    if (!rp || rp > 32 || !cp || cp > 32 || (rp & (rp - 1)) || (cp & (cp - 1)))
        return -1;
    pm.rs = (struct pvscsi_rings_state *)(uintptr_t)(((uint64_t)pm.data[3] << 32 | pm.data[2]) << 12);
    for (uint32_t i = 0; i < 32; i++) {
        pm.req_pa[i] = ((uint64_t)pm.data[5 + 2 * i] << 32 | pm.data[4 + 2 * i]) << 12;
        pm.cmp_pa[i] = ((uint64_t)pm.data[69 + 2 * i] << 32 | pm.data[68 + 2 * i]) << 12;
    }
    pm.req_pages = rp;
    pm.cmp_pages = cp;
    pm.req_mask = rp * 32 - 1;
    pm.cmp_mask = cp * 128 - 1;
    if (cmp_entries_cap && cmp_entries_cap < pm.cmp_mask + 1)
        pm.cmp_mask = cmp_entries_cap - 1;
    pm.consumed = pm.filled = 0;
    memset(pm.rs, 0, sizeof *pm.rs);
    pm.rs->req_log2 = (uint32_t)log2u(rp * 32);
    pm.rs->cmp_log2 = (uint32_t)log2u(pm.cmp_mask + 1);
    pm.rings_ok = 1;
    return 0;
}

static void command(void)
{
    static const uint32_t need[] = {0, 0, 0, 132, 0, 3, 4};
    uint32_t n = pm.cmd < 7 ? need[pm.cmd] : 0;
    int32_t status = -2;
    if (pm.ndata < n)
        goto out;
    status = 0;
    if (pm.cmd == PVSCSI_CMD_ADAPTER_RESET) {
        pm.resets++;
        pm.nheld = 0;
        pm.rings_ok = 0;
    } else if (pm.cmd == PVSCSI_CMD_SETUP_RINGS) {
        status = setup_rings();
    } else if (pm.cmd == PVSCSI_CMD_ABORT_CMD) {
        pm.aborts++;
    } else {
        status = -1;
    }
    pm.cmd = 0;
    pm.ndata = 0;
out:
    fake_set_reg(&host, 0, PVSCSI_R_COMMAND_STATUS, 4, (uint32_t)status);
}

static void pv_write(struct pci_host *h, int bar, uint32_t off, int width, uint32_t v)
{
    (void)h;
    assert_int_equal(width, 4);
    assert_int_equal(bar, 0);
    switch (off) {
    case PVSCSI_R_COMMAND: pm.cmd = v; pm.ndata = 0; command(); break;
    case PVSCSI_R_COMMAND_DATA:
        if (pm.ndata < 160)
            pm.data[pm.ndata++] = v;
        command();
        break;
    case PVSCSI_R_INTR_MASK: pm.intr_mask = v; break;
    case PVSCSI_R_KICK_RW: kick(1); break;
    case PVSCSI_R_KICK_NON_RW: kick(0); break;
    default: break;
    }
}

static void pv_tick(struct pci_host *h)
{
    (void)h;
    if (pm.deferred && pm.rings_ok)
        complete_held();
}

static void fail_at(uint64_t lba) { l0->fail_lba = lba; }
static void hang(void) { sm.hang = 1; }
static int requests(void) { return pm.requests; }

static struct pvscsi_dev *start(void)
{
    fake_pci_reset_all();
    fake_pci_init(&fn, &host, 0x15AD, 0x07C0, 0x010000);
    host.on_write = pv_write;
    host.tick = pv_tick;
    memset(&pm, 0, sizeof pm);
    pm.intr_mask = 0xFF;
    scsi_model_free(&sm);
    scsi_model_init(&sm);
    l0 = scsi_model_add(&sm, 0, 0, 512, 2048);
    l0->fail_key = 3;    /* MEDIUM ERROR */
    l0->fail_asc = 0x11; /* unrecovered read error */
    l1 = scsi_model_add(&sm, 2, 0, 4096, 256);
    struct pvscsi_dev *d = calloc(1, pvscsi_driver.size);
    assert_ptr_equal(blk_driver_for(&fn), &pvscsi_driver);
    assert_int_equal(pvscsi_driver.start(d, &fn), 0);
    return d;
}

static void stop(struct pvscsi_dev *d)
{
    int resets = pm.resets;
    pvscsi_driver.stop(d);
    assert_int_equal(pm.resets, resets + 1); /* handed back reset: no rings left set up */
    assert_int_equal(host.dma_live, 0);
    free(d);
}

static void rings_scan_and_wrap(void **state)
{
    (void)state;
    struct pvscsi_dev *d = start();
    assert_int_equal(pm.req_pages, PVSCSI_REQ_PAGES);
    assert_int_equal(pm.cmp_pages, PVSCSI_CMP_PAGES);
    assert_int_equal(pm.intr_mask, 0);           /* interrupts masked: polled */
    assert_int_equal(pvscsi_driver.units(d), 2); /* 64 targets asked, 62 selection timeouts */
    struct blk_unit u;
    memset(&u, 0, sizeof u);
    pvscsi_driver.describe(d, 1, &u);
    assert_string_equal(u.api, "pvscsi");
    assert_int_equal(u.addr.transport, PLAT_T_SCSI);
    assert_int_equal(u.addr.target, 2);
    assert_int_equal(u.block_size, 4096);
    assert_string_equal(u.vendor, "MODEL");
    assert_int_equal(pm.rw_on_other_kick, 0);
    assert_true(pm.kicks_other > 0);              /* discovery: KickNonRwIo */
    int rw_kicks = pm.kicks_rw;
    drv_check_depths(&pvscsi_driver, d, 1);       /* 2048 commands: the 256-entry rings wrap 8 times */
    assert_true(pm.kicks_rw > rw_kicks);
    assert_int_equal(pm.rw_on_other_kick, 0);     /* READ/WRITE always on KickRwIo */
    assert_true(pm.consumed > 8u * 256);
    assert_int_equal(pm.req_pages_seen, 0xFF);    /* every request page used */
    assert_int_equal(pm.cmp_pages_seen, 0x3);     /* both completion pages */
    for (uint64_t i = 0; i < l0->blocks * l0->block_size; i++)
        assert_int_equal(l0->data[i], 0);         /* nothing reached the other target */
    stop(d);
}

static void full_depth_out_of_order(void **state)
{
    (void)state;
    struct pvscsi_dev *d = start();
    pm.deferred = 1;
    pm.order = REVERSE;
    assert_int_equal(pvscsi_driver.max_qd(d, 0, 512), 256);
    static uint8_t buf[512] __attribute__((aligned(4096)));
    static uint64_t lba[700];
    void *bufs[700];
    for (int i = 0; i < 700; i++) {
        lba[i] = (uint64_t)(i * 7) % 2048;
        bufs[i] = buf;
    }
    assert_int_equal(pvscsi_driver.rw(d, 0, 0, 256, lba, 700, 512, bufs, NULL), 0);
    assert_int_equal(pm.most_in_flight, 256);     /* as deep as the rings allow */
    assert_int_equal(pm.overflow, 0);             /* and never deeper than the completion ring */
    drv_check_depths(&pvscsi_driver, d, 0);       /* newest first: data still where it belongs */
    stop(d);
}

/* The rings-state page says how many completion entries the device uses: never more in flight. */
static void device_ring_size_respected(void **state)
{
    (void)state;
    cmp_entries_cap = 64;
    struct pvscsi_dev *d = start();
    cmp_entries_cap = 0;
    pm.deferred = 1;
    assert_int_equal(pvscsi_driver.max_qd(d, 0, 512), 64);
    static uint8_t buf[512] __attribute__((aligned(4096)));
    static uint64_t lba[300];
    void *bufs[300];
    for (int i = 0; i < 300; i++) {
        lba[i] = (uint64_t)i;
        bufs[i] = buf;
    }
    assert_int_equal(pvscsi_driver.rw(d, 0, 0, 200, lba, 300, 512, bufs, NULL), 0);
    assert_int_equal(pm.most_in_flight, 64);
    assert_int_equal(pm.overflow, 0);
    stop(d);
}

static void check_condition_sense(void **state)
{
    (void)state;
    struct pvscsi_dev *d = start();
    static uint8_t buf[4096] __attribute__((aligned(4096)));
    void *bufs[1] = {buf};
    uint64_t lba = 24;
    l0->fail_lba = 24;
    assert_int_equal(pvscsi_driver.rw(d, 0, 0, 1, &lba, 1, 4096, bufs, NULL), PLAT_IO_ERROR);
    const char *e = pvscsi_driver.last_error(d, 0);
    assert_non_null(e);
    assert_non_null(strstr(e, "MEDIUM ERROR"));   /* the sense the adapter wrote, decoded */
    assert_non_null(strstr(e, "11/00"));
    assert_null(pvscsi_driver.dead(d, 0));
    stop(d);
}

static int reaped;
static void count_done(void *arg, int tag, const struct scsi_result *r) { (void)arg; (void)tag; (void)r; reaped++; }

/* A completion producer index more than a ring ahead of the consumer (a broken device): the reap
 * reads no entry, reports nothing and returns at once, rather than walking 2^32 stale entries. */
static void garbage_producer(void **state)
{
    (void)state;
    struct pvscsi_dev *d = start();
    uint32_t cons = d->cons;
    pm.rs->cmp_prod = cons - 1;
    reaped = 0;
    assert_int_equal(d->host.hba.ops->reap(d, count_done, NULL), 0);
    assert_int_equal(reaped, 0);
    assert_int_equal(d->cons, cons);
    pm.rs->cmp_prod = cons + d->cmp_entries + 1;
    assert_int_equal(d->host.hba.ops->reap(d, count_done, NULL), 0);
    assert_int_equal(d->cons, cons);
    pm.rs->cmp_prod = cons; /* sane again: I/O works */
    pm.filled = cons;
    static uint8_t buf[4096] __attribute__((aligned(4096)));
    void *bufs[1] = {buf};
    uint64_t lba = 0;
    assert_int_equal(pvscsi_driver.rw(d, 0, 0, 1, &lba, 1, 4096, bufs, NULL), 0);
    stop(d);
}

static void never_completes(void **state)
{
    (void)state;
    struct pvscsi_dev *d = start();
    static const struct drv_faults faults = {fail_at, hang, requests, SCSI_IO_TIMEOUT_S};
    int resets = pm.resets;
    drv_check_error_and_timeout(&pvscsi_driver, d, 0, &faults);
    assert_true(pm.aborts >= 1);                  /* ABORT_CMD for what was in flight */
    assert_int_equal(pm.resets, resets + 1);      /* then the adapter reset */
    assert_non_null(strstr(pvscsi_driver.dead(d, 0), "adapter reset"));
    stop(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rings_scan_and_wrap),
        cmocka_unit_test(full_depth_out_of_order),
        cmocka_unit_test(device_ring_size_respected),
        cmocka_unit_test(check_condition_sense),
        cmocka_unit_test(never_completes),
        cmocka_unit_test(garbage_producer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
