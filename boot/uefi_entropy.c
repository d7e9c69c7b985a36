/* uefi_entropy.c - plat_entropy for the UEFI image: the firmware's EFI_RNG_PROTOCOL (default
 * algorithm) when it has one; OVMF offers it only with a virtio-rng device. */
#include "boot/uefi.h"
#include "kernel/run/run_id.h"

static EFI_GUID rng_guid = EFI_RNG_PROTOCOL_GUID;

int plat_entropy(void *buf, size_t n)
{
    EFI_RNG_PROTOCOL *rng = NULL;
    if (uefi_call_wrapper(BS->LocateProtocol, 3, &rng_guid, NULL, (VOID **)&rng) != EFI_SUCCESS || !rng)
        return -1;
    return uefi_call_wrapper(rng->GetRNG, 4, rng, NULL, (UINTN)n, (UINT8 *)buf) == EFI_SUCCESS ? 0 : -1;
}
