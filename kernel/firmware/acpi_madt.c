/* acpi_madt.c - maps processors' hardware ids to ACPI Processor UIDs from the MADT ("APIC"):
 * Processor Local APIC (type 0) and Processor Local x2APIC (type 9) structures on x86, GIC CPU
 * interface (GICC, type 0x0B) structures on Arm, whose MPIDR is packed as arch_cpu_hw_id packs it
 * (Aff3 << 24 | Aff2..Aff0); other types skipped. */
#include "kernel/firmware/acpi.h"
#include "kernel/firmware/acpi_pptt.h"

#include <string.h>

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

#define MADT_FIRST 44 /* 36-byte header, local interrupt controller address, flags */

int acpi_madt_uids(const void *madt, uint32_t len, const uint32_t *apic, int n, uint32_t *uid)
{
    const uint8_t *t = madt;
    if (!t || len < MADT_FIRST || memcmp(t, "APIC", 4) || rd32(t + 4) > len || rd32(t + 4) < MADT_FIRST)
        return -1;
    len = rd32(t + 4);
    if (!acpi_checksum_ok(t, len))
        return -1;
    static uint8_t found[1024];
    int nf = 0;
    if (n > (int)sizeof found)
        n = (int)sizeof found;
    memset(found, 0, (size_t)(n > 0 ? n : 0));
    for (uint32_t off = MADT_FIRST; off < len;) {
        uint32_t el = off + 2 <= len ? t[off + 1] : 0;
        if (el < 2 || off + el > len)
            return -1;
        const uint8_t *e = t + off;
        uint32_t id = 0, u = 0;
        int have = 0;
        if (e[0] == 0 && el >= 8) { /* Processor Local APIC: UID (8 bits), APIC id */
            u = e[2];
            id = e[3];
            have = 1;
        } else if (e[0] == 9 && el >= 16) { /* Processor Local x2APIC: x2APIC id, flags, UID */
            id = rd32(e + 4);
            u = rd32(e + 12);
            have = 1;
        } else if (e[0] == 0x0b && el >= 76) { /* GICC: UID at 8, MPIDR at 68 */
            uint64_t mpidr;
            memcpy(&mpidr, e + 68, 8);
            id = acpi_mpidr_id(mpidr);
            u = rd32(e + 8);
            have = 1;
        }
        for (int i = 0; have && i < n; i++)
            if (!found[i] && apic[i] == id) {
                uid[i] = u;
                found[i] = 1;
                nf++;
            }
        off += el;
    }
    return nf;
}
