/* benchcmp_format.c - prints the comparison as aligned text, Markdown or CSV: which machine
 * each file came from, warnings, then one row per suite/test/params with every environment.
 * Every string from a document is printed in its display form (tools/benchcmp/safe_text.h: control bytes
 * escaped), Markdown cells, CSV cells and HTML escaped for their readers. */
#include "tools/benchcmp/benchcmp.h"
#include "tools/benchcmp/safe_text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A grid of strings: row 0 is the header.  Cells are owned. */
struct grid {
    int rows, cols;
    char **cell;
    char *right; /* per column: right-aligned (numbers) */
};

static int grid_init(struct grid *g, int rows, int cols)
{
    g->rows = rows;
    g->cols = cols;
    g->cell = calloc((size_t)rows * (size_t)cols, sizeof *g->cell);
    g->right = calloc((size_t)cols, 1);
    return g->cell && g->right ? 0 : -1;
}

static void grid_free(struct grid *g)
{
    for (int i = 0; g->cell && i < g->rows * g->cols; i++)
        free(g->cell[i]);
    free(g->cell);
    free(g->right);
}

/* Cells hold the display form: widths are counted on what is printed. */
static void put(struct grid *g, int r, int c, const char *s)
{
    free(g->cell[r * g->cols + c]);
    g->cell[r * g->cols + c] = st_display_dup(s ? s : "");
}

/* Short human form: no exponent between 1e-3 and 1e12. */
static void num(char *buf, size_t n, double v)
{
    double a = fabs(v);
    if (isnan(v))
        snprintf(buf, n, "-");
    else if (a >= 1e4 && a < 1e12)
        snprintf(buf, n, "%.0f", v);
    else
        snprintf(buf, n, "%.4g", v);
}

static const char *cellstr(const struct grid *g, int r, int c)
{
    const char *s = g->cell[r * g->cols + c];
    return s ? s : "";
}

/* Width of a UTF-8 string in columns (counts code points), as printed: in Markdown with the
 * escapes of st_put_markdown: \| \\ &lt; */
static int width(const char *s, int markdown)
{
    int w = 0;
    for (; *s; s++)
        w += (((unsigned char)*s & 0xc0) != 0x80) +
             (markdown ? (*s == '|' || *s == '\\') + 3 * (*s == '<') : 0);
    return w;
}

static void print_aligned(FILE *f, const struct grid *g, int markdown)
{
    int *w = calloc((size_t)g->cols, sizeof *w);
    if (!w)
        return;
    for (int r = 0; r < g->rows; r++)
        for (int c = 0; c < g->cols; c++)
            if (width(cellstr(g, r, c), markdown) > w[c])
                w[c] = width(cellstr(g, r, c), markdown);
    for (int r = 0; r < g->rows; r++) {
        if (markdown)
            fputs("| ", f);
        for (int c = 0; c < g->cols; c++) {
            const char *s = cellstr(g, r, c);
            int pad = w[c] - width(s, markdown);
            int last = c == g->cols - 1;
            if (g->right[c])
                fprintf(f, "%*s", pad, "");
            if (markdown) /* a '|' inside a Markdown cell would end it */
                st_put_markdown(f, s);
            else
                fputs(s, f);
            if (!g->right[c])
                fprintf(f, "%*s", last && !markdown ? 0 : pad, "");
            if (markdown)
                fputs(last ? " |" : " | ", f);
            else if (!last)
                fputs("  ", f);
        }
        fputc('\n', f);
        if (markdown && r == 0) {
            fputc('|', f);
            for (int c = 0; c < g->cols; c++) {
                fputc(g->right[c] ? '-' : ':', f);
                for (int k = 0; k < w[c]; k++)
                    fputc('-', f);
                fputs(g->right[c] ? ":|" : "-|", f);
            }
            fputc('\n', f);
        }
    }
    free(w);
}

static void print_csv(FILE *f, const struct grid *g)
{
    for (int r = 0; r < g->rows; r++) {
        for (int c = 0; c < g->cols; c++) {
            if (c)
                fputc(',', f);
            st_put_csv(f, cellstr(g, r, c));
        }
        fputc('\n', f);
    }
}

