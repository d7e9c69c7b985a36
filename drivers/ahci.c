/* ahci.c - barebench's own AHCI driver (AHCI 1.3.1, ATA/ATAPI-8 ACS): HBA reset, port start,
 * IDENTIFY DEVICE, polled READ/WRITE FPDMA QUEUED (NCQ, up to 32 tags) or DMA EXT, FLUSH CACHE
 * EXT; errors recover the port, a command past the time limit stops it. */
#include "drivers/ahci.h"
#include "kernel/clock.h"
#include "kernel/fmt.h"
#include "kernel/platform.h"

#include <string.h>

#define ABAR 5
enum { H_CAP = 0x00, H_GHC = 0x04, H_IS = 0x08, H_PI = 0x0C };
enum { P_CLB = 0x00, P_FB = 0x08, P_IS = 0x10, P_IE = 0x14, P_CMD = 0x18, P_TFD = 0x20,
       P_SIG = 0x24, P_SSTS = 0x28, P_SERR = 0x30, P_SACT = 0x34, P_CI = 0x38 };
#define GHC_HR 1u
#define GHC_AE (1u << 31)
#define CMD_ST 1u
#define CMD_SUD 2u
#define CMD_POD 4u
#define CMD_FRE (1u << 4)
#define CMD_FR (1u << 14)
#define CMD_CR (1u << 15)
#define IS_ERRORS ((1u << 30) | (1u << 29) | (1u << 28) | (1u << 27) | (1u << 26) | (1u << 24) | (1u << 23))
#define PRDT_N 8
#define TABLE_BYTES (128 + PRDT_N * 16)
#define OFF_FIS 1024
#define OFF_ID 2048
#define OFF_TABLES 4096
#define MAX_SLOTS 256

static uint32_t hrd(struct ahci_hba *h, uint32_t off) { return pci_mmio32(h->pci, ABAR, off); }
static void hwr(struct ahci_hba *h, uint32_t off, uint32_t v) { pci_mmio32_write(h->pci, ABAR, off, v); }
static uint32_t prd(struct ahci_hba *h, int p, uint32_t off) { return hrd(h, 0x100 + 0x80 * (uint32_t)p + off); }
static void pwr(struct ahci_hba *h, int p, uint32_t off, uint32_t v) { hwr(h, 0x100 + 0x80 * (uint32_t)p + off, v); }

/* Poll until (reg & mask) == want, at most `seconds`; 0 or -1. */
static int wait_port(struct ahci_hba *h, int p, uint32_t off, uint32_t mask, uint32_t want, double seconds)
{
    uint64_t end = drv_deadline(seconds);
    while ((prd(h, p, off) & mask) != want) {
        if (drv_expired(end))
            return -1;
        plat_stall_us(20);
    }
    return 0;
}

static int port_stop(struct ahci_hba *h, int p)
{
    pwr(h, p, P_CMD, prd(h, p, P_CMD) & ~CMD_ST);
    int rc = wait_port(h, p, P_CMD, CMD_CR, 0, 0.5);
    pwr(h, p, P_CMD, prd(h, p, P_CMD) & ~CMD_FRE);
    return rc | wait_port(h, p, P_CMD, CMD_FR, 0, 0.5);
}

/* Point the port at our command list and FIS area, clear errors, start it. */
static int port_start(struct ahci_hba *h, struct ahci_port *ap)
{
    int p = ap->port;
    uint64_t base = ap->mem.dev;
    pwr(h, p, P_CLB, (uint32_t)base);
    pwr(h, p, P_CLB + 4, (uint32_t)(base >> 32));
    pwr(h, p, P_FB, (uint32_t)(base + OFF_FIS));
    pwr(h, p, P_FB + 4, (uint32_t)((base + OFF_FIS) >> 32));
    pwr(h, p, P_SERR, 0xFFFFFFFF);
    pwr(h, p, P_IS, 0xFFFFFFFF);
    pwr(h, p, P_IE, 0); /* polled */
    pwr(h, p, P_CMD, prd(h, p, P_CMD) | CMD_FRE | CMD_SUD | CMD_POD);
    if (wait_port(h, p, P_TFD, 0x88, 0, 1.0)) /* BSY and DRQ clear */
        return -1;
    pwr(h, p, P_CMD, prd(h, p, P_CMD) | CMD_ST);
    return 0;
}

static uint8_t *table(struct ahci_port *ap, int tag)
{
    return (uint8_t *)ap->mem.host + OFF_TABLES + (size_t)tag * TABLE_BYTES;
}

