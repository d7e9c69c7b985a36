/* slow_console.h - when to stop using a console whose writes block (the firmware's ConOut on a
 * serial terminal nobody drains waits up to its own timeout on every call). */
#ifndef BB_SLOW_CONSOLE_H
#define BB_SLOW_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

struct slow_console {
    const char *name;       /* "firmware console (ConOut)" */
    int slow_in_a_row;      /* consecutive slow writes */
    uint64_t slow_total_us; /* time spent in slow writes so far */
    int dead;               /* 1: stop using this console */
};

/** Account one write of `chars` characters that took `us` microseconds.  A write is slow when
 *  it takes more than BB_CONOUT_SLOW_BASE_US + BB_CONOUT_SLOW_US_PER_CHAR per character; after
 *  BB_CONOUT_SLOW_CALLS slow writes in a row or BB_CONOUT_SLOW_TOTAL_US in slow writes the
 *  console is retired (recorded).  Returns 1 when it is retired. */
int slow_console_account(struct slow_console *c, size_t chars, uint64_t us);

#endif
