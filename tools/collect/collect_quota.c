/* collect_quota.c - how much one fleet member can make the collector store: a quota on the
 * documents in DIR (bytes and files) and a reserve of free space on its file system, both checked
 * before a document is written, so that an upload is refused with 507 before the disk is full. */
#include "tools/collect/collect.h"
#include "tools/collect/collect_db.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

#define RESCAN_MS 5000 /* a quota reached is counted again (files removed since?) at most this often */

/* The documents in DIR (regular files not named .* nor barebench.sqlite*, whatever wrote them) as last counted plus
 * what was stored since, and the uploads being stored now (reserved, not yet counted).  An
 * upload counts as pending while its temporary file is written, so the count errs on the safe
 * side while uploads are in flight; a count from the directory puts it right. */
static struct {
    pthread_mutex_t lock;
    unsigned long long bytes, files;
    unsigned long long pending_bytes, pending_files;
    long long counted_ms;
} g = {PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0, 0};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* "80 bytes", "12.5 KiB", "10.0 GiB". */
static void human(unsigned long long b, char *out, size_t n)
{
    static const char *const unit[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    if (b < 1024) {
        snprintf(out, n, "%llu bytes", b);
        return;
    }
    double v = (double)b / 1024;
    int u = 0;
    for (; v >= 1024 && u < 4; u++)
        v /= 1024;
    snprintf(out, n, "%.1f %s", v, unit[u]);
}

struct tally {
    unsigned long long bytes, files;
};

static void tally_document(int dfd, const char *name, const struct stat *st, void *ctx)
{
    struct tally *t = ctx;
    (void)dfd;
    /* the default database beside the documents (collect_db.h) is not a document */
    if (name[0] != '.' && strncmp(name, COLLECT_DB_DEFAULT_FILE, strlen(COLLECT_DB_DEFAULT_FILE)))
        t->bytes += (unsigned long long)st->st_size, t->files++;
}

static int count_documents(const char *dir, unsigned long long *bytes, unsigned long long *files,
                           char *err, size_t errlen)
{
    struct tally t = {0, 0};
    if (collect_each_file(dir, tally_document, &t, err, errlen))
        return -1;
    *bytes = t.bytes, *files = t.files;
    return 0;
}

int collect_quota_scan(const char *dir, char *err, size_t errlen)
{
    unsigned long long b, f;
    if (count_documents(dir, &b, &f, err, errlen))
        return -1;
    pthread_mutex_lock(&g.lock);
    g.bytes = b, g.files = f, g.counted_ms = now_ms();
    pthread_mutex_unlock(&g.lock);
    return 0;
}

void collect_quota_usage(unsigned long long *bytes, unsigned long long *files)
{
    pthread_mutex_lock(&g.lock);
    *bytes = g.bytes, *files = g.files;
    pthread_mutex_unlock(&g.lock);
}

/* Would n more bytes pass a quota?  The message names the limit (g.lock held). */
static int over_quota(const struct collect_cfg *cfg, size_t n, char *msg, size_t msglen)
{
    char have[32], one[32], lim[32];
    if (cfg->quota_files && g.files + g.pending_files + 1 > cfg->quota_files) {
        snprintf(msg, msglen, "quota reached: the collector's directory holds %llu documents%s "
                 "(--quota-files %llu)", g.files, g.pending_files ? " and more being stored" : "",
                 cfg->quota_files);
        return 1;
    }
    if (cfg->quota_bytes && g.bytes + g.pending_bytes + n > cfg->quota_bytes) {
        human(g.bytes, have, sizeof have), human(n, one, sizeof one);
        human(cfg->quota_bytes, lim, sizeof lim);
        snprintf(msg, msglen, "quota reached: the documents in the collector's directory weigh %s; "
                 "this one (%s) would pass --quota-bytes %s", have, one, lim);
        return 1;
    }
    return 0;
}

/* Would storing n more bytes leave the file system under its reserve (or out of inodes)? */
static int over_reserve(const struct collect_cfg *cfg, const struct statvfs *fs, size_t n,
                        char *msg, size_t msglen)
{
    unsigned long long frs = fs->f_frsize ? fs->f_frsize : fs->f_bsize;
    unsigned long long avail = (unsigned long long)fs->f_bavail * frs;
    unsigned long long reserve = (unsigned long long)cfg->reserve_bytes;
    if (cfg->reserve_bytes == COLLECT_RESERVE_AUTO) {
        reserve = (unsigned long long)fs->f_blocks * frs / 100;
        if (reserve > (unsigned long long)COLLECT_RESERVE_CAP)
            reserve = (unsigned long long)COLLECT_RESERVE_CAP;
    }
    unsigned long long need = ((unsigned long long)n + frs - 1) / frs * frs + g.pending_bytes;
    if (avail < need || avail - need < reserve) {
        char free_s[32], one[32], res[32];
        human(avail, free_s, sizeof free_s), human(n, one, sizeof one);
        human(reserve, res, sizeof res);
        snprintf(msg, msglen, "file system nearly full: %s free where the collector stores; this "
                 "document (%s) would leave less than the %s kept free (--reserve-bytes)", free_s,
                 one, res);
        return 1;
    }
    /* a temporary and an index entry per upload; some inodes kept for everyone else */
    unsigned long long spare = fs->f_files / 100 < 1000 ? fs->f_files / 100 : 1000;
    if (fs->f_files && fs->f_favail < 2 * (g.pending_files + 1) + spare) {
        snprintf(msg, msglen, "file system nearly full: %llu free inodes where the collector stores",
                 (unsigned long long)fs->f_favail);
        return 1;
    }
    return 0;
}

int collect_quota_reserve(const struct collect_cfg *cfg, size_t n, char *msg, size_t msglen)
{
    struct statvfs fs;
    int have_fs = statvfs(cfg->dir, &fs) == 0; /* not known: the write says what is wrong */
    int refused = 0;
    pthread_mutex_lock(&g.lock);
    if (over_quota(cfg, n, msg, msglen)) {
        unsigned long long b, f;
        char err[200];
        refused = 1; /* unless files were removed since the last count */
        if (now_ms() - g.counted_ms >= RESCAN_MS &&
            count_documents(cfg->dir, &b, &f, err, sizeof err) == 0) {
            g.bytes = b, g.files = f, g.counted_ms = now_ms();
            refused = over_quota(cfg, n, msg, msglen);
        }
    }
    if (!refused && have_fs)
        refused = over_reserve(cfg, &fs, n, msg, msglen);
    if (!refused)
        g.pending_bytes += n, g.pending_files++;
    pthread_mutex_unlock(&g.lock);
    return refused ? 507 : 0;
}

int collect_room_for(const struct collect_cfg *cfg, const char *path, size_t n, char *msg,
                     size_t msglen)
{
    struct statvfs fs;
    if (statvfs(path, &fs))
        return 0; /* not known: the write says what is wrong */
    pthread_mutex_lock(&g.lock);
    int refused = over_reserve(cfg, &fs, n, msg, msglen);
    pthread_mutex_unlock(&g.lock);
    return refused ? -1 : 0;
}

void collect_quota_release(size_t n, int stored)
{
    pthread_mutex_lock(&g.lock);
    g.pending_bytes -= n, g.pending_files--;
    if (stored)
        g.bytes += n, g.files++;
    pthread_mutex_unlock(&g.lock);
}

int collect_parse_size(const char *s, unsigned long long *out)
{
    unsigned long long v = 0;
    const char *p = s;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (~0ull - 9) / 10)
            return -1;
        v = v * 10 + (unsigned long long)(*p - '0');
    }
    int up = *p & ~0x20; /* upper case */
    const char *units = "KMGT", *u = up ? strchr(units, up) : NULL;
    if (p == s || (*p && (!u || p[1])))
        return -1;
    unsigned shift = u ? 10 * (unsigned)(u - units + 1) : 0;
    if (shift && v > (~0ull >> shift))
        return -1;
    *out = v << shift;
    return 0;
}
