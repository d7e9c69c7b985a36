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

/* How entries of different documents become one row. */
enum bc_match {
    BC_MATCH_ROLE = 0, /* default: disk entries by the disk's role (see bc_disk_roles), never by
                          index, kind or driver path (params disk, disk_kind, api left out) */
    BC_MATCH_EXACT = 1 /* every param, as benchcmp did before pooling (--match exact) */
};

/* What bc_compare_opts compares; zero-initialised = every entry, role matching. */
struct bc_opts {
    enum bc_match match;
    const char *const *suites; /* keep only these suites (NULL or nsuites 0: all) */
    int nsuites;
    const char *const *tests;  /* keep only tests matching one of these fnmatch(3) patterns */
    int ntests;
};

/* One column of the table: the documents of one environment.  Documents with the same non-empty
 * tool.tag are one pool (repeated runs, or many machines of one environment); a document
 * without a tag is a pool of its own.  pools[0] is the baseline: the pool of docs[0]. */
struct bc_pool {
    char label[64];   /* the tag, else the document's label; unique in a table, CSV-safe */
    int *doc;         /* indices into bc_table.docs, in the order given (owned) */
    int n;            /* documents in the pool */
    int missing;      /* (row, document) pairs where a document of the pool lacks a row that
                         another document of the same pool has */
};

/* Kinds of I/O path a disk entry went through (from its api param). */
enum bc_driver { BC_DRV_NONE = 0, BC_DRV_NATIVE, BC_DRV_FIRMWARE, BC_DRV_OS, BC_DRV_MIXED };

/* One pool's figures for one row.  With one document in the pool median = its median,
 * lo/hi = its min/max, so a table of single-document pools reads as before pooling. */
struct bc_cell {
    const struct bc_entry *e; /* the entry of the pool's first document that has it; NULL: none */
    int n;                    /* documents of the pool with this entry */
    int missing;              /* documents of the pool without it (pool n - n) */
    double median;            /* median of the documents' medians (NAN when n == 0) */
    double min, max;          /* spread across documents: smallest and largest median */
    double q1, q3;            /* interquartile range of the documents' medians (linear, type 7) */
    double lo, hi;            /* lowest min and highest max of the documents' entries */
    char api[48];             /* the api param(s) seen, "a+b" when the pool's documents differ;
                                 "" when the entry has none */
    int driver;               /* enum bc_driver of those apis */
    double ratio_pct;         /* median / baseline median * 100 */
    double overhead_pct;      /* how much worse than the baseline, in % (negative = better) */
    int noise;                /* enum bc_noise: all samples of the pool against all of the
                                 baseline pool's (U test when both have >= BC_MWU_MIN_N, else
                                 lo..hi overlap) */
    char method;              /* 'U' Mann-Whitney, 'r' min..max overlap, 0 none */
    double p;                 /* U test p-value when method == 'U' */
    char at[48];              /* role matching, a row matched without one of a memory working
                                 set's params (bc_row.at_param): that param as the pool's
                                 documents gave it ("1.32 GiB", "L2"; "a+b" when they differ) */
    char isa[24];             /* role matching, a row matched by ISA role (bc_row.isa_role): the
                                 isa param of the pool's documents ("avx512", "sve2"; "a+b") */
};

struct bc_row {
    const struct bc_entry *first; /* the entry giving suite/test/unit/better */
    char *key;                    /* the match key (owned) */
    char *params_text;            /* params as shown: with BC_MATCH_ROLE disk entries show
                                     disk=ROLE (only when there are several) and no disk_kind /
                                     api (owned) */
    struct bc_cell *c;            /* npools cells */
    int present;                  /* how many pools have this entry */
    int unit_mismatch;
    int mixed_drivers;            /* its pools went through different enum bc_driver kinds */
    const char *at_param;         /* role matching: the working-set param left out of the key
                                     (suite_ws_params: "bytes" for a test measured once per
                                     cache level, "level" for one measured at several sizes per
                                     level), shown per pool in bc_cell.at; NULL otherwise */
    const char *isa_role;         /* role matching: "base" (the lowest ISA level each document
                                     measured the test at) or "best" (the highest), the isa
                                     param left out of the key and shown per pool in
                                     bc_cell.isa; NULL: isa (if any) matched as written, or
                                     every pool ran the same level (then shown as before) */
    int operand;                  /* role matching of documents of different architectures: the
                                     row was matched without its operand param
                                     (suite_operand_params), each pool's "key=value" in
                                     bc_cell.at */
};

