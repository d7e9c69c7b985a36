/* pt_layout.c - adds the page-table layout (plat_pt_layout) to a latency_pages or page_fault
 * entry: extra.pml4_slot and extra.fw_pml4_lower_used (see docs/SCHEMA.md). */
#include "bench/pt_layout.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

void result_pt_layout(struct result *r, uintptr_t addr)
{
    int slot, lower;
    if (!r || plat_pt_layout(addr, &slot, &lower) != 0)
        return;
    result_extra(r, "pml4_slot", slot);
    result_extra(r, "fw_pml4_lower_used", lower);
}
