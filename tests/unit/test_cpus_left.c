/* test_cpus_left.c - a processor that never checks in no longer fails the test that first meets
 * it: the real runner (bench/runner.c) and kernel/machine/mp_run.c over a fake firmware MP service
 * (threads as APs, host_mp_fake), one AP that accepts its start and never runs.  Fake time runs
 * 100x faster than real time, so the check-in bound costs 50 ms here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <stdlib.h>

#include "bench/runner.h"
#include "host/host.h"
#include "kernel/machine/clock.h"
#include "kernel/machine/cpus_left.h"
#include "kernel/run/degraded.h"
#include "kernel/machine/identity.h"
#include "kernel/machine/mp_run.h"
#include "kernel/run/options.h"
#include "kernel/report/results.h"
#include "kernel/machine/topology.h"
#include "tests/unit/fake_mp.h"

static struct mp_state st;
static struct identity id;

/* A fresh fake machine of 1 + FAKE_MP_NAPS processors, `stuck` never checking in (-1: none). */
static void machine(int stuck)
{
    fake_mp_reset(&st);
    fake_mp.never_arrive = stuck;
    host_mp_fake(&st, &fake_mp_ops);
    degraded_reset();
    assert_int_equal(topology_collect(), 0);
    assert_int_equal(g_topo.nsel, FAKE_MP_NAPS + 1);
    plat_cpu_select(g_topo.sel, g_topo.nsel);
}

static int setup(void **s)
{
    (void)s;
    identity_collect(&id); /* the real Linux threads, before the fake is in */
    return clock_calibrate(&id.cpu);
}

static int teardown(void **s)
{
    (void)s;
    host_mp_fake(NULL, NULL);
    return 0;
}

/* A runner context for quick runs (1 ms minimum, 2 repetitions) over the fake machine. */
static void quick_ctx(struct options *o, struct results *rs, struct bench_ctx *c)
{
    options_defaults(o);
    o->min_time_ms = 1;
    o->reps = 2;
    results_init(rs);
    bench_ctx_init(c, o, rs, &id);
}

struct slot {
    uint64_t x;
    char pad[56];
};

static uint64_t kernel(void *arg, uint64_t iters)
{
    struct slot *sl = arg;
    uint64_t x = sl->x;
    for (uint64_t i = 0; i < iters; i++)
        x = x * 6364136223846793005ull + 1442695040888963407ull;
    sl->x = x;
    return x;
}

static const struct result *find_extra(const struct result *r, const char *key, double *v)
{
    for (int i = 0; i < r->nextras; i++)
        if (!strcmp(r->extras[i].key, key)) {
            *v = r->extras[i].v;
            return r;
        }
    return NULL;
}

static int64_t threads_of(const struct result *r)
{
    for (int i = 0; i < r->nparams; i++)
        if (!strcmp(r->params[i].key, "threads"))
            return r->params[i].i;
    return -1;
}

static void first_all_core_test_runs_on_the_rest(void **s)
{
    (void)s;
    machine(2);
    struct options o;
    struct results rs;
    struct bench_ctx c;
    quick_ctx(&o, &rs, &c);
    assert_int_equal(c.ncpus, FAKE_MP_NAPS + 1);
    static struct slot args[FAKE_MP_NAPS + 1]; /* sized for the processors asked for */
    struct bench_spec spec = {"alu", "fake_all_core", "LCG steps", "Gop/s", "higher", 1, 1e9, 0, 0};
    uint64_t chk;
    struct result *r = bench_run_parallel(&c, &spec, c.ncpus, kernel, args, sizeof args[0], &chk);
    /* a result, not an error, on the three processors left; and it says so */
    assert_non_null(r);
    assert_int_equal(rs.nerrors, 0);
    assert_int_equal(threads_of(r), FAKE_MP_NAPS);
    assert_int_equal(r->nper_cpu, FAKE_MP_NAPS);
    double v = 0;
    assert_non_null(find_extra(r, "cpus_left_out", &v));
    assert_true(v == 1);
    assert_non_null(find_extra(r, "threads_asked", &v));
    assert_true(v == FAKE_MP_NAPS + 1);
    int named = 0, said = 0;
    for (int i = 0; i < degraded_count(); i++) {
        named |= strstr(degraded_text(i), "processor 2 ") != NULL;
        said |= strstr(degraded_text(i), "ran on 3 of the 4 threads asked") != NULL;
    }
    assert_true(named); /* mp_run's note: which processor never checked in */
    assert_true(said);  /* the runner's: which entry ran on fewer threads */
    /* the selection lost processor 2 (order kept); later tests ask for the rest directly */
    assert_int_equal(g_topo.nsel, FAKE_MP_NAPS);
    assert_int_equal(g_topo.sel[0], 0);
    assert_int_equal(g_topo.sel[1], 1);
    assert_int_equal(g_topo.sel[2], 3);
    assert_int_equal(c.ncpus, FAKE_MP_NAPS);
    r = bench_run_parallel(&c, &spec, c.ncpus, kernel, args, sizeof args[0], &chk);
    assert_non_null(r);
    assert_int_equal(threads_of(r), FAKE_MP_NAPS);
    assert_null(find_extra(r, "cpus_left_out", &v));
    assert_int_equal(rs.nerrors, 0);
    results_free(&rs);
}

