/* acpi_pptt.h - the caches ACPI's PPTT (Processor Properties Topology Table) gives the processors
 * in use, and the MADT's map from APIC ids to the ACPI Processor UIDs the PPTT names. */
#ifndef BB_ACPI_PPTT_H
#define BB_ACPI_PPTT_H

#include <stdint.h>

#define PPTT_MAX_CACHES 8

/* One cache level and type as the PPTT describes it for the processors in use. */
struct pptt_cache {
    int level;             /* 1 = nearest the processor */
    char type;             /* 'D', 'I', 'U' */
    uint64_t bytes;        /* one instance (the largest when they differ); 0: size not given */
    uint64_t total;        /* sum over the instances in use */
    int instances;         /* distinct instances the processors in use reach */
    int per_instance;      /* most processors in use on one instance */
    uint32_t line, ways;   /* 0 when not given */
    int sizes_differ;      /* instances of different sizes */
    int cache_ids;         /* distinct revision-3 cache IDs among the instances, 0 if none given */
};

struct pptt_info {
    int revision;
    int nprocs;                              /* processors found as leaf nodes */
    int ncaches;
    struct pptt_cache caches[PPTT_MAX_CACHES];
    int skipped;                             /* structures of types not used (ID, unknown) */
    int untyped;                             /* cache structures whose type is not given */
    char note[160];                          /* why the table was refused, or "" */
};

/** Parse a PPTT (header included, `len` bytes readable) and count the caches the processors
 *  with ACPI Processor UIDs uid[0..n-1] reach: each processor is a leaf processor hierarchy node;
 *  a cache is private to the node that lists it (directly or through a "next level of cache"
 *  chain), so one instance is one (node, cache structure) pair.  Its level is one more than the
 *  deepest level found below it.  Revisions 1-3; ID structures and unknown types are skipped by
 *  their length.  Returns 0, or -1 (out->note names the problem) for a table that is not a PPTT,
 *  is truncated, has a bad checksum or a reference outside its structures, or lacks a processor. */
int acpi_parse_pptt(const void *pptt, uint32_t len, const uint32_t *uid, int n,
                    struct pptt_info *out);

/** The ACPI Processor UID of each APIC id apic[0..n-1] from the MADT (Processor Local APIC and
 *  x2APIC structures) into uid[].  Returns how many were found (all n when the map is complete),
 *  or -1 when the table is not a MADT or is truncated. */
int acpi_madt_uids(const void *madt, uint32_t len, const uint32_t *apic, int n, uint32_t *uid);

#endif
