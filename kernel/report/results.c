/* results.c - collects result entries, skipped tests and errors; writes them as JSON and
 * as the readable summary table at the end of a run. */
#include "arch/cpu.h"
#include "kernel/report/results.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"

#include <stdarg.h>
#include <string.h>

void results_init(struct results *rs)
{
    memset(rs, 0, sizeof *rs);
}

void results_free(struct results *rs)
{
    for (int i = 0; i < rs->n; i++) {
        plat_free(rs->r[i].samples);
        plat_free(rs->r[i].per_cpu);
        for (int k = 0; k < rs->r[i].ntables; k++)
            plat_free(rs->r[i].tables[k].v);
    }
    plat_free(rs->r);
    plat_free(rs->skipped);
    plat_free(rs->errors);
    memset(rs, 0, sizeof *rs);
}

/* Grow an array of `size`-byte elements so that one more fits. */
static int grow(void **arr, int n, int *cap, size_t size)
{
    if (n < *cap)
        return 0;
    int nc = *cap ? *cap * 2 : 16;
    void *na = plat_alloc((size_t)nc * size);
    if (!na)
        return -1;
    if (*arr) {
        memcpy(na, *arr, (size_t)n * size);
        plat_free(*arr);
    }
    *arr = na;
    *cap = nc;
    return 0;
}

static void copy(char *dst, size_t n, const char *src)
{
    bb_snprintf(dst, n, "%s", src ? src : "");
}

static void add_note(struct note **arr, int *n, int *cap, const char *suite, const char *test,
                     const char *fmt, va_list ap)
{
    if (grow((void **)arr, *n, cap, sizeof **arr))
        return;
    struct note *no = &(*arr)[(*n)++];
    copy(no->suite, sizeof no->suite, suite);
    copy(no->test, sizeof no->test, test);
    bb_vsnprintf(no->why, sizeof no->why, fmt, ap);
}

void results_skip(struct results *rs, const char *suite, const char *test, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_note(&rs->skipped, &rs->nskipped, &rs->capskipped, suite, test, fmt, ap);
    va_end(ap);
}

void results_error(struct results *rs, const char *suite, const char *test, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_note(&rs->errors, &rs->nerrors, &rs->caperrors, suite, test, fmt, ap);
    va_end(ap);
}

struct result *results_add(struct results *rs, const char *suite, const char *test,
                           const char *unit, const char *better, const char *desc)
{
    if (grow((void **)&rs->r, rs->n, &rs->cap, sizeof *rs->r)) {
        results_error(rs, suite, test, "out of memory for results");
        return NULL;
    }
    struct result *r = &rs->r[rs->n++];
    memset(r, 0, sizeof *r);
    copy(r->suite, sizeof r->suite, suite);
    copy(r->test, sizeof r->test, test);
    copy(r->unit, sizeof r->unit, unit);
    copy(r->better, sizeof r->better, better);
    copy(r->desc, sizeof r->desc, desc);
    return r;
}

static struct param *new_param(struct result *r, const char *key, enum param_type t)
{
    if (!r || r->nparams >= RES_MAX_PARAMS)
        return NULL;
    struct param *p = &r->params[r->nparams++];
    copy(p->key, sizeof p->key, key);
    p->type = t;
    return p;
}

void result_param_str(struct result *r, const char *key, const char *v)
{
    struct param *p = new_param(r, key, P_STR);
    if (p)
        copy(p->s, sizeof p->s, v);
}

void result_param_int(struct result *r, const char *key, int64_t v)
{
    struct param *p = new_param(r, key, P_INT);
    if (p)
        p->i = v;
}

void result_param_num(struct result *r, const char *key, double v)
{
    struct param *p = new_param(r, key, P_NUM);
    if (p)
        p->d = v;
}

void result_param_bool(struct result *r, const char *key, int v)
{
    struct param *p = new_param(r, key, P_BOOL);
    if (p)
        p->i = !!v;
}

void result_extra_table(struct result *r, const char *key, const char *const *cols, int ncols,
                        const double *v, int nrows)
{
    if (!r || r->ntables >= 2 || ncols < 1 || nrows < 0)
        return;
    double *copy_v = plat_alloc(sizeof(double) * (size_t)(ncols * nrows + 1));
    if (!copy_v)
        return;
    for (int i = 0; i < ncols * nrows; i++)
        copy_v[i] = v[i];
    struct extra_table *t = &r->tables[r->ntables++];
    copy(t->key, sizeof t->key, key);
    t->cols = cols;
    t->ncols = ncols;
    t->nrows = nrows;
    t->v = copy_v;
}

void result_extra(struct result *r, const char *key, double v)
{
    if (!r || r->nextras >= RES_MAX_EXTRA)
        return;
    copy(r->extras[r->nextras].key, sizeof r->extras[0].key, key);
    r->extras[r->nextras].is_bool = 0;
    r->extras[r->nextras++].v = v;
}

