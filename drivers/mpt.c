/* mpt.c - barebench's own Fusion-MPT 1.x driver (see mpt.h): the IOC brought up through the
 * doorbell handshake, SCSI_IO frames posted to the request FIFO, replies taken from the reply
 * FIFO, and the IOC reset when a command never comes back.  Discovery, READ/WRITE and sense
 * are the SCSI layer's (drivers/scsi.c). */
#include "drivers/mpt.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

_Static_assert(sizeof(struct mpt_scsi_io) == 60, "SCSI_IO request with one 64-bit SGE");
_Static_assert(sizeof(struct mpt_scsi_reply) == 36, "SCSI_IO reply");

static uint32_t rd(struct mpt_dev *d, uint32_t r)
{
    return d->io ? pci_port(d->pci, d->bar, r, 4) : pci_mmio32(d->pci, d->bar, r);
}

static void wr(struct mpt_dev *d, uint32_t r, uint32_t v)
{
    if (d->io)
        pci_port_write(d->pci, d->bar, r, 4, v);
    else
        pci_mmio32_write(d->pci, d->bar, r, v);
}

static uint32_t ioc_state(struct mpt_dev *d) { return rd(d, MPT_R_DOORBELL) & MPT_STATE_MASK; }

/* Poll the host interrupt status until (HIS & mask) == want, bounded. */
static int wait_his(struct mpt_dev *d, uint32_t mask, uint32_t want, double seconds)
{
    uint64_t end = drv_deadline(seconds);
    while ((rd(d, MPT_R_HIS) & mask) != want) {
        if (drv_expired(end))
            return -1;
        drv_stall_us(1);
    }
    return 0;
}

static int wait_state(struct mpt_dev *d, uint32_t state, double seconds)
{
    uint64_t end = drv_deadline(seconds);
    while (ioc_state(d) != state) {
        if (drv_expired(end))
            return -1;
        drv_stall_us(10);
    }
    return 0;
}

/* The doorbell handshake: the request's dwords in, the reply's 16-bit words out (as many as its
 * MsgLength says; up to `max` bytes kept).  0, or -1 when the IOC did not follow. */
static int handshake(struct mpt_dev *d, const void *req, int req_bytes, void *reply, int max)
{
    const uint32_t *w = req;
    uint16_t *out = reply;
    if (rd(d, MPT_R_DOORBELL) & MPT_DB_ACTIVE)
        return -1;
    wr(d, MPT_R_HIS, 0);
    wr(d, MPT_R_DOORBELL, (uint32_t)MPT_FN_HANDSHAKE << 24 | (uint32_t)(req_bytes / 4) << 16);
    if (wait_his(d, MPT_HIS_DOORBELL, MPT_HIS_DOORBELL, MPT_HANDSHAKE_TIMEOUT_S))
        return -1;
    wr(d, MPT_R_HIS, 0);
    if (wait_his(d, MPT_HIS_IOP_BUSY, 0, MPT_HANDSHAKE_TIMEOUT_S))
        return -1;
    for (int i = 0; i < req_bytes / 4; i++) {
        wr(d, MPT_R_DOORBELL, w[i]);
        if (wait_his(d, MPT_HIS_IOP_BUSY, 0, MPT_HANDSHAKE_TIMEOUT_S))
            return -1;
    }
    memset(reply, 0, (size_t)max);
    int words = 2; /* until the second word brings MsgLength (dwords) */
    for (int i = 0; i < words; i++) {
        if (wait_his(d, MPT_HIS_DOORBELL, MPT_HIS_DOORBELL, MPT_HANDSHAKE_TIMEOUT_S))
            return -1;
        uint16_t v = (uint16_t)rd(d, MPT_R_DOORBELL);
        wr(d, MPT_R_HIS, 0);
        if (i < max / 2)
            out[i] = v;
        if (i == 1 && (v & 0xFF) * 2 > 2)
            words = (v & 0xFF) * 2;
    }
    if (wait_his(d, MPT_HIS_DOORBELL, MPT_HIS_DOORBELL, MPT_HANDSHAKE_TIMEOUT_S) == 0)
        wr(d, MPT_R_HIS, 0); /* the handshake's end */
    return 0;
}

