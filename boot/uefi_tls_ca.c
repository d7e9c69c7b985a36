/* uefi_tls_ca.c - the CA of an https:// upload handed to EDK2's HttpDxe the way it reads it: the
 * TlsCaCertificate variable (gEfiTlsCaCertificateGuid), read once per connection when the TLS
 * session is set up, with any attributes.  We write it volatile (boot services only) for the
 * attempt and delete it afterwards; a volatile one that was there (OVMF sets one from QEMU's
 * fw_cfg etc/edk2/https/cacerts) is put back; a non-volatile one is never touched. */
#include "boot/efi_protocols.h"
#include "boot/uefi_net.h"
#include "kernel/lib/fmt.h"
#include "kernel/upload/upload_ca.h"

#include <string.h>

static EFI_GUID ca_guid = BB_EFI_TLS_CA_CERTIFICATE_GUID;

static struct {
    int set;                        /* ours is in the variable */
    int had;                        /* a volatile one was there: put back saved[0..len) */
    UINT32 attrs;
    UINTN len;
    uint8_t saved[UPLOAD_CA_LIST_MAX];
} g;

int uefi_tls_ca_set(const uint8_t *list, size_t n, char *why, size_t whylen)
{
    UINT32 attrs = 0;
    UINTN len = sizeof g.saved;
    EFI_STATUS st = uefi_call_wrapper(RT->GetVariable, 5, BB_EFI_TLS_CA_CERTIFICATE_VARIABLE,
                                      &ca_guid, &attrs, &len, g.saved);
    g.had = 0;
    if (st == EFI_SUCCESS || st == EFI_BUFFER_TOO_SMALL) {
        if (attrs & EFI_VARIABLE_NON_VOLATILE) {
            bb_snprintf(why, whylen, "the firmware keeps its own HTTPS CA list in NVRAM "
                        "(TlsCaCertificate, e.g. set up for HTTPS boot); barebench does not change "
                        "NVRAM: remove it or use http:// with upload_key=");
            return -1;
        }
        if (st == EFI_BUFFER_TOO_SMALL) {
            bb_snprintf(why, whylen, "the firmware's own TlsCaCertificate is larger than %u bytes: "
                        "cannot keep it to put it back", (unsigned)sizeof g.saved);
            return -1;
        }
        g.had = 1;
        g.attrs = attrs;
        g.len = len;
        /* a volatile variable may be replaced only by deleting it first */
        uefi_call_wrapper(RT->SetVariable, 5, BB_EFI_TLS_CA_CERTIFICATE_VARIABLE, &ca_guid, 0, 0, NULL);
    } else if (st != EFI_NOT_FOUND) {
        bb_snprintf(why, whylen, "cannot read the TlsCaCertificate variable (0x%llx)",
                    (unsigned long long)st);
        return -1;
    }
    st = uefi_call_wrapper(RT->SetVariable, 5, BB_EFI_TLS_CA_CERTIFICATE_VARIABLE, &ca_guid,
                           EFI_VARIABLE_BOOTSERVICE_ACCESS, (UINTN)n, (VOID *)list);
    if (st != EFI_SUCCESS) {
        bb_snprintf(why, whylen, "cannot hand the CA to the firmware (volatile TlsCaCertificate: "
                    "0x%llx)", (unsigned long long)st);
        uefi_tls_ca_restore();
        return -1;
    }
    g.set = 1;
    return 0;
}

void uefi_tls_ca_restore(void)
{
    if (!g.set)
        return;
    uefi_call_wrapper(RT->SetVariable, 5, BB_EFI_TLS_CA_CERTIFICATE_VARIABLE, &ca_guid, 0, 0, NULL);
    if (g.had)
        uefi_call_wrapper(RT->SetVariable, 5, BB_EFI_TLS_CA_CERTIFICATE_VARIABLE, &ca_guid, g.attrs,
                          g.len, g.saved);
    /* say what the firmware holds now: the run's proof that nothing of ours stayed */
    static uint8_t now[UPLOAD_CA_LIST_MAX];
    UINT32 attrs = 0;
    UINTN len = sizeof now;
    EFI_STATUS st = uefi_call_wrapper(RT->GetVariable, 5, BB_EFI_TLS_CA_CERTIFICATE_VARIABLE,
                                      &ca_guid, &attrs, &len, now);
    if (!g.had && st == EFI_NOT_FOUND)
        bb_printf("upload: TlsCaCertificate removed again\n");
    else if (g.had && st == EFI_SUCCESS && attrs == g.attrs && len == g.len &&
             !memcmp(now, g.saved, len))
        bb_printf("upload: the firmware's own (volatile) TlsCaCertificate put back\n");
    else
        bb_printf("upload: WARNING: TlsCaCertificate is not as it was before the upload (0x%llx)\n",
                  (unsigned long long)st);
    g.set = g.had = 0;
}
