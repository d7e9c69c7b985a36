/* fadt_arm.c - the Arm fields of the FADT (see fadt_arm.h). */
#include "kernel/aarch64/fadt_arm.h"

#include <string.h>

enum smccc_conduit fadt_psci_conduit(const uint8_t *fadt, uint32_t len, const char **why)
{
    if (!fadt || len < 131) {
        *why = fadt ? "FADT too short for the ARM boot flags" : "no FADT";
        return SMCCC_NONE;
    }
    uint16_t flags = (uint16_t)(fadt[129] | fadt[130] << 8);
    if (!(flags & 1)) {
        *why = "the FADT's ARM boot flags say no PSCI";
        return SMCCC_NONE;
    }
    *why = NULL;
    return flags & 2 ? SMCCC_HVC : SMCCC_SMC;
}

void fadt_hypervisor_vendor(const uint8_t *fadt, uint32_t len, char *buf, int n)
{
    int k = 0;
    if (fadt && len >= 276)
        for (int i = 0; i < 8 && k < n - 1; i++)
            if (fadt[268 + i] >= 0x20 && fadt[268 + i] < 0x7f)
                buf[k++] = (char)fadt[268 + i];
    while (k > 0 && buf[k - 1] == ' ')
        k--;
    buf[k] = '\0';
}
