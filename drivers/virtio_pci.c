/* virtio_pci.c - the virtio PCI transport (see virtio_pci.h): capabilities, reset, status,
 * features and split-virtqueue setup through the PCI seam, shared by the virtio drivers. */
#include "drivers/virtio_pci.h"

#include <string.h>

/* common configuration (4.1.4.3) */
enum { C_DFSEL = 0x00, C_DF = 0x04, C_GFSEL = 0x08, C_GF = 0x0C, C_MSIX = 0x10, C_STATUS = 0x14,
       C_QSEL = 0x16, C_QSIZE = 0x18, C_QMSIX = 0x1A, C_QENABLE = 0x1C, C_QNOTIFY = 0x1E,
       C_QDESC = 0x20, C_QDRIVER = 0x28, C_QDEVICE = 0x30 };
/* the legacy interface in I/O BAR 0 (virtio 1.2, 4.1.4.8) */
enum { L_GUEST_FEATURES = 0x04, L_QPFN = 0x08, L_QSIZE = 0x0C, L_QSEL = 0x0E, L_STATUS = 0x12 };
enum { CAP_VENDOR = 0x09, CFG_COMMON = 1, CFG_NOTIFY = 2, CFG_DEVICE = 4 };

int virtio_pci_find(struct virtio_pci *v, struct pci_fn *f)
{
    struct virtio_region none = {0, 0, 0};
    v->pci = f;
    v->common = v->notify = v->device = none;
    for (uint8_t p = pci_find_cap(f, CAP_VENDOR, 0); p; p = pci_find_cap(f, CAP_VENDOR, p)) {
        uint8_t type = pci_cfg8(f, p + 3u);
        struct virtio_region r = {pci_cfg8(f, p + 4u), pci_cfg32(f, p + 8u), 1};
        if (r.bar > 5)
            continue;
        if (type == CFG_COMMON && !v->common.present)
            v->common = r;
        else if (type == CFG_NOTIFY && !v->notify.present) {
            v->notify = r;
            v->notify_mult = pci_cfg32(f, p + 16u);
        } else if (type == CFG_DEVICE && !v->device.present)
            v->device = r;
    }
    return v->common.present && v->notify.present && v->device.present ? 0 : -1;
}

uint32_t virtio_pci_common(struct virtio_pci *v, uint32_t off, int width)
{
    return pci_mmio(v->pci, v->common.bar, v->common.off + off, width);
}

void virtio_pci_common_write(struct virtio_pci *v, uint32_t off, int width, uint32_t val)
{
    pci_mmio_write(v->pci, v->common.bar, v->common.off + off, width, val);
}

uint32_t virtio_pci_config(struct virtio_pci *v, uint32_t off, int width)
{
    return pci_mmio(v->pci, v->device.bar, v->device.off + off, width);
}

uint8_t virtio_pci_status(struct virtio_pci *v)
{
    return (uint8_t)virtio_pci_common(v, C_STATUS, 1);
}

void virtio_pci_set_status(struct virtio_pci *v, uint8_t s)
{
    virtio_pci_common_write(v, C_STATUS, 1, s);
}

int virtio_pci_reset(struct virtio_pci *v)
{
    virtio_pci_set_status(v, 0);
    uint64_t end = drv_deadline(1.0);
    while (virtio_pci_common(v, C_STATUS, 1) != 0) {
        if (drv_expired(end))
            return -1;
        drv_stall_us(50);
    }
    return 0;
}

uint64_t virtio_pci_features(struct virtio_pci *v)
{
    virtio_pci_common_write(v, C_MSIX, 2, 0xFFFF); /* no config vector: polled */
    virtio_pci_common_write(v, C_DFSEL, 4, 0);
    uint64_t offered = virtio_pci_common(v, C_DF, 4);
    virtio_pci_common_write(v, C_DFSEL, 4, 1);
    return offered | (uint64_t)virtio_pci_common(v, C_DF, 4) << 32;
}

