/* pt_layout.h - the page-table facts the latency_pages and page_fault entries carry, so a
 * result shows where its address sat and how much of the lower half the firmware mapped. */
#ifndef BB_PT_LAYOUT_H
#define BB_PT_LAYOUT_H

#include <stdint.h>

struct result;

/** Adds extra.pml4_slot (the top-level page-table slot of addr) and extra.fw_pml4_lower_used
 *  (lower-half PML4 slots the firmware's tables map) to r, where the platform knows them. */
void result_pt_layout(struct result *r, uintptr_t addr);

#endif
