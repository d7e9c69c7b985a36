/* test_ahci.c - the AHCI command logic (drivers/ahci_queue.c) against a software model of one
 * AHCI port: slots/NCQ tags all in flight and reused, out-of-order completion, PRDT across 4 MiB
 * boundaries, NCQ vs DMA EXT FIS, a task-file error and a command that never completes; and the
 * whole driver (drivers/ahci.c: HBA reset, port start, IDENTIFY, NCQ reads/writes at depth
 * 1..32, error recovery, a drive that never completes) against a register-level HBA model
 * (GHC, PI, PxCMD, PxCI/PxSACT, command list, FIS, PRDT) through tests/unit/fake_pci.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "drivers/ahci_queue.h"
#include "drivers/ahci.h"
#include "tests/unit/fake_pci.h"
#include "tests/unit/drv_check.h"
#include "kernel/platform.h"

#define BS 512u
#define BASE 0x10000200ull   /* device address of block 0's data: not 4 MiB aligned */
#define MAXBLK (1u << 20)
#define TFES (1u << 30)

/* The model port: fetches each command the moment its PxCI bit is set (decoding the header,
 * FIS and PRDT the logic built), completes pending commands in a pseudo-random or reverse order
 * while the host idles, or never (stuck / stuck_tag), or raises a task-file error for one LBA. */
struct model {
    uint8_t mem[AHCI_MEM_BYTES] __attribute__((aligned(128)));
    uint32_t ci, sact, is, tfd;
    int ncq, slots;
    uint32_t pending;            /* fetched, not completed */
    uint64_t lba[32];
    uint64_t clock, seed;
    int reverse, stuck, stuck_tag, recover_fails;
    uint64_t fail_lba;
    int recovers, stops, sact_writes, ci_writes, max_inflight, cmds, idles;
    int tag_uses[32];
    uint32_t blocks_per_cmd_max;
    uint8_t seen[MAXBLK];        /* per block: how many commands covered it */
};

/* PRDT entry k of the command table at f: data address and byte count - 1. */
static void prd_entry(const uint8_t *f, int k, uint64_t *a, uint32_t *dbc)
{
    memcpy(a, f + 128 + 16 * k, 8);
    memcpy(dbc, f + 128 + 16 * k + 12, 4);
}

/* Decode slot `tag` as an HBA would; check it is a well-formed read/write of the blocks it names. */
static void fetch(struct model *m, int tag)
{
    const uint32_t *hdr = (const uint32_t *)(m->mem + 32 * tag);
    uint64_t ctba = hdr[2] | (uint64_t)hdr[3] << 32;
    assert_int_equal(hdr[0] & 0x1F, 5);                              /* CFL: 5 dwords */
    assert_int_equal(ctba, (uint64_t)(uintptr_t)m->mem + AHCI_OFF_TABLES + (uint64_t)tag * AHCI_TABLE_BYTES);
    assert_int_equal(ctba & 127, 0);                                 /* CTBA 128-byte aligned */
    const uint8_t *f = (const uint8_t *)(uintptr_t)ctba;
    assert_int_equal(f[0], 0x27);
    assert_int_equal(f[1], 0x80);
    int write = (hdr[0] >> 6) & 1;
    uint64_t lba = f[4] | (uint64_t)f[5] << 8 | (uint64_t)f[6] << 16 | (uint64_t)f[8] << 24 |
                   (uint64_t)f[9] << 32 | (uint64_t)f[10] << 40;
    assert_int_equal(f[7], 0x40);
    uint32_t blocks;
    if (f[2] == ATA_FLUSH_CACHE_EXT) { /* no data */
        assert_int_equal(hdr[0] >> 16, 0);
        m->lba[tag] = UINT64_MAX - 1;
        m->cmds++;
        return;
    }
    if (m->ncq) {
        assert_int_equal(f[2], write ? ATA_WRITE_FPDMA : ATA_READ_FPDMA);
        assert_int_equal(f[12] >> 3, tag);                           /* tag in count 7:3 */
        assert_int_equal(f[13], 0);
        blocks = f[3] | (uint32_t)f[11] << 8;                        /* count in features */
        assert_true(m->sact & (1u << tag));                          /* SACT set before CI */
    } else {
        assert_int_equal(f[2], write ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT);
        assert_int_equal(f[3] | f[11], 0);
        blocks = f[12] | (uint32_t)f[13] << 8;
    }
    if (blocks == 0)
        blocks = 65536;
    int prdtl = (int)(hdr[0] >> 16);
    assert_true(prdtl >= 1 && prdtl <= AHCI_PRDT_N);
    uint64_t expect = BASE + lba * BS, total = 0;
    for (int k = 0; k < prdtl; k++) {
        uint64_t a;
        uint32_t dbc;
        prd_entry(f, k, &a, &dbc);
        assert_int_equal(a, expect);                                 /* contiguous, right block */
        assert_int_equal(dbc & 1, 1);                                /* even byte count - 1 */
        assert_true(dbc < AHCI_PRD_MAX);                             /* 22 bits: at most 4 MiB */
        assert_true(k == prdtl - 1 || dbc == AHCI_PRD_MAX - 1);      /* only the last is short */
        expect += dbc + 1u;
        total += dbc + 1u;
    }
    assert_int_equal(total, (uint64_t)blocks * BS);
    assert_true(lba + blocks <= MAXBLK);
    for (uint32_t b = 0; b < blocks; b++)
        m->seen[lba + b]++;
    if (blocks > m->blocks_per_cmd_max)
        m->blocks_per_cmd_max = blocks;
    m->lba[tag] = lba;
    m->tag_uses[tag]++;
    m->cmds++;
}

