/* alu_simd.c - FP64 peak of suite "alu": packed multiply-add at each ISA level (SSE2 mul+add,
 * AVX2 FMA on ymm, AVX-512F FMA on zmm) in target-attributed functions, with enough independent
 * accumulators to cover 2 FMA ports x 4 cycles latency and no memory traffic in the loop;
 * plus the CPUID dispatcher.  Every lane computes x = x*1 + 1 exactly, so the sum is checkable. */
#include "bench/alu.h"
#include "kernel/x86/cpu.h"

#include <immintrin.h>
#include <string.h>

#define X4(M, b) M(b##0) M(b##1) M(b##2) M(b##3)
#define X12(M) X4(M, 0) X4(M, 1) X4(M, 2)
#define X24(M) X12(M) X4(M, 3) X4(M, 4) X4(M, 5)
/* accumulator ids 00..03, 10..13, ... map to j = 0..23 */
#define J(id) (((id) / 10) * 4 + (id) % 10)

/* Sum of the lanes of all accumulators: lanes * (sum j) + lanes * accs * n. */
static uint64_t peak_ref(int lanes, int accs, uint64_t n)
{
    return (uint64_t)lanes * (uint64_t)(accs * (accs - 1) / 2) + (uint64_t)(lanes * accs) * n;
}

/* ---- SSE2: 12 x (mulpd + addpd) on xmm ---- */
#define SSE_DECL(id) __m128d x##id = _mm_set1_pd((double)J(1##id - 100));
#define SSE_STEP(id) x##id = _mm_add_pd(_mm_mul_pd(x##id, m), c);
#define SSE_SUM(id) s = _mm_add_pd(s, x##id);

static uint64_t peak_sse2(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    __m128d m = _mm_set1_pd(a->one), c = _mm_set1_pd(a->step), s = _mm_setzero_pd();
    X12(SSE_DECL)
    for (uint64_t i = 0; i < n; i++) {
        X12(SSE_STEP)
    }
    X12(SSE_SUM)
    double l[2];
    _mm_storeu_pd(l, s);
    return (uint64_t)(l[0] + l[1]);
}

static uint64_t peak_sse2_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return peak_ref(2, 12, n);
}

/* ---- AVX2 + FMA: 12 x vfmadd231pd on ymm (14 of 16 registers) ---- */
#define AVX_DECL(id) __m256d x##id = _mm256_set1_pd((double)J(1##id - 100));
#define AVX_STEP(id) x##id = _mm256_fmadd_pd(x##id, m, c);
#define AVX_SUM(id) s = _mm256_add_pd(s, x##id);

__attribute__((target("avx2,fma"))) static uint64_t peak_avx2(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    __m256d m = _mm256_set1_pd(a->one), c = _mm256_set1_pd(a->step), s = _mm256_setzero_pd();
    X12(AVX_DECL)
    for (uint64_t i = 0; i < n; i++) {
        X12(AVX_STEP)
    }
    X12(AVX_SUM)
    double l[4];
    _mm256_storeu_pd(l, s);
    _mm256_zeroupper();
    return (uint64_t)(l[0] + l[1] + l[2] + l[3]);
}

static uint64_t peak_avx2_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return peak_ref(4, 12, n);
}

/* ---- AVX-512F: 24 x vfmadd231pd on zmm (26 of 32 registers) ---- */
#define Z_DECL(id) __m512d x##id = _mm512_set1_pd((double)J(1##id - 100));
#define Z_STEP(id) x##id = _mm512_fmadd_pd(x##id, m, c);
#define Z_SUM(id) s = _mm512_add_pd(s, x##id);

__attribute__((target("avx512f"))) static uint64_t peak_avx512(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    __m512d m = _mm512_set1_pd(a->one), c = _mm512_set1_pd(a->step), s = _mm512_setzero_pd();
    X24(Z_DECL)
    for (uint64_t i = 0; i < n; i++) {
        X24(Z_STEP)
    }
    X24(Z_SUM)
    double l[8];
    _mm512_storeu_pd(l, s);
    _mm256_zeroupper();
    double t = 0;
    for (int i = 0; i < 8; i++)
        t += l[i];
    return (uint64_t)t;
}

static uint64_t peak_avx512_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return peak_ref(8, 24, n);
}

const struct alu_kernel alu_simd_sse2 = {"simd_fma", ALU_THROUGHPUT, "GFLOP/s", 12,
    peak_sse2, peak_sse2_ref, "sse2", "packed FP64 mulpd+addpd on xmm, 12 accumulators", 4};
const struct alu_kernel alu_simd_avx2 = {"simd_fma", ALU_THROUGHPUT, "GFLOP/s", 12,
    peak_avx2, peak_avx2_ref, "avx2", "packed FP64 vfmadd231pd on ymm, 12 accumulators", 8};
const struct alu_kernel alu_simd_avx512 = {"simd_fma", ALU_THROUGHPUT, "GFLOP/s", 24,
    peak_avx512, peak_avx512_ref, "avx512", "packed FP64 vfmadd231pd on zmm, 24 accumulators", 16};

const struct alu_kernel *const alu_simd_kernels[] = {&alu_simd_avx512, &alu_simd_avx2,
                                                     &alu_simd_sse2, 0};

int alu_isa_usable(const struct cpu_info *c, const char *isa)
{
    if (!strcmp(isa, "base") || !strcmp(isa, "sse2"))
        return 1;
    if (!strcmp(isa, "fma"))
        return c->fma && c->os_avx;
    if (!strcmp(isa, "avx2"))
        return c->avx2 && c->fma && c->os_avx;
    if (!strcmp(isa, "avx512"))
        return c->avx512f && c->os_avx512;
    return 0;
}

const struct alu_kernel *alu_best_simd(const struct cpu_info *c)
{
    for (int i = 0; alu_simd_kernels[i]; i++)
        if (alu_isa_usable(c, alu_simd_kernels[i]->isa))
            return alu_simd_kernels[i];
    return &alu_simd_sse2;
}
