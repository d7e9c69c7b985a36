/* test_smbios.c - SMBIOS entry points (2.x, 3.x, bad checksums) and structure parsing of
 * types 0/1/3/4/17 (the machine's serial, UUID in both byte orders, asset tag), including
 * truncated tables that must not be read past their end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/firmware/smbios.h"

static size_t put(uint8_t *t, size_t off, const uint8_t *fmt, size_t flen, const char *strs,
                  size_t slen)
{
    memcpy(t + off, fmt, flen);
    memcpy(t + off + flen, strs, slen);
    return off + flen + slen;
}

/* A table shaped like QEMU's q35 tables, plus a DDR5 DIMM with extended size. */
static size_t build(uint8_t *t)
{
    size_t o = 0;
    uint8_t t0[0x1a] = {0, 0x1a, 0, 0, 1, 2, 0, 0xe8, 3};
    o = put(t, o, t0, sizeof t0, "EFI Development Kit II / OVMF\0" "0.0.0\0" "02/06/2015\0\0", 48);
    uint8_t t1[0x1b] = {1, 0x1b, 1, 0, 1, 2, 3, 0};
    t1[0x1a] = 0; /* no family string */
    o = put(t, o, t1, sizeof t1, "QEMU\0" "Standard PC (Q35 + ICH9, 2009)\0" "pc-q35-7.2\0\0", 48);
    uint8_t t4[0x30] = {4, 0x30, 4, 0, 1, 3, 0xfe, 2};
    t4[0x10] = 3;
    t4[0x14] = 0xd0, t4[0x15] = 0x07; /* 2000 MHz */
    t4[0x16] = 0xd0, t4[0x17] = 0x07;
    t4[0x18] = 0x41;                  /* populated, enabled */
    t4[0x23] = 2, t4[0x25] = 4;
    o = put(t, o, t4, sizeof t4, "CPU 0\0" "QEMU\0" "pc-q35-7.2\0\0", 23);
    uint8_t t17[0x28] = {17, 0x28, 17, 0};
    t17[0x0c] = 0x00, t17[0x0d] = 0x04; /* 1024 MB */
    t17[0x10] = 1;
    t17[0x12] = 0x07;
    t17[0x17] = 2;
    o = put(t, o, t17, sizeof t17, "DIMM 0\0" "QEMU\0\0", 13);
    uint8_t t17b[0x28] = {17, 0x28, 18, 0};
    t17b[0x0c] = 0xff, t17b[0x0d] = 0x7f; /* extended size follows */
    t17b[0x1c] = 0x00, t17b[0x1d] = 0x00, t17b[0x1e] = 0x01; /* 65536 MB */
    t17b[0x10] = 1;
    t17b[0x12] = 0x22;
    t17b[0x15] = 0xc0, t17b[0x16] = 0x12; /* 4800 MT/s */
    t17b[0x20] = 0xc0, t17b[0x21] = 0x12;
    t17b[0x1a] = 2;
    o = put(t, o, t17b, sizeof t17b, "P0 CHANNEL A\0" "M321R8GA0BB0   \0\0", 30);
    uint8_t t17c[0x28] = {17, 0x28, 19, 0}; /* empty slot: size 0 */
    o = put(t, o, t17c, sizeof t17c, "\0\0", 2);
    uint8_t end[4] = {127, 4, 0xff, 0xff};
    o = put(t, o, end, 4, "\0\0", 2);
    return o;
}

