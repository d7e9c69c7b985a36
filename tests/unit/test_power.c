/* test_power.c - frequency policy from recorded MSR values (Intel with and without HWP, AMD
 * with and without CPPC, unreadable registers) and the pstate=max decision. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/machine/power.h"

static void set(struct power_raw *r, enum power_reg reg, uint64_t v)
{
    r->regs[reg].rc = 0;
    r->regs[reg].v = v;
}

static void base(struct power_raw *r, int intel)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < PR_COUNT; i++)
        r->regs[i].rc = 1; /* not asked */
    r->intel = intel;
    r->amd = !intel;
    r->ring0 = 1;
}

static void intel_without_hwp(void **state)
{
    (void)state;
    struct power_raw r;
    struct power_policy p;
    struct power_plan plan;
    base(&r, 1);
    set(&r, PR_MISC_ENABLE, 0x850089);          /* bit 38 clear: turbo on */
    set(&r, PR_PLATFORM_INFO, 0x80838f3011800ull); /* max non-turbo ratio 0x18 = 24 */
    set(&r, PR_TURBO_RATIO, 0x2a2a2c2c2e2e2f30ull); /* 1-core turbo 0x30 = 48 */
    set(&r, PR_PERF_STATUS, 0x1d00001c00ull);   /* current ratio 0x1c */
    set(&r, PR_PERF_CTL, 0x1000);               /* requested ratio 16 */
    power_decode(&r, &p);
    assert_int_equal(p.turbo_disabled, 0);
    assert_int_equal(p.max_nonturbo_ratio, 24);
    assert_int_equal(p.max_turbo_ratio, 48);
    assert_int_equal(p.perf_status_ratio, 0x1c);
    assert_int_equal(p.perf_ctl_ratio, 16);
    assert_int_equal(p.hwp_enabled, 0);
    assert_int_equal(p.hwp_highest, -1);
    power_plan_max(&r, &p, &plan);
    assert_false(plan.refused);
    assert_int_equal(plan.nwrites, 1);
    assert_int_equal(plan.w[0].reg, PR_PERF_CTL);
    assert_int_equal(plan.w[0].mask, 0xff00);
    assert_int_equal(plan.w[0].bits, 48 << 8); /* turbo range */

    set(&r, PR_MISC_ENABLE, 0x850089 | (1ull << 38)); /* firmware disabled turbo */
    power_decode(&r, &p);
    assert_int_equal(p.turbo_disabled, 1);
    power_plan_max(&r, &p, &plan);
    assert_int_equal(plan.w[0].bits, 24 << 8); /* highest non-turbo */

    /* HWP supported but not enabled by the firmware: PERF_CTL, never PM_ENABLE */
    r.hwp_supported = 1;
    set(&r, PR_PM_ENABLE, 0);
    power_decode(&r, &p);
    assert_int_equal(p.hwp_enabled, 0);
    power_plan_max(&r, &p, &plan);
    assert_int_equal(plan.nwrites, 1);
    assert_int_equal(plan.w[0].reg, PR_PERF_CTL);
}

static void intel_with_hwp(void **state)
{
    (void)state;
    struct power_raw r;
    struct power_policy p;
    struct power_plan plan;
    base(&r, 1);
    r.hwp_supported = 1;
    set(&r, PR_MISC_ENABLE, 0x850089);
    set(&r, PR_PM_ENABLE, 1);
    set(&r, PR_HWP_CAP, 0x01172a30);    /* highest 48, guaranteed 42, efficient 23, lowest 1 */
    set(&r, PR_HWP_REQ, 0x80002a08);    /* min 8, max 42, desired 0, EPP 128 */
    power_decode(&r, &p);
    assert_int_equal(p.hwp_enabled, 1);
    assert_int_equal(p.hwp_highest, 48);
    assert_int_equal(p.hwp_guaranteed, 42);
    assert_int_equal(p.hwp_efficient, 0x17);
    assert_int_equal(p.hwp_lowest, 1);
    assert_int_equal(p.hwp_min, 8);
    assert_int_equal(p.hwp_max, 42);
    assert_int_equal(p.hwp_desired, 0);
    assert_int_equal(p.hwp_epp, 128);
    power_plan_max(&r, &p, &plan);
    assert_false(plan.refused);
    assert_int_equal(plan.nwrites, 1);
    assert_int_equal(plan.w[0].reg, PR_HWP_REQ);
    assert_int_equal(plan.w[0].mask, 0xffffffffull);
    assert_int_equal(plan.w[0].bits, 0x3030); /* min = max = 48, desired 0, EPP 0 */
    for (int k = 0; k < plan.nwrites; k++)
        assert_int_not_equal(plan.w[k].reg, PR_PM_ENABLE);

    /* HWP enabled but the capabilities unreadable: refuse rather than guess */
    r.regs[PR_HWP_CAP].rc = 13;
    power_decode(&r, &p);
    assert_int_equal(p.hwp_highest, -1);
    power_plan_max(&r, &p, &plan);
    assert_true(plan.refused);
    assert_int_equal(plan.nwrites, 0);
}

