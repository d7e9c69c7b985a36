/* disk_fill.h - the data barebench writes to disks: fast pseudo-random bytes, a different
 * stream per seed, so compressing or deduplicating storage cannot shrink what it stores. */
#ifndef BB_DISK_FILL_H
#define BB_DISK_FILL_H

#include <stddef.h>
#include <stdint.h>

/** Fill `bytes` (a multiple of 8) at buf (8-byte aligned) with the pseudo-random stream of
 *  `seed`: xorshift64* words, several GB/s; equal seeds give equal data, different seeds
 *  streams that never share a 4 KiB block in practice. */
void disk_fill(void *buf, size_t bytes, uint64_t seed);

/** The seed of transfer `i` of a stream named by `salt` (a well-mixed 64-bit value). */
uint64_t disk_fill_seed(uint64_t salt, uint64_t i);

#endif
