/* pt_slot.c - a free PML4 slot for our window, and what the firmware's PML4 occupies (see
 * pt_slot.h); pure logic, unit-tested. */
#include "kernel/x86/pt_slot.h"

int pt_free_slot(const uint64_t pml4[512])
{
    for (int i = 511; i >= 256; i--)
        if (!(pml4[i] & 1))
            return i;
    for (int i = 1; i < 256; i++)
        if (!(pml4[i] & 1))
            return i;
    return -1;
}

uint64_t pt_slot_address(int slot)
{
    uint64_t va = (uint64_t)slot << 39;
    return slot >= 256 ? va | 0xffff000000000000ull : va;
}

int pt_slot_of(uint64_t va)
{
    return (int)((va >> 39) & 511);
}

int pt_lower_used(const uint64_t pml4[512])
{
    int n = 0;
    for (int i = 0; i < 256; i++)
        n += (int)(pml4[i] & 1);
    return n;
}
