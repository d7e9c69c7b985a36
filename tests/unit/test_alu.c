/* test_alu.c - suites alu and vmcost on Linux: every alu kernel's value against its reference
 * and closed forms, the mixed workloads' fixed check values, the SIMD dispatcher on fake CPUs,
 * fault recovery through plat_try, and vmcost's "needs ring 0" skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bench/alu.h"
#include "bench/suites.h"
#include "bench/vmcost.h"
#include "kernel/machine/clock.h"
#include "arch/cpu.h"
#include "arch/platform.h"
#include "kernel/machine/identity.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

static struct cpu_info host_cpu(void)
{
    struct cpu_info c;
    cpu_decode(cpuid_native, cpu_read_xcr0(), &c);
    return c;
}

static void check_kernel(const struct alu_kernel *k)
{
    struct alu_arg a;
    alu_arg_init(&a);
    static const uint64_t ns[] = {1, 2, 999, 1000, 1001};
    for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
        if (k->kind == ALU_MIXED && ns[i] != 1000)
            continue; /* mixed references are fixed values at 1000 */
        uint64_t got = k->fn(&a, ns[i]), want = k->ref(&a, ns[i]);
        if (got != want)
            print_error("%s (%s) n=%llu: got %llu want %llu\n", k->test, k->isa,
                        (unsigned long long)ns[i], (unsigned long long)got,
                        (unsigned long long)want);
        assert_int_equal(got, want);
    }
}

static void scalar_kernels_match_references(void **state)
{
    (void)state;
    struct cpu_info c = host_cpu();
    int n = 0;
    for (int i = 0; alu_scalar_kernels[i]; i++, n++)
        if (alu_isa_usable(&c, alu_scalar_kernels[i]->isa))
            check_kernel(alu_scalar_kernels[i]);
    assert_int_equal(n, 16);
}

static void simd_kernels_match_references(void **state)
{
    (void)state;
    struct cpu_info c = host_cpu();
    for (int i = 0; alu_simd_kernels[i]; i++)
        if (alu_isa_usable(&c, alu_simd_kernels[i]->isa))
            check_kernel(alu_simd_kernels[i]);
}

static void closed_forms(void **state)
{
    (void)state;
    struct alu_arg a;
    alu_arg_init(&a);
    assert_int_equal(alu_int_add_tput.fn(&a, 1000), 28 + 128000 * a.k);
    assert_int_equal(alu_int_add_lat.fn(&a, 1000), 8000 * a.k);
    uint64_t p = 1;
    for (int i = 0; i < 8 * 10; i++)
        p *= a.k;
    assert_int_equal(alu_int_mul_lat.fn(&a, 10), p);
    assert_int_equal(alu_fp_add_tput.fn(&a, 1000), 66 + 12000);
    assert_int_equal(alu_fp_add_lat.fn(&a, 1000), 8000);
    assert_int_equal(alu_fp_mul_tput.fn(&a, 1001), (uint64_t)-78);
    assert_int_equal(alu_simd_sse2.fn(&a, 1000), 2 * 66 + 24 * 1000);
    struct cpu_info c = host_cpu();
    if (alu_isa_usable(&c, "avx512"))
        assert_int_equal(alu_simd_avx512.fn(&a, 1000), 8 * 276 + 192 * 1000);
    if (alu_isa_usable(&c, "avx2"))
        assert_int_equal(alu_simd_avx2.fn(&a, 1000), 4 * 66 + 48 * 1000);
    if (alu_isa_usable(&c, "fma"))
        assert_int_equal(alu_fp_fma_tput.fn(&a, 1000), 66 + 12000);
    /* a divide chain x = D / x alternates between two values and never reaches 0 */
    assert_true(alu_int_div_lat.fn(&a, 1000) > 0);
}

static void mixed_values_fixed_and_repeatable(void **state)
{
    (void)state;
    struct alu_arg a;
    alu_arg_init(&a);
    assert_int_equal(alu_mixed_int.fn(&a, 1000), ALU_MIXED_INT_CHECK_1000);
    assert_int_equal(alu_mixed_int.fn(&a, 1000), ALU_MIXED_INT_CHECK_1000);
    assert_int_equal(alu_mixed_fp.fn(&a, 1000), ALU_MIXED_FP_CHECK_1000);
    assert_int_equal(alu_mixed_fp.fn(&a, 1000), ALU_MIXED_FP_CHECK_1000);
    assert_int_not_equal(alu_mixed_int.fn(&a, 999), ALU_MIXED_INT_CHECK_1000);
}

static void branch_kernels_differ_by_pattern(void **state)
{
    (void)state;
    struct alu_arg a;
    alu_arg_init(&a);
    assert_int_not_equal(alu_branch_pred.fn(&a, 1000), alu_branch_random.fn(&a, 1000));
}

