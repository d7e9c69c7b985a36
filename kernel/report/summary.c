/* summary.c - builds the one-page end-of-run summary (80x25) from the identity, the clock and
 * the results: headline figures per suite, then outcome, document, file, upload and next step. */
#include "kernel/report/summary.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/machine/identity.h"
#include "kernel/report/results.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>

#define RULE "=============================================================================="

/* ---- looking up entries ---- */

static const struct param *param(const struct result *r, const char *key)
{
    for (int i = 0; i < r->nparams; i++)
        if (!strcmp(r->params[i].key, key))
            return &r->params[i];
    return NULL;
}

static int64_t param_int(const struct result *r, const char *key, int64_t dflt)
{
    const struct param *p = param(r, key);
    return p && p->type == P_INT ? p->i : dflt;
}

static const char *param_str(const struct result *r, const char *key)
{
    const struct param *p = param(r, key);
    return p && p->type == P_STR ? p->s : "";
}

static int is(const struct result *r, const char *suite, const char *test)
{
    return !strcmp(r->suite, suite) && !strcmp(r->test, test) && r->st.n > 0;
}

/* ---- number formatting: at most 6 characters ---- */

static void fig(char *b, size_t n, double v)
{
    if (!(v >= 0))
        bb_snprintf(b, n, "-");
    else if (v < 10)
        bb_snprintf(b, n, "%.2f", v);
    else if (v < 100)
        bb_snprintf(b, n, "%.1f", v);
    else if (v < 100000)
        bb_snprintf(b, n, "%.0f", v);
    else if (v < 1e8)
        bb_snprintf(b, n, "%.0fk", v / 1e3);
    else
        bb_snprintf(b, n, "%.0fM", v / 1e6);
}

static void size_label(char *b, size_t n, int64_t bytes)
{
    if (bytes >= (1 << 30) && bytes % (1 << 30) == 0)
        bb_snprintf(b, n, "%lldG", (long long)(bytes >> 30));
    else if (bytes >= (1 << 20) && bytes % (1 << 20) == 0)
        bb_snprintf(b, n, "%lldM", (long long)(bytes >> 20));
    else if (bytes >= 1024 && bytes % 1024 == 0)
        bb_snprintf(b, n, "%lldK", (long long)(bytes >> 10));
    else
        bb_snprintf(b, n, "%lld", (long long)bytes);
}

/* Append one line to a fixed-width array, cut at SUMMARY_COLS. */
static void put(char (*lines)[SUMMARY_COLS + 1], int *nl, int max, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char (*lines)[SUMMARY_COLS + 1], int *nl, int max, const char *fmt, ...)
{
    if (*nl >= max)
        return;
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    bb_vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    bb_snprintf(lines[*nl], SUMMARY_COLS + 1, "%s", tmp);
    (*nl)++;
}

/* ---- the suites' headline figures ---- */

static void machine(struct summary *s, const struct identity *id)
{
    const char *brand = id->cpu.brand;
    while (*brand == ' ')
        brand++;
    put(s->head, &s->nhead, SUMMARY_HEAD_MAX, "  machine:   %s, %d processors, %llu MiB",
        brand[0] ? brand : id->cpu.vendor, id->ncpus, (unsigned long long)(id->mem_total >> 20));
    if (id->smbios.present)
        put(s->head, &s->nhead, SUMMARY_HEAD_MAX, "             hypervisor %s; %s %s",
            id->cpu.hv_name, id->smbios.sys_manufacturer, id->smbios.sys_product);
    else
        put(s->head, &s->nhead, SUMMARY_HEAD_MAX, "             hypervisor %s", id->cpu.hv_name);
}

static void timer(struct summary *s, const struct clock_info *c)
{
    if (!(c->hz > 0)) {
        put(s->head, &s->nhead, SUMMARY_HEAD_MAX, "  timer:     not calibrated (no usable source)");
        return;
    }
    put(s->head, &s->nhead, SUMMARY_HEAD_MAX,
        "  timer:     TSC %.3f GHz by %s, spread %.1f ppm%s", c->hz / 1e9,
        c->calibrated_by ? c->calibrated_by : "?", c->spread_ppm, c->invariant ? "" : ", NOT invariant");
}

