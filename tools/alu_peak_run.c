/* alu_peak_run.c - the measuring part of alu-peak (see alu_peak.h): the same runner and kernel
 * objects as the Linux build's alu suite. */
#include "tools/alu_peak.h"
#include "kernel/identity.h"
#include "kernel/platform.h"
#include "kernel/results.h"

struct result *alu_peak_kernel(struct bench_ctx *c, const struct alu_kernel *k, int threads,
                               struct alu_arg *args)
{
    struct bench_spec s = {"alu", k->test, k->desc, k->unit, "higher", k->ops_per_iter, 1e9, 0, 0};
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
    uint64_t chk;
    struct bench_spec sa = {"alu", "int_add", "", "Gop/s", "higher", 8, 1e9, 0, 0};
    struct result *ra = bench_run(c, &sa, alu_int_add_lat.fn, args, &chk);
    double tsc_per_core = ra ? ra->cycles.median : 0; /* TSC cycles per core cycle */
    int counts[2] = {1, c->ncpus}, rc = 0;
    for (int t = 0; t < (c->ncpus > 1 ? 2 : 1); t++) {
        struct result *r = alu_peak_kernel(c, p->k, counts[t], args);
        if (!r) {
            rc = -1;
            break;
        }
        p->line[p->nlines++] = (struct alu_peak_line){counts[t], r->st.median,
            1.0 / r->cycles.median, tsc_per_core / r->cycles.median};
    }
    plat_free(args);
    return rc;
}