/* Command header + FIS + PRDT for slot `tag`.  Returns 0, or -1 if the data needs more PRDT
 * entries than a table holds. */
static int build(struct ahci_port *ap, int tag, uint8_t cmd, uint64_t lba, uint32_t count,
                 uint16_t features, int write, uint64_t dev, size_t bytes)
{
    uint8_t *t = table(ap, tag);
    memset(t, 0, TABLE_BYTES);
    uint8_t *fis = t;
    fis[0] = 0x27; /* register H2D */
    fis[1] = 0x80; /* command */
    fis[2] = cmd;
    fis[3] = (uint8_t)features;
    fis[4] = (uint8_t)lba;
    fis[5] = (uint8_t)(lba >> 8);
    fis[6] = (uint8_t)(lba >> 16);
    fis[7] = cmd == 0xEC ? 0 : 0x40; /* LBA mode */
    fis[8] = (uint8_t)(lba >> 24);
    fis[9] = (uint8_t)(lba >> 32);
    fis[10] = (uint8_t)(lba >> 40);
    fis[11] = (uint8_t)(features >> 8);
    fis[12] = (uint8_t)count;
    fis[13] = (uint8_t)(count >> 8);
    int n = 0;
    for (size_t off = 0; off < bytes; n++) {
        if (n == PRDT_N)
            return -1;
        size_t len = bytes - off < (4u << 20) ? bytes - off : (4u << 20);
        uint8_t *e = t + 128 + 16 * n;
        uint64_t a = dev + off;
        uint32_t dbc = (uint32_t)(len - 1);
        memcpy(e, &a, 8);
        memcpy(e + 12, &dbc, 4);
        off += len;
    }
    uint32_t *hdr = (uint32_t *)((uint8_t *)ap->mem.host + 32 * tag);
    uint64_t ctba = ap->mem.dev + OFF_TABLES + (uint64_t)tag * TABLE_BYTES;
    hdr[0] = 5u | (write ? 1u << 6 : 0) | (uint32_t)n << 16; /* CFL 5 dwords, W, PRDTL */
    hdr[1] = 0;
    hdr[2] = (uint32_t)ctba;
    hdr[3] = (uint32_t)(ctba >> 32);
    return 0;
}

/* Clear a port's error state and restart it (all commands in flight are lost). */
static void port_recover(struct ahci_hba *h, struct ahci_port *ap)
{
    port_stop(h, ap->port);
    if (port_start(h, ap))
        ap->dead = 1;
}

/* Issue one non-queued command in slot 0 and wait for it. */
static int sync_cmd(struct ahci_hba *h, struct ahci_port *ap, uint8_t cmd, uint64_t lba, uint32_t count,
                    int write, uint64_t dev, size_t bytes, double seconds)
{
    if (build(ap, 0, cmd, lba, count, 0, write, dev, bytes))
        return PLAT_IO_RANGE;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    pwr(h, ap->port, P_CI, 1);
    uint64_t end = drv_deadline(seconds);
    for (;;) {
        uint32_t is = prd(h, ap->port, P_IS);
        if (is & IS_ERRORS) {
            port_recover(h, ap);
            return PLAT_IO_ERROR;
        }
        if (!(prd(h, ap->port, P_CI) & 1))
            return (prd(h, ap->port, P_TFD) & 1) ? PLAT_IO_ERROR : 0;
        if (drv_expired(end)) {
            port_stop(h, ap->port);
            ap->dead = 1;
            return PLAT_IO_TIMEOUT;
        }
        drv_pause();
    }
}

static void ata_string(char *dst, const uint16_t *w, int words)
{
    int n = 0;
    for (int i = 0; i < words; i++) {
        dst[n++] = (char)(w[i] >> 8);
        dst[n++] = (char)w[i];
    }
    while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == 0))
        n--;
    dst[n] = 0;
    int s = 0;
    while (dst[s] == ' ')
        s++;
    memmove(dst, dst + s, (size_t)(n - s + 1));
    for (int i = 0; dst[i]; i++)
        if (dst[i] < 0x20 || dst[i] > 0x7E)
            dst[i] = '?';
}

