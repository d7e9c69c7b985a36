/* test_disk.c - the disk suite's safety and planning: scratch marker parsing and validation
 * (incl. corrupted, old-format and copied markers), the write guard refusing non-scratch
 * targets and the marker area (on real O_DIRECT files through the Linux block layer; a fake
 * device for media changes and a marker erased mid-batch), read-only opening, the --json
 * refusals.  Planning: test_disk_plan.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bench/disk_guard.h"
#include "bench/disk_marker.h"
#include "kernel/machine/clock.h"
#include "kernel/platform.h"
#include "host/host.h"

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
    disk_marker_encode(b, DEV, "ci-scratch", NULL);
    assert_memory_equal(b, "BAREBENCH-SCRATCH", 17);
    assert_int_equal(disk_marker_check(b, sizeof b, DEV, NULL, &m), MARKER_OK);
    assert_int_equal(m.version, 2);
    assert_true(m.target_bytes == DEV);
    assert_true(m.protect_bytes == 4096);
    assert_string_equal(m.label, "ci-scratch");
    disk_marker_encode(b, DEV, "a b\x01", NULL);
    assert_int_equal(disk_marker_check(b, sizeof b, DEV, NULL, &m), MARKER_OK);
    assert_string_equal(m.label, "a_b_");
}

static void marker_rejections(void **s)
{
    uint8_t b[512], z[512] = {0};
    disk_marker_encode(b, DEV, "x", NULL);
    assert_int_equal(disk_marker_check(z, sizeof z, DEV, NULL, NULL), MARKER_NONE);
    assert_int_equal(disk_marker_check(b, 511, DEV, NULL, NULL), MARKER_SHORT);
    /* the same marker on a device of another size (an image copied onto a real disk) */
    assert_int_equal(disk_marker_check(b, sizeof b, DEV * 2, NULL, NULL), MARKER_SIZE_MISMATCH);
    assert_int_equal(disk_marker_check(b, sizeof b, DEV - 512, NULL, NULL), MARKER_SIZE_MISMATCH);
    /* every single flipped bit anywhere in the block is caught */
    for (int i = 0; i < 512 * 8; i++) {
        uint8_t c[512];
        memcpy(c, b, sizeof c);
        c[i / 8] ^= (uint8_t)(1u << (i % 8));
        assert_int_not_equal(disk_marker_check(c, sizeof c, DEV, NULL, NULL), MARKER_OK);
    }
    uint8_t c[512];
    memcpy(c, b, sizeof c);
    c[100] = 1; /* corrupted padding */
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL, NULL), MARKER_BAD_CRC);
    reseal(c); /* ...even with a matching CRC */
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL, NULL), MARKER_BAD_FIELD);
    memcpy(c, b, sizeof c);
    put32(c + 24, 3);
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL, NULL), MARKER_BAD_VERSION);
    memcpy(c, b, sizeof c);
    put32(c + 40, 0); /* protected area shrunk */
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL, NULL), MARKER_BAD_FIELD);
    memcpy(c, b, sizeof c);
    c[20] = 'X'; /* junk after the magic */
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL, NULL), MARKER_BAD_FIELD);
    memcpy(c, b, sizeof c);
    c[5] = 'b'; /* another magic */
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, NULL, NULL), MARKER_NONE);
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
        disk_marker_encode(blk, DEV, "unit", NULL);
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
    assert_int_equal(disk_guard_verify(&g, d, NULL, why, sizeof why), MARKER_NONE);
    assert_false(g.verified);
    assert_non_null(strstr(why, "never written"));
    assert_int_equal(disk_guard_write(&g, d, 1, lba, 2, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    assert_int_equal(disk_guard_flush(&g, d), DISK_GUARD_REFUSED);
    /* a guard armed for another device does not open this one */
    struct disk_guard other = {.d = NULL, .dev_bytes = DEV, .protect_bytes = 4096, .verified = 1};
    assert_int_equal(disk_guard_write(&other, d, 1, lba, 2, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    other.d = d; /* forged: armed without a marker on the device -> the re-check refuses */
    assert_int_equal(disk_guard_write(&other, d, 1, lba, 2, 4096, bufs, NULL, NULL), DISK_GUARD_MARKER_LOST);
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
    assert_int_equal(disk_guard_verify(&g, d, NULL, why, sizeof why), MARKER_OK);
    assert_true(g.verified);
    /* opened read-only until verified and asked for writing */
    assert_int_equal(fcntl(host_disk_fd(d), F_GETFL) & O_ACCMODE, O_RDONLY);
    assert_int_equal(plat_disk_writable(d, why, sizeof why), 0);
    assert_int_equal(fcntl(host_disk_fd(d), F_GETFL) & O_ACCMODE, O_RDWR);
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
    assert_int_equal(disk_marker_check(m, 4096, DEV, NULL, NULL), MARKER_OK);
    /* a device that turned read-only is refused */
    d->read_only = 1;
    assert_int_equal(disk_guard_write(&g, d, 1, ok, 1, 4096, bufs, NULL, NULL), DISK_GUARD_REFUSED);
    d->read_only = 0;
    /* the marker disappears behind the guard's back: the next write re-reads it and refuses */
    int fd = open(path, O_RDWR);
    assert_int_equal(pwrite(fd, "X", 1, 3), 1);
    close(fd);
    assert_int_equal(disk_guard_write(&g, d, 1, ok, 1, 4096, bufs, NULL, NULL), DISK_GUARD_MARKER_LOST);
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
    assert_int_equal(disk_guard_verify(&g, d, NULL, why, sizeof why), MARKER_OK);
    assert_false(g.verified);
    assert_non_null(strstr(why, "read-only"));
    d->read_only = 0;
    unlink(path);
}


static void marker_identity(void **s)
{
    uint8_t b[512], c[512];
    struct disk_marker m;
    struct disk_id nvme = {"QEMU NVMe Ctrl", "bb1"}, other = {"QEMU NVMe Ctrl", "bb2"};
    struct disk_id none = {"file (O_DIRECT)", ""}, sata = {"QEMU HARDDISK", " QM00001 "};
    disk_marker_encode(b, DEV, "id", &nvme);
    assert_int_equal(disk_marker_check(b, sizeof b, DEV, &nvme, &m), MARKER_OK);
    assert_string_equal(m.serial, "bb1");
    assert_string_equal(m.model, "QEMU NVMe Ctrl");
    /* the same block copied onto a same-size disk with another serial is no marker */
    assert_int_equal(disk_marker_check(b, sizeof b, DEV, &other, NULL), MARKER_ID_MISMATCH);
    assert_int_equal(disk_marker_check(b, sizeof b, DEV, &none, NULL), MARKER_ID_MISMATCH);
    assert_int_equal(disk_marker_check(b, sizeof b, DEV, NULL, NULL), MARKER_ID_MISMATCH);
    struct disk_id othermodel = {"Other Vendor SSD", "bb1"};
    assert_int_equal(disk_marker_check(b, sizeof b, DEV, &othermodel, NULL), MARKER_ID_MISMATCH);
    /* Linux shows a SATA model cut to 16 characters, UEFI the whole ATA string; blanks trimmed */
    struct disk_id cut = {"Samsung SSD 860 ", "S3Z9"}, full = {"Samsung SSD 860 EVO 500GB", "S3Z9"};
    disk_marker_encode(c, DEV, "id", &cut);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, &full, NULL), MARKER_OK);
    disk_marker_encode(c, DEV, "id", &sata);
    struct disk_id sata2 = {"QEMU  HARDDISK", "QM00001"};
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, &sata2, NULL), MARKER_OK);
    /* a marker made on a file binds only the size */
    disk_marker_encode(c, DEV, "id", &none);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, &nvme, &m), MARKER_OK);
    assert_string_equal(m.serial, "");
    assert_string_equal(m.model, "");
    /* identity fields are covered by the CRC and must be printable text */
    memcpy(c, b, sizeof c);
    c[130] = 'X';
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, &nvme, NULL), MARKER_BAD_CRC);
    c[130] = 0x07;
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, &nvme, NULL), MARKER_BAD_FIELD);
    /* version 1 (no identity) is refused, saying what to do */
    memcpy(c, b, sizeof c);
    put32(c + 24, 1);
    reseal(c);
    assert_int_equal(disk_marker_check(c, sizeof c, DEV, &nvme, NULL), MARKER_OLD_FORMAT);
    assert_non_null(strstr(disk_marker_reason(MARKER_OLD_FORMAT), "run mkscratch again"));
}

