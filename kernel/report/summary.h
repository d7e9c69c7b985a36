/* summary.h - the one-page end-of-run summary for a screen of 80x25: the machine, each suite's
 * headline figures with units, the outcome, where the document went and what happens next. */
#ifndef BB_SUMMARY_H
#define BB_SUMMARY_H

#include <stddef.h>

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

/** Pick the headline figures: machine identity, timer calibration (clk), alu FP64 FMA peak on
 *  one core and on all, mem DRAM triad one core / all cores and DRAM latency, vmcost CPUID /
 *  port read / HLT wake-up, and per disk sequential reads at 4K, 1M and the largest block and
 *  4K random IOPS at QD1 and the deepest QD (writes likewise when measured).  Any of id, clk,
 *  rs may be NULL (nothing ran). */
void summary_collect(struct summary *s, const struct identity *id, const struct clock_info *clk,
                     const struct results *rs);

/** The page as text, at most SUMMARY_ROWS lines of at most SUMMARY_COLS characters, each
 *  ending in '\n'; disks that do not fit are counted in one line.  Returns the number of lines. */
int summary_format(const struct summary *s, const struct summary_end *e, char *buf, size_t n);

#endif
