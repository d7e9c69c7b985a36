/* acpi.c - RSDP/XSDT/RSDT walking and FADT decoding for the PM timer (checksummed, bounded). */
#include "kernel/firmware/acpi.h"

#include <string.h>

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static uint64_t rd64(const uint8_t *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static int sum_ok(const uint8_t *p, uint32_t n)
{
    uint8_t s = 0;
    for (uint32_t i = 0; i < n; i++)
        s = (uint8_t)(s + p[i]);
    return s == 0;
}

int acpi_checksum_ok(const void *t, uint32_t len)
{
    return t && sum_ok(t, len);
}

static const uint8_t *table_at(uint64_t addr)
{
    if (!addr)
        return NULL;
    const uint8_t *t = (const uint8_t *)(uintptr_t)addr;
    uint32_t len = rd32(t + 4);
    if (len < 36 || len > (1u << 24) || !sum_ok(t, len))
        return NULL;
    return t;
}

const void *acpi_find_table(const void *rsdp_v, const char sig[4])
{
    const uint8_t *rsdp = rsdp_v;
    if (!rsdp || memcmp(rsdp, "RSD PTR ", 8) || !sum_ok(rsdp, 20))
        return NULL;
    const uint8_t *sdt = NULL;
    int entry = 4;
    if (rsdp[15] >= 2 && rd32(rsdp + 20) >= 36 && sum_ok(rsdp, rd32(rsdp + 20))) {
        sdt = table_at(rd64(rsdp + 24));
        entry = 8;
    }
    if (!sdt) {
        sdt = table_at(rd32(rsdp + 16));
        entry = 4;
    }
    if (!sdt)
        return NULL;
    uint32_t len = rd32(sdt + 4);
    for (uint32_t off = 36; off + (uint32_t)entry <= len; off += (uint32_t)entry) {
        uint64_t a = entry == 8 ? rd64(sdt + off) : rd32(sdt + off);
        const uint8_t *t = a ? (const uint8_t *)(uintptr_t)a : NULL;
        if (t && !memcmp(t, sig, 4))
            return table_at(a);
    }
    return NULL;
}

int acpi_find_pm_timer(const void *rsdp, struct acpi_pm_timer *out)
{
    memset(out, 0, sizeof *out);
    if (!rsdp || memcmp(rsdp, "RSD PTR ", 8)) {
        out->why = "no ACPI RSDP";
        return -1;
    }
    memcpy(out->oem, (const uint8_t *)rsdp + 9, 6);
    out->oem[6] = '\0';
    const uint8_t *f = acpi_find_table(rsdp, "FACP");
    if (!f) {
        out->why = "no valid FADT";
        return -1;
    }
    uint32_t len = rd32(f + 4);
    uint32_t flags = len >= 116 ? rd32(f + 112) : 0;
    if (flags & (1u << 20)) {
        out->why = "hardware-reduced ACPI: no PM timer";
        return -1;
    }
    out->bits = (flags & (1u << 8)) ? 32 : 24;
    if (len >= 92 && f[91] != 4) { /* PM_TMR_LEN: 4 whenever a PM timer is supported */
        out->why = "FADT PM_TMR_LEN is not 4 (PM timer not supported)";
        return -1;
    }
    if (len >= 220 && rd64(f + 208 + 4)) { /* X_PM_TMR_BLK, a Generic Address Structure */
        uint8_t space = f[208];
        if (space == 0 || space == 1) {
            out->mmio = space == 0;
            out->address = rd64(f + 212);
            out->present = 1;
            return 0;
        }
    }
    if (len >= 80 && rd32(f + 76)) {
        out->address = rd32(f + 76);
        out->present = 1;
        return 0;
    }
    out->why = "FADT names no PM timer block";
    return -1;
}

int acpi_find_hpet(const void *rsdp, uint64_t *base)
{
    if (!rsdp || memcmp(rsdp, "RSD PTR ", 8))
        return -1;
    const uint8_t *h = acpi_find_table(rsdp, "HPET");
    if (!h || rd32(h + 4) < 56 || h[40] != 0) /* Generic Address Structure in system memory */
        return -1;
    *base = rd64(h + 44);
    return *base ? 0 : -1;
}
