/* arch/io.h (x86) - I/O port reads for the few portable users of a firmware-described port
 * (the ACPI PM timer in I/O space); portable files include "arch/io.h", resolved by ARCH.
 * An architecture without an I/O port space reads all ones (a floating bus), as a PC does. */
#ifndef BB_ARCH_IO_H
#define BB_ARCH_IO_H

#include "kernel/x86/port_io.h"

#include <stdint.h>

static inline uint32_t arch_port_in32(uint16_t port) { return inl(port); }

#endif
