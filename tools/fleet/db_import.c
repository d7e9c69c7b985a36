/* db_import.c - `barebench-db import DIR|FILE...`: existing documents (a collector's
 * directory, files from USB sticks) into the store, each checked as the collector checks an
 * upload and stored all or nothing (a savepoint each, IMPORT_BATCH of them per transaction: one
 * commit per batch, not per run); a run already there is left alone, so importing twice adds
 * nothing, and a refused document is named and stores nothing.  When the store fails inside a
 * batch, the batch is rolled back and its runs stored again one transaction each.  Files are read,
 * parsed (once) and checked in a second thread while the first stores the previous ones. */
#include "tools/fleet/fleet_cli.h"
#include "tools/benchcmp/benchcmp.h"
#include "tools/collect/collect.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define IMPORT_BATCH 200       /* runs per transaction at most */
#define IMPORT_QUEUE 16        /* documents read and parsed ahead of the store */
#define IMPORT_BATCH_MS 500    /* and at most this long a transaction (the collector sharing an
                                  SQLite file waits for its lock meanwhile, 5 s at most) */

struct tally {
    int stored, already, refused, failed;
};

/* The open transaction: its runs (their files, to store again one by one if it fails). */
struct batch {
    char *paths[IMPORT_BATCH];
    int n, stored, already;
    long long started_ms;
};

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void import_file(struct fleet_db *db, const char *path, struct tally *t, struct batch *b);

/* Commit the batch (nothing open: nothing to do).  Failed: rolled back, and its runs are stored
 * again, one transaction each, so each is counted and any failure named. */
static void batch_commit(struct fleet_db *db, struct batch *b, struct tally *t, int failed)
{
    char err[1024];
    if (!fleet_in_transaction(db))
        return;
    if (!failed && fleet_commit(db, err, sizeof err) == 0) {
        t->stored += b->stored;
        t->already += b->already;
    } else {
        if (!failed)
            fprintf(stderr, "barebench-db: commit failed: %s; storing its %d runs one by one\n",
                    err, b->n);
        else
            fleet_rollback(db);
        for (int i = 0; i < b->n; i++)
            import_file(db, b->paths[i], t, NULL);
    }
    for (int i = 0; i < b->n; i++)
        free(b->paths[i]);
    b->n = b->stored = b->already = 0;
}

/* One document read, parsed once and checked: what the store takes. */
struct ready {
    char *path, *text;
    size_t len;
    struct bc_doc d;
};

/* Read, parse and check path as the collector checks an upload.  0, or -1 (refused: named on
 * stderr, counted in *refused, nothing kept). */
static int prepare(const char *path, struct ready *r, int *refused)
{
    char err[1024], msg[1024];
    memset(r, 0, sizeof *r);
    if (!(r->text = fleet_read_file(path, &r->len, err, sizeof err))) {
        fprintf(stderr, "barebench-db: %s: refused: %s\n", path, err);
        (*refused)++;
        return -1;
    }
    if (bc_doc_load_buffer(r->text, r->len, path, &r->d, err, sizeof err)) {
        fprintf(stderr, "barebench-db: %s: refused: %s\n", path, err);
        free(r->text);
        (*refused)++;
        return -1;
    }
    json_t *rid = json_object_get(json_object_get(r->d.root, "tool"), "run_id");
    const char *why = NULL;
    if (rid && !(json_is_string(rid) && collect_run_id_ok(json_string_value(rid))))
        why = "tool.run_id must be 32 lowercase hexadecimal digits";
    else if (collect_doc_check(r->d.root, msg, sizeof msg))
        why = msg;
    else if (!(r->path = strdup(path)))
        why = "out of memory";
    if (why) {
        fprintf(stderr, "barebench-db: %s: refused: %s\n", path, why);
        bc_doc_free(&r->d);
        free(r->text);
        (*refused)++;
        return -1;
    }
    return 0;
}

static void ready_free(struct ready *r)
{
    bc_doc_free(&r->d);
    free(r->text);
    free(r->path);
}

/* Store a prepared document: inside the batch b (NULL: in a transaction of its own).  Frees
 * r's contents. */
static void store_ready(struct fleet_db *db, struct ready *r, struct tally *t, struct batch *b)
{
    char err[1024], full[PATH_MAX];
    if (b && !fleet_in_transaction(db)) {
        if (fleet_begin(db, err, sizeof err)) {
            fprintf(stderr, "barebench-db: %s: not stored: %s\n", r->path, err);
            t->failed++;
            ready_free(r);
            return;
        }
        b->started_ms = now_ms();
    }
    int rc = fleet_store(db, &r->d, r->text, r->len, realpath(r->path, full) ? full : r->path,
                         err, sizeof err);
    if (b && rc == FLEET_ERROR) { /* the store, not this document: the batch again, one by one */
        b->paths[b->n++] = r->path;
        r->path = NULL;
        ready_free(r);
        batch_commit(db, b, t, 1);
        return;
    }
    if (b && rc != FLEET_REFUSED) { /* counted once its transaction commits */
        b->paths[b->n++] = r->path;
        r->path = NULL;
        b->stored += rc == FLEET_STORED;
        b->already += rc == FLEET_ALREADY;
    } else if (rc == FLEET_STORED) {
        t->stored++;
    } else if (rc == FLEET_ALREADY) {
        t->already++;
    } else {
        fprintf(stderr, "barebench-db: %s: not stored: %s\n", r->path, err);
        t->failed++;
    }
    ready_free(r);
    if (b && (b->n == IMPORT_BATCH || now_ms() - b->started_ms >= IMPORT_BATCH_MS))
        batch_commit(db, b, t, 0);
}

