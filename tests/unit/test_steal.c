/* test_steal.c - reading KVM's steal-time record under its version seqcount (a writer thread
 * updating it in two halves must never be seen torn), and the runner's outlier count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bench/runner_acct.h"
#include "kernel/steal.h"

#include <pthread.h>

static void stable_and_busy_records(void **state)
{
    (void)state;
    struct kvm_steal_time st;
    uint64_t ns = 7;
    memset(&st, 0, sizeof st);
    st.steal = 123456;
    st.version = 4;
    assert_int_equal(steal_kvm_read(&st, &ns, 10), 0);
    assert_int_equal(ns, 123456);
    st.version = 5; /* the host is in the middle of an update */
    ns = 7;
    assert_int_equal(steal_kvm_read(&st, &ns, 10), -1);
    assert_int_equal(ns, 7);
}

static struct kvm_steal_time shared __attribute__((aligned(64)));
static volatile int stop;

/* The host's side: version odd, steal written as two 32-bit halves (both = i), version even. */
static void *writer(void *arg)
{
    (void)arg;
    volatile uint32_t *half = (volatile uint32_t *)&shared.steal;
    volatile uint32_t *ver = &shared.version;
    for (uint32_t i = 1; !stop; i++) {
        *ver = *ver + 1;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        half[0] = i;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        half[1] = i;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        *ver = *ver + 1;
    }
    return NULL;
}

static void never_torn_under_updates(void **state)
{
    (void)state;
    pthread_t th;
    memset(&shared, 0, sizeof shared);
    stop = 0;
    assert_int_equal(pthread_create(&th, NULL, writer, NULL), 0);
    int reads = 0;
    uint64_t last = 0;
    for (int i = 0; i < 200000; i++) {
        uint64_t ns;
        if (steal_kvm_read(&shared, &ns, 1000) != 0)
            continue;
        reads++;
        assert_int_equal((uint32_t)ns, (uint32_t)(ns >> 32)); /* both halves of one update */
        assert_true(ns >= last);                             /* never goes back */
        last = ns;
    }
    stop = 1;
    pthread_join(th, NULL);
    assert_true(reads > 1000);
}

static void outliers_by_mad(void **state)
{
    (void)state;
    const double rate[] = {10.0, 10.1, 9.9, 10.0, 10.05, 2.0};
    assert_int_equal(runacct_outliers(rate, 6, "higher"), 1); /* the slow 2.0 */
    assert_int_equal(runacct_outliers(rate, 6, "lower"), 0);  /* 2.0 is fast for a time */
    const double ns[] = {5.0, 5.1, 4.9, 5.0, 30.0, 31.0, 5.05};
    assert_int_equal(runacct_outliers(ns, 7, "lower"), 2);
    const double flat[] = {3, 3, 3, 3};
    assert_int_equal(runacct_outliers(flat, 4, "higher"), 0);
    assert_int_equal(runacct_outliers(rate, 2, "higher"), 0); /* too few to tell */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stable_and_busy_records),
        cmocka_unit_test(never_torn_under_updates),
        cmocka_unit_test(outliers_by_mad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
