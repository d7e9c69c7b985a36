/* uefi_config.c - reads \barebench\barebench.cfg from the volume barebench was loaded from and
 * applies it to the options (parsing: kernel/config.c).  No file there is not an error. */
#include "boot/uefi.h"
#include "kernel/config.h"
#include "kernel/fmt.h"
#include "kernel/platform.h"

/* Read the whole file into a plat_alloc'd buffer; -1 with err on failure or if too large. */
static int read_all(EFI_FILE_HANDLE f, char **buf, UINTN *len, char *err, size_t errlen)
{
    char *b = plat_alloc(CONFIG_MAX_BYTES + 1);
    UINTN total = 0;
    if (!b) {
        bb_snprintf(err, errlen, "%s: out of memory reading it", CONFIG_PATH);
        return -1;
    }
    for (;;) {
        UINTN n = CONFIG_MAX_BYTES + 1 - total;
        EFI_STATUS st = uefi_call_wrapper(f->Read, 3, f, &n, b + total);
        if (st != EFI_SUCCESS) {
            bb_snprintf(err, errlen, "%s: read error (UEFI status 0x%llx)", CONFIG_PATH,
                        (unsigned long long)st);
            goto err_free;
        }
        if (n == 0)
            break;
        total += n;
        if (total > CONFIG_MAX_BYTES) {
            bb_snprintf(err, errlen, "%s: larger than %u bytes", CONFIG_PATH, CONFIG_MAX_BYTES);
            goto err_free;
        }
    }
    *buf = b;
    *len = total;
    return 0;
err_free:
    plat_free(b);
    return -1;
}

int uefi_config_load(struct options *o, int *settings, char *err, size_t errlen)
{
    EFI_LOADED_IMAGE *li = NULL;
    EFI_FILE_HANDLE root, f = NULL;
    char *text = NULL;
    UINTN len = 0;
    int rc = 0;

    *settings = 0;
    if (uefi_call_wrapper(BS->HandleProtocol, 3, g_image, &LoadedImageProtocol, (VOID **)&li) !=
            EFI_SUCCESS ||
        !li || !li->DeviceHandle)
        return 0;
    root = LibOpenRoot(li->DeviceHandle); /* NULL over PXE/HTTP without a file system */
    if (!root)
        return 0;
    EFI_STATUS st = uefi_call_wrapper(root->Open, 5, root, &f, L"\\barebench\\barebench.cfg",
                                      EFI_FILE_MODE_READ, 0);
    if (st != EFI_SUCCESS)
        goto err_root; /* not there (or not a readable file): run without one */
    if (read_all(f, &text, &len, err, errlen)) {
        rc = -1;
        goto err_file;
    }
    *settings = config_apply(text, len, CONFIG_PATH, o, err, errlen);
    rc = *settings < 0 ? -1 : 1;
    plat_free(text);
err_file:
    uefi_call_wrapper(f->Close, 1, f);
err_root:
    uefi_call_wrapper(root->Close, 1, root);
    return rc;
}
