/* db_query.h - barebench-db's questions over the store: summary, outliers, compare.  Each
 * reads the selected runs and figures (db_fetch) and answers with a table (db_out). */
#ifndef BB_DB_QUERY_H
#define BB_DB_QUERY_H

#include "tools/fleet/db_args.h"
#include "tools/fleet/db_out.h"
#include "tools/fleet/db_set.h"
#include "tools/fleet/fleet_db.h"

/* the subcommands' usage lines (barebench-db --help, and each one's --help) */
#define SUMMARY_USAGE \
    "summary [--db DB] [--by G] [filters] [--format F]  per test, the distribution\n" \
    "      over machines in each group: n, median, q1, q3, IQR, min, max"
#define OUTLIERS_USAGE \
    "outliers [--db DB] [--by G] [--threshold Z] [--min-pct P] [--min-n N] [filters]\n" \
    "      per test, machines far from their group: robust z (median/MAD) >= Z (3.5)\n" \
    "      and >= P% (5) off the median, in groups of >= N machines (5), worst first"
#define COMPARE_USAGE \
    "compare --by tag|hypervisor|firmware [--baseline GROUP] [--match role|exact]\n" \
    "      [filters] [--only summary|table] [--format F] [--report DIR]  the study's table\n" \
    "      (benchcmp's pooling: one column per group) between groups; --report: its HTML page"

/** The summary table of s: per test and group n, median, q1, q3, iqr, min, max.  0 or -1. */
int fleet_summary_table(const struct fleet_set *s, const struct fleet_args *a, struct fleet_out *o);
/** The outliers of s under a's threshold, min_pct and min_n, worst first per test.  0 or -1. */
int fleet_outliers_table(const struct fleet_set *s, const struct fleet_args *a, struct fleet_out *o);

/** A question's options (fleet_args_cli) and its open store (fleet_cli_open); NULL with the
 *  exit status in *status: 0 after --help, 2 bad usage, 1 the store could not be opened. */
struct fleet_db *fleet_ask_open(int argc, char **argv, const char *db, int which, const char *what,
                                const char *usage, struct fleet_args *a, int *status);
/** Answer one question: options (which: FLEET_OPT_*), the store db, the selected figures,
 *  table(), printed under a title starting with `what`.  Exit status: 0, 1 failed, 2 usage. */
int fleet_ask(int argc, char **argv, const char *db, int which, const char *usage,
              int (*table)(const struct fleet_set *, const struct fleet_args *, struct fleet_out *),
              const char *what);

#endif
