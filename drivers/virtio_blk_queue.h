/* virtio_blk_queue.h - the virtio-blk request logic with no platform call in it: request
 * header, data descriptors split at SIZE_MAX, status byte, on a split virtqueue (virtq.h).  The
 * driver (drivers/virtio_blk.c) runs it on a device, tests/unit/test_virtq.c on a model. */
#ifndef BB_VIRTIO_BLK_QUEUE_H
#define BB_VIRTIO_BLK_QUEUE_H

#include "drivers/virtq.h"

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
