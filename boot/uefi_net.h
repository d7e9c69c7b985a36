/* uefi_net.h - the firmware network stack as barebench uses it: IP4Config2 (not in GNU-EFI
 * 3.0.15, declared here from UEFI 2.7 section 28.5), bringing a NIC up, and firmware deadlines.
 * Kept apart from boot/efi_protocols.h so that the upload stays in its own files. */
#ifndef BB_UEFI_NET_H
#define BB_UEFI_NET_H

#include "boot/uefi.h"

#define BB_EFI_IP4_CONFIG2_PROTOCOL_GUID                                                       \
    { 0x5b446ed1, 0xe30b, 0x4faa, { 0x87, 0x1a, 0x36, 0x54, 0xec, 0xa3, 0x60, 0x80 } }

typedef enum {
    BbIp4Config2DataTypeInterfaceInfo,
    BbIp4Config2DataTypePolicy,
    BbIp4Config2DataTypeManualAddress,
    BbIp4Config2DataTypeGateway,
    BbIp4Config2DataTypeDnsServer,
} BB_EFI_IP4_CONFIG2_DATA_TYPE;

typedef enum { BbIp4Config2PolicyStatic, BbIp4Config2PolicyDhcp } BB_EFI_IP4_CONFIG2_POLICY;

typedef struct {
    EFI_IPv4_ADDRESS Address;
    EFI_IPv4_ADDRESS SubnetMask;
} BB_EFI_IP4_CONFIG2_MANUAL_ADDRESS;

typedef struct {
    CHAR16 Name[32];
    UINT8 IfType;
    UINT32 HwAddressSize;
    EFI_MAC_ADDRESS HwAddress;
    EFI_IPv4_ADDRESS StationAddress;
    EFI_IPv4_ADDRESS SubnetMask;
    UINT32 RouteTableSize;
    EFI_IP4_ROUTE_TABLE *RouteTable;
} BB_EFI_IP4_CONFIG2_INTERFACE_INFO;

typedef struct _BB_EFI_IP4_CONFIG2_PROTOCOL BB_EFI_IP4_CONFIG2_PROTOCOL;
struct _BB_EFI_IP4_CONFIG2_PROTOCOL {
    EFI_STATUS(EFIAPI *SetData)(BB_EFI_IP4_CONFIG2_PROTOCOL *This, BB_EFI_IP4_CONFIG2_DATA_TYPE Type,
                                UINTN DataSize, VOID *Data);
    EFI_STATUS(EFIAPI *GetData)(BB_EFI_IP4_CONFIG2_PROTOCOL *This, BB_EFI_IP4_CONFIG2_DATA_TYPE Type,
                                UINTN *DataSize, VOID *Data);
    EFI_STATUS(EFIAPI *RegisterDataNotify)(BB_EFI_IP4_CONFIG2_PROTOCOL *This,
                                           BB_EFI_IP4_CONFIG2_DATA_TYPE Type, EFI_EVENT Event);
    EFI_STATUS(EFIAPI *UnregisterDataNotify)(BB_EFI_IP4_CONFIG2_PROTOCOL *This,
                                             BB_EFI_IP4_CONFIG2_DATA_TYPE Type, EFI_EVENT Event);
};

/* Network error statuses of UEFI 2.x (EFI_ERROR 100..103) that GNU-EFI does not define */
#ifndef EFI_NETWORK_UNREACHABLE
#define EFI_NETWORK_UNREACHABLE EFIERR(100)
#define EFI_HOST_UNREACHABLE EFIERR(101)
#define EFI_PORT_UNREACHABLE EFIERR(103)
#endif

/* A firmware timer: expired() stays true once the time has passed. */
struct uefi_deadline {
    EFI_EVENT ev;
    int fired;
};
int uefi_deadline_start(struct uefi_deadline *d, UINT64 ms);
int uefi_deadline_expired(struct uefi_deadline *d);
void uefi_deadline_stop(struct uefi_deadline *d);

/** Find a NIC whose firmware stack offers TCP4, configure its IPv4 address as `net` says
 *  ("dhcp", or "ADDR/PREFIX[,GATEWAY]") and wait until it has one.  Returns 0 with the NIC
 *  handle and its address text in `addr`; -1 (worth retrying: no lease, address not up) or -2
 *  (no usable interface) with the reason in why. */
int uefi_net_up(const char *net, EFI_HANDLE *nic, char *addr, size_t addrlen, char *why,
                size_t whylen);

#endif
