/* runner.c - the measurement loop shared by all suites (see runner.h).  Data flow:
 * kernel -> ticks per sample -> rate or ns/op -> statistics -> one result entry. */
#include "arch/cpu.h"
#include "bench/runner.h"
#include "kernel/run/bounds.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"
#include "kernel/machine/coreclock.h"
#include "kernel/run/degraded.h"
#include "kernel/machine/cpus_left.h"
#include "kernel/machine/steal.h"
#include "kernel/machine/topology.h"
#include "bench/runner_acct.h"

#include <string.h>

#define MAX_REPS 1000
#define STEAL_LIMIT 0.01      /* an interval with more stolen than this fraction is redone */
#define MAX_STEAL_REDO 3      /* per sample */

volatile uint64_t bench_sink;

void bench_ctx_init(struct bench_ctx *c, const struct options *o, struct results *rs,
                    const struct identity *id)
{
    memset(c, 0, sizeof *c);
    c->opt = o;
    c->res = rs;
    c->id = id;
    c->reps = o->reps;
    static const double by_profile[] = {0.002, 0.02, 0.1};
    c->min_seconds = o->min_time_ms ? o->min_time_ms / 1000.0 : by_profile[o->profile];
    /* the cpus= selection (kernel/machine/topology.c), applied by the caller before */
    c->ncpus = g_topo.nsel > 0 ? g_topo.nsel : plat_cpu_count();
}

/* Ticks one call of fn(arg, iters) takes, interrupts off. */
static uint64_t time_once(bench_kernel_fn fn, void *arg, uint64_t iters, uint64_t *check)
{
    uint64_t irq = plat_irq_save();
    uint64_t t0 = clock_ticks();
    uint64_t v = fn(arg, iters);
    uint64_t t1 = clock_ticks();
    plat_irq_restore(irq);
    *check = v;
    bench_sink += v;
    return t1 - t0;
}

uint64_t bench_time_ticks(bench_kernel_fn fn, void *arg, uint64_t iters)
{
    uint64_t check;
    return time_once(fn, arg, iters, &check);
}

uint64_t bench_size_iters(bench_kernel_fn fn, void *arg, double seconds, uint64_t max_iters)
{
    uint64_t iters = 1, check;
    double want = seconds * g_clock.hz;
    for (int guard = 0; guard < 64; guard++) {
        uint64_t t = time_once(fn, arg, iters, &check);
        if ((double)t >= want || (max_iters && iters >= max_iters))
            break;
        /* jump close to the target once the interval is long enough to extrapolate from */
        uint64_t next = iters * 2;
        if (t > 100000 && (double)t * 4 > want / 64) {
            double est = (double)iters * want / (double)t * 1.1;
            if (est > (double)next)
                next = (uint64_t)est;
        }
        if (max_iters && next > max_iters)
            next = max_iters;
        iters = next;
    }
    return iters;
}

/* Turn one interval into the reported value and the cycles per unit of work. */
static void to_value(const struct bench_spec *s, uint64_t iters, uint64_t ticks, double *val,
                     double *cyc)
{
    double work = (double)iters * s->work_per_iter;
    double ops = work;
    double secs = clock_seconds(ticks ? ticks : 1);
    *cyc = (double)ticks / ops; /* TSC ticks per operation; finish() turns them into cycles */
    *val = s->per_op_ns ? secs * 1e9 / work : work / secs / (s->scale > 0 ? s->scale : 1);
}

static struct result *finish(struct bench_ctx *c, const struct bench_spec *s, const double *v,
                             double *cyc, int n, uint64_t iters, const struct run_acct *a)
{
    struct result *r = results_add(c->res, s->suite, s->test, s->unit, s->better, s->desc);
    if (!r)
        return NULL;
    result_set_samples(r, v, n);
    double core = a->core_hz ? runacct_cycles(cyc, a->core_hz, n) : 0;
    result_set_cycles(r, cyc, n);
    result_set_cycles_clock(r, core > 0 ? "core" : ARCH_COUNTER_NAME);
    result_extra(r, "iterations", (double)iters);
    result_extra(r, "work_per_sample", (double)iters * s->work_per_iter);
    runacct_extras(r, s, v, n, a);
    return r;
}

