/* mem_numa.c - memory placement by NUMA node: the all-core DRAM triad with each processor's
 * arrays in its own node's memory (buffer addresses and per-node figures recorded), and the
 * node matrix, test "numa": triad and latency from node i's processors to node j's memory. */
#include "bench/mem_run.h"
#include "kernel/lib/fmt.h"
#include "kernel/machine/numa.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

#include <string.h>

#define MiB (1024ull * 1024)

/* Per thread: its arrays, found on its first call from the processor it runs on. */
struct placed {
    struct mem_arrays m;
    mem_kernel_fn k;
    int node, slot, resolved;
};

static struct {
    char *base[NUMA_MAX_NODES];  /* pool of node k: slots[k] chunks */
    int slots[NUMA_MAX_NODES];
    int next[NUMA_MAX_NODES];
    int nnodes;
    uint64_t chunk;
    size_t elems;
} pool;

static struct placed *par; /* one per processor, allocated per run (AP stacks are small) */

/* Take a chunk in the caller's node (any node with room when that one is full). */
static uint64_t placed_kernel(void *arg, uint64_t iters)
{
    struct placed *p = arg;
    if (!p->resolved) {
        int want = plat_cpu_node(), node = -1, s = -1;
        for (int t = 0; t <= pool.nnodes && s < 0; t++) {
            node = t == 0 ? want : t - 1;
            if (node < 0 || node >= pool.nnodes || !pool.base[node])
                continue;
            s = __atomic_fetch_add(&pool.next[node], 1, __ATOMIC_ACQ_REL);
            if (s >= pool.slots[node])
                s = -1;
        }
        if (s < 0)
            return 0; /* cannot happen: slots cover every thread; checked afterwards */
        mem_arrays_at(&p->m, MEM_TRIAD, pool.base[node] + (uint64_t)s * pool.chunk, pool.elems);
        p->node = node;
        p->slot = s;
        p->resolved = 1;
    }
    return p->k(&p->m, iters);
}

static void free_pools(char *shared)
{
    for (int k = 0; k < pool.nnodes; k++)
        if (pool.base[k] && pool.base[k] != shared)
            plat_free_pages(pool.base[k], (uint64_t)pool.slots[k] * pool.chunk);
}

/* Pools: one node -> the suite's buffer; several -> per node, as many chunks as the node has
 * processors among the n in use (at most n).  Returns 0, or -1 (note recorded). */
static int make_pools(struct mem_run *mr, const struct numa_info *nu, int n)
{
    memset(&pool, 0, sizeof pool);
    pool.nnodes = nu->nnodes;
    pool.chunk = (mr->plan.dram / (uint64_t)n + 2 * MiB - 1) & ~(2 * MiB - 1);
    pool.elems = mem_elems(mr->plan.dram / (uint64_t)n, 3);
    if (nu->nnodes == 1) {
        pool.chunk = (mr->plan.dram / (uint64_t)n) & ~4095ull;
        pool.base[0] = mr->buf;
        pool.slots[0] = n;
        return 0;
    }
    for (int k = 0; k < nu->nnodes; k++) {
        int c = nu->nodes[k].ncpus < n ? nu->nodes[k].ncpus : n;
        if (c <= 0)
            continue;
        pool.slots[k] = c;
        pool.base[k] = plat_alloc_pages_node((uint64_t)c * pool.chunk, 2 * MiB, k);
        if (!pool.base[k]) {
            results_skip(mr->c->res, "mem", "cores", "node %u has no room for %d x %llu MiB: all-core test without node placement",
                         nu->nodes[k].id, c, (unsigned long long)(pool.chunk / MiB));
            free_pools(NULL);
            return -1;
        }
        memset(pool.base[k], 0, (uint64_t)c * pool.chunk); /* first touch outside the interval */
    }
    return 0;
}

/* Per-node entries: the sum of the node's threads' rates in each repetition. */
static void per_node(struct mem_run *mr, const struct numa_info *nu, int n, int nt, uint64_t bytes)
{
    for (int k = 0; k < nu->nnodes; k++) {
        double v[8] = {0};
        int reps = 0, threads = 0;
        for (int i = 0; i < n; i++) {
            if (par[i].node != k)
                continue;
            double x[8];
            reps = bench_parallel_cpu_rates(i, x, 8);
            for (int r = 0; r < reps; r++)
                v[r] += x[r];
            threads++;
        }
        if (!threads || !reps)
            continue;
        struct result *r = results_add(mr->c->res, "mem", "cores", "GB/s", "higher",
                                       "DRAM triad, sum of one node's processors in the all-core run (each its own interval)");
        if (!r)
            return;
        result_set_samples(r, v, reps);
        mem_tag(r, mr, mr->best, nt, bytes / (uint64_t)n * (uint64_t)threads);
        result_param_str(r, "kernel", "triad");
        result_param_int(r, "threads", threads);
        result_param_int(r, "node", nu->nodes[k].id);
    }
}

