/* disk_sweep.c - measures one sweep point on one target: repetitions over different regions,
 * rate samples (MB/s or IOPS), latency percentiles, errors per point, progress lines. */
#include "disk.h"
#include "disk_marker.h"
#include "disk_plan.h"
#include "runner.h"
#include "../kernel/clock.h"
#include "../kernel/fmt.h"
#include "../kernel/platform.h"
#include "../kernel/results.h"
#include "../kernel/stats.h"

#include <string.h>

#define MAX_SAMPLES 1000

const char *disk_status_text(int st)
{
    switch (st) {
    case PLAT_IO_OK: return "ok";
    case PLAT_IO_ERROR: return "device error";
    case PLAT_IO_NO_MEDIA: return "no medium";
    case PLAT_IO_TIMEOUT: return "timeout";
    case PLAT_IO_READ_ONLY: return "write protected";
    case PLAT_IO_RANGE: return "beyond the end of the device";
    case PLAT_IO_SHORT: return "short transfer (device smaller than it claims)";
    case PLAT_IO_UNSUPPORTED: return "not supported by the device";
    case PLAT_IO_NOMEM: return "out of memory";
    case PLAT_IO_CHANGED: return "the medium changed";
    case DISK_GUARD_REFUSED: return "refused by the write guard (not a verified scratch target)";
    }
    return "unknown status";
}

static void size_text(uint64_t b, char *s, size_t n)
{
    if (b >= (1u << 20) && b % (1u << 20) == 0)
        bb_snprintf(s, n, "%lluM", (unsigned long long)(b >> 20));
    else if (b >= 1024 && b % 1024 == 0)
        bb_snprintf(s, n, "%lluK", (unsigned long long)(b >> 10));
    else
        bb_snprintf(s, n, "%llu", (unsigned long long)b);
}

