/* test_pt_slot.c - the window's PML4 slot: upper half first; with the whole lower half mapped
 * (47-48 physical address bits) a slot is still found; canonical addresses; the layout the
 * results record (an address's slot, the lower-half slots in use). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/x86/pt_slot.h"

static uint64_t pml4[512];

static void lower_half_full(void **s)
{
    (void)s;
    memset(pml4, 0, sizeof pml4);
    for (int i = 0; i < 256; i++)
        pml4[i] = 0x1000u * (uint64_t)(i + 1) | 3; /* present, as OVMF with phys-bits=48 */
    int slot = pt_free_slot(pml4);
    assert_true(slot >= 256);
    uint64_t va = pt_slot_address(slot);
    assert_int_equal(va >> 47, 0x1ffff); /* canonical upper half: bits 63..47 all set */
    assert_int_equal((va >> 39) & 511, (uint64_t)slot);
}

static void upper_half_preferred(void **s)
{
    (void)s;
    memset(pml4, 0, sizeof pml4);
    pml4[0] = 3;
    pml4[511] = 3; /* a firmware that maps something at the top */
    assert_int_equal(pt_free_slot(pml4), 510);
    assert_int_equal(pt_slot_address(510), 0xffffff0000000000ull);
}

static void lower_half_when_upper_full(void **s)
{
    (void)s;
    memset(pml4, 0, sizeof pml4);
    for (int i = 256; i < 512; i++)
        pml4[i] = 3;
    pml4[0] = pml4[1] = 3;
    assert_int_equal(pt_free_slot(pml4), 2);
    assert_int_equal(pt_slot_address(2), 2ull << 39);
    for (int i = 0; i < 512; i++)
        pml4[i] = 3;
    assert_int_equal(pt_free_slot(pml4), -1);
}

/* what the results record: the slot of an address, and the lower-half slots in use */
static void layout_recorded(void **s)
{
    (void)s;
    memset(pml4, 0, sizeof pml4);
    assert_int_equal(pt_lower_used(pml4), 0);
    pml4[0] = pml4[1] = 3; /* 40 physical address bits: 1 TiB */
    pml4[300] = 3;         /* the upper half is not counted */
    assert_int_equal(pt_lower_used(pml4), 2);
    for (int i = 0; i < 128; i++)
        pml4[i] = 0x1000u * (uint64_t)(i + 1) | 3; /* 46 bits: 64 TiB */
    pml4[200] = 2;                                 /* writable but not present */
    assert_int_equal(pt_lower_used(pml4), 128);
    for (int i = 0; i < 256; i++)
        pml4[i] = 1;
    assert_int_equal(pt_lower_used(pml4), 256);
    assert_int_equal(pt_slot_of(pt_slot_address(511)), 511);
    assert_int_equal(pt_slot_of(pt_slot_address(256)), 256);
    assert_int_equal(pt_slot_of(pt_slot_address(128) + 0x12345678), 128);
    assert_int_equal(pt_slot_of(0x7fffffffffffull), 255);
    assert_int_equal(pt_slot_of(0), 0);
}

int main(void)
{
    const struct CMUnitTest t[] = {
        cmocka_unit_test(lower_half_full), cmocka_unit_test(upper_half_preferred),
        cmocka_unit_test(lower_half_when_upper_full), cmocka_unit_test(layout_recorded),
    };
    return cmocka_run_group_tests(t, NULL, NULL);
}
