/* uefi_simd.c - enables SSE/AVX/AVX-512 register state on the running processor (ring 0):
 * CR0.MP, CR4.OSFXSR/OSXMMEXCPT/OSXSAVE, then XCR0 with every state component the CPU has. */
#include "boot/uefi.h"
#include "kernel/x86/cpu.h"

void uefi_simd_enable(void)
{
    struct cpuid_regs r;
    uint64_t cr0, cr4;
    __asm__ volatile("mov %%cr0, %0" : "=r"(cr0));
    cr0 = (cr0 & ~(1ull << 2)) | (1ull << 1); /* EM off, MP on */
    __asm__ volatile("mov %0, %%cr0" ::"r"(cr0));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    cr4 |= (1ull << 9) | (1ull << 10); /* OSFXSR, OSXMMEXCPT */
    cpuid_native(1, 0, &r);
    int xsave = !!(r.ecx & (1u << 26)), avx = !!(r.ecx & (1u << 28));
    if (xsave)
        cr4 |= 1ull << 18; /* OSXSAVE */
    __asm__ volatile("mov %0, %%cr4" ::"r"(cr4));
    if (!xsave)
        return;
    cpuid_native(0xd, 0, &r);
    uint64_t supported = ((uint64_t)r.edx << 32) | r.eax;
    uint64_t want = 0x3; /* x87, SSE */
    if (avx)
        want |= 0x4;
    cpuid_native(7, 0, &r);
    if (avx && (r.ebx & (1u << 16)))
        want |= 0xe0; /* opmask, ZMM_Hi256, Hi16_ZMM */
    want &= supported;
    if ((want & 0xe0) != 0xe0) /* AVX-512 state is all or nothing */
        want &= ~0xe0ull;
    __asm__ volatile("xsetbv" ::"a"((uint32_t)want), "d"((uint32_t)(want >> 32)), "c"(0));
}
