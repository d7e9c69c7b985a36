/* uefi_native.c - taking storage controllers from the firmware for barebench's own drivers
 * (DisconnectController, reset) and giving them back (reset, ConnectController recursively,
 * Block IO handles and the boot volume found again), and the disks those drivers expose.
 * Which driver a controller has is the driver table's business (drivers/blk_drivers.c): no
 * driver is named here; a disk's device-path node follows from its transport address. */
#include "boot/uefi_native.h"
#include "boot/efi_protocols.h"
#include "boot/uefi_block.h"
#include "boot/uefi_pci.h"
#include "drivers/blk_driver.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

#define MAX_CTRL 8
#define MAX_NDISK 32
#define CALL uefi_call_wrapper

struct nctrl {
    struct pci_fn pci;
    struct pci_host host;     /* its PciIo protocol, device path, mappings (boot/uefi_pci.h) */
    const struct blk_driver *drv;
    void *state;              /* the driver's controller state (drv->size bytes) */
    int taken;        /* our driver runs it now */
    int unusable;     /* left to the firmware; why says why */
    char why[96];
    char addr[16], id[12];
};

struct ndisk {
    struct nctrl *c;
    int unit;             /* the driver's unit number */
    struct plat_disk *d;
};

static int mode = PLAT_DRIVER_AUTO;
static struct nctrl ctrls[MAX_CTRL];
static int nctrls;
static struct ndisk nds[MAX_NDISK];
static int nnds;
static char unserved[MAX_CTRL][64]; /* controllers of ours no firmware driver manages */
static int nunserved;
static EFI_DEVICE_PATH *boot_dp; /* the boot volume's device path, kept before any take */

void plat_disk_driver(int m)
{
    mode = m;
}

static void remember_boot_volume(void)
{
    EFI_LOADED_IMAGE *li = NULL;
    if (boot_dp)
        return;
    if (CALL(BS->HandleProtocol, 3, g_image, &LoadedImageProtocol, (VOID **)&li) != EFI_SUCCESS ||
        !li || !li->DeviceHandle)
        return;
    EFI_DEVICE_PATH *dp = DevicePathFromHandle(li->DeviceHandle);
    if (dp)
        boot_dp = DuplicateDevicePath(dp);
}

EFI_HANDLE uefi_boot_volume(EFI_HANDLE fallback)
{
    EFI_DEVICE_PATH *rest = boot_dp;
    EFI_HANDLE h = NULL;
    if (!boot_dp)
        return fallback;
    if (CALL(BS->LocateDevicePath, 3, &FileSystemProtocol, &rest, &h) == EFI_SUCCESS &&
        IsDevicePathEnd(rest))
        return h;
    return fallback;
}

static int ctrl_start(struct nctrl *c)
{
    memset(c->state, 0, c->drv->size);
    int rc = c->drv->start(c->state, &c->pci);
    if (rc)
        bb_snprintf(c->why, sizeof c->why, "%s", c->drv->why(c->state));
    return rc;
}

/* Let the firmware's drivers bind again, recursively (partitions and file systems too). */
static void reconnect(struct nctrl *c)
{
    CALL(BS->ConnectController, 4, c->host.h, NULL, NULL, TRUE);
    uefi_block_rebind();
}

/* Disconnect the firmware's drivers (and everything above them), reset and start ours. */
static int take(struct nctrl *c)
{
    if (c->taken)
        return 0;
    if (c->unusable)
        return -1;
    remember_boot_volume();
    /* a firmware_stays driver's stack stays bound, idle: none of it is called while ours runs */
    EFI_STATUS st = c->drv->firmware_stays ? EFI_SUCCESS
                                           : CALL(BS->DisconnectController, 3, c->host.h, NULL, NULL);
    if (st != EFI_SUCCESS) {
        bb_snprintf(c->why, sizeof c->why, "the firmware's driver did not let go (status 0x%llx)",
                    (unsigned long long)st);
        goto err_connect;
    }
    if (pci_enable(&c->pci)) {
        bb_snprintf(c->why, sizeof c->why, "could not enable memory decoding and bus mastering");
        goto err_connect;
    }
    if (ctrl_start(c))
        goto err_restore;
    c->taken = 1;
    return 0;
err_restore:
    pci_unmap_all(&c->pci);
    pci_restore(&c->pci);
err_connect:
    c->unusable = 1;
    reconnect(c);
    return -1;
}

/* Reset the controller, put its PCI attributes back and let the firmware's drivers bind again
 * (recursively: partitions and file systems too). */
