/* test_acpi.c - finding the PM timer: RSDP -> XSDT -> FADT with 24/32-bit timers,
 * X_PM_TMR_BLK vs PM_TMR_BLK, hardware-reduced ACPI, PM_TMR_LEN != 4, broken checksums; SRAT and
 * SLIT built to the ACPI spec for a 2-socket server, truncated, and with unknown entry types. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/firmware/acpi.h"
#include "kernel/machine/numa.h"

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

/* ---- SRAT / SLIT (ACPI 6.5, 5.2.16 and 5.2.17) ---- */

static uint8_t srat[1024], slit[64];
static uint32_t srat_len;

static void srat_begin(void)
{
    memset(srat, 0, sizeof srat);
    memcpy(srat, "SRAT", 4);
    srat[8] = 3;
    w32(srat + 36, 1); /* reserved, 1 for compatibility */
    srat_len = 48;
}

static void srat_end(void)
{
    w32(srat + 4, srat_len);
    sum(srat, srat_len, 9);
}

static void lapic(uint32_t domain, uint8_t apic, uint32_t flags)
{
    uint8_t *e = srat + srat_len;
    e[0] = 0;
    e[1] = 16;
    e[2] = (uint8_t)domain;
    e[3] = apic;
    w32(e + 4, flags);
    e[9] = (uint8_t)(domain >> 8), e[10] = (uint8_t)(domain >> 16), e[11] = (uint8_t)(domain >> 24);
    srat_len += 16;
}

static void x2apic(uint32_t domain, uint32_t id)
{
    uint8_t *e = srat + srat_len;
    e[0] = 2;
    e[1] = 24;
    w32(e + 4, domain);
    w32(e + 8, id);
    w32(e + 12, 1);
    srat_len += 24;
}

static void memaff(uint32_t domain, uint64_t base, uint64_t len, uint32_t flags)
{
    uint8_t *e = srat + srat_len;
    e[0] = 1;
    e[1] = 40;
    w32(e + 2, domain);
    w64(e + 8, base);
    w64(e + 16, len);
    w32(e + 28, flags);
    srat_len += 40;
}

static void unknown(uint8_t type, uint8_t len)
{
    uint8_t *e = srat + srat_len;
    memset(e, 0xAB, len);
    e[0] = type;
    e[1] = len;
    srat_len += len;
}

#define G (1024ull * 1024 * 1024)

/* Two sockets: domain 0 has APIC ids 0-3 (local APIC entries) and memory 0-2G + 4G-34G;
 * domain 1 has x2APIC ids 256-257 and 34G-66G; one disabled processor, one disabled range,
 * a GICC (type 3) and a Generic Initiator (type 5) entry in between. */
static void build_server_srat(void)
{
    srat_begin();
    for (uint8_t a = 0; a < 4; a++)
        lapic(0, a, 1);
    lapic(0, 9, 0); /* disabled: not present */
    memaff(0, 0, 2 * G, 1);
    unknown(3, 80);
    memaff(0, 4 * G, 30 * G, 1);
    x2apic(1, 256);
    unknown(5, 32);
    x2apic(1, 257);
    memaff(1, 34 * G, 32 * G, 1 | 2);
    memaff(1, 100 * G, 8 * G, 0); /* disabled */
    srat_end();
}