static uint32_t m_rd(void *ctx, uint32_t reg)
{
    struct model *m = ctx;
    switch (reg) {
    case AHCI_P_IS: return m->is;
    case AHCI_P_CI: return m->ci;
    case AHCI_P_SACT: return m->sact;
    case AHCI_P_TFD: return m->tfd;
    }
    fail_msg("read of register 0x%x", reg);
    return 0;
}

static void m_wr(void *ctx, uint32_t reg, uint32_t v)
{
    struct model *m = ctx;
    if (reg == AHCI_P_SACT) {
        assert_true(m->ncq);
        assert_int_equal(m->sact & v, 0); /* never a tag still active */
        m->sact |= v;
        m->sact_writes++;
        return;
    }
    assert_int_equal(reg, AHCI_P_CI);
    assert_int_equal(m->ci & v, 0);       /* never a slot still issued */
    assert_int_equal(m->pending & v, 0);
    assert_true(v < (m->slots == 32 ? 0xFFFFFFFFu : (1u << m->slots)) || v == 0xFFFFFFFFu);
    m->ci_writes++;
    for (int tag = 0; tag < 32; tag++)
        if (v & (1u << tag))
            fetch(m, tag);
    m->pending |= v;
    if (m->ncq)
        m->ci &= ~v; /* NCQ: PxCI clears once the drive accepted the command; PxSACT on completion */
    else
        m->ci |= v;
    int n = __builtin_popcount(m->pending);
    if (n > m->max_inflight)
        m->max_inflight = n;
}

static void complete(struct model *m, int tag)
{
    m->pending &= ~(1u << tag);
    if (m->lba[tag] == m->fail_lba) { /* task-file error: the command stays issued */
        m->is |= TFES;
        m->tfd |= 1;
        return;
    }
    m->ci &= ~(1u << tag);
    m->sact &= ~(1u << tag);
}

/* The host idles: the device completes some of its pending commands, in its own order. */
static void m_idle(void *ctx)
{
    struct model *m = ctx;
    m->clock++;
    m->idles++;
    if (m->stuck || !m->pending)
        return;
    uint32_t can = m->pending & ~(m->stuck_tag >= 0 ? 1u << m->stuck_tag : 0);
    if (!can)
        return;
    if (m->reverse) { /* newest (highest tag) first, one per pause */
        complete(m, 31 - __builtin_clz(can));
        return;
    }
    m->seed = m->seed * 6364136223846793005ull + 1442695040888963407ull;
    int k = (int)(m->seed >> 60) % 4 + 1;
    for (int t = (int)(m->seed >> 33) % 32, i = 0; i < 32 && k; i++, t = (t + 7) % 32)
        if (can & (1u << t)) {
            complete(m, t);
            k--;
        }
}

static uint64_t m_now(void *ctx) { return ((struct model *)ctx)->clock; }
static int m_dev_addr(void *ctx, void *buf, size_t len, uint64_t *dev)
{
    (void)ctx, (void)len;
    *dev = (uint64_t)(uintptr_t)buf; /* identity: the test's buffers are device addresses */
    return 0;
}
static int m_recover(void *ctx)
{
    struct model *m = ctx;
    m->recovers++;
    m->ci = m->sact = m->is = m->tfd = m->pending = 0;
    return m->recover_fails ? -1 : 0;
}
static void m_stop(void *ctx) { ((struct model *)ctx)->stops++; }

static const struct ahci_io_ops ops = {m_rd, m_wr, m_now, m_dev_addr, m_idle, m_recover, m_stop};

