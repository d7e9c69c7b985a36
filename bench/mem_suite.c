/* mem_suite.c - suite "mem": STREAM-style bandwidth kernels at DRAM size for every ISA level
 * and store kind, a working-set sweep through L1/L2/L3/DRAM, DRAM bandwidth on one and on all
 * processors, and pointer-chase latency per working set and with 4 KiB vs 2 MiB pages. */
#include "bench/mem_options.h"
#include "bench/mem_run.h"
#include "bench/pt_layout.h"
#include "bench/suites.h"
#include "kernel/machine/caches.h"
#include "kernel/lib/fmt.h"
#include "kernel/machine/identity.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

#include <string.h>

#define MiB (1024ull * 1024)

/* The arrays each op touches (bit 0 a, 1 b, 2 c); the others alias the first, unused. */
static const unsigned op_uses[MEM_NOPS] = {5, 6, 7, 7, 1, 1};

/* The arrays op uses, n elements each, back to back from base. */
void mem_arrays_at(struct mem_arrays *m, enum mem_op op, char *base, size_t n)
{
    double *slot = (double *)base, **p[3] = {&m->a, &m->b, &m->c};
    for (int k = 0; k < 3; k++)
        *p[k] = (double *)base;
    for (int k = 0; k < 3; k++)
        if (op_uses[op] & (1u << k)) {
            *p[k] = slot;
            slot += n;
        }
    m->n = n;
    m->s = MEM_SCALAR;
}

static const double init_val[3] = {1.0, 2.0, 0.0};

void mem_arrays_init(const struct mem_arrays *m, enum mem_op op)
{
    double *arr[3] = {m->a, m->b, m->c};
    for (int k = 0; k < 3; k++)
        if (op_uses[op] & (1u << k))
            for (size_t j = 0; j < m->n; j++)
                arr[k][j] = init_val[k];
}

/* After op ran on arrays initialised to 1, 2, 0: every array it uses holds its expected value
 * (sampled: about 4096 elements and the last), and sum returned n * a. */
int mem_arrays_check(struct bench_ctx *c, const char *test, const struct mem_arrays *m,
                     enum mem_op op, uint64_t ret)
{
    double e[3] = {init_val[0], init_val[1], init_val[2]};
    mem_op_expect(op, m->s, &e[0], &e[1], &e[2]);
    const double *arr[3] = {m->a, m->b, m->c};
    size_t step = m->n / 4096 ? m->n / 4096 : 1;
    for (int k = 0; k < 3; k++)
        for (size_t j = 0; op_uses[op] & (1u << k); j += step) {
            if (j >= m->n)
                j = m->n - 1;
            if (arr[k][j] != e[k]) {
                results_error(c->res, "mem", test, "%s: array %c[%llu] is %g, expected %g",
                              mem_op_name(op), 'a' + k, (unsigned long long)j, arr[k][j], e[k]);
                return -1;
            }
            if (j == m->n - 1)
                break;
        }
    if (op == MEM_SUM) {
        double want = (double)m->n * e[0], got;
        memcpy(&got, &ret, sizeof got);
        if (got != want) {
            results_error(c->res, "mem", test, "sum returned %g, expected %g", got, want);
            return -1;
        }
    }
    return 0;
}

void mem_tag_plateau(struct result *r, const struct mem_run *mr)
{
    if (!r || mr->on_plateau < 0)
        return;
    static const char *const cols[2] = {"bytes", "gbps"};
    result_extra(r, "on_plateau", mr->on_plateau);
    result_extra_table(r, "plateau", cols, 2, mr->plateau, mr->nplateau);
}

void mem_tag(struct result *r, const struct mem_run *mr, enum mem_isa isa, int nt, uint64_t bytes)
{
    if (!r)
        return;
    result_param_str(r, "isa", mem_isa_name(isa));
    result_param_bool(r, "nt", nt);
    result_param_int(r, "bytes", (int64_t)bytes);
    result_param_str(r, "level", mem_level(&mr->lay, bytes));
}

