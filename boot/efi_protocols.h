/* efi_protocols.h - the few UEFI/PI protocols GNU-EFI 3.0.15 does not declare, written from
 * the PI specification (MP Services, vol. 2 ch. 13.4) and the UEFI specification (HTTP, TLS
 * service binding, EFI_SIGNATURE_LIST types).  Kept together in this one header. */
#ifndef BB_EFI_PROTOCOLS_H
#define BB_EFI_PROTOCOLS_H

#include <efi.h>

#define BB_EFI_MP_SERVICES_PROTOCOL_GUID                                                       \
    { 0x3fdda605, 0xa76e, 0x4f46, { 0xad, 0x29, 0x12, 0xf4, 0x53, 0x1b, 0x3d, 0x08 } }

typedef struct _BB_EFI_MP_SERVICES_PROTOCOL BB_EFI_MP_SERVICES_PROTOCOL;

typedef struct {
    UINT32 Package, Core, Thread;
} BB_EFI_CPU_PHYSICAL_LOCATION;

typedef struct {
    UINT64 ProcessorId;
    UINT32 StatusFlag; /* bit 0 BSP, bit 1 enabled, bit 2 healthy */
    BB_EFI_CPU_PHYSICAL_LOCATION Location;
    UINT8 ExtendedInformation[24]; /* PI 1.7 extension; room so newer firmware cannot overrun */
} BB_EFI_PROCESSOR_INFORMATION;

typedef VOID(EFIAPI *BB_EFI_AP_PROCEDURE)(IN VOID *Argument);

struct _BB_EFI_MP_SERVICES_PROTOCOL {
    EFI_STATUS(EFIAPI *GetNumberOfProcessors)(BB_EFI_MP_SERVICES_PROTOCOL *This, UINTN *Total,
                                              UINTN *Enabled);
    EFI_STATUS(EFIAPI *GetProcessorInfo)(BB_EFI_MP_SERVICES_PROTOCOL *This, UINTN Number,
                                         BB_EFI_PROCESSOR_INFORMATION *Info);
    EFI_STATUS(EFIAPI *StartupAllAPs)(BB_EFI_MP_SERVICES_PROTOCOL *This, BB_EFI_AP_PROCEDURE Proc,
                                      BOOLEAN SingleThread, EFI_EVENT WaitEvent, UINTN TimeoutUs,
                                      VOID *Argument, UINTN **FailedCpuList);
    EFI_STATUS(EFIAPI *StartupThisAP)(BB_EFI_MP_SERVICES_PROTOCOL *This, BB_EFI_AP_PROCEDURE Proc,
                                      UINTN Number, EFI_EVENT WaitEvent, UINTN TimeoutUs,
                                      VOID *Argument, BOOLEAN *Finished);
    EFI_STATUS(EFIAPI *SwitchBSP)(BB_EFI_MP_SERVICES_PROTOCOL *This, UINTN Number, BOOLEAN EnableOld);
    EFI_STATUS(EFIAPI *EnableDisableAP)(BB_EFI_MP_SERVICES_PROTOCOL *This, UINTN Number,
                                        BOOLEAN Enable, UINT32 *HealthFlag);
    EFI_STATUS(EFIAPI *WhoAmI)(BB_EFI_MP_SERVICES_PROTOCOL *This, UINTN *Number);
};

/* Disk Info protocol (PI specification vol. 5, "Disk Info Protocol"): who made a disk.
 * Interface tells the format: IDE/AHCI Identify = ATA IDENTIFY data, SCSI/USB Inquiry =
 * SCSI INQUIRY data; NVMe Identify returns namespace data (no model or serial). */
#define BB_EFI_DISK_INFO_PROTOCOL_GUID                                                         \
    { 0xd432a67f, 0x14dc, 0x484b, { 0xb3, 0xbb, 0x3f, 0x02, 0x91, 0x84, 0x93, 0x27 } }
