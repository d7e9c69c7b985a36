/* numa.h - the machine's NUMA layout: nodes with their processors and memory ranges, and the
 * distances between them; filled from ACPI SRAT/SLIT (UEFI) or libnuma (Linux). */
#ifndef BB_NUMA_H
#define BB_NUMA_H

#include <stdint.h>

struct json;

#define NUMA_MAX_NODES 64
#define NUMA_MAX_RANGES 128
#define NUMA_MAX_CPUS 1024

struct numa_node {
    uint32_t id;             /* proximity domain (UEFI) or Linux node number */
    int ncpus;
    uint64_t bytes;          /* memory in the node */
};

struct numa_range {
    uint64_t base, len;
    int node;                /* index into nodes[] */
};

struct numa_cpu {
    uint32_t id;             /* APIC id (UEFI) or Linux processor number */
    int node;                /* index into nodes[] */
};

struct numa_info {
    int nnodes;
    struct numa_node nodes[NUMA_MAX_NODES];
    int nranges;
    struct numa_range ranges[NUMA_MAX_RANGES];
    int ncpus;
    struct numa_cpu cpus[NUMA_MAX_CPUS];
    int has_dist;
    uint8_t dist[NUMA_MAX_NODES][NUMA_MAX_NODES]; /* by node index */
    const char *source;      /* "srat", "libnuma", "none" */
    const char *cpu_id_kind; /* "apic" or "linux" */
    int skipped_subtables;   /* SRAT entries of types we do not use */
    int truncated;           /* the table ended inside an entry */
    char note[128];
};

/** Parse an ACPI SRAT (header included, `len` bytes readable) into n (cleared first):
 *  Local APIC (type 0), Memory (1) and x2APIC (2) affinity; disabled entries are ignored,
 *  other types skipped by their length; a truncated table keeps what came before.
 *  Returns 0 when at least one node was found, -1 otherwise (n->note says why). */
int acpi_parse_srat(const void *srat, uint32_t len, struct numa_info *n);
/** Parse an ACPI SLIT into n's distances (by proximity domain = locality index).
 *  Returns 0, or -1 when the table is malformed (distances left unset). */
int acpi_parse_slit(const void *slit, uint32_t len, struct numa_info *n);
/** A single node holding every processor in ids[0..ncpus-1] and `bytes` of memory;
 *  note says why (e.g. "no SRAT: one node"). */
void numa_single(struct numa_info *n, const uint32_t *ids, int ncpus, uint64_t bytes,
                 const char *note);
/** Node index of processor `id`, or -1 when the layout does not list it. */
int numa_lookup_cpu(const struct numa_info *n, uint32_t id);
/** Node index of physical address `addr`, or -1. */
int numa_lookup_addr(const struct numa_info *n, uint64_t addr);
/** Index of node id `id` (adding it when absent), -1 when the table is full. */
int numa_add_node(struct numa_info *n, uint32_t id);
/** Writes "numa": {source, nodes: [{id, processors, bytes, ranges}], distances, note}. */
void numa_write_json(const struct numa_info *n, struct json *j);

#endif
