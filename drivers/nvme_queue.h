/* nvme_queue.h - NVMe queue logic with no firmware call in it: submission/completion rings
 * (phase bits, wrap-around), command ids, PRP lists and the queue-depth batch loop.  The UEFI
 * driver (drivers/nvme.c) runs it on a real controller, tests/unit/test_nvme.c on a model. */
#ifndef BB_NVME_QUEUE_H
#define BB_NVME_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#define NVMEQ_MAX 1024 /* deepest queue the driver builds (entries) */
#define NVME_IO_SLOTS 256 /* transfers in flight at most (kernel/block/blk_engine.h BLK_MAX_QD) */

/* Submission queue entry (NVMe base spec 2.0, figure 88) */
struct nvme_sqe {
    uint8_t opc, flags;
    uint16_t cid;
    uint32_t nsid;
    uint64_t rsvd;
    uint64_t mptr;
    uint64_t prp1, prp2;
    uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

/* Completion queue entry: status bit 0 is the phase tag, bits 15:1 the status field */
struct nvme_cqe {
    uint32_t dw0, dw1;
    uint16_t sqhd, sqid;
    uint16_t cid, status;
};

enum { NVME_OP_FLUSH = 0x00, NVME_OP_WRITE = 0x01, NVME_OP_READ = 0x02 };

/* One submission/completion queue pair as the host sees it. */
struct nvme_queue {
    struct nvme_sqe *sq;           /* depth entries */
    volatile struct nvme_cqe *cq;  /* depth entries */
    uint16_t qid, depth;
    uint16_t sq_tail, cq_head;
    uint8_t phase;                 /* phase tag a new completion carries */
    uint16_t outstanding;          /* submitted, not completed */
    uint16_t nfree;
    uint16_t free_cid[NVMEQ_MAX];  /* stack of unused command ids */
    uint8_t busy[NVMEQ_MAX];       /* per command id */
    uint16_t tag[NVMEQ_MAX];       /* per command id: caller's tag (transfer slot) */
};

/** Set up an empty queue pair over sq/cq of `depth` (2..NVMEQ_MAX) entries each. */
void nvmeq_init(struct nvme_queue *q, uint16_t qid, struct nvme_sqe *sq, volatile struct nvme_cqe *cq,
                uint16_t depth);
/** Commands that can still be submitted (depth - 1 - outstanding: the rings never overflow). */
int nvmeq_room(const struct nvme_queue *q);
/** Copy *cmd into the next SQ slot with a free command id; does not ring the doorbell.
 *  Returns the command id, or -1 when the queue is full. */
int nvmeq_push(struct nvme_queue *q, const struct nvme_sqe *cmd, uint16_t tag);
/** Take the next completion if the controller has posted one (its phase tag matches).
 *  Returns 1 and *out (its command id freed, *tag = the id's tag), 0 when none is there, or
 *  -1 for a completion naming a command id not in flight (consumed, ignored by callers). */
int nvmeq_reap(struct nvme_queue *q, struct nvme_cqe *out, uint16_t *tag);

/** PRP entries for `bytes` at device address `dev` (contiguous).  page: controller memory page
 *  size; list (cap entries, at device address list_dev) receives the PRP list when more than two
 *  pages are touched.  Returns the number of list entries used (0 if none), -1 if over cap or
 *  dev is not dword aligned. */
int nvme_prp(uint64_t dev, uint64_t bytes, uint32_t page, uint64_t *list, uint64_t list_dev,
             uint32_t cap, uint64_t *prp1, uint64_t *prp2);

/* What the batch loop asks of its host (real controller or software model). */
struct nvme_io_ops {
    void (*sq_doorbell)(void *ctx, uint16_t qid, uint16_t tail);
    void (*cq_doorbell)(void *ctx, uint16_t qid, uint16_t head);
    uint64_t (*now)(void *ctx);
    /** Device address of buf[0..len): 0 on success. */
    int (*dev_addr)(void *ctx, void *buf, size_t len, uint64_t *dev);
    /** Called while waiting for completions (a pause; the model lets its device run). */
    void (*idle)(void *ctx);
};

/* One namespace reached through one I/O queue pair. */
struct nvme_io {
    struct nvme_queue *q;
    const struct nvme_io_ops *ops;
    void *ctx;
    uint32_t nsid;
    uint32_t block_size;       /* bytes per logical block */
    uint32_t page;             /* controller memory page size */
    uint32_t max_chunk;        /* bytes per command (MDTS and one PRP list page) */
    uint64_t *prp;             /* per transfer slot: prp_cap entries */
    uint64_t prp_dev;          /* device address of prp[0] */
    uint32_t prp_cap;
    uint64_t timeout;          /* ticks a command may take */
    int last_status;           /* NVMe status field of the last failed command, 0 if none */
    uint16_t left[NVME_IO_SLOTS];  /* per engine slot: its transfer's commands still in flight */
    uint8_t failed[NVME_IO_SLOTS]; /* per engine slot: one of them failed */
};

/** Largest queue depth (transfers in flight) the pair allows for transfers of `bytes`. */
int nvme_io_max_qd(const struct nvme_io *io, size_t bytes);
/** n transfers of `bytes` at blocks lba[], up to qd in flight (transfer i uses bufs[i]), run by
 *  the block engine (kernel/block/blk_engine.c); each transfer above max_chunk is split into commands
 *  that stay in flight together; one doorbell write per batch of submissions and per drain of
 *  completions.  lat (may be NULL) receives
 *  each transfer's ticks.  Returns 0 or a PLAT_IO_* status (PLAT_IO_TIMEOUT: a command did not
 *  complete within io->timeout; the caller must reset the controller before reusing it). */
int nvme_io_batch(struct nvme_io *io, int write, int qd, const uint64_t *lba, int n, size_t bytes,
                  void *const *bufs, uint64_t *lat);
/** One command (e.g. Flush), waited for; *cqe (may be NULL) gets its completion.  0, PLAT_IO_ERROR
 *  (status in io->last_status) or PLAT_IO_TIMEOUT. */
int nvme_io_cmd(struct nvme_io *io, struct nvme_sqe *cmd, struct nvme_cqe *cqe);

#endif
