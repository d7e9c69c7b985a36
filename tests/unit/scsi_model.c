/* scsi_model.c - the unit tests' software SCSI target (see scsi_model.h). */
#include "tests/unit/scsi_model.h"

#include <stdlib.h>
#include <string.h>

void scsi_model_init(struct scsi_model *m)
{
    memset(m, 0, sizeof *m);
}

struct scsi_model_lu *scsi_model_add(struct scsi_model *m, uint32_t target, uint64_t lun,
                                     uint32_t block_size, uint64_t blocks)
{
    struct scsi_model_lu *u = &m->lu[m->nlu++];
    memset(u, 0, sizeof *u);
    u->target = target;
    u->lun = lun;
    u->block_size = block_size;
    u->blocks = blocks;
    u->data = calloc(blocks, block_size);
    u->fail_lba = UINT64_MAX;
    return u;
}

void scsi_model_free(struct scsi_model *m)
{
    for (int i = 0; i < m->nlu; i++)
        free(m->lu[i].data);
    m->nlu = 0;
}

static void be(uint8_t *p, uint64_t v, int n)
{
    for (int i = n - 1; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t rd(const uint8_t *p, int n)
{
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v = v << 8 | p[i];
    return v;
}

static void check(struct scsi_result *r, int descriptor, uint8_t key, uint8_t asc, uint8_t ascq)
{
    r->status = SCSI_CHECK_CONDITION;
    memset(r->sense, 0, sizeof r->sense);
    if (descriptor) {
        r->sense[0] = 0x72;
        r->sense[1] = key;
        r->sense[2] = asc;
        r->sense[3] = ascq;
        r->sense_len = 8;
    } else {
        r->sense[0] = 0x70;
        r->sense[2] = key;
        r->sense[7] = 10;
        r->sense[12] = asc;
        r->sense[13] = ascq;
        r->sense_len = 18;
    }
}

/* Copy up to c->len bytes of a reply of n bytes into the data-in buffer; the rest is residual. */
static void reply(const struct scsi_cmd *c, struct scsi_result *r, const uint8_t *d, uint32_t n)
{
    uint32_t k = n < c->len ? n : c->len;
    memcpy((void *)(uintptr_t)c->buf_dev, d, k);
    r->residual = c->len - k;
}

static void rw(const struct scsi_cmd *c, struct scsi_result *r, struct scsi_model_lu *u, int write,
               uint64_t lba, uint64_t count)
{
    if (lba > u->blocks || count > u->blocks - lba || count * u->block_size != c->len) {
        check(r, u->descriptor_sense, 5, 0x21, 0); /* LBA out of range */
        return;
    }
    if (write && u->write_protect) {
        check(r, u->descriptor_sense, 7, 0x27, 0);
        return;
    }
    if (u->fail_lba >= lba && u->fail_lba < lba + count) {
        check(r, u->descriptor_sense, u->fail_key, u->fail_asc, u->fail_ascq);
        return;
    }
    uint8_t *p = u->data + lba * u->block_size, *b = (uint8_t *)(uintptr_t)c->buf_dev;
    if (write)
        memcpy(p, b, c->len);
    else
        memcpy(b, p, c->len);
}

int scsi_model_exec(struct scsi_model *m, const struct scsi_cmd *c, struct scsi_result *r)
{
    uint8_t d[512];
    const uint8_t *cdb = c->cdb;
    struct scsi_model_lu *u = NULL;
    int target_there = 0;
    m->commands++;
    m->ops[cdb[0]]++;
    memset(r, 0, sizeof *r);
    if (m->hang)
        return 1;
    for (int i = 0; i < m->nlu; i++) {
        target_there |= m->lu[i].target == c->target;
        if (m->lu[i].target == c->target && m->lu[i].lun == c->lun)
            u = &m->lu[i];
    }
    if (!target_there) {
        r->host = SCSI_HOST_NO_TARGET;
        return 0;
    }
    memset(d, 0, sizeof d);
    if (cdb[0] == 0xA0 && !(u && u->no_report_luns)) { /* REPORT LUNS: any LUN of the target */
        int n = 0;
        for (int i = 0; i < m->nlu; i++)
            if (m->lu[i].target == c->target) {
                d[8 + 8 * n] = (uint8_t)(m->lu[i].lun > 255 ? 0x40 | m->lu[i].lun >> 8 : 0);
                d[9 + 8 * n] = (uint8_t)m->lu[i].lun;
                n++;
            }
        be(d, 8u * (uint32_t)n, 4);
        reply(c, r, d, 8 + 8u * (uint32_t)n);
        return 0;
    }
    if (!u) { /* no such LUN on a present target */
        if (cdb[0] == 0x12) {
            d[0] = 0x7F; /* qualifier 3: not capable of supporting a device */
            reply(c, r, d, 36);
        } else {
            check(r, 0, 5, 0x25, 0);
        }
        return 0;
    }
    if (u->busy_next > 0 && cdb[0] != 0x12) {
        u->busy_next--;
        r->status = SCSI_BUSY;
        return 0;
    }
    if (u->ua_pending > 0 && cdb[0] != 0x12 && cdb[0] != 0xA0) {
        u->ua_pending--;
        check(r, u->descriptor_sense, 6, u->ua_asc ? u->ua_asc : 0x29, u->ua_ascq);
        return 0;
    }
    switch (cdb[0]) {
    case 0x00: /* TEST UNIT READY */
        return 0;
    case 0x12: /* INQUIRY */
        if (cdb[1] & 1) {
            if (cdb[2] != 0x80) {
                check(r, 0, 5, 0x24, 0);
                return 0;
            }
            d[1] = 0x80;
            d[3] = 8;
            memcpy(d + 4, "SER-0001", 8);
            reply(c, r, d, 12);
            return 0;
        }
        d[2] = 5;
        d[3] = 2;
        d[4] = 31;
        memcpy(d + 8, "MODEL   ", 8);
        memcpy(d + 16, "SOFT DISK       ", 16);
        memcpy(d + 32, "1.0 ", 4);
        reply(c, r, d, 36);
        return 0;
    case 0x25: /* READ CAPACITY(10) */
        be(d, u->blocks - 1 > 0xFFFFFFFFull ? 0xFFFFFFFFull : u->blocks - 1, 4);
        be(d + 4, u->block_size, 4);
        reply(c, r, d, 8);
        return 0;
    case 0x9E: /* READ CAPACITY(16) */
        if (u->no_rc16 || (cdb[1] & 0x1F) != 0x10) {
            check(r, u->descriptor_sense, 5, 0x20, 0);
            return 0;
        }
        be(d, u->blocks - 1, 8);
        be(d + 8, u->block_size, 4);
        reply(c, r, d, 32);
        return 0;
    case 0x28: case 0x2A:
        rw(c, r, u, cdb[0] == 0x2A, rd(cdb + 2, 4), rd(cdb + 7, 2));
        return 0;
    case 0x88: case 0x8A:
        rw(c, r, u, cdb[0] == 0x8A, rd(cdb + 2, 8), rd(cdb + 10, 4));
        return 0;
    case 0x35:
        if (u->no_sync)
            check(r, u->descriptor_sense, 5, 0x20, 0);
        return 0;
    case 0x5A: /* MODE SENSE(10): header only */
        d[1] = 6;
        d[3] = u->write_protect ? 0x80 : 0;
        reply(c, r, d, 8);
        return 0;
    }
    check(r, u->descriptor_sense, 5, 0x20, 0);
    return 0;
}
