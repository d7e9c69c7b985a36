/* test_disk.c - the disk suite's safety and planning: scratch marker parsing and validation
 * (incl. corrupted markers), the write guard refusing non-scratch targets and the marker area
 * (on real O_DIRECT files through the Linux block layer).  Planning: test_disk_plan.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/disk_guard.h"
#include "bench/disk_marker.h"
#include "kernel/platform.h"

#define DEV (1u << 20)

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void reseal(uint8_t *b) /* recompute the CRC after a deliberate edit */
{
    put32(b + 508, disk_crc32(0, b, 508));
}

static void crc_known_value(void **s)
{
    assert_int_equal(disk_crc32(0, "123456789", 9), 0xCBF43926u);
    assert_int_equal(disk_crc32(disk_crc32(0, "1234", 4), "56789", 5), 0xCBF43926u);
}

static void marker_roundtrip(void **s)
{
    uint8_t b[512];
    struct disk_marker m;
    disk_marker_encode(b, DEV, "ci-scratch");
    assert_memory_equal(b, "BAREBENCH-SCRATCH", 17);
    assert_int_equal(disk_marker_check(b, sizeof b, DEV, &m), MARKER_OK);
    assert_int_equal(m.version, 1);
    assert_true(m.target_bytes == DEV);
    assert_true(m.protect_bytes == 4096);
    assert_string_equal(m.label, "ci-scratch");
    disk_marker_encode(b, DEV, "a b\x01");
    assert_int_equal(disk_marker_check(b, sizeof b, DEV, &m), MARKER_OK);
    assert_string_equal(m.label, "a_b_");
}

static void marker_rejections(void **s)
{
    uint8_t b[512], z[512] = {0};
    disk_marker_encode(b, DEV, "x");
    assert_int_equal(disk_marker_check(z, sizeof z, DEV, NULL), MARKER_NONE);
    assert_int_equal(disk_marker_check(b, 511, DEV, NULL), MARKER_SHORT);
    /* the same marker on a device of another size (an image copied onto a real disk) */
    assert_int_equal(disk_marker_check(b, sizeof b, DEV * 2, NULL), MARKER_SIZE_MISMATCH);
    assert_int_equal(disk_marker_check(b, sizeof b, DEV - 512, NULL), MARKER_SIZE_MISMATCH);
    /* every single flipped bit anywhere in the block is caught */
    for (int i = 0; i < 512 * 8; i++) {
        uint8_t c[512];
        memcpy(c, b, sizeof c);
        c[i / 8] ^= (uint8_t)(1u << (i % 8));
        assert_int_not_equal(disk_marker_check(c, sizeof c, DEV, NULL), MARKER_OK);
    }
    uint8_t c[512];
    memcpy(c, b, sizeof c);
    c[100] = 1; /* corrupted padding */
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL), MARKER_BAD_CRC);
    reseal(c); /* ...even with a matching CRC */
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL), MARKER_BAD_FIELD);
    memcpy(c, b, sizeof c);
    put32(c + 24, 2);
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL), MARKER_BAD_VERSION);
    memcpy(c, b, sizeof c);
    put32(c + 40, 0); /* protected area shrunk */
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL), MARKER_BAD_FIELD);
    memcpy(c, b, sizeof c);
    c[20] = 'X'; /* junk after the magic */
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL), MARKER_BAD_FIELD);
    memcpy(c, b, sizeof c);
    c[5] = 'b'; /* another magic */
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL), MARKER_NONE);
    assert_true(disk_marker_protected(512) == 4096);
    assert_true(disk_marker_protected(4096) == 4096);
    assert_true(disk_marker_protected(8192) == 8192);
}

/* ---- the write guard, on a real file through host/block_linux.c ---- */

static char path[64];

static void make_file(int marked)
{
    static int serial; /* a new name each time: plat_disks keeps what it opened per name list */
    snprintf(path, sizeof path, "/tmp/bb-test-disk-%d-%d.img", (int)getpid(), ++serial);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    uint8_t *blk = calloc(1, DEV);
    for (size_t i = 0; i < DEV; i++)
        blk[i] = (uint8_t)(i * 7 + 1);
    if (marked)
        disk_marker_encode(blk, DEV, "unit");
    assert_int_equal(pwrite(fd, blk, DEV, 0), DEV);
    close(fd);
    free(blk);
}

static uint32_t file_crc(void)
{
    uint8_t *b = malloc(DEV);
    int fd = open(path, O_RDONLY);
    assert_int_equal(pread(fd, b, DEV, 0), DEV);
    close(fd);
    uint32_t c = disk_crc32(0, b, DEV);
    free(b);
    return c;
}