/* Start port ap->port, IDENTIFY its disk.  0 or -1 (no usable ATA disk there). */
static int port_init(struct ahci_hba *h, struct ahci_port *ap)
{
    int p = ap->port;
    if (pci_dma_alloc(h->pci, OFF_TABLES + 32 * TABLE_BYTES, &ap->mem))
        return -1;
    if (port_stop(h, p) || port_start(h, ap))
        goto err;
    ap->running = 1;
    if (prd(h, p, P_SIG) != 0x00000101)
        goto err; /* ATAPI and others: not ours to measure */
    if (sync_cmd(h, ap, 0xEC, 0, 1, 0, ap->mem.dev + OFF_ID, 512, 2.0))
        goto err;
    const uint16_t *id = (const uint16_t *)((uint8_t *)ap->mem.host + OFF_ID);
    ata_string(ap->model, id + 27, 20);
    ata_string(ap->serial, id + 10, 10);
    if (!(id[83] & (1u << 10)))
        goto err; /* no 48-bit addressing: not measured */
    ap->blocks = (uint64_t)id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48;
    ap->block_size = 512;
    if ((id[106] & 0xC000) == 0x4000 && (id[106] & (1u << 12)))
        ap->block_size = ((uint32_t)id[117] | (uint32_t)id[118] << 16) * 2;
    if (ap->block_size < 512 || ap->block_size > 65536 || !ap->blocks)
        goto err;
    ap->ncq = (h->cap & (1u << 30)) && (id[76] & (1u << 8));
    ap->slots = ap->ncq ? (id[75] & 0x1F) + 1 : 1;
    if (ap->slots > h->nslots)
        ap->slots = h->nslots;
    uint64_t max = (uint64_t)PRDT_N * (4u << 20), bycount = 32768ull * ap->block_size;
    ap->max_transfer = (uint32_t)(max < bycount ? max : bycount);
    return 0;
err:
    port_stop(h, p);
    ap->running = 0;
    pci_dma_free(h->pci, &ap->mem);
    return -1;
}

int ahci_start(struct ahci_hba *h, struct pci_fn *f)
{
    memset(h, 0, sizeof *h);
    h->pci = f;
    hwr(h, H_GHC, hrd(h, H_GHC) | GHC_AE);
    hwr(h, H_GHC, GHC_AE | GHC_HR);
    uint64_t end = drv_deadline(1.0);
    while (hrd(h, H_GHC) & GHC_HR)
        if (drv_expired(end)) {
            bb_snprintf(h->why, sizeof h->why, "HBA reset did not complete within 1 s");
            return -1;
        }
    hwr(h, H_GHC, GHC_AE); /* AHCI mode, interrupts off */
    h->cap = hrd(h, H_CAP);
    h->nslots = (int)((h->cap >> 8) & 0x1F) + 1;
    uint32_t pi = hrd(h, H_PI);
    for (int p = 0; p < 32 && h->nports < AHCI_MAX_PORTS; p++) {
        if (!(pi & (1u << p)))
            continue;
        uint64_t link = drv_deadline(0.2); /* after the reset the link comes back (DET = 3) */
        while ((prd(h, p, P_SSTS) & 0xF) != 3 && !drv_expired(link))
            plat_stall_us(100);
        if ((prd(h, p, P_SSTS) & 0xF) != 3)
            continue;
        struct ahci_port *ap = &h->port[h->nports];
        memset(ap, 0, sizeof *ap);
        ap->port = p;
        if (port_init(h, ap) == 0)
            h->nports++;
    }
    if (!h->nports) {
        bb_snprintf(h->why, sizeof h->why, "no ATA disk with 48-bit addressing on any port");
        return -1;
    }
    return 0;
}

void ahci_stop(struct ahci_hba *h)
{
    for (int i = 0; i < h->nports; i++) {
        struct ahci_port *ap = &h->port[i];
        port_stop(h, ap->port);
        ap->running = 0;
        pci_dma_free(h->pci, &ap->mem);
    }
    h->nports = 0;
    hwr(h, H_GHC, GHC_AE | GHC_HR); /* the firmware's driver starts from a reset HBA */
    uint64_t end = drv_deadline(1.0);
    while ((hrd(h, H_GHC) & GHC_HR) && !drv_expired(end))
        plat_stall_us(100);
}

int ahci_max_qd(struct ahci_hba *h, int unit, size_t bytes)
{
    struct ahci_port *ap = &h->port[unit];
    int per = (int)((bytes + ap->max_transfer - 1) / ap->max_transfer);
    int qd = ap->slots / (per ? per : 1);
    if (qd < 1)
        qd = 1; /* the chunks of one transfer then go one after the other */
    return qd > MAX_SLOTS ? MAX_SLOTS : qd;
}

