/* test_scsi.c - the shared SCSI layer (drivers/scsi.c) against the software target
 * tests/unit/scsi_model.c behind a minimal in-memory controller that completes commands out of
 * order: discovery (REPORT LUNS, INQUIRY, READ CAPACITY(16) and its (10) fallback, VPD serial,
 * write protect, an adapter id skipped), reads and writes at depth 1..32 through the driver-table
 * calls, sense decoding (fixed and descriptor), CHECK CONDITION recorded with key/ASC/ASCQ,
 * UNIT ATTENTION and BUSY retried, SYNCHRONIZE CACHE refused, and commands that never complete
 * (bounded, controller reset, the unit dead). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/scsi.h"
#include "kernel/platform.h"
#include "tests/unit/drv_check.h"
#include "tests/unit/fake_pci.h"
#include "tests/unit/scsi_model.h"

#define TAGS 48

/* The controller: submitted commands wait for kick, then for the clock; completed newest first. */
struct hba {
    struct scsi_host host;     /* first, as every controller driver's state */
    struct scsi_model m;
    struct scsi_cmd cmd[TAGS];
    int queued[TAGS], visible[TAGS];
    int resets, kicks, max_inflight, inflight;
};

static struct hba *H;
static struct pci_fn fn;
static struct pci_host ph;

static int h_submit(void *ctx, int tag, const struct scsi_cmd *c)
{
    struct hba *h = ctx;
    assert_true(tag >= 0 && tag < TAGS);
    assert_false(h->queued[tag]); /* never a tag in flight */
    h->cmd[tag] = *c;
    h->queued[tag] = 1;
    if (++h->inflight > h->max_inflight)
        h->max_inflight = h->inflight;
    return 0;
}

static void h_kick(void *ctx)
{
    struct hba *h = ctx;
    h->kicks++;
    for (int t = 0; t < TAGS; t++)
        h->visible[t] = h->queued[t];
}

static int h_reap(void *ctx, scsi_done_fn done, void *arg)
{
    struct hba *h = ctx;
    int got = 0;
    for (int t = TAGS - 1; t >= 0; t--) { /* out of order: highest tag first */
        if (!h->visible[t])
            continue;
        struct scsi_result r;
        if (scsi_model_exec(&h->m, &h->cmd[t], &r)) {
            h->m.commands--; /* a hung command is counted once, when taken */
            h->m.ops[h->cmd[t].cdb[0]]--;
            continue;
        }
        h->queued[t] = h->visible[t] = 0;
        h->inflight--;
        got++;
        done(arg, t, &r);
    }
    return got;
}

static int h_reset(void *ctx, char *what, size_t n)
{
    struct hba *h = ctx;
    h->resets++;
    memset(h->queued, 0, sizeof h->queued);
    memset(h->visible, 0, sizeof h->visible);
    h->inflight = 0;
    strncpy(what, "model adapter reset", n - 1);
    return 0;
}

static int h_max_tags(void *ctx, uint32_t bytes)
{
    (void)ctx;
    (void)bytes;
    return TAGS;
}

static const struct scsi_hba_ops hops = {h_submit, h_kick, h_reap, h_reset, h_max_tags};
static int no_match(const struct pci_fn *f) { (void)f; return 0; }
static const struct blk_driver drv = {.name = "model", .match = no_match, .size = sizeof(struct hba),
                                      SCSI_BLK_OPS};

static struct hba *new_hba(void)
{
    fake_pci_reset_all();
    fake_pci_init(&fn, &ph, 0x1234, 0x5678, 0x010000);
    struct hba *h = calloc(1, sizeof *h);
    scsi_model_init(&h->m);
    h->host.hba = (struct scsi_hba){&hops, h, &fn, "model", 15, 255, 7, 64 * 1024, 0};
    H = h;
    return h;
}

static void free_hba(struct hba *h)
{
    scsi_release(&h->host);
    assert_int_equal(ph.dma_live, 0);
    scsi_model_free(&h->m);
    free(h);
}

