/* disk_marker.c - encodes and validates the scratch marker (layout in disk_marker.h).
 * Pure functions on byte buffers: shared by the suite, the write guard and tools/mkscratch. */
#include "bench/disk_marker.h"

#include <string.h>

uint32_t disk_crc32(uint32_t crc, const void *p, size_t n)
{
    const uint8_t *b = p;
    crc = ~crc;
    while (n--) {
        crc ^= *b++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
    uint32_t v = 0;
    for (int i = 3; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

void disk_marker_encode(uint8_t *out, uint64_t target_bytes, const char *label)
{
    memset(out, 0, DISK_MARKER_SIZE);
    memcpy(out, DISK_MARKER_MAGIC, sizeof DISK_MARKER_MAGIC - 1);
    put32(out + 24, DISK_MARKER_VERSION);
    put32(out + 28, DISK_MARKER_SIZE);
    put64(out + 32, target_bytes);
    put64(out + 40, DISK_MARKER_PROTECT);
    for (int i = 0; label && label[i] && i < 32; i++)
        out[48 + i] = (label[i] > ' ' && label[i] <= '~') ? (uint8_t)label[i] : '_';
    put32(out + 508, disk_crc32(0, out, 508));
}

int disk_marker_check(const uint8_t *blk, size_t n, uint64_t dev_bytes, struct disk_marker *m)
{
    if (n < DISK_MARKER_SIZE)
        return MARKER_SHORT;
    if (memcmp(blk, DISK_MARKER_MAGIC, sizeof DISK_MARKER_MAGIC - 1) != 0)
        return MARKER_NONE;
    if (get32(blk + 508) != disk_crc32(0, blk, 508))
        return MARKER_BAD_CRC;
    if (get32(blk + 24) != DISK_MARKER_VERSION)
        return MARKER_BAD_VERSION;
    for (int i = sizeof DISK_MARKER_MAGIC - 1; i < 24; i++)
        if (blk[i])
            return MARKER_BAD_FIELD;
    for (int i = 80; i < 508; i++)
        if (blk[i])
            return MARKER_BAD_FIELD;
    if (get32(blk + 28) != DISK_MARKER_SIZE || get64(blk + 40) != DISK_MARKER_PROTECT)
        return MARKER_BAD_FIELD;
    for (int i = 48; i < 80; i++)
        if (blk[i] && (blk[i] <= ' ' || blk[i] > '~'))
            return MARKER_BAD_FIELD;
    if (m) {
        m->version = get32(blk + 24);
        m->target_bytes = get64(blk + 32);
        m->protect_bytes = get64(blk + 40);
        memcpy(m->label, blk + 48, 32);
        m->label[32] = '\0';
        m->crc = get32(blk + 508);
    }
    if (get64(blk + 32) != dev_bytes || dev_bytes <= DISK_MARKER_PROTECT)
        return MARKER_SIZE_MISMATCH;
    return MARKER_OK;
}

const char *disk_marker_reason(int v)
{
    switch (v) {
    case MARKER_OK: return "valid scratch marker";
    case MARKER_NONE: return "no scratch marker";
    case MARKER_BAD_CRC: return "scratch marker corrupted (CRC mismatch)";
    case MARKER_BAD_VERSION: return "scratch marker of an unknown version";
    case MARKER_BAD_FIELD: return "scratch marker malformed";
    case MARKER_SIZE_MISMATCH: return "scratch marker made for a device of another size";
    case MARKER_SHORT: return "device too small for a scratch marker";
    }
    return "scratch marker invalid";
}

uint64_t disk_marker_protected(uint32_t block_size)
{
    uint64_t bs = block_size ? block_size : 512;
    return (DISK_MARKER_PROTECT + bs - 1) / bs * bs;
}
