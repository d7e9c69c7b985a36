/* stats.h - summary statistics of a sample set: min, median, max, mean, standard deviation. */
#ifndef BB_STATS_H
#define BB_STATS_H

struct stats {
    int n;
    double min, median, max, mean, stddev;
    double spread_pct; /* (max - min) / median, in percent */
    double cv_pct;     /* stddev / mean, in percent */
};

/** Summarise n samples (n >= 1); the input array is not modified. */
void stats_compute(const double *samples, int n, struct stats *out);
/** Sort a double array ascending in place (insertion sort: sample sets are small). */
void stats_sort(double *v, int n);
/** Median of n values (sorts a private copy of at most 4096 values). */
double stats_median(const double *v, int n);
/** Square root (Newton), usable without libm. */
double stats_sqrt(double x);

#endif
