/* host.h - what the Linux build's own files share. */
#ifndef BB_HOST_H
#define BB_HOST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct plat_disk;

/** The file the results document is written to (--json FILE); NULL: not written. */
void host_set_json_path(const char *path);
/** 1 when --json - asked for the document on standard output. */
int host_json_to_stdout(void);

/** Linux CPU number of run index idx (before any selection), -1 if out of range. */
int host_cpu_id(int idx);

struct mp_state;
struct mp_ops;
/** Unit tests only: route plat_cpu_count / plat_run_on_cpus / plat_cpu_left_out through
 *  kernel/machine/mp_run.c with a fake firmware MP service (NULL, NULL: the threads again). */
void host_mp_fake(struct mp_state *m, const struct mp_ops *o);

/** 0 if `path` may take the results document: not a block or character device (nor any other
 *  non-regular file), not the same file as one of the comma-separated paths in `disk_spec`
 *  (may be NULL) or as a disk already opened.  Else -1 with the reason in `why`. */
int host_json_refused(const char *path, const char *disk_spec, char *why, size_t whylen);

/** 1 if sb is the same file (block devices: the same device) as a disk the suite opened. */
int host_disk_same_file(const struct stat *sb);

/** The descriptor a disk is open with (tests: read-only until plat_disk_writable). */
int host_disk_fd(const struct plat_disk *d);

/** A /proc/meminfo value ("MemTotal", "MemAvailable", ...) in bytes, 0 when absent. */
uint64_t host_meminfo_bytes(const char *key);

/** Where plat_acpi_table reads the ACPI tables (NULL: /sys/firmware/acpi/tables); drops the
 *  tables read so far (tests). */
void acpi_linux_set_root(const char *dir);

#endif
