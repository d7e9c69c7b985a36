/* coreclock.h - the effective core clock, measured: a chain of dependent register adds (one
 * core cycle each on every x86 core) timed with the TSC; APERF/MPERF where readable.  The
 * fastest of several short windows is kept: an interrupted window only reads slower. */
#ifndef BB_CORECLOCK_H
#define BB_CORECLOCK_H

#include <stdint.h>

struct json;
struct cpu_info;

#define CORECLOCK_MAX_MARKS 16

struct coreclock_info {
    double core_hz;          /* processor 0 alone at the start of the run */
    double *per_cpu_hz;      /* every selected processor at once, at the start; n entries */
    int n;
    int aperf;               /* APERF/MPERF readable (probed on processor 0) */
    const char *aperf_why;   /* why not */
    double aperf_ratio;      /* APERF/MPERF delta ratio over the start measurement, 0 = none */
    struct { const char *when; double hz; double *per_cpu; } marks[CORECLOCK_MAX_MARKS];
                             /* suite starts: processor 0 alone, then all n at once */
    int nmarks;
    double pstate_after_hz;  /* after pstate=max was applied, 0 = not applied */
};

extern struct coreclock_info g_coreclock;

/** Cycles of the add chain run on this processor for about `seconds` (TSC-timed): returns
 *  the core clock in Hz; *ratio gets APERF/MPERF over the window when readable, else 0. */
double coreclock_measure(double seconds, double *ratio);
/** Best of three 50 us windows on this processor (the runner's after-sample reading). */
double coreclock_quick(double *ratio);
/** Core clock at the start of the run: probe APERF/MPERF on processor 0, measure it alone,
 *  then every one of the first `n` run indices at once. */
void coreclock_start(const struct cpu_info *c, int n);
/** Measure processor 0 alone, then every selected processor at once, and keep both under
 *  `when` (e.g. the suite's name); returns processor 0's clock. */
double coreclock_mark(const char *when);
/** Writes "clock" into the open env object. */
void coreclock_write_json(struct json *j);

#endif
