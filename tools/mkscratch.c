/* mkscratch.c - marks a file, disk image or block device as a barebench scratch target (the
 * only kind the disk suite ever writes to) by writing the signature block at offset 0.
 *   mkscratch [--size SIZE] [--label NAME] [--serial S --model M] [--force] [--no-fill] TARGET
 *   mkscratch --check [--serial S --model M] TARGET          validate, exit 0 if scratch
 * Files are created or grown to SIZE (never shrunk).  An existing non-empty file that is not
 * already scratch, and any block device, need --force (their data is lost to the write tests);
 * a mounted, swap or otherwise claimed device is refused even then.  A block device's model
 * and serial (sysfs) go into the marker; --serial/--model bind an image to the identity the
 * VM will show (--serial '' binds none).  The whole target is filled with pseudo-random data
 * (unless --no-fill): never-written blocks read from holes, unwritten extents or thin disks at
 * RAM speed.  The marker layout is in bench/disk_marker.h. */
#include "bench/disk_fill.h"
#include "bench/disk_marker.h"
#include "host/blockdev_linux.h"

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
    fprintf(stderr, "usage: mkscratch [--size SIZE] [--label NAME] [--serial S --model M] [--force] [--no-fill] TARGET\n"
                    "       mkscratch --check [--serial S --model M] TARGET\n");
    return 2;
}

/* The identity the marker records: given ones, else a block device's own (sysfs), else none. */
static void identity(int fd, const char *model_opt, const char *serial_opt, char *model,
                     size_t mlen, char *serial, size_t slen)
{
    struct stat sb;
    model[0] = serial[0] = '\0';
    if (!serial_opt && fstat(fd, &sb) == 0 && S_ISBLK(sb.st_mode))
        blockdev_identity(sb.st_rdev, model, mlen, serial, slen);
    if (serial_opt)
        snprintf(serial, slen, "%s", serial_opt);
    if (model_opt)
        snprintf(model, mlen, "%s", model_opt);
}

