/* test_coreclock.c - did the core clock move?  The spread of fake measurements (steady, moved
 * up, moved down, one processor's outlier, turbo bins and hybrid cores that are not movement,
 * the threshold itself, pstate=max's mark), the env.degraded note and the env.clock fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <jansson.h>

#include "kernel/machine/coreclock.h"
#include "kernel/run/degraded.h"
#include "kernel/lib/json.h"

#define NCPU 2

/* A run on NCPU processors: start (alone, all) then nmarks suites, GHz. */
static double all_store[1 + CORECLOCK_MAX_MARKS][NCPU];

static void fake(struct coreclock_info *g, const double *alone, const double (*all)[NCPU], int nmarks)
{
    static const char *names[] = {"timer", "alu", "mem", "vmcost", "disk"};
    memset(g, 0, sizeof *g);
    g->n = all ? NCPU : 1;
    g->core_hz = alone[0] * 1e9;
    for (int i = 0; i <= nmarks; i++)
        for (int k = 0; k < NCPU; k++)
            all_store[i][k] = all ? all[i][k] * 1e9 : 0;
    if (!all)
        all_store[0][0] = g->core_hz; /* as coreclock_start leaves one processor */
    g->per_cpu_hz = all_store[0];
    g->nmarks = nmarks;
    for (int i = 0; i < nmarks; i++) {
        g->marks[i].when = names[i % 5];
        g->marks[i].hz = alone[i + 1] * 1e9;
        g->marks[i].per_cpu = all ? all_store[i + 1] : NULL;
    }
}

static void steady(void **state)
{
    (void)state;
    struct coreclock_info g;
    struct coreclock_spread s;
    const double alone[] = {3.50, 3.52, 3.49, 3.51};
    const double all[][NCPU] = {{3.30, 3.31}, {3.32, 3.30}, {3.29, 3.30}, {3.31, 3.32}};
    fake(&g, alone, all, 3);
    coreclock_spread(&g, 0, &s);
    assert_false(s.moved);
    assert_int_equal(s.compared, 4);
    assert_true(s.spread > 0.0088 && s.spread < 0.0092); /* 3.32 / 3.29: the widest series */
    assert_true(s.spread <= CORECLOCK_MOVED_FRACTION);
}

static void moved_up(void **state)
{
    (void)state;
    struct coreclock_info g;
    struct coreclock_spread s;
    const double alone[] = {3.43, 3.62, 3.60};
    fake(&g, alone, NULL, 2);
    coreclock_spread(&g, 0, &s);
    assert_true(s.moved);
    assert_int_equal(s.cpu, -1);
    assert_string_equal(s.low_when, "start");
    assert_string_equal(s.high_when, "timer");
    assert_true(s.spread > (3.62 - 3.43) / 3.43 - 1e-12 && s.spread < (3.62 - 3.43) / 3.43 + 1e-12);
}

static void moved_down(void **state)
{
    (void)state;
    struct coreclock_info g;
    struct coreclock_spread s;
    const double alone[] = {3.62, 3.60, 3.41};
    fake(&g, alone, NULL, 2);
    coreclock_spread(&g, 0, &s);
    assert_true(s.moved);
    assert_string_equal(s.high_when, "start");
    assert_string_equal(s.low_when, "alu");
    assert_true(s.low_hz == 3.41e9 && s.high_hz == 3.62e9);
}

static void per_cpu_outlier(void **state)
{
    (void)state;
    struct coreclock_info g;
    struct coreclock_spread s;
    const double alone[] = {3.50, 3.50, 3.50};
    const double all[][NCPU] = {{3.30, 3.30}, {3.30, 3.10}, {3.30, 3.30}}; /* processor 1 at timer */
    fake(&g, alone, all, 2);
    coreclock_spread(&g, 0, &s);
    assert_true(s.moved);
    assert_int_equal(s.cpu, 1);
    assert_string_equal(s.low_when, "timer");
}

/* Processor 0 alone at a higher turbo bin than all at once, and a slower (hybrid) core: steady. */
static void bins_and_hybrid_are_not_movement(void **state)
{
    (void)state;
    struct coreclock_info g;
    struct coreclock_spread s;
    const double alone[] = {4.80, 4.79, 4.80};
    const double all[][NCPU] = {{4.20, 2.90}, {4.21, 2.90}, {4.20, 2.91}};
    fake(&g, alone, all, 2);
    coreclock_spread(&g, 0, &s);
    assert_false(s.moved);
    assert_true(s.spread < 0.004);
}

