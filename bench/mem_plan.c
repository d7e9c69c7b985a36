/* mem_plan.c - sizes the mem suite from the machine: the DRAM working set (STREAM: each array
 * >= 4x the last-level caches in use), the sweep points from 4 KiB up to it, the level labels,
 * and a stated reason whenever memory is too small.  Pure arithmetic, for the unit tests. */
#include "bench/mem.h"
#include "kernel/lib/fmt.h"
#include "kernel/run/options.h"

#define KiB 1024ull
#define MiB (1024ull * 1024)
#define ALIGN_2M(x) ((x) & ~(2 * MiB - 1))

/* Capacity a level offers one processor: its share when the cache is shared. */
static uint64_t capacity(const struct mem_layout *l, int k)
{
    uint64_t size[4] = {0, l->l1, l->l2, l->l3};
    return l->share[k] && l->share[k] < size[k] ? l->share[k] : size[k];
}

uint64_t mem_dram_floor(const struct mem_layout *l)
{
    uint64_t llc = l->llc_total ? l->llc_total : l->l3 ? l->l3 : l->l2 ? l->l2 : l->l1;
    return 4 * llc;
}

const char *mem_level(const struct mem_layout *l, uint64_t bytes)
{
    static const char *const names[4] = {"", "L1", "L2", "L3"};
    for (int k = 1; k <= 3; k++) {
        uint64_t cap = capacity(l, k);
        if (cap && bytes <= cap / 4 * 3)
            return names[k];
        if (cap && bytes <= cap)
            return "boundary";
    }
    return bytes >= mem_dram_floor(l) ? "DRAM" : "boundary";
}

size_t mem_elems(uint64_t bytes, int arrays)
{
    uint64_t n = bytes / (uint64_t)(arrays > 0 ? arrays : 1) / sizeof(double);
    n -= n % MEM_N_ALIGN;
    return (size_t)(n ? n : MEM_N_ALIGN);
}

static void add_point(struct mem_plan *p, uint64_t v)
{
    for (int i = 0; i < p->npoints; i++)
        if (p->points[i] == v)
            return;
    if (p->npoints >= MEM_MAX_POINTS)
        return;
    int i = p->npoints++;
    while (i > 0 && p->points[i - 1] > v) { /* keep ascending */
        p->points[i] = p->points[i - 1];
        i--;
    }
    p->points[i] = v;
}

/* Every cache level gets at least one point labelled with it: at most 3/4 of its capacity
 * (one processor's share) and past the level below. */
static void cover_levels(const struct mem_layout *l, struct mem_plan *p, uint64_t top)
{
    uint64_t below = 0;
    for (int k = 1; k <= 3; k++) {
        uint64_t cap = capacity(l, k);
        if (!cap)
            continue;
        uint64_t v = (cap / 4 * 3) & ~(4 * KiB - 1);
        int have = 0;
        for (int i = 0; i < p->npoints; i++)
            if (p->points[i] > below && p->points[i] <= v)
                have = 1;
        if (!have && v > below && v >= 4 * KiB && v <= top)
            add_point(p, v);
        below = cap;
    }
}

int mem_make_plan(const struct mem_layout *l, struct mem_plan *p)
{
    *p = (struct mem_plan){0};
    p->llc = mem_dram_floor(l) / 4;
    uint64_t llc = p->llc ? p->llc : 32 * MiB; /* unknown caches: assume a large LLC */
    /* STREAM: each of the 3 arrays >= 4x the last-level caches in use */
    uint64_t want = 3 * (l->dram_array ? l->dram_array : llc * (l->profile == PROFILE_FULL ? 8 : 4));
    if (want < 64 * MiB && !l->dram_array)
        want = 64 * MiB;
    p->want_dram = want = (want + 2 * MiB - 1) & ~(2 * MiB - 1);

    /* leave room for the firmware, the results and our page tables */
    uint64_t reserve = 16 * MiB + l->free_bytes / 16;
    uint64_t budget = l->free_bytes > reserve + 2 * MiB ? ALIGN_2M(l->free_bytes - reserve - 2 * MiB) : 0;
    int capped = 0;
    if (l->mem_max && l->mem_max < budget) {
        budget = ALIGN_2M(l->mem_max);
        capped = 1;
    }
    if (budget < 2 * MiB) {
        bb_snprintf(p->why, sizeof p->why,
                    "only %llu KiB free in one block%s: no room for any mem test",
                    (unsigned long long)(l->free_bytes / KiB), capped ? " (mem_max)" : "");
        return -1;
    }

    p->dram = want < budget ? want : budget;
    uint64_t top = p->dram;
    if (l->dram_array && p->dram == want && want < 4 * llc) { /* the user's choice: say so */
        bb_snprintf(p->why, sizeof p->why,
                    "mem_dram: DRAM working set %llu MiB is below 4x the %llu MiB last-level caches in use: its entries are not labelled DRAM",
                    (unsigned long long)(p->dram / MiB), (unsigned long long)(llc / MiB));
        p->shrunk = 1;
    } else if (p->dram <= llc) { /* cannot get out of the caches */
        bb_snprintf(p->why, sizeof p->why,
                    "%llu MiB usable%s is not more than the %llu MiB last-level cache: no DRAM tests, sweep up to %llu MiB",
                    (unsigned long long)(budget / MiB), capped ? " (mem_max)" : "",
                    (unsigned long long)(llc / MiB), (unsigned long long)(budget / MiB));
        p->dram = 0;
        p->shrunk = 1;
    } else if (p->dram < want) {
        bb_snprintf(p->why, sizeof p->why,
                    "%llu MiB usable%s: DRAM working set %llu MiB instead of 3 arrays x %s LLC = %llu MiB; sweep shrunk to match",
                    (unsigned long long)(budget / MiB), capped ? " (mem_max)" : "",
                    (unsigned long long)(p->dram / MiB),
                    l->dram_array ? "mem_dram" : l->profile == PROFILE_FULL ? "8x" : "4x",
                    (unsigned long long)(want / MiB));
        p->shrunk = 1;
    }
    p->alloc = top;
    p->budget = budget;
    if (p->dram) { /* room to double once for the plateau check, where memory allows */
        uint64_t room = 2 * p->dram < budget ? 2 * p->dram : budget;
        p->alloc = ALIGN_2M(room) > top ? ALIGN_2M(room) : top;
    }

    uint64_t step = l->profile == PROFILE_QUICK ? 4 : 2;
    for (uint64_t v = 4 * KiB; v < top && p->npoints < MEM_MAX_POINTS - 4; v *= step)
        add_point(p, v);
    add_point(p, top);
    cover_levels(l, p, top);
    return 0;
}
