/* coreclock.h - the effective core clock, measured: a chain of dependent register adds (one
 * core cycle each on every x86 core) timed with the TSC; APERF/MPERF where readable.  The
 * fastest of several short windows is kept: an interrupted window only reads slower. */
#ifndef BB_CORECLOCK_H
#define BB_CORECLOCK_H

#include <stddef.h>
#include <stdint.h>

struct json;
struct cpu_info;

#define CORECLOCK_MAX_MARKS 16
/* The mark taken right after pstate=max is applied (app/app.c) */
#define CORECLOCK_PSTATE_MARK "after pstate=max"

/* The core clock "moved" during a run when two measurements of one series (processor 0 alone,
 * or one processor while all run at once) are further apart than this fraction of the lower:
 * beyond it, figures taken at different moments of the run, or compared with another document's
 * clock, may differ by the clock alone.  2% is also benchcmp's tolerance between two documents'
 * core clocks (tools/benchcmp/benchcmp_env.c), so a run that did not move is steadier than that. */
#define CORECLOCK_MOVED_FRACTION 0.02

/* How far apart the run's measurements are, per series; the series that moved most is kept.
 * Series are compared with themselves over time only: processor 0 alone runs at a higher turbo
 * bin than all processors at once, and hybrid parts have slower cores, neither of which moves. */
struct coreclock_spread {
    double spread;           /* (high - low) / low; 0 when no series has two measurements */
    int moved;               /* spread > CORECLOCK_MOVED_FRACTION */
    int cpu;                 /* the series: -1 = processor 0 alone, k = run index k of all at once */
    double low_hz, high_hz;
    const char *low_when, *high_when;
    int first;               /* measurements compared from: 0 = start, i + 1 = marks[i] */
    int compared;            /* measurements (start and marks) compared */
};

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
    struct coreclock_spread spread; /* set by coreclock_finish */
    int finished;
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
/** The spread of `g`'s measurements from measurement `first` on (0 = start, i + 1 = marks[i]):
 *  pure, on recorded values (unit tests give it fake ones). */
void coreclock_spread(const struct coreclock_info *g, int first, struct coreclock_spread *out);
/** After the last suite: the run's spread (from the pstate=max mark on when pstate=max wrote
 *  the frequency policy), kept for the document; a moved clock is said on the console and
 *  noted in env.degraded ("core_clock"). */
void coreclock_finish(void);
/** The env.degraded note and console line for a moved clock, into buf. */
void coreclock_moved_note(const struct coreclock_spread *s, char *buf, size_t n);
/** Writes "clock" into the open env object. */
void coreclock_write_json(struct json *j);

#endif
