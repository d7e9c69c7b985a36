/* alu_peak_run.c - the measuring part of alu-peak (see alu_peak.h): the same runner, kernel
 * objects and work accounting (alu_spec) as the Linux build's alu suite. */
#include "tools/bench/alu_peak.h"
#include "kernel/machine/clock.h"
#include "kernel/machine/identity.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

struct result *alu_peak_kernel(struct bench_ctx *c, const struct alu_kernel *k, int threads,
                               struct alu_arg *args)
{
    struct bench_spec s = alu_spec(k);
    uint64_t chk;
    return threads == 1 ? bench_run(c, &s, k->fn, args, &chk)
                        : bench_run_parallel(c, &s, threads, k->fn, args, sizeof *args, &chk);
}

int alu_peak_measure(struct bench_ctx *c, struct alu_peak *p)
{
    *p = (struct alu_peak){.k = alu_best_simd(&c->id->cpu)};
    struct alu_arg *args = plat_alloc((size_t)c->ncpus * sizeof *args);
    if (!args)
        return -1;
    for (int i = 0; i < c->ncpus; i++)
        alu_arg_init(&args[i]);
    /* the core clock: one add per core cycle along the dependent chain (Gop/s = core GHz) */
    struct result *ra = alu_peak_kernel(c, &alu_int_add_lat, 1, args);
    double core_ghz = ra ? ra->st.median : 0;
    int counts[2] = {1, c->ncpus}, rc = 0;
    for (int t = 0; t < (c->ncpus > 1 ? 2 : 1); t++) {
        struct result *r = alu_peak_kernel(c, p->k, counts[t], args);
        if (!r) {
            rc = -1;
            break;
        }
        double per_cpu = r->st.median / counts[t]; /* GFLOP/s */
        p->line[p->nlines++] = (struct alu_peak_line){counts[t], r->st.median,
            per_cpu * 1e9 / g_clock.hz, core_ghz > 0 ? per_cpu / core_ghz : 0};
    }
    plat_free(args);
    return rc;
}
