/* test_summary.c - the end-of-run page: headline figures picked from results (best ISA, most
 * threads, DRAM latency, disk table), every line within 79 columns and the page within 23
 * lines even with many disks and long errors, and the closing lines the boot tests look for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/machine/clock.h"
#include "kernel/machine/identity.h"
#include "kernel/report/results.h"
#include "app/app.h"
#include "kernel/report/summary.h"

static struct results rs;
static struct identity id;
static struct clock_info clk;
static struct summary sum;
static char page[4096];

static void add(const char *suite, const char *test, const char *unit, double v, int threads,
                const char *isa)
{
    struct result *r = results_add(&rs, suite, test, unit, "higher", "");
    double s[3] = {v * 0.99, v, v * 1.01};
    if (isa)
        result_param_str(r, "isa", isa);
    if (threads)
        result_param_int(r, "threads", threads);
    result_set_samples(r, s, 3);
}

static void add_disk(int disk, const char *test, int64_t bs, int qd, double v)
{
    struct result *r = results_add(&rs, "disk", test, test[0] == 's' ? "MB/s" : "IOPS", "higher", "");
    double s[1] = {v};
    result_param_int(r, "disk", disk);
    result_param_str(r, "disk_kind", "nvme");
    result_param_int(r, "block_size", bs);
    result_param_int(r, "qd", qd);
    result_set_samples(r, s, 1);
}

static void fill(int ndisks)
{
    results_init(&rs);
    memset(&id, 0, sizeof id);
    snprintf(id.cpu.brand, sizeof id.cpu.brand, "  AMD EPYC 9654 96-Core Processor");
    id.cpu.hv_name = "kvm";
    id.ncpus = 192;
    id.mem_total = 768ull << 30;
    id.smbios.present = 1;
    snprintf(id.smbios.sys_manufacturer, sizeof id.smbios.sys_manufacturer, "Dell Inc.");
    snprintf(id.smbios.sys_product, sizeof id.smbios.sys_product, "PowerEdge R7625");
    memset(&clk, 0, sizeof clk);
    clk.hz = 2.4e9;
    clk.calibrated_by = "acpi-pm";
    clk.spread_ppm = 0.8;
    clk.invariant = 1;
    add("timer", "tsc_read", "ns", 10, 0, NULL);
    add("alu", "simd_fma", "GFLOP/s", 38.4, 1, "avx2");
    add("alu", "simd_fma", "GFLOP/s", 76.8, 1, "avx512");
    add("alu", "simd_fma", "GFLOP/s", 14000, 192, "avx512");
    add("alu", "simd_fma", "GFLOP/s", 7000, 192, "avx2");
    struct result *r;
    double s[1];
    static const struct { int threads; double v; int nt; } tri[] = {{1, 21.5, 0}, {1, 30.25, 1},
                                                                    {192, 700, 1}, {192, 650, 0}};
    for (size_t i = 0; i < 4; i++) {
        r = results_add(&rs, "mem", "cores", "GB/s", "higher", "");
        result_param_int(r, "threads", tri[i].threads);
        result_param_str(r, "kernel", "triad");
        result_param_bool(r, "nt", tri[i].nt);
        s[0] = tri[i].v;
        result_set_samples(r, s, 1);
    }
    static const struct { int64_t bytes; const char *level; double ns; } lat[] = {
        {1 << 20, "L2", 3.5}, {1ll << 30, "DRAM", 110.5}, {4ll << 30, "DRAM", 120.5}};
    for (size_t i = 0; i < 3; i++) {
        r = results_add(&rs, "mem", "latency", "ns", "lower", "");
        result_param_int(r, "bytes", lat[i].bytes);
        result_param_str(r, "level", lat[i].level);
        s[0] = lat[i].ns;
        result_set_samples(r, s, 1);
    }
    add("vmcost", "cpuid", "ns", 95.5, 0, NULL);
    add("vmcost", "io_read", "ns", 1234, 0, NULL);
    add("vmcost", "hlt_timer", "ns", 250000, 0, NULL);
    for (int d = 0; d < ndisks; d++) {
        add_disk(d, "seq_read", 4096, 1, 512);
        add_disk(d, "seq_read", 1 << 20, 1, 3100);
        add_disk(d, "seq_read", 64 << 20, 1, 3400);
        add_disk(d, "rand_read", 4096, 1, 12000);
        add_disk(d, "rand_read", 4096, 32, 650000);
        add_disk(d, "seq_write", 4096, 1, 300);
        add_disk(d, "seq_write", 1 << 20, 1, 2000);
    }
    app_summary(&sum, &id, &clk, &rs);
}

static struct summary_end end(int status)
{
    struct summary_end e = {status, rs.n, 2, status == 1, "1.0-abc", "uefi", NULL,
                            "JSON on the serial console", "\\barebench\\results\\kvm-uefi-1.json",
                            NULL, "powering off"};
    if (status == 1)
        e.error = "disk/seq_read: disk 3 (nvme): read error at block 123456789 of 1000000000, "
                  "device reported a media error; the run went on with the next point";
    return e;
}

/* Every line within the width, the page within the height; returns the line count. */
static int check_shape(void)
{
    int lines = 0;
    for (const char *p = page, *nl; (nl = strchr(p, '\n')); p = nl + 1, lines++)
        assert_true(nl - p <= SUMMARY_COLS);
    assert_true(lines <= SUMMARY_ROWS);
    return lines;
}

