/* summary.c - builds the one-page end-of-run summary (80x25): the machine and the clock, the
 * rows each suite adds (its `summarize`, bench/), then outcome, document, file, upload, next step. */
#include "arch/cpu.h"
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

int64_t summary_param_int(const struct result *r, const char *key, int64_t dflt)
{
    const struct param *p = param(r, key);
    return p && p->type == P_INT ? p->i : dflt;
}

const char *summary_param_str(const struct result *r, const char *key)
{
    const struct param *p = param(r, key);
    return p && p->type == P_STR ? p->s : "";
}

int summary_is(const struct result *r, const char *suite, const char *test)
{
    return !strcmp(r->suite, suite) && !strcmp(r->test, test) && r->st.n > 0;
}

/* ---- number formatting: at most 6 characters ---- */

void summary_fig(char *b, size_t n, double v)
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

void summary_size_label(char *b, size_t n, int64_t bytes)
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
static void vput(char (*lines)[SUMMARY_COLS + 1], int *nl, int max, const char *fmt, va_list ap)
{
    if (*nl >= max)
        return;
    char tmp[256];
    bb_vsnprintf(tmp, sizeof tmp, fmt, ap);
    bb_snprintf(lines[*nl], SUMMARY_COLS + 1, "%s", tmp);
    (*nl)++;
}

static void put(char (*lines)[SUMMARY_COLS + 1], int *nl, int max, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void put(char (*lines)[SUMMARY_COLS + 1], int *nl, int max, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vput(lines, nl, max, fmt, ap);
    va_end(ap);
}

void summary_head(struct summary *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vput(s->head, &s->nhead, SUMMARY_HEAD_MAX, fmt, ap);
    va_end(ap);
}

void summary_disk_row(struct summary *s, int disk, const char *fmt, ...)
{
    if (s->ndisk_rows < SUMMARY_DISK_ROWS)
        s->disk_of_row[s->ndisk_rows] = disk;
    va_list ap;
    va_start(ap, fmt);
    vput(s->disk, &s->ndisk_rows, SUMMARY_DISK_ROWS, fmt, ap);
    va_end(ap);
}

/* ---- the machine and the clock (each suite adds its own rows: struct suite's summarize) ---- */

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
        "  timer:     " ARCH_COUNTER_LABEL " %.3f GHz by %s, spread %.1f ppm%s", c->hz / 1e9,
        c->calibrated_by ? c->calibrated_by : "?", c->spread_ppm, c->invariant ? "" : ", NOT invariant");
}

const struct result *summary_best(const struct results *rs, const char *suite, const char *test,
                                  const char *kernel, int64_t threads)
{
    const struct result *b = NULL;
    if (threads == 0) {
        for (int i = 0; i < rs->n; i++)
            if (summary_is(&rs->r[i], suite, test) && summary_param_int(&rs->r[i], "threads", 1) > threads)
                threads = summary_param_int(&rs->r[i], "threads", 1);
        if (threads <= 1)
            return NULL;
    }
    for (int i = 0; i < rs->n; i++) {
        const struct result *r = &rs->r[i];
        if (summary_is(r, suite, test) && summary_param_int(r, "threads", 1) == threads &&
            (!kernel || !strcmp(summary_param_str(r, "kernel"), kernel)) && (!b || r->st.median > b->st.median))
            b = r;
    }
    return b;
}

void summary_collect(struct summary *s, const struct identity *id, const struct clock_info *clk,
                     const struct results *rs, summary_rows_fn *const *rows)
{
    memset(s, 0, sizeof *s);
    if (id)
        machine(s, id);
    if (clk && rs && rs->n)
        timer(s, clk);
    if (!rs)
        return;
    for (int i = 0; rows && rows[i]; i++)
        rows[i](s, rs);
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
