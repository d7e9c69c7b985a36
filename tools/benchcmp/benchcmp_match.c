/* benchcmp_match.c - matches the entries of N documents into rows (by suite/test/params, disks
 * by role: benchcmp_roles.c, memory by cache level or size, ISA levels by role:
 * benchcmp_isa.c), groups the documents into pools by tag, fills each pool's pooled
 * figures (benchcmp_pool.c) and puts the rows in reading order. */
#include "tools/benchcmp/benchcmp.h"
#include "bench/suite_charts.h"

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void warn_push(struct bc_table *t, const char *text)
{
    char **nw = realloc(t->warn, (size_t)(t->nwarn + 1) * sizeof *nw);
    if (!nw)
        return;
    t->warn = nw;
    if ((t->warn[t->nwarn] = strdup(text)))
        t->nwarn++;
}

void bc_warn(struct bc_table *t, const char *fmt, ...)
{
    char buf[1024];
    if (t->nwarn >= BC_WARN_MAX - 2) { /* room kept for the closing two of bc_compare_opts */
        t->warn_dropped++;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    warn_push(t, buf);
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
        if (!ix->slot[i] || !strcmp(t->rows[ix->slot[i] - 1].key, key))
            return &ix->slot[i];
}

static int wanted(const struct bc_opts *o, const struct bc_entry *e)
{
    int ok = !o->nsuites;
    for (int i = 0; i < o->nsuites; i++)
        ok |= !strcmp(o->suites[i], e->suite);
    if (!ok)
        return 0;
    ok = !o->ntests;
    for (int i = 0; i < o->ntests; i++)
        ok |= fnmatch(o->tests[i], e->test, 0) == 0;
    return ok;
}

/* Append name to "a, b, c" in list (n bytes) unless there, at most `max` names ("..." after). */
static void list_name(char *list, size_t n, int *count, int max, const char *name)
{
    size_t len = strlen(name);
    for (const char *q = list; *q; q += strcspn(q, ","), q += *q ? 2 : 0)
        if (!strncmp(q, name, len) && (q[len] == ',' || !q[len]))
            return;
    if (*count == max)
        snprintf(list + strlen(list), n - strlen(list), ", ...");
    else if (*count < max)
        snprintf(list + strlen(list), n - strlen(list), "%s%.40s", *count ? ", " : "", name);
    ++*count;
}

int bc_opts_check(const struct bc_doc *docs, int n, const struct bc_opts *o, char *err, size_t errlen)
{
    const struct bc_opts none = {0};
    for (int i = 0; i < o->nsuites; i++) {
        char have[400] = "";
        int found = 0, count = 0;
        for (int d = 0; d < n && !found; d++)
            for (int k = 0; k < docs[d].n && !found; k++) {
                found = !strcmp(docs[d].e[k].suite, o->suites[i]);
                list_name(have, sizeof have, &count, 12, docs[d].e[k].suite);
            }
        if (!found)
            return bc_fail(err, errlen, "--suite '%.80s' matches no entry of the documents (their "
                           "suites: %s)", o->suites[i], count ? have : "none");
    }
    struct bc_opts suites_only = {.suites = o->suites, .nsuites = o->nsuites};
    for (int i = 0; i < o->ntests; i++) {
        char have[400] = "";
        int found = 0, count = 0;
        for (int d = 0; d < n && !found; d++)
            for (int k = 0; k < docs[d].n && !found; k++) {
                const struct bc_entry *e = &docs[d].e[k];
                if (!wanted(o->nsuites ? &suites_only : &none, e))
                    continue;
                found = fnmatch(o->tests[i], e->test, 0) == 0;
                list_name(have, sizeof have, &count, 12, e->test);
            }
        if (!found)
            return bc_fail(err, errlen, "--test '%.80s' matches no test%s (tests there: %s)",
                           o->tests[i], o->nsuites ? " of the suites selected" : " of the documents",
                           count ? have : "none");
    }
    return 0;
}

/* The params that name a disk's identity and path, left out of role matching. */
static const char *const *const disk_params = suite_device_params;
/* A memory working set: [0] its cache level, [1] its size in bytes. */
static const char *const *const ws_params = suite_ws_params;

/* Key "suite/test/{params but skip}/tag" ("suite/test/{params but skip}" with no tag: the key
 * of an entry without those params) and params as shown (lead first, then the rest). */
static int key_without(const struct bc_entry *e, const char *const *skip, const char *lead,
                       const char *tag, char **key, char **shown)
{
    json_t *p = json_copy(e->params);
    for (int k = 0; p && skip[k]; k++)
        json_object_del(p, skip[k]);
    char *canon = p ? json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(p);
    if (!canon)
        return -1;
    size_t rest = bc_params_format(e->params, skip, NULL, 0);
    size_t klen = strlen(e->suite) + strlen(e->test) + strlen(canon) + strlen(tag) + 8;
    size_t slen = strlen(lead) + rest + 8;
    *key = malloc(klen);
    *shown = malloc(slen);
    if (!*key || !*shown) {
        free(canon);
        return -1;
    }
    snprintf(*key, klen, "%s/%s/%s%s%s", e->suite, e->test, canon, tag[0] ? "/" : "", tag);
    free(canon);
    int at = lead[0] ? snprintf(*shown, slen, "%s%s", lead, rest ? " " : "") : 0;
    bc_params_format(e->params, skip, *shown + at, slen - (size_t)at);
    return 0;
}

/* A memory working-set entry (params level and bytes)?  Its family: "suite/test/{params but
 * level and bytes}" (owned), NULL with *fam NULL when it is not one; -1 memory. */
static int ws_family(const struct bc_entry *e, char **fam)
{
    char *shown = NULL;
    *fam = NULL;
    if (!json_is_string(json_object_get(e->params, ws_params[0])) ||
        !json_is_integer(json_object_get(e->params, ws_params[1])))
        return 0;
    int rc = key_without(e, ws_params, "", "ws", fam, &shown);
    free(shown);
    if (rc) {
        free(*fam);
        *fam = NULL;
    }
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The working-set families some document measured at two sizes or more of one cache level (a
 * sweep): those rows match on the size; the others on the level.  Sorted, for bsearch. */
struct ws_sized {
    char **fam;
    size_t n;
};

static int push_str(char ***v, size_t *n, char *s)
{
    char **nv = realloc(*v, (*n + 1) * sizeof **v);
    if (!nv)
        return -1;
    *v = nv;
    (*v)[(*n)++] = s;
    return 0;
}

static int ws_sized_find(const struct bc_table *t, const struct bc_opts *o, struct ws_sized *w)
{
    int rc = 0;
    for (int i = 0; i < t->ndocs && !rc; i++) {
        char **at = NULL; /* "family\nlevel" of the document's working-set entries */
        size_t nat = 0;
        for (int k = 0; k < t->docs[i].n && !rc; k++) {
            const struct bc_entry *e = &t->docs[i].e[k];
            char *fam, *fl;
            if (!wanted(o, e) || (rc = ws_family(e, &fam)) || !fam)
                continue;
            const char *lv = json_string_value(json_object_get(e->params, ws_params[0]));
            size_t n = strlen(fam) + strlen(lv) + 2;
            if (!(fl = malloc(n)) || push_str(&at, &nat, fl)) {
                free(fl);
                rc = -1;
            } else {
                snprintf(fl, n, "%s\n%s", fam, lv);
            }
            free(fam);
        }
        if (nat)
            qsort(at, nat, sizeof *at, cmp_str);
        for (size_t k = 1; k < nat && !rc; k++)
            if (!strcmp(at[k], at[k - 1])) {
                char *fam = strdup(at[k]);
                if (fam)
                    *strrchr(fam, '\n') = '\0';
                if (!fam || push_str(&w->fam, &w->n, fam)) {
                    free(fam);
                    rc = -1;
                }
            }
        for (size_t k = 0; k < nat; k++)
            free(at[k]);
        free(at);
    }
    if (w->n)
        qsort(w->fam, w->n, sizeof *w->fam, cmp_str);
    return rc;
}

static void ws_sized_free(struct ws_sized *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->fam[i]);
    free(w->fam);
    w->fam = NULL;
    w->n = 0;
}

/* What role matching leaves out of an entry's key: the params (skip), what the row shows
 * first instead (lead) and what the key says in their place (tag). */
struct key_parts {
    const char *skip[8];
    int nskip;
    char lead[160], tag[64];
};

static void parts_add(struct key_parts *k, const char *param, const char *lead, const char *tag)
{
    if (k->nskip < 7)
        k->skip[k->nskip++] = param;
    size_t l = strlen(k->lead), g = strlen(k->tag);
    if (lead[0])
        snprintf(k->lead + l, sizeof k->lead - l, "%s%s", l ? " " : "", lead);
    if (tag[0])
        snprintf(k->tag + g, sizeof k->tag - g, "%s%s", g ? ";" : "", tag);
}

/* The match key and the params as shown of entry e of document d; *at_param: the working-set
 * param left out (NULL: none); *isa_role: the ISA role the row pairs ("base"/"best", NULL). */
static int entry_key(const struct bc_table *t, const struct bc_roles *roles,
                     const struct ws_sized *ws, const struct bc_isa_index *isx, int d,
                     const struct bc_entry *e, char **key, char **shown, const char **at_param,
                     const char **isa_role, int *operand)
{
    struct key_parts k = {.nskip = 0};
    *key = *shown = NULL;
    *at_param = *isa_role = NULL;
    *operand = 0;
    if (t->match == BC_MATCH_EXACT)
        goto exact;
    char *fam;
    if (ws_family(e, &fam))
        return -1;
    if (fam) { /* memory: by level when measured once per level, else by size */
        int sized = ws->n && bsearch(&fam, ws->fam, ws->n, sizeof *ws->fam, cmp_str);
        free(fam);
        *at_param = ws_params[sized ? 0 : 1];
        parts_add(&k, *at_param, "", sized ? "by=size" : "by=level");
    }
    json_t *dj = json_object_get(e->params, disk_params[0]);
    if (json_is_integer(dj) && json_integer_value(dj) >= 0 &&
        json_integer_value(dj) < roles->role_n[d]) {
        int role = roles->role[d][json_integer_value(dj)];
        const char *name = role >= 0 ? roles->names[role] : "?";
        char lead[80] = "", tag[32];
        if (name[0])
            snprintf(lead, sizeof lead, "disk=%.70s", name);
        snprintf(tag, sizeof tag, "role=%d", role);
        for (int i = 0; disk_params[i]; i++)
            parts_add(&k, disk_params[i], i ? "" : lead, i ? "" : tag);
    }
    for (int i = 0; t->archs_differ && suite_operand_params[i]; i++)
        if (json_object_get(e->params, suite_operand_params[i])) { /* x86's leaf, arm's register */
            parts_add(&k, suite_operand_params[i], "", ""); /* the key of a test with none */
            *operand = 1;
        }
    if (bc_isa_role(isx, d, e, isa_role))
        return -1;
    if (*isa_role) { /* the lowest with the lowest, the highest with the highest */
        char lead[16];
        snprintf(lead, sizeof lead, "isa=%s", *isa_role);
        parts_add(&k, suite_isa_param, lead, lead);
    }
    if (!k.nskip)
        goto exact;
    return key_without(e, k.skip, k.lead, k.tag, key, shown);
exact:
    *key = strdup(e->key);
    *shown = strdup(e->params_text);
    return *key && *shown ? 0 : -1;
}

size_t bc_row_role_len(const struct bc_row *r)
{
    const char *shown = r->params_text;
    if (strncmp(shown, "disk=", 5) || !strcmp(shown, r->first->params_text)) /* exact: as written */
        return 0;
    size_t all = strlen(shown), rest = bc_params_format(r->first->params, disk_params, NULL, 0);
    size_t sep = rest ? 1 : 0;
    return all > rest + sep + 5 ? all - rest - sep : 0;
}

/* --- reading order --- */

struct order {
    int row, suite_rank, disk_like, pattern_rank;
    const char *op, *test, *shown;
    double bs, qd;
};

static double param_num(const struct bc_entry *e, const char *k)
{
    json_t *v = json_object_get(e->params, k);
    return json_is_number(v) ? json_number_value(v) : -1;
}

static int cmp_order(const void *pa, const void *pb)
{
    const struct order *a = pa, *b = pb;
    if (a->suite_rank != b->suite_rank)
        return a->suite_rank < b->suite_rank ? -1 : 1;
    if (a->disk_like && b->disk_like) {
        int c = strcmp(a->op, b->op);
        if (!c)
            c = a->pattern_rank - b->pattern_rank;
        if (!c)
            c = strcmp(a->test, b->test);
        if (!c)
            c = (a->bs > b->bs) - (a->bs < b->bs);
        if (!c)
            c = (a->qd > b->qd) - (a->qd < b->qd);
        if (!c)
            c = strcmp(a->shown, b->shown);
        if (c)
            return c;
    }
    return (a->row > b->row) - (a->row < b->row); /* else as first seen */
}

static int cmp_suite(const void *pa, const void *pb)
{
    const struct order *a = pa, *b = pb;
    int c = strcmp(a->shown, b->shown);
    return c ? c : (a->row > b->row) - (a->row < b->row);
}

/* Suites as first seen; disk-like rows (params op and block_size) by op, pattern (seq first),
 * test, block size, queue depth; the rest as first seen.  ent[] moves with its row. */
static int sort_rows(struct bc_table *t, const struct bc_entry ***ent)
{
    struct order *o = calloc((size_t)(t->nrows ? t->nrows : 1), sizeof *o);
    struct bc_row *rows = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof *rows);
    const struct bc_entry ***ents = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof *ents);
    int *rank = malloc((size_t)(t->nrows ? t->nrows : 1) * sizeof *rank);
    if (!o || !rows || !ents || !rank) {
        free(o);
        free(rows);
        free(ents);
        free(rank);
        return -1;
    }
    /* a suite's rank: its first row (rows sorted by suite, then by position) */
    for (int i = 0; i < t->nrows; i++)
        o[i] = (struct order){.row = i, .shown = t->rows[i].first->suite};
    qsort(o, (size_t)t->nrows, sizeof *o, cmp_suite);
    for (int i = 0; i < t->nrows; i++)
        rank[o[i].row] = i && !strcmp(o[i].shown, o[i - 1].shown) ? rank[o[i - 1].row] : o[i].row;
    for (int i = 0; i < t->nrows; i++) {
        const struct bc_entry *e = t->rows[i].first;
        const char *op = json_string_value(json_object_get(e->params, "op"));
        const char *pat = json_string_value(json_object_get(e->params, "pattern"));
        o[i] = (struct order){i, rank[i], op && param_num(e, "block_size") >= 0,
                              pat && !strcmp(pat, "seq") ? 0 : pat && !strcmp(pat, "rand") ? 1 : 2,
                              op ? op : "", e->test, t->rows[i].params_text,
                              param_num(e, "block_size"), param_num(e, "qd")};
    }
    qsort(o, (size_t)t->nrows, sizeof *o, cmp_order);
    for (int i = 0; i < t->nrows; i++) {
        rows[i] = t->rows[o[i].row];
        ents[i] = ent[o[i].row];
    }
    memcpy(t->rows, rows, (size_t)t->nrows * sizeof *rows);
    memcpy(ent, ents, (size_t)t->nrows * sizeof *ents);
    free(o);
    free(rows);
    free(ents);
    free(rank);
    return 0;
}

