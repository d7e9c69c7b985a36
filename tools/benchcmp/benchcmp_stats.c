/* benchcmp_stats.c - the Mann-Whitney U test used to decide whether two environments differ
 * beyond run-to-run noise: exact distribution for small samples, normal approximation above. */
#include "tools/benchcmp/benchcmp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EXACT_MAX 20 /* exact distribution when both samples have at most this many values */

struct ranked {
    double v;
    int side;
};

static int cmp_ranked(const void *a, const void *b)
{
    double x = ((const struct ranked *)a)->v, y = ((const struct ranked *)b)->v;
    return (x > y) - (x < y);
}

/* Number of arrangements of m x's and n y's with U = u, for every u in 0..m*n, into cnt
 * (the classic recurrence f(m,n,u) = f(m-1,n,u-n) + f(m,n-1,u), over a rolling table). */
static int exact_counts(int m, int n, double *cnt)
{
    int umax = m * n;
    /* f[i][j][u] for the current i; rows j=0..n, each umax+1 wide */
    size_t w = (size_t)umax + 1;
    double *prev = calloc((size_t)(n + 1) * w, sizeof(double));
    double *cur = calloc((size_t)(n + 1) * w, sizeof(double));
    if (!prev || !cur) {
        free(prev);
        free(cur);
        return -1;
    }
    for (int j = 0; j <= n; j++)
        prev[(size_t)j * w] = 1; /* i = 0: U = 0 only */
    for (int i = 1; i <= m; i++) {
        memset(cur, 0, (size_t)(n + 1) * w * sizeof(double));
        cur[0] = 1; /* j = 0 */
        for (int j = 1; j <= n; j++)
            for (int u = 0; u <= i * j; u++) {
                double a = u - j >= 0 ? prev[(size_t)j * w + (size_t)(u - j)] : 0;
                double b = cur[(size_t)(j - 1) * w + (size_t)u];
                cur[(size_t)j * w + (size_t)u] = a + b;
            }
        double *t = prev;
        prev = cur;
        cur = t;
    }
    memcpy(cnt, prev + (size_t)n * w, w * sizeof(double));
    free(prev);
    free(cur);
    return 0;
}

double bc_mann_whitney_p(const double *a, int na, const double *b, int nb)
{
    if (na <= 0 || nb <= 0)
        return 1.0;
    int N = na + nb;
    struct ranked *r = malloc((size_t)N * sizeof *r);
    if (!r)
        return 1.0;
    for (int i = 0; i < na; i++)
        r[i] = (struct ranked){a[i], 0};
    for (int i = 0; i < nb; i++)
        r[na + i] = (struct ranked){b[i], 1};
    qsort(r, (size_t)N, sizeof *r, cmp_ranked);
    /* mid-ranks for ties; rank sum of a; tie correction term */
    double ra = 0, ties = 0;
    int has_ties = 0;
    for (int i = 0; i < N;) {
        int j = i;
        while (j + 1 < N && r[j + 1].v == r[i].v)
            j++;
        double mid = (i + j) / 2.0 + 1.0;
        double t = j - i + 1;
        if (t > 1) {
            has_ties = 1;
            ties += t * t * t - t;
        }
        for (int k = i; k <= j; k++)
            if (r[k].side == 0)
                ra += mid;
        i = j + 1;
    }
    free(r);
    double u = ra - na * (na + 1) / 2.0; /* U of a */
    double mu = na * (double)nb / 2.0;
    double umin = u < mu ? u : 2 * mu - u;
    if (na <= EXACT_MAX && nb <= EXACT_MAX && !has_ties) {
        double cnt[EXACT_MAX * EXACT_MAX + 1], total = 0, tail = 0;
        if (exact_counts(na, nb, cnt) == 0) {
            for (int k = 0; k <= na * nb; k++) {
                total += cnt[k];
                if (k <= umin + 1e-9)
                    tail += cnt[k];
            }
            double p = 2 * tail / total;
            return p > 1 ? 1 : p;
        }
    }
    /* normal approximation with tie and continuity corrections (also used with ties) */
    double var = na * (double)nb / 12.0 * ((N + 1) - ties / ((double)N * (N - 1)));
    if (!(var > 0))
        return 1.0; /* every value the same: no evidence of a difference */
    double z = (mu - umin - 0.5) / sqrt(var);
    if (z < 0)
        z = 0;
    double p = erfc(z / sqrt(2.0));
    return p > 1 ? 1 : p;
}
