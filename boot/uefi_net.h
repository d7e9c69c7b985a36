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

/** How many handles offer the protocol guid (0 when none). */
int uefi_handles_with(EFI_GUID *guid);

/* A firmware timer: expired() stays true once the time has passed. */
struct uefi_deadline {
    EFI_EVENT ev;
    int fired;
};
int uefi_deadline_start(struct uefi_deadline *d, UINT64 ms);
int uefi_deadline_expired(struct uefi_deadline *d);
void uefi_deadline_stop(struct uefi_deadline *d);

/* The NIC and the IPv4 setup an upload uses. */
struct uefi_net {
    EFI_HANDLE nic;
    int use_default;             /* 1: the firmware's own address (DHCP through IP4Config2);
                                    0: our own station address on the TCP4 child (static) */
    EFI_IPv4_ADDRESS ip, mask, gw;
    int has_gw;
    BB_EFI_IP4_CONFIG2_PROTOCOL *cfg;
    int restore_policy;          /* we switched the policy to DHCP: put `policy` back after */
    BB_EFI_IP4_CONFIG2_POLICY policy;
    char addr[24];               /* "A.B.C.D/PREFIX" for the console */
};

/** Pick the NIC barebench was loaded from when it offers TCP4, else the first NIC that does,
 *  and set up IPv4 as `net` says: "ADDR/PREFIX[,GATEWAY]" is given to the TCP4 child itself
 *  (the firmware's IP4Config2 settings, kept in NVRAM, are not touched); "dhcp" uses the
 *  firmware's address, switching IP4Config2 to DHCP only when it is not, and uefi_net_down
 *  switches it back.  0, or -1 (worth retrying: no lease) / -2 (no usable interface, bad
 *  net=) with the reason in why. */
int uefi_net_up(const char *net, struct uefi_net *n, char *why, size_t whylen);

/** Undo what uefi_net_up changed in the firmware (the IP4Config2 policy). */
void uefi_net_down(struct uefi_net *n);

/** One https:// attempt through the firmware's EFI HTTP protocol on net->nic (TLS by HttpDxe +
 *  TlsDxe, trusting auth->ca_list through the TlsCaCertificate variable, which is volatile and
 *  gone again when this returns): an HTTP status, or UPLOAD_NO_ANSWER / UPLOAD_PERMANENT, with
 *  what happened in why (boot/uefi_net_https.c). */
struct upload_url;
struct upload_auth;
int uefi_https_upload(const struct uefi_net *net, const struct upload_url *u,
                      const struct upload_auth *auth, const char *json, size_t n, char *why,
                      size_t whylen);

/** Put the CA signature lists into the volatile TlsCaCertificate variable for one connection,
 *  remembering a volatile one already there (an NV one is refused: NVRAM stays untouched).
 *  0, or -1 with why (boot/uefi_tls_ca.c). */
int uefi_tls_ca_set(const uint8_t *list, size_t n, char *why, size_t whylen);
/** Delete ours and put back what was there before; safe to call when nothing was set. */
void uefi_tls_ca_restore(void);

#endif
