/* benchcmp_plot.c - renders charts with gnuplot (SVG + PNG) of the kinds each suite asks for in
 * bench/suite_charts.c: a value against block size per environment (sweep), memory per cache
 * level (levels), and bars per test.  Kinds without data are skipped.
 * Documents are untrusted: gnuplot gets numbers through data files (numbers and '#' comments
 * only) and scripts of fixed commands in which every text is a single-quoted literal written by
 * st_put_gnuplot (no `command` substitution, no @macros there); file names are [A-Za-z0-9._-] (st_file_part). */
#include "tools/benchcmp/benchcmp.h"
#include "bench/suite_charts.h"
#include "tools/benchcmp/safe_text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAXCHARTS 64 /* per kind: a safety net against documents with endless param variants */

static const char *const colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
#define NCOLORS (sizeof colors / sizeof colors[0])

struct plotctx {
    const struct bc_table *t;
    const char *dir, *gnuplot;
    FILE *made;
    char *err;
    size_t errlen;
    int charts;
    const char *suite; /* the suite of the chart being drawn (bench/suite_charts.c) */
    struct bc_charts *list; /* the charts drawn, or NULL */
};

static int fail(struct plotctx *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err, p->errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* The display form of a document string (no newline of its own: titles split on ours). */
static const char *disp(char *buf, size_t n, const char *s)
{
    st_display(buf, n, s);
    return buf;
}

static const char *param_str(const struct bc_entry *e, const char *key, char *buf, size_t n)
{
    json_t *v = json_object_get(e->params, key);
    if (!v)
        return NULL;
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v))
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
    else if (json_is_number(v))
        snprintf(buf, n, "%g", json_number_value(v));
    else
        snprintf(buf, n, "%s", json_is_true(v) ? "yes" : "no");
    return buf;
}

/* "4K", "1M", "3.75K", "1024K": binary units, short. */
static void size_name(char *buf, size_t n, double b)
{
    static const char *const u[] = {"", "K", "M", "G", "T"};
    int k = 0;
    while (k < 4 && b >= 1024)
        b /= 1024, k++;
    if (b >= 100 || b == (long long)b)
        snprintf(buf, n, "%.0f%s", b, u[k]);
    else
        snprintf(buf, n, "%.3g%s", b, u[k]);
}

/* Note a chart drawn in p->list (when kept): its name, suite and title. */
static int list_chart(struct plotctx *p, const char *name, const char *title)
{
    struct bc_charts *l = p->list;
    if (!l)
        return 0;
    struct bc_chart *c = realloc(l->c, (size_t)(l->n + 1) * sizeof *c);
    if (!c)
        return fail(p, "out of memory");
    l->c = c;
    c += l->n++;
    snprintf(c->name, sizeof c->name, "%s", name);
    snprintf(c->suite, sizeof c->suite, "%s", p->suite ? p->suite : "");
    snprintf(c->title, sizeof c->title, "%s", title);
    return 0;
}

/* Run gnuplot on dir/NAME.gp with dir as working directory (no gnuplot: the script only). */
static int run_gnuplot(struct plotctx *p, const char *name, const char *title)
{
    char script[200];
    snprintf(script, sizeof script, "%s.gp", name);
    if (!p->gnuplot) {
        p->charts++;
        return list_chart(p, name, title);
    }
    pid_t pid = fork();
    if (pid < 0)
        return fail(p, "cannot start gnuplot: %s", strerror(errno));
    if (pid == 0) {
        if (chdir(p->dir) == 0)
            execlp(p->gnuplot, p->gnuplot, script, (char *)NULL);
        _exit(127);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return fail(p, "waiting for gnuplot: %s", strerror(errno));
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return fail(p, "cannot run '%s' (install gnuplot-nox, or give --gnuplot PATH)", p->gnuplot);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return fail(p, "gnuplot failed on %s/%s", p->dir, script);
    if (p->made) {
        fputs("chart: ", p->made);
        st_put_display(p->made, p->dir);
        fprintf(p->made, "/%s.svg ", name);
        st_put_display(p->made, p->dir);
        fprintf(p->made, "/%s.png\n", name);
    }
    p->charts++;
    return list_chart(p, name, title);
}

static FILE *open_in_dir(struct plotctx *p, const char *name, const char *ext)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.%s", p->dir, name, ext);
    FILE *f = fopen(path, "w");
    if (!f)
        fail(p, "cannot write %s: %s", path, strerror(errno));
    return f;
}

