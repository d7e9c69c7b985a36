/* disk_guard.c - the write guard (see disk_guard.h): the only caller of plat_disk_batch with
 * write=1.  Defence in depth: it re-reads the marker right before every batch of writes. */
#include "bench/disk_guard.h"
#include "bench/disk_marker.h"
#include "kernel/clock.h"
#include "kernel/fmt.h"
#include "kernel/platform.h"

#include <string.h>

/* Read the first block(s) (at least 512 bytes) of d into an aligned buffer and check them.
 * Returns a verdict or a negative read status. */
static int read_marker(struct plat_disk *d, struct disk_marker *m)
{
    if (!d->media_present)
        return PLAT_IO_NO_MEDIA;
    if (d->block_size == 0 || d->blocks == 0)
        return MARKER_SHORT;
    size_t bytes = d->block_size < DISK_MARKER_SIZE
                       ? (DISK_MARKER_SIZE + d->block_size - 1) / d->block_size * d->block_size
                       : d->block_size;
    if (bytes > 65536 || (uint64_t)bytes / d->block_size > d->blocks)
        return MARKER_SHORT;
    size_t align = d->io_align > 4096 ? d->io_align : 4096;
    uint8_t *buf = plat_alloc_pages(bytes, align, PLAT_PAGES_DMA32);
    if (!buf)
        return PLAT_IO_NOMEM;
    int rc = plat_disk_read(d, 0, buf, bytes);
    if (rc == 0)
        rc = disk_marker_check(buf, bytes, d->blocks * d->block_size, m);
    plat_free_pages(buf, bytes);
    return rc;
}

void disk_guard_disarm(struct disk_guard *g)
{
    memset(g, 0, sizeof *g);
}

int disk_guard_verify(struct disk_guard *g, struct plat_disk *d, char *why, size_t whylen)
{
    struct disk_marker m;
    disk_guard_disarm(g);
    int rc = read_marker(d, &m);
    if (rc < 0) {
        bb_snprintf(why, whylen, "cannot read the marker block (status %d)", rc);
        return rc;
    }
    if (rc != MARKER_OK) {
        bb_snprintf(why, whylen, "%s: never written", disk_marker_reason(rc));
        return rc;
    }
    if (d->read_only) {
        bb_snprintf(why, whylen, "scratch marker present but the device is read-only");
        return MARKER_OK;
    }
    g->d = d;
    g->dev_bytes = d->blocks * d->block_size;
    g->protect_bytes = disk_marker_protected(d->block_size);
    if (m.protect_bytes > g->protect_bytes)
        g->protect_bytes = m.protect_bytes;
    g->marker_crc = m.crc;
    g->verified = 1;
    bb_snprintf(why, whylen, "scratch marker valid (label '%s')", m.label);
    return MARKER_OK;
}

int disk_guard_allows(const struct disk_guard *g, const struct plat_disk *d, const uint64_t *lba,
                      int n, size_t bytes)
{
    if (!g || !g->verified || !d || g->d != d || d->read_only || !d->media_present)
        return 0;
    if (d->block_size == 0 || g->dev_bytes != d->blocks * d->block_size)
        return 0;
    if (bytes == 0 || bytes % d->block_size || n < 0 || (n > 0 && !lba))
        return 0;
    for (int i = 0; i < n; i++) {
        if (lba[i] > g->dev_bytes / d->block_size)
            return 0;
        uint64_t start = lba[i] * d->block_size;
        if (start < g->protect_bytes || start + bytes > g->dev_bytes || start + bytes < start)
            return 0;
    }
    return 1;
}

int disk_guard_write(struct disk_guard *g, struct plat_disk *d, int qd, const uint64_t *lba, int n,
                     size_t bytes, void *const *bufs, uint64_t *lat_ticks, uint64_t *ticks)
{
    struct disk_marker m;
    if (ticks)
        *ticks = 0;
    if (!disk_guard_allows(g, d, lba, n, bytes))
        return DISK_GUARD_REFUSED;
    /* the marker must still be there, unchanged, right now */
    int v = read_marker(d, &m);
    if (v != MARKER_OK || m.crc != g->marker_crc) {
        disk_guard_disarm(g);
        return v < 0 ? v : DISK_GUARD_REFUSED;
    }
    uint64_t t0 = clock_ticks();
    int rc = plat_disk_batch(d, 1, qd, lba, n, bytes, bufs, lat_ticks);
    if (ticks)
        *ticks = clock_ticks() - t0;
    return rc;
}

int disk_guard_flush(struct disk_guard *g, struct plat_disk *d)
{
    if (!g || !g->verified || g->d != d || d->read_only)
        return DISK_GUARD_REFUSED;
    return plat_disk_flush(d);
}
