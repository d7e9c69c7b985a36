/* disk_guard.c - the write guard (see disk_guard.h): the only caller of a device's batch call
 * with write=1.  Defence in depth: it re-reads the marker before, during and after every batch. */
#include "bench/disk_guard.h"
#include "bench/disk_marker.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

const struct disk_guard_ops disk_guard_plat = {plat_disk_read, plat_disk_batch, plat_disk_flush};

static const struct disk_guard_ops *ops_of(const struct disk_guard *g)
{
    return g->ops ? g->ops : &disk_guard_plat;
}

/* Read the first block(s) (at least 512 bytes) of d into an aligned buffer and check them
 * against d's size and identity.  Returns a verdict or a negative read status. */
static int read_marker(const struct disk_guard_ops *ops, struct plat_disk *d, struct disk_marker *m)
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
    struct disk_id id = {d->model, d->serial};
    int rc = ops->read(d, 0, buf, bytes);
    if (rc == 0)
        rc = disk_marker_check(buf, bytes, d->blocks * d->block_size, &id, m);
    plat_free_pages(buf, bytes);
    return rc;
}

void disk_guard_disarm(struct disk_guard *g)
{
    memset(g, 0, sizeof *g);
}

/* Writing to d ends for the run: the guard keeps only why. */
static int lose(struct disk_guard *g, int status)
{
    disk_guard_disarm(g);
    g->lost = status;
    return status;
}

int disk_guard_verify(struct disk_guard *g, struct plat_disk *d, const struct disk_guard_ops *ops,
                      char *why, size_t whylen)
{
    struct disk_marker m;
    disk_guard_disarm(g);
    g->ops = ops;
    int rc = read_marker(ops_of(g), d, &m);
    if (rc < 0) {
        bb_snprintf(why, whylen, "cannot read the marker block (status %d)", rc);
        return rc;
    }
    if (rc == MARKER_ID_MISMATCH) {
        bb_snprintf(why, whylen, "%s: marker for serial '%s' (%s), this device serial '%s' (%s); never written",
                    disk_marker_reason(rc), m.serial, m.model, d->serial, d->model);
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
    g->media_id = d->media_id;
    g->verified = 1;
    bb_snprintf(why, whylen, "scratch marker valid (label '%s'%s%s)", m.label,
                m.serial[0] ? ", serial " : "", m.serial);
    return MARKER_OK;
}

int disk_guard_allows(const struct disk_guard *g, const struct plat_disk *d, const uint64_t *lba,
                      int n, size_t bytes)
{
    if (!g || !g->verified || g->lost || !d || g->d != d || d->read_only || !d->media_present)
        return 0;
    if (d->media_id != g->media_id)
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

/* The marker must still be there, unchanged, on the same medium, right now.  0 or the status
 * that ended writing (the guard is then disarmed for the run). */
static int recheck(struct disk_guard *g, struct plat_disk *d)
{
    struct disk_marker m;
    if (d->media_id != g->media_id)
        return lose(g, PLAT_IO_CHANGED);
    int v = read_marker(ops_of(g), d, &m);
    if (v == PLAT_IO_CHANGED)
        return lose(g, PLAT_IO_CHANGED);
    if (v != MARKER_OK || m.crc != g->marker_crc)
        return lose(g, v < 0 ? v : DISK_GUARD_MARKER_LOST); /* read failed, or marker gone */
    return 0;
}

/* Transfers in the next chunk: at most 64 MiB, about 250 ms at the last chunk's pace, at
 * least one (and a full queue when that fits). */
static int chunk_count(const struct disk_guard *g, int left, int qd, size_t bytes)
{
    uint64_t by_bytes = DISK_GUARD_RECHECK_BYTES / bytes;
    uint64_t k = by_bytes ? by_bytes : 1;
    if (g->byte_ticks > 0) {
        double by_time = g_clock.hz * (DISK_GUARD_RECHECK_MS / 1000.0) / (g->byte_ticks * (double)bytes);
        if (by_time < (double)k)
            k = by_time < 1 ? 1 : (uint64_t)by_time;
    } else if (k > (uint64_t)(qd > 1 ? qd : 1)) {
        k = (uint64_t)(qd > 1 ? qd : 1); /* pace unknown: a short first chunk measures it */
    }
    if (k < (uint64_t)qd && (uint64_t)qd <= (by_bytes ? by_bytes : 1))
        k = (uint64_t)qd;
    return k < (uint64_t)left ? (int)k : left;
}

int disk_guard_write(struct disk_guard *g, struct plat_disk *d, int qd, const uint64_t *lba, int n,
                     size_t bytes, void *const *bufs, uint64_t *lat_ticks, uint64_t *ticks)
{
    if (ticks)
        *ticks = 0;
    if (g && g->lost)
        return g->lost;
    if (!disk_guard_allows(g, d, lba, n, bytes))
        return DISK_GUARD_REFUSED;
    int rc = recheck(g, d);
    if (rc)
        return rc;
    const struct disk_guard_ops *ops = ops_of(g);
    for (int i = 0; i < n;) {
        int k = chunk_count(g, n - i, qd, bytes);
        uint64_t t0 = clock_ticks();
        rc = ops->batch(d, 1, qd, lba + i, k, bytes, bufs + i, lat_ticks ? lat_ticks + i : NULL);
        uint64_t dt = clock_ticks() - t0;
        if (ticks)
            *ticks += dt;
        g->byte_ticks = (double)(dt ? dt : 1) / ((double)k * (double)bytes);
        if (rc == PLAT_IO_CHANGED)
            return lose(g, rc);
        if (rc)
            return rc;
        i += k;
        rc = recheck(g, d); /* after every chunk, the last one included */
        if (rc)
            return rc;
    }
    return 0;
}

int disk_guard_flush(struct disk_guard *g, struct plat_disk *d)
{
    if (!g || !g->verified || g->lost || g->d != d || d->read_only || d->media_id != g->media_id)
        return DISK_GUARD_REFUSED;
    int rc = ops_of(g)->flush(d);
    return rc == PLAT_IO_CHANGED ? lose(g, rc) : rc;
}
