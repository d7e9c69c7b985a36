/* uefi_console.c - plat_write for the UEFI build: text goes to ConOut while boot services run
 * and straight to COM1 when ConOut does not already reach a serial port (or serial=on).  Either
 * is dropped for the rest of the run when its writes block (recorded in env.degraded). */
#include "boot/uefi.h"
#include "kernel/run/bounds.h"
#include "kernel/machine/clock.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/console/slow_console.h"

static int use_conout = 1;
static int use_uart;
static int uart_ok;      /* COM1 answered the scratch-register probe */
static int com1_allowed; /* ... and serial=off was not asked */

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
    com1_allowed = uart && serial_mode != TRI_OFF;
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

/* One OutputString call; on ConOut timed: a console that blocks on every call is retired
 * (kernel/console/slow_console.c), and COM1 then takes over when it was left to ConOut. */
static void text_out(SIMPLE_TEXT_OUTPUT_INTERFACE *to, CHAR16 *buf, size_t chars)
{
    if (to != ST->ConOut) {
        uefi_call_wrapper(to->OutputString, 2, to, buf);
        return;
    }
    uint64_t t0 = clock_ticks();
    uefi_call_wrapper(to->OutputString, 2, to, buf);
    double hz = g_clock.hz > 0 ? g_clock.hz : BB_TSC_HZ_MAX;
    uint64_t us = (uint64_t)((double)(clock_ticks() - t0) * 1e6 / hz);
    if (slow_console_account(&conout_guard, chars, us)) {
        use_conout = 0;
        if (com1_allowed && !use_uart) {
            use_uart = 1;
            uart_init_if_needed();
        }
    }
}

void uefi_text_write(SIMPLE_TEXT_OUTPUT_INTERFACE *to, const char *s, size_t n)
{
    CHAR16 buf[258];
    size_t k = 0;
    int guarded = to == ST->ConOut;
    for (size_t i = 0; i < n && (!guarded || use_conout); i++) {
        if (s[i] == '\n')
            buf[k++] = L'\r';
        buf[k++] = (CHAR16)(unsigned char)s[i];
        if (k >= 256) {
            buf[k] = 0;
            text_out(to, buf, k);
            k = 0;
        }
    }
    if (k && (!guarded || use_conout)) {
        buf[k] = 0;
        text_out(to, buf, k);
    }
}

int uefi_console_uart(void)
{
    return use_uart;
}

int uefi_console_com1_allowed(void)
{
    return com1_allowed;
}

void plat_write(const char *s, size_t n)
{
    if (use_conout && ST && ST->ConOut)
        uefi_text_write(ST->ConOut, s, n);
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