struct bc_table {
    struct bc_doc *docs;
    int ndocs;
    struct bc_pool *pools;        /* the columns; pools[0] is the baseline */
    int npools;
    struct bc_row *rows;          /* in reading order: suites as first seen; disk rows by op,
                                     pattern, test, block size, qd; others as first seen */
    int nrows;
    int unmatched;                /* rows not present in every pool */
    int missing;                  /* sum of pools[].missing */
    enum bc_match match;
    char **warn;
    int nwarn;
    int warn_dropped;             /* warnings beyond BC_WARN_MAX, counted in the last one */
    int archs_differ;             /* the documents' architectures differ (bc_doc_arch) */
};
#define BC_WARN_MAX 100           /* a fleet of documents would otherwise print thousands */

/** Match the entries of docs[0..n-1] into t: pools by tag (the pool of docs[0] is the baseline),
 *  rows by o->match, pooled figures, ratios, noise, warnings.  0, or -1 (memory). */
int bc_compare_opts(struct bc_doc *docs, int n, const struct bc_opts *o, struct bc_table *t);
/** Does every name of o->suites name a suite of docs[0..n-1], and every pattern of o->tests
 *  match a test (of the suites selected)?  0, or -1 with "--suite 'alus' matches no entry of
 *  the documents (their suites: alu, disk)" in err: a typo is not silently a smaller table. */
int bc_opts_check(const struct bc_doc *docs, int n, const struct bc_opts *o, char *err, size_t errlen);
/** bc_compare_opts with every entry and role matching. */
int bc_compare(struct bc_doc *docs, int n, struct bc_table *t);

/** The pooling steps of bc_compare_opts (benchcmp_pool.c), for tools that build tables of
 *  their own.  bc_make_pools: t->pools from t->docs by tag.  bc_fill_row: row r's cells from
 *  ent[0..ndocs-1] (each document's entry, NULL: none).  bc_pool_warnings: entries missing from
 *  some documents of a pool (counted per file), rows whose pools went through different kinds
 *  of driver; ent[row][doc] as for bc_fill_row.  0, or -1 (memory). */
int bc_make_pools(struct bc_table *t);
int bc_fill_row(struct bc_table *t, struct bc_row *r, const struct bc_entry *const *ent);
void bc_pool_warnings(struct bc_table *t, const struct bc_entry *const *const *ent);

/** The disk roles of docs[0..n-1] (benchcmp_roles.c): for each document, role[d][index] = the
 *  role number of its disk with that env.disks index (-1: not measured), roles named in
 *  names[r] ("" when every document measured one disk: the disk under test; else the
 *  disk_label, or the size as "16 MiB" with "#2"... for more of that size).  Disks pair by
 *  disk_label when both have one; else by size within 1%, then the same model, then serial.
 *  Returns the number of roles, or -1 (memory); free with bc_disk_roles_free. */
struct bc_roles {
    int **role;     /* [doc][disk index], role_n[doc] wide */
    int *role_n;
    char **names;
    int nroles, ndocs;
    char **warn; /* what a reader must know of the pairing: disks of one size paired by
                    order, a disk_label some documents lack (benchcmp puts them in t.warn) */
    int nwarn;
};
#define BC_DISKS_MAX 64 /* disks of one document matched by role (as many as barebench lists);
                           more are matched by every param, and a warning says so */
int bc_disk_roles(const struct bc_doc *docs, int n, struct bc_roles *r);
/** The length of the "disk=ROLE" that leads r->params_text under role matching (ROLE may hold
 *  spaces: "disk=16 MiB"), 0 when the row names no role. */
size_t bc_row_role_len(const struct bc_row *r);
void bc_disk_roles_free(struct bc_roles *r);

/** ISA roles (benchcmp_isa.c): per document, the lowest and highest ISA level
 *  (bench/suite_charts.h suite_isa_levels) of each test measured at some.  bc_isa_role gives
 *  entry e of document d its role, "base" or "best" (a test at one level: "base" for the base
 *  ISA, "best" for a SIMD level), NULL for a level between them or a name not in the list.
 *  bc_isa_warnings names the architectures (env.cpu.arch, none = x86-64) and the rows whose
 *  ISA levels differ.  Return -1 on memory. */
struct bc_isa_index;
int bc_isa_index_make(const struct bc_doc *docs, int n, struct bc_isa_index **out);
int bc_isa_role(const struct bc_isa_index *ix, int d, const struct bc_entry *e, const char **role);
void bc_isa_index_free(struct bc_isa_index *ix, int n);
void bc_isa_warnings(struct bc_table *t);
/** After bc_fill_row: a row whose pools all ran the same level reads as before (isa=VALUE in
 *  its params_text, isa_role NULL, no bc_cell.isa); its key stays the role's. */
int bc_isa_settle(const struct bc_table *t, struct bc_row *r);
/** A document's architecture: env.cpu.arch, "x86-64" when it names none (before the port). */
const char *bc_doc_arch(const struct bc_doc *d);

