/* disk_marker.h - barebench's scratch marker: the signature block that makes a disk or a
 * partition writable by the disk suite.  Without a valid marker a target is never written. */
#ifndef BB_DISK_MARKER_H
#define BB_DISK_MARKER_H

#include <stddef.h>
#include <stdint.h>

/* The marker is a 512-byte block at byte offset 0 of the target (whole disk or partition),
 * all integers little-endian:
 *   0  char[24] magic "BAREBENCH-SCRATCH", NUL-padded
 *  24  u32 version (2)          28  u32 marker size (512)
 *  32  u64 target size in bytes (must equal the device's size exactly)
 *  40  u64 protected bytes from offset 0 (4096; never written by the tests)
 *  48  char[32] label, NUL-padded printable ASCII without blanks
 *  80  char[48] model of the device marked, NUL-padded printable ASCII ("" = no identity)
 * 128  char[32] serial of the device marked, NUL-padded printable ASCII ("" = no identity)
 * 160..507 zero                508 u32 CRC-32 (IEEE) of bytes 0..507
 * Version 1 (no identity) is refused: "run mkscratch again". */
#define DISK_MARKER_MAGIC "BAREBENCH-SCRATCH"
#define DISK_MARKER_VERSION 2u
#define DISK_MARKER_SIZE 512u
#define DISK_MARKER_PROTECT 4096u
#define DISK_ID_MODEL_MAX 48
#define DISK_ID_SERIAL_MAX 32

enum disk_marker_verdict {
    MARKER_OK = 0,
    MARKER_NONE,          /* no magic: an ordinary disk */
    MARKER_BAD_CRC,       /* magic present but the block is corrupted */
    MARKER_BAD_VERSION,   /* made by a newer/unknown tool */
    MARKER_BAD_FIELD,     /* sizes or padding not as written by mkscratch */
    MARKER_SIZE_MISMATCH, /* marked for a device of another size (copied image?) */
    MARKER_SHORT,         /* fewer than 512 bytes to look at */
    MARKER_OLD_FORMAT,    /* version 1: no device identity; mkscratch must mark it again */
    MARKER_ID_MISMATCH    /* made for another device (other serial or model): a copied marker */
};

/* Who a device says it is.  The serial is the identity: an empty serial means the platform
 * knows none (a file, a loop device, virtio-blk under UEFI), and then only the size binds. */
struct disk_id {
    const char *model;  /* may be NULL or "" */
    const char *serial; /* may be NULL or "" */
};

struct disk_marker {
    uint32_t version;
    uint64_t target_bytes;
    uint64_t protect_bytes;
    char label[33];
    char model[DISK_ID_MODEL_MAX + 1];
    char serial[DISK_ID_SERIAL_MAX + 1];
    uint32_t crc;
};

/** CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of n bytes, starting from crc (0 at first). */
uint32_t disk_crc32(uint32_t crc, const void *p, size_t n);

/** Fill out[512] with a marker for a target of `target_bytes` and identity `id` (NULL or an
 *  empty serial: size only); label may be NULL.  Blanks at either end of model/serial are
 *  trimmed, other unprintable characters become '_'. */
void disk_marker_encode(uint8_t *out, uint64_t target_bytes, const char *label,
                        const struct disk_id *id);

/** Check the first n bytes of a target of `dev_bytes` bytes whose device says it is `id`
 *  (NULL: no identity); fills *m (may be NULL) when the block parses.  Returns MARKER_OK only
 *  for an intact marker of this version made for exactly this size and this device: a marker
 *  carrying a serial needs the same serial (and a compatible model, see disk_id_match). */
int disk_marker_check(const uint8_t *blk, size_t n, uint64_t dev_bytes, const struct disk_id *id,
                      struct disk_marker *m);

/** 1 if a marker recording (model, serial) belongs to the device `id`: no recorded serial
 *  binds no identity; else the serials are equal and, when both models are known, one is a
 *  prefix of the other (Linux shows a SATA disk's model cut to 16 characters). */
int disk_id_match(const char *model, const char *serial, const struct disk_id *id);

/** Human-readable reason for a verdict. */
const char *disk_marker_reason(int verdict);

/** Bytes at the start of a target the tests never write: the marker's protected area
 *  rounded up to the device block size. */
uint64_t disk_marker_protected(uint32_t block_size);

#endif
