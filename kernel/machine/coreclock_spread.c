/* coreclock_spread.c - did the core clock move during the run?  The spread of the recorded
 * measurements per series (pure), and the verdict the document and the console carry. */
#include "kernel/machine/coreclock.h"
#include "kernel/run/degraded.h"
#include "kernel/lib/fmt.h"
#include "kernel/machine/power.h"

#include <string.h>

/* Measurement i (0 = start, i + 1 = marks[i]) of series `cpu` (-1 = processor 0 alone), or 0
 * when that measurement has no value for it. */
static double value(const struct coreclock_info *g, int i, int cpu, const char **when)
{
    const double *all = i == 0 ? (g->n > 1 ? g->per_cpu_hz : NULL) : g->marks[i - 1].per_cpu;
    *when = i == 0 ? "start" : g->marks[i - 1].when;
    if (cpu < 0)
        return i == 0 ? g->core_hz : g->marks[i - 1].hz;
    return all && cpu < g->n ? all[cpu] : 0;
}

void coreclock_spread(const struct coreclock_info *g, int first, struct coreclock_spread *out)
{
    memset(out, 0, sizeof *out);
    out->cpu = -1;
    out->first = first;
    int last = g->nmarks; /* measurement indices first..last */
    out->compared = last >= first ? last - first + 1 : 0;
    for (int cpu = -1; cpu < g->n; cpu++) {
        double lo = 0, hi = 0;
        const char *lo_when = NULL, *hi_when = NULL, *when;
        int count = 0;
        for (int i = first; i <= last; i++) {
            double hz = value(g, i, cpu, &when);
            if (!(hz > 0))
                continue;
            if (!count || hz < lo) {
                lo = hz;
                lo_when = when;
            }
            if (!count || hz > hi) {
                hi = hz;
                hi_when = when;
            }
            count++;
        }
        if (count < 2 || (hi - lo) / lo <= out->spread)
            continue;
        out->spread = (hi - lo) / lo;
        out->cpu = cpu;
        out->low_hz = lo;
        out->high_hz = hi;
        out->low_when = lo_when;
        out->high_when = hi_when;
    }
    out->moved = out->spread > CORECLOCK_MOVED_FRACTION;
}

void coreclock_moved_note(const struct coreclock_spread *s, char *buf, size_t n)
{
    char series[40];
    if (s->cpu < 0)
        bb_snprintf(series, sizeof series, "processor 0 alone");
    else
        bb_snprintf(series, sizeof series, "run index %d, all at once", s->cpu);
    bb_snprintf(buf, n, "moved %.1f%% (%s: %.3f GHz at %s, %.3f GHz at %s; limit %.0f%%): figures "
                "were taken at a moving clock; core_hz, core_ghz, core cycles hold only when measured",
                s->spread * 100, series, s->low_hz / 1e9, s->low_when ? s->low_when : "?",
                s->high_hz / 1e9, s->high_when ? s->high_when : "?", CORECLOCK_MOVED_FRACTION * 100);
}

void coreclock_finish(void)
{
    struct coreclock_info *g = &g_coreclock;
    int first = 0;
    /* pstate=max changed the policy: what came before it is not the clock the figures ran at */
    for (int i = 0; i < g->nmarks && g->pstate_after_hz > 0 && power_written(); i++)
        if (g->marks[i].when && strcmp(g->marks[i].when, CORECLOCK_PSTATE_MARK) == 0) {
            first = i + 1;
            break;
        }
    coreclock_spread(g, first, &g->spread);
    g->finished = 1;
    if (!g->spread.moved)
        return;
    char note[200];
    coreclock_moved_note(&g->spread, note, sizeof note);
    degraded_note("core_clock", "%s", note);
    bb_printf("core clock: %s\n", note);
}
