/* db_fetch.c - the store's runs and figures for barebench-db's questions (see db_fetch.h).
 * "Latest run per machine" is the run with the latest run_time, then the highest id, among the
 * runs the time and tag filters keep (a window function: SQLite 3.25+ and PostgreSQL). */
#include "tools/fleet/db_fetch.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the runs column (an SQL expression) that names a machine's group */
static const char *group_expr(enum fleet_by by)
{
    switch (by) {
    case FLEET_BY_HYPERVISOR: return "hypervisor";
    case FLEET_BY_SYSTEM: return "TRIM(sys_manufacturer || ' ' || sys_product)";
    case FLEET_BY_CPU: return "cpu_brand";
    case FLEET_BY_FIRMWARE: return "firmware";
    default: return "tag";
    }
}

/* one selected run per row: id, run_id, machine, hostname, serial, group, file, run_time */
struct runs_ctx {
    struct fleet_set *s;
    long long *ids;
    int cap, oom;
};

static int on_run(void *ctx, int ncols, const char *const *v, const char *const *names)
{
    struct runs_ctx *c = ctx;
    (void)names;
    if (ncols < 8)
        return 1;
    const char *label = v[3] && *v[3] ? v[3] : v[4] && *v[4] ? v[4] : v[2];
    const char *group = v[5] && *v[5] ? v[5] : "(none)";
    int r = fleet_set_run(c->s, v[1], v[2], label, group, v[6], v[7] ? atoll(v[7]) : 0);
    if (r >= c->cap) {
        int cap = c->cap ? c->cap * 2 : 1024;
        long long *ids = realloc(c->ids, (size_t)cap * sizeof *ids);
        if (!ids)
            r = -1;
        else
            c->ids = ids, c->cap = cap;
    }
    if (r < 0) {
        c->oom = 1;
        return 1;
    }
    c->ids[r] = atoll(v[0]);
    return 0;
}

int fleet_fetch_runs(struct fleet_db *db, const struct fleet_args *a, struct fleet_set *s,
                     long long **ids, char *err, size_t n)
{
    char sql[2048], where[1024] = "1 = 1";
    const char *params[2 + FLEET_MAX_TAGS];
    char since[32], until[32];
    int np = 0;
    size_t w = strlen(where);
    if (a->since) {
        snprintf(since, sizeof since, "%lld", a->since);
        params[np++] = since;
        w += (size_t)snprintf(where + w, sizeof where - w, " AND run_time >= $%d", np);
    }
    if (a->until) {
        snprintf(until, sizeof until, "%lld", a->until);
        params[np++] = until;
        w += (size_t)snprintf(where + w, sizeof where - w, " AND run_time <= $%d", np);
    }
    for (int i = 0; i < a->ntags; i++) {
        params[np++] = a->tags[i];
        w += (size_t)snprintf(where + w, sizeof where - w, "%s$%d%s", i ? ", " : " AND tag IN (",
                              np, i == a->ntags - 1 ? ")" : "");
    }
    snprintf(sql, sizeof sql,
             "SELECT id, run_id, machine, hostname, sys_serial, grp, file, run_time FROM ("
             " SELECT id, run_id, machine, hostname, sys_serial, %s AS grp, file, run_time,"
             " ROW_NUMBER() OVER (PARTITION BY machine ORDER BY run_time DESC, id DESC) AS rn"
             " FROM runs WHERE %s) sel%s ORDER BY machine, run_time, id",
             group_expr(a->by), where, a->all_runs ? "" : " WHERE rn = 1");
    struct runs_ctx c = {s, NULL, 0, 0};
    int rc = fleet_query(db, sql, np, params, on_run, &c, err, n);
    if (rc == 0 && c.oom) {
        snprintf(err, n, "out of memory reading the runs");
        rc = -1;
    }
    if (rc) {
        free(c.ids);
        return -1;
    }
    *ids = c.ids;
    return 0;
}

static int listed(const char *list, const char *what, int pattern)
{
    char buf[256];
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        snprintf(buf, sizeof buf, "%.*s", (int)l, p);
        if (pattern ? !fnmatch(buf, what, 0) : !strcmp(buf, what))
            return 1;
        p += l + (p[l] == ',');
    }
    return 0;
}

int fleet_test_selected(const struct fleet_args *a, const char *suite, const char *test)
{
    if (a->suite && !listed(a->suite, suite, 0))
        return 0;
    if (a->test) {
        char full[512];
        snprintf(full, sizeof full, "%s/%s", suite, test);
        if (!listed(a->test, test, 1) && !listed(a->test, full, 1))
            return 0;
    }
    return 1;
}

/* the distinct tests: suite, test, params_key */
struct keys {
    char **k; /* 3 strings per test */
    int n, cap, oom;
    const struct fleet_args *a;
};

