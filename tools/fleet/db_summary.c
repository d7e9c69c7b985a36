/* db_summary.c - `barebench-db summary`: per test, the distribution of the machines' figures
 * in each group (n, median, quartiles and IQR, min, max). */
#include "tools/fleet/db_query.h"
#include "tools/fleet/db_group.h"
#include "tools/fleet/db_stats.h"

static const char *const heads[] = {"suite", "test", "params", "unit", "better", "group",
                                    "n", "median", "q1", "q3", "iqr", "min", "max"};

int fleet_summary_table(const struct fleet_set *s, const struct fleet_args *a, struct fleet_out *o)
{
    (void)a;
    fleet_out_init(o, (int)(sizeof heads / sizeof *heads), heads);
    for (int i = 0; i < s->ntests; i++) {
        const struct fleet_test *t = &s->tests[i];
        struct fleet_groups g;
        if (fleet_groups_of(s, t, &g) < 0)
            return -1;
        for (int k = 0; k < g.ngroups; k++) {
            int from = g.start[k], n = g.start[k + 1] - from;
            struct fleet_dist d;
            fleet_dist(g.val + from, n, &d);
            fleet_out_str(o, t->suite);
            fleet_out_str(o, t->test);
            fleet_out_str(o, t->params);
            fleet_out_str(o, t->unit);
            fleet_out_str(o, t->better);
            fleet_out_str(o, s->runs[t->run[g.idx[from]]].group);
            fleet_out_num(o, d.n, 10);
            fleet_out_num(o, d.median, 6);
            fleet_out_num(o, d.q1, 6);
            fleet_out_num(o, d.q3, 6);
            fleet_out_num(o, d.q3 - d.q1, 6);
            fleet_out_num(o, d.min, 6);
            fleet_out_num(o, d.max, 6);
        }
        fleet_groups_free(&g);
    }
    return 0;
}
