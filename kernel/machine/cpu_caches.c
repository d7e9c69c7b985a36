/* cpu_caches.c - the CPU's own cache description (struct cpu_info's caches, whatever the
 * architecture decoded them from): size of a level, the last level, and its JSON. */
#include "kernel/machine/cache_info.h"
#include "kernel/lib/json.h"
#include "arch/cpu.h"

uint32_t cpu_cache_size(const struct cpu_info *c, int lvl)
{
    for (int i = 0; i < c->ncaches; i++)
        if (c->caches[i].level == lvl && c->caches[i].type != 'I')
            return c->caches[i].size;
    return 0;
}

uint32_t cpu_llc_size(const struct cpu_info *c)
{
    for (int l = 7; l >= 1; l--) {
        uint32_t s = cpu_cache_size(c, l);
        if (s)
            return s;
    }
    return 0;
}

void cpu_caches_write_json(const struct cache_info *c, int n, struct json *j)
{
    json_key(j, "caches");
    json_arr_begin(j);
    for (int i = 0; i < n; i++) {
        const struct cache_info *ci = &c[i];
        char t[2] = {ci->type, 0};
        json_obj_begin(j);
        json_kv_int(j, "level", ci->level);
        json_kv_str(j, "type", t);
        json_kv_uint(j, "bytes", ci->size);
        json_kv_uint(j, "line", ci->line);
        json_kv_uint(j, "ways", ci->ways);
        json_kv_uint(j, "shared_by", ci->shared_by);
        json_obj_end(j);
    }
    json_arr_end(j);
}
