/* fleet_pg.c - the fleet store on PostgreSQL (libpq): a connection from a libpq URI (a unix
 * socket with ?host=/dir; the password from PGPASSWORD/PGPASSFILE), parameters sent as text,
 * statements bounded by a statement and lock timeout so a stuck server is an error, not a hang. */
#include "tools/fleet/fleet_engine.h"

#include <postgresql/libpq-fe.h>
#include <stdio.h>
#include <string.h>

#define FLEET_PG_MAX_COLS 128
#define FLEET_PG_CONNECT_S "5" /* connect_timeout when the string names none */

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
    return c;
}

static void pg_close(void *h)
{
    PQfinish(h);
}

static int pg_exec(void *h, const char *sql, char *err, size_t errlen)
{
    PGresult *r = PQexec(h, sql);
    int st = PQresultStatus(r);
    int ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK;
    if (!ok)
        pg_err(err, errlen, PQerrorMessage(h));
    PQclear(r);
    return ok ? 0 : -1;
}

static int pg_query(void *h, const char *sql, int nparams, const char *const *params,
                    fleet_row_fn fn, void *ctx, char *err, size_t errlen)
{
    PGresult *r = PQexecParams(h, sql, nparams, NULL, params, NULL, NULL, 0);
    int st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        /* SQLSTATE classes 22 (data exception) and 23 (integrity): the values, not the server */
        const char *code = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        int data = code && (!strncmp(code, "22", 2) || !strncmp(code, "23", 2));
        pg_err(err, errlen, PQerrorMessage(h));
        PQclear(r);
        return data ? FLEET_REFUSED : -1;
    }
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
