/* db_args.h - the options the fleet questions share (barebench-db summary, outliers,
 * compare; the database comes from barebench-db's --db): which runs (time range, tags, latest per machine or all), which
 * tests (suite, test), how machines are grouped, and the output format. */
#ifndef BB_DB_ARGS_H
#define BB_DB_ARGS_H

#include "tools/fleet/db_out.h"

#define FLEET_MAX_TAGS 32

/* what machines are grouped by: a column of the runs table */
enum fleet_by { FLEET_BY_TAG, FLEET_BY_HYPERVISOR, FLEET_BY_SYSTEM, FLEET_BY_CPU, FLEET_BY_FIRMWARE };

struct fleet_args {
    enum fleet_by by;
    long long since, until;           /* run time range (seconds since 1970; 0: open) */
    const char *tags[FLEET_MAX_TAGS]; /* only runs with one of these tags (none: all) */
    int ntags;
    const char *suite, *test;         /* only these (NULL: all); test may be "suite/test" */
    int all_runs;                     /* every run, not the latest of each machine */
    enum fleet_format format;
    double threshold;                 /* outliers: |robust z| at least this */
    double min_pct;                   /* outliers: and at least this far from the median, in % */
    int min_n;                        /* outliers: groups of fewer machines are not judged */
    const char *baseline;             /* compare: the baseline group */
    int match_exact;                  /* compare: --match exact (default role) */
    int only;                         /* compare: --only summary|table (enum bc_part; 0 all) */
    const char *report;               /* compare: --report DIR */
};

/* which options a subcommand takes, beyond the shared ones */
#define FLEET_OPT_OUTLIERS 1
#define FLEET_OPT_COMPARE 2

/** Parse argv[0..argc-1] (what follows the subcommand's name) into a.  Returns 0, or -1 with a message
 *  naming the option in err. */
int fleet_args_parse(int argc, char **argv, int which, struct fleet_args *a, char *err, size_t n);
/** The same for a subcommand's main: --help prints its usage (and 0 is returned), a bad option
 *  "barebench-db WHAT: why" (2); -1 when a holds the options and the command goes on. */
int fleet_args_cli(int argc, char **argv, int which, const char *what, const char *usage,
                   struct fleet_args *a);
/** "tag", "hypervisor", "system", "cpu", "firmware" -> enum fleet_by; -1 otherwise. */
int fleet_by_parse(const char *s);
const char *fleet_by_name(enum fleet_by by);
/** A time: seconds since 1970, or YYYY-MM-DD[THH:MM[:SS]][Z] in UTC.  0, or -1. */
int fleet_time_parse(const char *s, long long *t);
/** The shared options' usage lines. */
extern const char fleet_args_usage[];

#endif
