/* collect_log.h - barebench-collect's log on stdout: one line per event, "barebench-collect:
 * WHO: [STATUS ]MESSAGE", with every byte that is not printable ASCII escaped, so that nothing a
 * client sends (a header, a document string in an error message) can forge or split a line. */
#ifndef BB_COLLECT_LOG_H
#define BB_COLLECT_LOG_H

#include <stddef.h>

/** Copy s into out (n bytes, always NUL-terminated) with '\\' as "\\\\", newline, CR and tab as
 *  "\\n", "\\r", "\\t" and every other byte below 0x20 or from 0x7f up as "\\xNN"; an escaped text
 *  that does not fit ends with "...". */
void collect_escape(const char *s, char *out, size_t n);

/** One log line (status 0: none), who and msg escaped; whole lines even from many threads. */
void collect_log(const char *who, int status, const char *msg);

#endif
