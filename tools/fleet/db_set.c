/* db_set.c - the runs and per-test figures of a fleet question, with the tests found by
 * their key through a hash table (a store of 10,000 machines gives about a million figures). */
#include "tools/fleet/db_set.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fleet_set_init(struct fleet_set *s)
{
    memset(s, 0, sizeof *s);
}

static char *dup0(const char *x)
{
    return strdup(x ? x : "");
}

int fleet_set_run(struct fleet_set *s, const char *run_id, const char *machine, const char *label,
                  const char *group, const char *file, long long time)
{
    if (s->nruns == s->runs_cap) {
        int cap = s->runs_cap ? s->runs_cap * 2 : 256;
        struct fleet_run *r = realloc(s->runs, (size_t)cap * sizeof *r);
        if (!r)
            return -1;
        s->runs = r;
        s->runs_cap = cap;
    }
    struct fleet_run *r = &s->runs[s->nruns];
    r->run_id = dup0(run_id);
    r->machine = dup0(machine);
    r->label = dup0(label && *label ? label : machine);
    r->group = dup0(group);
    r->file = dup0(file);
    r->time = time;
    r->grank = 0;
    if (!r->run_id || !r->machine || !r->label || !r->group || !r->file) {
        free(r->run_id), free(r->machine), free(r->label), free(r->group), free(r->file);
        return -1;
    }
    return s->nruns++;
}

static size_t hash(const char *k)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211u;
    return h;
}

static int rehash(struct fleet_set *s)
{
    size_t n = s->nslots ? s->nslots * 2 : 1024;
    int *slot = malloc(n * sizeof *slot);
    if (!slot)
        return -1;
    memset(slot, 0xff, n * sizeof *slot);
    for (int i = 0; i < s->ntests; i++) {
        size_t h = hash(s->tests[i].key) & (n - 1);
        while (slot[h] >= 0)
            h = (h + 1) & (n - 1);
        slot[h] = i;
    }
    free(s->slot);
    s->slot = slot;
    s->nslots = n;
    return 0;
}

/* the test with this key, added when new; NULL when out of memory */
static struct fleet_test *test_of(struct fleet_set *s, const char *suite, const char *test,
                                  const char *params_key, const char *params, const char *unit,
                                  const char *better)
{
    char key[1024];
    snprintf(key, sizeof key, "%s\x1f%s\x1f%s", suite, test, params_key);
    if ((size_t)s->ntests * 2 >= s->nslots && rehash(s) < 0)
        return NULL;
    size_t h = hash(key) & (s->nslots - 1);
    for (; s->slot[h] >= 0; h = (h + 1) & (s->nslots - 1))
        if (!strcmp(s->tests[s->slot[h]].key, key))
            return &s->tests[s->slot[h]];
    if (s->ntests == s->tests_cap) {
        int cap = s->tests_cap ? s->tests_cap * 2 : 128;
        struct fleet_test *t = realloc(s->tests, (size_t)cap * sizeof *t);
        if (!t)
            return NULL;
        s->tests = t;
        s->tests_cap = cap;
    }
    struct fleet_test *t = &s->tests[s->ntests];
    memset(t, 0, sizeof *t);
    t->key = strdup(key);
    t->suite = dup0(suite);
    t->test = dup0(test);
    t->params = dup0(params);
    t->unit = dup0(unit);
    t->better = dup0(better);
    if (!t->key || !t->suite || !t->test || !t->params || !t->unit || !t->better) {
        free(t->key), free(t->suite), free(t->test), free(t->params), free(t->unit), free(t->better);
        return NULL;
    }
    s->slot[h] = s->ntests++;
    return t;
}

int fleet_set_test(struct fleet_set *s, const char *suite, const char *test,
                   const char *params_key, const char *params, const char *unit, const char *better)
{
    struct fleet_test *t = test_of(s, suite ? suite : "", test ? test : "",
                                   params_key ? params_key : "", params, unit, better);
    return t ? (int)(t - s->tests) : -1;
}

int fleet_set_value(struct fleet_set *s, int r, const char *suite, const char *test,
                    const char *params_key, const char *params, const char *unit,
                    const char *better, double median)
{
    int i = fleet_set_test(s, suite, test, params_key, params, unit, better);
    return i < 0 ? -1 : fleet_set_add(s, i, r, median);
}

int fleet_set_add(struct fleet_set *s, int test, int r, double median)
{
    struct fleet_test *t = &s->tests[test];
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 64;
        int *run = realloc(t->run, (size_t)cap * sizeof *run);
        if (!run)
            return -1;
        t->run = run;
        double *val = realloc(t->val, (size_t)cap * sizeof *val);
        if (!val)
            return -1;
        t->val = val;
        t->cap = cap;
    }
    t->run[t->n] = r;
    t->val[t->n++] = median;
    return 0;
}

/* numbers inside keys compare as numbers (block_size=4096 before 262144): strverscmp */
static int cmp_test(const void *a, const void *b)
{
    return strverscmp(((const struct fleet_test *)a)->key, ((const struct fleet_test *)b)->key);
}

static int cmp_run_group(const void *a, const void *b)
{
    return strcmp((*(const struct fleet_run *const *)a)->group, (*(const struct fleet_run *const *)b)->group);
}

int fleet_set_sort(struct fleet_set *s)
{
    qsort(s->tests, (size_t)s->ntests, sizeof *s->tests, cmp_test);
    free(s->slot); /* the table points at the old order */
    s->slot = NULL;
    s->nslots = 0;
    struct fleet_run **by = malloc((size_t)(s->nruns + 1) * sizeof *by);
    if (!by || rehash(s) < 0) {
        free(by);
        return -1;
    }
    for (int i = 0; i < s->nruns; i++)
        by[i] = &s->runs[i];
    qsort(by, (size_t)s->nruns, sizeof *by, cmp_run_group);
    for (int i = 0, rank = 0; i < s->nruns; i++) {
        rank += i > 0 && strcmp(by[i]->group, by[i - 1]->group) != 0;
        by[i]->grank = rank;
    }
    free(by);
    return 0;
}

void fleet_set_free(struct fleet_set *s)
{
    for (int i = 0; i < s->nruns; i++) {
        struct fleet_run *r = &s->runs[i];
        free(r->run_id), free(r->machine), free(r->label), free(r->group), free(r->file);
    }
    for (int i = 0; i < s->ntests; i++) {
        struct fleet_test *t = &s->tests[i];
        free(t->key), free(t->suite), free(t->test), free(t->params), free(t->unit), free(t->better);
        free(t->run), free(t->val);
    }
    free(s->runs), free(s->tests), free(s->slot);
    memset(s, 0, sizeof *s);
}
