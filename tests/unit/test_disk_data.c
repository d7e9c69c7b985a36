/* test_disk_data.c - what the disk suite writes and how it finds never-written blocks: fresh
 * pseudo-random data for every written transfer (none equal, none periodic), preconditioning
 * a sparse scratch file so it has no holes left, hole / unwritten-extent detection (a sparse
 * or fallocated file is flagged, a filled one is not), and mkscratch's fill (the real tool, next
 * to this test in the build tree: build/host/mkscratch). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench/disk.h"
#include "bench/disk_fill.h"
#include "bench/disk_marker.h"
#include "bench/disk_plan.h"
#include "host/holes_linux.h"
#include "kernel/platform.h"

#define DEV (4u << 20)

static char path[64];

/* A new file of DEV bytes: marked or not; filled with data, or sparse, or fallocated. */
enum how { FILLED, SPARSE, FALLOCATED };
static void make_file(int marked, enum how how)
{
    static int serial; /* a new name each time: plat_disks keeps what it opened per name list */
    snprintf(path, sizeof path, "/tmp/bb-test-data-%d-%d.img", (int)getpid(), ++serial);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    uint8_t *blk = calloc(1, DEV);
    if (how == FILLED)
        disk_fill(blk, DEV, 42);
    if (marked)
        disk_marker_encode(blk, DEV, "unit", NULL);
    if (how == FILLED) {
        assert_int_equal(pwrite(fd, blk, DEV, 0), DEV);
    } else {
        assert_int_equal(ftruncate(fd, DEV), 0);
        if (how == FALLOCATED)
            assert_int_equal(posix_fallocate(fd, 0, DEV), 0);
        assert_int_equal(pwrite(fd, blk, 4096, 0), 4096);
    }
    assert_int_equal(fsync(fd), 0);
    close(fd);
    free(blk);
}

static struct plat_disk *open_disk(void)
{
    struct plat_disk *list;
    assert_int_equal(plat_disks(path, &list), 1);
    assert_true(list[0].media_present && list[0].blocks * list[0].block_size == DEV);
    return &list[0];
}

/* A disk_run on the just-made scratch file with a buffer of buf_bytes. */
static void open_run(struct disk_run *r, size_t buf_bytes)
{
    char why[96];
    memset(r, 0, sizeof *r);
    r->d = open_disk();
    assert_int_equal(disk_guard_verify(&r->guard, r->d, NULL, why, sizeof why), MARKER_OK);
    assert_true(r->guard.verified);
    assert_int_equal(plat_disk_writable(r->d, why, sizeof why), 0); /* opened read-only until now */
    r->buf_bytes = buf_bytes;
    r->buf = plat_alloc_pages(buf_bytes, 4096, 0);
    assert_non_null(r->buf);
    r->fill_salt = 0x1234;
}

static void fill_streams_differ(void **s)
{
    static uint64_t a[512], b[512];
    disk_fill(a, sizeof a, disk_fill_seed(7, 0));
    disk_fill(b, sizeof b, disk_fill_seed(7, 0));
    assert_memory_equal(a, b, sizeof a); /* deterministic */
    disk_fill(b, sizeof b, disk_fill_seed(7, 1));
    assert_memory_not_equal(a, b, sizeof a);
    int same = 0; /* not periodic: no 256-byte block repeats the first one */
    for (int k = 1; k < 16; k++)
        same += !memcmp(a, a + 32 * k, 256);
    assert_int_equal(same, 0);
}

/* Write pass of n transfers through disk_pass (buffer of 64 KiB: several chunks), then read the
 * file back: every transfer's 4 KiB differ from every other's. */
static void written_transfers_all_differ(int qd)
{
    enum { N = 40, XFER = 4096 };
    struct disk_run r;
    struct disk_plan p;
    make_file(1, FILLED);
    open_run(&r, 65536);
    assert_int_equal(disk_plan_point(&p, DEV, 4096, 512, XFER, N * XFER, 1, 1, 1, 3), 0);
    uint64_t ticks, flush, lat[N];
    assert_int_equal(disk_pass(&r, 1, qd, &p, 1, N, lat, &ticks, &flush), 0);
    assert_true(ticks > 0);
    assert_true(r.fill_next == N); /* one fresh fill per transfer */
    static uint8_t got[N][XFER];
    int fd = open(path, O_RDONLY);
    for (int i = 0; i < N; i++)
        assert_int_equal(pread(fd, got[i], XFER, (off_t)disk_plan_offset(&p, 1, (uint64_t)i)), XFER);
    close(fd);
    for (int i = 0; i < N; i++)
        for (int j = i + 1; j < N; j++)
            assert_memory_not_equal(got[i], got[j], XFER);
    /* and the next pass writes other data again */
    assert_int_equal(disk_pass(&r, 1, qd, &p, 0, 1, NULL, &ticks, &flush), 0);
    assert_true(r.fill_next == N + 1);
    plat_free_pages(r.buf, r.buf_bytes);
    unlink(path);
}

