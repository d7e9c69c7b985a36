/* topology_linux.c - processor topology from sysfs and /proc/cpuinfo, and per-processor stolen
 * time from /proc/stat, for the Linux build (run index -> Linux CPU number via host_cpu_id). */
#include "kernel/platform.h"
#include "kernel/machine/topology.h"
#include "host/host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* First integer in /sys/devices/system/cpu/cpuN/topology/NAME, or -1. */
static long sys_topo(int cpu, const char *name)
{
    char path[128];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/%s", cpu, name);
    FILE *f = fopen(path, "r");
    long v = -1;
    if (f) {
        if (fscanf(f, "%ld", &v) != 1)
            v = -1;
        fclose(f);
    }
    return v;
}

/* APIC id of Linux CPU `cpu` from /proc/cpuinfo, or -1. */
static long apic_of(int cpu)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[256];
    long cur = -1, apic = -1;
    while (f && fgets(line, sizeof line, f)) {
        long v;
        if (sscanf(line, "processor : %ld", &v) == 1)
            cur = v;
        else if (cur == cpu && sscanf(line, "apicid : %ld", &v) == 1) {
            apic = v;
            break;
        }
    }
    if (f)
        fclose(f);
    return apic;
}

int plat_topology(struct topo_cpu *out, int n, const char **source)
{
    for (int i = 0; i < n; i++) {
        int id = host_cpu_id(i);
        long pkg = sys_topo(id, "physical_package_id"), core = sys_topo(id, "core_id");
        long die = sys_topo(id, "die_id"), first = sys_topo(id, "thread_siblings_list");
        if (pkg < 0 || core < 0)
            return -1;
        long apic = apic_of(id);
        out[i].apic_id = apic < 0 ? 0 : (uint32_t)apic;
        out[i].package = (int)pkg;
        out[i].die = die < 0 ? 0 : (int)die;
        out[i].core = (int)core;
        out[i].thread = first < 0 ? 0 : id - (int)first; /* 0 for the first sibling */
    }
    *source = "sysfs";
    return 0;
}

int plat_os_steal_ns(int idx, uint64_t *ns)
{
    int id = host_cpu_id(idx);
    FILE *f = fopen("/proc/stat", "r");
    if (!f || id < 0) {
        if (f)
            fclose(f);
        return -1;
    }
    char line[512], want[24];
    int rc = -1;
    snprintf(want, sizeof want, "cpu%d ", id);
    while (fgets(line, sizeof line, f)) {
        unsigned long long v[8];
        if (strncmp(line, want, strlen(want)))
            continue;
        if (sscanf(line + strlen(want), "%llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1],
                   &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]) == 8) {
            long hz = sysconf(_SC_CLK_TCK);
            *ns = v[7] * (1000000000ull / (unsigned long long)(hz > 0 ? hz : 100));
            rc = 0;
        }
        break;
    }
    fclose(f);
    return rc;
}
