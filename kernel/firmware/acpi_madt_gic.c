/* acpi_madt_gic.c - the Arm entries of the MADT ("APIC"): the enabled GIC CPU interfaces (GICC,
 * type 0x0B: MPIDR at 68, flags at 12) in table order, and the GIC distributor's base (GICD,
 * type 0x0C: base at 8).  The table is checked as acpi_madt.c checks it. */
#include "kernel/firmware/acpi.h"

#include <string.h>

#define MADT_FIRST 44

/* Calls fn(entry, length, ctx) for each structure; -1 when the table is malformed. */
static int madt_each(const uint8_t *t, uint32_t len, int (*fn)(const uint8_t *, uint32_t, void *), void *ctx)
{
    uint32_t tl;
    if (!t || len < MADT_FIRST || memcmp(t, "APIC", 4))
        return -1;
    memcpy(&tl, t + 4, 4);
    if (tl > len || tl < MADT_FIRST || !acpi_checksum_ok(t, tl))
        return -1;
    for (uint32_t off = MADT_FIRST; off < tl;) {
        uint32_t el = off + 2 <= tl ? t[off + 1] : 0;
        if (el < 2 || off + el > tl)
            return -1;
        if (fn(t + off, el, ctx))
            break;
        off += el;
    }
    return 0;
}

struct gicc_ctx {
    uint64_t *mpidr;
    int max, n;
};

static int one_gicc(const uint8_t *e, uint32_t el, void *p)
{
    struct gicc_ctx *c = p;
    uint32_t flags;
    if (e[0] != 0x0b || el < 76)
        return 0;
    memcpy(&flags, e + 12, 4);
    if (flags & 1)
        memcpy(&c->mpidr[c->n++], e + 68, 8);
    return c->n >= c->max;
}

int acpi_madt_gicc(const void *madt, uint32_t len, uint64_t *mpidr, int max)
{
    struct gicc_ctx c = {mpidr, max, 0};
    if (max <= 0 || madt_each(madt, len, one_gicc, &c) != 0)
        return -1;
    return c.n;
}

static int one_gicd(const uint8_t *e, uint32_t el, void *p)
{
    if (e[0] != 0x0c || el < 16)
        return 0;
    memcpy(p, e + 8, 8);
    return 1;
}

uint64_t acpi_madt_gicd(const void *madt, uint32_t len)
{
    uint64_t base = 0;
    return madt_each(madt, len, one_gicd, &base) == 0 ? base : 0;
}

uint32_t acpi_mpidr_id(uint64_t mpidr)
{
    return (uint32_t)((mpidr >> 8) & 0xff000000u) | (uint32_t)(mpidr & 0xffffff);
}
