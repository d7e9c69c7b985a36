/* blockdev_linux.h - what Linux says about a block device before anyone writes to it: who
 * claims it (mounts, swap, holders, also through its partitions or its whole disk) and who it
 * is (model and serial from sysfs).  Shared by the Linux build and tools/mkscratch. */
#ifndef BB_BLOCKDEV_LINUX_H
#define BB_BLOCKDEV_LINUX_H

#include <stddef.h>
#include <sys/types.h>

/** 1 if block device `rdev` is in use: it, a partition of it, or the whole disk holding it is
 *  mounted (/proc/self/mountinfo), a swap area (/proc/swaps) or held by another driver
 *  (sysfs holders: device mapper, md, ...); `why` names what.  0 if free, -1 if unknown. */
int blockdev_claimed(dev_t rdev, char *why, size_t whylen);

/** Model and serial of block device `rdev` from sysfs (device/model; device/serial, serial,
 *  or device/vpd_pg80), trimmed; both "" for partitions and devices without identity (loop). */
void blockdev_identity(dev_t rdev, char *model, size_t mlen, char *serial, size_t slen);

/** Open block device `path` for writing with O_EXCL (fails with EBUSY while mounted or
 *  claimed), then check it is not claimed through a partition or its disk either.  Returns
 *  the fd, or -1 with `why` set.  `extra` flags (O_DIRECT) are added. */
int blockdev_open_excl(const char *path, int extra, char *why, size_t whylen);

/** Tests: read sysfs and procfs from other directories (NULL: the real /sys, /proc). */
void blockdev_set_roots(const char *sys, const char *proc);

#endif
