/* mem_latency.c - the pointer chase behind the mem suite's latency tests: the lines of a
 * buffer linked into one random cycle, so each load depends on the last and defeats the
 * prefetchers; the cycle is kept as indices so it can be re-pointed through another mapping. */
#include "bench/mem.h"

struct line {
    void *next;     /* pointer used by the chase (depends on the mapping) */
    uint64_t index; /* index of the next line: the cycle itself */
};

static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

static struct line *line_at(void *buf, size_t i)
{
    return (struct line *)((char *)buf + i * MEM_LINE);
}

size_t mem_chase_build(void *buf, size_t bytes, uint64_t seed)
{
    size_t lines = bytes / MEM_LINE;
    uint64_t st = seed ? seed : 0x9e3779b97f4a7c15ull;
    for (size_t i = 0; i < lines; i++)
        line_at(buf, i)->index = i;
    /* Sattolo: a uniformly random permutation that is a single cycle */
    for (size_t i = lines; i > 1; i--) {
        size_t j = (size_t)(xorshift64(&st) % (i - 1));
        struct line *x = line_at(buf, i - 1), *y = line_at(buf, j);
        uint64_t t = x->index;
        x->index = y->index;
        y->index = t;
    }
    return lines;
}

void mem_chase_rebase(void *buf, size_t lines, void *base)
{
    for (size_t i = 0; i < lines; i++) {
        struct line *l = line_at(buf, i);
        l->next = (char *)base + l->index * MEM_LINE;
    }
}

uint64_t mem_chase(void *cursor, uint64_t iters)
{
    void **cur = cursor;
    void *p = *cur;
    for (uint64_t i = 0; i < iters; i++)
        p = *(void *volatile *)p;
    *cur = p; /* the next call continues where this one stopped */
    return (uint64_t)(uintptr_t)p;
}

size_t mem_chase_cycle_len(const void *buf, size_t lines)
{
    size_t i = 0, n = 0;
    do {
        i = (size_t)((const struct line *)((const char *)buf + i * MEM_LINE))->index;
        n++;
    } while (i != 0 && n <= lines);
    return n;
}
