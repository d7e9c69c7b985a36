/* acpi_numa.c - reads ACPI SRAT (processor and memory affinity) and SLIT (node distances) into
 * a numa_info.  Bounded by the tables' lengths; unknown entry types are skipped, never fatal. */
#include "kernel/lib/fmt.h"
#include "kernel/machine/numa.h"

#include <string.h>

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

#define SRAT_FIRST 48 /* 36-byte header, 4 reserved (1), 8 reserved */

static void add_cpu(struct numa_info *n, uint32_t domain, uint32_t apic)
{
    int k = numa_add_node(n, domain);
    if (k < 0 || n->ncpus >= NUMA_MAX_CPUS)
        return;
    n->cpus[n->ncpus++] = (struct numa_cpu){apic, k};
    n->nodes[k].ncpus++;
}

static void add_mem(struct numa_info *n, uint32_t domain, uint64_t base, uint64_t len)
{
    int k = numa_add_node(n, domain);
    if (k < 0 || n->nranges >= NUMA_MAX_RANGES || len == 0)
        return;
    n->ranges[n->nranges++] = (struct numa_range){base, len, k};
    n->nodes[k].bytes += len;
}

int acpi_parse_srat(const void *srat, uint32_t len, struct numa_info *n)
{
    const uint8_t *t = srat;
    memset(n, 0, sizeof *n);
    n->source = "srat";
    n->cpu_id_kind = "apic";
    if (!t || len < SRAT_FIRST || memcmp(t, "SRAT", 4)) {
        bb_snprintf(n->note, sizeof n->note, "%s", "SRAT too short or not an SRAT");
        return -1;
    }
    if (rd32(t + 4) < len)
        len = rd32(t + 4);
    for (uint32_t off = SRAT_FIRST; off < len;) {
        uint8_t type = t[off];
        uint32_t el = off + 2 <= len ? t[off + 1] : 0;
        if (el < 2 || off + el > len) {
            n->truncated = 1;
            break;
        }
        const uint8_t *e = t + off;
        if (type == 0 && el >= 16) { /* Processor Local APIC/SAPIC Affinity */
            if (rd32(e + 4) & 1)
                add_cpu(n, (uint32_t)e[2] | (uint32_t)e[9] << 8 | (uint32_t)e[10] << 16 |
                               (uint32_t)e[11] << 24, e[3]);
        } else if (type == 1 && el >= 40) { /* Memory Affinity */
            if (rd32(e + 28) & 1)
                add_mem(n, rd32(e + 2), rd64(e + 8), rd64(e + 16));
        } else if (type == 2 && el >= 24) { /* Processor Local x2APIC Affinity */
            if (rd32(e + 12) & 1)
                add_cpu(n, rd32(e + 4), rd32(e + 8));
        } else {
            n->skipped_subtables++;
        }
        off += el;
    }
    if (!n->nnodes) {
        bb_snprintf(n->note, sizeof n->note, "%s", "SRAT lists no enabled processor or memory");
        return -1;
    }
    if (n->truncated)
        bb_snprintf(n->note, sizeof n->note, "%s", "SRAT truncated: entries after the cut ignored");
    return 0;
}

int acpi_parse_slit(const void *slit, uint32_t len, struct numa_info *n)
{
    const uint8_t *t = slit;
    if (!t || len < 44 || memcmp(t, "SLIT", 4))
        return -1;
    if (rd32(t + 4) < len)
        len = rd32(t + 4);
    uint64_t loc = rd64(t + 36);
    if (loc == 0 || loc > 4096 || 44 + loc * loc > len)
        return -1;
    for (int a = 0; a < n->nnodes; a++)
        for (int b = 0; b < n->nnodes; b++) {
            uint64_t i = n->nodes[a].id, k = n->nodes[b].id;
            if (i >= loc || k >= loc)
                return -1; /* a domain the matrix does not cover */
            n->dist[a][b] = t[44 + i * loc + k];
        }
    n->has_dist = 1;
    return 0;
}
