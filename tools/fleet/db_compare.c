/* db_compare.c - `barebench-db compare --by tag|hypervisor|firmware`: the study's table between
 * groups of machines, made by benchcmp's own library (one implementation of matching, pooling
 * and the summary): each selected run's document is read from the store, its group becomes its
 * tag, so each group is one pool (column); the baseline group's documents come first.
 * --report DIR writes benchcmp's HTML page of that table (bc_report). */
#include "tools/fleet/db_query.h"
#include "tools/fleet/db_fetch.h"
#include "tools/fleet/fleet_cli.h"
#include "tools/benchcmp/benchcmp.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct doc_ctx {
    struct bc_doc *d;
    const char *name;        /* the run's file, or its run id when it has none */
    const char *run_id;
    const char *report;      /* --report DIR, or NULL */
    char *tmpdir;            /* where documents only in the store are written (shared, "" first) */
    char *err;
    size_t n;
    int ok;
};

/* For --report: the page links a copy of each document, made from its file; a run whose file is
 * not on this host (another collector's) is first written from the store into a private
 * directory (tmpdir, made with mkdtemp and removed after the page is written), from where
 * bc_report copies it into DIR/docs/ like any other document: nothing lands in DIR before
 * bc_report has checked that DIR may be written. */
#define TMPDIR_LEN 4096 /* bytes of struct doc_ctx's tmpdir */
static const char *report_name(const struct doc_ctx *c, const char *text, char *buf, size_t n)
{
    if (!c->report || access(c->name, R_OK) == 0)
        return c->name;
    if (!c->tmpdir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(c->tmpdir, TMPDIR_LEN, "%s/barebench-db-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(c->tmpdir)) {
            c->tmpdir[0] = 0;
            return c->name; /* bc_report then says it cannot copy */
        }
    }
    snprintf(buf, n, "%s/%s.json", c->tmpdir, c->run_id);
    FILE *f = fopen(buf, "w");
    int bad = !f || fputs(text, f) < 0;
    if (f)
        bad |= fclose(f) != 0;
    return bad ? c->name : buf;
}

/* Remove what report_name wrote (only RUN_ID.json files) and its directory. */
static void tmpdir_remove(const char *dir)
{
    DIR *d = dir[0] ? opendir(dir) : NULL;
    char path[4200];
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    if (d) {
        closedir(d);
        rmdir(dir);
    }
}

static int on_doc(void *ctx, int ncols, const char *const *v, const char *const *names)
{
    struct doc_ctx *c = ctx;
    char path[4096];
    (void)names;
    if (ncols >= 1 && v[0])
        c->ok = bc_doc_load_buffer(v[0], strlen(v[0]), report_name(c, v[0], path, sizeof path), c->d,
                                   c->err, c->n) == 0;
    return 1;
}

/* comma list -> array of pointers into a copy (both freed by the caller) */
static const char **split(const char *list, char **copy, int *n)
{
    *n = 0;
    *copy = NULL;
    if (!list)
        return NULL;
    *copy = strdup(list);
    const char **v = calloc(strlen(list) / 2 + 2, sizeof *v);
    if (!*copy || !v) {
        free(v);
        return NULL;
    }
    for (char *save, *p = strtok_r(*copy, ",", &save); p; p = strtok_r(NULL, ",", &save))
        v[(*n)++] = p;
    return v;
}

/* the order documents go in: the baseline group's first (default: bare metal when grouped by
 * hypervisor, else the first group by name), then the others; -1 if there is no such group */
static int order_docs(const struct fleet_set *s, enum fleet_by by, const char *baseline, int *order)
{
    const char *base = baseline;
    for (int i = 0; !base && by == FLEET_BY_HYPERVISOR && i < s->nruns; i++)
        if (!strcmp(s->runs[i].group, "none")) /* bare metal */
            base = s->runs[i].group;
    if (!base) /* else the first group by name */
        for (int i = 0; i < s->nruns; i++)
            if (!base || strcmp(s->runs[i].group, base) < 0)
                base = s->runs[i].group;
    int k = 0;
    for (int i = 0; i < s->nruns; i++)
        if (!strcmp(s->runs[i].group, base))
            order[k++] = i;
    if (k == 0)
        return -1;
    for (int i = 0; i < s->nruns; i++)
        if (strcmp(s->runs[i].group, base))
            order[k++] = i;
    return 0;
}

