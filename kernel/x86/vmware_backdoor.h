/* vmware_backdoor.h - does the VMware backdoor I/O port answer?  VMware and QEMU's vmport (and
 * VirtualBox, some others) answer GETVERSION on port 0x5658; the answer says a port is there, not
 * which hypervisor runs (that is CPUID's 0x40000000 signature), so the document keeps both. */
#ifndef BB_VMWARE_BACKDOOR_H
#define BB_VMWARE_BACKDOOR_H

#include "kernel/x86/cpu.h"

#define VMW_CMD_GETVERSION 10u

/** Fill c->bdoor_*: probed only under a hypervisor (CPUID bit), through plat_try (a #GP where
 *  the port is not open to us, as in a Linux process, is recorded, not fatal). */
void vmw_backdoor_probe(struct cpu_info *c);

#endif
