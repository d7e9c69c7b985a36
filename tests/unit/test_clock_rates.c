/* test_clock_rates.c - the rates the CPU and a hypervisor state for the counter (arch/cpu.h
 * arch_counter_rates) reach kernel/machine/clock.c as before the seam: cross-checked in the order
 * CPUID 0x15, hypervisor leaf 0x40000010, CPUID 0x16 base, then firmware/host Stall; the
 * hypervisor's word ranked before CPUID 0x15's when no reference clock calibrates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/cpu.h"
#include "kernel/machine/clock.h"
#include "kernel/machine/identity.h"

static struct identity id;

/* The stated rates become cross-checks, in the document's order, unstated ones left out. */
static void stated_rates_are_cross_checked_in_order(void **s)
{
    (void)s;
    identity_collect(&id);
    id.cpu.cpuid15_tsc_hz = 2100000000ull;
    id.cpu.hv_tsc_khz = 2200000ull;
    id.cpu.base_mhz = 2300;
    assert_int_equal(clock_calibrate(&id.cpu), 0);
    assert_string_equal(g_clock.source, "tsc");
    assert_int_equal(g_clock.nchecks, 4);
    assert_string_equal(g_clock.checks[0].name, "cpuid-0x15");
    assert_true(g_clock.checks[0].hz == 2.1e9);
    assert_string_equal(g_clock.checks[1].name, "hypervisor-0x40000010");
    assert_true(g_clock.checks[1].hz == 2.2e9);
    assert_string_equal(g_clock.checks[2].name, "cpuid-0x16-base");
    assert_true(g_clock.checks[2].hz == 2.3e9);
    assert_string_equal(g_clock.checks[3].name, "host-stall-50ms");

    id.cpu.hv_tsc_khz = 0; /* not stated: no check */
    id.cpu.base_mhz = 0;
    assert_int_equal(clock_calibrate(&id.cpu), 0);
    assert_int_equal(g_clock.nchecks, 2);
    assert_string_equal(g_clock.checks[0].name, "cpuid-0x15");
    assert_string_equal(g_clock.checks[1].name, "host-stall-50ms");
}

/* Without a reference clock the hypervisor's rate calibrates first, then CPUID 0x15's; the
 * 0x16 base frequency only cross-checks. */
static void fallback_ranking(void **s)
{
    (void)s;
    struct cpu_info c;
    memset(&c, 0, sizeof c);
    c.cpuid15_tsc_hz = 1;
    c.hv_tsc_khz = 1;
    c.base_mhz = 1;
    struct arch_rate r[ARCH_MAX_RATES];
    int n = arch_counter_rates(&c, r);
    assert_int_equal(n, 3);
    int hv = -1, c15 = -1, c16 = -1;
    for (int i = 0; i < n; i++) {
        if (!strcmp(r[i].name, "hypervisor-0x40000010"))
            hv = r[i].fallback;
        else if (!strcmp(r[i].name, "cpuid-0x15"))
            c15 = r[i].fallback;
        else if (!strcmp(r[i].name, "cpuid-0x16-base"))
            c16 = r[i].fallback;
    }
    assert_true(hv > 0 && c15 > hv);
    assert_int_equal(c16, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stated_rates_are_cross_checked_in_order),
        cmocka_unit_test(fallback_ranking),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