/* IOCStatus of a handshake reply (offset 0x0E), -1 when the handshake itself failed. */
static int ask(struct mpt_dev *d, const void *req, int req_bytes, uint8_t *reply, int max)
{
    if (handshake(d, req, req_bytes, reply, max))
        return -1;
    return (reply[14] | reply[15] << 8) & 0x7FFF;
}

/* MESSAGE_UNIT_RESET, and a diagnostic (hard) reset when the IOC does not come back READY. */
static int ioc_reset(struct mpt_dev *d)
{
    static const uint32_t keys[] = {0x04, 0x0B, 0x02, 0x07, 0x0D}; /* diagnostic write sequence */
    d->running = 0;
    wr(d, MPT_R_DOORBELL, (uint32_t)MPT_FN_MSG_UNIT_RESET << 24);
    if (wait_state(d, MPT_STATE_READY, MPT_RESET_TIMEOUT_S) == 0)
        return 0;
    for (int i = 0; i < 5; i++)
        wr(d, MPT_R_WRITE_SEQ, keys[i]);
    wr(d, MPT_R_DIAG, 0x04); /* reset adapter */
    return wait_state(d, MPT_STATE_READY, MPT_RESET_TIMEOUT_S);
}

static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* IOC_FACTS and PORT_FACTS: queue depths, frame size, targets, the IOC's own id. */
static const char *facts(struct mpt_dev *d, uint16_t *msg_version, uint16_t *hdr_version)
{
    uint8_t rep[96];
    uint32_t req[3] = {(uint32_t)MPT_FN_IOC_FACTS << 24, 0, 0};
    if (ask(d, req, sizeof req, rep, sizeof rep) != 0)
        return "IOC_FACTS failed";
    *msg_version = le16(rep);
    *hdr_version = le16(rep + 4);
    uint32_t credits = le16(rep + 0x24), replyq = le16(rep + 0x18);
    d->frame_bytes = 4u * le16(rep + 0x1A);
    d->max_devices = rep[0x2E];
    uint32_t depth = credits < replyq ? credits : replyq;
    if (depth > MPT_SLOTS + 1u)
        depth = MPT_SLOTS + 1u;
    if (depth < 2 || d->frame_bytes < sizeof(struct mpt_scsi_io) || d->frame_bytes > 1024)
        return "IOC_FACTS states unusable queue or frame sizes";
    d->depth = (int)depth - 1; /* a FIFO of N entries holds N - 1 */
    req[0] = (uint32_t)MPT_FN_PORT_FACTS << 24;
    if (ask(d, req, sizeof req, rep, sizeof rep) != 0)
        return "PORT_FACTS failed";
    if (!d->max_devices)
        d->max_devices = le16(rep + 0x16) ? le16(rep + 0x16) : 1;
    d->ioc_id = le16(rep + 0x18) < d->max_devices ? le16(rep + 0x18) : -1;
    return NULL;
}

/* Request frames, reply frames and sense buffers in one allocation inside one 4 GiB window:
 * the IOC takes only their low 32 bits (HostMfaHighAddr / SenseBufferHighAddr give the rest). */
static const char *alloc_frames(struct mpt_dev *d)
{
    size_t fb = (size_t)d->depth * d->frame_bytes, rb = (size_t)d->depth * MPT_REPLY_BYTES;
    size_t total = fb + rb + (size_t)d->depth * MPT_SENSE_BYTES;
    if (pci_dma_alloc(d->pci, total, &d->mem))
        return "no DMA memory for the message frames";
    if (d->mem.dev >> 32 != (d->mem.dev + total - 1) >> 32)
        return "the message frames cross a 4 GiB boundary";
    d->frames = d->mem.host;
    d->replies = d->frames + fb;
    d->sense = d->replies + rb;
    d->frames_dev = d->mem.dev;
    d->replies_dev = d->mem.dev + fb;
    d->sense_dev = d->replies_dev + rb;
    return NULL;
}

