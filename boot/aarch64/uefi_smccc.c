/* uefi_smccc.c (aarch64) - SMCCC calls of the UEFI image: the conduit the FADT names (PSCI
 * compliant, HVC or SMC), decided once, and the call itself (x0..x3 in, x0..x3 out; x4..x17
 * may be clobbered under SMCCC 1.0). */
#include "kernel/aarch64/fadt_arm.h"
#include "kernel/platform.h"
#include "arch/platform.h"

static int decided;
static enum smccc_conduit conduit;
static const char *conduit_why;

enum smccc_conduit plat_smccc_conduit(const char **why)
{
    if (!decided) {
        uint32_t len = 0;
        const uint8_t *fadt = plat_acpi_table("FACP", &len, NULL);
        conduit = fadt_psci_conduit(fadt, len, &conduit_why);
        decided = 1;
    }
    *why = conduit_why;
    return conduit;
}

#define SMCCC_CLOBBERS "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", \
                       "x15", "x16", "x17", "memory"

int plat_smccc(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t r[4])
{
    const char *why;
    enum smccc_conduit c = plat_smccc_conduit(&why);
    register uint64_t x0 __asm__("x0") = fn, x1 __asm__("x1") = a1, x2 __asm__("x2") = a2,
                      x3 __asm__("x3") = a3;
    if (c == SMCCC_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::SMCCC_CLOBBERS);
    else if (c == SMCCC_SMC)
        __asm__ volatile("smc #0" : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)::SMCCC_CLOBBERS);
    else
        return -1;
    r[0] = x0, r[1] = x1, r[2] = x2, r[3] = x3;
    return 0;
}