static struct plat_disk *open_disk(void)
{
    struct plat_disk *list;
    assert_int_equal(plat_disks(path, &list), 1);
    assert_true(list[0].media_present);
    assert_true(list[0].blocks * list[0].block_size == DEV);
    return &list[0];
}

static void guard_refuses_unmarked(void **s)
{
    make_file(0);
    uint32_t before = file_crc();
    struct plat_disk *d = open_disk();
    struct disk_guard g;
    char why[96];
    void *buf = plat_alloc_pages(65536, 4096, 0);
    memset(buf, 0xEE, 65536);
    void *bufs[2] = {buf, buf};
    uint64_t lba[2] = {64, 128};
    assert_int_equal(disk_guard_verify(&g, d, why, sizeof why), MARKER_NONE);
    assert_false(g.verified);
    assert_non_null(strstr(why, "never written"));
    assert_int_equal(disk_guard_write(&g, d, 1, lba, 2, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    assert_int_equal(disk_guard_flush(&g, d), DISK_GUARD_REFUSED);
    /* a guard armed for another device does not open this one */
    struct disk_guard other = {.d = NULL, .dev_bytes = DEV, .protect_bytes = 4096, .verified = 1};
    assert_int_equal(disk_guard_write(&other, d, 1, lba, 2, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    other.d = d; /* forged: armed without a marker on the device -> the re-check refuses */
    assert_int_equal(disk_guard_write(&other, d, 1, lba, 2, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    assert_false(other.verified);
    assert_int_equal(file_crc(), before);
    plat_free_pages(buf, 65536);
    unlink(path);
}

static void guard_allows_scratch_outside_marker(void **s)
{
    make_file(1);
    struct plat_disk *d = open_disk();
    struct disk_guard g;
    char why[96];
    void *buf = plat_alloc_pages(65536, 4096, 0);
    memset(buf, 0xEE, 65536);
    void *bufs[4] = {buf, (char *)buf + 4096, (char *)buf + 8192, (char *)buf + 12288};
    assert_int_equal(disk_guard_verify(&g, d, why, sizeof why), MARKER_OK);
    assert_true(g.verified);
    uint64_t in_marker[1] = {0}, edge[1] = {7}, past[1] = {DEV / 512 - 4}, ok[3] = {8, 100, DEV / 512 - 8};
    assert_int_equal(disk_guard_write(&g, d, 1, in_marker, 1, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    assert_int_equal(disk_guard_write(&g, d, 1, edge, 1, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    assert_int_equal(disk_guard_write(&g, d, 1, past, 1, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    assert_int_equal(disk_guard_write(&g, d, 1, ok, 1, 1000, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    uint64_t t = 0;
    assert_int_equal(disk_guard_write(&g, d, 1, ok, 3, 4096, bufs, NULL, &t), 0);
    assert_int_equal(disk_guard_write(&g, d, 4, ok, 3, 4096, bufs, NULL, NULL), 0); /* queued */
    assert_int_equal(disk_guard_flush(&g, d), 0);
    /* the marker survived and still validates */
    uint8_t *m = plat_alloc_pages(4096, 4096, 0);
    assert_int_equal(plat_disk_read(d, 0, m, 4096), 0);
    assert_int_equal(disk_marker_check(m, 4096, DEV, NULL), MARKER_OK);
    /* a device that turned read-only is refused */
    d->read_only = 1;
    assert_int_equal(disk_guard_write(&g, d, 1, ok, 1, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    d->read_only = 0;
    /* the marker disappears behind the guard's back: the next write re-reads it and refuses */
    int fd = open(path, O_RDWR);
    assert_int_equal(pwrite(fd, "X", 1, 3), 1);
    close(fd);
    assert_int_equal(disk_guard_write(&g, d, 1, ok, 1, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    assert_false(g.verified);
    plat_free_pages(m, 4096);
    plat_free_pages(buf, 65536);
    unlink(path);
}

static void guard_never_arms_read_only(void **s)
{
    make_file(1);
    struct plat_disk *d = open_disk();
    struct disk_guard g;
    char why[96];
    d->read_only = 1;
    assert_int_equal(disk_guard_verify(&g, d, why, sizeof why), MARKER_OK);
    assert_false(g.verified);
    assert_non_null(strstr(why, "read-only"));
    d->read_only = 0;
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crc_known_value),
        cmocka_unit_test(marker_roundtrip),
        cmocka_unit_test(marker_rejections),
        cmocka_unit_test(guard_refuses_unmarked),
        cmocka_unit_test(guard_allows_scratch_outside_marker),
        cmocka_unit_test(guard_never_arms_read_only),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
