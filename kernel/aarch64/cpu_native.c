/* cpu_native.c (aarch64) - reads the running processor's ID registers (MRS) for cpu.c's decoding:
 * the EL0-readable ones in both builds (Linux emulates them), the cache geometry and MPIDR only
 * at EL1 (the UEFI image); SVE's vector length with RDVL. */
#include "kernel/aarch64/cpu.h"

#include <string.h>

#define MRS(reg, v) __asm__ volatile("mrs %0, " reg : "=r"(v))

void cpu_idregs_native(struct cpu_idregs *r)
{
    memset(r, 0, sizeof *r);
    MRS("midr_el1", r->midr);
    MRS("revidr_el1", r->revidr);
    MRS("id_aa64pfr0_el1", r->pfr0);
    MRS("s3_0_c0_c4_1", r->pfr1);  /* ID_AA64PFR1_EL1 */
    MRS("id_aa64isar0_el1", r->isar0);
    MRS("id_aa64isar1_el1", r->isar1);
    MRS("s3_0_c0_c6_2", r->isar2); /* ID_AA64ISAR2_EL1 (RAZ before Armv8.7) */
    MRS("id_aa64mmfr0_el1", r->mmfr0);
    MRS("id_aa64mmfr1_el1", r->mmfr1);
    MRS("s3_0_c0_c7_2", r->mmfr2); /* ID_AA64MMFR2_EL1 */
    MRS("s3_0_c0_c4_4", r->zfr0);  /* ID_AA64ZFR0_EL1 (RAZ without SVE) */
    MRS("id_aa64dfr0_el1", r->dfr0);
    MRS("ctr_el0", r->ctr);
    MRS("cntfrq_el0", r->cntfrq);
#ifdef BB_UEFI
    /* EL1 only (the Linux build's EL0 may not): the affinity, and each cache level's geometry
     * through CSSELR_EL1 (put back as found) */
    MRS("mpidr_el1", r->mpidr);
    uint64_t el;
    MRS("CurrentEL", el);
    r->current_el = (uint32_t)(el >> 2) & 3;
    MRS("clidr_el1", r->clidr);
    uint64_t keep;
    MRS("csselr_el1", keep);
    for (int lvl = 0; lvl < 7; lvl++) {
        unsigned ctype = (unsigned)(r->clidr >> (3 * lvl)) & 7;
        for (int ins = 0; ins < 2; ins++) {
            int want = ins ? (ctype == 1 || ctype == 3) : (ctype >= 2);
            if (!want)
                continue;
            uint64_t sel = (uint64_t)(lvl << 1 | ins), v;
            __asm__ volatile("msr csselr_el1, %1\n\tisb\n\tmrs %0, ccsidr_el1" : "=r"(v) : "r"(sel));
            r->ccsidr[sel] = v;
        }
    }
    __asm__ volatile("msr csselr_el1, %0\n\tisb" ::"r"(keep));
#endif
    /* SVE's vector length: RDVL, only where SVE is implemented (the image enabled it at start,
     * boot/aarch64/uefi_simd.c; Linux enables it for every process) */
    if (((r->pfr0 >> 32) & 0xf) >= 1) {
        uint64_t vl;
        __asm__ volatile(".arch_extension sve\n\trdvl %0, #1" : "=r"(vl));
        r->sve_vl = (uint32_t)vl;
    }
}
