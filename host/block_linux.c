/* block_linux.c - the block-device interface for the Linux build: the files or block devices
 * named by disk=PATH[,PATH], opened read-only with O_DIRECT until the write guard verified
 * them (then reopened for writing, block devices with O_EXCL); QD1 by pread/pwrite, deeper
 * queues through Linux native AIO (io_setup/io_submit/io_getevents, as libaio issues them). */
#include "kernel/block/blk_engine.h"
#include "kernel/machine/clock.h"
#include "kernel/platform.h"
#include "host/holes_linux.h"
#include "host/blockdev_linux.h"
#include "host/host.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/aio_abi.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_DISKS 16
#define AIO_MAX 256
#define IO_TIMEOUT_S 30

struct ldisk {
    int fd;
    aio_context_t ctx;
};

static struct plat_disk disks[MAX_DISKS];
static struct ldisk priv[MAX_DISKS];
static int ndisks = -1;
static char last_spec[256];

static int io_status(int err)
{
    switch (err) {
    case 0: return PLAT_IO_OK;
    case ENOMEDIUM: return PLAT_IO_NO_MEDIA;
    case EROFS: case EACCES: case EPERM: return PLAT_IO_READ_ONLY;
    case ETIMEDOUT: return PLAT_IO_TIMEOUT;
    case ENOMEM: return PLAT_IO_NOMEM;
    case EINVAL: case EOPNOTSUPP: return PLAT_IO_UNSUPPORTED;
    case ENXIO: case ENOSPC: return PLAT_IO_RANGE;
    }
    return PLAT_IO_ERROR;
}

static void close_all(void)
{
    for (int i = 0; i < (ndisks > 0 ? ndisks : 0); i++) {
        if (priv[i].ctx)
            syscall(SYS_io_destroy, priv[i].ctx);
        if (priv[i].fd >= 0)
            close(priv[i].fd);
    }
    ndisks = -1;
}

/* Open one path read-only (writing needs plat_disk_writable after the guard verified it). */
static void open_one(const char *path)
{
    struct plat_disk *d = &disks[ndisks];
    struct ldisk *l = &priv[ndisks];
    memset(d, 0, sizeof *d);
    memset(l, 0, sizeof *l);
    d->index = ndisks;
    d->parent = -1;
    d->twin = -1;
    snprintf(d->path, sizeof d->path, "%s", path);
    d->sync_api = "psync";
    l->fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
    struct stat sb;
    if (l->fd < 0 || fstat(l->fd, &sb) != 0) {
        snprintf(d->kind, sizeof d->kind, "missing");
        snprintf(d->model, sizeof d->model, "%s", strerror(errno));
        ndisks++;
        return;
    }
    if (!S_ISBLK(sb.st_mode) && !S_ISREG(sb.st_mode)) {
        close(l->fd);
        l->fd = -1;
        snprintf(d->kind, sizeof d->kind, "missing");
        snprintf(d->model, sizeof d->model, "not a regular file or a block device");
        ndisks++;
        return;
    }
    /* a file its owner may not write is read-only, even for root */
    if (S_ISREG(sb.st_mode) && (!(sb.st_mode & S_IWUSR) || access(path, W_OK) != 0))
        d->read_only = 1;
    d->media_present = 1;
    if (S_ISBLK(sb.st_mode)) {
        unsigned long long bytes = 0;
        int lbs = 512;
        ioctl(l->fd, BLKGETSIZE64, &bytes);
        ioctl(l->fd, BLKSSZGET, &lbs);
        int ro = 0;
        if (ioctl(l->fd, BLKROGET, &ro) == 0 && ro)
            d->read_only = 1;
        snprintf(d->kind, sizeof d->kind, "block");
        d->block_size = (uint32_t)lbs;
        d->blocks = bytes / (uint64_t)lbs;
    } else {
        snprintf(d->kind, sizeof d->kind, "file");
        d->block_size = 512; /* O_DIRECT granularity of common file systems */
        d->blocks = (uint64_t)sb.st_size / 512;
        /* holes and unwritten extents read as zeros from RAM: flagged in env.disks */
        d->holes_known = linux_hole_bytes(l->fd, (uint64_t)sb.st_size, &d->hole_bytes) == 0;
    }
    d->io_align = 4096;
    if (S_ISBLK(sb.st_mode)) /* who the disk is: the marker must have been made for it */
        blockdev_identity(sb.st_rdev, d->model, sizeof d->model, d->serial, sizeof d->serial);
    if (!d->model[0])
        snprintf(d->model, sizeof d->model, "%s", S_ISBLK(sb.st_mode) ? "Linux block device" : "file (O_DIRECT)");
    if (syscall(SYS_io_setup, AIO_MAX, &l->ctx) == 0) {
        d->max_qd = AIO_MAX;
        d->queue_api = "linux-aio";
    } else {
        l->ctx = 0;
        d->max_qd = 1;
    }
    d->priv = l;
    ndisks++;
}

