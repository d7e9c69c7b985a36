/* alu.h - the kernels of suite "alu" (integer, branch, scalar FP, SIMD FMA, mixed workloads),
 * their reference values, and the SIMD dispatcher; shared by the suite and the unit tests. */
#ifndef BB_ALU_H
#define BB_ALU_H

#include "bench/runner.h"

#include <stdint.h>

struct cpu_info;

/* Per-CPU argument of every alu kernel: operands the compiler cannot see (so it cannot fold
 * the work away) and the mixed workloads' state (kept here, not on the small AP stacks). */
struct alu_arg {
    uint64_t k;        /* integer addend / multiplier (odd) */
    uint64_t dividend; /* constant dividend of the div chains (> 2^63) */
    uint64_t seed;     /* xorshift seed of the branch kernels */
    uint64_t mask;     /* the predictable branch is taken when (i & mask) == 0 */
    double one, minus_one, step; /* 1.0, -1.0, 1.0: FP multiplier, sign flip, addend */
    int64_t mixed_int[64];
    char text[2][32];
    double mixed_fp[8];
};

/** Operands as the suite and the tests use them (identical on every CPU). */
void alu_arg_init(struct alu_arg *a);

/* Kinds of kernel: throughput runs independent chains, latency one dependent chain. */
enum alu_kind { ALU_THROUGHPUT, ALU_LATENCY, ALU_MIXED };

struct alu_kernel {
    const char *test;     /* "int_add", "fp_fma", "simd_fma", ... */
    enum alu_kind kind;
    const char *unit;     /* "Gop/s", "GFLOP/s", "Mloop/s" */
    double ops_per_iter;  /* operations of the kernel per iteration (one FMA instruction, one
                             add, one branch, one loop = one op): cycles_per_op counts these */
    bench_kernel_fn fn;
    /** Expected return value of fn(arg, iters): a closed form or a plain-C loop; for the
     *  mixed workloads only at iters == 1000 (a fixed value, the same on every build). */
    uint64_t (*ref)(const struct alu_arg *a, uint64_t iters);
    const char *isa;      /* ISA it needs: "base", "fma", "sse2", "avx2", "avx512" */
    const char *desc;
    double work_per_op;   /* units of the rate per op: flops per FMA instruction, else 1 */
};

/** Every scalar kernel (integer, branch, scalar FP, mixed), NULL-terminated. */
extern const struct alu_kernel *const alu_scalar_kernels[];
/** SIMD FP64 FMA peak kernels, one per ISA level, best first, NULL-terminated. */
extern const struct alu_kernel *const alu_simd_kernels[];

/** The runner's spec of kernel k, the one definition of its work and rate: work per
 *  iteration = the kernel's operations (cycles_per_op counts these); the rate = operations x
 *  k->work_per_op (flops of an FMA instruction, else 1) per second in k->unit (G, or M for
 *  the mixed workloads).  The suite and `make bench-alu`'s alu-peak both measure with it. */
struct bench_spec alu_spec(const struct alu_kernel *k);

/** The suite's measurement of kernel k: ISA check, self-check, one CPU, then all c->ncpus
 *  CPUs for throughput kernels (args: one per CPU); entries, a skip or an error go to c->res. */
void alu_run_kernel(struct bench_ctx *c, const struct alu_kernel *k, struct alu_arg *args);

/** 1 if the CPU offers and the OS enabled what kernel k needs ("base" always). */
int alu_isa_usable(const struct cpu_info *c, const char *isa);
/** The best SIMD FMA kernel this CPU can run (never NULL: SSE2 is the floor). */
const struct alu_kernel *alu_best_simd(const struct cpu_info *c);

/* Check values of the mixed workloads for 1000 iterations (same on every host and build). */
#define ALU_MIXED_INT_CHECK_1000 12663935515ull
#define ALU_MIXED_FP_CHECK_1000 4653457328247301330ull

/* Kernels, for the tables (defined in alu_int.c, alu_fp.c, alu_simd.c, alu_mixed.c). */
extern const struct alu_kernel alu_int_add_tput, alu_int_add_lat, alu_int_mul_tput,
    alu_int_mul_lat, alu_int_div_tput, alu_int_div_lat, alu_branch_pred, alu_branch_random;
extern const struct alu_kernel alu_fp_add_tput, alu_fp_add_lat, alu_fp_mul_tput, alu_fp_mul_lat,
    alu_fp_fma_tput, alu_fp_fma_lat;
extern const struct alu_kernel alu_simd_sse2, alu_simd_avx2, alu_simd_avx512;
extern const struct alu_kernel alu_mixed_int, alu_mixed_fp;

struct summary;
struct results;
/** The suite's part of the end-of-run page (its struct suite's `summarize`). */
void alu_summary(struct summary *s, const struct results *rs);

#endif
