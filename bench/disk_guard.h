/* disk_guard.h - the one door every disk write goes through.  It refuses unless the target
 * was verified as scratch, is writable, and the transfer stays clear of the marker area. */
#ifndef BB_DISK_GUARD_H
#define BB_DISK_GUARD_H

#include <stddef.h>
#include <stdint.h>

struct plat_disk;

#define DISK_GUARD_REFUSED (-100) /* status of a write the guard did not let through */

struct disk_guard {
    const struct plat_disk *d; /* the device verified, NULL if none */
    uint64_t dev_bytes;        /* its size when verified */
    uint64_t protect_bytes;    /* bytes at the start never written */
    uint32_t marker_crc;       /* the marker's CRC when verified */
    int verified;
};

/** Read the target's first block and validate the marker.  Returns a disk_marker_verdict
 *  (MARKER_OK = 0 arms the guard for this device) or a negative PLAT_IO_* read error; `why`
 *  gets a reason either way.  A read-only device is never armed. */
int disk_guard_verify(struct disk_guard *g, struct plat_disk *d, char *why, size_t whylen);

/** Forget any verification (the guard then refuses everything). */
void disk_guard_disarm(struct disk_guard *g);

/** 1 if writing `bytes` at each of lba[0..n-1] on d would be let through, else 0. */
int disk_guard_allows(const struct disk_guard *g, const struct plat_disk *d, const uint64_t *lba,
                      int n, size_t bytes);

/** The write path: re-reads and re-checks the marker on the device, checks every range, then
 *  runs plat_disk_batch(write=1).  *ticks (may be NULL) receives the batch's duration only.
 *  Returns 0, DISK_GUARD_REFUSED, or the device's PLAT_IO_* status. */
int disk_guard_write(struct disk_guard *g, struct plat_disk *d, int qd, const uint64_t *lba, int n,
                     size_t bytes, void *const *bufs, uint64_t *lat_ticks, uint64_t *ticks);

/** FlushBlocks on a verified target (refused otherwise). */
int disk_guard_flush(struct disk_guard *g, struct plat_disk *d);

#endif
