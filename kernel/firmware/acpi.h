/* acpi.h - finds the FADT from the RSDP and reads the ACPI PM timer's location and width.
 * Tables are read through their physical addresses (identity-mapped under UEFI). */
#ifndef BB_ACPI_H
#define BB_ACPI_H

#include <stdint.h>

struct acpi_pm_timer {
    int present;
    int mmio;           /* 0: I/O port, 1: memory-mapped */
    uint64_t address;
    int bits;           /* 24 or 32 */
    char oem[7];        /* RSDP OEM id */
    const char *why;    /* when absent: why */
};

/** Walk RSDP -> XSDT (or RSDT) -> "FACP".  Checksums are verified; returns 0 if a usable
 *  PM timer was found, -1 otherwise (out->why says why). */
int acpi_find_pm_timer(const void *rsdp, struct acpi_pm_timer *out);

/** The HPET's register block (memory-mapped) from the "HPET" table; 0 on success, -1 if none. */
int acpi_find_hpet(const void *rsdp, uint64_t *base);

/** 1 when the `len` bytes at t sum to zero (an ACPI table's checksum holds). */
int acpi_checksum_ok(const void *t, uint32_t len);

/** Arm: the MPIDRs of the MADT's enabled GIC CPU interfaces (GICC) in table order, at most
 *  max; how many, or -1 for a malformed table. */
int acpi_madt_gicc(const void *madt, uint32_t len, uint64_t *mpidr, int max);
/** Arm: the GIC distributor's physical base from the MADT (GICD), 0 if none. */
uint64_t acpi_madt_gicd(const void *madt, uint32_t len);
/** An MPIDR's affinity packed in 32 bits as processors' hardware ids are (Aff3 << 24 | Aff2..0). */
uint32_t acpi_mpidr_id(uint64_t mpidr);

/** Find a table by signature ("APIC", "HPET", ...); NULL if absent. */
const void *acpi_find_table(const void *rsdp, const char sig[4]);

#endif
