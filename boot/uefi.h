/* uefi.h - what the UEFI parts of the runtime share: the image handle, console setup,
 * SIMD state, the UART, ACPI lookups.  Only files under boot/ and drivers/ include it. */
#ifndef BB_UEFI_H
#define BB_UEFI_H

#include <efi.h>
#include <efilib.h>

#include <stddef.h>
#include <stdint.h>

extern EFI_HANDLE g_image;

/** Decide where output goes (ConOut, COM1 or both); serial_mode is enum tri. */
void uefi_console_init(int serial_mode);
/** Write text (\n becomes \r\n) to one text-output device. */
void uefi_text_write(SIMPLE_TEXT_OUTPUT_INTERFACE *to, const char *s, size_t n);
/** 1 when plat_write also writes to COM1 directly. */
int uefi_console_uart(void);
/** 1 when COM1 exists and serial=off was not given (the document may go there directly). */
int uefi_console_com1_allowed(void);
/** The end-of-run page: clears the screens (not the serial consoles) unless keep_screen, then
 *  writes the text to every console. */
void uefi_show_summary(const char *text, size_t n, int keep_screen);

/** Turn on x87/SSE/AVX/AVX-512 state in CR4/XCR0 as far as the CPU offers (ring 0). */
void uefi_simd_enable(void);
/** Find the MP services and count processors; call once from the BSP. */
void uefi_mp_init(void);
struct mp_state;
struct mp_ops;
/** Without EFI MP services: the architecture's own bring-up of the other processors
 *  (boot/<arch>/; aarch64: PSCI).  Fills st's processors and o's start_ap, ap_done, ap_release,
 *  start_all_blocking (o comes filled with the rest); 0, or -1 with *why (NULL: none to say). */
int uefi_mp_fallback(struct mp_state *st, struct mp_ops *o, const char **why);
/** Run index of the calling AP under the cpus= selection, -1 not selected, -2 no selection
 *  (boot/uefi_topology.c). */
int uefi_cpu_slot(void);
/** Set up the ACPI PM timer reference clock (from the FADT). */
void uefi_clock_init(void);
/** The ACPI 2.0+ RSDP (with the XSDT) if the firmware lists one, else the 1.0 RSDP, else NULL. */
const void *uefi_acpi_rsdp(void);

/** AMD SEV guest: the C-bit mask our page-table entries must carry (0 when not an SEV guest);
 *  *snp = 1 under SEV-SNP, where new mappings also need validated pages. */
uint64_t uefi_sev_cbit(int *snp);

/** A wedged device may still DMA into [p, p+bytes): plat_free_pages keeps that memory. */
void uefi_memory_abandon(const void *p, size_t bytes);

/* 16550 UART at the legacy COM1 port */
int uart_present(void);
void uart_init_if_needed(void);
int uart_write(const char *s, size_t n);

/** Apply \barebench\barebench.cfg of the boot volume to o (all or nothing).  Returns 1 when
 *  applied (*settings = how many), 0 when there is none, -1 with err naming file, line and key. */
struct options;
int uefi_config_load(struct options *o, int *settings, char *err, size_t errlen);

/** LoadOptions without the program's own name in front (UEFI shell, iPXE). */
const char *uefi_skip_own_name(const char *line);

/** ASCII copy of a UCS-2 string (at most n-1 characters; non-ASCII becomes '?'). */
void uefi_to_ascii(const CHAR16 *src, char *dst, size_t n);

#endif
