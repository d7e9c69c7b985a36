/* collect_store.c - checks that a received body is a well-formed barebench/1 document and stores
 * it under a name from its machine identity and the time; an existing file is never replaced. */
#include "tools/collect.h"
#include "tools/benchcmp.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void collect_name(const char *tag, const char *hv, const char *system, long long unix_time,
                  char *out, size_t n)
{
    char raw[400], when[32];
    time_t t = (time_t)unix_time;
    struct tm tm;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y%m%dT%H%M%SZ", &tm);
    else
        snprintf(when, sizeof when, "%lld", unix_time);
    snprintf(raw, sizeof raw, "%.60s%s%.40s_%.80s_%s", tag, tag[0] ? "_" : "",
             hv[0] ? hv : "unknown", system[0] ? system : "unknown-system", when);
    size_t k = 0;
    for (const char *p = raw; *p && k + 1 < n && k < 150; p++) {
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

/* Write the body to a temporary file in dir, then link it to the first free name. */
static int store_file(const char *body, size_t n, const char *dir, const char *name, char *msg,
                      size_t msglen, char *stored, size_t storedlen)
{
    char tmp[4096], path[4096];
    snprintf(tmp, sizeof tmp, "%s/.incoming-XXXXXX", dir);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(msg, msglen, "cannot create a file in %s: %s", dir, strerror(errno));
        return 500;
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
    int ok = off == n && fchmod(fd, 0644) == 0 && fsync(fd) == 0;
    int e = errno;
    if (close(fd) != 0)
        ok = 0;
    if (!ok) {
        unlink(tmp);
        snprintf(msg, msglen, "cannot write in %s: %s", dir, strerror(e));
        return 500;
    }
    int rc = 500;
    snprintf(msg, msglen, "no free file name for %s in %s", name, dir);
    for (int k = 0; k < 1000; k++) {
        if (k == 0)
            snprintf(path, sizeof path, "%s/%s.json", dir, name);
        else
            snprintf(path, sizeof path, "%s/%s-%d.json", dir, name, k);
        if (link(tmp, path) == 0) { /* fails with EEXIST instead of replacing */
            snprintf(stored, storedlen, "%s", path);
            snprintf(msg, msglen, "stored %s (%zu bytes)", strrchr(path, '/') + 1, n);
            rc = 201;
            break;
        }
        if (errno != EEXIST) {
            snprintf(msg, msglen, "cannot store %s: %s", path, strerror(errno));
            break;
        }
    }
    unlink(tmp);
    return rc;
}

int collect_store(const char *body, size_t n, const struct collect_cfg *cfg, char *msg,
                  size_t msglen, char *stored, size_t storedlen)
{
    struct bc_doc d;
    char err[512];
    stored[0] = '\0';
    if (bc_doc_load_buffer(body, n, "document", &d, err, sizeof err)) {
        snprintf(msg, msglen, "not a well-formed barebench document: %s", err);
        return 400;
    }
    char name[200];
    const char *sys = d.sys_product[0] ? d.sys_product : d.cpu_brand;
    collect_name(d.tag, d.hv_name, sys, (long long)time(NULL), name, sizeof name);
    bc_doc_free(&d);
    return store_file(body, n, cfg->dir, name, msg, msglen, stored, storedlen);
}