static void give_back(struct nctrl *c)
{
    if (!c->taken)
        return;
    c->drv->stop(c->state);
    pci_unmap_all(&c->pci);
    pci_restore(&c->pci);
    c->taken = 0;
    reconnect(c);
}

/* Does device-path node `node` (right after the controller's own path) name the unit at a?
 * SATA: messaging subtype 18, UINT16 HBA port at 4; NVMe: subtype 23, UINT32 namespace id at 4;
 * SCSI: subtype 2, UINT16 target and LUN at 4 and 6. */
static int node_names(EFI_DEVICE_PATH *node, const struct plat_disk_addr *a)
{
    uint16_t w[2];
    uint32_t id;
    if (DevicePathType(node) != MESSAGING_DEVICE_PATH)
        return 0;
    CopyMem(w, (UINT8 *)node + 4, 4);
    CopyMem(&id, (UINT8 *)node + 4, 4);
    switch (a->transport) {
    case PLAT_T_SATA: return DevicePathSubType(node) == 18 && w[0] == a->port;
    case PLAT_T_NVME: return DevicePathSubType(node) == 23 && id == a->nsid;
    case PLAT_T_SCSI: return DevicePathSubType(node) == 2 && w[0] == a->target && w[1] == a->lun;
    default: return 0;
    }
}

/* Firmware whole-disk entry for the unit at address a behind controller c (PLAT_T_PCI: the
 * disk is the PCI function itself), or -1. */
static int firmware_entry(struct plat_disk *disks, int n, const struct nctrl *c,
                          const struct plat_disk_addr *a)
{
    if (!c->host.dp)
        return -1;
    UINTN len = DevicePathSize(c->host.dp) - sizeof(EFI_DEVICE_PATH);
    for (int i = 0; i < n; i++) {
        EFI_DEVICE_PATH *dp = uefi_block_dp(i);
        if (disks[i].partition || !dp || DevicePathSize(dp) < len + sizeof(EFI_DEVICE_PATH) ||
            CompareMem(dp, c->host.dp, len) != 0)
            continue;
        if (a->transport == PLAT_T_PCI ? DevicePathSize(dp) == len + sizeof(EFI_DEVICE_PATH)
                                       : DevicePathSize(dp) > len + sizeof(EFI_DEVICE_PATH) &&
                                         node_names((EFI_DEVICE_PATH *)((UINT8 *)dp + len), a))
            return i;
    }
    return -1;
}

/* The device-path text of a unit the firmware does not list. */
static void unit_path(char *path, size_t n, const struct nctrl *c, const struct plat_disk_addr *a)
{
    switch (a->transport) {
    case PLAT_T_NVME: bb_snprintf(path, n, "PCI(%s)/NVMe(0x%x)", c->addr, a->nsid); break;
    case PLAT_T_SATA: bb_snprintf(path, n, "PCI(%s)/Sata(0x%x)", c->addr, a->port); break;
    case PLAT_T_SCSI: bb_snprintf(path, n, "PCI(%s)/Scsi(0x%x,0x%llx)", c->addr, a->target,
                                  (unsigned long long)a->lun); break;
    default: bb_snprintf(path, n, "PCI(%s)", c->addr); break;
    }
}

/* Describe unit k of c (as the driver table describes it, u) as disk d (index kept). */
static void fill(struct plat_disk *d, struct nctrl *c, int k, const struct blk_unit *u, const char *path)
{
    int index = d->index, twin = d->twin;
    char model[48], serial[32];
    bb_snprintf(model, sizeof model, "%s", u->model ? u->model : d->model); /* else the firmware's */
    bb_snprintf(serial, sizeof serial, "%s", u->serial ? u->serial : d->serial);
    memset(d, 0, sizeof *d);
    d->index = index;
    d->twin = twin;
    d->parent = -1;
    d->io_align = 4;
    d->media_present = 1;
    bb_snprintf(d->path, sizeof d->path, "%s", path);
    bb_snprintf(d->ctrl.pci, sizeof d->ctrl.pci, "%s", c->addr);
    bb_snprintf(d->ctrl.pci_id, sizeof d->ctrl.pci_id, "%s", c->id);
    d->ctrl.queues = 1;
    d->max_qd = c->drv->max_qd(c->state, k, 4096);
    bb_snprintf(d->kind, sizeof d->kind, "%s", u->kind);
    bb_snprintf(d->model, sizeof d->model, "%s", model);
    bb_snprintf(d->serial, sizeof d->serial, "%s", serial);
    d->block_size = u->block_size;
    d->blocks = u->blocks;
    d->read_only = u->read_only;
    d->sync_api = d->queue_api = d->ctrl.driver = u->api;
    d->ctrl.queue_depth = u->queue_depth;
    d->ctrl.max_transfer = u->max_transfer;
    d->ctrl.addr = u->addr;
    d->ctrl.type = c->drv->name;
    bb_snprintf(d->ctrl.vendor, sizeof d->ctrl.vendor, "%s", u->vendor ? u->vendor : "");
    bb_snprintf(d->ctrl.product, sizeof d->ctrl.product, "%s", u->product ? u->product : "");
    bb_snprintf(d->ctrl.revision, sizeof d->ctrl.revision, "%s", u->revision ? u->revision : "");
}