/* Text as gnuplot literals, one per part between `sep` characters, joined by line breaks
 * (NL, defined in the script head): 'line 1' . NL . 'line 2'. */
static void gp_lines(FILE *f, const char *text, char sep)
{
    for (const char *end;; text = end + 1) {
        end = strchr(text, sep);
        char *part = strndup(text, end ? (size_t)(end - text) : strlen(text));
        st_put_gnuplot(f, part ? part : "?");
        free(part);
        if (!end)
            break;
        fputs(" . NL . ", f);
    }
}

/* "set output 'NAME.EXT'" (NAME is st_file_part). */
static void gp_output(FILE *f, const char *name, const char *ext)
{
    char file[160];
    snprintf(file, sizeof file, "%s.%s", name, ext);
    fputs("set output ", f);
    st_put_gnuplot(f, file);
    fputc('\n', f);
}

/* Common head of a script: look, then the SVG terminal; `body` plots; PNG by replot.  The
 * title's lines are separated by '\n'. */
static void script_head(FILE *f, const char *title, const char *xlabel, const char *ylabel,
                        int width, int height)
{
    fprintf(f, "# written by benchcmp: every text is a single-quoted literal\n"
               "set terminal svg size %d,%d dynamic noenhanced font 'Sans,13' background rgb 'white'\n",
            width, height);
    fprintf(f, "NL = sprintf('%%c', 10)\nset datafile missing '?'\nset grid ytics lc rgb '#dddddd'\n"
               "set border 3\nset tics nomirror\nset key outside right top vertical noenhanced box\n");
    fputs("set title ", f);
    gp_lines(f, title, '\n');
    fputs(" noenhanced font 'Sans,14'\nset xlabel ", f);
    st_put_gnuplot(f, xlabel);
    fputs(" noenhanced\nset ylabel ", f);
    st_put_gnuplot(f, ylabel);
    fputs(" noenhanced\n", f);
}

static void script_tail(FILE *f, const char *name, int width, int height)
{
    fprintf(f, "set terminal pngcairo size %d,%d noenhanced font 'Sans,11' background rgb 'white'\n",
            width, height);
    gp_output(f, name, "png");
    fputs("replot\nunset output\n", f);
}

/* --- bar charts: categories on x, one bar per environment, min..max as error bars --- */

struct bars {
    char name[128], title[256], xlabel[128], ylabel[128];
    int n;
    const struct bc_row *row[256];
    char cat[256][64];  /* tick label: the category ... */
    char sub[256][96];  /* ... and its params, one per line under it (display forms) */
};

/* The x tick labels of a bar chart, 'name' . NL . 'k=v' . NL . 'k=v', at clusters 0, 1, 2... */
static void bar_tics(FILE *f, const struct bars *b)
{
    int lines = 1;
    for (int i = 0; i < b->n; i++) {
        int l = 1 + (b->sub[i][0] != '\0');
        for (const char *q = b->sub[i]; *q; q++)
            l += *q == ' ';
        if (l > lines)
            lines = l;
    }
    fprintf(f, "set bmargin %d\nset xlabel offset 0,%d\n", 3 + lines, -(lines - 1));
    fprintf(f, "set xtics (");
    for (int i = 0; i < b->n; i++) {
        fputs(i ? ", " : "", f);
        st_put_gnuplot(f, b->cat[i]);
        if (b->sub[i][0]) {
            fputs(" . NL . ", f);
            gp_lines(f, b->sub[i], ' ');
        }
        fprintf(f, " %d", i);
    }
    fprintf(f, ")\n");
}

/* Append " tok" (or "tok" to an empty string) when it fits. */
static void append_tok(char *dst, size_t cap, const char *tok, size_t l)
{
    size_t n = strlen(dst);
    if (n + l + 2 > cap)
        return;
    if (n)
        dst[n++] = ' ';
    memcpy(dst + n, tok, l);
    dst[n + l] = '\0';
}

/* Params shared by every category (e.g. disk=0 threads=1) move from the tick labels to the
 * title, so that the labels show what differs. */
