/* mp_run.c - the multi-processor run state machine (portable; firmware calls behind struct
 * mp_ops): per-AP non-blocking starts with a check-in handshake, NOT_READY retries, a blocking
 * fallback, and bounded waits everywhere (kernel/run/bounds.h).  A run struct an AP might still
 * touch is never freed or reused. */
#include "kernel/machine/mp_run.h"
#include "kernel/run/bounds.h"
#include "kernel/run/degraded.h"
#include "arch/cpu.h"

struct mp_job {
    const struct mp_ops *o;
    plat_cpu_fn fn;
    void *arg;
    int n;
    int self_go;          /* blocking mode: the last AP to check in gives the start */
    volatile int ticket;  /* last index handed out */
    volatile int started; /* processors that took an index */
    volatile int go;      /* 0 wait, 1 run, -1 abort */
};

int mp_usable(const struct mp_state *m)
{
    int k = 0;
    for (int i = 0; i < m->naps; i++)
        k += !m->left_out[i];
    return m->blocking ? k : k + 1;
}

int mp_left_out(const struct mp_state *m, int proc)
{
    for (int i = 0; i < m->naps; i++)
        if (m->ap[i] == proc)
            return m->left_out[i];
    return 0;
}

void mp_ap_entry(void *p)
{
    struct mp_job *r = p;
    int idx = !r->self_go && r->o->ap_slot ? r->o->ap_slot() : -2;
    if (idx == -2)
        idx = __atomic_add_fetch(&r->ticket, 1, __ATOMIC_ACQ_REL);
    if (idx < (r->self_go ? 0 : 1) || idx >= r->n)
        return; /* more processors than asked for, or not selected */
    if (r->o->ap_prepare)
        r->o->ap_prepare();
    int s = __atomic_add_fetch(&r->started, 1, __ATOMIC_ACQ_REL);
    if (r->self_go && s == r->n) {
        int zero = 0;
        __atomic_compare_exchange_n(&r->go, &zero, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
    }
    uint64_t t0 = r->o->now_us();
    while (__atomic_load_n(&r->go, __ATOMIC_ACQUIRE) == 0) {
        if (r->self_go && r->o->now_us() - t0 > BB_MP_START_TIMEOUT_US) {
            int zero = 0;
            __atomic_compare_exchange_n(&r->go, &zero, -1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
        }
        arch_relax();
    }
    if (__atomic_load_n(&r->go, __ATOMIC_ACQUIRE) > 0)
        r->fn(r->arg, idx);
}

/* A start call with NOT_READY retried (a firmware still finishing an earlier run). */
static int start_retry(const struct mp_ops *o, int proc, struct mp_job *r)
{
    int st = MP_NOT_READY;
    for (int t = 0; t < BB_MP_NOT_READY_TRIES; t++) {
        st = proc < 0 ? o->start_all_blocking(o->ctx, r, BB_MP_RUN_TIMEOUT_US)
                      : o->start_ap(o->ctx, proc, r, BB_MP_RUN_TIMEOUT_US);
        if (st != MP_NOT_READY)
            break;
        o->stall_us(BB_MP_NOT_READY_RETRY_US);
    }
    return st;
}

static int run_blocking(const struct mp_ops *o, int n, plat_cpu_fn fn, void *arg)
{
    struct mp_job *r = plat_alloc(sizeof *r);
    if (!r)
        return -1;
    *r = (struct mp_job){o, fn, arg, n, 1, -1, 0, 0};
    int st = start_retry(o, -1, r);
    /* every AP has returned (or the firmware stopped them at its timeout) */
    if (st != MP_OK || r->started < n || r->go <= 0) {
        if (st == MP_OK || st == MP_TIMEOUT)
            degraded_note("mp", "blocking mode: %d of %d processors checked in within %d s",
                          r->started, n, BB_MP_START_TIMEOUT_US / 1000000);
        else
            degraded_note("mp", "blocking StartupAllAPs failed (status %d)", st);
        if (st != MP_OK)
            return -1; /* the firmware may still hold r: not freed */
        plat_free(r);
        return -1;
    }
    plat_free(r);
    return 0;
}

/* Wait for every started AP to finish, at most `us`; the ones that do not are left out for good
 * (their job is never freed).  Returns how many were abandoned. */
static int drain(struct mp_state *m, const struct mp_ops *o, const int *used, int k, uint64_t us,
                 int running)
{
    uint64_t t0 = o->now_us();
    int pending;
    do {
        pending = 0;
        for (int i = 0; i < k; i++)
            pending += used[i] >= 0 && !o->ap_done(o->ctx, m->ap[used[i]]);
        if (pending)
            o->stall_us(100);
    } while (pending && o->now_us() - t0 <= us);
    int abandoned = 0;
    for (int i = 0; i < k; i++) {
        if (used[i] < 0)
            continue;
        if (o->ap_done(o->ctx, m->ap[used[i]])) {
            o->ap_release(o->ctx, m->ap[used[i]]);
        } else {
            m->left_out[used[i]] = 1;
            m->lost_running += running;
            abandoned++;
            degraded_note("mp", "processor %d did not finish within %d s; left out of later runs",
                          m->ap[used[i]], (int)(us / 1000000));
        }
    }
    return abandoned;
}

int mp_run(struct mp_state *m, const struct mp_ops *o, int n, plat_cpu_fn fn, void *arg)
{
    if (n <= 1) {
        fn(arg, 0);
        return 0;
    }
    if (n > mp_usable(m))
        return -1;
    if (m->blocking)
        return run_blocking(o, n, fn, arg);
    struct mp_job *r = plat_alloc(sizeof *r);
    if (!r)
        return -1;
    *r = (struct mp_job){o, fn, arg, n, 0, 0, 0, 0};
    static int used[MP_MAX_CPUS];
    int k = 0, rc = 0;
    /* every AP that is not left out: the ones the cpus= selection (or arrival order) does not
     * need return at once, as with StartupAllAPs */
    for (int i = 0; i < m->naps; i++) {
        if (m->left_out[i])
            continue;
        int st = start_retry(o, m->ap[i], r);
        if (st == MP_OK) {
            used[k++] = i;
            continue;
        }
        if (st == MP_UNSUPPORTED && k == 0) {
            m->blocking = 1;
            degraded_note("mp", "firmware refuses non-blocking StartupThisAP: blocking "
                          "StartupAllAPs, the calling processor does not take part");
            plat_free(r);
            return n <= mp_usable(m) ? run_blocking(o, n, fn, arg) : -1;
        }
        m->left_out[i] = 1;
        degraded_note("mp", "processor %d could not be started (status %d); left out", m->ap[i], st);
    }
    if (k < n - 1)
        rc = -1;
    /* check-in, bounded */
    uint64_t t0 = o->now_us();
    while (!rc && __atomic_load_n(&r->started, __ATOMIC_ACQUIRE) < n - 1) {
        if (o->now_us() - t0 > BB_MP_START_TIMEOUT_US) {
            degraded_note("mp", "%d of %d processors checked in within %d s; the others are "
                          "left out of later runs", r->started + 1, n,
                          BB_MP_START_TIMEOUT_US / 1000000);
            rc = -1;
            break;
        }
        o->stall_us(10);
    }
    __atomic_store_n(&r->go, rc ? -1 : 1, __ATOMIC_RELEASE);
    if (!rc)
        fn(arg, 0);
    /* an AP that never checked in is still "running" for the firmware: short drain for it */
    int abandoned = drain(m, o, used, k, rc ? BB_MP_START_TIMEOUT_US : BB_MP_DRAIN_TIMEOUT_US,
                          !rc);
    if (!abandoned)
        plat_free(r);
    return rc || abandoned ? -1 : 0;
}
