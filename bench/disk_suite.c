/* disk_suite.c - suite "disk": discovers the block devices, then per selected whole disk a read
 * sweep (sequential block sizes, random 4 KiB, queue depths), and a write sweep only on targets
 * whose scratch marker the write guard verified.  Faults are reported per disk and point. */
#include "bench/disk.h"
#include "bench/disk_marker.h"
#include "bench/disk_options.h"
#include "bench/runner.h"
#include "bench/suites.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

#include <string.h>

struct disk_state disk_states[DISK_MAX];
int disk_discovered = -1;

static const uint64_t default_blocks[] = {4u << 10, 16u << 10, 64u << 10, 256u << 10,
                                          1u << 20, 4u << 20, 16u << 20, 64u << 20};
static const int default_qd[] = {1, 4, 16, 32, 64, 128, 256};
#define SEQ_QD_BYTES (128u << 10) /* sequential transfer size measured at every queue depth */

/* Is `item` one of the words of the comma-separated `list`? */
static int list_has(const char *list, const char *item)
{
    size_t n = strlen(item);
    for (const char *p = list; *p;) {
        if (!strncmp(p, item, n) && (p[n] == ',' || p[n] == '\0'))
            return 1;
        while (*p && *p != ',')
            p++;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* Is device `index` named by disk= ("all", "none", "0,2"; on Linux a path list = all opened)? */
static int selected(const char *spec, int index)
{
    char num[16];
    if (!strcmp(spec, "all") || strchr(spec, '/'))
        return 1; /* Linux: the listed paths are exactly the devices opened */
    bb_snprintf(num, sizeof num, "%d", index);
    return list_has(spec, num);
}

/* Fibre Channel and iSCSI LUNs: storage shared with other machines, never part of disk=all. */
int disk_is_san(const struct plat_disk *d)
{
    return !strcmp(d->kind, "fc") || !strcmp(d->kind, "iscsi");
}

/* Largest buffer the sweeps need on d, within what memory allows: at least 16 MiB, so that
 * writes (fresh data per transfer, filled between chunks of the buffer's size) rarely drain
 * the queue. */
static size_t buffer_bytes(const struct options *o, int nblocks, const uint64_t *blocks, int maxqd)
{
    uint64_t want = (uint64_t)SEQ_QD_BYTES * (uint64_t)maxqd;
    if (want < (16u << 20))
        want = 16u << 20;
    for (int i = 0; i < nblocks; i++)
        if (blocks[i] > want)
            want = blocks[i];
    uint64_t cap = plat_largest_free() / 4;
    (void)o;
    if (want > cap)
        want = cap & ~(uint64_t)0xFFFFF;
    return (size_t)want;
}

static void budgets(struct disk_run *r, const struct options *o)
{
    static const uint64_t by_profile[] = {16u << 20, 256u << 20, 1024u << 20};
    static const double secs[] = {1.5, 5, 20}, rep[] = {0.1, 0.5, 2};
    const struct disk_options *d = disk_options(o);
    r->budget = d->budget ? d->budget : by_profile[o->profile];
    r->rep_seconds = o->min_time_ms ? o->min_time_ms / 1000.0 : rep[o->profile];
    r->point_seconds = secs[o->profile];
    if (r->point_seconds < r->rep_seconds * 2)
        r->point_seconds = r->rep_seconds * (o->reps + 1);
}

/* A device's first and last block must read: catches a short device and a dead medium early. */
static int probe(struct disk_run *r)
{
    struct plat_disk *d = r->d;
    const char *which = "first";
    int rc = plat_disk_read(d, 0, r->buf, d->block_size);
    if (rc == 0) {
        which = "last";
        rc = plat_disk_read(d, d->blocks - 1, r->buf, d->block_size);
        if (rc == PLAT_IO_RANGE)
            rc = PLAT_IO_SHORT; /* the last block it claims is not there */
    }
    const char *detail = plat_disk_error_detail(d);
    if (rc)
        results_error(r->c->res, "disk", "probe", "disk %d (%s): %s block unreadable: %s%s%s",
                      d->index, d->kind, which, disk_status_text(rc), detail[0] ? ": " : "", detail);
    return rc;
}

/* Is `test` in the comma list disk_tests= ("all" = every test)? */
static int wanted(const char *list, const char *test)
{
    return !strcmp(list, "all") || list_has(list, test);
}

static void sweep(struct disk_run *r, int write, int nb, const uint64_t *blocks, int nq,
                  const int *qds)
{
    const char *tests = disk_options(r->c->opt)->tests;
    int seq = wanted(tests, write ? "seq_write" : "seq_read");
    int rnd = wanted(tests, write ? "rand_write" : "rand_read");
    for (int i = 0; i < nb; i++)
        if (seq)
            disk_point_seq(r, write, blocks[i]);
        else
            r->points_done++;
    for (int i = 0; i < nq; i++)
        if (qds[i] <= r->d->max_qd && rnd)
            disk_point_rand(r, write, qds[i]);
        else if (qds[i] <= r->d->max_qd)
            r->points_done++;
    int in_sweep = 0; /* 128 KiB at QD1 already measured by the block-size sweep: not twice */
    for (int i = 0; i < nb; i++)
        in_sweep |= blocks[i] == SEQ_QD_BYTES;
    for (int i = 0; i < nq; i++) /* 128 KiB sequential at each depth too */
        if (qds[i] <= r->d->max_qd && seq && !(qds[i] == 1 && in_sweep))
            disk_point_seq_qd(r, write, SEQ_QD_BYTES, qds[i]);
        else if (qds[i] <= r->d->max_qd)
            r->points_done++;
}

/* Scratch target: write the area the read sweep reads before it (as fio users do); on
 * failure the reads still run, recorded as not preconditioned. */
static void precondition(struct disk_run *r)
{
    int rc = disk_precondition(r);
    if (!rc)
        return;
    const char *detail = plat_disk_error_detail(r->d);
    results_error(r->c->res, "disk", "precondition", "disk %d (%s): preconditioning failed: %s "
                  "(status %d)%s%s; reads measured on an unconditioned target", r->d->index,
                  r->d->kind, disk_status_text(rc), rc, detail[0] ? ": " : "", detail);
    bb_printf("disk %d: preconditioning failed: %s\n", r->d->index, disk_status_text(rc));
    if (rc == PLAT_IO_TIMEOUT || rc == PLAT_IO_NO_MEDIA || rc == PLAT_IO_CHANGED)
        r->dead = 1;
}

/* A target with holes or unwritten extents (Linux files): reads of them never reach the
 * medium.  Say so; `fill` = preconditioning is about to write them. */
static void holes_note(const struct plat_disk *d, int fill)
{
    if (d->holes_known && d->hole_bytes)
        bb_printf("disk %d: WARNING: %s has %llu MiB of holes / unwritten extents: reads of them "
                  "never reach the medium%s\n", d->index, d->path,
                  (unsigned long long)(d->hole_bytes >> 20),
                  fill ? " (scratch: preconditioning writes them first)"
                       : "; read numbers of this target are inflated");
}

static void run_target(struct bench_ctx *c, struct plat_disk *d, struct disk_state *st, int nb,
                       const uint64_t *blocks, int nq, const int *qds)
{
    const struct options *o = c->opt;
    const struct disk_options *dop = disk_options(o);
    static struct disk_run r;
    memset(&r, 0, sizeof r);
    r.c = c;
    r.d = d;
    budgets(&r, o);
    int maxqd = 1;
    for (int i = 0; i < nq; i++)
        if (qds[i] > maxqd && qds[i] <= d->max_qd)
            maxqd = qds[i];
    r.buf_bytes = buffer_bytes(o, nb, blocks, maxqd);
    size_t align = d->io_align > 4096 ? d->io_align : 4096;
    r.buf = plat_alloc_pages(r.buf_bytes, align, PLAT_PAGES_DMA32);
    if (!r.buf) {
        results_error(c->res, "disk", "", "disk %d: no memory for a %llu-byte buffer", d->index,
                      (unsigned long long)r.buf_bytes);
        return;
    }
    for (size_t i = 0; i < r.buf_bytes; i++) /* pre-touch (writes refill it per transfer) */
        r.buf[i] = (uint8_t)(i * 131 + 7);

    int reads = !d->partition;
    /* the marker is always checked (and reported); only the guard can allow writes */
    st->marker = disk_guard_verify(&r.guard, d, NULL, st->marker_why, sizeof st->marker_why);
    if (!dop->write && r.guard.verified) {
        disk_guard_disarm(&r.guard);
        bb_snprintf(st->marker_why, sizeof st->marker_why, "scratch, but disk_write=no");
    } else if (r.guard.verified) { /* opened read-only until now: ask for write access */
        char why[sizeof st->marker_why];
        if (plat_disk_writable(d, why, sizeof why)) {
            disk_guard_disarm(&r.guard);
            bb_snprintf(st->marker_why, sizeof st->marker_why, "scratch, but %s", why);
        }
    }
    int writes = r.guard.verified;
    st->writable = writes;
    if (!reads && !writes)
        goto out;
    if (probe(&r))
        goto out;
    int nqd = 0;
    for (int i = 0; i < nq; i++)
        nqd += qds[i] <= d->max_qd;
    r.points_total = (reads + writes) * (nb + 2 * nqd);
    r.t_start = clock_ticks();
    r.run_salt = (unsigned)(r.t_start >> 12);
    r.fill_salt = r.t_start * 0x9E3779B97F4A7C15ull ^ (uint64_t)d->index;
    /* "file (O_DIRECT)", not "file file (O_DIRECT)": the kind once when the model starts with it */
    size_t kl = strlen(d->kind);
    int model_names_kind = !strncmp(d->model, d->kind, kl) && (d->model[kl] == ' ' || !d->model[kl]);
    bb_printf("disk %d: %s%s%s, %llu MiB, block %u%s%s\n", d->index, model_names_kind ? "" : d->kind,
              d->model[0] && !model_names_kind ? " " : "", d->model,
              (unsigned long long)(d->blocks * d->block_size >> 20), d->block_size,
              writes ? ", scratch: read and write sweep" : ", read sweep",
              d->max_qd > 1 ? "" : " (no queued I/O: QD1 only)");
    if (nqd < nq && d->max_qd == 1)
        results_skip(c->res, "disk", "rand_read",
                     "disk %d (%s): queue depths above 1 need %s, not offered by this device",
                     d->index, d->kind, plat_build()[0] == 'u' ? "Block IO 2" : "async I/O");
    else if (nqd < nq)
        results_skip(c->res, "disk", "rand_read", "disk %d (%s): queue depths above %d skipped",
                     d->index, d->kind, d->max_qd);
    int fill = reads && writes &&
               (wanted(dop->tests, "seq_read") || wanted(dop->tests, "rand_read"));
    holes_note(d, fill);
    if (fill)
        precondition(&r);
    st->preconditioned = r.preconditioned;
    if (reads)
        sweep(&r, 0, nb, blocks, nq, qds);
    if (writes)
        sweep(&r, 1, nb, blocks, nq, qds);
out:
    if (!r.dead) /* after a timeout the device may still DMA into the buffer: keep it */
        plat_free_pages(r.buf, r.buf_bytes);
}

/* Controllers only barebench's own driver can reach (the firmware has no driver for them): with
 * disk_driver=firmware their disks are not measured at all, with both only natively; say so. */
static void unserved_skips(struct bench_ctx *c, const struct disk_options *o)
{
    char what[64];
    if (!strcmp(o->disk, "none") || (o->driver != PLAT_DRIVER_FIRMWARE && o->driver != PLAT_DRIVER_BOTH))
        return;
    for (int i = 0; plat_disk_unserved(i, what, sizeof what); i++)
        results_skip(c->res, "disk", "", "controller %s: the firmware has no driver for it: its "
                     "disks are %s", what, o->driver == PLAT_DRIVER_FIRMWARE
                         ? "not measured (disk_driver=auto or native measures them with barebench's own driver)"
                         : "measured through barebench's own driver only");
}

static void run_disk(struct bench_ctx *c)
{
    const struct disk_options *o = disk_options(c->opt);
    struct plat_disk *list = NULL;
    /* disk=none measures nothing: then no controller is taken from the firmware either */
    plat_disk_driver(strcmp(o->disk, "none") ? o->driver : PLAT_DRIVER_FIRMWARE);
    int n = plat_disks(o->disk, &list);
    disk_discovered = n < 0 ? 0 : (n > DISK_MAX ? DISK_MAX : n);
    unserved_skips(c, o);
    if (n <= 0) {
        results_skip(c->res, "disk", "",
                     "%s", !strcmp(plat_build(), "linux")
                               ? "no disks named: the Linux build measures --disk PATH[,PATH] (files or block devices)"
                               : "no block devices found");
        plat_disk_release(); /* a controller of ours with no units was still taken */
        return;
    }
    int nb = o->nblocks ? o->nblocks : (int)(sizeof default_blocks / sizeof *default_blocks);
    const uint64_t *blocks = o->nblocks ? o->blocks : default_blocks;
    int nq = o->nqd ? o->nqd : (int)(sizeof default_qd / sizeof *default_qd);
    const int *qds = o->nqd ? o->qd : default_qd;

    for (int i = 0; i < disk_discovered; i++) {
        struct plat_disk *d = &list[i];
        struct disk_state *st = &disk_states[i];
        memset(st, 0, sizeof *st);
        st->marker = -1000;
        char lwhy[160];
        if (disk_label_of(o->label, i, d->path, st->label, sizeof st->label, lwhy, sizeof lwhy) && i == 0)
            results_error(c->res, "disk", "", "%s", lwhy); /* once: the spec is the same for all */
        /* disk=N also names N's twin: the same disk through the other driver */
        st->selected = selected(o->disk, i) ||
                       (d->twin >= 0 && d->twin < i && selected(o->disk, d->twin));
        if (st->selected && !strcmp(o->disk, "all") && disk_is_san(&list[i]))
            st->selected = 0; /* a SAN LUN is shared: read only when named by its number */
        if (!st->selected)
            continue;
        if (o->driver == PLAT_DRIVER_NATIVE && !d->ctrl.driver) {
            results_skip(c->res, "disk", "", "disk %d (%s): disk_driver=native and no own driver "
                         "for it%s%s", i, d->kind, d->ctrl.note[0] ? ": " : "", d->ctrl.note);
            continue;
        }
        if (!d->media_present && !strcmp(d->kind, "missing")) { /* Linux: could not open */
            results_error(c->res, "disk", "", "disk %d: cannot open %s: %s", i, d->path, d->model);
            continue;
        }
        if (!d->media_present) { /* an empty drive: nothing to measure */
            results_skip(c->res, "disk", "", "disk %d (%s): no medium", i, d->kind);
            continue;
        }
        char why[128];
        int orc = plat_disk_open(d, why, sizeof why);
        if (orc) {
            results_error(c->res, "disk", "", "disk %d (%s): cannot use it: %s", i, d->kind, why);
            continue;
        }
        run_target(c, d, st, nb, blocks, nq, qds);
        if (o->write && !st->writable && (!d->partition || st->marker == MARKER_OK))
            results_skip(c->res, "disk", "seq_write", "disk %d (%s): not written: %s", i,
                         d->kind, st->marker_why);
    }
    plat_disk_release(); /* every controller back to the firmware: saving results needs it */
}

const struct suite suite_disk = {"disk", "block devices: read sweep, writes on scratch only",
                                 run_disk, disk_summary, &disk_option_group};