static void cpu_warnings(struct bc_table *t)
{
    const struct bc_doc *b = &t->docs[0];
    for (int i = 1; i < t->ndocs; i++) {
        const struct bc_doc *d = &t->docs[i];
        int seen = 0; /* one warning per CPU, however many documents have it */
        for (int j = 1; j < i && !seen; j++)
            seen = !strcmp(t->docs[j].cpu_brand, d->cpu_brand) && !strcmp(t->docs[j].cpu_vendor, d->cpu_vendor) &&
                   t->docs[j].cpu_family == d->cpu_family && t->docs[j].cpu_model == d->cpu_model &&
                   t->docs[j].cpu_stepping == d->cpu_stepping;
        if (seen)
            continue;
        if (strcmp(b->cpu_brand, d->cpu_brand) || strcmp(b->cpu_vendor, d->cpu_vendor) ||
            b->cpu_family != d->cpu_family || b->cpu_model != d->cpu_model ||
            b->cpu_stepping != d->cpu_stepping)
            bc_warn(t, "CPUs differ: %s has \"%s\" (family %lld model %lld stepping %lld), %s has \"%s\" "
                    "(family %lld model %lld stepping %lld): the ratios compare machines, not only "
                    "environments", b->label, b->cpu_brand, b->cpu_family, b->cpu_model,
                 b->cpu_stepping, d->label, d->cpu_brand, d->cpu_family, d->cpu_model, d->cpu_stepping);
    }
}

