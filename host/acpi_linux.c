/* acpi_linux.c - plat_acpi_table for the Linux build: the firmware's ACPI tables as the kernel
 * exports them in /sys/firmware/acpi/tables (root only), read once and kept. */
#include "host/host.h"
#include "kernel/platform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ACPI_KEEP 8             /* tables kept */
#define ACPI_MAX_BYTES (1u << 24) /* as kernel/firmware/acpi.c: no table is larger */

static char root[256] = "/sys/firmware/acpi/tables";
static struct {
    char sig[5];
    uint8_t *buf;           /* NULL: absent or unreadable */
    uint32_t len;
    const char *why;        /* present but unreadable: why */
} kept[ACPI_KEEP];
static int nkept;

void acpi_linux_set_root(const char *dir)
{
    snprintf(root, sizeof root, "%s", dir ? dir : "/sys/firmware/acpi/tables");
    for (int i = 0; i < nkept; i++)
        free(kept[i].buf);
    memset(kept, 0, sizeof kept);
    nkept = 0;
}

/* The whole file at path (at most ACPI_MAX_BYTES), or NULL; *len its size; *why says why a file
 * that exists was not read. */
static uint8_t *slurp(const char *path, uint32_t *len, const char **why)
{
    FILE *f = fopen(path, "rb");
    *why = NULL;
    if (!f) {
        if (errno == EACCES || errno == EPERM)
            *why = "present in /sys/firmware/acpi/tables but readable by root only";
        else if (errno != ENOENT)
            *why = "present in /sys/firmware/acpi/tables but could not be opened";
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        if (cap >= ACPI_MAX_BYTES) {
            free(buf);
            buf = NULL;
            break;
        }
        uint8_t *bigger = realloc(buf, cap * 2);
        if (!bigger) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = bigger;
        cap *= 2;
    }
    fclose(f);
    if (buf && n < 36) { /* not even a header */
        free(buf);
        buf = NULL;
        *why = "shorter than an ACPI table header";
    } else if (!buf && !*why) {
        *why = "too large or out of memory while reading it";
    }
    *len = (uint32_t)n;
    return buf;
}

const void *plat_acpi_table(const char sig[4], uint32_t *len, const char **why)
{
    const char *w = NULL;
    *len = 0;
    for (int i = 0; i < nkept; i++)
        if (!memcmp(kept[i].sig, sig, 4)) {
            *len = kept[i].len;
            if (why)
                *why = kept[i].why;
            return kept[i].buf;
        }
    char path[300];
    snprintf(path, sizeof path, "%s/%.4s", root, sig);
    uint32_t n = 0;
    uint8_t *buf = slurp(path, &n, &w);
    if (buf && memcmp(buf, sig, 4)) {
        free(buf);
        buf = NULL;
        w = "its file does not start with its signature";
    }
    if (nkept < ACPI_KEEP) {
        memcpy(kept[nkept].sig, sig, 4);
        kept[nkept].buf = buf;
        kept[nkept].why = w;
        kept[nkept++].len = buf ? n : 0;
    } else if (buf) {
        free(buf); /* not kept: never handed out, so never dangling */
        buf = NULL;
        w = "more tables asked for than kept";
    }
    *len = buf ? n : 0;
    if (why)
        *why = w;
    return buf;
}