/* Controller c was left to the firmware: say so on the firmware's entries behind it. */
static void note_left(struct plat_disk *disks, int n, struct nctrl *c)
{
    UINTN len = c->host.dp ? DevicePathSize(c->host.dp) - sizeof(EFI_DEVICE_PATH) : 0;
    for (int i = 0; i < n && len; i++) {
        EFI_DEVICE_PATH *dp = uefi_block_dp(i);
        if (!dp || DevicePathSize(dp) <= len || CompareMem(dp, c->host.dp, len) != 0)
            continue;
        bb_snprintf(disks[i].ctrl.pci, sizeof disks[i].ctrl.pci, "%s", c->addr);
        bb_snprintf(disks[i].ctrl.pci_id, sizeof disks[i].ctrl.pci_id, "%s", c->id);
        bb_snprintf(disks[i].ctrl.note, sizeof disks[i].ctrl.note, "left to the firmware: %s",
                    c->why);
        disks[i].ctrl.type = c->drv->name;
    }
}

/* Add the units (namespaces, ports, the disk) of a started controller to the list. */
static int add_units(struct plat_disk *disks, int n, int max, struct nctrl *c)
{
    int units = c->drv->units(c->state);
    for (int k = 0; k < units && nnds < MAX_NDISK; k++) {
        struct blk_unit u;
        memset(&u, 0, sizeof u);
        c->drv->describe(c->state, k, &u);
        int fi = firmware_entry(disks, n, c, &u.addr);
        struct plat_disk *d;
        char path[128];
        if (fi >= 0)
            bb_snprintf(path, sizeof path, "%s", disks[fi].path);
        else
            unit_path(path, sizeof path, c, &u.addr);
        if (fi >= 0 && mode != PLAT_DRIVER_BOTH) {
            d = &disks[fi]; /* the same index: disk=N names the same disk in every mode */
        } else {
            if (n >= max)
                break;
            d = &disks[n];
            d->index = n;
            d->twin = fi;
            if (fi >= 0) {
                disks[fi].twin = n;
                bb_snprintf(d->model, sizeof d->model, "%s", disks[fi].model);
                bb_snprintf(d->serial, sizeof d->serial, "%s", disks[fi].serial);
            }
            n++;
        }
        fill(d, c, k, &u, path);
        nds[nnds].c = c;
        nds[nnds].unit = k;
        nds[nnds++].d = d;
    }
    return n;
}

/* Does the firmware have a driver for the storage controller on handle h?  Asked before we take
 * it: a firmware storage driver puts Block IO (virtio-blk) or a pass-thru protocol (SCSI, ATA,
 * NVMe) on the controller's own handle; a transport driver alone (Virtio10Dxe under a
 * VirtioScsiDxe that refused the device) or none at all (PVSCSI, LSI SAS on Debian 12's OVMF)
 * leaves its disks to us. */
static int firmware_drives(EFI_HANDLE h)
{
    static EFI_GUID g[] = {BB_EFI_EXT_SCSI_PASS_THRU_PROTOCOL_GUID, BB_EFI_SCSI_PASS_THRU_PROTOCOL_GUID,
                           BB_EFI_ATA_PASS_THRU_PROTOCOL_GUID, BB_EFI_NVM_EXPRESS_PASS_THRU_PROTOCOL_GUID};
    VOID *p = NULL;
    if (CALL(BS->HandleProtocol, 3, h, &BlockIoProtocol, &p) == EFI_SUCCESS)
        return 1;
    for (size_t i = 0; i < sizeof g / sizeof g[0]; i++)
        if (CALL(BS->HandleProtocol, 3, h, &g[i], &p) == EFI_SUCCESS)
            return 1;
    return 0;
}

int plat_disk_unserved(int i, char *text, size_t n)
{
    if (i < 0 || i >= nunserved)
        return 0;
    bb_snprintf(text, n, "%s", unserved[i]);
    return 1;
}