/* An HTML table (cells escaped); numbers right-aligned, cells within noise marked. */
static void print_html(FILE *f, const struct grid *g, const char *cls, const char *mark)
{
    fprintf(f, "<table class=\"%s\">\n<thead><tr>", cls);
    for (int r = 0; r < g->rows; r++) {
        if (r == 1)
            fputs("</thead>\n<tbody>\n<tr>", f);
        else if (r)
            fputs("<tr>", f);
        for (int c = 0; c < g->cols; c++) {
            const char *s = cellstr(g, r, c), *tag = r ? "td" : "th";
            size_t n = strlen(s), m = strlen(mark);
            int noise = r && g->right[c] && n > m && !strcmp(s + n - m, mark);
            fprintf(f, "<%s%s%s>", tag, g->right[c] ? " class=\"num" : "",
                    g->right[c] ? (noise ? " noise\"" : "\"") : "");
            st_put_html(f, s);
            fprintf(f, "</%s>", tag);
        }
        fputs("</tr>\n", f);
    }
    fputs(g->rows > 1 ? "</tbody>\n</table>\n" : "</thead>\n</table>\n", f);
}

/* Which machine each file came from, by environment (pool); a pool of many files shows its
 * first few and how many more. */
#define FILES_SHOWN 8

static int identity_grid(const struct bc_table *t, struct grid *g)
{
    static const char *const head[] = {"env", "file", "build", "cpu", "hypervisor", "system", "tag"};
    int rows = 1;
    for (int p = 0; p < t->npools; p++)
        rows += t->pools[p].n > FILES_SHOWN ? FILES_SHOWN + 1 : t->pools[p].n;
    if (grid_init(g, rows, 7))
        return -1;
    for (int c = 0; c < 7; c++)
        put(g, 0, c, head[c]);
    int r = 1;
    for (int p = 0; p < t->npools; p++) {
        const struct bc_pool *pl = &t->pools[p];
        char lab[96];
        if (pl->n > 1)
            snprintf(lab, sizeof lab, "%s (n=%d%s)", pl->label, pl->n, p == 0 ? ", baseline" : "");
        else
            snprintf(lab, sizeof lab, "%s%s", pl->label, p == 0 ? " (baseline)" : "");
        for (int k = 0; k < pl->n && k < FILES_SHOWN; k++) {
            const struct bc_doc *d = &t->docs[pl->doc[k]];
            char sys[200];
            snprintf(sys, sizeof sys, "%s%s%s", d->sys_manufacturer,
                     d->sys_manufacturer[0] && d->sys_product[0] ? " " : "", d->sys_product);
            const char *v[] = {lab, d->path, d->build, d->cpu_brand[0] ? d->cpu_brand : "?",
                               d->hv_name[0] ? d->hv_name : "?", sys[0] ? sys : "-", d->tag[0] ? d->tag : "-"};
            for (int c = 0; c < 7; c++)
                put(g, r, c, v[c]);
            r++;
        }
        if (pl->n > FILES_SHOWN) {
            char more[64];
            snprintf(more, sizeof more, "... and %d more files", pl->n - FILES_SHOWN);
            put(g, r, 0, lab);
            put(g, r++, 1, more);
        }
    }
    return 0;
}

/* A grid whose first five columns describe the entry. */
static int entry_grid(struct grid *g, int rows, int cols)
{
    static const char *const head[] = {"suite", "test", "params", "unit", "better"};
    if (grid_init(g, rows, cols))
        return -1;
    for (int c = 0; c < 5; c++)
        put(g, 0, c, head[c]);
    return 0;
}

/* Does any pool have more than one document (then n and range columns are shown)? */
static int pooled(const struct bc_table *t)
{
    for (int p = 0; p < t->npools; p++)
        if (t->pools[p].n > 1)
            return 1;
    return 0;
}

/* Per-pool texts of a row shown in a column of their own: the api, the working-set param the
 * row was matched without (bc_cell.at), the ISA level of its ISA role (bc_cell.isa). */