/** The kind of path an api param names: blockio* firmware, psync / linux-aio / fio-* the OS,
 *  anything else (nvme, virtio-blk, ahci, pvscsi...) barebench's own (native) driver. */
enum bc_driver bc_api_driver(const char *api);

/* The summary (benchcmp_summary.c): one group per suite, and for disk per operation and
 * block-size class; per non-baseline pool the median overhead, how many rows are outside
 * noise, and the worst three rows. */
#define BC_WORST 3
#define BC_BS_SMALL (64 * 1024)    /* block-size classes: < 64 KiB small, */
#define BC_BS_LARGE (1024 * 1024)  /* < 1 MiB medium, else large */
struct bc_sum_cell {
    int n;                      /* rows with an overhead for this pool */
    double median_overhead_pct; /* NAN when n == 0 */
    int outside_noise;          /* rows whose noise is BC_DIFFERENT */
    int worst[BC_WORST];        /* row indices, largest overhead first; only rows worse than
                                   the baseline (overhead > 0): nworst 0 when none is */
    int nworst;
};
struct bc_sum_group {
    char suite[32];
    char op[16];        /* disk: "read" / "write" (params.op); else "" */
    char bs_class[16];  /* disk: "small" / "medium" / "large"; else "" */
    char name[80];      /* as shown: "alu", "disk read small (<64K)" */
    int nrows;          /* table rows in the group */
    struct bc_sum_cell *c; /* npools cells; c[0] (the baseline) stays empty */
};
struct bc_summary {
    struct bc_sum_group *g;
    int ng, npools;
};
/** Fill s from t (groups in table order).  0, or -1 (memory). */
int bc_summarize(const struct bc_table *t, struct bc_summary *s);
void bc_summary_free(struct bc_summary *s);
/** The group of a row: suite, op and block-size class ("" when not disk); name as shown. */
void bc_row_group(const struct bc_row *r, char *op, size_t opn, char *bs, size_t bsn);

/** Append a printf-style warning to t->warn (dropped when out of memory). */
void bc_warn(struct bc_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/** Environment warnings (core clock, turbo/pstate, threads per core, NUMA nodes, a core clock
 *  that moved during a run, stolen samples), appended to t->warn; called by bc_compare. */
void bc_env_warnings(struct bc_table *t);
void bc_table_free(struct bc_table *t);

enum bc_format { BC_TEXT, BC_MARKDOWN, BC_CSV, BC_HTML };
enum bc_part { BC_PART_ALL = 0, BC_PART_SUMMARY, BC_PART_TABLE };
/** Print the identity of each pool (and its files), warnings, the summary and the table to f;
 *  for CSV, f gets only the table and the identity and warnings go to `notes` (may be NULL);
 *  BC_HTML writes sections of an HTML page (bc_report's body), every document text escaped. */
void bc_print(FILE *f, FILE *notes, const struct bc_table *t, enum bc_format fmt);
/** Same, limited to a part: BC_PART_SUMMARY prints only the summary (for CSV: the summary as
 *  CSV instead of the table), BC_PART_TABLE everything but the summary. */
void bc_print_part(FILE *f, FILE *notes, const struct bc_table *t, enum bc_format fmt,
                   enum bc_part part);
/** The two parts of the report page (BC_HTML): environments, warnings and summary; the full
 *  table.  bc_report puts the charts between them. */
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
    char title[400]; /* its title, lines separated by '\n' (display forms of document text) */
};
struct bc_charts {
    struct bc_chart *c;
    int n;
};
/** bc_plot that also lists the charts drawn in *list (appended; bc_charts_free frees);
 *  svg_only: no PNG. */
int bc_plot_list(const struct bc_table *t, const char *dir, const char *gnuplot, FILE *made,
                 struct bc_charts *list, int svg_only, char *err, size_t errlen);
void bc_charts_free(struct bc_charts *l);

/** Write dir/index.html, the study as one self-contained page: the environments, warnings, the
 *  table (bc_print's BC_HTML) and every chart (drawn with gnuplot into dir/charts, inlined as
 *  <svg>), with the documents copied into dir/docs and linked.  Every text from a document is
 *  HTML-escaped; the page loads nothing (its Content-Security-Policy forbids it).  Returns the
 *  number of charts, or -1 with a message in err. */
int bc_report(const struct bc_table *t, const char *dir, const char *gnuplot, char *err,
              size_t errlen);
/** What --report DIR would do to dir: 0 it is new or empty; 1 it holds a previous report of
 *  benchcmp (its index.html is replaced, the charts and document copies of the old report are
 *  removed first); -1 with the reason in err: anything else (bc_report refuses it). */
int bc_report_dir_state(const char *dir, char *err, size_t errlen);

#endif