/* every pooled cell of the table as JSON: pools, summary groups and rows */
static int print_json(FILE *f, const struct bc_table *t)
{
    json_t *root = json_object(), *pools = json_array(), *rows = json_array(), *sum = json_array();
    struct bc_summary s;
    int bad = !root || !pools || !rows || !sum || bc_summarize(t, &s) < 0;
    if (bad) {
        json_decref(root), json_decref(pools), json_decref(rows), json_decref(sum);
        return -1;
    }
    for (int p = 0; p < t->npools; p++) {
        json_t *files = json_array();
        for (int i = 0; i < t->pools[p].n; i++)
            json_array_append_new(files, json_string(t->docs[t->pools[p].doc[i]].path));
        json_array_append_new(pools, json_pack("{s:s, s:i, s:b, s:o}", "group", t->pools[p].label,
                                               "n", t->pools[p].n, "baseline", p == 0, "files", files));
    }
    for (int g = 0; g < s.ng; g++)
        for (int p = 1; p < t->npools; p++) {
            const struct bc_sum_cell *c = &s.g[g].c[p];
            json_array_append_new(sum, json_pack("{s:s, s:s, s:i, s:i, s:o, s:i}", "group", s.g[g].name,
                                                 "env", t->pools[p].label, "rows", s.g[g].nrows, "tests", c->n,
                                                 "median_overhead_pct", c->n ? json_real(c->median_overhead_pct) : json_null(),
                                                 "outside_noise", c->outside_noise));
        }
    for (int r = 0; r < t->nrows; r++) {
        const struct bc_row *row = &t->rows[r];
        json_t *cells = json_object();
        for (int p = 0; p < t->npools; p++) {
            const struct bc_cell *c = &row->c[p];
            if (!c->n)
                continue;
            json_object_set_new(cells, t->pools[p].label,
                json_pack("{s:i, s:f, s:f, s:f, s:f, s:f, s:o, s:o, s:s}", "n", c->n,
                          "median", c->median, "min", c->min, "max", c->max, "q1", c->q1, "q3", c->q3,
                          "overhead_pct", p && c->overhead_pct == c->overhead_pct ? json_real(c->overhead_pct) : json_null(),
                          "within_noise", p && c->noise != BC_NOISE_NA ? json_boolean(c->noise == BC_WITHIN_NOISE) : json_null(),
                          "api", c->api));
        }
        json_array_append_new(rows, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "suite", row->first->suite,
                                              "test", row->first->test, "params", row->params_text,
                                              "unit", row->first->unit, "better", row->first->better,
                                              "groups", cells));
    }
    json_t *warn = json_array();
    for (int i = 0; i < t->nwarn; i++)
        json_array_append_new(warn, json_string(t->warn[i]));
    json_object_set_new(root, "pools", pools);
    json_object_set_new(root, "warnings", warn);
    json_object_set_new(root, "summary", sum);
    json_object_set_new(root, "rows", rows);
    bad = json_dumpf(root, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0;
    fputc('\n', f);
    json_decref(root);
    bc_summary_free(&s);
    return bad ? -1 : 0;
}