static void import_file(struct fleet_db *db, const char *path, struct tally *t, struct batch *b)
{
    struct ready r;
    if (prepare(path, &r, &t->refused) == 0)
        store_ready(db, &r, t, b);
}

/* The files to import, in order. */
struct list {
    char **paths;
    int n, cap;
};

static int list_add(struct list *l, const char *path)
{
    if (l->n == l->cap) {
        int cap = l->cap ? l->cap * 2 : 256;
        char **p = realloc(l->paths, (size_t)cap * sizeof *p);
        if (!p)
            return -1;
        l->paths = p;
        l->cap = cap;
    }
    return (l->paths[l->n] = strdup(path)) ? (l->n++, 0) : -1;
}

static int json_name(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 5 && !strcmp(e->d_name + n - 5, ".json");
}

/* Every *.json directly in dir (not hidden ones), in name order, onto l. */
static void list_dir(struct list *l, const char *dir, struct tally *t)
{
    struct dirent **names;
    int n = scandir(dir, &names, json_name, alphasort);
    if (n < 0) {
        fprintf(stderr, "barebench-db: %s: cannot read: %s\n", dir, strerror(errno));
        t->failed++;
        return;
    }
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && list_add(l, path)) {
            fprintf(stderr, "barebench-db: %s: not stored: out of memory\n", path);
            t->failed++;
        }
        free(names[i]);
    }
    free(names);
}

/* Reading and parsing (one thread) beside storing (the caller's): a bounded queue between. */
struct pipe {
    const struct list *l;
    struct ready q[IMPORT_QUEUE];
    int head, count, done, refused;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

static void *reader(void *arg)
{
    struct pipe *p = arg;
    for (int i = 0; i < p->l->n; i++) {
        struct ready r;
        int refused = 0;
        if (prepare(p->l->paths[i], &r, &refused)) {
            pthread_mutex_lock(&p->mu);
            p->refused += refused;
            pthread_mutex_unlock(&p->mu);
            continue;
        }
        pthread_mutex_lock(&p->mu);
        while (p->count == IMPORT_QUEUE)
            pthread_cond_wait(&p->cv, &p->mu);
        p->q[(p->head + p->count++) % IMPORT_QUEUE] = r;
        pthread_cond_broadcast(&p->cv);
        pthread_mutex_unlock(&p->mu);
    }
    pthread_mutex_lock(&p->mu);
    p->done = 1;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Store every file of l (read and parsed in a second thread when one can be had). */
static void import_list(struct fleet_db *db, const struct list *l, struct tally *t,
                        struct batch *b)
{
    struct pipe p = {.l = l};
    pthread_t th;
    pthread_mutex_init(&p.mu, NULL);
    pthread_cond_init(&p.cv, NULL);
    if (pthread_create(&th, NULL, reader, &p)) {
        for (int i = 0; i < l->n; i++)
            import_file(db, l->paths[i], t, b);
    } else {
        for (;;) {
            pthread_mutex_lock(&p.mu);
            while (!p.count && !p.done)
                pthread_cond_wait(&p.cv, &p.mu);
            if (!p.count) {
                pthread_mutex_unlock(&p.mu);
                break;
            }
            struct ready r = p.q[p.head];
            p.head = (p.head + 1) % IMPORT_QUEUE;
            p.count--;
            pthread_cond_broadcast(&p.cv);
            pthread_mutex_unlock(&p.mu);
            store_ready(db, &r, t, b);
        }
        pthread_join(th, NULL);
        t->refused += p.refused;
    }
    pthread_mutex_destroy(&p.mu);
    pthread_cond_destroy(&p.cv);
}

int fleet_cmd_import(int argc, char **argv, const char *dbspec)
{
    char def[PATH_MAX + 8];
    struct stat st;
    if (argc < 1) {
        fprintf(stderr, "barebench-db: import: name a directory or files to import\n");
        return 2;
    }
    for (int i = 0; i < argc; i++)
        if (argv[i][0] == '-') {
            fprintf(stderr, "barebench-db: import: unknown option '%s'\n", argv[i]);
            return 2;
        }
    if (!dbspec && argc == 1 && stat(argv[0], &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(def, sizeof def, "sqlite:%s/barebench.sqlite", argv[0]);
        dbspec = def;
    }
    struct fleet_db *db = fleet_cli_open(dbspec);
    if (!db)
        return 1;
    struct tally t = {0};
    struct batch b = {.n = 0};
    struct list l = {NULL, 0, 0};
    for (int i = 0; i < argc; i++) {
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            list_dir(&l, argv[i], &t);
        else if (list_add(&l, argv[i])) {
            fprintf(stderr, "barebench-db: %s: not stored: out of memory\n", argv[i]);
            t.failed++;
        }
    }
    import_list(db, &l, &t, &b);
    batch_commit(db, &b, &t, 0);
    for (int i = 0; i < l.n; i++)
        free(l.paths[i]);
    free(l.paths);
    printf("barebench-db: imported %d runs into %s (%d already stored, %d refused, %d failed)\n",
           t.stored, fleet_engine(db), t.already, t.refused, t.failed);
    fleet_close(db);
    return t.refused || t.failed ? 1 : 0;
}
