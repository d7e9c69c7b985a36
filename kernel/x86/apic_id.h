/* apic_id.h - the calling processor's APIC id (CPUID only: safe on every processor, also on
 * UEFI application processors, which may not call firmware services). */
#ifndef BB_APIC_ID_H
#define BB_APIC_ID_H

#include <stdint.h>

/** x2APIC id (CPUID 0xB) when available, else the 8-bit initial APIC id (CPUID 1). */
uint32_t cpu_apic_id(void);

#endif
