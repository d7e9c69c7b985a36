/* pt_slot.h - choosing a top-level (PML4) slot of the firmware's page tables that maps nothing,
 * for our own window: upper half first (firmware maps only the lower half, all of it with 47-48
 * physical address bits), then the lower half; and that slot's canonical address. */
#ifndef BB_PT_SLOT_H
#define BB_PT_SLOT_H

#include <stdint.h>

/** A PML4 index whose entry is not present: 511..256 first, then 1..255; -1 if none. */
int pt_free_slot(const uint64_t pml4[512]);

/** The canonical virtual address slot `slot` starts at (upper half: bits 63..48 set). */
uint64_t pt_slot_address(int slot);

/** The PML4 slot holding virtual address `va` (bits 47..39). */
int pt_slot_of(uint64_t va);

/** How many of the lower half's 256 PML4 slots (0..255) are present in `pml4`: what the
 *  firmware's identity map covers, 512 GiB each (40 physical address bits: 2; 46: 128). */
int pt_lower_used(const uint64_t pml4[512]);

#endif
