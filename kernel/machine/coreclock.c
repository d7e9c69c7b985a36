/* coreclock.c - effective core clock from a chain of dependent adds timed by the counter
 * arch/cpu.h reads (see coreclock.h); the architecture's part (the add chain, a cycle-ratio pair
 * such as x86's APERF/MPERF read plainly only after a trap-safe probe on processor 0 worked) is
 * kernel/<arch>/coreclock_arch.c behind kernel/machine/coreclock_arch.h. */
#include "kernel/machine/cpus_left.h"
#include "kernel/machine/coreclock.h"
#include "kernel/machine/coreclock_arch.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"
#include "arch/cpu.h"

#include <string.h>

struct coreclock_info g_coreclock;

double coreclock_measure(double seconds, double *ratio)
{
    *ratio = 0;
    if (!(g_clock.hz > 0))
        return 0;
    double want = seconds * g_clock.hz;
    uint64_t blocks = 16, t0 = 0, t1 = 0, a0 = 0, a1 = 0, m0 = 0, m1 = 0;
    int aperf = g_coreclock.aperf;
    for (int guard = 0; guard < 40; guard++) {
        uint64_t irq = plat_irq_save();
        if (aperf)
            coreclock_arch_ratio_read(&a0, &m0);
        t0 = clock_ticks();
        (void)coreclock_arch_add_chain(blocks);
        t1 = clock_ticks();
        if (aperf)
            coreclock_arch_ratio_read(&a1, &m1);
        plat_irq_restore(irq);
        if ((double)(t1 - t0) >= want)
            break;
        double grow = (double)(t1 - t0) > want / 64 ? want / (double)(t1 - t0) * 1.05 : 8;
        blocks = (uint64_t)((double)blocks * grow) + 1;
    }
    if (aperf && m1 > m0)
        *ratio = (double)(a1 - a0) / (double)(m1 - m0);
    return (double)blocks * CORECLOCK_ADDS_PER_BLOCK * g_clock.hz / (double)(t1 - t0 ? t1 - t0 : 1);
}

/* Best of at least `rounds` short windows: a window the OS or a hypervisor interrupted only
 * reads slower (the TSC runs on), so the fastest is the one closest to the core's clock.  More
 * windows follow (up to 10x) until a second one confirms the best within 1%. */
static double best_hz(double seconds, int rounds, double *ratio)
{
    double best = 0, r;
    int confirmed = 0;
    *ratio = 0;
    for (int i = 0; i < rounds * 10 && (i < rounds || !confirmed); i++) {
        double hz = coreclock_measure(seconds, &r);
        if (hz > best) {
            confirmed = best > 0 && hz < best * 1.01;
            best = hz;
            *ratio = r;
        } else if (hz > best * 0.99) {
            confirmed = 1;
        }
    }
    return best;
}

double coreclock_quick(double *ratio)
{
    return best_hz(0.00005, 3, ratio);
}

static void all_worker(void *arg, int cpu)
{
    double ratio;
    ((double *)arg)[cpu] = best_hz(0.0002, 25, &ratio);
}

void coreclock_start(const struct cpu_info *c, int n)
{
    plat_free(g_coreclock.per_cpu_hz);
    for (int i = 0; i < g_coreclock.nmarks; i++)
        plat_free(g_coreclock.marks[i].per_cpu);
    memset(&g_coreclock, 0, sizeof g_coreclock);
    g_coreclock.aperf = coreclock_arch_ratio_probe(c, &g_coreclock.aperf_why);
    g_coreclock.core_hz = best_hz(0.0002, 25, &g_coreclock.aperf_ratio);
    g_coreclock.per_cpu_hz = plat_alloc((size_t)(n > 0 ? n : 1) * sizeof(double));
    if (g_coreclock.per_cpu_hz && n > 1 && cpus_run(&n, all_worker, g_coreclock.per_cpu_hz) == 0)
        g_coreclock.n = n;
    else if (g_coreclock.per_cpu_hz) {
        g_coreclock.per_cpu_hz[0] = g_coreclock.core_hz;
        g_coreclock.n = 1;
    }
}