/* ---- the guard on a fake device: a medium that can be swapped, a marker that can vanish ---- */

#define FAKE_BLOCKS (2u << 20) /* 1 GiB of 512-byte blocks; only block 0 is stored */

static struct fake {
    uint8_t block0[512];
    uint32_t current_media; /* the medium in the drive */
    uint64_t written;       /* bytes written, all media */
    uint64_t written_after; /* bytes written after the marker vanished */
    uint64_t erase_at;      /* erase the marker once this many bytes were written (0: never) */
    int erased;
    uint64_t spin_ns;       /* time each transfer takes */
} fk;

static void spin(uint64_t ns)
{
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    do
        clock_gettime(CLOCK_MONOTONIC, &b);
    while ((uint64_t)(b.tv_sec - a.tv_sec) * 1000000000u + (uint64_t)(b.tv_nsec - a.tv_nsec) < ns);
}

static int fake_read(struct plat_disk *d, uint64_t lba, void *buf, size_t bytes)
{
    if (d->media_id != fk.current_media)
        return PLAT_IO_CHANGED; /* what EDK2 drivers answer for a stale MediaId */
    memset(buf, 0, bytes);
    if (lba == 0)
        memcpy(buf, fk.block0, bytes < 512 ? bytes : 512);
    return 0;
}