static void sense_formats(void **state)
{
    (void)state;
    uint8_t fixed[18] = {0x70, 0, 0x03, 0, 0, 0, 0, 10, 0, 0, 0, 0, 0x11, 0x00};
    struct scsi_sense s = scsi_sense_decode(fixed, 18);
    assert_true(s.valid && s.key == 3 && s.asc == 0x11 && s.ascq == 0);
    uint8_t desc[8] = {0x72, 0x06, 0x29, 0x02};
    s = scsi_sense_decode(desc, 8);
    assert_true(s.valid && s.key == 6 && s.asc == 0x29 && s.ascq == 2);
    s = scsi_sense_decode(fixed, 1); /* too short */
    assert_false(s.valid);
    uint8_t junk[18] = {0x7F};
    assert_false(scsi_sense_decode(junk, 18).valid);
    assert_string_equal(scsi_sense_key_name(5), "ILLEGAL REQUEST");
    uint8_t cdb[16];
    assert_int_equal(scsi_cdb_rw(cdb, 0, 1, 0x123456789ull, 8), 16);
    assert_int_equal(cdb[0], 0x88);
    assert_int_equal(cdb[5], 0x01); /* big-endian LBA */
    assert_int_equal(cdb[9], 0x89);
    assert_int_equal(cdb[13], 8);
    assert_int_equal(scsi_cdb_rw(cdb, 1, 0, 0x1000, 8), 10);
    assert_int_equal(cdb[0], 0x2A);
    assert_int_equal(scsi_cdb_rw(cdb, 1, 0, 0x100000000ull, 8), -1); /* beyond READ(10) */
}

static void discovery(void **state)
{
    (void)state;
    struct hba *h = new_hba();
    scsi_model_add(&h->m, 0, 0, 512, 8192)->ua_pending = 2; /* after a reset */
    scsi_model_add(&h->m, 2, 0, 4096, 1024);
    scsi_model_add(&h->m, 2, 3, 512, 4096)->no_rc16 = 1;
    scsi_model_add(&h->m, 5, 1, 512, 2048)->write_protect = 1; /* no LUN 0 on target 5 */
    scsi_model_add(&h->m, 7, 0, 512, 2048);                   /* the adapter's own id: skipped */
    scsi_model_add(&h->m, 16, 0, 512, 2048);                  /* beyond max_target */
    assert_int_equal(scsi_scan(&h->host), 4);
    struct scsi_unit *u = h->host.unit;
    assert_true(u[0].target == 0 && u[0].lun == 0 && u[0].block_size == 512 && u[0].blocks == 8192 && u[0].use16);
    assert_true(u[1].target == 2 && u[1].lun == 0 && u[1].block_size == 4096 && u[1].blocks == 1024);
    assert_true(u[2].target == 2 && u[2].lun == 3 && !u[2].use16 && u[2].blocks == 4096); /* (10) fallback */
    assert_true(u[3].target == 5 && u[3].lun == 1 && u[3].read_only);
    assert_int_equal(u[0].ua_retries, 2);
    assert_string_equal(u[0].last_error, ""); /* discovery's refusals are no I/O errors */
    assert_string_equal(u[2].last_error, "");
    assert_int_equal(h->m.ops[0x9E], 4);
    assert_int_equal(h->m.ops[0x25], 1);
    struct blk_unit b;
    memset(&b, 0, sizeof b);
    drv.describe(h, 1, &b);
    assert_string_equal(b.kind, "scsi");
    assert_string_equal(b.api, "model");
    assert_string_equal(b.model, "MODEL SOFT DISK");
    assert_string_equal(b.vendor, "MODEL");
    assert_string_equal(b.product, "SOFT DISK");
    assert_string_equal(b.revision, "1.0");
    assert_string_equal(b.serial, "SER-0001");
    assert_int_equal(b.addr.transport, PLAT_T_SCSI);
    assert_true(b.addr.target == 2 && b.addr.lun == 0);
    assert_int_equal(b.queue_depth, TAGS);
    assert_int_equal(drv.units(h), 4);
    uint64_t lba = 0;
    void *buf = u; /* never touched: refused first */
    assert_int_equal(drv.rw(h, 3, 1, 1, &lba, 1, 512, &buf, NULL), PLAT_IO_READ_ONLY);
    free_hba(h);
}

static void depths_and_pieces(void **state)
{
    (void)state;
    struct hba *h = new_hba();
    scsi_model_add(&h->m, 0, 0, 512, 8192);
    scsi_model_add(&h->m, 1, 0, 4096, 1024)->no_rc16 = 1; /* READ/WRITE(10) */
    assert_int_equal(scsi_scan(&h->host), 2);
    drv_check_depths(&drv, h, 0);
    assert_true(h->max_inflight >= 32); /* tagged: really 32 in flight */
    assert_true(h->m.ops[0x8A] > 0 && h->m.ops[0x28] == 0);
    drv_check_depths(&drv, h, 1);
    assert_true(h->m.ops[0x2A] > 0 && h->m.ops[0x28] > 0);
    /* 256 KiB transfers go as 64 KiB pieces (max_transfer) */
    static uint8_t big[2][256 * 1024];
    void *bufs[2] = {big[0], big[1]};
    uint64_t lba[2] = {0, 1024};
    memset(big[0], 0xA5, sizeof big[0]);
    int before = h->m.ops[0x8A];
    assert_int_equal(drv.rw(h, 0, 1, 2, lba, 2, sizeof big[0], bufs, NULL), 0);
    assert_int_equal(h->m.ops[0x8A] - before, 8);
    assert_memory_equal(h->m.lu[0].data, big[0], sizeof big[0]);
    free_hba(h);
}