int fleet_cmd_compare(int argc, char **argv, const char *db)
{
    struct fleet_args a;
    char err[1024];
    int st;
    struct fleet_db *d = fleet_ask_open(argc, argv, db, FLEET_OPT_COMPARE, "compare", COMPARE_USAGE, &a, &st);
    if (!d)
        return st;
    struct fleet_set s;
    long long *ids = NULL;
    struct bc_doc *docs = NULL;
    int *order = NULL, ndocs = 0, rc = 1;
    char *suites_copy = NULL, *tests_copy = NULL;
    const char **suites = NULL, **tests = NULL;
    char tmpdir[TMPDIR_LEN] = "";
    fleet_set_init(&s);
    int previous = a.report ? bc_report_dir_state(a.report, err, sizeof err) : 0;
    if (previous < 0) { /* before any work: a new, empty or previous report's directory only */
        fprintf(stderr, "barebench-db compare: %s\n", err);
        goto out;
    }
    if (fleet_fetch_runs(d, &a, &s, &ids, err, sizeof err) < 0) {
        fprintf(stderr, "barebench-db compare: %s\n", err);
        goto out;
    }
    if (s.nruns == 0) {
        fprintf(stderr, "barebench-db compare: no run in the store matches\n");
        goto out;
    }
    docs = calloc((size_t)s.nruns, sizeof *docs);
    order = calloc((size_t)s.nruns, sizeof *order);
    if (!docs || !order)
        goto oom;
    if (order_docs(&s, a.by, a.baseline, order) < 0) {
        fprintf(stderr, "barebench-db compare: --baseline '%s': no selected machine has that %s\n",
                a.baseline, fleet_by_name(a.by));
        goto out;
    }
    for (int i = 0; i < s.nruns; i++, ndocs++) {
        const struct fleet_run *r = &s.runs[order[i]];
        char id[32];
        snprintf(id, sizeof id, "%lld", ids[order[i]]);
        const char *const p1[1] = {id};
        struct doc_ctx c = {&docs[i], r->file[0] ? r->file : r->run_id, r->run_id, a.report,
                            tmpdir, err, sizeof err, 0};
        if (fleet_query(d, "SELECT doc FROM runs WHERE id = $1", 1, p1, on_doc, &c, err, sizeof err) < 0 ||
            !c.ok) {
            fprintf(stderr, "barebench-db compare: run %s: %s\n", r->run_id, c.ok ? err : "its document cannot be read");
            goto out;
        }
        docs[i].tag = r->group; /* the group is the pool */
    }
    bc_doc_labels(docs, ndocs);
    int ns, nt;
    suites = split(a.suite, &suites_copy, &ns);
    tests = split(a.test, &tests_copy, &nt);
    if ((a.suite && !suites) || (a.test && !tests))
        goto oom;
    struct bc_opts o = {.match = a.match_exact ? BC_MATCH_EXACT : BC_MATCH_ROLE,
                        .suites = suites, .nsuites = ns, .tests = tests, .ntests = nt};
    struct bc_table t;
    if (bc_compare_opts(docs, ndocs, &o, &t) < 0)
        goto oom;
    if (a.format == FLEET_JSON)
        rc = print_json(stdout, &t) < 0;
    else {
        bc_print_part(stdout, stderr, &t, a.format == FLEET_CSV ? BC_CSV : BC_TEXT, (enum bc_part)a.only);
        rc = 0;
    }
    rc |= fflush(stdout) != 0;
    if (a.report) { /* benchcmp's page (bc_report): the same table, its charts inlined */
        int nc = bc_report(&t, a.report, "gnuplot", err, sizeof err);
        if (nc < 0) {
            fprintf(stderr, "barebench-db compare: --report: %s\n", err);
            rc = 1;
        } else {
            fprintf(stderr, "barebench-db compare: report with %d chart%s: %s/index.html%s\n", nc,
                    nc == 1 ? "" : "s", a.report,
                    previous == 1 ? " (replacing the previous report there)" : "");
        }
    }
    bc_table_free(&t);
    goto out;
oom:
    fprintf(stderr, "barebench-db compare: out of memory\n");
out:
    for (int i = 0; i < ndocs; i++)
        bc_doc_free(&docs[i]);
    tmpdir_remove(tmpdir);
    free(docs), free(order), free(ids), free(suites), free(tests), free(suites_copy), free(tests_copy);
    fleet_set_free(&s);
    fleet_close(d);
    return rc;
}
