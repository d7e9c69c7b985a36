/* collect_store.c - checks that a received body is a barebench/1 document worth keeping and
 * stores it under a name from its machine identity and the time, within the quota; one file per
 * run id (DIR/.runs/ID points at it); an existing file is never replaced.
 *
 * The invariant, which a crash (SIGKILL, power loss) at any point keeps: a run is stored either
 * not at all or exactly once; once a collector has started on the directory (collect_recover.c),
 * DIR/.runs/ID exists exactly when run ID is stored.
 *   - DIR/.runs/ID -> ../NAME.json is made only after NAME.json, a complete document holding
 *     run ID, is linked and that link is on disk: by rename() of the claim, last.
 *   - DIR/.runs/ID.pending -> ../NAME.json is the claim, on disk before NAME.json is linked.  It
 *     outlives the store only in a crash; the next start renames it to ID when NAME.json exists
 *     and holds run ID (the crash came after the link), else removes it (nothing was stored).
 *   - DIR/.incoming-XXXXXX are temporaries, written and fsync'ed before anything is named;
 *     removed after the store, and at the next start after a crash (a linked one is only a
 *     second name of a stored file).
 * Order of one store: write + fsync the temporary; symlink ID.pending; fsync .runs; link the
 * temporary to NAME.json; fsync DIR; rename ID.pending to ID.  The rename is not fsync'ed: lost
 * in a power failure, it is redone at the next start from ID.pending, so a store holds the lock
 * over two fsyncs.  Only one collector uses a directory (its lock, COLLECT_LOCK_FILE) and
 * g_claim orders this process's threads: what is claimed is claimed by no one else meanwhile.
 * A document without a run id has no claim: a crash after its link and before the answer lets
 * a retry store it twice (nothing can tell the two apart). */
#include "tools/collect/collect.h"
#include "tools/collect/collect_crash.h"
#include "tools/benchcmp/benchcmp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Held while a run id is looked up, claimed and stored, so that two uploads of one run in this
 * process cannot both store (other processes keep out: the directory's lock). */
static pthread_mutex_t g_claim = PTHREAD_MUTEX_INITIALIZER;

void collect_name(const char *tag, const char *hv, const char *system, long long unix_time,
                  const char *run_id, char *out, size_t n)
{
    char raw[420], when[48];
    time_t t = (time_t)unix_time;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
    else
        snprintf(when, sizeof when, "%lld", unix_time);
    if (run_id)
        snprintf(when + strlen(when), sizeof when - strlen(when), "_%.8s", run_id);
    snprintf(raw, sizeof raw, "%.60s%s%.40s_%.80s_%s", tag, tag[0] ? "_" : "",
             hv[0] ? hv : "unknown", system[0] ? system : "unknown-system", when);
    size_t k = 0;
    for (const char *p = raw; *p && k + 1 < n && k < 160; p++) {
        char c = *p;
        int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-' || (c == '.' && k > 0);
        if (ok && (c == '_' || c == '-') && k && (out[k - 1] == '-' || out[k - 1] == '_'))
            out[k - 1] = '_' == c ? '_' : out[k - 1]; /* no "-_" or "--" */
        else if (ok)
            out[k++] = c;
        else if (k && out[k - 1] != '-' && out[k - 1] != '_')
            out[k++] = '-'; /* runs of anything else become one '-' */
    }
    while (k && (out[k - 1] == '-' || out[k - 1] == '.'))
        k--;
    if (!k)
        out[k++] = 'x';
    out[k] = '\0';
}

/* Write the body to a new temporary file in dir (fsync'ed); its path goes to tmp. */
static int write_tmp(const char *body, size_t n, const char *dir, char *tmp, size_t tmplen,
                     char *msg, size_t msglen)
{
    snprintf(tmp, tmplen, "%s/.incoming-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(msg, msglen, "cannot create a file in %s: %s", dir, strerror(errno));
        return -1;
    }
    COLLECT_CRASH("writing");
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, body + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    int ok = off == n && fchmod(fd, 0640) == 0 && fsync(fd) == 0;
    int e = errno;
    if (close(fd) != 0)
        ok = 0;
    if (!ok) {
        unlink(tmp);
        snprintf(msg, msglen, "cannot write in %s: %s", dir, strerror(e));
        return -1;
    }
    return 0;
}

void collect_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int collect_each_file(const char *dir, void (*fn)(int, const char *, const struct stat *, void *),
                      void *ctx, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "cannot read %s: %s", dir, strerror(errno));
        return -1;
    }
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)))
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode))
            fn(dirfd(d), e->d_name, &st, ctx);
    closedir(d);
    return 0;
}

