/* platform.h - the small interface every host (UEFI image, Linux program) implements.
 * Portable code (kernel/ portable files, bench/) reaches the machine only through this. */
#ifndef BB_PLATFORM_H
#define BB_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

struct identity;

/** Write n bytes of text to every console the host has (UEFI: ConOut and/or COM1). */
void plat_write(const char *s, size_t n);

/** Small zeroed allocation (pool memory); NULL on failure. */
void *plat_alloc(size_t bytes);
void plat_free(void *p);

/** Large buffer, page-backed, aligned to `align` (a power of two, >= 4096).
 *  flags: PLAT_PAGES_HUGE asks for 2 MiB pages where the host can give them. */
#define PLAT_PAGES_HUGE 1u
void *plat_alloc_pages(size_t bytes, size_t align, unsigned flags);
void plat_free_pages(void *p, size_t bytes);
/** Bytes of memory a benchmark may still take in one piece (largest free block). */
uint64_t plat_largest_free(void);

/** Number of logical processors the host lets us run on. */
int plat_cpu_count(void);

/** Run fn(arg, i) on processors i = 0..n-1 at the same time; processor 0 is the caller.
 *  Returns 0 once every call has returned, or a negative value if the others could not start. */
typedef void (*plat_cpu_fn)(void *arg, int cpu);
int plat_run_on_cpus(int n, plat_cpu_fn fn, void *arg);

/** Interrupts off for a measured interval (no-op where we are not ring 0). */
uint64_t plat_irq_save(void);
void plat_irq_restore(uint64_t state);

/** The reference clock the TSC is calibrated against. */
struct ref_clock {
    const char *name;     /* "acpi-pm", "clock_monotonic_raw", ... */
    double hz;            /* nominal ticks per second */
    uint64_t mask;        /* counter width: wraps at mask+1 */
    uint64_t (*read)(void);
};
/** NULL when the host has none (e.g. hardware-reduced ACPI without a PM timer). */
const struct ref_clock *plat_ref_clock(void);
/** Busy-wait about `us` microseconds using the host's own service (UEFI Stall / nanosleep). */
void plat_stall_us(uint64_t us);

/** 1 when we run in ring 0 (UEFI image), 0 in a user-space program. */
int plat_ring0(void);
/** "uefi" or "linux". */
const char *plat_build(void);

/** Fill host-specific parts of the machine identity (SMBIOS, memory, firmware). */
void plat_identity(struct identity *id);

/** Store the results document where the host keeps them.  On success returns 0 and
 *  describes the place in `where`; otherwise a negative value and the reason in `where`. */
int plat_save_results(const char *json, size_t n, const char *file_name,
                      char *where, size_t where_len);

/** Seconds since 1970 from the host's real-time clock, 0 if unknown; and a time string. */
int64_t plat_unix_time(void);

#endif