/* Does the file at fd already start with a barebench marker (any version)? */
static int has_magic(int fd)
{
    char b[sizeof DISK_MARKER_MAGIC - 1];
    return pread(fd, b, sizeof b, 0) == (ssize_t)sizeof b && !memcmp(b, DISK_MARKER_MAGIC, sizeof b);
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

static int check(const char *path, const char *model_opt, const char *serial_opt)
{
    uint8_t blk[DISK_MARKER_SIZE];
    uint64_t bytes;
    char model[DISK_ID_MODEL_MAX + 1], serial[DISK_ID_SERIAL_MAX + 1];
    int blkdev, fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || target_size(fd, &bytes, &blkdev) != 0) {
        fprintf(stderr, "mkscratch: %s: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return 1;
    }
    identity(fd, model_opt, serial_opt, model, sizeof model, serial, sizeof serial);
    ssize_t n = pread(fd, blk, sizeof blk, 0);
    close(fd);
    struct disk_marker m;
    struct disk_id id = {model, serial};
    int v = disk_marker_check(blk, n > 0 ? (size_t)n : 0, bytes, &id, &m);
    printf("%s: %s", path, disk_marker_reason(v));
    if (v == MARKER_OK)
        printf(" (label '%s', %llu bytes, first %llu bytes protected%s%s%s%s)", m.label,
               (unsigned long long)m.target_bytes, (unsigned long long)m.protect_bytes,
               m.serial[0] ? ", model '" : ", no device identity", m.model,
               m.serial[0] ? "' serial " : "", m.serial);
    printf("\n");
    return v == MARKER_OK ? 0 : 1;
}

/* Open an existing target for marking, refusing what must not be marked.  Returns the fd, or
 * -1 after printing why (exit status in *rc). */
static int open_existing(const char *path, const struct stat *sb, uint64_t size, int force, int *rc)
{
    char why[768];
    *rc = 2;
    if (S_ISBLK(sb->st_mode)) {
        if (!force) {
            fprintf(stderr, "mkscratch: %s is a block device: its contents will be overwritten by "
                            "the write tests; add --force if that is what you want\n", path);
            return -1;
        }
        if (size) {
            fprintf(stderr, "mkscratch: --size is for files; a device keeps its size\n");
            return -1;
        }
        int fd = blockdev_open_excl(path, 0, why, sizeof why);
        if (fd < 0)
            fprintf(stderr, "mkscratch: refused, even with --force: %s\n", why);
        return fd;
    }
    if (!S_ISREG(sb->st_mode)) {
        fprintf(stderr, "mkscratch: %s is neither a regular file nor a block device: refused\n", path);
        return -1;
    }
    if (!(sb->st_mode & S_IWUSR)) {
        fprintf(stderr, "mkscratch: %s has no write permission for its owner: barebench would "
                        "never write it (chmod u+w first)\n", path);
        return -1;
    }
    if (size && size < (uint64_t)sb->st_size) {
        fprintf(stderr, "mkscratch: %s is %llu bytes: --size %llu would shrink it; refused "
                        "(mkscratch never shrinks a file)\n", path,
                (unsigned long long)sb->st_size, (unsigned long long)size);
        return -1;
    }
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "mkscratch: %s: %s\n", path, strerror(errno));
        *rc = 1;
        return -1;
    }
    if (sb->st_size > 0 && !force && !has_magic(fd)) {
        fprintf(stderr, "mkscratch: %s exists and holds data (%llu bytes): marking it lets the "
                        "write tests overwrite it; add --force if that is what you want\n", path,
                (unsigned long long)sb->st_size);
        close(fd);
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    uint64_t size = 0;
    const char *label = "scratch", *path = NULL, *model_opt = NULL, *serial_opt = NULL;
    int force = 0, checking = 0, fill = 1;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--size") && i + 1 < argc) {
            if (parse_size(argv[++i], &size) || size % 512 || size <= 2 * DISK_MARKER_PROTECT) {
                fprintf(stderr, "mkscratch: bad size '%s' (a multiple of 512, over 8K)\n", argv[i]);
                return 2;
            }
        } else if (!strcmp(argv[i], "--label") && i + 1 < argc) {
            label = argv[++i];
        } else if (!strcmp(argv[i], "--serial") && i + 1 < argc) {
            serial_opt = argv[++i];
        } else if (!strcmp(argv[i], "--model") && i + 1 < argc) {
            model_opt = argv[++i];
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
        return check(path, model_opt, serial_opt);

    struct stat sb;
    int fd, rc;
    if (stat(path, &sb) == 0) {
        fd = open_existing(path, &sb, size, force, &rc);
        if (fd < 0)
            return rc;
    } else if (errno == ENOENT) {
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    } else {
        fd = -1;
    }
    if (fd < 0) {
        fprintf(stderr, "mkscratch: %s: %s\n", path, strerror(errno));
        return 1;
    }
    uint64_t bytes;
    int blkdev;
    if (target_size(fd, &bytes, &blkdev) != 0)
        goto err;
    if (!blkdev && size > bytes) { /* grow only: a shrink was refused above */
        if (ftruncate(fd, (off_t)size) != 0 ||
            posix_fallocate(fd, (off_t)bytes, (off_t)(size - bytes)) != 0)
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
    char model[DISK_ID_MODEL_MAX + 1], serial[DISK_ID_SERIAL_MAX + 1];
    identity(fd, model_opt, serial_opt, model, sizeof model, serial, sizeof serial);
    struct disk_id id = {model, serial};
    disk_marker_encode(blk, bytes, label, &id);
    if (pwrite(fd, blk, sizeof blk, 0) != (ssize_t)sizeof blk || fsync(fd) != 0)
        goto err;
    close(fd);
    printf("%s: marked as barebench scratch (%llu bytes, label '%s', %s%s%s%s, %s); the disk "
           "suite may now write to it\n", path, (unsigned long long)bytes, label,
           serial[0] ? "model '" : "no device identity", serial[0] ? model : "",
           serial[0] ? "' serial " : "", serial[0] ? serial : "",
           fill ? "filled with pseudo-random data" : "not filled: never-written blocks read at RAM speed");
    return 0;
err:
    fprintf(stderr, "mkscratch: %s: %s\n", path, strerror(errno));
    close(fd);
    return 1;
}
