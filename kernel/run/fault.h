/* fault.h - test-only fault injection (option fault=, off by default): each name makes one seam
 * of the UEFI build behave like a broken device or firmware, so a boot test can check that every
 * bounded wait of kernel/run/bounds.h ends the way it should.  A faulted run says so in env.faults. */
#ifndef BB_FAULT_H
#define BB_FAULT_H

#include <stddef.h>

enum fault_bit {
    FAULT_REFCLOCK_FROZEN = 1u << 0, /* the ACPI PM timer reads the same value forever */
    FAULT_AP_STUCK = 1u << 1,        /* the first AP to enter a run never checks in nor returns */
    FAULT_UART_STUCK = 1u << 2,      /* COM1's transmitter never empties */
    FAULT_DISK_HANG = 1u << 3,       /* a queued (Block IO 2) transfer never completes */
    FAULT_TCP_CANCEL = 1u << 4,      /* Tcp4 Cancel answers UNSUPPORTED */
    FAULT_NO_EFI_TLS = 1u << 5,      /* the firmware offers no EFI TLS (TLS service binding) */
};

/** The names, index i = bit 1 << i (NULL-terminated; the options table uses it). */
extern const char *const fault_names[];

/** The faults in force (set once from the options, before the seams are first used). */
extern unsigned g_faults;

static inline int fault_on(unsigned bit)
{
    return (g_faults & bit) != 0;
}

/** The names of the faults in `mask`, comma-separated, into buf ("" when none). */
void fault_list(unsigned mask, char *buf, size_t n);

struct json;
/** env.faults: the injected faults' names; written only when some are (a real run has none). */
void fault_write_json(struct json *j);

#endif
