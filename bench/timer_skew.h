/* timer_skew.h - the TSC offset check between processors (part of the timer suite). */
#ifndef BB_TIMER_SKEW_H
#define BB_TIMER_SKEW_H

struct bench_ctx;

/** Adds timer/tsc_offset (or a skip when there is one processor). */
void timer_skew_run(struct bench_ctx *c);

#endif
