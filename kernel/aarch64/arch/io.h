/* arch/io.h (aarch64) - Arm has no I/O port space: a port read finds a floating bus (all ones),
 * as on a PC without the device; portable users of a firmware-described port see "absent". */
#ifndef BB_ARCH_IO_H
#define BB_ARCH_IO_H

#include <stdint.h>

static inline uint32_t arch_port_in32(uint16_t port)
{
    (void)port;
    return 0xffffffffu;
}

#endif