static void write_buffers_refreshed_qd1(void **s) { written_transfers_all_differ(1); }
static void write_buffers_refreshed_qd4(void **s) { written_transfers_all_differ(4); }

static void holes_detected(void **s)
{
    uint64_t h = 0;
    int fd;
    make_file(0, SPARSE);
    fd = open(path, O_RDONLY);
    assert_int_equal(linux_hole_bytes(fd, DEV, &h), 0);
    assert_true(h == DEV - 4096); /* everything but the first 4 KiB */
    close(fd);
    assert_true(open_disk()->holes_known && open_disk()->hole_bytes == DEV - 4096);
    unlink(path);

    make_file(0, FALLOCATED); /* allocated, never written: unwritten extents */
    fd = open(path, O_RDONLY);
    assert_int_equal(linux_hole_bytes(fd, DEV, &h), 0);
    assert_true(h >= DEV / 2);
    close(fd);
    unlink(path);

    make_file(0, FILLED);
    fd = open(path, O_RDONLY);
    assert_int_equal(linux_hole_bytes(fd, DEV, &h), 0);
    assert_true(h == 0);
    close(fd);
    assert_true(open_disk()->holes_known && open_disk()->hole_bytes == 0);
    unlink(path);
}

static void precondition_writes_every_block(void **s)
{
    struct disk_run r;
    make_file(1, SPARSE);
    open_run(&r, 1u << 20);
    assert_true(r.d->hole_bytes == DEV - 4096);
    assert_int_equal(disk_precondition(&r), 0);
    assert_true(r.preconditioned);
    uint64_t h = 1;
    int fd = open(path, O_RDONLY);
    assert_int_equal(linux_hole_bytes(fd, DEV, &h), 0);
    assert_true(h == 0);
    uint8_t m[4096];
    assert_int_equal(pread(fd, m, sizeof m, 0), 4096);
    assert_int_equal(disk_marker_check(m, sizeof m, DEV, NULL, NULL), MARKER_OK); /* marker kept */
    close(fd);
    plat_free_pages(r.buf, r.buf_bytes);
    unlink(path);
}

static char mkscratch[512];

/* Run mkscratch (with extra option `opt`, may be "") on a new DEV-byte file at path. */
static void run_mkscratch(const char *opt)
{
    char cmd[1024];
    static int serial;
    snprintf(path, sizeof path, "/tmp/bb-test-mk-%d-%d.img", (int)getpid(), ++serial);
    snprintf(cmd, sizeof cmd, "'%s' %s --size %u --label unit '%s' >/dev/null", mkscratch, opt,
             DEV, path);
    assert_int_equal(system(cmd), 0);
}

static void mkscratch_fills(void **s)
{
    if (access(mkscratch, X_OK) != 0)
        fail_msg("%s missing: make host", mkscratch);
    uint64_t h = 1;
    run_mkscratch("");
    int fd = open(path, O_RDONLY);
    assert_int_equal(linux_hole_bytes(fd, DEV, &h), 0);
    assert_true(h == 0); /* every block written */
    uint8_t *b = malloc(DEV);
    assert_int_equal(pread(fd, b, DEV, 0), DEV);
    close(fd);
    assert_int_equal(disk_marker_check(b, 512, DEV, NULL, NULL), MARKER_OK);
    static const uint8_t zero[4096];
    for (uint64_t i = 1; i < DEV / 4096; i++) { /* data, and no 4 KiB block like another */
        assert_memory_not_equal(b + i * 4096, zero, 4096);
        if (i > 1)
            assert_memory_not_equal(b + i * 4096, b + (i - 1) * 4096, 4096);
    }
    free(b);
    unlink(path);

    run_mkscratch("--no-fill"); /* asked not to: the holes stay (and are seen) */
    fd = open(path, O_RDONLY);
    assert_int_equal(linux_hole_bytes(fd, DEV, &h), 0);
    assert_true(h >= DEV / 2);
    close(fd);
    unlink(path);
}

int main(int argc, char **argv)
{
    (void)argc;
    char self[512];
    snprintf(self, sizeof self, "%s", argv[0]);
    snprintf(mkscratch, sizeof mkscratch, "%s/../host/mkscratch", dirname(self));
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fill_streams_differ),
        cmocka_unit_test(write_buffers_refreshed_qd1),
        cmocka_unit_test(write_buffers_refreshed_qd4),
        cmocka_unit_test(holes_detected),
        cmocka_unit_test(precondition_writes_every_block),
        cmocka_unit_test(mkscratch_fills),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
