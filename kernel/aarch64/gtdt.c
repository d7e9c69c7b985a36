/* gtdt.c (aarch64) - the counter's rate as the system counter itself states it: the ACPI GTDT
 * names the memory-mapped CNTControlBase frame (offset 36; all ones or 0 when not described),
 * whose CNTFID0 register (+0x20) is the counter's base frequency, a second statement beside
 * CNTFRQ_EL0 for the clock's cross-checks.  The frame may be Secure-only on real machines: it is
 * read under plat_try (a fault means "not readable", never a crash).  QEMU's virt describes none. */
#include "kernel/aarch64/cpu.h"
#include "kernel/platform.h"

#include <string.h>

uint64_t gtdt_cnt_control_base(const uint8_t *t, uint32_t len)
{
    uint64_t base;
    if (!t || len < 44 || memcmp(t, "GTDT", 4))
        return 0;
    memcpy(&base, t + 36, 8);
    return base == ~0ull ? 0 : base;
}

static void read_cntfid0(void *p)
{
    uint64_t *v = p;
    *v = *(volatile uint32_t *)(uintptr_t)(*v + 0x20);
}

void cpu_gtdt_probe(struct cpu_info *out)
{
    uint32_t len = 0;
    const uint8_t *t = plat_acpi_table("GTDT", &len, NULL);
    uint64_t base = gtdt_cnt_control_base(t, len), v = base;
    out->gtdt_hz = 0;
    if (!t) {
        out->gtdt_why = "no GTDT";
    } else if (!base) {
        out->gtdt_why = "the GTDT describes no CNTControlBase frame";
    } else if (!plat_ring0() || plat_trap_begin() != 0) {
        out->gtdt_why = "CNTControlBase not readable here";
    } else {
        int f = plat_try(read_cntfid0, &v);
        plat_trap_end();
        if (f || !v)
            out->gtdt_why = f ? "reading CNTFID0 faulted (a Secure-only frame)" : "CNTFID0 reads 0";
        else
            out->gtdt_hz = v;
    }
}
