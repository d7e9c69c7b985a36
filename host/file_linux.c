/* file_linux.c - the Linux build's plat_read_boot_file: a small regular file read whole (the
 * upload key file of upload_key_file=); a FIFO or device is refused rather than waited on. */
#include "kernel/platform.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int plat_read_boot_file(const char *path, size_t max, char **buf, size_t *len, char *err,
                        size_t errlen)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? 0 : -1;
    }
    struct stat st;
    int rc = -1;
    char *b = NULL;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        goto out;
    }
    if ((unsigned long long)st.st_size > max) {
        snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
        goto out;
    }
    b = plat_alloc(max + 1);
    if (!b) {
        snprintf(err, errlen, "%s: out of memory reading it", path);
        goto out;
    }
    size_t total = 0;
    for (;;) {
        ssize_t r = read(fd, b + total, max + 1 - total);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
            goto out;
        }
        if (r == 0)
            break;
        total += (size_t)r;
        if (total > max) {
            snprintf(err, errlen, "%s: larger than %zu bytes", path, max);
            goto out;
        }
    }
    b[total] = '\0';
    *buf = b, *len = total, b = NULL;
    rc = 1;
out:
    plat_free(b);
    close(fd);
    return rc;
}
