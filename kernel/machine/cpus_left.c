/* cpus_left.c - the processors left after some were left out of multi-processor runs (see
 * cpus_left.h): the cpus= selection loses them and a failed run is made again on the others. */
#include "kernel/machine/cpus_left.h"
#include "kernel/lib/fmt.h"
#include "kernel/machine/topology.h"

int cpus_after_loss(int want, char *which, size_t len)
{
    size_t used = 0;
    int lost = 0;
    if (which && len)
        which[0] = '\0';
    int total = plat_cpu_total();
    for (int p = 0; p < total; p++)
        if (plat_cpu_left_out(p)) {
            lost++;
            if (which && used < len)
                used += (size_t)bb_snprintf(which + used, len - used, "%s%d", used ? "," : "", p);
        }
    if (!lost)
        return 0;
    int usable = plat_cpu_count();
    if (g_topo.sel && g_topo.nsel > 0) { /* keep the selection's order, without the lost ones */
        int m = 0;
        for (int k = 0; k < g_topo.nsel; k++)
            if (!plat_cpu_left_out(g_topo.sel[k]))
                g_topo.sel[m++] = g_topo.sel[k];
        if (m != g_topo.nsel) {
            g_topo.nsel = m;
            g_topo.sel_smt = topo_smt_first(&g_topo, m);
            plat_cpu_select(g_topo.sel, m);
        }
        usable = m;
    }
    int n = want < usable ? want : usable;
    return n >= 1 ? n : 0;
}

int cpus_run(int *n, plat_cpu_fn fn, void *arg)
{
    int before = plat_cpu_lost_running();
    int rc = plat_run_on_cpus(*n, fn, arg);
    if (rc == 0)
        return 0;
    if (plat_cpu_lost_running() != before)
        return rc; /* a processor left out inside fn may still write to arg: no retry on it */
    int m = cpus_after_loss(*n, NULL, 0);
    if (!m)
        return rc;
    *n = m;
    return plat_run_on_cpus(m, fn, arg);
}