static int on_key(void *ctx, int ncols, const char *const *v, const char *const *names)
{
    struct keys *k = ctx;
    (void)names;
    if (ncols < 3 || !v[0] || !v[1] || !v[2] || !fleet_test_selected(k->a, v[0], v[1]))
        return 0;
    if (k->n == k->cap) {
        int cap = k->cap ? k->cap * 2 : 256;
        char **x = realloc(k->k, (size_t)cap * 3 * sizeof *x);
        if (!x) {
            k->oom = 1;
            return 1;
        }
        k->k = x, k->cap = cap;
    }
    for (int i = 0; i < 3; i++)
        if (!(k->k[k->n * 3 + i] = strdup(v[i])))
            k->oom = 1;
    k->n++;
    return k->oom;
}

/* one test's medians: run id, median -> the set (only runs that were selected) */
struct vals {
    struct fleet_set *s;
    const int *run_of;       /* db id -> set index (-1: not selected) */
    long long max_id;
    int test;                /* index in s->tests */
    int oom;
};

static int on_val(void *ctx, int ncols, const char *const *v, const char *const *names)
{
    struct vals *c = ctx;
    (void)names;
    if (ncols < 2 || !v[0] || !v[1])
        return 0;
    long long id = atoll(v[0]);
    if (id < 0 || id > c->max_id || c->run_of[id] < 0)
        return 0;
    if (fleet_set_add(c->s, c->test, c->run_of[id], strtod(v[1], NULL)) < 0) {
        c->oom = 1;
        return 1;
    }
    return 0;
}

/* the first row's params_text, unit and better of one test */
struct desc {
    char params[512], unit[64], better[16];
};

static int on_desc(void *ctx, int ncols, const char *const *v, const char *const *names)
{
    struct desc *d = ctx;
    (void)names;
    if (ncols >= 3) {
        snprintf(d->params, sizeof d->params, "%s", v[0] ? v[0] : "");
        snprintf(d->unit, sizeof d->unit, "%s", v[1] ? v[1] : "");
        snprintf(d->better, sizeof d->better, "%s", v[2] ? v[2] : "");
    }
    return 1; /* one row is enough */
}

int fleet_fetch(struct fleet_db *db, const struct fleet_args *a, struct fleet_set *s, char *err,
                size_t n)
{
    long long *ids = NULL, max_id = -1;
    if (fleet_fetch_runs(db, a, s, &ids, err, n) < 0)
        return -1;
    for (int i = 0; i < s->nruns; i++)
        if (ids[i] > max_id)
            max_id = ids[i];
    int *run_of = malloc((size_t)(max_id + 2) * sizeof *run_of);
    struct keys k = {NULL, 0, 0, 0, a};
    int rc = -1;
    if (!run_of) {
        snprintf(err, n, "out of memory");
        goto out;
    }
    memset(run_of, 0xff, (size_t)(max_id + 2) * sizeof *run_of);
    for (int i = 0; i < s->nruns; i++)
        run_of[ids[i]] = i;
    if (s->nruns == 0) {
        rc = 0;
        goto out;
    }
    int q = fleet_query(db, "SELECT DISTINCT suite, test, params_key FROM results"
                            " ORDER BY suite, test, params_key", 0, NULL, on_key, &k, err, n);
    if (q || k.oom) {
        if (k.oom)
            snprintf(err, n, "out of memory reading the tests");
        goto out;
    }
    /* SQLite shows a REAL as text with 15 digits, and printf's %.17g with 16 right: its '!' flag
     * gives all 17, so both engines read the same figures
     * (PostgreSQL's float8 text is exact) */
    const char *median_sql = !strcmp(fleet_engine(db), "sqlite")
        ? "SELECT run, printf('%!.17g', median) FROM results WHERE suite = $1 AND test = $2 AND params_key = $3"
        : "SELECT run, median FROM results WHERE suite = $1 AND test = $2 AND params_key = $3";
    for (int i = 0; i < k.n; i++) {
        const char *const p3[3] = {k.k[i * 3], k.k[i * 3 + 1], k.k[i * 3 + 2]};
        struct desc d = {"", "", ""};
        if (fleet_query(db, "SELECT params_text, unit, better FROM results WHERE suite = $1"
                            " AND test = $2 AND params_key = $3 LIMIT 1", 3, p3, on_desc, &d,
                        err, n) < 0)
            goto out;
        struct vals c = {s, run_of, max_id, fleet_set_test(s, p3[0], p3[1], p3[2], d.params, d.unit, d.better), 0};
        if (c.test < 0) {
            snprintf(err, n, "out of memory reading the tests");
            goto out;
        }
        if (fleet_query(db, median_sql, 3, p3, on_val, &c, err, n) || c.oom) {
            if (c.oom)
                snprintf(err, n, "out of memory reading the figures");
            goto out;
        }
    }
    if (fleet_set_sort(s) < 0) {
        snprintf(err, n, "out of memory");
        goto out;
    }
    rc = 0;
out:
    for (int i = 0; i < k.n * 3; i++)
        free(k.k[i]);
    free(k.k);
    free(run_of);
    free(ids);
    return rc;
}
