/* arch/platform.h (x86) - the part of the platform interface (kernel/platform.h) that only x86
 * has: the ACPI PM timer's I/O port and HLT woken by the local APIC timer, both for the vmcost
 * suite's x86 operations (bench/x86/vmcost_ops.c).  Implemented by the UEFI image
 * (boot/x86/uefi_trap.c) and the Linux program (host/x86/trap_linux_x86.c). */
#ifndef BB_ARCH_PLATFORM_H
#define BB_ARCH_PLATFORM_H

#include <stdint.h>

/** I/O port of the ACPI PM timer, or 0 when it is memory-mapped or absent. */
uint16_t plat_pm_timer_port(void);
/** `n` times: arm the local APIC timer one-shot (1 tick, our vector) and HLT until it fires.
 *  Returns the wake-ups our handler counted, or -1 (with *why) when the timer is unusable.
 *  UEFI: the vector is one more entry of plat_trap_begin's IDT copy. */
int64_t plat_hlt_timer(uint64_t n, const char **why);

#endif