/* Best median of suite/test among entries with `threads` (0: the most threads seen, > 1). */
static const struct result *best(const struct results *rs, const char *suite, const char *test,
                                 const char *kernel, int64_t threads)
{
    const struct result *b = NULL;
    if (threads == 0) {
        for (int i = 0; i < rs->n; i++)
            if (is(&rs->r[i], suite, test) && param_int(&rs->r[i], "threads", 1) > threads)
                threads = param_int(&rs->r[i], "threads", 1);
        if (threads <= 1)
            return NULL;
    }
    for (int i = 0; i < rs->n; i++) {
        const struct result *r = &rs->r[i];
        if (is(r, suite, test) && param_int(r, "threads", 1) == threads &&
            (!kernel || !strcmp(param_str(r, "kernel"), kernel)) && (!b || r->st.median > b->st.median))
            b = r;
    }
    return b;
}

static void alu(struct summary *s, const struct results *rs)
{
    const char *t = "simd_fma";
    const struct result *one = best(rs, "alu", t, NULL, 1);
    if (!one) {
        t = "fp_fma";
        one = best(rs, "alu", t, NULL, 1);
    }
    if (!one)
        return;
    const struct result *all = best(rs, "alu", t, NULL, 0);
    char a[16], b[16];
    fig(a, sizeof a, one->st.median);
    if (all) {
        fig(b, sizeof b, all->st.median);
        put(s->head, &s->nhead, SUMMARY_HEAD_MAX,
            "  alu:       FP64 FMA peak %s %s on 1 core (%s), %s on %lld", a, one->unit,
            param_str(one, "isa"), b, (long long)param_int(all, "threads", 0));
    } else {
        put(s->head, &s->nhead, SUMMARY_HEAD_MAX, "  alu:       FP64 FMA peak %s %s on 1 core (%s)",
            a, one->unit, param_str(one, "isa"));
    }
}

/* "DRAM <what>" where the point is DRAM-sized (or says no level); else "<what> (<level>)",
 * e.g. "triad (boundary)": the summary never calls a cache-sized point DRAM. */
static void level_label(char *buf, size_t n, const struct result *r, const char *what)
{
    const char *lv = param_str(r, "level");
    if (!strcmp(lv, "DRAM") || !lv[0])
        bb_snprintf(buf, n, "DRAM %s", what);
    else
        bb_snprintf(buf, n, "%s (%.10s)", what, lv);
}

static void mem(struct summary *s, const struct results *rs)
{
    const struct result *one = best(rs, "mem", "cores", "triad", 1);
    const struct result *all = best(rs, "mem", "cores", "triad", 0);
    const struct result *lat = NULL;
    for (int i = 0; i < rs->n; i++) {
        const struct result *r = &rs->r[i];
        /* the largest latency point; a DRAM one first (a run capped below the DRAM working set
         * has none, and then the line names the level it did reach) */
        if (!is(r, "mem", "latency"))
            continue;
        int dram = !strcmp(param_str(r, "level"), "DRAM"), ldram = lat && !strcmp(param_str(lat, "level"), "DRAM");
        if (!lat || (dram && !ldram) ||
            (dram == ldram && param_int(r, "bytes", 0) > param_int(lat, "bytes", 0)))
            lat = r;
    }
    if (!one && !lat)
        return;
    char a[16] = "-", b[16] = "-", l[16] = "-", tri[72] = "", lt[48] = "", tl[24], ll[24];
    if (one) {
        level_label(tl, sizeof tl, one, "triad");
        fig(a, sizeof a, one->st.median);
        if (all) {
            fig(b, sizeof b, all->st.median);
            bb_snprintf(tri, sizeof tri, "%s %s GB/s on 1 core, %s on %lld", tl, a, b,
                        (long long)param_int(all, "threads", 0));
        } else {
            bb_snprintf(tri, sizeof tri, "%s %s GB/s on 1 core", tl, a);
        }
    }
    if (lat) {
        level_label(ll, sizeof ll, lat, "latency");
        fig(l, sizeof l, lat->st.median);
        bb_snprintf(lt, sizeof lt, "%s %s ns", ll, l);
    }
    put(s->head, &s->nhead, SUMMARY_HEAD_MAX, "  mem:       %s%s%s", tri, tri[0] && lt[0] ? "; " : "",
        lt);
}

