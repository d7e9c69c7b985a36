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
 * RAM speed.  The marker layout is in bench/disk_marker.h.
 * A failure names its cause and leaves nothing new behind: a file mkscratch created is removed,
 * a file it grew gets its old size back (an existing file is never removed); a --size the file
 * system cannot hold is refused before anything is created. */
#include "bench/disk_fill.h"
#include "bench/disk_marker.h"
#include "host/blockdev_linux.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t g_stop; /* SIGINT/SIGTERM/SIGHUP during the fill: stop and clean up */

static void on_stop(int sig)
{
    g_stop = sig;
}

/* "a directory", "a FIFO", ...: what a target that cannot be one is. */
static const char *kind(mode_t m)
{
    return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISSOCK(m) ? "a socket"
         : S_ISCHR(m) ? "a character device" : S_ISLNK(m) ? "a symbolic link" : "not a file";
}

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
        if (g_stop) {
            free(buf);
            errno = EINTR;
            return -1;
        }
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
    struct stat sb;
    int blkdev, fd = -1;
    /* what it is, before opening it: a FIFO would block the open, a directory has no size */
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode)) {
        fprintf(stderr, "mkscratch: %s is %s: only a file, disk image or block device can be a "
                        "scratch target\n", path, kind(sb.st_mode));
        return 1;
    }
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* replaced by a FIFO meanwhile: no wait */
    if (fd < 0 || fstat(fd, &sb) != 0 || (!S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode)) ||
        target_size(fd, &bytes, &blkdev) != 0) {
        if (fd >= 0 && !S_ISREG(sb.st_mode) && !S_ISBLK(sb.st_mode))
            fprintf(stderr, "mkscratch: %s is %s: only a file, disk image or block device can be "
                            "a scratch target\n", path, kind(sb.st_mode));
        else
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
        fprintf(stderr, "mkscratch: %s is %s, neither a regular file nor a block device: refused\n",
                path, kind(sb->st_mode));
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

/* A --size the target's file system cannot hold (grow: the bytes to add) is refused before
 * anything is created or changed; 1 after saying why. */
static int room_refused(const char *path, uint64_t size, uint64_t have)
{
    if (size > (uint64_t)INT64_MAX) {
        fprintf(stderr, "mkscratch: --size %llu is larger than any file can be (at most %lld bytes)\n",
                (unsigned long long)size, (long long)INT64_MAX);
        return 1;
    }
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    struct statvfs fs;
    if (statvfs(dir, &fs) != 0)
        return 0; /* not known here: the allocation says what is wrong */
    uint64_t unit = fs.f_frsize ? fs.f_frsize : fs.f_bsize;
    uint64_t avail = (uint64_t)(geteuid() == 0 ? fs.f_bfree : fs.f_bavail) * unit;
    if (size - have > avail) {
        fprintf(stderr, "mkscratch: %s: --size %llu needs %llu more bytes, but its file system "
                        "(%s) has %llu bytes free: refused, nothing written\n", path,
                (unsigned long long)size, (unsigned long long)(size - have), dir,
                (unsigned long long)avail);
        return 1;
    }
    return 0;
}

/* After a failure: a file mkscratch created is removed (if the name still is that file), one it
 * grew gets its old size back; devices and existing files stay. */
static void undo(int fd, const char *path, int created, uint64_t old_size, int blkdev)
{
    struct stat a, b;
    if (created && fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
        a.st_ino == b.st_ino && unlink(path) == 0)
        fprintf(stderr, "mkscratch: %s removed (mkscratch had created it)\n", path);
    else if (!created && !blkdev && fstat(fd, &a) == 0 && (uint64_t)a.st_size > old_size &&
             ftruncate(fd, (off_t)old_size) == 0)
        fprintf(stderr, "mkscratch: %s is back to its %llu bytes\n", path, (unsigned long long)old_size);
    close(fd);
}

/* For EFBIG: which limit, the process's (ulimit -f) or the file system's. */
static const char *efbig_hint(int e, uint64_t size)
{
    static char hint[160];
    struct rlimit rl;
    if (e != EFBIG)
        return "";
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && size > rl.rlim_cur)
        snprintf(hint, sizeof hint, " (the file size limit of this process, ulimit -f, is %llu "
                 "bytes)", (unsigned long long)rl.rlim_cur);
    else
        snprintf(hint, sizeof hint, " (more than this file system allows for one file)");
    return hint;
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

    struct sigaction sa; /* before anything is created: a signal then never leaves it */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGXFSZ, SIG_IGN); /* over ulimit -f: EFBIG, named below, rather than a silent death */
    struct stat sb;
    int fd, rc, created = 0;
    uint64_t old_size = 0;
    if (stat(path, &sb) == 0) {
        if (S_ISREG(sb.st_mode) && size > (uint64_t)sb.st_size && room_refused(path, size, (uint64_t)sb.st_size))
            return 2;
        fd = open_existing(path, &sb, size, force, &rc);
        if (fd < 0)
            return rc;
        old_size = S_ISREG(sb.st_mode) ? (uint64_t)sb.st_size : 0;
    } else if (errno == ENOENT) {
        if (size && room_refused(path, size, 0))
            return 2;
        fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        created = fd >= 0;
    } else {
        fd = -1;
    }
    if (fd < 0) {
        fprintf(stderr, "mkscratch: %s: %s\n", path, strerror(errno));
        return 1;
    }
    const char *doing = "cannot read its size";
    uint64_t bytes;
    int blkdev, e;
    if (target_size(fd, &bytes, &blkdev) != 0)
        goto err;
    if (!blkdev && size > bytes) { /* grow only: a shrink was refused above */
        doing = "cannot allocate its space";
        e = posix_fallocate(fd, (off_t)bytes, (off_t)(size - bytes)); /* returns the error */
        if (e) {
            errno = e;
            goto err;
        }
        bytes = size;
    }
    if (bytes <= 2 * DISK_MARKER_PROTECT || bytes % 512) {
        fprintf(stderr, "mkscratch: %s: size %llu is not a multiple of 512 over 8K (use --size)\n",
                path, (unsigned long long)bytes);
        undo(fd, path, created, old_size, blkdev);
        return 2;
    }
    doing = "cannot fill it";
    if (fill && fill_target(fd, path, DISK_MARKER_PROTECT, bytes) != 0)
        goto err;
    uint8_t blk[DISK_MARKER_PROTECT];
    memset(blk, 0, sizeof blk);
    char model[DISK_ID_MODEL_MAX + 1], serial[DISK_ID_SERIAL_MAX + 1];
    identity(fd, model_opt, serial_opt, model, sizeof model, serial, sizeof serial);
    struct disk_id id = {model, serial};
    disk_marker_encode(blk, bytes, label, &id);
    doing = "cannot write its marker";
    ssize_t w = pwrite(fd, blk, sizeof blk, 0);
    if (w >= 0 && w != (ssize_t)sizeof blk)
        errno = ENOSPC;
    if (w != (ssize_t)sizeof blk || fsync(fd) != 0)
        goto err;
    close(fd);
    printf("%s: marked as barebench scratch (%llu bytes, label '%s', %s%s%s%s, %s); the disk "
           "suite may now write to it\n", path, (unsigned long long)bytes, label,
           serial[0] ? "model '" : "no device identity", serial[0] ? model : "",
           serial[0] ? "' serial " : "", serial[0] ? serial : "",
           fill ? "filled with pseudo-random data" : "not filled: never-written blocks read at RAM speed");
    return 0;
err:
    e = errno;
    if (g_stop && e == EINTR)
        fprintf(stderr, "mkscratch: %s: interrupted (signal %d) before it was marked\n", path, (int)g_stop);
    else
        fprintf(stderr, "mkscratch: %s: %s: %s%s\n", path, doing, strerror(e), efbig_hint(e, size));
    undo(fd, path, created, old_size, blkdev);
    return 1;
}