static void amd_without_cppc(void **state)
{
    (void)state;
    struct power_raw r;
    struct power_policy p;
    struct power_plan plan;
    base(&r, 0);
    set(&r, PR_HWCR, 0x1000010 | (1u << 25)); /* CpbDis: boost off */
    set(&r, PR_PSTATE_LIMIT, 0x21);          /* limit P1, max value P2 */
    set(&r, PR_PSTATE_CTL, 2);
    set(&r, PR_PSTATE_STATUS, 2);
    power_decode(&r, &p);
    assert_int_equal(p.turbo_disabled, 1);
    assert_int_equal(p.pstate_limit, 1);
    assert_int_equal(p.pstate_max_value, 2);
    assert_int_equal(p.pstate_requested, 2);
    assert_int_equal(p.pstate_current, 2);
    assert_int_equal(p.cppc_enabled, 0);
    power_plan_max(&r, &p, &plan);
    assert_false(plan.refused);
    assert_int_equal(plan.nwrites, 1);
    assert_int_equal(plan.w[0].reg, PR_PSTATE_CTL);
    assert_int_equal(plan.w[0].mask, 7);
    assert_int_equal(plan.w[0].bits, 1); /* the highest the limit allows */
}

static void amd_with_cppc(void **state)
{
    (void)state;
    struct power_raw r;
    struct power_policy p;
    struct power_plan plan;
    base(&r, 0);
    r.cppc_supported = 1;
    set(&r, PR_HWCR, 0x1000010);
    set(&r, PR_PSTATE_LIMIT, 0x20);
    set(&r, PR_PSTATE_CTL, 0);
    set(&r, PR_PSTATE_STATUS, 0);
    set(&r, PR_CPPC_ENABLE, 1);
    set(&r, PR_CPPC_CAP1, 0xc8784010); /* highest 200, nominal 120, lowest nonlinear 64, lowest 16 */
    set(&r, PR_CPPC_REQ, 0x80000fc8);  /* max 200, min 15, desired 0, EPP 128 */
    power_decode(&r, &p);
    assert_int_equal(p.turbo_disabled, 0);
    assert_int_equal(p.cppc_enabled, 1);
    assert_int_equal(p.cppc_highest, 200);
    assert_int_equal(p.cppc_nominal, 120);
    assert_int_equal(p.cppc_lowest_nonlinear, 64);
    assert_int_equal(p.cppc_lowest, 16);
    assert_int_equal(p.cppc_max, 200);
    assert_int_equal(p.cppc_min, 15);
    assert_int_equal(p.cppc_epp, 128);
    power_plan_max(&r, &p, &plan);
    assert_int_equal(plan.nwrites, 2);
    assert_int_equal(plan.w[0].reg, PR_PSTATE_CTL);
    assert_int_equal(plan.w[0].bits, 0);
    assert_int_equal(plan.w[1].reg, PR_CPPC_REQ);
    assert_int_equal(plan.w[1].bits, 0xc8c8);
}

static void refusals(void **state)
{
    (void)state;
    struct power_raw r;
    struct power_policy p;
    struct power_plan plan;
    base(&r, 1);
    set(&r, PR_PLATFORM_INFO, 0x1800);
    set(&r, PR_PERF_CTL, 0x1000);
    r.hypervisor = 1;
    r.hv_name = "kvm";
    power_decode(&r, &p);
    power_plan_max(&r, &p, &plan);
    assert_true(plan.refused);
    assert_int_equal(plan.nwrites, 0);
    assert_non_null(strstr(plan.why, "hypervisor (kvm)"));
    r.hypervisor = 0;
    r.ring0 = 0;
    power_plan_max(&r, &p, &plan);
    assert_true(plan.refused);
    assert_non_null(strstr(plan.why, "ring 0"));
    r.ring0 = 1;
    r.regs[PR_PLATFORM_INFO].rc = 13; /* ratio unknown */
    r.regs[PR_TURBO_RATIO].rc = 13;
    power_decode(&r, &p);
    assert_int_equal(p.max_nonturbo_ratio, -1);
    power_plan_max(&r, &p, &plan);
    assert_true(plan.refused);
    base(&r, 0);
    r.amd = 0; /* neither vendor */
    power_decode(&r, &p);
    power_plan_max(&r, &p, &plan);
    assert_true(plan.refused);
    assert_int_equal(p.turbo_disabled, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(intel_without_hwp),
        cmocka_unit_test(intel_with_hwp),
        cmocka_unit_test(amd_without_cppc),
        cmocka_unit_test(amd_with_cppc),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
