/* fleet_engine.h - inside the fleet store: what each database engine supplies (fleet_sqlite.c,
 * fleet_pg.c) to fleet_db.c, which is all the rest of the library calls. */
#ifndef BB_FLEET_ENGINE_H
#define BB_FLEET_ENGINE_H

#include "tools/fleet/fleet_db.h"

struct fleet_engine {
    const char *name;    /* "sqlite", "postgresql" */
    const char *begin;   /* the statement that starts a write transaction */
    /* the schema's types (fleet_schema.c): row id, 64-bit integer, double, JSON document */
    const char *t_id, *t_int, *t_real, *t_json;
    /* statements run inside the migration's transaction before anything else: the lock that
     * keeps two migrations apart ("" when BEGIN already takes it) */
    const char *migrate_lock;
    void *(*open)(const char *conn, char *err, size_t errlen);
    void (*close)(void *h);
    int (*exec)(void *h, const char *sql, char *err, size_t errlen);
    int (*query)(void *h, const char *sql, int nparams, const char *const *params,
                 fleet_row_fn fn, void *ctx, char *err, size_t errlen);
};

extern const struct fleet_engine fleet_sqlite_engine, fleet_pg_engine;

/** The schema's steps: step v (1..FLEET_SCHEMA_VERSION) as SQL for engine e, written into a
 *  new string (caller frees); NULL when out of memory. */
char *fleet_schema_step(const struct fleet_engine *e, int v);

#endif