void mem_cores_placed(struct mem_run *mr, int nt)
{
    const struct numa_info *nu = plat_numa();
    int n = mr->c->ncpus;
    par = plat_alloc((size_t)n * sizeof *par);
    double *rows = plat_alloc((size_t)n * 4 * sizeof *rows);
    if (!par || !rows || make_pools(mr, nu, n)) {
        if (!par || !rows)
            results_error(mr->c->res, "mem", "cores", "out of memory for %d processors", n);
        plat_free(rows);
        plat_free(par);
        par = NULL;
        return;
    }
    for (int k = 0; k < nu->nnodes; k++) /* every chunk starts as 1, 2, 0 */
        for (int s = 0; pool.base[k] && s < pool.slots[k]; s++) {
            struct mem_arrays m;
            mem_arrays_at(&m, MEM_TRIAD, pool.base[k] + (uint64_t)s * pool.chunk, pool.elems);
            mem_arrays_init(&m, MEM_TRIAD);
        }
    for (int i = 0; i < n; i++)
        par[i] = (struct placed){.k = mem_kernel(MEM_TRIAD, mr->best, nt), .node = -1};
    struct bench_spec s = {"mem", "cores", "DRAM triad, every processor on its own chunk in its own node, aggregate",
                           "GB/s", "higher", (double)pool.elems * 24, 1e9, 0, 0};
    uint64_t chk;
    struct result *r = bench_run_parallel(mr->c, &s, n, placed_kernel, par, sizeof par[0], &chk);
    if (r) /* fewer when processors were left out on the way (the runner retried without them) */
        n = mr->c->ncpus < n ? mr->c->ncpus : n;
    uint64_t bytes = (uint64_t)pool.elems * 24 * (uint64_t)n;
    if (r) {
        mem_tag(r, mr, mr->best, nt, bytes);
        result_param_str(r, "kernel", "triad");
        mem_tag_plateau(r, mr);
        static const char *const cols[4] = {"thread", "node", "address", "mem_node"};
        int bad = 0;
        for (int i = 0; i < n; i++) {
            int mn = par[i].resolved ? plat_addr_node(par[i].m.a) : -1;
            rows[4 * i] = i;
            rows[4 * i + 1] = par[i].node >= 0 ? (double)nu->nodes[par[i].node].id : -1;
            rows[4 * i + 2] = par[i].resolved ? (double)(uintptr_t)par[i].m.a : 0;
            rows[4 * i + 3] = mn >= 0 ? (double)nu->nodes[mn].id : -1;
            if (!par[i].resolved)
                bad = 1;
            else if (mem_arrays_check(mr->c, "cores", &par[i].m, MEM_TRIAD, 0))
                break;
        }
        result_extra_table(r, "buffers", cols, 4, rows, n);
        if (bad)
            results_error(mr->c->res, "mem", "cores", "a processor found no chunk in any node");
        else if (nu->nnodes > 1)
            per_node(mr, nu, n, nt, bytes);
    }
    free_pools(mr->buf);
    plat_free(rows);
    plat_free(par);
    par = NULL;
}

/* ---- the node matrix ---- */

static void matrix_point(struct mem_run *mr, const struct numa_info *nu, int ci, int mj, char *buf,
                         uint64_t ws)
{
    static struct mem_arrays m;
    size_t n = mem_elems(ws, 3);
    mem_arrays_at(&m, MEM_TRIAD, buf, n);
    mem_arrays_init(&m, MEM_TRIAD);
    struct bench_spec s = {"mem", "numa", "triad, nt stores, one processor of cpu_node on memory of mem_node",
                           "GB/s", "higher", (double)n * 24, 1e9, 0, 0};
    uint64_t chk = 0;
    struct result *r = bench_run_on_node(mr->c, &s, ci, mem_kernel(MEM_TRIAD, mr->best, 1), &m, &chk);
    if (r) {
        mem_tag(r, mr, mr->best, 1, (uint64_t)n * 24);
        result_param_str(r, "kernel", "triad");
        result_param_int(r, "cpu_node", nu->nodes[ci].id);
        result_param_int(r, "mem_node", nu->nodes[mj].id);
        mem_arrays_check(mr->c, "numa", &m, MEM_TRIAD, chk);
    }
    size_t lines = mem_chase_build(buf, ws, 12345);
    mem_chase_rebase(buf, lines, buf);
    static void *cursor;
    cursor = buf;
    struct bench_spec l = {"mem", "numa", "random cyclic pointer chase from cpu_node on memory of mem_node",
                           "ns", "lower", 1, 0, 1, 0};
    r = bench_run_on_node(mr->c, &l, ci, mem_chase, &cursor, 0);
    if (r) {
        result_param_int(r, "bytes", (int64_t)ws);
        result_param_str(r, "level", mem_level(&mr->lay, ws));
        result_param_str(r, "kernel", "latency");
        result_param_int(r, "cpu_node", nu->nodes[ci].id);
        result_param_int(r, "mem_node", nu->nodes[mj].id);
    }
}

void mem_numa_matrix(struct mem_run *mr)
{
    const struct numa_info *nu = plat_numa();
    if (nu->nnodes < 2) {
        results_skip(mr->c->res, "mem", "numa", "one NUMA node (%s): no node matrix",
                     nu->note[0] ? nu->note : nu->source);
        return;
    }
    uint64_t ws = mr->plan.dram;
    for (int mj = 0; mj < nu->nnodes; mj++) {
        if (!nu->nodes[mj].bytes)
            continue;
        char *buf = NULL;
        uint64_t got = ws;
        while (got >= 4 * MiB && !(buf = plat_alloc_pages_node(got, 2 * MiB, mj)))
            got = (got / 2) & ~(2 * MiB - 1);
        if (!buf) {
            results_skip(mr->c->res, "mem", "numa", "no room in node %u's memory", nu->nodes[mj].id);
            continue;
        }
        memset(buf, 0, got);
        if (got < ws)
            results_skip(mr->c->res, "mem", "numa", "node %u: %llu MiB instead of %llu MiB (its free memory)",
                         nu->nodes[mj].id, (unsigned long long)(got / MiB), (unsigned long long)(ws / MiB));
        for (int ci = 0; ci < nu->nnodes; ci++)
            if (nu->nodes[ci].ncpus)
                matrix_point(mr, nu, ci, mj, buf, got);
        plat_free_pages(buf, got);
    }
}
