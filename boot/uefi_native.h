/* uefi_native.h - the UEFI block layer's door to barebench's own drivers (boot/uefi_native.c):
 * which disks they drive, their transfers, and the boot volume after a controller came back. */
#ifndef BB_UEFI_NATIVE_H
#define BB_UEFI_NATIVE_H

#include "boot/uefi.h"

struct plat_disk;

/** After the firmware's disks are listed: find the controllers an own driver handles, take
 *  each, and per namespace replace the firmware's entry (auto/native) or add one (both, or no
 *  firmware entry).  Returns the new number of entries. */
int uefi_native_merge(struct plat_disk *disks, int n, int max);
/** 1 when d is driven by an own driver (then the calls below are its transfers). */
int uefi_native_owns(const struct plat_disk *d);
int uefi_native_read(struct plat_disk *d, uint64_t lba, void *buf, size_t bytes);
int uefi_native_batch(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n,
                      size_t bytes, void *const *bufs, uint64_t *lat);
int uefi_native_flush(struct plat_disk *d);
/** The handle of the volume barebench was loaded from, found again by its device path after
 *  its controller was given back; `fallback` if it was never taken. */
EFI_HANDLE uefi_boot_volume(EFI_HANDLE fallback);

#endif