static void hoist_common_params(struct bars *b)
{
    char common[256] = "", tok[96];
    if (b->n < 2)
        return;
    for (const char *q = b->sub[0]; *q;) {
        size_t l = strcspn(q, " ");
        snprintf(tok, sizeof tok, "%.*s", (int)l, q);
        int all = 1;
        for (int i = 1; i < b->n && all; i++) {
            const char *f = strstr(b->sub[i], tok);
            all = f && (f == b->sub[i] || f[-1] == ' ') && (f[l] == ' ' || f[l] == '\0');
        }
        if (all)
            append_tok(common, sizeof common, q, l);
        q += l;
        q += *q == ' ';
    }
    if (!common[0])
        return;
    for (int i = 0; i < b->n; i++) { /* rebuild each label without the common tokens */
        char out[96] = "";
        for (const char *q = b->sub[i]; *q;) {
            size_t l = strcspn(q, " ");
            snprintf(tok, sizeof tok, "%.*s", (int)l, q);
            const char *f = strstr(common, tok);
            int shared = f && (f == common || f[-1] == ' ') && (f[l] == ' ' || f[l] == '\0');
            if (!shared)
                append_tok(out, sizeof out, q, l);
            q += l;
            q += *q == ' ';
        }
        memcpy(b->sub[i], out, sizeof out);
    }
    size_t tl = strlen(b->title);
    snprintf(b->title + tl, sizeof b->title - tl, "\nall with %.150s", common);
}

static int plot_bars(struct plotctx *p, struct bars *b)
{
    hoist_common_params(b);
    const struct bc_table *t = p->t;
    FILE *d = open_in_dir(p, b->name, "dat");
    if (!d)
        return -1;
    double lo = INFINITY, hi = 0;
    int has[64] = {0}, any = 0;
    fprintf(d, "# category (the x tick), then median min max per environment\n");
    for (int i = 0; i < b->n; i++) {
        fprintf(d, "%d", i);
        for (int k = 0; k < t->npools; k++) {
            const struct bc_cell *e = &b->row[i]->c[k];
            if (e->n && !b->row[i]->unit_mismatch) {
                fprintf(d, " %.9g %.9g %.9g", e->median, e->lo, e->hi);
                has[k % 64] = any = 1;
                if (e->lo > 0 && e->lo < lo)
                    lo = e->lo;
                if (e->hi > hi)
                    hi = e->hi;
            } else {
                fprintf(d, " ? ? ?");
            }
        }
        fputc('\n', d);
    }
    fclose(d);
    if (!any)
        return 0; /* nothing to draw */
    FILE *f = open_in_dir(p, b->name, "gp");
    if (!f)
        return -1;
    /* wide enough that the (unrotated, one param per line) tick labels do not collide */
    int widest = 0;
    for (int i = 0; i < b->n; i++) {
        int run = 0;
        for (const char *q = b->cat[i]; *q; q++)
            run++;
        if (run > widest)
            widest = run;
        run = 0;
        for (const char *q = b->sub[i];; q++) {
            if (!*q || *q == ' ') {
                if (run > widest)
                    widest = run;
                run = 0;
                if (!*q)
                    break;
            } else {
                run++;
            }
        }
    }
    int per = 9 * widest + 16, bars = 30 + 22 * t->npools;
    int width = 300 + b->n * (per > bars ? per : bars), height = 560;
    if (width < 760)
        width = 760;
    if (width > 4000)
        width = 4000;
    int logy = hi > 0 && lo < INFINITY && hi / lo > 50;
    char ylabel[160];
    snprintf(ylabel, sizeof ylabel, "%s%s", b->ylabel, logy ? " (log scale)" : "");
    script_head(f, b->title, b->xlabel, ylabel, width, height);
    fprintf(f, "set style data histogram\nset style histogram errorbars gap 1 lw 1.5\n"
               "set style fill solid 0.85 border rgb '#333333'\nset boxwidth 0.9\n"
               "set xtics scale 0 %s\n",
            "");
    bar_tics(f, b);
    if (logy)
        fprintf(f, "set logscale y\nset yrange [%g:*]\n", lo / 2);
    else
        fprintf(f, "set yrange [0:*]\n");
    gp_output(f, b->name, "svg");
    fputs("plot ", f);
    char dat[160];
    snprintf(dat, sizeof dat, "%s.dat", b->name);
    for (int k = 0, first = 1; k < t->npools; k++) {
        if (!has[k % 64])
            continue; /* an environment without any of these entries gets no empty legend entry */
        fputs(first ? "" : ", \\\n     ", f);
        st_put_gnuplot(f, dat);
        fprintf(f, " using %d:%d:%d title ", 2 + 3 * k, 3 + 3 * k, 4 + 3 * k);
        st_put_gnuplot(f, t->pools[k].label);
        fprintf(f, " lc rgb '%s'", colors[k % NCOLORS]);
        first = 0;
    }
    fprintf(f, "\n");
    script_tail(f, b->name, width, height);
    fclose(f);
    return run_gnuplot(p, b->name, b->title);
}

