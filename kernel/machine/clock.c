/* clock.c - calibration of the counter arch/cpu.h reads (x86: the TSC): several rounds against
 * the reference clock (>= 50 ms each, interrupts off), median taken; then every rate the CPU or
 * a hypervisor states (arch_counter_rates) is compared with it. */
#include "kernel/machine/clock.h"
#include "kernel/run/bounds.h"
#include "kernel/run/degraded.h"
#include "kernel/machine/refclock.h"
#include "arch/cpu.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"
#include "kernel/lib/stats.h"

#include <string.h>

struct clock_info g_clock;

#define CAL_ROUNDS 5
#define CAL_MS 50.0

double clock_measure_hz(uint64_t ref_min)
{
    const struct ref_clock *rc = plat_ref_clock();
    if (!rc)
        return 0;
    /* bounds in TSC ticks at the fastest plausible TSC: a reference that stops costs a few
     * times the interval, never forever */
    uint64_t edge_max = (uint64_t)(BB_TSC_HZ_MAX * BB_REF_EDGE_TIMEOUT_S);
    uint64_t span_max = (uint64_t)(BB_TSC_HZ_MAX * BB_REF_INTERVAL_SLACK * (double)ref_min / rc->hz);
    uint64_t irq = plat_irq_save();
    uint64_t r0;
    if (!refclock_edge(rc->read, clock_ticks, edge_max, &r0)) {
        plat_irq_restore(irq);
        return 0;
    }
    uint64_t t0 = clock_ticks();
    uint64_t r1, dr;
    unsigned i = 0;
    do {
        r1 = rc->read();
        dr = (r1 - r0) & rc->mask;
        /* the bound checked every 64 reads, so the end is seen right after the reference's */
        if (!(++i & 63) && clock_ticks() - t0 > span_max) {
            plat_irq_restore(irq);
            return 0;
        }
    } while (dr < ref_min);
    uint64_t t1 = clock_ticks();
    plat_irq_restore(irq);
    return (double)(t1 - t0) * rc->hz / (double)dr;
}

const struct ref_clock *clock_reference(void)
{
    return g_clock.ref_ok ? plat_ref_clock() : NULL;
}

static void add_check(const char *name, double hz)
{
    if (hz <= 0 || g_clock.nchecks >= CLOCK_MAX_CHECKS)
        return;
    struct clock_check *c = &g_clock.checks[g_clock.nchecks++];
    c->name = name;
    c->hz = hz;
    c->diff_ppm = g_clock.hz > 0 ? (hz - g_clock.hz) / g_clock.hz * 1e6 : 0;
    double a = c->diff_ppm < 0 ? -c->diff_ppm : c->diff_ppm;
    if (a > g_clock.max_disagreement_ppm)
        g_clock.max_disagreement_ppm = a;
}

/* TSC rate measured over a host Stall() of `us` microseconds (coarse, but always there). */
static double stall_hz(uint64_t us)
{
    uint64_t t0 = clock_ticks();
    plat_stall_us(us);
    uint64_t t1 = clock_ticks();
    return (double)(t1 - t0) * 1e6 / (double)us;
}

