/* test_blockdev.c - host/blockdev_linux.c on a fake sysfs/procfs tree: a disk whose partition
 * is mounted, a whole disk mounted, a partition held by device mapper, a swap partition, and
 * the model/serial read for the marker (none for partitions).  Needs root for one mknod. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "host/blockdev_linux.h"

static char root[64];

static void put(const char *rel, const void *text, size_t n)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    fwrite(text, 1, n, f);
    fclose(f);
}
#define PUT(rel, s) put(rel, s, strlen(s))

static void dir(const char *rel)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void link_to(const char *rel, const char *target)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", root, rel);
    assert_int_equal(symlink(target, p), 0);
}

static int setup(void **s)
{
    snprintf(root, sizeof root, "/tmp/bb-blockdev-XXXXXX");
    assert_non_null(mkdtemp(root));
    const char *dirs[] = {"sys", "sys/dev", "sys/dev/block", "sys/devices", "sys/devices/virtual",
                          "sys/devices/virtual/block", "sys/devices/virtual/block/sdz",
                          "sys/devices/virtual/block/sdz/holders", "sys/devices/virtual/block/sdz/device",
                          "sys/devices/virtual/block/sdz/sdz1", "sys/devices/virtual/block/sdz/sdz1/holders",
                          "sys/devices/virtual/block/sdz/sdz2", "sys/devices/virtual/block/sdz/sdz2/holders",
                          "proc", "proc/self"};
    for (size_t i = 0; i < sizeof dirs / sizeof *dirs; i++)
        dir(dirs[i]);
    PUT("sys/devices/virtual/block/sdz/dev", "8:240\n");
    PUT("sys/devices/virtual/block/sdz/sdz1/dev", "8:241\n");
    PUT("sys/devices/virtual/block/sdz/sdz1/partition", "1\n");
    PUT("sys/devices/virtual/block/sdz/sdz2/dev", "8:242\n");
    PUT("sys/devices/virtual/block/sdz/sdz2/partition", "2\n");
    PUT("sys/devices/virtual/block/sdz/device/model", "Samsung SSD 860 \n");
    static const unsigned char vpd[] = {0, 0x80, 0, 10, ' ', ' ', 'S', '3', 'Z', '9', 'N', 'B', ' ', ' '};
    put("sys/devices/virtual/block/sdz/device/vpd_pg80", vpd, sizeof vpd);
    link_to("sys/dev/block/8:240", "../../devices/virtual/block/sdz");
    link_to("sys/dev/block/8:241", "../../devices/virtual/block/sdz/sdz1");
    link_to("sys/dev/block/8:242", "../../devices/virtual/block/sdz/sdz2");
    PUT("proc/self/mountinfo", "22 1 254:0 / / rw - ext4 /dev/vda rw\n");
    PUT("proc/swaps", "Filename Type Size Used Priority\n");
    char sys[96], proc[96];
    snprintf(sys, sizeof sys, "%s/sys", root);
    snprintf(proc, sizeof proc, "%s/proc", root);
    blockdev_set_roots(sys, proc);
    return 0;
}

static int teardown(void **s)
{
    blockdev_set_roots(NULL, NULL);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd);
}

static void claims(void **s)
{
    char why[512];
    dev_t disk = makedev(8, 240), p1 = makedev(8, 241), p2 = makedev(8, 242);
    assert_int_equal(blockdev_claimed(disk, why, sizeof why), 0);
    assert_int_equal(blockdev_claimed(p1, why, sizeof why), 0);
    assert_int_equal(blockdev_claimed(makedev(8, 250), why, sizeof why), -1); /* unknown: not free */
    /* partition 1 mounted: it and the whole disk are claimed, partition 2 is free */
    PUT("proc/self/mountinfo", "22 1 254:0 / / rw - ext4 /dev/vda rw\n36 22 8:241 / /mnt/data rw - ext4 /dev/sdz1 rw\n");
    assert_int_equal(blockdev_claimed(p1, why, sizeof why), 1);
    assert_non_null(strstr(why, "sdz1 is mounted on /mnt/data"));
    assert_int_equal(blockdev_claimed(disk, why, sizeof why), 1);
    assert_non_null(strstr(why, "sdz1 is mounted on /mnt/data"));
    assert_int_equal(blockdev_claimed(p2, why, sizeof why), 0);
    /* the whole disk mounted: its partitions are claimed */
    PUT("proc/self/mountinfo", "36 22 8:240 / /mnt/whole rw - ext4 /dev/sdz rw\n");
    assert_int_equal(blockdev_claimed(p2, why, sizeof why), 1);
    assert_non_null(strstr(why, "sdz is mounted on /mnt/whole"));
    PUT("proc/self/mountinfo", "");
    /* partition 2 held by device mapper: it and the disk are claimed */
    PUT("sys/devices/virtual/block/sdz/sdz2/holders/dm-3", "");
    assert_int_equal(blockdev_claimed(p2, why, sizeof why), 1);
    assert_non_null(strstr(why, "held by dm-3"));
    assert_int_equal(blockdev_claimed(disk, why, sizeof why), 1);
    char p[512];
    snprintf(p, sizeof p, "%s/sys/devices/virtual/block/sdz/sdz2/holders/dm-3", root);
    unlink(p);
    assert_int_equal(blockdev_claimed(disk, why, sizeof why), 0);
    /* partition 1 an active swap area (listed by a device node with its numbers) */
    char node[128], swaps[256];
    snprintf(node, sizeof node, "%s/swapdev", root);
    if (mknod(node, S_IFBLK | 0600, p1) == 0) {
        snprintf(swaps, sizeof swaps, "Filename Type Size Used Priority\n%s partition 1024 0 -2\n", node);
        PUT("proc/swaps", swaps);
        assert_int_equal(blockdev_claimed(disk, why, sizeof why), 1);
        assert_non_null(strstr(why, "sdz1 is an active swap area"));
        PUT("proc/swaps", "Filename Type Size Used Priority\n");
    } else {
        print_message("# mknod not permitted: the swap case was not run\n");
    }
}

static void identity(void **s)
{
    char model[48], serial[32];
    blockdev_identity(makedev(8, 240), model, sizeof model, serial, sizeof serial);
    assert_string_equal(model, "Samsung SSD 860");
    assert_string_equal(serial, "S3Z9NB");
    PUT("sys/devices/virtual/block/sdz/device/serial", "  NVME-SERIAL-1  \n");
    blockdev_identity(makedev(8, 240), model, sizeof model, serial, sizeof serial);
    assert_string_equal(serial, "NVME-SERIAL-1");
    /* partitions carry no identity, as under UEFI */
    blockdev_identity(makedev(8, 241), model, sizeof model, serial, sizeof serial);
    assert_string_equal(model, "");
    assert_string_equal(serial, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(claims, setup, teardown),
        cmocka_unit_test_setup_teardown(identity, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
