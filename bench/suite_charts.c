/* suite_charts.c - which charts benchcmp draws of which suite, and which params name a device
 * and its I/O path (bench/suite_charts.h). */
#include "bench/suite_charts.h"

#include <stddef.h>

const struct suite_chart suite_charts[] = {
    /* first what a study prints: each environment as % of the baseline, per suite */
    {"alu", CHART_OVERHEAD, "ALU", NULL},
    {"mem", CHART_OVERHEAD, "Memory", NULL},
    {"vmcost", CHART_OVERHEAD, "Privileged operations and exits (vmcost)", NULL},
    {"disk", CHART_OVERHEAD, "Disk, tests at one block size", NULL},
    {"disk", CHART_SWEEP, NULL, NULL},
    {"mem", CHART_LEVELS, NULL, NULL},
    {"alu", CHART_BARS, "ALU throughput per test", "throughput"},
    {"vmcost", CHART_BARS, "Cost of privileged operations and exits (vmcost)", "time per operation"},
    {"disk", CHART_BARS_UNSWEPT, "Disk tests at a single block size", NULL},
    {NULL, CHART_BARS, NULL, NULL},
};

const char *const suite_device_params[] = {"disk", "disk_kind", "api", NULL};

const char *const suite_ws_params[] = {"level", "bytes", NULL};

const char suite_isa_param[] = "isa";
/* bench/x86/vmcost_ops.c, bench/aarch64/vmcost_ops.c: each op's param_key */
const char *const suite_operand_params[] = {"leaf",  "register", "counter", "msr",  "port",
                                            "xcr",   "timer",    "handler", "call", NULL};
const struct isa_level suite_isa_levels[] = {
    {"x86-64", 0}, {"sse2", 1}, {"avx2", 2}, {"avx512", 3},  /* bench/x86: alu.c, mem_kernels.c */
    {"aarch64", 0}, {"asimd", 1}, {"sve", 2}, {"sve2", 3},   /* bench/aarch64 */
    {NULL, 0},
};

const struct api_path api_paths[] = {
    {"blockio", API_FIRMWARE}, /* blockio, blockio2: the firmware's Block I/O protocols */
    {"psync", API_OS},         /* the Linux build */
    {"linux-aio", API_OS},
    {"io_uring", API_OS},
    {"fio-", API_OS},          /* fio in the Linux guest (fio-libaio) */
    {NULL, API_NATIVE},
};
