/* db_import.c - `barebench-db import DIR|FILE...`: existing documents (a collector's
 * directory, files from USB sticks) into the store, each checked as the collector checks an
 * upload and stored all or nothing (a savepoint each, IMPORT_BATCH of them per transaction: one
 * commit per batch, not per run); a run already there is left alone, so importing twice adds
 * nothing, and a refused document is named and stores nothing.  When the store fails inside a
 * batch, the batch is rolled back and its runs stored again one transaction each. */
#include "tools/fleet/fleet_cli.h"
#include "tools/benchcmp/benchcmp.h"
#include "tools/collect/collect.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define IMPORT_BATCH 200       /* runs per transaction at most */
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

/* Check one document as the collector would and store it: inside the batch b (NULL: in a
 * transaction of its own). */
static void import_file(struct fleet_db *db, const char *path, struct tally *t, struct batch *b)
{
    char err[1024], msg[1024], full[PATH_MAX];
    size_t len = 0;
    char *text = fleet_read_file(path, &len, err, sizeof err), *copy = NULL;
    struct bc_doc d;
    if (!text) {
        fprintf(stderr, "barebench-db: %s: refused: %s\n", path, err);
        t->refused++;
        return;
    }
    if (bc_doc_load_buffer(text, len, path, &d, err, sizeof err)) {
        fprintf(stderr, "barebench-db: %s: refused: %s\n", path, err);
        t->refused++;
        free(text);
        return;
    }
    json_t *rid = json_object_get(json_object_get(d.root, "tool"), "run_id");
    if (rid && !(json_is_string(rid) && collect_run_id_ok(json_string_value(rid)))) {
        fprintf(stderr, "barebench-db: %s: refused: tool.run_id must be 32 lowercase "
                        "hexadecimal digits\n", path);
        t->refused++;
        goto out;
    }
    if (collect_doc_check(d.root, msg, sizeof msg)) {
        fprintf(stderr, "barebench-db: %s: refused: %s\n", path, msg);
        t->refused++;
        goto out;
    }
    if (b && !(copy = strdup(path))) {
        batch_commit(db, b, t, 0); /* out of memory: what is there, then this one alone */
        b = NULL;
    }
    if (b && !fleet_in_transaction(db)) {
        if (fleet_begin(db, err, sizeof err)) {
            fprintf(stderr, "barebench-db: %s: not stored: %s\n", path, err);
            t->failed++;
            goto out;
        }
        b->started_ms = now_ms();
    }
    int rc = fleet_store(db, &d, text, len, realpath(path, full) ? full : path, err, sizeof err);
    if (b && rc == FLEET_ERROR) { /* the store, not this document: the batch again, one by one */
        b->paths[b->n++] = copy;
        copy = NULL;
        batch_commit(db, b, t, 1);
        goto out;
    }
    if (b && rc != FLEET_REFUSED) { /* counted once its transaction commits */
        b->paths[b->n++] = copy;
        copy = NULL;
        b->stored += rc == FLEET_STORED;
        b->already += rc == FLEET_ALREADY;
    } else if (rc == FLEET_STORED) {
        t->stored++;
    } else if (rc == FLEET_ALREADY) {
        t->already++;
    } else {
        fprintf(stderr, "barebench-db: %s: not stored: %s\n", path, err);
        t->failed++;
    }
    if (b && (b->n == IMPORT_BATCH || now_ms() - b->started_ms >= IMPORT_BATCH_MS))
        batch_commit(db, b, t, 0);
out:
    free(copy);
    bc_doc_free(&d);
    free(text);
}

static int json_name(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 5 && !strcmp(e->d_name + n - 5, ".json");
}

/* Every *.json directly in dir (not hidden ones), in name order. */
static void import_dir(struct fleet_db *db, const char *dir, struct tally *t, struct batch *b)
{
    struct dirent **list;
    int n = scandir(dir, &list, json_name, alphasort);
    if (n < 0) {
        fprintf(stderr, "barebench-db: %s: cannot read: %s\n", dir, strerror(errno));
        t->failed++;
        return;
    }
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
            import_file(db, path, t, b);
        free(list[i]);
    }
    free(list);
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
    for (int i = 0; i < argc; i++) {
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            import_dir(db, argv[i], &t, &b);
        else
            import_file(db, argv[i], &t, &b);
    }
    batch_commit(db, &b, &t, 0);
    printf("barebench-db: imported %d runs into %s (%d already stored, %d refused, %d failed)\n",
           t.stored, fleet_engine(db), t.already, t.refused, t.failed);
    fleet_close(db);
    return t.refused || t.failed ? 1 : 0;
}
