/* uefi_block.h - what uefi_block.c asks uefi_block_id.c: the kind, model and serial of a
 * Block IO device. */
#ifndef BB_UEFI_BLOCK_H
#define BB_UEFI_BLOCK_H

#include "boot/uefi.h"

struct plat_disk;

/** Fill d->kind (from the device path and PCI vendor) and, for whole disks, d->model and
 *  d->serial (EFI_DISK_INFO, else NVMe Identify Controller through NVMe pass-thru). */
void uefi_block_identify(struct plat_disk *d, EFI_HANDLE h, EFI_DEVICE_PATH *dp);

/** Device path of firmware entry `index` (NULL if none). */
EFI_DEVICE_PATH *uefi_block_dp(int index);
/** After a controller went back to the firmware: find every firmware entry's Block IO again by
 *  its device path (the old handles are gone). */
void uefi_block_rebind(void);

#endif
