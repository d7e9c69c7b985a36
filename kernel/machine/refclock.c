/* refclock.c - is the reference clock counting, and at the right rate?  Checked against the
 * host's Stall with every wait bounded by the TSC (see kernel/run/bounds.h). */
#include "kernel/machine/refclock.h"
#include "kernel/run/bounds.h"
#include "kernel/lib/fmt.h"

#include <string.h>

int refclock_edge(uint64_t (*read)(void), uint64_t (*ticks)(void), uint64_t max_ticks,
                  uint64_t *out)
{
    uint64_t a = read(), t0 = ticks();
    for (unsigned i = 1;; i++) {
        uint64_t b = read();
        if (b != a) {
            *out = b;
            return 1;
        }
        /* the TSC only every 64 reads: the edge is seen as soon as it comes */
        if (!(i & 63) && ticks() - t0 > max_ticks)
            return 0;
    }
}

int refclock_check(const char *name, const struct refclock_probe *p, struct refclock_verdict *v)
{
    memset(v, 0, sizeof *v);
    uint64_t edge;
    uint64_t edge_ticks = (uint64_t)(BB_TSC_HZ_MAX * BB_REF_EDGE_TIMEOUT_S);
    if (!refclock_edge(p->read, p->ticks, edge_ticks, &edge)) {
        bb_snprintf(v->why, sizeof v->why, "%s does not count (no change in %.0f ms or more)",
                    name, BB_REF_EDGE_TIMEOUT_S * 1000);
        return 0;
    }
    double nominal = p->hz * BB_REF_CHECK_STALL_US / 1e6;
    double best = -1, best_tsc = 0;
    for (int i = 0; i < BB_REF_CHECK_TRIES; i++) {
        uint64_t irq = p->irq_save ? p->irq_save() : 0;
        uint64_t r0 = p->read(), t0 = p->ticks();
        p->stall_us(BB_REF_CHECK_STALL_US);
        uint64_t r1 = p->read(), t1 = p->ticks();
        if (p->irq_restore)
            p->irq_restore(irq);
        double ratio = (double)((r1 - r0) & p->mask) / nominal;
        /* Stall overshoots (load, preemption, SMIs), it does not undershoot: keep the try
         * closest to 1 from above, or the largest below 1 */
        double dist = ratio >= 1 ? ratio - 1 : (1 - ratio) * 4;
        double bdist = best >= 1 ? best - 1 : (1 - best) * 4;
        if (best < 0 || dist < bdist) {
            best = ratio;
            best_tsc = (double)(t1 - t0) * 1e6 / BB_REF_CHECK_STALL_US;
        }
        if (best >= BB_REF_CHECK_MIN_RATIO && best <= BB_REF_CHECK_MAX_RATIO)
            break;
    }
    v->ratio = best;
    v->ticks_per_ms = best * nominal * 1000.0 / BB_REF_CHECK_STALL_US;
    v->tsc_hz_rough = best_tsc;
    if (best < BB_REF_CHECK_MIN_RATIO || best > BB_REF_CHECK_MAX_RATIO) {
        bb_snprintf(v->why, sizeof v->why,
                    "%s counted %.0f ticks per ms of firmware Stall, expected %.0f", name,
                    v->ticks_per_ms, p->hz / 1000.0);
        return 0;
    }
    v->ok = 1;
    return 1;
}
