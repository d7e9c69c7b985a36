/* test_steal.c - reading KVM's steal-time record under its version seqcount (a writer thread
 * updating it in two halves must never be seen torn), VMware's steal clock / pseudo-counter
 * probing and decoding against a fake backdoor, and the runner's outlier count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bench/runner_acct.h"
#include "kernel/machine/steal.h"
#include "kernel/x86/steal_vmware.h"

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
        /* a short stable window, as a real host leaves: without it a reader running in
         * parallel on a busy 2-core machine almost never sees an unchanged version */
        for (volatile int k = 0; k < 50; k++)
            ;
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

/* A recorded VMware: what command 91 answers (or the vector it faults with) and which pseudo
 * counters RDPMC reads (fault vector per counter, values). */
struct fake_vmw {
    int sc_fault;
    int32_t sc_answer;
    uint32_t got_hi, got_lo;
    int pmc_fault;
    uint64_t real_ns, apparent_ns;
};

static int fake_stealclock(void *ctx, uint32_t hi, uint32_t lo, int32_t *result)
{
    struct fake_vmw *f = ctx;
    f->got_hi = hi, f->got_lo = lo;
    if (f->sc_fault)
        return f->sc_fault;
    *result = f->sc_answer;
    return 0;
}

static int fake_rdpmc(void *ctx, uint32_t idx, uint64_t *v)
{
    struct fake_vmw *f = ctx;
    if (f->pmc_fault)
        return f->pmc_fault;
    if (idx == VMW_PMC_REAL_NS)
        *v = f->real_ns;
    else if (idx == VMW_PMC_APPARENT_NS)
        *v = f->apparent_ns;
    else
        return 13;
    return 0;
}

static void vmware_probe_choices(void **state)
{
    (void)state;
    char why[256];
    struct fake_vmw f = {0, VMW_STEALCLOCK_ENABLED, 0, 0, 0, 5000, 4000};
    struct vmw_backdoor b = {fake_stealclock, fake_rdpmc, &f};

    /* steal clock enabled: the record's address is passed as high:low halves */
    assert_int_equal(vmw_probe(&b, 0x123456789c0ull, why, sizeof why), VMW_STEALCLOCK);
    assert_int_equal(f.got_hi, 0x123);
    assert_int_equal(f.got_lo, 0x456789c0);
    assert_string_equal(why, "");

    /* older VMware (-1): pseudo counters readable -> fallback, why names the steal clock */
    f.sc_answer = VMW_STEALCLOCK_NOT_AVAILABLE;
    assert_int_equal(vmw_probe(&b, 0x1000, why, sizeof why), VMW_PSEUDO_PMC);
    assert_non_null(strstr(why, "answered -1"));

    /* not VMware at all: the backdoor port #GPs and RDPMC 0x10001 #GPs -> none, both named */
    f.sc_fault = 13;
    f.pmc_fault = 13;
    assert_int_equal(vmw_probe(&b, 0x1000, why, sizeof why), VMW_NONE);
    assert_non_null(strstr(why, "backdoor call: #GP"));
    assert_non_null(strstr(why, "RDPMC 0x10001: #GP"));
    assert_non_null(strstr(why, "pseudo_perfctr"));

    /* steal clock refused (0), counters read zero -> none, not a bogus fallback */
    f.sc_fault = 0;
    f.sc_answer = VMW_STEALCLOCK_DISABLED;
    f.pmc_fault = 0;
    f.real_ns = 0;
    assert_int_equal(vmw_probe(&b, 0x1000, why, sizeof why), VMW_NONE);
    assert_non_null(strstr(why, "answered 0"));
    assert_non_null(strstr(why, "read 0"));
}

static void vmware_stealclock_cycles_to_ns(void **state)
{
    (void)state;
    struct vmware_steal_time rec;
    memset(&rec, 0, sizeof rec);
    assert_int_equal(sizeof rec, 64);
    rec.clock = 3000000000ull; /* 3e9 stolen guest-TSC cycles at 3 GHz = 1 s */
    assert_int_equal(vmw_stealclock_ns(&rec, 3e9), 1000000000ull);
    rec.clock = 2500; /* 2500 cycles at 2.5 GHz = 1000 ns */
    assert_int_equal(vmw_stealclock_ns(&rec, 2.5e9), 1000);
    rec.clock = 1ull << 50; /* large counts stay within 1 ppm */
    uint64_t ns = vmw_stealclock_ns(&rec, 2e9);
    assert_true(ns > (uint64_t)(0.999999 * 562949953421312.0) && ns < (uint64_t)(1.000001 * 562949953421312.0));
    assert_int_equal(vmw_stealclock_ns(&rec, 0), 0); /* uncalibrated clock: no number */
}

static void vmware_lag_growth_only(void **state)
{
    (void)state;
    struct vmw_lag l = {0, 0, 0};
    assert_int_equal(vmw_lag_step(&l, 1000000, 1000000), 0);   /* first reading primes */
    assert_int_equal(vmw_lag_step(&l, 2000000, 1900000), 100000); /* descheduled 100 us */
    assert_int_equal(vmw_lag_step(&l, 3000000, 2950000), 100000); /* catch-up: not negative */
    assert_int_equal(vmw_lag_step(&l, 4000000, 3900000), 150000); /* lag 50 us -> 100 us */
    assert_int_equal(vmw_lag_step(&l, 5000000, 5000100), 150000); /* apparent ahead: lag 0 */
    struct vmw_lag m = {0, 0, 0};
    assert_int_equal(vmw_lag_step(&m, 9000000, 1000000), 0); /* lag before the run: not stolen here */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stable_and_busy_records),
        cmocka_unit_test(never_torn_under_updates),
        cmocka_unit_test(outliers_by_mad),
        cmocka_unit_test(vmware_probe_choices),
        cmocka_unit_test(vmware_stealclock_cycles_to_ns),
        cmocka_unit_test(vmware_lag_growth_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
