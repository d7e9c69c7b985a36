/* uefi_simd.c (aarch64) - FP/ASIMD and SVE register state on the running processor: UEFI
 * leaves FP/ASIMD on (CPACR_EL1.FPEN); SVE is enabled for the image (CPACR_EL1.ZEN, and CPTR_EL2.TZ
 * cleared when the firmware runs at EL2) with the longest vector the CPU offers (ZCR_ELx.LEN 15). */
#include "boot/uefi.h"

#include <stdint.h>

void uefi_simd_enable(void)
{
    uint64_t pfr0, el, v;
    __asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(pfr0));
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    el = (el >> 2) & 3;
    /* FPEN = 0b11: no trap of FP/ASIMD at EL1/EL0 (UEFI's state, stated again for processors
     * started by PSCI, which begin with it reset) */
    __asm__ volatile("mrs %0, cpacr_el1" : "=r"(v));
    v |= 3ull << 20;
    if (((pfr0 >> 32) & 0xf) >= 1)
        v |= 3ull << 16; /* ZEN */
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" ::"r"(v));
    if (el == 2) {
        __asm__ volatile("mrs %0, cptr_el2" : "=r"(v));
        v &= ~((1ull << 10) | (1ull << 8)); /* TFP, TZ (the E2H=0 layout UEFI runs with) */
        __asm__ volatile("msr cptr_el2, %0\n\tisb" ::"r"(v));
    }
    if (((pfr0 >> 32) & 0xf) < 1)
        return;
    if (el == 2)
        __asm__ volatile(".arch_extension sve\n\tmsr s3_4_c1_c2_0, %0\n\tisb" ::"r"(15ull)); /* ZCR_EL2 */
    __asm__ volatile(".arch_extension sve\n\tmsr s3_0_c1_c2_0, %0\n\tisb" ::"r"(15ull)); /* ZCR_EL1 */
}
