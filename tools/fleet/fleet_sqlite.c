/* fleet_sqlite.c - the fleet store on SQLite (libsqlite3): one database file, written ahead
 * (WAL) so readers never block the collector, a busy timeout so writers wait for each other
 * (a lock held longer is an error, and the collector keeps the run pending), and the statements
 * a connection runs kept prepared (the same INSERTs for every run: parsed once). */
#include "tools/fleet/fleet_engine.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLEET_SQLITE_BUSY_MS 5000 /* how long a writer waits for another one's lock
                                     (sqlite:PATH?timeout=MS) */
#define FLEET_SQLITE_MAX_COLS 128
#define FLEET_SQLITE_STMTS 16 /* prepared statements kept per connection (the least recently
                                 used one goes) */

/* A connection and its prepared statements, each under the SQL text it was asked for. */
struct sq {
    sqlite3 *db;
    struct sq_stmt {
        char *sql;           /* as the caller wrote it ($N); NULL: a free slot */
        sqlite3_stmt *st;
        unsigned long used;  /* when last used (a counter) */
        int busy;            /* running now (a row callback asking for it again gets its own) */
    } stmts[FLEET_SQLITE_STMTS];
    unsigned long clock;
};

/* "PATH" or "PATH?timeout=MS": the file, and how long a writer waits for another's lock. */
static int sq_spec(const char *spec, char *path, size_t n, int *busy_ms, char *err, size_t errlen)
{
    const char *q = strstr(spec, "?timeout=");
    size_t len = q ? (size_t)(q - spec) : strlen(spec);
    char *end = NULL;
    *busy_ms = FLEET_SQLITE_BUSY_MS;
    if (q) {
        long v = strtol(q + 9, &end, 10);
        if (end == q + 9 || *end || v < 0 || v > 3600000) {
            snprintf(err, errlen, "sqlite:%.*s: timeout= takes milliseconds (0..3600000)",
                     (int)len, spec);
            return -1;
        }
        *busy_ms = (int)v;
    }
    if (!len || len >= n) {
        snprintf(err, errlen, len ? "sqlite: path too long" : "sqlite: no file named (write sqlite:PATH)");
        return -1;
    }
    memcpy(path, spec, len);
    path[len] = '\0';
    return 0;
}

int fleet_sqlite_file(const char *spec, char *path, size_t n)
{
    char err[160];
    int busy_ms;
    return !strncmp(spec, "sqlite:", 7) &&
           sq_spec(spec + 7, path, n, &busy_ms, err, sizeof err) == 0;
}

static void *sq_open(const char *spec, char *err, size_t errlen)
{
    sqlite3 *db = NULL;
    char path[4096];
    int busy_ms;
    if (sq_spec(spec, path, sizeof path, &busy_ms, err, errlen))
        return NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                                            SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite:%s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, busy_ms);
    char *msg = NULL;
    /* WAL: readers and the one writer go on together; NORMAL: a commit is not fsync'ed each
     * time (the document file is the source of truth and the collector re-checks at start) */
    if (sqlite3_exec(db, "PRAGMA page_size=16384; PRAGMA cache_size=-32768;"
                         " PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                         " PRAGMA journal_size_limit=4194304;"
                         " PRAGMA foreign_keys=ON;", NULL, NULL, &msg) != SQLITE_OK) {
        snprintf(err, errlen, "sqlite:%s: %s", path, msg ? msg : sqlite3_errmsg(db));
        sqlite3_free(msg);
        sqlite3_close(db);
        return NULL;
    }
    struct sq *q = calloc(1, sizeof *q);
    if (!q) {
        snprintf(err, errlen, "out of memory");
        sqlite3_close(db);
        return NULL;
    }
    q->db = db;
    return q;
}

static void sq_close(void *h)
{
    struct sq *q = h;
    for (int i = 0; i < FLEET_SQLITE_STMTS; i++) {
        sqlite3_finalize(q->stmts[i].st);
        free(q->stmts[i].sql);
    }
    sqlite3_close(q->db);
    free(q);
}

static int sq_exec(void *h, const char *sql, char *err, size_t errlen)
{
    struct sq *q = h;
    char *msg = NULL;
    if (sqlite3_exec(q->db, sql, NULL, NULL, &msg) == SQLITE_OK)
        return 0;
    snprintf(err, errlen, "sqlite: %s", msg ? msg : sqlite3_errmsg(q->db));
    sqlite3_free(msg);
    return -1;
}

/* The statement with each $N written ?N, SQLite's parameter number N (a $N would be a name), or,
 * when they come in order $1, $2, $3 ... once each (the many-row INSERTs), as plain ?: SQLite
 * looks each ?N and name up in a list, quadratic in a statement of a thousand parameters.
 * Quoted text is left alone.  A new string, or NULL when out of memory. */