/* --- the kinds --- */

static int has_suite(const struct bc_row *r, const char *suite)
{
    return !strcmp(r->first->suite, suite);
}

static int is_time_unit(const char *u)
{
    return !strcmp(u, "ns") || !strcmp(u, "us") || !strcmp(u, "ms") || !strcmp(u, "s");
}

/* The chart group of a mem entry: test, params other than level/bytes, and unit (display forms,
 * also its chart's title). */
static void mem_group(const struct bc_entry *e, char *k, size_t n)
{
    static const char *const skip[] = {"level", "bytes", NULL};
    char rest[160], test[41], params[151], unit[21];
    bc_params_format(e->params, skip, rest, sizeof rest);
    snprintf(k, n, "%s%s%s (%s)", disp(test, sizeof test, e->test), rest[0] ? " " : "",
             disp(params, sizeof params, rest), disp(unit, sizeof unit, e->unit));
}

static double mem_bytes(const struct bc_entry *e)
{
    json_t *b = json_object_get(e->params, "bytes");
    return json_is_number(b) ? json_number_value(b) : 0;
}

/* A mem entry that belongs to one level: it has a level, and not "boundary" (a working set
 * between two levels measures a mix of both: left out of per-level groups). */
static int mem_levelled(const struct bc_entry *e)
{
    char buf[32];
    const char *lv = json_object_get(e->params, "level") ? param_str(e, "level", buf, sizeof buf) : NULL;
    return lv && strcmp(lv, "boundary") != 0;
}

/* Memory.  A test measured at several cache levels gets a chart of its own: bar groups per
 * level (and buffer size), smallest first.  Tests measured at one level only (the STREAM
 * kernels at DRAM) share a chart per level, ISA and unit, a bar group per test variant. */