enum per_pool { PP_API, PP_AT, PP_ISA };

static const char *pp_field(const struct bc_cell *c, enum per_pool w)
{
    return w == PP_API ? c->api : w == PP_AT ? c->at : c->isa;
}

/* With role matching, does any row carry that per-pool text (then its column is shown)? */
static int has_pp(const struct bc_table *t, enum per_pool w)
{
    for (int r = 0; t->match == BC_MATCH_ROLE && r < t->nrows; r++)
        for (int p = 0; p < t->npools; p++)
            if (pp_field(&t->rows[r].c[p], w)[0])
                return 1;
    return 0;
}

static int has_api(const struct bc_table *t)
{
    return has_pp(t, PP_API);
}

/* The text each pool has for a row: "nvme" when all agree, else "nvme / virtio-blk / -". */
static void pp_text(const struct bc_table *t, const struct bc_row *row, enum per_pool w, char *buf,
                    size_t n)
{
    int same = 1, any = 0;
    for (int p = 0; p < t->npools; p++) {
        same &= !strcmp(pp_field(&row->c[p], w), pp_field(&row->c[0], w));
        any |= pp_field(&row->c[p], w)[0] != 0;
    }
    size_t used = 0;
    buf[0] = '\0';
    if (!any)
        return;
    for (int p = 0; p < (same ? 1 : t->npools) && used < n; p++)
        used += (size_t)snprintf(buf + used, n - used, "%s%s", p ? " / " : "",
                                 pp_field(&row->c[p], w)[0] ? pp_field(&row->c[p], w) : "-");
    if (w == PP_API && row->mixed_drivers && used < n)
        snprintf(buf + used, n - used, " (!)");
}

/* "n" of a cell: "3", or "2/3" when documents of the pool lack the entry. */
static void n_text(char *buf, size_t n, const struct bc_cell *c, const struct bc_pool *pl)
{
    if (c->missing)
        snprintf(buf, n, "%d/%d", c->n, pl->n);
    else
        snprintf(buf, n, "%d", c->n);
}

/* The comparison for text and Markdown: medians, ratio with noise mark, overhead; for pools of
 * several documents n and the range of their medians; with role matching the api column. */
