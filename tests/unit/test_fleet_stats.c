/* test_fleet_stats.c - barebench-db's arithmetic and tables (tools/fleet/db_stats.c, db_group.c,
 * db_set.c, db_out.c, db_outliers.c): type-7 quartiles against values computed by hand, the
 * robust z with and without a MAD, outliers on a small fleet (who is flagged, worst first, the
 * cut-offs), and the CSV/JSON forms of a table with hostile text and missing numbers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tools/fleet/db_query.h"
#include "tools/fleet/db_stats.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void quartiles(void **state)
{
    (void)state;
    double v[] = {7, 1, 3, 5}; /* sorted 1 3 5 7: q1 at 0.75 -> 2.5, median 4, q3 at 2.25 -> 5.5 */
    struct fleet_dist d;
    fleet_dist(v, 4, &d);
    assert_int_equal(d.n, 4);
    assert_true(d.min == 1 && d.max == 7);
    assert_true(fabs(d.q1 - 2.5) < 1e-12 && fabs(d.median - 4) < 1e-12 && fabs(d.q3 - 5.5) < 1e-12);
    double one[] = {42};
    fleet_dist(one, 1, &d);
    assert_true(d.q1 == 42 && d.median == 42 && d.q3 == 42);
}

static void robust_z(void **state)
{
    (void)state;
    /* median 10, |dev| 0 0 1 1 10 -> MAD 1: z of 20 = 0.6745 * 10 / 1 */
    double v[] = {10, 10, 9, 11, 20};
    struct fleet_spread s;
    assert_int_equal(fleet_spread(v, 5, &s), 0);
    assert_true(s.median == 10 && s.mad == 1);
    assert_true(fabs(fleet_z(&s, 20) - 6.745) < 1e-9);
    assert_true(v[4] == 20); /* left as it was */
    /* more than half agree exactly: MAD 0, the mean absolute deviation instead (12/5) */
    double w[] = {5, 5, 5, 5, 17};
    fleet_spread(w, 5, &s);
    assert_true(s.mad == 0 && fabs(s.meanad - 2.4) < 1e-12);
    assert_true(fabs(fleet_z(&s, 17) - 12 / (2.4 * FLEET_Z_MEANAD)) < 1e-9);
    double same[] = {3, 3, 3};
    fleet_spread(same, 3, &s);
    assert_true(s.scale == 0 && fleet_z(&s, 3) == 0);
}

/* a fleet of 12 machines in two tags; m3 (tag a) 40% slow, m9 (tag b) 20% slow, m5 3% fast */
static void fleet_of(struct fleet_set *s)
{
    fleet_set_init(s);
    for (int i = 0; i < 12; i++) {
        char id[16], m[16];
        snprintf(id, sizeof id, "run%d", i);
        snprintf(m, sizeof m, "m%d", i);
        int r = fleet_set_run(s, id, m, m, i < 6 ? "a" : "b", "f.json", 1000 + i);
        assert_int_equal(r, i);
        double x = 100 + ((i % 3) - 1) * 0.1; /* 99.9 100 100.1: MAD 0.1 */
        x = i == 3 ? 60 : i == 9 ? 80 : i == 5 ? 103 : x;
        assert_int_equal(fleet_set_value(s, r, "mem", "triad", "{}", "", "GB/s", "higher", x), 0);
        assert_int_equal(fleet_set_value(s, r, "mem", "latency", "{}", "", "ns", "lower", 200.0 / x * 100), 0);
    }
    fleet_set_sort(s);
}

