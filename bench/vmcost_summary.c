/* vmcost_summary.c - the vmcost suite's line on the end-of-run page: CPUID, a port read and the
 * HLT wake-up in ns. */
#include "bench/vmcost.h"
#include "kernel/lib/fmt.h"
#include "kernel/report/results.h"
#include "kernel/report/summary.h"

#include <stdint.h>

void vmcost_summary(struct summary *s, const struct results *rs)
{
    static const char *const tests[] = {"cpuid", "io_read", "hlt_timer"};
    static const char *const names[] = {"CPUID", "port read", "HLT wake-up"};
    char line[128] = "";
    size_t len = 0;
    int any = 0;
    for (int k = 0; k < 3; k++) {
        const struct result *r = NULL;
        for (int i = 0; i < rs->n && !r; i++)
            if (summary_is(&rs->r[i], "vmcost", tests[k]))
                r = &rs->r[i];
        char v[16] = "n/a";
        if (r) {
            summary_fig(v, sizeof v, r->st.median);
            any = 1;
        }
        len += (size_t)bb_snprintf(line + len, sizeof line - len, "%s%s %s%s", k ? ", " : "", names[k],
                                   v, r ? " ns" : "");
    }
    if (any)
        summary_head(s, "  vmcost:    %s", line);
}
