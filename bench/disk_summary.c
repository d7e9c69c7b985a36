/* disk_summary.c - the disk suite's part of the end-of-run page: a table row per disk and
 * direction (sequential at 4K, 1M and the largest block, random 4K at QD1 and the deepest QD). */
#include "bench/disk.h"
#include "kernel/lib/fmt.h"
#include "kernel/report/results.h"
#include "kernel/report/summary.h"

#include <stdint.h>
#include <string.h>

/* One table row: disk `d`, op "read"/"write"; nothing when it has no entries. */
static void disk_row(struct summary *s, const struct results *rs, int64_t d, const char *op)
{
    char seq[16], rnd[16];
    bb_snprintf(seq, sizeof seq, "seq_%s", op);
    bb_snprintf(rnd, sizeof rnd, "rand_%s", op);
    const struct result *k4 = NULL, *m1 = NULL, *big = NULL, *q1 = NULL, *qd = NULL;
    const char *kind = "";
    for (int i = 0; i < rs->n; i++) {
        const struct result *r = &rs->r[i];
        if (strcmp(r->suite, "disk") || r->st.n == 0 || summary_param_int(r, "disk", -1) != d)
            continue;
        int64_t bs = summary_param_int(r, "block_size", 0), q = summary_param_int(r, "qd", 1);
        if (!strcmp(r->test, seq) && q == 1) {
            kind = summary_param_str(r, "disk_kind");
            if (bs == 4096)
                k4 = r;
            if (bs == 1 << 20)
                m1 = r;
            if (!big || bs > summary_param_int(big, "block_size", 0))
                big = r;
        } else if (!strcmp(r->test, rnd) && bs == 4096) {
            kind = summary_param_str(r, "disk_kind");
            if (q == 1)
                q1 = r;
            if (!qd || q > summary_param_int(qd, "qd", 1))
                qd = r;
        }
    }
    if (!k4 && !m1 && !big && !q1 && !qd)
        return;
    char a[16] = "-", b[16] = "-", c[16] = "-", cs[8] = "", e[16] = "-", f[16] = "-", fq[12] = "";
    if (k4)
        summary_fig(a, sizeof a, k4->st.median);
    if (m1)
        summary_fig(b, sizeof b, m1->st.median);
    if (big) {
        summary_fig(c, sizeof c, big->st.median);
        summary_size_label(cs, sizeof cs, summary_param_int(big, "block_size", 0));
    }
    if (q1)
        summary_fig(e, sizeof e, q1->st.median);
    if (qd && qd != q1) {
        summary_fig(f, sizeof f, qd->st.median);
        bb_snprintf(fq, sizeof fq, "QD%lld", (long long)summary_param_int(qd, "qd", 1));
    }
    summary_disk_row(s, (int)d, "  %-2lld %-7.7s %-5.5s  %7s  %7s  %7s %-4s  %7s  %7s %-5s",
        (long long)d, kind, op, a, b, c, cs, e, f, fq);
}

void disk_summary(struct summary *s, const struct results *rs)
{
    int64_t seen[SUMMARY_DISK_ROWS];
    int nseen = 0;
    for (int i = 0; i < rs->n && nseen < SUMMARY_DISK_ROWS / 2; i++) {
        const struct result *r = &rs->r[i];
        int64_t d = summary_param_int(r, "disk", -1);
        if (strcmp(r->suite, "disk") || d < 0)
            continue;
        int dup = 0;
        for (int k = 0; k < nseen; k++)
            dup |= seen[k] == d;
        if (dup)
            continue;
        seen[nseen++] = d;
        disk_row(s, rs, d, "read");
        disk_row(s, rs, d, "write");
    }
}
