/* fleet_cli.h - barebench-db's subcommands (barebench_db.c holds the table): each gets the
 * arguments after its name, with --db already taken out, and the store's connection string. */
#ifndef BB_FLEET_CLI_H
#define BB_FLEET_CLI_H

#include "tools/fleet/fleet_db.h"

struct fleet_cmd {
    const char *name;
    const char *usage;  /* "import [--db DB] DIR|FILE..." and what it does, for --help */
    /* db: --db's value, else $BAREBENCH_DB, else NULL (the subcommand picks or refuses) */
    int (*run)(int argc, char **argv, const char *db);
};

/** Open db and bring its schema up to date; NULL after printing "barebench-db: why" (also when
 *  db is NULL: "no database given"). */
struct fleet_db *fleet_cli_open(const char *db);

int fleet_cmd_import(int argc, char **argv, const char *db);
/* the questions (tools/fleet/db_summary.c, db_outliers.c, db_compare.c) */
int fleet_cmd_summary(int argc, char **argv, const char *db);
int fleet_cmd_outliers(int argc, char **argv, const char *db);
int fleet_cmd_compare(int argc, char **argv, const char *db);

#endif
