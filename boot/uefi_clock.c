/* uefi_clock.c - the reference clock of the UEFI build: the ACPI PM timer (3.579545 MHz,
 * 24 or 32 bits) from the FADT, else an HPET the firmware enabled, each used only when it counts
 * at its rate against firmware Stall (kernel/machine/refclock.c); plus Stall, interrupts, time of day. */
#include "arch/cpu.h"
#include "arch/io.h"
#include "boot/uefi.h"
#include "kernel/firmware/acpi.h"
#include "kernel/machine/clock.h"
#include "kernel/run/fault.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "kernel/machine/refclock.h"

#include <string.h>

static struct acpi_pm_timer pmt;
static struct ref_clock ref; /* the reference that passed its checks (read NULL: none) */

static uint64_t pm_read_port(void)
{
    return arch_port_in32((uint16_t)pmt.address);
}

static uint64_t pm_read_mmio(void)
{
    return *(volatile uint32_t *)(uintptr_t)pmt.address;
}

/* fault=refclock-frozen: a PM timer that never moves (disabled, or MMIO in the wrong type) */
static uint64_t pm_read_frozen(void)
{
    return 0x123456;
}

const char *uefi_acpi_oem(void)
{
    return pmt.oem;
}

static uint64_t tsc_now(void)
{
    return clock_ticks();
}

static void stall_probe(uint64_t us)
{
    uefi_call_wrapper(BS->Stall, 1, (UINTN)us);
}

static char rejected[400];

static void note_rejected(const char *why)
{
    size_t n = strlen(rejected);
    bb_snprintf(rejected + n, sizeof rejected - n, "%s%s", n ? "; " : "", why);
}

/* Is `c` counting at its nominal rate against firmware Stall?  Notes why not. */
static int usable(struct ref_clock *c)
{
    struct refclock_probe p = {c->read, c->mask, c->hz, stall_probe, tsc_now, plat_irq_save,
                               plat_irq_restore};
    struct refclock_verdict v;
    if (refclock_check(c->name, &p, &v))
        return 1;
    note_rejected(v.why);
    return 0;
}

/* HPET main counter, low 32 bits (32-bit reads work on every HPET). */
static volatile const uint32_t *hpet_counter;

static uint64_t hpet_read(void)
{
    return *hpet_counter;
}

/* The HPET as a second reference, only when the firmware left it enabled: enabling it would
 * change the machine's state behind the firmware's back. */
static void try_hpet(const void *rsdp)
{
    uint64_t base;
    if (acpi_find_hpet(rsdp, &base) != 0) {
        note_rejected("no HPET table");
        return;
    }
    volatile const uint32_t *r = (volatile const uint32_t *)(uintptr_t)base;
    uint32_t period_fs = r[1];  /* GCAP_ID bits 63:32 */
    uint32_t config = r[4];     /* GEN_CONF, bit 0 ENABLE_CNF */
    if (period_fs == 0 || period_fs > 100000000u || !(config & 1)) {
        note_rejected(period_fs == 0 || period_fs > 100000000u ? "HPET period invalid"
                                                               : "HPET not enabled by the firmware");
        return;
    }
    hpet_counter = r + 0xf0 / 4;
    ref.name = "hpet";
    ref.hz = 1e15 / period_fs;
    ref.mask = 0xffffffffull;
    ref.read = hpet_read;
    if (!usable(&ref))
        ref.read = NULL;
}

void uefi_clock_init(void)
{
    const void *rsdp = uefi_acpi_rsdp();
    if (acpi_find_pm_timer(rsdp, &pmt) == 0) {
        ref.name = "acpi-pm";
        ref.hz = 3579545.0;
        ref.mask = pmt.bits == 32 ? 0xffffffffull : 0xffffffull;
        ref.read = fault_on(FAULT_REFCLOCK_FROZEN) ? pm_read_frozen
                 : pmt.mmio ? pm_read_mmio : pm_read_port;
        if (usable(&ref))
            return;
        ref.read = NULL;
    } else {
        note_rejected(pmt.why);
    }
    try_hpet(rsdp);
}

const struct ref_clock *plat_ref_clock(void)
{
    return ref.read ? &ref : NULL;
}

const char *plat_ref_clock_rejected(void)
{
    /* nothing refused when the PM timer passed; a missing HPET matters only after a refusal */
    return rejected[0] && !(ref.read && ref.read != hpet_read) ? rejected : NULL;
}

void plat_stall_us(uint64_t us)
{
    while (us) {
        uint64_t chunk = us > 1000000 ? 1000000 : us;
        uefi_call_wrapper(BS->Stall, 1, (UINTN)chunk);
        us -= chunk;
    }
}

uint64_t plat_irq_save(void) { return arch_irq_save(); }
void plat_irq_restore(uint64_t flags) { arch_irq_restore(flags); }

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int64_t plat_unix_time(void)
{
    EFI_TIME t;
    if (uefi_call_wrapper(RT->GetTime, 2, &t, NULL) != EFI_SUCCESS || t.Year < 1970)
        return 0;
    int64_t s = days_from_civil(t.Year, t.Month, t.Day) * 86400 + t.Hour * 3600 + t.Minute * 60 + t.Second;
    if (t.TimeZone != EFI_UNSPECIFIED_TIMEZONE)
        s += (int64_t)t.TimeZone * 60; /* UEFI: local time = UTC - TimeZone (minutes) */
    return s;
}

int plat_ring0(void) { return 1; }
const char *plat_build(void) { return "uefi"; }