/* DIR/NAME.json, NAME-1.json, ...: the k-th candidate name for a document. */
static void candidate(const char *dir, const char *name, int k, char *path, size_t pathlen)
{
    if (k == 0)
        snprintf(path, pathlen, "%s/%s.json", dir, name);
    else
        snprintf(path, pathlen, "%s/%s-%d.json", dir, name, k);
}

/* Link tmp to the first free candidate name (link() never replaces). */
static int link_free(const char *tmp, const char *dir, const char *name, char *path,
                     size_t pathlen, char *msg, size_t msglen)
{
    snprintf(msg, msglen, "no free file name for %s in %s", name, dir);
    for (int k = 0; k < 1000; k++) {
        candidate(dir, name, k, path, pathlen);
        if (link(tmp, path) == 0)
            return 0;
        if (errno != EEXIST) {
            snprintf(msg, msglen, "cannot store %s: %s", path, strerror(errno));
            return -1;
        }
    }
    return -1;
}

/* 1 when the file at path holds exactly body, 0 when not, -1 when it cannot be read. */
static int same_bytes(const char *path, const char *body, size_t n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char buf[65536];
    size_t off = 0, got;
    int same = 1;
    while (same && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        if (off + got > n || memcmp(buf, body + off, got))
            same = 0;
        off += got;
    }
    int err = ferror(f);
    fclose(f);
    return err ? -1 : same && off == n;
}

/* Claim run_id for a free name (DIR/.runs/ID.pending -> ../NAME.json, on disk), then link tmp
 * there; on a name taken meanwhile the claim moves to the next one.  0 with the path, or -1. */
static int claim_and_link(const char *tmp, const char *dir, const char *runs, const char *pending,
                          const char *name, char *path, size_t pathlen, char *msg, size_t msglen)
{
    char target[600];
    struct stat st;
    snprintf(msg, msglen, "no free file name for %s in %s", name, dir);
    for (int k = 0; k < 1000; k++) {
        candidate(dir, name, k, path, pathlen);
        if (lstat(path, &st) == 0)
            continue;
        snprintf(target, sizeof target, "../%s", strrchr(path, '/') + 1);
        unlink(pending); /* a claim left by a failed store of this run */
        if (symlink(target, pending)) {
            snprintf(msg, msglen, "cannot claim run in %s: %s", runs, strerror(errno));
            return -1;
        }
        collect_sync_dir(runs);
        COLLECT_CRASH("claimed");
        if (link(tmp, path) == 0)
            return 0;
        int e = errno;
        unlink(pending);
        if (e != EEXIST) {
            snprintf(msg, msglen, "cannot store %s: %s", path, strerror(e));
            return -1;
        }
    }
    return -1;
}

/* Store tmp under a free name; a run id is looked up first, claimed, and indexed last (the
 * invariant atop this file). */
static int store_file(const char *tmp, size_t n, const char *body, const char *dir,
                      const char *name, const char *run_id, char *msg, size_t msglen,
                      char *stored, size_t storedlen)
{
    char path[4096], runs[4096], index[4200], pending[4300];
    if (!run_id) {
        if (link_free(tmp, dir, name, path, sizeof path, msg, msglen))
            return 500;
        COLLECT_CRASH("linked");
        collect_sync_dir(dir);
        snprintf(stored, storedlen, "%s", path);
        snprintf(msg, msglen, "stored %s (%zu bytes)", strrchr(path, '/') + 1, n);
        return 201;
    }
    snprintf(runs, sizeof runs, "%s/%s", dir, COLLECT_RUNS_DIR);
    snprintf(index, sizeof index, "%s/%s", runs, run_id);
    snprintf(pending, sizeof pending, "%s%s", index, COLLECT_PENDING_SUFFIX);
    if (mkdir(runs, 0755) && errno != EEXIST) {
        snprintf(msg, msglen, "cannot create %s: %s", runs, strerror(errno));
        return 500;
    }
    pthread_mutex_lock(&g_claim);
    int rc = collect_run_lookup(dir, run_id, body, n, msg, msglen, stored, storedlen);
    if (rc == 0 && claim_and_link(tmp, dir, runs, pending, name, path, sizeof path, msg, msglen))
        rc = 500;
    if (rc == 0) {
        COLLECT_CRASH("linked");
        collect_sync_dir(dir);
        if (rename(pending, index) == 0) {
            COLLECT_CRASH("indexed");
            snprintf(stored, storedlen, "%s", path);
            snprintf(msg, msglen, "stored %s (%zu bytes)", strrchr(path, '/') + 1, n);
            rc = 201;
        } else {
            snprintf(msg, msglen, "cannot record run %s in %s: %s", run_id, runs, strerror(errno));
            unlink(path); /* never a run stored without its index entry */
            unlink(pending);
            rc = 500;
        }
    }
    pthread_mutex_unlock(&g_claim);
    return rc;
}