static volatile int ran[8];

static void mark(void *arg, int idx)
{
    (void)arg;
    __atomic_add_fetch(&ran[idx], 1, __ATOMIC_ACQ_REL);
}

static void other_callers_retry_once(void **s)
{
    (void)s;
    machine(3);
    /* a selection in its own order: the lost processor leaves, the others keep their places */
    g_topo.sel[0] = 0, g_topo.sel[1] = 3, g_topo.sel[2] = 2, g_topo.sel[3] = 1;
    memset((void *)ran, 0, sizeof ran);
    int n = FAKE_MP_NAPS + 1;
    assert_int_equal(cpus_run(&n, mark, NULL), 0);
    assert_int_equal(n, FAKE_MP_NAPS);
    for (int i = 0; i < FAKE_MP_NAPS; i++)
        assert_int_equal(ran[i], 1);
    assert_int_equal(ran[FAKE_MP_NAPS], 0);
    assert_int_equal(g_topo.nsel, FAKE_MP_NAPS);
    assert_int_equal(g_topo.sel[1], 2);
    assert_int_equal(g_topo.sel[2], 1);
    assert_int_equal(plat_cpu_total(), FAKE_MP_NAPS + 1);
    assert_int_equal(plat_cpu_count(), FAKE_MP_NAPS);
    char which[16];
    assert_int_equal(cpus_after_loss(2, which, sizeof which), 2); /* fewer asked: as asked */
    assert_string_equal(which, "3");
}

static void nothing_left_out_no_retry(void **s)
{
    (void)s;
    machine(-1);
    int n = FAKE_MP_NAPS + 1;
    memset((void *)ran, 0, sizeof ran);
    assert_int_equal(cpus_run(&n, mark, NULL), 0);
    assert_int_equal(n, FAKE_MP_NAPS + 1);
    char which[16];
    assert_int_equal(cpus_after_loss(n, which, sizeof which), 0);
    assert_string_equal(which, "");
    n = FAKE_MP_NAPS + 2; /* more than there are: fails, and no retry pretends otherwise */
    assert_true(cpus_run(&n, mark, NULL) != 0);
    assert_int_equal(n, FAKE_MP_NAPS + 2);
}


static void mark_count(void *arg, int idx)
{
    (void)idx;
    __atomic_add_fetch((volatile int *)arg, 1, __ATOMIC_ACQ_REL);
}

/* A processor left out while inside the kernel (it never reports done) may wake and write to
 * the run's buffers: the entry is an error, not a retry on those buffers; later tests run on
 * the rest. */
static void lost_inside_the_run_not_retried(void **s)
{
    (void)s;
    machine(-1);
    fake_mp.never_complete = 3;
    struct options o;
    struct results rs;
    struct bench_ctx c;
    quick_ctx(&o, &rs, &c);
    static struct slot args[FAKE_MP_NAPS + 1];
    struct bench_spec spec = {"alu", "fake_ghost", "LCG steps", "Gop/s", "higher", 1, 1e9, 0, 0};
    uint64_t chk;
    int before = plat_cpu_lost_running();
    struct result *r = bench_run_parallel(&c, &spec, c.ncpus, kernel, args, sizeof args[0], &chk);
    assert_null(r);
    assert_int_equal(plat_cpu_lost_running(), before + 1);
    assert_int_equal(rs.nerrors, 1);
    assert_non_null(strstr(rs.errors[0].why, "not retried"));
    /* cpus_run gives up the same way: no second run beside a processor that may still write */
    static volatile int ran_twice;
    ran_twice = 0;
    int n = plat_cpu_count();
    fake_mp.never_complete = 1;
    assert_int_not_equal(cpus_run(&n, mark_count, (void *)&ran_twice), 0);
    assert_int_equal(n, plat_cpu_count() + 1); /* n untouched: nothing retried */
    results_free(&rs);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(first_all_core_test_runs_on_the_rest),
        cmocka_unit_test(other_callers_retry_once),
        cmocka_unit_test(nothing_left_out_no_retry),
        cmocka_unit_test(lost_inside_the_run_not_retried),
    };
    return cmocka_run_group_tests(t, setup, teardown);
}
