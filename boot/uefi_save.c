/* uefi_save.c - writes the results document to \barebench\results\ on the volume barebench
 * was loaded from, when that volume is writable.  Never overwrites an existing file. */
#include "boot/uefi.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "boot/uefi_native.h"

static EFI_STATUS open_dir(EFI_FILE_HANDLE parent, CHAR16 *name, EFI_FILE_HANDLE *out)
{
    return uefi_call_wrapper(parent->Open, 5, parent, out, name,
                             EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE,
                             EFI_FILE_DIRECTORY);
}

static void status_text(EFI_STATUS st, char *buf, size_t n)
{
    const char *s = st == EFI_WRITE_PROTECTED ? "the boot volume is read-only"
                  : st == EFI_VOLUME_FULL ? "the boot volume is full"
                  : st == EFI_ACCESS_DENIED ? "access denied"
                  : st == EFI_MEDIA_CHANGED ? "the medium changed"
                  : st == EFI_NO_MEDIA ? "no medium"
                  : st == EFI_DEVICE_ERROR ? "device error"
                  : st == EFI_UNSUPPORTED ? "the boot device has no file system"
                  : st == EFI_NOT_FOUND ? "the boot volume cannot store files (network boot?)"
                  : NULL;
    if (s)
        bb_snprintf(buf, n, "%s", s);
    else
        bb_snprintf(buf, n, "UEFI status 0x%llx", (unsigned long long)st);
}

int plat_save_results(const char *json, size_t len, const char *file_name, char *where,
                      size_t where_len)
{
    EFI_LOADED_IMAGE *li = NULL;
    EFI_FILE_HANDLE root = NULL, d1 = NULL, d2 = NULL, f = NULL;
    EFI_STATUS st;
    CHAR16 name[120];
    char ascii[120];
    int rc = -1;

    st = uefi_call_wrapper(BS->HandleProtocol, 3, g_image, &LoadedImageProtocol, (VOID **)&li);
    if (st != EFI_SUCCESS || !li || !li->DeviceHandle) {
        bb_snprintf(where, where_len, "no boot device known");
        return -1;
    }
    root = LibOpenRoot(uefi_boot_volume(li->DeviceHandle)); /* found again if its controller was taken */
    if (!root) {
        bb_snprintf(where, where_len, "the boot device has no file system");
        return -1;
    }
    if ((st = open_dir(root, L"barebench", &d1)) != EFI_SUCCESS)
        goto err_root;
    if ((st = open_dir(d1, L"results", &d2)) != EFI_SUCCESS)
        goto err_d1;
    /* find a name not taken yet: NAME, then NAME-1 .. NAME-99 */
    for (int k = 0; k < 100; k++) {
        EFI_FILE_HANDLE probe = NULL;
        if (k == 0)
            bb_snprintf(ascii, sizeof ascii, "%s", file_name);
        else
            bb_snprintf(ascii, sizeof ascii, "%.*s-%d.json", (int)(strlena((CHAR8 *)file_name) - 5),
                        file_name, k);
        for (int i = 0;; i++) {
            name[i] = (CHAR16)(unsigned char)ascii[i];
            if (!ascii[i] || i == 118) {
                name[i] = 0;
                break;
            }
        }
        if (uefi_call_wrapper(d2->Open, 5, d2, &probe, name, EFI_FILE_MODE_READ, 0) == EFI_SUCCESS) {
            uefi_call_wrapper(probe->Close, 1, probe);
            continue;
        }
        st = uefi_call_wrapper(d2->Open, 5, d2, &f, name,
                               EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE, 0);
        break;
    }
    if (st != EFI_SUCCESS || !f)
        goto err_d2;
    UINTN n = len;
    st = uefi_call_wrapper(f->Write, 3, f, &n, (VOID *)json);
    if (st == EFI_SUCCESS && n == len)
        st = uefi_call_wrapper(f->Flush, 1, f);
    uefi_call_wrapper(f->Close, 1, f);
    if (st == EFI_SUCCESS && n == len) {
        bb_snprintf(where, where_len, "\\barebench\\results\\%s on the boot volume", ascii);
        rc = 0;
    }
err_d2:
    uefi_call_wrapper(d2->Close, 1, d2);
err_d1:
    uefi_call_wrapper(d1->Close, 1, d1);
err_root:
    uefi_call_wrapper(root->Close, 1, root);
    if (rc)
        status_text(st, where, where_len);
    return rc;
}
