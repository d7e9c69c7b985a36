/* runner_acct.h - what the runner records beside each entry's samples: the core clock around
 * the samples (and cycles per operation in core cycles), stolen time, outliers. */
#ifndef BB_RUNNER_ACCT_H
#define BB_RUNNER_ACCT_H

#include <stdint.h>

struct result;
struct bench_spec;

struct run_acct {
    double *core_hz;    /* core clock measured after each kept sample (ncore entries) */
    double *aperf;      /* APERF/MPERF over that window, 0 when unreadable */
    int ncore;
    int steal;          /* stolen time was readable */
    uint64_t steal_ns;  /* stolen during the kept samples, all processors */
    int stolen_samples; /* kept samples still above the limit after the retries */
    int steal_redone;   /* samples measured again because of stolen time */
};

/** Turn TSC ticks per op in cyc[0..n-1] into core cycles per op with the median of the core
 *  clock readings taken after each sample; returns it, or 0 (cyc unchanged) when unknown. */
double runacct_cycles(double *cyc, const double *core_hz, int n);
/** Samples slower than the median by more than 5 median absolute deviations, by direction
 *  ("higher" is better: below median - 5 MAD; "lower": above median + 5 MAD). */
int runacct_outliers(const double *v, int n, const char *better);
/** Adds core_ghz, aperf_mperf, steal_ns, stolen_samples, steal_redone, outliers. */
void runacct_extras(struct result *r, const struct bench_spec *s, const double *v, int n,
                    const struct run_acct *a);

#endif
