/* acpi_pptt.c - reads ACPI PPTT: the processor hierarchy above each processor in use and the caches
 * private to its nodes, counted as instances (one per node and cache structure).  Bounded. */
#include "kernel/firmware/acpi.h"
#include "kernel/firmware/acpi_pptt.h"
#include "kernel/lib/fmt.h"

#include <stdarg.h>
#include <string.h>

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

#define PPTT_FIRST 36         /* structures follow the 36-byte header */
#define PPTT_MAX_STRUCTS 16384
#define PPTT_MAX_DEPTH 32     /* hierarchy levels walked up from a processor */
#define PPTT_MAX_CHAIN 16     /* caches followed along "next level of cache" */
#define PPTT_MAX_INST 8192    /* cache instances counted */
#define PPTT_MAX_TOUCH 64     /* instances one processor reaches */

enum { S_NODE = 0, S_CACHE = 1 };
/* node flags */
#define NODE_UID_VALID 0x2u
#define NODE_LEAF 0x8u
/* cache flags */
#define C_SIZE_VALID 0x01u
#define C_WAYS_VALID 0x04u
#define C_TYPE_VALID 0x10u
#define C_LINE_VALID 0x40u
#define C_ID_VALID 0x80u

struct pstruct {
    uint32_t off;
    uint8_t type;
    uint8_t has_child;
};

struct pinst {
    uint32_t node, cache;
    int entry;             /* index into out->caches */
    int procs;
    uint32_t id;           /* revision 3 cache ID, when id_valid */
    int id_valid;
};

/* The parse's working state (one parse at a time, as in acpi_numa.c). */
static struct {
    const uint8_t *t;
    uint32_t len;
    struct pstruct st[PPTT_MAX_STRUCTS];
    int nst;
    struct pinst inst[PPTT_MAX_INST];
    int ninst;
    int touched[PPTT_MAX_TOUCH];
    int ntouched;
} g;

