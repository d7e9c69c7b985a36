/* save_linux.c - where the Linux build stores the results document: the --json FILE. */
#include "kernel/platform.h"
#include "host/host.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *json_path;

void host_set_json_path(const char *path)
{
    json_path = path;
}

int plat_save_results(const char *json, size_t n, const char *file_name, char *where,
                      size_t where_len)
{
    (void)file_name;
    if (!json_path) {
        snprintf(where, where_len, "no --json FILE given");
        return -1;
    }
    FILE *f = fopen(json_path, "w");
    if (!f || fwrite(json, 1, n, f) != n || fputc('\n', f) == EOF) {
        snprintf(where, where_len, "cannot write %s: %s", json_path, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    if (fclose(f) != 0) {
        snprintf(where, where_len, "cannot write %s: %s", json_path, strerror(errno));
        return -1;
    }
    snprintf(where, where_len, "%s", json_path);
    return 0;
}

