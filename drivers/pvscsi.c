/* pvscsi.c - barebench's own VMware PVSCSI driver (see pvscsi.h): the rings it sets up, how a
 * command goes on the request ring and comes back on the completion ring, and what it does when
 * one never comes back.  Discovery, READ/WRITE and sense are the SCSI layer's (drivers/scsi.c). */
#include "drivers/pvscsi.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

#define PAGE 4096u
#define SIMPLE_QUEUE_TAG 0x20
#define SETUP_DWORDS (4 + 2 * 2 * 32) /* SETUP_RINGS: counts, state PPN, 32 + 32 ring PPNs */

_Static_assert(sizeof(struct pvscsi_req) == 128, "request descriptor is 128 bytes");
_Static_assert(sizeof(struct pvscsi_cmp) == 32, "completion descriptor is 32 bytes");
_Static_assert(sizeof(struct pvscsi_rings_state) == 140, "rings state layout");

static uint32_t rd(struct pvscsi_dev *d, uint32_t reg) { return pci_mmio32(d->pci, 0, reg); }
static void wr(struct pvscsi_dev *d, uint32_t reg, uint32_t v) { pci_mmio32_write(d->pci, 0, reg, v); }

/* A command with its data dwords; the status register says how it went (0: done). */
static int command(struct pvscsi_dev *d, uint32_t cmd, const uint32_t *data, int n)
{
    wr(d, PVSCSI_R_COMMAND, cmd);
    for (int i = 0; i < n; i++)
        wr(d, PVSCSI_R_COMMAND_DATA, data[i]);
    return (int)rd(d, PVSCSI_R_COMMAND_STATUS);
}

static int adapter_reset(struct pvscsi_dev *d)
{
    d->running = 0;
    return command(d, PVSCSI_CMD_ADAPTER_RESET, NULL, 0);
}

/* The rings-state page, PVSCSI_REQ_PAGES request pages, PVSCSI_CMP_PAGES completion pages (one
 * allocation, but each page named to the device by its own page number) and the sense buffers. */
static int setup_rings(struct pvscsi_dev *d)
{
    size_t pages = 1 + PVSCSI_REQ_PAGES + PVSCSI_CMP_PAGES;
    if (pci_dma_alloc(d->pci, pages * PAGE + (size_t)PVSCSI_SLOTS * PVSCSI_SENSE_BYTES, &d->mem))
        return -1;
    uint8_t *h = d->mem.host;
    uint64_t dev = d->mem.dev;
    d->rs = (volatile struct pvscsi_rings_state *)h;
    d->req = (struct pvscsi_req *)(h + PAGE);
    d->cmp = (volatile struct pvscsi_cmp *)(h + (1 + PVSCSI_REQ_PAGES) * PAGE);
    d->sense = h + pages * PAGE;
    uint32_t w[SETUP_DWORDS];
    memset(w, 0, sizeof w);
    w[0] = PVSCSI_REQ_PAGES;
    w[1] = PVSCSI_CMP_PAGES;
    w[2] = (uint32_t)(dev / PAGE);
    w[3] = (uint32_t)(dev / PAGE >> 32);
    for (int i = 0; i < PVSCSI_REQ_PAGES; i++) {
        uint64_t ppn = (dev + (1 + (uint64_t)i) * PAGE) / PAGE;
        w[4 + 2 * i] = (uint32_t)ppn;
        w[5 + 2 * i] = (uint32_t)(ppn >> 32);
    }
    for (int i = 0; i < PVSCSI_CMP_PAGES; i++) {
        uint64_t ppn = (dev + (1 + PVSCSI_REQ_PAGES + (uint64_t)i) * PAGE) / PAGE;
        w[4 + 64 + 2 * i] = (uint32_t)ppn;
        w[5 + 64 + 2 * i] = (uint32_t)(ppn >> 32);
    }
    if (command(d, PVSCSI_CMD_SETUP_RINGS, w, SETUP_DWORDS) != 0)
        return -2;
    /* the device states the ring sizes it uses in the rings-state page */
    uint32_t rl = d->rs->req_log2, cl = d->rs->cmp_log2;
    if (rl > 15 || cl > 15 || (1u << rl) > PVSCSI_REQ_PAGES * (PAGE / sizeof(struct pvscsi_req)) ||
        (1u << cl) > PVSCSI_CMP_PAGES * (PAGE / sizeof(struct pvscsi_cmp)))
        return -3;
    d->req_entries = 1u << rl;
    d->cmp_entries = 1u << cl;
    d->prod = d->rs->req_prod;
    d->cons = d->rs->cmp_cons;
    return 0;
}

static int depth(struct pvscsi_dev *d)
{
    uint32_t n = d->req_entries < d->cmp_entries ? d->req_entries : d->cmp_entries;
    return (int)(n < PVSCSI_SLOTS ? n : PVSCSI_SLOTS);
}