static void check_condition_and_retries(void **state)
{
    (void)state;
    struct hba *h = new_hba();
    struct scsi_model_lu *lu = scsi_model_add(&h->m, 0, 0, 512, 8192);
    assert_int_equal(scsi_scan(&h->host), 1);
    static uint8_t b[8][4096];
    void *bufs[8];
    uint64_t lba[8];
    for (int i = 0; i < 8; i++) {
        bufs[i] = b[i];
        lba[i] = (uint64_t)i * 8;
    }
    lu->fail_lba = 20;
    lu->fail_key = 3;
    lu->fail_asc = 0x11;
    assert_int_equal(drv.rw(h, 0, 0, 4, lba, 8, 4096, bufs, NULL), PLAT_IO_ERROR);
    struct scsi_unit *u = &h->host.unit[0];
    assert_true(u->last_sense.key == 3 && u->last_sense.asc == 0x11 && u->last_sense.ascq == 0);
    assert_string_equal(drv.last_error(h, 0), "READ(16) lba 16: CHECK CONDITION MEDIUM ERROR 11/00 unrecovered read error");
    assert_null(drv.dead(h, 0));
    lu->descriptor_sense = 1; /* the same in descriptor format, on a write */
    lu->fail_key = 0x0B;
    lu->fail_asc = 0x00;
    lu->fail_ascq = 0x06;
    assert_int_equal(drv.rw(h, 0, 1, 4, lba, 8, 4096, bufs, NULL), PLAT_IO_ERROR);
    assert_string_equal(drv.last_error(h, 0), "WRITE(16) lba 16: CHECK CONDITION ABORTED COMMAND 00/06 I/O process terminated");
    lu->fail_lba = UINT64_MAX;
    /* UNIT ATTENTION and BUSY are sent again, within SCSI_RETRIES */
    uint32_t ua = u->ua_retries, busy = u->busy_retries;
    lu->ua_pending = 2;
    assert_int_equal(drv.rw(h, 0, 0, 4, lba, 8, 4096, bufs, NULL), 0);
    lu->busy_next = 3;
    assert_int_equal(drv.rw(h, 0, 0, 1, lba, 8, 4096, bufs, NULL), 0);
    assert_int_equal(u->ua_retries - ua, 2);
    assert_int_equal(u->busy_retries - busy, 3);
    assert_string_equal(drv.last_error(h, 0), ""); /* a clean batch clears the detail */
    lu->ua_pending = SCSI_RETRIES + 1; /* a unit that keeps reporting: an error, not a loop */
    assert_int_equal(drv.rw(h, 0, 0, 1, lba, 1, 4096, bufs, NULL), PLAT_IO_ERROR);
    assert_non_null(strstr(drv.last_error(h, 0), "UNIT ATTENTION 29/00"));
    lu->ua_pending = 0;
    uint64_t past = 8190; /* runs past the end: the device's ILLEGAL REQUEST 21/00 */
    assert_int_equal(drv.rw(h, 0, 0, 1, &past, 1, 4096, bufs, NULL), PLAT_IO_RANGE);
    /* flush: SYNCHRONIZE CACHE, then refused as unsupported: nothing to drain */
    assert_int_equal(drv.flush(h, 0), 0);
    lu->no_sync = 1;
    assert_int_equal(drv.flush(h, 0), 0);
    assert_int_equal(drv.flush(h, 0), 0);
    assert_int_equal(h->m.ops[0x35], 2); /* not asked again once refused */
    free_hba(h);
}

/* A write answered by a UNIT ATTENTION saying the medium may have changed (a removable medium
 * swapped, a unit reset or replaced, the LUNs changed) is not sent again, and no later write goes
 * to that unit: the scratch marker was read from the medium before.  Reads are still retried. */
