/* nvme.c - barebench's own NVMe driver (NVMe base spec 2.0): controller reset honouring
 * CAP.TO/DSTRD/MPSMIN, admin queue, Identify, one polled I/O queue pair; the queue logic
 * itself is drivers/nvme_queue.c. */
#include "drivers/nvme.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

enum { REG_CAP = 0x00, REG_INTMS = 0x0C, REG_CC = 0x14, REG_CSTS = 0x1C, REG_AQA = 0x24,
       REG_ASQ = 0x28, REG_ACQ = 0x30, REG_DB = 0x1000 };
enum { ADM_DELETE_SQ = 0x00, ADM_CREATE_SQ = 0x01, ADM_DELETE_CQ = 0x04, ADM_CREATE_CQ = 0x05,
       ADM_IDENTIFY = 0x06 };
#define ADMIN_DEPTH 32
#define BAR 0

static void sq_bell(void *ctx, uint16_t qid, uint16_t tail)
{
    struct nvme_ctrl *c = ctx;
    pci_mmio32_write(c->pci, BAR, REG_DB + (2u * qid) * c->stride, tail);
}

static void cq_bell(void *ctx, uint16_t qid, uint16_t head)
{
    struct nvme_ctrl *c = ctx;
    pci_mmio32_write(c->pci, BAR, REG_DB + (2u * qid + 1) * c->stride, head);
}

static int dev_addr(void *ctx, void *buf, size_t len, uint64_t *dev)
{
    struct nvme_ctrl *c = ctx;
    return pci_dma_addr(c->pci, buf, len, dev);
}

static const struct nvme_io_ops ops = {sq_bell, cq_bell, drv_now, dev_addr, drv_idle};

/* Wait until CSTS.RDY equals rdy, at most CAP.TO; -1 on timeout or controller fatal status. */
static int wait_ready(struct nvme_ctrl *c, uint32_t rdy)
{
    uint64_t end = drv_deadline(c->ready_s);
    for (;;) {
        uint32_t csts = pci_mmio32(c->pci, BAR, REG_CSTS);
        if (csts == 0xFFFFFFFF)
            return -1; /* the device is gone */
        if ((csts & 1) == rdy)
            return 0;
        if (rdy && (csts & 2))
            return -1; /* CSTS.CFS */
        if (drv_expired(end))
            return -1;
        drv_stall_us(100);
    }
}

/* CC.EN = 0 and wait for RDY = 0 (the firmware's driver leaves the controller enabled). */
static int disable(struct nvme_ctrl *c)
{
    uint32_t cc = pci_mmio32(c->pci, BAR, REG_CC);
    if (cc & 1)
        pci_mmio32_write(c->pci, BAR, REG_CC, cc & ~1u);
    return wait_ready(c, 0);
}

static void free_all(struct nvme_ctrl *c)
{
    pci_dma_free(c->pci, &c->ident);
    pci_dma_free(c->pci, &c->prp);
    pci_dma_free(c->pci, &c->icq);
    pci_dma_free(c->pci, &c->isq);
    pci_dma_free(c->pci, &c->acq);
    pci_dma_free(c->pci, &c->asq);
}

static int admin(struct nvme_ctrl *c, uint8_t opc, uint32_t nsid, uint64_t prp1, uint32_t cdw10,
                 uint32_t cdw11)
{
    struct nvme_sqe cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.opc = opc;
    cmd.nsid = nsid;
    cmd.prp1 = prp1;
    cmd.cdw10 = cdw10;
    cmd.cdw11 = cdw11;
    return nvme_io_cmd(&c->admin, &cmd, NULL);
}