int collect_run_lookup(const char *dir, const char *run_id, const char *body, size_t n, char *msg,
                       size_t msglen, char *stored, size_t storedlen)
{
    char index[4200], target[512], path[4096];
    snprintf(index, sizeof index, "%s/%s/%s", dir, COLLECT_RUNS_DIR, run_id);
    ssize_t l = readlink(index, target, sizeof target - 1);
    if (l < 0 && errno == ENOENT)
        return 0;
    if (l <= 0) {
        snprintf(msg, msglen, "run %s: cannot read its index entry: %s", run_id, strerror(errno));
        return 500;
    }
    target[l] = '\0';
    const char *name = strncmp(target, "../", 3) ? target : target + 3;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int same = same_bytes(path, body, n);
    if (same < 0 && errno == ENOENT) { /* its file was removed (by hand): the run is not stored */
        unlink(index);
        return 0;
    }
    snprintf(stored, storedlen, "%s", path);
    if (same == 1) {
        snprintf(msg, msglen, "already stored as %s (%zu bytes)", name, n);
        return 200;
    }
    if (same == 0) {
        snprintf(msg, msglen, "run %s is already stored as %s with different contents", run_id, name);
        return 409;
    }
    snprintf(msg, msglen, "run %s is stored as %s, which cannot be read: %s", run_id, name,
             strerror(errno));
    return 500;
}

/* The run id a document states: "" when none; -1 when it is malformed. */
static int doc_run_id(json_t *root, char *out, size_t n)
{
    json_t *rid = json_object_get(json_object_get(root, "tool"), "run_id");
    out[0] = '\0';
    if (!rid)
        return 0;
    const char *s = json_is_string(rid) ? json_string_value(rid) : NULL;
    if (!s || !collect_run_id_ok(s))
        return -1;
    snprintf(out, n, "%s", s);
    return 0;
}

int collect_store(const char *body, size_t n, const struct collect_cfg *cfg, char *msg,
                  size_t msglen, char *stored, size_t storedlen)
{
    struct bc_doc d;
    char err[512], run_id[40];
    stored[0] = '\0';
    if (bc_doc_load_buffer(body, n, "document", &d, err, sizeof err)) {
        snprintf(msg, msglen, "not a well-formed barebench document: %s", err);
        return 400;
    }
    if (doc_run_id(d.root, run_id, sizeof run_id)) {
        bc_doc_free(&d);
        snprintf(msg, msglen, "not a well-formed barebench document: tool.run_id must be "
                              "32 lowercase hexadecimal digits");
        return 400;
    }
    if (collect_doc_check(d.root, msg, msglen)) {
        bc_doc_free(&d);
        return 400;
    }
    char name[200];
    const char *sys = d.sys_product[0] ? d.sys_product : d.cpu_brand;
    collect_name(d.tag, d.hv_name, sys, (long long)time(NULL), run_id[0] ? run_id : NULL, name,
                 sizeof name);
    bc_doc_free(&d);
    if (run_id[0]) { /* a repeat is answered whatever the quota */
        pthread_mutex_lock(&g_claim);
        int rc = collect_run_lookup(cfg->dir, run_id, body, n, msg, msglen, stored, storedlen);
        pthread_mutex_unlock(&g_claim);
        if (rc)
            return rc;
    }
    int rc = collect_quota_reserve(cfg, n, msg, msglen);
    if (rc)
        return rc;
    char tmp[4096];
    rc = 500;
    if (write_tmp(body, n, cfg->dir, tmp, sizeof tmp, msg, msglen) == 0) {
        COLLECT_CRASH("written");
        rc = store_file(tmp, n, body, cfg->dir, name, run_id[0] ? run_id : NULL, msg, msglen,
                        stored, storedlen);
        unlink(tmp);
    }
    collect_quota_release(n, rc == 201);
    if (rc == 201)
        COLLECT_CRASH("stored"); /* all done but the answer */
    return rc;
}
