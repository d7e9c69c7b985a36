/* benchcmp_isa.c - ISA levels by role: per document, the lowest and highest level
 * (bench/suite_charts.h suite_isa_levels) of each test it measured, so that role matching pairs
 * base with base and best with best across machines and architectures (x86's avx512 with
 * another machine's avx2 or sve2); and the warnings naming the architectures and the ISA levels
 * that differ. */
#include "tools/benchcmp/benchcmp.h"
#include "bench/suite_charts.h"

#include <stdlib.h>
#include <string.h>

struct isa_fam {
    char *fam; /* "suite/test/{params but isa, level, bytes}" */
    int lo, hi; /* lowest and highest rank the document measured it at */
};

struct bc_isa_index {
    struct isa_fam *f;
    size_t n;
};

/* A level's rank (suite_isa_levels), -1 when it is not one (e.g. "fma"). */
static int isa_rank(const char *name)
{
    for (int i = 0; name && suite_isa_levels[i].name; i++)
        if (!strcmp(suite_isa_levels[i].name, name))
            return suite_isa_levels[i].rank;
    return -1;
}

static const char *entry_isa(const struct bc_entry *e)
{
    return json_string_value(json_object_get(e->params, suite_isa_param));
}

/* The entry's family: the same test at another ISA level (and, for memory, at another working
 * set: the level and bytes follow the machine's caches).  Owned; NULL: out of memory. */
static char *isa_family(const struct bc_entry *e)
{
    json_t *p = json_copy(e->params);
    if (!p)
        return NULL;
    json_object_del(p, suite_isa_param);
    for (int k = 0; suite_ws_params[k]; k++)
        json_object_del(p, suite_ws_params[k]);
    char *canon = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(p);
    size_t n = canon ? strlen(e->suite) + strlen(e->test) + strlen(canon) + 3 : 0;
    char *fam = canon ? malloc(n) : NULL;
    if (fam)
        snprintf(fam, n, "%s/%s/%s", e->suite, e->test, canon);
    free(canon);
    return fam;
}

static int cmp_fam(const void *a, const void *b)
{
    return strcmp(((const struct isa_fam *)a)->fam, ((const struct isa_fam *)b)->fam);
}

/* Document d's families, sorted, each with its lowest and highest rank. */
static int index_doc(const struct bc_doc *d, struct bc_isa_index *ix)
{
    for (int k = 0; k < d->n; k++) {
        int rank = isa_rank(entry_isa(&d->e[k]));
        if (rank < 0)
            continue;
        struct isa_fam *nf = realloc(ix->f, (ix->n + 1) * sizeof *nf);
        if (!nf)
            return -1;
        ix->f = nf;
        if (!(nf[ix->n].fam = isa_family(&d->e[k])))
            return -1;
        nf[ix->n].lo = nf[ix->n].hi = rank;
        ix->n++;
    }
    if (!ix->n)
        return 0;
    qsort(ix->f, ix->n, sizeof *ix->f, cmp_fam);
    size_t w = 0;
    for (size_t r = 1; r < ix->n; r++) {
        if (!strcmp(ix->f[r].fam, ix->f[w].fam)) {
            ix->f[w].lo = ix->f[r].lo < ix->f[w].lo ? ix->f[r].lo : ix->f[w].lo;
            ix->f[w].hi = ix->f[r].hi > ix->f[w].hi ? ix->f[r].hi : ix->f[w].hi;
            free(ix->f[r].fam);
        } else {
            ix->f[++w] = ix->f[r];
        }
    }
    ix->n = w + 1;
    return 0;
}

int bc_isa_index_make(const struct bc_doc *docs, int n, struct bc_isa_index **out)
{
    *out = calloc((size_t)(n > 0 ? n : 1), sizeof **out);
    if (!*out)
        return -1;
    for (int d = 0; d < n; d++)
        if (index_doc(&docs[d], &(*out)[d])) {
            bc_isa_index_free(*out, n);
            *out = NULL;
            return -1;
        }
    return 0;
}

void bc_isa_index_free(struct bc_isa_index *ix, int n)
{
    for (int d = 0; ix && d < n; d++) {
        for (size_t k = 0; k < ix[d].n; k++)
            free(ix[d].f[k].fam);
        free(ix[d].f);
    }
    free(ix);
}

