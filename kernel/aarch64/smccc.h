/* smccc.h - the SMCCC and PSCI function ids barebench calls (Arm DEN0028, DEN0022), and the
 * hypervisor UID query over plat_smccc (kernel/aarch64/arch/platform.h). */
#ifndef BB_SMCCC_H
#define BB_SMCCC_H

#include "kernel/aarch64/cpu.h"

#define SMCCC_VERSION 0x80000000u
#define SMCCC_VENDOR_HYP_UID 0x8600ff01u
#define SMCCC_PV_TIME_FEATURES 0xc5000020u
#define SMCCC_PV_TIME_ST 0xc5000021u
#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON 0xc4000003u
#define PSCI_AFFINITY_INFO 0xc4000004u
#define PSCI_FEATURES 0x8400000au

/** The vendor-specific hypervisor service UID into *u: 0, or -1 when the conduit, SMCCC 1.1 or
 *  the call is missing (TCG answers -1 to all of them). */
int smccc_hyp_uid(struct smccc_uid *u);

#endif