int ahci_rw(struct ahci_hba *h, int unit, int write, int qd, const uint64_t *lba, int n,
            size_t bytes, void *const *bufs, uint64_t *lat)
{
    struct ahci_port *ap = &h->port[unit];
    int p = ap->port;
    uint64_t dev[MAX_SLOTS], t0[MAX_SLOTS], tag_t[32];
    int idx[MAX_SLOTS], issued[MAX_SLOTS], done[MAX_SLOTS], owner[32];
    if (ap->dead || !ap->running)
        return PLAT_IO_TIMEOUT;
    if (qd < 1)
        qd = 1;
    if (bytes == 0 || bytes % ap->block_size || qd > ahci_max_qd(h, unit, bytes))
        return PLAT_IO_RANGE;
    int per = (int)((bytes + ap->max_transfer - 1) / ap->max_transfer);
    for (int s = 0; s < qd; s++)
        idx[s] = -1;
    uint32_t busy = 0;
    int next = 0, active = 0, rc = 0;
    uint64_t timeout = (uint64_t)(AHCI_IO_TIMEOUT_S * g_clock.hz);
    while ((next < n && !rc) || busy) {
        uint64_t now = clock_ticks();
        for (int s = 0; s < qd && next < n && !rc; s++) /* admit transfers into free slots */
            if (idx[s] < 0) {
                if (pci_dma_addr(h->pci, bufs[next], bytes, &dev[s])) { /* transfer i: bufs[i] */
                    rc = PLAT_IO_UNSUPPORTED;
                    break;
                }
                idx[s] = next++;
                issued[s] = done[s] = 0;
                t0[s] = now;
                active++;
            }
        uint32_t bits = 0;
        for (int s = 0; s < qd && !rc; s++) { /* issue chunks while tags are free */
            while (idx[s] >= 0 && issued[s] < per) {
                int tag = 0;
                while (tag < ap->slots && (busy & (1u << tag)))
                    tag++;
                if (tag == ap->slots)
                    break;
                size_t off = (size_t)issued[s] * ap->max_transfer;
                size_t len = bytes - off < ap->max_transfer ? bytes - off : ap->max_transfer;
                uint64_t blk = lba[idx[s]] + off / ap->block_size;
                uint32_t cnt = (uint32_t)(len / ap->block_size);
                int b = ap->ncq ? build(ap, tag, write ? 0x61 : 0x60, blk, (uint32_t)tag << 3, (uint16_t)cnt,
                                        write, dev[s] + off, len)
                                : build(ap, tag, write ? 0x35 : 0x25, blk, cnt, 0, write, dev[s] + off, len);
                if (b) {
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
            if (ap->ncq)
                pwr(h, p, P_SACT, bits);
            pwr(h, p, P_CI, bits);
        }
        uint32_t is = prd(h, p, P_IS);
        if (is & IS_ERRORS) { /* a failed command: every command in flight is lost */
            port_recover(h, ap);
            return ap->dead ? PLAT_IO_TIMEOUT : PLAT_IO_ERROR;
        }
        uint32_t still = prd(h, p, P_CI) | (ap->ncq ? prd(h, p, P_SACT) : 0);
        uint32_t fin = busy & ~still;
        now = clock_ticks();
        for (int tag = 0; fin && tag < ap->slots; tag++) {
            if (!(fin & (1u << tag)))
                continue;
            fin &= ~(1u << tag);
            busy &= ~(1u << tag);
            int s = owner[tag];
            if (++done[s] == per) {
                if (lat)
                    lat[idx[s]] = now - t0[s];
                idx[s] = -1;
                active--;
            }
        }
        if (busy) {
            for (int tag = 0; tag < ap->slots; tag++)
                if ((busy & (1u << tag)) && now - tag_t[tag] > timeout) {
                    port_stop(h, p); /* nothing DMAs on */
                    ap->dead = 1;
                    return PLAT_IO_TIMEOUT;
                }
            drv_pause();
        }
    }
    (void)active;
    return rc;
}

int ahci_flush(struct ahci_hba *h, int unit)
{
    struct ahci_port *ap = &h->port[unit];
    if (ap->dead || !ap->running)
        return PLAT_IO_TIMEOUT;
    return sync_cmd(h, ap, 0xEA, 0, 0, 0, 0, 0, AHCI_IO_TIMEOUT_S);
}
