/* ahci_queue.h - AHCI command logic with no firmware call in it: command slots / NCQ tags,
 * command FIS, PRDT, completion from PxCI/PxSACT, error and timeout decisions, the queue-depth
 * loop.  The UEFI driver (drivers/ahci.c) runs it on an HBA port, tests/unit/test_ahci.c on a model. */
#ifndef BB_AHCI_QUEUE_H
#define BB_AHCI_QUEUE_H

#include <stddef.h>
#include <stdint.h>

/* Port memory layout: command list (32 headers) at 0, tables from AHCI_OFF_TABLES. */
#define AHCI_PRDT_N 8                                   /* PRDT entries per command table */
#define AHCI_TABLE_BYTES (128 + AHCI_PRDT_N * 16)       /* CFIS/ACMD area + PRDT */
#define AHCI_OFF_TABLES 4096
#define AHCI_MEM_BYTES (AHCI_OFF_TABLES + 32 * AHCI_TABLE_BYTES)
#define AHCI_PRD_MAX (4u << 20)                         /* bytes one PRDT entry describes */
#define AHCI_XFER_MAX 256                               /* transfers in flight at most */

/* Port registers the command logic touches (offsets inside the port's register block). */
enum { AHCI_P_IS = 0x10, AHCI_P_TFD = 0x20, AHCI_P_SACT = 0x34, AHCI_P_CI = 0x38 };
/* PxIS bits that mean a command failed: TFES, HBFS, HBDS, IFS, INFS, OFS, IPMS */
#define AHCI_IS_ERRORS ((1u << 30) | (1u << 29) | (1u << 28) | (1u << 27) | (1u << 26) | (1u << 24) | (1u << 23))

enum { ATA_READ_DMA_EXT = 0x25, ATA_WRITE_DMA_EXT = 0x35, ATA_READ_FPDMA = 0x60,
       ATA_WRITE_FPDMA = 0x61, ATA_FLUSH_CACHE_EXT = 0xEA, ATA_IDENTIFY = 0xEC };

/** Command header, FIS and PRDT for slot `tag` in port memory (host view `mem`, device address
 *  `mem_dev`): `bytes` of data at device address `data`, split into entries of at most
 *  AHCI_PRD_MAX.  0, or -1 if more than AHCI_PRDT_N entries would be needed (nothing valid then). */
int ahci_build(void *mem, uint64_t mem_dev, int tag, uint8_t cmd, uint64_t lba, uint32_t count,
               uint16_t features, int write, uint64_t data, size_t bytes);
/** A read or write of `blocks` at `lba` in slot `tag`: READ/WRITE FPDMA QUEUED (tag in the
 *  count field, block count in features) when ncq, READ/WRITE DMA EXT otherwise. */
int ahci_build_rw(void *mem, uint64_t mem_dev, int tag, int ncq, int write, uint64_t lba,
                  uint32_t blocks, uint64_t data, size_t bytes);
/** Lowest slot below `slots` not set in `busy`, or -1 when all are taken. */
int ahci_free_tag(uint32_t busy, int slots);
/** Slots of `busy` the HBA has finished: neither PxCI nor (with NCQ) PxSACT still set. */
uint32_t ahci_finished(uint32_t busy, uint32_t ci, uint32_t sact, int ncq);

enum ahci_verdict { AHCI_WAIT, AHCI_OK, AHCI_FAILED, AHCI_TIMED_OUT };
/** What to do with the commands in `busy` after one poll: AHCI_FAILED when PxIS shows an error
 *  (the port must be recovered), AHCI_TIMED_OUT when one of them (issued at started[tag]) is
 *  older than `timeout` ticks at `now`, AHCI_OK when none is left in flight, else AHCI_WAIT. */
enum ahci_verdict ahci_verdict(uint32_t is, uint32_t busy, const uint64_t *started, uint64_t now,
                               uint64_t timeout);

/* What the loop asks of its host (a real port or a software model). */
struct ahci_io_ops {
    uint32_t (*rd)(void *ctx, uint32_t reg);            /* AHCI_P_* register */
    void (*wr)(void *ctx, uint32_t reg, uint32_t v);
    uint64_t (*now)(void *ctx);
    /** Device address of buf[0..len): 0 on success. */
    int (*dev_addr)(void *ctx, void *buf, size_t len, uint64_t *dev);
    /** A pause while waiting (the model lets its device run). */
    void (*idle)(void *ctx);
    /** Clear the port's error state and restart it: 0, or -1 when it stays dead. */
    int (*recover)(void *ctx);
    /** Stop the port after a timeout so that nothing DMAs on; it is dead from then on. */
    void (*stop)(void *ctx);
};

/* One port's command state. */
struct ahci_io {
    const struct ahci_io_ops *ops;
    void *ctx;
    void *mem;                 /* command list and tables (AHCI_MEM_BYTES), host view */
    uint64_t mem_dev;          /* its device address */
    int ncq;                   /* NCQ in use */
    int slots;                 /* commands in flight at most (1..32) */
    uint32_t block_size;
    uint32_t max_transfer;     /* bytes per command */
    uint64_t timeout;          /* ticks a command may take */
};

/** Largest queue depth (transfers in flight) for transfers of `bytes`. */
int ahci_io_max_qd(const struct ahci_io *io, size_t bytes);
/** n transfers of `bytes` at blocks lba[], up to qd in flight (transfer i uses bufs[i]); a
 *  transfer above max_transfer is split into commands that stay in flight together; one PxSACT
 *  / PxCI write per round.  lat (may be NULL) gets each transfer's ticks.  0 or PLAT_IO_*:
 *  PLAT_IO_ERROR (port recovered, commands lost), PLAT_IO_TIMEOUT (port stopped, or it did not
 *  come back from recovery). */
int ahci_io_batch(struct ahci_io *io, int write, int qd, const uint64_t *lba, int n, size_t bytes,
                  void *const *bufs, uint64_t *lat);
/** One non-queued command in slot 0, waited for at most `timeout` ticks.  0, PLAT_IO_RANGE,
 *  PLAT_IO_ERROR (PxIS error: port recovered, even if it stays dead; or TFD.ERR set) or
 *  PLAT_IO_TIMEOUT (port stopped). */
int ahci_io_cmd(struct ahci_io *io, uint8_t cmd, uint64_t lba, uint32_t count, int write,
                uint64_t data, size_t bytes, uint64_t timeout);

#endif
