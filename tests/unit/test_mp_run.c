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
#include <stdlib.h>

#include "kernel/run/bounds.h"
#include "kernel/run/degraded.h"
#include "kernel/machine/mp_run.h"
#include "tests/unit/fake_mp.h"

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
    fake_mp_reset(&st);
    fake_mp.not_ready_left = not_ready;
    fake_mp.unsupported = unsupported;
    fake_mp.never_arrive = never_arrive;
    fake_mp.never_complete = never_complete;
    memset((void *)calls, 0, sizeof calls);
    memset((void *)ran_on_caller, 0, sizeof ran_on_caller);
    caller = pthread_self();
    degraded_reset();
}

static void all_good(void **s)
{
    (void)s;
    setup(0, 0, -1, -1);
    assert_int_equal(mp_usable(&st), 4);
    assert_int_equal(mp_run(&st, &fake_mp_ops, 4, work, NULL), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(calls[i], 1);
    assert_true(ran_on_caller[0]);
    assert_int_equal(degraded_count(), 0);
}

static void not_ready_retried(void **s)
{
    (void)s;
    setup(2, 0, -1, -1);
    assert_int_equal(mp_run(&st, &fake_mp_ops, 4, work, NULL), 0);
    assert_int_equal(fake_mp.starts, 3 + 2);
    for (int i = 0; i < 4; i++)
        assert_int_equal(calls[i], 1);
}

static void not_ready_forever_gives_up(void **s)
{
    (void)s;
    setup(-1, 0, -1, -1);
    assert_int_equal(mp_run(&st, &fake_mp_ops, 2, work, NULL), -1);
    assert_int_equal(calls[0] + calls[1], 0); /* nothing ran half-started */
    assert_true(fake_mp.starts <= FAKE_MP_NAPS * BB_MP_NOT_READY_TRIES);
    assert_true(degraded_count() >= 1);
    assert_string_equal(degraded_what(0), "mp");
}

static void unsupported_falls_back_to_blocking(void **s)
{
    (void)s;
    setup(0, 1, -1, -1);
    /* asked for every processor: in blocking mode the caller cannot take part */
    assert_int_equal(mp_run(&st, &fake_mp_ops, 4, work, NULL), -1);
    assert_true(st.blocking);
    assert_int_equal(mp_usable(&st), FAKE_MP_NAPS);
    assert_non_null(strstr(degraded_text(0), "blocking"));
    assert_int_equal(mp_run(&st, &fake_mp_ops, FAKE_MP_NAPS, work, NULL), 0);
    for (int i = 0; i < FAKE_MP_NAPS; i++) {
        assert_int_equal(calls[i], 1);
        assert_false(ran_on_caller[i]);
    }
}

static void ap_never_arrives_left_out(void **s)
{
    (void)s;
    setup(0, 0, 2, -1);
    uint64_t t0 = fake_mp_ops.now_us();
    assert_int_equal(mp_run(&st, &fake_mp_ops, 4, work, NULL), -1);
    uint64_t took = fake_mp_ops.now_us() - t0;
    assert_true(took < 3ull * BB_MP_START_TIMEOUT_US); /* bounded: check-in + short drain */
    for (int i = 0; i < 4; i++)
        assert_int_equal(calls[i], 0); /* aborted before anything ran */
    assert_int_equal(mp_usable(&st), 3);
    assert_true(st.left_out[1]); /* processor 2 */
    assert_int_equal(st.lost_running, 0); /* it never ran fn: the argument is free again */
    int found = 0;
    for (int i = 0; i < degraded_count(); i++)
        found |= strstr(degraded_text(i), "processor 2") != NULL;
    assert_true(found);
    /* the next run uses the others */
    assert_int_equal(mp_run(&st, &fake_mp_ops, 3, work, NULL), 0);
    for (int i = 0; i < 3; i++)
        assert_int_equal(calls[i], 1);
}

static void run_never_completes_bounded(void **s)
{
    (void)s;
    setup(0, 0, -1, 3);
    uint64_t t0 = fake_mp_ops.now_us();
    assert_int_equal(mp_run(&st, &fake_mp_ops, 4, work, NULL), -1);
    assert_true(fake_mp_ops.now_us() - t0 < 2ull * BB_MP_DRAIN_TIMEOUT_US);
    assert_true(st.left_out[2]); /* processor 3 */
    assert_int_equal(mp_usable(&st), 3);
    assert_int_equal(st.lost_running, 1); /* it was inside fn: its argument stays its own */
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
