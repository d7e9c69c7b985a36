/* test_mp_run.c - the multi-processor state machine against a fake MP service with real
 * threads as APs: all good, NOT_READY then OK, NOT_READY forever, UNSUPPORTED non-blocking mode
 * (blocking fallback), an AP that never arrives, and an AP whose run never completes.  Fake time
 * runs 100x faster than real time, so each bound costs milliseconds here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <pthread.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include "kernel/bounds.h"
#include "kernel/degraded.h"
#include "kernel/mp_run.h"

#define NAPS 3

static struct {
    int not_ready_left;      /* next start calls answer NOT_READY this many times (-1: always) */
    int unsupported;         /* non-blocking starts answer UNSUPPORTED */
    int never_arrive;        /* processor number that accepts a start but never runs (-1 none) */
    int never_complete;      /* processor number whose completion is never signalled */
    int starts;
    volatile int done[8];
} fake;

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u) * 100u;
}

static void stall_us(uint64_t us) { usleep((useconds_t)(us / 100 + 1)); }

struct ap_thread {
    int proc;
    void *arg;
};

static void *ap_main(void *p)
{
    struct ap_thread *t = p;
    mp_ap_entry(t->arg);
    if (t->proc != fake.never_complete)
        __atomic_store_n(&fake.done[t->proc], 1, __ATOMIC_RELEASE);
    free(t);
    return NULL;
}

static pthread_t spawn(int proc, void *arg)
{
    struct ap_thread *t = malloc(sizeof *t);
    t->proc = proc;
    t->arg = arg;
    pthread_t th;
    pthread_create(&th, NULL, ap_main, t);
    return th;
}

static int answer(void)
{
    fake.starts++;
    if (fake.not_ready_left) {
        if (fake.not_ready_left > 0)
            fake.not_ready_left--;
        return MP_NOT_READY;
    }
    return MP_OK;
}

static int start_ap(void *ctx, int proc, void *arg, uint64_t timeout_us)
{
    (void)ctx;
    assert_true(timeout_us > 0); /* the firmware always gets a finite timeout */
    if (fake.unsupported)
        return MP_UNSUPPORTED;
    int st = answer();
    if (st != MP_OK)
        return st;
    fake.done[proc] = 0;
    if (proc != fake.never_arrive)
        pthread_detach(spawn(proc, arg));
    return MP_OK;
}

static int ap_done(void *ctx, int proc) { (void)ctx; return __atomic_load_n(&fake.done[proc], __ATOMIC_ACQUIRE); }
static void ap_release(void *ctx, int proc) { (void)ctx; (void)proc; }

static int start_all_blocking(void *ctx, void *arg, uint64_t timeout_us)
{
    (void)ctx;
    assert_true(timeout_us > 0);
    int st = answer();
    if (st != MP_OK)
        return st;
    pthread_t th[NAPS];
    for (int i = 0; i < NAPS; i++)
        th[i] = spawn(i + 1, arg);
    for (int i = 0; i < NAPS; i++)
        pthread_join(th[i], NULL);
    return MP_OK;
}

static const struct mp_ops ops = {NULL, start_ap, ap_done, ap_release, start_all_blocking,
                                  stall_us, now_us, NULL, NULL};

/* The function under test: counts calls per index and notes whether index i ran on the caller. */
static volatile int calls[8];
static pthread_t caller;
static volatile int ran_on_caller[8];

static void work(void *arg, int cpu)
{
    (void)arg;
    __atomic_add_fetch(&calls[cpu], 1, __ATOMIC_ACQ_REL);
    if (pthread_equal(pthread_self(), caller))
        ran_on_caller[cpu] = 1;
}

static struct mp_state st;

