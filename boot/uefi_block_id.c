/* uefi_block_id.c - what a Block IO device is: kind from its device path (virtio-blk from the
 * PCI vendor), model and serial from EFI_DISK_INFO (ATA IDENTIFY, SCSI INQUIRY) or, for NVMe,
 * Identify Controller through EFI_NVM_EXPRESS_PASS_THRU. */
#include "boot/uefi_block.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "boot/efi_protocols.h"

/* PCI vendor id of the controller the device path leads through, 0 if none. */
static UINT16 pci_vendor(EFI_DEVICE_PATH *dp)
{
    EFI_DEVICE_PATH *rest = dp;
    EFI_HANDLE ph = NULL;
    EFI_PCI_IO_PROTOCOL *pci = NULL;
    UINT16 vendor = 0;
    if (uefi_call_wrapper(BS->LocateDevicePath, 3, &PciIoProtocol, &rest, &ph) != EFI_SUCCESS)
        return 0;
    if (uefi_call_wrapper(BS->HandleProtocol, 3, ph, &PciIoProtocol, (VOID **)&pci) != EFI_SUCCESS)
        return 0;
    if (uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint16, 0, 1, &vendor) != EFI_SUCCESS)
        return 0;
    return vendor;
}

/* Kind of device from the last messaging node of its path (virtio-blk has none: PCI vendor). */
static void classify(struct plat_disk *d, EFI_DEVICE_PATH *dp)
{
    const char *kind = NULL;
    for (EFI_DEVICE_PATH *n = dp; n && !IsDevicePathEnd(n); n = NextDevicePathNode(n)) {
        UINT8 t = DevicePathType(n), s = DevicePathSubType(n);
        if (t == MESSAGING_DEVICE_PATH) {
            if (s == BB_MSG_NVME_NAMESPACE_DP) {
                kind = "nvme";
                const BB_NVME_NAMESPACE_DEVICE_PATH *nv = (const void *)n;
                if (nv->NamespaceUuid && !d->serial[0])
                    bb_snprintf(d->serial, sizeof d->serial, "eui64-%016llx",
                                (unsigned long long)nv->NamespaceUuid);
            } else if (s == MSG_SATA_DP) kind = "sata";
            else if (s == MSG_ATAPI_DP) kind = "ide";
            else if (s == MSG_SCSI_DP || s == MSG_DEVICE_LOGICAL_UNIT_DP) kind = kind ? kind : "scsi";
            else if (s == MSG_USB_DP || s == MSG_USB_CLASS_DP || s == MSG_USB_WWID_DP) kind = "usb";
            else if (s == 2 || s == 21) kind = "fc";     /* Fibre Channel (Ex): a SAN LUN */
            else if (s == 19) kind = "iscsi";            /* iSCSI: a SAN LUN */
        } else if (t == MEDIA_DEVICE_PATH && s == MEDIA_CDROM_DP) {
            kind = "cd";
        }
    }
    if (!kind) {
        UINT16 v = pci_vendor(dp);
        kind = v == 0x1af4 ? "virtio" : v ? "pci" : "other";
    }
    /* an optical drive: ATAPI/SATA/SCSI with 2048-byte blocks and removable media */
    if (d->removable && d->block_size == 2048 && strcmpa((CHAR8 *)kind, (CHAR8 *)"usb"))
        kind = "cd";
    bb_snprintf(d->kind, sizeof d->kind, "%s", kind);
}

/* Copy an ATA string (byte-swapped words) or a plain one, trimming blanks. */
static void ata_string(char *dst, size_t n, const UINT8 *src, size_t len, int swap)
{
    size_t o = 0;
    for (size_t i = 0; i < len && o + 1 < n; i++) {
        char c = (char)src[swap ? (i ^ 1) : i];
        if (c < ' ' || c > '~')
            c = ' ';
        if (c == ' ' && (o == 0 || dst[o - 1] == ' '))
            continue;
        dst[o++] = c;
    }
    while (o && dst[o - 1] == ' ')
        o--;
    dst[o] = '\0';
}

