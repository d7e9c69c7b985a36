/* suites.c - the suites this build carries, in the order a run takes them. */
#include "bench/suites.h"

const struct suite *const bench_suites[] = {
    &suite_timer,
    &suite_alu,
    &suite_vmcost,
    &suite_mem,
    &suite_disk,
    0,
};
