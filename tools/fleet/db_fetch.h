/* db_fetch.h - reads what a fleet question needs from the store, the same SQL on SQLite and
 * PostgreSQL: the runs the filters select (the latest of each machine unless --all-runs), then
 * test by test their medians (one indexed query per test keeps every answer small). */
#ifndef BB_DB_FETCH_H
#define BB_DB_FETCH_H

#include "tools/fleet/db_args.h"
#include "tools/fleet/db_set.h"
#include "tools/fleet/fleet_db.h"

#include <stddef.h>

/** The selected runs of db (group column by a->by) into s, with their ids in ids[] (db row
 *  ids, one per run of s, owned by the caller: free).  0, or -1 with err. */
int fleet_fetch_runs(struct fleet_db *db, const struct fleet_args *a, struct fleet_set *s,
                     long long **ids, char *err, size_t n);
/** The runs and, for every test the suite/test filters keep, each selected run's median. */
int fleet_fetch(struct fleet_db *db, const struct fleet_args *a, struct fleet_set *s, char *err,
                size_t n);
/** Does a test pass the --suite / --test filters (comma lists; fnmatch patterns for tests,
 *  matched against TEST and against SUITE/TEST)? */
int fleet_test_selected(const struct fleet_args *a, const char *suite, const char *test);

#endif
