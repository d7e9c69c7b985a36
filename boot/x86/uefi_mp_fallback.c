/* uefi_mp_fallback.c (x86) - no own bring-up of the other processors on x86: UEFI firmware on
 * PCs offers EFI MP services (INIT-SIPI-SIPI is theirs); without them the run uses one. */
#include "boot/uefi.h"

int uefi_mp_fallback(struct mp_state *st, struct mp_ops *o, const char **why)
{
    (void)st, (void)o;
    *why = NULL;
    return -1;
}
