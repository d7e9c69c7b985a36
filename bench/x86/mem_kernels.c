/* mem_kernels.c - the mem suite's bandwidth kernels at each ISA level (SSE2, AVX2, AVX-512),
 * with regular and non-temporal stores, picked at run time; plus their scalar reference. */
#include "bench/mem.h"
#include "kernel/x86/cpu.h"

#include <immintrin.h>
#include <string.h>

/* Bits of the first plus last element: cheap, and depends on the stores having happened. */
static uint64_t mem_ends(const double *x, size_t n)
{
    double v = x[0] + x[n - 1];
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

#define SFX _sse2
#define TGT "sse2"
#define V __m128d
#define W 2
#define LD _mm_load_pd
#define ST _mm_store_pd
#define NT _mm_stream_pd
#define ADD _mm_add_pd
#define MUL _mm_mul_pd
#define SET1 _mm_set1_pd
#define STORE_FENCE _mm_sfence
#include "bench/x86/mem_kernels_body.h"

#define SFX _avx2
#define TGT "avx2"
#define V __m256d
#define W 4
#define LD _mm256_load_pd
#define ST _mm256_store_pd
#define NT _mm256_stream_pd
#define ADD _mm256_add_pd
#define MUL _mm256_mul_pd
#define SET1 _mm256_set1_pd
#include "bench/x86/mem_kernels_body.h"

#define SFX _avx512
#define TGT "avx512f"
#define V __m512d
#define W 8
#define LD _mm512_load_pd
#define ST _mm512_store_pd
#define NT _mm512_stream_pd
#define ADD _mm512_add_pd
#define MUL _mm512_mul_pd
#define SET1 _mm512_set1_pd
#include "bench/x86/mem_kernels_body.h"

mem_kernel_fn mem_kernel(enum mem_op op, enum mem_isa isa, int nt)
{
    if ((unsigned)op >= MEM_NOPS)
        return 0;
    switch (isa) {
    case MEM_SSE2: return table__sse2[op][!!nt];
    case MEM_AVX2: return table__avx2[op][!!nt];
    case MEM_AVX512: return table__avx512[op][!!nt];
    default: return 0;
    }
}

const char *mem_op_name(enum mem_op op)
{
    static const char *const names[MEM_NOPS] = {"copy", "scale", "add", "triad", "sum", "fill"};
    return (unsigned)op < MEM_NOPS ? names[op] : "?";
}

const char *mem_isa_name(enum mem_isa isa)
{
    static const char *const names[MEM_NISA] = {"sse2", "avx2", "avx512"};
    return (unsigned)isa < MEM_NISA ? names[isa] : "?";
}

int mem_op_arrays(enum mem_op op)
{
    static const int arrays[MEM_NOPS] = {2, 2, 3, 3, 1, 1};
    return (unsigned)op < MEM_NOPS ? arrays[op] : 0;
}

int mem_isa_usable(const struct cpu_info *c, enum mem_isa isa)
{
    switch (isa) {
    case MEM_SSE2: return c->sse2;
    case MEM_AVX2: return c->os_avx && c->avx2;
    case MEM_AVX512: return c->os_avx512;
    default: return 0;
    }
}

void mem_op_expect(enum mem_op op, double s, double *a, double *b, double *c)
{
    switch (op) {
    case MEM_COPY: *c = *a; break;
    case MEM_SCALE: *b = s * *c; break;
    case MEM_ADD: *c = *a + *b; break;
    case MEM_TRIAD: *a = *b + s * *c; break;
    case MEM_FILL: *a = s; break;
    default: break;
    }
}