static int table_grid(const struct bc_table *t, struct grid *g, const char *mark)
{
    int pool = pooled(t), api = has_api(t), at = has_pp(t, PP_AT), isa = has_pp(t, PP_ISA);
    int ext = pool ? 2 : 0, first = 5 + api + at + isa;
    int per0 = 1 + ext, per = 3 + ext;
    if (entry_grid(g, t->nrows + 1, first + per0 + per * (t->npools - 1)))
        return -1;
    char buf[128], b2[64];
    if (api)
        put(g, 0, 5, "api");
    if (at)
        put(g, 0, 5 + api, "at");
    if (isa)
        put(g, 0, 5 + api + at, "isa");
    for (int i = 0; i < t->npools; i++) {
        int c = i == 0 ? first : first + per0 + per * (i - 1);
        const char *l = t->pools[i].label;
        put(g, 0, c, l);
        g->right[c] = 1;
        if (i) {
            snprintf(buf, sizeof buf, "%.50s %%", l);
            put(g, 0, c + 1, buf);
            snprintf(buf, sizeof buf, "%.50s overhead", l);
            put(g, 0, c + 2, buf);
            g->right[c + 1] = g->right[c + 2] = 1;
        }
        if (pool) {
            int x = c + (i ? 3 : 1);
            snprintf(buf, sizeof buf, "%.50s n", l);
            put(g, 0, x, buf);
            snprintf(buf, sizeof buf, "%.50s range", l);
            put(g, 0, x + 1, buf);
            g->right[x] = g->right[x + 1] = 1;
        }
    }
    for (int r = 0; r < t->nrows; r++) {
        const struct bc_row *row = &t->rows[r];
        const struct bc_entry *e = row->first;
        put(g, r + 1, 0, e->suite);
        put(g, r + 1, 1, e->test);
        put(g, r + 1, 2, row->params_text[0] ? row->params_text : "-");
        put(g, r + 1, 3, e->unit);
        put(g, r + 1, 4, e->better);
        if (api) {
            pp_text(t, row, PP_API, buf, sizeof buf);
            put(g, r + 1, 5, buf);
        }
        if (at) {
            pp_text(t, row, PP_AT, buf, sizeof buf);
            put(g, r + 1, 5 + api, buf);
        }
        if (isa) {
            pp_text(t, row, PP_ISA, buf, sizeof buf);
            put(g, r + 1, 5 + api + at, buf);
        }
        for (int i = 0; i < t->npools; i++) {
            const struct bc_cell *c = &row->c[i];
            int col = i == 0 ? first : first + per0 + per * (i - 1);
            int x = col + (i ? 3 : 1);
            if (!c->n) {
                for (int k = col; k < col + (i ? per : per0); k++)
                    put(g, r + 1, k, "-");
                continue;
            }
            num(buf, sizeof buf, c->median);
            put(g, r + 1, col, buf);
            if (pool) {
                n_text(buf, sizeof buf, c, &t->pools[i]);
                put(g, r + 1, x, buf);
                num(buf, sizeof buf, c->min);
                num(b2, sizeof b2, c->max);
                snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "..%s", b2);
                put(g, r + 1, x + 1, c->n > 1 ? buf : "-");
            }
            if (!i)
                continue;
            if (isnan(c->ratio_pct))
                snprintf(buf, sizeof buf, "-");
            else
                snprintf(buf, sizeof buf, "%.1f%%%s%s", c->ratio_pct,
                         c->noise == BC_WITHIN_NOISE ? " " : "",
                         c->noise == BC_WITHIN_NOISE ? mark : "");
            put(g, r + 1, col + 1, buf);
            if (isnan(c->overhead_pct))
                snprintf(buf, sizeof buf, "-");
            else
                snprintf(buf, sizeof buf, "%+.1f%%", c->overhead_pct);
            put(g, r + 1, col + 2, buf);
        }
    }
    return 0;
}

/* CSV: raw numbers, one column per value, for spreadsheets and scripts.  First the columns of
 * before pooling, per pool (median, min, max[, ratio_pct, overhead_pct, within_noise,
 * noise_test]), then per pool n, missing, spread_min, spread_max, q1, q3, api; last, when a row
 * was matched without a working-set param, per pool at (bc_cell.at), and after them, when a row
 * was matched by ISA role, per pool isa (bc_cell.isa). */
static const char *const csv_old[] = {"median", "min", "max", "ratio_pct", "overhead_pct",
                                      "within_noise", "noise_test"};
static const char *const csv_new[] = {"n", "missing", "spread_min", "spread_max", "q1", "q3", "api"};
#define CSV_NEW 7

static void put_num(struct grid *g, int r, int c, double v)
{
    char buf[64];
    if (isnan(v))
        buf[0] = '\0';
    else
        snprintf(buf, sizeof buf, "%.6g", v);
    put(g, r, c, buf);
}

