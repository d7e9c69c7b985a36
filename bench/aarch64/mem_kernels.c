/* mem_kernels.c (aarch64) - the mem suite's bandwidth kernels in ASIMD (128-bit, two doubles a
 * vector), with regular stores and non-temporal pairs (STNP), from bench/mem_kernels_body.h;
 * and in SVE (whole vectors under a WHILELO predicate, regular stores or STNT1D), interrupts off
 * while they run (the firmware's handlers keep only the V registers' 128 bits).  enum mem_isa's
 * levels on Arm: asimd, sve; sve2 adds nothing to these kernels (none). */
#include "bench/mem.h"
#include "arch/cpu.h"

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

/* ---- SVE: one pass = one WHILELO loop over the n elements; z31 = s ---- */
#define SVE_LOOP(BODY)                                                                     \
    ".arch_extension sve\n\t"                                                              \
    "dup z31.d, %[s]\n\t"                                                                  \
    "mov %[j], #0\n\t"                                                                     \
    "whilelo p0.d, %[j], %[n]\n\t"                                                         \
    "b.none 2f\n"                                                                           \
    "1:\n\t" BODY "incd %[j]\n\t"                                                          \
    "whilelo p0.d, %[j], %[n]\n\t"                                                         \
    "b.first 1b\n"                                                                          \
    "2:\n\t"
#define LD(z, arr) "ld1d " z ".d, p0/z, [%[" arr "], %[j], lsl #3]\n\t"
#define ST(z, arr) "st1d " z ".d, p0, [%[" arr "], %[j], lsl #3]\n\t"
#define NT(z, arr) "stnt1d " z ".d, p0, [%[" arr "], %[j], lsl #3]\n\t"
#define SVE_KERNEL(name, BODY, RET)                                                        \
    static uint64_t name(void *p, uint64_t iters)                                          \
    {                                                                                      \
        struct mem_arrays *m = p;                                                          \
        uint64_t s, j = 0, irq = arch_irq_save();                                          \
        memcpy(&s, &m->s, sizeof s);                                                       \
        for (uint64_t it = 0; it < iters; it++)                                            \
            __asm__ volatile(SVE_LOOP(BODY)                                                \
                             : [j] "+r"(j)                                                 \
                             : [a] "r"(m->a), [b] "r"(m->b), [c] "r"(m->c), [n] "r"(m->n), \
                               [s] "r"(s)                                                  \
                             : "cc", "memory", "p0", "z0", "z1", "z31");                   \
        arch_irq_restore(irq);                                                             \
        return RET;                                                                        \
    }

SVE_KERNEL(sve_copy_st, LD("z0", "a") ST("z0", "c"), mem_ends(m->c, m->n))
SVE_KERNEL(sve_copy_nt, LD("z0", "a") NT("z0", "c"), mem_ends(m->c, m->n))
SVE_KERNEL(sve_scale_st, LD("z0", "c") "fmul z0.d, z0.d, z31.d\n\t" ST("z0", "b"), mem_ends(m->b, m->n))
SVE_KERNEL(sve_scale_nt, LD("z0", "c") "fmul z0.d, z0.d, z31.d\n\t" NT("z0", "b"), mem_ends(m->b, m->n))
SVE_KERNEL(sve_add_st, LD("z0", "a") LD("z1", "b") "fadd z0.d, z0.d, z1.d\n\t" ST("z0", "c"), mem_ends(m->c, m->n))
SVE_KERNEL(sve_add_nt, LD("z0", "a") LD("z1", "b") "fadd z0.d, z0.d, z1.d\n\t" NT("z0", "c"), mem_ends(m->c, m->n))
SVE_KERNEL(sve_triad_st, LD("z0", "b") LD("z1", "c") "fmla z0.d, p0/m, z1.d, z31.d\n\t" ST("z0", "a"),
           mem_ends(m->a, m->n))
SVE_KERNEL(sve_triad_nt, LD("z0", "b") LD("z1", "c") "fmla z0.d, p0/m, z1.d, z31.d\n\t" NT("z0", "a"),
           mem_ends(m->a, m->n))