int virtio_pci_accept(struct virtio_pci *v, uint64_t features)
{
    virtio_pci_common_write(v, C_GFSEL, 4, 0);
    virtio_pci_common_write(v, C_GF, 4, (uint32_t)features);
    virtio_pci_common_write(v, C_GFSEL, 4, 1);
    virtio_pci_common_write(v, C_GF, 4, (uint32_t)(features >> 32));
    virtio_pci_set_status(v, VIRTIO_S_ACK | VIRTIO_S_DRIVER | VIRTIO_S_FEATURES_OK);
    return virtio_pci_status(v) & VIRTIO_S_FEATURES_OK ? 0 : -1;
}

static void write64(struct virtio_pci *v, uint32_t off, uint64_t val)
{
    virtio_pci_common_write(v, off, 4, (uint32_t)val);
    virtio_pci_common_write(v, off + 4, 4, (uint32_t)(val >> 32));
}

int virtio_pci_queue(struct virtio_pci *v, uint16_t index, int max, struct virtio_pci_queue *pq,
                     struct virtq *q)
{
    virtio_pci_common_write(v, C_QSEL, 2, index);
    int size = (int)virtio_pci_common(v, C_QSIZE, 2);
    if (size < 4)
        return -1;
    if (size > max)
        size = max;
    pq->index = index;
    pq->size = size;
    virtio_pci_common_write(v, C_QSIZE, 2, (uint32_t)size);
    size_t desc = 16u * size, avail = 6u + 2u * size, used = 6u + 8u * size;
    size_t o_avail = (desc + 4095) & ~4095ul, o_used = o_avail + ((avail + 4095) & ~4095ul);
    if (pci_dma_alloc(v->pci, o_used + used, &pq->ring))
        return -2;
    uint8_t *base = pq->ring.host;
    virtq_init(q, (struct virtq_desc *)base, (struct virtq_avail *)(base + o_avail),
               (struct virtq_used *)(base + o_used), (uint16_t)size);
    virtio_pci_common_write(v, C_QMSIX, 2, 0xFFFF); /* no vector: polled */
    write64(v, C_QDESC, pq->ring.dev);
    write64(v, C_QDRIVER, pq->ring.dev + o_avail);
    write64(v, C_QDEVICE, pq->ring.dev + o_used);
    pq->notify_off = (uint16_t)virtio_pci_common(v, C_QNOTIFY, 2);
    virtio_pci_common_write(v, C_QENABLE, 2, 1);
    return 0;
}

void virtio_pci_queue_free(struct virtio_pci *v, struct virtio_pci_queue *pq)
{
    pci_dma_free(v->pci, &pq->ring);
}

void virtio_pci_notify(struct virtio_pci *v, const struct virtio_pci_queue *pq)
{
    pci_mmio_write(v->pci, v->notify.bar, v->notify.off + (uint32_t)pq->notify_off * v->notify_mult,
                   2, pq->index);
}

static uint64_t read64(struct virtio_pci *v, uint32_t off)
{
    return virtio_pci_common(v, off, 4) | (uint64_t)virtio_pci_common(v, off + 4, 4) << 32;
}

void virtio_pci_save(struct virtio_pci *v, struct virtio_pci_state *s)
{
    memset(s, 0, sizeof *s);
    s->status = virtio_pci_status(v);
    s->valid = !!(s->status & VIRTIO_S_DRIVER_OK);
    virtio_pci_common_write(v, C_GFSEL, 4, 0);
    s->features = virtio_pci_common(v, C_GF, 4);
    virtio_pci_common_write(v, C_GFSEL, 4, 1);
    s->features |= (uint64_t)virtio_pci_common(v, C_GF, 4) << 32;
    for (int i = 0; i < VIRTIO_SAVE_QUEUES; i++) {
        virtio_pci_common_write(v, C_QSEL, 2, (uint32_t)i);
        s->q[i].size = (uint16_t)virtio_pci_common(v, C_QSIZE, 2);
        s->q[i].enabled = (uint16_t)virtio_pci_common(v, C_QENABLE, 2);
        s->q[i].desc = read64(v, C_QDESC);
        s->q[i].avail = read64(v, C_QDRIVER);
        s->q[i].used = read64(v, C_QDEVICE);
    }
    s->legacy = s->valid && !(s->status & VIRTIO_S_FEATURES_OK);
    if (s->legacy) {
        s->legacy_features = pci_port(v->pci, 0, L_GUEST_FEATURES, 4);
        for (int i = 0; i < VIRTIO_SAVE_QUEUES; i++) {
            pci_port_write(v->pci, 0, L_QSEL, 2, (uint32_t)i);
            s->pfn[i] = pci_port(v->pci, 0, L_QPFN, 4);
            s->q[i].size = (uint16_t)pci_port(v->pci, 0, L_QSIZE, 2);
        }
    }
}

