/* alu_fp.c - scalar FP64 kernels of suite "alu": add and multiply (SSE2, every x86-64) and
 * fused multiply-add (FMA3, target-attributed, run only where the CPU and OS allow), each as
 * 12 independent chains (throughput) and one dependent chain (latency).  Operands are exact
 * (+1.0, x-1.0, x*1.0+1.0) so the checked value is a closed form at any iteration count. */
#include "arch/cpu.h"
#include "bench/alu.h"

#define KEEPX(x) ARCH_KEEP_FP(x)
#define KEEP12(a) KEEPX(a##0); KEEPX(a##1); KEEPX(a##2); KEEPX(a##3); KEEPX(a##4); \
    KEEPX(a##5); KEEPX(a##6); KEEPX(a##7); KEEPX(a##8); KEEPX(a##9); KEEPX(a##10); KEEPX(a##11)
#define DO12(a, OP) a##0 = OP(a##0); a##1 = OP(a##1); a##2 = OP(a##2); a##3 = OP(a##3); \
    a##4 = OP(a##4); a##5 = OP(a##5); a##6 = OP(a##6); a##7 = OP(a##7); a##8 = OP(a##8); \
    a##9 = OP(a##9); a##10 = OP(a##10); a##11 = OP(a##11)
#define DO8_CHAIN(x, OP) x = OP(x); KEEPX(x); x = OP(x); KEEPX(x); x = OP(x); KEEPX(x); \
    x = OP(x); KEEPX(x); x = OP(x); KEEPX(x); x = OP(x); KEEPX(x); x = OP(x); KEEPX(x); \
    x = OP(x); KEEPX(x)
#define DECL12(a, base) double a##0 = base + 0, a##1 = base + 1, a##2 = base + 2, \
    a##3 = base + 3, a##4 = base + 4, a##5 = base + 5, a##6 = base + 6, a##7 = base + 7, \
    a##8 = base + 8, a##9 = base + 9, a##10 = base + 10, a##11 = base + 11
#define SUM12(a) (a##0 + a##1 + a##2 + a##3 + a##4 + a##5 + a##6 + a##7 + a##8 + a##9 + \
    a##10 + a##11)

static uint64_t as_u64(double d)
{
    return (uint64_t)(int64_t)d;
}

/* The loop bodies, one macro per operation (v is the running value). */
#define OP_ADD(v) ((v) + step)
#define OP_MUL(v) ((v) * m)
#define OP_FMA(v) __builtin_fma((v), one, step)

#define TPUT_KERNEL(name, base, OP)                                                            \
    static uint64_t name(void *p, uint64_t n)                                                  \
    {                                                                                          \
        const struct alu_arg *a = p;                                                           \
        double step = a->step, m = a->minus_one, one = a->one;                                 \
        (void)step, (void)m, (void)one;                                                        \
        DECL12(x, base);                                                                       \
        for (uint64_t i = 0; i < n; i++) {                                                     \
            DO12(x, OP);                                                                       \
            KEEP12(x);                                                                         \
        }                                                                                      \
        return as_u64(SUM12(x));                                                               \
    }
#define LAT_KERNEL(name, start, OP)                                                            \
    static uint64_t name(void *p, uint64_t n)                                                  \
    {                                                                                          \
        const struct alu_arg *a = p;                                                           \
        double step = a->step, m = a->minus_one, one = a->one, x = start;                      \
        (void)step, (void)m, (void)one;                                                        \
        for (uint64_t i = 0; i < n; i++) {                                                     \
            DO8_CHAIN(x, OP);                                                                  \
        }                                                                                      \
        return as_u64(x);                                                                      \
    }

TPUT_KERNEL(add_tput, 0.0, OP_ADD)
LAT_KERNEL(add_lat, 0.0, OP_ADD)
TPUT_KERNEL(mul_tput, 1.0, OP_MUL)
LAT_KERNEL(mul_lat, 3.0, OP_MUL)

ARCH_TARGET_FMA TPUT_KERNEL(fma_tput, 0.0, OP_FMA)
ARCH_TARGET_FMA LAT_KERNEL(fma_lat, 0.0, OP_FMA)

/* x_j = j + n (add, fma: 12 chains from 0..11) */
static uint64_t sum_plus_n_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return 66 + 12 * n;
}

static uint64_t chain_8n_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return 8 * n;
}

/* chains 1..12 flip sign every iteration */
static uint64_t mul_tput_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return (n & 1) ? (uint64_t)-78 : 78;
}

/* eight flips per iteration: the sign comes back */
static uint64_t mul_lat_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a, (void)n;
    return 3;
}

const struct alu_kernel alu_fp_add_tput = {"fp_add", ALU_THROUGHPUT, "GFLOP/s", 12, add_tput,
    sum_plus_n_ref, "base", "scalar FP64 add (addsd), 12 independent chains", 1};
const struct alu_kernel alu_fp_add_lat = {"fp_add", ALU_LATENCY, "GFLOP/s", 8, add_lat,
    chain_8n_ref, "base", "scalar FP64 add (addsd), one dependent chain", 1};
const struct alu_kernel alu_fp_mul_tput = {"fp_mul", ALU_THROUGHPUT, "GFLOP/s", 12, mul_tput,
    mul_tput_ref, "base", "scalar FP64 multiply (mulsd), 12 independent chains", 1};
const struct alu_kernel alu_fp_mul_lat = {"fp_mul", ALU_LATENCY, "GFLOP/s", 8, mul_lat,
    mul_lat_ref, "base", "scalar FP64 multiply (mulsd), one dependent chain", 1};
const struct alu_kernel alu_fp_fma_tput = {"fp_fma", ALU_THROUGHPUT, "GFLOP/s", 12, fma_tput,
    sum_plus_n_ref, "fma", "scalar FP64 fused multiply-add (vfmadd sd), 12 independent chains, 2 flops each", 2};
const struct alu_kernel alu_fp_fma_lat = {"fp_fma", ALU_LATENCY, "GFLOP/s", 8, fma_lat,
    chain_8n_ref, "fma", "scalar FP64 fused multiply-add (vfmadd sd), one dependent chain, 2 flops each", 2};