struct result *bench_run(struct bench_ctx *c, const struct bench_spec *s, bench_kernel_fn fn,
                         void *arg, uint64_t *check)
{
    double v[MAX_REPS], cyc[MAX_REPS], core[MAX_REPS], aperf[MAX_REPS];
    int reps = c->reps > MAX_REPS ? MAX_REPS : c->reps;
    uint64_t chk = 0;
    struct run_acct a = {.core_hz = core, .aperf = aperf};
    int steal = steal_available(), redo = 0;
    uint64_t iters = bench_size_iters(fn, arg, c->min_seconds, s->max_iters);
    (void)time_once(fn, arg, iters, &chk); /* warm-up */
    for (int i = 0; i < reps;) {
        uint64_t s0 = steal ? steal_now(0) : 0;
        uint64_t t = time_once(fn, arg, iters, &chk);
        uint64_t stolen = steal ? steal_now(0) - s0 : 0;
        double hz = coreclock_quick(&aperf[i]);
        int too_much = (double)stolen > STEAL_LIMIT * clock_seconds(t) * 1e9;
        if (too_much && redo < MAX_STEAL_REDO) { /* measure this sample again */
            redo++;
            a.steal_redone++;
            continue;
        }
        redo = 0;
        to_value(s, iters, t, &v[i], &cyc[i]);
        core[i] = hz;
        a.steal_ns += stolen;
        a.stolen_samples += too_much;
        i++;
    }
    a.ncore = reps;
    a.steal = steal;
    if (check)
        *check = chk;
    return finish(c, s, v, cyc, reps, iters, &a);
}

/* ---- all CPUs at once ---- */

struct par {
    bench_kernel_fn fn;
    char *args;
    size_t stride;
    uint64_t iters;
    int n, reps;
    volatile int arrived;      /* barrier counter */
    volatile int generation;   /* barrier generation */
    volatile uint64_t start;   /* TSC deadline all CPUs start at */
    volatile int start_seq;    /* which attempt `start` belongs to */
    volatile int redo;         /* the last attempt had a late starter: measure it again */
    volatile int abort;        /* a CPU missed a barrier: every CPU leaves */
    int late;                  /* attempts thrown away because a CPU started late */
    int late_kept;             /* samples kept with a late starter (retry limit reached) */
    int steal;                 /* stolen time readable */
    /* per processor, n entries each (sized by the run, no fixed limit) */
    uint64_t *begin;           /* actual start of the current sample */
    uint64_t *end;             /* end of the current sample */
    uint64_t *check;
    uint64_t *stolen;          /* ns stolen during the current sample */
    double *core_now;          /* core clock after the current sample */
    double *aperf_now;
    double *cpu_rate;          /* [cpu * 8 + rep]: first samples per CPU, for per-CPU medians */
    double *v, *cyc, *core, *aperf;
    struct run_acct *acct;
    const struct bench_spec *s;
};

/* Returns -1 when the run is abandoned: a CPU did not arrive within BB_BARRIER_TIMEOUT_S. */
static int barrier(struct par *p)
{
    int gen = p->generation;
    if (__atomic_add_fetch(&p->arrived, 1, __ATOMIC_ACQ_REL) == p->n) {
        p->arrived = 0;
        __atomic_store_n(&p->generation, gen + 1, __ATOMIC_RELEASE);
    } else {
        uint64_t t0 = clock_ticks(), limit = (uint64_t)(g_clock.hz * BB_BARRIER_TIMEOUT_S);
        while (__atomic_load_n(&p->generation, __ATOMIC_ACQUIRE) == gen) {
            if (__atomic_load_n(&p->abort, __ATOMIC_ACQUIRE) || clock_ticks() - t0 > limit) {
                __atomic_store_n(&p->abort, 1, __ATOMIC_RELEASE);
                return -1;
            }
            arch_relax();
        }
    }
    return __atomic_load_n(&p->abort, __ATOMIC_ACQUIRE) ? -1 : 0;
}

#define MAX_RETRIES 3 /* per sample, when a CPU starts late (e.g. preempted on Linux) or
                       * time was stolen from it */

