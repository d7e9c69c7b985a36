/* virtq.c - the virtio split virtqueue rings (see virtq.h), shared by the virtio drivers. */
#include "drivers/virtq.h"

#include <string.h>

void virtq_init(struct virtq *q, struct virtq_desc *desc, volatile struct virtq_avail *avail,
                volatile struct virtq_used *used, uint16_t size)
{
    memset(q, 0, sizeof *q);
    q->desc = desc;
    q->avail = avail;
    q->used = used;
    q->size = size;
    q->nfree = size;
    for (uint16_t i = 0; i < size; i++) /* free list threaded through next */
        desc[i].next = (uint16_t)(i + 1);
    avail->flags = 1; /* VIRTQ_AVAIL_F_NO_INTERRUPT: we poll */
    avail->idx = 0;
}

int virtq_add(struct virtq *q, const struct virtq_buf *b, int n, uint16_t tag)
{
    if (n < 1 || n > q->nfree)
        return -1;
    uint16_t head = q->free_head, d = head;
    for (int i = 0; i < n; i++) {
        struct virtq_desc *e = &q->desc[d];
        uint16_t next = e->next;
        e->addr = b[i].addr;
        e->len = b[i].len;
        e->flags = (uint16_t)((b[i].device_writes ? VIRTQ_DESC_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_NEXT : 0));
        if (i + 1 < n)
            d = next;
        else
            q->free_head = next; /* e->next keeps pointing on: restored when the chain frees */
    }
    q->nfree = (uint16_t)(q->nfree - n);
    q->chain[head] = (uint16_t)n;
    q->tag[head] = tag;
    q->busy[head] = 1;
    q->avail->ring[q->avail_idx % q->size] = head;
    q->avail_idx++;
    return head;
}

void virtq_publish(struct virtq *q)
{
    __atomic_thread_fence(__ATOMIC_RELEASE); /* ring entries before the index */
    q->avail->idx = q->avail_idx;
}

int virtq_get(struct virtq *q, uint16_t *tag, uint32_t *len)
{
    uint16_t ahead = (uint16_t)(q->used->idx - q->last_used);
    if (ahead == 0 || ahead > q->size)
        return 0; /* none, or more than a ring ahead (a broken device): nothing to trust there */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    volatile struct virtq_used_elem *e = &q->used->ring[q->last_used % q->size];
    uint32_t id = e->id;
    if (len)
        *len = e->len;
    q->last_used++;
    if (id >= q->size || !q->busy[id])
        return -1;
    /* give the chain back: its last descriptor links to the old free head */
    uint16_t d = (uint16_t)id;
    for (int i = 1; i < q->chain[id]; i++)
        d = q->desc[d].next;
    q->desc[d].next = q->free_head;
    q->free_head = (uint16_t)id;
    q->nfree = (uint16_t)(q->nfree + q->chain[id]);
    q->busy[id] = 0;
    if (tag)
        *tag = q->tag[id];
    return 1;
}

