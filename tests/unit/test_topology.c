/* test_topology.c - topology from CPUID 0xB/0x1F leaves (as QEMU and the SDM lay them out),
 * counting, and the cpus= selection: the same processors by topology whatever the numbering. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/machine/topology.h"
#include "kernel/x86/topology_cpuid.h"
#include "tests/unit/fake_cpuid.h"

/* QEMU 7.2, -smp 8,sockets=2,cores=2,threads=2 (target/i386/cpu.c): leaf 0xB level 0 SMT with
 * shift 1 (2 threads), level 1 core with shift 2 (4 logical per package); no leaf 0x1F. */
static const struct leaf qemu_2s2c2t[] = {
    {0, 0, {0xd, 0x756e6547, 0x6c65746e, 0x49656e69}},
    {0xb, 0, {1, 2, 0x100, 0}},
    {0xb, 1, {2, 4, 0x201, 0}},
    {0xb, 2, {0, 0, 2, 0}},
};

/* Intel SDM leaf 0x1F layout on a part with dies: SMT shift 1, core shift 4, die shift 6. */
static const struct leaf intel_dies[] = {
    {0, 0, {0x1f, 0, 0, 0}},
    {0x1f, 0, {1, 2, 0x100, 0}},
    {0x1f, 1, {4, 16, 0x201, 0}},
    {0x1f, 2, {6, 64, 0x502, 0}},
    {0x1f, 3, {0, 0, 3, 0}},
    {0xb, 0, {1, 2, 0x100, 0}},
    {0xb, 1, {6, 64, 0x201, 0}},
};

static void shifts_from_leaf_0b(void **state)
{
    (void)state;
    int smt, die, pkg;
    USE(qemu_2s2c2t);
    assert_int_equal(topo_cpuid_shifts(fake_cpuid, &smt, &die, &pkg), 0xb);
    assert_int_equal(smt, 1);
    assert_int_equal(pkg, 2);
    struct topo_cpu c;
    topo_split_apic(5, smt, die, pkg, &c); /* 0b101: package 1, core 0, thread 1 */
    assert_int_equal(c.package, 1);
    assert_int_equal(c.core, 0);
    assert_int_equal(c.thread, 1);
    topo_split_apic(2, smt, die, pkg, &c);
    assert_int_equal(c.package, 0);
    assert_int_equal(c.core, 1);
    assert_int_equal(c.thread, 0);
}

static void shifts_from_leaf_1f_with_dies(void **state)
{
    (void)state;
    int smt, die, pkg;
    USE(intel_dies);
    assert_int_equal(topo_cpuid_shifts(fake_cpuid, &smt, &die, &pkg), 0x1f);
    assert_int_equal(smt, 1);
    assert_int_equal(die, 4);
    assert_int_equal(pkg, 6);
    struct topo_cpu c;
    topo_split_apic(0x75, smt, die, pkg, &c); /* 1 11 010 1 */
    assert_int_equal(c.package, 1);
    assert_int_equal(c.die, 3);
    assert_int_equal(c.core, 2);
    assert_int_equal(c.thread, 1);
}

static void no_topology_leaves(void **state)
{
    (void)state;
    static const struct leaf old[] = {{0, 0, {0xa, 0, 0, 0}}};
    int smt = -1, die = -1, pkg = -1;
    USE(old);
    assert_int_equal(topo_cpuid_shifts(fake_cpuid, &smt, &die, &pkg), 0);
    assert_int_equal(smt, -1);
}

/* 2 packages x 2 cores x 2 threads from APIC ids, processors numbered as `apic` lists them. */
static void build(struct topology *t, struct topo_cpu *cpu, int *sel, const uint32_t *apic)
{
    memset(t, 0, sizeof *t);
    t->n = 8;
    t->cpu = cpu;
    t->sel = sel;
    for (int i = 0; i < 8; i++)
        topo_split_apic(apic[i], 1, 2, 2, &cpu[i]);
    topo_count(t);
}

