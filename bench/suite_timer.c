/* suite_timer.c - suite "timer": the clock self-check.  How well the calibrated TSC agrees
 * with the reference clock over several interval lengths, what reading each clock costs, and
 * how far the processors' TSCs are apart (timer_skew.c). */
#include "arch/cpu.h"
#include "bench/runner.h"
#include "bench/suites.h"
#include "bench/timer_skew.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

static uint64_t k_tsc_read(void *arg, uint64_t iters)
{
    (void)arg;
    uint64_t x = 0;
    for (uint64_t i = 0; i < iters; i++)
        x ^= clock_ticks();
    return x;
}

static uint64_t k_ref_read(void *arg, uint64_t iters)
{
    const struct ref_clock *rc = arg;
    uint64_t x = 0;
    for (uint64_t i = 0; i < iters; i++)
        x += rc->read();
    return x;
}

static void agreement(struct bench_ctx *c, const struct ref_clock *rc, double ms)
{
    double v[1000];
    int reps = c->reps > 1000 ? 1000 : c->reps;
    uint64_t need = (uint64_t)(rc->hz * ms / 1000.0);
    for (int i = 0; i < reps; i++) {
        double hz = clock_measure_hz(need);
        if (!(hz > 0)) {
            results_skip(c->res, "timer", "tsc_vs_ref", "%s stopped counting", rc->name);
            return;
        }
        double d = (hz - g_clock.hz) / g_clock.hz * 1e6;
        v[i] = d < 0 ? -d : d;
    }
    char test[48];
    bb_snprintf(test, sizeof test, "tsc_vs_ref");
    struct result *r = results_add(c->res, "timer", test, "ppm", "lower",
                                   "|" ARCH_COUNTER_LABEL " rate over the interval - calibrated rate| / calibrated rate");
    if (!r)
        return;
    result_param_str(r, "reference", rc->name);
    result_param_num(r, "interval_ms", ms);
    result_set_samples(r, v, reps);
}

static void run_timer(struct bench_ctx *c)
{
    const struct ref_clock *rc = clock_reference();
    if (rc) {
        static const double ms_std[] = {10, 50, 200};
        int n = c->opt->profile == PROFILE_QUICK ? 2 : 3;
        for (int i = 0; i < n; i++)
            agreement(c, rc, ms_std[i]);
    } else {
        results_skip(c->res, "timer", "tsc_vs_ref",
                     "no usable reference clock on this machine (none, or refused: see env.degraded); " ARCH_COUNTER_LABEL " calibrated by %s",
                     g_clock.calibrated_by);
    }

    struct bench_spec s = {"timer", "tsc_read", "cost of one fenced " ARCH_COUNTER_LABEL " read (" ARCH_COUNTER_READ ")",
                           "ns", "lower", 1, 0, 1, 0};
    struct result *r = bench_run(c, &s, k_tsc_read, 0, 0);
    if (r)
        result_param_str(r, "clock", ARCH_COUNTER_NAME);

    if (rc) {
        struct bench_spec s2 = {"timer", "ref_read", "cost of one read of the reference clock",
                                "ns", "lower", 1, 0, 1, 1u << 22};
        r = bench_run(c, &s2, k_ref_read, (void *)rc, 0);
        if (r)
            result_param_str(r, "clock", rc->name);
    }
    timer_skew_run(c);
}

const struct suite suite_timer = {"timer", "clock self-check", run_timer, NULL, NULL};