static int csv_grid(const struct bc_table *t, struct grid *g)
{
    int at = has_pp(t, PP_AT), isa = has_pp(t, PP_ISA);
    if (entry_grid(g, t->nrows + 1,
                   5 + 3 + CSV_NEW + (7 + CSV_NEW) * (t->npools - 1) + (at + isa) * t->npools))
        return -1;
    char buf[128];
    int col = 5;
    for (int i = 0; i < t->npools; i++)
        for (int k = 0; k < (i ? 7 : 3); k++) {
            snprintf(buf, sizeof buf, "%s_%s", t->pools[i].label, csv_old[k]);
            put(g, 0, col++, buf);
        }
    for (int i = 0; i < t->npools; i++) {
        for (int k = 0; k < CSV_NEW; k++) {
            snprintf(buf, sizeof buf, "%s_%s", t->pools[i].label, csv_new[k]);
            put(g, 0, col++, buf);
        }
    }
    for (int i = 0; i < t->npools && at; i++) { /* last: every other column keeps its place */
        snprintf(buf, sizeof buf, "%s_at", t->pools[i].label);
        put(g, 0, col++, buf);
    }
    for (int i = 0; i < t->npools && isa; i++) {
        snprintf(buf, sizeof buf, "%s_isa", t->pools[i].label);
        put(g, 0, col++, buf);
    }
    for (int r = 0; r < t->nrows; r++) {
        const struct bc_row *row = &t->rows[r];
        const struct bc_entry *e = row->first;
        const char *v[] = {e->suite, e->test, row->params_text, e->unit, e->better};
        for (int c = 0; c < 5; c++)
            put(g, r + 1, c, v[c]);
        col = 5;
        for (int i = 0; i < t->npools; i++) {
            const struct bc_cell *c = &row->c[i];
            double vals[] = {c->median, c->lo, c->hi, c->ratio_pct, c->overhead_pct};
            for (int k = 0; k < (i ? 5 : 3); k++)
                put_num(g, r + 1, col++, vals[k]);
            if (i) {
                put(g, r + 1, col++, c->noise == BC_NOISE_NA ? "" : c->noise == BC_WITHIN_NOISE ? "yes" : "no");
                if (c->method == 'U')
                    snprintf(buf, sizeof buf, "mann-whitney p=%.3g", c->p);
                else
                    snprintf(buf, sizeof buf, "%s", c->method == 'r' ? "min-max overlap" : "");
                put(g, r + 1, col++, buf);
            }
        }
        for (int i = 0; i < t->npools; i++) {
            const struct bc_cell *c = &row->c[i];
            snprintf(buf, sizeof buf, "%d", c->n);
            put(g, r + 1, col++, buf);
            snprintf(buf, sizeof buf, "%d", c->n ? c->missing : t->pools[i].n);
            put(g, r + 1, col++, buf);
            double more[] = {c->min, c->max, c->q1, c->q3};
            for (int k = 0; k < 4; k++)
                put_num(g, r + 1, col++, more[k]);
            put(g, r + 1, col++, c->api);
        }
        for (int i = 0; i < t->npools && at; i++)
            put(g, r + 1, col++, row->c[i].at);
        for (int i = 0; i < t->npools && isa; i++)
            put(g, r + 1, col++, row->c[i].isa);
    }
    return 0;
}

/* A test as the summary names it: disk-like rows as "seq_read 4K qd1", others test + params. */
static void short_name(const struct bc_row *r, char *buf, size_t n)
{
    const struct bc_entry *e = r->first;
    json_t *bs = json_object_get(e->params, "block_size"), *qd = json_object_get(e->params, "qd");
    const char *op = json_string_value(json_object_get(e->params, "op"));
    if (op && json_is_number(bs)) {
        double b = json_number_value(bs);
        const char *u = "";
        if (b >= 1 << 20 && fmod(b, 1 << 20) == 0)
            b /= 1 << 20, u = "M";
        else if (b >= 1024 && fmod(b, 1024) == 0)
            b /= 1024, u = "K";
        snprintf(buf, n, "%s %.0f%s qd%lld", e->test, b, u, (long long)json_integer_value(qd));
        size_t role = bc_row_role_len(r); /* a named disk role ("disk=1 GiB"), spaces and all */
        if (role)
            snprintf(buf + strlen(buf), n - strlen(buf), " %.*s", (int)role, r->params_text);
    } else {
        snprintf(buf, n, "%s%s%.60s", e->test, r->params_text[0] ? " " : "", r->params_text);
    }
}

#define NOTHING_IN_COMMON "no test has a figure both in the baseline and in another environment"

/* Lines of the summary: a group x environment with at least one figure against the baseline. */
static int summary_lines(const struct bc_table *t, const struct bc_summary *s)
{
    int n = 0;
    for (int k = 0; k < s->ng; k++)
        for (int p = 1; p < t->npools; p++)
            n += s->g[k].c[p].n > 0;
    return n;
}

