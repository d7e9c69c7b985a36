/* alu_simd.c (aarch64) - FP64 peak of suite "alu": FMLA on ASIMD (2 doubles) with 24
 * accumulators, and on SVE (the vector length this image runs with) with 24 accumulators, no
 * memory traffic in the loop (enough independent chains for 4 FMA pipes x 4 cycles); plus the
 * ISA dispatcher.  Every lane computes x = x*1 + 1 exactly, so the sum is checkable. */
#include "bench/alu.h"
#include "arch/cpu.h"

#include <arm_neon.h>
#include <string.h>

#define X4(M, b) M(b##0) M(b##1) M(b##2) M(b##3)
#define X24(M) X4(M, 0) X4(M, 1) X4(M, 2) X4(M, 3) X4(M, 4) X4(M, 5)
#define J(id) (((id) / 10) * 4 + (id) % 10)

/* Sum of the lanes of all accumulators: lanes * (sum j) + lanes * accs * n. */
static uint64_t peak_ref(int lanes, int accs, uint64_t n)
{
    return (uint64_t)lanes * (uint64_t)(accs * (accs - 1) / 2) + (uint64_t)(lanes * accs) * n;
}

/* ---- ASIMD: 24 x FMLA v.2d ---- */
#define N_DECL(id) float64x2_t x##id = vdupq_n_f64((double)J(1##id - 100));
#define N_STEP(id) x##id = vfmaq_f64(c, x##id, m);
#define N_SUM(id) s = vaddq_f64(s, x##id);

static uint64_t peak_asimd(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    float64x2_t m = vdupq_n_f64(a->one), c = vdupq_n_f64(a->step), s = vdupq_n_f64(0);
    X24(N_DECL)
    for (uint64_t i = 0; i < n; i++) {
        X24(N_STEP)
    }
    X24(N_SUM)
    return (uint64_t)(vgetq_lane_f64(s, 0) + vgetq_lane_f64(s, 1));
}

static uint64_t peak_asimd_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return peak_ref(2, 24, n);
}

/* ---- SVE: 24 x FMLA z.d (z0..z23; z24 = 1, z25 = step), whole vectors under an all-true
 * predicate; accumulator k starts at k in every lane ---- */
static uint64_t sve_lanes(void)
{
    uint64_t vl;
    __asm__ volatile(".arch_extension sve\n\trdvl %0, #1" : "=r"(vl));
    return vl / 8;
}

#define Z_INIT(k) "mov z" #k ".d, z26.d\n\t" "fadd z26.d, z26.d, z28.d\n\t"
#define Z_FMLA(k) "fmla z" #k ".d, p0/m, z24.d, z25.d\n\t"
#define Z_ADD(k) "fadd z27.d, z27.d, z" #k ".d\n\t"
#define Z6(M, a, b, c, d, e, f) M(a) M(b) M(c) M(d) M(e) M(f)
#define Z24(M) Z6(M, 0, 1, 2, 3, 4, 5) Z6(M, 6, 7, 8, 9, 10, 11) Z6(M, 12, 13, 14, 15, 16, 17) \
               Z6(M, 18, 19, 20, 21, 22, 23)

static uint64_t peak_sve(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    double one = a->one, step = a->step, lanes[256]; /* 2048 bits: SVE's longest vector */
    uint64_t nl = sve_lanes();
    if (!n || nl > 256)
        return peak_ref((int)nl, 24, 0);
    /* interrupts off: the firmware's handlers save the V registers, not the Z registers whose
     * low 128 bits they are, so an interrupt in the loop would lose the upper lanes */
    uint64_t irq = arch_irq_save();
    /* z26 counts 0, 1, 2, ... (by z28 = 1.0) as the accumulators' starting values; z27 gathers
     * the sum */
    __asm__ volatile(".arch_extension sve\n\t"
                     "ptrue p0.d\n\t"
                     "dup z24.d, %[one]\n\t"
                     "dup z25.d, %[step]\n\t"
                     "fmov z28.d, #1.0\n\t"
                     "dup z26.d, #0\n\t"
                     Z24(Z_INIT)
                     "1:\n\t"
                     Z24(Z_FMLA)
                     "subs %[n], %[n], #1\n\t"
                     "b.ne 1b\n\t"
                     "dup z27.d, #0\n\t"
                     Z24(Z_ADD)
                     "st1d z27.d, p0, [%[out]]\n\t"
                     : [n] "+r"(n)
                     : [one] "r"(one), [step] "r"(step), [out] "r"(lanes)
                     : "cc", "memory", "p0", "z0", "z1", "z2", "z3", "z4", "z5", "z6", "z7", "z8",
                       "z9", "z10", "z11", "z12", "z13", "z14", "z15", "z16", "z17", "z18", "z19",
                       "z20", "z21", "z22", "z23", "z24", "z25", "z26", "z27", "z28");
    arch_irq_restore(irq);
    double total = 0;
    for (uint64_t i = 0; i < nl; i++)
        total += lanes[i];
    return (uint64_t)total;
}

static uint64_t peak_sve_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return peak_ref((int)sve_lanes(), 24, n);
}

const struct alu_kernel alu_simd_asimd = {"simd_fma", ALU_THROUGHPUT, "GFLOP/s", 24,
    peak_asimd, peak_asimd_ref, "asimd", "packed FP64 FMLA on ASIMD v.2d, 24 accumulators", 4};
/* flops per FMLA depend on the vector length: set when the ISA check finds SVE */
struct alu_kernel alu_simd_sve = {"simd_fma", ALU_THROUGHPUT, "GFLOP/s", 24,
    peak_sve, peak_sve_ref, "sve", "packed FP64 FMLA on SVE z.d (whole vector), 24 accumulators", 4};

const struct alu_kernel *const alu_simd_kernels[] = {&alu_simd_sve, &alu_simd_asimd, 0};

int alu_isa_usable(const struct cpu_info *c, const char *isa)
{
    if (!strcmp(isa, "base") || !strcmp(isa, "fma") || !strcmp(isa, "asimd"))
        return 1; /* FMA and ASIMD are part of every AArch64 FP unit */
    if (!strcmp(isa, "sve") && c->sve && c->sve_vl_bits) {
        alu_simd_sve.work_per_op = 2.0 * c->sve_vl_bits / 64;
        return 1;
    }
    return 0;
}

const struct alu_kernel *alu_best_simd(const struct cpu_info *c)
{
    for (int i = 0; alu_simd_kernels[i]; i++)
        if (alu_isa_usable(c, alu_simd_kernels[i]->isa))
            return alu_simd_kernels[i];
    return &alu_simd_asimd;
}
