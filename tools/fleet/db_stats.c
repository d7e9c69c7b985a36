/* db_stats.c - quartiles over machines, and the robust z (median / MAD) that names the
 * machines far from their group: the arithmetic behind barebench-db summary and outliers. */
#include "tools/fleet/db_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void fleet_sort(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
}

double fleet_quantile(const double *sorted, int n, double p)
{
    double h = (n - 1) * p;
    int lo = (int)floor(h);
    if (lo >= n - 1)
        return sorted[n - 1];
    return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

void fleet_dist(double *v, int n, struct fleet_dist *d)
{
    fleet_sort(v, n);
    d->n = n;
    d->min = v[0];
    d->max = v[n - 1];
    d->q1 = fleet_quantile(v, n, 0.25);
    d->median = fleet_quantile(v, n, 0.5);
    d->q3 = fleet_quantile(v, n, 0.75);
}

int fleet_spread(const double *v, int n, struct fleet_spread *s)
{
    double *w = malloc((size_t)n * sizeof *w);
    if (!w)
        return -1;
    memcpy(w, v, (size_t)n * sizeof *w);
    fleet_sort(w, n);
    s->median = fleet_quantile(w, n, 0.5);
    double sum = 0;
    for (int i = 0; i < n; i++) {
        w[i] = fabs(v[i] - s->median);
        sum += w[i];
    }
    fleet_sort(w, n);
    s->mad = fleet_quantile(w, n, 0.5);
    s->meanad = sum / n;
    free(w);
    if (s->mad > 0)
        s->scale = s->mad / FLEET_Z_MAD;
    else
        s->scale = s->meanad * FLEET_Z_MEANAD;
    return 0;
}

double fleet_z(const struct fleet_spread *s, double x)
{
    return s->scale > 0 ? (x - s->median) / s->scale : 0;
}
