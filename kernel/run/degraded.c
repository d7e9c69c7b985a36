/* degraded.c - the list behind env.degraded: each thing the run stopped using, with the reason
 * (fixed storage, no allocation: notes may come from a failing console or an interrupt-off path). */
#include "kernel/run/degraded.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"

#include <stdarg.h>
#include <string.h>

static struct {
    char what[16];
    char text[200];
} notes[DEGRADED_MAX];
static int nnotes, ndropped;

void degraded_note(const char *what, const char *fmt, ...)
{
    char text[sizeof notes[0].text];
    va_list ap;
    va_start(ap, fmt);
    bb_vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    for (int i = 0; i < nnotes; i++)
        if (strcmp(notes[i].what, what) == 0 && strcmp(notes[i].text, text) == 0)
            return;
    if (nnotes >= DEGRADED_MAX) {
        ndropped++;
        return;
    }
    bb_snprintf(notes[nnotes].what, sizeof notes[nnotes].what, "%s", what);
    memcpy(notes[nnotes].text, text, sizeof text);
    nnotes++;
}

int degraded_count(void) { return nnotes; }

const char *degraded_what(int i) { return i >= 0 && i < nnotes ? notes[i].what : NULL; }

const char *degraded_text(int i) { return i >= 0 && i < nnotes ? notes[i].text : NULL; }

void degraded_reset(void)
{
    nnotes = ndropped = 0;
}

void degraded_write_json(struct json *j)
{
    json_key(j, "degraded");
    json_arr_begin(j);
    for (int i = 0; i < nnotes; i++) {
        json_obj_begin(j);
        json_kv_str(j, "what", notes[i].what);
        json_kv_str(j, "note", notes[i].text);
        json_obj_end(j);
    }
    if (ndropped) {
        json_obj_begin(j);
        json_kv_str(j, "what", "degraded");
        char t[64];
        bb_snprintf(t, sizeof t, "%d further notes not kept", ndropped);
        json_kv_str(j, "note", t);
        json_obj_end(j);
    }
    json_arr_end(j);
}
