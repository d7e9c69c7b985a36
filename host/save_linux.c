/* save_linux.c - where the Linux build stores the results document: the --json FILE, written
 * to a temporary file beside it and renamed over it; never a device, never a disk under test. */
#include "kernel/platform.h"
#include "host/host.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *json_path;

void host_set_json_path(const char *path)
{
    json_path = path;
}

int host_json_refused(const char *path, const char *disk_spec, char *why, size_t whylen)
{
    struct stat sb, ds;
    if (stat(path, &sb) != 0)
        return 0; /* a new file */
    if (S_ISBLK(sb.st_mode) || S_ISCHR(sb.st_mode) || !S_ISREG(sb.st_mode)) {
        snprintf(why, whylen, "--json %s is a %s, not a regular file: refused (results never go to a device)",
                 path, S_ISBLK(sb.st_mode) ? "block device" : S_ISCHR(sb.st_mode) ? "character device"
                                                                  : "special file");
        return -1;
    }
    char buf[256];
    snprintf(buf, sizeof buf, "%s", disk_spec ? disk_spec : "");
    for (char *save = NULL, *p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save))
        if (stat(p, &ds) == 0 && ds.st_dev == sb.st_dev && ds.st_ino == sb.st_ino) {
            snprintf(why, whylen, "--json %s is the same file as the disk %s: refused", path, p);
            return -1;
        }
    if (host_disk_same_file(&sb)) {
        snprintf(why, whylen, "--json %s is the same file as a disk under test: refused", path);
        return -1;
    }
    return 0;
}

int host_json_to_stdout(void)
{
    return json_path && !strcmp(json_path, "-");
}

int plat_save_results(const char *json, size_t n, const char *file_name, char *where,
                      size_t where_len)
{
    (void)file_name;
    if (!json_path) {
        snprintf(where, where_len, "no --json FILE given");
        return -1;
    }
    if (host_json_to_stdout()) {
        snprintf(where, where_len, "standard output (--json -)");
        return 0;
    }
    if (host_json_refused(json_path, NULL, where, where_len))
        return -1;
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.XXXXXX", json_path) >= (int)sizeof tmp) {
        snprintf(where, where_len, "--json path too long");
        return -1;
    }
    int fd = mkstemp(tmp);
    if (fd < 0) {
        snprintf(where, where_len, "cannot write %s: %s", tmp, strerror(errno));
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    FILE *f = fdopen(fd, "w");
    int ok = f && fchmod(fd, 0666 & ~mask) == 0 && fwrite(json, 1, n, f) == n &&
             fputc('\n', f) != EOF && fflush(f) == 0 && fsync(fd) == 0;
    int err = errno;
    if (f ? fclose(f) != 0 : close(fd) != 0)
        ok = 0, err = errno;
    if (!ok || rename(tmp, json_path) != 0) {
        if (ok)
            err = errno;
        unlink(tmp);
        snprintf(where, where_len, "cannot write %s: %s", json_path, strerror(err));
        return -1;
    }
    snprintf(where, where_len, "%s", json_path);
    return 0;
}
