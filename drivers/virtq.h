/* virtq.h - the virtio split virtqueue (virtio 1.2, 2.7): descriptor chains, free list,
 * available/used rings, per-chain tags.  Shared by every virtio driver
 * (virtio-blk now, virtio-scsi next); tests/unit/test_virtq.c drives it against a model. */
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
int virtq_add(struct virtq *q, const struct virtq_buf *b, int n, uint16_t tag);
/** Make everything added visible to the device (one index store per batch). */
void virtq_publish(struct virtq *q);
/** Take the next used chain: 1 (*tag, *len), 0 when none (or a used index more than the ring's
 *  size ahead: a broken device; what is in flight then times out), -1 for an id not in flight. */
int virtq_get(struct virtq *q, uint16_t *tag, uint32_t *len);

#endif
