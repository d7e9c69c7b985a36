/* entropy_linux.c - plat_entropy for the Linux build: getrandom(2). */
#include "kernel/run/run_id.h"

#include <sys/random.h>

int plat_entropy(void *buf, size_t n)
{
    return getrandom(buf, n, GRND_NONBLOCK) == (ssize_t)n ? 0 : -1;
}
