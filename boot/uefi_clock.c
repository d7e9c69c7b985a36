/* uefi_clock.c - the reference clock of the UEFI build: the ACPI PM timer (3.579545 MHz,
 * 24 or 32 bits), found through the FADT; plus Stall, interrupt masking, time of day. */
#include "boot/uefi.h"
#include "kernel/acpi.h"
#include "kernel/platform.h"
#include "kernel/x86/port_io.h"

static struct acpi_pm_timer pmt;
static struct ref_clock pm_clock;

static uint64_t pm_read_port(void)
{
    return inl((uint16_t)pmt.address);
}

static uint64_t pm_read_mmio(void)
{
    return *(volatile uint32_t *)(uintptr_t)pmt.address;
}

/* The ACPI 2.0+ RSDP (with the XSDT) if the firmware lists one, else the 1.0 RSDP. */
static const void *find_rsdp(void)
{
    EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
    VOID *t = NULL;
    if (LibGetSystemConfigurationTable(&acpi20, &t) == EFI_SUCCESS && t)
        return t;
    if (LibGetSystemConfigurationTable(&AcpiTableGuid, &t) == EFI_SUCCESS && t)
        return t;
    return NULL;
}

const char *uefi_acpi_oem(void)
{
    return pmt.oem;
}

void uefi_clock_init(void)
{
    if (acpi_find_pm_timer(find_rsdp(), &pmt) != 0)
        return;
    pm_clock.name = "acpi-pm";
    pm_clock.hz = 3579545.0;
    pm_clock.mask = pmt.bits == 32 ? 0xffffffffull : 0xffffffull;
    pm_clock.read = pmt.mmio ? pm_read_mmio : pm_read_port;
}

const struct ref_clock *plat_ref_clock(void)
{
    return pm_clock.read ? &pm_clock : NULL;
}

void plat_stall_us(uint64_t us)
{
    while (us) {
        uint64_t chunk = us > 1000000 ? 1000000 : us;
        uefi_call_wrapper(BS->Stall, 1, (UINTN)chunk);
        us -= chunk;
    }
}

uint64_t plat_irq_save(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq\n\tpopq %0\n\tcli" : "=r"(flags)::"memory");
    return flags;
}

void plat_irq_restore(uint64_t flags)
{
    if (flags & (1ull << 9))
        __asm__ volatile("sti" ::: "memory");
}

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
