/* benchcmp_report.c - benchcmp --report DIR: the study as one self-contained page, DIR/index.html.
 * Environments, warnings and summary, then every chart (bc_plot_list draws them with gnuplot into
 * DIR/charts; each SVG is inlined with its ids made unique), the full table, and the documents
 * (copied into DIR/docs, linked relative).  Document text reaches the page only through
 * st_put_html (escaped) or through gnuplot's SVG (which escapes it; an SVG holding a script or
 * foreign content is refused), and the page's Content-Security-Policy forbids scripts and loads. */
#include "tools/benchcmp/benchcmp.h"
#include "tools/benchcmp/safe_text.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* In the head of every report: how a later --report knows the directory is one of its own. */
#define REPORT_MARK "<meta name=\"generator\" content=\"benchcmp --report\">"
#define REPORT_MARK_OLD "Written by benchcmp --report." /* reports written before the mark */

static const char style[] =
    "body{font:14px/1.45 sans-serif;color:#222;margin:1.5em auto;max-width:1200px;padding:0 1em}\n"
    "h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}\n"
    "table{border-collapse:collapse;font-size:12px;margin:.5em 0}\n"
    "th,td{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}\n"
    "th{background:#f2f2f2}td.num{text-align:right;white-space:nowrap}td.noise{color:#888}\n"
    "li.warning{color:#8a4b00}figure.chart{margin:1em 0;break-inside:avoid;page-break-inside:avoid}\n"
    "figure.chart svg{width:100%;height:auto;max-width:1000px;display:block}\n"
    "ol.chart-index{columns:2;font-size:12px}.results-wrap{overflow-x:auto}\n"
    "@page{size:A4 landscape;margin:1cm}\n"
    "@media print{body{font-size:10pt;max-width:none;margin:0}nav,ol.chart-index{display:none}"
    "figure.chart svg{max-height:17cm}"
    "table{font-size:7pt}th,td{padding:1px 3px}.results-wrap{overflow:visible}"
    "h2{break-after:avoid;page-break-after:avoid}tr{break-inside:avoid}"
    "a[href]:after{content:\" (\" attr(href) \")\";font-size:8pt}}\n";

/* Copy the file at `from` to `to`. */
static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    int bad = !in || !out;
    while (!bad && (n = fread(buf, 1, sizeof buf, in)) > 0)
        bad = fwrite(buf, 1, n, out) != n;
    bad |= in && ferror(in);
    if (in)
        fclose(in);
    if (out && fclose(out))
        bad = 1;
    if (bad) {
        char shown[512];
        st_display(shown, sizeof shown, from);
        return bc_fail(err, errlen, "cannot copy %s to %s: %s", shown, to, strerror(errno));
    }
    return 0;
}

/* The whole of a file in a new string (NULL when it cannot be read). */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *s = NULL;
    size_t n = 0;
    FILE *m = f ? open_memstream(&s, &n) : NULL;
    char buf[65536];
    size_t k;
    while (m && (k = fread(buf, 1, sizeof buf, f)) > 0)
        fwrite(buf, 1, k, m);
    if (m)
        fclose(m);
    if (f)
        fclose(f);
    return s;
}

/* 1 when every element of svg is one gnuplot's SVG terminal (without `mouse`) writes: no
 * script, link, animation or foreign content can reach the page through a chart. */
static int svg_elements_known(const char *svg)
{
    static const char *const known[] = {"svg", "title", "desc", "g", "defs", "rect", "circle",
                                        "ellipse", "path", "use", "filter", "feFlood",
                                        "feComposite", "text", "tspan", "polygon", "polyline",
                                        "line", "clipPath", "linearGradient", "stop", "!--", NULL};
    for (const char *q = svg; (q = strchr(q, '<')); q++) {
        const char *name = q + 1 + (q[1] == '/');
        size_t l = strcspn(name, " \t\r\n/>");
        int ok = 0;
        for (int i = 0; known[i] && !ok; i++)
            ok = (strlen(known[i]) == l || !strcmp(known[i], "!--")) &&
                 !strncmp(name, known[i], strlen(known[i]));
        if (!ok)
            return 0;
    }
    return 1;
}

/* One chart's SVG, inline: from its <svg element on, gnuplot's own <title> replaced by ours,
 * every id and reference to one prefixed with "cK-" (several charts share one document). */