int uefi_native_merge(struct plat_disk *disks, int n, int max)
{
    EFI_HANDLE *hs = NULL;
    UINTN nh = 0;
    if (CALL(BS->LocateHandleBuffer, 5, ByProtocol, &PciIoProtocol, NULL, &nh, &hs) != EFI_SUCCESS)
        return n;
    for (UINTN i = 0; i < nh && nctrls < MAX_CTRL; i++) {
        struct nctrl *c = &ctrls[nctrls];
        memset(c, 0, sizeof *c);
        if (uefi_pci_open(&c->pci, &c->host, hs[i]))
            continue;
        c->drv = blk_driver_for(&c->pci);
        if (!c->drv)
            continue; /* the rest stay with the firmware's drivers */
        pci_fn_names(&c->pci, c->addr, sizeof c->addr, c->id, sizeof c->id);
        if (nunserved < MAX_CTRL && !firmware_drives(hs[i]))
            bb_snprintf(unserved[nunserved++], sizeof unserved[0], "%s (%s, %s)", c->addr, c->id,
                        c->drv->name);
        if (mode == PLAT_DRIVER_FIRMWARE)
            continue;
        c->state = plat_alloc(c->drv->size);
        if (!c->state)
            break;
        nctrls++;
        if (take(c)) {
            bb_printf("disk: %s controller %s (%s) left to the firmware: %s\n", c->drv->name,
                      c->addr, c->id, c->why);
            note_left(disks, n, c);
            continue;
        }
        n = add_units(disks, n, max, c);
    }
    FreePool(hs);
    return n; /* the controllers stay taken until a firmware path or the end needs them back */
}

static struct ndisk *own(const struct plat_disk *d)
{
    for (int k = 0; k < nnds; k++)
        if (nds[k].d == d)
            return &nds[k];
    return NULL;
}

int uefi_native_owns(const struct plat_disk *d)
{
    return own(d) != NULL;
}

const char *plat_disk_error_detail(const struct plat_disk *d)
{
    struct ndisk *k = own(d);
    const char *t = k && k->c->drv->last_error ? k->c->drv->last_error(k->c->state, k->unit) : NULL;
    return t ? t : "";
}

int plat_disk_open(struct plat_disk *d, char *why, size_t whylen)
{
    struct ndisk *k = own(d);
    if (whylen)
        why[0] = 0;
    if (!k) { /* a firmware path: its controller may be one of ours */
        for (int i = 0; i < nctrls; i++)
            give_back(&ctrls[i]);
        return 0;
    }
    if (take(k->c)) {
        bb_snprintf(why, whylen, "controller %s: %s", k->c->addr, k->c->why);
        return PLAT_IO_ERROR;
    }
    const char *dead = k->c->drv->dead(k->c->state, k->unit);
    if (dead) {
        bb_snprintf(why, whylen, "controller %s: %s", k->c->addr, dead);
        return PLAT_IO_TIMEOUT;
    }
    return 0;
}

void plat_disk_release(void)
{
    for (int i = 0; i < nctrls; i++)
        give_back(&ctrls[i]);
}

/* The controller must be ours and the range on the namespace. */
static int ready(struct ndisk *k, const uint64_t *lba, int n, size_t bytes)
{
    if (take(k->c))
        return PLAT_IO_ERROR;
    struct plat_disk *d = k->d;
    if (!bytes || bytes % d->block_size)
        return PLAT_IO_RANGE;
    for (int i = 0; i < n; i++)
        if (lba[i] > d->blocks || bytes / d->block_size > d->blocks - lba[i])
            return PLAT_IO_RANGE;
    return 0;
}

int uefi_native_read(struct plat_disk *d, uint64_t lba, void *buf, size_t bytes)
{
    struct ndisk *k = own(d);
    int rc = ready(k, &lba, 1, bytes);
    return rc ? rc : k->c->drv->rw(k->c->state, k->unit, 0, 1, &lba, 1, bytes, &buf, NULL);
}

int uefi_native_batch(struct plat_disk *d, int write, int qd, const uint64_t *lba, int n,
                      size_t bytes, void *const *bufs, uint64_t *lat)
{
    struct ndisk *k = own(d);
    if (write && d->read_only)
        return PLAT_IO_READ_ONLY;
    int rc = ready(k, lba, n, bytes);
    if (rc)
        return rc;
    int maxqd = k->c->drv->max_qd(k->c->state, k->unit, bytes);
    return k->c->drv->rw(k->c->state, k->unit, write, qd > maxqd ? maxqd : qd, lba, n, bytes, bufs, lat);
}

int uefi_native_flush(struct plat_disk *d)
{
    struct ndisk *k = own(d);
    if (take(k->c))
        return PLAT_IO_ERROR;
    return k->c->drv->flush(k->c->state, k->unit);
}
