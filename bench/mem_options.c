/* mem_options.c - the mem suite's option rows: parsed, defaulted and listed in help by
 * kernel/run/options like the runtime's own, registered through suite_mem.options. */
#include "bench/mem_options.h"

#include <stddef.h>

#define F(field) offsetof(struct mem_options, field)

static const struct opt_def rows[] = {
    {.key = "mem_max", .kind = OPT_SIZE, .off = F(max), .values = "SIZE",
     .help = "largest buffer the mem suite uses (e.g. 512M; 0 = from the memory map)"},
    {.key = "mem_dram", .kind = OPT_SIZE, .off = F(dram), .min = 65536, .max = 1L << 40,
     .values = "0|64K..1T",
     .help = "bytes per array of the mem suite's DRAM tests (0 = each array 4x the last-level caches in use)"},
    {.key = "mem_tests", .kind = OPT_STR, .off = F(tests), .cap = sizeof ((struct mem_options *)0)->tests,
     .values = "all|kernels,cores,numa,sweep,latency,plateau", .help = "which mem tests to run (default all)",
     .def = "all"},
};

const struct opt_group mem_option_group = {"mem", rows, sizeof rows / sizeof rows[0],
                                           sizeof(struct mem_options)};

const struct mem_options *mem_options(const struct options *o)
{
    return options_group_values(o, &mem_option_group);
}