static void counts_and_selection(void **state)
{
    (void)state;
    /* UEFI MP services order: APIC order, siblings adjacent */
    static const uint32_t uefi[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    /* Linux order: first threads of every core, then the siblings */
    static const uint32_t linux_order[8] = {0, 2, 4, 6, 1, 3, 5, 7};
    struct topology a, b;
    struct topo_cpu ca[8], cb[8];
    int sa[8], sb[8];
    char err[128];
    build(&a, ca, sa, uefi);
    build(&b, cb, sb, linux_order);
    assert_int_equal(a.packages, 2);
    assert_int_equal(a.cores, 4);
    assert_int_equal(a.threads_per_core, 2);
    assert_int_equal(b.cores, 4);

    /* cpus=N: the same processors by APIC id on both numberings, cores before siblings */
    for (int n = 1; n <= 8; n++) {
        char spec[8];
        snprintf(spec, sizeof spec, "%d", n);
        assert_int_equal(topo_select(&a, spec, err, sizeof err), 0);
        assert_int_equal(topo_select(&b, spec, err, sizeof err), 0);
        assert_int_equal(a.nsel, n);
        assert_int_equal(b.nsel, n);
        for (int k = 0; k < n; k++)
            assert_int_equal(ca[a.sel[k]].apic_id, cb[b.sel[k]].apic_id);
        assert_int_equal(a.sel_smt, n <= 4 ? 1 : 2);
        assert_int_equal(a.sel[0], 0);
    }
    assert_int_equal(topo_select(&a, "4", err, sizeof err), 0);
    assert_int_equal(ca[a.sel[1]].package, 0); /* core 1 of package 0 before package 1 */
    assert_int_equal(ca[a.sel[2]].package, 1);

    assert_int_equal(topo_select(&a, "cores", err, sizeof err), 0);
    assert_int_equal(a.nsel, 4);
    assert_int_equal(a.sel_smt, 1);
    for (int k = 0; k < 4; k++)
        assert_int_equal(ca[a.sel[k]].thread, 0);
    assert_int_equal(topo_select(&a, "all", err, sizeof err), 0);
    assert_int_equal(a.nsel, 8);
    assert_int_equal(a.sel_smt, 2);
    assert_int_equal(topo_select(&a, "0", err, sizeof err), 0); /* the old cpus=0 = all */
    assert_int_equal(a.nsel, 8);
    assert_int_equal(topo_select(&a, "99", err, sizeof err), 0); /* more than there are: all */
    assert_int_equal(a.nsel, 8);

    assert_int_equal(topo_select(&a, "0,1,4-5", err, sizeof err), 0);
    assert_int_equal(a.nsel, 4);
    assert_int_equal(a.sel[2], 4);
    assert_int_equal(a.sel_smt, 2);
    assert_int_equal(topo_smt_first(&a, 1), 1);
}

static void bad_cpus_values(void **state)
{
    (void)state;
    static const uint32_t apic[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    struct topology t;
    struct topo_cpu c[8];
    int sel[8];
    char err[128];
    build(&t, c, sel, apic);
    assert_int_equal(topo_select(&t, "1,2", err, sizeof err), -1);
    assert_non_null(strstr(err, "processor 0"));
    assert_int_equal(topo_select(&t, "0,9", err, sizeof err), -1);
    assert_non_null(strstr(err, "processor 9 does not exist (there are 8)"));
    assert_int_equal(topo_select(&t, "0,0", err, sizeof err), -1);
    assert_non_null(strstr(err, "named twice"));
    assert_int_equal(topo_select(&t, "half", err, sizeof err), -1);
    assert_non_null(strstr(err, "cpus=half"));
    assert_int_equal(topo_select(&t, "0,3-1", err, sizeof err), -1);
    assert_int_equal(topo_select(&t, "-1", err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shifts_from_leaf_0b),
        cmocka_unit_test(shifts_from_leaf_1f_with_dies),
        cmocka_unit_test(no_topology_leaves),
        cmocka_unit_test(counts_and_selection),
        cmocka_unit_test(bad_cpus_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