int clock_calibrate(const struct cpu_info *cpu)
{
    memset(&g_clock, 0, sizeof g_clock);
    g_clock.source = ARCH_COUNTER_NAME;
    g_clock.invariant = arch_counter_invariant(cpu);
    const struct ref_clock *rc = plat_ref_clock();
    struct arch_rate rates[ARCH_MAX_RATES];
    int nrates = arch_counter_rates(cpu, rates);
    const struct arch_rate *stated = NULL; /* the best stated rate that may calibrate */
    for (int i = 0; i < nrates; i++)
        if (rates[i].fallback > 0 && rates[i].hz > 0 &&
            (!stated || rates[i].fallback < stated->fallback))
            stated = &rates[i];

    const char *rejected = plat_ref_clock_rejected();
    if (rejected)
        degraded_note("clock", "%s", rejected);
    int from_ref = 0;
    if (rc) {
        double r[CAL_ROUNDS];
        uint64_t need = (uint64_t)(rc->hz * CAL_MS / 1000.0);
        int i = 0;
        for (; i < CAL_ROUNDS && (r[i] = clock_measure_hz(need)) > 0; i++)
            ;
        if (i == CAL_ROUNDS) {
            struct stats st;
            stats_compute(r, CAL_ROUNDS, &st);
            g_clock.hz = st.median;
            g_clock.calibrated_by = rc->name;
            g_clock.ref_hz = rc->hz;
            g_clock.rounds = CAL_ROUNDS;
            g_clock.interval_ms = CAL_MS;
            g_clock.spread_ppm = st.median > 0 ? (st.max - st.min) / st.median * 1e6 : 0;
            g_clock.ref_ok = 1;
            from_ref = 1;
        } else {
            degraded_note("clock", "%s stopped counting during calibration round %d; not used",
                          rc->name, i + 1);
        }
    }
    /* no usable reference: the hypervisor's or the CPU's word, else firmware Stall */
    if (!from_ref && stated) {
        g_clock.hz = stated->hz;
        g_clock.calibrated_by = stated->name;
    } else if (!from_ref) {
        double r[3];
        for (int i = 0; i < 3; i++)
            r[i] = stall_hz(50000);
        g_clock.hz = stats_median(r, 3);
        g_clock.calibrated_by = "firmware-stall";
        g_clock.rounds = 3;
        g_clock.interval_ms = 50;
    }
    if (!from_ref && (rc || rejected))
        degraded_note("clock", "%s calibrated by %s instead of a reference clock",
                      ARCH_COUNTER_LABEL, g_clock.calibrated_by);
    if (!(g_clock.hz > 0))
        return -1;

    for (int i = 0; i < nrates; i++)
        add_check(rates[i].name, rates[i].hz);
    add_check("host-stall-50ms", stall_hz(50000));

    /* cost of one fenced read, median of 7 batches of 1000 */
    double c[7];
    for (int k = 0; k < 7; k++) {
        uint64_t irq = plat_irq_save();
        uint64_t a = clock_ticks();
        for (int i = 0; i < 1000; i++)
            (void)clock_ticks();
        uint64_t b = clock_ticks();
        plat_irq_restore(irq);
        c[k] = (double)(b - a) / 1001.0;
    }
    g_clock.read_cost_ticks = stats_median(c, 7);
    return 0;
}

void clock_write_json(struct json *j)
{
    json_key(j, "timer");
    json_obj_begin(j);
    json_kv_str(j, "source", g_clock.source);
    json_kv_num(j, "hz", g_clock.hz);
    json_kv_str(j, "calibrated_by", g_clock.calibrated_by);
    if (g_clock.ref_hz > 0)
        json_kv_num(j, "reference_hz", g_clock.ref_hz);
    const char *rej = plat_ref_clock_rejected();
    if (rej)
        json_kv_str(j, "reference_rejected", rej);
    json_kv_int(j, "rounds", g_clock.rounds);
    json_kv_num(j, "interval_ms", g_clock.interval_ms);
    json_kv_num(j, "spread_ppm", g_clock.spread_ppm);
    json_kv_bool(j, "invariant", g_clock.invariant);
    json_kv_num(j, "read_cost_ticks", g_clock.read_cost_ticks);
    json_kv_num(j, "max_disagreement_ppm", g_clock.max_disagreement_ppm);
    json_key(j, "cross_checks");
    json_arr_begin(j);
    for (int i = 0; i < g_clock.nchecks; i++) {
        json_obj_begin(j);
        json_kv_str(j, "source", g_clock.checks[i].name);
        json_kv_num(j, "hz", g_clock.checks[i].hz);
        json_kv_num(j, "diff_ppm", g_clock.checks[i].diff_ppm);
        json_obj_end(j);
    }
    json_arr_end(j);
    json_obj_end(j);
}
