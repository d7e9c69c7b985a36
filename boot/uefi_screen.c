/* uefi_screen.c - tells the firmware's consoles apart: serial ones (a UART in the device path)
 * get the JSON document, screens (GOP text consoles) only the end-of-run summary page. */
#include "boot/uefi.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#define MAX_OUT 8

static SIMPLE_TEXT_OUTPUT_INTERFACE *serial_out[MAX_OUT], *screen_out[MAX_OUT];
static int nserial, nscreen, com1, scanned;

/* Does the device path run through a UART (MESSAGING_DEVICE_PATH / MSG_UART_DP)? */
static int path_has_uart(EFI_DEVICE_PATH *dp)
{
    for (int guard = 0; dp && !IsDevicePathEnd(dp) && guard < 64; guard++) {
        if (DevicePathType(dp) == MESSAGING_DEVICE_PATH && DevicePathSubType(dp) == MSG_UART_DP)
            return 1;
        if (DevicePathNodeLength(dp) < 4)
            break;
        dp = NextDevicePathNode(dp);
    }
    return 0;
}

/* Sort every text-output handle with a device path into serial or screen.  The console
 * splitter's own handles (ConOut, StdErr) have no device path and are left out. */
static void scan(void)
{
    EFI_HANDLE *hs = NULL;
    UINTN nh = 0;
    if (scanned)
        return;
    scanned = 1;
    if (LibLocateHandle(ByProtocol, &TextOutProtocol, NULL, &nh, &hs) == EFI_SUCCESS) {
        for (UINTN i = 0; i < nh; i++) {
            EFI_DEVICE_PATH *dp = NULL;
            SIMPLE_TEXT_OUTPUT_INTERFACE *to = NULL;
            if (hs[i] == ST->ConsoleOutHandle || hs[i] == ST->StandardErrorHandle)
                continue;
            if (uefi_call_wrapper(BS->HandleProtocol, 3, hs[i], &DevicePathProtocol, (VOID **)&dp) !=
                    EFI_SUCCESS || !dp)
                continue;
            if (uefi_call_wrapper(BS->HandleProtocol, 3, hs[i], &TextOutProtocol, (VOID **)&to) !=
                    EFI_SUCCESS || !to)
                continue;
            if (path_has_uart(dp) && nserial < MAX_OUT)
                serial_out[nserial++] = to;
            else if (!path_has_uart(dp) && nscreen < MAX_OUT)
                screen_out[nscreen++] = to;
        }
        FreePool(hs);
    }
    /* COM1 directly when plat_write uses it, or when the firmware has no serial console */
    com1 = uefi_console_uart() || (nserial == 0 && uefi_console_com1_allowed());
    if (com1 && !uefi_console_uart())
        uart_init_if_needed();
}

void plat_write_document(const char *s, size_t n, int on_screen, char *where, size_t where_len)
{
    scan();
    if (on_screen) {
        plat_write(s, n);
        bb_snprintf(where, where_len, "every console (screen=full)%s",
                    uefi_console_uart() ? " and COM1" : "");
        return;
    }
    for (int i = 0; i < nserial; i++)
        uefi_text_write(serial_out[i], s, n);
    if (com1)
        uart_write(s, n);
    bb_snprintf(where, where_len, "%s%s%s", nserial ? "the serial console" : "",
                nserial && com1 ? " and " : "", com1 ? "COM1" : "");
}

void uefi_show_summary(const char *text, size_t n, int keep_screen)
{
    scan();
    if (!keep_screen)
        for (int i = 0; i < nscreen; i++)
            uefi_call_wrapper(screen_out[i]->ClearScreen, 1, screen_out[i]);
    plat_write(text, n);
    /* COM1 taken for the document only (plat_write does not reach it): the page too */
    if (com1 && !uefi_console_uart())
        uart_write(text, n);
}
