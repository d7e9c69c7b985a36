/* banner.c - prints the framed end-of-run summary: outcome, counts, first error, where the
 * document was saved, and what the machine does next.  Plain ASCII for any console. */
#include "kernel/banner.h"
#include "kernel/fmt.h"

#define RULE "=============================================================================="

void banner_print(const struct app_outcome *out, const char *next)
{
    const char *verdict = out->status == 0 ? "FINISHED"
                        : out->status == 1 ? "FINISHED WITH ERRORS"
                        : "NOTHING RUN (bad options)";
    bb_printf("\n%s\n", RULE);
    bb_printf("  barebench: %s\n", verdict);
    if (out->status != 2)
        bb_printf("  results:   %d, skipped %d, errors %d\n", out->nresults, out->nskipped,
                  out->nerrors);
    if (out->message[0])
        bb_printf("  error:     %.200s\n", out->message);
    bb_printf("  document:  printed above between the BEGIN/END BAREBENCH RESULTS lines\n");
    if (out->saved[0])
        bb_printf("  file:      %.190s\n", out->saved);
    bb_printf("  next:      %s\n", next);
    bb_printf("%s\n", RULE);
}
