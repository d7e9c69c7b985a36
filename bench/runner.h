/* runner.h - how every benchmark is measured: time-based iteration sizing, a warm-up pass,
 * N repetitions with interrupts off, statistics, one result entry; on one or on all CPUs. */
#ifndef BB_RUNNER_H
#define BB_RUNNER_H

#include <stddef.h>
#include <stdint.h>

struct options;
struct results;
struct result;
struct identity;

struct bench_ctx {
    const struct options *opt;
    struct results *res;
    const struct identity *id;
    int reps;           /* measured repetitions */
    double min_seconds; /* shortest measured interval per sample */
    int ncpus;          /* processors the suites may use */
};

/** A kernel runs `iters` iterations and returns a value derived from its work (a checksum),
 *  so the compiler cannot delete it. */
typedef uint64_t (*bench_kernel_fn)(void *arg, uint64_t iters);

struct bench_spec {
    const char *suite, *test, *desc;
    const char *unit;      /* "GB/s", "Gop/s", "ns", ... */
    const char *better;    /* "higher" | "lower" */
    double work_per_iter;  /* operations / bytes / flops per iteration */
    double scale;          /* rate = work / seconds / scale (ignored with per_op_ns) */
    int per_op_ns;         /* report nanoseconds per unit of work instead of a rate */
    uint64_t max_iters;    /* 0 = no limit */
};

/** Prepare a context from the options (reps, interval by profile, cpus). */
void bench_ctx_init(struct bench_ctx *c, const struct options *o, struct results *rs,
                    const struct identity *id);

/** Measure fn on this CPU.  Returns the new entry (add params to it) or NULL on failure.
 *  *check receives the kernel's value from the last repetition. */
struct result *bench_run(struct bench_ctx *c, const struct bench_spec *s, bench_kernel_fn fn,
                         void *arg, uint64_t *check);

/** Measure fn on `ncpus` CPUs started together from a TSC barrier; CPU i gets
 *  (char *)args + i * stride.  Each sample is timed by the slowest CPU; the entry holds the
 *  aggregate rate, and per_cpu the median rate of each CPU; adds params.threads. */
struct result *bench_run_parallel(struct bench_ctx *c, const struct bench_spec *s, int ncpus,
                                  bench_kernel_fn fn, void *args, size_t stride, uint64_t *check);

/** After bench_run_parallel: CPU i's rates in its first repetitions (up to 8, at most max);
 *  returns how many were written. */
int bench_parallel_cpu_rates(int cpu, double *out, int max);

/** Like bench_run, but measured on a processor of NUMA node index `node`
 *  (plat_run_on_node); NULL (and an error recorded) when no processor there can run it. */
struct result *bench_run_on_node(struct bench_ctx *c, const struct bench_spec *s, int node,
                                 bench_kernel_fn fn, void *args, uint64_t *check);

/** Ticks one call of fn(arg, iters) takes on this processor, interrupts off (its value goes
 *  to bench_sink). */
uint64_t bench_time_ticks(bench_kernel_fn fn, void *arg, uint64_t iters);

/** Number of iterations of fn that take at least `seconds` (doubling from 1). */
uint64_t bench_size_iters(bench_kernel_fn fn, void *arg, double seconds, uint64_t max_iters);

/** Where a value must land so the compiler keeps its computation. */
extern volatile uint64_t bench_sink;

#endif