static struct model *setup(int ncq, int slots, uint32_t max_transfer, struct ahci_io *io)
{
    struct model *m = aligned_alloc(128, sizeof *m); /* the command list's alignment */
    assert_non_null(m);
    memset(m, 0, sizeof *m);
    m->ncq = ncq;
    m->slots = slots;
    m->stuck_tag = -1;
    m->fail_lba = UINT64_MAX;
    m->seed = 12345;
    *io = (struct ahci_io){.ops = &ops, .ctx = m, .mem = m->mem, .mem_dev = (uint64_t)(uintptr_t)m->mem,
                           .ncq = ncq, .slots = slots, .block_size = BS, .max_transfer = max_transfer,
                           .timeout = 1000};
    return m;
}

/* n transfers of `bytes` laid out back to back from block `first`; bufs are device addresses. */
static void layout(uint64_t first, int n, size_t bytes, uint64_t *lba, void **bufs)
{
    for (int i = 0; i < n; i++) {
        lba[i] = first + (uint64_t)i * (bytes / BS);
        bufs[i] = (void *)(uintptr_t)(BASE + lba[i] * BS);
    }
}

static void assert_each_block_once(const struct model *m, uint64_t first, uint64_t blocks)
{
    for (uint64_t b = 0; b < MAXBLK; b++)
        assert_int_equal(m->seen[b], b >= first && b < first + blocks ? 1 : 0);
}

static void tags_and_completion_bits(void **state)
{
    (void)state;
    assert_int_equal(ahci_free_tag(0, 32), 0);
    assert_int_equal(ahci_free_tag(0x7, 32), 3);
    assert_int_equal(ahci_free_tag(0xFFFFFFFFu, 32), -1);
    assert_int_equal(ahci_free_tag(0x7FFFFFFFu, 32), 31);
    assert_int_equal(ahci_free_tag(0x1, 1), -1);              /* non-NCQ: slot 0 only */
    assert_int_equal(ahci_free_tag(0xF, 4), -1);
    /* NCQ: a tag is done only when PxCI and PxSACT are both clear */
    assert_int_equal(ahci_finished(0xF, 0x0, 0x5, 1), 0xA);
    assert_int_equal(ahci_finished(0xF, 0x1, 0x4, 1), 0xA);
    assert_int_equal(ahci_finished(0xF, 0x0, 0x5, 0), 0xF);   /* without NCQ SACT is not looked at */
    assert_int_equal(ahci_finished(0x3, 0xFFFFFFF0u, 0, 0), 0x3); /* bits not ours are ignored */
    uint64_t started[32] = {0};
    started[5] = 100;
    assert_int_equal(ahci_verdict(0, 0, started, 5000, 1000), AHCI_OK);
    assert_int_equal(ahci_verdict(0, 1u << 5, started, 1100, 1000), AHCI_WAIT);
    assert_int_equal(ahci_verdict(0, 1u << 5, started, 1101, 1000), AHCI_TIMED_OUT);
    assert_int_equal(ahci_verdict(TFES, 0, started, 0, 1000), AHCI_FAILED);   /* error beats done */
    assert_int_equal(ahci_verdict(TFES, 1u << 5, started, 9999, 1000), AHCI_FAILED);
    assert_int_equal(ahci_verdict(1u << 0, 1u << 5, started, 200, 1000), AHCI_WAIT); /* DHRS: no error */
}

