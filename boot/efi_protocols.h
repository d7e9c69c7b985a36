/* efi_protocols.h - the few UEFI/PI protocols GNU-EFI 3.0.15 does not declare, written from
 * the PI specification (MP Services, vol. 2 ch. 13.4).  Kept together in this one header. */
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

#endif
