/* uefi_progname.c - strips the program's own name from LoadOptions, comparing the first word
 * with the last file-path node of the loaded image's device path (kernel/run/progname.c compares). */
#include "boot/uefi.h"
#include "kernel/run/progname.h"

const char *uefi_skip_own_name(const char *line)
{
    char name[128] = "";
    EFI_LOADED_IMAGE *li = NULL;
    if (uefi_call_wrapper(BS->HandleProtocol, 3, g_image, &LoadedImageProtocol, (VOID **)&li) ==
            EFI_SUCCESS &&
        li && li->FilePath) {
        EFI_DEVICE_PATH *dp = li->FilePath;
        for (int guard = 0; !IsDevicePathEnd(dp) && guard < 64; guard++) {
            UINTN len = DevicePathNodeLength(dp);
            if (len < 4)
                break;
            if (DevicePathType(dp) == MEDIA_DEVICE_PATH && DevicePathSubType(dp) == MEDIA_FILEPATH_DP) {
                const CHAR16 *s = ((FILEPATH_DEVICE_PATH *)dp)->PathName;
                UINTN n = (len - 4) / sizeof(CHAR16), k = 0;
                for (UINTN i = 0; i < n && s[i] && k + 1 < sizeof name; i++)
                    name[k++] = s[i] < 0x80 ? (char)s[i] : '?';
                name[k] = '\0';
            }
            dp = NextDevicePathNode(dp);
        }
    }
    return progname_skip(line, name);
}
