/* disk_sweep.c - measures one sweep point on one target: repetitions over different regions,
 * rate samples (MB/s or IOPS), latency percentiles, errors per point, progress lines. */
#include "bench/disk.h"
#include "bench/disk_marker.h"
#include "bench/disk_plan.h"
#include "bench/runner.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"
#include "kernel/lib/stats.h"

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
    case DISK_GUARD_MARKER_LOST: return "the scratch marker vanished or changed during the writes: writes stopped";
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

/* Transfers per repetition: about rep_seconds' worth judging by the warm-up, within budget. */
static uint64_t size_count(const struct disk_run *r, uint64_t max, uint64_t warm, uint64_t ticks)
{
    double per = (double)(ticks ? ticks : 1) / (double)(warm ? warm : 1);
    double want = r->rep_seconds * g_clock.hz / per;
    if (want < 1)
        want = 1;
    return want < (double)max ? (uint64_t)want : max;
}

static void report_error(struct disk_run *r, const char *test, int write, const char *bs, int qd,
                         int rep, int rc)
{
    struct plat_disk *d = r->d;
    const char *detail = plat_disk_error_detail(d); /* e.g. a CHECK CONDITION's sense */
    results_error(r->c->res, "disk", test, "disk %d (%s) %s bs=%s qd=%d rep %d: %s (status %d) on %s%s%s",
                  d->index, d->kind, write ? "write" : "read", bs, qd, rep, disk_status_text(rc), rc,
                  d->path[0] ? d->path : d->model, detail[0] ? ": " : "", detail);
    bb_printf("  disk %d %s bs=%s: %s\n", d->index, test, bs, disk_status_text(rc));
    if (rc == PLAT_IO_TIMEOUT || rc == PLAT_IO_NO_MEDIA || rc == PLAT_IO_CHANGED ||
        rc == DISK_GUARD_REFUSED || rc == DISK_GUARD_MARKER_LOST)
        r->dead = 1;
}

static void latency_entries(struct disk_run *r, const char *test, int write, uint64_t *lat,
                            uint64_t nlat, int qd, int random, uint64_t xfer)
{
    sort_u64(lat, nlat);
    double *us = (double *)lat; /* convert in place: same size, already sorted */
    for (uint64_t i = 0; i < nlat; i++)
        us[i] = clock_seconds(lat[i]) * 1e6;
    static const double q[3] = {50, 99, 99.9};
    static const char *const qname[3] = {"p50", "p99", "p999"};
    for (int k = 0; k < 3; k++) {
        char t2[40];
        bb_snprintf(t2, sizeof t2, "%s_lat_%s", test, qname[k]);
        struct result *l = results_add(r->c->res, "disk", t2, "us", "lower",
                                       "latency percentile of single transfers");
        if (!l)
            continue;
        params(l, r->d, write, random, xfer, qd);
        double one = pct(us, nlat, q[k]);
        result_set_samples(l, &one, 1);
        result_extra(l, "transfers", (double)nlat);
        if (!write)
            result_extra_bool(l, "preconditioned", r->preconditioned);
    }
}

/* The rate of one repetition: MB/s or IOPS of count transfers over `ticks`. */
static double rate(int random, uint64_t count, uint64_t xfer, uint64_t ticks)
{
    double secs = clock_seconds(ticks ? ticks : 1);
    return random ? (double)count / secs : (double)count * (double)xfer / secs / 1e6;
}

/* Measure one point: a warm-up that also sizes the repetitions, then reps, every pass on slots
 * no earlier pass of the point touched (disk_plan.h).  Rates per repetition (writes: including
 * their flush); latencies (random) pooled over repetitions. */
