/* alu_peak.c - `make bench-alu` helper: the alu suite's best SIMD FP64 FMA kernel, measured by
 * the same runner and objects as the Linux build (tools/bench/alu_peak_run.c), on 1 CPU and on all
 * CPUs; prints per run "isa threads GFLOP/s flop_per_TSC_cycle flop_per_core_cycle" (per CPU).
 * Usage: alu-peak [min_ms] [reps] */
#include "tools/bench/alu_peak.h"
#include "kernel/machine/clock.h"
#include "kernel/machine/identity.h"
#include "kernel/run/options.h"
#include "kernel/report/results.h"

#include <stdio.h>
#include <stdlib.h>

static struct identity id;

int main(int argc, char **argv)
{
    struct options o;
    struct results rs;
    struct bench_ctx c;
    struct alu_peak p;
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
    int rc = alu_peak_measure(&c, &p);
    for (int i = 0; i < p.nlines; i++)
        printf("%s %d %.3f %.2f %.2f\n", p.k->isa, p.line[i].threads, p.line[i].rate,
               p.line[i].per_tsc_cycle, p.line[i].per_core_cycle);
    results_free(&rs);
    if (rc)
        fprintf(stderr, "alu-peak: a run failed\n");
    return rc ? 1 : 0;
}
