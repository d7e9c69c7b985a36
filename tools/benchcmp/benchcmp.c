/* benchcmp.c - command line of the comparer: benchcmp [--baseline FILE|TAG] [--format F]
 * [--match role|exact] [--suite S] [--test T] [--only summary|table] [--plot DIR] [--report DIR]
 * X.json...  Loads every document (all errors reported), prints the summary and the table of the
 * environments (documents pooled by tag), optionally renders charts and writes the HTML report.
 * Messages show names and document text in their display form (control bytes escaped). */
#include "tools/benchcmp/benchcmp.h"
#include "tools/benchcmp/safe_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: benchcmp [--baseline FILE|TAG] [--format text|markdown|csv] [--match role|exact]\n"
            "                [--suite S,S] [--test PATTERN,PATTERN] [--only summary|table]\n"
            "                [--plot DIR] [--report DIR] [--max-bytes N] DOC.json DOC.json...\n"
            "  Compares barebench results documents against one baseline (= 100%%).  Documents\n"
            "  with the same tool.tag are one environment (a column): the median of their\n"
            "  medians, n, and the range across them.\n"
            "  --baseline B   the baseline: a document file (compared too when not among the\n"
            "                 others), or the tag of an environment\n"
            "                 (default: the first file given; a warning when more than two)\n"
            "  --format F     aligned text (default), markdown or csv\n"
            "  --match M      role (default): disk entries match by the disk's role (its\n"
            "                 disk_label, the one disk under test, or size within 1%%), not by\n"
            "                 index, kind or api; exact: every param must be equal\n"
            "  --suite S,S    only these suites;  --test P,P  only tests matching these globs\n"
            "  --only P       summary: only the summary (CSV: the summary as CSV); table: no summary\n"
            "  --plot DIR     also write SVG and PNG charts into DIR (needs gnuplot)\n"
            "  --report DIR   also write DIR/index.html: one self-contained page with the\n"
            "                 environments, warnings, charts (inline SVG), the table and\n"
            "                 links to copies of the documents (needs gnuplot)\n"
            "  --gnuplot PATH the gnuplot program (default: gnuplot)\n"
            "  --max-bytes N  refuse documents larger than N bytes (default %u)\n"
            "  Entries match by suite, test and params.  %% = median / baseline median;\n"
            "  overhead = how much worse than the baseline given 'better' (negative: better);\n"
            "  ~ = within run-to-run noise: Mann-Whitney U p >= 0.05 when both sides have >= 4\n"
            "  samples, else overlapping min..max ranges.\n",
            BC_MAX_BYTES_DEFAULT);
}

/* What a message may quote from a file name, an argument or a document (one per message). */
static const char *shown(const char *s)
{
    static char buf[1024];
    st_display(buf, sizeof buf, s);
    return buf;
}

/* Index of the document --baseline names: a file given (same path or same file), else the
 * first document whose tool.tag is `b` (its environment is the baseline); -1 with a message
 * when none matches. */
static int find_baseline(const struct bc_doc *docs, int n, const char *b)
{
    struct stat sb, sd;
    int have_sb = stat(b, &sb) == 0;
    for (int i = 0; i < n; i++)
        if (!strcmp(docs[i].path, b) ||
            (have_sb && stat(docs[i].path, &sd) == 0 && sd.st_dev == sb.st_dev && sd.st_ino == sb.st_ino))
            return i;
    for (int i = 0; i < n; i++)
        if (docs[i].tag && !strcmp(docs[i].tag, b))
            return i;
    fprintf(stderr, "benchcmp: --baseline '%s' is neither a file given nor the tag of one of them\n",
                shown(b));
    return -1;
}

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "benchcmp: %s '%s'\n", what, shown(arg));
    usage(stderr);
    return 2;
}

/* A comma-separated list added to l (its names point into argv). */
struct list {
    const char *v[64];
    int n;
    char buf[64][128];
};

static int add_list(struct list *l, const char *arg)
{
    for (const char *p = arg;; p++) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof l->buf[0] || l->n >= 64)
            return -1;
        memcpy(l->buf[l->n], p, n);
        l->buf[l->n][n] = '\0';
        l->v[l->n] = l->buf[l->n];
        l->n++;
        p += n;
        if (!*p)
            return 0;
    }
}