int plat_disks(const char *spec, struct plat_disk **list)
{
    *list = disks;
    if (!spec || (ndisks >= 0 && !strcmp(spec, last_spec)))
        return ndisks < 0 ? 0 : ndisks;
    close_all();
    ndisks = 0;
    snprintf(last_spec, sizeof last_spec, "%s", spec);
    if (!strchr(spec, '/'))
        return 0; /* indices or all/none: nothing named to open */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", spec);
    for (char *save = NULL, *p = strtok_r(buf, ",", &save); p && ndisks < MAX_DISKS;
         p = strtok_r(NULL, ",", &save))
        open_one(p);
    return ndisks;
}

static int check(struct plat_disk *d, uint64_t lba, size_t bytes)
{
    if (!d->media_present || !d->priv)
        return PLAT_IO_NO_MEDIA;
    if (!bytes || bytes % d->block_size || lba > d->blocks ||
        bytes / d->block_size > d->blocks - lba)
        return PLAT_IO_RANGE;
    return 0;
}

/* One synchronous transfer; a short count is a short device. */
static int sync_io(struct plat_disk *d, int write, uint64_t lba, void *buf, size_t bytes)
{
    struct ldisk *l = d->priv;
    size_t done = 0;
    off_t off = (off_t)(lba * d->block_size);
    while (done < bytes) {
        ssize_t n = write ? pwrite(l->fd, (char *)buf + done, bytes - done, off + (off_t)done)
                          : pread(l->fd, (char *)buf + done, bytes - done, off + (off_t)done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return io_status(errno);
        if (n == 0)
            return PLAT_IO_SHORT;
        done += (size_t)n;
    }
    return 0;
}

int plat_disk_read(struct plat_disk *d, uint64_t lba, void *buf, size_t bytes)
{
    int rc = check(d, lba, bytes);
    return rc ? rc : sync_io(d, 0, lba, buf, bytes);
}

/* Queue depth > 1: keep qd iocbs in flight; refill every free slot, reap at least one
 * completion at a time. */
static int aio_batch(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n,
                     size_t bytes, void *const *bufs, uint64_t *lat)
{
    struct ldisk *l = d->priv;
    struct iocb cb[AIO_MAX], *cbp[AIO_MAX];
    struct io_event ev[AIO_MAX];
    uint64_t t0[AIO_MAX];
    int free_slot[AIO_MAX], nfree = qd, next = 0, inflight = 0, rc = 0;
    for (int k = 0; k < qd; k++)
        free_slot[k] = qd - 1 - k;
    while ((next < n && !rc) || inflight) {
        int m = 0;
        while (next + m < n && nfree && !rc) {
            int s = free_slot[--nfree];
            memset(&cb[s], 0, sizeof cb[s]);
            cb[s].aio_fildes = (uint32_t)l->fd;
            cb[s].aio_lio_opcode = write ? IOCB_CMD_PWRITE : IOCB_CMD_PREAD;
            cb[s].aio_buf = (uint64_t)(uintptr_t)bufs[next + m];
            cb[s].aio_nbytes = bytes;
            cb[s].aio_offset = (int64_t)(lba[next + m] * d->block_size);
            cb[s].aio_data = ((uint64_t)(next + m) << 16) | (uint64_t)s;
            cbp[m++] = &cb[s];
        }
        int done = 0;
        while (done < m) { /* one iocb per call, as fio's libaio engine (iodepth_batch_submit=1) */
            t0[cbp[done]->aio_data & 0xFFFF] = clock_ticks();
            long k = syscall(SYS_io_submit, l->ctx, 1L, cbp + done);
            if (k <= 0) {
                if (k < 0 && errno == EINTR)
                    continue;
                rc = k < 0 ? io_status(errno) : PLAT_IO_ERROR;
                break;
            }
            done += (int)k;
        }
        for (int j = done; j < m; j++) /* not submitted: give the slots back */
            free_slot[nfree++] = (int)(cbp[j]->aio_data & 0xFFFF);
        next += done;
        inflight += done;
        if (!inflight)
            break;
        struct timespec to = {IO_TIMEOUT_S, 0};
        long got = syscall(SYS_io_getevents, l->ctx, 1, inflight, ev, &to);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return got == 0 ? PLAT_IO_TIMEOUT : io_status(errno); /* iocbs stay with the kernel */
        uint64_t now = clock_ticks();
        for (long e = 0; e < got; e++) {
            int s = (int)(ev[e].data & 0xFFFF);
            int idx = (int)(ev[e].data >> 16);
            if (lat)
                lat[idx] = now - t0[s];
            if (ev[e].res < 0 && !rc)
                rc = io_status((int)-ev[e].res);
            else if ((size_t)ev[e].res != bytes && !rc)
                rc = PLAT_IO_SHORT;
            free_slot[nfree++] = s;
            inflight--;
        }
    }
    return rc;
}

int plat_disk_batch(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n,
                    size_t bytes, void *const *bufs, uint64_t *lat_ticks)
{
    if (write && d->read_only)
        return PLAT_IO_READ_ONLY;
    for (int i = 0; i < n; i++) {
        int rc = check(d, lba[i], bytes);
        if (rc)
            return rc;
    }
    if (qd > 1 && d->max_qd > 1)
        return aio_batch(d, write, qd > d->max_qd ? d->max_qd : qd, lba, n, bytes, bufs,
                         lat_ticks);
    return blk_engine_sync(d, write, lba, n, bytes, bufs, lat_ticks, sync_io);
}

/* Is fd the same file as sb (block devices: the same device)? */
static int same_file(int fd, const struct stat *sb)
{
    struct stat now;
    if (fstat(fd, &now) != 0 || (now.st_mode & S_IFMT) != (sb->st_mode & S_IFMT))
        return 0;
    return S_ISBLK(now.st_mode) ? now.st_rdev == sb->st_rdev
                                : now.st_dev == sb->st_dev && now.st_ino == sb->st_ino;
}

int plat_disk_writable(struct plat_disk *d, char *why, size_t whylen)
{
    struct ldisk *l = d->priv;
    struct stat sb;
    if (!l || l->fd < 0 || fstat(l->fd, &sb) != 0) {
        snprintf(why, whylen, "not open");
        return PLAT_IO_NO_MEDIA;
    }
    if (d->read_only || (S_ISREG(sb.st_mode) && !(sb.st_mode & S_IWUSR))) {
        snprintf(why, whylen, "%s is read-only (a file needs write permission for its owner)", d->path);
        return PLAT_IO_READ_ONLY;
    }
    int fd;
    if (S_ISBLK(sb.st_mode)) {
        fd = blockdev_open_excl(d->path, O_DIRECT, why, whylen);
    } else {
        fd = open(d->path, O_RDWR | O_DIRECT | O_CLOEXEC);
        if (fd < 0)
            snprintf(why, whylen, "cannot open %s for writing: %s", d->path, strerror(errno));
    }
    if (fd < 0)
        return PLAT_IO_READ_ONLY;
    if (!same_file(fd, &sb)) { /* the path was swapped since the marker was read */
        snprintf(why, whylen, "%s is no longer the file whose marker was verified", d->path);
        close(fd);
        return PLAT_IO_CHANGED;
    }
    close(l->fd);
    l->fd = fd;
    return 0;
}

int host_disk_same_file(const struct stat *sb)
{
    for (int i = 0; i < (ndisks > 0 ? ndisks : 0); i++)
        if (priv[i].fd >= 0 && same_file(priv[i].fd, sb))
            return 1;
    return 0;
}

int host_disk_fd(const struct plat_disk *d)
{
    const struct ldisk *l = d->priv;
    return l ? l->fd : -1;
}

int plat_disk_flush(struct plat_disk *d)
{
    struct ldisk *l = d->priv;
    if (!l || !d->media_present)
        return PLAT_IO_NO_MEDIA;
    return fdatasync(l->fd) == 0 ? 0 : io_status(errno);
}

/* The Linux build reaches disks through the kernel only: nothing to take or give back. */
void plat_disk_driver(int mode)
{
    (void)mode;
}

int plat_disk_open(struct plat_disk *d, char *why, size_t whylen)
{
    (void)d;
    if (whylen)
        why[0] = 0;
    return 0;
}

void plat_disk_release(void)
{
}

const char *plat_disk_error_detail(const struct plat_disk *d)
{
    (void)d;
    return ""; /* the kernel's errno is all there is */
}

int plat_disk_unserved(int i, char *text, size_t n)
{
    (void)i;
    if (n)
        text[0] = 0;
    return 0; /* every controller has the kernel's driver */
}
