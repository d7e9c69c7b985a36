/* uefi_net_ip.c - brings up IPv4 on the NIC barebench was loaded from (else the first whose
 * firmware stack offers TCP4): the firmware's DHCP address, or a static address/prefix/gateway
 * kept on our own TCP4 child so that NVRAM is not written; every wait is bounded.  Also names
 * that NIC's MAC address for the document (plat_upload_mac). */
#include "boot/uefi_net.h"
#include "kernel/lib/fmt.h"
#include "kernel/upload/upload.h"

#include <string.h>

#define DHCP_WAIT_MS 15000  /* OVMF under QEMU: about 3 s */

static EFI_GUID tcp4_sb_guid = EFI_TCP4_SERVICE_BINDING_PROTOCOL;
static EFI_GUID ip4cfg2_guid = BB_EFI_IP4_CONFIG2_PROTOCOL_GUID;

int uefi_deadline_start(struct uefi_deadline *d, UINT64 ms)
{
    d->fired = 0;
    d->ev = NULL;
    if (uefi_call_wrapper(BS->CreateEvent, 5, EVT_TIMER, 0, NULL, NULL, &d->ev) != EFI_SUCCESS)
        return -1;
    if (uefi_call_wrapper(BS->SetTimer, 3, d->ev, TimerRelative, ms * 10000) != EFI_SUCCESS) {
        uefi_call_wrapper(BS->CloseEvent, 1, d->ev);
        d->ev = NULL;
        return -1;
    }
    return 0;
}

int uefi_deadline_expired(struct uefi_deadline *d)
{
    if (!d->fired && d->ev && uefi_call_wrapper(BS->CheckEvent, 1, d->ev) == EFI_SUCCESS)
        d->fired = 1; /* CheckEvent clears the signal: remember it */
    return d->fired || !d->ev;
}

void uefi_deadline_stop(struct uefi_deadline *d)
{
    if (d->ev) {
        uefi_call_wrapper(BS->SetTimer, 3, d->ev, TimerCancel, 0);
        uefi_call_wrapper(BS->CloseEvent, 1, d->ev);
    }
    d->ev = NULL;
}

int uefi_handles_with(EFI_GUID *guid)
{
    EFI_HANDLE *h = NULL;
    UINTN n = 0;
    if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, guid, NULL, &n, &h) != EFI_SUCCESS)
        return 0;
    FreePool(h);
    return (int)n;
}

/* Handles offering the TCP4 service binding; connects the NIC drivers once if there are none. */
static EFI_HANDLE *tcp4_handles(UINTN *n)
{
    EFI_HANDLE *h = NULL;
    for (int round = 0; round < 2; round++) {
        *n = 0;
        if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &tcp4_sb_guid, NULL, n, &h) ==
                EFI_SUCCESS && *n)
            return h;
        /* the boot manager may not have started the network stack (e.g. a -kernel boot):
         * connect the NIC drivers and the stack above them, starting from the PCI devices */
        EFI_HANDLE *devs = NULL;
        UINTN nd = 0;
        if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &PciIoProtocol, NULL, &nd,
                              &devs) != EFI_SUCCESS)
            return NULL;
        for (UINTN i = 0; i < nd; i++)
            uefi_call_wrapper(BS->ConnectController, 4, devs[i], NULL, NULL, TRUE);
        FreePool(devs);
    }
    return NULL;
}

/* The interface's current address, 0.0.0.0 when it has none yet. */
static int station(BB_EFI_IP4_CONFIG2_PROTOCOL *cfg, EFI_IPv4_ADDRESS *ip, EFI_IPv4_ADDRESS *mask)
{
    UINTN size = 0;
    EFI_STATUS st = uefi_call_wrapper(cfg->GetData, 4, cfg, BbIp4Config2DataTypeInterfaceInfo,
                                      &size, NULL);
    if (st != EFI_BUFFER_TOO_SMALL || size < sizeof(BB_EFI_IP4_CONFIG2_INTERFACE_INFO))
        return -1;
    BB_EFI_IP4_CONFIG2_INTERFACE_INFO *info = AllocateZeroPool(size);
    if (!info)
        return -1;
    st = uefi_call_wrapper(cfg->GetData, 4, cfg, BbIp4Config2DataTypeInterfaceInfo, &size, info);
    if (st == EFI_SUCCESS) {
        *ip = info->StationAddress;
        *mask = info->SubnetMask;
    }
    FreePool(info);
    return st == EFI_SUCCESS ? 0 : -1;
}

static int has_addr(const EFI_IPv4_ADDRESS *a)
{
    return a->Addr[0] | a->Addr[1] | a->Addr[2] | a->Addr[3];
}

