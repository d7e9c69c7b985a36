/* test_refclock.c - the reference clock sanity check with a fake machine: a PM timer that never
 * moves, one at a tenth / ten times its rate, a good one, and Stall that overshoots. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/run/bounds.h"
#include "kernel/machine/refclock.h"

/* Fake time in ns; the TSC runs at 2 GHz and every read of it costs 50 ns. */
static uint64_t now_ns;
static double pm_rate;      /* fake PM timer ticks per ns (3.579545e-3 when right) */
static int stalls;
static uint64_t stall_extra_ns; /* overshoot added to every Stall */

static uint64_t fake_tsc(void)
{
    now_ns += 50;
    return now_ns * 2;
}
static uint64_t fake_pm(void) { return (uint64_t)((double)now_ns * pm_rate) & 0xffffff; }
static void fake_stall(uint64_t us)
{
    stalls++;
    now_ns += us * 1000 + stall_extra_ns;
}

static struct refclock_probe probe = {fake_pm, 0xffffff, 3579545.0, fake_stall, fake_tsc, NULL, NULL};

static void reset(double rate)
{
    now_ns = 1000000;
    pm_rate = rate;
    stalls = 0;
    stall_extra_ns = 0;
}

static void good_timer_passes(void **s)
{
    (void)s;
    struct refclock_verdict v;
    reset(3.579545e-3);
    assert_int_equal(refclock_check("acpi-pm", &probe, &v), 1);
    assert_true(v.ratio > 0.99 && v.ratio < 1.01);
    assert_true(v.ticks_per_ms > 3570 && v.ticks_per_ms < 3590);
    assert_true(v.tsc_hz_rough > 1.9e9 && v.tsc_hz_rough < 2.1e9);
}

static void stuck_timer_refused_without_stall(void **s)
{
    (void)s;
    struct refclock_verdict v;
    reset(0); /* never moves */
    uint64_t t0 = now_ns;
    assert_int_equal(refclock_check("acpi-pm", &probe, &v), 0);
    assert_non_null(strstr(v.why, "does not count"));
    assert_int_equal(stalls, 0); /* firmware Stall may spin on this very timer */
    /* bounded: at most the edge timeout at BB_TSC_HZ_MAX, in 2 GHz TSC time (+ one read) */
    double waited_s = (double)(now_ns - t0) / 1e9;
    assert_true(waited_s <= BB_REF_EDGE_TIMEOUT_S * BB_TSC_HZ_MAX / 2e9 + 1e-6);
}

static void wrong_rate_refused(void **s)
{
    (void)s;
    struct refclock_verdict v;
    reset(3.579545e-4); /* a tenth */
    assert_int_equal(refclock_check("acpi-pm", &probe, &v), 0);
    assert_non_null(strstr(v.why, "expected 3580"));
    assert_true(v.ticks_per_ms > 300 && v.ticks_per_ms < 400);
    reset(3.579545e-2); /* ten times */
    assert_int_equal(refclock_check("acpi-pm", &probe, &v), 0);
    assert_true(v.ticks_per_ms > 30000);
}

/* One slow Stall (an SMI) among the tries does not refuse a good timer. */
static uint64_t overshoot_once_left;
static void stall_overshoot_once(uint64_t us)
{
    stalls++;
    now_ns += us * 1000 + (overshoot_once_left ? 20000000 : 0);
    overshoot_once_left = 0;
}

static void one_slow_stall_tolerated(void **s)
{
    (void)s;
    struct refclock_verdict v;
    reset(3.579545e-3);
    overshoot_once_left = 1;
    struct refclock_probe p = probe;
    p.stall_us = stall_overshoot_once;
    assert_int_equal(refclock_check("acpi-pm", &p, &v), 1);
    assert_int_equal(stalls, 2); /* the slow one, then one in range ends the check */
}

/* A host so loaded that most Stalls overshoot 18x: a good timer still passes if one try of
 * BB_REF_CHECK_TRIES is clean; if none is, it is refused (never a hang). */
static int overshoots_left;
static void stall_mostly_overshoots(uint64_t us)
{
    stalls++;
    now_ns += us * 1000 * (overshoots_left > 0 ? 18 : 1);
    overshoots_left--;
}

static void loaded_host(void **s)
{
    (void)s;
    struct refclock_verdict v;
    struct refclock_probe p = probe;
    p.stall_us = stall_mostly_overshoots;
    reset(3.579545e-3);
    overshoots_left = BB_REF_CHECK_TRIES - 1;
    assert_int_equal(refclock_check("acpi-pm", &p, &v), 1);
    reset(3.579545e-3);
    overshoots_left = BB_REF_CHECK_TRIES;
    assert_int_equal(refclock_check("acpi-pm", &p, &v), 0);
    assert_int_equal(stalls, BB_REF_CHECK_TRIES);
}

/* The 24-bit counter wrapping inside the interval is still counted right. */
static void wrap_counted(void **s)
{
    (void)s;
    struct refclock_verdict v;
    reset(3.579545e-3);
    now_ns = (uint64_t)((0xffffff - 3000) / 3.579545e-3); /* wraps during the first Stall */
    assert_int_equal(refclock_check("acpi-pm", &probe, &v), 1);
}

static void edge_bounded(void **s)
{
    (void)s;
    uint64_t out;
    reset(0);
    assert_int_equal(refclock_edge(fake_pm, fake_tsc, 100000, &out), 0);
    reset(3.579545e-3);
    assert_int_equal(refclock_edge(fake_pm, fake_tsc, 100000, &out), 1);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(good_timer_passes), cmocka_unit_test(stuck_timer_refused_without_stall),
        cmocka_unit_test(wrong_rate_refused), cmocka_unit_test(one_slow_stall_tolerated),
        cmocka_unit_test(wrap_counted), cmocka_unit_test(edge_bounded),
        cmocka_unit_test(loaded_host),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
