/* holes_linux.h - how much of a file is holes or unwritten extents (SEEK_HOLE/SEEK_DATA and
 * FIEMAP): blocks no one wrote, which file systems answer from RAM without touching the disk. */
#ifndef BB_HOLES_LINUX_H
#define BB_HOLES_LINUX_H

#include <stdint.h>

/** Bytes of [0, size) of the open file fd that are holes (SEEK_HOLE) or allocated but unwritten
 *  (FIEMAP_EXTENT_UNWRITTEN, e.g. after posix_fallocate).  Returns 0 and sets *bytes, or -1
 *  when the file system can tell neither. */
int linux_hole_bytes(int fd, uint64_t size, uint64_t *bytes);

#endif