static void headline_figures(void **st)
{
    (void)st;
    fill(1);
    struct summary_end e = end(0);
    int n = summary_format(&sum, &e, page, sizeof page);
    assert_int_equal(n, check_shape());
    assert_non_null(strstr(page, "  barebench: FINISHED   (1.0-abc, uefi build)\n"));
    assert_non_null(strstr(page, "  machine:   AMD EPYC 9654 96-Core Processor, 192 processors, 786432 MiB\n"));
    assert_non_null(strstr(page, "hypervisor kvm; Dell Inc. PowerEdge R7625\n"));
    assert_non_null(strstr(page, "  timer:     TSC 2.400 GHz by acpi-pm, spread 0.8 ppm\n"));
    /* the best ISA on one core, the most threads for "all" */
    assert_non_null(strstr(page, "  alu:       FP64 FMA peak 76.8 GFLOP/s on 1 core (avx512), 14000 on 192\n"));
    /* best of regular and non-temporal stores; the largest DRAM latency point */
    assert_non_null(strstr(page, "  mem:       DRAM triad 30.2 GB/s on 1 core, 700 on 192; DRAM latency 120 ns\n"));
    assert_non_null(strstr(page, "  vmcost:    CPUID 95.5 ns, port read 1234 ns, HLT wake-up 250k ns\n"));
    assert_non_null(strstr(page, "  disk   MB/s|IOPS   4K seq   1M seq  max seq        4K QD1   4K QDn\n"));
    assert_non_null(strstr(page, "  0  nvme    read       512     3100     3400 64M     12000     650k QD32\n"));
    assert_non_null(strstr(page, "  0  nvme    write      300     2000     2000 1M          -        -\n"));
    assert_non_null(strstr(page, "  results:   "));
    assert_non_null(strstr(page, "  document:  JSON on the serial console\n"));
    assert_non_null(strstr(page, "  file:      \\barebench\\results\\kvm-uefi-1.json\n"));
    assert_null(strstr(page, "  upload:"));
    assert_null(strstr(page, "  error:"));
    assert_non_null(strstr(page, "  next:      powering off\n"));
    results_free(&rs);
}

static void many_disks_and_long_error(void **st)
{
    (void)st;
    fill(7);
    struct summary_end e = end(1);
    e.upload = "sent to http://10.0.2.2:8080/: HTTP 201: stored kvm_kvm_Dell_20261129T101010Z.json "
               "(that is a long answer that must be cut)";
    summary_format(&sum, &e, page, sizeof page);
    int n = check_shape();
    assert_int_equal(n, SUMMARY_ROWS);
    assert_non_null(strstr(page, "FINISHED WITH ERRORS"));
    assert_non_null(strstr(page, "  0  nvme    read "));
    assert_null(strstr(page, "  6  nvme    read ")); /* no room: counted instead */
    assert_non_null(strstr(page, " more disks measured: see the document\n"));
    assert_non_null(strstr(page, "  error:     disk/seq_read: disk 3"));
    assert_non_null(strstr(page, "  upload:    sent to http://10.0.2.2:8080/: HTTP 201"));
    assert_non_null(strstr(page, "  next:      powering off\n"));
    results_free(&rs);
}

static void nothing_ran(void **st)
{
    (void)st;
    results_init(&rs);
    app_summary(&sum, NULL, NULL, NULL);
    struct summary_end e = {2, 0, 0, 1, "1.0", "uefi", "load options: unknown option 'rpes'",
                            "JSON on COM1", "", "", "waiting for a key, then powering off"};
    int n = summary_format(&sum, &e, page, sizeof page);
    assert_int_equal(n, check_shape());
    assert_int_equal(n, 6);
    assert_non_null(strstr(page, "  barebench: NOTHING RUN (bad options)"));
    assert_null(strstr(page, "results:"));
    assert_non_null(strstr(page, "  error:     load options: unknown option 'rpes'\n"));
    assert_non_null(strstr(page, "  next:      waiting for a key, then powering off\n"));
    results_free(&rs);
}

static void small_buffer(void **st)
{
    (void)st;
    fill(2);
    struct summary_end e = end(0);
    char small[100];
    int n = summary_format(&sum, &e, small, sizeof small);
    assert_true(strlen(small) < sizeof small);
    assert_true(n >= 1 && n <= 2); /* only whole lines */
    assert_int_equal(small[strlen(small) - 1], '\n');
    results_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(headline_figures),
        cmocka_unit_test(many_disks_and_long_error),
        cmocka_unit_test(nothing_ran),
        cmocka_unit_test(small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
