/* smccc_linux.c - the aarch64 part of the platform interface (arch/platform.h) in the Linux
 * program: a process runs at EL0, where HVC and SMC are undefined instructions, so there is no
 * SMCCC conduit (the hypervisor is named from the FADT and the identity registers only). */
#include "arch/platform.h"

enum smccc_conduit plat_smccc_conduit(const char **why)
{
    *why = "a Linux program runs at EL0: no HVC/SMC";
    return SMCCC_NONE;
}

int plat_smccc(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t r[4])
{
    (void)fn, (void)a1, (void)a2, (void)a3, (void)r;
    return -1;
}
