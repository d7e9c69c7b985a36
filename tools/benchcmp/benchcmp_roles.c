/* benchcmp_roles.c - which disks of different documents are "the same disk" to a reader: a
 * disk_label (env.disks[].label) pairs explicitly; when every document measured one disk, that
 * disk is the one under test; else disks pair by size within 1%, then the same model, then the
 * same serial.  Never by index, kind or driver path: a study has NVMe on bare metal, virtio-blk
 * under KVM and PVSCSI under ESXi.  Roles are looked up by label / size class / index, so the
 * pairing is linear in the disks (at most BC_DISKS_MAX per document) however many documents. */
#include "tools/benchcmp/benchcmp.h"
#include "bench/suite_charts.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SIZE_TOLERANCE 0.01

static void role_warn(struct bc_roles *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void role_warn(struct bc_roles *r, const char *fmt, ...)
{
    char buf[600], **nw = realloc(r->warn, (size_t)(r->nwarn + 1) * sizeof *nw);
    if (!nw)
        return;
    r->warn = nw;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if ((r->warn[r->nwarn] = strdup(buf)))
        r->nwarn++;
}

/* What a document says about one measured disk. */
struct disk_seen {
    int index;
    double bytes; /* -1: not in env.disks */
    const char *model, *serial, *label;
};

/* A role being built: the first disk that took it stands for it. */
struct role {
    struct disk_seen rep;
    char name[80];
    int used_by; /* the document that last took it (one disk per document per role) */
};

enum bc_driver bc_api_driver(const char *api)
{
    if (!api || !*api)
        return BC_DRV_NONE;
    for (const struct api_path *a = api_paths; a->prefix; a++)
        if (!strncmp(api, a->prefix, strlen(a->prefix)))
            return a->kind == API_FIRMWARE ? BC_DRV_FIRMWARE : BC_DRV_OS;
    return BC_DRV_NATIVE;
}

static const char *str_or_empty(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

#define INDEX_MAX 4096 /* larger params.disk values are not disks (matched by every param) */

/* The measured disks of d (distinct integer params.disk, ascending), into *out; linear in the
 * entries and env.disks (documents are untrusted).  At most BC_DISKS_MAX, those of lowest
 * index; *dropped: how many more there were. */
static int measured(const struct bc_doc *d, struct disk_seen **out, int *dropped)
{
    json_t **info = calloc(INDEX_MAX + 1, sizeof *info), *o;
    char *hit = calloc(INDEX_MAX + 1, 1);
    struct disk_seen *v = malloc(BC_DISKS_MAX * sizeof *v);
    int n = 0;
    *dropped = 0;
    *out = v;
    if (!info || !hit || !v) {
        free(info);
        free(hit);
        free(v);
        *out = NULL;
        return -1;
    }
    size_t i;
    json_array_foreach(json_object_get(json_object_get(d->root, "env"), "disks"), i, o) {
        json_t *ix = json_object_get(o, "index");
        if (json_is_integer(ix) && json_integer_value(ix) >= 0 && json_integer_value(ix) <= INDEX_MAX &&
            !info[json_integer_value(ix)])
            info[json_integer_value(ix)] = o; /* the first with that index, as before */
    }
    for (int k = 0; k < d->n; k++) {
        json_t *x = json_object_get(d->e[k].params, suite_device_params[0]);
        if (json_is_integer(x) && json_integer_value(x) >= 0 && json_integer_value(x) <= INDEX_MAX)
            hit[json_integer_value(x)] = 1;
    }
    for (int idx = 0; idx <= INDEX_MAX; idx++) {
        if (!hit[idx])
            continue;
        if (n == BC_DISKS_MAX) {
            ++*dropped;
            continue;
        }
        json_t *b = json_object_get(info[idx], "bytes");
        v[n++] = (struct disk_seen){idx, json_is_number(b) ? json_number_value(b) : -1,
                                    str_or_empty(info[idx], "model"), str_or_empty(info[idx], "serial"),
                                    str_or_empty(info[idx], "label")};
    }
    free(info);
    free(hit);
    return n;
}

static void size_text(char *buf, size_t n, double b)
{
    static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    int k = 0;
    while (b >= 1024 && k < 5)
        b /= 1024, k++;
    snprintf(buf, n, b == floor(b) ? "%.0f %s" : "%.1f %s", b, u[k]);
}

/* How well disk s fits role r (-1: not at all): labels must agree; sizes within 1%. */
static int fit(const struct role *r, const struct disk_seen *s)
{
    if (r->rep.label[0] || s->label[0])
        return strcmp(r->rep.label, s->label) ? -1 : 4;
    if ((r->rep.bytes < 0) != (s->bytes < 0))
        return -1;
    if (s->bytes < 0)
        return r->rep.index == s->index ? 1 : -1; /* sizes unknown: by index, the last resort */
    double big = r->rep.bytes > s->bytes ? r->rep.bytes : s->bytes;
    if (fabs(r->rep.bytes - s->bytes) > SIZE_TOLERANCE * big)
        return -1;
    return (s->model[0] && !strcmp(s->model, r->rep.model)) * 2 +
           (s->serial[0] && !strcmp(s->serial, r->rep.serial));
}

/* Roles by what a disk must share to fit them (documents are untrusted: thousands of disks must
 * not cost disks x roles): "L<label>", "S<size class>" (classes 2% wide, so sizes within 1%
 * are in one class or the next), "I<index>" (size unknown), "U" (one_each: every unlabelled
 * role), and "N<size text>" (roles named by that size, for "#2"). */
struct keyed {
    char *key;
    int *q, n, cap;
};
struct index {
    struct keyed *k;
    size_t size, used; /* size: a power of two */
};

static uint64_t hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static struct keyed *ix_find(struct index *ix, const char *key)
{
    for (size_t i = hash(key) & (ix->size - 1);; i = (i + 1) & (ix->size - 1))
        if (!ix->k[i].key || !strcmp(ix->k[i].key, key))
            return &ix->k[i];
}

/* Add role q under key.  0, or -1 (memory). */
static int ix_add(struct index *ix, const char *key, int q)
{
    if ((ix->used + 1) * 2 > ix->size) {
        struct index big = {calloc(ix->size ? ix->size * 2 : 64, sizeof *big.k), ix->size ? ix->size * 2 : 64, ix->used};
        if (!big.k)
            return -1;
        for (size_t i = 0; i < ix->size; i++)
            if (ix->k[i].key)
                *ix_find(&big, ix->k[i].key) = ix->k[i];
        free(ix->k);
        *ix = big;
    }
    struct keyed *k = ix_find(ix, key);
    if (!k->key) {
        if (!(k->key = strdup(key)))
            return -1;
        ix->used++;
    }
    if (k->n == k->cap) {
        int *nq = realloc(k->q, (size_t)(k->cap = k->cap ? k->cap * 2 : 4) * sizeof *nq);
        if (!nq)
            return -1;
        k->q = nq;
    }
    k->q[k->n++] = q;
    return 0;
}

static const struct keyed *ix_get(struct index *ix, const char *key)
{
    static const struct keyed none = {0};
    const struct keyed *k = ix->size ? ix_find(ix, key) : NULL;
    return k && k->key ? k : &none;
}

static void ix_free(struct index *ix)
{
    for (size_t i = 0; i < ix->size; i++) {
        free(ix->k[i].key);
        free(ix->k[i].q);
    }
    free(ix->k);
}

static long long size_class(double bytes)
{
    return bytes > 0 ? (long long)floor(log(bytes) / log(1.02)) : -1;
}

/* The keys a disk's candidate roles are under (up to 3), or the key a role is put under (1). */
static int disk_keys(const struct disk_seen *s, int one_each, int as_role, char key[3][96])
{
    if (s->label[0]) {
        snprintf(key[0], sizeof key[0], "L%.80s", s->label);
        return 1;
    }
    if (one_each) {
        snprintf(key[0], sizeof key[0], "U");
        return 1;
    }
    if (s->bytes < 0) {
        snprintf(key[0], sizeof key[0], "I%d", s->index);
        return 1;
    }
    long long c = size_class(s->bytes);
    for (int i = 0; i < (as_role ? 1 : 3); i++)
        snprintf(key[i], sizeof key[i], "S%lld", as_role ? c : c - 1 + i);
    return as_role ? 1 : 3;
}

/* A disk_label that some documents measuring disks lack: its rows cannot line up with theirs.
 * Linear in the disks (documents are untrusted: thousands of labels must not cost squares). */
#define LABEL_WARNINGS 3
static void label_warnings(const struct bc_doc *docs, int n, struct disk_seen **seen, const int *nseen,
                           const struct role *roles, int nroles, struct bc_roles *r)
{
    int with_disks = 0, told = 0, more = 0;
    int *have = calloc((size_t)(nroles ? nroles : 1), sizeof *have); /* documents with role q */
    if (!have)
        return;
    for (int d = 0; d < n; d++) {
        with_disks += nseen[d] > 0;
        for (int k = 0; k < nseen[d]; k++) {
            int q = r->role[d][seen[d][k].index];
            if (q >= 0 && q < nroles)
                have[q]++;
        }
    }
    for (int q = 0; q < nroles; q++) {
        if (!roles[q].rep.label[0] || have[q] >= with_disks)
            continue;
        if (told++ >= LABEL_WARNINGS) {
            more++;
            continue;
        }
        int lack = -1;
        for (int d = 0; d < n && lack < 0; d++) {
            int found = 0;
            for (int k = 0; k < nseen[d]; k++)
                found |= r->role[d][seen[d][k].index] == q;
            lack = nseen[d] && !found ? d : -1;
        }
        role_warn(r, "disk_label '%.70s' is in %d of the %d documents that measured disks (not in %s, "
                  "for one): a label pairs only with the same label, so its rows do not line up there",
                  roles[q].rep.label, have[q], with_disks, lack >= 0 ? docs[lack].path : "?");
    }
    if (more)
        role_warn(r, "... and %d more disk_labels that some documents lack", more);
    free(have);
}

/* d and e are one environment: the same document, or the same tag (a pool). */
static int same_env(const struct bc_doc *d, const struct bc_doc *e)
{
    return d == e || (d->tag && e->tag && d->tag[0] && !strcmp(d->tag, e->tag));
}

/* A document none of whose measured disks pairs with another environment's (a 1.7 TiB NVMe
 * against 100 GiB virtual disks, once some run measured two disks): every disk row of it stands
 * alone, and only disk_label= can say which disks are the same. */
static void alone_warning(const struct bc_doc *docs, int n, struct disk_seen **seen, const int *nseen,
                          int nroles, int one_each, struct bc_roles *r)
{
    /* first[q]: the first document with role q; shared[q]: another environment has it too */
    int *first = malloc((size_t)(nroles ? nroles : 1) * sizeof *first);
    char *shared = calloc((size_t)(nroles ? nroles : 1), 1);
    int envs = 0, one = -1, alone = -1, many = -1;
    if (!first || !shared)
        goto out;
    for (int q = 0; q < nroles; q++)
        first[q] = -1;
    for (int d = 0; d < n; d++) {
        if (nseen[d] && one < 0)
            one = d;
        envs |= nseen[d] && !same_env(&docs[one], &docs[d]); /* two environments measured disks */
        if (nseen[d] > 1 && many < 0)
            many = d;
        for (int k = 0; k < nseen[d]; k++) {
            int q = r->role[d][seen[d][k].index];
            if (q < 0 || q >= nroles)
                continue;
            if (first[q] < 0)
                first[q] = d;
            else
                shared[q] |= !same_env(&docs[first[q]], &docs[d]);
        }
    }
    for (int d = 0; d < n && alone < 0; d++) {
        int pairs = 0;
        for (int k = 0; k < nseen[d]; k++) {
            int q = r->role[d][seen[d][k].index];
            pairs |= q >= 0 && q < nroles && shared[q];
        }
        if (nseen[d] && !pairs)
            alone = d;
    }
    if (!envs || alone < 0)
        goto out;
    char why[300] = "";
    if (!one_each && many >= 0)
        snprintf(why, sizeof why, "; the one-disk rule does not apply, since %.200s measured %d disks",
                 docs[many].path, nseen[many]);
    role_warn(r, "%s: no disk it measured pairs with a disk of another environment (disks pair by "
              "disk_label, else by size within 1%%%s), so its disk rows stand alone; name the disk "
              "under test with disk_label= in every run to pair them",
              docs[alone].path, why);
out:
    free(first);
    free(shared);
}

int bc_disk_roles(const struct bc_doc *docs, int n, struct bc_roles *r)
{
    memset(r, 0, sizeof *r);
    struct disk_seen **seen = calloc((size_t)(n ? n : 1), sizeof *seen);
    int *nseen = calloc((size_t)(n ? n : 1), sizeof *nseen);
    struct role *roles = NULL;
    struct index ix = {0};
    int nroles = 0, cap = 0, one_each = 1, labelled = 0, ambiguous_told = 0;
    int capped = 0, capped_first = 0, capped_dropped = 0; /* documents over BC_DISKS_MAX */
    r->ndocs = n;
    r->role = calloc((size_t)(n ? n : 1), sizeof *r->role);
    r->role_n = calloc((size_t)(n ? n : 1), sizeof *r->role_n);
    if (!seen || !nseen || !r->role || !r->role_n)
        goto err;
    for (int d = 0; d < n; d++) {
        int dropped;
        if ((nseen[d] = measured(&docs[d], &seen[d], &dropped)) < 0)
            goto err;
        if (dropped && capped++ == 0)
            capped_first = d, capped_dropped = dropped;
        int unlabelled = 0;
        for (int k = 0; k < nseen[d]; k++) {
            unlabelled += !seen[d][k].label[0];
            labelled |= seen[d][k].label[0] != 0;
        }
        one_each &= unlabelled <= 1;
        int top = nseen[d] ? seen[d][nseen[d] - 1].index + 1 : 0;
        r->role_n[d] = top;
        if (!(r->role[d] = malloc((size_t)(top ? top : 1) * sizeof(int))))
            goto err;
        for (int k = 0; k < top; k++)
            r->role[d][k] = -1;
    }
    if (capped)
        role_warn(r, "%s%s: measured %d disks, more than barebench lists (%d): only the %d of lowest "
                  "index are matched by role, the other %d by every param (index included)",
                  docs[capped_first].path, capped > 1 ? " and other documents" : "",
                  BC_DISKS_MAX + capped_dropped, BC_DISKS_MAX, BC_DISKS_MAX, capped_dropped);
    for (int d = 0; d < n; d++)
        for (int k = 0; k < nseen[d]; k++) {
            const struct disk_seen *s = &seen[d][k];
            int best = -1, score = -1, ties = 0;
            char key[3][96];
            for (int kk = 0, nk = disk_keys(s, one_each, 0, key); kk < nk; kk++) {
                const struct keyed *c = ix_get(&ix, key[kk]);
                for (int j = 0; j < c->n; j++) { /* best score, then the oldest role */
                    int q = c->q[j];
                    int f = roles[q].used_by == d ? -1 : one_each && !s->label[0] && !roles[q].rep.label[0] ? 0 : fit(&roles[q], s);
                    if (f < 0 || f < score)
                        continue;
                    ties = f > score ? 1 : ties + 1;
                    if (f > score || q < best)
                        best = q, score = f;
                }
            }
            if (ties > 1 && !one_each && !ambiguous_told++) {
                char sz[32];
                size_text(sz, sizeof sz, s->bytes);
                role_warn(r, "%s: its disk %d (%s) fits %d disks of the other documents equally (same size, "
                          "no model or serial in common): paired by order, which may not be the same disk; "
                          "name the disks with disk_label= to pair them yourself",
                          docs[d].path, s->index, s->bytes < 0 ? "size unknown" : sz, ties);
            }
            if (best < 0) {
                if (nroles == cap) {
                    struct role *nr = realloc(roles, (size_t)(cap = cap ? cap * 2 : 4) * sizeof *roles);
                    if (!nr)
                        goto err;
                    roles = nr;
                }
                struct role *nr = &roles[best = nroles++];
                memset(nr, 0, sizeof *nr);
                nr->rep = *s;
                if (disk_keys(s, one_each, 1, key) != 1 || ix_add(&ix, key[0], best))
                    goto err;
                if (s->label[0])
                    snprintf(nr->name, sizeof nr->name, "%.70s", s->label);
                else if (one_each)
                    snprintf(nr->name, sizeof nr->name, "%s", labelled ? "unlabelled" : "");
                else if (s->bytes < 0)
                    snprintf(nr->name, sizeof nr->name, "disk%d", s->index);
                else {
                    char sz[32];
                    size_text(sz, sizeof sz, s->bytes);
                    snprintf(key[0], sizeof key[0], "N%s", sz);
                    int same = 1 + ix_get(&ix, key[0])->n; /* roles named by this size before */
                    if (ix_add(&ix, key[0], best))
                        goto err;
                    snprintf(nr->name, sizeof nr->name, same > 1 ? "%s#%d" : "%s", sz, same);
                }
            }
            roles[best].used_by = d;
            r->role[d][s->index] = best;
        }
    r->nroles = nroles;
    label_warnings(docs, n, seen, nseen, roles, nroles, r);
    if (!labelled) /* else label_warnings said why */
        alone_warning(docs, n, seen, nseen, nroles, one_each, r);
    if (!(r->names = calloc((size_t)(nroles ? nroles : 1), sizeof *r->names)))
        goto err;
    for (int q = 0; q < nroles; q++)
        if (!(r->names[q] = strdup(roles[q].name)))
            goto err;
    for (int d = 0; d < n; d++)
        free(seen[d]);
    free(seen);
    free(nseen);
    free(roles);
    ix_free(&ix);
    return nroles;
err:
    for (int d = 0; seen && d < n; d++)
        free(seen[d]);
    free(seen);
    free(nseen);
    free(roles);
    ix_free(&ix);
    r->nroles = r->names ? r->nroles : 0;
    bc_disk_roles_free(r);
    return -1;
}

void bc_disk_roles_free(struct bc_roles *r)
{
    for (int d = 0; r->role && d < r->ndocs; d++)
        free(r->role[d]);
    free(r->role);
    free(r->role_n);
    for (int q = 0; r->names && q < r->nroles; q++)
        free(r->names[q]);
    free(r->names);
    for (int i = 0; i < r->nwarn; i++)
        free(r->warn[i]);
    free(r->warn);
    memset(r, 0, sizeof *r);
}
