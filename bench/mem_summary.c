/* mem_summary.c - the mem suite's line on the end-of-run page: the triad on one core and on all,
 * and the latency of the largest point (DRAM when reached, else the level it did reach). */
#include "bench/mem_run.h"
#include "kernel/lib/fmt.h"
#include "kernel/report/results.h"
#include "kernel/report/summary.h"

#include <stdint.h>
#include <string.h>

/* "DRAM <what>" where the point is DRAM-sized (or says no level); else "<what> (<level>)",
 * e.g. "triad (boundary)": the summary never calls a cache-sized point DRAM. */
static void level_label(char *buf, size_t n, const struct result *r, const char *what)
{
    const char *lv = summary_param_str(r, "level");
    if (!strcmp(lv, "DRAM") || !lv[0])
        bb_snprintf(buf, n, "DRAM %s", what);
    else
        bb_snprintf(buf, n, "%s (%.10s)", what, lv);
}

void mem_summary(struct summary *s, const struct results *rs)
{
    const struct result *one = summary_best(rs, "mem", "cores", "triad", 1);
    const struct result *all = summary_best(rs, "mem", "cores", "triad", 0);
    const struct result *lat = NULL;
    for (int i = 0; i < rs->n; i++) {
        const struct result *r = &rs->r[i];
        /* the largest latency point; a DRAM one first (a run capped below the DRAM working set
         * has none, and then the line names the level it did reach) */
        if (!summary_is(r, "mem", "latency"))
            continue;
        int dram = !strcmp(summary_param_str(r, "level"), "DRAM"), ldram = lat && !strcmp(summary_param_str(lat, "level"), "DRAM");
        if (!lat || (dram && !ldram) ||
            (dram == ldram && summary_param_int(r, "bytes", 0) > summary_param_int(lat, "bytes", 0)))
            lat = r;
    }
    if (!one && !lat)
        return;
    char a[16] = "-", b[16] = "-", l[16] = "-", tri[72] = "", lt[48] = "", tl[24], ll[24];
    if (one) {
        level_label(tl, sizeof tl, one, "triad");
        summary_fig(a, sizeof a, one->st.median);
        if (all) {
            summary_fig(b, sizeof b, all->st.median);
            bb_snprintf(tri, sizeof tri, "%s %s GB/s on 1 core, %s on %lld", tl, a, b,
                        (long long)summary_param_int(all, "threads", 0));
        } else {
            bb_snprintf(tri, sizeof tri, "%s %s GB/s on 1 core", tl, a);
        }
    }
    if (lat) {
        level_label(ll, sizeof ll, lat, "latency");
        summary_fig(l, sizeof l, lat->st.median);
        bb_snprintf(lt, sizeof lt, "%s %s ns", ll, l);
    }
    summary_head(s, "  mem:       %s%s%s", tri, tri[0] && lt[0] ? "; " : "",
        lt);
}
