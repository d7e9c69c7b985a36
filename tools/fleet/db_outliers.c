/* db_outliers.c - `barebench-db outliers`: per test, the machines whose figure is far from
 * their group's: robust z = 0.6745 (x - median) / MAD at least --threshold (3.5, Iglewicz and
 * Hoaglin's cut) and at least --min-pct away from the median; worst first, with run and file. */
#include "tools/fleet/db_query.h"
#include "tools/fleet/db_group.h"
#include "tools/fleet/db_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const heads[] = {"suite", "test", "params", "unit", "group", "machine", "z",
                                    "value", "group_median", "diff_pct", "verdict", "n",
                                    "run_id", "file"};

struct flagged {
    int run;
    double z, value, median, diff_pct;
    int n;
};

static int cmp_flagged(const void *a, const void *b)
{
    double x = fabs(((const struct flagged *)a)->z), y = fabs(((const struct flagged *)b)->z);
    return (x < y) - (x > y); /* largest |z| first */
}

/* the flagged machines of one test into f (room for t->n); returns how many, -1 on memory */
static int judge(const struct fleet_set *s, const struct fleet_test *t, const struct fleet_args *a,
                 struct flagged *f)
{
    struct fleet_groups g;
    if (fleet_groups_of(s, t, &g) < 0)
        return -1;
    int nf = 0;
    for (int k = 0; k < g.ngroups; k++) {
        int from = g.start[k], n = g.start[k + 1] - from;
        struct fleet_spread sp;
        if (n < a->min_n)
            continue;
        if (fleet_spread(g.val + from, n, &sp) < 0) {
            fleet_groups_free(&g);
            return -1;
        }
        for (int i = from; i < from + n; i++) {
            double z = fleet_z(&sp, g.val[i]);
            double pct = sp.median != 0 ? (g.val[i] - sp.median) / fabs(sp.median) * 100 : INFINITY;
            if (fabs(z) >= a->threshold && fabs(pct) >= a->min_pct)
                f[nf++] = (struct flagged){t->run[g.idx[i]], z, g.val[i], sp.median, pct, n};
        }
    }
    fleet_groups_free(&g);
    qsort(f, (size_t)nf, sizeof *f, cmp_flagged);
    return nf;
}

int fleet_outliers_table(const struct fleet_set *s, const struct fleet_args *a, struct fleet_out *o)
{
    fleet_out_init(o, (int)(sizeof heads / sizeof *heads), heads);
    for (int i = 0; i < s->ntests; i++) {
        const struct fleet_test *t = &s->tests[i];
        struct flagged *f = malloc((size_t)(t->n + 1) * sizeof *f);
        int nf = f ? judge(s, t, a, f) : -1;
        if (nf < 0) {
            free(f);
            return -1;
        }
        int higher = !strcmp(t->better, "higher"), lower = !strcmp(t->better, "lower");
        for (int j = 0; j < nf; j++) {
            const struct fleet_run *r = &s->runs[f[j].run];
            fleet_out_str(o, t->suite);
            fleet_out_str(o, t->test);
            fleet_out_str(o, t->params);
            fleet_out_str(o, t->unit);
            fleet_out_str(o, r->group);
            fleet_out_str(o, r->label);
            fleet_out_num(o, f[j].z, 3);
            fleet_out_num(o, f[j].value, 6);
            fleet_out_num(o, f[j].median, 6);
            fleet_out_num(o, f[j].diff_pct, 3);
            /* slow: the figure is worse than the group's, given which way is better */
            int worse = (higher && f[j].z < 0) || (lower && f[j].z > 0);
            fleet_out_str(o, higher || lower ? (worse ? "slow" : "fast") : "different");
            fleet_out_num(o, f[j].n, 10);
            fleet_out_str(o, r->run_id);
            fleet_out_str(o, r->file);
        }
        free(f);
    }
    return 0;
}
