/* trap_linux_x86.c - the x86 part of the platform interface (arch/platform.h) in the Linux
 * program: a user-space process has no PM timer port to read and cannot halt. */
#include "arch/platform.h"

uint16_t plat_pm_timer_port(void)
{
    return 0;
}

int64_t plat_hlt_timer(uint64_t n, const char **why)
{
    (void)n;
    *why = "needs ring 0";
    return -1;
}