static const char *ioc_init(struct mpt_dev *d, uint16_t msg_version, uint16_t hdr_version)
{
    uint8_t rep[64];
    uint32_t req[11];
    uint32_t hi = (uint32_t)(d->mem.dev >> 32);
    memset(req, 0, sizeof req);
    req[0] = 0x04u | (uint32_t)MPT_FN_IOC_INIT << 24;   /* WhoInit: host driver */
    req[1] = (d->max_devices > 255 ? 0u : d->max_devices) << 8 | 1u << 16; /* MaxDevices, MaxBuses */
    req[3] = MPT_REPLY_BYTES;                             /* ReplyFrameSize */
    req[4] = hi;                                          /* HostMfaHighAddr */
    req[5] = hi;                                          /* SenseBufferHighAddr */
    req[10] = msg_version | (uint32_t)hdr_version << 16;
    if (ask(d, req, sizeof req, rep, sizeof rep) != 0)
        return "IOC_INIT failed";
    if (wait_state(d, MPT_STATE_OPERATIONAL, MPT_RESET_TIMEOUT_S))
        return "the IOC did not become operational after IOC_INIT";
    uint32_t en[3] = {(uint32_t)MPT_FN_PORT_ENABLE << 24, 0, 0}; /* port 0 */
    if (ask(d, en, sizeof en, rep, sizeof rep) != 0)
        return "PORT_ENABLE failed";
    for (int i = 0; i < d->depth; i++) /* the free reply frames error replies are written to */
        wr(d, MPT_R_REPLY_FIFO, (uint32_t)(d->replies_dev + (uint64_t)i * MPT_REPLY_BYTES));
    return NULL;
}

/* ---- the transport the SCSI layer drives (struct scsi_hba_ops) ---- */

static int op_submit(void *ctx, int tag, const struct scsi_cmd *c)
{
    struct mpt_dev *d = ctx;
    if (!d->running || tag < 0 || tag >= d->depth || d->busy[tag] || c->target > 255 ||
        c->lun > 0x3FFF || c->len > MPT_MAX_XFER)
        return PLAT_IO_ERROR;
    struct mpt_scsi_io *m = (struct mpt_scsi_io *)(d->frames + (size_t)tag * d->frame_bytes);
    memset(m, 0, sizeof *m);
    m->target = (uint8_t)c->target;
    m->function = MPT_FN_SCSI_IO;
    m->cdb_len = c->cdb_len;
    m->sense_len = MPT_SENSE_BYTES;
    m->context = (uint32_t)tag + 1; /* bit 31 clear: a context-only reply */
    if (c->lun < 256) {
        m->lun[1] = (uint8_t)c->lun;
    } else {
        m->lun[0] = (uint8_t)(0x40 | c->lun >> 8);
        m->lun[1] = (uint8_t)c->lun;
    }
    m->control = c->dir == SCSI_DIR_IN ? MPT_CTL_READ : c->dir == SCSI_DIR_OUT ? MPT_CTL_WRITE : 0;
    memcpy(m->cdb, c->cdb, c->cdb_len);
    m->data_len = c->len;
    m->sense_low = (uint32_t)(d->sense_dev + (uint64_t)tag * MPT_SENSE_BYTES);
    m->sge_flags_len = MPT_SGE_SIMPLE64_LAST | (c->dir == SCSI_DIR_OUT ? MPT_SGE_HOST_TO_IOC : 0) | c->len;
    m->sge_addr_low = c->len ? (uint32_t)c->buf_dev : 0;
    m->sge_addr_high = c->len ? (uint32_t)(c->buf_dev >> 32) : 0;
    d->busy[tag] = 1;
    d->inflight++;
    d->len[tag] = c->len;
    d->rw[tag] = c->cdb[0] == 0x28 || c->cdb[0] == 0x2A || c->cdb[0] == 0x88 || c->cdb[0] == 0x8A;
    d->pending[d->npending++] = (uint8_t)tag;
    return 0;
}