void result_extra_bool(struct result *r, const char *key, int v)
{
    if (!r || r->nextras >= RES_MAX_EXTRA)
        return;
    result_extra(r, key, !!v);
    r->extras[r->nextras - 1].is_bool = 1;
}

void result_set_samples(struct result *r, const double *v, int n)
{
    if (!r || n <= 0)
        return;
    plat_free(r->samples);
    r->samples = plat_alloc((size_t)n * sizeof(double));
    if (r->samples) {
        memcpy(r->samples, v, (size_t)n * sizeof(double));
        r->nsamples = n;
    }
    stats_compute(v, n, &r->st);
}

void result_set_per_cpu(struct result *r, const double *v, int n)
{
    if (!r || n <= 0)
        return;
    plat_free(r->per_cpu);
    r->per_cpu = plat_alloc((size_t)n * sizeof(double));
    if (r->per_cpu) {
        memcpy(r->per_cpu, v, (size_t)n * sizeof(double));
        r->nper_cpu = n;
    }
}

void result_set_cycles_clock(struct result *r, const char *clock)
{
    if (r)
        copy(r->cycles_clock, sizeof r->cycles_clock, clock);
}

void result_set_cycles(struct result *r, const double *cyc, int n)
{
    if (!r || n <= 0)
        return;
    r->has_cycles = 1;
    stats_compute(cyc, n, &r->cycles);
}

static void write_notes(struct json *j, const char *key, const struct note *a, int n, const char *why)
{
    json_key(j, key);
    json_arr_begin(j);
    for (int i = 0; i < n; i++) {
        json_obj_begin(j);
        json_kv_str(j, "suite", a[i].suite);
        json_kv_str(j, "test", a[i].test);
        json_kv_str(j, why, a[i].why);
        json_obj_end(j);
    }
    json_arr_end(j);
}

void results_write_json(const struct results *rs, struct json *j)
{
    json_key(j, "results");
    json_arr_begin(j);
    for (int i = 0; i < rs->n; i++) {
        const struct result *r = &rs->r[i];
        json_obj_begin(j);
        json_kv_str(j, "suite", r->suite);
        json_kv_str(j, "test", r->test);
        json_key(j, "params");
        json_obj_begin(j);
        for (int k = 0; k < r->nparams; k++) {
            const struct param *p = &r->params[k];
            json_key(j, p->key);
            if (p->type == P_STR) json_str(j, p->s);
            else if (p->type == P_INT) json_int(j, p->i);
            else if (p->type == P_NUM) json_num(j, p->d);
            else json_bool(j, (int)p->i);
        }
        json_obj_end(j);
        json_kv_str(j, "desc", r->desc);
        json_kv_str(j, "unit", r->unit);
        json_kv_str(j, "better", r->better);
        json_kv_str(j, "timer", ARCH_COUNTER_NAME);
        json_kv_int(j, "reps", r->st.n);
        json_kv_num(j, "min", r->st.min);
        json_kv_num(j, "median", r->st.median);
        json_kv_num(j, "max", r->st.max);
        json_kv_num(j, "mean", r->st.mean);
        json_kv_num(j, "stddev", r->st.stddev);
        json_kv_num(j, "spread_pct", r->st.spread_pct);
        json_key(j, "samples");
        json_arr_begin(j);
        for (int k = 0; k < r->nsamples; k++)
            json_num(j, r->samples[k]);
        json_arr_end(j);
        if (r->has_cycles) {
            json_key(j, "cycles_per_op");
            json_obj_begin(j);
            json_kv_num(j, "min", r->cycles.min);
            json_kv_num(j, "median", r->cycles.median);
            json_kv_num(j, "max", r->cycles.max);
            json_kv_str(j, "clock", r->cycles_clock[0] ? r->cycles_clock : ARCH_COUNTER_NAME);
            json_obj_end(j);
        }
        if (r->nper_cpu) {
            json_key(j, "per_cpu");
            json_arr_begin(j);
            for (int k = 0; k < r->nper_cpu; k++)
                json_num(j, r->per_cpu[k]);
            json_arr_end(j);
        }
        if (r->nextras || r->ntables) {
            json_key(j, "extra");
            json_obj_begin(j);
            for (int k = 0; k < r->nextras; k++)
                if (r->extras[k].is_bool)
                    json_kv_bool(j, r->extras[k].key, r->extras[k].v != 0);
                else
                    json_kv_num(j, r->extras[k].key, r->extras[k].v);
            for (int k = 0; k < r->ntables; k++) {
                const struct extra_table *t = &r->tables[k];
                json_key(j, t->key);
                json_arr_begin(j);
                for (int row = 0; row < t->nrows; row++) {
                    json_obj_begin(j);
                    for (int c = 0; c < t->ncols; c++) {
                        double x = t->v[row * t->ncols + c];
                        if (x > -9e15 && x < 9e15 && x == (double)(int64_t)x)
                            json_kv_int(j, t->cols[c], (int64_t)x); /* addresses, bytes */
                        else
                            json_kv_num(j, t->cols[c], x);
                    }
                    json_obj_end(j);
                }
                json_arr_end(j);
            }
            json_obj_end(j);
        }
        json_obj_end(j);
    }
    json_arr_end(j);
    write_notes(j, "skipped", rs->skipped, rs->nskipped, "why");
    write_notes(j, "errors", rs->errors, rs->nerrors, "what");
}