static void dispatcher_picks_isa(void **state)
{
    (void)state;
    struct cpu_info c;
    memset(&c, 0, sizeof c);
    assert_string_equal(alu_best_simd(&c)->isa, "sse2");
    assert_false(alu_isa_usable(&c, "fma"));
    assert_true(alu_isa_usable(&c, "base"));
    c.avx2 = c.fma = 1; /* CPU has them, OS did not enable AVX state */
    assert_string_equal(alu_best_simd(&c)->isa, "sse2");
    c.os_avx = 1;
    assert_string_equal(alu_best_simd(&c)->isa, "avx2");
    assert_true(alu_isa_usable(&c, "fma"));
    c.avx512f = 1; /* no AVX-512 state in XCR0 */
    assert_string_equal(alu_best_simd(&c)->isa, "avx2");
    c.os_avx512 = 1;
    assert_string_equal(alu_best_simd(&c)->isa, "avx512");
    c.fma = 0; /* AVX2 without FMA cannot run the avx2 kernel; AVX-512F can */
    assert_string_equal(alu_best_simd(&c)->isa, "avx512");
    c.avx512f = c.os_avx512 = 0;
    assert_string_equal(alu_best_simd(&c)->isa, "sse2");
    assert_false(alu_isa_usable(&c, "nonsense"));
}

static void do_ud2(void *p) { (void)p; __asm__ volatile("ud2"); }
static void do_read(void *p) { (void)*(volatile uint32_t *)p; }
static void do_rdmsr(void *p)
{
    (void)p;
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
}
static void do_nothing(void *p) { *(int *)p = 42; }
static void nested(void *p) { *(int *)p = plat_try(do_ud2, NULL); }

static void plat_try_recovers(void **state)
{
    (void)state;
    int x = 0;
    assert_int_equal(plat_try(do_nothing, &x), -1); /* not installed yet */
    assert_int_equal(plat_trap_begin(), 0);
    assert_int_equal(plat_try(do_nothing, &x), 0);
    assert_int_equal(x, 42);
    assert_int_equal(plat_try(do_ud2, NULL), 6);
    assert_int_equal(plat_try(do_rdmsr, NULL), 13);
    uintptr_t u = plat_unmapped_address();
    assert_true(u != 0);
    assert_int_equal(plat_try(do_read, (void *)u), 14);
    x = 0;
    assert_int_equal(plat_try(nested, &x), 0);
    assert_int_equal(x, 6);
    const char *why = NULL;
    assert_int_equal(plat_hlt_timer(1, &why), -1);
    assert_string_equal(why, "needs ring 0");
    plat_trap_end();
    char buf[16];
    assert_string_equal(vm_vector_name(14, buf, sizeof buf), "#PF");
    assert_string_equal(vm_vector_name(3, buf, sizeof buf), "vector 3");
}

static void vmcost_linux_skips_ring0(void **state)
{
    (void)state;
    static struct identity id;
    struct options o;
    struct results rs;
    struct bench_ctx c;
    options_defaults(&o);
    o.min_time_ms = 1;
    o.reps = 2;
    identity_collect(&id);
    assert_int_equal(clock_calibrate(&id.cpu), 0);
    results_init(&rs);
    bench_ctx_init(&c, &o, &rs, &id);
    suite_vmcost.run(&c);
    int ring0_ops = 0;
    for (int i = 0; vm_ops[i].test; i++)
        ring0_ops += vm_ops[i].ring0;
    assert_int_equal(ring0_ops, 8);
    int skipped_ring0 = 0;
    for (int i = 0; i < rs.nskipped; i++) {
        assert_string_equal(rs.skipped[i].suite, "vmcost");
        skipped_ring0 += !strcmp(rs.skipped[i].why, "needs ring 0");
    }
    assert_int_equal(skipped_ring0, 8);
    int cpuid = 0, rdtsc = 0;
    for (int i = 0; i < rs.n; i++) {
        assert_true(rs.r[i].st.median > 0);
        assert_string_equal(rs.r[i].unit, "ns");
        cpuid += !strcmp(rs.r[i].test, "cpuid");
        rdtsc += !strcmp(rs.r[i].test, "rdtsc");
    }
    assert_int_equal(cpuid, 1);
    assert_int_equal(rdtsc, 1);
    assert_int_equal(rs.nerrors, 0);
    results_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scalar_kernels_match_references),
        cmocka_unit_test(simd_kernels_match_references),
        cmocka_unit_test(closed_forms),
        cmocka_unit_test(mixed_values_fixed_and_repeatable),
        cmocka_unit_test(branch_kernels_differ_by_pattern),
        cmocka_unit_test(dispatcher_picks_isa),
        cmocka_unit_test(plat_try_recovers),
        cmocka_unit_test(vmcost_linux_skips_ring0),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
