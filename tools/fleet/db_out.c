/* db_out.c - writes barebench-db's tables as aligned text, CSV or JSON (see db_out.h). */
#include "tools/fleet/db_out.h"
#include "tools/benchcmp/safe_text.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

void fleet_out_init(struct fleet_out *o, int ncols, const char *const *heads)
{
    memset(o, 0, sizeof *o);
    o->ncols = ncols;
    o->heads = heads;
}

static struct fleet_cell *next_cell(struct fleet_out *o)
{
    if (o->col == 0) {
        if (o->nrows == o->cap) {
            int cap = o->cap ? o->cap * 2 : 64;
            struct fleet_cell *c = realloc(o->cells, (size_t)cap * o->ncols * sizeof *c);
            if (!c) {
                o->oom = 1;
                return NULL;
            }
            o->cells = c;
            o->cap = cap;
        }
        memset(&o->cells[(size_t)o->nrows * o->ncols], 0, (size_t)o->ncols * sizeof *o->cells);
        o->nrows++;
    }
    struct fleet_cell *c = &o->cells[(size_t)(o->nrows - 1) * o->ncols + o->col];
    o->col = (o->col + 1) % o->ncols;
    return c;
}

void fleet_out_str(struct fleet_out *o, const char *s)
{
    struct fleet_cell *c = next_cell(o);
    if (!c)
        return;
    c->s = st_display_dup(s ? s : "");
    c->is_num = 0;
    if (!c->s)
        o->oom = 1;
}

void fleet_out_num(struct fleet_out *o, double v, int digits)
{
    struct fleet_cell *c = next_cell(o);
    if (!c)
        return;
    if (!isfinite(v)) {
        c->is_num = -1;
        return;
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", digits, v);
    c->s = strdup(buf);
    c->v = v;
    c->is_num = 1;
    if (!c->s)
        o->oom = 1;
}

void fleet_out_none(struct fleet_out *o)
{
    struct fleet_cell *c = next_cell(o);
    if (c)
        c->is_num = -1;
}

static const char *cell_text(const struct fleet_cell *c)
{
    return c->is_num < 0 || !c->s ? "-" : c->s;
}

static void print_text(FILE *f, const struct fleet_out *o, const char *title)
{
    int *w = calloc((size_t)o->ncols, sizeof *w);
    if (!w)
        return;
    for (int j = 0; j < o->ncols; j++)
        w[j] = (int)strlen(o->heads[j]);
    for (int i = 0; i < o->nrows; i++)
        for (int j = 0; j < o->ncols; j++) {
            int l = (int)strlen(cell_text(&o->cells[(size_t)i * o->ncols + j]));
            if (l > w[j])
                w[j] = l;
        }
    if (title)
        fprintf(f, "%s\n", title);
    for (int j = 0; j < o->ncols; j++)
        fprintf(f, "%-*s%s", j == o->ncols - 1 ? 0 : w[j], o->heads[j], j == o->ncols - 1 ? "\n" : "  ");
    for (int i = 0; i < o->nrows; i++)
        for (int j = 0; j < o->ncols; j++) {
            const struct fleet_cell *c = &o->cells[(size_t)i * o->ncols + j];
            const char *sep = j == o->ncols - 1 ? "\n" : "  ";
            if (c->is_num > 0) /* numbers right-aligned */
                fprintf(f, "%*s%s", w[j], cell_text(c), sep);
            else
                fprintf(f, "%-*s%s", j == o->ncols - 1 ? 0 : w[j], cell_text(c), sep);
        }
    free(w);
}

static void print_csv(FILE *f, const struct fleet_out *o)
{
    for (int j = 0; j < o->ncols; j++) {
        st_put_csv(f, o->heads[j]);
        fputc(j == o->ncols - 1 ? '\n' : ',', f);
    }
    for (int i = 0; i < o->nrows; i++)
        for (int j = 0; j < o->ncols; j++) {
            const struct fleet_cell *c = &o->cells[(size_t)i * o->ncols + j];
            if (c->is_num > 0)
                fprintf(f, "%.10g", c->v);
            else if (c->is_num == 0)
                st_put_csv(f, c->s);
            fputc(j == o->ncols - 1 ? '\n' : ',', f);
        }
}

static int print_json(FILE *f, const struct fleet_out *o)
{
    json_t *a = json_array();
    int bad = !a;
    for (int i = 0; !bad && i < o->nrows; i++) {
        json_t *row = json_object();
        bad = !row || json_array_append_new(a, row);
        for (int j = 0; !bad && j < o->ncols; j++) {
            const struct fleet_cell *c = &o->cells[(size_t)i * o->ncols + j];
            json_t *v = c->is_num > 0 ? json_real(c->v) : c->is_num == 0 ? json_string(c->s) : json_null();
            bad = !v || json_object_set_new(row, o->heads[j], v);
        }
    }
    if (!bad)
        bad = json_dumpf(a, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0;
    if (!bad)
        fputc('\n', f);
    json_decref(a);
    return bad ? -1 : 0;
}

int fleet_out_print(FILE *f, const struct fleet_out *o, enum fleet_format fmt, const char *title)
{
    if (o->oom) {
        fprintf(stderr, "barebench-db: out of memory while building the table\n");
        return -1;
    }
    switch (fmt) {
    case FLEET_CSV:
        print_csv(f, o);
        return 0;
    case FLEET_JSON:
        return print_json(f, o);
    default:
        print_text(f, o, title);
        return 0;
    }
}

void fleet_out_free(struct fleet_out *o)
{
    for (int i = 0; i < o->nrows * o->ncols; i++)
        free(o->cells[i].s);
    free(o->cells);
    memset(o, 0, sizeof *o);
}

int fleet_format_parse(const char *s)
{
    return !strcmp(s, "text") ? FLEET_TEXT : !strcmp(s, "csv") ? FLEET_CSV
         : !strcmp(s, "json") ? FLEET_JSON : -1;
}
