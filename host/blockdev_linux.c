/* blockdev_linux.c - claims and identity of Linux block devices (see blockdev_linux.h): the
 * checks that keep mkscratch and the Linux build off mounted, swapped or held devices. */
#include "host/blockdev_linux.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char sys_root[256] = "/sys", proc_root[256] = "/proc";

void blockdev_set_roots(const char *sys, const char *proc)
{
    snprintf(sys_root, sizeof sys_root, "%s", sys ? sys : "/sys");
    snprintf(proc_root, sizeof proc_root, "%s", proc ? proc : "/proc");
}

/* The sysfs directory of rdev (resolved), or -1. */
static int sysdir(dev_t rdev, char *out)
{
    char link[320];
    snprintf(link, sizeof link, "%s/dev/block/%u:%u", sys_root, major(rdev), minor(rdev));
    return realpath(link, out) ? 0 : -1;
}

static int is_partition(const char *dir)
{
    char p[PATH_MAX + 512];
    snprintf(p, sizeof p, "%s/partition", dir);
    return access(p, F_OK) == 0;
}

/* Read a small sysfs file into buf, trimmed; 0 if it had text. */
static int read_text(const char *dir, const char *name, char *buf, size_t n)
{
    char p[PATH_MAX + 600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    if (!f)
        return -1;
    size_t got = fread(buf, 1, n - 1, f);
    fclose(f);
    buf[got] = '\0';
    char *s = buf;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    memmove(buf, s, strlen(s) + 1);
    size_t l = strlen(buf);
    while (l && (buf[l - 1] == ' ' || buf[l - 1] == '\n' || buf[l - 1] == '\t' || buf[l - 1] == '\0'))
        buf[--l] = '\0';
    return l ? 0 : -1;
}

/* "maj:min" of the device whose sysfs directory is dir, from its dev file. */
static int dir_dev(const char *dir, char *mm, size_t n)
{
    return read_text(dir, "dev", mm, n);
}

/* Is "maj:min" mounted (mountinfo field 3)?  Fills where with the mount point. */
static int mounted(const char *mm, char *where, size_t n)
{
    char path[300];
    snprintf(path, sizeof path, "%s/self/mountinfo", proc_root);
    FILE *f = fopen(path, "r");
    char line[4096];
    int hit = 0;
    if (!f)
        return 0;
    while (!hit && fgets(line, sizeof line, f)) {
        char dev[32], point[1024];
        if (sscanf(line, "%*s %*s %31s %*s %1023s", dev, point) == 2 && !strcmp(dev, mm)) {
            snprintf(where, n, "%s", point);
            hit = 1;
        }
    }
    fclose(f);
    return hit;
}

/* Is rdev an active swap area? */
static int swapping(dev_t rdev)
{
    char line[1024], path[1000];
    snprintf(path, sizeof path, "%s/swaps", proc_root);
    FILE *f = fopen(path, "r");
    int hit = 0;
    struct stat sb;
    if (!f)
        return 0;
    while (!hit && fgets(line, sizeof line, f))
        if (sscanf(line, "%999s", path) == 1 && path[0] == '/' && stat(path, &sb) == 0 &&
            S_ISBLK(sb.st_mode) && sb.st_rdev == rdev)
            hit = 1;
    fclose(f);
    return hit;
}

/* Name of the first holder of the device at dir, if any. */
static int held(const char *dir, char *who, size_t n)
{
    char p[PATH_MAX + 16];
    snprintf(p, sizeof p, "%s/holders", dir);
    DIR *d = opendir(p);
    struct dirent *e;
    int hit = 0;
    if (!d)
        return 0;
    while (!hit && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(who, n, "%s", e->d_name);
            hit = 1;
        }
    closedir(d);
    return hit;
}

/* Check one sysfs device directory; fills why when claimed. */
static int claimed_dir(const char *dir, char *why, size_t n)
{
    char mm[32], what[1024];
    const char *name = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    if (dir_dev(dir, mm, sizeof mm) == 0) {
        unsigned ma, mi;
        if (mounted(mm, what, sizeof what)) {
            snprintf(why, n, "%s is mounted on %s", name, what);
            return 1;
        }
        if (sscanf(mm, "%u:%u", &ma, &mi) == 2 && swapping(makedev(ma, mi))) {
            snprintf(why, n, "%s is an active swap area", name);
            return 1;
        }
    }
    if (held(dir, what, sizeof what)) {
        snprintf(why, n, "%s is held by %s (device mapper, md or another driver)", name, what);
        return 1;
    }
    return 0;
}

int blockdev_claimed(dev_t rdev, char *why, size_t whylen)
{
    char dir[PATH_MAX], whole[PATH_MAX];
    if (sysdir(rdev, dir) != 0) {
        snprintf(why, whylen, "no sysfs entry for device %u:%u", major(rdev), minor(rdev));
        return -1;
    }
    if (claimed_dir(dir, why, whylen))
        return 1;
    snprintf(whole, sizeof whole, "%s", dir);
    if (is_partition(dir)) /* the disk holding it: mounted or held as a whole? */
        return claimed_dir(dirname(whole), why, whylen);
    DIR *d = opendir(dir); /* a whole disk: each of its partitions */
    struct dirent *e;
    int hit = 0;
    if (!d)
        return 0;
    while (!hit && (e = readdir(d))) {
        char sub[PATH_MAX + 300];
        if (e->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        if (is_partition(sub) && claimed_dir(sub, why, whylen))
            hit = 1;
    }
    closedir(d);
    return hit;
}

void blockdev_identity(dev_t rdev, char *model, size_t mlen, char *serial, size_t slen)
{
    char dir[PATH_MAX], p[PATH_MAX + 32];
    model[0] = serial[0] = '\0';
    if (sysdir(rdev, dir) != 0 || is_partition(dir))
        return; /* partitions carry no identity (as under UEFI): the size binds them */
    snprintf(p, sizeof p, "%s/device", dir);
    if (read_text(p, "model", model, mlen) != 0)
        model[0] = '\0';
    if (read_text(p, "serial", serial, slen) == 0 || read_text(dir, "serial", serial, slen) == 0)
        return;
    serial[0] = '\0';
    /* SCSI/SATA: VPD page 0x80 (unit serial number): 4-byte header, then the text */
    unsigned char vpd[256];
    snprintf(p, sizeof p, "%s/device/vpd_pg80", dir);
    FILE *f = fopen(p, "rb");
    if (!f)
        return;
    size_t n = fread(vpd, 1, sizeof vpd, f);
    fclose(f);
    if (n < 4 || vpd[1] != 0x80)
        return;
    size_t len = vpd[3] < n - 4 ? vpd[3] : n - 4, o = 0, i = 0;
    while (i < len && vpd[4 + i] == ' ')
        i++;
    for (; i < len && o + 1 < slen; i++)
        serial[o++] = (vpd[4 + i] >= ' ' && vpd[4 + i] <= '~') ? (char)vpd[4 + i] : '_';
    while (o && serial[o - 1] == ' ')
        o--;
    serial[o] = '\0';
}

int blockdev_open_excl(const char *path, int extra, char *why, size_t whylen)
{
    struct stat sb;
    int fd = open(path, O_RDWR | O_EXCL | O_CLOEXEC | extra);
    if (fd < 0) {
        char what[512];
        if (errno == EBUSY && stat(path, &sb) == 0 && blockdev_claimed(sb.st_rdev, what, sizeof what) == 1)
            snprintf(why, whylen, "%s is in use: %s", path, what);
        else if (errno == EBUSY)
            snprintf(why, whylen, "%s is in use (mounted, swap, or claimed by another driver: "
                     "exclusive open failed)", path);
        else
            snprintf(why, whylen, "cannot open %s for writing: %s", path, strerror(errno));
        return -1;
    }
    if (fstat(fd, &sb) != 0 || !S_ISBLK(sb.st_mode)) {
        snprintf(why, whylen, "%s is not a block device", path);
        close(fd);
        return -1;
    }
    char what[512];
    int c = blockdev_claimed(sb.st_rdev, what, sizeof what);
    if (c != 0) {
        snprintf(why, whylen, "%s is in use: %s", path, what);
        close(fd);
        return -1;
    }
    return fd;
}
