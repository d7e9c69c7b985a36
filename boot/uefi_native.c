/* uefi_native.c - taking storage controllers from the firmware for barebench's own drivers
 * (DisconnectController, reset) and giving them back (reset, ConnectController recursively,
 * Block IO handles and the boot volume found again), and the disks those drivers expose
 * (NVMe namespaces, virtio-blk disks, AHCI ports). */
#include "boot/uefi_native.h"
#include "boot/uefi_block.h"
#include "boot/uefi_pci.h"
#include "drivers/ahci.h"
#include "drivers/nvme.h"
#include "drivers/virtio_blk.h"
#include "kernel/fmt.h"
#include "kernel/platform.h"

#include <string.h>

#define MAX_CTRL 8
#define MAX_NDISK 32
#define CALL uefi_call_wrapper

enum { K_NVME, K_VIRTIO, K_AHCI };

struct nctrl {
    struct pci_fn pci;
    struct pci_host host;     /* its PciIo protocol, device path, mappings (boot/uefi_pci.h) */
    int kind;
    struct nvme_ctrl *nv;     /* K_NVME */
    struct vblk_dev *vb;      /* K_VIRTIO */
    struct ahci_hba *ah;      /* K_AHCI */
    int taken;        /* our driver runs it now */
    int unusable;     /* left to the firmware; why says why */
    char why[96];
    char addr[16], id[12];
};

struct ndisk {
    struct nctrl *c;
    int ns;               /* index in c->nv->ns */
    struct plat_disk *d;
};

static int mode = PLAT_DRIVER_AUTO;
static struct nctrl ctrls[MAX_CTRL];
static int nctrls;
static struct ndisk nds[MAX_NDISK];
static int nnds;
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

/* ---- the one place that knows which driver a controller has ---- */
static int ctrl_start(struct nctrl *c)
{
    int rc = c->kind == K_NVME ? nvme_start(c->nv, &c->pci)
           : c->kind == K_VIRTIO ? vblk_start(c->vb, &c->pci) : ahci_start(c->ah, &c->pci);
    if (rc)
        bb_snprintf(c->why, sizeof c->why, "%s", c->kind == K_NVME ? c->nv->why
                                               : c->kind == K_VIRTIO ? c->vb->why : c->ah->why);
    return rc;
}

static void ctrl_stop(struct nctrl *c)
{
    if (c->kind == K_NVME)
        nvme_stop(c->nv);
    else if (c->kind == K_VIRTIO)
        vblk_stop(c->vb);
    else
        ahci_stop(c->ah);
}

static const char *ctrl_dead(struct nctrl *c, int unit) /* why no more I/O, or NULL */
{
    if (c->kind == K_NVME)
        return c->nv->dead ? c->nv->why : NULL;
    if (c->kind == K_VIRTIO)
        return c->vb->dead ? c->vb->why : NULL;
    return c->ah->port[unit].dead ? "a command did not complete within 5 s: port stopped" : NULL;
}

static int ctrl_max_qd(struct nctrl *c, int unit, size_t bytes)
{
    return c->kind == K_NVME ? nvme_max_qd(c->nv, bytes)
         : c->kind == K_VIRTIO ? vblk_dev_max_qd(c->vb, bytes) : ahci_max_qd(c->ah, unit, bytes);
}

static int ctrl_rw(struct nctrl *c, int unit, int write, int qd, const uint64_t *lba, int n,
                   size_t bytes, void *const *bufs, uint64_t *lat)
{
    if (c->kind == K_NVME)
        return nvme_rw(c->nv, unit, write, qd, lba, n, bytes, bufs, lat);
    if (c->kind == K_VIRTIO)
        return vblk_rw(c->vb, write, qd, lba, n, bytes, bufs, lat);
    return ahci_rw(c->ah, unit, write, qd, lba, n, bytes, bufs, lat);
}

static int ctrl_flush(struct nctrl *c, int unit)
{
    return c->kind == K_NVME ? nvme_flush(c->nv, unit)
         : c->kind == K_VIRTIO ? vblk_dev_flush(c->vb) : ahci_flush(c->ah, unit);
}

/* Disconnect the firmware's drivers (and everything above them), reset and start ours. */
static int take(struct nctrl *c)
{
    if (c->taken)
        return 0;
    if (c->unusable)
        return -1;
    remember_boot_volume();
    EFI_STATUS st = CALL(BS->DisconnectController, 3, c->host.h, NULL, NULL);
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
    CALL(BS->ConnectController, 4, c->host.h, NULL, NULL, TRUE);
    uefi_block_rebind();
    return -1;
}

