/* virtq.h - virtio split virtqueue logic and the virtio-blk request loop with no firmware call
 * in it: descriptor chains, free list, available/used rings.  The UEFI driver
 * (drivers/virtio_blk.c) runs it on a device, tests/unit/test_virtq.c on a model. */
#ifndef BB_VIRTQ_H
#define BB_VIRTQ_H

#include <stddef.h>
#include <stdint.h>

#define VIRTQ_MAX 1024

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};
enum { VIRTQ_DESC_NEXT = 1, VIRTQ_DESC_WRITE = 2 };

struct virtq_avail {
    uint16_t flags, idx;
    uint16_t ring[]; /* size entries, then used_event */
};
struct virtq_used_elem {
    uint32_t id, len;
};
struct virtq_used {
    uint16_t flags, idx;
    struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

struct virtq {
    struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    uint16_t size, nfree, free_head;
    uint16_t avail_idx, last_used;
    uint16_t chain[VIRTQ_MAX];   /* per head: descriptors in its chain */
    uint16_t tag[VIRTQ_MAX];     /* per head: caller's tag */
    uint64_t started[VIRTQ_MAX]; /* per head: submission time */
    uint8_t busy[VIRTQ_MAX];
};

/* One piece of a chain: device address, length, written by the device? */
struct virtq_buf {
    uint64_t addr;
    uint32_t len;
    int device_writes;
};

/** Empty queue of `size` entries over desc/avail/used (avail flags: no interrupts). */
void virtq_init(struct virtq *q, struct virtq_desc *desc, volatile struct virtq_avail *avail,
                volatile struct virtq_used *used, uint16_t size);
/** Chain n buffers and put the head on the available ring (not yet visible: virtq_publish).
 *  Returns the head, or -1 when fewer than n descriptors are free. */
int virtq_add(struct virtq *q, const struct virtq_buf *b, int n, uint16_t tag, uint64_t now);
/** Make everything added visible to the device (one index store per batch). */
void virtq_publish(struct virtq *q);
/** Take the next used chain: 1 (*tag, *len), 0 when none, -1 for an id not in flight. */
int virtq_get(struct virtq *q, uint16_t *tag, uint32_t *len);
/** Submission time of the oldest chain in flight, UINT64_MAX if none. */
uint64_t virtq_oldest(const struct virtq *q);

/* virtio-blk request header (virtio 1.2, 5.2.6) and what the loop asks of its host */
struct vblk_hdr {
    uint32_t type, reserved;
    uint64_t sector;
};
enum { VBLK_T_IN = 0, VBLK_T_OUT = 1, VBLK_T_FLUSH = 4 };

struct vblk_ops {
    void (*notify)(void *ctx);
    uint64_t (*now)(void *ctx);
    int (*dev_addr)(void *ctx, void *buf, size_t len, uint64_t *dev);
    void (*idle)(void *ctx);
};

struct vblk_io {
    struct virtq *q;
    const struct vblk_ops *ops;
    void *ctx;
    struct vblk_hdr *hdr;       /* per request slot (size entries): header then status bytes */
    uint8_t *status;
    uint64_t hdr_dev, status_dev;
    uint32_t seg_bytes;         /* largest data descriptor (SIZE_MAX), multiple of 512 */
    uint32_t seg_max;           /* data descriptors per request (SEG_MAX) */
    uint32_t lba_shift;         /* caller's block numbers -> 512-byte sectors: << lba_shift */
    uint64_t timeout;           /* ticks */
    int last_status;            /* virtio-blk status of the last failed request */
};

/** Descriptors one request of `bytes` needs (header + data + status), -1 if over seg_max. */
int vblk_descs(const struct vblk_io *io, size_t bytes);
/** Deepest queue of `bytes` transfers (each one request) the ring holds. */
int vblk_max_qd(const struct vblk_io *io, size_t bytes);
/** n transfers at blocks lba[] (sector = lba << lba_shift), up to qd in flight (transfer i uses bufs[i]); one
 *  notify per batch of submissions.  0 or PLAT_IO_*; PLAT_IO_TIMEOUT needs a device reset. */
int vblk_batch(struct vblk_io *io, int write, int qd, const uint64_t *lba, int n, size_t bytes,
               void *const *bufs, uint64_t *lat);
/** A FLUSH request, waited for. */
int vblk_flush(struct vblk_io *io);

#endif