/* Each sample: all CPUs meet at a barrier, CPU 0 then sets a start deadline 200 us ahead
 * (so the barrier's own stragglers cannot eat into the interval), every CPU spins until it,
 * runs, and records its end.  The interval is deadline .. last end.  A CPU that actually
 * started more than 20 us after the deadline makes the attempt void: it is measured again. */
static void par_worker(void *vp, int cpu)
{
    struct par *p = vp;
    void *arg = p->args + (size_t)cpu * p->stride;
    int attempt = 0, tries = 0;
    for (int rep = -1; rep < p->reps;) { /* rep -1 is the warm-up */
        uint64_t s0 = p->steal ? steal_now(cpu) : 0;
        if (barrier(p))
            return;
        attempt++;
        if (cpu == 0) {
            p->start = clock_ticks() + (uint64_t)(g_clock.hz * 0.0002);
            __atomic_store_n(&p->start_seq, attempt, __ATOMIC_RELEASE);
        } else {
            while (__atomic_load_n(&p->start_seq, __ATOMIC_ACQUIRE) != attempt)
                if (__atomic_load_n(&p->abort, __ATOMIC_ACQUIRE))
                    return;
                else
                    arch_relax();
        }
        uint64_t irq = plat_irq_save();
        uint64_t start = p->start;
        uint64_t t0;
        while ((t0 = clock_ticks()) < start)
            arch_relax();
        uint64_t v = p->fn(arg, p->iters);
        uint64_t t1 = clock_ticks();
        plat_irq_restore(irq);
        p->begin[cpu] = t0;
        p->end[cpu] = t1;
        p->check[cpu] = v;
        p->stolen[cpu] = p->steal ? steal_now(cpu) - s0 : 0;
        p->core_now[cpu] = coreclock_quick(&p->aperf_now[cpu]);
        if (barrier(p))
            return;
        if (cpu == 0) {
            uint64_t last = 0, latest_begin = 0;
            for (int i = 0; i < p->n; i++) {
                if (p->end[i] > last)
                    last = p->end[i];
                if (p->begin[i] > latest_begin)
                    latest_begin = p->begin[i];
            }
            int late = latest_begin - start > (uint64_t)(g_clock.hz * 0.00002);
            int stolen = 0;
            uint64_t stolen_ns = 0;
            for (int i = 0; i < p->n; i++) {
                stolen_ns += p->stolen[i];
                stolen |= (double)p->stolen[i] > STEAL_LIMIT * clock_seconds(last - start) * 1e9;
            }
            p->redo = (late || stolen) && tries < MAX_RETRIES;
            if (p->redo) {
                p->late += late;
                p->acct->steal_redone += stolen;
            }
            if (!p->redo && rep >= 0) {
                p->late_kept += late; /* retry limit reached: kept, and counted */
                p->acct->steal_ns += stolen_ns;
                p->acct->stolen_samples += stolen;
                p->core[rep] = stats_median(p->core_now, p->n);
                p->aperf[rep] = stats_median(p->aperf_now, p->n);
                double val, cyc;
                /* aggregate work of all CPUs over the slowest CPU's interval */
                to_value(p->s, p->iters * (uint64_t)p->n, last - start, &val, &cyc);
                p->v[rep] = val;
                p->cyc[rep] = cyc * p->n; /* cycles per op as seen by one CPU */
                for (int i = 0; i < p->n && rep < 8; i++) {
                    double cv, cc;
                    to_value(p->s, p->iters, p->end[i] - start, &cv, &cc);
                    p->cpu_rate[(size_t)i * 8 + (size_t)rep] = cv;
                }
            }
        }
        if (barrier(p))
            return;
        if (p->redo) {
            tries++;
        } else {
            tries = 0;
            rep++;
        }
    }
}

/* The per-processor arrays of a parallel run, in one allocation sized by n. */
static int par_alloc(struct par *p, int n)
{
    size_t per = 4 * sizeof(uint64_t) + 2 * sizeof(double) + 8 * sizeof(double);
    char *m = plat_alloc((size_t)n * per);
    if (!m)
        return -1;
    p->begin = (uint64_t *)m;
    p->end = p->begin + n;
    p->check = p->end + n;
    p->stolen = p->check + n;
    p->core_now = (double *)(p->stolen + n);
    p->aperf_now = p->core_now + n;
    p->cpu_rate = p->aperf_now + n;
    return 0;
}