static void op_kick(void *ctx) /* each request FIFO write hands the IOC one frame */
{
    struct mpt_dev *d = ctx;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (int i = 0; i < d->npending; i++)
        wr(d, MPT_R_REQ_FIFO, (uint32_t)(d->frames_dev + (uint64_t)d->pending[i] * d->frame_bytes));
    d->npending = 0;
}

static uint8_t host_of(uint16_t ioc_status)
{
    switch (ioc_status) {
    case MPT_IOC_SUCCESS: case MPT_IOC_RECOVERED: case MPT_IOC_UNDERRUN: case MPT_IOC_RESIDUAL_MISMATCH:
        return SCSI_HOST_OK;
    case MPT_IOC_INVALID_BUS: case MPT_IOC_INVALID_TARGET: case MPT_IOC_NOT_THERE:
        return SCSI_HOST_NO_TARGET;
    case MPT_IOC_BUSY: case MPT_IOC_NO_RESOURCES: return SCSI_HOST_BUSY;
    case MPT_IOC_TASK_TERMINATED: return SCSI_HOST_ABORTED;
    case MPT_IOC_IOC_TERMINATED: case MPT_IOC_EXT_TERMINATED: return SCSI_HOST_RESET;
    default: return SCSI_HOST_ERROR;
    }
}

/* A full reply frame (an error, an underrun): its result; the frame goes back on the free list. */
static int full_reply(struct mpt_dev *d, uint32_t word, struct scsi_result *r)
{
    uint64_t at = (d->mem.dev & ~0xFFFFFFFFull) | (uint64_t)(word & ~MPT_REPLY_ADDRESS) << 1;
    if (at < d->replies_dev || (at - d->replies_dev) % MPT_REPLY_BYTES ||
        (at - d->replies_dev) / MPT_REPLY_BYTES >= (uint64_t)d->depth)
        return -1; /* not one of ours: never reposted */
    struct mpt_scsi_reply e;
    memcpy(&e, d->replies + (at - d->replies_dev), sizeof e);
    wr(d, MPT_R_REPLY_FIFO, (uint32_t)at);
    int tag = (int)e.context - 1;
    if (e.function != MPT_FN_SCSI_IO || tag < 0 || tag >= d->depth || !d->busy[tag])
        return -1;
    memset(r, 0, sizeof *r);
    r->host = host_of(e.ioc_status & 0x7FFF);
    r->status = e.scsi_status;
    if (e.transfer_count < d->len[tag])
        r->residual = d->len[tag] - e.transfer_count;
    if (e.scsi_state & MPT_STATE_AUTOSENSE) {
        uint32_t n = e.sense_count < MPT_SENSE_BYTES ? e.sense_count : MPT_SENSE_BYTES;
        memcpy(r->sense, d->sense + (size_t)tag * MPT_SENSE_BYTES, n);
        r->sense_len = (uint8_t)n;
    }
    return tag;
}

static int op_reap(void *ctx, scsi_done_fn done, void *arg)
{
    struct mpt_dev *d = ctx;
    int got = 0;
    for (int guard = 0; d->running && guard < 2 * MPT_SLOTS; guard++) {
        uint32_t w = rd(d, MPT_R_REPLY_FIFO);
        if (w == 0xFFFFFFFF) { /* empty (the read also drops the reply interrupt) */
            if (!got && d->inflight > 1)
                drv_stall_us(d->inflight < MPT_POLL_BACKOFF_MAX_US ? (uint64_t)d->inflight
                                                                   : MPT_POLL_BACKOFF_MAX_US);
            break;
        }
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        struct scsi_result r;
        int tag;
        if (w & MPT_REPLY_ADDRESS) {
            tag = full_reply(d, w, &r);
        } else { /* context only: GOOD, everything moved */
            tag = (int)w - 1;
            memset(&r, 0, sizeof r);
            if (tag < 0 || tag >= d->depth || !d->busy[tag])
                tag = -1;
        }
        if (tag < 0)
            continue;
        d->busy[tag] = 0;
        d->inflight--;
        got++;
        done(arg, tag, &r);
    }
    return got;
}

