/* clock.h - the TSC clock every measurement uses: fenced reads, calibration against the
 * host's reference clock (ACPI PM timer on UEFI), cross-checks against CPUID frequency leaves. */
#ifndef BB_CLOCK_H
#define BB_CLOCK_H

#include "arch/cpu.h"

#include <stdint.h>

struct cpu_info;
struct ref_clock;
struct json;

/** TSC read ordered after all earlier instructions (start of an interval). */
static inline uint64_t clock_ticks(void)
{
    return arch_ticks_fenced();
}

#define CLOCK_MAX_CHECKS 6

struct clock_check {
    const char *name; /* "cpuid-0x15", "hypervisor-0x40000010", "cpuid-0x16-base", ... */
    double hz;
    double diff_ppm;  /* (hz - calibrated) / calibrated * 1e6 */
};

struct clock_info {
    double hz;                 /* TSC ticks per second used for every conversion */
    const char *source;        /* "tsc" */
    const char *calibrated_by; /* "acpi-pm", "clock_monotonic_raw", "cpuid-0x15", ... */
    double ref_hz;             /* nominal rate of the reference */
    int rounds;                /* calibration rounds of >= interval_ms each */
    double interval_ms;
    double spread_ppm;         /* max-min of the rounds, relative */
    int invariant;             /* CPUID 0x80000007 EDX[8] */
    double read_cost_ticks;    /* one fenced TSC read, median */
    struct clock_check checks[CLOCK_MAX_CHECKS];
    int nchecks;
    double max_disagreement_ppm; /* largest |diff| among the cross-checks */
    int ref_ok;                /* the reference clock calibrated the TSC and still counts */
};

extern struct clock_info g_clock;

/** Calibrate g_clock; returns 0, or -1 if no usable source was found (hz then stays 0). */
int clock_calibrate(const struct cpu_info *cpu);
/** Measure TSC ticks over an interval of the reference clock of at least `ref_ticks_min`;
 *  returns the ratio TSC-ticks per second (interrupts off during the interval), or 0 when the
 *  reference stopped (every wait bounded by the TSC, see kernel/run/bounds.h). */
double clock_measure_hz(uint64_t ref_ticks_min);
/** The reference clock when it calibrated the TSC (passed its checks), else NULL. */
const struct ref_clock *clock_reference(void);
static inline double clock_seconds(uint64_t ticks) { return (double)ticks / g_clock.hz; }
void clock_write_json(struct json *j);

#endif