static void copy_text(char *dst, const uint8_t *src, int n) /* space-padded ASCII field */
{
    int e = n;
    while (e > 0 && (src[e - 1] == ' ' || src[e - 1] == 0))
        e--;
    for (int i = 0; i < e; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7F ? (char)src[i] : '?';
    dst[e] = 0;
}

/* Identify the controller and each active namespace with a usable LBA format. */
static int identify(struct nvme_ctrl *c)
{
    uint8_t *id = c->ident.host;
    if (admin(c, ADM_IDENTIFY, 0, c->ident.dev, 1, 0)) {
        bb_snprintf(c->why, sizeof c->why, "Identify Controller failed");
        return -1;
    }
    copy_text(c->serial, id + 4, 20);
    copy_text(c->model, id + 24, 40);
    uint32_t minpage = 1u << (12 + ((c->cap >> 48) & 0xF));
    uint8_t mdts = id[77];
    uint64_t max = (uint64_t)c->page * (c->page / 8); /* one PRP list page */
    if (mdts && (uint64_t)minpage << mdts < max)
        max = (uint64_t)minpage << mdts;
    c->max_transfer = (uint32_t)max;

    uint32_t list[1024];
    if (admin(c, ADM_IDENTIFY, 0, c->ident.dev, 2, 0)) { /* active namespace ids */
        bb_snprintf(c->why, sizeof c->why, "Identify active namespace list failed");
        return -1;
    }
    memcpy(list, id, sizeof list);
    c->nns = 0;
    for (int i = 0; i < 1024 && list[i] && c->nns < NVME_MAX_NS; i++) {
        if (admin(c, ADM_IDENTIFY, list[i], c->ident.dev, 0, 0))
            continue;
        uint64_t nsze;
        memcpy(&nsze, id, 8);
        uint8_t fmt = id[26] & 0xF;
        uint32_t lbaf;
        memcpy(&lbaf, id + 128 + 4 * fmt, 4);
        uint32_t ms = lbaf & 0xFFFF, lbads = (lbaf >> 16) & 0xFF;
        if (!nsze || ms || lbads < 9 || lbads > 16)
            continue; /* metadata formats and odd sizes are not measured */
        struct nvme_ns *ns = &c->ns[c->nns++];
        ns->nsid = list[i];
        ns->block_size = 1u << lbads;
        ns->blocks = nsze;
    }
    return 0;
}

/* Create I/O completion queue 1 then submission queue 1 (no interrupts: IEN = 0). */
static int io_queues(struct nvme_ctrl *c)
{
    int depth = (int)(c->cap & 0xFFFF) + 1;
    if (depth > NVMEQ_MAX)
        depth = NVMEQ_MAX;
    c->depth = depth;
    if (pci_dma_alloc(c->pci, (size_t)depth * sizeof(struct nvme_sqe), &c->isq) ||
        pci_dma_alloc(c->pci, (size_t)depth * sizeof(struct nvme_cqe), &c->icq) ||
        pci_dma_alloc(c->pci, (size_t)depth * c->page, &c->prp)) {
        bb_snprintf(c->why, sizeof c->why, "no DMA memory for a %d-entry I/O queue", depth);
        return -1;
    }
    uint32_t size = (uint32_t)(depth - 1) << 16 | 1;
    if (admin(c, ADM_CREATE_CQ, 0, c->icq.dev, size, 1) ||
        admin(c, ADM_CREATE_SQ, 0, c->isq.dev, size, 1u << 16 | 1)) {
        bb_snprintf(c->why, sizeof c->why, "creating the I/O queue pair failed (status 0x%x)",
                    c->admin.last_status);
        return -1;
    }
    nvmeq_init(&c->iq, 1, c->isq.host, c->icq.host, (uint16_t)depth);
    c->io = c->admin;
    c->io.q = &c->iq;
    c->io.prp = c->prp.host;
    c->io.prp_dev = c->prp.dev;
    c->io.prp_cap = c->page / 8;
    c->io.max_chunk = c->max_transfer;
    c->io.timeout = drv_ticks_of(NVME_IO_TIMEOUT_S);
    return 0;
}

int nvme_start(struct nvme_ctrl *c, struct pci_fn *f)
{
    struct pci_fn *keep = f;
    memset(c, 0, sizeof *c);
    c->pci = keep;
    c->cap = pci_mmio64(f, BAR, REG_CAP);
    if (c->cap == ~0ull) {
        bb_snprintf(c->why, sizeof c->why, "registers unreadable (BAR 0)");
        return -1;
    }
    c->stride = 4u << ((c->cap >> 32) & 0xF);
    c->ready_s = ((c->cap >> 24) & 0xFF) * 0.5;
    if (c->ready_s < 0.5)
        c->ready_s = 0.5;
    uint32_t mpsmin = (uint32_t)((c->cap >> 48) & 0xF);
    if (mpsmin > 0) { /* our DMA memory is 4 KiB aligned */
        bb_snprintf(c->why, sizeof c->why, "CAP.MPSMIN %u KiB pages not supported", 4u << mpsmin);
        return -1;
    }
    if (!((c->cap >> 37) & 1)) {
        bb_snprintf(c->why, sizeof c->why, "NVM command set not supported (CAP.CSS)");
        return -1;
    }
    c->page = 4096;
    if (disable(c)) {
        bb_snprintf(c->why, sizeof c->why, "controller did not stop within CAP.TO (%.1f s)", c->ready_s);
        return -1;
    }
    if (pci_dma_alloc(f, ADMIN_DEPTH * sizeof(struct nvme_sqe), &c->asq) ||
        pci_dma_alloc(f, ADMIN_DEPTH * sizeof(struct nvme_cqe), &c->acq) ||
        pci_dma_alloc(f, 4096, &c->ident)) {
        bb_snprintf(c->why, sizeof c->why, "no DMA memory for the admin queue");
        goto err_free;
    }
    nvmeq_init(&c->aq, 0, c->asq.host, c->acq.host, ADMIN_DEPTH);
    c->admin.q = &c->aq;
    c->admin.ops = &ops;
    c->admin.ctx = c;
    c->admin.page = c->page;
    c->admin.block_size = 512;
    c->admin.max_chunk = c->page;
    c->admin.timeout = drv_ticks_of(NVME_IO_TIMEOUT_S);
    pci_mmio32_write(f, BAR, REG_INTMS, 0xFFFFFFFF); /* polled: every vector masked */
    pci_mmio32_write(f, BAR, REG_AQA, (ADMIN_DEPTH - 1) << 16 | (ADMIN_DEPTH - 1));
    pci_mmio64_write(f, BAR, REG_ASQ, c->asq.dev);
    pci_mmio64_write(f, BAR, REG_ACQ, c->acq.dev);
    /* CSS NVM, MPS 4 KiB, round robin, IOSQES 64 B (2^6), IOCQES 16 B (2^4), enable */
    pci_mmio32_write(f, BAR, REG_CC, 6u << 16 | 4u << 20 | 1u);
    if (wait_ready(c, 1)) {
        bb_snprintf(c->why, sizeof c->why, "controller not ready within CAP.TO (%.1f s)", c->ready_s);
        goto err_disable;
    }
    c->running = 1;
    if (identify(c) || io_queues(c))
        goto err_disable;
    return 0;
err_disable:
    c->running = 0;
    disable(c);
err_free:
    free_all(c);
    return -1;
}

void nvme_stop(struct nvme_ctrl *c)
{
    if (c->running)
        disable(c); /* drops every queue; the firmware's driver starts from a reset controller */
    c->running = 0;
    free_all(c);
}

/* A command timed out: reset the controller so nothing DMAs on; no more I/O to it. */
static int fail_timeout(struct nvme_ctrl *c)
{
    c->dead = 1;
    bb_snprintf(c->why, sizeof c->why, "a command did not complete within %.0f s: controller reset",
                NVME_IO_TIMEOUT_S);
    disable(c);
    c->running = 0;
    return PLAT_IO_TIMEOUT;
}

int nvme_rw(struct nvme_ctrl *c, int ns, int write, int qd, const uint64_t *lba, int n,
            size_t bytes, void *const *bufs, uint64_t *lat)
{
    if (c->dead || !c->running)
        return PLAT_IO_TIMEOUT;
    if (ns < 0 || ns >= c->nns)
        return PLAT_IO_RANGE;
    c->io.nsid = c->ns[ns].nsid;
    c->io.block_size = c->ns[ns].block_size;
    int rc = nvme_io_batch(&c->io, write, qd, lba, n, bytes, bufs, lat);
    return rc == PLAT_IO_TIMEOUT ? fail_timeout(c) : rc;
}

int nvme_flush(struct nvme_ctrl *c, int ns)
{
    if (c->dead || !c->running)
        return PLAT_IO_TIMEOUT;
    struct nvme_sqe cmd;
    memset(&cmd, 0, sizeof cmd);
    cmd.opc = NVME_OP_FLUSH;
    cmd.nsid = c->ns[ns].nsid;
    int rc = nvme_io_cmd(&c->io, &cmd, NULL);
    return rc == PLAT_IO_TIMEOUT ? fail_timeout(c) : rc;
}

int nvme_max_qd(struct nvme_ctrl *c, size_t bytes)
{
    return c->running ? nvme_io_max_qd(&c->io, bytes) : 0;
}

/* ---- the driver table entry (drivers/blk_driver.h): one unit per active namespace ---- */
static int match(const struct pci_fn *f)
{
    return f->cls == 0x01 && f->sub == 0x08 && f->progif == 0x02;
}

static int t_start(void *ctrl, struct pci_fn *f) { return nvme_start(ctrl, f); }
static void t_stop(void *ctrl) { nvme_stop(ctrl); }
static const char *t_why(void *ctrl) { return ((struct nvme_ctrl *)ctrl)->why; }
static int t_units(void *ctrl) { return ((struct nvme_ctrl *)ctrl)->nns; }

static void t_describe(void *ctrl, int unit, struct blk_unit *u)
{
    struct nvme_ctrl *c = ctrl;
    u->kind = "nvme";
    u->api = "nvme";
    u->model = c->model;
    u->serial = c->serial;
    u->block_size = c->ns[unit].block_size;
    u->blocks = c->ns[unit].blocks;
    u->queue_depth = c->depth;
    u->max_transfer = c->max_transfer;
    u->addr.transport = PLAT_T_NVME;
    u->addr.nsid = c->ns[unit].nsid;
}

static const char *t_dead(void *ctrl, int unit)
{
    struct nvme_ctrl *c = ctrl;
    (void)unit;
    return c->dead ? c->why : NULL;
}

static int t_max_qd(void *ctrl, int unit, size_t bytes)
{
    (void)unit;
    return nvme_max_qd(ctrl, bytes);
}

static int t_rw(void *ctrl, int unit, int write, int qd, const uint64_t *lba, int n, size_t bytes,
                void *const *bufs, uint64_t *lat)
{
    return nvme_rw(ctrl, unit, write, qd, lba, n, bytes, bufs, lat);
}

static int t_flush(void *ctrl, int unit) { return nvme_flush(ctrl, unit); }

const struct blk_driver nvme_driver = {
    .name = "NVMe", .match = match, .size = sizeof(struct nvme_ctrl), .start = t_start,
    .stop = t_stop, .why = t_why, .units = t_units, .describe = t_describe, .dead = t_dead,
    .max_qd = t_max_qd, .rw = t_rw, .flush = t_flush,
};
