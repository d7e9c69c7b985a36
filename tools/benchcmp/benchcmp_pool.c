/* benchcmp_pool.c - the columns of a comparison are pools: documents with the same tag (repeated
 * runs, or many machines of one environment) are one column, whose figure is the median of the
 * documents' medians with their spread (min..max, IQR) and n; ratios, overheads and the noise
 * test are taken between pools.  Entries missing from some documents of a pool are counted and
 * warned about, never dropped silently; so are rows whose pools went through different kinds of
 * driver (native, firmware, the OS). */
#include "tools/benchcmp/benchcmp.h"
#include "bench/suite_charts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int bc_make_pools(struct bc_table *t)
{
    t->pools = calloc((size_t)(t->ndocs ? t->ndocs : 1), sizeof *t->pools);
    if (!t->pools)
        return -1;
    int *of = malloc((size_t)(t->ndocs ? t->ndocs : 1) * sizeof *of); /* doc -> pool */
    if (!of)
        return -1;
    for (int i = 0; i < t->ndocs; i++) {
        const struct bc_doc *d = &t->docs[i];
        of[i] = -1;
        for (int j = 0; j < i && d->tag && d->tag[0]; j++)
            if (t->docs[j].tag && !strcmp(t->docs[j].tag, d->tag)) {
                of[i] = of[j];
                break;
            }
        if (of[i] < 0) {
            of[i] = t->npools++;
            /* the first document's label: the tag (made table-safe), unique among documents */
            snprintf(t->pools[of[i]].label, sizeof t->pools[of[i]].label, "%s", d->label);
        }
        t->pools[of[i]].n++;
    }
    for (int p = 0; p < t->npools; p++) {
        struct bc_pool *pl = &t->pools[p];
        if (!(pl->doc = malloc((size_t)pl->n * sizeof *pl->doc))) {
            free(of);
            return -1;
        }
        pl->n = 0;
        for (int i = 0; i < t->ndocs; i++)
            if (of[i] == p)
                pl->doc[pl->n++] = i;
    }
    free(of);
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of sorted v[0..n-1], linear between order statistics (R's type 7). */
static double quantile(const double *v, int n, double q)
{
    double h = (n - 1) * q;
    int lo = (int)floor(h);
    return lo + 1 < n ? v[lo] + (h - lo) * (v[lo + 1] - v[lo]) : v[lo];
}

/* Is `tok` one of the '+'-separated names in list? */
static int has_token(const char *list, const char *tok)
{
    size_t n = strlen(tok);
    for (const char *q = list; *q; q += strcspn(q, "+"), q += *q == '+')
        if (!strncmp(q, tok, n) && (q[n] == '+' || !q[n]))
            return 1;
    return 0;
}

/* Add a name to a "a+b" list of names (once). */
static void add_token(char *list, size_t n, const char *tok)
{
    if (!has_token(list, tok))
        snprintf(list + strlen(list), n - strlen(list), "%s%s", list[0] ? "+" : "", tok);
}

/* A param's value as shown in the "at" column: a size in bytes as "1.32 GiB", else as given. */
static void at_text(const json_t *v, char *buf, size_t n)
{
    if (json_is_integer(v)) {
        static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB"};
        double b = (double)json_integer_value(v);
        int u = 0;
        for (; u < 4 && fabs(b) >= 1024; u++)
            b /= 1024;
        snprintf(buf, n, "%.*f %s", u && b < 100 ? (b < 10 ? 2 : 1) : 0, b, unit[u]);
    } else {
        snprintf(buf, n, "%s", json_is_string(v) ? json_string_value(v) : "?");
    }
}

/* Pool p's figures for a row; *samples gets every sample of its documents' entries. */
static int fill_cell(const struct bc_table *t, int p, const struct bc_entry *const *ent,
                     const struct bc_row *r, struct bc_cell *c, double **samples, int *nsamples)
{
    const struct bc_pool *pl = &t->pools[p];
    double *med = malloc((size_t)pl->n * sizeof *med);
    int ns = 0;
    if (!med)
        return -1;
    c->median = c->min = c->max = c->q1 = c->q3 = c->lo = c->hi = NAN;
    c->ratio_pct = c->overhead_pct = NAN;
    c->noise = BC_NOISE_NA;
    for (int k = 0; k < pl->n; k++) {
        const struct bc_entry *e = ent[pl->doc[k]];
        if (!e)
            continue;
        if (!c->e)
            c->e = e;
        med[c->n++] = e->median;
        c->lo = isnan(c->lo) || e->min < c->lo ? e->min : c->lo;
        c->hi = isnan(c->hi) || e->max > c->hi ? e->max : c->hi;
        ns += e->nsamples;
        const char *api = json_string_value(json_object_get(e->params, "api"));
        if (api) /* "a+b" when documents of the pool took different paths */
            add_token(c->api, sizeof c->api, api);
        if (r->at_param) { /* the working-set param the row was matched without */
            char v[32];
            at_text(json_object_get(e->params, r->at_param), v, sizeof v);
            add_token(c->at, sizeof c->at, v);
        }
        for (int i = 0; r->operand && suite_operand_params[i]; i++) { /* what it touched */
            json_t *v = json_object_get(e->params, suite_operand_params[i]);
            char val[32], kv[48];
            if (!v)
                continue;
            at_text(v, val, sizeof val);
            snprintf(kv, sizeof kv, "%.15s=%s", suite_operand_params[i], val);
            add_token(c->at, sizeof c->at, kv);
        }
        if (r->isa_role) { /* the ISA level the row's role is in this document */
            char v[24];
            at_text(json_object_get(e->params, suite_isa_param), v, sizeof v);
            add_token(c->isa, sizeof c->isa, v);
        }
        int drv = bc_api_driver(api);
        c->driver = !c->driver || c->driver == drv ? drv : BC_DRV_MIXED;
    }
    c->missing = c->n ? pl->n - c->n : 0;
    if (c->n) {
        qsort(med, (size_t)c->n, sizeof *med, cmp_double);
        c->median = quantile(med, c->n, 0.5);
        c->q1 = quantile(med, c->n, 0.25);
        c->q3 = quantile(med, c->n, 0.75);
        c->min = med[0];
        c->max = med[c->n - 1];
    }
    free(med);
    *nsamples = 0;
    *samples = malloc((size_t)(ns ? ns : 1) * sizeof **samples);
    if (!*samples)
        return -1;
    for (int k = 0; k < pl->n; k++) {
        const struct bc_entry *e = ent[pl->doc[k]];
        if (e && e->nsamples) {
            memcpy(*samples + *nsamples, e->samples, (size_t)e->nsamples * sizeof **samples);
            *nsamples += e->nsamples;
        }
    }
    return 0;
}

/* Within noise?  Mann-Whitney U on the pooled samples when both sides have enough, else
 * overlapping lo..hi ranges.  With one document per pool: exactly the per-document test. */
static void noise(const struct bc_cell *b, const double *bs, int nbs, struct bc_cell *c,
                  const double *cs, int ncs)
{
    if (nbs >= BC_MWU_MIN_N && ncs >= BC_MWU_MIN_N) {
        c->method = 'U';
        c->p = bc_mann_whitney_p(bs, nbs, cs, ncs);
        c->noise = c->p >= BC_MWU_ALPHA ? BC_WITHIN_NOISE : BC_DIFFERENT;
    } else {
        c->method = 'r';
        c->noise = (c->hi < b->lo || b->hi < c->lo) ? BC_DIFFERENT : BC_WITHIN_NOISE;
    }
}

int bc_fill_row(struct bc_table *t, struct bc_row *r, const struct bc_entry *const *ent)
{
    double **s = calloc((size_t)t->npools, sizeof *s);
    int *ns = calloc((size_t)t->npools, sizeof *ns), rc = -1;
    if (!s || !ns)
        goto out;
    r->present = 0;
    int odd = -1, first = -1; /* a document whose unit or direction differs from the row's first */
    for (int i = 0; i < t->ndocs; i++) {
        if (ent[i] && ent[i] == r->first)
            first = i;
        if (ent[i] && (strcmp(ent[i]->unit, r->first->unit) || strcmp(ent[i]->better, r->first->better))) {
            r->unit_mismatch = 1;
            odd = odd < 0 ? i : odd;
        }
    }
    int drv = 0;
    for (int p = 0; p < t->npools; p++) {
        struct bc_cell *c = &r->c[p];
        if (fill_cell(t, p, ent, r, c, &s[p], &ns[p]))
            goto out;
        r->present += c->n > 0;
        if (c->driver)
            r->mixed_drivers |= c->driver == BC_DRV_MIXED || (drv && drv != c->driver);
        drv = c->driver ? c->driver : drv;
    }
    const struct bc_cell *b = &r->c[0];
    for (int p = 0; p < t->npools && b->n && !r->unit_mismatch; p++) {
        struct bc_cell *c = &r->c[p];
        if (!c->n)
            continue;
        if (b->median != 0) {
            c->ratio_pct = c->median / b->median * 100.0;
            c->overhead_pct = !strcmp(r->first->better, "higher")
                                  ? (b->median - c->median) / b->median * 100.0
                                  : (c->median - b->median) / b->median * 100.0;
        }
        if (p > 0)
            noise(b, s[0], ns[0], c, s[p], ns[p]);
    }
    if (r->unit_mismatch)
        bc_warn(t, "%s/%s %s: units or direction differ between files (%s: %.20s %.10s; %s: %.20s %.10s); "
                   "no ratio shown", r->first->suite, r->first->test, r->params_text,
                first >= 0 ? t->docs[first].path : "?", r->first->unit, r->first->better,
                t->docs[odd].path, ent[odd]->unit, ent[odd]->better);
    rc = 0;
out:
    for (int p = 0; s && p < t->npools; p++)
        free(s[p]);
    free(s);
    free(ns);
    return rc;
}

static const char *driver_name(int d)
{
    static const char *const names[] = {"-", "native", "firmware", "OS", "mixed"};
    return d >= 0 && d <= BC_DRV_MIXED ? names[d] : "?";
}

#define NAMED_ROWS 3 /* rows a warning names before "and N more" */

static const char *run_id(const struct bc_doc *d)
{
    return json_string_value(json_object_get(json_object_get(d->root, "tool"), "run_id"));
}

/* The same run twice in a pool (a file given twice, or a copy) would count twice in n, the
 * pooled median and the noise test, which then sees "more samples" than were measured. */
static void repeat_warnings(struct bc_table *t)
{
    for (int p = 0; p < t->npools; p++) {
        const struct bc_pool *pl = &t->pools[p];
        for (int a = 0; a < pl->n; a++) {
            const char *ra = run_id(&t->docs[pl->doc[a]]);
            int twin = -1;
            for (int b = 0; b < a && twin < 0 && ra && ra[0]; b++) {
                const char *rb = run_id(&t->docs[pl->doc[b]]);
                twin = rb && !strcmp(ra, rb) ? b : -1;
            }
            if (twin >= 0)
                bc_warn(t, "%s: %s and %s are one run (tool.run_id %.40s): it counts twice in n, the "
                           "median and the noise test; give each run once", pl->label,
                        t->docs[pl->doc[twin]].path, t->docs[pl->doc[a]].path, ra);
        }
    }
}

void bc_pool_warnings(struct bc_table *t, const struct bc_entry *const *const *ent)
{
    repeat_warnings(t);
    int *dmiss = calloc((size_t)(t->ndocs ? t->ndocs : 1), sizeof *dmiss);
    for (int i = 0; i < t->nrows; i++)
        for (int p = 0; p < t->npools; p++) {
            const struct bc_cell *c = &t->rows[i].c[p];
            if (!c->missing)
                continue;
            t->pools[p].missing += c->missing;
            t->missing += c->missing;
            for (int k = 0; dmiss && k < t->pools[p].n; k++)
                dmiss[t->pools[p].doc[k]] += !ent[i][t->pools[p].doc[k]];
        }
    for (int p = 0; p < t->npools; p++) {
        const struct bc_pool *pl = &t->pools[p];
        if (!pl->missing)
            continue;
        char files[300] = "";
        size_t used = 0;
        for (int k = 0; dmiss && k < pl->n && used < sizeof files; k++)
            if (dmiss[pl->doc[k]])
                used += (size_t)snprintf(files + used, sizeof files - used, "%s%s: %d", used ? ", " : "",
                                         t->docs[pl->doc[k]].path, dmiss[pl->doc[k]]);
        bc_warn(t, "%s: %d entr%s missing from some of its %d documents (%s); its figures for them "
                   "come from the others (n shown)", pl->label, pl->missing,
                pl->missing == 1 ? "y is" : "ies are", pl->n, files);
    }
    free(dmiss);
    int mixed = 0;
    char named[400] = "";
    size_t used = 0;
    for (int i = 0; i < t->nrows; i++) {
        const struct bc_row *r = &t->rows[i];
        if (!r->mixed_drivers)
            continue;
        if (mixed++ < NAMED_ROWS && used < sizeof named) {
            used += (size_t)snprintf(named + used, sizeof named - used, "%s%s/%s %s (", used ? "; " : "",
                                     r->first->suite, r->first->test, r->params_text);
            for (int p = 0, first = 1; p < t->npools && used < sizeof named; p++)
                if (r->c[p].n) {
                    used += (size_t)snprintf(named + used, sizeof named - used, "%s%s %s %s",
                                             first ? "" : ", ", t->pools[p].label, r->c[p].api,
                                             driver_name(r->c[p].driver));
                    first = 0;
                }
            if (used < sizeof named)
                used += (size_t)snprintf(named + used, sizeof named - used, ")");
        }
    }
    if (mixed)
        bc_warn(t, "%d row%s went through different kinds of driver (native, firmware, OS), so "
                   "they compare drivers as well as environments: %s%s", mixed, mixed == 1 ? "" : "s",
                named, mixed > NAMED_ROWS ? "; ..." : "");
}