/* Wait until the interface has an address (equal to want, when want is given). */
static int wait_address(BB_EFI_IP4_CONFIG2_PROTOCOL *cfg, const EFI_IPv4_ADDRESS *want,
                        UINT64 ms, EFI_IPv4_ADDRESS *ip, EFI_IPv4_ADDRESS *mask)
{
    struct uefi_deadline d;
    if (uefi_deadline_start(&d, ms))
        return -1;
    int rc = -1;
    do {
        if (station(cfg, ip, mask) == 0 && has_addr(ip) &&
            (!want || !CompareMem(ip, want, sizeof *ip))) {
            rc = 0;
            break;
        }
        uefi_call_wrapper(BS->Stall, 1, 10000);
    } while (!uefi_deadline_expired(&d));
    uefi_deadline_stop(&d);
    return rc;
}

/* "ADDR/PREFIX[,GATEWAY]" */
static int parse_static(const char *s, EFI_IPv4_ADDRESS *ip, EFI_IPv4_ADDRESS *mask,
                        EFI_IPv4_ADDRESS *gw, int *has_gw)
{
    const char *slash = strchr(s, '/');
    if (!slash || upload_parse_ipv4(s, (size_t)(slash - s), ip->Addr))
        return -1;
    unsigned prefix = 0;
    const char *p = slash + 1;
    int digits = 0;
    for (; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
        prefix = prefix * 10 + (unsigned)(*p - '0');
    if (!digits || prefix < 1 || prefix > 32)
        return -1;
    UINT32 m = prefix == 32 ? 0xffffffffu : ~(0xffffffffu >> prefix);
    for (int i = 0; i < 4; i++)
        mask->Addr[i] = (UINT8)(m >> (24 - 8 * i));
    *has_gw = 0;
    if (*p == ',') {
        p++;
        if (upload_parse_ipv4(p, strlen(p), gw->Addr))
            return -1;
        *has_gw = 1;
    } else if (*p) {
        return -1;
    }
    return 0;
}

static int configure_dhcp(struct uefi_net *n, char *why, size_t whylen)
{
    BB_EFI_IP4_CONFIG2_PROTOCOL *cfg = n->cfg;
    BB_EFI_IP4_CONFIG2_POLICY pol = BbIp4Config2PolicyDhcp, cur = BbIp4Config2PolicyStatic;
    UINTN size = sizeof cur;
    EFI_IPv4_ADDRESS ip, mask;
    n->use_default = 1;
    uefi_call_wrapper(cfg->GetData, 4, cfg, BbIp4Config2DataTypePolicy, &size, &cur);
    if (cur != pol) {
        /* IP4Config2 keeps its policy in NVRAM: remember it, uefi_net_down puts it back */
        EFI_STATUS st = uefi_call_wrapper(cfg->SetData, 4, cfg, BbIp4Config2DataTypePolicy, sizeof pol, &pol);
        if (st != EFI_SUCCESS) {
            bb_snprintf(why, whylen, "cannot switch the NIC to DHCP (0x%llx)", (unsigned long long)st);
            return -1;
        }
        n->restore_policy = 1;
        n->policy = cur;
    }
    if (wait_address(cfg, NULL, DHCP_WAIT_MS, &ip, &mask)) {
        bb_snprintf(why, whylen, "no DHCP lease within %d s", DHCP_WAIT_MS / 1000);
        return -1;
    }
    n->ip = ip;
    n->mask = mask;
    return 0;
}

void uefi_net_down(struct uefi_net *n)
{
    if (n->restore_policy && n->cfg)
        uefi_call_wrapper(n->cfg->SetData, 4, n->cfg, BbIp4Config2DataTypePolicy, sizeof n->policy,
                          &n->policy);
    n->restore_policy = 0;
}

/* 1 when the device path of handle h is where the image was loaded from, or leads to it (the
 * image's path starts with the NIC's: MAC(...)/IPv4(...)/Uri(...)). */
static int loaded_from(EFI_HANDLE h, EFI_DEVICE_PATH *image_dp)
{
    EFI_DEVICE_PATH *dp = DevicePathFromHandle(h);
    if (!dp || !image_dp)
        return 0;
    UINTN a = DevicePathSize(dp), b = DevicePathSize(image_dp);
    if (a < sizeof(EFI_DEVICE_PATH) || a > b)
        return 0;
    a -= sizeof(EFI_DEVICE_PATH); /* without the end node */
    return a > 0 && CompareMem(dp, image_dp, a) == 0;
}

/* The device path of the device barebench was loaded from, or NULL. */
static EFI_DEVICE_PATH *image_device_path(void)
{
    EFI_LOADED_IMAGE *li = NULL;
    if (uefi_call_wrapper(BS->HandleProtocol, 3, g_image, &LoadedImageProtocol, (VOID **)&li) !=
            EFI_SUCCESS || !li)
        return NULL;
    return DevicePathFromHandle(li->DeviceHandle);
}

/* Of the NICs h[0..count-1], the one we were loaded from (PXE/HTTP boot) is the one that is
 * cabled; else the first: a fleet machine has one cabled NIC. */
static EFI_HANDLE pick_nic(EFI_HANDLE *h, UINTN count)
{
    EFI_DEVICE_PATH *image_dp = image_device_path();
    for (UINTN i = 0; i < count; i++)
        if (loaded_from(h[i], image_dp))
            return h[i];
    return h[0];
}

/* Connect the drivers of the network cards (PCI class 02h) and what sits on them, as the upload
 * is about to: after a boot that did not start the network (e.g. -kernel). */
static void connect_nics(void)
{
    EFI_HANDLE *devs = NULL;
    UINTN nd = 0;
    if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &PciIoProtocol, NULL, &nd,
                          &devs) != EFI_SUCCESS)
        return;
    for (UINTN i = 0; i < nd; i++) {
        EFI_PCI_IO_PROTOCOL *pci = NULL;
        UINT8 class = 0;
        if (uefi_call_wrapper(BS->HandleProtocol, 3, devs[i], &PciIoProtocol, (VOID **)&pci) ==
                EFI_SUCCESS && pci &&
            uefi_call_wrapper(pci->Pci.Read, 5, pci, EfiPciIoWidthUint8, 0x0b, 1, &class) ==
                EFI_SUCCESS && class == 0x02)
            uefi_call_wrapper(BS->ConnectController, 4, devs[i], NULL, NULL, TRUE);
    }
    FreePool(devs);
}