/* One bandwidth measurement on this processor; returns 0 when the arrays check out. */
static int bandwidth(struct mem_run *mr, const char *test, enum mem_op op, enum mem_isa isa,
                     int nt, uint64_t ws, const char *kernel_param)
{
    struct mem_arrays m;
    int arrays = mem_op_arrays(op);
    size_t n = mem_elems(ws, 3);
    if (kernel_param) /* sweep: spread the working set over the arrays the op touches */
        n = mem_elems(ws, arrays);
    mem_arrays_at(&m, op, mr->buf, n);
    mem_arrays_init(&m, op);
    uint64_t bytes = (uint64_t)n * sizeof(double) * (uint64_t)arrays;
    struct bench_spec s = {"mem", test, "STREAM byte counting: arrays read + written, no write-allocate",
                           "GB/s", "higher", (double)bytes, 1e9, 0, 0};
    uint64_t chk = 0;
    struct result *r = bench_run(mr->c, &s, mem_kernel(op, isa, nt), &m, &chk);
    mem_tag(r, mr, isa, nt, bytes);
    if (!kernel_param && op == MEM_TRIAD)
        mem_tag_plateau(r, mr);
    if (r && kernel_param)
        result_param_str(r, "kernel", kernel_param);
    if (r)
        result_param_int(r, "threads", 1);
    return mem_arrays_check(mr->c, test, &m, op, chk);
}

/* 1. every kernel at the DRAM working set, every usable ISA level, regular and nt stores */
static void stream_kernels(struct mem_run *mr)
{
    for (int isa = 0; isa < MEM_NISA; isa++) {
        if (!mem_kernel(MEM_COPY, (enum mem_isa)isa, 0)) { /* aarch64's sve, sve2 */
            results_skip(mr->c->res, "mem", mem_isa_name((enum mem_isa)isa),
                         "%s kernels: not written for this architecture yet",
                         mem_isa_name((enum mem_isa)isa));
            continue;
        }
        if (!mem_isa_usable(&mr->c->id->cpu, (enum mem_isa)isa)) {
            results_skip(mr->c->res, "mem", mem_isa_name((enum mem_isa)isa),
                         "%s kernels: not supported by the CPU or not enabled by the OS",
                         mem_isa_name((enum mem_isa)isa));
            continue;
        }
        for (int op = 0; op < MEM_NOPS; op++)
            for (int nt = 0; nt < 2; nt++)
                if (mem_kernel((enum mem_op)op, (enum mem_isa)isa, nt))
                    bandwidth(mr, mem_op_name((enum mem_op)op), (enum mem_op)op,
                              (enum mem_isa)isa, nt, mr->plan.dram, NULL);
    }
}

/* 2. the working-set sweep: sum and triad at the best ISA level, regular stores */
static void sweep(struct mem_run *mr)
{
    for (int i = 0; i < mr->plan.npoints; i++) {
        bandwidth(mr, "sweep", MEM_SUM, mr->best, 0, mr->plan.points[i], "sum");
        bandwidth(mr, "sweep", MEM_TRIAD, mr->best, 0, mr->plan.points[i], "triad");
    }
}

/* 3. DRAM triad on 1 processor, and on all with each one's arrays in its own node */
static void cores(struct mem_run *mr)
{
    static struct mem_arrays one; /* static: large structures stay off the small stacks */
    for (int nt = 0; nt < 2; nt++) {
        size_t elems = mem_elems(mr->plan.dram, 3);
        mem_arrays_at(&one, MEM_TRIAD, mr->buf, elems);
        mem_arrays_init(&one, MEM_TRIAD);
        struct bench_spec s = {"mem", "cores", "DRAM triad, every processor on its own chunk, aggregate",
                               "GB/s", "higher", (double)elems * 24, 1e9, 0, 0};
        uint64_t chk;
        struct result *r = bench_run_parallel(mr->c, &s, 1, mem_kernel(MEM_TRIAD, mr->best, nt),
                                              &one, sizeof one, &chk);
        if (r) {
            mem_tag(r, mr, mr->best, nt, (uint64_t)elems * 24);
            result_param_str(r, "kernel", "triad");
            mem_tag_plateau(r, mr);
            mem_arrays_check(mr->c, "cores", &one, MEM_TRIAD, 0);
        }
        if (mr->c->ncpus > 1)
            mem_cores_placed(mr, nt);
    }
}

