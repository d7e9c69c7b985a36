/* disk_guard.h - the one door every disk write goes through.  It refuses unless the target
 * was verified as scratch (marker, size and device identity), is writable, is still the same
 * medium, and the transfer stays clear of the marker area; it re-reads the marker while it
 * writes and stops at once when the marker is gone. */
#ifndef BB_DISK_GUARD_H
#define BB_DISK_GUARD_H

#include <stddef.h>
#include <stdint.h>

struct plat_disk;

#define DISK_GUARD_REFUSED (-100)     /* status of a write the guard did not let through */
#define DISK_GUARD_MARKER_LOST (-101) /* the marker vanished or changed: writes stopped */

#define DISK_GUARD_RECHECK_BYTES (64u << 20) /* re-read the marker at least every 64 MiB... */
#define DISK_GUARD_RECHECK_MS 250            /* ...or every 250 ms of writing */

/* How the guard reaches a device: the platform's block layer (disk_guard_plat, used when NULL
 * is given) or a native driver's own calls with the same contract as plat_disk_read/_batch/
 * _flush.  Every call passes d->media_id to the device (UEFI MediaId); a device that reports
 * another medium answers PLAT_IO_CHANGED. */
struct disk_guard_ops {
    int (*read)(struct plat_disk *d, uint64_t lba, void *buf, size_t bytes);
    int (*batch)(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n, size_t bytes,
                 void *const *bufs, uint64_t *lat_ticks);
    int (*flush)(struct plat_disk *d);
};
extern const struct disk_guard_ops disk_guard_plat;

struct disk_guard {
    const struct plat_disk *d;        /* the device verified, NULL if none */
    const struct disk_guard_ops *ops; /* NULL = disk_guard_plat */
    uint64_t dev_bytes;               /* its size when verified */
    uint64_t protect_bytes;           /* bytes at the start never written */
    uint32_t marker_crc;              /* the marker's CRC when verified */
    uint32_t media_id;                /* the medium the marker was read from */
    int verified;
    int lost;          /* 0, or why writing ended for the run (PLAT_IO_CHANGED, MARKER_LOST) */
    double byte_ticks; /* ticks per byte written in the last chunk: sizes the next */
};

/** Read the target's first block through ops (NULL: the platform) and validate the marker
 *  against d's size and identity (model, serial).  Returns a disk_marker_verdict (MARKER_OK =
 *  0 arms the guard for this device and this medium) or a negative PLAT_IO_* read error; `why`
 *  gets a reason either way.  A read-only device is never armed. */
int disk_guard_verify(struct disk_guard *g, struct plat_disk *d, const struct disk_guard_ops *ops,
                      char *why, size_t whylen);

/** Forget any verification (the guard then refuses everything). */
void disk_guard_disarm(struct disk_guard *g);

/** 1 if writing `bytes` at each of lba[0..n-1] on d would be let through, else 0. */
int disk_guard_allows(const struct disk_guard *g, const struct plat_disk *d, const uint64_t *lba,
                      int n, size_t bytes);

/** The write path: checks every range, re-reads the marker, then writes in chunks of at most
 *  64 MiB or ~250 ms, re-reading the marker after each chunk (so also after the last write).
 *  A marker gone or changed stops the writes at once (DISK_GUARD_MARKER_LOST), a changed
 *  medium too (PLAT_IO_CHANGED); either ends writing to d for good.  *ticks (may be NULL)
 *  receives the transfers' time only.  Returns 0, DISK_GUARD_REFUSED, DISK_GUARD_MARKER_LOST,
 *  or the device's PLAT_IO_* status. */
int disk_guard_write(struct disk_guard *g, struct plat_disk *d, int qd, const uint64_t *lba, int n,
                     size_t bytes, void *const *bufs, uint64_t *lat_ticks, uint64_t *ticks);

/** FlushBlocks on a verified target (refused otherwise). */
int disk_guard_flush(struct disk_guard *g, struct plat_disk *d);

#endif
