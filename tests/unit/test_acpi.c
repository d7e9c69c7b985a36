/* test_acpi.c - finding the PM timer: RSDP -> XSDT -> FADT with 24/32-bit timers,
 * X_PM_TMR_BLK vs PM_TMR_BLK, hardware-reduced ACPI, PM_TMR_LEN != 4, broken checksums. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/acpi.h"

static void sum(uint8_t *p, size_t n, size_t at)
{
    uint8_t s = 0;
    p[at] = 0;
    for (size_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    p[at] = (uint8_t)(0x100 - s);
}

static void w32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static void w64(uint8_t *p, uint64_t v) { for (int i = 0; i < 8; i++) p[i] = (uint8_t)(v >> (8 * i)); }

static uint8_t rsdp[36], xsdt[44], fadt[276];

/* Build RSDP (rev 2) -> XSDT -> FADT (rev 6 length) with the given timer fields. */
static void build(uint32_t pm_blk, uint64_t x_addr, uint8_t x_space, uint32_t flags)
{
    memset(fadt, 0, sizeof fadt);
    memcpy(fadt, "FACP", 4);
    w32(fadt + 4, sizeof fadt);
    fadt[8] = 6;
    w32(fadt + 76, pm_blk);
    fadt[91] = 4; /* PM_TMR_LEN */
    w32(fadt + 112, flags);
    fadt[208] = x_space;
    fadt[209] = 32;
    w64(fadt + 212, x_addr);
    sum(fadt, sizeof fadt, 9);
    memset(xsdt, 0, sizeof xsdt);
    memcpy(xsdt, "XSDT", 4);
    w32(xsdt + 4, sizeof xsdt);
    w64(xsdt + 36, (uint64_t)(uintptr_t)fadt);
    sum(xsdt, sizeof xsdt, 9);
    memset(rsdp, 0, sizeof rsdp);
    memcpy(rsdp, "RSD PTR ", 8);
    memcpy(rsdp + 9, "BOCHS ", 6);
    rsdp[15] = 2;
    w32(rsdp + 20, 36);
    w64(rsdp + 24, (uint64_t)(uintptr_t)xsdt);
    sum(rsdp, 20, 8);
    sum(rsdp, 36, 32);
}

static void q35_style_timer(void **s)
{
    (void)s;
    struct acpi_pm_timer t;
    build(0x608, 0x608, 1, 1u << 8); /* I/O port 0x608, 32-bit (TMR_VAL_EXT) as on QEMU q35 */
    assert_int_equal(acpi_find_pm_timer(rsdp, &t), 0);
    assert_true(t.present);
    assert_false(t.mmio);
    assert_int_equal(t.address, 0x608);
    assert_int_equal(t.bits, 32);
    assert_string_equal(t.oem, "BOCHS ");
}

static void legacy_24bit_field(void **s)
{
    (void)s;
    struct acpi_pm_timer t;
    build(0x408, 0, 0, 0); /* no X_PM_TMR_BLK, 24-bit */
    assert_int_equal(acpi_find_pm_timer(rsdp, &t), 0);
    assert_int_equal(t.address, 0x408);
    assert_int_equal(t.bits, 24);
}

static void mmio_timer(void **s)
{
    (void)s;
    struct acpi_pm_timer t;
    build(0, 0xfed80008ull, 0, 1u << 8);
    assert_int_equal(acpi_find_pm_timer(rsdp, &t), 0);
    assert_true(t.mmio);
    assert_int_equal(t.address, 0xfed80008ull);
}

static void hardware_reduced(void **s)
{
    (void)s;
    struct acpi_pm_timer t;
    build(0x408, 0x408, 1, 1u << 20);
    assert_int_equal(acpi_find_pm_timer(rsdp, &t), -1);
    assert_false(t.present);
    assert_non_null(strstr(t.why, "hardware-reduced"));
}

/* A FADT whose PM_TMR_LEN is not 4 has no usable PM timer even if a block address is set. */
static void timer_len_not_4(void **s)
{
    (void)s;
    struct acpi_pm_timer t;
    build(0x608, 0x608, 1, 0);
    fadt[91] = 0;
    sum(fadt, sizeof fadt, 9);
    assert_int_equal(acpi_find_pm_timer(rsdp, &t), -1);
    assert_non_null(strstr(t.why, "PM_TMR_LEN"));
}

static void broken_tables(void **s)
{
    (void)s;
    struct acpi_pm_timer t;
    build(0x608, 0x608, 1, 0);
    fadt[100] ^= 0x55; /* FADT checksum broken */
    assert_int_equal(acpi_find_pm_timer(rsdp, &t), -1);
    assert_string_equal(t.why, "no valid FADT");
    assert_int_equal(acpi_find_pm_timer(NULL, &t), -1);
    assert_int_equal(acpi_find_pm_timer("not an RSDP at all......", &t), -1);
    build(0, 0, 0, 0);
    assert_int_equal(acpi_find_pm_timer(rsdp, &t), -1);
    assert_string_equal(t.why, "FADT names no PM timer block");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(q35_style_timer), cmocka_unit_test(legacy_24bit_field),
        cmocka_unit_test(mmio_timer), cmocka_unit_test(hardware_reduced),
        cmocka_unit_test(broken_tables), cmocka_unit_test(timer_len_not_4),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
