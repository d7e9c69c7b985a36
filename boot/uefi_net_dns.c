/* uefi_net_dns.c - upload=http://NAME:PORT/ on the UEFI image: a DNS4 child of the firmware's
 * network stack looks the name up (servers from DHCP), bounded in time; says when there is none. */
#include "boot/uefi_net_dns.h"
#include "kernel/lib/fmt.h"
#include "kernel/upload/upload.h"

#include <string.h>

static EFI_GUID dns4_sb_guid = BB_EFI_DNS4_SERVICE_BINDING_PROTOCOL_GUID;
static EFI_GUID dns4_guid = BB_EFI_DNS4_PROTOCOL_GUID;
static EFI_GUID tcp4_sb_guid = EFI_TCP4_SERVICE_BINDING_PROTOCOL;

/* Kept static: a token the firmware still holds after a failed Cancel never points at freed
 * memory (one lookup per attempt at most, each with its own slot). */
static BB_EFI_DNS4_COMPLETION_TOKEN g_tok[11];
static int g_ntok;

int plat_upload_resolves_names(void)
{
    if (uefi_handles_with(&dns4_sb_guid))
        return 1;
    /* without a started network stack (e.g. booted from disk) we cannot tell before the run:
     * the NIC's drivers are connected only for the upload, not while measuring */
    return uefi_handles_with(&tcp4_sb_guid) ? 0 : -1;
}

int uefi_dns_resolve(const struct uefi_net *net, const char *host, uint8_t ip[4], char *why,
                     size_t whylen)
{
    EFI_SERVICE_BINDING *sb = NULL;
    EFI_HANDLE child = NULL;
    BB_EFI_DNS4_PROTOCOL *dns = NULL;
    if (uefi_call_wrapper(BS->HandleProtocol, 3, net->nic, &dns4_sb_guid, (VOID **)&sb) != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "this firmware cannot resolve names (no DNS4 protocol): use an "
                    "IPv4 address in upload= instead of '%s'", host);
        return -2;
    }
    if (g_ntok >= (int)(sizeof g_tok / sizeof g_tok[0])) {
        bb_snprintf(why, whylen, "no more name lookups for this run");
        return -2;
    }
    BB_EFI_DNS4_COMPLETION_TOKEN *tok = &g_tok[g_ntok++];
    int rc = -1;
    EFI_STATUS st = uefi_call_wrapper(sb->CreateChild, 2, sb, &child);
    if (st == EFI_SUCCESS)
        st = uefi_call_wrapper(BS->HandleProtocol, 3, child, &dns4_guid, (VOID **)&dns);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot create a DNS4 instance (0x%llx)", (unsigned long long)st);
        goto err_child;
    }
    BB_EFI_DNS4_CONFIG_DATA cd;
    ZeroMem(&cd, sizeof cd);
    cd.UseDefaultSetting = net->use_default ? TRUE : FALSE;
    if (!net->use_default) {
        cd.StationIp = net->ip;
        cd.SubnetMask = net->mask;
    }
    cd.EnableDnsCache = TRUE;
    cd.Protocol = 17;
    cd.RetryCount = 2;
    cd.RetryInterval = 2;
    st = uefi_call_wrapper(dns->Configure, 2, dns, &cd);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot configure DNS4 (0x%llx; no DNS server from DHCP?)",
                    (unsigned long long)st);
        goto err_child;
    }
    CHAR16 name[64];
    size_t k = 0;
    for (; host[k] && k + 1 < sizeof name / sizeof name[0]; k++)
        name[k] = (CHAR16)(unsigned char)host[k];
    name[k] = 0;
    ZeroMem(tok, sizeof *tok);
    st = uefi_call_wrapper(BS->CreateEvent, 5, 0, 0, NULL, NULL, &tok->Event);
    if (st == EFI_SUCCESS)
        st = uefi_call_wrapper(dns->HostNameToIp, 3, dns, name, tok);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot look up %s (0x%llx)", host, (unsigned long long)st);
        goto err_configured;
    }
    struct uefi_deadline d;
    int done = 0;
    if (uefi_deadline_start(&d, DNS_WAIT_MS) == 0) {
        while (!(done = uefi_call_wrapper(BS->CheckEvent, 1, tok->Event) == EFI_SUCCESS) &&
               !uefi_deadline_expired(&d)) {
            uefi_call_wrapper(dns->Poll, 1, dns);
            uefi_call_wrapper(BS->Stall, 1, 1000);
        }
        uefi_deadline_stop(&d);
    }
    if (!done) {
        bb_snprintf(why, whylen, "no answer for %s from the DNS server within %d s", host, DNS_WAIT_MS / 1000);
        if (uefi_call_wrapper(dns->Cancel, 2, dns, tok) != EFI_SUCCESS &&
            uefi_call_wrapper(dns->Configure, 2, dns, NULL) != EFI_SUCCESS)
            return -1; /* the firmware keeps the token: leave child and event alive */
        goto err_configured;
    }
    if (tok->Status != EFI_SUCCESS || !tok->RspData.H2AData || !tok->RspData.H2AData->IpCount) {
        bb_snprintf(why, whylen, "cannot resolve %s: %s", host,
                    tok->Status == EFI_NOT_FOUND ? "no such name" : tok->Status == EFI_TIMEOUT
                    ? "no DNS server answered" : "DNS error");
    } else {
        CopyMem(ip, tok->RspData.H2AData->IpList[0].Addr, 4);
        bb_printf("network: %s is %u.%u.%u.%u (firmware DNS)\n", host, ip[0], ip[1], ip[2], ip[3]);
        rc = 0;
    }
    if (tok->Status == EFI_SUCCESS && tok->RspData.H2AData) { /* the driver's buffers: ours now */
        if (tok->RspData.H2AData->IpList)
            FreePool(tok->RspData.H2AData->IpList);
        FreePool(tok->RspData.H2AData);
    }
err_configured:
    if (tok->Event)
        uefi_call_wrapper(BS->CloseEvent, 1, tok->Event);
    uefi_call_wrapper(dns->Configure, 2, dns, NULL);
err_child:
    if (child)
        uefi_call_wrapper(sb->DestroyChild, 2, sb, child);
    return rc;
}
