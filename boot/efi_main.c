/* efi_main.c - the UEFI entry point: load options -> options text, watchdog off, SIMD state on,
 * processors counted, clock reference found; runs barebench, then does what then= says. */
#include "boot/uefi.h"
#include "kernel/run/bounds.h"
#include "app/app.h"
#include "kernel/run/config.h"
#include "kernel/lib/fmt.h"
#include "kernel/run/fault.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/summary.h"

#include <string.h>

#ifndef BB_VERSION
#define BB_VERSION "0.0.0-unknown"
#endif

EFI_HANDLE g_image;

/* LoadOptions as ASCII: UCS-2 from the shell, iPXE and OVMF's -append; some boot entries
 * carry 8-bit text.  Non-ASCII characters become 0x7f so the parser names their position. */
static char *load_options_text(void)
{
    EFI_LOADED_IMAGE *li = NULL;
    if (uefi_call_wrapper(BS->HandleProtocol, 3, g_image, &LoadedImageProtocol, (VOID **)&li) !=
            EFI_SUCCESS ||
        !li || !li->LoadOptions || li->LoadOptionsSize == 0) {
        char *e = plat_alloc(1);
        return e;
    }
    const UINT8 *b = li->LoadOptions;
    UINT32 size = li->LoadOptionsSize;
    if (size > 65536)
        size = 65536;
    char *out = plat_alloc(size + 1);
    if (!out)
        return NULL;
    int wide = size >= 2 && (size % 2) == 0 && b[1] == 0;
    UINT32 n = 0;
    if (wide) {
        for (UINT32 i = 0; i + 1 < size; i += 2) {
            UINT16 c = (UINT16)(b[i] | (b[i + 1] << 8));
            if (c == 0)
                break;
            out[n++] = c < 0x80 ? (char)c : 0x7f;
        }
    } else {
        for (UINT32 i = 0; i < size && b[i]; i++)
            out[n++] = b[i] < 0x80 ? (char)b[i] : 0x7f;
    }
    out[n] = '\0';
    return out;
}

/* then=wait: wait for a key, at most BB_WAIT_KEY_TIMEOUT_S (a firmware timer event beside the
 * key event), so an unattended machine still powers off. */
static void wait_key(void)
{
    UINTN idx = 0;
    EFI_INPUT_KEY k;
    EFI_EVENT ev[2] = {ST->ConIn->WaitForKey, NULL};
    UINTN nev = 1;
    bb_printf("barebench: press any key to power off (or wait %d minutes)\n",
              BB_WAIT_KEY_TIMEOUT_S / 60);
    uefi_call_wrapper(ST->ConIn->Reset, 2, ST->ConIn, FALSE);
    if (uefi_call_wrapper(BS->CreateEvent, 5, EVT_TIMER, 0, NULL, NULL, &ev[1]) == EFI_SUCCESS) {
        if (uefi_call_wrapper(BS->SetTimer, 3, ev[1], TimerRelative,
                              (UINT64)BB_WAIT_KEY_TIMEOUT_S * 10000000ull) == EFI_SUCCESS)
            nev = 2;
    }
    uefi_call_wrapper(BS->WaitForEvent, 3, nev, ev, &idx);
    if (idx == 0)
        uefi_call_wrapper(ST->ConIn->ReadKeyStroke, 2, ST->ConIn, &k);
    else
        bb_printf("barebench: no key within %d minutes\n", BB_WAIT_KEY_TIMEOUT_S / 60);
    if (ev[1])
        uefi_call_wrapper(BS->CloseEvent, 1, ev[1]);
}

/* crt0 calls efi_main with the System V ABI (image in rdi, table in rsi): no EFIAPI here. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
    InitializeLib(image, systab);
    g_image = image;
    uefi_call_wrapper(BS->SetWatchdogTimer, 4, 0, 0, 0, NULL);

    /* precedence: defaults < \barebench\barebench.cfg < load options */
    struct options base;
    app_init(); /* the suites suite= names */
    options_defaults(&base);
    char cfg_err[256];
    int cfg_settings;
    int cfg = uefi_config_load(&base, &cfg_settings, cfg_err, sizeof cfg_err);
    char *cmd = load_options_text();
    const char *line = cmd ? uefi_skip_own_name(cmd) : "";
    while (*line == ' ' || *line == '\t')
        line++;

    /* serial= must be known before the first line is printed */
    struct options peek = base;
    char err[8];
    options_parse(line, &peek, err, sizeof err);
    g_faults = peek.faults; /* test-only faults reach the UART and the MP and clock setup too */
    uefi_console_init(peek.serial);
    uefi_simd_enable();
    uefi_mp_init();
    uefi_clock_init();

    struct app_outcome out;
    if (cfg > 0)
        bb_printf("barebench: %d setting(s) from %s\n", cfg_settings, CONFIG_PATH);
    if (cfg < 0)
        app_refuse("configuration", cfg_err, line, &peek, &out);
    else
        app_run(line, &base, "load options", &out);
    EFI_STATUS status = out.status == 2 ? EFI_INVALID_PARAMETER
                      : out.status == 1 ? EFI_ABORTED : EFI_SUCCESS;

    static const char *const next[] = {"powering off", "rebooting", "returning to the firmware",
                                       "waiting for a key, then powering off"};
    if (out.json) { /* the last page on the screen: it must fit 80x25 */
        static char page[SUMMARY_ROWS * (SUMMARY_COLS + 1) + 1];
        char document[160];
        if (out.document[0])
            bb_snprintf(document, sizeof document, "JSON on %s (BEGIN/END BAREBENCH RESULTS)",
                        out.document);
        else
            bb_snprintf(document, sizeof document, "not on a console (no serial port; screen=full "
                                                   "puts it here)");
        struct summary_end e = {out.status, out.nresults, out.nskipped, out.nerrors, BB_VERSION,
                                "uefi", out.message, document, out.saved, out.uploaded,
                                next[out.then & 3]};
        summary_format(&out.summary, &e, page, sizeof page);
        uefi_show_summary(page, strlen(page), out.screen == SCREEN_FULL);
    }

    switch (out.then) {
    case THEN_EXIT:
        bb_printf("barebench: returning to the firmware\n");
        return status;
    case THEN_WAIT:
        wait_key();
        /* fall through */
    case THEN_SHUTDOWN:
        bb_printf("barebench: powering off\n");
        uefi_call_wrapper(RT->ResetSystem, 4, EfiResetShutdown, status, 0, NULL);
        break;
    case THEN_REBOOT:
        bb_printf("barebench: rebooting\n");
        uefi_call_wrapper(RT->ResetSystem, 4, EfiResetCold, status, 0, NULL);
        break;
    }
    return status; /* ResetSystem does not return; if it does, hand back to the firmware */
}
