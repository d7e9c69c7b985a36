/* blk_driver.h - the driver table: what each of barebench's own storage drivers offers the
 * block layer (boot/uefi_native.c), so that adding a controller is one file under drivers/
 * and one line in drivers/blk_drivers.c, with no switch on the driver anywhere else.  A unit
 * (disk) behind a controller is named by a transport address general enough for NVMe
 * namespaces, SATA ports and SCSI target/LUN. */
#ifndef BB_DRIVERS_BLK_DRIVER_H
#define BB_DRIVERS_BLK_DRIVER_H

#include "drivers/pci.h"
#include "kernel/platform.h"

#include <stddef.h>
#include <stdint.h>

/* What the block layer shows of one unit (env.disks[]). */
struct blk_unit {
    const char *kind;          /* "nvme", "sata", "virtio", ... */
    const char *api;           /* the driver's name in params.api and env.disks[].driver */
    const char *model, *serial;/* NULL when the device has none (the firmware's are kept) */
    uint32_t block_size;
    uint64_t blocks;
    int read_only;
    int queue_depth;           /* entries per I/O queue (or command slots) */
    uint32_t max_transfer;     /* bytes per command */
    struct plat_disk_addr addr;  /* transport, port, target, lun, nsid (kernel/platform.h) */
    /* SCSI logical units: INQUIRY's vendor, product, revision (NULL elsewhere) */
    const char *vendor, *product, *revision;
};

struct blk_driver {
    const char *name;          /* "NVMe", "virtio-blk", "AHCI": for messages */
    /** 1 when this driver drives PCI function f (ids, class). */
    int (*match)(const struct pci_fn *f);
    size_t size;               /* bytes of the controller state start/stop/... work on */
    /** 1: the firmware's drivers stay bound to the controller and what they built on it (disks,
     *  partitions, file systems), idle while ours runs: start saves the device state the
     *  firmware's driver left and stop puts it back.  For a stack whose Stop crashes some
     *  firmware (Debian 12's OVMF: ScsiBusDxe and ScsiDiskDxe over VirtioScsiDxe). */
    int firmware_stays;
    /** Reset and start the controller (state zeroed, size bytes): 0, or -1 and why() says why,
     *  with everything undone. */
    int (*start)(void *ctrl, struct pci_fn *f);
    /** Stop it (reset, so the firmware's driver starts clean) and free its memory. */
    void (*stop)(void *ctrl);
    const char *(*why)(void *ctrl);
    /** Units (disks) behind the started controller, and each one's description. */
    int (*units)(void *ctrl);
    void (*describe)(void *ctrl, int unit, struct blk_unit *out);
    /** Why the unit takes no more I/O (a command timed out), or NULL. */
    const char *(*dead)(void *ctrl, int unit);
    /** Deepest queue of `bytes` transfers the unit keeps in flight. */
    int (*max_qd)(void *ctrl, int unit, size_t bytes);
    /** n transfers of `bytes` at blocks lba[] (transfer i in bufs[i]), up to qd in flight;
     *  lat (may be NULL) gets each one's ticks.  0 or PLAT_IO_*. */
    int (*rw)(void *ctrl, int unit, int write, int qd, const uint64_t *lba, int n, size_t bytes,
              void *const *bufs, uint64_t *lat);
    int (*flush)(void *ctrl, int unit);
    /** What the last failed transfer on the unit got from the device ("CHECK CONDITION MEDIUM
     *  ERROR 11/00"), "" if nothing; NULL when the driver keeps no such detail. */
    const char *(*last_error)(void *ctrl, int unit);
};

/** Every driver, NULL-terminated (drivers/blk_drivers.c): the first whose match() says yes. */
extern const struct blk_driver *const blk_drivers[];
/** The driver for f, or NULL (it stays with the firmware). */
const struct blk_driver *blk_driver_for(const struct pci_fn *f);

#endif
