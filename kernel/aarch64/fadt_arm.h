/* fadt_arm.h - what the FADT says on Arm: the PSCI conduit (ARM boot architecture flags) and
 * the hypervisor vendor identity (ACPI 6.0+), decoded from the table's bytes. */
#ifndef BB_FADT_ARM_H
#define BB_FADT_ARM_H

#include "kernel/aarch64/arch/platform.h"

#include <stdint.h>

/** The conduit of PSCI (and SMCCC) from the FADT's ARM_BOOT_ARCH (offset 129: bit 0
 *  PSCI_COMPLIANT, bit 1 PSCI_USE_HVC); SMCCC_NONE with *why when the table says no PSCI. */
enum smccc_conduit fadt_psci_conduit(const uint8_t *fadt, uint32_t len, const char **why);
/** The hypervisor vendor identity (offset 268, 8 bytes, trailing blanks/NULs cut) into buf;
 *  "" when the table is older or the field is empty. */
void fadt_hypervisor_vendor(const uint8_t *fadt, uint32_t len, char *buf, int n);

#endif
