/* uefi_paging.c (aarch64) - the mem suite's page-size windows need barebench's own translation
 * tables, not written for Arm yet: the window is refused (the suite skips those entries with
 * the reason) and the firmware's tables are not read. */
#include "kernel/platform.h"

void *plat_map_window(void *buf, size_t bytes, int page_kb)
{
    (void)buf, (void)bytes, (void)page_kb;
    return NULL;
}

void plat_unmap_window(void *win, size_t bytes) { (void)win, (void)bytes; }

int plat_pt_layout(uintptr_t addr, int *slot, int *lower_used)
{
    (void)addr, (void)slot, (void)lower_used;
    return -1;
}
