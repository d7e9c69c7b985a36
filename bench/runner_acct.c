/* runner_acct.c - side figures of every runner entry (see runner_acct.h): core clock, core
 * cycles per operation, stolen time, outliers by median absolute deviation. */
#include "bench/runner_acct.h"
#include "bench/runner.h"
#include "kernel/machine/clock.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"
#include "kernel/lib/stats.h"

#include <string.h>

double runacct_cycles(double *cyc, const double *core_hz, int n)
{
    if (n <= 0 || !(g_clock.hz > 0))
        return 0;
    double med = stats_median(core_hz, n);
    if (!(med > 0))
        return 0;
    /* one clock for all samples: a single short reading the OS interrupted would read low */
    for (int i = 0; i < n; i++)
        cyc[i] *= med / g_clock.hz;
    return med;
}

int runacct_outliers(const double *v, int n, const char *better)
{
    if (n < 3)
        return 0;
    double *d = plat_alloc((size_t)n * sizeof *d);
    if (!d)
        return 0;
    double med = stats_median(v, n);
    for (int i = 0; i < n; i++)
        d[i] = v[i] > med ? v[i] - med : med - v[i];
    double mad = stats_median(d, n);
    plat_free(d);
    int lower_better = better && !strcmp(better, "lower"), k = 0;
    for (int i = 0; i < n; i++)
        k += lower_better ? v[i] > med + 5 * mad : v[i] < med - 5 * mad;
    return mad > 0 ? k : 0;
}

void runacct_extras(struct result *r, const struct bench_spec *s, const double *v, int n,
                    const struct run_acct *a)
{
    if (!r)
        return;
    if (a->core_hz && a->ncore > 0) {
        double med = stats_median(a->core_hz, a->ncore);
        if (med > 0)
            result_extra(r, "core_ghz", med / 1e9);
        double ap = a->aperf ? stats_median(a->aperf, a->ncore) : 0;
        if (ap > 0)
            result_extra(r, "aperf_mperf", ap);
    }
    if (a->steal) {
        result_extra(r, "steal_ns", (double)a->steal_ns);
        result_extra(r, "stolen_samples", a->stolen_samples);
        result_extra(r, "steal_redone", a->steal_redone);
    }
    result_extra(r, "outliers", runacct_outliers(v, n, s->better));
}
