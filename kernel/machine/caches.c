/* caches.c - counts cache instances in use from CPUID sharing counts and the processors' APIC
 * ids (a cache shared by S ids has id apic >> ceil(log2 S)), preferring the firmware's PPTT where
 * it describes a cache (a VM's CPUID leaves need not describe the host), for STREAM's rule. */
#include "kernel/machine/caches.h"
#include "kernel/firmware/acpi_pptt.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"

#include <string.h>

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
        memset(u, 0, sizeof *u);
        u->source = ARCH_CACHE_SOURCE;
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

/* "48 KiB", "32 MiB" or "1000 bytes" into buf. */
static const char *size_text(uint64_t b, char *buf, size_t n)
{
    if (b && b % (1024 * 1024) == 0)
        bb_snprintf(buf, n, "%llu MiB", (unsigned long long)(b >> 20));
    else if (b && b % 1024 == 0)
        bb_snprintf(buf, n, "%llu KiB", (unsigned long long)(b >> 10));
    else
        bb_snprintf(buf, n, "%llu bytes", (unsigned long long)b);
    return buf;
}

void caches_merge_pptt(struct cache_use *u, int *nu, int max, const struct pptt_info *p)
{
    for (int i = 0; i < p->ncaches; i++) {
        const struct pptt_cache *pc = &p->caches[i];
        int k = 0;
        while (k < *nu && !(u[k].level == pc->level && u[k].type == pc->type))
            k++;
        if (k == *nu && (k >= max || !pc->bytes))
            continue; /* no room, or a cache of unknown size CPUID does not list */
        struct cache_use was = k < *nu ? u[k] : (struct cache_use){0};
        struct cache_use *c = &u[k];
        if (k == *nu) {
            (*nu)++;
            memset(c, 0, sizeof *c);
        }
        c->level = pc->level;
        c->type = pc->type;
        c->source = "pptt";
        c->instances = pc->instances;
        c->per_instance = pc->per_instance;
        c->bytes = pc->bytes ? pc->bytes : was.bytes;
        c->total = pc->bytes ? pc->total : was.bytes * (uint64_t)pc->instances;
        c->note[0] = '\0';
        char a[24], b[24];
        size_t len = 0;
        if (was.source && (was.bytes != c->bytes || was.instances != c->instances))
            len += (size_t)bb_snprintf(c->note, sizeof c->note,
                                       "CPUID says %d x %s, the PPTT %d x %s: the PPTT's used; ",
                                       was.instances, size_text(was.bytes, a, sizeof a),
                                       c->instances, size_text(c->bytes, b, sizeof b));
        if (!pc->bytes && len < sizeof c->note)
            len += (size_t)bb_snprintf(c->note + len, sizeof c->note - len, "%s",
                                       "size from CPUID (the PPTT gives none); ");
        if (pc->sizes_differ && len < sizeof c->note)
            len += (size_t)bb_snprintf(c->note + len, sizeof c->note - len, "%s",
                                       "instances differ in size: bytes is the largest; ");
        if (len >= 2 && len < sizeof c->note)
            c->note[len - 2] = '\0'; /* drop the last "; " */
    }
}

#define MAX_UIDS 1024

int caches_collect(const struct cpu_info *c, const uint32_t *apic, int n, struct cache_use *out)
{
    int nu = caches_in_use(c, apic, n, out);
    uint32_t plen = 0, mlen = 0;
    const char *why = NULL;
    const void *pptt = n > 0 ? plat_acpi_table("PPTT", &plen, &why) : NULL;
    struct cache_use *llc = (struct cache_use *)caches_llc(out, nu);
    if (!pptt) {
        if (why && llc) /* there is one, but it cannot be read (Linux, not root) */
            bb_snprintf(llc->note, sizeof llc->note, "PPTT not used: %s", why);
        return nu;
    }
    static uint32_t uid[MAX_UIDS];
    static struct pptt_info info;
    if (n > MAX_UIDS)
        n = MAX_UIDS;
    const void *madt = plat_acpi_table("APIC", &mlen, NULL);
    int mapped = madt ? acpi_madt_uids(madt, mlen, apic, n, uid) : -1;
    if (mapped != n)
        why = mapped < 0 ? "no readable MADT to match processors to it"
                         : "the MADT does not give every APIC id in use an ACPI Processor UID";
    else if (acpi_parse_pptt(pptt, plen, uid, n, &info) != 0)
        why = info.note;
    if (why) {
        if (llc)
            bb_snprintf(llc->note, sizeof llc->note, "PPTT not used: %s", why);
        return nu;
    }
    caches_merge_pptt(out, &nu, CPU_MAX_CACHES, &info);
    return nu;
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
        json_kv_str(j, "source", u[i].source ? u[i].source : ARCH_CACHE_SOURCE);
        if (u[i].note[0])
            json_kv_str(j, "note", u[i].note);
        json_obj_end(j);
    }
    json_arr_end(j);
}
