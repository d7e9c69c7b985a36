/* test_alu_peak.c - what `make bench-alu` reads is what the alu suite reports: alu-peak's
 * measuring part (tools/bench/alu_peak_run.c) measures every alu kernel with the suite's unit,
 * description, work per iteration and rate scale, and its GFLOP/s of the best SIMD FMA kernel
 * is within 20% of the suite's simd_fma entry measured beside it (best of a few tries: a
 * sanity ratio on a shared box, not a timing claim). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bench/alu.h"
#include "kernel/machine/clock.h"
#include "kernel/machine/identity.h"
#include "kernel/run/options.h"
#include "kernel/report/results.h"
#include "tools/bench/alu_peak.h"

#include <math.h>

static struct identity id;

/* A context on one CPU (no all-CPU runs: the figures compared are the 1-CPU ones). */
static void ctx(struct bench_ctx *c, struct options *o, struct results *rs, int min_ms)
{
    options_defaults(o);
    o->min_time_ms = min_ms;
    o->reps = 3; /* odd: the medians of rate and cycles come from the same sample */
    results_init(rs);
    bench_ctx_init(c, o, rs, &id);
    c->ncpus = 1;
}

static int setup(void **state)
{
    (void)state;
    identity_collect(&id);
    return clock_calibrate(&id.cpu);
}

static double extra(const struct result *r, const char *key)
{
    for (int i = 0; i < r->nextras; i++)
        if (!strcmp(r->extras[i].key, key))
            return r->extras[i].v;
    fail_msg("%s %s: no extra.%s", r->test, r->desc, key);
    return 0;
}

/* The scale an entry's rate was computed with: in every sample, rate x cycles per operation
 * = the cycles' clock (TSC or measured core clock) / scale. */
static double implied_scale(const struct result *r)
{
    double hz = strcmp(r->cycles_clock, "core") ? g_clock.hz : extra(r, "core_ghz") * 1e9;
    return hz / (r->st.median * r->cycles.median);
}

static void assert_close(double a, double b, double rel, const char *what, const char *k)
{
    if (!(fabs(a - b) <= rel * fabs(b)))
        fail_msg("%s of %s: alu-peak %.9g, suite %.9g", what, k, a, b);
}

/* Kernel k measured by the suite and by alu-peak: the same quantity, entry by entry. */
static void same_quantity(const struct alu_kernel *k)
{
    struct options o1, o2;
    struct results suite, peak;
    struct bench_ctx c1, c2;
    struct alu_arg a;
    alu_arg_init(&a);
    ctx(&c1, &o1, &suite, 2);
    ctx(&c2, &o2, &peak, 2);
    alu_run_kernel(&c1, k, &a);
    assert_non_null(alu_peak_kernel(&c2, k, 1, &a));
    assert_int_equal(suite.nerrors, 0);
    assert_int_equal(suite.n, 1);
    assert_int_equal(peak.n, 1);
    const struct result *s = &suite.r[0], *p = &peak.r[0];
    assert_string_equal(p->suite, s->suite);
    assert_string_equal(p->test, s->test);
    assert_string_equal(p->desc, s->desc);
    assert_string_equal(p->unit, s->unit);
    assert_string_equal(p->better, s->better);
    assert_string_equal(s->unit, k->unit);
    assert_true(s->st.median > 0 && p->st.median > 0);
    assert_close(extra(p, "work_per_sample") / extra(p, "iterations"),
                 extra(s, "work_per_sample") / extra(s, "iterations"), 1e-12,
                 "work per iteration", k->desc);
    assert_close(implied_scale(p), implied_scale(s), 1e-6, "rate scale", k->desc);
    results_free(&suite);
    results_free(&peak);
}

static void scalar_kernels_same_quantity(void **state)
{
    (void)state;
    int n = 0;
    for (int i = 0; alu_scalar_kernels[i]; i++)
        if (alu_isa_usable(&id.cpu, alu_scalar_kernels[i]->isa)) {
            same_quantity(alu_scalar_kernels[i]);
            n++;
        }
    assert_true(n >= 14); /* all but the FMA3 pair run on every x86-64 */
}

static void simd_kernels_same_quantity(void **state)
{
    (void)state;
    for (int i = 0; alu_simd_kernels[i]; i++) {
        if (!alu_isa_usable(&id.cpu, alu_simd_kernels[i]->isa))
            continue;
        assert_string_equal(alu_simd_kernels[i]->unit, "GFLOP/s"); /* what bench-alu prints */
        same_quantity(alu_simd_kernels[i]);
    }
}

/* alu-peak's 1-CPU figure (the one bench-alu divides by likwid's) next to the suite's simd_fma
 * entry of the same kernel, alternated up to 5 times; the best of each side within 20%. */
static void peak_figure_matches_suite_entry(void **state)
{
    (void)state;
    double best_suite = 0, best_peak = 0;
    struct alu_peak_line last = {0};
    const struct alu_kernel *k = alu_best_simd(&id.cpu);
    for (int t = 0; t < 5; t++) {
        struct options o1, o2;
        struct results suite, peak;
        struct bench_ctx c1, c2;
        struct alu_peak p;
        struct alu_arg a;
        alu_arg_init(&a);
        ctx(&c1, &o1, &suite, 20);
        ctx(&c2, &o2, &peak, 20);
        alu_run_kernel(&c1, k, &a);
        assert_int_equal(alu_peak_measure(&c2, &p), 0);
        assert_ptr_equal(p.k, k);
        assert_int_equal(p.nlines, 1);
        assert_int_equal(p.line[0].threads, 1);
        last = p.line[0];
        assert_int_equal(suite.n, 1);
        assert_string_equal(suite.r[0].test, "simd_fma");
        if (suite.r[0].st.median > best_suite)
            best_suite = suite.r[0].st.median;
        if (p.line[0].rate > best_peak)
            best_peak = p.line[0].rate;
        results_free(&suite);
        results_free(&peak);
        if (fabs(best_peak / best_suite - 1) <= 0.2)
            break;
    }
    print_message("%s simd_fma, 1 CPU: alu-peak %.3f, suite %.3f GFLOP/s (best of tries)\n",
                  k->isa, best_peak, best_suite);
    assert_close(best_peak, best_suite, 0.2, "GFLOP/s", k->desc);
    /* flops per TSC cycle is the GFLOP/s over the TSC rate; the core clock was measured */
    assert_close(last.per_tsc_cycle * g_clock.hz / 1e9, last.rate, 1e-9,
                 "flop per TSC cycle x TSC GHz", k->desc);
    assert_true(last.per_core_cycle > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalar_kernels_same_quantity),
        cmocka_unit_test(simd_kernels_same_quantity),
        cmocka_unit_test(peak_figure_matches_suite_entry),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
