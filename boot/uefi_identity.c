/* uefi_identity.c - the UEFI build's part of the machine identity: SMBIOS (3.x entry point
 * preferred, 2.x otherwise), memory map totals, firmware vendor and revision, ACPI OEM. */
#include "boot/uefi.h"
#include "kernel/machine/identity.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

void uefi_memory_totals(uint64_t *total, uint64_t *free, uint64_t *largest);
const char *uefi_acpi_oem(void);

static void read_smbios(struct smbios_info *s)
{
    VOID *ep = NULL;
    uint64_t addr;
    uint32_t len;
    int major, minor;
    if ((LibGetSystemConfigurationTable(&SMBIOS3TableGuid, &ep) == EFI_SUCCESS && ep &&
         smbios_entry_parse(ep, 32, &addr, &len, &major, &minor) == 0) ||
        (LibGetSystemConfigurationTable(&SMBIOSTableGuid, &ep) == EFI_SUCCESS && ep &&
         smbios_entry_parse(ep, 31, &addr, &len, &major, &minor) == 0)) {
        if (addr && len)
            smbios_parse((const uint8_t *)(uintptr_t)addr, len, major, minor, s);
    }
}

void plat_identity(struct identity *id)
{
    read_smbios(&id->smbios);
    uefi_memory_totals(&id->mem_total, &id->mem_free, &id->mem_largest_free);
    uefi_to_ascii(ST->FirmwareVendor, id->fw_vendor, sizeof id->fw_vendor);
    id->fw_revision = ST->FirmwareRevision;
    UINT32 rev = ST->Hdr.Revision;
    unsigned minor = rev & 0xffff;
    if (minor % 10)
        bb_snprintf(id->uefi_version, sizeof id->uefi_version, "%u.%u.%u", rev >> 16, minor / 10,
                    minor % 10);
    else
        bb_snprintf(id->uefi_version, sizeof id->uefi_version, "%u.%u", rev >> 16, minor / 10);
    bb_snprintf(id->acpi_oem, sizeof id->acpi_oem, "%s", uefi_acpi_oem());
}
