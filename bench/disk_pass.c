/* disk_pass.c - the transfers of one pass of a sweep point (reads in one batch, writes in
 * buffer-sized chunks of fresh pseudo-random data, fill kept out of the timed interval) and the
 * preconditioning of scratch targets before their read sweep. */
#include "bench/disk.h"
#include "bench/disk_fill.h"
#include "bench/disk_marker.h"
#include "bench/disk_plan.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

/* Distance between the buffers of transfers of xfer bytes: xfer, rounded up to the device's
 * required alignment. */
static size_t stride(const struct disk_run *r, size_t xfer)
{
    size_t a = r->d->io_align > 1 ? r->d->io_align : 1;
    return (xfer + a - 1) / a * a;
}

/* Fill the buffers of m write transfers, each with data no other transfer of this run had. */
static void fresh_data(struct disk_run *r, void **bufs, uint64_t m, size_t xfer)
{
    for (uint64_t k = 0; k < m; k++) {
        bufs[k] = r->buf + k * stride(r, xfer);
        disk_fill(bufs[k], xfer, disk_fill_seed(r->fill_salt, r->fill_next++));
    }
}

/* n write transfers at lba[]: chunks of as many transfers as the buffer holds, each filled
 * before it is timed; the chunks' times summed into *ticks. */
static int write_chunks(struct disk_run *r, int qd, const uint64_t *lba, uint64_t n, size_t xfer,
                        void **bufs, uint64_t *lat, uint64_t *ticks)
{
    uint64_t per = r->buf_bytes / stride(r, xfer), t = 0;
    *ticks = 0;
    for (uint64_t done = 0; done < n;) {
        uint64_t m = n - done < per ? n - done : per;
        fresh_data(r, bufs, m, xfer);
        int rc = disk_guard_write(&r->guard, r->d, qd, lba + done, (int)m, xfer, bufs,
                                  lat ? lat + done : NULL, &t);
        *ticks += t;
        if (rc)
            return rc;
        done += m;
    }
    return 0;
}

int disk_pass(struct disk_run *r, int write, int qd, const struct disk_plan *p, int pass,
              uint64_t n, uint64_t *lat, uint64_t *ticks, uint64_t *flush)
{
    struct plat_disk *d = r->d;
    size_t xfer = (size_t)p->xfer;
    uint64_t *lba = plat_alloc(n * sizeof *lba);
    void **bufs = plat_alloc(n * sizeof *bufs);
    int rc = PLAT_IO_NOMEM;
    *ticks = *flush = 0;
    if (!lba || !bufs)
        goto out;
    for (uint64_t i = 0; i < n; i++)
        lba[i] = disk_plan_offset(p, pass, i) / d->block_size;
    if (!write) { /* the data read is not looked at: qd buffers, reused round-robin */
        for (uint64_t i = 0; i < n; i++)
            bufs[i] = r->buf + (i % (uint64_t)qd) * stride(r, xfer);
        uint64_t t0 = clock_ticks();
        rc = plat_disk_batch(d, 0, qd, lba, (int)n, xfer, bufs, lat);
        *ticks = clock_ticks() - t0;
        goto out;
    }
    rc = write_chunks(r, qd, lba, n, xfer, bufs, lat, ticks);
    if (rc)
        goto out;
    uint64_t t0 = clock_ticks();
    rc = disk_guard_flush(&r->guard, d);
    *flush = clock_ticks() - t0;
out:
    plat_free(bufs);
    plat_free(lba);
    return rc;
}

int disk_precondition(struct disk_run *r)
{
    struct plat_disk *d = r->d;
    uint64_t from = disk_marker_protected(d->block_size), end = d->blocks * d->block_size;
    uint64_t xfer = r->buf_bytes < (1u << 20) ? r->buf_bytes : (1u << 20);
    xfer -= xfer % d->block_size;
    uint64_t per = r->buf_bytes / stride(r, (size_t)xfer), lba[64], t = 0;
    void *bufs[64];
    if (per > 64)
        per = 64;
    int qd = d->max_qd < 4 ? d->max_qd : 4;
    uint64_t t0 = clock_ticks(), next_note = 1ull << 30;
    bb_printf("disk %d: preconditioning: writing the %llu MiB the read sweep reads\n", d->index,
              (unsigned long long)((end - from) >> 20));
    for (uint64_t off = from; off < end;) {
        uint64_t left = end - off, m, bytes = xfer;
        if (left < xfer) { /* the tail: one shorter transfer (whole blocks) */
            bytes = left;
            m = 1;
        } else {
            m = left / xfer < per ? left / xfer : per;
        }
        for (uint64_t k = 0; k < m; k++)
            lba[k] = (off + k * bytes) / d->block_size;
        fresh_data(r, bufs, m, (size_t)bytes);
        int rc = disk_guard_write(&r->guard, d, qd > (int)m ? (int)m : qd, lba, (int)m,
                                  (size_t)bytes, bufs, NULL, &t);
        if (rc)
            return rc;
        off += m * bytes;
        if (off - from >= next_note && off < end) {
            bb_printf("disk %d: preconditioned %llu of %llu MiB\n", d->index,
                      (unsigned long long)((off - from) >> 20), (unsigned long long)((end - from) >> 20));
            next_note += 1ull << 30;
        }
    }
    int rc = disk_guard_flush(&r->guard, d);
    if (rc)
        return rc;
    double s = clock_seconds(clock_ticks() - t0);
    bb_printf("disk %d: preconditioned in %.1f s (%.0f MB/s)\n", d->index, s,
              s > 0 ? (double)(end - from) / s / 1e6 : 0.0);
    r->preconditioned = 1;
    return 0;
}
