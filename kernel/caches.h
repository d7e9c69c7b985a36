/* caches.h - the caches of the processors in use: one instance's size, how many instances the
 * processors' APIC ids span (CPUID leaf 4 / 0x8000001D sharing counts), and their total. */
#ifndef BB_CACHES_H
#define BB_CACHES_H

#include "kernel/x86/cpu.h"

#include <stdint.h>

struct json;

struct cache_use {
    int level;
    char type;             /* 'D', 'I', 'U' */
    uint64_t bytes;        /* one instance */
    int instances;         /* instances the processors in use touch */
    uint64_t total;        /* bytes * instances */
    int per_instance;      /* most processors in use on one instance */
};

/** Bits to shift an APIC id right to get the id of a cache shared by `shared_by` logical
 *  processors (CPUID's "maximum addressable ids sharing", rounded up to a power of two). */
int cache_id_shift(uint32_t shared_by);
/** One cache_use per cache of c, counting instances over the n APIC ids (n == 0: one instance
 *  per cache).  Returns the number written (at most CPU_MAX_CACHES). */
int caches_in_use(const struct cpu_info *c, const uint32_t *apic, int n, struct cache_use *out);
/** The last-level data/unified cache among u[0..n-1] (highest level), NULL if none. */
const struct cache_use *caches_llc(const struct cache_use *u, int n);
/** Writes "caches": [{level, type, bytes, instances, total}, ...] (a key and its array). */
void caches_write_json(const struct cache_use *u, int n, struct json *j);

#endif
