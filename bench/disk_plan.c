/* disk_plan.c - sweep planning (see disk_plan.h): pure arithmetic, unit-tested, shared by the
 * read, write and precondition passes so all stay out of the protected marker area. */
#include "bench/disk_plan.h"

#include <string.h>

/* splitmix64: a well-mixed 64-bit hash of x */
static uint64_t mix(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

int disk_plan_point(struct disk_plan *p, uint64_t dev_bytes, uint64_t protect, uint32_t block_size,
                    uint64_t xfer, uint64_t budget, int random, int reps, uint64_t warm,
                    uint64_t salt)
{
    memset(p, 0, sizeof *p);
    if (!block_size || !xfer || xfer % block_size || dev_bytes <= protect || reps < 1)
        return DISK_PLAN_NO_FIT;
    /* start of the usable area: past the protected bytes, aligned to the transfer size
     * (at most 1 MiB) so offsets look like a real workload's */
    uint64_t align = xfer < (1u << 20) ? xfer : (1u << 20);
    if (align % block_size)
        align = block_size;
    p->lo = (protect + align - 1) / align * align;
    p->hi = dev_bytes / block_size * block_size;
    if (p->lo >= p->hi || p->hi - p->lo < xfer)
        return DISK_PLAN_NO_FIT;
    p->xfer = xfer;
    p->random = random;
    p->reps = reps;
    p->slots = (p->hi - p->lo) / xfer;
    if (p->slots < (uint64_t)reps + 1)
        return DISK_PLAN_TOO_SMALL;
    uint64_t want = budget / xfer ? budget / xfer : 1;
    uint64_t share = p->slots / ((uint64_t)reps + 1); /* >= 1 */
    p->warm = warm ? warm : 1;
    if (p->warm > want)
        p->warm = want;
    if (p->warm > share)
        p->warm = share;
    p->count = (p->slots - p->warm) / (uint64_t)reps; /* >= 1: warm <= slots / (reps + 1) */
    if (p->count > want)
        p->count = want;
    else
        p->shrunk = p->count < want;
    p->shift = mix(salt) % p->slots;
    p->seed = mix(salt ^ 0xD15C5EEDull);
    while (p->bits < 63 && (1ull << p->bits) < p->slots)
        p->bits++;
    return DISK_PLAN_OK;
}

void disk_plan_set_count(struct disk_plan *p, uint64_t n)
{
    if (n >= 1 && n < p->count)
        p->count = n;
}

/* One round of a bijection of [0, 2^bits): odd multiply, add, xor-shift, all mod 2^bits. */
static uint64_t permute_round(uint64_t x, uint64_t key, int bits)
{
    uint64_t mask = bits >= 64 ? ~0ull : (1ull << bits) - 1;
    x = (x * (key | 1)) & mask;
    x = (x + (key >> 17)) & mask;
    x ^= x >> (bits / 2 + 1);
    return x & mask;
}

/* A permutation of [0, slots): rounds on the power-of-two domain, cycle-walking values that
 * land past the end (at most a few steps: the domain is under twice the slots). */
static uint64_t permute(const struct disk_plan *p, uint64_t x)
{
    do {
        for (int r = 0; r < 3; r++)
            x = permute_round(x, mix(p->seed + (uint64_t)r), p->bits);
    } while (x >= p->slots);
    return x;
}

uint64_t disk_plan_offset(const struct disk_plan *p, int pass, uint64_t i)
{
    uint64_t idx = pass <= 0 ? i : p->warm + (uint64_t)(pass - 1) * p->count + i;
    uint64_t slot = p->random ? permute(p, idx % p->slots) : (idx + p->shift) % p->slots;
    return p->lo + slot * p->xfer;
}
