/* ahci.c - barebench's own AHCI driver (AHCI 1.3.1, ATA/ATAPI-8 ACS): HBA reset, port start,
 * IDENTIFY DEVICE, polled READ/WRITE FPDMA QUEUED (NCQ, up to 32 tags) or DMA EXT, FLUSH CACHE
 * EXT; errors recover the port, a command past the time limit stops it. */
#include "drivers/ahci.h"
#include "kernel/lib/fmt.h"
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
#define OFF_FIS 1024
#define OFF_ID 2048

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
        drv_stall_us(20);
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

/* Clear a port's error state and restart it (all commands in flight are lost). */
static void port_recover(struct ahci_hba *h, struct ahci_port *ap)
{
    port_stop(h, ap->port);
    if (port_start(h, ap))
        ap->dead = 1;
}

/* The command logic's view of a port (drivers/ahci_queue.h); ctx is the struct ahci_port. */
static uint32_t io_rd(void *ctx, uint32_t reg)
{
    struct ahci_port *ap = ctx;
    return prd(ap->hba, ap->port, reg);
}
static void io_wr(void *ctx, uint32_t reg, uint32_t v)
{
    struct ahci_port *ap = ctx;
    pwr(ap->hba, ap->port, reg, v);
}
static int io_dev_addr(void *ctx, void *buf, size_t len, uint64_t *dev)
{
    struct ahci_port *ap = ctx;
    return pci_dma_addr(ap->hba->pci, buf, len, dev);
}
static int io_recover(void *ctx)
{
    struct ahci_port *ap = ctx;
    port_recover(ap->hba, ap);
    return ap->dead ? -1 : 0;
}
static void io_stop(void *ctx)
{
    struct ahci_port *ap = ctx;
    port_stop(ap->hba, ap->port);
    ap->dead = 1;
}
static const struct ahci_io_ops io_ops = {io_rd, io_wr, drv_now, io_dev_addr, drv_idle, io_recover, io_stop};

/* Issue one non-queued command in slot 0 and wait for it. */
static int sync_cmd(struct ahci_hba *h, struct ahci_port *ap, uint8_t cmd, uint64_t lba, uint32_t count,
                    int write, uint64_t dev, size_t bytes, double seconds)
{
    (void)h;
    return ahci_io_cmd(&ap->io, cmd, lba, count, write, dev, bytes, drv_ticks_of(seconds));
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
    if (pci_dma_alloc(h->pci, AHCI_MEM_BYTES, &ap->mem))
        return -1;
    ap->hba = h;
    ap->io = (struct ahci_io){.ops = &io_ops, .ctx = ap, .mem = ap->mem.host, .mem_dev = ap->mem.dev,
                              .slots = 1, .block_size = 512, .max_transfer = AHCI_PRD_MAX,
                              .timeout = drv_ticks_of(AHCI_IO_TIMEOUT_S)};
    if (port_stop(h, p) || port_start(h, ap))
        goto err;
    ap->running = 1;
    if (prd(h, p, P_SIG) != 0x00000101)
        goto err; /* ATAPI and others: not ours to measure */
    if (sync_cmd(h, ap, ATA_IDENTIFY, 0, 1, 0, ap->mem.dev + OFF_ID, 512, 2.0))
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
    uint64_t max = (uint64_t)AHCI_PRDT_N * AHCI_PRD_MAX, bycount = 32768ull * ap->block_size;
    ap->max_transfer = (uint32_t)(max < bycount ? max : bycount);
    ap->io.ncq = ap->ncq;
    ap->io.slots = ap->slots;
    ap->io.block_size = ap->block_size;
    ap->io.max_transfer = ap->max_transfer;
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
            drv_stall_us(100);
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
        drv_stall_us(100);
}

int ahci_max_qd(struct ahci_hba *h, int unit, size_t bytes)
{
    return ahci_io_max_qd(&h->port[unit].io, bytes);
}

int ahci_rw(struct ahci_hba *h, int unit, int write, int qd, const uint64_t *lba, int n,
            size_t bytes, void *const *bufs, uint64_t *lat)
{
    struct ahci_port *ap = &h->port[unit];
    if (ap->dead || !ap->running)
        return PLAT_IO_TIMEOUT;
    return ahci_io_batch(&ap->io, write, qd, lba, n, bytes, bufs, lat);
}

int ahci_flush(struct ahci_hba *h, int unit)
{
    struct ahci_port *ap = &h->port[unit];
    if (ap->dead || !ap->running)
        return PLAT_IO_TIMEOUT;
    return sync_cmd(h, ap, ATA_FLUSH_CACHE_EXT, 0, 0, 0, 0, 0, AHCI_IO_TIMEOUT_S);
}

/* ---- the driver table entry (drivers/blk_driver.h): one unit per ATA disk port ---- */
static int match(const struct pci_fn *f)
{
    return f->cls == 0x01 && f->sub == 0x06 && f->progif == 0x01;
}

static int t_start(void *ctrl, struct pci_fn *f) { return ahci_start(ctrl, f); }
static void t_stop(void *ctrl) { ahci_stop(ctrl); }
static const char *t_why(void *ctrl) { return ((struct ahci_hba *)ctrl)->why; }
static int t_units(void *ctrl) { return ((struct ahci_hba *)ctrl)->nports; }

static void t_describe(void *ctrl, int unit, struct blk_unit *u)
{
    struct ahci_port *ap = &((struct ahci_hba *)ctrl)->port[unit];
    u->kind = "sata";
    u->api = ap->ncq ? "ahci-ncq" : "ahci";
    u->model = ap->model;
    u->serial = ap->serial;
    u->block_size = ap->block_size;
    u->blocks = ap->blocks;
    u->queue_depth = ap->slots;
    u->max_transfer = ap->max_transfer;
    u->addr.transport = PLAT_T_SATA;
    u->addr.port = (uint32_t)ap->port;
}

static const char *t_dead(void *ctrl, int unit)
{
    return ((struct ahci_hba *)ctrl)->port[unit].dead ? "a command did not complete within 5 s: port stopped" : NULL;
}

static int t_max_qd(void *ctrl, int unit, size_t bytes) { return ahci_max_qd(ctrl, unit, bytes); }

static int t_rw(void *ctrl, int unit, int write, int qd, const uint64_t *lba, int n, size_t bytes,
                void *const *bufs, uint64_t *lat)
{
    return ahci_rw(ctrl, unit, write, qd, lba, n, bytes, bufs, lat);
}

static int t_flush(void *ctrl, int unit) { return ahci_flush(ctrl, unit); }

const struct blk_driver ahci_driver = {
    .name = "AHCI", .match = match, .size = sizeof(struct ahci_hba), .start = t_start,
    .stop = t_stop, .why = t_why, .units = t_units, .describe = t_describe, .dead = t_dead,
    .max_qd = t_max_qd, .rw = t_rw, .flush = t_flush,
};