/* ---- the transport the SCSI layer drives (struct scsi_hba_ops) ---- */

static int is_rw(uint8_t op)
{
    switch (op) {
    case 0x08: case 0x0A: case 0x28: case 0x2A: case 0xA8: case 0xAA: case 0x88: case 0x8A: return 1;
    default: return 0;
    }
}

static int op_submit(void *ctx, int tag, const struct scsi_cmd *c)
{
    struct pvscsi_dev *d = ctx;
    if (!d->running || tag < 0 || tag >= PVSCSI_SLOTS || d->busy[tag] || c->target > 255 || c->lun > 0x3FFF)
        return PLAT_IO_ERROR;
    if ((int)(d->prod - d->cons) >= depth(d))
        return BLK_AGAIN; /* completions for everything in flight must fit the completion ring */
    struct pvscsi_req *r = &d->req[d->prod & (d->req_entries - 1)];
    memset(r, 0, sizeof *r);
    r->context = (uint64_t)tag + 1; /* never 0 */
    r->data_addr = c->len ? c->buf_dev : 0;
    r->data_len = c->len;
    r->sense_addr = d->mem.dev + (size_t)(1 + PVSCSI_REQ_PAGES + PVSCSI_CMP_PAGES) * PAGE +
                    (uint64_t)tag * PVSCSI_SENSE_BYTES;
    r->sense_len = PVSCSI_SENSE_BYTES;
    r->flags = c->dir == SCSI_DIR_IN ? PVSCSI_F_DIR_TOHOST
             : c->dir == SCSI_DIR_OUT ? PVSCSI_F_DIR_TODEVICE : PVSCSI_F_DIR_NONE;
    memcpy(r->cdb, c->cdb, c->cdb_len);
    r->cdb_len = c->cdb_len;
    if (c->lun < 256) {
        r->lun[1] = (uint8_t)c->lun;  /* single level, peripheral addressing */
    } else {
        r->lun[0] = (uint8_t)(0x40 | c->lun >> 8); /* flat addressing */
        r->lun[1] = (uint8_t)c->lun;
    }
    r->tag = SIMPLE_QUEUE_TAG;
    r->target = (uint8_t)c->target;
    d->busy[tag] = 1;
    d->rw[tag] = (uint8_t)is_rw(c->cdb[0]);
    d->len[tag] = c->len;
    d->target[tag] = (uint8_t)c->target;
    if (d->rw[tag])
        d->kick_rw = 1;
    else
        d->kick_other = 1;
    d->prod++;
    return 0;
}

static void op_kick(void *ctx)
{
    struct pvscsi_dev *d = ctx;
    if (!d->running)
        return; /* no rings set up: QEMU's model asserts on a kick then */
    __atomic_thread_fence(__ATOMIC_RELEASE); /* descriptors before the producer index */
    d->rs->req_prod = d->prod;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (d->kick_rw)
        wr(d, PVSCSI_R_KICK_RW, 0);
    if (d->kick_other)
        wr(d, PVSCSI_R_KICK_NON_RW, 0);
    d->kick_rw = d->kick_other = 0;
}

/* A completion descriptor as the layer's result.  An underrun carries the bytes moved in
 * data_len; QEMU leaves data_len 0 there, so a READ/WRITE underrun with no count is an error
 * and for other commands (INQUIRY...) the layer reads the data's own length fields. */
static void result_of(struct pvscsi_dev *d, int tag, const struct pvscsi_cmp *e, struct scsi_result *r)
{
    memset(r, 0, sizeof *r);
    r->status = (uint8_t)e->scsi_status;
    switch (e->host_status) {
    case PVSCSI_BT_SUCCESS: case PVSCSI_BT_LINKED: case PVSCSI_BT_LINKED_FLAG:
        r->host = SCSI_HOST_OK;
        break;
    case PVSCSI_BT_UNDERRUN: case PVSCSI_BT_DATARUN:
        if (e->data_len && e->data_len < d->len[tag])
            r->residual = d->len[tag] - (uint32_t)e->data_len;
        r->host = d->rw[tag] && !r->residual && e->scsi_status == SCSI_GOOD ? SCSI_HOST_ERROR : SCSI_HOST_OK;
        break;
    case PVSCSI_BT_SELTIMEO: r->host = SCSI_HOST_NO_TARGET; break;
    case PVSCSI_BT_BUSRESET: r->host = SCSI_HOST_RESET; break;
    case PVSCSI_BT_ABORTQUEUE: r->host = SCSI_HOST_ABORTED; break;
    default: r->host = SCSI_HOST_ERROR; break;
    }
    if (r->host == SCSI_HOST_OK && r->status == SCSI_CHECK_CONDITION) {
        uint32_t n = e->sense_len < PVSCSI_SENSE_BYTES ? e->sense_len : PVSCSI_SENSE_BYTES;
        memcpy(r->sense, d->sense + (size_t)tag * PVSCSI_SENSE_BYTES, n);
        r->sense_len = (uint8_t)n;
    }
}

