/* db_import.c - `barebench-db import DIR|FILE...`: existing documents (a collector's
 * directory, files from USB sticks) into the store, each checked as the collector checks an
 * upload and stored in one transaction; a run already there is left alone, so importing twice
 * adds nothing, and a refused document is named and stores nothing. */
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

struct tally {
    int stored, already, refused, failed;
};

/* Check one document as the collector would and store it. */
static void import_file(struct fleet_db *db, const char *path, struct tally *t)
{
    char err[1024], msg[1024], full[PATH_MAX];
    size_t len = 0;
    char *text = fleet_read_file(path, &len, err, sizeof err);
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
    } else if (collect_doc_check(d.root, msg, sizeof msg)) {
        fprintf(stderr, "barebench-db: %s: refused: %s\n", path, msg);
        t->refused++;
    } else {
        int rc = fleet_store(db, &d, text, len, realpath(path, full) ? full : path, err,
                             sizeof err);
        if (rc == FLEET_STORED)
            t->stored++;
        else if (rc == FLEET_ALREADY)
            t->already++;
        else {
            fprintf(stderr, "barebench-db: %s: not stored: %s\n", path, err);
            t->failed++;
        }
    }
    bc_doc_free(&d);
    free(text);
}

static int json_name(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 5 && !strcmp(e->d_name + n - 5, ".json");
}

/* Every *.json directly in dir (not hidden ones), in name order. */
static void import_dir(struct fleet_db *db, const char *dir, struct tally *t)
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
            import_file(db, path, t);
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
    for (int i = 0; i < argc; i++) {
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
            import_dir(db, argv[i], &t);
        else
            import_file(db, argv[i], &t);
    }
    printf("barebench-db: imported %d runs into %s (%d already stored, %d refused, %d failed)\n",
           t.stored, fleet_engine(db), t.already, t.refused, t.failed);
    fleet_close(db);
    return t.refused || t.failed ? 1 : 0;
}
