/* benchcmp_env.c - compares the environments before the numbers: warns, naming both values,
 * when core clocks, turbo/pstate policy, threads per core or NUMA node counts differ, and when
 * a document's core clock moved during its run, it has samples with stolen time, or it was made
 * with test-only fault injection.  Absent fields (older documents) are not compared. */
#include "tools/benchcmp/benchcmp.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CLOCK_TOLERANCE 0.02 /* core clocks further apart than this are named */

/* The JSON value at a dotted path below the document root, or NULL. */
static json_t *at(const struct bc_doc *d, const char *path)
{
    json_t *v = d->root;
    char key[64];
    while (v && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof key)
            return NULL;
        memcpy(key, path, n);
        key[n] = 0;
        v = json_object_get(v, key);
        path += n + (path[n] == '.');
    }
    return v;
}

static int num(const struct bc_doc *d, const char *path, double *out)
{
    json_t *v = at(d, path);
    if (!json_is_number(v))
        return 0;
    *out = json_number_value(v);
    return 1;
}

/* A policy value as text ("true", "max", "2"), or NULL when absent. */
static const char *text(const struct bc_doc *d, const char *path, char *buf, size_t n)
{
    json_t *v = at(d, path);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    if (json_is_integer(v)) {
        snprintf(buf, n, "%lld", (long long)json_integer_value(v));
        return buf;
    }
    return NULL;
}

static void compare_text(struct bc_table *t, const struct bc_doc *a, const struct bc_doc *b,
                         const char *path, const char *what, const char *why)
{
    char ba[32], bb[32];
    const char *va = text(a, path, ba, sizeof ba), *vb = text(b, path, bb, sizeof bb);
    if (va && vb && strcmp(va, vb))
        bc_warn(t, "%s differ: %s has %s, %s has %s (%s): %s", what,
                    a->label, va, b->label, vb, path, why);
}

static void stolen(struct bc_table *t, const struct bc_doc *d)
{
    int entries = 0, samples = 0;
    double ns = 0;
    json_t *res = json_object_get(d->root, "results"), *e;
    size_t i;
    json_array_foreach(res, i, e) {
        json_t *x = json_object_get(e, "extra");
        json_t *s = json_object_get(x, "stolen_samples"), *n = json_object_get(x, "steal_ns");
        if (json_is_number(s) && json_number_value(s) > 0) {
            entries++;
            samples += (int)json_number_value(s);
        }
        if (json_is_number(n))
            ns += json_number_value(n);
    }
    if (entries)
        bc_warn(t, "%s has %d sample%s with more than 1%% stolen time in %d entr%s (%.3f ms stolen "
                       "in all): the hypervisor ran something else during those measurements",
                    d->label, samples, samples == 1 ? "" : "s", entries, entries == 1 ? "y" : "ies",
                    ns / 1e6);
}

/* A document whose run saw its core clock move more than barebench's threshold
 * (env.clock.moved; documents from before that field are not judged). */
static void clock_moved(struct bc_table *t, const struct bc_doc *d)
{
    json_t *c = at(d, "env.clock");
    if (!json_is_true(json_object_get(c, "moved")))
        return;
    json_t *of = json_object_get(c, "spread_of");
    json_t *lo = json_object_get(of, "low"), *hi = json_object_get(of, "high");
    json_t *lw = json_object_get(lo, "when"), *hw = json_object_get(hi, "when");
    char ends[160] = "";
    if (json_is_string(lw) && json_is_string(hw))
        snprintf(ends, sizeof ends, "%.3f GHz at %s, %.3f GHz at %s; ",
                 json_number_value(json_object_get(lo, "hz")) / 1e9, json_string_value(lw),
                 json_number_value(json_object_get(hi, "hz")) / 1e9, json_string_value(hw));
    bc_warn(t, "%s: core clock moved %.1f%% during its run (%senv.clock.moved): its figures were "
               "taken at a moving clock, so differences up to that size may be the clock, not the "
               "hypervisor", d->label, json_number_value(json_object_get(c, "spread")) * 100, ends);
}

/* A document made with the test-only option fault= (env.faults): deliberately broken devices. */
static void faulted(struct bc_table *t, const struct bc_doc *d)
{
    json_t *f = at(d, "env.faults");
    if (!json_is_array(f) || json_array_size(f) == 0)
        return;
    char names[160] = "";
    size_t used = 0, i;
    json_t *v;
    json_array_foreach(f, i, v)
        if (json_is_string(v) && used < sizeof names)
            used += (size_t)snprintf(names + used, sizeof names - used, "%s%s", i ? "," : "",
                                     json_string_value(v));
    bc_warn(t, "%s: made with test-only fault injection (env.faults: %s): not a real run, its "
               "figures say nothing about the environment", d->label, names);
}

void bc_env_warnings(struct bc_table *t)
{
    const struct bc_doc *a = &t->docs[0];
    for (int i = 1; i < t->ndocs; i++) {
        const struct bc_doc *b = &t->docs[i];
        double ca, cb;
        if (num(a, "env.clock.core_hz", &ca) && num(b, "env.clock.core_hz", &cb) && ca > 0 && cb > 0 &&
            fabs(cb - ca) / ca > CLOCK_TOLERANCE)
            bc_warn(t, "core clocks differ: %s runs at %.3f GHz, %s at %.3f GHz (%+.1f%%, "
                           "env.clock.core_hz): per-cycle work moves with the clock, not the hypervisor",
                        a->label, ca / 1e9, b->label, cb / 1e9, (cb - ca) / ca * 100);
        compare_text(t, a, b, "env.power.policy.turbo_enabled", "turbo/boost settings",
                     "single-core numbers move with it");
        compare_text(t, a, b, "env.power.pstate.asked", "pstate policies", "the clock was set differently");
        compare_text(t, a, b, "env.power.policy.hwp_enabled", "HWP settings", "the frequency is chosen differently");
        compare_text(t, a, b, "env.topology.threads_per_core", "threads per core",
                     "SMT siblings share a core's units");
        compare_text(t, a, b, "env.topology.selected_threads_per_core", "threads per core in use",
                     "all-core entries ran SMT siblings on one side only");
        compare_text(t, a, b, "env.numa.nodes", "NUMA node counts", "memory placement differs");
    }
    for (int i = 0; i < t->ndocs; i++) {
        clock_moved(t, &t->docs[i]);
        stolen(t, &t->docs[i]);
        faulted(t, &t->docs[i]);
    }
}
