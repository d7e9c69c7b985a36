/* uefi_config.c - reads \barebench\barebench.cfg from the volume barebench was loaded from and
 * applies it to the options (parsing: kernel/run/config.c).  No file there is not an error. */
#include "boot/uefi.h"
#include "kernel/run/config.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

int uefi_config_load(struct options *o, int *settings, char *err, size_t errlen)
{
    char *text = NULL;
    size_t len = 0;
    *settings = 0;
    int rc = plat_read_boot_file(CONFIG_PATH, CONFIG_MAX_BYTES, &text, &len, err, errlen);
    if (rc <= 0) /* 0: not there (or no file system): run without one */
        return rc;
    *settings = config_apply(text, len, CONFIG_PATH, o, err, errlen);
    plat_free(text);
    return *settings < 0 ? -1 : 1;
}
