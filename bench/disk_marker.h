/* disk_marker.h - barebench's scratch marker: the signature block that makes a disk or a
 * partition writable by the disk suite.  Without a valid marker a target is never written. */
#ifndef BB_DISK_MARKER_H
#define BB_DISK_MARKER_H

#include <stddef.h>
#include <stdint.h>

/* The marker is a 512-byte block at byte offset 0 of the target (whole disk or partition),
 * all integers little-endian:
 *   0  char[24] magic "BAREBENCH-SCRATCH", NUL-padded
 *  24  u32 version (1)          28  u32 marker size (512)
 *  32  u64 target size in bytes (must equal the device's size exactly)
 *  40  u64 protected bytes from offset 0 (4096; never written by the tests)
 *  48  char[32] label, NUL-padded printable ASCII
 *  80..507 zero                508 u32 CRC-32 (IEEE) of bytes 0..507 */
#define DISK_MARKER_MAGIC "BAREBENCH-SCRATCH"
#define DISK_MARKER_VERSION 1u
#define DISK_MARKER_SIZE 512u
#define DISK_MARKER_PROTECT 4096u

enum disk_marker_verdict {
    MARKER_OK = 0,
    MARKER_NONE,          /* no magic: an ordinary disk */
    MARKER_BAD_CRC,       /* magic present but the block is corrupted */
    MARKER_BAD_VERSION,   /* made by a newer/unknown tool */
    MARKER_BAD_FIELD,     /* sizes or padding not as written by mkscratch */
    MARKER_SIZE_MISMATCH, /* marked for a device of another size (copied image?) */
    MARKER_SHORT          /* fewer than 512 bytes to look at */
};

struct disk_marker {
    uint32_t version;
    uint64_t target_bytes;
    uint64_t protect_bytes;
    char label[33];
    uint32_t crc;
};

/** CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of n bytes, starting from crc (0 at first). */
uint32_t disk_crc32(uint32_t crc, const void *p, size_t n);

/** Fill out[512] with a marker for a target of `target_bytes`; label may be NULL. */
void disk_marker_encode(uint8_t *out, uint64_t target_bytes, const char *label);

/** Check the first n bytes of a target of `dev_bytes` bytes; fills *m (may be NULL) when the
 *  block parses.  Returns MARKER_OK only for an intact marker made for exactly this size. */
int disk_marker_check(const uint8_t *blk, size_t n, uint64_t dev_bytes, struct disk_marker *m);

/** Human-readable reason for a verdict. */
const char *disk_marker_reason(int verdict);

/** Bytes at the start of a target the tests never write: the marker's protected area
 *  rounded up to the device block size. */
uint64_t disk_marker_protected(uint32_t block_size);

#endif