/* Pointer-chase latency through `bytes` of buf as seen at `base`. */
static struct result *chase(struct mem_run *mr, const char *test, void *base, uint64_t bytes)
{
    size_t lines = mem_chase_build(base, bytes, 12345);
    mem_chase_rebase(base, lines, base);
    void *cursor = base;
    struct bench_spec s = {"mem", test, "random cyclic pointer chase, one dependent load per line",
                           "ns", "lower", 1, 0, 1, 0};
    struct result *r = bench_run(mr->c, &s, mem_chase, &cursor, 0);
    if ((char *)cursor < (char *)base || (char *)cursor >= (char *)base + bytes)
        results_error(mr->c->res, "mem", test, "chase left the buffer");
    if (r) {
        result_param_int(r, "bytes", (int64_t)bytes);
        result_param_str(r, "level", mem_level(&mr->lay, bytes));
    }
    return r;
}

/* 4. latency per working set, then at DRAM size through 4 KiB and 2 MiB page mappings */
static void latency(struct mem_run *mr)
{
    for (int i = 0; i < mr->plan.npoints; i++)
        if (mr->plan.points[i] <= mr->got)
            chase(mr, "latency", mr->buf, mr->plan.points[i]);
    if (!mr->plan.dram)
        return;
    static const int kb[2] = {4, 2048};
    for (int k = 0; k < 2; k++) {
        const char *page = kb[k] == 4 ? "4K" : "2M";
        void *win = plat_map_window(mr->buf, mr->plan.dram, kb[k]);
        if (!win) {
            results_skip(mr->c->res, "mem", "latency_pages", "could not map the buffer with %s pages", page);
            continue;
        }
        struct result *r = chase(mr, "latency_pages", win, mr->plan.dram);
        if (r)
            result_param_str(r, "page", page);
        result_pt_layout(r, (uintptr_t)win);
        plat_unmap_window(win, mr->plan.dram);
    }
}

/* The layout the plan is made from: cache sizes, the last-level caches in use (instances
 * over the processors' APIC ids, or the PPTT's) and each processor's share of the shared ones. */
static void layout(struct mem_run *mr, struct bench_ctx *c)
{
    const struct cpu_info *cpu = &c->id->cpu;
    mr->lay.l1 = cpu_cache_size(cpu, 1);
    mr->lay.l2 = cpu_cache_size(cpu, 2);
    mr->lay.l3 = cpu_cache_size(cpu, 3);
    struct cache_use u[CPU_MAX_CACHES];
    int napic = c->id->napic < c->ncpus ? c->id->napic : c->ncpus;
    int nu = caches_collect(cpu, c->id->apic, napic, u);
    const struct cache_use *llc = caches_llc(u, nu);
    mr->lay.llc_total = llc ? llc->total : 0;
    uint64_t *size[4] = {NULL, &mr->lay.l1, &mr->lay.l2, &mr->lay.l3};
    for (int i = 0; i < nu; i++) {
        if (u[i].type == 'I' || u[i].level < 1 || u[i].level > 3)
            continue;
        if (u[i].bytes) /* the PPTT's size where it gave one */
            *size[u[i].level] = u[i].bytes;
        if (u[i].per_instance > 1)
            mr->lay.share[u[i].level] = u[i].bytes / (uint64_t)u[i].per_instance;
    }
    mr->lay.free_bytes = plat_largest_free();
    mr->lay.mem_max = mem_options(c->opt)->max;
    mr->lay.dram_array = mem_options(c->opt)->dram;
    mr->lay.profile = c->opt->profile;
    mr->lay.ncpus = c->ncpus;
}

/* Length of the list item at p (up to a comma or the end). */
static size_t item_len(const char *p)
{
    size_t n = 0;
    while (p[n] && p[n] != ',')
        n++;
    return n;
}

/* Is `name` in mem_tests= ("all": every test)?  Unknown names are refused by tests_ok. */
static int want(const struct bench_ctx *c, const char *name)
{
    const char *l = mem_options(c->opt)->tests;
    size_t n = strlen(name);
    if (!strcmp(l, "all"))
        return 1;
    for (const char *p = l; *p; p += item_len(p), p += *p == ',')
        if (item_len(p) == n && !strncmp(p, name, n))
            return 1;
    return 0;
}

