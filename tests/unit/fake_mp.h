/* fake_mp.h - a firmware MP service for unit tests: real threads play the APs, and the fake can
 * answer NOT_READY or UNSUPPORTED, or hold an AP back (never arrives / never completes).  Its
 * clock runs 100x faster than real time, so each bound of kernel/run/bounds.h costs milliseconds. */
#ifndef FAKE_MP_H
#define FAKE_MP_H

#include "kernel/machine/mp_run.h"

#define FAKE_MP_NAPS 3 /* APs of the fake machine: processors 1..3, processor 0 is the caller */

struct fake_mp {
    int not_ready_left;      /* next start calls answer NOT_READY this many times (-1: always) */
    int unsupported;         /* non-blocking starts answer UNSUPPORTED */
    int never_arrive;        /* processor number that accepts a start but never runs (-1 none) */
    int never_complete;      /* processor number whose completion is never signalled (-1 none) */
    int starts;              /* start calls answered so far */
    volatile int done[8];
};

extern struct fake_mp fake_mp;
extern const struct mp_ops fake_mp_ops;

/* A fresh fake (nothing held back, every start answered OK) and a fresh mp_state of
 * FAKE_MP_NAPS APs in *st. */
void fake_mp_reset(struct mp_state *st);

#endif
