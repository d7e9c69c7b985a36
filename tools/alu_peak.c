/* alu_peak.c - `make bench-alu` helper: the alu suite's best SIMD FP64 FMA kernel, measured by
 * the same runner and objects as the Linux build, on 1 CPU and on all CPUs; prints per run
 * "isa threads GFLOP/s flop_per_TSC_cycle flop_per_core_cycle" (per CPU).  The core clock comes
 * from the integer-add latency chain (1 core cycle per add).  Usage: alu-peak [min_ms] [reps] */
#include "bench/alu.h"
#include "kernel/clock.h"
#include "kernel/identity.h"
#include "kernel/options.h"
#include "kernel/platform.h"
#include "kernel/results.h"

#include <stdio.h>
#include <stdlib.h>

static struct identity id;

int main(int argc, char **argv)
{
    struct options o;
    struct results rs;
    struct bench_ctx c;
    options_defaults(&o);
    o.min_time_ms = argc > 1 ? atoi(argv[1]) : 200;
    o.reps = argc > 2 ? atoi(argv[2]) : 5;
    if (o.min_time_ms < 1 || o.min_time_ms > 60000 || o.reps < 1 || o.reps > 1000) {
        fprintf(stderr, "usage: alu-peak [min_time_ms 1..60000] [reps 1..1000]\n");
        return 2;
    }
    identity_collect(&id);
    if (clock_calibrate(&id.cpu)) {
        fprintf(stderr, "alu-peak: cannot calibrate the TSC\n");
        return 1;
    }
    results_init(&rs);
    bench_ctx_init(&c, &o, &rs, &id);
    const struct alu_kernel *k = alu_best_simd(&id.cpu);
    struct alu_arg *args = plat_alloc((size_t)c.ncpus * sizeof *args);
    if (!args)
        return 1;
    for (int i = 0; i < c.ncpus; i++)
        alu_arg_init(&args[i]);
    struct bench_spec s = {"alu", k->test, k->desc, k->unit, "higher", k->ops_per_iter, 1e9, 0, 0};
    uint64_t chk;
    struct bench_spec sa = {"alu", "int_add", "", "Gop/s", "higher", 8, 1e9, 0, 0};
    struct result *ra = bench_run(&c, &sa, alu_int_add_lat.fn, args, &chk);
    double tsc_per_core = ra ? ra->cycles.median : 0; /* TSC cycles per core cycle */
    int counts[2] = {1, c.ncpus};
    for (int t = 0; t < (c.ncpus > 1 ? 2 : 1); t++) {
        int threads = counts[t];
        struct result *r = threads == 1 ? bench_run(&c, &s, k->fn, args, &chk)
                                        : bench_run_parallel(&c, &s, threads, k->fn, args,
                                                             sizeof *args, &chk);
        if (!r)
            return 1;
        printf("%s %d %.3f %.2f %.2f\n", k->isa, threads, r->st.median, 1.0 / r->cycles.median,
               tsc_per_core / r->cycles.median);
    }
    results_free(&rs);
    plat_free(args);
    return 0;
}
