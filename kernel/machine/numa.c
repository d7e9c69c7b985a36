/* numa.c - lookups in a NUMA layout (node of a processor, of an address) and its JSON form,
 * shared by both builds whatever filled the layout. */
#include "kernel/machine/numa.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"

#include <string.h>

int numa_add_node(struct numa_info *n, uint32_t id)
{
    for (int k = 0; k < n->nnodes; k++)
        if (n->nodes[k].id == id)
            return k;
    if (n->nnodes >= NUMA_MAX_NODES)
        return -1;
    n->nodes[n->nnodes] = (struct numa_node){id, 0, 0};
    return n->nnodes++;
}

void numa_single(struct numa_info *n, const uint32_t *ids, int ncpus, uint64_t bytes,
                 const char *note)
{
    const char *kind = n->cpu_id_kind;
    memset(n, 0, sizeof *n);
    n->source = "none";
    n->cpu_id_kind = kind ? kind : "apic";
    n->nnodes = 1;
    n->nodes[0].bytes = bytes;
    for (int i = 0; i < ncpus && i < NUMA_MAX_CPUS; i++)
        n->cpus[n->ncpus++] = (struct numa_cpu){ids[i], 0};
    n->nodes[0].ncpus = n->ncpus;
    n->has_dist = 1;
    n->dist[0][0] = 10;
    bb_snprintf(n->note, sizeof n->note, "%s", note);
}

int numa_lookup_cpu(const struct numa_info *n, uint32_t id)
{
    for (int i = 0; i < n->ncpus; i++)
        if (n->cpus[i].id == id)
            return n->cpus[i].node;
    return -1;
}

int numa_lookup_addr(const struct numa_info *n, uint64_t addr)
{
    for (int i = 0; i < n->nranges; i++)
        if (addr >= n->ranges[i].base && addr - n->ranges[i].base < n->ranges[i].len)
            return n->ranges[i].node;
    return -1;
}

void numa_write_json(const struct numa_info *n, struct json *j)
{
    json_key(j, "numa");
    json_obj_begin(j);
    json_kv_str(j, "source", n->source ? n->source : "none");
    json_kv_str(j, "processor_ids", n->cpu_id_kind ? n->cpu_id_kind : "apic");
    json_key(j, "nodes");
    json_arr_begin(j);
    for (int k = 0; k < n->nnodes; k++) {
        json_obj_begin(j);
        json_kv_uint(j, "id", n->nodes[k].id);
        json_key(j, "processors");
        json_arr_begin(j);
        for (int i = 0; i < n->ncpus; i++)
            if (n->cpus[i].node == k)
                json_uint(j, n->cpus[i].id);
        json_arr_end(j);
        json_kv_uint(j, "bytes", n->nodes[k].bytes);
        json_key(j, "ranges");
        json_arr_begin(j);
        for (int i = 0; i < n->nranges; i++)
            if (n->ranges[i].node == k) {
                json_obj_begin(j);
                json_kv_uint(j, "base", n->ranges[i].base);
                json_kv_uint(j, "bytes", n->ranges[i].len);
                json_obj_end(j);
            }
        json_arr_end(j);
        json_obj_end(j);
    }
    json_arr_end(j);
    if (n->has_dist) {
        json_key(j, "distances");
        json_arr_begin(j);
        for (int a = 0; a < n->nnodes; a++) {
            json_arr_begin(j);
            for (int b = 0; b < n->nnodes; b++)
                json_uint(j, n->dist[a][b]);
            json_arr_end(j);
        }
        json_arr_end(j);
    }
    if (n->skipped_subtables)
        json_kv_int(j, "skipped_subtables", n->skipped_subtables);
    if (n->note[0])
        json_kv_str(j, "note", n->note);
    json_obj_end(j);
}
