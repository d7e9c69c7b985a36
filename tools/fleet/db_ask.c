/* db_ask.c - the steps every fleet question shares: parse the options, open the store, read
 * the selected runs and figures, build the answer's table, print it (text, CSV or JSON); and
 * the subcommands summary and outliers made of them (their tables: db_summary.c, db_outliers.c). */
#include "tools/fleet/db_query.h"
#include "tools/fleet/db_fetch.h"
#include "tools/fleet/fleet_cli.h"

#include <stdio.h>

struct fleet_db *fleet_ask_open(int argc, char **argv, const char *db, int which, const char *what,
                                const char *usage, struct fleet_args *a, int *status)
{
    *status = fleet_args_cli(argc, argv, which, what, usage, a);
    if (*status >= 0)
        return NULL;
    struct fleet_db *d = fleet_cli_open(db);
    *status = d ? 0 : 1;
    return d;
}

int fleet_ask(int argc, char **argv, const char *db, int which, const char *usage,
              int (*table)(const struct fleet_set *, const struct fleet_args *, struct fleet_out *),
              const char *what)
{
    struct fleet_args a;
    char err[1024];
    int st;
    struct fleet_db *d = fleet_ask_open(argc, argv, db, which, what, usage, &a, &st);
    if (!d)
        return st;
    struct fleet_set s;
    struct fleet_out o;
    fleet_set_init(&s);
    int rc = 1;
    if (fleet_fetch(d, &a, &s, err, sizeof err) < 0) {
        fprintf(stderr, "barebench-db %s: %s\n", what, err);
        goto out;
    }
    if (table(&s, &a, &o) < 0) {
        fprintf(stderr, "barebench-db %s: out of memory\n", what);
        fleet_out_free(&o);
        goto out;
    }
    char title[256];
    snprintf(title, sizeof title, "%s: %d %s%s, grouped by %s", what, s.nruns,
             a.all_runs ? "run" : "machine", s.nruns == 1 ? "" : "s", fleet_by_name(a.by));
    rc = fleet_out_print(stdout, &o, a.format, title) < 0 || fflush(stdout) ? 1 : 0;
    fleet_out_free(&o);
out:
    fleet_set_free(&s);
    fleet_close(d);
    return rc;
}

int fleet_cmd_summary(int argc, char **argv, const char *db)
{
    return fleet_ask(argc, argv, db, 0, SUMMARY_USAGE, fleet_summary_table, "summary");
}

int fleet_cmd_outliers(int argc, char **argv, const char *db)
{
    return fleet_ask(argc, argv, db, FLEET_OPT_OUTLIERS, OUTLIERS_USAGE, fleet_outliers_table,
                     "outliers");
}
