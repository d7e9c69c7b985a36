/* disk_plan.c - sweep planning (see disk_plan.h): pure arithmetic, unit-tested, shared by the
 * read and the write sweeps so both stay out of the protected marker area. */
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

int disk_plan_make(struct disk_plan *p, uint64_t dev_bytes, uint64_t protect, uint32_t block_size,
                   uint64_t xfer, uint64_t budget, uint64_t max_count, int random, int rep,
                   unsigned salt)
{
    memset(p, 0, sizeof *p);
    if (!block_size || !xfer || xfer % block_size || dev_bytes <= protect)
        return -1;
    /* start of the usable area: past the protected bytes, aligned to the transfer size
     * (at most 1 MiB) so offsets look like a real workload's */
    uint64_t align = xfer < (1u << 20) ? xfer : (1u << 20);
    if (align % block_size)
        align = block_size;
    p->lo = (protect + align - 1) / align * align;
    p->hi = dev_bytes / block_size * block_size;
    if (p->lo >= p->hi || p->hi - p->lo < xfer)
        return -1;
    uint64_t fit = (p->hi - p->lo) / xfer;
    p->xfer = xfer;
    p->random = random;
    p->count = budget / xfer;
    if (p->count == 0)
        p->count = 1;
    if (max_count && p->count > max_count)
        p->count = max_count;
    if (random) {
        p->slots = fit;
        p->seed = mix(((uint64_t)rep << 32) ^ salt ^ 0xD15Cull);
        return 0;
    }
    if (p->count > fit)
        p->count = fit;
    uint64_t regions = fit / p->count; /* disjoint runs of `count` transfers */
    uint64_t r = ((uint64_t)rep + salt) % regions;
    p->start = p->lo + r * p->count * xfer;
    return 0;
}

uint64_t disk_plan_offset(const struct disk_plan *p, uint64_t i)
{
    if (p->random)
        return p->lo + mix(p->seed + i) % p->slots * p->xfer;
    return p->start + i * p->xfer;
}
