/* alu_int.c - 64-bit integer kernels of suite "alu": add, mul, div as independent chains
 * (throughput) and as one dependent chain (latency), and predictable / data-dependent branches.
 * ARCH_KEEP after each operation keeps it a real instruction on a real register. */
#include "arch/cpu.h"
#include "bench/alu.h"

#define KEEP(x) ARCH_KEEP(x)
#define KEEP8(a) KEEP(a##0); KEEP(a##1); KEEP(a##2); KEEP(a##3); KEEP(a##4); KEEP(a##5); \
                 KEEP(a##6); KEEP(a##7)
#define DO8(a, OP) a##0 OP; a##1 OP; a##2 OP; a##3 OP; a##4 OP; a##5 OP; a##6 OP; a##7 OP
#define DIV_SEED(j) ((1ull << 32) + (j) * 7919ull)

/* ---- add ---- */

#define ADD_TPUT_OPS 128
#define ADD_ROUND DO8(x, += k); KEEP8(x)

static uint64_t add_tput(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    uint64_t k = a->k, x0 = 0, x1 = 1, x2 = 2, x3 = 3, x4 = 4, x5 = 5, x6 = 6, x7 = 7;
    /* 16 rounds of 8 adds per iteration: the loop's own 2 ops (counter, branch) are 1.5% */
    for (uint64_t i = 0; i < n; i++) {
        ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND;
        ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND; ADD_ROUND;
    }
    return x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
}

static uint64_t add_tput_ref(const struct alu_arg *a, uint64_t n)
{
    return 28 + ADD_TPUT_OPS * n * a->k;
}

static uint64_t add_lat(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    uint64_t k = a->k, x = 0;
    for (uint64_t i = 0; i < n; i++) {
        x += k; KEEP(x); x += k; KEEP(x); x += k; KEEP(x); x += k; KEEP(x);
        x += k; KEEP(x); x += k; KEEP(x); x += k; KEEP(x); x += k; KEEP(x);
    }
    return x;
}

static uint64_t add_lat_ref(const struct alu_arg *a, uint64_t n)
{
    return 8 * n * a->k;
}

/* ---- mul ---- */

static uint64_t mul_tput(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    uint64_t k = a->k, x0 = 1, x1 = 3, x2 = 5, x3 = 7, x4 = 9, x5 = 11, x6 = 13, x7 = 15;
    for (uint64_t i = 0; i < n; i++) {
        DO8(x, *= k);
        KEEP8(x);
    }
    return x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
}

/* k^e mod 2^64 */
static uint64_t power(uint64_t k, uint64_t e)
{
    uint64_t r = 1;
    for (; e; e >>= 1, k *= k)
        if (e & 1)
            r *= k;
    return r;
}

static uint64_t mul_tput_ref(const struct alu_arg *a, uint64_t n)
{
    return 64 * power(a->k, n); /* (1+3+...+15) * k^n */
}

static uint64_t mul_lat(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    uint64_t k = a->k, x = 1;
    for (uint64_t i = 0; i < n; i++) {
        x *= k; KEEP(x); x *= k; KEEP(x); x *= k; KEEP(x); x *= k; KEEP(x);
        x *= k; KEEP(x); x *= k; KEEP(x); x *= k; KEEP(x); x *= k; KEEP(x);
    }
    return x;
}

static uint64_t mul_lat_ref(const struct alu_arg *a, uint64_t n)
{
    return power(a->k, 8 * n);
}

/* ---- div: x = D / x, a chain through the divisor; D > 2^63 and x >= 1 keep it defined ---- */

static uint64_t div_tput(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    uint64_t d = a->dividend;
    uint64_t x0 = DIV_SEED(0), x1 = DIV_SEED(1), x2 = DIV_SEED(2), x3 = DIV_SEED(3),
             x4 = DIV_SEED(4), x5 = DIV_SEED(5), x6 = DIV_SEED(6), x7 = DIV_SEED(7);
    KEEP(d);
    for (uint64_t i = 0; i < n; i++) {
        x0 = d / x0; x1 = d / x1; x2 = d / x2; x3 = d / x3;
        x4 = d / x4; x5 = d / x5; x6 = d / x6; x7 = d / x7;
        KEEP8(x);
    }
    return x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
}

static uint64_t div_tput_ref(const struct alu_arg *a, uint64_t n)
{
    uint64_t sum = 0;
    for (uint64_t j = 0; j < 8; j++) {
        uint64_t x = DIV_SEED(j);
        for (uint64_t i = 0; i < n; i++)
            x = a->dividend / x;
        sum += x;
    }
    return sum;
}

static uint64_t div_lat(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    uint64_t d = a->dividend, x = DIV_SEED(0);
    KEEP(d);
    for (uint64_t i = 0; i < n; i++) {
        x = d / x; KEEP(x); x = d / x; KEEP(x); x = d / x; KEEP(x); x = d / x; KEEP(x);
    }
    return x;
}

static uint64_t div_lat_ref(const struct alu_arg *a, uint64_t n)
{
    uint64_t x = DIV_SEED(0);
    for (uint64_t i = 0; i < 4 * n; i++)
        x = a->dividend / x;
    return x;
}

/* ---- branches: xorshift64 each iteration, then one conditional branch whose direction is
 * either a short period (predictable) or a random bit (about half mispredicted).  The
 * volatile keep (ARCH_KEEP_VOLATILE) in one arm stops the compiler turning the branch into a cmov. ---- */

#define XORSHIFT(s) (s ^= s << 13, s ^= s >> 7, s ^= s << 17)
#define BRANCH_LOOP(COND)                                                                      \
    for (uint64_t i = 0; i < n; i++) {                                                         \
        XORSHIFT(s);                                                                           \
        if (COND) {                                                                            \
            ARCH_KEEP_VOLATILE(acc);                                                           \
            acc += s;                                                                          \
        } else {                                                                               \
            acc ^= s >> 5;                                                                     \
        }                                                                                      \
    }

static uint64_t branch_pred(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    uint64_t s = a->seed, mask = a->mask, acc = 0;
    BRANCH_LOOP((i & mask) == 0)
    return acc ^ s;
}

static uint64_t branch_random(void *p, uint64_t n)
{
    const struct alu_arg *a = p;
    uint64_t s = a->seed, acc = 0;
    BRANCH_LOOP(s >> 63)
    return acc ^ s;
}

/* Branch-free reference of both: cond selects the arm arithmetically. */
static uint64_t branch_ref(const struct alu_arg *a, uint64_t n, int random)
{
    uint64_t s = a->seed, acc = 0;
    for (uint64_t i = 0; i < n; i++) {
        XORSHIFT(s);
        uint64_t take = random ? s >> 63 : (i & a->mask) == 0;
        uint64_t m = 0 - take;
        acc = ((acc + s) & m) | ((acc ^ (s >> 5)) & ~m);
    }
    return acc ^ s;
}

static uint64_t branch_pred_ref(const struct alu_arg *a, uint64_t n)
{
    return branch_ref(a, n, 0);
}

static uint64_t branch_random_ref(const struct alu_arg *a, uint64_t n)
{
    return branch_ref(a, n, 1);
}

const struct alu_kernel alu_int_add_tput = {"int_add", ALU_THROUGHPUT, "Gop/s", ADD_TPUT_OPS,
    add_tput, add_tput_ref, "base", "64-bit integer add, 8 independent chains, 128 adds per loop", 1};
const struct alu_kernel alu_int_add_lat = {"int_add", ALU_LATENCY, "Gop/s", 8, add_lat,
    add_lat_ref, "base", "64-bit integer add, one dependent chain", 1};
const struct alu_kernel alu_int_mul_tput = {"int_mul", ALU_THROUGHPUT, "Gop/s", 8, mul_tput,
    mul_tput_ref, "base", "64-bit integer multiply (imul), 8 independent chains", 1};
const struct alu_kernel alu_int_mul_lat = {"int_mul", ALU_LATENCY, "Gop/s", 8, mul_lat,
    mul_lat_ref, "base", "64-bit integer multiply (imul), one dependent chain", 1};
const struct alu_kernel alu_int_div_tput = {"int_div", ALU_THROUGHPUT, "Gop/s", 8, div_tput,
    div_tput_ref, "base", "64-bit unsigned divide (div r64), 8 independent chains x = D / x", 1};
const struct alu_kernel alu_int_div_lat = {"int_div", ALU_LATENCY, "Gop/s", 4, div_lat,
    div_lat_ref, "base", "64-bit unsigned divide (div r64), one dependent chain x = D / x", 1};
const struct alu_kernel alu_branch_pred = {"branch_predictable", ALU_THROUGHPUT, "Gop/s", 1,
    branch_pred, branch_pred_ref, "base",
    "xorshift64 + one conditional branch taken every 4th iteration (op = iteration)", 1};
const struct alu_kernel alu_branch_random = {"branch_random", ALU_THROUGHPUT, "Gop/s", 1,
    branch_random, branch_random_ref, "base",
    "xorshift64 + one conditional branch on a random bit (op = iteration)", 1};