/* Reset the controller, put its PCI attributes back and let the firmware's drivers bind again
 * (recursively: partitions and file systems too). */
static void give_back(struct nctrl *c)
{
    if (!c->taken)
        return;
    ctrl_stop(c);
    pci_unmap_all(&c->pci);
    pci_restore(&c->pci);
    CALL(BS->ConnectController, 4, c->host.h, NULL, NULL, TRUE);
    c->taken = 0;
    uefi_block_rebind();
}

/* Firmware whole-disk entry for namespace nsid behind controller c (virtio-blk: the disk is
 * the PCI function itself), or -1. */
static int firmware_entry(struct plat_disk *disks, int n, const struct nctrl *c, uint32_t nsid)
{
    if (!c->host.dp)
        return -1;
    UINTN len = DevicePathSize(c->host.dp) - sizeof(EFI_DEVICE_PATH);
    for (int i = 0; i < n; i++) {
        EFI_DEVICE_PATH *dp = uefi_block_dp(i);
        if (c->kind == K_VIRTIO) {
            if (!disks[i].partition && dp && DevicePathSize(dp) == len + sizeof(EFI_DEVICE_PATH) &&
                CompareMem(dp, c->host.dp, len) == 0)
                return i;
            continue;
        }
        if (disks[i].partition || !dp || DevicePathSize(dp) <= len + sizeof(EFI_DEVICE_PATH) ||
            CompareMem(dp, c->host.dp, len) != 0)
            continue;
        EFI_DEVICE_PATH *node = (EFI_DEVICE_PATH *)((UINT8 *)dp + len);
        if (c->kind == K_AHCI) { /* SATA node: messaging (3), subtype 18, UINT16 HBA port at 4 */
            uint16_t port;
            CopyMem(&port, (UINT8 *)node + 4, 2);
            if (DevicePathType(node) == MESSAGING_DEVICE_PATH && DevicePathSubType(node) == 18 &&
                port == nsid)
                return i;
            continue;
        }
        /* NVMe namespace node: messaging (3), subtype 23, UINT32 namespace id at offset 4 */
        if (DevicePathType(node) == MESSAGING_DEVICE_PATH && DevicePathSubType(node) == 23) {
            uint32_t id;
            CopyMem(&id, (UINT8 *)node + 4, 4);
            if (id == nsid)
                return i;
        }
    }
    return -1;
}

/* Describe unit k of c (NVMe namespace index; 0 for virtio-blk) as disk d (index kept). */
static void fill(struct plat_disk *d, struct nctrl *c, int k, const char *path)
{
    int index = d->index, twin = d->twin;
    char model[48], serial[32];
    bb_snprintf(model, sizeof model, "%s", d->model); /* virtio-blk: the firmware's, if any */
    bb_snprintf(serial, sizeof serial, "%s", d->serial);
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
    d->max_qd = ctrl_max_qd(c, k, 4096);
    if (c->kind == K_NVME) {
        struct nvme_ctrl *nv = c->nv;
        bb_snprintf(d->kind, sizeof d->kind, "nvme");
        bb_snprintf(d->model, sizeof d->model, "%s", nv->model);
        bb_snprintf(d->serial, sizeof d->serial, "%s", nv->serial);
        d->block_size = nv->ns[k].block_size;
        d->blocks = nv->ns[k].blocks;
        d->sync_api = d->queue_api = d->ctrl.driver = "nvme";
        d->ctrl.queue_depth = nv->depth;
        d->ctrl.max_transfer = nv->max_transfer;
        d->ctrl.nsid = nv->ns[k].nsid;
    } else if (c->kind == K_AHCI) {
        struct ahci_port *ap = &c->ah->port[k];
        bb_snprintf(d->kind, sizeof d->kind, "sata");
        bb_snprintf(d->model, sizeof d->model, "%s", ap->model);
        bb_snprintf(d->serial, sizeof d->serial, "%s", ap->serial);
        d->block_size = ap->block_size;
        d->blocks = ap->blocks;
        d->sync_api = d->queue_api = d->ctrl.driver = ap->ncq ? "ahci-ncq" : "ahci";
        d->ctrl.queue_depth = ap->slots;
        d->ctrl.max_transfer = ap->max_transfer;
        d->ctrl.nsid = (uint32_t)ap->port; /* reported as the port */
    } else {
        struct vblk_dev *vb = c->vb;
        bb_snprintf(d->kind, sizeof d->kind, "virtio");
        bb_snprintf(d->model, sizeof d->model, "%s", model);
        bb_snprintf(d->serial, sizeof d->serial, "%s", serial);
        d->block_size = vb->block_size;
        d->blocks = vb->sectors * 512 / vb->block_size;
        d->read_only = vb->read_only;
        d->sync_api = d->queue_api = d->ctrl.driver = "virtio-blk";
        d->ctrl.queue_depth = vb->qsize;
        d->ctrl.max_transfer = vb->max_transfer;
    }
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
    }
}

