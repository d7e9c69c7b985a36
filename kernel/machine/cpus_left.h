/* cpus_left.h - after a multi-processor run failed because processors were left out (one that
 * never checked in or never finished, kernel/machine/mp_run.c): what remains, so the run that first met
 * the missing processor is made again on the others instead of failing. */
#ifndef BB_CPUS_LEFT_H
#define BB_CPUS_LEFT_H

#include "kernel/platform.h"

#include <stddef.h>

/** After plat_run_on_cpus(want, ...) failed: drops left-out processors from the cpus= selection
 *  (g_topo.sel, re-applied with plat_cpu_select) and returns how many run indices a retry can
 *  use (at most want, at least 1), or 0 when nothing was left out (a retry cannot help).
 *  `which` (may be NULL) gets the left-out processor numbers, e.g. "2" or "2,5". */
int cpus_after_loss(int want, char *which, size_t len);

/** plat_run_on_cpus(*n, fn, arg), made once more on the remaining processors when it failed
 *  because processors were left out; *n is then the count it ran on.  Returns 0 or negative. */
int cpus_run(int *n, plat_cpu_fn fn, void *arg);

#endif