int plat_upload_mac(const char *url, char mac[18])
{
    struct upload_url u;
    char why[160];
    mac[0] = '\0';
    if (upload_parse_url(url, &u, why, sizeof why))
        return -1;
    /* the NIC uefi_net_up will pick, among those whose stack is started, else among the cards
     * the firmware drives; when there are none yet, their drivers are connected first */
    if (!uefi_handles_with(&tcp4_sb_guid) && !uefi_handles_with(&SimpleNetworkProtocol))
        connect_nics();
    EFI_GUID *guids[] = {&tcp4_sb_guid, &SimpleNetworkProtocol};
    for (int g = 0; g < 2 && !mac[0]; g++) {
        EFI_HANDLE *h = NULL;
        UINTN count = 0;
        EFI_SIMPLE_NETWORK *snp = NULL;
        if (uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, guids[g], NULL, &count, &h) !=
                EFI_SUCCESS || !count)
            continue;
        EFI_HANDLE nic = pick_nic(h, count);
        FreePool(h);
        if (uefi_call_wrapper(BS->HandleProtocol, 3, nic, &SimpleNetworkProtocol, (VOID **)&snp) !=
                EFI_SUCCESS || !snp || !snp->Mode || snp->Mode->HwAddressSize != 6)
            continue;
        const UINT8 *a = snp->Mode->CurrentAddress.Addr;
        bb_snprintf(mac, 18, "%02x:%02x:%02x:%02x:%02x:%02x", a[0], a[1], a[2], a[3], a[4], a[5]);
    }
    return mac[0] ? 0 : -1;
}

int uefi_net_up(const char *net, struct uefi_net *n, char *why, size_t whylen)
{
    ZeroMem(n, sizeof *n);
    int dhcp = !net[0] || !strcmp(net, "dhcp");
    if (!dhcp && parse_static(net, &n->ip, &n->mask, &n->gw, &n->has_gw)) {
        bb_snprintf(why, whylen, "bad net= value '%.40s' (expected dhcp or ADDR/PREFIX[,GATEWAY])", net);
        return -2;
    }
    UINTN count = 0;
    EFI_HANDLE *h = tcp4_handles(&count);
    if (!h) {
        bb_snprintf(why, whylen, "no network interface with a firmware TCP/IP stack");
        return -2;
    }
    n->nic = pick_nic(h, count);
    FreePool(h);
    int rc = 0;
    if (dhcp) {
        if (uefi_call_wrapper(BS->HandleProtocol, 3, n->nic, &ip4cfg2_guid, (VOID **)&n->cfg) != EFI_SUCCESS) {
            bb_snprintf(why, whylen, "the network interface offers no IP4Config2 (needed for dhcp)");
            return -2;
        }
        rc = configure_dhcp(n, why, whylen);
    }
    if (rc == 0) {
        int prefix = 0;
        for (int k = 0; k < 4; k++)
            for (int b = 7; b >= 0; b--)
                prefix += (n->mask.Addr[k] >> b) & 1;
        bb_snprintf(n->addr, sizeof n->addr, "%u.%u.%u.%u/%d", n->ip.Addr[0], n->ip.Addr[1],
                    n->ip.Addr[2], n->ip.Addr[3], prefix);
    } else {
        uefi_net_down(n);
    }
    return rc;
}
