/* benchcmp_match.c - matches the entries of N documents by suite/test/canonical params into
 * rows; computes each environment's ratio and overhead against the baseline and the noise flag. */
#include "tools/benchcmp/benchcmp.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void bc_warn(struct bc_table *t, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char **nw = realloc(t->warn, (size_t)(t->nwarn + 1) * sizeof *nw);
    if (!nw)
        return;
    t->warn = nw;
    if ((t->warn[t->nwarn] = strdup(buf)))
        t->nwarn++;
}

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* Open-addressing index from key to row number. */
struct index {
    int *slot; /* row + 1, 0 = empty */
    size_t mask;
};

static int *find_slot(struct index *ix, const struct bc_table *t, const char *key)
{
    for (size_t i = hash(key) & ix->mask;; i = (i + 1) & ix->mask)
        if (!ix->slot[i] || !strcmp(t->rows[ix->slot[i] - 1].first->key, key))
            return &ix->slot[i];
}

/* Within noise?  Mann-Whitney U when both sides have enough samples, else min..max overlap. */
static void noise(const struct bc_entry *base, const struct bc_entry *e, struct bc_cell *c)
{
    if (base->nsamples >= BC_MWU_MIN_N && e->nsamples >= BC_MWU_MIN_N) {
        c->method = 'U';
        c->p = bc_mann_whitney_p(base->samples, base->nsamples, e->samples, e->nsamples);
        c->noise = c->p >= BC_MWU_ALPHA ? BC_WITHIN_NOISE : BC_DIFFERENT;
    } else {
        c->method = 'r';
        c->noise = (e->max < base->min || base->max < e->min) ? BC_DIFFERENT : BC_WITHIN_NOISE;
    }
}

static void fill_cells(struct bc_table *t, struct bc_row *r)
{
    const struct bc_entry *b = r->c[0].e;
    for (int i = 0; i < t->ndocs; i++) {
        struct bc_cell *c = &r->c[i];
        c->ratio_pct = c->overhead_pct = NAN;
        c->noise = BC_NOISE_NA;
        if (!c->e || !b)
            continue;
        if (strcmp(c->e->unit, b->unit) || strcmp(c->e->better, b->better)) {
            r->unit_mismatch = 1;
            continue;
        }
        if (b->median != 0) {
            c->ratio_pct = c->e->median / b->median * 100.0;
            c->overhead_pct = !strcmp(b->better, "higher") ? (b->median - c->e->median) / b->median * 100.0
                                                           : (c->e->median - b->median) / b->median * 100.0;
        }
        if (i > 0)
            noise(b, c->e, c);
    }
    if (r->unit_mismatch)
        bc_warn(t, "%s/%s %s: units or direction differ between files; no ratio shown",
             r->first->suite, r->first->test, r->first->params_text);
}

static void cpu_warnings(struct bc_table *t)
{
    const struct bc_doc *b = &t->docs[0];
    for (int i = 1; i < t->ndocs; i++) {
        const struct bc_doc *d = &t->docs[i];
        if (strcmp(b->cpu_brand, d->cpu_brand) || strcmp(b->cpu_vendor, d->cpu_vendor) ||
            b->cpu_family != d->cpu_family || b->cpu_model != d->cpu_model ||
            b->cpu_stepping != d->cpu_stepping)
            bc_warn(t, "CPUs differ: %s has \"%s\" (family %lld model %lld stepping %lld), %s has \"%s\" "
                    "(family %lld model %lld stepping %lld): the ratios compare machines, not only "
                    "environments", b->label, b->cpu_brand, b->cpu_family, b->cpu_model,
                 b->cpu_stepping, d->label, d->cpu_brand, d->cpu_family, d->cpu_model, d->cpu_stepping);
    }
}

int bc_compare(struct bc_doc *docs, int n, struct bc_table *t)
{
    memset(t, 0, sizeof *t);
    t->docs = docs;
    t->ndocs = n;
    size_t total = 0;
    for (int i = 0; i < n; i++)
        total += (size_t)docs[i].n;
    struct index ix = {0};
    size_t cap = 16;
    while (cap < total * 2 + 2)
        cap *= 2;
    ix.mask = cap - 1;
    ix.slot = calloc(cap, sizeof *ix.slot);
    t->rows = calloc(total ? total : 1, sizeof *t->rows);
    if (!ix.slot || !t->rows)
        goto err;
    for (int i = 0; i < n; i++) {
        int dups = 0;
        for (int k = 0; k < docs[i].n; k++) {
            const struct bc_entry *e = &docs[i].e[k];
            int *slot = find_slot(&ix, t, e->key);
            if (!*slot) {
                struct bc_row *r = &t->rows[t->nrows];
                r->first = e;
                r->c = calloc((size_t)n, sizeof *r->c);
                if (!r->c)
                    goto err;
                *slot = ++t->nrows;
            }
            struct bc_row *r = &t->rows[*slot - 1];
            if (r->c[i].e) {
                dups++;
                continue;
            }
            r->c[i].e = e;
            r->present++;
        }
        if (dups)
            bc_warn(t, "%s: %d entries repeat a suite/test/params seen before in the same file; "
                    "the first one is used", docs[i].path, dups);
    }
    free(ix.slot);
    for (int i = 0; i < t->nrows; i++) {
        fill_cells(t, &t->rows[i]);
        if (t->rows[i].present < n)
            t->unmatched++;
    }
    cpu_warnings(t);
    bc_env_warnings(t);
    for (int i = 0; i < n; i++) { /* a run that reported errors may be missing entries */
        json_t *errs = json_object_get(docs[i].root, "errors");
        if (json_is_array(errs) && json_array_size(errs)) {
            json_t *e0 = json_array_get(errs, 0);
            const char *what = json_string_value(json_object_get(e0, "what"));
            bc_warn(t, "%s (%s) records %zu error%s, first: %.200s", docs[i].label, docs[i].path,
                 json_array_size(errs), json_array_size(errs) == 1 ? "" : "s", what ? what : "?");
        }
    }
    if (t->unmatched)
        bc_warn(t, "%d of %d entries are not in every file (shown with '-')", t->unmatched, t->nrows);
    return 0;
err:
    free(ix.slot);
    bc_table_free(t);
    return -1;
}

void bc_table_free(struct bc_table *t)
{
    for (int i = 0; i < t->nrows; i++)
        free(t->rows[i].c);
    free(t->rows);
    for (int i = 0; i < t->nwarn; i++)
        free(t->warn[i]);
    free(t->warn);
    memset(t, 0, sizeof *t);
}
