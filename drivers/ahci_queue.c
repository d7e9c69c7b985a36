/* ahci_queue.c - AHCI command logic shared by the UEFI driver and its unit test: slots/tags,
 * H2D register FIS, PRDT, completion and error/timeout decisions, the queue-depth loop. */
#include "drivers/ahci_queue.h"
#include "kernel/block/blk_engine.h"
#include "kernel/platform.h"

#include <string.h>

int ahci_build(void *mem, uint64_t mem_dev, int tag, uint8_t cmd, uint64_t lba, uint32_t count,
               uint16_t features, int write, uint64_t data, size_t bytes)
{
    uint8_t *t = (uint8_t *)mem + AHCI_OFF_TABLES + (size_t)tag * AHCI_TABLE_BYTES;
    memset(t, 0, AHCI_TABLE_BYTES);
    uint8_t *fis = t;
    fis[0] = 0x27; /* register H2D */
    fis[1] = 0x80; /* command */
    fis[2] = cmd;
    fis[3] = (uint8_t)features;
    fis[4] = (uint8_t)lba;
    fis[5] = (uint8_t)(lba >> 8);
    fis[6] = (uint8_t)(lba >> 16);
    fis[7] = cmd == ATA_IDENTIFY ? 0 : 0x40; /* LBA mode */
    fis[8] = (uint8_t)(lba >> 24);
    fis[9] = (uint8_t)(lba >> 32);
    fis[10] = (uint8_t)(lba >> 40);
    fis[11] = (uint8_t)(features >> 8);
    fis[12] = (uint8_t)count;
    fis[13] = (uint8_t)(count >> 8);
    int n = 0;
    for (size_t off = 0; off < bytes; n++) {
        if (n == AHCI_PRDT_N)
            return -1;
        size_t len = bytes - off < AHCI_PRD_MAX ? bytes - off : AHCI_PRD_MAX;
        uint8_t *e = t + 128 + 16 * n;
        uint64_t a = data + off;
        uint32_t dbc = (uint32_t)(len - 1); /* byte count - 1 */
        memcpy(e, &a, 8);
        memcpy(e + 12, &dbc, 4);
        off += len;
    }
    uint32_t *hdr = (uint32_t *)((uint8_t *)mem + 32 * tag);
    uint64_t ctba = mem_dev + AHCI_OFF_TABLES + (uint64_t)tag * AHCI_TABLE_BYTES;
    hdr[0] = 5u | (write ? 1u << 6 : 0) | (uint32_t)n << 16; /* CFL 5 dwords, W, PRDTL */
    hdr[1] = 0;
    hdr[2] = (uint32_t)ctba;
    hdr[3] = (uint32_t)(ctba >> 32);
    return 0;
}

int ahci_build_rw(void *mem, uint64_t mem_dev, int tag, int ncq, int write, uint64_t lba,
                  uint32_t blocks, uint64_t data, size_t bytes)
{
    if (ncq)
        return ahci_build(mem, mem_dev, tag, write ? ATA_WRITE_FPDMA : ATA_READ_FPDMA, lba,
                          (uint32_t)tag << 3, (uint16_t)blocks, write, data, bytes);
    return ahci_build(mem, mem_dev, tag, write ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT, lba, blocks, 0,
                      write, data, bytes);
}

int ahci_free_tag(uint32_t busy, int slots)
{
    for (int tag = 0; tag < slots; tag++)
        if (!(busy & (1u << tag)))
            return tag;
    return -1;
}

uint32_t ahci_finished(uint32_t busy, uint32_t ci, uint32_t sact, int ncq)
{
    return busy & ~(ci | (ncq ? sact : 0));
}

enum ahci_verdict ahci_verdict(uint32_t is, uint32_t busy, const uint64_t *started, uint64_t now,
                               uint64_t timeout)
{
    if (is & AHCI_IS_ERRORS)
        return AHCI_FAILED;
    if (!busy)
        return AHCI_OK;
    for (int tag = 0; tag < 32; tag++)
        if ((busy & (1u << tag)) && now - started[tag] > timeout)
            return AHCI_TIMED_OUT;
    return AHCI_WAIT;
}

int ahci_io_max_qd(const struct ahci_io *io, size_t bytes)
{
    int per = (int)((bytes + io->max_transfer - 1) / io->max_transfer);
    int qd = io->slots / (per ? per : 1);
    if (qd < 1)
        qd = 1; /* the chunks of one transfer then go one after the other */
    return qd > AHCI_XFER_MAX ? AHCI_XFER_MAX : qd;
}

/* The block engine's view of the port (kernel/block/blk_engine.h): a transfer on slot s is `per`
 * commands (chunks of max_transfer), each on a free tag, issued as tags free up; the slot
 * finishes when its last chunk completes. */
struct ahci_eng {
    struct ahci_io *io;
    int write, per;
    size_t bytes;
    uint32_t busy;                 /* tags in flight */
    int owner[32];                 /* per tag: its slot */
    uint64_t dev[AHCI_XFER_MAX], lba[AHCI_XFER_MAX];
    int issued[AHCI_XFER_MAX], done[AHCI_XFER_MAX], active[AHCI_XFER_MAX];
    int nactive, qd;
};