static void threshold_is_exclusive(void **state)
{
    (void)state;
    struct coreclock_info g;
    struct coreclock_spread s;
    const double at[] = {1.00, 1.02}, above[] = {1.00, 1.0201};
    fake(&g, at, NULL, 1);
    coreclock_spread(&g, 0, &s);
    assert_false(s.moved);
    fake(&g, above, NULL, 1);
    coreclock_spread(&g, 0, &s);
    assert_true(s.moved);
}

/* Compared from a later measurement (after pstate=max): the start does not count; a missing
 * (zero) value is skipped; one measurement alone has no spread. */
static void from_and_missing(void **state)
{
    (void)state;
    struct coreclock_info g;
    struct coreclock_spread s;
    const double alone[] = {2.00, 3.50, 3.51, 0};
    fake(&g, alone, NULL, 3);
    coreclock_spread(&g, 0, &s);
    assert_true(s.moved);
    coreclock_spread(&g, 1, &s);
    assert_false(s.moved);
    assert_int_equal(s.compared, 3);
    assert_true(s.spread > 0.0028 && s.spread < 0.0029);
    const double one[] = {3.0};
    fake(&g, one, NULL, 0);
    coreclock_spread(&g, 0, &s);
    assert_false(s.moved);
    assert_true(s.spread == 0);
}

/* The longest note (the pstate mark, a large run index) fits env.degraded's 200 characters. */
static void note_fits(void **state)
{
    (void)state;
    struct coreclock_spread s = {.spread = 0.123, .moved = 1, .cpu = 511, .low_hz = 1.234e9,
                                 .high_hz = 10.5e9, .low_when = CORECLOCK_PSTATE_MARK,
                                 .high_when = "vmcost"};
    char buf[200];
    coreclock_moved_note(&s, buf, sizeof buf);
    assert_true(strlen(buf) < sizeof buf - 1);
    assert_non_null(strstr(buf, "moved 12.3% (run index 511, all at once: 1.234 GHz at after pstate=max"));
    assert_non_null(strstr(buf, "hold only when measured"));
}

/* coreclock_finish on the live structure: a note and moved:true in env.clock iff moved. */
static void finish_notes_and_writes(void **state)
{
    (void)state;
    const double steady_alone[] = {3.50, 3.51, 3.50}, moved_alone[] = {3.43, 3.62, 3.41};
    for (int moved = 0; moved <= 1; moved++) {
        degraded_reset();
        fake(&g_coreclock, moved ? moved_alone : steady_alone, NULL, 2);
        coreclock_finish();
        assert_int_equal(g_coreclock.spread.moved, moved);
        assert_int_equal(degraded_count(), moved);
        if (moved) {
            assert_string_equal(degraded_what(0), "core_clock");
            assert_non_null(strstr(degraded_text(0), "moved 6.2% (processor 0 alone: 3.410 GHz at alu, "
                                                     "3.620 GHz at timer; limit 2%)"));
        }
        struct json j;
        json_init(&j, 0);
        json_obj_begin(&j);
        coreclock_write_json(&j);
        json_obj_end(&j);
        assert_false(j.failed);
        json_error_t err;
        json_t *root = json_loadb(j.buf, j.len, 0, &err);
        assert_non_null(root);
        json_t *c = json_object_get(root, "clock");
        assert_true(json_is_boolean(json_object_get(c, "moved")));
        assert_int_equal(json_is_true(json_object_get(c, "moved")), moved);
        assert_true(json_number_value(json_object_get(c, "moved_threshold")) == CORECLOCK_MOVED_FRACTION);
        assert_string_equal(json_string_value(json_object_get(c, "compared_from")), "start");
        json_t *of = json_object_get(c, "spread_of");
        assert_string_equal(json_string_value(json_object_get(of, "series")), "alone");
        if (moved) {
            assert_string_equal(json_string_value(json_object_get(json_object_get(of, "low"), "when")), "alu");
            assert_true(json_number_value(json_object_get(json_object_get(of, "high"), "hz")) == 3.62e9);
        }
        json_decref(root);
        json_free(&j);
    }
    memset(&g_coreclock, 0, sizeof g_coreclock);
    degraded_reset();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(steady),
        cmocka_unit_test(moved_up),
        cmocka_unit_test(moved_down),
        cmocka_unit_test(per_cpu_outlier),
        cmocka_unit_test(bins_and_hybrid_are_not_movement),
        cmocka_unit_test(threshold_is_exclusive),
        cmocka_unit_test(from_and_missing),
        cmocka_unit_test(note_fits),
        cmocka_unit_test(finish_notes_and_writes),
    };
    return cmocka_run_group_tests_name("coreclock", tests, NULL, NULL);
}
