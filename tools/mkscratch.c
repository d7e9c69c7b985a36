/* mkscratch.c - marks a file, disk image or block device as a barebench scratch target (the
 * only kind the disk suite ever writes to) by writing the signature block at offset 0.
 *   mkscratch [--size SIZE] [--label NAME] [--force] [--no-fill] TARGET    create/mark
 *   mkscratch --check TARGET                                  validate, exit 0 if scratch
 * Files are created or resized to SIZE; a block device needs --force (its data is lost to
 * the write tests).  The whole target is filled with pseudo-random data (unless --no-fill):
 * never-written blocks read from holes, unwritten extents or thin disks at RAM speed.
 * The marker layout is in bench/disk_marker.h. */
#include "bench/disk_fill.h"
#include "bench/disk_marker.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* "128M", "1G", "65536": binary multiples; 0 on success. */
static int parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned shift = 0;
    if (end == s || errno)
        return -1;
    if (*end == 'K' || *end == 'k') shift = 10;
    else if (*end == 'M' || *end == 'm') shift = 20;
    else if (*end == 'G' || *end == 'g') shift = 30;
    else if (*end) return -1;
    if (*end && end[1])
        return -1;
    if (v > (~0ull >> shift))
        return -1;
    *out = (uint64_t)v << shift;
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: mkscratch [--size SIZE] [--label NAME] [--force] [--no-fill] TARGET\n"
                    "       mkscratch --check TARGET\n");
    return 2;
}

static int target_size(int fd, uint64_t *bytes, int *is_blk)
{
    struct stat sb;
    if (fstat(fd, &sb) != 0)
        return -1;
    *is_blk = S_ISBLK(sb.st_mode);
    if (*is_blk) {
        unsigned long long b = 0;
        if (ioctl(fd, BLKGETSIZE64, &b) != 0)
            return -1;
        *bytes = b;
    } else {
        *bytes = (uint64_t)sb.st_size;
    }
    return 0;
}

/* Write pseudo-random data (incompressible, no two blocks alike) over [from, bytes) of fd, so
 * every block of the target is really written.  0, or -1 with errno set. */
static int fill_target(int fd, const char *path, uint64_t from, uint64_t bytes)
{
    enum { CHUNK = 4 << 20 };
    uint64_t *buf = malloc(CHUNK), salt = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 32);
    if (!buf)
        return -1;
    uint64_t next_note = 1ull << 30;
    for (uint64_t off = from, i = 0; off < bytes; i++) {
        size_t n = bytes - off < CHUNK ? (size_t)(bytes - off) : CHUNK;
        disk_fill(buf, (n + 7) & ~(size_t)7, disk_fill_seed(salt, i));
        ssize_t w = pwrite(fd, buf, n, (off_t)off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            if (w == 0)
                errno = ENOSPC;
            free(buf);
            return -1;
        }
        off += (uint64_t)w;
        if (off >= next_note && off < bytes) { /* a big disk takes a while: say how far */
            fprintf(stderr, "mkscratch: %s: filled %llu of %llu MiB\n", path,
                    (unsigned long long)(off >> 20), (unsigned long long)(bytes >> 20));
            next_note += 1ull << 30;
        }
    }
    free(buf);
    return 0;
}

static int check(const char *path)
{
    uint8_t blk[DISK_MARKER_SIZE];
    uint64_t bytes;
    int blkdev, fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || target_size(fd, &bytes, &blkdev) != 0) {
        fprintf(stderr, "mkscratch: %s: %s\n", path, strerror(errno));
        return 1;
    }
    ssize_t n = pread(fd, blk, sizeof blk, 0);
    close(fd);
    struct disk_marker m;
    int v = disk_marker_check(blk, n > 0 ? (size_t)n : 0, bytes, &m);
    printf("%s: %s", path, disk_marker_reason(v));
    if (v == MARKER_OK)
        printf(" (label '%s', %llu bytes, first %llu bytes protected)", m.label,
               (unsigned long long)m.target_bytes, (unsigned long long)m.protect_bytes);
    printf("\n");
    return v == MARKER_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    uint64_t size = 0;
    const char *label = "scratch", *path = NULL;
    int force = 0, checking = 0, fill = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--size") && i + 1 < argc) {
            if (parse_size(argv[++i], &size) || size % 512 || size <= 2 * DISK_MARKER_PROTECT) {
                fprintf(stderr, "mkscratch: bad size '%s' (a multiple of 512, over 8K)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--label") && i + 1 < argc) {
            label = argv[++i];
        } else if (!strcmp(argv[i], "--force")) {
            force = 1;
        } else if (!strcmp(argv[i], "--no-fill")) {
            fill = 0;
        } else if (!strcmp(argv[i], "--check")) {
            checking = 1;
        } else if (argv[i][0] == '-' || path) {
            return usage();
        } else {
            path = argv[i];
        }
    }
    if (!path)
        return usage();
    if (checking)
        return check(path);

    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (exists && S_ISBLK(sb.st_mode) && !force) {
        fprintf(stderr, "mkscratch: %s is a block device: its contents will be overwritten by the "
                        "write tests; add --force if that is what you want\n", path);
        return 2;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        fprintf(stderr, "mkscratch: %s: %s\n", path, strerror(errno));
        return 1;
    }
    uint64_t bytes;
    int blkdev;
    if (target_size(fd, &bytes, &blkdev) != 0)
        goto err;
    if (!blkdev && size && bytes != size) {
        if (ftruncate(fd, (off_t)size) != 0 ||
            (bytes < size && posix_fallocate(fd, (off_t)bytes, (off_t)(size - bytes)) != 0))
            goto err;
        bytes = size;
    }
    if (bytes <= 2 * DISK_MARKER_PROTECT || bytes % 512) {
        fprintf(stderr, "mkscratch: %s: size %llu is not a multiple of 512 over 8K (use --size)\n",
                path, (unsigned long long)bytes);
        close(fd);
        return 2;
    }
    if (fill && fill_target(fd, path, DISK_MARKER_PROTECT, bytes) != 0)
        goto err;
    uint8_t blk[DISK_MARKER_PROTECT];
    memset(blk, 0, sizeof blk);
    disk_marker_encode(blk, bytes, label);
    if (pwrite(fd, blk, sizeof blk, 0) != (ssize_t)sizeof blk || fsync(fd) != 0)
        goto err;
    close(fd);
    printf("%s: marked as barebench scratch (%llu bytes, label '%s', %s); the disk suite may now "
           "write to it\n", path, (unsigned long long)bytes, label,
           fill ? "filled with pseudo-random data" : "not filled: never-written blocks read at RAM speed");
    return 0;
err:
    fprintf(stderr, "mkscratch: %s: %s\n", path, strerror(errno));
    close(fd);
    return 1;
}