/* Empty a ring the saved driver owns: available and used index 0 in memory. */
static void empty_ring(uint64_t avail, uint64_t used)
{
    ((volatile uint16_t *)(uintptr_t)avail)[1] = 0;
    ((volatile uint16_t *)(uintptr_t)used)[1] = 0;
}

/* The legacy interface's way back: reset, features, each queue's page frame number. */
static int restore_legacy(struct virtio_pci *v, const struct virtio_pci_state *s)
{
    pci_port_write(v->pci, 0, L_STATUS, 1, 0);
    pci_port_write(v->pci, 0, L_STATUS, 1, VIRTIO_S_ACK);
    pci_port_write(v->pci, 0, L_STATUS, 1, VIRTIO_S_ACK | VIRTIO_S_DRIVER);
    pci_port_write(v->pci, 0, L_GUEST_FEATURES, 4, s->legacy_features);
    for (int i = 0; i < VIRTIO_SAVE_QUEUES; i++) {
        if (!s->pfn[i])
            continue;
        uint64_t desc = (uint64_t)s->pfn[i] << 12, n = s->q[i].size;
        uint64_t avail = desc + 16 * n, used = desc + ((16 * n + 2 * (3 + n) + 4095) & ~4095ull);
        empty_ring(avail, used);
        pci_port_write(v->pci, 0, L_QSEL, 2, (uint32_t)i);
        pci_port_write(v->pci, 0, L_QPFN, 4, s->pfn[i]);
    }
    pci_port_write(v->pci, 0, L_STATUS, 1, s->status);
    return pci_port(v->pci, 0, L_STATUS, 1) & VIRTIO_S_FAILED ? -1 : 0;
}

int virtio_pci_restore(struct virtio_pci *v, const struct virtio_pci_state *s)
{
    if (!s->valid || virtio_pci_reset(v))
        return -1;
    if (s->legacy)
        return restore_legacy(v, s);
    virtio_pci_set_status(v, VIRTIO_S_ACK);
    virtio_pci_set_status(v, VIRTIO_S_ACK | VIRTIO_S_DRIVER);
    virtio_pci_features(v); /* also no config vector */
    if (virtio_pci_accept(v, s->features))
        return -1;
    for (int i = 0; i < VIRTIO_SAVE_QUEUES; i++) {
        if (!s->q[i].enabled)
            continue;
        virtio_pci_common_write(v, C_QSEL, 2, (uint32_t)i);
        virtio_pci_common_write(v, C_QSIZE, 2, s->q[i].size);
        virtio_pci_common_write(v, C_QMSIX, 2, 0xFFFF);
        write64(v, C_QDESC, s->q[i].desc);
        write64(v, C_QDRIVER, s->q[i].avail);
        write64(v, C_QDEVICE, s->q[i].used);
        empty_ring(s->q[i].avail, s->q[i].used); /* both sides start again from index 0 */
        virtio_pci_common_write(v, C_QENABLE, 2, 1);
    }
    virtio_pci_set_status(v, s->status);
    return virtio_pci_status(v) & VIRTIO_S_FAILED ? -1 : 0;
}