SVE_KERNEL(sve_fill_st, ST("z31", "a"), mem_ends(m->a, m->n))
SVE_KERNEL(sve_fill_nt, NT("z31", "a"), mem_ends(m->a, m->n))

/* sum: four accumulators (z2..z5) over four vectors a step, added at the end */
static uint64_t sve_sum(void *p, uint64_t iters)
{
    struct mem_arrays *m = p;
    double total = 0;
    uint64_t irq = arch_irq_save();
    for (uint64_t it = 0; it < iters; it++) {
        uint64_t j = 0;
        __asm__ volatile(".arch_extension sve\n\t"
                         "dup z2.d, #0\n\t"
                         "mov z3.d, z2.d\n\tmov z4.d, z2.d\n\tmov z5.d, z2.d\n\t"
                         "whilelo p0.d, %[j], %[n]\n\t"
                         "b.none 2f\n"
                         "1:\n\t"
                         "ld1d z0.d, p0/z, [%[a], %[j], lsl #3]\n\t"
                         "fadd z2.d, p0/m, z2.d, z0.d\n\t"
                         "incd %[j]\n\t"
                         "whilelo p0.d, %[j], %[n]\n\t"
                         "b.none 2f\n\t"
                         "ld1d z0.d, p0/z, [%[a], %[j], lsl #3]\n\t"
                         "fadd z3.d, p0/m, z3.d, z0.d\n\t"
                         "incd %[j]\n\t"
                         "whilelo p0.d, %[j], %[n]\n\t"
                         "b.none 2f\n\t"
                         "ld1d z0.d, p0/z, [%[a], %[j], lsl #3]\n\t"
                         "fadd z4.d, p0/m, z4.d, z0.d\n\t"
                         "incd %[j]\n\t"
                         "whilelo p0.d, %[j], %[n]\n\t"
                         "b.none 2f\n\t"
                         "ld1d z0.d, p0/z, [%[a], %[j], lsl #3]\n\t"
                         "fadd z5.d, p0/m, z5.d, z0.d\n\t"
                         "incd %[j]\n\t"
                         "whilelo p0.d, %[j], %[n]\n\t"
                         "b.first 1b\n"
                         "2:\n\t"
                         "fadd z2.d, z2.d, z3.d\n\tfadd z4.d, z4.d, z5.d\n\tfadd z2.d, z2.d, z4.d\n\t"
                         "ptrue p1.d\n\t"
                         "faddv %d[t], p1, z2.d\n\t"
                         : [j] "+r"(j), [t] "=w"(total)
                         : [a] "r"(m->a), [n] "r"(m->n)
                         : "cc", "memory", "p0", "p1", "z0", "z2", "z3", "z4", "z5");
    }
    arch_irq_restore(irq);
    uint64_t bits;
    memcpy(&bits, &total, sizeof bits);
    return bits;
}

static const mem_kernel_fn table_sve[MEM_NOPS][2] = {
    [MEM_COPY] = {sve_copy_st, sve_copy_nt},    [MEM_SCALE] = {sve_scale_st, sve_scale_nt},
    [MEM_ADD] = {sve_add_st, sve_add_nt},       [MEM_TRIAD] = {sve_triad_st, sve_triad_nt},
    [MEM_SUM] = {sve_sum, 0},                   [MEM_FILL] = {sve_fill_st, sve_fill_nt},
};

mem_kernel_fn mem_kernel(enum mem_op op, enum mem_isa isa, int nt)
{
    if ((unsigned)op >= MEM_NOPS)
        return 0;
    switch (isa) {
    case MEM_SSE2: return table__asimd[op][!!nt];
    case MEM_AVX2: return table_sve[op][!!nt];
    default: return 0;
    }
}

/* enum mem_isa's levels on Arm: ASIMD (the baseline of every AArch64 CPU), SVE, SVE2 */
const char *mem_isa_name(enum mem_isa isa)
{
    static const char *const names[MEM_NISA] = {"asimd", "sve", "sve2"};
    return (unsigned)isa < MEM_NISA ? names[isa] : "?";
}

int mem_isa_usable(const struct cpu_info *c, enum mem_isa isa)
{
    return isa == MEM_SSE2 ? c->asimd : isa == MEM_AVX2 ? c->sve && c->sve_vl_bits : 0;
}