static int fail(struct pptt_info *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct pptt_info *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = bb_snprintf(o->note, sizeof o->note, "%s", "PPTT ");
    bb_vsnprintf(o->note + n, sizeof o->note - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* Index in g.st of the structure starting at off, or -1 (the list is in table order). */
static int find(uint32_t off)
{
    int lo = 0, hi = g.nst - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (g.st[mid].off == off)
            return mid;
        if (g.st[mid].off < off)
            lo = mid + 1;
        else
            hi = mid - 1;
    }
    return -1;
}

/* Walk the structures once: record processor nodes and caches, check each fits the table and
 * its own length, skip the rest by their length. */
static int index_structures(struct pptt_info *o)
{
    const uint8_t *t = g.t;
    for (uint32_t off = PPTT_FIRST; off < g.len;) {
        if (off + 2 > g.len)
            return fail(o, "truncated: a structure header at offset 0x%x runs past the end (%u bytes)",
                        off, g.len);
        uint8_t type = t[off];
        uint32_t el = t[off + 1];
        if (el < 4)
            return fail(o, "structure at offset 0x%x has length %u", off, el);
        if (off + el > g.len)
            return fail(o, "truncated: structure at offset 0x%x (type %u, %u bytes) runs past the end "
                        "(%u bytes)", off, type, el, g.len);
        if (type == S_NODE) {
            if (el < 20 || rd32(t + off + 16) > (el - 20) / 4)
                return fail(o, "processor node at offset 0x%x: %u private resources do not fit in "
                            "its %u bytes", off, el >= 20 ? rd32(t + off + 16) : 0, el);
        } else if (type == S_CACHE) {
            if (el < 24)
                return fail(o, "cache structure at offset 0x%x is %u bytes (24 needed)", off, el);
        } else {
            o->skipped++; /* ID structure (type 2) or a type newer than this parser */
        }
        if (type == S_NODE || type == S_CACHE) {
            if (g.nst >= PPTT_MAX_STRUCTS)
                return fail(o, "has more than %d structures", PPTT_MAX_STRUCTS);
            g.st[g.nst++] = (struct pstruct){off, type, 0};
        }
        off += el;
    }
    for (int i = 0; i < g.nst; i++) {
        if (g.st[i].type != S_NODE)
            continue;
        uint32_t parent = rd32(g.t + g.st[i].off + 8);
        int k = parent ? find(parent) : -1;
        if (parent && (k < 0 || g.st[k].type != S_NODE))
            return fail(o, "processor node at offset 0x%x: parent 0x%x is not a processor node",
                        g.st[i].off, parent);
        if (k >= 0)
            g.st[k].has_child = 1;
    }
    return 0;
}

/* The leaf processor node of ACPI Processor UID uid (a node flagged "leaf" or with no children),
 * preferring one whose UID is flagged valid; -1 if none. */
static int find_leaf(uint32_t uid)
{
    int best = -1, best_score = -1;
    for (int i = 0; i < g.nst; i++) {
        const uint8_t *e = g.t + g.st[i].off;
        if (g.st[i].type != S_NODE || rd32(e + 12) != uid)
            continue;
        uint32_t fl = rd32(e + 4);
        if (!(fl & NODE_LEAF) && g.st[i].has_child)
            continue;
        int score = ((fl & NODE_UID_VALID) ? 2 : 0) + ((fl & NODE_LEAF) ? 1 : 0);
        if (score > best_score) {
            best = i;
            best_score = score;
        }
    }
    return best;
}

/* Count cache structure `c` at level `lvl`, private to node `node`, for the current processor. */
static void record(struct pptt_info *o, int lvl, uint32_t c, uint32_t node)
{
    const uint8_t *e = g.t + c;
    uint32_t fl = rd32(e + 4);
    if (!(fl & C_TYPE_VALID)) {
        o->untyped++;
        return;
    }
    int ct = (e[21] >> 2) & 3;
    char type = ct == 0 ? 'D' : ct == 1 ? 'I' : 'U';
    int k = 0;
    while (k < o->ncaches && !(o->caches[k].level == lvl && o->caches[k].type == type))
        k++;
    if (k == o->ncaches) {
        if (k == PPTT_MAX_CACHES)
            return;
        o->ncaches++;
        memset(&o->caches[k], 0, sizeof o->caches[k]);
        o->caches[k].level = lvl;
        o->caches[k].type = type;
    }
    struct pptt_cache *pc = &o->caches[k];
    int i = 0;
    while (i < g.ninst && !(g.inst[i].node == node && g.inst[i].cache == c && g.inst[i].entry == k))
        i++;
    if (i == g.ninst) {
        if (i == PPTT_MAX_INST)
            return;
        g.ninst++;
        g.inst[i] = (struct pinst){node, c, k, 0, 0, 0};
        if (e[1] >= 28 && (fl & C_ID_VALID)) {
            g.inst[i].id = rd32(e + 24);
            g.inst[i].id_valid = 1;
        }
        uint64_t size = (fl & C_SIZE_VALID) ? rd32(e + 12) : 0;
        if (pc->instances && size != pc->bytes)
            pc->sizes_differ = 1;
        if (size > pc->bytes)
            pc->bytes = size;
        pc->total += size;
        pc->instances++;
        if (fl & C_LINE_VALID)
            pc->line = (uint32_t)e[22] | (uint32_t)e[23] << 8;
        if (fl & C_WAYS_VALID)
            pc->ways = e[20];
    }
    for (int j = 0; j < g.ntouched; j++)
        if (g.touched[j] == i)
            return; /* reached again by this processor (L1D and L1I both lead to one L2) */
    if (g.ntouched < PPTT_MAX_TOUCH)
        g.touched[g.ntouched++] = i;
    if (++g.inst[i].procs > pc->per_instance)
        pc->per_instance = g.inst[i].procs;
}

/* Walk from leaf node index `leaf` to the root, counting every cache each node lists. */
static int walk(struct pptt_info *o, int leaf)
{
    int base = 0; /* deepest level found below the current node */
    uint32_t node = g.st[leaf].off;
    g.ntouched = 0;
    for (int depth = 0; node; depth++) {
        if (depth >= PPTT_MAX_DEPTH)
            return fail(o, "hierarchy above node 0x%x is deeper than %d levels (a loop?)",
                        g.st[leaf].off, PPTT_MAX_DEPTH);
        const uint8_t *e = g.t + node;
        uint32_t nres = rd32(e + 16);
        int deepest = base;
        for (uint32_t r = 0; r < nres; r++) {
            uint32_t c = rd32(e + 20 + 4 * r);
            int k = find(c);
            if (k < 0 && (c < PPTT_FIRST || c >= g.len))
                return fail(o, "processor node at offset 0x%x: private resource 0x%x is outside the "
                            "table", node, c);
            if (k < 0 || g.st[k].type != S_CACHE)
                continue; /* an ID structure or a newer resource type */
            int lvl = base;
            for (int step = 0; c; step++) {
                if (step >= PPTT_MAX_CHAIN)
                    return fail(o, "cache chain from node 0x%x is longer than %d (a loop?)", node,
                                PPTT_MAX_CHAIN);
                record(o, ++lvl, c, node);
                if (lvl > deepest)
                    deepest = lvl;
                uint32_t next = rd32(g.t + c + 8);
                k = next ? find(next) : -1;
                if (next && (k < 0 || g.st[k].type != S_CACHE))
                    return fail(o, "cache at offset 0x%x: next level 0x%x is not a cache structure",
                                c, next);
                c = next;
            }
        }
        base = deepest;
        node = rd32(e + 8);
    }
    return 0;
}

static int order(const struct pptt_cache *a)
{
    return a->level * 4 + (a->type == 'D' ? 0 : a->type == 'I' ? 1 : 2);
}

int acpi_parse_pptt(const void *pptt, uint32_t len, const uint32_t *uid, int n,
                    struct pptt_info *out)
{
    memset(out, 0, sizeof *out);
    g.t = pptt;
    g.nst = g.ninst = 0;
    if (!pptt || len < PPTT_FIRST || memcmp(pptt, "PPTT", 4))
        return fail(out, "%s", "missing, shorter than its header or not a PPTT");
    uint32_t tlen = rd32(g.t + 4);
    if (tlen < PPTT_FIRST)
        return fail(out, "header gives length %u", tlen);
    if (tlen > len)
        return fail(out, "truncated: header gives %u bytes, %u readable", tlen, len);
    g.len = tlen;
    out->revision = g.t[8];
    if (!acpi_checksum_ok(g.t, tlen))
        return fail(out, "checksum mismatch (%u bytes)", tlen);
    if (index_structures(out))
        return -1;
    for (int p = 0; p < n; p++) {
        int leaf = find_leaf(uid[p]);
        if (leaf < 0)
            return fail(out, "has no leaf node for ACPI Processor UID %u", uid[p]);
        if (walk(out, leaf))
            return -1;
        out->nprocs++;
    }
    for (int i = 0; i < g.ninst; i++) { /* the first instance of each cache ID counts it */
        int seen = !g.inst[i].id_valid;
        for (int j = 0; j < i && !seen; j++)
            seen = g.inst[j].id_valid && g.inst[j].entry == g.inst[i].entry && g.inst[j].id == g.inst[i].id;
        if (!seen)
            out->caches[g.inst[i].entry].cache_ids++;
    }
    /* L1D, L1I, L2, L3 ... as CPUID lists them */
    for (int i = 1; i < out->ncaches; i++)
        for (int j = i; j > 0 && order(&out->caches[j]) < order(&out->caches[j - 1]); j--) {
            struct pptt_cache x = out->caches[j];
            out->caches[j] = out->caches[j - 1];
            out->caches[j - 1] = x;
        }
    return 0;
}
