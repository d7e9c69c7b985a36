/* caches.c - counts cache instances in use from CPUID sharing counts and the processors' APIC
 * ids (a cache shared by S ids has id apic >> ceil(log2 S)), for STREAM's sizing rule. */
#include "kernel/caches.h"
#include "kernel/json.h"

int cache_id_shift(uint32_t shared_by)
{
    int s = 0;
    while (s < 31 && (1u << s) < shared_by)
        s++;
    return s;
}

#define MAX_IDS 1024

int caches_in_use(const struct cpu_info *c, const uint32_t *apic, int n, struct cache_use *out)
{
    int m = 0;
    for (int i = 0; i < c->ncaches && m < CPU_MAX_CACHES; i++) {
        const struct cache_info *ci = &c->caches[i];
        struct cache_use *u = &out[m++];
        u->level = ci->level;
        u->type = ci->type;
        u->bytes = ci->size;
        u->instances = 1;
        u->per_instance = n > 0 ? n : 1;
        if (n > 0) {
            static uint32_t ids[MAX_IDS];
            static int cnt[MAX_IDS];
            /* sharing unknown (legacy leaf 0x80000006 for L3): one instance for all */
            int k = 0, shift = ci->shared_by ? cache_id_shift(ci->shared_by) : 31;
            for (int p = 0; p < n; p++) {
                uint32_t id = shift >= 31 ? 0 : apic[p] >> shift;
                int j = 0;
                while (j < k && ids[j] != id)
                    j++;
                if (j == k && k < MAX_IDS) {
                    ids[k] = id;
                    cnt[k++] = 0;
                }
                if (j < k)
                    cnt[j]++;
            }
            u->instances = k ? k : 1;
            u->per_instance = 1;
            for (int j = 0; j < k; j++)
                if (cnt[j] > u->per_instance)
                    u->per_instance = cnt[j];
        }
        u->total = u->bytes * (uint64_t)u->instances;
    }
    return m;
}

const struct cache_use *caches_llc(const struct cache_use *u, int n)
{
    const struct cache_use *best = 0;
    for (int i = 0; i < n; i++)
        if (u[i].type != 'I' && (!best || u[i].level > best->level))
            best = &u[i];
    return best;
}

void caches_write_json(const struct cache_use *u, int n, struct json *j)
{
    json_key(j, "caches");
    json_arr_begin(j);
    for (int i = 0; i < n; i++) {
        char t[2] = {u[i].type, 0};
        json_obj_begin(j);
        json_kv_int(j, "level", u[i].level);
        json_kv_str(j, "type", t);
        json_kv_uint(j, "bytes", u[i].bytes);
        json_kv_int(j, "instances", u[i].instances);
        json_kv_uint(j, "total", u[i].total);
        json_obj_end(j);
    }
    json_arr_end(j);
}