/* Memory rows matched by size whose cache level differs between pools, and those only some
 * pools measured: named (at most three each), since both follow the cache layout each
 * environment shows. */
static void ws_warnings(struct bc_table *t)
{
    char ex[2][400] = {"", ""};
    int n[2] = {0, 0};
    for (int i = 0; i < t->nrows; i++) {
        const struct bc_row *r = &t->rows[i];
        if (!r->at_param || strcmp(r->at_param, ws_params[0]))
            continue;
        int differ = 0, k = r->present < t->npools;
        char lv[160] = "";
        for (int p = 0; p < t->npools; p++) {
            const char *a = r->c[p].at;
            differ |= a[0] && strcmp(a, r->c[0].at);
            snprintf(lv + strlen(lv), sizeof lv - strlen(lv), "%s%.20s %.40s", p ? ", " : "",
                     a[0] ? a : "-", t->pools[p].label);
        }
        if (!k && !differ)
            continue;
        if (n[k]++ < 3)
            snprintf(ex[k] + strlen(ex[k]), sizeof ex[k] - strlen(ex[k]), "%s%.40s %.60s (%s)",
                     n[k] > 1 ? "; " : "", r->first->test, r->params_text, lv);
    }
    if (n[0])
        bc_warn(t, "the environments show different cache layouts: %d memory row%s of tests "
                "measured at several sizes per level (matched by size) %s at different "
                "levels (column at), e.g. %s", n[0], n[0] == 1 ? "" : "s", n[0] == 1 ? "falls" : "fall",
                ex[0]);
    if (n[1])
        bc_warn(t, "%d memory row%s of tests measured at several sizes per level (matched by size) "
                "have a size only some environments measured (the sizes follow each one's cache "
                "sizes), e.g. %s", n[1], n[1] == 1 ? "" : "s", ex[1]);
}

