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

/* Copy src into dst[max+1] as the marker stores identity text: blanks trimmed at both ends,
 * runs of blanks as one, unprintable characters as '_'. */
static void id_text(char *dst, size_t max, const char *src)
{
    size_t o = 0;
    for (; src && *src && o < max; src++) {
        char c = *src;
        if (c == ' ' || c == '\t') {
            if (o && dst[o - 1] != ' ')
                dst[o++] = ' ';
            continue;
        }
        dst[o++] = (c > ' ' && c <= '~') ? c : '_';
    }
    while (o && dst[o - 1] == ' ')
        o--;
    dst[o] = '\0';
}

void disk_marker_encode(uint8_t *out, uint64_t target_bytes, const char *label,
                        const struct disk_id *id)
{
    char model[DISK_ID_MODEL_MAX + 1], serial[DISK_ID_SERIAL_MAX + 1];
    memset(out, 0, DISK_MARKER_SIZE);
    memcpy(out, DISK_MARKER_MAGIC, sizeof DISK_MARKER_MAGIC - 1);
    put32(out + 24, DISK_MARKER_VERSION);
    put32(out + 28, DISK_MARKER_SIZE);
    put64(out + 32, target_bytes);
    put64(out + 40, DISK_MARKER_PROTECT);
    for (int i = 0; label && label[i] && i < 32; i++)
        out[48 + i] = (label[i] > ' ' && label[i] <= '~') ? (uint8_t)label[i] : '_';
    id_text(serial, DISK_ID_SERIAL_MAX, id ? id->serial : NULL);
    id_text(model, DISK_ID_MODEL_MAX, id ? id->model : NULL);
    if (serial[0]) { /* no serial, no identity: a model alone names no device */
        memcpy(out + 80, model, strlen(model));
        memcpy(out + 128, serial, strlen(serial));
    }
    put32(out + 508, disk_crc32(0, out, 508));
}

int disk_id_match(const char *model, const char *serial, const struct disk_id *id)
{
    char ms[DISK_ID_SERIAL_MAX + 1], ds[DISK_ID_SERIAL_MAX + 1];
    char mm[DISK_ID_MODEL_MAX + 1], dm[DISK_ID_MODEL_MAX + 1];
    id_text(ms, DISK_ID_SERIAL_MAX, serial);
    if (!ms[0])
        return 1; /* made on a file or a device without identity: the size binds it */
    id_text(ds, DISK_ID_SERIAL_MAX, id ? id->serial : NULL);
    if (strcmp(ms, ds) != 0)
        return 0;
    id_text(mm, DISK_ID_MODEL_MAX, model);
    id_text(dm, DISK_ID_MODEL_MAX, id ? id->model : NULL);
    size_t a = strlen(mm), b = strlen(dm);
    return !a || !b || strncmp(mm, dm, a < b ? a : b) == 0;
}

/* Is p[0..n-1] NUL-padded printable text (blanks allowed inside when `blanks`)? */
static int text_field(const uint8_t *p, int n, int blanks)
{
    int end = 0;
    for (int i = 0; i < n; i++) {
        if (!p[i]) {
            end = 1;
            continue;
        }
        if (end || p[i] > '~' || p[i] < ' ' || (p[i] == ' ' && !blanks))
            return 0;
    }
    return 1;
}

int disk_marker_check(const uint8_t *blk, size_t n, uint64_t dev_bytes, const struct disk_id *id,
                      struct disk_marker *m)
{
    if (n < DISK_MARKER_SIZE)
        return MARKER_SHORT;
    if (memcmp(blk, DISK_MARKER_MAGIC, sizeof DISK_MARKER_MAGIC - 1) != 0)
        return MARKER_NONE;
    if (get32(blk + 508) != disk_crc32(0, blk, 508))
        return MARKER_BAD_CRC;
    if (get32(blk + 24) == 1)
        return MARKER_OLD_FORMAT;
    if (get32(blk + 24) != DISK_MARKER_VERSION)
        return MARKER_BAD_VERSION;
    for (int i = sizeof DISK_MARKER_MAGIC - 1; i < 24; i++)
        if (blk[i])
            return MARKER_BAD_FIELD;
    for (int i = 160; i < 508; i++)
        if (blk[i])
            return MARKER_BAD_FIELD;
    if (get32(blk + 28) != DISK_MARKER_SIZE || get64(blk + 40) != DISK_MARKER_PROTECT)
        return MARKER_BAD_FIELD;
    if (!text_field(blk + 48, 32, 0) || !text_field(blk + 80, DISK_ID_MODEL_MAX, 1) ||
        !text_field(blk + 128, DISK_ID_SERIAL_MAX, 1))
        return MARKER_BAD_FIELD;
    struct disk_marker mk;
    mk.version = get32(blk + 24);
    mk.target_bytes = get64(blk + 32);
    mk.protect_bytes = get64(blk + 40);
    memcpy(mk.label, blk + 48, 32);
    mk.label[32] = '\0';
    memcpy(mk.model, blk + 80, DISK_ID_MODEL_MAX);
    mk.model[DISK_ID_MODEL_MAX] = '\0';
    memcpy(mk.serial, blk + 128, DISK_ID_SERIAL_MAX);
    mk.serial[DISK_ID_SERIAL_MAX] = '\0';
    mk.crc = get32(blk + 508);
    if (m)
        *m = mk;
    if (mk.target_bytes != dev_bytes || dev_bytes <= DISK_MARKER_PROTECT)
        return MARKER_SIZE_MISMATCH;
    if (!disk_id_match(mk.model, mk.serial, id))
        return MARKER_ID_MISMATCH;
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
    case MARKER_OLD_FORMAT: return "scratch marker of an older format (no device identity): run mkscratch again";
    case MARKER_ID_MISMATCH: return "scratch marker made for another device (a copied marker?)";
    }
    return "scratch marker invalid";
}

uint64_t disk_marker_protected(uint32_t block_size)
{
    uint64_t bs = block_size ? block_size : 512;
    return (DISK_MARKER_PROTECT + bs - 1) / bs * bs;
}
