/* numa_linux.c - NUMA for the Linux build through libnuma: the nodes, their processors and
 * distances, memory bound to a node (numa_tonode_memory before first touch), the node of a
 * page (numa_move_pages query) and running a function pinned to a processor of a node. */
#include "host/host.h"
#include "kernel/lib/fmt.h"
#include "kernel/machine/numa.h"
#include "kernel/platform.h"

#include <numa.h>
#include <numaif.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

static struct numa_info g_numa;
static int g_ready;

const struct numa_info *plat_numa(void)
{
    if (g_ready)
        return &g_numa;
    g_ready = 1;
    cpu_set_t allowed;
    static uint32_t ids[NUMA_MAX_CPUS];
    int n = 0;
    if (sched_getaffinity(0, sizeof allowed, &allowed) == 0)
        for (int i = 0; i < CPU_SETSIZE && n < NUMA_MAX_CPUS; i++)
            if (CPU_ISSET(i, &allowed))
                ids[n++] = (uint32_t)i;
    g_numa.cpu_id_kind = "linux";
    if (numa_available() < 0) {
        numa_single(&g_numa, ids, n, host_meminfo_bytes("MemTotal"), "libnuma: no NUMA support in this kernel: one node");
        return &g_numa;
    }
    g_numa.source = "libnuma";
    int maxn = numa_max_node();
    for (int nd = 0; nd <= maxn; nd++) {
        if (!numa_bitmask_isbitset(numa_all_nodes_ptr, (unsigned)nd))
            continue;
        int k = numa_add_node(&g_numa, (uint32_t)nd);
        long long fr;
        long long sz = numa_node_size64(nd, &fr);
        if (k >= 0)
            g_numa.nodes[k].bytes = sz > 0 ? (uint64_t)sz : 0;
    }
    for (int i = 0; i < n; i++) {
        int nd = numa_node_of_cpu((int)ids[i]);
        int k = nd >= 0 ? numa_add_node(&g_numa, (uint32_t)nd) : -1;
        if (k < 0)
            continue;
        g_numa.cpus[g_numa.ncpus++] = (struct numa_cpu){ids[i], k};
        g_numa.nodes[k].ncpus++;
    }
    for (int a = 0; a < g_numa.nnodes; a++)
        for (int b = 0; b < g_numa.nnodes; b++) {
            int d = numa_distance((int)g_numa.nodes[a].id, (int)g_numa.nodes[b].id);
            g_numa.dist[a][b] = (uint8_t)(d > 0 && d < 256 ? d : a == b ? 10 : 20);
        }
    g_numa.has_dist = 1;
    return &g_numa;
}

static int index_of_node(int nd)
{
    for (int k = 0; k < g_numa.nnodes; k++)
        if ((int)g_numa.nodes[k].id == nd)
            return k;
    return -1;
}

int plat_cpu_node(void)
{
    int cpu = sched_getcpu();
    int k = g_ready && cpu >= 0 ? numa_lookup_cpu(&g_numa, (uint32_t)cpu) : -1;
    return k < 0 ? 0 : k;
}

void *plat_alloc_pages_node(size_t bytes, size_t align, int node)
{
    plat_numa();
    if (node < 0 || node >= g_numa.nnodes)
        return NULL;
    void *p = plat_alloc_pages(bytes, align, PLAT_PAGES_HUGE);
    if (p && numa_available() >= 0) /* bind before the first touch places the pages */
        numa_tonode_memory(p, bytes, (int)g_numa.nodes[node].id);
    return p;
}

int plat_addr_node(const void *p)
{
    plat_numa();
    if (numa_available() < 0)
        return g_numa.nnodes == 1 ? 0 : -1;
    void *page = (void *)((uintptr_t)p & ~(uintptr_t)4095);
    int status = -1;
    if (numa_move_pages(0, 1, &page, NULL, &status, 0) != 0 || status < 0)
        return -1;
    return index_of_node(status);
}

struct on_node {
    void (*fn)(void *);
    void *arg;
    int cpu;
};

static void *on_node_main(void *v)
{
    struct on_node *o = v;
    cpu_set_t s;
    CPU_ZERO(&s);
    CPU_SET(o->cpu, &s);
    if (sched_setaffinity(0, sizeof s, &s) != 0)
        return v; /* not pinned: do not measure from the wrong node */
    o->fn(o->arg);
    return NULL;
}

int plat_run_on_node(int node, void (*fn)(void *arg), void *arg)
{
    plat_numa();
    for (int i = 0; i < g_numa.ncpus; i++) {
        if (g_numa.cpus[i].node != node)
            continue;
        struct on_node o = {fn, arg, (int)g_numa.cpus[i].id};
        pthread_t t;
        void *ret = NULL;
        if (pthread_create(&t, NULL, on_node_main, &o) != 0)
            return -1;
        pthread_join(t, &ret);
        return ret ? -1 : 0;
    }
    return -1;
}
