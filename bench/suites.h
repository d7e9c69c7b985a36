/* suites.h - the registry of benchmark suites: each contributes its name, its run function and
 * its rows of the end-of-run page; bench/suites.c lists them once, in run order, and that list
 * is all the runtime knows of them (app/ registers their names and options with kernel/run/options). */
#ifndef BB_SUITES_H
#define BB_SUITES_H

struct bench_ctx;
struct summary;
struct results;
struct opt_group;

struct suite {
    const char *name;  /* suite=NAME, the "suite" of its entries */
    const char *desc;
    void (*run)(struct bench_ctx *c);
    /* its headline figures on the end-of-run page (kernel/report/summary.h), or NULL */
    void (*summarize)(struct summary *s, const struct results *rs);
    /* its own options (kernel/run/options.h struct opt_group; app_init registers them), or NULL */
    const struct opt_group *options;
};

/** The suites built into this binary, in run order; NULL-terminated. */
extern const struct suite *const bench_suites[];

extern const struct suite suite_timer;
extern const struct suite suite_alu, suite_vmcost;
extern const struct suite suite_mem;
extern const struct suite suite_disk;

#endif
