/* alu_summary.c - the alu suite's line on the end-of-run page: the FP64 FMA peak (SIMD where
 * measured, else scalar) on one core and on all. */
#include "bench/alu.h"
#include "kernel/report/results.h"
#include "kernel/report/summary.h"

#include <stdint.h>

void alu_summary(struct summary *s, const struct results *rs)
{
    const char *t = "simd_fma";
    const struct result *one = summary_best(rs, "alu", t, NULL, 1);
    if (!one) {
        t = "fp_fma";
        one = summary_best(rs, "alu", t, NULL, 1);
    }
    if (!one)
        return;
    const struct result *all = summary_best(rs, "alu", t, NULL, 0);
    char a[16], b[16];
    summary_fig(a, sizeof a, one->st.median);
    if (all) {
        summary_fig(b, sizeof b, all->st.median);
        summary_head(s, "  alu:       FP64 FMA peak %s %s on 1 core (%s), %s on %lld", a, one->unit,
            summary_param_str(one, "isa"), b, (long long)summary_param_int(all, "threads", 0));
    } else {
        summary_head(s, "  alu:       FP64 FMA peak %s %s on 1 core (%s)",
            a, one->unit, summary_param_str(one, "isa"));
    }
}
