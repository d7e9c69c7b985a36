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
    return !c[0] ? -1 : !strcmp(c, "small") ? 0 : !strcmp(c, "medium") ? 1 : 2;
}

/* A row on its way into a group. */
struct member {
    int row, suite_rank;
    const char *suite;
    char op[16], bs[16];
};

static int cmp_suite(const void *pa, const void *pb)
{
    const struct member *a = pa, *b = pb;
    int c = strcmp(a->suite, b->suite);
    return c ? c : a->row - b->row;
}

/* Reading order: the suite's first row, then op, then block-size class; rows as they come. */
static int cmp_member(const void *pa, const void *pb)
{
    const struct member *a = pa, *b = pb;
    int c = a->suite_rank - b->suite_rank;
    if (!c)
        c = strcmp(a->op, b->op);
    if (!c)
        c = class_rank(a->bs) - class_rank(b->bs);
    return c ? c : a->row - b->row;
}

static int same_group(const struct member *a, const struct member *b)
{
    return !strcmp(a->suite, b->suite) && !strcmp(a->op, b->op) && !strcmp(a->bs, b->bs);
}

/* Group g's figures for pool p: the rows of the group are m[0..n-1]. */
static void fill_sum_cell(const struct bc_table *t, const struct member *m, int n, int p,
                          struct bc_sum_cell *c, double *v)
{
    for (int k = 0; k < n; k++) {
        int i = m[k].row;
        const struct bc_cell *x = &t->rows[i].c[p];
        if (isnan(x->overhead_pct))
            continue;
        v[c->n++] = x->overhead_pct;
        c->outside_noise += x->noise == BC_DIFFERENT;
        if (!(x->overhead_pct > 0)) /* the worst are rows worse than the baseline, never better */
            continue;
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

int bc_summarize(const struct bc_table *t, struct bc_summary *s)
{
    memset(s, 0, sizeof *s);
    s->npools = t->npools;
    size_t n = (size_t)(t->nrows ? t->nrows : 1);
    struct member *m = calloc(n, sizeof *m);
    double *v = malloc(n * sizeof *v);
    s->g = calloc(n, sizeof *s->g);
    if (!m || !v || !s->g)
        goto err;
    for (int i = 0; i < t->nrows; i++) {
        m[i].row = i;
        m[i].suite = t->rows[i].first->suite;
        bc_row_group(&t->rows[i], m[i].op, sizeof m[i].op, m[i].bs, sizeof m[i].bs);
    }
    /* a suite's rank is its first row */
    qsort(m, (size_t)t->nrows, sizeof *m, cmp_suite);
    for (int i = 0; i < t->nrows; i++)
        m[i].suite_rank = i && !strcmp(m[i].suite, m[i - 1].suite) ? m[i - 1].suite_rank : m[i].row;
    qsort(m, (size_t)t->nrows, sizeof *m, cmp_member);
    for (int i = 0, start = 0; i < t->nrows; i++) {
        if (i + 1 < t->nrows && same_group(&m[i], &m[i + 1]))
            continue;
        struct bc_sum_group *g = &s->g[s->ng++];
        const struct member *f = &m[start];
        snprintf(g->suite, sizeof g->suite, "%s", f->suite);
        snprintf(g->op, sizeof g->op, "%s", f->op);
        snprintf(g->bs_class, sizeof g->bs_class, "%s", f->bs);
        if (f->op[0])
            snprintf(g->name, sizeof g->name, "%.31s %.15s %s", f->suite, f->op,
                     !strcmp(f->bs, "small") ? "<64K" : !strcmp(f->bs, "medium") ? "64K..<1M" : ">=1M");
        else
            snprintf(g->name, sizeof g->name, "%s", f->suite);
        g->nrows = i + 1 - start;
        if (!(g->c = calloc((size_t)t->npools, sizeof *g->c)))
            goto err;
        for (int p = 1; p < t->npools; p++)
            fill_sum_cell(t, f, g->nrows, p, &g->c[p], v);
        start = i + 1;
    }
    free(m);
    free(v);
    return 0;
err:
    free(m);
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