static void ua_medium_changed(void **state)
{
    (void)state;
    static const uint8_t asc[3][2] = {{0x28, 0x00}, {0x29, 0x00}, {0x3F, 0x0E}};
    for (int i = 0; i < 3; i++) {
        struct hba *h = new_hba();
        struct scsi_model_lu *lu = scsi_model_add(&h->m, 0, 0, 512, 8192);
        assert_int_equal(scsi_scan(&h->host), 1);
        static uint8_t b[4][4096];
        void *bufs[4] = {b[0], b[1], b[2], b[3]};
        uint64_t lba[4] = {0, 8, 16, 24};
        memset(b, 0x5A, sizeof b);
        lu->ua_pending = 1;
        lu->ua_asc = asc[i][0];
        lu->ua_ascq = asc[i][1];
        int writes = h->m.ops[0x8A];
        assert_int_equal(drv.rw(h, 0, 1, 1, lba, 4, 4096, bufs, NULL), PLAT_IO_ERROR);
        assert_int_equal(h->m.ops[0x8A] - writes, 1); /* the one answered UA, never again */
        for (size_t k = 0; k < 4 * 4096; k++)
            assert_int_equal(lu->data[k], 0);
        char want[40];
        snprintf(want, sizeof want, "UNIT ATTENTION %02X/%02X", asc[i][0], asc[i][1]);
        assert_non_null(strstr(drv.last_error(h, 0), want));
        assert_int_equal(drv.rw(h, 0, 1, 4, lba, 4, 4096, bufs, NULL), PLAT_IO_ERROR);
        assert_int_equal(h->m.ops[0x8A] - writes, 1);
        assert_non_null(strstr(drv.last_error(h, 0), "no more writes"));
        lu->ua_pending = 1; /* reads go on, a UNIT ATTENTION on them retried */
        assert_int_equal(drv.rw(h, 0, 0, 4, lba, 4, 4096, bufs, NULL), 0);
        free_hba(h);
    }
    /* a UNIT ATTENTION of another kind (capacity changed) on a write: sent again */
    struct hba *h = new_hba();
    struct scsi_model_lu *lu = scsi_model_add(&h->m, 0, 0, 512, 8192);
    scsi_model_add(&h->m, 1, 0, 4096, 1024);
    assert_int_equal(scsi_scan(&h->host), 2);
    static uint8_t one[4096];
    void *ob[1] = {one};
    uint64_t l0 = 0;
    lu->ua_pending = 1;
    lu->ua_asc = 0x2A;
    lu->ua_ascq = 0x09;
    assert_int_equal(drv.rw(h, 0, 1, 1, &l0, 1, 4096, ob, NULL), 0);
    /* a buffer that is not whole blocks: refused, nothing sent */
    int before = h->m.commands;
    assert_int_equal(drv.rw(h, 0, 1, 1, &l0, 1, 1000, ob, NULL), PLAT_IO_RANGE);
    assert_int_equal(drv.rw(h, 0, 0, 1, &l0, 1, 100, ob, NULL), PLAT_IO_RANGE);
    assert_int_equal(drv.rw(h, 1, 1, 1, &l0, 1, 512, ob, NULL), PLAT_IO_RANGE); /* a 4 KiB unit */
    assert_int_equal(drv.rw(h, 1, 1, 1, &l0, 1, 2048, ob, NULL), PLAT_IO_RANGE);
    assert_int_equal(h->m.commands, before);
    free_hba(h);
}

static void fail_at(uint64_t lba)
{
    H->m.lu[0].fail_lba = lba;
    H->m.lu[0].fail_key = 3;
    H->m.lu[0].fail_asc = 0x11;
}
static void hang(void) { H->m.hang = 1; }
static int requests(void) { return H->m.commands; }

static void never_completing(void **state)
{
    (void)state;
    struct hba *h = new_hba();
    scsi_model_add(&h->m, 0, 0, 512, 8192);
    assert_int_equal(scsi_scan(&h->host), 1);
    static const struct drv_faults f = {fail_at, hang, requests, SCSI_IO_TIMEOUT_S};
    drv_check_error_and_timeout(&drv, h, 0, &f);
    assert_int_equal(h->resets, 1);
    assert_non_null(strstr(drv.dead(h, 0), "READ(16) to target 0 LUN 0 did not complete within 5 s: model adapter reset"));
    assert_string_equal(drv.last_error(h, 0), drv.dead(h, 0)); /* the point's error says it too */
    assert_int_equal(drv.flush(h, 0), PLAT_IO_TIMEOUT);
    assert_int_equal(drv.max_qd(h, 0, 4096), 0);
    free_hba(h);

    /* a hang during discovery: the scan gives up within its bound, says why */
    h = new_hba();
    scsi_model_add(&h->m, 0, 0, 512, 8192);
    h->m.hang = 1;
    uint64_t t0 = fake_clock();
    assert_int_equal(scsi_scan(&h->host), -1);
    assert_true(fake_clock() - t0 <= (uint64_t)(SCSI_SCAN_TIMEOUT_S * 1e6) + 1000);
    assert_non_null(strstr(h->host.why, "REPORT LUNS to target 0 LUN 0 did not complete within 2 s"));
    assert_int_equal(ph.dma_live, 0);
    scsi_model_free(&h->m);
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sense_formats),
        cmocka_unit_test(discovery),
        cmocka_unit_test(depths_and_pieces),
        cmocka_unit_test(check_condition_and_retries),
        cmocka_unit_test(never_completing),
        cmocka_unit_test(ua_medium_changed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
