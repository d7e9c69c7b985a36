/* uefi_console.c - plat_write for the UEFI build: text goes to ConOut while boot services run
 * and straight to COM1 when ConOut does not already reach a serial port (or serial=on).  Either
 * is dropped for the rest of the run when its writes block (recorded in env.degraded). */
#include "boot/uefi.h"
#include "kernel/bounds.h"
#include "kernel/clock.h"
#include "kernel/options.h"
#include "kernel/platform.h"
#include "kernel/slow_console.h"

static int use_conout = 1;
static int use_uart;
static int uart_ok; /* COM1 answered the scratch-register probe */

/* Does the ConOut variable (all console output devices) include a UART device path node? */
static int conout_has_uart(void)
{
    UINTN size = 0;
    EFI_GUID global = EFI_GLOBAL_VARIABLE;
    UINT8 *dp = LibGetVariableAndSize(L"ConOut", &global, &size);
    int found = 0;
    if (!dp)
        return 0;
    for (UINTN off = 0; off + 4 <= size;) {
        UINT8 type = dp[off], sub = dp[off + 1];
        UINT16 len = (UINT16)(dp[off + 2] | (dp[off + 3] << 8));
        if (type == 3 && sub == 14) /* MESSAGING_DEVICE_PATH / MSG_UART_DP */
            found = 1;
        if (len < 4)
            break;
        off += len;
    }
    FreePool(dp);
    return found;
}

void uefi_console_init(int serial_mode)
{
    int uart = uart_ok = uart_present();
    if (serial_mode == TRI_OFF || !uart)
        use_uart = 0;
    else if (serial_mode == TRI_ON)
        use_uart = 1;
    else
        use_uart = !conout_has_uart();
    if (use_uart)
        uart_init_if_needed();
}

static struct slow_console conout_guard = {"firmware console (ConOut)", 0, 0, 0};

/* One OutputString call, timed: a console that blocks on every call is retired
 * (kernel/slow_console.c); COM1 then takes over when it was left to ConOut. */
static void conout(CHAR16 *buf, size_t chars)
{
    uint64_t t0 = clock_ticks();
    uefi_call_wrapper(ST->ConOut->OutputString, 2, ST->ConOut, buf);
    double hz = g_clock.hz > 0 ? g_clock.hz : BB_TSC_HZ_MAX;
    uint64_t us = (uint64_t)((double)(clock_ticks() - t0) * 1e6 / hz);
    if (slow_console_account(&conout_guard, chars, us)) {
        use_conout = 0;
        if (uart_ok && !use_uart) {
            use_uart = 1;
            uart_init_if_needed();
        }
    }
}

void plat_write(const char *s, size_t n)
{
    if (use_conout && ST && ST->ConOut) {
        CHAR16 buf[258];
        size_t k = 0;
        for (size_t i = 0; i < n && use_conout; i++) {
            if (s[i] == '\n')
                buf[k++] = L'\r';
            buf[k++] = (CHAR16)(unsigned char)s[i];
            if (k >= 256) {
                buf[k] = 0;
                conout(buf, k);
                k = 0;
            }
        }
        if (k && use_conout) {
            buf[k] = 0;
            conout(buf, k);
        }
    }
    if (use_uart && uart_write(s, n) != 0)
        use_uart = 0;
}

void uefi_to_ascii(const CHAR16 *src, char *dst, size_t n)
{
    size_t i = 0;
    if (n == 0)
        return;
    for (; src && src[i] && i + 1 < n; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
    dst[i] = '\0';
}
