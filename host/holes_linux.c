/* holes_linux.c - hole and unwritten-extent detection for file targets (see holes_linux.h). */
#include "host/holes_linux.h"

#include <errno.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Bytes in holes by SEEK_DATA/SEEK_HOLE; -1 if unsupported. */
static int64_t seek_holes(int fd, uint64_t size)
{
    uint64_t holes = 0;
    off_t pos = 0;
    while ((uint64_t)pos < size) {
        off_t data = lseek(fd, pos, SEEK_DATA);
        if (data < 0 && errno == ENXIO) { /* no data after pos: the rest is a hole */
            holes += size - (uint64_t)pos;
            break;
        }
        if (data < 0)
            return -1;
        holes += (uint64_t)(data - pos);
        off_t hole = lseek(fd, data, SEEK_HOLE);
        if (hole < 0)
            return -1;
        pos = hole;
    }
    return (int64_t)holes;
}

/* Bytes in extents marked unwritten by FIEMAP; -1 if unsupported.  Some file systems (ext4
 * with nothing cached, XFS) already report these as holes to SEEK_DATA: the caller takes the
 * larger of the two, never the sum. */
static int64_t unwritten_extents(int fd, uint64_t size)
{
    enum { N = 128 };
    struct fiemap *fm = calloc(1, sizeof *fm + N * sizeof(struct fiemap_extent));
    uint64_t unwritten = 0, start = 0;
    if (!fm)
        return -1;
    for (;;) {
        memset(fm, 0, sizeof *fm);
        fm->fm_start = start;
        fm->fm_length = size - start;
        fm->fm_extent_count = N;
        if (ioctl(fd, FS_IOC_FIEMAP, fm) != 0) {
            free(fm);
            return -1;
        }
        if (fm->fm_mapped_extents == 0)
            break;
        struct fiemap_extent *e = fm->fm_extents;
        int last = 0;
        for (unsigned i = 0; i < fm->fm_mapped_extents; i++) {
            uint64_t end = e[i].fe_logical + e[i].fe_length;
            if (e[i].fe_flags & FIEMAP_EXTENT_UNWRITTEN) {
                uint64_t lo = e[i].fe_logical, hi = end < size ? end : size;
                if (hi > lo)
                    unwritten += hi - lo;
            }
            last |= (e[i].fe_flags & FIEMAP_EXTENT_LAST) != 0;
            start = end;
        }
        if (last || start >= size)
            break;
    }
    free(fm);
    return (int64_t)unwritten;
}

int linux_hole_bytes(int fd, uint64_t size, uint64_t *bytes)
{
    int64_t h = seek_holes(fd, size), u = unwritten_extents(fd, size);
    if (h < 0 && u < 0)
        return -1;
    *bytes = (uint64_t)(h > u ? h : u);
    return 0;
}
