/* alu_peak.h - the measuring part of `make bench-alu`'s alu-peak (tools/bench/alu_peak_run.c): the
 * alu suite's best SIMD FP64 FMA kernel on 1 CPU and on all CPUs, and the core clock from the
 * integer-add latency chain.  Shared by tools/bench/alu_peak.c (prints it) and its unit test
 * (tests/unit/test_alu_peak.c: it measures what the suite measures). */
#ifndef BB_ALU_PEAK_H
#define BB_ALU_PEAK_H

#include "bench/alu.h"

struct alu_peak_line {
    int threads;
    double rate;           /* k->unit (GFLOP/s) over all `threads` CPUs: what bench-alu reads */
    double per_tsc_cycle;  /* flops per TSC cycle, per CPU */
    double per_core_cycle; /* flops per core cycle, per CPU (0: core clock unknown) */
};

struct alu_peak {
    const struct alu_kernel *k;   /* the best SIMD FMA kernel of this CPU */
    struct alu_peak_line line[2]; /* 1 CPU, then all CPUs (only when there are several) */
    int nlines;
};

/** Measure kernel k on `threads` CPUs (args: one per CPU) the way alu-peak does; the entry
 *  lands in c->res.  NULL when the run failed. */
struct result *alu_peak_kernel(struct bench_ctx *c, const struct alu_kernel *k, int threads,
                               struct alu_arg *args);

/** alu-peak's whole measurement into *p (entries in c->res): 0, or -1 when out of memory or
 *  a run failed. */
int alu_peak_measure(struct bench_ctx *c, struct alu_peak *p);

#endif
