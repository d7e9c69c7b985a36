/* fleet_query.h - barebench-db's questions over the store: summary, outliers, compare.  Each
 * reads the selected runs and figures (fleet_fetch) and answers with a table (fleet_out). */
#ifndef BB_FLEET_QUERY_H
#define BB_FLEET_QUERY_H

#include "tools/fleet/fleet_args.h"
#include "tools/fleet/fleet_out.h"
#include "tools/fleet/fleet_set.h"

/** The summary table of s: per test and group n, median, q1, q3, iqr, min, max.  0 or -1. */
int fleet_summary_table(const struct fleet_set *s, struct fleet_out *o);
/** The outliers of s under a's threshold, min_pct and min_n, worst first per test.  0 or -1. */
int fleet_outliers_table(const struct fleet_set *s, const struct fleet_args *a, struct fleet_out *o);

/* the subcommands: argv[0] is the subcommand's name; exit status 0 done, 1 failed, 2 usage */
int fleet_cmd_summary(int argc, char **argv);
int fleet_cmd_outliers(int argc, char **argv);
int fleet_cmd_compare(int argc, char **argv);

#endif
