/* suite_charts.c - which charts benchcmp draws of which suite (bench/suite_charts.h). */
#include "bench/suite_charts.h"

#include <stddef.h>

const struct suite_chart suite_charts[] = {
    {"disk", CHART_SWEEP, NULL, NULL},
    {"mem", CHART_LEVELS, NULL, NULL},
    {"alu", CHART_BARS, "ALU throughput per test", "throughput"},
    {"vmcost", CHART_BARS, "cost of privileged operations and exits (vmcost)", "time per operation"},
    {"disk", CHART_BARS_UNSWEPT, "disk tests at a single block size", NULL},
    {NULL, CHART_BARS, NULL, NULL},
};