#define BB_EFI_DISK_INFO_IDE_INTERFACE_GUID                                                    \
    { 0x5e948fe3, 0x26d3, 0x42b5, { 0xaf, 0x17, 0x61, 0x02, 0x87, 0x18, 0x8d, 0xec } }
#define BB_EFI_DISK_INFO_SCSI_INTERFACE_GUID                                                   \
    { 0x08f74baa, 0xea36, 0x41d9, { 0x95, 0x21, 0x21, 0xa7, 0x0f, 0x87, 0x80, 0xbc } }
#define BB_EFI_DISK_INFO_USB_INTERFACE_GUID                                                    \
    { 0xcb871572, 0xc11a, 0x47b5, { 0xb4, 0x92, 0x67, 0x5e, 0xaf, 0xa7, 0x77, 0x27 } }
#define BB_EFI_DISK_INFO_AHCI_INTERFACE_GUID                                                   \
    { 0x9e498932, 0x4abc, 0x45af, { 0xa3, 0x4d, 0x02, 0x47, 0x78, 0x7b, 0xe7, 0xc6 } }
#define BB_EFI_DISK_INFO_NVME_INTERFACE_GUID                                                   \
    { 0x3ab14680, 0x5d3f, 0x4a4d, { 0xbc, 0xdc, 0xcc, 0x38, 0x00, 0x18, 0xc7, 0xf7 } }

typedef struct _BB_EFI_DISK_INFO_PROTOCOL BB_EFI_DISK_INFO_PROTOCOL;

struct _BB_EFI_DISK_INFO_PROTOCOL {
    EFI_GUID Interface;
    EFI_STATUS(EFIAPI *Inquiry)(BB_EFI_DISK_INFO_PROTOCOL *This, VOID *InquiryData,
                                UINT32 *InquiryDataSize);
    EFI_STATUS(EFIAPI *Identify)(BB_EFI_DISK_INFO_PROTOCOL *This, VOID *IdentifyData,
                                 UINT32 *IdentifyDataSize);
    EFI_STATUS(EFIAPI *SenseData)(BB_EFI_DISK_INFO_PROTOCOL *This, VOID *SenseData,
                                  UINT32 *SenseDataSize, UINT8 *SenseDataNumber);
    EFI_STATUS(EFIAPI *WhichIde)(BB_EFI_DISK_INFO_PROTOCOL *This, UINT32 *IdeChannel,
                                 UINT32 *IdeDevice);
};

/* NVMe namespace device path node (UEFI 2.x, messaging subtype 0x17); not in GNU-EFI 3.0.15 */
#define BB_MSG_NVME_NAMESPACE_DP 0x17
typedef struct {
    EFI_DEVICE_PATH_PROTOCOL Header;
    UINT32 NamespaceId;
    UINT64 NamespaceUuid; /* EUI-64 */
} __attribute__((packed)) BB_NVME_NAMESPACE_DEVICE_PATH;

/* NVM Express Pass Thru protocol (UEFI 2.5+, "NVM Express Pass Thru Protocol"): used only for
 * Identify Controller, which names an NVMe disk's model and serial number. */
#define BB_EFI_NVM_EXPRESS_PASS_THRU_PROTOCOL_GUID                                             \
    { 0x52c78312, 0x8edc, 0x4233, { 0x98, 0xf2, 0x1a, 0x1a, 0xa5, 0xe3, 0x88, 0xa5 } }
#define BB_NVME_CDW10_VALID 0x04

/* The pass-thru protocols a firmware storage driver installs on its controller's handle (UEFI
 * 2.x: Extended SCSI, SCSI, ATA; NVMe above): only looked for, to tell a controller the
 * firmware has a driver for (boot/uefi_native.c). */
#define BB_EFI_EXT_SCSI_PASS_THRU_PROTOCOL_GUID                                                \
    { 0x143b7632, 0xb81b, 0x4cb7, { 0xab, 0xd3, 0xb6, 0x25, 0xa5, 0xb9, 0xbf, 0xfe } }
