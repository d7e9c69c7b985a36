/* db_ask.c - the steps every fleet question shares: parse the options, open the store, read
 * the selected runs and figures, build the answer's table, print it (text, CSV or JSON). */
#include "tools/fleet/db_query.h"
#include "tools/fleet/db_fetch.h"
#include "tools/fleet/fleet_cli.h"

#include <stdio.h>
#include <string.h>

int fleet_ask(int argc, char **argv, const char *db, int which, const char *usage,
              int (*table)(const struct fleet_set *, const struct fleet_args *, struct fleet_out *),
              const char *what)
{
    struct fleet_args a;
    char err[1024];
    for (int i = 0; i < argc; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: barebench-db %s\n%s", usage, fleet_args_usage);
            return 0;
        }
    if (fleet_args_parse(argc, argv, which, &a, err, sizeof err) < 0) {
        fprintf(stderr, "barebench-db %s: %s\n", what, err);
        return 2;
    }
    struct fleet_db *d = fleet_cli_open(db);
    if (!d)
        return 1;
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
