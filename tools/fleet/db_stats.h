/* db_stats.h - the statistics of the fleet questions (barebench-db summary / outliers): a
 * distribution over machines (n, median, quartiles, min, max) and the robust z of each machine
 * from its group's median and median absolute deviation. */
#ifndef BB_DB_STATS_H
#define BB_DB_STATS_H

struct fleet_dist {
    int n;
    double min, q1, median, q3, max; /* quartiles by linear interpolation (R's type 7) */
};

/** Quantile p (0..1) of n sorted values by linear interpolation between closest ranks
 *  (R type 7, numpy's default): v[(n-1)p] interpolated.  n >= 1. */
double fleet_quantile(const double *sorted, int n, double p);
/** Sort n values ascending in place. */
void fleet_sort(double *v, int n);
/** The distribution of n values (n >= 1); sorts v in place. */
void fleet_dist(double *v, int n, struct fleet_dist *d);

/* Robust z (Iglewicz and Hoaglin's modified z score): 0.6745 (x - median) / MAD; when the MAD
 * is 0 (more than half the machines agree exactly), (x - median) / (1.253314 meanAD) instead. */
#define FLEET_Z_MAD 0.6745
#define FLEET_Z_MEANAD 1.253314
struct fleet_spread {
    double median, mad, meanad;
    double scale; /* divisor of (x - median) giving z; 0: every value equal, no z */
};

/** The group's centre and spread from n values (n >= 1); v is left as it was. */
int fleet_spread(const double *v, int n, struct fleet_spread *s);
/** z of x in the group (0 when the group has no spread). */
double fleet_z(const struct fleet_spread *s, double x);

#endif
