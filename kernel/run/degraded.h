/* degraded.h - what the run had to give up on and why (a reference clock that does not count,
 * a serial port nobody drains, a processor that never started, ...): recorded for env.degraded. */
#ifndef BB_DEGRADED_H
#define BB_DEGRADED_H

struct json;

#define DEGRADED_MAX 16

/** Record that `what` ("clock", "uart", "console", "mp", "disk", ...) was degraded; the note is
 *  printf-formatted.  The same (what, note) pair is kept once; beyond DEGRADED_MAX entries the
 *  rest are counted only.  Never prints (the console may be what failed). */
void degraded_note(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Number of notes kept. */
int degraded_count(void);
/** The i-th note's subject and text (NULL when out of range). */
const char *degraded_what(int i);
const char *degraded_text(int i);
/** Forget every note (tests). */
void degraded_reset(void);
/** "degraded": [{"what": ..., "note": ...}, ...] (an empty array when nothing was). */
void degraded_write_json(struct json *j);

#endif
