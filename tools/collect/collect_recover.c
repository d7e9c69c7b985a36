/* collect_recover.c - the collector's start on its directory: takes the directory's lock (one
 * collector per directory), settles what a killed collector left by collect_store.c's invariant
 * (temporaries, unfinished run claims, index entries pointing nowhere) and counts the quota. */
#include "tools/collect/collect.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static int g_lock_fd = -1; /* held until the process ends */

/* What a start found and did, for its summary line. */
struct settled {
    int temporaries, finished, undone, dangling;
};

/* DIR/COLLECT_LOCK_FILE, locked for as long as this process lives; refused (naming the holder)
 * when another collector has it. */
static int take_lock(const char *dir, char *err, size_t errlen)
{
    char path[4200], pid[32] = "";
    snprintf(path, sizeof path, "%s/%s", dir, COLLECT_LOCK_FILE);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    if (flock(fd, LOCK_EX | LOCK_NB)) {
        int e = errno;
        ssize_t r = pread(fd, pid, sizeof pid - 1, 0);
        pid[r > 0 ? r : 0] = '\0';
        pid[strcspn(pid, "\n")] = '\0';
        close(fd);
        if (e == EWOULDBLOCK)
            snprintf(err, errlen, "%s is in use by another barebench-collect (pid %s): one "
                     "collector per directory", dir, pid[0] ? pid : "?");
        else
            snprintf(err, errlen, "cannot lock %s: %s", path, strerror(e));
        return -1;
    }
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) || pwrite(fd, pid, (size_t)n, 0) != n) {
        /* the pid is only for the message above: the lock holds without it */
    }
    if (g_lock_fd >= 0)
        close(g_lock_fd); /* a test opening another directory */
    g_lock_fd = fd;
    return 0;
}

/* ".incoming-" and mkstemp's six characters. */
static int is_temporary(const char *name)
{
    static const char pre[] = ".incoming-";
    if (strncmp(name, pre, sizeof pre - 1) || strlen(name) != sizeof pre - 1 + 6)
        return 0;
    for (const char *p = name + sizeof pre - 1; *p; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return 0;
    return 1;
}

/* Remove our temporaries (regular files named .incoming-XXXXXX, directly in dir). */
static void remove_temporary(int dfd, const char *name, const struct stat *st, void *ctx)
{
    struct settled *s = ctx;
    (void)st;
    if (is_temporary(name) && unlinkat(dfd, name, 0) == 0)
        s->temporaries++;
}

/* Does the file hold run id (tool.run_id)? */
static int holds_run(const char *path, const char *id)
{
    json_t *root = json_load_file(path, 0, NULL);
    const char *rid = json_string_value(json_object_get(json_object_get(root, "tool"), "run_id"));
    int yes = rid && !strcmp(rid, id);
    json_decref(root);
    return yes;
}

/* One entry of DIR/.runs (open as runs): a claim is finished (its file holds the run) or
 * undone; an index entry whose file is gone is removed.  Anything else there is left alone. */
static void settle_entry(const char *dir, int runs, const char *name, struct settled *s)
{
    char id[33], target[512], path[4400];
    size_t len = strlen(name), pl = strlen(COLLECT_PENDING_SUFFIX);
    int claim = len == 32 + pl && !strcmp(name + 32, COLLECT_PENDING_SUFFIX);
    if (len != 32 && !claim)
        return;
    memcpy(id, name, 32);
    id[32] = '\0';
    if (!collect_run_id_ok(id))
        return;
    ssize_t l = readlinkat(runs, name, target, sizeof target - 1);
    if (l <= 0)
        return; /* not a symlink: not ours */
    target[l] = '\0';
    snprintf(path, sizeof path, "%s/%s", dir, strncmp(target, "../", 3) ? target : target + 3);
    struct stat st;
    if (!claim) {
        if (stat(path, &st) && errno == ENOENT && unlinkat(runs, name, 0) == 0)
            s->dangling++;
        return;
    }
    if (fstatat(runs, id, &st, AT_SYMLINK_NOFOLLOW) && errno == ENOENT && holds_run(path, id) &&
        renameat(runs, name, runs, id) == 0)
        s->finished++; /* killed after the link: the run is stored, only its index was missing */
    else if (unlinkat(runs, name, 0) == 0)
        s->undone++;   /* killed before the link: nothing was stored */
}

static void settle_runs(const char *dir, struct settled *s)
{
    char runs[4200];
    snprintf(runs, sizeof runs, "%s/%s", dir, COLLECT_RUNS_DIR);
    DIR *d = opendir(runs);
    if (!d)
        return; /* no run stored yet */
    struct dirent *e;
    while ((e = readdir(d)))
        settle_entry(dir, dirfd(d), e->d_name, s);
    closedir(d);
    if (s->finished || s->undone || s->dangling)
        collect_sync_dir(runs);
}

/* "10.0 GiB" for the summary line; "no limit" for 0. */
static void limit_text(unsigned long long v, const char *unit, char *out, size_t n)
{
    if (!v)
        snprintf(out, n, "no limit");
    else if (!strcmp(unit, "bytes") && v % (1ull << 30) == 0)
        snprintf(out, n, "%llu GiB", v >> 30);
    else if (!strcmp(unit, "bytes") && v % (1ull << 20) == 0)
        snprintf(out, n, "%llu MiB", v >> 20);
    else
        snprintf(out, n, "%llu %s", v, unit);
}

int collect_store_open(const struct collect_cfg *cfg, char *info, size_t infolen, char *err,
                       size_t errlen)
{
    struct settled s = {0, 0, 0, 0};
    if (take_lock(cfg->dir, err, errlen) ||
        collect_each_file(cfg->dir, remove_temporary, &s, err, errlen))
        return -1;
    settle_runs(cfg->dir, &s);
    if (s.temporaries)
        collect_sync_dir(cfg->dir);
    if (collect_quota_scan(cfg->dir, err, errlen))
        return -1;
    unsigned long long bytes, files;
    char qb[32], qf[32], res[48];
    collect_quota_usage(&bytes, &files);
    limit_text(cfg->quota_bytes, "bytes", qb, sizeof qb);
    limit_text(cfg->quota_files, "files", qf, sizeof qf);
    if (cfg->reserve_bytes == COLLECT_RESERVE_AUTO)
        snprintf(res, sizeof res, "1%% of the file system, at most %lld MiB",
                 COLLECT_RESERVE_CAP >> 20);
    else if (cfg->reserve_bytes)
        limit_text((unsigned long long)cfg->reserve_bytes, "bytes", res, sizeof res);
    else
        snprintf(res, sizeof res, "nothing");
    snprintf(info, infolen, "%s holds %llu documents, %llu bytes (quota %s, %s; kept free: %s); "
             "left by an earlier collector: %d temporary files removed, %d runs finished, %d "
             "claims undone, %d index entries of removed files dropped", cfg->dir, files, bytes,
             qf, qb, res, s.temporaries, s.finished, s.undone, s.dangling);
    return 0;
}