static int tests_ok(struct bench_ctx *c)
{
    static const char *const known[] = {"kernels", "cores", "numa", "sweep", "latency", "plateau", "all"};
    const char *l = mem_options(c->opt)->tests;
    for (const char *p = l; *p; p += item_len(p), p += *p == ',') {
        size_t n = item_len(p), k = 0;
        while (k < sizeof known / sizeof known[0] && !(strlen(known[k]) == n && !strncmp(p, known[k], n)))
            k++;
        if (k == sizeof known / sizeof known[0]) {
            results_error(c->res, "mem", "", "mem_tests: unknown test '%.*s' (known: all, kernels, cores, numa, sweep, latency, plateau)",
                          (int)(n < 40 ? n : 40), p);
            return 0;
        }
    }
    return 1;
}

static void run_mem(struct bench_ctx *c)
{
    static struct mem_run mr;
    const struct cpu_info *cpu = &c->id->cpu;
    memset(&mr, 0, sizeof mr);
    mr.c = c;
    mr.on_plateau = -1;
    if (!tests_ok(c))
        return;
    layout(&mr, c);
    mr.best = mem_isa_usable(cpu, MEM_AVX512) ? MEM_AVX512 : mem_isa_usable(cpu, MEM_AVX2) ? MEM_AVX2 : MEM_SSE2;
    if (mem_make_plan(&mr.lay, &mr.plan)) {
        results_skip(c->res, "mem", "", "%s", mr.plan.why);
        return;
    }
    if (!want(c, "plateau") && mr.plan.dram) /* no doubling: no room kept for it */
        mr.plan.alloc = mr.plan.dram > mr.plan.points[mr.plan.npoints - 1] ? mr.plan.dram
                                                                           : mr.plan.points[mr.plan.npoints - 1];
    /* allocate, halving on failure (the map may have changed since we looked) */
    uint64_t got = mr.plan.alloc;
    while (got >= 2 * MiB && !(mr.buf = plat_alloc_pages(got, 2 * MiB, PLAT_PAGES_HUGE)))
        got = (got / 2) & ~(2 * MiB - 1);
    if (!mr.buf) {
        results_skip(c->res, "mem", "", "could not allocate even 2 MiB for the buffers");
        return;
    }
    if (got < mr.plan.alloc) {
        mr.lay.free_bytes = got + got / 8 + 20 * MiB; /* re-plan within what we got */
        mem_make_plan(&mr.lay, &mr.plan);
        if (mr.plan.dram > got)
            mr.plan.dram = got;
        if (mr.plan.alloc > got)
            mr.plan.alloc = got;
        mr.plan.budget = got;
    }
    mr.got = got;
    if (mr.plan.shrunk)
        results_skip(c->res, "mem", "sweep", "%s", mr.plan.why);
    bb_printf("mem: L1 %llu KiB, L2 %llu KiB, L3 %llu KiB (in use: %llu KiB); DRAM working set %llu MiB, %d sweep points, isa %s\n",
              (unsigned long long)(mr.lay.l1 >> 10), (unsigned long long)(mr.lay.l2 >> 10),
              (unsigned long long)(mr.lay.l3 >> 10), (unsigned long long)(mr.plan.llc >> 10),
              (unsigned long long)(mr.plan.dram / MiB), mr.plan.npoints, mem_isa_name(mr.best));
    memset(mr.buf, 0, mr.got); /* first touch outside any measured interval */

    if (mr.plan.dram) {
        if (want(c, "plateau"))
            mem_plateau(&mr);
        if (want(c, "kernels"))
            stream_kernels(&mr);
        if (want(c, "cores"))
            cores(&mr);
        if (want(c, "numa"))
            mem_numa_matrix(&mr);
    }
    if (want(c, "sweep"))
        sweep(&mr);
    if (want(c, "latency"))
        latency(&mr);
    plat_free_pages(mr.buf, mr.got);
}

const struct suite suite_mem = {"mem", "memory bandwidth per level, all cores, latency and page size",
                                run_mem, mem_summary, &mem_option_group};
