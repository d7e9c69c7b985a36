/* paging_linux.c - the page-size window for the Linux build: fresh anonymous memory with
 * transparent huge pages asked for (MADV_HUGEPAGE) or refused (MADV_NOHUGEPAGE), pre-faulted. */
#include "../kernel/platform.h"

#include <string.h>
#include <sys/mman.h>

void *plat_map_window(void *buf, size_t bytes, int page_kb)
{
    (void)buf;
    if (page_kb != 4 && page_kb != 2048)
        return NULL;
    void *p = plat_alloc_pages(bytes, 2u << 20, page_kb == 2048 ? PLAT_PAGES_HUGE : 0);
    if (!p)
        return NULL;
    memset(p, 0, bytes); /* fault it in now, outside any measured interval */
    return p;
}

void plat_unmap_window(void *win, size_t bytes)
{
    plat_free_pages(win, bytes);
}
