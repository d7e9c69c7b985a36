/* benchcmp_summary.c - the study's table before the full one: per suite (and for disk per
 * operation and block-size class), for each environment against the baseline, the median
 * overhead, how many tests are outside run-to-run noise and the worst three tests. */
#include "tools/benchcmp/benchcmp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void bc_row_group(const struct bc_row *r, char *op, size_t opn, char *bs, size_t bsn)
{
    const struct bc_entry *e = r->first;
    const char *o = json_string_value(json_object_get(e->params, "op"));
    json_t *b = json_object_get(e->params, "block_size");
    op[0] = bs[0] = '\0';
    if (!o || !json_is_number(b))
        return;
    double v = json_number_value(b);
    snprintf(op, opn, "%s", o);
    snprintf(bs, bsn, "%s", v < BC_BS_SMALL ? "small" : v < BC_BS_LARGE ? "medium" : "large");
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int class_rank(const char *c)
{
    return !strcmp(c, "small") ? 0 : !strcmp(c, "medium") ? 1 : 2;
}

/* Groups in table order, a suite's disk groups by op then block-size class. */
static int cmp_group(const struct bc_sum_group *a, const struct bc_sum_group *b, int ra, int rb)
{
    if (ra != rb)
        return ra - rb;
    int c = strcmp(a->op, b->op);
    return c ? c : class_rank(a->bs_class) - class_rank(b->bs_class);
}

static int group_of(struct bc_summary *s, const char *suite, const char *op, const char *bs)
{
    for (int g = 0; g < s->ng; g++)
        if (!strcmp(s->g[g].suite, suite) && !strcmp(s->g[g].op, op) && !strcmp(s->g[g].bs_class, bs))
            return g;
    return -1;
}

int bc_summarize(const struct bc_table *t, struct bc_summary *s)
{
    memset(s, 0, sizeof *s);
    s->npools = t->npools;
    s->g = calloc((size_t)(t->nrows ? t->nrows : 1), sizeof *s->g);
    int *grp = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof *grp);
    int *rank = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof *rank);
    double *v = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof *v);
    if (!s->g || !grp || !rank || !v)
        goto err;
    for (int i = 0; i < t->nrows; i++) {
        char op[16], bs[16];
        const char *suite = t->rows[i].first->suite;
        bc_row_group(&t->rows[i], op, sizeof op, bs, sizeof bs);
        int g = group_of(s, suite, op, bs);
        if (g < 0) {
            struct bc_sum_group *ng = &s->g[g = s->ng++];
            snprintf(ng->suite, sizeof ng->suite, "%s", suite);
            snprintf(ng->op, sizeof ng->op, "%s", op);
            snprintf(ng->bs_class, sizeof ng->bs_class, "%s", bs);
            if (op[0])
                snprintf(ng->name, sizeof ng->name, "%.31s %.15s %s", suite, op,
                         !strcmp(bs, "small") ? "<64K" : !strcmp(bs, "medium") ? "64K..<1M" : ">=1M");
            else
                snprintf(ng->name, sizeof ng->name, "%s", suite);
            rank[g] = g; /* the suite's first group's position */
            for (int k = 0; k < g; k++)
                if (!strcmp(s->g[k].suite, suite)) {
                    rank[g] = rank[k];
                    break;
                }
            if (!(ng->c = calloc((size_t)t->npools, sizeof *ng->c)))
                goto err;
        }
        grp[i] = g;
        s->g[g].nrows++;
    }
    for (int g = 0; g < s->ng; g++)
        for (int p = 1; p < t->npools; p++) {
            struct bc_sum_cell *c = &s->g[g].c[p];
            for (int i = 0; i < t->nrows; i++) {
                const struct bc_cell *x = &t->rows[i].c[p];
                if (grp[i] != g || isnan(x->overhead_pct))
                    continue;
                v[c->n++] = x->overhead_pct;
                c->outside_noise += x->noise == BC_DIFFERENT;
                int at = c->nworst < BC_WORST ? c->nworst++ : BC_WORST;
                while (at > 0 && t->rows[c->worst[at - 1]].c[p].overhead_pct < x->overhead_pct) {
                    if (at < BC_WORST)
                        c->worst[at] = c->worst[at - 1];
                    at--;
                }
                if (at < BC_WORST)
                    c->worst[at] = i;
            }
            qsort(v, (size_t)c->n, sizeof *v, cmp_double);
            c->median_overhead_pct = !c->n ? NAN : c->n % 2 ? v[c->n / 2] : (v[c->n / 2 - 1] + v[c->n / 2]) / 2;
        }
    /* insertion sort of the groups (few) into reading order */
    for (int g = 1; g < s->ng; g++)
        for (int k = g; k > 0 && cmp_group(&s->g[k - 1], &s->g[k], rank[k - 1], rank[k]) > 0; k--) {
            struct bc_sum_group tg = s->g[k];
            s->g[k] = s->g[k - 1];
            s->g[k - 1] = tg;
            int tr = rank[k];
            rank[k] = rank[k - 1];
            rank[k - 1] = tr;
        }
    free(grp);
    free(rank);
    free(v);
    return 0;
err:
    free(grp);
    free(rank);
    free(v);
    bc_summary_free(s);
    return -1;
}

void bc_summary_free(struct bc_summary *s)
{
    for (int g = 0; s->g && g < s->ng; g++)
        free(s->g[g].c);
    free(s->g);
    memset(s, 0, sizeof *s);
}
