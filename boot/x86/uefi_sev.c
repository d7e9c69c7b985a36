/* uefi_sev.c - AMD memory encryption as it matters to our own page tables: the C-bit position
 * (CPUID 0x8000001F) and whether this is an SEV / SEV-SNP guest (SEV_STATUS MSR). */
#include "boot/uefi.h"

static void cpuid(uint32_t leaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

uint64_t uefi_sev_cbit(int *snp)
{
    uint32_t a, b, c, d;
    *snp = 0;
    cpuid(0x80000000u, &a, &b, &c, &d);
    if (a < 0x8000001fu)
        return 0;
    cpuid(0x8000001fu, &a, &b, &c, &d);
    if (!(a & 2)) /* SEV not supported: the SEV_STATUS MSR may not exist */
        return 0;
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0xc0010131u));
    if (!(lo & 1)) /* not an SEV guest */
        return 0;
    *snp = (lo >> 2) & 1;
    return 1ull << (b & 0x3f);
}
