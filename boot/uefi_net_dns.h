/* uefi_net_dns.h - host names for upload= on the UEFI image through the firmware's DNS4
 * protocol (UEFI 2.5 section 29.2; not in GNU-EFI 3.0.15: the parts used are declared here). */
#ifndef BB_UEFI_NET_DNS_H
#define BB_UEFI_NET_DNS_H

#include "boot/uefi_net.h"

#define BB_EFI_DNS4_SERVICE_BINDING_PROTOCOL_GUID                                              \
    { 0xb625b186, 0xe063, 0x44f7, { 0x89, 0x05, 0x6a, 0x74, 0xdc, 0x6f, 0x52, 0xb4 } }
#define BB_EFI_DNS4_PROTOCOL_GUID                                                              \
    { 0xae3d28cc, 0xe05b, 0x4fa1, { 0xa0, 0x11, 0x7e, 0xb5, 0x5a, 0x3f, 0x14, 0x01 } }

typedef struct {
    UINTN DnsServerListCount;          /* 0: the DNS servers come from DHCP */
    EFI_IPv4_ADDRESS *DnsServerList;
    BOOLEAN UseDefaultSetting;         /* the firmware's address and routes */
    BOOLEAN EnableDnsCache;
    UINT8 Protocol;                    /* 17: UDP */
    EFI_IPv4_ADDRESS StationIp;
    EFI_IPv4_ADDRESS SubnetMask;
    UINT16 LocalPort;
    UINT32 RetryCount;
    UINT32 RetryInterval;              /* seconds, at least 2 */
} BB_EFI_DNS4_CONFIG_DATA;

typedef struct {
    UINT32 IpCount;
    EFI_IPv4_ADDRESS *IpList;
} BB_DNS_HOST_TO_ADDR_DATA;

typedef struct {
    EFI_EVENT Event;
    EFI_STATUS Status;
    UINT32 RetryCount;
    UINT32 RetryInterval;
    union {
        BB_DNS_HOST_TO_ADDR_DATA *H2AData;
        VOID *Other;
    } RspData;
} BB_EFI_DNS4_COMPLETION_TOKEN;

typedef struct _BB_EFI_DNS4_PROTOCOL BB_EFI_DNS4_PROTOCOL;
struct _BB_EFI_DNS4_PROTOCOL {
    EFI_STATUS(EFIAPI *GetModeData)(BB_EFI_DNS4_PROTOCOL *This, VOID *ModeData);
    EFI_STATUS(EFIAPI *Configure)(BB_EFI_DNS4_PROTOCOL *This, BB_EFI_DNS4_CONFIG_DATA *Config);
    EFI_STATUS(EFIAPI *HostNameToIp)(BB_EFI_DNS4_PROTOCOL *This, CHAR16 *HostName,
                                     BB_EFI_DNS4_COMPLETION_TOKEN *Token);
    VOID *IpToHostName, *GeneralLookUp, *UpdateDnsCache;
    EFI_STATUS(EFIAPI *Poll)(BB_EFI_DNS4_PROTOCOL *This);
    EFI_STATUS(EFIAPI *Cancel)(BB_EFI_DNS4_PROTOCOL *This, BB_EFI_DNS4_COMPLETION_TOKEN *Token);
};

#define DNS_WAIT_MS 10000 /* the longest a name lookup may take */

/** Resolve host to an IPv4 address through the DNS4 protocol on net's NIC (DNS servers from
 *  DHCP).  0, or -1 (lookup failed or timed out: worth retrying) / -2 (this firmware has no
 *  DNS4) with the reason in why. */
int uefi_dns_resolve(const struct uefi_net *net, const char *host, uint8_t ip[4], char *why,
                     size_t whylen);

#endif