/* PRDT entries: at most 4 MiB each, byte count - 1, odd sizes, too many entries refused. */
static void prdt_rules(void **state)
{
    (void)state;
    static uint8_t mem[AHCI_MEM_BYTES] __attribute__((aligned(128)));
    uint64_t dev = 0x80000000ull, data = 0x123456000ull;
    struct { size_t bytes; int n; uint32_t last; } c[] = {
        {512, 1, 511},
        {AHCI_PRD_MAX, 1, AHCI_PRD_MAX - 1},
        {AHCI_PRD_MAX + 512, 2, 511},
        {3 * AHCI_PRD_MAX + 1536, 4, 1535},
        {(size_t)AHCI_PRDT_N * AHCI_PRD_MAX, AHCI_PRDT_N, AHCI_PRD_MAX - 1},
        {0, 0, 0},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        int tag = (int)(i * 5) % 32;
        memset(mem, 0xAA, sizeof mem);
        assert_int_equal(ahci_build(mem, dev, tag, ATA_READ_DMA_EXT, 77, 1, 0, 0, data, c[i].bytes), 0);
        const uint32_t *hdr = (const uint32_t *)(mem + 32 * tag);
        assert_int_equal(hdr[0], 5u | (uint32_t)c[i].n << 16);
        uint64_t ctba = hdr[2] | (uint64_t)hdr[3] << 32;
        assert_int_equal(ctba, dev + AHCI_OFF_TABLES + (uint64_t)tag * AHCI_TABLE_BYTES);
        const uint8_t *t = mem + AHCI_OFF_TABLES + tag * AHCI_TABLE_BYTES;
        uint64_t sum = 0;
        for (int k = 0; k < c[i].n; k++) {
            uint64_t a;
            uint32_t dbc, rsvd;
            memcpy(&a, t + 128 + 16 * k, 8);
            memcpy(&rsvd, t + 128 + 16 * k + 8, 4);
            memcpy(&dbc, t + 128 + 16 * k + 12, 4);
            assert_int_equal(a, data + sum);
            assert_int_equal(rsvd, 0);
            assert_int_equal(dbc, k == c[i].n - 1 ? c[i].last : AHCI_PRD_MAX - 1);
            sum += dbc + 1u;
        }
        assert_int_equal(sum, c[i].bytes);
        for (int k = c[i].n; k < AHCI_PRDT_N; k++) /* the rest of the table is cleared */
            for (int b = 0; b < 16; b++)
                assert_int_equal(t[128 + 16 * k + b], 0);
    }
    assert_int_equal(ahci_build(mem, dev, 0, ATA_READ_DMA_EXT, 0, 1, 0, 0, data,
                                (size_t)AHCI_PRDT_N * AHCI_PRD_MAX + 512), -1);
    /* the write bit and a 64-bit table address */
    assert_int_equal(ahci_build(mem, 0x123400000000ull, 31, ATA_WRITE_DMA_EXT, 0, 1, 0, 1, data, 512), 0);
    const uint32_t *hdr = (const uint32_t *)(mem + 32 * 31);
    assert_int_equal(hdr[0], 5u | 1u << 6 | 1u << 16);
    assert_int_equal(hdr[3], 0x1234);
}

/* Both FIS forms: LBA bytes, count vs features, NCQ tag in count bits 7:3. */
static void fis_ncq_and_dma_ext(void **state)
{
    (void)state;
    static uint8_t mem[AHCI_MEM_BYTES] __attribute__((aligned(128)));
    uint64_t lba = 0x0000BEEFCAFE1234ull;
    assert_int_equal(ahci_build_rw(mem, 0, 19, 1, 1, lba, 0x0102, 0x1000, 0x0102 * BS), 0);
    const uint8_t *f = mem + AHCI_OFF_TABLES + 19 * AHCI_TABLE_BYTES;
    const uint8_t want_ncq[16] = {0x27, 0x80, 0x61, 0x02, 0x34, 0x12, 0xFE, 0x40,
                                  0xCA, 0xEF, 0xBE, 0x01, 19 << 3, 0, 0, 0};
    assert_memory_equal(f, want_ncq, 16);
    assert_int_equal(ahci_build_rw(mem, 0, 0, 0, 0, lba, 0x0102, 0x1000, 0x0102 * BS), 0);
    f = mem + AHCI_OFF_TABLES;
    const uint8_t want_ext[16] = {0x27, 0x80, 0x25, 0, 0x34, 0x12, 0xFE, 0x40,
                                  0xCA, 0xEF, 0xBE, 0, 0x02, 0x01, 0, 0};
    assert_memory_equal(f, want_ext, 16);
    assert_int_equal(ahci_build_rw(mem, 0, 0, 1, 0, 5, 8, 0x1000, 8 * BS), 0);
    assert_int_equal(mem[AHCI_OFF_TABLES + 2], ATA_READ_FPDMA);
    assert_int_equal(ahci_build_rw(mem, 0, 0, 0, 1, 5, 8, 0x1000, 8 * BS), 0);
    assert_int_equal(mem[AHCI_OFF_TABLES + 2], ATA_WRITE_DMA_EXT);
}

