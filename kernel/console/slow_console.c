/* slow_console.c - retires a console whose every write blocks, so a full document is not
 * written at the pace of a firmware timeout per line; the decision is recorded. */
#include "kernel/console/slow_console.h"
#include "kernel/run/bounds.h"
#include "kernel/run/degraded.h"

int slow_console_account(struct slow_console *c, size_t chars, uint64_t us)
{
    if (c->dead)
        return 1;
    uint64_t allowed = BB_CONOUT_SLOW_BASE_US + (uint64_t)chars * BB_CONOUT_SLOW_US_PER_CHAR;
    if (us <= allowed) {
        c->slow_in_a_row = 0;
        return 0;
    }
    c->slow_in_a_row++;
    c->slow_total_us += us;
    if (c->slow_in_a_row >= BB_CONOUT_SLOW_CALLS || c->slow_total_us >= BB_CONOUT_SLOW_TOTAL_US) {
        c->dead = 1;
        degraded_note("console", "%s: %d slow writes (last: %zu characters in %llu ms); not "
                      "used for the rest of the run", c->name, c->slow_in_a_row, chars,
                      (unsigned long long)(us / 1000));
    }
    return c->dead;
}
