/* mp_run.h - running a function on several processors through a firmware MP service, with every
 * wait bounded: processors that never check in are recorded and left out of later runs, a
 * firmware without non-blocking mode gets a blocking fallback, NOT_READY is retried. */
#ifndef BB_MP_RUN_H
#define BB_MP_RUN_H

#include "kernel/platform.h"

#include <stdint.h>

#define MP_MAX_CPUS 512

enum mp_status { MP_OK = 0, MP_UNSUPPORTED, MP_NOT_READY, MP_TIMEOUT, MP_ERROR };

/** The firmware's MP service behind function pointers (boot/uefi_mp.c; fakes in tests).  The
 *  entry the firmware runs on an AP must call mp_ap_entry(arg). */
struct mp_ops {
    void *ctx;
    /* start the entry on processor `proc` without waiting (its completion: ap_done) */
    int (*start_ap)(void *ctx, int proc, void *arg, uint64_t timeout_us);
    int (*ap_done)(void *ctx, int proc);   /* 1 once its entry returned */
    void (*ap_release)(void *ctx, int proc); /* after ap_done: free what start_ap made */
    /* start the entry on every AP and wait until all returned or timeout_us passed */
    int (*start_all_blocking)(void *ctx, void *arg, uint64_t timeout_us);
    void (*stall_us)(uint64_t us);
    uint64_t (*now_us)(void);              /* monotonic (TSC), callable on any processor */
    void (*ap_prepare)(void);              /* per-AP setup (SIMD state); may be NULL */
    /* the calling AP's run index under a cpus= selection: -1 not selected, -2 no selection
     * (indices then go in arrival order); may be NULL */
    int (*ap_slot)(void);
};

struct mp_state {
    int naps;                 /* application processors the firmware reports enabled */
    int ap[MP_MAX_CPUS];      /* their processor numbers */
    char left_out[MP_MAX_CPUS]; /* 1: never checked in or never finished: not used again */
    int blocking;             /* 1: firmware refused non-blocking starts (BSP does not take part) */
    int lost_running;         /* processors abandoned while inside fn: they may still write to
                               * the run's argument, which must then never be freed or reused */
};

/** Processors a run may use now: the caller plus the APs not left out (blocking mode: the APs). */
int mp_usable(const struct mp_state *m);

/** 1 when processor number `proc` was left out (it never checked in or never finished). */
int mp_left_out(const struct mp_state *m, int proc);

/** Run fn(arg, i), i = 0..n-1, on n processors at once (non-blocking mode: i = 0 is the caller).
 *  Returns 0 when every call returned; -1 when the run could not be made (fn then ran nowhere
 *  or was abandoned) -- mp_usable() may then be lower, and the reason is in env.degraded. */
int mp_run(struct mp_state *m, const struct mp_ops *o, int n, plat_cpu_fn fn, void *arg);

/** What the firmware runs on each AP, with the argument it was given. */
void mp_ap_entry(void *arg);

#endif