/* Issue chunks while tags are free, then one PxSACT / PxCI write (SACT first for NCQ). */
static int issue(struct ahci_eng *a, int qd)
{
    struct ahci_io *io = a->io;
    uint32_t bits = 0;
    for (int s = 0; s < qd && a->nactive; s++) {
        while (a->active[s] && a->issued[s] < a->per) {
            int tag = ahci_free_tag(a->busy, io->slots);
            if (tag < 0)
                break;
            size_t off = (size_t)a->issued[s] * io->max_transfer;
            size_t len = a->bytes - off < io->max_transfer ? a->bytes - off : io->max_transfer;
            if (ahci_build_rw(io->mem, io->mem_dev, tag, io->ncq, a->write, a->lba[s] + off / io->block_size,
                              (uint32_t)(len / io->block_size), a->dev[s] + off, len))
                return PLAT_IO_RANGE;
            a->busy |= 1u << tag;
            bits |= 1u << tag;
            a->owner[tag] = s;
            a->issued[s]++;
        }
    }
    if (bits) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (io->ncq)
            io->ops->wr(io->ctx, AHCI_P_SACT, bits);
        io->ops->wr(io->ctx, AHCI_P_CI, bits);
    }
    return 0;
}

static int eng_submit(void *ctx, int s, int write, uint64_t lba, void *buf, size_t bytes, uint64_t now)
{
    struct ahci_eng *a = ctx;
    (void)now;
    (void)write;
    if (a->io->ops->dev_addr(a->io->ctx, buf, bytes, &a->dev[s])) /* transfer i: bufs[i] */
        return PLAT_IO_UNSUPPORTED;
    a->lba[s] = lba;
    a->issued[s] = a->done[s] = 0;
    a->active[s] = 1;
    a->nactive++;
    return 0;
}

static void eng_kick(void *ctx)
{
    struct ahci_eng *a = ctx;
    issue(a, a->qd);
}

static int eng_reap(void *ctx, struct blk_engine *e)
{
    struct ahci_eng *a = ctx;
    struct ahci_io *io = a->io;
    const struct ahci_io_ops *o = io->ops;
    uint32_t is = o->rd(io->ctx, AHCI_P_IS);
    if (is & AHCI_IS_ERRORS) /* a failed command: every command in flight is lost */
        return o->recover(io->ctx) ? PLAT_IO_TIMEOUT : PLAT_IO_ERROR;
    uint32_t fin = ahci_finished(a->busy, o->rd(io->ctx, AHCI_P_CI),
                                 io->ncq ? o->rd(io->ctx, AHCI_P_SACT) : 0, io->ncq);
    int got = 0;
    for (int tag = 0; fin && tag < io->slots; tag++) {
        if (!(fin & (1u << tag)))
            continue;
        fin &= ~(1u << tag);
        a->busy &= ~(1u << tag);
        got++;
        int s = a->owner[tag];
        if (++a->done[s] == a->per) {
            a->active[s] = 0;
            a->nactive--;
            blk_engine_done(e, s, 0);
        }
    }
    if (got && issue(a, a->qd)) /* chunks waiting for a tag */
        return PLAT_IO_RANGE;
    return got;
}

static void eng_idle(void *ctx)
{
    struct ahci_eng *a = ctx;
    a->io->ops->idle(a->io->ctx);
}

static uint64_t eng_now(void *ctx)
{
    struct ahci_eng *a = ctx;
    return a->io->ops->now(a->io->ctx);
}

int ahci_io_batch(struct ahci_io *io, int write, int qd, const uint64_t *lba, int n, size_t bytes,
                  void *const *bufs, uint64_t *lat)
{
    struct ahci_eng a;
    if (qd < 1)
        qd = 1;
    if (bytes == 0 || bytes % io->block_size || qd > ahci_io_max_qd(io, bytes))
        return PLAT_IO_RANGE;
    memset(&a, 0, sizeof a);
    a.io = io;
    a.write = write;
    a.bytes = bytes;
    a.per = (int)((bytes + io->max_transfer - 1) / io->max_transfer);
    a.qd = qd;
    struct blk_engine_ops o = {&a, eng_submit, eng_kick, eng_reap, eng_idle, eng_now, io->timeout,
                               io->block_size, 0};
    int wedged;
    int rc = blk_engine_run(&o, write, qd, lba, n, bytes, bufs, lat, &wedged);
    if (wedged)
        io->ops->stop(io->ctx); /* a command outlived the bound: nothing DMAs on */
    return rc;
}

int ahci_io_cmd(struct ahci_io *io, uint8_t cmd, uint64_t lba, uint32_t count, int write,
                uint64_t data, size_t bytes, uint64_t timeout)
{
    const struct ahci_io_ops *o = io->ops;
    if (ahci_build(io->mem, io->mem_dev, 0, cmd, lba, count, 0, write, data, bytes))
        return PLAT_IO_RANGE;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    o->wr(io->ctx, AHCI_P_CI, 1);
    uint64_t t0 = o->now(io->ctx);
    for (;;) {
        uint32_t is = o->rd(io->ctx, AHCI_P_IS);
        uint32_t busy = (is & AHCI_IS_ERRORS) ? 1 : ahci_finished(1, o->rd(io->ctx, AHCI_P_CI), 0, 0) ^ 1;
        switch (ahci_verdict(is, busy, &t0, o->now(io->ctx), timeout)) {
        case AHCI_FAILED:
            o->recover(io->ctx);
            return PLAT_IO_ERROR;
        case AHCI_OK:
            return (o->rd(io->ctx, AHCI_P_TFD) & 1) ? PLAT_IO_ERROR : 0;
        case AHCI_TIMED_OUT:
            o->stop(io->ctx);
            return PLAT_IO_TIMEOUT;
        case AHCI_WAIT:
            o->idle(io->ctx);
            break;
        }
    }
}
