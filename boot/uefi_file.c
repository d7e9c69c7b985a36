/* uefi_file.c - reads a small file from the volume barebench was loaded from (barebench.cfg, the
 * upload key file): plat_read_boot_file; the file is closed and nothing stays open after. */
#include "boot/uefi.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

/* Read the whole open file into a plat_alloc'd buffer of max+1 bytes; -1 with err on failure or
 * if larger than max. */
static int read_all(EFI_FILE_HANDLE f, const char *path, size_t max, char **buf, size_t *len,
                    char *err, size_t errlen)
{
    char *b = plat_alloc(max + 1);
    UINTN total = 0;
    if (!b) {
        bb_snprintf(err, errlen, "%s: out of memory reading it", path);
        return -1;
    }
    for (;;) {
        UINTN n = max + 1 - total;
        EFI_STATUS st = uefi_call_wrapper(f->Read, 3, f, &n, b + total);
        if (st != EFI_SUCCESS) {
            bb_snprintf(err, errlen, "%s: read error (UEFI status 0x%llx)", path,
                        (unsigned long long)st);
            goto err_free;
        }
        if (n == 0)
            break;
        total += n;
        if (total > max) {
            bb_snprintf(err, errlen, "%s: larger than %u bytes", path, (unsigned)max);
            goto err_free;
        }
    }
    b[total] = '\0';
    *buf = b;
    *len = total;
    return 0;
err_free:
    plat_free(b);
    return -1;
}

int plat_read_boot_file(const char *path, size_t max, char **buf, size_t *len, char *err,
                        size_t errlen)
{
    EFI_LOADED_IMAGE *li = NULL;
    EFI_FILE_HANDLE root, f = NULL;
    CHAR16 wide[160];
    size_t i = 0;
    for (; path[i] && i + 1 < sizeof wide / sizeof wide[0]; i++)
        wide[i] = path[i] == '/' ? L'\\' : (CHAR16)(unsigned char)path[i];
    wide[i] = 0;
    if (path[i]) {
        bb_snprintf(err, errlen, "%.60s...: path too long", path);
        return -1;
    }
    if (uefi_call_wrapper(BS->HandleProtocol, 3, g_image, &LoadedImageProtocol, (VOID **)&li) !=
            EFI_SUCCESS ||
        !li || !li->DeviceHandle) {
        bb_snprintf(err, errlen, "%s: no boot device known", path);
        return 0;
    }
    root = LibOpenRoot(li->DeviceHandle); /* NULL over PXE/HTTP without a file system */
    if (!root) {
        bb_snprintf(err, errlen, "%s: the boot device has no file system", path);
        return 0;
    }
    int rc = 0;
    EFI_STATUS st = uefi_call_wrapper(root->Open, 5, root, &f, wide, EFI_FILE_MODE_READ, 0);
    if (st != EFI_SUCCESS) {
        bb_snprintf(err, errlen, "%s: not found on the boot volume (UEFI status 0x%llx)", path,
                    (unsigned long long)st);
        goto err_root;
    }
    rc = read_all(f, path, max, buf, len, err, errlen) ? -1 : 1;
    uefi_call_wrapper(f->Close, 1, f);
err_root:
    uefi_call_wrapper(root->Close, 1, root);
    return rc;
}
