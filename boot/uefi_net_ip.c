/* uefi_net_ip.c - brings up IPv4 on the first NIC whose firmware stack offers TCP4: IP4Config2
 * policy DHCP, or a static address/prefix/gateway; every wait is bounded by a firmware timer. */
#include "boot/uefi_net.h"
#include "kernel/fmt.h"
#include "kernel/upload.h"

#include <string.h>

#define DHCP_WAIT_MS 15000  /* OVMF under QEMU: about 3 s */
#define STATIC_WAIT_MS 3000

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

static int configure(BB_EFI_IP4_CONFIG2_PROTOCOL *cfg, const char *net, EFI_IPv4_ADDRESS *ip,
                     EFI_IPv4_ADDRESS *mask, char *why, size_t whylen)
{
    EFI_STATUS st;
    if (!net[0] || !strcmp(net, "dhcp")) {
        BB_EFI_IP4_CONFIG2_POLICY pol = BbIp4Config2PolicyDhcp, cur = BbIp4Config2PolicyStatic;
        UINTN size = sizeof cur;
        uefi_call_wrapper(cfg->GetData, 4, cfg, BbIp4Config2DataTypePolicy, &size, &cur);
        if (cur != pol) {
            st = uefi_call_wrapper(cfg->SetData, 4, cfg, BbIp4Config2DataTypePolicy, sizeof pol, &pol);
            if (st != EFI_SUCCESS) {
                bb_snprintf(why, whylen, "cannot switch the NIC to DHCP (0x%llx)", (unsigned long long)st);
                return -1;
            }
        }
        if (wait_address(cfg, NULL, DHCP_WAIT_MS, ip, mask)) {
            bb_snprintf(why, whylen, "no DHCP lease within %d s", DHCP_WAIT_MS / 1000);
            return -1;
        }
        return 0;
    }
    EFI_IPv4_ADDRESS want, wmask, gw;
    int has_gw;
    if (parse_static(net, &want, &wmask, &gw, &has_gw)) {
        bb_snprintf(why, whylen, "bad net= value '%.40s' (expected dhcp or ADDR/PREFIX[,GATEWAY])", net);
        return -1;
    }
    BB_EFI_IP4_CONFIG2_POLICY pol = BbIp4Config2PolicyStatic;
    st = uefi_call_wrapper(cfg->SetData, 4, cfg, BbIp4Config2DataTypePolicy, sizeof pol, &pol);
    BB_EFI_IP4_CONFIG2_MANUAL_ADDRESS ma = {want, wmask};
    if (st == EFI_SUCCESS || st == EFI_NOT_READY)
        st = uefi_call_wrapper(cfg->SetData, 4, cfg, BbIp4Config2DataTypeManualAddress, sizeof ma, &ma);
    if (st != EFI_SUCCESS && st != EFI_NOT_READY) { /* NOT_READY: applied asynchronously */
        bb_snprintf(why, whylen, "cannot set the static address (0x%llx)", (unsigned long long)st);
        return -1;
    }
    if (wait_address(cfg, &want, STATIC_WAIT_MS, ip, mask)) {
        bb_snprintf(why, whylen, "the static address did not come up within %d s", STATIC_WAIT_MS / 1000);
        return -1;
    }
    if (has_gw) {
        st = uefi_call_wrapper(cfg->SetData, 4, cfg, BbIp4Config2DataTypeGateway, sizeof gw, &gw);
        if (st != EFI_SUCCESS && st != EFI_NOT_READY) {
            bb_snprintf(why, whylen, "cannot set the gateway (0x%llx)", (unsigned long long)st);
            return -1;
        }
    }
    return 0;
}

int uefi_net_up(const char *net, EFI_HANDLE *nic, char *addr, size_t addrlen, char *why,
                size_t whylen)
{
    UINTN n = 0;
    EFI_HANDLE *h = tcp4_handles(&n);
    if (!h) {
        bb_snprintf(why, whylen, "no network interface with a firmware TCP/IP stack");
        return -2;
    }
    int rc = -2;
    bb_snprintf(why, whylen, "no network interface offers IP4Config2");
    for (UINTN i = 0; i < n && rc; i++) {
        BB_EFI_IP4_CONFIG2_PROTOCOL *cfg = NULL;
        if (uefi_call_wrapper(BS->HandleProtocol, 3, h[i], &ip4cfg2_guid, (VOID **)&cfg) != EFI_SUCCESS)
            continue;
        EFI_IPv4_ADDRESS ip, mask;
        rc = -1;
        if (configure(cfg, net, &ip, &mask, why, whylen) == 0) {
            *nic = h[i];
            int prefix = 0;
            for (int k = 0; k < 4; k++)
                for (int b = 7; b >= 0; b--)
                    prefix += (mask.Addr[k] >> b) & 1;
            bb_snprintf(addr, addrlen, "%u.%u.%u.%u/%d", ip.Addr[0], ip.Addr[1], ip.Addr[2],
                        ip.Addr[3], prefix);
            rc = 0;
        }
        break; /* configure the first interface only: a fleet machine has one cabled NIC */
    }
    FreePool(h);
    return rc;
}
