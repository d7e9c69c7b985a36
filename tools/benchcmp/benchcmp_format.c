/* benchcmp_format.c - prints the comparison as aligned text, Markdown or CSV: which machine
 * each file came from, warnings, then one row per suite/test/params with every environment.
 * Every string from a document is printed in its display form (tools/benchcmp/safe_text.h: control bytes
 * escaped), Markdown cells and CSV cells escaped for their readers. */
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
            fputs("</tr></thead>\n<tbody>\n<tr>", f);
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
    fputs(g->rows > 1 ? "</tbody>\n</table>\n" : "</tr></thead>\n</table>\n", f);
}

/* Which machine each file came from. */
static int identity_grid(const struct bc_table *t, struct grid *g)
{
    static const char *const head[] = {"env", "file", "build", "cpu", "hypervisor", "system", "tag"};
    if (grid_init(g, t->ndocs + 1, 7))
        return -1;
    for (int c = 0; c < 7; c++)
        put(g, 0, c, head[c]);
    for (int i = 0; i < t->ndocs; i++) {
        const struct bc_doc *d = &t->docs[i];
        char sys[200];
        snprintf(sys, sizeof sys, "%s%s%s", d->sys_manufacturer,
                 d->sys_manufacturer[0] && d->sys_product[0] ? " " : "", d->sys_product);
        char lab[80];
        snprintf(lab, sizeof lab, "%s%s", d->label, i == 0 ? " (baseline)" : "");
        const char *v[] = {lab, d->path, d->build, d->cpu_brand[0] ? d->cpu_brand : "?",
                           d->hv_name[0] ? d->hv_name : "?", sys[0] ? sys : "-", d->tag[0] ? d->tag : "-"};
        for (int c = 0; c < 7; c++)
            put(g, i + 1, c, v[c]);
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

/* The comparison for text and Markdown: medians, ratio with noise mark, overhead. */
static int table_grid(const struct bc_table *t, struct grid *g, const char *mark)
{
    if (entry_grid(g, t->nrows + 1, 5 + 1 + 3 * (t->ndocs - 1)))
        return -1;
    char buf[128];
    put(g, 0, 5, t->docs[0].label);
    g->right[5] = 1;
    for (int i = 1; i < t->ndocs; i++) {
        int c = 6 + 3 * (i - 1);
        put(g, 0, c, t->docs[i].label);
        snprintf(buf, sizeof buf, "%.50s %%", t->docs[i].label);
        put(g, 0, c + 1, buf);
        snprintf(buf, sizeof buf, "%.50s overhead", t->docs[i].label);
        put(g, 0, c + 2, buf);
        g->right[c] = g->right[c + 1] = g->right[c + 2] = 1;
    }
    for (int r = 0; r < t->nrows; r++) {
        const struct bc_row *row = &t->rows[r];
        const struct bc_entry *e = row->first;
        put(g, r + 1, 0, e->suite);
        put(g, r + 1, 1, e->test);
        put(g, r + 1, 2, e->params_text[0] ? e->params_text : "-");
        put(g, r + 1, 3, e->unit);
        put(g, r + 1, 4, e->better);
        for (int i = 0; i < t->ndocs; i++) {
            const struct bc_cell *c = &row->c[i];
            int col = i == 0 ? 5 : 6 + 3 * (i - 1);
            if (!c->e) {
                put(g, r + 1, col, "-");
                if (i)
                    put(g, r + 1, col + 1, "-"), put(g, r + 1, col + 2, "-");
                continue;
            }
            num(buf, sizeof buf, c->e->median);
            put(g, r + 1, col, buf);
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

/* CSV: raw numbers, one column per value, for spreadsheets and scripts. */
static int csv_grid(const struct bc_table *t, struct grid *g)
{
    if (entry_grid(g, t->nrows + 1, 5 + 3 + 7 * (t->ndocs - 1)))
        return -1;
    char buf[128];
    static const char *const per[] = {"median", "min", "max", "ratio_pct", "overhead_pct",
                                      "within_noise", "noise_test"};
    int col = 5;
    for (int i = 0; i < t->ndocs; i++)
        for (int k = 0; k < (i ? 7 : 3); k++) {
            snprintf(buf, sizeof buf, "%s_%s", t->docs[i].label, per[k]);
            put(g, 0, col++, buf);
        }
    for (int r = 0; r < t->nrows; r++) {
        const struct bc_row *row = &t->rows[r];
        const struct bc_entry *e = row->first;
        const char *v[] = {e->suite, e->test, e->params_text, e->unit, e->better};
        for (int c = 0; c < 5; c++)
            put(g, r + 1, c, v[c]);
        col = 5;
        for (int i = 0; i < t->ndocs; i++) {
            const struct bc_cell *c = &row->c[i];
            double vals[] = {c->e ? c->e->median : NAN, c->e ? c->e->min : NAN,
                             c->e ? c->e->max : NAN, c->ratio_pct, c->overhead_pct};
            for (int k = 0; k < (i ? 5 : 3); k++) {
                if (isnan(vals[k]))
                    buf[0] = '\0';
                else
                    snprintf(buf, sizeof buf, "%.6g", vals[k]);
                put(g, r + 1, col++, buf);
            }
            if (!i)
                continue;
            put(g, r + 1, col++, c->noise == BC_NOISE_NA ? "" : c->noise == BC_WITHIN_NOISE ? "yes" : "no");
            if (c->method == 'U')
                snprintf(buf, sizeof buf, "mann-whitney p=%.3g", c->p);
            else
                snprintf(buf, sizeof buf, "%s", c->method == 'r' ? "min-max overlap" : "");
            put(g, r + 1, col++, buf);
        }
    }
    return 0;
}

/* BC_HTML: sections of the report page (tools/benchcmp/benchcmp_report.c). */
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
                   "%d samples, else overlapping min..max ranges.</p>\n</section>\n",
                BC_MWU_ALPHA, BC_MWU_MIN_N);
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
    fputs("</ul>\n</section>\n", f);
}

void bc_print(FILE *f, FILE *notes, const struct bc_table *t, enum bc_format fmt)
{
    struct grid g = {0};
    if (fmt == BC_CSV) {
        /* the identity and warnings go to `notes` so that f gets one CSV table */
        if (notes && identity_grid(t, &g) == 0)
            print_aligned(notes, &g, 0);
        grid_free(&g);
        for (int i = 0; notes && i < t->nwarn; i++) {
            fputs("warning: ", notes);
            st_put_display(notes, t->warn[i]);
            fputc('\n', notes);
        }
        memset(&g, 0, sizeof g);
        if (csv_grid(t, &g) == 0)
            print_csv(f, &g);
        grid_free(&g);
        return;
    }
    if (fmt == BC_HTML) {
        bc_print_html(f, t, BC_HTML_FRONT);
        bc_print_html(f, t, BC_HTML_TABLE);
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
    for (int i = 0; i < t->nwarn; i++) { /* warnings quote document strings */
        fputs(md ? "> **warning:** " : "warning: ", f);
        if (md)
            st_put_markdown(f, t->warn[i]);
        else
            st_put_display(f, t->warn[i]);
        fputs(md ? "\n\n" : "\n", f);
    }
    if (t->nwarn)
        fputc('\n', f);
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
}
