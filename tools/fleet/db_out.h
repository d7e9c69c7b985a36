/* db_out.h - the tables barebench-db prints: one list of rows with named columns, written as
 * aligned text, CSV (RFC 4180, formula-safe) or JSON (an array of objects, numbers as numbers).
 * Text from documents is shown in its display form (tools/benchcmp/safe_text.h). */
#ifndef BB_DB_OUT_H
#define BB_DB_OUT_H

#include <stdio.h>

enum fleet_format { FLEET_TEXT, FLEET_CSV, FLEET_JSON };

struct fleet_cell {
    char *s;    /* text, or the number as text shows it */
    double v;   /* the number (is_num) */
    int is_num; /* 1 number, 0 text, -1 none (JSON null, text "-") */
};

struct fleet_out {
    int ncols;
    const char *const *heads;
    struct fleet_cell *cells; /* nrows * ncols */
    int nrows, cap, col;      /* col: cells of the row being built */
    int oom;                  /* a cell could not be stored: fleet_out_print says so */
};

/** Start an empty table with ncols columns named heads (kept by reference). */
void fleet_out_init(struct fleet_out *o, int ncols, const char *const *heads);
/** Append the next cell of the current row: text, a number shown with `digits` significant
 *  digits in text, or nothing.  The row ends by itself after ncols cells. */
void fleet_out_str(struct fleet_out *o, const char *s);
void fleet_out_num(struct fleet_out *o, double v, int digits);
void fleet_out_none(struct fleet_out *o);
/** Write the table to f; `title` (text only, may be NULL) goes above it.  0, or -1 with a
 *  message on stderr (out of memory while building it). */
int fleet_out_print(FILE *f, const struct fleet_out *o, enum fleet_format fmt, const char *title);
void fleet_out_free(struct fleet_out *o);
/** "text", "csv", "json" -> the format; -1 for anything else. */
int fleet_format_parse(const char *s);

#endif