static void vmcost(struct summary *s, const struct results *rs)
{
    static const char *const tests[] = {"cpuid", "io_read", "hlt_timer"};
    static const char *const names[] = {"CPUID", "port read", "HLT wake-up"};
    char line[128] = "";
    size_t len = 0;
    int any = 0;
    for (int k = 0; k < 3; k++) {
        const struct result *r = NULL;
        for (int i = 0; i < rs->n && !r; i++)
            if (is(&rs->r[i], "vmcost", tests[k]))
                r = &rs->r[i];
        char v[16] = "n/a";
        if (r) {
            fig(v, sizeof v, r->st.median);
            any = 1;
        }
        len += (size_t)bb_snprintf(line + len, sizeof line - len, "%s%s %s%s", k ? ", " : "", names[k],
                                   v, r ? " ns" : "");
    }
    if (any)
        put(s->head, &s->nhead, SUMMARY_HEAD_MAX, "  vmcost:    %s", line);
}

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
        if (strcmp(r->suite, "disk") || r->st.n == 0 || param_int(r, "disk", -1) != d)
            continue;
        int64_t bs = param_int(r, "block_size", 0), q = param_int(r, "qd", 1);
        if (!strcmp(r->test, seq) && q == 1) {
            kind = param_str(r, "disk_kind");
            if (bs == 4096)
                k4 = r;
            if (bs == 1 << 20)
                m1 = r;
            if (!big || bs > param_int(big, "block_size", 0))
                big = r;
        } else if (!strcmp(r->test, rnd) && bs == 4096) {
            kind = param_str(r, "disk_kind");
            if (q == 1)
                q1 = r;
            if (!qd || q > param_int(qd, "qd", 1))
                qd = r;
        }
    }
    if (!k4 && !m1 && !big && !q1 && !qd)
        return;
    char a[16] = "-", b[16] = "-", c[16] = "-", cs[8] = "", e[16] = "-", f[16] = "-", fq[12] = "";
    if (k4)
        fig(a, sizeof a, k4->st.median);
    if (m1)
        fig(b, sizeof b, m1->st.median);
    if (big) {
        fig(c, sizeof c, big->st.median);
        size_label(cs, sizeof cs, param_int(big, "block_size", 0));
    }
    if (q1)
        fig(e, sizeof e, q1->st.median);
    if (qd && qd != q1) {
        fig(f, sizeof f, qd->st.median);
        bb_snprintf(fq, sizeof fq, "QD%lld", (long long)param_int(qd, "qd", 1));
    }
    if (s->ndisk_rows < SUMMARY_DISK_ROWS)
        s->disk_of_row[s->ndisk_rows] = (int)d;
    put(s->disk, &s->ndisk_rows, SUMMARY_DISK_ROWS, "  %-2lld %-7.7s %-5.5s  %7s  %7s  %7s %-4s  %7s  %7s %-5s",
        (long long)d, kind, op, a, b, c, cs, e, f, fq);
}