static int fake_batch(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n,
                      size_t bytes, void *const *bufs, uint64_t *lat)
{
    (void)qd, (void)lba, (void)bufs, (void)lat;
    if (d->media_id != fk.current_media)
        return PLAT_IO_CHANGED;
    for (int i = 0; i < n && write; i++) {
        spin(fk.spin_ns);
        fk.written += bytes;
        if (fk.erased)
            fk.written_after += bytes;
        if (fk.erase_at && !fk.erased && fk.written >= fk.erase_at) {
            memset(fk.block0, 0, sizeof fk.block0); /* another process wipes the marker */
            fk.erased = 1;
        }
    }
    return 0;
}

static int fake_flush(struct plat_disk *d)
{
    return d->media_id != fk.current_media ? PLAT_IO_CHANGED : 0;
}

static const struct disk_guard_ops fake_ops = {fake_read, fake_batch, fake_flush};

static void fake_setup(struct plat_disk *d, uint32_t media)
{
    static int clock_ready;
    if (!clock_ready) { /* the guard paces its marker checks by the TSC */
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        uint64_t t0 = clock_ticks();
        spin(50000000);
        uint64_t t1 = clock_ticks();
        clock_gettime(CLOCK_MONOTONIC, &b);
        g_clock.hz = (double)(t1 - t0) / ((double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
        clock_ready = 1;
    }
    memset(&fk, 0, sizeof fk);
    memset(d, 0, sizeof *d);
    snprintf(d->kind, sizeof d->kind, "fake");
    snprintf(d->model, sizeof d->model, "Fake Removable");
    snprintf(d->serial, sizeof d->serial, "F1");
    d->block_size = 512;
    d->io_align = 1;
    d->blocks = FAKE_BLOCKS;
    d->media_present = 1;
    d->removable = 1;
    d->max_qd = 32;
    d->media_id = media;
    fk.current_media = media;
    struct disk_id id = {d->model, d->serial};
    disk_marker_encode(fk.block0, (uint64_t)FAKE_BLOCKS * 512, "fake", &id);
}

static void guard_media_changed(void **s)
{
    struct plat_disk d;
    struct disk_guard g;
    char why[160];
    static uint8_t buf[4096];
    void *bufs[4] = {buf, buf, buf, buf};
    uint64_t lba[4] = {8, 16, 24, 32};
    fake_setup(&d, 7);
    assert_int_equal(disk_guard_verify(&g, &d, &fake_ops, why, sizeof why), MARKER_OK);
    assert_true(g.verified && g.media_id == 7);
    assert_int_equal(disk_guard_write(&g, &d, 1, lba, 4, 4096, bufs, NULL, NULL), 0);
    assert_true(fk.written == 4 * 4096);
    /* the medium is swapped for another one (also marked, same size): not a single write */
    fk.current_media = 8;
    uint64_t before = fk.written;
    assert_int_equal(disk_guard_write(&g, &d, 1, lba, 4, 4096, bufs, NULL, NULL), PLAT_IO_CHANGED);
    assert_true(fk.written == before);
    assert_false(g.verified);
    assert_int_equal(g.lost, PLAT_IO_CHANGED);
    /* for the rest of the run: even a platform that learnt the new MediaId gets nothing */
    d.media_id = 8;
    assert_int_equal(disk_guard_write(&g, &d, 1, lba, 4, 4096, bufs, NULL, NULL), PLAT_IO_CHANGED);
    assert_int_equal(disk_guard_flush(&g, &d), DISK_GUARD_REFUSED);
    assert_true(fk.written == before);
    /* a medium changed between discovery and verification is never armed */
    fake_setup(&d, 3);
    fk.current_media = 4;
    assert_int_equal(disk_guard_verify(&g, &d, &fake_ops, why, sizeof why), PLAT_IO_CHANGED);
    assert_false(g.verified);
    /* the MediaId the guard remembered is the one every write names */
    fake_setup(&d, 5);
    assert_int_equal(disk_guard_verify(&g, &d, &fake_ops, why, sizeof why), MARKER_OK);
    d.media_id = 6;
    fk.current_media = 6;
    assert_int_not_equal(disk_guard_write(&g, &d, 1, lba, 4, 4096, bufs, NULL, NULL), 0);
    assert_true(fk.written == 0);
}

static void guard_stops_when_marker_erased_mid_batch(void **s)
{
    struct plat_disk d;
    struct disk_guard g;
    char why[160];
    static uint8_t buf[1 << 20];
    enum { N = 4000 };
    static void *bufs[N];
    static uint64_t lba[N];
    for (int i = 0; i < N; i++)
        bufs[i] = buf; /* the fake device never reads them */
    /* slow transfers (1 ms each): the 250 ms pace bounds what follows the erasure */
    fake_setup(&d, 0);
    fk.spin_ns = 1000000;
    fk.erase_at = 300 * 4096;
    for (int i = 0; i < N; i++)
        lba[i] = 8 + (uint64_t)i * 8;
    assert_int_equal(disk_guard_verify(&g, &d, &fake_ops, why, sizeof why), MARKER_OK);
    assert_int_equal(disk_guard_write(&g, &d, 1, lba, N, 4096, bufs, NULL, NULL),
                     DISK_GUARD_MARKER_LOST);
    assert_true(fk.erased);
    assert_true(fk.written_after <= 300 * 4096); /* <= ~250 ms of transfers, not the rest */
    assert_true(fk.written < (uint64_t)N * 4096 / 4);
    assert_false(g.verified);
    assert_int_equal(disk_guard_write(&g, &d, 1, lba, 1, 4096, bufs, NULL, NULL),
                     DISK_GUARD_MARKER_LOST);
    /* fast transfers: 64 MiB bound (1 MiB each, erased after 100 MiB of a 900 MiB batch) */
    fake_setup(&d, 0);
    fk.erase_at = 100u << 20;
    for (int i = 0; i < 900; i++)
        lba[i] = 8 + (uint64_t)i * 2048;
    assert_int_equal(disk_guard_verify(&g, &d, &fake_ops, why, sizeof why), MARKER_OK);
    assert_int_equal(disk_guard_write(&g, &d, 1, lba, 900, 1u << 20, bufs, NULL, NULL),
                     DISK_GUARD_MARKER_LOST);
    assert_true(fk.written_after <= DISK_GUARD_RECHECK_BYTES);
    /* erased during the last chunk: the check after the last write still reports it */
    fake_setup(&d, 0);
    fk.erase_at = 4 * 4096;
    assert_int_equal(disk_guard_verify(&g, &d, &fake_ops, why, sizeof why), MARKER_OK);
    assert_int_equal(disk_guard_write(&g, &d, 1, lba, 4, 4096, bufs, NULL, NULL),
                     DISK_GUARD_MARKER_LOST);
    assert_true(fk.written == 4 * 4096);
}

static void guard_identity_and_permissions(void **s)
{
    struct plat_disk d;
    struct disk_guard g;
    char why[200];
    /* a marker copied onto a same-size device with another serial arms nothing */
    fake_setup(&d, 0);
    snprintf(d.serial, sizeof d.serial, "F2");
    assert_int_equal(disk_guard_verify(&g, &d, &fake_ops, why, sizeof why), MARKER_ID_MISMATCH);
    assert_false(g.verified);
    assert_non_null(strstr(why, "F1"));
    /* a marked file without write permission for its owner is read-only, even for root */
    make_file(1);
    chmod(path, 0444);
    struct plat_disk *f = open_disk();
    assert_true(f->read_only);
    assert_int_equal(disk_guard_verify(&g, f, NULL, why, sizeof why), MARKER_OK);
    assert_false(g.verified);
    assert_int_not_equal(plat_disk_writable(f, why, sizeof why), 0);
    assert_int_equal(fcntl(host_disk_fd(f), F_GETFL) & O_ACCMODE, O_RDONLY);
    unlink(path);
}

static void json_refusals(void **s)
{
    char why[300];
    make_file(0);
    assert_int_equal(host_json_refused("/dev/null", NULL, why, sizeof why), -1);
    assert_non_null(strstr(why, "character device"));
    char spec[200];
    snprintf(spec, sizeof spec, "/tmp/none.img,%s", path);
    assert_int_equal(host_json_refused(path, spec, why, sizeof why), -1);
    assert_non_null(strstr(why, "same file"));
    open_disk(); /* a disk opened by the suite is refused even without the spec */
    assert_int_equal(host_json_refused(path, NULL, why, sizeof why), -1);
    char other[80];
    snprintf(other, sizeof other, "%s.json", path);
    assert_int_equal(host_json_refused(other, spec, why, sizeof why), 0);
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
        cmocka_unit_test(marker_identity),
        cmocka_unit_test(guard_media_changed),
        cmocka_unit_test(guard_stops_when_marker_erased_mid_batch),
        cmocka_unit_test(guard_identity_and_permissions),
        cmocka_unit_test(json_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
