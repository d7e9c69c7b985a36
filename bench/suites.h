/* suites.h - the registry of benchmark suites; each is a name, a bit and a run function. */
#ifndef BB_SUITES_H
#define BB_SUITES_H

struct bench_ctx;

struct suite {
    const char *name;
    unsigned bit;      /* enum suite_bit */
    const char *desc;
    void (*run)(struct bench_ctx *c);
};

/** The suites built into this binary, in run order; NULL-terminated. */
extern const struct suite *const bench_suites[];

extern const struct suite suite_timer;
extern const struct suite suite_alu, suite_vmcost;
extern const struct suite suite_mem;
extern const struct suite suite_disk;

#endif