/* The summary for text and Markdown: one row per group and environment that has figures. */
static int summary_grid(const struct bc_table *t, const struct bc_summary *s, struct grid *g)
{
    static const char *const head[] = {"summary", "env", "tests", "median overhead",
                                       "outside noise", "worst three (overhead)"};
    if (grid_init(g, 1 + summary_lines(t, s), 6))
        return -1;
    for (int c = 0; c < 6; c++)
        put(g, 0, c, head[c]);
    g->right[2] = g->right[3] = g->right[4] = 1;
    int r = 1;
    for (int k = 0; k < s->ng; k++)
        for (int p = 1; p < t->npools; p++) {
            const struct bc_sum_group *gr = &s->g[k];
            const struct bc_sum_cell *c = &gr->c[p];
            char buf[400];
            if (!c->n)
                continue;
            put(g, r, 0, gr->name);
            put(g, r, 1, t->pools[p].label);
            if (c->n < gr->nrows)
                snprintf(buf, sizeof buf, "%d of %d", c->n, gr->nrows);
            else
                snprintf(buf, sizeof buf, "%d", c->n);
            put(g, r, 2, buf);
            if (isnan(c->median_overhead_pct))
                snprintf(buf, sizeof buf, "-");
            else
                snprintf(buf, sizeof buf, "%+.1f%%", c->median_overhead_pct);
            put(g, r, 3, buf);
            snprintf(buf, sizeof buf, "%d", c->outside_noise);
            put(g, r, 4, buf);
            size_t used = 0;
            buf[0] = '\0';
            for (int w = 0; w < c->nworst && used < sizeof buf; w++) {
                char nm[160];
                const struct bc_row *row = &t->rows[c->worst[w]];
                short_name(row, nm, sizeof nm);
                used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s %+.1f%%", w ? "; " : "",
                                         nm, row->c[p].overhead_pct);
            }
            put(g, r++, 5, c->nworst ? buf : "none worse");
        }
    return 0;
}

/* The summary as CSV (--only summary): one line per group and environment, raw numbers. */
static int summary_csv_grid(const struct bc_table *t, const struct bc_summary *s, struct grid *g)
{
    static const char *const head[] = {"group", "suite", "op", "block_class", "env", "rows", "tests",
                                       "median_overhead_pct", "outside_noise"};
    int cols = 9 + 2 * BC_WORST;
    if (grid_init(g, 1 + summary_lines(t, s), cols))
        return -1;
    char buf[300];
    for (int c = 0; c < 9; c++)
        put(g, 0, c, head[c]);
    for (int w = 0; w < BC_WORST; w++) {
        snprintf(buf, sizeof buf, "worst%d", w + 1);
        put(g, 0, 9 + 2 * w, buf);
        snprintf(buf, sizeof buf, "worst%d_overhead_pct", w + 1);
        put(g, 0, 10 + 2 * w, buf);
    }
    int r = 1;
    for (int k = 0; k < s->ng; k++)
        for (int p = 1; p < t->npools; p++) {
            const struct bc_sum_group *gr = &s->g[k];
            const struct bc_sum_cell *c = &gr->c[p];
            if (!c->n)
                continue;
            const char *v[] = {gr->name, gr->suite, gr->op, gr->bs_class, t->pools[p].label};
            for (int i = 0; i < 5; i++)
                put(g, r, i, v[i]);
            snprintf(buf, sizeof buf, "%d", gr->nrows);
            put(g, r, 5, buf);
            snprintf(buf, sizeof buf, "%d", c->n);
            put(g, r, 6, buf);
            put_num(g, r, 7, c->median_overhead_pct);
            snprintf(buf, sizeof buf, "%d", c->outside_noise);
            put(g, r, 8, buf);
            for (int w = 0; w < c->nworst; w++) {
                const struct bc_row *row = &t->rows[c->worst[w]];
                snprintf(buf, sizeof buf, "%s%s%s", row->first->test, row->params_text[0] ? " " : "",
                         row->params_text);
                put(g, r, 9 + 2 * w, buf);
                put_num(g, r, 10 + 2 * w, row->c[p].overhead_pct);
            }
            r++;
        }
    return 0;
}

