/* caches.h - the caches of the processors in use: one instance's size, how many instances the
 * processors' APIC ids span (CPUID leaf 4 / 0x8000001D sharing counts, or the firmware's ACPI
 * PPTT where it describes the cache), and their total. */
#ifndef BB_CACHES_H
#define BB_CACHES_H

#include "arch/cpu.h"

#include <stdint.h>

struct json;
struct pptt_info;

struct cache_use {
    int level;
    char type;             /* 'D', 'I', 'U' */
    uint64_t bytes;        /* one instance */
    int instances;         /* instances the processors in use touch */
    uint64_t total;        /* bytes * instances */
    int per_instance;      /* most processors in use on one instance */
    const char *source;    /* "cpuid" or "pptt" */
    char note[160];        /* CPUID and PPTT disagree, or why the PPTT was not used; "" if none */
};

/** Bits to shift an APIC id right to get the id of a cache shared by `shared_by` logical
 *  processors (CPUID's "maximum addressable ids sharing", rounded up to a power of two). */
int cache_id_shift(uint32_t shared_by);
/** One cache_use per cache of c, counting instances over the n APIC ids (n == 0: one instance
 *  per cache).  Returns the number written (at most CPU_MAX_CACHES). */
int caches_in_use(const struct cpu_info *c, const uint32_t *apic, int n, struct cache_use *out);
/** Where the PPTT p describes a cache of u[0..*nu-1] (same level and type), its size, instances
 *  and sharing replace CPUID's (source "pptt"; a note keeps CPUID's figures when they differ);
 *  caches only the PPTT describes are added (up to `max`).  A PPTT cache without a size keeps
 *  CPUID's size for its instances. */
void caches_merge_pptt(struct cache_use *u, int *nu, int max, const struct pptt_info *p);
/** caches_in_use, then the firmware's PPTT (plat_acpi_table, processors matched through the
 *  MADT's ACPI Processor UIDs) where there is one; when a PPTT is present but cannot be used,
 *  the last-level cache's note says why. */
int caches_collect(const struct cpu_info *c, const uint32_t *apic, int n, struct cache_use *out);
/** The last-level data/unified cache among u[0..n-1] (highest level), NULL if none. */
const struct cache_use *caches_llc(const struct cache_use *u, int n);
/** Writes "caches": [{level, type, bytes, instances, total, source, note}, ...] (a key and its
 *  array; note only when there is one). */
void caches_write_json(const struct cache_use *u, int n, struct json *j);

#endif