static int inline_svg(FILE *out, const char *dir, const struct bc_chart *c, int k, char *err,
                      size_t errlen)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s.svg", dir, c->name);
    char *svg = slurp(path);
    if (!svg)
        return bc_fail(err, errlen, "cannot read %s: %s", path, strerror(errno));
    char *p = strstr(svg, "<svg");
    if (p && !svg_elements_known(p))
        p = NULL;
    if (!p) {
        free(svg);
        return bc_fail(err, errlen, "%s is not an SVG gnuplot wrote (no <svg>, or an element gnuplot does not write)", path);
    }
    /* inside tags only (text holds no raw '<': gnuplot escapes it): ids and references to them */
    static const char *const from[] = {" id='", " id=\"", "href='#", "href=\"#", "url(#"};
    static const char gp_title[] = "<title>Gnuplot</title>";
    fprintf(out, "<figure class=\"chart\" id=\"chart-%s\" data-chart=\"%s\" data-suite=\"", c->name,
            c->name);
    st_put_html(out, c->suite);
    fputs("\">\n", out);
    int in_tag = 0;
    for (const char *q = p; *q;) {
        size_t i = 0;
        while (in_tag && i < sizeof from / sizeof from[0] && strncmp(q, from[i], strlen(from[i])))
            i++;
        if (in_tag && i < sizeof from / sizeof from[0]) {
            fprintf(out, "%sc%d-", from[i], k);
            q += strlen(from[i]);
        } else if (!strncmp(q, gp_title, sizeof gp_title - 1)) {
            fputs("<title>", out); /* the chart's title, its lines joined */
            for (const char *l = c->title; *l; l += *l == '\n') {
                char line[sizeof c->title];
                size_t n = strcspn(l, "\n");
                snprintf(line, sizeof line, "%.*s", (int)n, l);
                fputs(l == c->title ? "" : " — ", out);
                st_put_html(out, line);
                l += n;
            }
            fputs("</title>", out);
            q += sizeof gp_title - 1;
        } else {
            in_tag = *q == '<' ? 1 : *q == '>' ? 0 : in_tag;
            fputc(*q++, out);
            if (q == p + 4) /* just after "<svg" */
                fputs(" role=\"img\"", out);
        }
    }
    fputs("</figure>\n", out);
    free(svg);
    return 0;
}

/* Does the file hold `a` or `b` in its first 8 KiB? */
static int file_has(const char *path, const char *a, const char *b)
{
    char buf[8193];
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strstr(buf, a) || strstr(buf, b);
}

int bc_report_dir_state(const char *dir, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : bc_fail(err, errlen, "cannot open %s: %s", dir, strerror(errno));
    int used = 0;
    for (struct dirent *e; (e = readdir(d)) && !used;)
        used = strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    if (!used)
        return 0;
    char path[1200];
    snprintf(path, sizeof path, "%s/index.html", dir);
    if (file_has(path, REPORT_MARK, REPORT_MARK_OLD))
        return 1;
    return bc_fail(err, errlen, "--report %s: the directory is not empty and holds no report of "
                   "benchcmp (no index.html written by benchcmp --report): give a new or empty "
                   "directory", dir);
}

/* Remove what a previous report left in dir/sub: files ending in one of the suffixes. */
static void clear_old(const char *dir, const char *sub, const char *const *suffix)
{
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", dir, sub);
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d));) {
        size_t n = strlen(e->d_name);
        for (int k = 0; suffix[k]; k++) {
            size_t m = strlen(suffix[k]);
            if (n > m && !strcmp(e->d_name + n - m, suffix[k])) {
                snprintf(path, sizeof path, "%s/%s/%s", dir, sub, e->d_name);
                remove(path);
                break;
            }
        }
    }
    if (d)
        closedir(d);
}

/* Copies of the documents, and the section linking them. */
static int documents(FILE *out, const struct bc_table *t, const char *dir, char *err, size_t errlen)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/docs", dir);
    if (mkdir(path, 0777) && errno != EEXIST)
        return bc_fail(err, errlen, "cannot create %s: %s", path, strerror(errno));
    fputs("<section id=\"documents\">\n<h2>Documents</h2>\n<ol>\n", out);
    for (int i = 0; i < t->ndocs; i++) {
        const char *base = strrchr(t->docs[i].path, '/');
        char part[100], rel[128];
        st_file_part(part, sizeof part, base ? base + 1 : t->docs[i].path);
        snprintf(rel, sizeof rel, "docs/%04d-%s", i + 1, part);
        snprintf(path, sizeof path, "%s/%s", dir, rel);
        if (copy_file(t->docs[i].path, path, err, errlen))
            return -1;
        fprintf(out, "<li><a href=\"%s\">", rel);
        st_put_html(out, t->docs[i].label);
        fputs("</a>: ", out);
        st_put_html(out, t->docs[i].path);
        fputs("</li>\n", out);
    }
    fputs("</ol>\n</section>\n", out);
    return 0;
}

