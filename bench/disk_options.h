/* disk_options.h - the disk suite's own options (disk=, disk_blocks=, disk_budget=, disk_qd=,
 * disk_driver=, disk_write=, disk_tests=, disk_label=): their values, kept inside struct options, and the
 * group its struct suite entry registers.  disk= and disk_write= decide what may be written:
 * docs/DISK.md. */
#ifndef BB_DISK_OPTIONS_H
#define BB_DISK_OPTIONS_H

#include <stddef.h>
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
    char label[OPT_STR_MAX];          /* disk_label=NAME|N=NAME,...|PATH=NAME: env.disks[].label */
};

#define DISK_LABEL_MAX 32 /* a disk label's bytes with its NUL */

/** The label disk_label= gives the disk with this index and path (path may be NULL) into out
 *  ("" when none).  0, or -1 with the problem in why (malformed spec). */
int disk_label_of(const char *spec, int index, const char *path, char *out, size_t n, char *why,
                  size_t whyn);

extern const struct opt_group disk_option_group;

/** The disk suite's options in `o` (registered by app_init through suite_disk.options). */
const struct disk_options *disk_options(const struct options *o);

#endif