int main(int argc, char **argv)
{
    enum bc_format fmt = BC_TEXT;
    enum bc_part part = BC_PART_ALL;
    static struct list suites, tests;
    struct bc_opts opts = {0};
    const char *plot = NULL, *report = NULL, *gnuplot = "gnuplot", *baseline = NULL;
    size_t max_bytes = BC_MAX_BYTES_DEFAULT;
    char **files = calloc((size_t)argc, sizeof *files);
    int nfiles = 0;
    if (!files)
        return 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            usage(stdout);
            free(files);
            return 0;
        } else if (!strcmp(a, "--format") || !strcmp(a, "--plot") || !strcmp(a, "--max-bytes") ||
                   !strcmp(a, "--gnuplot") || !strcmp(a, "--baseline") || !strcmp(a, "--match") ||
                   !strcmp(a, "--suite") || !strcmp(a, "--test") || !strcmp(a, "--only") ||
                   !strcmp(a, "--report")) {
            if (i + 1 >= argc)
                return bad_usage("missing value after", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--match")) {
                if (strcmp(v, "role") && strcmp(v, "exact"))
                    return bad_usage("unknown --match (role or exact)", v);
                opts.match = !strcmp(v, "exact") ? BC_MATCH_EXACT : BC_MATCH_ROLE;
            } else if (!strcmp(a, "--only")) {
                if (strcmp(v, "summary") && strcmp(v, "table"))
                    return bad_usage("unknown --only (summary or table)", v);
                part = !strcmp(v, "summary") ? BC_PART_SUMMARY : BC_PART_TABLE;
            } else if (!strcmp(a, "--suite") || !strcmp(a, "--test")) {
                if (add_list(!strcmp(a, "--suite") ? &suites : &tests, v))
                    return bad_usage("empty name in", v);
            } else if (!strcmp(a, "--baseline")) {
                baseline = v;
            } else if (!strcmp(a, "--plot")) {
                plot = v;
            } else if (!strcmp(a, "--report")) {
                report = v;
            } else if (!strcmp(a, "--gnuplot")) {
                gnuplot = v;
            } else if (!strcmp(a, "--max-bytes")) {
                char *end;
                errno = 0;
                unsigned long long n = strtoull(v, &end, 10);
                if (errno || *end || !*v || n == 0 || v[0] == '-')
                    return bad_usage("bad --max-bytes", v);
                max_bytes = (size_t)n;
            } else if (!strcmp(v, "text")) {
                fmt = BC_TEXT;
            } else if (!strcmp(v, "markdown") || !strcmp(v, "md")) {
                fmt = BC_MARKDOWN;
            } else if (!strcmp(v, "csv")) {
                fmt = BC_CSV;
            } else {
                return bad_usage("unknown format (text, markdown or csv)", v);
            }
        } else if (a[0] == '-' && a[1]) {
            return bad_usage("unknown option", a);
        } else {
            files[nfiles++] = argv[i];
        }
    }
    struct stat bst;
    if (baseline && stat(baseline, &bst) == 0 && S_ISREG(bst.st_mode)) {
        /* a baseline file that is not among the others is compared too, as the first */
        int given = 0;
        for (int i = 0; i < nfiles; i++) {
            struct stat st;
            given |= stat(files[i], &st) == 0 && st.st_dev == bst.st_dev && st.st_ino == bst.st_ino;
        }
        if (!given) {
            memmove(&files[1], &files[0], (size_t)nfiles * sizeof *files);
            files[0] = (char *)baseline;
            nfiles++;
        }
    }
    if (nfiles == 0) {
        usage(stderr);
        free(files);
        return 2;
    }
    struct bc_doc *docs = calloc((size_t)nfiles, sizeof *docs);
    if (!docs)
        return 1;
    int bad = 0;
    for (int i = 0; i < nfiles; i++) {
        char err[512];
        if (bc_doc_load_file(files[i], max_bytes, &docs[i], err, sizeof err)) {
            fprintf(stderr, "benchcmp: error: %s\n", shown(err)); /* may quote the document */
            bad++;
        }
    }
    int rc = 0;
    struct bc_table t;
    if (!bad && baseline) {
        int b = find_baseline(docs, nfiles, baseline);
        if (b < 0) {
            rc = 2;
        } else {
            struct bc_doc keep = docs[b]; /* to the front, the others keep their order */
            memmove(&docs[1], &docs[0], (size_t)b * sizeof *docs);
            docs[0] = keep;
        }
    } else if (!bad && nfiles > 2) {
        fprintf(stderr, "benchcmp: warning: the baseline is %s only because it was named first of %d "
                        "files; --baseline FILE|TAG chooses it\n", shown(docs[0].path), nfiles);
    }
    if (bad || rc) {
        rc = rc ? rc : 1;
    } else {
        bc_doc_labels(docs, nfiles);
        opts.suites = suites.v;
        opts.nsuites = suites.n;
        opts.tests = tests.v;
        opts.ntests = tests.n;
        char err[512];
        if (bc_opts_check(docs, nfiles, &opts, err, sizeof err)) {
            fprintf(stderr, "benchcmp: error: %s\n", shown(err)); /* may quote the documents */
            rc = 2;
        } else if (bc_compare_opts(docs, nfiles, &opts, &t)) {
            fprintf(stderr, "benchcmp: error: out of memory\n");
            rc = 1;
        } else {
            bc_print_part(stdout, stderr, &t, fmt, part);
            if (plot) {
                char err[512];
                int n = bc_plot(&t, plot, gnuplot, stderr, err, sizeof err);
                if (n < 0) {
                    fprintf(stderr, "benchcmp: error: %s\n", shown(err));
                    rc = 1;
                } else {
                    fprintf(stderr, "benchcmp: %d chart%s in %s\n", n, n == 1 ? "" : "s", shown(plot));
                }
            }
            if (report) {
                int prev = bc_report_dir_state(report, err, sizeof err);
                int n = prev < 0 ? -1 : bc_report(&t, report, gnuplot, err, sizeof err);
                if (n < 0) {
                    fprintf(stderr, "benchcmp: error: %s\n", shown(err));
                    rc = 1;
                } else {
                    fprintf(stderr, "benchcmp: report with %d chart%s: %s/index.html%s\n", n,
                            n == 1 ? "" : "s", shown(report),
                            prev == 1 ? " (replacing the previous report there)" : "");
                }
            }
            bc_table_free(&t);
        }
    }
    for (int i = 0; i < nfiles; i++)
        bc_doc_free(&docs[i]);
    free(docs);
    free(files);
    return rc;
}
