/* results.h - the results of one run: a flat list of measurement entries of one shape
 * (suite, test, params, unit, statistics, samples), plus skipped tests and errors. */
#ifndef BB_RESULTS_H
#define BB_RESULTS_H

#include "kernel/lib/stats.h"

#include <stdint.h>

struct json;

#define RES_MAX_PARAMS 12
#define RES_MAX_EXTRA 20

enum param_type { P_STR, P_INT, P_NUM, P_BOOL };

struct param {
    char key[24];
    enum param_type type;
    char s[48];
    int64_t i;
    double d;
};

struct extra { /* a named side-figure, e.g. per-core median */
    char key[32];
    double v;
    int is_bool;  /* written as true/false */
};

struct result {
    char suite[16], test[48], unit[16], better[8], desc[160];
    struct param params[RES_MAX_PARAMS];
    int nparams;
    double *samples;
    int nsamples;
    struct stats st;
    int has_cycles;     /* cycles per operation alongside */
    char cycles_clock[8]; /* whose cycles: "core" (measured core clock) or "tsc" */
    struct stats cycles;
    struct extra extras[RES_MAX_EXTRA];
    int nextras;
    double *per_cpu;    /* per-processor medians of a parallel run */
    int nper_cpu;
    struct extra_table { /* a named table in "extra": [{col: v, ...}, ...] */
        char key[24];
        const char *const *cols; /* static column names */
        int ncols, nrows;
        double *v;               /* nrows * ncols, row by row */
    } tables[2];
    int ntables;
};

struct note { /* a skipped test or an error */
    char suite[16], test[48], why[192];
};

struct results {
    struct result *r;
    int n, cap;
    struct note *skipped;
    int nskipped, capskipped;
    struct note *errors;
    int nerrors, caperrors;
};

void results_init(struct results *rs);
void results_free(struct results *rs);

/** Add an entry; returns NULL only when memory is exhausted (also recorded as an error). */
struct result *results_add(struct results *rs, const char *suite, const char *test,
                           const char *unit, const char *better, const char *desc);
void result_param_str(struct result *r, const char *key, const char *v);
void result_param_int(struct result *r, const char *key, int64_t v);
void result_param_num(struct result *r, const char *key, double v);
void result_param_bool(struct result *r, const char *key, int v);
void result_extra(struct result *r, const char *key, double v);
void result_extra_bool(struct result *r, const char *key, int v);
/** Add a table to "extra" as an array of objects, row i = {cols[k]: v[i*ncols+k]}; `cols`
 *  must stay valid (static).  At most two tables per entry. */
void result_extra_table(struct result *r, const char *key, const char *const *cols, int ncols,
                        const double *v, int nrows);
/** Copy the samples and compute the statistics. */
void result_set_samples(struct result *r, const double *v, int n);
/** Per-processor figures of a parallel run (copied). */
void result_set_per_cpu(struct result *r, const double *v, int n);
/** Cycles per operation, matching the samples one to one. */
void result_set_cycles(struct result *r, const double *cyc, int n);
/** Name the clock of the cycles: "core" or "tsc". */
void result_set_cycles_clock(struct result *r, const char *clock);

void results_skip(struct results *rs, const char *suite, const char *test, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void results_error(struct results *rs, const char *suite, const char *test, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/** Write "results", "skipped" and "errors" members into the open document object. */
void results_write_json(const struct results *rs, struct json *j);
/** Print a human-readable table of all entries. */
void results_print_summary(const struct results *rs);

#endif