static void print_warnings(FILE *f, const struct bc_table *t, int md)
{
    for (int i = 0; i < t->nwarn; i++) { /* warnings quote document strings */
        fputs(md ? "> **warning:** " : "warning: ", f);
        if (md)
            st_put_markdown(f, t->warn[i]);
        else
            st_put_display(f, t->warn[i]);
        fputs(md ? "\n\n" : "\n", f);
    }
}

static const char at_legend[] =
    "at = where each environment measured a memory row: its working-set size when the test was "
    "measured once per cache level (the row is that level), its cache level when measured at "
    "several sizes per level (the row is that size); across architectures, what a vmcost row's "
    "instruction touched (leaf=0x0 / register=id_aa64pfr0_el1); one value: all the same "
    "(--match exact: level, bytes and those params all in the params).";

static const char isa_legend[] =
    "isa = the instruction set each environment ran a row at: a test measured at several ISA "
    "levels pairs each one's lowest (isa=base) and highest (isa=best), whatever their names "
    "(avx512 / avx2, sse2 / asimd); one value: all the same (--match exact: the same isa only).";

/* BC_HTML: the sections of the report page (tools/benchcmp/benchcmp_report.c), in two parts so
 * that the charts go between them. */
void bc_print_html(FILE *f, const struct bc_table *t, enum bc_html_part part)
{
    struct grid g = {0};
    if (part == BC_HTML_TABLE) {
        fputs("<section id=\"table\">\n<h2>All results</h2>\n", f);
        if (table_grid(t, &g, "≈") == 0)
            print_html(f, &g, "results", "≈");
        grid_free(&g);
        fprintf(f, "<p class=\"legend\">%% = %% of the baseline median; overhead = how much worse "
                   "than the baseline (positive: slower or less throughput, given &quot;better&quot;). "
                   "≈ = within run-to-run noise: Mann-Whitney U p &ge; %.2f when both sides have &ge; "
                   "%d samples, else overlapping min..max ranges.</p>\n",
                BC_MWU_ALPHA, BC_MWU_MIN_N);
        if (pooled(t))
            fputs("<p class=\"legend\">An environment of several files: its figure is the median of "
                  "the files' medians, n = files with the entry (n/N: some lack it), range = their "
                  "smallest..largest median; the noise test pools their samples.</p>\n", f);
        if (has_api(t))
            fputs("<p class=\"legend\">api = the I/O path each environment took (one name: all the "
                  "same; (!) = different kinds of driver). Disks match by role, not index or path "
                  "(--match exact: every param).</p>\n", f);
        if (has_pp(t, PP_AT))
            fprintf(f, "<p class=\"legend\">%s</p>\n", at_legend);
        if (has_pp(t, PP_ISA))
            fprintf(f, "<p class=\"legend\">%s</p>\n", isa_legend);
        fputs("</section>\n", f);
        return;
    }
    fputs("<section id=\"environments\">\n<h2>Environments</h2>\n"
          "<p>The first is the baseline (= 100%).</p>\n", f);
    if (identity_grid(t, &g) == 0)
        print_html(f, &g, "identity", "\x01");
    grid_free(&g);
    fprintf(f, "</section>\n<section id=\"warnings\">\n<h2>Warnings (%d)</h2>\n<ul>\n", t->nwarn);
    for (int i = 0; i < t->nwarn; i++) {
        fputs("<li class=\"warning\">", f);
        st_put_html(f, t->warn[i]);
        fputs("</li>\n", f);
    }
    fputs("</ul>\n</section>\n<section id=\"summary\">\n<h2>Summary</h2>\n", f);
    struct bc_summary s = {0};
    memset(&g, 0, sizeof g);
    int sum = t->npools > 1 && bc_summarize(t, &s) == 0;
    if (sum && summary_lines(t, &s) && summary_grid(t, &s, &g) == 0) {
        fputs("<p>Per suite (disk per operation and block size), overhead against ", f);
        st_put_html(f, t->pools[0].label);
        fputs("; positive = worse.</p>\n", f);
        print_html(f, &g, "summary", "\x01");
    } else if (sum) {
        fputs("<p>No summary: ", f);
        st_put_html(f, NOTHING_IN_COMMON);
        fputs("</p>\n", f);
    } else {
        fputs("<p>No summary: one environment only.</p>\n", f);
    }
    grid_free(&g);
    bc_summary_free(&s);
    fputs("</section>\n", f);
}

