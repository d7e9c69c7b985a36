/* barebench_db.c - barebench-db: the fleet store's tool.  `barebench-db SUBCOMMAND [--db DB]
 * ...`: DB is sqlite:PATH or postgresql://... (the strings barebench-collect takes). */
#include "tools/fleet/fleet_cli.h"
#include "tools/fleet/db_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct fleet_cmd cmds[] = {
    {"import", "import [--db DB] DIR|FILE...  store results documents (a DIR: its *.json);\n"
               "      a run already stored is left alone; default DB with one DIR:\n"
               "      sqlite:DIR/barebench.sqlite", fleet_cmd_import},
    {"summary", SUMMARY_USAGE, fleet_cmd_summary},
    {"outliers", OUTLIERS_USAGE, fleet_cmd_outliers},
    {"compare", COMPARE_USAGE, fleet_cmd_compare},
};
#define NCMDS (int)(sizeof cmds / sizeof cmds[0])

static void usage(FILE *f)
{
    fprintf(f, "usage: barebench-db SUBCOMMAND [--db sqlite:PATH|postgresql://...] ...\n"
               "  DB may also come from $BAREBENCH_DB; a PostgreSQL password from PGPASSWORD or\n"
               "  PGPASSFILE (never the command line)\n");
    for (int i = 0; i < NCMDS; i++)
        fprintf(f, "  %s\n", cmds[i].usage);
}

struct fleet_db *fleet_cli_open(const char *db)
{
    char err[600];
    if (!db) {
        fprintf(stderr, "barebench-db: no database given: --db sqlite:PATH or "
                        "--db postgresql://... (or BAREBENCH_DB)\n");
        return NULL;
    }
    struct fleet_db *s = fleet_open(db, err, sizeof err);
    if (!s || fleet_migrate(s, err, sizeof err)) {
        fprintf(stderr, "barebench-db: %s\n", err);
        fleet_close(s);
        return NULL;
    }
    return s;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const struct fleet_cmd *cmd = NULL;
    for (int i = 0; i < NCMDS; i++)
        if (!strcmp(argv[1], cmds[i].name))
            cmd = &cmds[i];
    if (!cmd) {
        fprintf(stderr, "barebench-db: unknown subcommand '%s'\n", argv[1]);
        usage(stderr);
        return 2;
    }
    /* take --db DB (or --db=DB) out, wherever it is */
    const char *db = getenv("BAREBENCH_DB");
    int n = 0;
    char **rest = calloc((size_t)argc, sizeof *rest);
    if (!rest)
        return 1;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--db")) {
            if (i + 1 >= argc) {
                fprintf(stderr, "barebench-db: --db needs a value (sqlite:PATH or "
                                "postgresql://...)\n");
                free(rest);
                return 2;
            }
            db = argv[++i];
        } else if (!strncmp(argv[i], "--db=", 5)) {
            db = argv[i] + 5;
        } else {
            rest[n++] = argv[i];
        }
    }
    if (db && db != getenv("BAREBENCH_DB") && fleet_spec_has_password(db)) {
        fprintf(stderr, "barebench-db: --db: a password on the command line is visible to every "
                        "local user (ps): put it in PGPASSWORD or PGPASSFILE (~/.pgpass), or the "
                        "whole string in BAREBENCH_DB\n");
        free(rest);
        return 2;
    }
    int rc = cmd->run(n, rest, db && db[0] ? db : NULL);
    free(rest);
    return rc;
}
