/* fleet_db.h - the fleet store: one schema on SQLite or PostgreSQL (fleet_schema.c), opened by
 * the same connection string everywhere ("sqlite:PATH", "postgresql://..."), a run stored in one
 * transaction (fleet_store.c), and plain parameterised queries for the tools reading it.
 * Linked by barebench-collect and barebench-db; see /docs/FLEET.md for the tables and views. */
#ifndef BB_FLEET_DB_H
#define BB_FLEET_DB_H

#include <stddef.h>

struct bc_doc;

#define FLEET_SCHEMA_VERSION 1 /* what fleet_migrate brings a database to */

struct fleet_db;

enum { FLEET_STORED = 1, FLEET_ALREADY = 0, FLEET_ERROR = -1, FLEET_REFUSED = -2 };

/** Open a store: "sqlite:PATH[?timeout=MS]" (the file is created when missing; a writer waits
 *  up to MS, default 5000, for another one's lock) or "postgresql://..." /
 *  "postgres://..." (a libpq URI; "postgresql:///DB?host=/run/dir" names a unix socket; the
 *  password comes from PGPASSWORD / PGPASSFILE / ~/.pgpass, never from the string one should
 *  show).  Does not create tables: call fleet_migrate.  NULL with the reason in err. */
struct fleet_db *fleet_open(const char *spec, char *err, size_t errlen);
void fleet_close(struct fleet_db *db);

/** The file of an "sqlite:PATH[?timeout=MS]" string into path: 1, or 0 for any other string. */
int fleet_sqlite_file(const char *spec, char *path, size_t n);

/** 1 when a postgresql:// string carries a password (user:PASSWORD@ or password=): the tools
 *  refuse that on their command line, where ps shows it to every local user. */
int fleet_spec_has_password(const char *spec);

/** "sqlite" or "postgresql". */
const char *fleet_engine(const struct fleet_db *db);

/** Create the tables and views, or bring an older schema up to FLEET_SCHEMA_VERSION, in one
 *  transaction under a lock (two collectors starting at once are safe).  A database whose
 *  schema is newer than this program is refused.  0, or -1 with err. */
int fleet_migrate(struct fleet_db *db, char *err, size_t errlen);

/** One row of a query: ncols values as text (NULL: SQL NULL), the column names beside them.
 *  Return 0 to go on, a positive number to stop the query (fleet_query returns it). */
typedef int (*fleet_row_fn)(void *ctx, int ncols, const char *const *vals,
                            const char *const *names);

/** Run one SQL statement with text parameters written $1, $2, ... on both engines (NULL param:
 *  SQL NULL), calling fn for each row (fn may be NULL).  0, fn's positive return, or with err:
 *  FLEET_REFUSED when the engine refused the values (a constraint, a bad value: the same
 *  statement will fail again), -1 for anything else (connection, lock timeout, disk full). */
int fleet_query(struct fleet_db *db, const char *sql, int nparams, const char *const *params,
                fleet_row_fn fn, void *ctx, char *err, size_t errlen);

/** Run statements without parameters or rows (several, separated by ';').  0 or -1 with err. */
int fleet_exec(struct fleet_db *db, const char *sql, char *err, size_t errlen);

/** Transactions: begin takes the write lock at once on SQLite (BEGIN IMMEDIATE).  Begun inside
 *  another one it is a savepoint: its commit keeps its work in the outer transaction (which
 *  still has to commit) and its rollback undoes only its own.  A failed commit rolls back. */
int fleet_begin(struct fleet_db *db, char *err, size_t errlen);
int fleet_commit(struct fleet_db *db, char *err, size_t errlen);
void fleet_rollback(struct fleet_db *db);
/** 1 inside a transaction begun with fleet_begin. */
int fleet_in_transaction(const struct fleet_db *db);

/** Store one run: the document's exact text (len bytes, its parsed form d from
 *  bc_doc_load_buffer/_file) and the file it is kept in (`file`: a name or path, may be NULL),
 *  as one row of runs and one row of results per entry, all in one transaction (inside the
 *  caller's transaction, a savepoint: several runs per commit, each still all or nothing).  The run's key
 *  is tool.run_id (a document without one: "doc-" and the first 32 hex digits of the SHA-256 of
 *  its bytes).  FLEET_STORED, FLEET_ALREADY (that run id is in the store: nothing written), or,
 *  with err and nothing written: FLEET_REFUSED (the engine refused this document's values:
 *  retrying will not help) or FLEET_ERROR (the store failed: retry later). */
int fleet_store(struct fleet_db *db, const struct bc_doc *d, const char *text, size_t len,
                const char *file, char *err, size_t errlen);

/** The same from the text alone (parsed here; a document benchcmp's reader refuses is
 *  FLEET_REFUSED with err naming `file`). */
int fleet_store_text(struct fleet_db *db, const char *text, size_t len, const char *file,
                     char *err, size_t errlen);

/** The run key fleet_store uses for a document (tool.run_id, or "doc-" + SHA-256 prefix);
 *  out needs 40 bytes. */
void fleet_run_key(const struct bc_doc *d, const char *text, size_t len, char out[40]);

/** The machine key that groups repeated runs of one machine (the column runs.machine):
 *  "uuid:U" (SMBIOS system UUID, not all 0 or all F), else "serial:MANUFACTURER/PRODUCT/SERIAL"
 *  (a serial that is not a vendor placeholder), else "asset:MANUFACTURER/PRODUCT/ASSET_TAG"
 *  (SMBIOS type 3, not a placeholder), else "mac:M" (the NIC that uploaded), else
 *  "host:NAME" (env.hostname), else "run:RUNKEY" (nothing known: the run alone). */
void fleet_machine_key(const struct bc_doc *d, const char *run_key, char *out, size_t n);

/** A document file read whole (a regular file of at most BC_MAX_BYTES_DEFAULT bytes), NUL
 *  added; its length in len.  NULL with err ("cannot open: ...", errno kept). */
char *fleet_read_file(const char *path, size_t *len, char *err, size_t errlen);

/** Is this run key in the store?  1, 0, or -1 with err. */
int fleet_has_run(struct fleet_db *db, const char *run_key, char *err, size_t errlen);

#endif