static int op_reap(void *ctx, scsi_done_fn done, void *arg)
{
    struct pvscsi_dev *d = ctx;
    int got = 0;
    uint32_t prod = d->rs->cmp_prod; /* one reading: the loop ends even if the device keeps moving it */
    if (prod - d->cons > d->cmp_entries)
        return 0; /* more than a ring ahead: not a producer index; what is in flight times out */
    while (d->running && d->cons != prod) {
        __atomic_thread_fence(__ATOMIC_ACQUIRE); /* the producer index before the descriptor */
        struct pvscsi_cmp e;
        memcpy(&e, (const void *)&d->cmp[d->cons & (d->cmp_entries - 1)], sizeof e);
        d->cons++;
        d->rs->cmp_cons = d->cons; /* the slot is ours again before anything new is sent */
        uint64_t tag = e.context - 1;
        if (tag >= PVSCSI_SLOTS || !d->busy[tag])
            continue; /* not a command in flight: never reported */
        struct scsi_result r;
        result_of(d, (int)tag, &e, &r);
        d->busy[tag] = 0;
        got++;
        done(arg, (int)tag, &r);
    }
    return got;
}

/* A command outlived its bound: ABORT_CMD each one in flight, then reset the adapter, which
 * ends whatever is left; after it the device touches no buffer. */
static int op_reset(void *ctx, char *what, size_t n)
{
    struct pvscsi_dev *d = ctx;
    int aborted = 0;
    for (int tag = 0; tag < PVSCSI_SLOTS; tag++) {
        if (!d->busy[tag])
            continue;
        uint32_t w[4] = {(uint32_t)(tag + 1), 0, d->target[tag], 0}; /* context, target, pad */
        command(d, PVSCSI_CMD_ABORT_CMD, w, 4);
        aborted++;
    }
    int rc = adapter_reset(d);
    memset(d->busy, 0, sizeof d->busy);
    d->kick_rw = d->kick_other = 0;
    bb_snprintf(what, n, "ABORT_CMD for %d command%s, then adapter reset%s", aborted,
                aborted == 1 ? "" : "s", rc ? " (refused)" : "");
    return rc ? -1 : 0;
}

static int op_max_tags(void *ctx, uint32_t bytes)
{
    (void)bytes; /* one data pointer per command: the size does not matter */
    return depth(ctx);
}

static const struct scsi_hba_ops ops = {op_submit, op_kick, op_reap, op_reset, op_max_tags};

/* ---- the driver table entry ---- */

static int match(const struct pci_fn *f)
{
    return f->vendor == 0x15AD && f->device == 0x07C0;
}

static void release(struct pvscsi_dev *d)
{
    scsi_release(&d->host);
    pci_dma_free(d->pci, &d->mem);
}

static int fail(struct pvscsi_dev *d, const char *why)
{
    if (why) /* NULL: host.why already says it (scsi_scan) */
        bb_snprintf(d->host.why, sizeof d->host.why, "%s", why);
    adapter_reset(d);
    release(d);
    return -1;
}

static int t_start(void *ctrl, struct pci_fn *f)
{
    struct pvscsi_dev *d = ctrl;
    d->pci = f;
    if (pci_cfg32(f, 0x10) & 1)
        return fail(d, "BAR 0 is not a memory BAR");
    wr(d, PVSCSI_R_INTR_MASK, 0); /* polled: no interrupt source enabled */
    if (adapter_reset(d) != 0)
        return fail(d, "the adapter refused ADAPTER_RESET");
    int rc = setup_rings(d);
    if (rc)
        return fail(d, rc == -1 ? "no DMA memory for the rings"
                       : rc == -2 ? "the adapter refused SETUP_RINGS"
                                  : "the adapter set up rings of an unexpected size");
    d->running = 1;
    d->host.hba = (struct scsi_hba){.ops = &ops, .ctx = d, .pci = f, .api = "pvscsi",
                                    .max_target = PVSCSI_MAX_TARGETS - 1, .max_lun = 255,
                                    .skip_target = -1, .max_transfer = PVSCSI_MAX_XFER,
                                    .cmd_per_lun = 0};
    if (scsi_scan(&d->host) < 0)
        return fail(d, NULL);
    return 0;
}

static void t_stop(void *ctrl)
{
    struct pvscsi_dev *d = ctrl;
    adapter_reset(d); /* rings forgotten: the firmware's driver sets up its own */
    wr(d, PVSCSI_R_INTR_MASK, 0);
    release(d);
}

const struct blk_driver pvscsi_driver = {
    .name = "PVSCSI", .match = match, .size = sizeof(struct pvscsi_dev), .start = t_start,
    .stop = t_stop, SCSI_BLK_OPS,
};