#define BB_EFI_SCSI_PASS_THRU_PROTOCOL_GUID                                                    \
    { 0xa59e8fcf, 0xbda0, 0x43bb, { 0x90, 0xb1, 0xd3, 0x73, 0x2e, 0xca, 0xa8, 0x77 } }
#define BB_EFI_ATA_PASS_THRU_PROTOCOL_GUID                                                     \
    { 0x1d3de7f0, 0x0807, 0x424f, { 0xaa, 0x69, 0x11, 0xa5, 0x4e, 0x19, 0xa4, 0x6f } }

typedef struct {
    UINT32 Attributes, IoAlign, NvmeVersion;
} BB_EFI_NVM_EXPRESS_PASS_THRU_MODE;

typedef struct {
    struct {
        UINT32 Opcode : 8;
        UINT32 FusedOperation : 2;
        UINT32 Reserved : 22;
    } Cdw0;
    UINT8 Flags;
    UINT32 Nsid;
    UINT32 Cdw2, Cdw3, Cdw10, Cdw11, Cdw12, Cdw13, Cdw14, Cdw15;
} BB_EFI_NVM_EXPRESS_COMMAND;

typedef struct {
    UINT32 DW0, DW1, DW2, DW3;
} BB_EFI_NVM_EXPRESS_COMPLETION;

typedef struct {
    UINT64 CommandTimeout;
    VOID *TransferBuffer;
    UINT32 TransferLength;
    VOID *MetadataBuffer;
    UINT32 MetadataLength;
    UINT8 QueueType;
    BB_EFI_NVM_EXPRESS_COMMAND *NvmeCmd;
    BB_EFI_NVM_EXPRESS_COMPLETION *NvmeCompletion;
} BB_EFI_NVM_EXPRESS_PASS_THRU_COMMAND_PACKET;

typedef struct _BB_EFI_NVM_EXPRESS_PASS_THRU_PROTOCOL BB_EFI_NVM_EXPRESS_PASS_THRU_PROTOCOL;
struct _BB_EFI_NVM_EXPRESS_PASS_THRU_PROTOCOL {
    BB_EFI_NVM_EXPRESS_PASS_THRU_MODE *Mode;
    EFI_STATUS(EFIAPI *PassThru)(BB_EFI_NVM_EXPRESS_PASS_THRU_PROTOCOL *This, UINT32 NamespaceId,
                                 BB_EFI_NVM_EXPRESS_PASS_THRU_COMMAND_PACKET *Packet,
                                 EFI_EVENT Event);
    VOID *GetNextNamespace, *BuildDevicePath, *GetNamespace; /* not used */
};

/* EFI HTTP protocol (UEFI 2.5+, section 29.6 "EFI HTTP Protocol"): an https:// upload through the
 * firmware's HttpDxe, which takes TLS from the TLS service binding and its trusted CAs from the
 * TlsCaCertificate variable (an EFI_SIGNATURE_LIST of X.509 DER certificates). */
#define BB_EFI_HTTP_SERVICE_BINDING_PROTOCOL_GUID                                              \
    { 0xbdc8e6af, 0xd9bc, 0x4379, { 0xa7, 0x2a, 0xe0, 0xc4, 0xe7, 0x5d, 0xae, 0x1c } }
#define BB_EFI_HTTP_PROTOCOL_GUID                                                              \
    { 0x7a59b29b, 0x910b, 0x4171, { 0x82, 0x42, 0xa8, 0x5a, 0x0d, 0xf2, 0x5b, 0x5b } }
#define BB_EFI_TLS_SERVICE_BINDING_PROTOCOL_GUID                                               \
    { 0x952cb795, 0xff36, 0x48cf, { 0xa2, 0x49, 0x4d, 0xf4, 0x86, 0xd6, 0xab, 0x8d } }
