/* banner.h - the closing block printed last, so a person at the console sees the outcome
 * (and where the results went) after the long results document has scrolled by. */
#ifndef BB_BANNER_H
#define BB_BANNER_H

#include "kernel/app.h"

/** Print the framed summary of `out`; `next` says what happens now ("powering off", ...). */
void banner_print(const struct app_outcome *out, const char *next);

#endif
