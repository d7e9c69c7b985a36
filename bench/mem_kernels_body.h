/* mem_kernels_body.h - one ISA level's bandwidth kernels, written once for every architecture;
 * included by bench/<arch>/mem_kernels.c once per level with SFX, TGT, V, W, LD, ST, NT, ADD,
 * MUL, SET1 and STORE_FENCE defined (the vector type and intrinsics of that level); it
 * undefines them again (but STORE_FENCE). */

#ifndef BB_MEM_ENDS
#define BB_MEM_ENDS
/* Bits of the first plus last element: cheap, and depends on the stores having happened. */
static uint64_t mem_ends(const double *x, size_t n)
{
    double v = x[0] + x[n - 1];
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}
#endif

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define KFN(name) CAT(CAT(k_, name), SFX)
#define ATTR __attribute__((target(TGT)))

/* One kernel: NAME##SUFFIX stores with S (ST or NT) and ends with FENCE.  BODY(j, S) handles
 * the W elements at j; four of them per step. */
#define GEN1(name, suffix, BODY, S, FENCE, RET)                                     \
    static ATTR uint64_t KFN(CAT(name, suffix))(void *p, uint64_t iters)            \
    {                                                                               \
        struct mem_arrays *m = p;                                                   \
        double *a = m->a, *b = m->b, *c = m->c;                                     \
        size_t n = m->n;                                                            \
        V s = SET1(m->s);                                                           \
        (void)a; (void)b; (void)c; (void)s;                                         \
        for (uint64_t it = 0; it < iters; it++)                                     \
            for (size_t j = 0; j < n; j += 4 * W) {                                 \
                BODY(j, S); BODY(j + W, S); BODY(j + 2 * W, S); BODY(j + 3 * W, S); \
            }                                                                       \
        FENCE;                                                                      \
        return RET;                                                                 \
    }
/* name_st (regular stores) and name_nt (non-temporal stores, then a store fence) */
#define GEN(name, BODY, RET)                                 \
    GEN1(name, _st, BODY, ST, (void)0, RET)                  \
    GEN1(name, _nt, BODY, NT, STORE_FENCE(), RET)

#define B_COPY(j, S) S(c + (j), LD(a + (j)))
#define B_SCALE(j, S) S(b + (j), MUL(s, LD(c + (j))))
#define B_ADD(j, S) S(c + (j), ADD(LD(a + (j)), LD(b + (j))))
#define B_TRIAD(j, S) S(a + (j), ADD(LD(b + (j)), MUL(s, LD(c + (j)))))
#define B_FILL(j, S) S(a + (j), s)

GEN(copy, B_COPY, mem_ends(c, n))
GEN(scale, B_SCALE, mem_ends(b, n))
GEN(add, B_ADD, mem_ends(c, n))
GEN(triad, B_TRIAD, mem_ends(a, n))
GEN(fill, B_FILL, mem_ends(a, n))

/* sum: the only kernel with a loop-carried dependency (copy/scale/add/triad/fill write each
 * element independently).  It needs latency x ports independent adds in flight: FP add is
 * 3-4 cycles on 2 ports (Intel Skylake..Sapphire Rapids, AMD Zen 2..5), so 8 accumulators;
 * with 4 the L1/L2 figure was bound by add latency.  n is a multiple of 4W (MEM_N_ALIGN), so
 * a 4-vector tail finishes what the 8-vector steps leave. */
static ATTR uint64_t KFN(sum)(void *p, uint64_t iters)
{
    struct mem_arrays *m = p;
    const double *a = m->a;
    size_t n = m->n, n8 = n - n % (8 * W);
    double total = 0;
    for (uint64_t it = 0; it < iters; it++) {
        V s0 = SET1(0), s1 = SET1(0), s2 = SET1(0), s3 = SET1(0);
        V s4 = SET1(0), s5 = SET1(0), s6 = SET1(0), s7 = SET1(0);
        size_t j = 0;
        for (; j < n8; j += 8 * W) {
            s0 = ADD(s0, LD(a + j));
            s1 = ADD(s1, LD(a + j + W));
            s2 = ADD(s2, LD(a + j + 2 * W));
            s3 = ADD(s3, LD(a + j + 3 * W));
            s4 = ADD(s4, LD(a + j + 4 * W));
            s5 = ADD(s5, LD(a + j + 5 * W));
            s6 = ADD(s6, LD(a + j + 6 * W));
            s7 = ADD(s7, LD(a + j + 7 * W));
        }
        for (; j < n; j += 4 * W) {
            s0 = ADD(s0, LD(a + j));
            s1 = ADD(s1, LD(a + j + W));
            s2 = ADD(s2, LD(a + j + 2 * W));
            s3 = ADD(s3, LD(a + j + 3 * W));
        }
        _Alignas(64) double lanes[W];
        ST(lanes, ADD(ADD(ADD(s0, s1), ADD(s2, s3)), ADD(ADD(s4, s5), ADD(s6, s7))));
        double t = 0;
        for (int i = 0; i < W; i++)
            t += lanes[i];
        total = t; /* every pass sums the same array */
    }
    uint64_t bits;
    memcpy(&bits, &total, sizeof bits);
    return bits;
}

static const mem_kernel_fn CAT(table_, SFX)[MEM_NOPS][2] = {
    [MEM_COPY] = {KFN(copy_st), KFN(copy_nt)},
    [MEM_SCALE] = {KFN(scale_st), KFN(scale_nt)},
    [MEM_ADD] = {KFN(add_st), KFN(add_nt)},
    [MEM_TRIAD] = {KFN(triad_st), KFN(triad_nt)},
    [MEM_SUM] = {KFN(sum), 0},
    [MEM_FILL] = {KFN(fill_st), KFN(fill_nt)},
};

#undef CAT2
#undef CAT
#undef KFN
#undef ATTR
#undef GEN
#undef GEN1
#undef B_COPY
#undef B_SCALE
#undef B_ADD
#undef B_TRIAD
#undef B_FILL
#undef SFX
#undef TGT
#undef V
#undef W
#undef LD
#undef ST
#undef NT
#undef ADD
#undef MUL
#undef SET1