/* EDK2's private variable of CAs an HTTPS connection trusts (NetworkPkg, "TlsCaCertificate") */
#define BB_EFI_TLS_CA_CERTIFICATE_GUID                                                         \
    { 0xfd2340d0, 0x3dab, 0x4349, { 0xa6, 0xc7, 0x3b, 0x4f, 0x12, 0xb4, 0x8e, 0xae } }
#define BB_EFI_TLS_CA_CERTIFICATE_VARIABLE L"TlsCaCertificate"

typedef enum { BbHttpVersion10, BbHttpVersion11, BbHttpVersionUnsupported } BB_EFI_HTTP_VERSION;
typedef enum {
    BbHttpMethodGet, BbHttpMethodPost, BbHttpMethodPatch, BbHttpMethodOptions, BbHttpMethodConnect,
    BbHttpMethodHead, BbHttpMethodPut, BbHttpMethodDelete, BbHttpMethodTrace, BbHttpMethodMax
} BB_EFI_HTTP_METHOD;
/* EFI_HTTP_STATUS_CODE is an enumeration, not the number: see uefi_net_https.c's table */
typedef UINT32 BB_EFI_HTTP_STATUS_CODE;

typedef struct {
    BOOLEAN UseDefaultAddress;
    EFI_IPv4_ADDRESS LocalAddress;
    EFI_IPv4_ADDRESS LocalSubnet;
    UINT16 LocalPort;
} BB_EFI_HTTPv4_ACCESS_POINT;

typedef struct {
    BB_EFI_HTTP_VERSION HttpVersion;
    UINT32 TimeOutMillisec;
    BOOLEAN LocalAddressIsIPv6;
    union {
        BB_EFI_HTTPv4_ACCESS_POINT *IPv4Node;
        VOID *IPv6Node; /* not used */
    } AccessPoint;
} BB_EFI_HTTP_CONFIG_DATA;

typedef struct {
    BB_EFI_HTTP_METHOD Method;
    CHAR16 *Url;
} BB_EFI_HTTP_REQUEST_DATA;

typedef struct {
    BB_EFI_HTTP_STATUS_CODE StatusCode;
} BB_EFI_HTTP_RESPONSE_DATA;

typedef struct {
    CHAR8 *FieldName;
    CHAR8 *FieldValue;
} BB_EFI_HTTP_HEADER;

typedef struct {
    union {
        BB_EFI_HTTP_REQUEST_DATA *Request;
        BB_EFI_HTTP_RESPONSE_DATA *Response;
    } Data;
    UINTN HeaderCount;
    BB_EFI_HTTP_HEADER *Headers;
    UINTN BodyLength;
    VOID *Body;
} BB_EFI_HTTP_MESSAGE;

typedef struct {
    EFI_EVENT Event;
    EFI_STATUS Status;
    BB_EFI_HTTP_MESSAGE *Message;
} BB_EFI_HTTP_TOKEN;

typedef struct _BB_EFI_HTTP_PROTOCOL BB_EFI_HTTP_PROTOCOL;
struct _BB_EFI_HTTP_PROTOCOL {
    EFI_STATUS(EFIAPI *GetModeData)(BB_EFI_HTTP_PROTOCOL *This, BB_EFI_HTTP_CONFIG_DATA *Data);
    EFI_STATUS(EFIAPI *Configure)(BB_EFI_HTTP_PROTOCOL *This, BB_EFI_HTTP_CONFIG_DATA *Data);
    EFI_STATUS(EFIAPI *Request)(BB_EFI_HTTP_PROTOCOL *This, BB_EFI_HTTP_TOKEN *Token);
    EFI_STATUS(EFIAPI *Cancel)(BB_EFI_HTTP_PROTOCOL *This, BB_EFI_HTTP_TOKEN *Token);
    EFI_STATUS(EFIAPI *Response)(BB_EFI_HTTP_PROTOCOL *This, BB_EFI_HTTP_TOKEN *Token);
    EFI_STATUS(EFIAPI *Poll)(BB_EFI_HTTP_PROTOCOL *This);
};

#endif
