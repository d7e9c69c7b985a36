/* mem_plateau.c - the DRAM point is taken only on the plateau: the working set doubles until
 * doubling changes triad bandwidth by less than 3% (sizes measured alternately, median of the
 * pair ratios: the box's own swings are minutes long), or memory runs out, which a note then
 * says.  The chase latency at the DRAM point gets the same check for one doubling. */
#include "bench/mem_run.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"
#include "kernel/lib/stats.h"

#include <string.h>

#define MiB (1024ull * 1024)
#define TOLERANCE 0.03
#define MAX_DOUBLINGS 3 /* at most 8x the planned working set (profile=quick: one doubling) */
#define ROUNDS 3        /* alternations per doubling (profile=quick: 1) */

/* One timed triad (nt stores, this processor) over ws bytes at buf: GB/s; arrays checked. */
static double triad_probe(struct mem_run *mr, uint64_t ws, int check)
{
    static struct mem_arrays m;
    size_t n = mem_elems(ws, 3);
    mem_arrays_at(&m, MEM_TRIAD, mr->buf, n);
    mem_arrays_init(&m, MEM_TRIAD);
    mem_kernel_fn fn = mem_kernel(MEM_TRIAD, mr->best, 1);
    uint64_t iters = bench_size_iters(fn, &m, mr->c->min_seconds, 0);
    uint64_t t = bench_time_ticks(fn, &m, iters);
    if (check)
        mem_arrays_check(mr->c, "plateau", &m, MEM_TRIAD, 0);
    return (double)n * 24 * (double)iters / clock_seconds(t ? t : 1) / 1e9;
}

/* One chase over ws bytes at buf: ns per load. */
static double chase_probe(struct mem_run *mr, uint64_t ws)
{
    size_t lines = mem_chase_build(mr->buf, ws, 12345);
    mem_chase_rebase(mr->buf, lines, mr->buf);
    void *cursor = mr->buf;
    uint64_t iters = bench_size_iters(mem_chase, &cursor, mr->c->min_seconds, 0);
    return clock_seconds(bench_time_ticks(mem_chase, &cursor, iters)) * 1e9 / (double)iters;
}

/* Make buf hold `want` bytes (within the plan's budget); 0 when it cannot (buf kept). */
static int grow(struct mem_run *mr, uint64_t want)
{
    if (want <= mr->got)
        return 1;
    if (want > mr->plan.budget)
        return 0;
    plat_free_pages(mr->buf, mr->got);
    char *nb = plat_alloc_pages(want, 2 * MiB, PLAT_PAGES_HUGE);
    if (!nb) {
        mr->buf = plat_alloc_pages(mr->got, 2 * MiB, PLAT_PAGES_HUGE);
        if (mr->buf)
            memset(mr->buf, 0, mr->got);
        return 0;
    }
    memset(nb, 0, want); /* first touch outside any measured interval */
    mr->buf = nb;
    mr->got = want;
    return 1;
}

static void row(struct mem_run *mr, uint64_t bytes, double v)
{
    if (mr->nplateau < (int)(sizeof mr->plateau / sizeof mr->plateau[0] / 2)) {
        mr->plateau[2 * mr->nplateau] = (double)bytes;
        mr->plateau[2 * mr->nplateau + 1] = v;
        mr->nplateau++;
    }
}

void mem_plateau(struct mem_run *mr)
{
    uint64_t ws = mr->plan.dram;
    double change = 0;
    int found = 0, limit = 0, measured = 0;
    int quick = mr->c->opt->profile == PROFILE_QUICK;
    int doublings = quick ? 1 : MAX_DOUBLINGS, rounds = quick ? 1 : ROUNDS;
    for (int d = 0; d < doublings && !found; d++) {
        if (!grow(mr, 2 * ws)) {
            if (!mr->buf) {
                results_error(mr->c->res, "mem", "plateau", "lost the buffer while growing it");
                return;
            }
            break;
        }
        double a[ROUNDS], b[ROUNDS], ratio[ROUNDS];
        for (int r = 0; r < rounds; r++) { /* alternate: the box drifts over minutes */
            a[r] = triad_probe(mr, ws, r == 0);
            b[r] = triad_probe(mr, 2 * ws, r == 0);
            ratio[r] = a[r] > 0 ? b[r] / a[r] : 0;
        }
        double ma = stats_median(a, rounds), mb = stats_median(b, rounds);
        double rr = stats_median(ratio, rounds);
        if (d == 0)
            row(mr, ws, ma);
        row(mr, 2 * ws, mb);
        change = (rr - 1) * 100;
        measured = 1;
        if (rr > 1 - TOLERANCE && rr < 1 + TOLERANCE)
            found = 1;
        else if (d + 1 < doublings)
            ws *= 2;
        else
            limit = 1;
    }
    if (!measured) /* no room to double: still record the one size and its figure */
        row(mr, ws, triad_probe(mr, ws, 1));
    mr->on_plateau = found;
    mr->plan.dram = ws;
    if (!found && !measured)
        results_skip(mr->c->res, "mem", "plateau",
                     "DRAM working set %llu MiB is not verified on the plateau: no memory to double it (%llu MiB usable)",
                     (unsigned long long)(ws / MiB), (unsigned long long)(mr->plan.budget / MiB));
    else if (!found)
        results_skip(mr->c->res, "mem", "plateau",
                     "DRAM working set %llu MiB is not verified on the plateau: doubling it changed triad by %+.1f%% and %s",
                     (unsigned long long)(ws / MiB), change,
                     limit ? (quick ? "profile=quick checks one doubling" : "the check stops at 8x the planned size")
                           : "memory ran out (usable budget)");
    /* latency: one doubling, when the buffer holds it */
    if (2 * ws <= mr->got) {
        double l1 = chase_probe(mr, ws), l2 = chase_probe(mr, 2 * ws);
        double lc = l1 > 0 ? (l2 - l1) / l1 : 1;
        if (lc <= -TOLERANCE || lc >= TOLERANCE)
            results_skip(mr->c->res, "mem", "latency_plateau",
                         "DRAM latency at %llu MiB is not on the plateau: %.1f ns there, %.1f ns at twice the size",
                         (unsigned long long)(ws / MiB), l1, l2);
    } else {
        results_skip(mr->c->res, "mem", "latency_plateau",
                     "DRAM latency at %llu MiB not checked: no memory for twice the size", (unsigned long long)(ws / MiB));
    }
    if (measured)
        bb_printf("mem: DRAM plateau %s at %llu MiB (triad change on doubling %+.1f%%)\n",
                  found ? "verified" : "NOT verified", (unsigned long long)(ws / MiB), change);
    else
        bb_printf("mem: DRAM plateau NOT verified at %llu MiB (no memory to double it)\n",
                  (unsigned long long)(ws / MiB));
}