static void parses_table(void **s)
{
    (void)s;
    static uint8_t t[1024];
    static struct smbios_info si;
    size_t n = build(t);
    smbios_parse(t, n, 3, 0, &si);
    assert_true(si.present);
    assert_string_equal(si.bios_vendor, "EFI Development Kit II / OVMF");
    assert_string_equal(si.bios_version, "0.0.0");
    assert_string_equal(si.bios_date, "02/06/2015");
    assert_string_equal(si.sys_manufacturer, "QEMU");
    assert_string_equal(si.sys_product, "Standard PC (Q35 + ICH9, 2009)");
    assert_int_equal(si.ncpus, 1);
    assert_int_equal(si.sockets, 1);
    assert_string_equal(si.cpus[0].socket, "CPU 0");
    assert_int_equal(si.cpus[0].max_mhz, 2000);
    assert_int_equal(si.cpus[0].cores, 2);
    assert_int_equal(si.cpus[0].threads, 4);
    assert_int_equal(si.ndimms, 2); /* the empty slot is not a DIMM */
    assert_int_equal(si.dimms[0].size_mb, 1024);
    assert_string_equal(si.dimms[0].type, "RAM");
    assert_int_equal(si.dimms[1].size_mb, 65536);
    assert_string_equal(si.dimms[1].type, "DDR5");
    assert_int_equal(si.dimms[1].speed_mts, 4800);
    assert_string_equal(si.dimms[1].part, "M321R8GA0BB0"); /* trailing blanks trimmed */
    assert_int_equal(si.dimm_total_mb, 1024 + 65536);
}

static void truncated_tables_are_safe(void **s)
{
    (void)s;
    static uint8_t t[1024];
    static struct smbios_info si;
    size_t n = build(t);
    for (size_t cut = 0; cut < n; cut += 7) {
        uint8_t *copy = test_malloc(cut ? cut : 1);
        memcpy(copy, t, cut);
        smbios_parse(copy, cut, 3, 0, &si); /* valgrind/ASan would flag any over-read */
        test_free(copy);
    }
    smbios_parse(t, 60, 3, 0, &si);
    assert_string_equal(si.bios_vendor, "EFI Development Kit II / OVMF");
    assert_string_equal(si.sys_manufacturer, "");
}

/* A Dell-shaped type 1 (serial "7XK2LM3", UUID 4c4c4544-0037-5810-804b-b7c04f4d4c33 as
 * SMBIOS 2.6+ stores it: first three fields little-endian) and a type 3 with an asset tag. */
static const uint8_t dell_uuid[16] = {0x44, 0x45, 0x4c, 0x4c, 0x37, 0x00, 0x10, 0x58,
                                      0x80, 0x4b, 0xb7, 0xc0, 0x4f, 0x4d, 0x4c, 0x33};

static size_t build_identity(uint8_t *t, const uint8_t uuid[16])
{
    size_t o = 0;
    uint8_t t1[0x1b] = {1, 0x1b, 1, 0, 1, 2, 0, 3};
    memcpy(t1 + 8, uuid, 16);
    o = put(t, o, t1, sizeof t1, "Dell Inc.\0" "PowerEdge R650\0" "7XK2LM3 \0\0", 35);
    uint8_t t3[0x15] = {3, 0x15, 2, 0, 1, 0x17, 0, 0, 2};
    o = put(t, o, t3, sizeof t3, "Dell Inc.\0" "RACK7-U12\0\0", 21);
    uint8_t t3b[0x15] = {3, 0x15, 3, 0, 0, 0x17, 0, 0, 1}; /* a second chassis: not ours */
    o = put(t, o, t3b, sizeof t3b, "OTHER\0\0", 7);
    uint8_t end[4] = {127, 4, 0xff, 0xff};
    return put(t, o, end, 4, "\0\0", 2);
}

