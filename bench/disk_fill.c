/* disk_fill.c - pseudo-random write data (see disk_fill.h): shared by the disk suite's write
 * and precondition passes and by tools/mkscratch; the callers keep it out of timed intervals. */
#include "bench/disk_fill.h"

uint64_t disk_fill_seed(uint64_t salt, uint64_t i)
{
    uint64_t x = salt + (i + 1) * 0x9E3779B97F4A7C15ull; /* splitmix64 of (salt, i) */
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

void disk_fill(void *buf, size_t bytes, uint64_t seed)
{
    uint64_t *w = buf, s = seed ? seed : 0x2545F4914F6CDD1Dull; /* xorshift64 state is never 0 */
    for (size_t i = 0; i < bytes / 8; i++) {
        s ^= s >> 12;
        s ^= s << 25;
        s ^= s >> 27;
        w[i] = s * 0x2545F4914F6CDD1Dull;
    }
}
