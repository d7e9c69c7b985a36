/* benchcmp_roles.c - which disks of different documents are "the same disk" to a reader: a
 * disk_label (env.disks[].label) pairs explicitly; when every document measured one disk, that
 * disk is the one under test; else disks pair by size within 1%, then the same model, then the
 * same serial.  Never by index, kind or driver path: a study has NVMe on bare metal, virtio-blk
 * under KVM and PVSCSI under ESXi. */
#include "tools/benchcmp/benchcmp.h"
#include "bench/suite_charts.h"

#include <math.h>
#include <stdarg.h>
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

/* The env.disks[] object with this index, or NULL. */
static json_t *disk_info(const struct bc_doc *d, int index)
{
    json_t *disks = json_object_get(json_object_get(d->root, "env"), "disks"), *o;
    size_t i;
    json_array_foreach(disks, i, o) {
        json_t *ix = json_object_get(o, "index");
        if (json_is_integer(ix) && json_integer_value(ix) == index)
            return o;
    }
    return NULL;
}

static const char *str_or_empty(json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The measured disks of d (distinct integer params.disk, ascending), into *out. */
static int measured(const struct bc_doc *d, struct disk_seen **out)
{
    int n = 0, cap = 0;
    struct disk_seen *v = NULL;
    for (int k = 0; k < d->n; k++) {
        json_t *x = json_object_get(d->e[k].params, suite_device_params[0]);
        if (!json_is_integer(x) || json_integer_value(x) < 0 || json_integer_value(x) > 4096)
            continue;
        int idx = (int)json_integer_value(x), at = 0;
        while (at < n && v[at].index < idx)
            at++;
        if (at < n && v[at].index == idx)
            continue;
        if (n == cap) {
            struct disk_seen *nv = realloc(v, (size_t)(cap = cap ? cap * 2 : 4) * sizeof *v);
            if (!nv) {
                free(v);
                return -1;
            }
            v = nv;
        }
        memmove(&v[at + 1], &v[at], (size_t)(n - at) * sizeof *v);
        json_t *o = disk_info(d, idx), *b = json_object_get(o, "bytes");
        v[at] = (struct disk_seen){idx, json_is_number(b) ? json_number_value(b) : -1,
                                   str_or_empty(o, "model"), str_or_empty(o, "serial"),
                                   str_or_empty(o, "label")};
        n++;
    }
    *out = v;
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
    int nroles = 0, cap = 0, one_each = 1, labelled = 0, ambiguous_told = 0;
    r->ndocs = n;
    r->role = calloc((size_t)(n ? n : 1), sizeof *r->role);
    r->role_n = calloc((size_t)(n ? n : 1), sizeof *r->role_n);
    if (!seen || !nseen || !r->role || !r->role_n)
        goto err;
    for (int d = 0; d < n; d++) {
        if ((nseen[d] = measured(&docs[d], &seen[d])) < 0)
            goto err;
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
    for (int d = 0; d < n; d++)
        for (int k = 0; k < nseen[d]; k++) {
            const struct disk_seen *s = &seen[d][k];
            int best = -1, score = -1, ties = 0;
            for (int q = 0; q < nroles; q++) {
                int f = roles[q].used_by == d ? -1 : one_each && !s->label[0] && !roles[q].rep.label[0] ? 0 : fit(&roles[q], s);
                ties = f > score ? 1 : ties + (f >= 0 && f == score);
                if (f > score)
                    best = q, score = f;
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
                if (s->label[0])
                    snprintf(nr->name, sizeof nr->name, "%.70s", s->label);
                else if (one_each)
                    snprintf(nr->name, sizeof nr->name, "%s", labelled ? "unlabelled" : "");
                else if (s->bytes < 0)
                    snprintf(nr->name, sizeof nr->name, "disk%d", s->index);
                else {
                    char sz[32];
                    size_text(sz, sizeof sz, s->bytes);
                    int same = 1;
                    for (int q = 0; q < nroles - 1; q++)
                        same += !strncmp(roles[q].name, sz, strlen(sz)) && !roles[q].rep.label[0];
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
    return nroles;
err:
    for (int d = 0; seen && d < n; d++)
        free(seen[d]);
    free(seen);
    free(nseen);
    free(roles);
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