static void srat_two_sockets(void **s)
{
    (void)s;
    static struct numa_info n;
    build_server_srat();
    assert_int_equal(acpi_parse_srat(srat, srat_len, &n), 0);
    assert_int_equal(n.nnodes, 2);
    assert_int_equal(n.nodes[0].id, 0);
    assert_int_equal(n.nodes[1].id, 1);
    assert_int_equal(n.nodes[0].ncpus, 4);
    assert_int_equal(n.nodes[1].ncpus, 2);
    assert_int_equal(n.nodes[0].bytes, 32 * G);
    assert_int_equal(n.nodes[1].bytes, 32 * G);
    assert_int_equal(n.nranges, 3);
    assert_int_equal(n.skipped_subtables, 2);
    assert_false(n.truncated);
    assert_int_equal(numa_lookup_cpu(&n, 3), 0);
    assert_int_equal(numa_lookup_cpu(&n, 257), 1);
    assert_int_equal(numa_lookup_cpu(&n, 9), -1); /* disabled entry */
    assert_int_equal(numa_lookup_addr(&n, 1 * G), 0);
    assert_int_equal(numa_lookup_addr(&n, 3 * G), -1); /* the PCI hole */
    assert_int_equal(numa_lookup_addr(&n, 40 * G), 1);
    assert_int_equal(numa_lookup_addr(&n, 101 * G), -1);

    /* SLIT: 2 localities, 10/21 */
    memset(slit, 0, sizeof slit);
    memcpy(slit, "SLIT", 4);
    w32(slit + 4, 48);
    w64(slit + 36, 2);
    slit[44] = 10, slit[45] = 21, slit[46] = 21, slit[47] = 10;
    sum(slit, 48, 9);
    assert_int_equal(acpi_parse_slit(slit, 48, &n), 0);
    assert_true(n.has_dist);
    assert_int_equal(n.dist[0][1], 21);
    assert_int_equal(n.dist[1][1], 10);
    /* a SLIT that claims more localities than it holds is refused */
    w64(slit + 36, 3);
    n.has_dist = 0;
    assert_int_equal(acpi_parse_slit(slit, 48, &n), -1);
    assert_false(n.has_dist);
    /* one locality cannot describe domain 1 */
    w64(slit + 36, 1);
    assert_int_equal(acpi_parse_slit(slit, 48, &n), -1);
}

static void srat_truncated_and_odd(void **s)
{
    (void)s;
    static struct numa_info n;
    build_server_srat();
    /* cut inside the first x2APIC entry (after 5 LAPIC, 2 memory and the GICC entry) */
    uint32_t cut = 48 + 5 * 16 + 40 + 80 + 40 + 10;
    w32(srat + 4, cut);
    assert_int_equal(acpi_parse_srat(srat, cut, &n), 0);
    assert_true(n.truncated);
    assert_int_equal(n.nnodes, 1); /* domain 1 was after the cut */
    assert_int_equal(n.nodes[0].ncpus, 4);
    assert_non_null(strstr(n.note, "truncated"));
    /* an entry of length 0 must not loop forever */
    build_server_srat();
    srat[48 + 1] = 0;
    assert_int_equal(acpi_parse_srat(srat, srat_len, &n), -1);
    assert_true(n.truncated);
    /* only unknown entries: no node, a reason */
    srat_begin();
    unknown(4, 20);
    unknown(200, 12);
    srat_end();
    assert_int_equal(acpi_parse_srat(srat, srat_len, &n), -1);
    assert_int_equal(n.skipped_subtables, 2);
    assert_non_null(strstr(n.note, "no enabled"));
    /* not an SRAT, too short */
    assert_int_equal(acpi_parse_srat(slit, 48, &n), -1);
    assert_int_equal(acpi_parse_srat(srat, 20, &n), -1);
    assert_int_equal(acpi_parse_srat(NULL, 100, &n), -1);
    /* no SRAT: one node with every processor */
    uint32_t ids[3] = {0, 1, 2};
    numa_single(&n, ids, 3, 4 * G, "no SRAT: one node");
    assert_int_equal(n.nnodes, 1);
    assert_int_equal(n.nodes[0].ncpus, 3);
    assert_string_equal(n.note, "no SRAT: one node");
    /* found through the RSDP like every table */
    build(0x608, 0x608, 1, 0);
    build_server_srat();
    assert_null(acpi_find_table(rsdp, "SRAT")); /* not listed in the XSDT */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(q35_style_timer), cmocka_unit_test(legacy_24bit_field),
        cmocka_unit_test(mmio_timer), cmocka_unit_test(hardware_reduced),
        cmocka_unit_test(broken_tables), cmocka_unit_test(timer_len_not_4), cmocka_unit_test(srat_two_sockets),
        cmocka_unit_test(srat_truncated_and_odd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