static int plot_levels(struct plotctx *p)
{
    const struct bc_table *t = p->t;
    static char keys[MAXCHARTS][240];
    static int nlevels[MAXCHARTS];
    static char lv1[MAXCHARTS][32];
    int nk = 0;
    for (int i = 0; i < t->nrows; i++) {
        const struct bc_entry *e = t->rows[i].first;
        char k[240], buf[32];
        if (!has_suite(&t->rows[i], p->suite) || !mem_levelled(e))
            continue;
        mem_group(e, k, sizeof k);
        const char *lv = param_str(e, "level", buf, sizeof buf);
        int j = 0;
        while (j < nk && strcmp(keys[j], k))
            j++;
        if (j == nk) {
            if (nk == MAXCHARTS)
                continue;
            memcpy(keys[nk], k, sizeof k);
            snprintf(lv1[nk], sizeof lv1[0], "%s", lv);
            nlevels[nk++] = 1;
        } else if (strcmp(lv1[j], lv)) {
            nlevels[j] = 2; /* at least two levels: enough to know */
        }
    }
    static struct bars b;
    /* one chart per multi-level group */
    for (int c = 0; c < nk; c++) {
        if (nlevels[c] < 2)
            continue;
        memset(&b, 0, sizeof b);
        char fn[128];
        st_file_part(fn, sizeof fn, keys[c]);
        snprintf(b.name, sizeof b.name, "%.20s-%.100s", p->suite, fn);
        const char *unit = "";
        for (int i = 0; i < t->nrows && b.n < 256; i++) {
            const struct bc_entry *e = t->rows[i].first;
            char k[240], buf[32];
            if (!has_suite(&t->rows[i], p->suite) || !mem_levelled(e))
                continue;
            mem_group(e, k, sizeof k);
            if (strcmp(k, keys[c]))
                continue;
            int at = b.n++; /* insertion sort by buffer size */
            while (at > 0 && mem_bytes(b.row[at - 1]->first) > mem_bytes(e)) {
                b.row[at] = b.row[at - 1];
                memcpy(b.cat[at], b.cat[at - 1], sizeof b.cat[0]);
                memcpy(b.sub[at], b.sub[at - 1], sizeof b.sub[0]);
                at--;
            }
            b.row[at] = &t->rows[i];
            disp(b.cat[at], sizeof b.cat[0], param_str(e, "level", buf, sizeof buf));
            b.sub[at][0] = '\0';
            if (mem_bytes(e) > 0)
                size_name(b.sub[at], sizeof b.sub[0], mem_bytes(e));
            unit = e->unit;
        }
        snprintf(b.title, sizeof b.title, "memory per cache level: %.150s\n"
                 "bars: median, whiskers: min..max", keys[c]);
        snprintf(b.xlabel, sizeof b.xlabel, "cache level and buffer size (bytes)");
        char du[32];
        snprintf(b.ylabel, sizeof b.ylabel, "%s (%s)", !strcmp(unit, "ns") ? "latency" : "bandwidth",
                 disp(du, sizeof du, unit));
        if (plot_bars(p, &b))
            return -1;
    }
    /* single-level groups: one chart per level, isa and unit */
    static char done[MAXCHARTS][120];
    int ndone = 0;
    for (int c = 0; c < nk; c++) {
        if (nlevels[c] != 1)
            continue;
        static const char *const skip[] = {"level", "bytes", "isa", NULL};
        char ck[120], isa[32] = "", buf[32], unit[32] = "";
        const struct bc_entry *e0 = NULL;
        for (int i = 0; i < t->nrows && !e0; i++) {
            char k[240];
            if (!has_suite(&t->rows[i], p->suite) || !mem_levelled(t->rows[i].first))
                continue;
            mem_group(t->rows[i].first, k, sizeof k);
            if (!strcmp(k, keys[c]))
                e0 = t->rows[i].first;
        }
        if (!e0)
            continue;
        const char *is = param_str(e0, "isa", buf, sizeof buf);
        snprintf(isa, sizeof isa, "%.30s", is ? is : "");
        snprintf(unit, sizeof unit, "%.30s", e0->unit);
        snprintf(ck, sizeof ck, "%.31s %.31s %.31s", lv1[c], isa, unit);
        int seen = 0;
        for (int j = 0; j < ndone; j++)
            seen |= !strcmp(done[j], ck);
        if (seen || ndone == MAXCHARTS)
            continue;
        memcpy(done[ndone++], ck, sizeof ck);
        memset(&b, 0, sizeof b);
        char fn[128];
        st_file_part(fn, sizeof fn, ck);
        snprintf(b.name, sizeof b.name, "%.20s-%.100s", p->suite, fn);
        for (int g = c; g < nk && b.n < 256; g++) { /* every single-level group of this chart */
            if (nlevels[g] != 1 || strcmp(lv1[g], lv1[c]))
                continue;
            for (int i = 0; i < t->nrows && b.n < 256; i++) {
                const struct bc_entry *e = t->rows[i].first;
                char k[240], b2[32];
                if (!has_suite(&t->rows[i], p->suite) || !mem_levelled(e))
                    continue;
                mem_group(e, k, sizeof k);
                const char *ei = param_str(e, "isa", b2, sizeof b2);
                if (strcmp(k, keys[g]) || strcmp(ei ? ei : "", isa) || strcmp(e->unit, unit))
                    continue;
                char sub[sizeof b.sub[0]];
                b.row[b.n] = &t->rows[i];
                disp(b.cat[b.n], sizeof b.cat[0], e->test);
                bc_params_format(e->params, skip, sub, sizeof sub);
                disp(b.sub[b.n++], sizeof b.sub[0], sub);
            }
        }
        char dl[21], di[31], du[32];
        snprintf(b.title, sizeof b.title, "memory at %s%s%s, per kernel\n"
                 "bars: median, whiskers: min..max", disp(dl, sizeof dl, lv1[c]),
                 isa[0] ? ", isa " : "", disp(di, sizeof di, isa));
        snprintf(b.xlabel, sizeof b.xlabel, "kernel and its parameters");
        snprintf(b.ylabel, sizeof b.ylabel, "%s (%s)", !strcmp(unit, "ns") ? "latency" : "bandwidth",
                 disp(du, sizeof du, unit));
        if (plot_bars(p, &b))
            return -1;
    }
    return 0;
}