/* NCQ, 32 tags: all in flight at once, each reused many times, completed in a random order. */
static void ncq_all_tags_reused_out_of_order(void **state)
{
    (void)state;
    struct ahci_io io;
    struct model *m = setup(1, 32, 8 * AHCI_PRD_MAX, &io);
    enum { N = 400 };
    uint64_t lba[N], lat[N];
    void *bufs[N];
    layout(64, N, 4096, lba, bufs);
    memset(lat, 0xFF, sizeof lat);
    assert_int_equal(ahci_io_max_qd(&io, 4096), 32);
    assert_int_equal(ahci_io_batch(&io, 0, 32, lba, N, 4096, bufs, lat), 0);
    assert_int_equal(m->cmds, N);
    assert_int_equal(m->max_inflight, 32);
    for (int t = 0; t < 32; t++)
        assert_true(m->tag_uses[t] >= 2); /* every tag reused */
    assert_int_equal(m->ci | m->sact | m->pending, 0);
    assert_true(m->ci_writes < N); /* doorbell batched: several tags per PxCI write */
    assert_int_equal(m->sact_writes, m->ci_writes);
    for (int i = 0; i < N; i++)
        assert_true(lat[i] <= m->clock);
    assert_each_block_once(m, 64, (uint64_t)N * 8);
    assert_int_equal(m->recovers + m->stops, 0);
    free(m);

    /* newest first: the oldest command finishes last, transfers still each counted once */
    m = setup(1, 32, 8 * AHCI_PRD_MAX, &io);
    m->reverse = 1;
    assert_int_equal(ahci_io_batch(&io, 1, 16, lba, N, 4096, bufs, NULL), 0);
    assert_int_equal(m->max_inflight, 16);
    assert_each_block_once(m, 64, (uint64_t)N * 8);
    free(m);
}

/* Without NCQ: DMA EXT, slot 0 only, one command at a time, PxSACT never touched. */
static void dma_ext_one_at_a_time(void **state)
{
    (void)state;
    struct ahci_io io;
    struct model *m = setup(0, 1, 8 * AHCI_PRD_MAX, &io);
    enum { N = 50 };
    uint64_t lba[N];
    void *bufs[N];
    layout(3, N, 65536, lba, bufs);
    assert_int_equal(ahci_io_max_qd(&io, 65536), 1);
    assert_int_equal(ahci_io_batch(&io, 0, 2, lba, N, 65536, bufs, NULL), PLAT_IO_RANGE);
    assert_int_equal(ahci_io_batch(&io, 1, 1, lba, N, 65536, bufs, NULL), 0);
    assert_int_equal(m->cmds, N);
    assert_int_equal(m->tag_uses[0], N);
    assert_int_equal(m->max_inflight, 1);
    assert_int_equal(m->sact_writes, 0);
    assert_each_block_once(m, 3, (uint64_t)N * 128);
    free(m);
}

/* Transfers above the largest command are split; every chunk's PRDT crosses 4 MiB boundaries. */
static void big_transfers_split_across_prdt(void **state)
{
    (void)state;
    struct ahci_io io;
    /* 8 entries x 4 MiB is 32 MiB, but DMA EXT counts at most 65536 blocks: 32 MiB at 512 B */
    struct model *m = setup(1, 32, 8 * AHCI_PRD_MAX, &io);
    size_t bytes = 40u * 1024 * 1024 + 3 * BS; /* two commands: 32 MiB and 8 MiB + 1.5 KiB */
    enum { N = 6 };
    uint64_t lba[N], lat[N];
    void *bufs[N];
    layout(1, N, bytes, lba, bufs);
    assert_int_equal(ahci_io_max_qd(&io, bytes), 16);
    assert_int_equal(ahci_io_batch(&io, 0, 4, lba, N, bytes, bufs, lat), 0);
    assert_int_equal(m->cmds, 2 * N);
    assert_int_equal(m->blocks_per_cmd_max, 65536);
    assert_true(m->max_inflight >= 2 && m->max_inflight <= 8);
    assert_each_block_once(m, 1, (uint64_t)N * (bytes / BS));
    free(m);

    /* a transfer not a multiple of the block size, or empty, is refused before any command */
    m = setup(1, 32, 8 * AHCI_PRD_MAX, &io);
    assert_int_equal(ahci_io_batch(&io, 0, 1, lba, 1, 1000, bufs, NULL), PLAT_IO_RANGE);
    assert_int_equal(ahci_io_batch(&io, 0, 1, lba, 1, 0, bufs, NULL), PLAT_IO_RANGE);
    assert_int_equal(m->cmds, 0);
    free(m);
}