/* A run that reported errors may be missing entries. */
static void error_warnings(struct bc_table *t)
{
    for (int i = 0; i < t->ndocs; i++) {
        const struct bc_doc *d = &t->docs[i];
        json_t *errs = json_object_get(d->root, "errors");
        if (json_is_array(errs) && json_array_size(errs)) {
            json_t *e0 = json_array_get(errs, 0);
            const char *what = json_string_value(json_object_get(e0, "what"));
            bc_warn(t, "%s (%s) records %zu error%s, first: %.200s", d->label, d->path,
                    json_array_size(errs), json_array_size(errs) == 1 ? "" : "s", what ? what : "?");
        }
    }
}

/* Put entries into rows: ent[row][doc] = the entry of that document. */
static int match_entries(struct bc_table *t, const struct bc_opts *o, const struct bc_roles *roles,
                         const struct bc_entry ****entp)
{
    struct ws_sized ws = {0};
    struct bc_isa_index *isx = NULL;
    size_t total = 0;
    for (int i = 0; i < t->ndocs; i++)
        total += (size_t)t->docs[i].n;
    struct index ix = {0};
    size_t cap = 16;
    while (cap < total * 2 + 2)
        cap *= 2;
    ix.mask = cap - 1;
    ix.slot = calloc(cap, sizeof *ix.slot);
    t->rows = calloc(total ? total : 1, sizeof *t->rows);
    const struct bc_entry ***ent = calloc(total ? total : 1, sizeof *ent);
    *entp = ent;
    for (int i = 1; i < t->ndocs; i++)
        t->archs_differ |= strcmp(bc_doc_arch(&t->docs[i]), bc_doc_arch(&t->docs[0])) != 0;
    if (!ix.slot || !t->rows || !ent ||
        (t->match != BC_MATCH_EXACT &&
         (ws_sized_find(t, o, &ws) || bc_isa_index_make(t->docs, t->ndocs, &isx))))
        goto err;
    for (int i = 0; i < t->ndocs; i++) {
        int dups = 0;
        for (int k = 0; k < t->docs[i].n; k++) {
            const struct bc_entry *e = &t->docs[i].e[k];
            char *key, *shown;
            const char *at_param, *isa_role;
            int operand;
            if (!wanted(o, e))
                continue;
            if (entry_key(t, roles, &ws, isx, i, e, &key, &shown, &at_param, &isa_role,
                          &operand)) {
                free(key);
                free(shown);
                goto err;
            }
            int *slot = find_slot(&ix, t, key);
            if (!*slot) {
                struct bc_row *r = &t->rows[t->nrows];
                r->first = e;
                r->key = key;
                r->params_text = shown;
                r->at_param = at_param;
                r->isa_role = isa_role;
                r->operand = operand;
                ent[t->nrows] = calloc((size_t)t->ndocs, sizeof **ent);
                if (!ent[t->nrows]) {
                    r->key = r->params_text = NULL;
                    free(key);
                    free(shown);
                    goto err;
                }
                *slot = ++t->nrows;
            } else {
                free(key);
                free(shown);
                t->rows[*slot - 1].operand |= operand; /* x86's rdtsc has none, arm's has one */
            }
            if (ent[*slot - 1][i]) {
                dups++;
                continue;
            }
            ent[*slot - 1][i] = e;
        }
        if (dups)
            bc_warn(t, "%s: %d entries repeat a suite/test/params seen before in the same file; "
                    "the first one is used", t->docs[i].path, dups);
    }
    free(ix.slot);
    ws_sized_free(&ws);
    bc_isa_index_free(isx, t->ndocs);
    return 0;
err:
    free(ix.slot);
    ws_sized_free(&ws);
    bc_isa_index_free(isx, t->ndocs);
    return -1;
}

