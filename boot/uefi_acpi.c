/* uefi_acpi.c - where the UEFI image finds ACPI: the root pointer from the firmware's
 * configuration table (kernel/firmware/acpi.c walks the tables from there), and plat_acpi_table. */
#include "boot/uefi.h"
#include "kernel/firmware/acpi.h"
#include "kernel/platform.h"

const void *uefi_acpi_rsdp(void)
{
    EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
    VOID *t = NULL;
    if (LibGetSystemConfigurationTable(&acpi20, &t) == EFI_SUCCESS && t)
        return t;
    if (LibGetSystemConfigurationTable(&AcpiTableGuid, &t) == EFI_SUCCESS && t)
        return t;
    return NULL;
}

const void *plat_acpi_table(const char sig[4], uint32_t *len, const char **why)
{
    const uint8_t *t = acpi_find_table(uefi_acpi_rsdp(), sig);
    *len = 0;
    if (why)
        *why = NULL; /* a table with a bad checksum is not found at all */
    if (!t)
        return NULL;
    *len = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 | (uint32_t)t[7] << 24;
    return t;
}
