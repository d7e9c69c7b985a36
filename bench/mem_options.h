/* mem_options.h - the mem suite's own options (mem_max=, mem_dram=, mem_tests=): their values,
 * kept inside struct options, and the group its struct suite entry registers. */
#ifndef BB_MEM_OPTIONS_H
#define BB_MEM_OPTIONS_H

#include <stdint.h>

#include "kernel/run/options.h"

struct mem_options {
    uint64_t max;        /* mem_max=SIZE: largest buffer for the mem suite, 0 = auto */
    uint64_t dram;       /* mem_dram=SIZE: bytes per array of the DRAM tests, 0 = STREAM's rule */
    char tests[80];      /* mem_tests=all|kernels,cores,numa,sweep,latency,plateau */
};

extern const struct opt_group mem_option_group;

/** The mem suite's options in `o` (registered by app_init through suite_mem.options). */
const struct mem_options *mem_options(const struct options *o);

#endif
