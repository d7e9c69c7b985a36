/* collect_store.c - checks that a received body is a well-formed barebench/1 document and stores
 * it under a name from its machine identity and the time; one file per run id (DIR/.runs/ID
 * points at it); an existing file is never replaced. */
#include "tools/collect.h"
#include "tools/benchcmp.h"

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

/* Held while a run id is looked up and claimed, so that two uploads of one run in this process
 * cannot both store; the index entry's symlink() is atomic against other processes too. */
static pthread_mutex_t g_claim = PTHREAD_MUTEX_INITIALIZER;

int collect_run_id_ok(const char *s)
{
    size_t i = 0;
    for (; s[i]; i++)
        if (i >= 32 || !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return i == 32;
}

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

/* Make the new names durable: fsync the directory. */
static void sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Link tmp to the first free name NAME.json, NAME-1.json, ... (link() never replaces). */
static int link_free(const char *tmp, const char *dir, const char *name, char *path,
                     size_t pathlen, char *msg, size_t msglen)
{
    snprintf(msg, msglen, "no free file name for %s in %s", name, dir);
    for (int k = 0; k < 1000; k++) {
        if (k == 0)
            snprintf(path, pathlen, "%s/%s.json", dir, name);
        else
            snprintf(path, pathlen, "%s/%s-%d.json", dir, name, k);
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

/* A run already stored under DIR/.runs/ID: answer 200 (same bytes) or 409 (other bytes). */
static int answer_repeat(const char *dir, const char *index, const char *run_id, const char *body,
                         size_t n, char *msg, size_t msglen, char *stored, size_t storedlen)
{
    char target[512], path[4096];
    ssize_t l = readlink(index, target, sizeof target - 1);
    if (l <= 0) {
        snprintf(msg, msglen, "run %s: cannot read its index entry: %s", run_id, strerror(errno));
        return 500;
    }
    target[l] = '\0';
    const char *name = strncmp(target, "../", 3) ? target : target + 3;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(stored, storedlen, "%s", path);
    int same = same_bytes(path, body, n);
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

/* Store tmp under a free name; with a run id, first look the run up and record it after. */
static int store_file(const char *tmp, size_t n, const char *body, const char *dir,
                      const char *name, const char *run_id, char *msg, size_t msglen,
                      char *stored, size_t storedlen)
{
    char path[4096], runs[4096], index[4200], target[600];
    if (!run_id) {
        if (link_free(tmp, dir, name, path, sizeof path, msg, msglen))
            return 500;
        sync_dir(dir);
        snprintf(stored, storedlen, "%s", path);
        snprintf(msg, msglen, "stored %s (%zu bytes)", strrchr(path, '/') + 1, n);
        return 201;
    }
    snprintf(runs, sizeof runs, "%s/%s", dir, COLLECT_RUNS_DIR);
    snprintf(index, sizeof index, "%s/%s", runs, run_id);
    if (mkdir(runs, 0755) && errno != EEXIST) {
        snprintf(msg, msglen, "cannot create %s: %s", runs, strerror(errno));
        return 500;
    }
    pthread_mutex_lock(&g_claim);
    int rc;
    struct stat st;
    if (lstat(index, &st) == 0) {
        rc = answer_repeat(dir, index, run_id, body, n, msg, msglen, stored, storedlen);
    } else if (link_free(tmp, dir, name, path, sizeof path, msg, msglen)) {
        rc = 500;
    } else {
        snprintf(target, sizeof target, "../%s", strrchr(path, '/') + 1);
        if (symlink(target, index) == 0) {
            sync_dir(runs);
            sync_dir(dir);
            snprintf(stored, storedlen, "%s", path);
            snprintf(msg, msglen, "stored %s (%zu bytes)", strrchr(path, '/') + 1, n);
            rc = 201;
        } else {
            int e = errno;
            unlink(path); /* never a second copy of one run */
            if (e == EEXIST) /* another collector on the same directory was faster */
                rc = answer_repeat(dir, index, run_id, body, n, msg, msglen, stored, storedlen);
            else {
                snprintf(msg, msglen, "cannot record run %s in %s: %s", run_id, runs, strerror(e));
                rc = 500;
            }
        }
    }
    pthread_mutex_unlock(&g_claim);
    return rc;
}

int collect_store(const char *body, size_t n, const struct collect_cfg *cfg, char *msg,
                  size_t msglen, char *stored, size_t storedlen)
{
    struct bc_doc d;
    char err[512], run_id[40] = "";
    stored[0] = '\0';
    if (bc_doc_load_buffer(body, n, "document", &d, err, sizeof err)) {
        snprintf(msg, msglen, "not a well-formed barebench document: %s", err);
        return 400;
    }
    json_t *rid = json_object_get(json_object_get(d.root, "tool"), "run_id");
    if (rid) {
        const char *s = json_is_string(rid) ? json_string_value(rid) : NULL;
        if (!s || !collect_run_id_ok(s)) {
            bc_doc_free(&d);
            snprintf(msg, msglen, "not a well-formed barebench document: tool.run_id must be "
                                  "32 lowercase hexadecimal digits");
            return 400;
        }
        snprintf(run_id, sizeof run_id, "%s", s);
    }
    char name[200];
    const char *sys = d.sys_product[0] ? d.sys_product : d.cpu_brand;
    collect_name(d.tag, d.hv_name, sys, (long long)time(NULL), run_id[0] ? run_id : NULL, name,
                 sizeof name);
    bc_doc_free(&d);
    char tmp[4096];
    if (write_tmp(body, n, cfg->dir, tmp, sizeof tmp, msg, msglen))
        return 500;
    int rc = store_file(tmp, n, body, cfg->dir, name, run_id[0] ? run_id : NULL, msg, msglen,
                        stored, storedlen);
    unlink(tmp);
    return rc;
}