static void machine_identity(void **s)
{
    (void)s;
    static uint8_t t[512];
    static struct smbios_info si;
    size_t n = build_identity(t, dell_uuid);
    smbios_parse(t, n, 3, 3, &si);
    assert_string_equal(si.sys_serial, "7XK2LM3"); /* trailing blank trimmed */
    assert_string_equal(si.sys_uuid, "4c4c4544-0037-5810-804b-b7c04f4d4c33");
    assert_string_equal(si.asset_tag, "RACK7-U12"); /* the first chassis' */
    /* before SMBIOS 2.6 the bytes are in display order: no swap */
    smbios_parse(t, n, 2, 5, &si);
    assert_string_equal(si.sys_uuid, "44454c4c-3700-1058-804b-b7c04f4d4c33");
    smbios_parse(t, n, 2, 6, &si);
    assert_string_equal(si.sys_uuid, "4c4c4544-0037-5810-804b-b7c04f4d4c33");
    /* all 00h: no UUID; all FFh: settable but not set; neither is a machine's identity */
    static const uint8_t zero[16], ff[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                             0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    smbios_parse(t, build_identity(t, zero), 3, 0, &si);
    assert_string_equal(si.sys_uuid, "");
    assert_string_equal(si.sys_serial, "7XK2LM3");
    smbios_parse(t, build_identity(t, ff), 3, 0, &si);
    assert_string_equal(si.sys_uuid, "");
    /* a type 1 too short to hold the UUID (SMBIOS 2.0: 8 bytes) has none, and no over-read */
    static const uint8_t t1[8] = {1, 8, 1, 0, 1, 2, 0, 3};
    n = put(t, 0, t1, sizeof t1, "Dell Inc.\0" "PowerEdge R650\0" "7XK2LM3\0\0", 34);
    uint8_t *copy = test_malloc(n);
    memcpy(copy, t, n);
    smbios_parse(copy, n, 2, 0, &si);
    test_free(copy);
    assert_string_equal(si.sys_uuid, "");
    assert_string_equal(si.sys_serial, "7XK2LM3");
    assert_string_equal(si.sys_manufacturer, "Dell Inc.");
}

static void fix_sum(uint8_t *p, size_t n, size_t at)
{
    uint8_t sum = 0;
    p[at] = 0;
    for (size_t i = 0; i < n; i++)
        sum = (uint8_t)(sum + p[i]);
    p[at] = (uint8_t)(0x100 - sum);
}

static void entry_points(void **s)
{
    (void)s;
    uint8_t e3[24] = {'_', 'S', 'M', '3', '_', 0, 24, 3, 2, 0, 1, 0};
    e3[0x0c] = 0x34, e3[0x0d] = 0x12;          /* max size 0x1234 */
    e3[0x10] = 0x00, e3[0x11] = 0xf0, e3[0x12] = 0x0e; /* address 0xef000 */
    fix_sum(e3, 24, 5);
    uint64_t addr;
    uint32_t len;
    int ma, mi;
    assert_int_equal(smbios_entry_parse(e3, 24, &addr, &len, &ma, &mi), 0);
    assert_int_equal(addr, 0xef000);
    assert_int_equal(len, 0x1234);
    assert_int_equal(ma, 3);
    assert_int_equal(mi, 2);
    e3[0x10] ^= 1; /* checksum now wrong */
    assert_int_equal(smbios_entry_parse(e3, 24, &addr, &len, &ma, &mi), -1);

    uint8_t e2[31] = {'_', 'S', 'M', '_', 0, 31, 2, 8};
    memcpy(e2 + 0x10, "_DMI_", 5);
    e2[0x16] = 0x00, e2[0x17] = 0x02; /* 512 bytes */
    e2[0x18] = 0x00, e2[0x19] = 0x00, e2[0x1a] = 0x0f; /* 0xf0000 */
    fix_sum(e2 + 0x10, 15, 5);
    fix_sum(e2, 31, 4);
    assert_int_equal(smbios_entry_parse(e2, 31, &addr, &len, &ma, &mi), 0);
    assert_int_equal(addr, 0xf0000);
    assert_int_equal(len, 512);
    assert_int_equal(mi, 8);
    assert_int_equal(smbios_entry_parse((const uint8_t *)"garbage garbage garbage garbage", 31, &addr,
                                        &len, &ma, &mi), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_table), cmocka_unit_test(truncated_tables_are_safe),
        cmocka_unit_test(entry_points), cmocka_unit_test(machine_identity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