static char *numbered(const char *sql)
{
    char *out = malloc(strlen(sql) + 1), quote = 0;
    long next = 1;
    int in_order = 1;
    for (int pass = 0; out && pass < 2; pass++) {
        char *o = out;
        quote = 0;
        for (const char *p = sql; *p; p++) {
            *o++ = *p;
            if (quote)
                quote = *p == quote ? 0 : quote;
            else if (*p == '\'' || *p == '"')
                quote = *p;
            else if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
                char *end;
                long n = strtol(p + 1, &end, 10);
                o[-1] = '?';
                if (pass == 0)
                    in_order &= n == next++;
                else if (in_order)
                    p = end - 1; /* the digits go */
            }
        }
        *o = '\0';
        if (!in_order)
            break; /* ?N as written in the first pass */
    }
    return out;
}

/* The prepared statement for sql: the kept one when it is there and idle, else prepared now
 * and kept in the least recently used slot (*slot: that slot, or NULL when the statement is
 * not kept and the caller finalizes it).  NULL with err. */
static sqlite3_stmt *sq_prepare(struct sq *q, const char *sql, struct sq_stmt **slot, char *err,
                                size_t errlen)
{
    struct sq_stmt *lru = NULL;
    *slot = NULL;
    for (int i = 0; i < FLEET_SQLITE_STMTS; i++) {
        struct sq_stmt *s = &q->stmts[i];
        if (s->sql && !s->busy && !strcmp(s->sql, sql)) {
            *slot = s;
            s->used = ++q->clock;
            s->busy = 1;
            return s->st;
        }
        if (!s->busy && (!lru || !s->sql || (lru->sql && s->used < lru->used)))
            lru = s;
    }
    sqlite3_stmt *st = NULL;
    char *text = numbered(sql);
    int prep = text ? sqlite3_prepare_v2(q->db, text, -1, &st, NULL) : SQLITE_NOMEM;
    free(text);
    if (prep != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", prep == SQLITE_NOMEM ? "out of memory"
                                                                  : sqlite3_errmsg(q->db));
        sqlite3_finalize(st);
        return NULL;
    }
    char *copy = lru ? strdup(sql) : NULL;
    if (copy) {
        sqlite3_finalize(lru->st);
        free(lru->sql);
        *lru = (struct sq_stmt){copy, st, ++q->clock, 1};
        *slot = lru;
    }
    return st;
}

/* Done with a statement: a kept one is reset for its next use, another one finalized. */
static void sq_release(sqlite3_stmt *st, struct sq_stmt *slot)
{
    if (!slot) {
        sqlite3_finalize(st);
        return;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    slot->busy = 0;
}

static int sq_query(void *h, const char *sql, int nparams, const char *const *params,
                    fleet_row_fn fn, void *ctx, char *err, size_t errlen)
{
    struct sq *q = h;
    struct sq_stmt *slot;
    sqlite3_stmt *st = sq_prepare(q, sql, &slot, err, errlen);
    if (!st)
        return -1;
    int nbind = sqlite3_bind_parameter_count(st);
    for (int i = 0; i < nparams && i < nbind; i++) {
        int idx = i + 1;
        if ((params[i] ? sqlite3_bind_text(st, idx, params[i], -1, SQLITE_STATIC)
                       : sqlite3_bind_null(st, idx)) != SQLITE_OK) {
            snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(q->db));
            sq_release(st, slot);
            return -1;
        }
    }
    int ncols = sqlite3_column_count(st), rc;
    if (ncols > FLEET_SQLITE_MAX_COLS)
        ncols = FLEET_SQLITE_MAX_COLS;
    const char *vals[FLEET_SQLITE_MAX_COLS], *names[FLEET_SQLITE_MAX_COLS];
    for (int c = 0; c < ncols; c++)
        names[c] = sqlite3_column_name(st, c);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!fn)
            continue;
        for (int c = 0; c < ncols; c++)
            vals[c] = (const char *)sqlite3_column_text(st, c);
        int stop = fn(ctx, ncols, vals, names);
        if (stop) {
            sq_release(st, slot);
            return stop;
        }
    }
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "sqlite: %s", sqlite3_errmsg(q->db));
        sq_release(st, slot);
        /* the values, not the database: a constraint, a type, a size */
        return rc == SQLITE_CONSTRAINT || rc == SQLITE_MISMATCH || rc == SQLITE_TOOBIG ||
               rc == SQLITE_RANGE ? FLEET_REFUSED : -1;
    }
    sq_release(st, slot);
    return 0;
}

const struct fleet_engine fleet_sqlite_engine = {
    .name = "sqlite",
    .begin = "BEGIN IMMEDIATE",
    .t_id = "INTEGER PRIMARY KEY",
    .t_int = "INTEGER",
    .t_real = "REAL",
    .t_json = "TEXT",
    .migrate_lock = "",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .query = sq_query,
};
