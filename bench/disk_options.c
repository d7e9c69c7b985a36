/* disk_options.c - the disk suite's option rows: parsed, defaulted and listed in help by
 * kernel/run/options like the runtime's own, registered through suite_disk.options.  The
 * defaults disk=all and disk_write=yes are the scratch rule's (docs/DISK.md): writes only ever
 * reach a disk that carries the barebench scratch marker.  disk_label= names disks for the
 * comparer (env.disks[].label). */
#include "bench/disk_options.h"

#include "kernel/lib/fmt.h"

#include <stddef.h>
#include <string.h>

#define F(field) offsetof(struct disk_options, field)
#define S(field) sizeof(((struct disk_options *)0)->field)

/* index = PLAT_DRIVER_* (kernel/platform.h) */
static const char *const driver_names[] = {"auto", "native", "firmware", "both", NULL};

static const struct opt_def rows[] = {
    {.key = "disk", .kind = OPT_STR, .off = F(disk), .cap = S(disk), .values = "all|none|N,N|PATH,PATH",
     .help = "disks to measure: by index (env.disks), or on Linux files/block devices by path",
     .def = "all"},
    {.key = "disk_blocks", .kind = OPT_SIZELIST, .off = F(blocks), .cap = OPT_LIST_MAX, .min = 512,
     .max = 1L << 30, .count_off = F(nblocks), .values = "SIZE,SIZE",
     .help = "block sizes of the disk sweep (default 4K,16K,64K,256K,1M,4M,16M,64M)"},
    {.key = "disk_budget", .kind = OPT_SIZE, .off = F(budget), .values = "SIZE",
     .help = "most bytes per repetition of a disk sweep point (0 = by profile; length by min_time_ms)"},
    {.key = "disk_qd", .kind = OPT_INTLIST, .off = F(qd), .cap = OPT_LIST_MAX, .min = 1, .max = 256,
     .count_off = F(nqd), .values = "N,N",
     .help = "queue depths (default 1,4,16,32,64,128,256, capped by the device)"},
    {.key = "disk_driver", .kind = OPT_ENUM, .off = F(driver), .choices = driver_names,
     .values = "auto|native|firmware|both",
     .help = "UEFI: barebench's own NVMe driver where it has one (auto), only it, the firmware's, or both"},
    {.key = "disk_write", .kind = OPT_BOOL, .off = F(write), .values = "yes|no",
     .help = "write tests on disks carrying the barebench scratch marker (default yes; others never)",
     .def = "yes"},
    {.key = "disk_label", .kind = OPT_STR, .off = F(label), .cap = S(label),
     .values = "NAME|N=NAME,N=NAME|PATH=NAME",
     .help = "names disks in env.disks[].label so that benchcmp pairs them across runs (NAME alone: every disk)"},
    {.key = "disk_tests", .kind = OPT_STR, .off = F(tests), .cap = S(tests),
     .values = "all|seq_read,seq_write,rand_read,rand_write", .help = "which disk sweeps to run (default all)",
     .def = "all"},
};

const struct opt_group disk_option_group = {"disk", rows, sizeof rows / sizeof rows[0],
                                            sizeof(struct disk_options)};

const struct disk_options *disk_options(const struct options *o)
{
    return options_group_values(o, &disk_option_group);
}

/* Characters before the first `c` or the end (no strcspn on the image). */
static size_t span(const char *p, char c)
{
    size_t n = 0;
    while (p[n] && p[n] != c)
        n++;
    return n;
}

static int name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

int disk_label_of(const char *spec, int index, const char *path, char *out, size_t n, char *why,
                  size_t whyn)
{
    out[0] = '\0';
    int items = 0, bare = 0;
    for (const char *p = spec; *p;) {
        size_t len = span(p, ','), eq = span(p, '=');
        const char *name = eq < len ? p + eq + 1 : p;
        size_t nlen = eq < len ? len - eq - 1 : len;
        items++;
        bare |= eq >= len;
        if (nlen == 0 || nlen >= DISK_LABEL_MAX || (eq < len && eq == 0)) {
            bb_snprintf(why, whyn, "disk_label=%.60s: item %d needs %s", spec, items,
                        eq < len && eq == 0 ? "a disk before '=' (N=NAME or PATH=NAME)"
                                            : "a name of 1..31 characters");
            return -1;
        }
        for (size_t k = 0; k < nlen; k++)
            if (!name_char(name[k])) {
                bb_snprintf(why, whyn, "disk_label=%.60s: '%c' in a name (letters, digits, . _ - only)",
                            spec, name[k]);
                return -1;
            }
        char num[16];
        bb_snprintf(num, sizeof num, "%d", index);
        int mine = eq >= len || (eq == strlen(num) && !strncmp(p, num, eq)) ||
                   (path && eq == strlen(path) && !strncmp(p, path, eq));
        if (mine && !out[0] && nlen < n) {
            memcpy(out, name, nlen);
            out[nlen] = '\0';
        }
        p += len + (p[len] == ',');
    }
    if (bare && items > 1) {
        out[0] = '\0';
        bb_snprintf(why, whyn, "disk_label=%.60s: a bare NAME labels every disk; with several, "
                    "name each as N=NAME", spec);
        return -1;
    }
    return 0;
}
