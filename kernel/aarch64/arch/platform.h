/* arch/platform.h (aarch64) - the part of the platform interface (kernel/platform.h) that only
 * Arm64 has: the SMCCC call over the conduit the firmware names (PSCI, hypervisor services), for
 * the identity, the processors and the vmcost suite's Arm operations (bench/aarch64/).
 * Implemented by the UEFI image (boot/aarch64/) and the Linux program (host/aarch64/). */
#ifndef BB_ARCH_PLATFORM_H
#define BB_ARCH_PLATFORM_H

#include <stdint.h>

/* The SMCCC conduit: how PSCI and the other firmware/hypervisor services are called. */
enum smccc_conduit { SMCCC_NONE, SMCCC_HVC, SMCCC_SMC };

/** The conduit the FADT's ARM boot flags name (PSCI compliant, bit 1 HVC), SMCCC_NONE without
 *  PSCI or where this program may not call (the Linux build); *why says why not. */
enum smccc_conduit plat_smccc_conduit(const char **why);
/** One SMCCC call over the conduit: x0 = fn, x1..x3 = a1..a3; x0..x3 back into r[0..3].
 *  Returns -1 (nothing called) without a conduit. */
int plat_smccc(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t r[4]);
/** The FADT's hypervisor vendor identity (ACPI 6.0+, 8 bytes) into buf (9), "" if none. */
void plat_fadt_hypervisor(char *buf, int n);

#endif
