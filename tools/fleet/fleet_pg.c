/* fleet_pg.c - the fleet store on PostgreSQL (libpq): a connection from a libpq URI (a unix
 * socket with ?host=/dir; the password from PGPASSWORD/PGPASSFILE), parameters sent as text,
 * statements bounded by a statement and lock timeout so a stuck server is an error, not a hang,
 * and the statements a connection runs kept prepared on the server (parsed and planned once). */
#include "tools/fleet/fleet_engine.h"

#include <postgresql/libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLEET_PG_MAX_COLS 128
#define FLEET_PG_CONNECT_S "5" /* connect_timeout when the string names none */
#define FLEET_PG_STMTS 16      /* prepared statements kept per connection (the least recently
                                  used one is deallocated) */

/* A connection and the statements prepared on it, each under the SQL text it was asked for. */
struct pg {
    PGconn *c;
    struct pg_stmt {
        char *sql; /* NULL: a free slot */
        char name[24];
        unsigned long used;
    } stmts[FLEET_PG_STMTS];
    unsigned long clock;
};

/* libpq's messages end in a newline; ours are one line. */
static void pg_err(char *err, size_t errlen, const char *what)
{
    snprintf(err, errlen, "postgresql: %s", what && what[0] ? what : "unknown error");
    for (char *p = err; *p; p++)
        if (*p == '\n')
            *p = p[1] ? ' ' : '\0';
}

static void *pg_open(const char *conn, char *err, size_t errlen)
{
    /* dbname, last, expands the URI: what it says overrides these defaults */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *vals[] = {FLEET_PG_CONNECT_S, "barebench", conn, NULL};
    PGconn *c = PQconnectdbParams(keys, vals, 1);
    if (!c || PQstatus(c) != CONNECTION_OK) {
        pg_err(err, errlen, c ? PQerrorMessage(c) : "out of memory");
        PQfinish(c);
        return NULL;
    }
    /* a lock or a statement that takes this long is an error the caller handles */
    PGresult *r = PQexec(c, "SET lock_timeout = '10s'; SET statement_timeout = '60s';"
                            " SET client_min_messages = warning");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        pg_err(err, errlen, PQerrorMessage(c));
        PQfinish(c);
        return NULL;
    }
    struct pg *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        PQfinish(c);
        return NULL;
    }
    p->c = c;
    return p;
}

static void pg_close(void *h)
{
    struct pg *p = h;
    for (int i = 0; i < FLEET_PG_STMTS; i++)
        free(p->stmts[i].sql);
    PQfinish(p->c); /* the server forgets the connection's statements */
    free(p);
}

static int pg_exec(void *h, const char *sql, char *err, size_t errlen)
{
    struct pg *p = h;
    PGresult *r = PQexec(p->c, sql);
    int st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        pg_err(err, errlen, PQerrorMessage(p->c));
    PQclear(r);
    return ok ? 0 : -1;
}

/* A failed result: its error into err; FLEET_REFUSED for SQLSTATE classes 22 (data exception)
 * and 23 (integrity), the values, not the server; -1 for anything else.  Clears r. */
static int pg_failed(struct pg *p, PGresult *r, char *err, size_t errlen)
{
    const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    int data = code && (!strncmp(code, "22", 2) || !strncmp(code, "23", 2));
    pg_err(err, errlen, PQerrorMessage(p->c));
    PQclear(r);
    return data ? FLEET_REFUSED : -1;
}

/* The name of sql's prepared statement on this connection: the kept one, else prepared now in
 * the least recently used slot (whose statement is deallocated).  NULL with err (*rc set). */
static const char *pg_prepare(struct pg *p, const char *sql, int nparams, int *rc, char *err,
                              size_t errlen)
{
    struct pg_stmt *lru = &p->stmts[0];
    for (int i = 0; i < FLEET_PG_STMTS; i++) {
        struct pg_stmt *s = &p->stmts[i];
        if (s->sql && !strcmp(s->sql, sql)) {
            s->used = ++p->clock;
            return s->name;
        }
        if (!s->sql || (lru->sql && s->used < lru->used))
            lru = s;
    }
    char *copy = strdup(sql), name[24];
    if (!copy) {
        snprintf(err, errlen, "out of memory");
        *rc = -1;
        return NULL;
    }
    snprintf(name, sizeof name, "bb_%lu", ++p->clock); /* never reused on this connection */
    PGresult *r = PQprepare(p->c, name, sql, nparams, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        *rc = pg_failed(p, r, err, errlen);
        free(copy);
        return NULL;
    }
    PQclear(r);
    if (lru->sql) {
        char dealloc[40];
        snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", lru->name);
        PQclear(PQexec(p->c, dealloc)); /* (in a failed transaction it stays: a name unused) */
        free(lru->sql);
    }
    lru->sql = copy;
    lru->used = p->clock;
    snprintf(lru->name, sizeof lru->name, "%s", name);
    return lru->name;
}

static int pg_query(void *h, const char *sql, int nparams, const char *const *params,
                    fleet_row_fn fn, void *ctx, char *err, size_t errlen)
{
    struct pg *p = h;
    int rc = -1;
    const char *name = pg_prepare(p, sql, nparams, &rc, err, errlen);
    if (!name)
        return rc;
    PGresult *r = PQexecPrepared(p->c, name, nparams, params, NULL, NULL, 0);
    int st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return pg_failed(p, r, err, errlen);
    int ncols = PQnfields(r), nrows = PQntuples(r), stop = 0;
    if (ncols > FLEET_PG_MAX_COLS)
        ncols = FLEET_PG_MAX_COLS;
    const char *vals[FLEET_PG_MAX_COLS], *names[FLEET_PG_MAX_COLS];
    for (int c = 0; c < ncols; c++)
        names[c] = PQfname(r, c);
    for (int i = 0; fn && i < nrows && !stop; i++) {
        for (int c = 0; c < ncols; c++)
            vals[c] = PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c);
        stop = fn(ctx, ncols, vals, names);
    }
    PQclear(r);
    return stop;
}

const struct fleet_engine fleet_pg_engine = {
    .name = "postgresql",
    .begin = "BEGIN",
    .t_id = "BIGSERIAL PRIMARY KEY",
    .t_int = "BIGINT",
    .t_real = "DOUBLE PRECISION",
    .t_json = "JSONB",
    /* one migration at a time across every collector sharing the server (any fixed number) */
    .migrate_lock = "SELECT pg_advisory_xact_lock(4242029)",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .query = pg_query,
};
