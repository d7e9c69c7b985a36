/* vmcost_summary.c - the vmcost suite's line on the end-of-run page: the architecture's three
 * operations of vm_summary_ops in ns (x86: CPUID, a port read and the HLT wake-up). */
#include "bench/vmcost.h"
#include "kernel/lib/fmt.h"
#include "kernel/report/results.h"
#include "kernel/report/summary.h"

#include <stdint.h>

void vmcost_summary(struct summary *s, const struct results *rs)
{
    char line[128] = "";
    size_t len = 0;
    int any = 0;
    for (int k = 0; k < 3; k++) {
        const struct result *r = NULL;
        for (int i = 0; i < rs->n && !r; i++)
            if (summary_is(&rs->r[i], "vmcost", vm_summary_ops[k].test))
                r = &rs->r[i];
        char v[16] = "n/a";
        if (r) {
            summary_fig(v, sizeof v, r->st.median);
            any = 1;
        }
        len += (size_t)bb_snprintf(line + len, sizeof line - len, "%s%s %s%s", k ? ", " : "", vm_summary_ops[k].label,
                                   v, r ? " ns" : "");
    }
    if (any)
        summary_head(s, "  vmcost:    %s", line);
}
