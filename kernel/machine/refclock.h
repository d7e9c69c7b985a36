/* refclock.h - the sanity check a reference clock must pass before the TSC is calibrated
 * against it: it counts at all, and about at its nominal rate against the host's own Stall. */
#ifndef BB_REFCLOCK_H
#define BB_REFCLOCK_H

#include <stdint.h>

/** What the check needs, behind function pointers so tests can fake each of them. */
struct refclock_probe {
    uint64_t (*read)(void);        /* the reference counter */
    uint64_t mask;                 /* counter width: wraps at mask+1 */
    double hz;                     /* its nominal rate */
    void (*stall_us)(uint64_t us); /* the host's busy-wait (UEFI Stall) */
    uint64_t (*ticks)(void);       /* TSC */
    uint64_t (*irq_save)(void);    /* interrupts off around each try (NULL: leave them) */
    void (*irq_restore)(uint64_t);
};

struct refclock_verdict {
    int ok;                /* 1: usable */
    double ratio;          /* counted / nominal over the best Stall (1.0 = exact) */
    double ticks_per_ms;   /* what it counted per ms of Stall (ACPI PM: ~3580) */
    double tsc_hz_rough;   /* TSC ticks per second of Stall (0 if unknown) */
    char why[160];         /* when not ok: what was seen */
};

/** Check `name`: first that it moves at all within BB_REF_EDGE_TIMEOUT_S (bounded by the TSC,
 *  so a dead counter costs milliseconds and Stall is never called on it: firmware Stall may
 *  itself spin on that counter); then that over BB_REF_CHECK_STALL_US of Stall it advances
 *  between BB_REF_CHECK_MIN_RATIO and _MAX_RATIO times its nominal count (up to
 *  BB_REF_CHECK_TRIES tries, the first in range wins: a loaded host makes Stall overshoot, it
 *  never undershoots).  Returns v->ok. */
int refclock_check(const char *name, const struct refclock_probe *p, struct refclock_verdict *v);

/** Wait for the counter to change, bounded: at most `max_ticks` TSC ticks.  Returns 1 with the
 *  new value in *out, or 0 on timeout. */
int refclock_edge(uint64_t (*read)(void), uint64_t (*ticks)(void), uint64_t max_ticks,
                  uint64_t *out);

#endif