/* Bars: one chart per suite and unit, one bar group per test (+ params). */
static int plot_suite_bars(struct plotctx *p, const char *suite, const char *what,
                           const char *quantity,
                           int (*want)(const struct bc_table *, int, const char *))
{
    const struct bc_table *t = p->t;
    const char *units[MAXCHARTS];
    int nu = 0;
    for (int i = 0; i < t->nrows; i++) {
        if (!has_suite(&t->rows[i], suite) || (want && !want(t, i, suite)))
            continue;
        int seen = 0;
        for (int j = 0; j < nu; j++)
            seen |= !strcmp(units[j], t->rows[i].first->unit);
        if (!seen && nu < MAXCHARTS)
            units[nu++] = t->rows[i].first->unit;
    }
    static struct bars b;
    for (int u = 0; u < nu; u++) {
        memset(&b, 0, sizeof b);
        char fn[64];
        st_file_part(fn, sizeof fn, units[u]);
        snprintf(b.name, sizeof b.name, "%s-%s", suite, fn[0] ? fn : "value");
        const char *better = "";
        for (int i = 0; i < t->nrows && b.n < 256; i++) {
            const struct bc_entry *e = t->rows[i].first;
            if (!has_suite(&t->rows[i], suite) || strcmp(e->unit, units[u]) || (want && !want(t, i, suite)))
                continue;
            b.row[b.n] = &t->rows[i];
            disp(b.cat[b.n], sizeof b.cat[0], e->test);
            disp(b.sub[b.n++], sizeof b.sub[0], t->rows[i].params_text);
            better = e->better; /* "higher" or "lower": checked when loaded */
        }
        snprintf(b.title, sizeof b.title, "%s (%s is better)\nbars: median, whiskers: min..max",
                 what, better);
        snprintf(b.xlabel, sizeof b.xlabel, "test and its parameters");
        char du[64];
        snprintf(b.ylabel, sizeof b.ylabel, "%s (%s)",
                 quantity ? quantity : is_time_unit(units[u]) ? "latency" : "rate",
                 disp(du, sizeof du, units[u]));
        if (plot_bars(p, &b))
            return -1;
    }
    return 0;
}

/* The sweep an entry belongs to: test, unit and params other than block_size. */
/* Params a sweep's lines are not told apart by: the block size (the x axis), and with role
 * matching the disk's index, kind and path (environments differ in those); the lines' own
 * variants (qd...) also leave out op and pattern, which the chart is already about. */
static const char *const *sweep_skip(const struct bc_table *t)
{
    static const char *const role[] = {"block_size", "op", "pattern", "disk", "disk_kind", "api", NULL};
    static const char *const exact[] = {"block_size", "op", "pattern", NULL};
    return t->match == BC_MATCH_ROLE ? role : exact;
}

static void sweep_group(const struct bc_table *t, const struct bc_entry *e, char *g, size_t n)
{
    static const char *const bs_only[] = {"block_size", NULL};
    static const char *const bs_disk[] = {"block_size", "disk", "disk_kind", "api", NULL};
    const char *const *skip = t->match == BC_MATCH_ROLE ? bs_disk : bs_only;
    char rest[200];
    bc_params_format(e->params, skip, rest, sizeof rest);
    snprintf(g, n, "%.40s|%.20s|%s", e->test, e->unit, rest);
}

/* 1 when row i is an entry of `suite` whose sweep has at least two block sizes. */
static int sweep_row(const struct bc_table *t, int i, const char *suite)
{
    const struct bc_entry *e = t->rows[i].first;
    json_t *bs = json_object_get(e->params, "block_size");
    if (!has_suite(&t->rows[i], suite) || !json_is_number(bs))
        return 0;
    char g[300], h[300];
    sweep_group(t, e, g, sizeof g);
    for (int j = 0; j < t->nrows; j++) {
        const struct bc_entry *f = t->rows[j].first;
        json_t *bs2 = json_object_get(f->params, "block_size");
        if (j == i || !has_suite(&t->rows[j], suite) || !json_is_number(bs2) ||
            json_number_value(bs2) == json_number_value(bs))
            continue;
        sweep_group(t, f, h, sizeof h);
        if (!strcmp(g, h))
            return 1;
    }
    return 0;
}