static void disks(struct summary *s, const struct results *rs)
{
    int64_t seen[SUMMARY_DISK_ROWS];
    int nseen = 0;
    for (int i = 0; i < rs->n && nseen < SUMMARY_DISK_ROWS / 2; i++) {
        const struct result *r = &rs->r[i];
        int64_t d = param_int(r, "disk", -1);
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

void summary_collect(struct summary *s, const struct identity *id, const struct clock_info *clk,
                     const struct results *rs)
{
    memset(s, 0, sizeof *s);
    if (id)
        machine(s, id);
    if (clk && rs && rs->n)
        timer(s, clk);
    if (!rs)
        return;
    alu(s, rs);
    mem(s, rs);
    vmcost(s, rs);
    disks(s, rs);
}

/* ---- the page ---- */

struct page {
    char *buf;
    size_t n, len;
    int lines;
};

static void line(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct page *p, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    bb_vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    size_t l = strlen(tmp);
    if (l > SUMMARY_COLS)
        l = SUMMARY_COLS;
    while (l && tmp[l - 1] == ' ')
        l--;
    if (p->len + l + 2 > p->n)
        return;
    memcpy(p->buf + p->len, tmp, l);
    p->len += l;
    p->buf[p->len++] = '\n';
    p->buf[p->len] = '\0';
    p->lines++;
}

static int given(const char *s)
{
    return s && s[0];
}

int summary_format(const struct summary *s, const struct summary_end *e, char *buf, size_t n)
{
    struct page p = {buf, n, 0, 0};
    if (n)
        buf[0] = '\0';
    const char *verdict = e->status == 0 ? "FINISHED"
                        : e->status == 1 ? "FINISHED WITH ERRORS"
                        : "NOTHING RUN (bad options)";
    int closing = 3 + (e->status != 2) + given(e->error) + given(e->file) + given(e->upload);
    int avail = SUMMARY_ROWS - 2 - closing - s->nhead; /* rows left for the disk table; closing:
                                                           verdict, document, next and the optional */

    line(&p, "%s", RULE);
    line(&p, "  barebench: %s   (%s, %s build)", verdict, given(e->version) ? e->version : "?",
         given(e->build) ? e->build : "?");
    for (int i = 0; i < s->nhead; i++)
        line(&p, "%s", s->head[i]);
    if (s->ndisk_rows > 0) {
        int rows = s->ndisk_rows, ndisks = 0, shown = 0;
        for (int i = 0; i < s->ndisk_rows; i++)
            ndisks += i == 0 || s->disk_of_row[i] != s->disk_of_row[i - 1];
        if (1 + rows > avail) { /* whole disks only, and one line saying how many are left out */
            rows = 0;
            for (int i = 0; i < s->ndisk_rows; i++) {
                int end = i;
                while (end + 1 < s->ndisk_rows && s->disk_of_row[end + 1] == s->disk_of_row[i])
                    end++;
                if (1 + (end + 1) + 1 > avail)
                    break;
                rows = end + 1;
                i = end;
            }
        }
        for (int i = 0; i < rows; i++)
            shown += i == 0 || s->disk_of_row[i] != s->disk_of_row[i - 1];
        if (rows > 0) {
            line(&p, "  %-16s  %7s  %7s  %7s %-4s  %7s  %7s", "disk   MB/s|IOPS", "4K seq", "1M seq",
                 "max seq", "", "4K QD1", "4K QDn");
            for (int i = 0; i < rows; i++)
                line(&p, "%s", s->disk[i]);
        }
        if (shown < ndisks && avail >= 1)
            line(&p, "  disk:      %d more disk%s measured: see the document", ndisks - shown,
                 ndisks - shown == 1 ? "" : "s");
    }
    if (e->status != 2)
        line(&p, "  results:   %d, skipped %d, errors %d", e->nresults, e->nskipped, e->nerrors);
    if (given(e->error))
        line(&p, "  error:     %s", e->error);
    line(&p, "  document:  %s", given(e->document) ? e->document : "nowhere");
    if (given(e->file))
        line(&p, "  file:      %s", e->file);
    if (given(e->upload))
        line(&p, "  upload:    %s", e->upload);
    line(&p, "  next:      %s", given(e->next) ? e->next : "-");
    line(&p, "%s", RULE);
    return p.lines;
}