/* A command that never completes: the loop waits the bound, stops the port, reports a timeout. */
static void never_completes_times_out(void **state)
{
    (void)state;
    struct ahci_io io;
    enum { N = 40 };
    uint64_t lba[N];
    void *bufs[N];
    layout(0, N, 4096, lba, bufs);
    struct model *m = setup(1, 32, 8 * AHCI_PRD_MAX, &io);
    m->stuck = 1;
    assert_int_equal(ahci_io_batch(&io, 0, 8, lba, N, 4096, bufs, NULL), PLAT_IO_TIMEOUT);
    assert_int_equal(m->stops, 1);
    assert_int_equal(m->recovers, 0);
    /* the engine looks at the ages every timeout/64 ticks: given up within that of the bound */
    assert_true(m->clock > io.timeout && m->clock <= io.timeout + io.timeout / 64 + 4);
    free(m);

    /* one tag stuck while the others keep completing: still caught */
    m = setup(1, 32, 8 * AHCI_PRD_MAX, &io);
    m->stuck_tag = 3;
    assert_int_equal(ahci_io_batch(&io, 0, 8, lba, N, 4096, bufs, NULL), PLAT_IO_TIMEOUT);
    assert_int_equal(m->stops, 1);
    assert_true(m->clock > io.timeout);
    free(m);

    /* the non-queued path (IDENTIFY, FLUSH) */
    m = setup(0, 1, 8 * AHCI_PRD_MAX, &io);
    m->stuck = 1;
    assert_int_equal(ahci_io_cmd(&io, ATA_FLUSH_CACHE_EXT, 0, 0, 0, 0, 0, 500), PLAT_IO_TIMEOUT);
    assert_int_equal(m->stops, 1);
    assert_true(m->clock > 500 && m->clock <= 502);
    free(m);
}

/* A task-file error (PxIS.TFES): the port is recovered, the batch fails; a port that does not
 * come back reads as a timeout (dead). */
static void tfes_error_recovers(void **state)
{
    (void)state;
    struct ahci_io io;
    enum { N = 64 };
    uint64_t lba[N];
    void *bufs[N];
    layout(0, N, 4096, lba, bufs);
    struct model *m = setup(1, 32, 8 * AHCI_PRD_MAX, &io);
    m->fail_lba = lba[20];
    assert_int_equal(ahci_io_batch(&io, 0, 32, lba, N, 4096, bufs, NULL), PLAT_IO_ERROR);
    assert_int_equal(m->recovers, 1);
    assert_int_equal(m->stops, 0);
    assert_true(m->clock < io.timeout);
    free(m);

    m = setup(0, 1, 8 * AHCI_PRD_MAX, &io);
    m->fail_lba = lba[5];
    m->recover_fails = 1;
    assert_int_equal(ahci_io_batch(&io, 1, 1, lba, N, 4096, bufs, NULL), PLAT_IO_TIMEOUT);
    assert_int_equal(m->recovers, 1);
    assert_int_equal(m->cmds, 6); /* stopped at the failing one */
    free(m);

    /* non-queued: a PxIS error recovers; TFD.ERR alone with PxCI clear is an error too */
    m = setup(0, 1, 8 * AHCI_PRD_MAX, &io);
    m->fail_lba = 0;
    assert_int_equal(ahci_io_cmd(&io, ATA_READ_DMA_EXT, 0, 1, 0, BASE, BS, 500), PLAT_IO_ERROR);
    assert_int_equal(m->recovers, 1);
    m->fail_lba = UINT64_MAX;
    assert_int_equal(ahci_io_cmd(&io, ATA_READ_DMA_EXT, 8, 1, 0, BASE + 8 * BS, BS, 500), 0);
    m->tfd = 1;
    assert_int_equal(ahci_io_cmd(&io, ATA_READ_DMA_EXT, 8, 1, 0, BASE + 8 * BS, BS, 500), PLAT_IO_ERROR);
    assert_int_equal(m->recovers, 1);
    free(m);
}

/* ---- the whole driver against an HBA: ports 0 and 2 hold ATA disks, port 1 has no link,
 * port 3 an ATAPI device; commands complete the moment they are issued (or never: stuck) ---- */
#define HBA_BLOCKS 8192u
enum { G_CAP = 0x00, G_GHC = 0x04, G_PI = 0x0C };
enum { X_CLB = 0x00, X_IS = 0x10, X_CMD = 0x18, X_TFD = 0x20, X_SIG = 0x24, X_SSTS = 0x28,
       X_SERR = 0x30, X_SACT = 0x34, X_CI = 0x38 };
struct hba {
    uint8_t disk[4][HBA_BLOCKS * BS];
    uint32_t ci[4], sact[4], is[4];
    int stuck;
    uint64_t fail_lba;
    int identifies, resets;
    int commands[4];             /* reads and writes per port */
    int ci_writes;               /* PxCI writes (commands issued), any port */
};
static struct hba hb;
static struct pci_fn hfn;
static struct pci_host hhost;

static uint32_t preg(int p, uint32_t off) { return fake_reg(&hhost, 5, 0x100 + 0x80u * p + off, 4); }
static void set_preg(int p, uint32_t off, uint32_t v) { fake_set_reg(&hhost, 5, 0x100 + 0x80u * p + off, 4, v); }

static void hba_sync(int p) /* the model's state into the registers the driver reads */
{
    set_preg(p, X_CI, hb.ci[p]);
    set_preg(p, X_SACT, hb.sact[p]);
    set_preg(p, X_IS, hb.is[p]);
}

