/* timer_skew.c - TSC offsets between processors (timer suite, test "tsc_offset").  CPU 0 and
 * CPU k exchange TSC readings through one cache line; from the round trip with the smallest
 * duration, k's offset is its reading minus the midpoint of CPU 0's two readings.  Under a
 * hypervisor, vCPU TSCs can differ; every all-core measurement depends on them agreeing. */
#include "arch/cpu.h"
#include "bench/runner.h"
#include "bench/timer_skew.h"
#include "kernel/machine/cpus_left.h"
#include "kernel/run/bounds.h"
#include "kernel/machine/clock.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"
#include "kernel/machine/topology.h"

#include <string.h>

#define ROUNDS 2000

struct skew {
    volatile int turn;           /* the CPU being measured, 0 when done */
    volatile int phase;          /* 1: ping sent by CPU 0, 2: pong sent by CPU k */
    volatile uint64_t remote;    /* CPU k's TSC when it saw the ping */
    int n;
    double *offset;              /* n entries: ticks, CPU k minus CPU 0 */
    double *rtt;                 /* n entries: ticks, smallest round trip */
    int failed;                  /* CPU `failed` did not answer within BB_BARRIER_TIMEOUT_S */
} __attribute__((aligned(64)));

static struct skew g_skew;

static void worker(void *arg, int cpu)
{
    struct skew *s = arg;
    uint64_t irq = plat_irq_save();
    if (cpu == 0) {
        uint64_t limit = (uint64_t)(g_clock.hz * BB_BARRIER_TIMEOUT_S);
        for (int k = 1; k < s->n && !s->failed; k++) {
            double best_rtt = 1e300, best_off = 0;
            __atomic_store_n(&s->turn, k, __ATOMIC_RELEASE);
            for (int r = 0; r < ROUNDS; r++) {
                uint64_t t0 = clock_ticks();
                __atomic_store_n(&s->phase, 1, __ATOMIC_RELEASE);
                while (__atomic_load_n(&s->phase, __ATOMIC_ACQUIRE) != 2 && !s->failed)
                    if (clock_ticks() - t0 > limit)
                        s->failed = k;
                    else
                        arch_relax();
                if (s->failed)
                    break;
                uint64_t t1 = clock_ticks();
                double rtt = (double)(t1 - t0);
                double off = (double)s->remote - ((double)t0 + (double)t1) / 2.0;
                __atomic_store_n(&s->phase, 0, __ATOMIC_RELEASE);
                if (rtt < best_rtt) {
                    best_rtt = rtt;
                    best_off = off;
                }
            }
            s->offset[k] = best_off;
            s->rtt[k] = best_rtt;
        }
        __atomic_store_n(&s->turn, -1, __ATOMIC_RELEASE);
    } else {
        for (;;) {
            int t = __atomic_load_n(&s->turn, __ATOMIC_ACQUIRE);
            if (t == -1)
                break;
            if (t != cpu) {
                arch_relax();
                continue;
            }
            if (__atomic_load_n(&s->phase, __ATOMIC_ACQUIRE) == 1) {
                s->remote = clock_ticks();
                __atomic_store_n(&s->phase, 2, __ATOMIC_RELEASE);
                while (__atomic_load_n(&s->phase, __ATOMIC_ACQUIRE) == 2 &&
                       __atomic_load_n(&s->turn, __ATOMIC_ACQUIRE) == cpu)
                    arch_relax();
            }
        }
    }
    plat_irq_restore(irq);
}

void timer_skew_run(struct bench_ctx *c)
{
    int n = c->ncpus;
    if (n < 2) {
        results_skip(c->res, "timer", "tsc_offset", "only one processor");
        return;
    }
    double worst[1000], rtt[1000];
    double *mem = plat_alloc((size_t)n * 3 * sizeof(double)); /* sized by the processor count */
    if (!mem) {
        results_error(c->res, "timer", "tsc_offset", "out of memory for %d processors", n);
        return;
    }
    double *per_cpu = mem, *offset = mem + n, *best_rtt = mem + 2 * n;
    int reps = c->reps > 1000 ? 1000 : c->reps, asked = n, retried = 0;
    for (int rep = 0; rep < reps; rep++) {
        memset(&g_skew, 0, sizeof g_skew);
        g_skew.n = n;
        g_skew.offset = offset;
        g_skew.rtt = best_rtt;
        int lost = plat_cpu_lost_running();
        if (plat_run_on_cpus(n, worker, &g_skew) != 0) {
            /* processors left out (recorded in env.degraded): once more without them, unless
             * one was lost while answering pings (it may still answer: no retry beside it) */
            int m = retried || plat_cpu_lost_running() != lost ? 0 : cpus_after_loss(n, NULL, 0);
            if (m >= 2) {
                retried = 1;
                n = m;
                rep--;
                continue;
            }
            if (m == 1) {
                results_skip(c->res, "timer", "tsc_offset", "only one processor left (the others "
                             "were left out: env.degraded)");
                plat_free(mem);
                return;
            }
            results_error(c->res, "timer", "tsc_offset", "could not start %d processors", n);
            plat_free(mem);
            return;
        }
        if (g_skew.failed) {
            results_error(c->res, "timer", "tsc_offset", "processor %d did not answer within %.0f s",
                          g_skew.failed, BB_BARRIER_TIMEOUT_S);
            plat_free(mem);
            return;
        }
        worst[rep] = 0;
        rtt[rep] = 0;
        for (int k = 1; k < n; k++) {
            double ns = g_skew.offset[k] / g_clock.hz * 1e9;
            double a = ns < 0 ? -ns : ns;
            if (a > worst[rep])
                worst[rep] = a;
            double r = g_skew.rtt[k] / g_clock.hz * 1e9;
            if (r > rtt[rep])
                rtt[rep] = r;
            if (rep == reps / 2)
                per_cpu[k] = ns; /* signed, from the middle repetition */
        }
    }
    struct result *r = results_add(c->res, "timer", "tsc_offset", "ns", "lower",
                                   "largest |" ARCH_COUNTER_LABEL " offset| of any processor against processor 0");
    if (r) {
        result_param_int(r, "threads", n);
        if (n < asked) {
            result_extra(r, "cpus_left_out", asked - n);
            result_extra(r, "threads_asked", asked);
        }
        result_set_samples(r, worst, reps);
        result_set_per_cpu(r, per_cpu, n);
    }
    plat_free(mem);
    if (!r)
        return;
    result_extra(r, "round_trip_ns", stats_median(rtt, reps));
    result_extra(r, "rounds_per_cpu", ROUNDS);
    result_extra(r, "smt", topo_smt_first(&g_topo, n));
}
