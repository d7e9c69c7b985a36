/* disk_options.h - the disk suite's own options (disk=, disk_blocks=, disk_budget=, disk_qd=,
 * disk_driver=, disk_write=, disk_tests=): their values, kept inside struct options, and the
 * group its struct suite entry registers.  disk= and disk_write= decide what may be written:
 * docs/DISK.md. */
#ifndef BB_DISK_OPTIONS_H
#define BB_DISK_OPTIONS_H

#include <stdint.h>

#include "kernel/run/options.h"

struct disk_options {
    char disk[OPT_STR_MAX];           /* disk=all|none|0,2: which disks (by index) to measure */
    uint64_t blocks[OPT_LIST_MAX];    /* disk_blocks=4K,16K,...: block sizes of the sweep */
    int nblocks;
    uint64_t budget;                  /* disk_budget=SIZE: bytes read per sweep point, 0 = by profile */
    int qd[OPT_LIST_MAX];             /* disk_qd=1,4,32: queue depths */
    int nqd;
    int driver;                       /* disk_driver=auto|native|firmware|both (PLAT_DRIVER_*) */
    int write;                        /* disk_write=yes|no: write tests on scratch-marked disks */
    char tests[64];                   /* disk_tests=all|seq_read,seq_write,rand_read,rand_write */
};

extern const struct opt_group disk_option_group;

/** The disk suite's options in `o` (registered by app_init through suite_disk.options). */
const struct disk_options *disk_options(const struct options *o);

#endif