static void identify_data(uint16_t *id)
{
    memset(id, 0, 512);
    const char *model = "barebench model SATA disk", *serial = "AHCI-SN-7";
    for (int i = 0; i < 20; i++) /* ATA strings: two characters per word, high byte first */
        id[27 + i] = (uint16_t)((i * 2 < (int)strlen(model) ? model[i * 2] : ' ') << 8 |
                                (i * 2 + 1 < (int)strlen(model) ? model[i * 2 + 1] : ' '));
    for (int i = 0; i < 10; i++)
        id[10 + i] = (uint16_t)((i * 2 < (int)strlen(serial) ? serial[i * 2] : ' ') << 8 |
                                (i * 2 + 1 < (int)strlen(serial) ? serial[i * 2 + 1] : ' '));
    id[75] = 31;          /* queue depth 32 */
    id[76] = 1u << 8;     /* NCQ */
    id[83] = 1u << 10;    /* 48-bit addressing */
    id[100] = HBA_BLOCKS; /* blocks */
}

/* Run the command in slot `tag` of port p: IDENTIFY, READ/WRITE (NCQ or DMA EXT), FLUSH. */
static void hba_exec(int p, int tag)
{
    uint8_t *clb = (uint8_t *)(uintptr_t)((uint64_t)preg(p, X_CLB + 4) << 32 | preg(p, X_CLB));
    const uint32_t *hdr = (const uint32_t *)(clb + 32 * tag);
    const uint8_t *f = (const uint8_t *)(uintptr_t)(hdr[2] | (uint64_t)hdr[3] << 32);
    int prdtl = (int)(hdr[0] >> 16);
    uint64_t lba = f[4] | (uint64_t)f[5] << 8 | (uint64_t)f[6] << 16 | (uint64_t)f[8] << 24 |
                   (uint64_t)f[9] << 32 | (uint64_t)f[10] << 40;
    int ncq = f[2] == ATA_READ_FPDMA || f[2] == ATA_WRITE_FPDMA;
    int write = f[2] == ATA_WRITE_FPDMA || f[2] == ATA_WRITE_DMA_EXT;
    if (f[2] == ATA_IDENTIFY) {
        uint64_t a;
        memcpy(&a, f + 128, 8);
        identify_data((uint16_t *)(uintptr_t)a);
        hb.identifies++;
    } else if (f[2] != ATA_FLUSH_CACHE_EXT) {
        if (lba == hb.fail_lba) {
            hb.is[p] |= 1u << 30; /* TFES */
            set_preg(p, X_TFD, 0x51);
            return;
        }
        uint64_t off = lba * BS;
        hb.commands[p]++;
        for (int k = 0; k < prdtl; k++) {
            uint64_t a;
            uint32_t dbc;
            prd_entry(f, k, &a, &dbc);
            size_t len = (dbc & 0x3FFFFF) + 1u;
            assert_true(off + len <= sizeof hb.disk[p]);
            if (write)
                memcpy(hb.disk[p] + off, (void *)(uintptr_t)a, len);
            else
                memcpy((void *)(uintptr_t)a, hb.disk[p] + off, len);
            off += len;
        }
    }
    if (ncq)
        hb.sact[p] &= ~(1u << tag);
    hb.ci[p] &= ~(1u << tag);
}

static void hba_write(struct pci_host *h, int bar, uint32_t off, int width, uint32_t v)
{
    (void)h;
    (void)width;
    if (bar != 5)
        return;
    if (off == G_GHC) {
        if (v & 1) { /* HBA reset: ports stopped, commands dropped; HR clears at once */
            hb.resets++;
            for (int p = 0; p < 4; p++) {
                hb.ci[p] = hb.sact[p] = hb.is[p] = 0;
                set_preg(p, X_CMD, 0);
                hba_sync(p);
            }
        }
        fake_set_reg(&hhost, 5, G_GHC, 4, v & ~1u);
        return;
    }
    if (off < 0x100)
        return;
    int p = (int)((off - 0x100) / 0x80);
    uint32_t r = (off - 0x100) % 0x80;
    if (p > 3)
        return;
    if (r == X_CMD) { /* CR follows ST, FR follows FRE; stopping drops what is issued */
        uint32_t cmd = (v & ~((1u << 15) | (1u << 14))) | (v & 1 ? 1u << 15 : 0) | (v & (1u << 4) ? 1u << 14 : 0);
        set_preg(p, X_CMD, cmd);
        if (!(v & 1))
            hb.ci[p] = hb.sact[p] = 0;
    } else if (r == X_IS) {
        hb.is[p] &= ~v; /* write 1 to clear */
        if (!(hb.is[p] & (1u << 30)))
            set_preg(p, X_TFD, 0x50);
    } else if (r == X_SERR) {
        set_preg(p, X_SERR, 0);
    } else if (r == X_SACT) {
        hb.sact[p] |= v;
    } else if (r == X_CI) {
        hb.ci[p] |= v;
        hb.ci_writes++;
        if (!hb.stuck)
            for (int tag = 0; tag < 32; tag++)
                if (v & (1u << tag))
                    hba_exec(p, tag);
    }
    hba_sync(p);
}