static int not_sweep_row(const struct bc_table *t, int i, const char *suite)
{
    return !sweep_row(t, i, suite);
}

/* The chart of a sweep entry: "test (unit)" (display forms, also in its chart's title);
 * -1 when row i is not in a sweep. */
static int sweep_key(const struct bc_table *t, int i, const char *suite, char *k, size_t n)
{
    char test[61], unit[31];
    if (!sweep_row(t, i, suite))
        return -1;
    snprintf(k, n, "%s (%s)", disp(test, sizeof test, t->rows[i].first->test),
             disp(unit, sizeof unit, t->rows[i].first->unit));
    return 0;
}

/* Sweeps (disk): one chart per test and unit, one line per environment (and other params such
 * as qd), the value against block size on a log2 axis. */
static int plot_sweep(struct plotctx *p)
{
    const struct bc_table *t = p->t;
    const char *const *skip = sweep_skip(t);
    char charts[MAXCHARTS][100], variants[MAXCHARTS][160];
    int nc = 0;
    for (int i = 0; i < t->nrows; i++) {
        const struct bc_entry *e = t->rows[i].first;
        char k[100];
        (void)e;
        if (sweep_key(t, i, p->suite, k, sizeof k))
            continue;
        int seen = 0;
        for (int j = 0; j < nc; j++)
            seen |= !strcmp(charts[j], k);
        if (!seen && nc < MAXCHARTS)
            memcpy(charts[nc++], k, sizeof k);
    }
    for (int c = 0; c < nc; c++) {
        char name[128], fn[100], unit[32] = "";
        double ticksv[64];
        int nt = 0, nv = 0;
        st_file_part(fn, sizeof fn, charts[c]);
        snprintf(name, sizeof name, "%.20s-%.99s", p->suite, fn);
        FILE *d = open_in_dir(p, name, "dat");
        if (!d)
            return -1;
        /* the variants (params other than block size/op/pattern) present in this chart */
        for (int pass = 0; pass < 2; pass++)
            for (int i = 0; i < t->nrows; i++) {
                const struct bc_entry *e = t->rows[i].first;
                char k[100], v[160];
                if (sweep_key(t, i, p->suite, k, sizeof k) || strcmp(k, charts[c]))
                    continue;
                bc_params_format(e->params, skip, v, sizeof v);
                snprintf(unit, sizeof unit, "%s", e->unit);
                double bs = json_number_value(json_object_get(e->params, "block_size"));
                int seen = 0;
                for (int j = 0; j < nt; j++)
                    seen |= ticksv[j] == bs;
                if (!seen && nt < 64)
                    ticksv[nt++] = bs;
                seen = 0;
                for (int j = 0; j < nv; j++)
                    seen |= !strcmp(variants[j], v);
                if (!seen && nv < MAXCHARTS)
                    memcpy(variants[nv++], v, sizeof v);
                (void)pass;
            }
        /* one data block per environment x variant: block_size median min max, sorted; the
         * plot command that draws them is written to `pc` meanwhile */
        int nseries = 0;
        char *plot = NULL, dat[160];
        size_t plotlen = 0;
        FILE *pc = open_memstream(&plot, &plotlen);
        if (!pc) {
            fclose(d);
            return fail(p, "out of memory");
        }
        snprintf(dat, sizeof dat, "%s.dat", name);
        for (int k = 0; k < t->npools; k++)
            for (int v = 0; v < nv; v++) {
                double pts[256][4];
                int np = 0;
                for (int i = 0; i < t->nrows && np < 256; i++) {
                    const struct bc_row *r = &t->rows[i];
                    const struct bc_entry *e = r->c[k].e;
                    const struct bc_cell *cl = &r->c[k];
                    char key[100], var[160];
                    if (!e || r->unit_mismatch || sweep_key(t, i, p->suite, key, sizeof key))
                        continue;
                    bc_params_format(e->params, skip, var, sizeof var);
                    if (strcmp(key, charts[c]) || strcmp(var, variants[v]))
                        continue;
                    double bs = json_number_value(json_object_get(e->params, "block_size"));
                    int at = np++;
                    while (at > 0 && pts[at - 1][0] > bs) { /* insertion sort by block size */
                        memcpy(pts[at], pts[at - 1], sizeof pts[0]);
                        at--;
                    }
                    pts[at][0] = bs, pts[at][1] = cl->median, pts[at][2] = cl->lo, pts[at][3] = cl->hi;
                }
                if (!np)
                    continue;
                /* the series: environment, and the variant when there are several (one: in
                 * the title) */
                char series[512];
                snprintf(series, sizeof series, "%.63s%s%.159s", t->pools[k].label, nv > 1 ? " " : "",
                         nv > 1 ? variants[v] : "");
                fputs("# ", d);
                st_put_display(d, series);
                fputc('\n', d);
                for (int i = 0; i < np; i++)
                    fprintf(d, "%.9g %.9g %.9g %.9g\n", pts[i][0], pts[i][1], pts[i][2], pts[i][3]);
                fprintf(d, "\n\n");
                fputs(nseries ? ", \\\n     " : "", pc);
                st_put_gnuplot(pc, dat);
                fprintf(pc, " index %d using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb '%s' "
                            "dt %d title ", nseries, colors[k % NCOLORS], v % 5 + 1);
                st_put_gnuplot(pc, series);
                nseries++;
            }
        fclose(d);
        fclose(pc);
        if (!nseries) {
            free(plot);
            continue;
        }
        FILE *f = open_in_dir(p, name, "gp");
        if (!f) {
            free(plot);
            return -1;
        }
        char title[256], ylabel[100], dv[81], du[32];
        snprintf(title, sizeof title, "%.20s %s vs block size: %.99s%s%.80s%s", p->suite,
                 is_time_unit(unit) ? "latency" : "throughput", charts[c],
                 nv == 1 && variants[0][0] ? " (" : "", disp(dv, sizeof dv, nv == 1 ? variants[0] : ""),
                 nv == 1 && variants[0][0] ? ")" : "");
        snprintf(ylabel, sizeof ylabel, "%s (%s), median with min..max",
                 is_time_unit(unit) ? "latency" : "throughput", disp(du, sizeof du, unit));
        script_head(f, title, "block size (bytes, log2 scale)", ylabel, 1000, 560);
        fputs("set key inside left top\nset logscale x 2\nset xtics (", f);
        for (int i = 0; i < nt; i++) {
            char sn[16];
            size_name(sn, sizeof sn, ticksv[i]);
            fputs(i ? ", " : "", f);
            st_put_gnuplot(f, sn);
            fprintf(f, " %.0f", ticksv[i]);
        }
        fputs(")\nset yrange [0:*]\nset offsets graph 0.03, graph 0.03, 0, 0\n", f);
        gp_output(f, name, "svg");
        fprintf(f, "plot %s\n", plot);
        free(plot);
        script_tail(f, name, 1000, 560);
        fclose(f);
        if (run_gnuplot(p, name, title))
            return -1;
    }
    return 0;
}

