/* fleet_db.c - the fleet store's door: picks the engine from the connection string, creates and
 * migrates the schema under a lock, and passes queries and transactions to the engine (a
 * transaction begun inside another is a savepoint of it). */
#include "tools/fleet/fleet_engine.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct fleet_db {
    const struct fleet_engine *e;
    void *h;
    int depth; /* transactions open: 0 none, 1 BEGIN, 2.. savepoints inside it */
};

struct fleet_db *fleet_open(const char *spec, char *err, size_t errlen)
{
    const struct fleet_engine *e = NULL;
    const char *conn = spec;
    if (!spec || !spec[0]) {
        snprintf(err, errlen, "no database named (sqlite:PATH or postgresql://...)");
        return NULL;
    }
    if (!strncmp(spec, "sqlite:", 7)) {
        e = &fleet_sqlite_engine;
        conn = spec + 7;
    } else if (!strncmp(spec, "postgresql://", 13) || !strncmp(spec, "postgres://", 11)) {
        e = &fleet_pg_engine;
    } else {
        snprintf(err, errlen, "database \"%.60s\": not sqlite:PATH, postgresql://... or "
                              "postgres://...", spec);
        return NULL;
    }
    struct fleet_db *db = calloc(1, sizeof *db);
    if (!db) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    db->e = e;
    db->h = e->open(conn, err, errlen);
    if (!db->h) {
        free(db);
        return NULL;
    }
    return db;
}

void fleet_close(struct fleet_db *db)
{
    if (db) {
        db->e->close(db->h);
        free(db);
    }
}

const char *fleet_engine(const struct fleet_db *db)
{
    return db->e->name;
}

int fleet_query(struct fleet_db *db, const char *sql, int nparams, const char *const *params,
                fleet_row_fn fn, void *ctx, char *err, size_t errlen)
{
    return db->e->query(db->h, sql, nparams, params, fn, ctx, err, errlen);
}

int fleet_exec(struct fleet_db *db, const char *sql, char *err, size_t errlen)
{
    return db->e->exec(db->h, sql, err, errlen);
}

int fleet_begin(struct fleet_db *db, char *err, size_t errlen)
{
    char sp[32];
    snprintf(sp, sizeof sp, "SAVEPOINT fleet_%d", db->depth);
    if (db->e->exec(db->h, db->depth ? sp : db->e->begin, err, errlen))
        return -1;
    db->depth++;
    return 0;
}

int fleet_commit(struct fleet_db *db, char *err, size_t errlen)
{
    char sp[32];
    snprintf(sp, sizeof sp, "RELEASE fleet_%d", db->depth - 1);
    if (db->depth > 0 && db->e->exec(db->h, db->depth > 1 ? sp : "COMMIT", err, errlen) == 0) {
        db->depth--;
        return 0;
    }
    if (db->depth <= 0)
        snprintf(err, errlen, "commit: no transaction");
    fleet_rollback(db);
    return -1;
}

void fleet_rollback(struct fleet_db *db)
{
    char ignored[256], sp[64];
    if (db->depth > 1) {
        snprintf(sp, sizeof sp, "ROLLBACK TO fleet_%d; RELEASE fleet_%d", db->depth - 1,
                 db->depth - 1);
        db->e->exec(db->h, sp, ignored, sizeof ignored);
    } else {
        db->e->exec(db->h, "ROLLBACK", ignored, sizeof ignored);
    }
    if (db->depth > 0)
        db->depth--;
}

int fleet_in_transaction(const struct fleet_db *db)
{
    return db->depth > 0;
}

static int first_int(void *ctx, int ncols, const char *const *vals, const char *const *names)
{
    (void)names;
    *(long long *)ctx = ncols && vals[0] ? atoll(vals[0]) : 0;
    return 0;
}

int fleet_migrate(struct fleet_db *db, char *err, size_t errlen)
{
    long long have = 0;
    char ignored[256];
    /* up to date already: nothing to write (a reader without write access gets this far) */
    if (fleet_query(db, "SELECT max(version) FROM schema_version", 0, NULL, first_int, &have,
                    ignored, sizeof ignored) == 0 && have == FLEET_SCHEMA_VERSION)
        return 0;
    have = 0;
    if (fleet_begin(db, err, errlen))
        return -1;
    if ((db->e->migrate_lock[0] && fleet_exec(db, db->e->migrate_lock, err, errlen)) ||
        fleet_exec(db, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL,"
                       " applied_at BIGINT NOT NULL)", err, errlen) ||
        fleet_query(db, "SELECT max(version) FROM schema_version", 0, NULL, first_int, &have,
                    err, errlen))
        goto fail;
    if (have > FLEET_SCHEMA_VERSION) {
        snprintf(err, errlen, "the %s database's schema is version %lld, newer than this "
                              "program's %d: use a newer barebench", db->e->name, have,
                 FLEET_SCHEMA_VERSION);
        goto fail;
    }
    for (int v = (int)have + 1; v <= FLEET_SCHEMA_VERSION; v++) {
        char *sql = fleet_schema_step(db->e, v), vtext[16], now[24];
        if (!sql) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        int rc = fleet_exec(db, sql, err, errlen);
        free(sql);
        snprintf(vtext, sizeof vtext, "%d", v);
        snprintf(now, sizeof now, "%lld", (long long)time(NULL));
        const char *p[] = {vtext, now};
        if (rc || fleet_query(db, "INSERT INTO schema_version (version, applied_at)"
                                  " VALUES ($1, $2)", 2, p, NULL, NULL, err, errlen))
            goto fail;
    }
    return fleet_commit(db, err, errlen);
fail:
    fleet_rollback(db);
    return -1;
}

int fleet_spec_has_password(const char *spec)
{
    if (strncmp(spec, "postgresql://", 13) && strncmp(spec, "postgres://", 11))
        return 0;
    const char *auth = strstr(spec, "://") + 3;
    size_t hostpart = strcspn(auth, "/?");
    const char *at = memchr(auth, '@', hostpart);
    if (at && memchr(auth, ':', (size_t)(at - auth)))
        return 1; /* postgresql://user:PASSWORD@host */
    const char *q = strchr(spec, '?');
    for (const char *p = q; p; p = strchr(p + 1, '&'))
        if (!strncmp(p + 1, "password=", 9))
            return 1;
    return 0;
}