/* Model and serial from EFI_DISK_INFO where the driver offers it (ATA Identify, SCSI Inquiry). */
static void disk_info(struct plat_disk *d, EFI_HANDLE h)
{
    static EFI_GUID di_guid = BB_EFI_DISK_INFO_PROTOCOL_GUID;
    static EFI_GUID ide = BB_EFI_DISK_INFO_IDE_INTERFACE_GUID, ahci = BB_EFI_DISK_INFO_AHCI_INTERFACE_GUID;
    static EFI_GUID scsi = BB_EFI_DISK_INFO_SCSI_INTERFACE_GUID, usb = BB_EFI_DISK_INFO_USB_INTERFACE_GUID;
    static UINT8 buf[4096];
    BB_EFI_DISK_INFO_PROTOCOL *di = NULL;
    UINT32 size = sizeof buf;
    if (uefi_call_wrapper(BS->HandleProtocol, 3, h, &di_guid, (VOID **)&di) != EFI_SUCCESS || !di)
        return;
    SetMem(buf, sizeof buf, 0);
    if (!CompareGuid(&di->Interface, &ide) || !CompareGuid(&di->Interface, &ahci)) {
        if (uefi_call_wrapper(di->Identify, 3, di, buf, &size) == EFI_SUCCESS && size >= 94) {
            ata_string(d->serial, sizeof d->serial, buf + 20, 20, 1);
            ata_string(d->model, sizeof d->model, buf + 54, 40, 1);
        }
    } else if (!CompareGuid(&di->Interface, &scsi) || !CompareGuid(&di->Interface, &usb)) {
        if (uefi_call_wrapper(di->Inquiry, 3, di, buf, &size) == EFI_SUCCESS && size >= 32) {
            ata_string(d->model, sizeof d->model, buf + 8, 24, 0);
        }
    }
}

/* NVMe: Identify Controller (admin opcode 0x06, CNS 1) on the controller the path leads to;
 * serial number is bytes 4..23, model 24..63, both ASCII. */
static void nvme_identify(struct plat_disk *d, EFI_DEVICE_PATH *dp)
{
    static EFI_GUID guid = BB_EFI_NVM_EXPRESS_PASS_THRU_PROTOCOL_GUID;
    EFI_DEVICE_PATH *rest = dp;
    EFI_HANDLE ctrl = NULL;
    BB_EFI_NVM_EXPRESS_PASS_THRU_PROTOCOL *pt = NULL;
    if (uefi_call_wrapper(BS->LocateDevicePath, 3, &guid, &rest, &ctrl) != EFI_SUCCESS ||
        uefi_call_wrapper(BS->HandleProtocol, 3, ctrl, &guid, (VOID **)&pt) != EFI_SUCCESS || !pt)
        return;
    size_t align = pt->Mode && pt->Mode->IoAlign > 4096 ? pt->Mode->IoAlign : 4096;
    UINT8 *id = plat_alloc_pages(4096, align, 0);
    if (!id)
        return;
    BB_EFI_NVM_EXPRESS_COMMAND cmd;
    BB_EFI_NVM_EXPRESS_COMPLETION cpl;
    BB_EFI_NVM_EXPRESS_PASS_THRU_COMMAND_PACKET pkt;
    SetMem(&cmd, sizeof cmd, 0);
    SetMem(&cpl, sizeof cpl, 0);
    SetMem(&pkt, sizeof pkt, 0);
    SetMem(id, 4096, 0);
    cmd.Cdw0.Opcode = 0x06;
    cmd.Nsid = 0;
    cmd.Cdw10 = 1;
    cmd.Flags = BB_NVME_CDW10_VALID;
    pkt.CommandTimeout = 10000000; /* 1 s in 100 ns units */
    pkt.TransferBuffer = id;
    pkt.TransferLength = 4096;
    pkt.QueueType = 0; /* admin */
    pkt.NvmeCmd = &cmd;
    pkt.NvmeCompletion = &cpl;
    if (uefi_call_wrapper(pt->PassThru, 4, pt, 0, &pkt, NULL) == EFI_SUCCESS) {
        ata_string(d->serial, sizeof d->serial, id + 4, 20, 0);
        ata_string(d->model, sizeof d->model, id + 24, 40, 0);
    }
    plat_free_pages(id, 4096);
}

void uefi_block_identify(struct plat_disk *d, EFI_HANDLE h, EFI_DEVICE_PATH *dp)
{
    classify(d, dp);
    if (d->partition)
        return;
    disk_info(d, h);
    if (!d->model[0] && !strcmpa((CHAR8 *)d->kind, (CHAR8 *)"nvme"))
        nvme_identify(d, dp);
}
