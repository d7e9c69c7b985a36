/* ahci_queue.c - AHCI command logic shared by the UEFI driver and its unit test: slots/tags,
 * H2D register FIS, PRDT, completion and error/timeout decisions, the queue-depth loop. */
#include "drivers/ahci_queue.h"
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

int ahci_io_batch(struct ahci_io *io, int write, int qd, const uint64_t *lba, int n, size_t bytes,
                  void *const *bufs, uint64_t *lat)
{
    const struct ahci_io_ops *o = io->ops;
    uint64_t dev[AHCI_XFER_MAX], t0[AHCI_XFER_MAX], tag_t[32];
    int idx[AHCI_XFER_MAX], issued[AHCI_XFER_MAX], done[AHCI_XFER_MAX], owner[32];
    if (qd < 1)
        qd = 1;
    if (bytes == 0 || bytes % io->block_size || qd > ahci_io_max_qd(io, bytes))
        return PLAT_IO_RANGE;
    int per = (int)((bytes + io->max_transfer - 1) / io->max_transfer);
    for (int s = 0; s < qd; s++)
        idx[s] = -1;
    uint32_t busy = 0;
    int next = 0, rc = 0;
    while ((next < n && !rc) || busy) {
        uint64_t now = o->now(io->ctx);
        for (int s = 0; s < qd && next < n && !rc; s++) /* admit transfers into free slots */
            if (idx[s] < 0) {
                if (o->dev_addr(io->ctx, bufs[next], bytes, &dev[s])) { /* transfer i: bufs[i] */
                    rc = PLAT_IO_UNSUPPORTED;
                    break;
                }
                idx[s] = next++;
                issued[s] = done[s] = 0;
                t0[s] = now;
            }
        uint32_t bits = 0;
        for (int s = 0; s < qd && !rc; s++) { /* issue chunks while tags are free */
            while (idx[s] >= 0 && issued[s] < per) {
                int tag = ahci_free_tag(busy, io->slots);
                if (tag < 0)
                    break;
                size_t off = (size_t)issued[s] * io->max_transfer;
                size_t len = bytes - off < io->max_transfer ? bytes - off : io->max_transfer;
                if (ahci_build_rw(io->mem, io->mem_dev, tag, io->ncq, write, lba[idx[s]] + off / io->block_size,
                                  (uint32_t)(len / io->block_size), dev[s] + off, len)) {
                    rc = PLAT_IO_RANGE;
                    break;
                }
                busy |= 1u << tag;
                bits |= 1u << tag;
                owner[tag] = s;
                issued[s]++;
                tag_t[tag] = now;
            }
        }
        if (bits) { /* one doorbell write for the round (SACT first for NCQ) */
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            if (io->ncq)
                o->wr(io->ctx, AHCI_P_SACT, bits);
            o->wr(io->ctx, AHCI_P_CI, bits);
        }
        uint32_t is = o->rd(io->ctx, AHCI_P_IS);
        uint32_t fin = 0;
        if (!(is & AHCI_IS_ERRORS))
            fin = ahci_finished(busy, o->rd(io->ctx, AHCI_P_CI), io->ncq ? o->rd(io->ctx, AHCI_P_SACT) : 0,
                                io->ncq);
        now = o->now(io->ctx);
        for (int tag = 0; fin && tag < io->slots; tag++) {
            if (!(fin & (1u << tag)))
                continue;
            fin &= ~(1u << tag);
            busy &= ~(1u << tag);
            int s = owner[tag];
            if (++done[s] == per) {
                if (lat)
                    lat[idx[s]] = now - t0[s];
                idx[s] = -1;
            }
        }
        switch (ahci_verdict(is, busy, tag_t, now, io->timeout)) {
        case AHCI_FAILED: /* a failed command: every command in flight is lost */
            return o->recover(io->ctx) ? PLAT_IO_TIMEOUT : PLAT_IO_ERROR;
        case AHCI_TIMED_OUT:
            o->stop(io->ctx); /* nothing DMAs on */
            return PLAT_IO_TIMEOUT;
        case AHCI_WAIT:
            o->idle(io->ctx);
            break;
        case AHCI_OK:
            break;
        }
    }
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