/* Percentile q (0..100) of n sorted values. */
static double pct(const double *sorted, uint64_t n, double q)
{
    uint64_t i = (uint64_t)(q / 100.0 * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

static void sort_u64(uint64_t *v, uint64_t n) /* heap sort: n may be large */
{
    for (uint64_t s = n / 2; s-- > 0;)
        for (uint64_t r = s, c; (c = 2 * r + 1) < n; r = c) {
            if (c + 1 < n && v[c + 1] > v[c]) c++;
            if (v[r] >= v[c]) break;
            uint64_t t = v[r]; v[r] = v[c]; v[c] = t;
        }
    for (uint64_t e = n; e-- > 1;) {
        uint64_t t = v[0]; v[0] = v[e]; v[e] = t;
        for (uint64_t r = 0, c; (c = 2 * r + 1) < e; r = c) {
            if (c + 1 < e && v[c + 1] > v[c]) c++;
            if (v[r] >= v[c]) break;
            t = v[r]; v[r] = v[c]; v[c] = t;
        }
    }
}

static void params(struct result *e, const struct plat_disk *d, int write, int random,
                   uint64_t xfer, int qd)
{
    result_param_int(e, "disk", d->index);
    result_param_str(e, "disk_kind", d->kind);
    result_param_str(e, "op", write ? "write" : "read");
    result_param_str(e, "pattern", random ? "rand" : "seq");
    result_param_int(e, "block_size", (int64_t)xfer);
    result_param_int(e, "qd", qd);
    result_param_str(e, "api", qd > 1 && d->queue_api ? d->queue_api : d->sync_api);
    if (d->partition)
        result_param_bool(e, "partition", 1);
}

/* One batch: reads straight to the device, writes through the guard, then FlushBlocks.
 * Returns the status; *ticks gets the interval (writes: batch + flush). */
static int batch(struct disk_run *r, int write, int qd, const uint64_t *lba, int n, size_t xfer,
                 void *const *bufs, uint64_t *lat, uint64_t *ticks)
{
    if (!write) {
        uint64_t t0 = clock_ticks();
        int rc = plat_disk_batch(r->d, 0, qd, lba, n, xfer, bufs, lat);
        *ticks = clock_ticks() - t0;
        return rc;
    }
    int rc = disk_guard_write(&r->guard, r->d, qd, lba, n, xfer, bufs, lat, ticks);
    if (rc)
        return rc;
    uint64_t t0 = clock_ticks();
    rc = disk_guard_flush(&r->guard, r->d);
    *ticks += clock_ticks() - t0;
    return rc;
}

static void progress(struct disk_run *r, const char *test, uint64_t xfer, int qd, double rate,
                     const char *unit, int rep, int reps)
{
    char bs[16];
    size_text(xfer, bs, sizeof bs);
    double el = clock_seconds(clock_ticks() - r->t_start);
    int done = r->points_done + (rep + 1 >= reps ? 1 : 0);
    double left = done ? el / done * (r->points_total - done) : 0;
    bb_printf("  disk %d %-6s %-10s bs=%-4s qd=%-2d rep %d/%d: %9.1f %s  [point %d/%d, ~%.0f s left]\n",
              r->d->index, r->d->kind, test, bs, qd, rep + 1, reps, rate, unit, done,
              r->points_total, left);
}

/* Measure one point.  Rates per repetition; latencies (random) pooled over repetitions. */
static void point(struct disk_run *r, int write, int random, uint64_t xfer, int qd)
{
    struct bench_ctx *c = r->c;
    struct plat_disk *d = r->d;
    char test[32], bs[16];
    bb_snprintf(test, sizeof test, "%s_%s", random ? "rand" : "seq", write ? "write" : "read");
    size_text(xfer, bs, sizeof bs);
    if (r->dead) {
        r->points_done++;
        return;
    }
    uint64_t protect = disk_marker_protected(d->block_size);
    uint64_t dev = d->blocks * d->block_size;
    struct disk_plan p;
    if (disk_plan_make(&p, dev, protect, d->block_size, xfer, r->budget, 0, random, 0, 0) ||
        xfer * (uint64_t)qd > r->buf_bytes) {
        results_skip(c->res, "disk", test, "disk %d: block size %s x qd %d does not fit %s",
                     d->index, bs, qd,
                     xfer * (uint64_t)qd > r->buf_bytes ? "the buffer memory" : "the device");
        r->points_done++;
        return;
    }
    int reps = c->reps > MAX_SAMPLES ? MAX_SAMPLES : c->reps;
    uint64_t n = p.count;
    uint64_t *lba = plat_alloc(n * sizeof *lba);
    uint64_t *lat = random ? plat_alloc(n * reps * sizeof *lat) : NULL;
    void *bufs[256];
    double v[MAX_SAMPLES];
    for (int k = 0; k < qd && k < 256; k++)
        bufs[k] = r->buf + (size_t)k * xfer;
    if (!lba || (random && !lat)) {
        results_error(c->res, "disk", test, "disk %d bs %s: out of memory for %llu transfers",
                      d->index, bs, (unsigned long long)n);
        goto out;
    }
    unsigned salt = (unsigned)(xfer / d->block_size) * 31u + (unsigned)qd * 7u + (unsigned)write;
    uint64_t t_point = clock_ticks();
    uint64_t nlat = 0;
    int got = 0;
    for (int rep = -1; rep < reps; rep++) { /* rep -1: warm-up, one transfer */
        disk_plan_make(&p, dev, protect, d->block_size, xfer, r->budget, 0, random,
                       rep + 1, salt);
        uint64_t cnt = rep < 0 ? 1 : p.count;
        for (uint64_t i = 0; i < cnt; i++)
            lba[i] = disk_plan_offset(&p, i) / d->block_size;
        uint64_t ticks = 0;
        int rc = batch(r, write, qd, lba, (int)cnt, xfer, bufs,
                       rep >= 0 && lat ? lat + nlat : NULL, &ticks);
        if (rc) {
            results_error(c->res, "disk", test,
                          "disk %d (%s) %s bs=%s qd=%d rep %d: %s (status %d)", d->index,
                          d->kind, write ? "write" : "read", bs, qd, rep + 1,
                          disk_status_text(rc), rc);
            bb_printf("  disk %d %s bs=%s: %s\n", d->index, test, bs, disk_status_text(rc));
            if (rc == PLAT_IO_TIMEOUT || rc == PLAT_IO_NO_MEDIA || rc == PLAT_IO_CHANGED ||
                rc == DISK_GUARD_REFUSED)
                r->dead = 1;
            goto out;
        }
        if (rep < 0)
            continue;
        double secs = clock_seconds(ticks ? ticks : 1);
        v[got++] = random ? (double)cnt / secs : (double)cnt * (double)xfer / secs / 1e6;
        if (lat)
            nlat += cnt;
        if (secs > 2.0 || rep + 1 == reps)
            progress(r, test, xfer, qd, v[got - 1], random ? "IOPS" : "MB/s", rep, reps);
        if (clock_seconds(clock_ticks() - t_point) > r->point_seconds && rep + 1 < reps) {
            progress(r, test, xfer, qd, v[got - 1], random ? "IOPS" : "MB/s", reps - 1, reps);
            break; /* time budget of the point spent */
        }
    }
    struct result *e = results_add(c->res, "disk", test, random ? "IOPS" : "MB/s", "higher",
                                   random ? "random transfers per second (1 = one transfer)"
                                          : "sequential throughput, MB/s = 1e6 bytes/s");
    if (e) {
        params(e, d, write, random, xfer, qd);
        result_set_samples(e, v, got);
        result_extra(e, "bytes_per_rep", (double)p.count * (double)xfer);
    }
    if (lat && nlat) {
        sort_u64(lat, nlat);
        double *us = (double *)lat; /* convert in place: same size, already sorted */
        for (uint64_t i = 0; i < nlat; i++)
            us[i] = clock_seconds(lat[i]) * 1e6;
        static const double q[2] = {50, 99};
        for (int k = 0; k < 2; k++) {
            char t2[40];
            bb_snprintf(t2, sizeof t2, "%s_lat_p%d", test, (int)q[k]);
            struct result *l = results_add(c->res, "disk", t2, "us", "lower",
                                           "latency percentile of single transfers");
            if (!l)
                continue;
            params(l, d, write, random, xfer, qd);
            double one = pct(us, nlat, q[k]);
            result_set_samples(l, &one, 1);
            result_extra(l, "transfers", (double)nlat);
        }
    }
out:
    plat_free(lba);
    plat_free(lat);
    r->points_done++;
}

void disk_point_seq(struct disk_run *r, int write, uint64_t xfer)
{
    point(r, write, 0, xfer, 1);
}

void disk_point_rand(struct disk_run *r, int write, int qd)
{
    point(r, write, 1, 4096, qd);
}
