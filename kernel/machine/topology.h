/* topology.h - where each processor sits (package, die, core, thread, APIC id), the counts
 * derived from it, and the cpus= selection (all, cores, first N spread over cores, a list). */
#ifndef BB_TOPOLOGY_H
#define BB_TOPOLOGY_H

#include <stddef.h>
#include <stdint.h>

struct json;

/* One processor, numbered as the platform numbers them (0 = the one running the suites). */
struct topo_cpu {
    uint32_t apic_id;
    int package, die, core, thread; /* core: within its package and die; -1 = unknown */
    int rank;                       /* position among the threads of its core (0 first) */
};

struct topology {
    int n;                   /* processors the platform has */
    struct topo_cpu *cpu;    /* n entries */
    const char *source;      /* "mp-services-extended", "mp-services", "cpuid-0x1f", "sysfs", ... */
    int packages, cores, threads_per_core; /* 0 = unknown */
    int *sel;                /* selected processors in run order (sel[0] == 0) */
    int nsel;
    int sel_smt;             /* most selected threads sharing one core (1 = no SMT in use) */
    char spec[64];           /* the cpus= value applied */
};

extern struct topology g_topo;

/** Fill t->cpu[0..t->n-1] and t->source from what the CPU itself says, when the platform
 *  cannot tell (plat_topology failed); the architecture's (x86: kernel/x86/topology_cpuid.c). */
void topo_from_cpu(struct topology *t);
/** Split a hardware (APIC) id by shifts such as those of CPUID's topology leaves. */
void topo_split_apic(uint32_t apic, int smt, int die, int pkg, struct topo_cpu *out);
/** Count packages, cores and threads per core of t->cpu[0..n-1]. */
void topo_count(struct topology *t);
/** Apply a cpus= value (all|cores|N|list such as 0,2,4-7): fills t->sel, t->nsel, t->sel_smt.
 *  Returns 0, or -1 with a message naming the problem in err. */
int topo_select(struct topology *t, const char *spec, char *err, size_t errlen);
/** Most threads of one core among the first n selected processors (1 = no SMT in use). */
int topo_smt_first(const struct topology *t, int n);
/** Gather g_topo from the platform (plat_topology), falling back to CPUID. 0 or -1. */
int topology_collect(void);
/** Writes "topology" into the open env object. */
void topology_write_json(const struct topology *t, struct json *j);

#endif
