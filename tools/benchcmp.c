/* benchcmp.c - command line of the comparer: benchcmp [--format F] [--plot DIR] BASE.json X.json...
 * Loads every document (all errors reported), prints one table, optionally renders charts. */
#include "tools/benchcmp.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: benchcmp [--format text|markdown|csv] [--plot DIR] [--max-bytes N] "
            "BASELINE.json OTHER.json...\n"
            "  Compares barebench results documents; the first one is the baseline (= 100%%).\n"
            "  --format F     aligned text (default), markdown or csv\n"
            "  --plot DIR     also write SVG and PNG charts into DIR (needs gnuplot)\n"
            "  --gnuplot PATH the gnuplot program (default: gnuplot)\n"
            "  --max-bytes N  refuse documents larger than N bytes (default %u)\n"
            "  Entries match by suite, test and params.  %% = median / baseline median;\n"
            "  overhead = how much worse than the baseline given 'better' (negative: better);\n"
            "  ~ = within run-to-run noise: Mann-Whitney U p >= 0.05 when both sides have >= 4\n"
            "  samples, else overlapping min..max ranges.\n",
            BC_MAX_BYTES_DEFAULT);
}

static int bad_usage(const char *what, const char *arg)
{
    fprintf(stderr, "benchcmp: %s '%s'\n", what, arg);
    usage(stderr);
    return 2;
}

int main(int argc, char **argv)
{
    enum bc_format fmt = BC_TEXT;
    const char *plot = NULL, *gnuplot = "gnuplot";
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
                   !strcmp(a, "--gnuplot")) {
            if (i + 1 >= argc)
                return bad_usage("missing value after", a);
            const char *v = argv[++i];
            if (!strcmp(a, "--plot")) {
                plot = v;
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
            fprintf(stderr, "benchcmp: error: %s\n", err);
            bad++;
        }
    }
    int rc = 0;
    struct bc_table t;
    if (bad) {
        rc = 1;
    } else {
        bc_doc_labels(docs, nfiles);
        if (bc_compare(docs, nfiles, &t)) {
            fprintf(stderr, "benchcmp: error: out of memory\n");
            rc = 1;
        } else {
            bc_print(stdout, stderr, &t, fmt);
            if (plot) {
                char err[512];
                int n = bc_plot(&t, plot, gnuplot, stderr, err, sizeof err);
                if (n < 0) {
                    fprintf(stderr, "benchcmp: error: %s\n", err);
                    rc = 1;
                } else {
                    fprintf(stderr, "benchcmp: %d chart%s in %s\n", n, n == 1 ? "" : "s", plot);
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