/* Each processor's first rates of the last parallel run, for bench_parallel_cpu_rates. */
static double *last_rates;
static int last_n, last_per;

static void save_cpu_rates(const struct par *p, int n, int per)
{
    plat_free(last_rates);
    last_rates = plat_alloc((size_t)n * 8 * sizeof(double));
    last_n = last_rates ? n : 0;
    last_per = per;
    for (int i = 0; last_rates && i < n * 8; i++)
        last_rates[i] = p->cpu_rate[i];
}

/* One attempt of a parallel run on n processors (the per-processor arrays hold at least n);
 * whatever an earlier attempt left in p and a is reset.  0, or non-zero when it could not be
 * made (p->abort tells a barrier timeout from processors that could not start). */
static int par_start(struct par *p, struct bench_ctx *c, const struct bench_spec *s, int n,
                     bench_kernel_fn fn, void *args, size_t stride, double *v, double *cyc,
                     struct run_acct *a)
{
    struct par keep = *p;
    memset(p, 0, sizeof *p);
    p->begin = keep.begin;
    p->end = keep.end;
    p->check = keep.check;
    p->stolen = keep.stolen;
    p->core_now = keep.core_now;
    p->aperf_now = keep.aperf_now;
    p->cpu_rate = keep.cpu_rate;
    p->iters = keep.iters;
    p->fn = fn;
    p->args = args;
    p->stride = stride;
    p->n = n;
    p->reps = c->reps > MAX_REPS ? MAX_REPS : c->reps;
    p->v = v;
    p->cyc = cyc;
    *a = (struct run_acct){.core_hz = a->core_hz, .aperf = a->aperf};
    p->core = a->core_hz;
    p->aperf = a->aperf;
    p->acct = a;
    p->s = s;
    p->steal = steal_available();
    return plat_run_on_cpus(n, par_worker, p) != 0 || p->abort;
}

struct result *bench_run_parallel(struct bench_ctx *c, const struct bench_spec *s, int ncpus,
                                  bench_kernel_fn fn, void *args, size_t stride, uint64_t *check)
{
    static struct par home; /* one parallel run at a time */
    static int home_abandoned; /* a processor left out may still touch it: never reused */
    struct par *p = home_abandoned ? plat_alloc(sizeof *p) : &home;
    double v[MAX_REPS], cyc[MAX_REPS], core[MAX_REPS], aperf[MAX_REPS];
    struct run_acct a = {.core_hz = core, .aperf = aperf};
    if (p)
        memset(p, 0, sizeof *p);
    if (!p || par_alloc(p, ncpus)) {
        results_error(c->res, s->suite, s->test, "out of memory for %d processors", ncpus);
        if (p != &home)
            plat_free(p);
        return NULL;
    }
    p->iters = bench_size_iters(fn, args, c->min_seconds, s->max_iters);
    int lost_before = plat_cpu_lost_running();
    int asked = ncpus, rc = par_start(p, c, s, ncpus, fn, args, stride, v, cyc, &a);
    char lost[64] = "";
    /* a processor left out inside the kernel (past the barrier's bound, never finished) may
     * wake and write to p, its buffers and args: p is never freed or reused, and there is no
     * retry on the same args */
    int ghost = plat_cpu_lost_running() != lost_before;
    int m = rc && !p->abort && !ghost ? cpus_after_loss(ncpus, lost, sizeof lost) : 0;
    if (m || ghost)
        home_abandoned |= p == &home;
    struct par *again = m ? plat_alloc(sizeof *again) : NULL;
    if (again && par_alloc(again, m) == 0) {
        /* the processors left out are gone for good: this entry (and later ones) runs on the
         * others.  A fresh run state: an abandoned processor may still touch the old one,
         * which is therefore never freed or reused. */
        again->iters = p->iters;
        p = again;
        ncpus = m;
        int now = g_topo.nsel > 0 ? g_topo.nsel : plat_cpu_count();
        if (c->ncpus > now)
            c->ncpus = now;
        degraded_note("cpus", "%s/%s: processor(s) %s left out; ran on %d of the %d threads asked, "
                      "and later tests on at most %d", s->suite, s->test, lost, ncpus, asked, now);
        rc = par_start(p, c, s, ncpus, fn, args, stride, v, cyc, &a);
    } else {
        plat_free(again);
    }
    if (rc) {
        if (ghost)
            results_error(c->res, s->suite, s->test, "a processor was left out before it finished "
                          "its share (env.degraded); not retried on the buffers it may still write");
        else if (p->abort)
            results_error(c->res, s->suite, s->test, "a processor did not reach the barrier "
                          "within %.0f s", BB_BARRIER_TIMEOUT_S);
        else
            results_error(c->res, s->suite, s->test, "could not start %d processors", ncpus);
        if (!m && !ghost) { /* nothing was abandoned in this call */
            plat_free(p->begin);
            if (p != &home)
                plat_free(p);
        }
        return NULL;
    }
    uint64_t chk = 0;
    for (int i = 0; i < ncpus; i++)
        chk += p->check[i];
    bench_sink += chk;
    if (check)
        *check = chk;
    a.ncore = p->reps;
    a.steal = p->steal;
    struct result *r = finish(c, s, v, cyc, p->reps, p->iters, &a);
    int per = p->reps < 8 ? p->reps : 8;
    double *pc = plat_alloc((size_t)ncpus * sizeof *pc);
    for (int i = 0; pc && i < ncpus; i++)
        pc[i] = stats_median(&p->cpu_rate[(size_t)i * 8], per);
    if (pc)
        result_set_per_cpu(r, pc, ncpus);
    plat_free(pc);
    result_param_int(r, "threads", ncpus);
    if (ncpus < asked) { /* the processors are named in env.degraded */
        result_extra(r, "cpus_left_out", asked - ncpus);
        result_extra(r, "threads_asked", asked);
        bb_printf("  %s/%s: processor(s) %s left out (never checked in or never finished): ran on "
                  "%d of the %d threads asked\n", s->suite, s->test, lost, ncpus, asked);
    }
    result_extra(r, "late_starts_redone", p->late);
    result_extra(r, "late_starts", p->late_kept);
    result_extra(r, "smt", topo_smt_first(&g_topo, ncpus));
    save_cpu_rates(p, ncpus, per);
    plat_free(p->begin);
    if (p != &home)
        plat_free(p); /* a state an abandoned processor may use was left behind above */
    return r;
}

