/* disk_options.c - the disk suite's option rows: parsed, defaulted and listed in help by
 * kernel/run/options like the runtime's own, registered through suite_disk.options.  The
 * defaults disk=all and disk_write=yes are the scratch rule's (docs/DISK.md): writes only ever
 * reach a disk that carries the barebench scratch marker. */
#include "bench/disk_options.h"

#include <stddef.h>

#define F(field) offsetof(struct disk_options, field)
#define S(field) sizeof(((struct disk_options *)0)->field)

/* index = PLAT_DRIVER_* (kernel/platform.h) */
static const char *const driver_names[] = {"auto", "native", "firmware", "both", NULL};

static const struct opt_def rows[] = {
    {.key = "disk", .kind = OPT_STR, .off = F(disk), .cap = S(disk), .values = "all|none|N,N|PATH,PATH",
     .help = "disks to measure: by index (env.disks), or on Linux files/block devices by path",
     .def = "all"},
    {.key = "disk_blocks", .kind = OPT_SIZELIST, .off = F(blocks), .cap = OPT_LIST_MAX, .min = 512,
     .max = 1L << 30, .count_off = F(nblocks), .values = "SIZE,SIZE",
     .help = "block sizes of the disk sweep (default 4K,16K,64K,256K,1M,4M,16M,64M)"},
    {.key = "disk_budget", .kind = OPT_SIZE, .off = F(budget), .values = "SIZE",
     .help = "most bytes per repetition of a disk sweep point (0 = by profile; length by min_time_ms)"},
    {.key = "disk_qd", .kind = OPT_INTLIST, .off = F(qd), .cap = OPT_LIST_MAX, .min = 1, .max = 256,
     .count_off = F(nqd), .values = "N,N",
     .help = "queue depths (default 1,4,16,32,64,128,256, capped by the device)"},
    {.key = "disk_driver", .kind = OPT_ENUM, .off = F(driver), .choices = driver_names,
     .values = "auto|native|firmware|both",
     .help = "UEFI: barebench's own NVMe driver where it has one (auto), only it, the firmware's, or both"},
    {.key = "disk_write", .kind = OPT_BOOL, .off = F(write), .values = "yes|no",
     .help = "write tests on disks carrying the barebench scratch marker (default yes; others never)",
     .def = "yes"},
    {.key = "disk_tests", .kind = OPT_STR, .off = F(tests), .cap = S(tests),
     .values = "all|seq_read,seq_write,rand_read,rand_write", .help = "which disk sweeps to run (default all)",
     .def = "all"},
};

const struct opt_group disk_option_group = {"disk", rows, sizeof rows / sizeof rows[0],
                                            sizeof(struct disk_options)};

const struct disk_options *disk_options(const struct options *o)
{
    return options_group_values(o, &disk_option_group);
}