static void hba_fail_at(uint64_t lba) { hb.fail_lba = lba; }
static void hba_hang(void) { hb.stuck = 1; }
static int hba_requests(void) { return hb.ci_writes; }

static struct ahci_hba *hba_setup(void)
{
    fake_pci_reset_all();
    fake_pci_init(&hfn, &hhost, 0x8086, 0x2922, 0x010601);
    memset(&hb, 0, sizeof hb);
    hb.fail_lba = UINT64_MAX;
    hhost.on_write = hba_write;
    fake_set_reg(&hhost, 5, G_CAP, 4, 1u << 30 | 31u << 8 | 3); /* SNCQ, 32 slots, 4 ports */
    fake_set_reg(&hhost, 5, G_PI, 4, 0xF);
    for (int p = 0; p < 4; p++) {
        set_preg(p, X_SSTS, p == 1 ? 0 : 3);
        set_preg(p, X_SIG, p == 3 ? 0xEB140101 : 0x00000101);
        set_preg(p, X_TFD, 0x50);
    }
    return calloc(1, sizeof(struct ahci_hba));
}

static void driver_start_and_io(void **state)
{
    (void)state;
    struct ahci_hba *h = hba_setup();
    assert_int_equal(ahci_start(h, &hfn), 0);
    assert_true(hb.resets >= 1);
    assert_int_equal(h->nports, 2);              /* ports 0 and 2: no link on 1, ATAPI on 3 */
    assert_int_equal(h->port[1].port, 2);
    assert_string_equal(h->port[0].model, "barebench model SATA disk");
    assert_string_equal(h->port[0].serial, "AHCI-SN-7");
    assert_true(h->port[0].ncq);
    assert_int_equal(h->port[0].slots, 32);
    assert_int_equal(h->port[0].blocks, HBA_BLOCKS);
    assert_ptr_equal(blk_driver_for(&hfn), &ahci_driver);
    struct blk_unit u;
    memset(&u, 0, sizeof u);
    ahci_driver.describe(h, 1, &u);
    assert_int_equal(u.addr.transport, PLAT_T_SATA);
    assert_int_equal(u.addr.port, 2);
    assert_string_equal(u.api, "ahci-ncq");
    int before = hb.commands[2];
    drv_check_depths(&ahci_driver, h, 1);
    assert_true(hb.commands[2] - before >= 2 * 32 * 32); /* on port 2's disk, nothing on 0 */
    assert_int_equal(hb.commands[0], 0);
    assert_int_equal(ahci_flush(h, 0), 0);
    ahci_stop(h);
    assert_int_equal(hhost.dma_live, 0);
    assert_int_equal(preg(0, X_CMD) & 1, 0); /* stopped, HBA reset for the firmware */
    free(h);
}

static void driver_error_and_timeout(void **state)
{
    (void)state;
    struct ahci_hba *h = hba_setup();
    assert_int_equal(ahci_start(h, &hfn), 0);
    static const struct drv_faults faults = {hba_fail_at, hba_hang, hba_requests, AHCI_IO_TIMEOUT_S};
    drv_check_error_and_timeout(&ahci_driver, h, 0, &faults);
    assert_true(h->port[0].dead);
    assert_int_equal(preg(0, X_CMD) & 1, 0); /* port stopped: nothing DMAs on */
    assert_null(ahci_driver.dead(h, 1)); /* the other port goes on */
    ahci_stop(h);
    assert_int_equal(hhost.dma_live, 0);
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tags_and_completion_bits),
        cmocka_unit_test(prdt_rules),
        cmocka_unit_test(fis_ncq_and_dma_ext),
        cmocka_unit_test(ncq_all_tags_reused_out_of_order),
        cmocka_unit_test(dma_ext_one_at_a_time),
        cmocka_unit_test(big_transfers_split_across_prdt),
        cmocka_unit_test(never_completes_times_out),
        cmocka_unit_test(tfes_error_recovers),
        cmocka_unit_test(driver_start_and_io),
        cmocka_unit_test(driver_error_and_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