double coreclock_mark(const char *when)
{
    double ratio;
    double hz = best_hz(0.0002, 25, &ratio);
    if (g_coreclock.nmarks < CORECLOCK_MAX_MARKS) {
        int n = g_coreclock.n;
        double *all = n > 1 ? plat_alloc((size_t)n * sizeof *all) : NULL;
        int lost = plat_cpu_lost_running();
        if (all && cpus_run(&n, all_worker, all) != 0) {
            if (plat_cpu_lost_running() == lost) /* else a left-out processor may still write it */
                plat_free(all);
            all = NULL;
        }
        g_coreclock.marks[g_coreclock.nmarks].when = when;
        g_coreclock.marks[g_coreclock.nmarks].per_cpu = all;
        if (all && n < g_coreclock.n) /* processors left out: later marks read the others */
            for (int i = n; i < g_coreclock.n; i++)
                all[i] = __builtin_nan(""); /* null in the document */
        g_coreclock.marks[g_coreclock.nmarks++].hz = hz;
    }
    return hz;
}

static void when_hz(struct json *j, const char *key, const char *when, double hz)
{
    json_key(j, key);
    json_obj_begin(j);
    json_kv_str(j, "when", when ? when : "?");
    json_kv_num(j, "hz", hz);
    json_obj_end(j);
}

/* moved, moved_threshold, spread, spread_of, compared_from (see coreclock_finish). */
static void spread_write_json(struct json *j, const struct coreclock_info *g)
{
    const struct coreclock_spread *s = &g->spread;
    if (!g->finished)
        return;
    json_kv_bool(j, "moved", s->moved);
    json_kv_num(j, "moved_threshold", CORECLOCK_MOVED_FRACTION);
    json_kv_num(j, "spread", s->spread);
    if (s->spread > 0) {
        json_key(j, "spread_of");
        json_obj_begin(j);
        json_kv_str(j, "series", s->cpu < 0 ? "alone" : "all");
        if (s->cpu >= 0)
            json_kv_int(j, "run_index", s->cpu);
        when_hz(j, "low", s->low_when, s->low_hz);
        when_hz(j, "high", s->high_when, s->high_hz);
        json_obj_end(j);
    }
    json_kv_str(j, "compared_from", s->first == 0 ? "start" : g->marks[s->first - 1].when);
    json_kv_int(j, "compared", s->compared);
}

void coreclock_write_json(struct json *j)
{
    const struct coreclock_info *g = &g_coreclock;
    json_key(j, "clock");
    json_obj_begin(j);
    json_kv_str(j, "method", "dependent 64-bit register add chain (1 core cycle per add), " ARCH_COUNTER_LABEL "-timed");
    json_kv_num(j, "core_hz", g->core_hz);
    json_kv_num(j, "tsc_hz", g_clock.hz);
    json_kv_num(j, "core_per_tsc", g_clock.hz > 0 ? g->core_hz / g_clock.hz : 0);
    json_key(j, "all_core_hz");
    json_arr_begin(j);
    for (int i = 0; i < g->n; i++)
        json_num(j, g->per_cpu_hz[i]);
    json_arr_end(j);
    json_key(j, "measurements");
    json_arr_begin(j);
    json_obj_begin(j);
    json_kv_str(j, "when", "start");
    json_kv_num(j, "hz", g->core_hz);
    if (g->n > 1) { /* = all_core_hz above: every measurement carries its own */
        json_key(j, "all_core_hz");
        json_arr_begin(j);
        for (int k = 0; k < g->n; k++)
            json_num(j, g->per_cpu_hz[k]);
        json_arr_end(j);
    }
    json_obj_end(j);
    for (int i = 0; i < g->nmarks; i++) {
        json_obj_begin(j);
        json_kv_str(j, "when", g->marks[i].when);
        json_kv_num(j, "hz", g->marks[i].hz);
        if (g->marks[i].per_cpu) {
            json_key(j, "all_core_hz");
            json_arr_begin(j);
            for (int k = 0; k < g->n; k++)
                json_num(j, g->marks[i].per_cpu[k]);
            json_arr_end(j);
        }
        json_obj_end(j);
    }
    json_arr_end(j);
    spread_write_json(j, g);
    json_kv_bool(j, "aperf_mperf", g->aperf);
    if (g->aperf)
        json_kv_num(j, "aperf_mperf_ratio", g->aperf_ratio);
    else
        json_kv_str(j, "aperf_mperf_why", g->aperf_why ? g->aperf_why : "unknown");
    if (g->pstate_after_hz > 0)
        json_kv_num(j, "core_hz_after_pstate", g->pstate_after_hz);
    json_obj_end(j);
}