void bc_print_part(FILE *f, FILE *notes, const struct bc_table *t, enum bc_format fmt,
                   enum bc_part part)
{
    struct grid g = {0};
    struct bc_summary s = {0};
    int want_sum = part != BC_PART_TABLE && t->npools > 1 && bc_summarize(t, &s) == 0;
    if (fmt == BC_CSV) {
        /* the identity and warnings go to `notes` so that f gets one CSV table */
        if (notes && identity_grid(t, &g) == 0)
            print_aligned(notes, &g, 0);
        grid_free(&g);
        if (notes)
            print_warnings(notes, t, 0);
        memset(&g, 0, sizeof g);
        if (part == BC_PART_SUMMARY ? want_sum && summary_csv_grid(t, &s, &g) == 0 : csv_grid(t, &g) == 0)
            print_csv(f, &g);
        grid_free(&g);
        bc_summary_free(&s);
        return;
    }
    if (fmt == BC_HTML) {
        if (part != BC_PART_TABLE)
            bc_print_html(f, t, BC_HTML_FRONT);
        if (part != BC_PART_SUMMARY)
            bc_print_html(f, t, BC_HTML_TABLE);
        bc_summary_free(&s);
        return;
    }
    int md = fmt == BC_MARKDOWN;
    const char *mark = md ? "≈" : "~";
    if (md)
        fprintf(f, "### Environments\n\n");
    else
        fprintf(f, "environments (the first is the baseline = 100%%):\n");
    if (identity_grid(t, &g) == 0)
        print_aligned(f, &g, md);
    grid_free(&g);
    fputc('\n', f);
    print_warnings(f, t, md);
    if (t->nwarn)
        fputc('\n', f);
    if (want_sum && !summary_lines(t, &s)) {
        fprintf(f, "%ssummary: %s\n\n", md ? "### Summary\n\n" : "", NOTHING_IN_COMMON);
    } else if (want_sum) {
        if (md) {
            fprintf(f, "### Summary\n\n");
        } else { /* the label is a document's tag: its display form */
            fputs("summary: per suite (disk per operation and block size), overhead against ", f);
            st_put_display(f, t->pools[0].label);
            fputs("; positive = worse:\n", f);
        }
        memset(&g, 0, sizeof g);
        if (summary_grid(t, &s, &g) == 0)
            print_aligned(f, &g, md);
        grid_free(&g);
        fputc('\n', f);
    }
    bc_summary_free(&s);
    if (part == BC_PART_SUMMARY)
        return;
    if (md)
        fprintf(f, "### Results\n\n");
    memset(&g, 0, sizeof g);
    if (table_grid(t, &g, mark) == 0)
        print_aligned(f, &g, md);
    grid_free(&g);
    fprintf(f, "\n%s = %% of the baseline median; overhead = how much worse than the baseline "
               "(positive: slower or less throughput, given \"better\").\n"
               "%s = within run-to-run noise: Mann-Whitney U p >= %.2f when both sides have >= %d "
               "samples, else overlapping min..max ranges.\n",
            md ? "%" : "%", mark, BC_MWU_ALPHA, BC_MWU_MIN_N);
    if (pooled(t))
        fprintf(f, "An environment of several files: its figure is the median of the files' medians, "
                   "n = files with the entry (n/N: some lack it), range = their smallest..largest "
                   "median; the noise test pools their samples.\n");
    if (has_api(t))
        fprintf(f, "api = the I/O path each environment took (one name: all the same; (!) = "
                   "different kinds of driver).  Disks match by role, not index or path "
                   "(--match exact: every param).\n");
    if (has_pp(t, PP_AT))
        fprintf(f, "%s\n", at_legend);
    if (has_pp(t, PP_ISA))
        fprintf(f, "%s\n", isa_legend);
}

void bc_print(FILE *f, FILE *notes, const struct bc_table *t, enum bc_format fmt)
{
    bc_print_part(f, notes, t, fmt, BC_PART_ALL);
}
