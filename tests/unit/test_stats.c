/* test_stats.c - min/median/max/mean/stddev/spread on known sample sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/lib/stats.h"

static void odd_and_even(void **s)
{
    (void)s;
    double v[] = {5, 1, 4, 2, 3};
    struct stats st;
    stats_compute(v, 5, &st);
    assert_int_equal(st.n, 5);
    assert_float_equal(st.min, 1, 0);
    assert_float_equal(st.max, 5, 0);
    assert_float_equal(st.median, 3, 0);
    assert_float_equal(st.mean, 3, 1e-12);
    assert_float_equal(st.stddev, 1.5811388300841898, 1e-12); /* sample stddev */
    assert_float_equal(st.spread_pct, 100.0 * 4 / 3, 1e-9);
    assert_float_equal(v[0], 5, 0); /* input untouched */
    double w[] = {10, 2, 8, 4};
    stats_compute(w, 4, &st);
    assert_float_equal(st.median, 6, 0);
}

static void single_and_empty(void **s)
{
    (void)s;
    double v[] = {7.5};
    struct stats st;
    stats_compute(v, 1, &st);
    assert_float_equal(st.median, 7.5, 0);
    assert_float_equal(st.stddev, 0, 0);
    assert_float_equal(st.spread_pct, 0, 0);
    stats_compute(v, 0, &st);
    assert_int_equal(st.n, 0);
    assert_float_equal(st.median, 0, 0);
}

static void sqrt_and_sort(void **s)
{
    (void)s;
    assert_float_equal(stats_sqrt(2.0), 1.4142135623730951, 1e-15);
    assert_float_equal(stats_sqrt(1e-10), 1e-5, 1e-18);
    assert_float_equal(stats_sqrt(-1), 0, 0);
    double v[] = {3, -1, 2, 2, 10, -7};
    stats_sort(v, 6);
    for (int i = 1; i < 6; i++)
        assert_true(v[i - 1] <= v[i]);
    assert_float_equal(stats_median(v, 6), 2, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(odd_and_even), cmocka_unit_test(single_and_empty),
        cmocka_unit_test(sqrt_and_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
