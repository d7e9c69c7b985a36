/* paging_linux.c - the page-size window for the Linux build: fresh anonymous memory with
 * transparent huge pages asked for (MADV_HUGEPAGE) or refused (MADV_NOHUGEPAGE), pre-faulted,
 * and checked in /proc/self/smaps: a window that did not get the page size asked for is refused. */
#include "kernel/platform.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

/* Bytes of the mapping containing p that are backed by huge pages (AnonHugePages), -1 unknown. */
static long long huge_bytes(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f)
        return -1;
    char line[256];
    int inside = 0;
    long long kb = -1;
    uintptr_t a = (uintptr_t)p;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
            inside = a >= lo && a < hi;
            continue;
        }
        if (inside && sscanf(line, "AnonHugePages: %lld kB", &kb) == 1)
            break;
    }
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

void *plat_map_window(void *buf, size_t bytes, int page_kb)
{
    (void)buf;
    if (page_kb != 4 && page_kb != 2048)
        return NULL;
    void *p = plat_alloc_pages(bytes, 2u << 20, page_kb == 2048 ? PLAT_PAGES_HUGE : 0);
    if (!p)
        return NULL;
    memset(p, 0, bytes); /* fault it in now, outside any measured interval */
    long long huge = huge_bytes(p);
    int ok = page_kb == 2048 ? huge >= (long long)(bytes / 2) : huge <= 0;
    if (!ok) { /* THP off or memory too fragmented: not the page size asked for */
        plat_free_pages(p, bytes);
        return NULL;
    }
    return p;
}

void plat_unmap_window(void *win, size_t bytes)
{
    plat_free_pages(win, bytes);
}

int plat_pt_layout(uintptr_t addr, int *slot, int *lower_used)
{
    (void)addr;
    (void)slot;
    (void)lower_used;
    return -1; /* the kernel's page tables are not ours to read */
}
