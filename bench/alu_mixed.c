/* alu_mixed.c - the two mixed workloads of suite "alu", our own code in the spirit of
 * Dhrystone (integers: records, strings, switch, calls through pointers, array indexing) and
 * Whetstone (FP64: array updates, polynomial sin/exp, division, square root).  State lives in
 * the per-CPU struct alu_arg, so nothing large sits on an application processor's stack. */
#include "arch/cpu.h"
#include "bench/alu.h"

/* ---- mixed integer ---- */

struct rec {
    int64_t kind, value;
};

__attribute__((noinline)) static int64_t op_scale(int64_t v, int64_t k) { return v * 3 + k; }
__attribute__((noinline)) static int64_t op_mix(int64_t v, int64_t k) { return (v ^ k) + (v >> 3); }
__attribute__((noinline)) static int64_t op_fold(int64_t v, int64_t k) { return v - (k << 2) + 7; }

static int64_t (*const ops[3])(int64_t, int64_t) = {op_scale, op_mix, op_fold};

/* Copy src into dst (31 chars at most), changing one character; returns the length. */
static int text_copy(char *dst, const char *src, int change_at, char c)
{
    int n = 0;
    for (; src[n] && n < 31; n++)
        dst[n] = src[n];
    dst[n] = '\0';
    if (change_at < n)
        dst[change_at] = c;
    return n;
}

static int text_compare(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

static void mixed_int_reset(struct alu_arg *a)
{
    for (int i = 0; i < 64; i++)
        a->mixed_int[i] = i * 37 + 11;
    const char *t = "BAREBENCH MIXED INTEGER STRING!";
    text_copy(a->text[0], t, 99, 0);
    text_copy(a->text[1], t, 99, 0);
}

static uint64_t mixed_int(void *p, uint64_t n)
{
    struct alu_arg *a = p;
    int64_t *arr = a->mixed_int;
    struct rec r[4] = {{0, 1}, {1, 2}, {2, 3}, {0, 4}};
    uint64_t sum = 0;
    mixed_int_reset(a);
    for (uint64_t i = 0; i < n; i++) {
        struct rec *cur = &r[i & 3], *next = &r[(i + 1) & 3];
        int64_t v = cur->value;
        switch (cur->kind) {
        case 0: v += arr[i & 63]; break;
        case 1: v -= arr[(i * 7) & 63] >> 1; break;
        default: v ^= arr[(i * 13) & 63]; break;
        }
        v = ops[(uint64_t)(v & 0x7fffffff) % 3](v, (int64_t)i);
        *next = *cur;                /* record assignment */
        next->value = v & 0xffffff;
        next->kind = (v >> 4) & 3;
        if (next->kind == 3)
            next->kind = 1;
        arr[(v >> 2) & 63] += (int64_t)i;
        int len = text_copy(a->text[i & 1], a->text[(i + 1) & 1], (int)(i % 31),
                            (char)('A' + (v & 15)));
        sum += (uint64_t)(len + text_compare(a->text[0], a->text[1])) + (uint64_t)v;
    }
    for (int i = 0; i < 64; i++)
        sum += (uint64_t)arr[i];
    return sum;
}

static uint64_t mixed_int_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return n == 1000 ? ALU_MIXED_INT_CHECK_1000 : 0;
}

/* ---- mixed floating point ---- */

/* sin(x) for |x| <= pi/2, odd Taylor polynomial to x^11 */
static double poly_sin(double x)
{
    double x2 = x * x;
    return x * (1 + x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040 +
           x2 * (1.0 / 362880 + x2 * (-1.0 / 39916800))))));
}

/* exp(x) for |x| <= 1: range halving twice, Taylor to x^8, then squaring */
static double poly_exp(double x)
{
    double y = x * 0.25, t = 1, s = 1;
    for (int k = 1; k <= 8; k++) {
        t = t * y / k;
        s += t;
    }
    s *= s;
    return s * s;
}

static uint64_t mixed_fp(void *p, uint64_t n)
{
    struct alu_arg *a = p;
    double *e = a->mixed_fp;
    double t = 0.499975, t2 = 2.0, x = 0.5, y = 0.5, z = 1.0;
    for (int i = 0; i < 4; i++)
        e[i] = 1.0 - 0.25 * i;
    double acc = 0;
    for (uint64_t i = 0; i < n; i++) {
        /* array module */
        e[0] = (e[0] + e[1] + e[2] - e[3]) * t;
        e[1] = (e[0] + e[1] - e[2] + e[3]) * t;
        e[2] = (e[0] - e[1] + e[2] + e[3]) * t;
        e[3] = (-e[0] + e[1] + e[2] + e[3]) / t2;
        /* transcendental module (own polynomials), kept in range */
        double s = poly_sin(x - 0.5);
        x = 0.5 + 0.45 * s * poly_exp(y - 0.5) / (1.0 + s * s);
        y = arch_sqrt(x * x + 0.0625) - 0.1;
        /* division and square root */
        z = (z + x / (y + 1.0)) * 0.5;
        acc += e[0] * 1e-3 + x + y + z;
    }
    acc += e[0] + e[1] + e[2] + e[3];
    uint64_t bits;
    __builtin_memcpy(&bits, &acc, sizeof bits);
    return bits;
}

static uint64_t mixed_fp_ref(const struct alu_arg *a, uint64_t n)
{
    (void)a;
    return n == 1000 ? ALU_MIXED_FP_CHECK_1000 : 0;
}

const struct alu_kernel alu_mixed_int = {"mixed_int", ALU_MIXED, "Mloop/s", 1, mixed_int,
    mixed_int_ref, "base",
    "Dhrystone-like integer loop: switch, records, calls through pointers, string copy/compare", 1};
const struct alu_kernel alu_mixed_fp = {"mixed_fp", ALU_MIXED, "Mloop/s", 1, mixed_fp,
    mixed_fp_ref, "base",
    "Whetstone-like FP64 loop: array updates, polynomial sin/exp, division, square root", 1};
