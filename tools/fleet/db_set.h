/* db_set.h - the figures a fleet question works on, read from the store: the selected runs
 * (one per machine, or all) with their machine, group and file, and per test (suite, test,
 * params) each run's median.  Built by db_fetch.c, read by summary and outliers. */
#ifndef BB_DB_SET_H
#define BB_DB_SET_H

#include <stddef.h>

struct fleet_run {
    char *run_id, *machine, *label, *group, *file; /* label: how a person names the machine */
    long long time;
    int grank;                       /* the group's rank by name (fleet_set_sort); equal groups
                                        have equal ranks, so sorting compares integers */
};

struct fleet_test {
    char *key;                       /* "suite\x1ftest\x1fparams key" */
    char *suite, *test, *params, *unit, *better;
    int *run;                        /* index into fleet_set.runs, per value */
    double *val;
    int n, cap;
};

struct fleet_set {
    struct fleet_run *runs;
    int nruns, runs_cap;
    struct fleet_test *tests;
    int ntests, tests_cap;
    int *slot;                       /* open-addressing table of test indexes (-1 empty) */
    size_t nslots;
};

void fleet_set_init(struct fleet_set *s);
void fleet_set_free(struct fleet_set *s);
/** Add a run; NULL strings become "".  Returns its index, or -1 (memory). */
int fleet_set_run(struct fleet_set *s, const char *run_id, const char *machine, const char *label,
                  const char *group, const char *file, long long time);
/** The index of a test in s->tests (added when new), or -1 (memory). */
int fleet_set_test(struct fleet_set *s, const char *suite, const char *test,
                   const char *params_key, const char *params, const char *unit, const char *better);
/** Add run r's median to test number `test`.  0, or -1 (memory). */
int fleet_set_add(struct fleet_set *s, int test, int r, double median);
/** Add run r's median of one test (found or added by its key).  0, or -1 (memory). */
int fleet_set_value(struct fleet_set *s, int r, const char *suite, const char *test,
                    const char *params_key, const char *params, const char *unit,
                    const char *better, double median);
/** Sort the tests by suite, test, params, numbers in them by value (the order every answer
 *  lists them in), and rank the runs' groups by name (fleet_run.grank).  0, or -1 (memory). */
int fleet_set_sort(struct fleet_set *s);

#endif
