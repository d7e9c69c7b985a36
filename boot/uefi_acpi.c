/* uefi_acpi.c - where the UEFI image finds ACPI: the root pointer from the firmware's
 * configuration table (kernel/acpi.c walks the tables from there). */
#include "boot/uefi.h"

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