int bc_compare_opts(struct bc_doc *docs, int n, const struct bc_opts *o, struct bc_table *t)
{
    static const struct bc_opts all = {0};
    const struct bc_entry ***ent = NULL;
    struct bc_roles roles = {0};
    int rc = -1;
    memset(t, 0, sizeof *t);
    t->docs = docs;
    t->ndocs = n;
    t->match = (o ? o : &all)->match;
    if (bc_make_pools(t) || bc_disk_roles(docs, n, &roles) < 0 ||
        match_entries(t, o ? o : &all, &roles, &ent) || sort_rows(t, ent))
        goto out;
    for (int i = 0; i < t->nrows; i++) {
        if (!(t->rows[i].c = calloc((size_t)t->npools, sizeof *t->rows[i].c)) ||
            bc_fill_row(t, &t->rows[i], ent[i]) || bc_isa_settle(t, &t->rows[i]))
            goto out;
        if (t->rows[i].present < t->npools)
            t->unmatched++;
    }
    for (int i = 0; i < roles.nwarn; i++)
        bc_warn(t, "%s", roles.warn[i]);
    bc_pool_warnings(t, (const struct bc_entry *const *const *)ent);
    ws_warnings(t);
    bc_isa_warnings(t);
    cpu_warnings(t);
    bc_env_warnings(t);
    error_warnings(t);
    char buf[160];
    if (t->warn_dropped) {
        snprintf(buf, sizeof buf, "... and %d more warnings not shown", t->warn_dropped);
        warn_push(t, buf);
    }
    if (t->unmatched) {
        snprintf(buf, sizeof buf, "%d of %d entries are not in every %s (shown with '-')", t->unmatched,
                 t->nrows, t->npools < t->ndocs ? "environment" : "file");
        warn_push(t, buf);
    }
    rc = 0;
out:
    for (int i = 0; ent && i < t->nrows; i++)
        free(ent[i]);
    free(ent);
    bc_disk_roles_free(&roles);
    if (rc)
        bc_table_free(t);
    return rc;
}

int bc_compare(struct bc_doc *docs, int n, struct bc_table *t)
{
    return bc_compare_opts(docs, n, NULL, t);
}

void bc_table_free(struct bc_table *t)
{
    for (int i = 0; i < t->nrows; i++) {
        free(t->rows[i].c);
        free(t->rows[i].key);
        free(t->rows[i].params_text);
    }
    free(t->rows);
    for (int i = 0; i < t->npools; i++)
        free(t->pools[i].doc);
    free(t->pools);
    for (int i = 0; i < t->nwarn; i++)
        free(t->warn[i]);
    free(t->warn);
    memset(t, 0, sizeof *t);
}
