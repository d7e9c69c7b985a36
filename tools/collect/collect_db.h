/* collect_db.h - barebench-collect's copy of every stored run in the fleet database
 * (tools/fleet/fleet_db.h), made by one thread of its own after the file is stored and
 * answered, so the database never delays or fails an upload: a run the database cannot take
 * now is marked pending (DIR/.dbq/NAME.json) and retried in the background and at start-up. */
#ifndef BB_COLLECT_DB_H
#define BB_COLLECT_DB_H

#include <stddef.h>

#define COLLECT_DB_QUEUE_DIR ".dbq"     /* DIR/.dbq/NAME.json: NAME.json waits for the database */
#define COLLECT_DB_DEFAULT_FILE "barebench.sqlite" /* --db default: sqlite:DIR/barebench.sqlite */
#define COLLECT_DB_RETRY_MAX_S 30      /* longest wait between two tries (--db-retry) */
#define COLLECT_DB_MEMORY_QUEUE 10000  /* runs waiting in memory; more are marked pending at once */
#define COLLECT_DB_QUIET_MS 200       /* uploads first: the thread waits while one came in this
                                          recently ... */
#define COLLECT_DB_YIELD_MAX_MS 5000   /* ... but at most this long before storing a run anyway */
#define COLLECT_DB_ROOM_FACTOR 3       /* an SQLite file grows by up to this many times a document
                                          (its text, its rows, the write-ahead log) */

struct collect_db;

/** Start the database thread for documents stored in cfg->dir (cfg stays valid until
 *  collect_db_stop): it connects (spec: sqlite:PATH or
 *  postgresql://...), creates or migrates the schema, queues the runs of DIR/.runs the database
 *  lacks (a crash between the file and the database), then stores what is pending and what
 *  collect_db_stored hands it.  A database that cannot be reached is not an error here (it is
 *  logged and retried, waiting up to retry_max_s between tries); a malformed spec is: NULL
 *  with err. */
struct collect_cfg;
struct collect_db *collect_db_start(const char *spec, const struct collect_cfg *cfg,
                                    int retry_max_s, char *err, size_t errlen);

/** A document was stored (201) or found stored (200) as path (DIR/NAME.json): copy it into the
 *  database soon.  Never blocks on the database. */
void collect_db_stored(struct collect_db *c, const char *path);

/** Store what is queued in memory (or mark it pending when the database is down), then stop
 *  the thread and free c (NULL: nothing). */
void collect_db_stop(struct collect_db *c);

#endif
