/* mem_kernels.c - the mem suite's bandwidth kernels at each ISA level (SSE2, AVX2, AVX-512),
 * with regular and non-temporal stores, picked at run time (bench/mem_kernels_body.h), and the
 * names of the levels. */
#include "bench/mem.h"
#include "kernel/x86/cpu.h"

#include <immintrin.h>
#include <string.h>

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
#include "bench/mem_kernels_body.h"

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
#include "bench/mem_kernels_body.h"

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
#include "bench/mem_kernels_body.h"

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

const char *mem_isa_name(enum mem_isa isa)
{
    static const char *const names[MEM_NISA] = {"sse2", "avx2", "avx512"};
    return (unsigned)isa < MEM_NISA ? names[isa] : "?";
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
