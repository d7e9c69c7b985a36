/* mem_kernels.c (aarch64) - the mem suite's bandwidth kernels in ASIMD (128-bit, two doubles a
 * vector), with regular stores and non-temporal pairs (STNP), from bench/mem_kernels_body.h;
 * the ISA levels of enum mem_isa beyond the first have no Arm kernel yet (SVE: not done). */
#include "bench/mem.h"
#include "kernel/aarch64/cpu.h"

#include <arm_neon.h>
#include <string.h>

/* A non-temporal store of one vector: STNP of its two halves (ASIMD has no single-register NT). */
static inline void stnp_f64x2(double *p, float64x2_t v)
{
    float64x1_t lo = vget_low_f64(v), hi = vget_high_f64(v);
    __asm__ volatile("stnp %d1, %d2, [%0]" ::"r"(p), "w"(lo), "w"(hi) : "memory");
}

/* the stores are made visible before the timer is read after the kernel */
static inline void store_fence(void) { __asm__ volatile("dmb ishst" ::: "memory"); }

#define SFX _asimd
#define TGT "+simd"
#define V float64x2_t
#define W 2
#define LD vld1q_f64
#define ST vst1q_f64
#define NT stnp_f64x2
#define ADD vaddq_f64
#define MUL vmulq_f64
#define SET1 vdupq_n_f64
#define STORE_FENCE store_fence
#include "bench/mem_kernels_body.h"

mem_kernel_fn mem_kernel(enum mem_op op, enum mem_isa isa, int nt)
{
    if ((unsigned)op >= MEM_NOPS || isa != MEM_SSE2)
        return 0;
    return table__asimd[op][!!nt];
}

/* enum mem_isa's levels on Arm: the first is ASIMD, the baseline of every AArch64 CPU */
const char *mem_isa_name(enum mem_isa isa)
{
    static const char *const names[MEM_NISA] = {"asimd", "sve", "sve2"};
    return (unsigned)isa < MEM_NISA ? names[isa] : "?";
}

int mem_isa_usable(const struct cpu_info *c, enum mem_isa isa)
{
    return isa == MEM_SSE2 && c->asimd;
}