static void point(struct disk_run *r, int write, int random, uint64_t xfer, int qd, int with_lat)
{
    struct bench_ctx *c = r->c;
    struct plat_disk *d = r->d;
    char test[32], bs[16];
    bb_snprintf(test, sizeof test, "%s_%s", random ? "rand" : "seq", write ? "write" : "read");
    size_text(xfer, bs, sizeof bs);
    uint64_t protect = disk_marker_protected(d->block_size);
    uint64_t dev = d->blocks * d->block_size;
    struct disk_plan p;
    uint64_t *lat = NULL;
    if (r->dead)
        goto out;
    int reps = c->reps > MAX_SAMPLES ? MAX_SAMPLES : c->reps;
    uint64_t salt = ((uint64_t)r->run_salt << 32) ^ (xfer / d->block_size) * 31u ^
                    (uint64_t)qd * 7u ^ (uint64_t)write << 20 ^ (uint64_t)random << 21;
    uint64_t warm = xfer >= (1u << 20) ? 2 : 16 * (uint64_t)qd;
    int pr = disk_plan_point(&p, dev, protect, d->block_size, xfer, r->budget, random, reps, warm,
                             salt);
    if (pr == DISK_PLAN_TOO_SMALL) {
        results_skip(c->res, "disk", test, "disk %d: bs %s: the target holds %llu transfers, fewer "
                     "than the warm-up and %d repetitions need on separate regions (would measure cache)",
                     d->index, bs, (unsigned long long)p.slots, reps);
        goto out;
    }
    if (pr || xfer * (uint64_t)qd > r->buf_bytes) {
        results_skip(c->res, "disk", test, "disk %d: block size %s x qd %d does not fit %s",
                     d->index, bs, qd,
                     xfer * (uint64_t)qd > r->buf_bytes ? "the buffer memory" : "the device");
        goto out;
    }
    double v[MAX_SAMPLES], nf[MAX_SAMPLES], fl[MAX_SAMPLES];

    /* warm-up: a few transfers on the point's first slots; their time sizes the repetitions */
    uint64_t ticks = 0, flush = 0;
    int rc = disk_pass(r, write, qd, &p, 0, p.warm, NULL, &ticks, &flush);
    if (rc) {
        report_error(r, test, write, bs, qd, 0, rc);
        goto out;
    }
    if (d->index >= 0 && d->index < DISK_MAX && qd > disk_states[d->index].qd_used)
        disk_states[d->index].qd_used = qd;
    disk_plan_set_count(&p, size_count(r, p.count, p.warm, ticks));
    uint64_t count = p.count;
    if (with_lat) {
        lat = plat_alloc(count * (uint64_t)reps * sizeof *lat);
        if (!lat) {
            results_error(c->res, "disk", test, "disk %d bs %s: out of memory", d->index, bs);
            goto out;
        }
    }
    uint64_t t_point = clock_ticks(), nlat = 0;
    int got = 0;
    for (int rep = 0; rep < reps; rep++) {
        rc = disk_pass(r, write, qd, &p, rep + 1, count, lat ? lat + nlat : NULL, &ticks, &flush);
        if (rc) {
            report_error(r, test, write, bs, qd, rep + 1, rc);
            goto out;
        }
        fl[got] = clock_seconds(flush) * 1e3;
        nf[got] = rate(random, count, xfer, ticks);
        v[got++] = rate(random, count, xfer, ticks + flush); /* writes: durable, flush included */
        if (lat)
            nlat += count;
        int last = rep + 1 == reps ||
                   clock_seconds(clock_ticks() - t_point) > r->point_seconds;
        if (clock_seconds(ticks) > 2.0 || last)
            progress(r, test, xfer, qd, v[got - 1], random ? "IOPS" : "MB/s", last ? reps - 1 : rep, reps);
        if (last)
            break; /* all repetitions done, or the time budget of the point spent */
    }
    struct result *e = results_add(c->res, "disk", test, random ? "IOPS" : "MB/s", "higher",
                                   random ? (write ? "random transfers per second, final flush included"
                                                   : "random transfers per second")
                                          : (write ? "sequential throughput incl. the final flush, MB/s = 1e6 bytes/s"
                                                   : "sequential throughput, MB/s = 1e6 bytes/s"));
    if (e) {
        params(e, d, write, random, xfer, qd);
        result_set_samples(e, v, got);
        result_extra(e, "bytes_per_rep", (double)count * (double)xfer);
        if (p.shrunk) /* the target is small: repetitions shrunk so they never overlap */
            result_extra_bool(e, "shrunk_to_fit", 1);
        if (write) { /* FlushBlocks after each repetition: in the headline, also shown apart */
            result_extra(e, "flush_ms_median", stats_median(fl, got));
            result_extra(e, random ? "no_flush_iops" : "no_flush_mbps", stats_median(nf, got));
        } else {
            result_extra_bool(e, "preconditioned", r->preconditioned);
        }
    }
    if (lat && nlat)
        latency_entries(r, test, write, lat, nlat, qd, random, xfer);
out:
    plat_free(lat);
    r->points_done++;
}

void disk_point_seq(struct disk_run *r, int write, uint64_t xfer)
{
    point(r, write, 0, xfer, 1, 0);
}

void disk_point_seq_qd(struct disk_run *r, int write, uint64_t xfer, int qd)
{
    point(r, write, 0, xfer, qd, 1);
}

void disk_point_rand(struct disk_run *r, int write, int qd)
{
    point(r, write, 1, 4096, qd, 1);
}