static void outliers(void **state)
{
    (void)state;
    struct fleet_set s;
    struct fleet_out o;
    struct fleet_args a = {.threshold = 3.5, .min_pct = 5, .min_n = 5};
    fleet_of(&s);
    assert_int_equal(fleet_outliers_table(&s, &a, &o), 0);
    /* per test (latency, then triad): m3 then m9 (worst first); m5 is far out by z (about 20)
     * but only 3% off the median: not named */
    assert_int_equal(o.nrows, 4);
    const char *want[] = {"m3", "m9", "m3", "m9"};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(o.cells[i * o.ncols + 5].s, want[i]);
        assert_string_equal(o.cells[i * o.ncols + 10].s, "slow");
    }
    assert_string_equal(o.cells[1].s, "latency"); /* latency is higher when slow: still "slow" */
    fleet_out_free(&o);
    a.min_pct = 1; /* now m5's 3% counts: it is "fast" on triad and on latency, after m3 and m9 */
    fleet_outliers_table(&s, &a, &o);
    assert_int_equal(o.nrows, 6);
    assert_string_equal(o.cells[2 * o.ncols + 5].s, "m5"); /* z about 20, after 270 and 135 */
    assert_string_equal(o.cells[2 * o.ncols + 10].s, "fast");
    fleet_out_free(&o);
    a.min_n = 7; /* groups of 6: none judged */
    fleet_outliers_table(&s, &a, &o);
    assert_int_equal(o.nrows, 0);
    fleet_out_free(&o);
    fleet_set_free(&s);
}

static char *printed(const struct fleet_out *o, enum fleet_format f)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    assert_non_null(fp);
    assert_int_equal(fleet_out_print(fp, o, f, "title"), 0);
    fclose(fp);
    return buf;
}

static void table_forms(void **state)
{
    (void)state;
    static const char *const heads[] = {"name", "x"};
    struct fleet_out o;
    fleet_out_init(&o, 2, heads);
    fleet_out_str(&o, "=cmd|evil\x1b[2J");
    fleet_out_num(&o, 1.5, 6);
    fleet_out_str(&o, "plain");
    fleet_out_num(&o, NAN, 6);
    char *csv = printed(&o, FLEET_CSV);
    assert_string_equal(csv, "name,x\n\"'=cmd|evil\\x1b[2J\",1.5\nplain,\n");
    char *js = printed(&o, FLEET_JSON);
    json_error_t e;
    json_t *j = json_loads(js, 0, &e);
    assert_non_null(j);
    assert_int_equal(json_array_size(j), 2);
    assert_true(json_real_value(json_object_get(json_array_get(j, 0), "x")) == 1.5);
    assert_true(json_is_null(json_object_get(json_array_get(j, 1), "x")));
    char *txt = printed(&o, FLEET_TEXT);
    assert_non_null(strstr(txt, "title\nname"));
    assert_null(strchr(txt, '\x1b'));
    assert_non_null(strstr(txt, "plain             -\n"));
    free(csv), free(js), free(txt);
    json_decref(j);
    fleet_out_free(&o);
    assert_int_equal(fleet_format_parse("xml"), -1);
}

static void options(void **state)
{
    (void)state;
    struct fleet_args a;
    char err[256];
    char *ok[] = {"--by", "cpu", "--since", "2026-12-01", "--until", "2026-12-02T10:00", "--tag", "x",
                  "--all-runs", "--format", "json", "--threshold", "5"};
    assert_int_equal(fleet_args_parse(13, ok, FLEET_OPT_OUTLIERS, &a, err, sizeof err), 0);
    assert_true(a.by == FLEET_BY_CPU && a.since == 1796083200 && a.until == 1796169600 + 36000);
    assert_true(a.all_runs && a.ntags == 1 && a.format == FLEET_JSON && a.threshold == 5);
    char *bad1[] = {"--threshold", "5"}; /* only outliers takes it */
    assert_int_equal(fleet_args_parse(2, bad1, 0, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "--threshold"));
    char *bad2[] = {"--since", "2026-12-02", "--until", "2026-12-01"};
    assert_int_equal(fleet_args_parse(4, bad2, 0, &a, err, sizeof err), -1);
    char *bad3[] = {"--by"};
    assert_int_equal(fleet_args_parse(1, bad3, 0, &a, err, sizeof err), -1);
    assert_non_null(strstr(err, "missing value"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quartiles), cmocka_unit_test(robust_z), cmocka_unit_test(outliers),
        cmocka_unit_test(table_forms), cmocka_unit_test(options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