int bc_report(const struct bc_table *t, const char *dir, const char *gnuplot, char *err,
              size_t errlen)
{
    char charts[1100], path[1200], tmp[1200];
    struct bc_charts list = {0};
    if (strlen(dir) > 1000)
        return bc_fail(err, errlen, "--report: the directory's name is too long");
    snprintf(charts, sizeof charts, "%s/charts", dir);
    int state = bc_report_dir_state(dir, err, errlen);
    if (state < 0)
        return -1;
    if (mkdir(dir, 0777) && errno != EEXIST)
        return bc_fail(err, errlen, "cannot create %s: %s", dir, strerror(errno));
    if (state == 1) { /* a previous report: none of its charts or documents may linger */
        static const char *const drawn[] = {".svg", ".png", ".gp", ".dat", NULL};
        static const char *const copied[] = {".json", NULL};
        clear_old(dir, "charts", drawn);
        clear_old(dir, "docs", copied);
    }
    int n = bc_plot_list(t, charts, gnuplot, NULL, &list, 1, err, errlen);
    if (n < 0) {
        bc_charts_free(&list);
        return -1;
    }
    snprintf(path, sizeof path, "%s/index.html", dir);
    snprintf(tmp, sizeof tmp, "%s/.index.html.tmp", dir);
    FILE *out = fopen(tmp, "w");
    if (!out) {
        bc_charts_free(&list);
        return bc_fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "style-src 'unsafe-inline'; img-src data:\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          REPORT_MARK "\n<title>", out);
    char title[512];
    size_t tl = (size_t)snprintf(title, sizeof title, "barebench study: ");
    for (int i = 0; i < t->npools && tl < sizeof title - 80; i++)
        tl += (size_t)snprintf(title + tl, sizeof title - tl, "%s%.60s", i ? " vs " : "",
                               t->pools[i].label);
    st_put_html(out, title);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<header>\n<h1>", style);
    st_put_html(out, title);
    fprintf(out, "</h1>\n<p>%d document%s in %d environment%s, %d rows; the first environment is "
                 "the baseline (= 100%%). Written by benchcmp --report.</p>\n"
                 "<nav><a href=\"#environments\">environments</a> · <a href=\"#warnings\">warnings</a>"
                 " · <a href=\"#summary\">summary</a> · <a href=\"#charts\">charts</a> · <a href=\"#table\">all results</a> · "
                 "<a href=\"#documents\">documents</a></nav>\n</header>\n",
            t->ndocs, t->ndocs == 1 ? "" : "s", t->npools, t->npools == 1 ? "" : "s", t->nrows);
    bc_print_html(out, t, BC_HTML_FRONT);
    fprintf(out, "<section id=\"charts\">\n<h2>Charts (%d)</h2>\n<ol class=\"chart-index\">\n", list.n);
    for (int i = 0; i < list.n; i++) { /* an index: the first line of each title */
        char first[sizeof list.c[i].title];
        snprintf(first, sizeof first, "%.*s", (int)strcspn(list.c[i].title, "\n"), list.c[i].title);
        fprintf(out, "<li><a href=\"#chart-%s\">", list.c[i].name);
        st_put_html(out, first);
        fputs("</a></li>\n", out);
    }
    fputs("</ol>\n", out);
    int rc = 0;
    for (int i = 0; i < list.n && !rc; i++)
        rc = inline_svg(out, charts, &list.c[i], i, err, errlen);
    fputs("</section>\n<div class=\"results-wrap\">\n", out);
    bc_print_html(out, t, BC_HTML_TABLE);
    fputs("</div>\n", out);
    if (!rc)
        rc = documents(out, t, dir, err, errlen);
    fputs("</body>\n</html>\n", out);
    bc_charts_free(&list);
    if (ferror(out))
        rc = rc ? rc : bc_fail(err, errlen, "cannot write %s", tmp);
    if (fclose(out) && !rc)
        rc = bc_fail(err, errlen, "cannot write %s: %s", tmp, strerror(errno));
    if (!rc && rename(tmp, path))
        rc = bc_fail(err, errlen, "cannot write %s: %s", path, strerror(errno));
    if (rc)
        remove(tmp);
    return rc ? -1 : n;
}
