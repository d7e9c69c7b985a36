/* db_group.c - splits one test's figures by the machines' group (see db_group.h). */
#include "tools/fleet/db_group.h"

#include <stdlib.h>
#include <string.h>

/* qsort has no context argument: the set and test being sorted (one thread) */
static const struct fleet_set *sort_set;
static const struct fleet_test *sort_test;

static int cmp_pos(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    int gi = sort_set->runs[sort_test->run[i]].grank, gj = sort_set->runs[sort_test->run[j]].grank;
    if (gi != gj)
        return (gi > gj) - (gi < gj);
    double x = sort_test->val[i], y = sort_test->val[j];
    return (x > y) - (x < y);
}

int fleet_groups_of(const struct fleet_set *s, const struct fleet_test *t, struct fleet_groups *g)
{
    memset(g, 0, sizeof *g);
    g->n = t->n;
    g->idx = malloc((size_t)(t->n + 1) * sizeof *g->idx);
    g->val = malloc((size_t)(t->n + 1) * sizeof *g->val);
    g->start = malloc((size_t)(t->n + 2) * sizeof *g->start);
    if (!g->idx || !g->val || !g->start) {
        fleet_groups_free(g);
        return -1;
    }
    for (int i = 0; i < t->n; i++)
        g->idx[i] = i;
    sort_set = s;
    sort_test = t;
    qsort(g->idx, (size_t)t->n, sizeof *g->idx, cmp_pos);
    for (int i = 0; i < t->n; i++) {
        g->val[i] = t->val[g->idx[i]];
        if (i == 0 || s->runs[t->run[g->idx[i]]].grank != s->runs[t->run[g->idx[i - 1]]].grank)
            g->start[g->ngroups++] = i;
    }
    g->start[g->ngroups] = t->n;
    return 0;
}

void fleet_groups_free(struct fleet_groups *g)
{
    free(g->idx), free(g->val), free(g->start);
    memset(g, 0, sizeof *g);
}
