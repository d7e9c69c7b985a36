/* summary.h - the one-page end-of-run summary for a screen of 80x25: the machine, each suite's
 * headline figures with units, the outcome, where the document went and what happens next. */
#ifndef BB_SUMMARY_H
#define BB_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

struct identity;
struct clock_info;
struct results;

#define SUMMARY_COLS 79     /* widest line: a full 80th column wraps on some consoles */
#define SUMMARY_ROWS 23     /* most lines: 80x25 keeps a prompt line and the cursor below */
#define SUMMARY_HEAD_MAX 8  /* machine, timer and suite lines */
#define SUMMARY_DISK_ROWS 16 /* disk table rows (read and write per disk) */

/** Headline figures of a run, formatted while the results still exist. */
struct summary {
    char head[SUMMARY_HEAD_MAX][SUMMARY_COLS + 1];
    int nhead;
    char disk[SUMMARY_DISK_ROWS][SUMMARY_COLS + 1]; /* rows of the disk table */
    int disk_of_row[SUMMARY_DISK_ROWS];             /* which disk a row belongs to */
    int ndisk_rows;
};

/** The closing block: outcome and where things went.  NULL or "" strings are left out
 *  (document and next are always shown). */
struct summary_end {
    int status;                       /* 0 ran, 1 ran with errors, 2 nothing ran */
    int nresults, nskipped, nerrors;
    const char *version, *build;      /* "1.2-abc", "uefi" */
    const char *error;                /* first error */
    const char *document;             /* where the JSON document went */
    const char *file;                 /* where it was saved, or why not */
    const char *upload;               /* upload outcome */
    const char *next;                 /* what the machine does next */
};

/** One suite's headline figures, added with summary_head / summary_disk_row (bench/: each
 *  suite's `summarize`, e.g. alu's FP64 FMA peak, mem's triad and latency, vmcost's CPUID / port
 *  read / HLT wake-up, disk's table rows). */
typedef void summary_rows_fn(struct summary *s, const struct results *rs);

/** Pick the headline figures: machine identity, timer calibration (clk), then each of `rows`
 *  (NULL-terminated, NULL for none) in order.  Any of id, clk, rs may be NULL (nothing ran). */
void summary_collect(struct summary *s, const struct identity *id, const struct clock_info *clk,
                     const struct results *rs, summary_rows_fn *const *rows);

/* ---- for the suites' rows ---- */
struct result;
/** A line of the head block (cut at SUMMARY_COLS; dropped past SUMMARY_HEAD_MAX). */
void summary_head(struct summary *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** A row of the disk table, belonging to disk `disk`. */
void summary_disk_row(struct summary *s, int disk, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** The best median of suite/test among entries with `threads` (0: the most threads seen, > 1),
 *  of kernel `kernel` when not NULL; NULL if none. */
const struct result *summary_best(const struct results *rs, const char *suite, const char *test,
                                  const char *kernel, int64_t threads);
/** r is suite/test and has samples. */
int summary_is(const struct result *r, const char *suite, const char *test);
/** A parameter of r: an integer (dflt when absent), a string ("" when absent). */
int64_t summary_param_int(const struct result *r, const char *key, int64_t dflt);
const char *summary_param_str(const struct result *r, const char *key);
/** A figure in at most 6 characters ("-" for none); a byte count as 4K, 1M, 2G. */
void summary_fig(char *b, size_t n, double v);
void summary_size_label(char *b, size_t n, int64_t bytes);

/** The page as text, at most SUMMARY_ROWS lines of at most SUMMARY_COLS characters, each
 *  ending in '\n'; disks that do not fit are counted in one line.  Returns the number of lines. */
int summary_format(const struct summary *s, const struct summary_end *e, char *buf, size_t n);

#endif