int bc_isa_role(const struct bc_isa_index *ix, int d, const struct bc_entry *e, const char **role)
{
    *role = NULL;
    int rank = isa_rank(entry_isa(e));
    if (rank < 0 || !ix || !ix[d].n)
        return 0;
    struct isa_fam key = {.fam = isa_family(e)};
    if (!key.fam)
        return -1;
    const struct isa_fam *f = bsearch(&key, ix[d].f, ix[d].n, sizeof key, cmp_fam);
    free(key.fam);
    if (!f)
        return 0;
    if (f->lo == f->hi) /* one level: the base ISA's tests are base, a SIMD level its best */
        *role = rank == 0 ? "base" : "best";
    else if (rank == f->hi)
        *role = "best";
    else if (rank == f->lo)
        *role = "base";
    return 0; /* a level between them: matched as written */
}

int bc_isa_settle(const struct bc_table *t, struct bc_row *r)
{
    int p0 = -1, same = 1;
    for (int p = 0; p < t->npools && r->isa_role; p++) {
        if (!r->c[p].n)
            continue;
        if (p0 < 0)
            p0 = p;
        same &= !strchr(r->c[p].isa, '+') && !strcmp(r->c[p].isa, r->c[p0].isa);
    }
    if (!r->isa_role || !same)
        return 0;
    /* every pool ran the same level: the row reads as before, isa=avx2 among its params */
    const char *skip[] = {r->at_param, NULL};
    size_t n = bc_params_format(r->first->params, skip, NULL, 0) + 1;
    char *shown = malloc(n);
    if (!shown)
        return -1;
    bc_params_format(r->first->params, skip, shown, n);
    free(r->params_text);
    r->params_text = shown;
    r->isa_role = NULL;
    for (int p = 0; p < t->npools; p++)
        r->c[p].isa[0] = '\0';
    return 0;
}

const char *bc_doc_arch(const struct bc_doc *d)
{
    json_t *cpu = json_object_get(json_object_get(d->root, "env"), "cpu");
    const char *a = json_string_value(json_object_get(cpu, "arch"));
    return a && a[0] ? a : "x86-64"; /* documents before the aarch64 port name none */
}

void bc_isa_warnings(struct bc_table *t)
{
    const char *base = bc_doc_arch(&t->docs[0]);
    for (int i = 1; i < t->ndocs; i++) {
        const char *a = bc_doc_arch(&t->docs[i]);
        int seen = !strcmp(a, base); /* one warning per other architecture */
        for (int j = 1; j < i && !seen; j++)
            seen = !strcmp(bc_doc_arch(&t->docs[j]), a);
        if (!seen)
            bc_warn(t, "architectures differ: %.60s (%.200s) is %.40s, %.60s (%.200s) is %.40s: "
                    "the ratios compare machines, not only environments; tests measured at "
                    "several ISA levels pair the lowest (isa=base) and the highest (isa=best) "
                    "each measured, column isa names them",
                    t->docs[0].label, t->docs[0].path, base, t->docs[i].label, t->docs[i].path, a);
    }
    char ex[480] = "";
    int n = 0, nex = 0;
    for (int r = 0; r < t->nrows; r++) {
        const struct bc_row *row = &t->rows[r];
        int differ = 0;
        for (int p = 1; p < t->npools && row->isa_role; p++)
            differ |= row->c[p].isa[0] && row->c[0].isa[0] && strcmp(row->c[p].isa, row->c[0].isa);
        if (!differ)
            continue;
        char lv[160] = "(";
        for (int p = 0; p < t->npools; p++)
            snprintf(lv + strlen(lv), sizeof lv - strlen(lv), "%s%.20s %.30s", p ? ", " : "",
                     row->c[p].isa[0] ? row->c[p].isa : "-", t->pools[p].label);
        snprintf(lv + strlen(lv), sizeof lv - strlen(lv), ")");
        if (nex < 3 && !strstr(ex, lv)) /* examples of each pairing of levels */
            snprintf(ex + strlen(ex), sizeof ex - strlen(ex), "%s%.30s %.60s %s",
                     nex++ ? "; " : "", row->first->test, row->params_text, lv);
        n++;
    }
    if (n)
        bc_warn(t, "the machines' ISA levels differ: %d row%s pair%s different instruction sets "
                "(column isa; --match exact pairs only the same), e.g. %s", n, n == 1 ? "" : "s",
                n == 1 ? "s" : "", ex);
}
