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
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAXCHARTS 64 /* per kind: a safety net against documents with endless param variants */
#define GP_PARALLEL 3 /* gnuplot processes at a time (each chart is its own) */

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
    int svg_only;           /* no PNG (the report inlines the SVG only) */
    struct running {        /* gnuplot processes not waited for yet, oldest first */
        pid_t pid;
        char name[128], suite[32], title[400];
    } run[GP_PARALLEL];
    int nrun;
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

/* A test's name in words: "seq_read" -> "seq read" (display form). */
static const char *words(char *buf, size_t n, const char *test)
{
    disp(buf, n, test);
    for (char *q = buf; *q; q++)
        if (*q == '_')
            *q = ' ';
    return buf;
}

/* Note a chart drawn in p->list (when kept): its name, suite and title. */
static int list_chart(struct plotctx *p, const char *name, const char *suite, const char *title)
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
    snprintf(c->suite, sizeof c->suite, "%s", suite ? suite : "");
    snprintf(c->title, sizeof c->title, "%s", title);
    return 0;
}

/* Wait for the oldest gnuplot still running; its chart is drawn (listed, named in `made`) when
 * it succeeded. */
static int reap_oldest(struct plotctx *p)
{
    struct running r = p->run[0];
    memmove(&p->run[0], &p->run[1], (size_t)--p->nrun * sizeof p->run[0]);
    int st;
    while (waitpid(r.pid, &st, 0) < 0)
        if (errno != EINTR)
            return fail(p, "waiting for gnuplot: %s", strerror(errno));
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return fail(p, "cannot run '%s' (install gnuplot-nox, or give --gnuplot PATH)", p->gnuplot);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return fail(p, "gnuplot failed on %s/%s.gp", p->dir, r.name);
    if (p->made) {
        fputs("chart: ", p->made);
        st_put_display(p->made, p->dir);
        fprintf(p->made, "/%s.svg", r.name);
        if (!p->svg_only) {
            fputc(' ', p->made);
            st_put_display(p->made, p->dir);
            fprintf(p->made, "/%s.png", r.name);
        }
        fputc('\n', p->made);
    }
    p->charts++;
    return list_chart(p, r.name, r.suite, r.title);
}

/* Wait for every gnuplot still running (all of them, also after a failure); 0 when all drew.
 * The message is the first failure's (also one set before the call when keep_err). */
static int reap_all(struct plotctx *p, int keep_err)
{
    char first[512];
    int bad = keep_err;
    snprintf(first, sizeof first, "%s", keep_err ? p->err : "");
    while (p->nrun)
        if (reap_oldest(p) && !bad++)
            snprintf(first, sizeof first, "%s", p->err);
    if (bad)
        snprintf(p->err, p->errlen, "%s", first);
    return bad ? -1 : 0;
}

/* Start gnuplot on dir/NAME.gp with dir as working directory, at most GP_PARALLEL at a time
 * (no gnuplot: the script only, counted as drawn). */