int bc_plot(const struct bc_table *t, const char *dir, const char *gnuplot, FILE *made,
            char *err, size_t errlen)
{
    return bc_plot_list(t, dir, gnuplot, made, NULL, err, errlen);
}

void bc_charts_free(struct bc_charts *l)
{
    free(l->c);
    memset(l, 0, sizeof *l);
}

int bc_plot_list(const struct bc_table *t, const char *dir, const char *gnuplot, FILE *made,
                 struct bc_charts *list, char *err, size_t errlen)
{
    struct plotctx p = {t, dir, gnuplot, made, err, errlen, 0, NULL, list};
    if (mkdir(dir, 0777) && errno != EEXIST)
        return fail(&p, "cannot create %s: %s", dir, strerror(errno));
    for (const struct suite_chart *c = suite_charts; c->suite; c++) {
        p.suite = c->suite;
        int bad;
        switch (c->kind) {
        case CHART_SWEEP: bad = plot_sweep(&p); break;
        case CHART_LEVELS: bad = plot_levels(&p); break;
        case CHART_BARS: bad = plot_suite_bars(&p, c->suite, c->title, c->quantity, NULL); break;
        default: bad = plot_suite_bars(&p, c->suite, c->title, c->quantity, not_sweep_row); break;
        }
        if (bad)
            return -1;
    }
    return p.charts;
}