/* The order params are shown in the summary: as docs/SCHEMA.md lists them per suite; keys not
 * listed follow in the order the entry has them. */
static const char *const param_order[] = {
    "kind", "isa", "nt", "threads", "level", "bytes", "page", "interval_ms", "clock", "reference",
    "kernel", "disk", "partition", "disk_kind", "op", "pattern", "block_size", "qd", "api", NULL,
};

static int param_rank(const char *key)
{
    int i = 0;
    for (; param_order[i]; i++)
        if (!strcmp(param_order[i], key))
            return i;
    return i;
}

/* A number for the table: 4 significant digits, written out in full below 1e9 (61510, not
 * 6.151e+04; 0.001234), as %.4g at or above 1e9 and below 1e-6. */
static void num4(double v, char *buf, size_t n)
{
    double a = v < 0 ? -v : v;
    if (a == 0) {
        bb_snprintf(buf, n, "0");
        return;
    }
    if (a >= 1e9 || a < 1e-6 || a != a) {
        bb_snprintf(buf, n, "%.4g", v);
        return;
    }
    int exp10 = 0; /* floor(log10(a)) */
    for (double p = 1; a >= p * 10; p *= 10)
        exp10++;
    for (double p = 1; a < p; p /= 10)
        exp10--;
    if (exp10 >= 3) { /* integer part has 4+ digits: round to 4 significant digits */
        double unit = 1;
        for (int k = 3; k < exp10; k++)
            unit *= 10;
        double r = (double)(long long)(a / unit + 0.5) * unit;
        bb_snprintf(buf, n, "%.0f", v < 0 ? -r : r);
        return;
    }
    char f[8];
    bb_snprintf(f, sizeof f, "%%.%df", 3 - exp10);
    bb_snprintf(buf, n, f, v);
}

/* "key=value key=value" of an entry's params in param_order, for the summary. */
static void params_line(const struct result *r, char *buf, size_t n)
{
    size_t len = 0;
    int done[RES_MAX_PARAMS] = {0};
    buf[0] = '\0';
    for (int shown = 0; shown < r->nparams && len < n; shown++) {
        int best = -1;
        for (int k = 0; k < r->nparams; k++)
            if (!done[k] && (best < 0 || param_rank(r->params[k].key) < param_rank(r->params[best].key)))
                best = k;
        done[best] = 1;
        const struct param *p = &r->params[best];
        char v[48];
        if (p->type == P_STR) bb_snprintf(v, sizeof v, "%s", p->s);
        else if (p->type == P_INT) bb_snprintf(v, sizeof v, "%lld", (long long)p->i);
        else if (p->type == P_NUM && p->d > -1e15 && p->d < 1e15 && p->d == (double)(long long)p->d)
            bb_snprintf(v, sizeof v, "%lld", (long long)p->d);
        else if (p->type == P_NUM) num4(p->d, v, sizeof v);
        else bb_snprintf(v, sizeof v, "%s", p->i ? "yes" : "no");
        len += (size_t)bb_snprintf(buf + len, n - len, "%s%s=%s", len ? " " : "", p->key, v);
    }
}

void results_print_summary(const struct results *rs)
{
    bb_printf("\n%-7s %-26s %12s %12s %12s %-8s %6s  %s\n", "suite", "test", "min", "median",
              "max", "unit", "spread", "params");
    for (int i = 0; i < rs->n; i++) {
        const struct result *r = &rs->r[i];
        char pl[160], mn[24], md[24], mx[24];
        params_line(r, pl, sizeof pl);
        num4(r->st.min, mn, sizeof mn);
        num4(r->st.median, md, sizeof md);
        num4(r->st.max, mx, sizeof mx);
        bb_printf("%-7s %-26s %12s %12s %12s %-8s %5.1f%%  %s\n", r->suite, r->test, mn, md, mx,
                  r->unit, r->st.spread_pct, pl);
    }
    for (int i = 0; i < rs->nskipped; i++)
        bb_printf("skipped %s/%s: %s\n", rs->skipped[i].suite, rs->skipped[i].test,
                  rs->skipped[i].why);
    for (int i = 0; i < rs->nerrors; i++)
        bb_printf("ERROR   %s/%s: %s\n", rs->errors[i].suite, rs->errors[i].test,
                  rs->errors[i].why);
}
