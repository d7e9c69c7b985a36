/* benchcmp.h - the comparer's core, shared by benchcmp, barebench-collect, the unit tests and
 * the fuzz target: load + validate results documents, match entries, noise tests, output, plots. */
#ifndef BB_BENCHCMP_H
#define BB_BENCHCMP_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#define BC_SCHEMA "barebench/1"
#define BC_MAX_BYTES_DEFAULT (64u << 20) /* largest document the comparer reads */

/* One result entry; strings point into the document's JSON tree (kept by struct bc_doc). */
struct bc_entry {
    const char *suite, *test, *unit, *better; /* better: "higher" or "lower" */
    json_t *params;      /* the params object (borrowed) */
    char *key;           /* "suite/test/{canonical params}" (owned) */
    char *params_text;   /* "k=v k=v" in key order, for tables (owned) */
    double min, median, max;
    double *samples;     /* owned; nsamples may be 0 */
    int nsamples;
};

/* One results document and the machine identity it states. */
struct bc_doc {
    char *path;          /* file name as given (owned) */
    char label[64];      /* tool.tag, else hypervisor name, else file name; unique in a set */
    json_t *root;
    const char *tag, *build, *version;
    const char *cpu_brand, *cpu_vendor, *hv_name, *sys_manufacturer, *sys_product;
    long long cpu_family, cpu_model, cpu_stepping;
    long long time;      /* "time": seconds since 1970, 0 when unknown */
    struct bc_entry *e;
    int n;
};

/** Parse and validate a document held in memory.  `name` names it in messages.  Returns 0, or
 *  -1 with "NAME:LINE:COLUMN: what" (or "NAME: results[i]: what") in err. */
int bc_doc_load_buffer(const char *buf, size_t len, const char *name, struct bc_doc *d,
                       char *err, size_t errlen);
/** Same for a file; files over max_bytes are refused before parsing. */
int bc_doc_load_file(const char *path, size_t max_bytes, struct bc_doc *d, char *err,
                     size_t errlen);
void bc_doc_free(struct bc_doc *d);
/** snprintf into err (errlen bytes); returns -1: `return bc_fail(err, errlen, "...", ...)`. */
int bc_fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/** "k=v k=v" of a params object, keys sorted, leaving out the keys in skip (NULL-terminated,
 *  or NULL).  Writes at most n bytes; returns the length it needed (like snprintf). */
size_t bc_params_format(json_t *params, const char *const *skip, char *buf, size_t n);
/** Give each of n documents its label (made unique with "-2", "-3"...). */
void bc_doc_labels(struct bc_doc *docs, int n);

/* Noise test between two sides of a comparison. */
enum bc_noise { BC_NOISE_NA = -1, BC_DIFFERENT = 0, BC_WITHIN_NOISE = 1 };
#define BC_MWU_MIN_N 4     /* Mann-Whitney U when both sides have at least this many samples */
#define BC_MWU_ALPHA 0.05  /* ... and p >= alpha means "within noise" */

/** Two-sided p-value of the Mann-Whitney U test (exact for small samples, normal
 *  approximation with tie correction for larger ones). */
double bc_mann_whitney_p(const double *a, int na, const double *b, int nb);

struct bc_cell {
    const struct bc_entry *e; /* NULL: this environment has no such entry */
    double ratio_pct;         /* median / baseline median * 100 */
    double overhead_pct;      /* how much worse than the baseline, in % (negative = better) */
    int noise;                /* enum bc_noise */
    char method;              /* 'U' Mann-Whitney, 'r' min..max overlap, 0 none */
    double p;                 /* U test p-value when method == 'U' */
};

struct bc_row {
    const struct bc_entry *first; /* the entry giving suite/test/params/unit */
    struct bc_cell *c;            /* ndocs cells */
    int present;                  /* how many documents have this entry */
    int unit_mismatch;
};

struct bc_table {
    struct bc_doc *docs;
    int ndocs;
    struct bc_row *rows;
    int nrows;
    int unmatched;                /* rows not present in every document */
    char **warn;
    int nwarn;
};

/** Match the entries of docs[0..n-1] (docs[0] is the baseline) into t.  0, or -1 (memory). */
int bc_compare(struct bc_doc *docs, int n, struct bc_table *t);
/** Append a printf-style warning to t->warn (dropped when out of memory). */
void bc_warn(struct bc_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Environment warnings (core clock, turbo/pstate, threads per core, NUMA nodes, a core clock
 *  that moved during a run, stolen samples), appended to t->warn; called by bc_compare. */
void bc_env_warnings(struct bc_table *t);
void bc_table_free(struct bc_table *t);

enum bc_format { BC_TEXT, BC_MARKDOWN, BC_CSV, BC_HTML };
/** Print the identity of each document, warnings and the table to f; for CSV, f gets only the
 *  table and the identity and warnings go to `notes` (may be NULL); BC_HTML writes sections of
 *  an HTML page (bc_report's body), every document text escaped. */
void bc_print(FILE *f, FILE *notes, const struct bc_table *t, enum bc_format fmt);
/** The parts of BC_HTML: environments, warnings (and summary) first; the full table. */
enum bc_html_part { BC_HTML_FRONT, BC_HTML_TABLE };
void bc_print_html(FILE *f, const struct bc_table *t, enum bc_html_part part);

/** Write charts (SVG and PNG) into dir with gnuplot; names of the files made go to `made`
 *  (one per line) if not NULL.  Returns the number of charts, or -1 with a message in err.
 *  gnuplot NULL: only the scripts (NAME.gp) and data files (NAME.dat), counted as charts.
 *  No text from a document reaches gnuplot except as a single-quoted literal. */
int bc_plot(const struct bc_table *t, const char *dir, const char *gnuplot, FILE *made,
            char *err, size_t errlen);

/* A chart bc_plot_list drew: dir/NAME.svg (and .png, .gp, .dat). */
struct bc_chart {
    char name[128];  /* [A-Za-z0-9._-] only */
    char suite[32];  /* the suite it shows (may be cut) */
    char title[256]; /* its title, lines separated by '\n' (display forms of document text) */
};
struct bc_charts {
    struct bc_chart *c;
    int n;
};
/** bc_plot that also lists the charts drawn in *list (appended; bc_charts_free frees). */
int bc_plot_list(const struct bc_table *t, const char *dir, const char *gnuplot, FILE *made,
                 struct bc_charts *list, char *err, size_t errlen);
void bc_charts_free(struct bc_charts *l);

/** Write dir/index.html, the study as one self-contained page: the environments, warnings, the
 *  table (bc_print's BC_HTML) and every chart (drawn with gnuplot into dir/charts, inlined as
 *  <svg>), with the documents copied into dir/docs and linked.  Every text from a document is
 *  HTML-escaped; the page loads nothing (its Content-Security-Policy forbids it).  Returns the
 *  number of charts, or -1 with a message in err. */
int bc_report(const struct bc_table *t, const char *dir, const char *gnuplot, char *err,
              size_t errlen);

#endif