static void setup(int not_ready, int unsupported, int never_arrive, int never_complete)
{
    memset(&fake, 0, sizeof fake);
    fake.not_ready_left = not_ready;
    fake.unsupported = unsupported;
    fake.never_arrive = never_arrive;
    fake.never_complete = never_complete;
    memset((void *)calls, 0, sizeof calls);
    memset((void *)ran_on_caller, 0, sizeof ran_on_caller);
    memset(&st, 0, sizeof st);
    st.naps = NAPS;
    for (int i = 0; i < NAPS; i++)
        st.ap[i] = i + 1;
    caller = pthread_self();
    degraded_reset();
}

static void all_good(void **s)
{
    (void)s;
    setup(0, 0, -1, -1);
    assert_int_equal(mp_usable(&st), 4);
    assert_int_equal(mp_run(&st, &ops, 4, work, NULL), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(calls[i], 1);
    assert_true(ran_on_caller[0]);
    assert_int_equal(degraded_count(), 0);
}

static void not_ready_retried(void **s)
{
    (void)s;
    setup(2, 0, -1, -1);
    assert_int_equal(mp_run(&st, &ops, 4, work, NULL), 0);
    assert_int_equal(fake.starts, 3 + 2);
    for (int i = 0; i < 4; i++)
        assert_int_equal(calls[i], 1);
}

static void not_ready_forever_gives_up(void **s)
{
    (void)s;
    setup(-1, 0, -1, -1);
    assert_int_equal(mp_run(&st, &ops, 2, work, NULL), -1);
    assert_int_equal(calls[0] + calls[1], 0); /* nothing ran half-started */
    assert_true(fake.starts <= NAPS * BB_MP_NOT_READY_TRIES);
    assert_true(degraded_count() >= 1);
    assert_string_equal(degraded_what(0), "mp");
}

static void unsupported_falls_back_to_blocking(void **s)
{
    (void)s;
    setup(0, 1, -1, -1);
    /* asked for every processor: in blocking mode the caller cannot take part */
    assert_int_equal(mp_run(&st, &ops, 4, work, NULL), -1);
    assert_true(st.blocking);
    assert_int_equal(mp_usable(&st), NAPS);
    assert_non_null(strstr(degraded_text(0), "blocking"));
    assert_int_equal(mp_run(&st, &ops, NAPS, work, NULL), 0);
    for (int i = 0; i < NAPS; i++) {
        assert_int_equal(calls[i], 1);
        assert_false(ran_on_caller[i]);
    }
}

static void ap_never_arrives_left_out(void **s)
{
    (void)s;
    setup(0, 0, 2, -1);
    uint64_t t0 = now_us();
    assert_int_equal(mp_run(&st, &ops, 4, work, NULL), -1);
    uint64_t took = now_us() - t0;
    assert_true(took < 3ull * BB_MP_START_TIMEOUT_US); /* bounded: check-in + short drain */
    for (int i = 0; i < 4; i++)
        assert_int_equal(calls[i], 0); /* aborted before anything ran */
    assert_int_equal(mp_usable(&st), 3);
    assert_true(st.left_out[1]); /* processor 2 */
    int found = 0;
    for (int i = 0; i < degraded_count(); i++)
        found |= strstr(degraded_text(i), "processor 2") != NULL;
    assert_true(found);
    /* the next run uses the others */
    assert_int_equal(mp_run(&st, &ops, 3, work, NULL), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(calls[i], 1);
}

static void run_never_completes_bounded(void **s)
{
    (void)s;
    setup(0, 0, -1, 3);
    uint64_t t0 = now_us();
    assert_int_equal(mp_run(&st, &ops, 4, work, NULL), -1);
    assert_true(now_us() - t0 < 2ull * BB_MP_DRAIN_TIMEOUT_US);
    assert_true(st.left_out[2]); /* processor 3 */
    assert_int_equal(mp_usable(&st), 3);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(all_good), cmocka_unit_test(not_ready_retried),
        cmocka_unit_test(not_ready_forever_gives_up),
        cmocka_unit_test(unsupported_falls_back_to_blocking),
        cmocka_unit_test(ap_never_arrives_left_out), cmocka_unit_test(run_never_completes_bounded),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
