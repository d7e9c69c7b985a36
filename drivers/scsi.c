/* scsi.c - the shared SCSI layer (see scsi.h): commands waited for one at a time (discovery,
 * flush) and batches of READ/WRITE through the block engine, over any controller's
 * submit/kick/reap; sense decoding, retries, CHECK CONDITION records, and the driver table's
 * per-unit calls. */
#include "drivers/scsi.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

enum { OP_TUR = 0x00, OP_INQUIRY = 0x12, OP_RC10 = 0x25, OP_READ10 = 0x28, OP_WRITE10 = 0x2A,
       OP_SYNC10 = 0x35, OP_MODE_SENSE10 = 0x5A, OP_READ16 = 0x88, OP_WRITE16 = 0x8A,
       OP_SAI16 = 0x9E, OP_REPORT_LUNS = 0xA0 };
enum { KEY_NOT_READY = 2, KEY_MEDIUM = 3, KEY_ILLEGAL = 5, KEY_UA = 6, KEY_PROTECT = 7 };

/* ---------------- sense ---------------- */

struct scsi_sense scsi_sense_decode(const uint8_t *s, int len)
{
    struct scsi_sense d = {0, 0, 0, 0};
    if (len < 2)
        return d;
    uint8_t code = s[0] & 0x7F;
    if ((code == 0x70 || code == 0x71) && len >= 3) { /* fixed format */
        d.key = s[2] & 0x0F;
        d.asc = len > 12 ? s[12] : 0;
        d.ascq = len > 13 ? s[13] : 0;
        d.valid = 1;
    } else if ((code == 0x72 || code == 0x73) && len >= 4) { /* descriptor format */
        d.key = s[1] & 0x0F;
        d.asc = s[2];
        d.ascq = s[3];
        d.valid = 1;
    }
    return d;
}

const char *scsi_sense_key_name(uint8_t key)
{
    static const char *const names[16] = {
        "NO SENSE", "RECOVERED ERROR", "NOT READY", "MEDIUM ERROR", "HARDWARE ERROR",
        "ILLEGAL REQUEST", "UNIT ATTENTION", "DATA PROTECT", "BLANK CHECK", "VENDOR SPECIFIC",
        "COPY ABORTED", "ABORTED COMMAND", "RESERVED", "VOLUME OVERFLOW", "MISCOMPARE",
        "COMPLETED"};
    return names[key & 15];
}

