/* cache_info.h - one cache level as the CPU describes it (x86: CPUID leaf 4 / 0x8000001D;
 * aarch64: CLIDR/CCSIDR), in every architecture's struct cpu_info (arch/cpu.h); the lookups and
 * the "caches" array of env.cpu over it are kernel/machine/cpu_caches.c. */
#ifndef BB_CACHE_INFO_H
#define BB_CACHE_INFO_H

#include <stdint.h>

struct cache_info {
    int level;
    char type;          /* 'D' data, 'I' instruction, 'U' unified */
    uint32_t size;      /* bytes */
    uint32_t line;      /* bytes */
    uint32_t ways;
    uint32_t shared_by; /* logical processors sharing it (0: the CPU does not say) */
};

#define CPU_MAX_CACHES 8

struct json;

/** Writes the "caches" array (level, type, bytes, line, ways, shared_by) of n levels. */
void cpu_caches_write_json(const struct cache_info *c, int n, struct json *j);

#endif