/* ---- on a processor of a given NUMA node ---- */

struct node_job {
    const struct bench_spec *s;
    bench_kernel_fn fn;
    void *arg;
    double min_seconds;
    int reps;
    uint64_t iters, chk;
    double v[MAX_REPS], cyc[MAX_REPS];
};

/* Runs where plat_run_on_node put it: measuring only (no allocation, no firmware call). */
static void node_job_run(void *vp)
{
    struct node_job *j = vp;
    j->iters = bench_size_iters(j->fn, j->arg, j->min_seconds, j->s->max_iters);
    (void)time_once(j->fn, j->arg, j->iters, &j->chk); /* warm-up */
    for (int i = 0; i < j->reps; i++)
        to_value(j->s, j->iters, time_once(j->fn, j->arg, j->iters, &j->chk), &j->v[i], &j->cyc[i]);
}

struct result *bench_run_on_node(struct bench_ctx *c, const struct bench_spec *s, int node,
                                 bench_kernel_fn fn, void *arg, uint64_t *check)
{
    static struct node_job j; /* large, and AP stacks are small */
    memset(&j, 0, sizeof j);
    j.s = s;
    j.fn = fn;
    j.arg = arg;
    j.min_seconds = c->min_seconds;
    j.reps = c->reps > MAX_REPS ? MAX_REPS : c->reps;
    if (plat_run_on_node(node, node_job_run, &j) != 0) {
        results_error(c->res, s->suite, s->test, "could not run on a processor of node %d", node);
        return NULL;
    }
    if (check)
        *check = j.chk;
    struct run_acct a = {0};
    return finish(c, s, j.v, j.cyc, j.reps, j.iters, &a);
}

int bench_parallel_cpu_rates(int cpu, double *out, int max)
{
    if (!last_rates || cpu < 0 || cpu >= last_n)
        return 0;
    int n = last_per < max ? last_per : max;
    for (int i = 0; i < n; i++)
        out[i] = last_rates[(size_t)cpu * 8 + i];
    return n;
}