/* Add the namespaces (NVMe) or the disk (virtio-blk) of a started controller to the list. */
static int add_namespaces(struct plat_disk *disks, int n, int max, struct nctrl *c)
{
    int units = c->kind == K_NVME ? c->nv->nns : c->kind == K_AHCI ? c->ah->nports : 1;
    for (int k = 0; k < units && nnds < MAX_NDISK; k++) {
        uint32_t nsid = c->kind == K_NVME ? c->nv->ns[k].nsid
                      : c->kind == K_AHCI ? (uint32_t)c->ah->port[k].port : 0;
        int fi = firmware_entry(disks, n, c, nsid);
        struct plat_disk *d;
        char path[128];
        if (fi >= 0)
            bb_snprintf(path, sizeof path, "%s", disks[fi].path);
        else if (c->kind == K_NVME)
            bb_snprintf(path, sizeof path, "PCI(%s)/NVMe(0x%x)", c->addr, nsid);
        else if (c->kind == K_AHCI)
            bb_snprintf(path, sizeof path, "PCI(%s)/Sata(0x%x)", c->addr, nsid);
        else
            bb_snprintf(path, sizeof path, "PCI(%s)", c->addr);
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
        fill(d, c, k, path);
        nds[nnds].c = c;
        nds[nnds].ns = k;
        nds[nnds++].d = d;
    }
    return n;
}

int uefi_native_merge(struct plat_disk *disks, int n, int max)
{
    EFI_HANDLE *hs = NULL;
    UINTN nh = 0;
    if (mode == PLAT_DRIVER_FIRMWARE)
        return n;
    if (CALL(BS->LocateHandleBuffer, 5, ByProtocol, &PciIoProtocol, NULL, &nh, &hs) != EFI_SUCCESS)
        return n;
    for (UINTN i = 0; i < nh && nctrls < MAX_CTRL; i++) {
        struct nctrl *c = &ctrls[nctrls];
        memset(c, 0, sizeof *c);
        if (uefi_pci_open(&c->pci, &c->host, hs[i]))
            continue;
        if (c->pci.cls == 0x01 && c->pci.sub == 0x08 && c->pci.progif == 0x02) {
            c->kind = K_NVME;
            c->nv = plat_alloc(sizeof *c->nv);
        } else if (c->pci.vendor == 0x1AF4 && (c->pci.device == 0x1042 || c->pci.device == 0x1001)) {
            c->kind = K_VIRTIO; /* virtio-blk: modern (0x1042) or transitional (0x1001) */
            c->vb = plat_alloc(sizeof *c->vb);
        } else if (c->pci.cls == 0x01 && c->pci.sub == 0x06 && c->pci.progif == 0x01) {
            c->kind = K_AHCI;
            c->ah = plat_alloc(sizeof *c->ah);
        } else {
            continue; /* the rest stay with the firmware's drivers */
        }
        if (!c->nv && !c->vb && !c->ah)
            break;
        pci_fn_names(&c->pci, c->addr, sizeof c->addr, c->id, sizeof c->id);
        nctrls++;
        if (take(c)) {
            bb_printf("disk: %s controller %s (%s) left to the firmware: %s\n",
                      c->kind == K_NVME ? "NVMe" : c->kind == K_VIRTIO ? "virtio-blk" : "AHCI",
                      c->addr, c->id, c->why);
            note_left(disks, n, c);
            continue;
        }
        n = add_namespaces(disks, n, max, c);
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
    const char *dead = ctrl_dead(k->c, k->ns);
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
    return rc ? rc : ctrl_rw(k->c, k->ns, 0, 1, &lba, 1, bytes, &buf, NULL);
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
    int maxqd = ctrl_max_qd(k->c, k->ns, bytes);
    return ctrl_rw(k->c, k->ns, write, qd > maxqd ? maxqd : qd, lba, n, bytes, bufs, lat);
}

int uefi_native_flush(struct plat_disk *d)
{
    struct ndisk *k = own(d);
    if (take(k->c))
        return PLAT_IO_ERROR;
    return ctrl_flush(k->c, k->ns);
}