static int run_gnuplot(struct plotctx *p, const char *name, const char *title)
{
    char script[200];
    snprintf(script, sizeof script, "%s.gp", name);
    if (!p->gnuplot) {
        p->charts++;
        return list_chart(p, name, p->suite, title);
    }
    if (p->nrun == GP_PARALLEL && reap_oldest(p))
        return -1;
    /* spawned, not forked: a fork would copy the page tables of every document loaded */
    posix_spawn_file_actions_t fa;
    pid_t pid;
    char *argv[] = {(char *)p->gnuplot, script, NULL};
    if (posix_spawn_file_actions_init(&fa))
        return fail(p, "cannot start gnuplot: out of memory");
    int e = posix_spawn_file_actions_addchdir_np(&fa, p->dir);
    if (!e)
        e = posix_spawnp(&pid, p->gnuplot, &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (e == ENOENT)
        return fail(p, "cannot run '%s' (install gnuplot-nox, or give --gnuplot PATH)", p->gnuplot);
    if (e)
        return fail(p, "cannot start gnuplot: %s", strerror(e));
    struct running *r = &p->run[p->nrun++];
    r->pid = pid;
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->suite, sizeof r->suite, "%s", p->suite ? p->suite : "");
    snprintf(r->title, sizeof r->title, "%s", title);
    return 0;
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

static void script_tail(struct plotctx *p, FILE *f, const char *name, int width, int height)
{
    if (p->svg_only)
        return;
    fprintf(f, "set terminal pngcairo size %d,%d noenhanced font 'Sans,11' background rgb 'white'\n",
            width, height);
    gp_output(f, name, "png");
    fputs("replot\nunset output\n", f);
}

/* --- bar charts: categories on x, one bar per environment, min..max as error bars --- */

struct bars {
    char name[128], title[400], xlabel[128], ylabel[128];
    int pct; /* 1: each bar is % of the baseline pool's median (which is not drawn: a line) */
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

/* The figures of pool k in row r (NULL: none) as drawn: the median with its whiskers, absolute
 * (lo..hi: the lowest and highest sample) or, pct, in % of the baseline pool's median (whiskers:
 * the spread of the pool's run medians).  0 when there is none to draw. */
static int cell_value(const struct bc_row *r, int k, int pct, double v[3])
{
    const struct bc_cell *c = r ? &r->c[k] : NULL, *base = r ? &r->c[0] : NULL;
    if (!c || !c->n || r->unit_mismatch || isnan(c->median))
        return 0;
    if (!pct) {
        v[0] = c->median, v[1] = c->lo, v[2] = c->hi;
        return 1;
    }
    if (!base->n || isnan(base->median) || base->median == 0)
        return 0;
    v[0] = c->median / base->median * 100, v[1] = c->min / base->median * 100;
    v[2] = c->max / base->median * 100;
    return 1;
}

/* The widest word of a bar group's tick label, in characters. */
static int tick_width(const struct bars *b, int i)
{
    int widest = (int)strlen(b->cat[i]), run = 0;
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
    return widest;
}

/* How many bars pool k has among groups from..to-1 of b. */
static int bars_of(const struct bars *b, int k, int from, int to)
{
    double v[3];
    int n = 0;
    for (int i = from; i < to; i++)
        n += cell_value(b->row[i], k, b->pct, v);
    return n;
}

/* One chart of bar groups from..to-1 of b (NAME, or NAME-pPART when b is split): bars drawn as
 * boxes at computed positions so that a missing figure gets an "n/a" where its bar would be. */
static int plot_bars_part(struct plotctx *p, const struct bars *b, int from, int to, int part,
                          int parts, int width)
{
    const struct bc_table *t = p->t;
    char name[128], title[sizeof b->title];
    if (parts > 1) {
        snprintf(name, sizeof name, "%.110s-p%d", b->name, part);
        const char *nl = strchr(b->title, '\n'); /* "(part i of n)" ends the first line */
        int l = nl ? (int)(nl - b->title) : (int)strlen(b->title);
        snprintf(title, sizeof title, "%.*s (part %d of %d)%.*s", l > 200 ? 200 : l, b->title, part,
                 parts, 180, nl ? nl : "");
    } else {
        snprintf(name, sizeof name, "%.120s", b->name);
        snprintf(title, sizeof title, "%s", b->title);
    }
    int first = b->pct, drawn = t->npools - first;
    if (drawn < 1)
        return 0;
    double bw = 0.8 / drawn, lo = INFINITY, hi = 0, v[3];
    int any = 0;
    FILE *d = open_in_dir(p, name, "dat");
    if (!d)
        return -1;
    fprintf(d, "# one block per environment: x median whisker-low whisker-high\n");
    for (int k = first; k < t->npools; k++) {
        fprintf(d, "# block %d\n", k - first);
        if (!bars_of(b, k, from, to)) /* gnuplot counts only blocks with a record: keep the index in step */
            fprintf(d, "? ? ? ?\n");
        for (int i = from; i < to; i++) {
            if (!cell_value(b->row[i], k, b->pct, v))
                continue;
            fprintf(d, "%.6g %.9g %.9g %.9g\n", i - from + (k - first - (drawn - 1) / 2.0) * bw, v[0],
                    v[1], v[2]);
            any = 1;
            for (int j = 0; j < 3; j++) {
                if (v[j] > 0 && v[j] < lo)
                    lo = v[j];
                if (v[j] > hi)
                    hi = v[j];
            }
        }
        fprintf(d, "\n\n");
    }
    fclose(d);
    if (!any)
        return 0; /* nothing to draw */
    FILE *f = open_in_dir(p, name, "gp");
    if (!f)
        return -1;
    int logy = hi > 0 && lo < INFINITY && hi / lo > 20; /* values span decades */
    char ylabel[200];
    snprintf(ylabel, sizeof ylabel, "%s%s", b->ylabel, logy ? " (log scale)" : "");
    static struct bars part_b; /* the tick labels of this part, positions from 0 */
    struct bars *pb = &part_b;
    pb->n = to - from;
    snprintf(pb->title, sizeof pb->title, "%s", title);
    memcpy(pb->cat, b->cat + from, (size_t)(to - from) * sizeof b->cat[0]);
    memcpy(pb->sub, b->sub + from, (size_t)(to - from) * sizeof b->sub[0]);
    hoist_common_params(pb); /* what this part's groups share goes to its subtitle */
    script_head(f, pb->title, b->xlabel, ylabel, width, 600);
    fprintf(f, "set style fill solid 0.85 border rgb '#333333'\nset xtics scale 0\n"
               "set xrange [-0.6:%g]\n", to - from - 0.4);
    bar_tics(f, pb);
    if (logy)
        fprintf(f, "set logscale y\nset yrange [%g:%g]\n", lo / 2, hi * 1.5);
    else
        fprintf(f, "set yrange [0:%g]\n", hi * 1.08);
    if (b->pct) /* the baseline */
        fprintf(f, "set arrow from graph 0, first 100 to graph 1, first 100 nohead dt 2 lw 1.5 "
                   "lc rgb '#444444' front\n");
    for (int k = first; k < t->npools; k++) /* "n/a" where an environment has no figure */
        for (int i = from; i < to; i++)
            if (!cell_value(b->row[i], k, b->pct, v))
                fprintf(f, "set label 'n/a' at first %.6g, graph 0.02 rotate by 90 left font ',10' "
                           "tc rgb '%s' front\n",
                        i - from + (k - first - (drawn - 1) / 2.0) * bw, colors[k % NCOLORS]);
    gp_output(f, name, "svg");
    fputs("plot ", f);
    char dat[170];
    snprintf(dat, sizeof dat, "%s.dat", name);
    if (b->pct) {
        fputs("keyentry with lines dt 2 lw 1.5 lc rgb '#444444' title ", f);
        char base[100];
        snprintf(base, sizeof base, "%.63s = 100%%", t->pools[0].label);
        st_put_gnuplot(f, base);
        fputs(", \\\n     ", f);
    }
    for (int k = first; k < t->npools; k++) {
        fputs(k > first ? ", \\\n     " : "", f);
        if (!bars_of(b, k, from, to)) { /* no bar here: only its "n/a" marks, still in the key */
            fprintf(f, "keyentry with boxes lc rgb '%s' title ", colors[k % NCOLORS]);
            st_put_gnuplot(f, t->pools[k].label);
            continue;
        }
        st_put_gnuplot(f, dat);
        fprintf(f, " index %d using 1:2:(%g) with boxes lc rgb '%s' title ", k - first, bw * 0.95,
                colors[k % NCOLORS]);
        st_put_gnuplot(f, t->pools[k].label);
        fputs(", \\\n     ", f);
        st_put_gnuplot(f, dat);
        fprintf(f, " index %d using 1:3:(0):(column(4) > column(3) ? column(4) - column(3) : NaN) with vectors heads size screen 0.006,90 lw 1.2 lc rgb '#222222' notitle",
                k - first);
    }
    fputc('\n', f);
    script_tail(p, f, name, width, 600);
    fclose(f);
    return run_gnuplot(p, name, pb->title);
}

#define BARS_MAX_WIDTH 1200 /* px: more bar groups than fit make several charts */

static int plot_bars(struct plotctx *p, struct bars *b)
{
    hoist_common_params(b);
    int drawn = p->t->npools - b->pct, widest = 0;
    for (int i = 0; i < b->n; i++)
        if (tick_width(b, i) > widest)
            widest = tick_width(b, i);
    /* wide enough that the (unrotated, one param per line) tick labels do not collide */
    int per = 8 * widest + 16, bars = 24 + 20 * (drawn > 0 ? drawn : 1);
    if (bars > per)
        per = bars;
    int fit = (BARS_MAX_WIDTH - 260) / per;
    if (fit < 1)
        fit = 1;
    int parts = (b->n + fit - 1) / fit;
    if (parts < 1)
        return 0;
    int each = (b->n + parts - 1) / parts; /* spread evenly over the parts */
    for (int part = 0; part < parts; part++) {
        int from = part * each, to = from + each < b->n ? from + each : b->n;
        int width = 260 + (to - from) * per;
        if (width < 900)
            width = 900;
        if (from < to && plot_bars_part(p, b, from, to, part + 1, parts, width))
            return -1;
    }
    return 0;
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
        const struct bc_entry *e0 = NULL;
        for (int i = 0; i < t->nrows && b.n < 256; i++) {
            const struct bc_entry *e = t->rows[i].first;
            char k[240], buf[32];
            if (!has_suite(&t->rows[i], p->suite) || !mem_levelled(e))
                continue;
            mem_group(e, k, sizeof k);
            if (strcmp(k, keys[c]))
                continue;
            e0 = e0 ? e0 : e;
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
        static const char *const skip[] = {"level", "bytes", NULL};
        char test[61], rest[160], drest[160];
        bc_params_format(e0->params, skip, rest, sizeof rest);
        snprintf(b.title, sizeof b.title, "Memory: %s per cache level and buffer size\n%s%s%s"
                 "bars: median, whiskers: lowest..highest sample", words(test, sizeof test, e0->test),
                 rest[0] ? "all with " : "", disp(drest, sizeof drest, rest), rest[0] ? "\n" : "");
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
        snprintf(b.title, sizeof b.title, "Memory at %s, per kernel%s%s%s\n"
                 "bars: median, whiskers: lowest..highest sample", disp(dl, sizeof dl, lv1[c]),
                 isa[0] ? " (isa " : "", disp(di, sizeof di, isa), isa[0] ? ")" : "");
        snprintf(b.xlabel, sizeof b.xlabel, "kernel and its parameters");
        snprintf(b.ylabel, sizeof b.ylabel, "%s (%s)", !strcmp(unit, "ns") ? "latency" : "bandwidth",
                 disp(du, sizeof du, unit));
        if (plot_bars(p, &b))
            return -1;
    }
    return 0;
}


/* The disk role a row leads with as one token of the charts' space-separated params:
 * "disk=16 MiB" -> "disk=16MiB" (display form); "" when none. */
static void role_token(const struct bc_row *r, char *buf, size_t n)
{
    char raw[100];
    size_t len = bc_row_role_len(r), k = 0;
    snprintf(raw, sizeof raw, "%.*s", (int)len, r->params_text);
    disp(buf, n, raw);
    for (size_t i = 0; buf[i]; i++)
        if (buf[i] != ' ')
            buf[k++] = buf[i];
    buf[k] = '\0';
}

/* A row's params for a tick label: block_size and bytes as 4K, 1M... (display form). */
static void tick_params(const struct bc_row *r, char *buf, size_t n)
{
    char raw[200], out[200] = "", tok[96];
    size_t role = bc_row_role_len(r);
    role_token(r, out, sizeof out);
    disp(raw, sizeof raw, r->params_text + role + (role && r->params_text[role] == ' '));
    for (const char *q = raw; *q;) {
        size_t l = strcspn(q, " ");
        snprintf(tok, sizeof tok, "%.*s", (int)l, q);
        char *eq = strchr(tok, '=');
        if (eq && (!strncmp(tok, "bytes=", 6) || !strncmp(tok, "block_size=", 11)) &&
            strspn(eq + 1, "0123456789") == strlen(eq + 1) && eq[1]) {
            char sn[16];
            size_name(sn, sizeof sn, strtod(eq + 1, NULL));
            snprintf(eq + 1, sizeof tok - (size_t)(eq + 1 - tok), "%s", sn);
        }
        append_tok(out, sizeof out, tok, strlen(tok));
        q += l;
        q += *q == ' ';
    }
    snprintf(buf, n, "%s", out);
}

static int sweep_row(const struct bc_table *t, int i, const char *suite);

/* Overhead: per suite and direction (higher / lower is better), a bar group per test (not
 * those of a block-size sweep: their own % chart shows them), one bar per environment as % of
 * the baseline, whiskers the spread of the pool's run medians; several charts when wide. */
static int plot_overhead(struct plotctx *p, const char *what)
{
    const struct bc_table *t = p->t;
    static struct bars b;
    static const char *const dirs[] = {"higher", "lower"};
    if (t->npools < 2)
        return 0;
    for (int d = 0; d < 2; d++) {
        memset(&b, 0, sizeof b);
        b.pct = 1;
        snprintf(b.name, sizeof b.name, "%.20s-overhead-%s", p->suite, dirs[d]);
        for (int i = 0; i < t->nrows && b.n < 256; i++) {
            const struct bc_entry *e = t->rows[i].first;
            if (!has_suite(&t->rows[i], p->suite) || strcmp(e->better, dirs[d]) ||
                sweep_row(t, i, p->suite))
                continue;
            b.row[b.n] = &t->rows[i];
            words(b.cat[b.n], sizeof b.cat[0], e->test);
            tick_params(&t->rows[i], b.sub[b.n++], sizeof b.sub[0]);
        }
        if (!b.n)
            continue;
        char base[64];
        disp(base, sizeof base, t->pools[0].label);
        snprintf(b.title, sizeof b.title, "%s: %% of %s per test (%s is better)\n"
                 "bars: median; whiskers: spread of the run medians", what, base, dirs[d]);
        snprintf(b.xlabel, sizeof b.xlabel, "test and its parameters");
        snprintf(b.ylabel, sizeof b.ylabel, "%% of %s (%s)", base,
                 d ? "above 100: slower" : "below 100: slower");
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
            words(b.cat[b.n], sizeof b.cat[0], e->test);
            tick_params(&t->rows[i], b.sub[b.n++], sizeof b.sub[0]);
            better = e->better; /* "higher" or "lower": checked when loaded */
        }
        snprintf(b.title, sizeof b.title, "%s (%s is better)\nbars: median, whiskers: lowest..highest sample",
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
 * matching the device params (environments differ in those); the lines' own variants (qd...)
 * also leave out op and pattern, which the chart is already about.  `lead` params first. */
#define SKIP_MAX 16
static const char *const *sweep_skip(const struct bc_table *t, const char *const *lead,
                                     const char **v)
{
    int n = 0;
    for (; *lead && n < 8; lead++)
        v[n++] = *lead;
    for (const char *const *d = suite_device_params; t->match == BC_MATCH_ROLE && *d && n < 15; d++)
        v[n++] = *d;
    v[n] = NULL;
    return v;
}

static void role_token(const struct bc_row *r, char *buf, size_t n);

/* A row's sweep: its test, unit, disk role and params other than block_size. */
static void sweep_group(const struct bc_table *t, const struct bc_row *r, char *g, size_t n)
{
    static const char *const bs[] = {"block_size", NULL};
    const struct bc_entry *e = r->first;
    const char *buf[SKIP_MAX];
    const char *const *skip = sweep_skip(t, bs, buf);
    char rest[200], role[100];
    bc_params_format(e->params, skip, rest, sizeof rest);
    role_token(r, role, sizeof role);
    snprintf(g, n, "%.40s|%.20s|%s|%s", e->test, e->unit, role, rest);
}

/* 1 when row i is an entry of `suite` whose sweep has at least two block sizes. */
static int sweep_row(const struct bc_table *t, int i, const char *suite)
{
    const struct bc_entry *e = t->rows[i].first;
    json_t *bs = json_object_get(e->params, "block_size");
    if (!has_suite(&t->rows[i], suite) || !json_is_number(bs))
        return 0;
    char g[400], h[400];
    sweep_group(t, &t->rows[i], g, sizeof g);
    for (int j = 0; j < t->nrows; j++) {
        const struct bc_entry *f = t->rows[j].first;
        json_t *bs2 = json_object_get(f->params, "block_size");
        if (j == i || !has_suite(&t->rows[j], suite) || !json_is_number(bs2) ||
            json_number_value(bs2) == json_number_value(bs))
            continue;
        sweep_group(t, &t->rows[j], h, sizeof h);
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

/* One sweep chart's rows: what each line is drawn from. */
struct sweep {
    char key[100], unit[32], test[61];
    char variants[MAXCHARTS][160];
    int nv;
    double bs[64]; /* the block sizes of the chart, ascending */
    int nbs;
    const struct bc_row *at[MAXCHARTS][64]; /* [variant][block size]: the row, or NULL */
};

/* One chart of a sweep: a line per environment (and variant such as qd), the value against
 * block size on a log2 axis, log y when the values span decades; "n/a" at the block sizes an
 * environment lacks.  pct: each environment as % of the baseline (a dashed line at 100%). */
static int sweep_chart(struct plotctx *p, const struct sweep *sw, int pct)
{
    const struct bc_table *t = p->t;
    char name[128], fn[100], dat[160];
    st_file_part(fn, sizeof fn, sw->key);
    snprintf(name, sizeof name, "%.20s-%.90s%s", p->suite, fn, pct ? "-pct" : "");
    snprintf(dat, sizeof dat, "%s.dat", name);
    FILE *d = open_in_dir(p, name, "dat");
    if (!d)
        return -1;
    char *plot = NULL, *labels = NULL;
    size_t plotlen = 0, labelslen = 0;
    FILE *pc = open_memstream(&plot, &plotlen), *lc = open_memstream(&labels, &labelslen);
    if (!pc || !lc) {
        fclose(d);
        if (pc)
            fclose(pc);
        free(plot);
        return fail(p, "out of memory");
    }
    int nseries = 0, nna = 0;
    double lo = INFINITY, hi = 0, v[3];
    for (int k = pct; k < t->npools; k++)
        for (int vi = 0; vi < sw->nv; vi++) {
            int np = 0;
            for (int i = 0; i < sw->nbs; i++)
                np += cell_value(sw->at[vi][i], k, pct, v);
            char series[512];
            snprintf(series, sizeof series, "%.63s%s%.159s", t->pools[k].label,
                     sw->nv > 1 ? " " : "", sw->nv > 1 ? sw->variants[vi] : "");
            fputs("# ", d);
            st_put_display(d, series);
            fputc('\n', d);
            for (int i = 0; i < sw->nbs; i++) {
                if (cell_value(sw->at[vi][i], k, pct, v)) {
                    fprintf(d, "%.9g %.9g %.9g %.9g\n", sw->bs[i], v[0], v[1], v[2]);
                    for (int j = 0; j < 3; j++) {
                        if (v[j] > 0 && v[j] < lo)
                            lo = v[j];
                        if (v[j] > hi)
                            hi = v[j];
                    }
                } else if (sw->at[vi][i] && nna < 200) { /* others have it, this one not */
                    fprintf(lc, "set label 'n/a' at first %.9g, graph %.3f center font ',10' "
                                "tc rgb '%s' front\n",
                            sw->bs[i], 0.03 + 0.04 * ((k - pct) % 5), colors[k % NCOLORS]);
                    nna++;
                }
            }
            if (!np) /* gnuplot counts only blocks with a record: keep the index in step */
                fprintf(d, "? ? ? ?\n");
            fprintf(d, "\n\n");
            if (!np) { /* still in the key: its points are all n/a */
                fprintf(pc, "%skeyentry with linespoints lw 2 pt 7 lc rgb '%s' dt %d title ",
                        nseries ? ", \\\n     " : "", colors[k % NCOLORS], vi % 5 + 1);
            } else {
                fputs(nseries ? ", \\\n     " : "", pc);
                st_put_gnuplot(pc, dat);
                fprintf(pc, " index %d using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc rgb '%s' "
                            "dt %d title ", nseries, colors[k % NCOLORS], vi % 5 + 1);
            }
            st_put_gnuplot(pc, series);
            nseries += np > 0;
            if (!np) /* keep index numbers in step with the data blocks */
                nseries++;
        }
    fclose(d);
    fclose(pc);
    fclose(lc);
    FILE *f = hi > 0 ? open_in_dir(p, name, "gp") : NULL;
    if (!f) {
        free(plot);
        free(labels);
        return hi > 0 ? -1 : 0; /* nothing to draw */
    }
    int logy = lo < INFINITY && hi / lo > 20;
    char title[400], ylabel[160], test[61], du[32], dv[101], base[64];
    const char *what = is_time_unit(sw->unit) ? "latency" : "throughput";
    disp(base, sizeof base, t->pools[0].label);
    snprintf(title, sizeof title, "%c%.19s: %s %s%s%s against block size\n%s%s%s%s",
             p->suite[0] >= 'a' && p->suite[0] <= 'z' ? p->suite[0] - 'a' + 'A' : p->suite[0],
             p->suite + 1, words(test, sizeof test, sw->test), what, pct ? " as % of " : "",
             pct ? base : "", sw->nv == 1 && sw->variants[0][0] ? "every line: " : "",
             sw->nv == 1 ? disp(dv, sizeof dv, sw->variants[0]) : "",
             sw->nv == 1 && sw->variants[0][0] ? "; " : "",
             pct ? "median; whiskers: spread of the run medians" : "median; whiskers: lowest..highest sample");
    if (pct)
        snprintf(ylabel, sizeof ylabel, "%% of %s%s", base, logy ? " (log scale)" : "");
    else
        snprintf(ylabel, sizeof ylabel, "%s (%s)%s", what, disp(du, sizeof du, sw->unit),
                 logy ? ", log scale" : "");
    script_head(f, title, "block size (bytes, log2 scale)", ylabel, 1000, 580);
    fputs("set logscale x 2\nset xtics (", f);
    for (int i = 0; i < sw->nbs; i++) {
        char sn[16];
        size_name(sn, sizeof sn, sw->bs[i]);
        fputs(i ? ", " : "", f);
        st_put_gnuplot(f, sn);
        fprintf(f, " %.0f", sw->bs[i]);
    }
    fprintf(f, ")\nset xrange [%g:%g]\nset key outside right top\n", sw->bs[0] / 1.25,
            sw->bs[sw->nbs - 1] * 1.25);
    if (logy)
        fprintf(f, "set logscale y\nset yrange [%g:%g]\n", lo / 2, hi * 2);
    else
        fprintf(f, "set yrange [0:%g]\n", hi * 1.1);
    if (pct)
        fprintf(f, "set arrow from graph 0, first 100 to graph 1, first 100 nohead dt 2 lw 1.5 "
                   "lc rgb '#444444' front\n");
    fputs(labels, f);
    gp_output(f, name, "svg");
    fputs("plot ", f);
    if (pct) {
        char b100[100];
        snprintf(b100, sizeof b100, "%.63s = 100%%", t->pools[0].label);
        fputs("keyentry with lines dt 2 lw 1.5 lc rgb '#444444' title ", f);
        st_put_gnuplot(f, b100);
        fputs(", \\\n     ", f);
    }
    fprintf(f, "%s\n", plot);
    free(plot);
    free(labels);
    script_tail(p, f, name, 1000, 580);
    fclose(f);
    return run_gnuplot(p, name, title);
}

/* Sweeps (disk): per test and unit a chart of the values and one of each environment as % of
 * the baseline (where the crossover at small blocks shows). */
static int plot_sweep(struct plotctx *p)
{
    const struct bc_table *t = p->t;
    static const char *const axes[] = {"block_size", "op", "pattern", NULL};
    const char *buf[SKIP_MAX];
    const char *const *skip = sweep_skip(t, axes, buf);
    static char charts[MAXCHARTS][100];
    int nc = 0;
    for (int i = 0; i < t->nrows; i++) {
        char k[100];
        if (sweep_key(t, i, p->suite, k, sizeof k))
            continue;
        int seen = 0;
        for (int j = 0; j < nc; j++)
            seen |= !strcmp(charts[j], k);
        if (!seen && nc < MAXCHARTS)
            memcpy(charts[nc++], k, sizeof k);
    }
    static struct sweep sw;
    for (int c = 0; c < nc; c++) {
        memset(&sw, 0, sizeof sw);
        memcpy(sw.key, charts[c], sizeof sw.key);
        for (int pass = 0; pass < 2; pass++) /* block sizes and variants, then the rows */
            for (int i = 0; i < t->nrows; i++) {
                const struct bc_entry *e = t->rows[i].first;
                char k[100], v[160];
                if (sweep_key(t, i, p->suite, k, sizeof k) || strcmp(k, charts[c]))
                    continue;
                role_token(&t->rows[i], v, sizeof v / 2); /* the disk's role tells lines apart too */
                size_t rl = strlen(v);
                bc_params_format(e->params, skip, v + rl + !!rl, sizeof v - rl - !!rl);
                if (rl && v[rl + 1])
                    v[rl] = ' ';
                snprintf(sw.unit, sizeof sw.unit, "%s", e->unit);
                snprintf(sw.test, sizeof sw.test, "%s", e->test);
                double bs = json_number_value(json_object_get(e->params, "block_size"));
                int b = 0, vi = 0;
                while (b < sw.nbs && sw.bs[b] != bs)
                    b++;
                while (vi < sw.nv && strcmp(sw.variants[vi], v))
                    vi++;
                if (pass == 1) {
                    if (b < sw.nbs && vi < sw.nv)
                        sw.at[vi][b] = &t->rows[i];
                    continue;
                }
                if (b == sw.nbs && sw.nbs < 64) { /* insert in order */
                    int at = sw.nbs++;
                    while (at > 0 && sw.bs[at - 1] > bs) {
                        sw.bs[at] = sw.bs[at - 1];
                        at--;
                    }
                    sw.bs[at] = bs;
                }
                if (vi == sw.nv && sw.nv < MAXCHARTS)
                    memcpy(sw.variants[sw.nv++], v, sizeof v);
            }
        if (sweep_chart(p, &sw, 0) || (t->npools > 1 && sweep_chart(p, &sw, 1)))
            return -1;
    }
    return 0;
}

int bc_plot(const struct bc_table *t, const char *dir, const char *gnuplot, FILE *made,
            char *err, size_t errlen)
{
    return bc_plot_list(t, dir, gnuplot, made, NULL, 0, err, errlen);
}

void bc_charts_free(struct bc_charts *l)
{
    free(l->c);
    memset(l, 0, sizeof *l);
}

int bc_plot_list(const struct bc_table *t, const char *dir, const char *gnuplot, FILE *made,
                 struct bc_charts *list, int svg_only, char *err, size_t errlen)
{
    struct plotctx p = {.t = t, .dir = dir, .gnuplot = gnuplot, .made = made, .err = err,
                        .errlen = errlen, .list = list, .svg_only = svg_only};
    if (mkdir(dir, 0777) && errno != EEXIST)
        return fail(&p, "cannot create %s: %s", dir, strerror(errno));
    for (const struct suite_chart *c = suite_charts; c->suite; c++) {
        p.suite = c->suite;
        int bad;
        switch (c->kind) {
        case CHART_SWEEP: bad = plot_sweep(&p); break;
        case CHART_LEVELS: bad = plot_levels(&p); break;
        case CHART_BARS: bad = plot_suite_bars(&p, c->suite, c->title, c->quantity, NULL); break;
        case CHART_OVERHEAD: bad = plot_overhead(&p, c->title); break;
        default: bad = plot_suite_bars(&p, c->suite, c->title, c->quantity, not_sweep_row); break;
        }
        if (bad) {
            reap_all(&p, 1); /* no process left behind */
            return -1;
        }
    }
    return reap_all(&p, 0) ? -1 : p.charts;
}