/* The additional sense codes a disk run meets most (SPC-4 Annex D), else "". */
static const char *asc_text(uint8_t asc, uint8_t ascq)
{
    static const struct { uint8_t asc, ascq; const char *t; } t[] = {
        {0x00, 0x06, "I/O process terminated"}, {0x04, 0xFF, "logical unit not ready"},
        {0x0C, 0x00, "write error"}, {0x11, 0x00, "unrecovered read error"},
        {0x20, 0x00, "invalid command operation code"}, {0x21, 0x00, "LBA out of range"},
        {0x24, 0x00, "invalid field in CDB"}, {0x25, 0x00, "logical unit not supported"},
        {0x27, 0x00, "write protected"}, {0x28, 0xFF, "medium may have changed"},
        {0x29, 0xFF, "power on, reset or bus device reset occurred"},
        {0x2A, 0xFF, "parameters changed"}, {0x3A, 0xFF, "medium not present"},
        {0x3F, 0xFF, "target operating conditions changed"}, {0x44, 0x00, "internal target failure"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (t[i].asc == asc && (t[i].ascq == 0xFF || t[i].ascq == ascq))
            return t[i].t;
    return "";
}

static const char *op_name(uint8_t op)
{
    switch (op) {
    case OP_TUR: return "TEST UNIT READY";
    case OP_INQUIRY: return "INQUIRY";
    case OP_RC10: return "READ CAPACITY(10)";
    case OP_READ10: return "READ(10)";
    case OP_WRITE10: return "WRITE(10)";
    case OP_SYNC10: return "SYNCHRONIZE CACHE(10)";
    case OP_MODE_SENSE10: return "MODE SENSE(10)";
    case OP_READ16: return "READ(16)";
    case OP_WRITE16: return "WRITE(16)";
    case OP_SAI16: return "READ CAPACITY(16)";
    case OP_REPORT_LUNS: return "REPORT LUNS";
    }
    return "command";
}

/* ---------------- CDBs ---------------- */

static void be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t rd_be(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

int scsi_cdb_rw(uint8_t *cdb, int write, int use16, uint64_t lba, uint32_t blocks)
{
    memset(cdb, 0, 16);
    if (use16) {
        cdb[0] = write ? OP_WRITE16 : OP_READ16;
        be(cdb + 2, lba, 8);
        be(cdb + 10, blocks, 4);
        return 16;
    }
    if (lba > 0xFFFFFFFFull || blocks > 0xFFFF)
        return -1;
    cdb[0] = write ? OP_WRITE10 : OP_READ10;
    be(cdb + 2, lba, 4);
    be(cdb + 7, blocks, 2);
    return 10;
}

/* ---------------- how a command ended ---------------- */

/* The unit (if any) records a failure: what, which command, the sense. */
static void record(struct scsi_unit *u, const struct scsi_cmd *c, const struct scsi_result *r,
                   const struct scsi_sense *s)
{
    if (!u)
        return;
    char where[40] = "";
    if (c->cdb[0] == OP_READ16 || c->cdb[0] == OP_WRITE16)
        bb_snprintf(where, sizeof where, " lba %llu", (unsigned long long)rd_be(c->cdb + 2, 8));
    else if (c->cdb[0] == OP_READ10 || c->cdb[0] == OP_WRITE10)
        bb_snprintf(where, sizeof where, " lba %llu", (unsigned long long)rd_be(c->cdb + 2, 4));
    u->last_op = c->cdb[0];
    static const char *const host[] = {"ok", "no such target", "reset", "controller busy",
                                       "aborted", "transport error"};
    if (r->host != SCSI_HOST_OK) {
        bb_snprintf(u->last_error, sizeof u->last_error, "%s%s: %s", op_name(c->cdb[0]), where,
                    host[r->host <= SCSI_HOST_ERROR ? r->host : SCSI_HOST_ERROR]);
    } else if (r->status == SCSI_CHECK_CONDITION && s->valid) {
        u->last_sense = *s;
        const char *a = asc_text(s->asc, s->ascq);
        bb_snprintf(u->last_error, sizeof u->last_error, "%s%s: CHECK CONDITION %s %02X/%02X%s%s",
                    op_name(c->cdb[0]), where, scsi_sense_key_name(s->key), s->asc, s->ascq,
                    a[0] ? " " : "", a);
    } else {
        bb_snprintf(u->last_error, sizeof u->last_error, "%s%s: SCSI status 0x%02x%s",
                    op_name(c->cdb[0]), where, r->status,
                    r->status == SCSI_CHECK_CONDITION ? " without sense data" : "");
    }
}

/* A UNIT ATTENTION after which the unit may not be the medium its scratch marker was read from:
 * medium may have changed (28h), power on / reset / device replaced (29h), LUNs changed (3Fh/0Eh). */
static int ua_identity(const struct scsi_sense *s)
{
    return s->valid && s->key == KEY_UA && (s->asc == 0x28 || s->asc == 0x29 || (s->asc == 0x3F && s->ascq == 0x0E));
}

/* Classify a finished command: 1 = send it again (UNIT ATTENTION, BUSY, a reset ended it, and
 * retries left); else 0 with *st the PLAT_IO_* outcome (recorded on u when it failed). */
static int outcome(struct scsi_unit *u, const struct scsi_cmd *c, const struct scsi_result *r,
                   int retries, int *st)
{
    struct scsi_sense s = {0, 0, 0, 0};
    int write = c->dir == SCSI_DIR_OUT;
    int again = retries < SCSI_RETRIES && !(write && u && u->writes_refused);
    if (r->host == SCSI_HOST_OK && (r->status == SCSI_GOOD || r->status == SCSI_CONDITION_MET)) {
        *st = r->residual && c->dir != SCSI_DIR_NONE && c->cdb[0] != OP_INQUIRY &&
                      c->cdb[0] != OP_REPORT_LUNS && c->cdb[0] != OP_MODE_SENSE10
                  ? PLAT_IO_SHORT : 0;
        return 0;
    }
    if (r->host == SCSI_HOST_OK && r->status == SCSI_CHECK_CONDITION) {
        s = scsi_sense_decode(r->sense, r->sense_len);
        if (u)
            u->check_conditions++;
        if (write && u && ua_identity(&s)) { /* never re-sent: it could land on another medium */
            u->writes_refused = 1;
            again = 0;
        }
        if (s.valid && s.key == KEY_UA && again) {
            if (u)
                u->ua_retries++;
            return 1;
        }
    }
    if (again && ((r->host == SCSI_HOST_OK && (r->status == SCSI_BUSY || r->status == SCSI_TASK_SET_FULL)) ||
                  r->host == SCSI_HOST_BUSY || r->host == SCSI_HOST_RESET)) {
        if (u)
            u->busy_retries++;
        return 1;
    }
    record(u, c, r, &s);
    if (r->host == SCSI_HOST_NO_TARGET)
        *st = PLAT_IO_NO_MEDIA;
    else if (r->host != SCSI_HOST_OK || r->status != SCSI_CHECK_CONDITION || !s.valid)
        *st = PLAT_IO_ERROR;
    else if (s.key == KEY_ILLEGAL)
        *st = s.asc == 0x21 ? PLAT_IO_RANGE : PLAT_IO_UNSUPPORTED;
    else if (s.key == KEY_PROTECT)
        *st = PLAT_IO_READ_ONLY;
    else if (s.key == KEY_NOT_READY && s.asc == 0x3A)
        *st = PLAT_IO_NO_MEDIA;
    else
        *st = PLAT_IO_ERROR;
    return 0;
}

static struct scsi_unit *unit_at(struct scsi_host *h, uint32_t target, uint64_t lun)
{
    for (int i = 0; i < h->nunits; i++)
        if (h->unit[i].target == target && h->unit[i].lun == lun)
            return &h->unit[i];
    return NULL;
}

/* A command outlived its bound: the controller aborts or resets, no more I/O on it. */
static int timed_out(struct scsi_host *h, const struct scsi_cmd *c, double seconds)
{
    char what[64] = "";
    int quiet = h->hba.ops->reset(h->hba.ctx, what, sizeof what);
    h->dead = 1;
    bb_snprintf(h->why, sizeof h->why, "%s to target %u LUN %llu did not complete within %.0f s: %s%s",
                op_name(c->cdb[0]), c->target, (unsigned long long)c->lun, seconds,
                what[0] ? what : "controller reset", quiet ? "" : " (the device may still be busy)");
    return PLAT_IO_TIMEOUT;
}

/* ---------------- one command, waited for ---------------- */

struct exec_wait {
    int done;
    struct scsi_result r;
};

static void exec_done(void *arg, int tag, const struct scsi_result *r)
{
    struct exec_wait *w = arg;
    if (tag == 0) {
        w->done = 1;
        w->r = *r;
    }
}

int scsi_exec(struct scsi_host *h, struct scsi_cmd *c, double seconds, struct scsi_result *out)
{
    const struct scsi_hba_ops *o = h->hba.ops;
    struct scsi_unit *u = unit_at(h, c->target, c->lun);
    if (h->dead)
        return PLAT_IO_TIMEOUT;
    if (c->len && !c->buf_dev && pci_dma_addr(h->hba.pci, c->buf, c->len, &c->buf_dev))
        return PLAT_IO_UNSUPPORTED;
    uint64_t end = drv_deadline(seconds);
    for (int tries = 0;; tries++) {
        struct exec_wait w = {0, {0, 0, 0, 0, {0}}};
        int rc;
        while ((rc = o->submit(h->hba.ctx, 0, c)) == BLK_AGAIN) { /* a ring still draining */
            if (drv_expired(end))
                return timed_out(h, c, seconds);
            o->reap(h->hba.ctx, exec_done, &w);
            drv_pause();
        }
        if (rc)
            return rc;
        o->kick(h->hba.ctx);
        while (!w.done) {
            if (!o->reap(h->hba.ctx, exec_done, &w)) {
                if (drv_expired(end))
                    return timed_out(h, c, seconds);
                drv_pause();
            }
        }
        if (out)
            *out = w.r;
        int st;
        if (!outcome(u, c, &w.r, tries, &st))
            return st;
    }
}

/* ---------------- discovery ---------------- */

static void cmd_init(struct scsi_cmd *c, uint32_t target, uint64_t lun, int dir, void *buf, uint32_t len)
{
    memset(c, 0, sizeof *c);
    c->target = target;
    c->lun = lun;
    c->dir = (uint8_t)dir;
    c->buf = buf;
    c->len = len;
}

/* An INQUIRY/REPORT LUNS/... into the scratch page: 0 or PLAT_IO_*. */
static int scan_cmd(struct scsi_host *h, uint32_t t, uint64_t lun, const uint8_t *cdb, int cdb_len,
                    uint32_t len, struct scsi_result *r)
{
    struct scsi_cmd c;
    cmd_init(&c, t, lun, len ? SCSI_DIR_IN : SCSI_DIR_NONE, len ? h->scratch.host : NULL, len);
    memcpy(c.cdb, cdb, (size_t)cdb_len);
    c.cdb_len = (uint8_t)cdb_len;
    c.buf_dev = h->scratch.dev;
    memset(h->scratch.host, 0, 4096);
    return scsi_exec(h, &c, SCSI_SCAN_TIMEOUT_S, r);
}

static void text_field(char *dst, size_t n, const uint8_t *src, size_t len)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < n; i++)
        dst[k++] = src[i] >= 0x20 && src[i] < 0x7F ? (char)src[i] : ' ';
    while (k && dst[k - 1] == ' ')
        k--;
    dst[k] = 0;
    size_t lead = 0;
    while (dst[lead] == ' ')
        lead++;
    memmove(dst, dst + lead, k - lead + 1);
}

/* READ CAPACITY(16), else (10): 0 with size set, or PLAT_IO_*. */
static int capacity(struct scsi_host *h, struct scsi_unit *u)
{
    const uint8_t *d = h->scratch.host;
    uint8_t cdb[16] = {OP_SAI16, 0x10};
    be(cdb + 10, 32, 4);
    int rc = scan_cmd(h, u->target, u->lun, cdb, 16, 32, NULL);
    if (rc == 0) {
        u->blocks = rd_be(d, 8) + 1;
        u->block_size = (uint32_t)rd_be(d + 8, 4);
        u->use16 = 1;
    } else if (rc == PLAT_IO_TIMEOUT) {
        return rc;
    } else { /* refused: the (10) form, blocks below 2^32 */
        uint8_t c10[10] = {OP_RC10};
        rc = scan_cmd(h, u->target, u->lun, c10, 10, 8, NULL);
        if (rc)
            return rc;
        u->blocks = rd_be(d, 4) + 1;
        u->block_size = (uint32_t)rd_be(d + 4, 4);
        u->use16 = 0;
    }
    if (u->block_size < 512 || u->block_size > 65536 || (u->block_size & (u->block_size - 1)) ||
        u->block_size > h->hba.max_transfer) /* not one block per command: unusable */
        return PLAT_IO_UNSUPPORTED;
    return 0;
}

/* Unit serial (VPD page 80h) and write protect (MODE SENSE(10) WP bit); both optional. */
static void details(struct scsi_host *h, struct scsi_unit *u)
{
    const uint8_t *d = h->scratch.host;
    uint8_t vpd[6] = {OP_INQUIRY, 1, 0x80, 0, 0xFC, 0};
    if (scan_cmd(h, u->target, u->lun, vpd, 6, 252, NULL) == 0 && d[1] == 0x80)
        text_field(u->serial, sizeof u->serial, d + 4, d[3] < 248 ? d[3] : 248);
    uint8_t ms[10] = {OP_MODE_SENSE10, 0x08, 0x3F, 0, 0, 0, 0, 0, 0xFC, 0};
    if (scan_cmd(h, u->target, u->lun, ms, 10, 252, NULL) == 0)
        u->read_only = !!(d[3] & 0x80);
}

/* Logical unit lun of target t: kept when it is a direct-access block device that sizes. */
static int probe_lun(struct scsi_host *h, uint32_t t, uint64_t lun)
{
    if (h->nunits >= SCSI_MAX_UNITS)
        return 0;
    const uint8_t *d = h->scratch.host;
    uint8_t inq[6] = {OP_INQUIRY, 0, 0, 0, 96, 0};
    int rc = scan_cmd(h, t, lun, inq, 6, 96, NULL);
    if (rc || (d[0] & 0xE0) || (d[0] & 0x1F) != 0)
        return rc == PLAT_IO_TIMEOUT ? rc : 0; /* not a disk, or not connected */
    struct scsi_unit *u = &h->unit[h->nunits];
    memset(u, 0, sizeof *u);
    u->target = t;
    u->lun = lun;
    text_field(u->vendor, sizeof u->vendor, d + 8, 8);
    text_field(u->product, sizeof u->product, d + 16, 16);
    text_field(u->revision, sizeof u->revision, d + 32, 4);
    bb_snprintf(u->model, sizeof u->model, "%s%s%s", u->vendor, u->vendor[0] ? " " : "", u->product);
    h->nunits++; /* from here on its commands are recorded on it */
    uint8_t tur[6] = {OP_TUR};
    rc = scan_cmd(h, t, lun, tur, 6, 0, NULL); /* consumes the UNIT ATTENTION of the reset */
    if (rc == 0)
        rc = capacity(h, u);
    if (rc) {
        h->nunits--;
        return rc == PLAT_IO_TIMEOUT ? rc : 0;
    }
    details(h, u);
    u->last_error[0] = 0; /* discovery's refusals (READ CAPACITY(16)...) are no I/O errors */
    u->last_op = 0;
    u->last_sense = (struct scsi_sense){0, 0, 0, 0};
    return 0;
}

/* LUNs of target t (REPORT LUNS; LUN 0 alone when refused): how many, -1 no target there,
 * PLAT_IO_TIMEOUT. */
static int report_luns(struct scsi_host *h, uint32_t t, uint64_t *luns)
{
    const uint8_t *d = h->scratch.host;
    uint8_t cdb[12] = {OP_REPORT_LUNS};
    be(cdb + 6, 8 + 8 * 64, 4);
    int rc = scan_cmd(h, t, 0, cdb, 12, 8 + 8 * 64, NULL);
    if (rc == PLAT_IO_TIMEOUT)
        return rc;
    if (rc == PLAT_IO_NO_MEDIA)
        return -1;
    if (rc) {
        luns[0] = 0;
        return 1;
    }
    uint32_t bytes = (uint32_t)rd_be(d, 4);
    int n = 0;
    for (uint32_t off = 8; off + 8 <= 8 + bytes && off + 8 <= 8 + 8 * 64 && n < SCSI_MAX_LUNS; off += 8) {
        uint8_t method = d[off] >> 6;
        uint64_t lun;
        if (method == 0) /* peripheral device addressing: bus 0 only */
            lun = d[off] & 0x3F ? UINT64_MAX : d[off + 1];
        else if (method == 1) /* flat space addressing */
            lun = (uint64_t)(d[off] & 0x3F) << 8 | d[off + 1];
        else
            continue;
        if (lun <= h->hba.max_lun)
            luns[n++] = lun;
    }
    return n;
}

int scsi_scan(struct scsi_host *h)
{
    h->nunits = 0;
    h->dead = 0;
    h->timeout = drv_ticks_of(SCSI_IO_TIMEOUT_S);
    if (!h->hba.max_transfer || h->hba.max_transfer % 512) {
        bb_snprintf(h->why, sizeof h->why, "unusable largest transfer (%u bytes)", h->hba.max_transfer);
        return -1;
    }
    if (pci_dma_alloc(h->hba.pci, 4096, &h->scratch)) {
        bb_snprintf(h->why, sizeof h->why, "no DMA memory for discovery");
        return -1;
    }
    for (uint32_t t = 0; t <= h->hba.max_target && h->nunits < SCSI_MAX_UNITS; t++) {
        if ((int)t == h->hba.skip_target)
            continue;
        uint64_t luns[SCSI_MAX_LUNS];
        int n = report_luns(h, t, luns);
        for (int i = 0; i < n && !h->dead; i++)
            if (probe_lun(h, t, luns[i]) == PLAT_IO_TIMEOUT)
                break;
        if (h->dead) {
            scsi_release(h);
            return -1; /* why: the command that timed out and what the controller did */
        }
    }
    return h->nunits;
}

void scsi_release(struct scsi_host *h)
{
    pci_dma_free(h->hba.pci, &h->scratch);
}

/* ---------------- batches through the block engine ---------------- */

static int eng_submit(void *ctx, int slot, int write, uint64_t lba, void *buf, size_t bytes, uint64_t now)
{
    struct scsi_host *h = ctx;
    struct scsi_unit *u = &h->unit[h->cur_unit];
    struct scsi_tag *t = &h->tag[slot];
    (void)now;
    cmd_init(&t->cmd, u->target, u->lun, write ? SCSI_DIR_OUT : SCSI_DIR_IN, buf, (uint32_t)bytes);
    int len = scsi_cdb_rw(t->cmd.cdb, write, u->use16, lba, (uint32_t)(bytes / u->block_size));
    if (len < 0)
        return PLAT_IO_RANGE;
    t->cmd.cdb_len = (uint8_t)len;
    if (pci_dma_addr(h->hba.pci, buf, bytes, &t->cmd.buf_dev))
        return PLAT_IO_UNSUPPORTED;
    t->retries = 0;
    t->resend = 0;
    return h->hba.ops->submit(h->hba.ctx, slot, &t->cmd);
}

static void eng_kick(void *ctx)
{
    struct scsi_host *h = ctx;
    h->hba.ops->kick(h->hba.ctx);
}

static void eng_done(void *arg, int slot, const struct scsi_result *r)
{
    struct scsi_host *h = arg;
    if (slot < 0 || slot >= SCSI_MAX_TAGS)
        return;
    struct scsi_tag *t = &h->tag[slot];
    int st;
    if (outcome(&h->unit[h->cur_unit], &t->cmd, r, t->retries, &st)) {
        t->retries++;
        t->resend = 1; /* sent again after this reap */
        return;
    }
    blk_engine_done(h->eng, slot, st);
}

static int eng_reap(void *ctx, struct blk_engine *e)
{
    struct scsi_host *h = ctx;
    h->eng = e;
    int got = h->hba.ops->reap(h->hba.ctx, eng_done, h), sent = 0;
    for (int k = 0; k < e->qd; k++) {
        struct scsi_tag *t = &h->tag[k];
        if (!t->resend)
            continue;
        int st = h->hba.ops->submit(h->hba.ctx, k, &t->cmd);
        if (st == BLK_AGAIN)
            continue;
        t->resend = 0;
        if (st)
            blk_engine_done(e, k, st);
        else
            sent = 1;
    }
    if (sent)
        h->hba.ops->kick(h->hba.ctx);
    return got;
}

/* ---------------- the driver table's calls ---------------- */

static struct scsi_host *host_of(void *ctrl)
{
    return ctrl;
}

int scsi_units(void *ctrl)
{
    return host_of(ctrl)->nunits;
}

const char *scsi_why(void *ctrl)
{
    return host_of(ctrl)->why;
}

int scsi_max_qd(void *ctrl, int unit, size_t bytes)
{
    struct scsi_host *h = host_of(ctrl);
    (void)unit;
    if (h->dead)
        return 0;
    uint32_t piece = bytes < h->hba.max_transfer ? (uint32_t)bytes : h->hba.max_transfer;
    int qd = h->hba.ops->max_tags(h->hba.ctx, piece);
    if (h->hba.cmd_per_lun > 0 && qd > h->hba.cmd_per_lun)
        qd = h->hba.cmd_per_lun;
    return qd > SCSI_MAX_TAGS ? SCSI_MAX_TAGS : qd < 1 ? 1 : qd;
}

void scsi_describe(void *ctrl, int unit, struct blk_unit *out)
{
    struct scsi_host *h = host_of(ctrl);
    const struct scsi_unit *u = &h->unit[unit];
    out->kind = "scsi";
    out->api = h->hba.api;
    out->model = u->model;
    out->serial = u->serial[0] ? u->serial : NULL;
    out->vendor = u->vendor;
    out->product = u->product;
    out->revision = u->revision;
    out->block_size = u->block_size;
    out->blocks = u->blocks;
    out->read_only = u->read_only;
    out->queue_depth = scsi_max_qd(ctrl, unit, 4096);
    out->max_transfer = h->hba.max_transfer;
    out->addr.transport = PLAT_T_SCSI;
    out->addr.target = u->target;
    out->addr.lun = u->lun;
}

const char *scsi_dead(void *ctrl, int unit)
{
    struct scsi_host *h = host_of(ctrl);
    (void)unit;
    return h->dead ? h->why : NULL;
}

const char *scsi_last_error(void *ctrl, int unit)
{
    struct scsi_host *h = host_of(ctrl);
    if (h->dead)
        return h->why; /* the timeout, and what the controller did about it */
    return unit >= 0 && unit < h->nunits ? h->unit[unit].last_error : "";
}

int scsi_rw(void *ctrl, int unit, int write, int qd, const uint64_t *lba, int n, size_t bytes,
            void *const *bufs, uint64_t *lat)
{
    struct scsi_host *h = host_of(ctrl);
    if (h->dead)
        return PLAT_IO_TIMEOUT;
    if (unit < 0 || unit >= h->nunits)
        return PLAT_IO_RANGE;
    struct scsi_unit *u = &h->unit[unit];
    if (write && u->read_only)
        return PLAT_IO_READ_ONLY;
    if (!bytes || bytes % u->block_size)
        return PLAT_IO_RANGE; /* whole blocks only: never a CDB for fewer blocks than the buffer */
    if (write && u->writes_refused) {
        bb_snprintf(u->last_error, sizeof u->last_error, "no more writes: a write met a UNIT ATTENTION "
                    "(medium changed, reset or LUNs changed) after the scratch marker was read");
        return PLAT_IO_ERROR;
    }
    int maxqd = scsi_max_qd(ctrl, unit, bytes);
    if (qd > maxqd)
        qd = maxqd;
    h->cur_unit = unit;
    u->last_error[0] = 0;
    size_t piece = bytes > h->hba.max_transfer ? h->hba.max_transfer / u->block_size * u->block_size : 0;
    struct blk_engine_ops o = {h, eng_submit, eng_kick, eng_reap, drv_idle, drv_now, h->timeout,
                               u->block_size, piece};
    memset(h->tag, 0, sizeof h->tag[0] * (size_t)(qd < 1 ? 1 : qd));
    int wedged = 0;
    int rc = blk_engine_run(&o, write, qd, lba, n, bytes, bufs, lat, &wedged);
    if (rc == PLAT_IO_TIMEOUT && wedged) {
        struct scsi_cmd c;
        cmd_init(&c, u->target, u->lun, 0, NULL, 0);
        scsi_cdb_rw(c.cdb, write, u->use16, 0, 0);
        return timed_out(h, &c, SCSI_IO_TIMEOUT_S);
    }
    return rc;
}

int scsi_flush(void *ctrl, int unit)
{
    struct scsi_host *h = host_of(ctrl);
    if (h->dead)
        return PLAT_IO_TIMEOUT;
    if (unit < 0 || unit >= h->nunits)
        return PLAT_IO_RANGE;
    struct scsi_unit *u = &h->unit[unit];
    if (u->no_sync)
        return 0;
    u->last_error[0] = 0;
    struct scsi_cmd c;
    cmd_init(&c, u->target, u->lun, SCSI_DIR_NONE, NULL, 0);
    c.cdb[0] = OP_SYNC10;
    c.cdb_len = 10;
    int rc = scsi_exec(h, &c, SCSI_IO_TIMEOUT_S, NULL);
    if (rc == PLAT_IO_UNSUPPORTED) { /* no volatile cache to drain */
        u->no_sync = 1;
        return 0;
    }
    return rc;
}
