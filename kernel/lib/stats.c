/* stats.c - the statistics every benchmark result reports (min/median/max/mean/stddev/spread). */
#include "kernel/lib/stats.h"

void stats_sort(double *v, int n)
{
    for (int i = 1; i < n; i++) {
        double x = v[i];
        int k = i - 1;
        while (k >= 0 && v[k] > x) {
            v[k + 1] = v[k];
            k--;
        }
        v[k + 1] = x;
    }
}

double stats_sqrt(double x)
{
    if (!(x > 0))
        return 0;
    double r = x >= 1 ? x : 1;
    for (int i = 0; i < 200; i++) {
        double nr = 0.5 * (r + x / r);
        if (nr == r)
            break;
        r = nr;
    }
    return r;
}

double stats_median(const double *v, int n)
{
    double tmp[4096];
    if (n <= 0)
        return 0;
    if (n > 4096)
        n = 4096;
    for (int i = 0; i < n; i++)
        tmp[i] = v[i];
    stats_sort(tmp, n);
    return n % 2 ? tmp[n / 2] : 0.5 * (tmp[n / 2 - 1] + tmp[n / 2]);
}

void stats_compute(const double *s, int n, struct stats *o)
{
    o->n = n;
    if (n <= 0) {
        o->min = o->median = o->max = o->mean = o->stddev = o->spread_pct = o->cv_pct = 0;
        return;
    }
    double sum = 0;
    o->min = o->max = s[0];
    for (int i = 0; i < n; i++) {
        sum += s[i];
        if (s[i] < o->min) o->min = s[i];
        if (s[i] > o->max) o->max = s[i];
    }
    o->mean = sum / n;
    double var = 0;
    for (int i = 0; i < n; i++)
        var += (s[i] - o->mean) * (s[i] - o->mean);
    o->stddev = n > 1 ? stats_sqrt(var / (n - 1)) : 0;
    o->median = stats_median(s, n);
    o->spread_pct = o->median != 0 ? 100.0 * (o->max - o->min) / o->median : 0;
    if (o->spread_pct < 0) o->spread_pct = -o->spread_pct;
    o->cv_pct = o->mean != 0 ? 100.0 * o->stddev / o->mean : 0;
    if (o->cv_pct < 0) o->cv_pct = -o->cv_pct;
}