/* A command outlived its bound: the message unit reset ends everything the IOC holds (and a
 * diagnostic reset if that does not bring it back). */
static int op_reset(void *ctx, char *what, size_t n)
{
    struct mpt_dev *d = ctx;
    int rc = ioc_reset(d);
    memset(d->busy, 0, sizeof d->busy);
    d->npending = d->inflight = 0;
    bb_snprintf(what, n, "IOC message unit reset%s", rc ? ", then diagnostic reset: IOC not ready" : "");
    return rc;
}

static int op_max_tags(void *ctx, uint32_t bytes)
{
    (void)bytes; /* one SGE per command: the size does not matter */
    return ((struct mpt_dev *)ctx)->depth;
}

static const struct scsi_hba_ops ops = {op_submit, op_kick, op_reap, op_reset, op_max_tags};

/* ---- the driver table entry ---- */

static int match(const struct pci_fn *f)
{
    return f->vendor == 0x1000 && (f->device == 0x0030 || f->device == 0x0054 || f->device == 0x0058);
}

static int fail(struct mpt_dev *d, const char *why)
{
    if (why) /* NULL: host.why already says it (scsi_scan) */
        bb_snprintf(d->host.why, sizeof d->host.why, "%s", why);
    ioc_reset(d);
    scsi_release(&d->host);
    pci_dma_free(d->pci, &d->mem);
    return -1;
}

static int t_start(void *ctrl, struct pci_fn *f)
{
    struct mpt_dev *d = ctrl;
    uint16_t mv = 0, hv = 0;
    d->pci = f;
    if (!(pci_cfg32(f, 0x14) & 1)) {
        d->bar = 1; /* the memory window */
    } else if (pci_cfg32(f, 0x10) & 1) {
        d->bar = 0; /* else the I/O window */
        d->io = 1;
    } else {
        bb_snprintf(d->host.why, sizeof d->host.why, "no register BAR");
        return -1;
    }
    wr(d, MPT_R_HIM, MPT_HIS_DOORBELL | MPT_HIS_REPLY); /* polled: both interrupts masked */
    if (ioc_reset(d))
        return fail(d, "the IOC did not become ready after a reset");
    wr(d, MPT_R_HIS, 0);
    const char *why = facts(d, &mv, &hv);
    if (!why)
        why = alloc_frames(d);
    if (!why)
        why = ioc_init(d, mv, hv);
    if (why)
        return fail(d, why);
    d->running = 1;
    d->host.hba = (struct scsi_hba){.ops = &ops, .ctx = d, .pci = f, .api = "mpt",
                                    .max_target = d->max_devices - 1, .max_lun = 255,
                                    .skip_target = d->ioc_id, .max_transfer = MPT_MAX_XFER,
                                    .cmd_per_lun = 0};
    if (scsi_scan(&d->host) < 0)
        return fail(d, NULL);
    return 0;
}

static void t_stop(void *ctrl)
{
    struct mpt_dev *d = ctrl;
    ioc_reset(d); /* back to READY, its FIFOs empty: the firmware's driver initialises it again */
    scsi_release(&d->host);
    pci_dma_free(d->pci, &d->mem);
}

const struct blk_driver mpt_driver = {
    .name = "Fusion-MPT", .match = match, .size = sizeof(struct mpt_dev), .start = t_start,
    .stop = t_stop, SCSI_BLK_OPS,
};
