/* alu.c - suite "alu": runs every kernel of alu.h on one CPU and, for throughput kernels, on
 * all CPUs at once; self-checks each kernel's value before measuring it; labels entries with
 * kind (throughput/latency/mixed), isa and threads. */
#include "bench/alu.h"
#include "bench/suites.h"
#include "arch/cpu.h"
#include "kernel/machine/identity.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

#define SELFCHECK_ITERS 1000

void alu_arg_init(struct alu_arg *a)
{
    *a = (struct alu_arg){0};
    a->k = 0x9e3779b97f4a7c15ull;     /* odd: products never collapse to 0 */
    a->dividend = (1ull << 63) + 12345;
    a->seed = 0x2545f4914f6cdd1dull;
    a->mask = 3;
    a->one = 1.0;
    a->minus_one = -1.0;
    a->step = 1.0;
}

const struct alu_kernel *const alu_scalar_kernels[] = {
    &alu_int_add_tput, &alu_int_add_lat, &alu_int_mul_tput, &alu_int_mul_lat,
    &alu_int_div_tput, &alu_int_div_lat, &alu_branch_pred, &alu_branch_random,
    &alu_fp_add_tput,  &alu_fp_add_lat,  &alu_fp_mul_tput,  &alu_fp_mul_lat,
    &alu_fp_fma_tput,  &alu_fp_fma_lat,  &alu_mixed_int,    &alu_mixed_fp,
    0,
};

static const char *kind_name(enum alu_kind k)
{
    return k == ALU_THROUGHPUT ? "throughput" : k == ALU_LATENCY ? "latency" : "mixed";
}

static void label(struct result *r, const struct alu_kernel *k)
{
    if (!r)
        return;
    result_param_str(r, "kind", kind_name(k->kind));
    result_param_str(r, "isa", !*k->isa || k->isa[0] == 'b' ? ARCH_BASE_ISA : k->isa);
}

struct bench_spec alu_spec(const struct alu_kernel *k)
{
    double per_op = k->work_per_op > 0 ? k->work_per_op : 1;
    double scale = (k->kind == ALU_MIXED ? 1e6 : 1e9) / per_op;
    return (struct bench_spec){"alu", k->test, k->desc, k->unit, "higher", k->ops_per_iter,
                               scale, 0, 0};
}

/* Measure one kernel: usable? self-check, one CPU, then all CPUs for throughput kernels. */
void alu_run_kernel(struct bench_ctx *c, const struct alu_kernel *k, struct alu_arg *args)
{
    const char *kind = kind_name(k->kind);
    if (!alu_isa_usable(&c->id->cpu, k->isa)) {
        results_skip(c->res, "alu", k->test, "%s %s: needs %s, which this CPU or OS does not offer",
                     k->test, kind, k->isa);
        return;
    }
    uint64_t got = k->fn(&args[0], SELFCHECK_ITERS), want = k->ref(&args[0], SELFCHECK_ITERS);
    if (got != want) {
        results_error(c->res, "alu", k->test, "%s %s (%s) self-check failed: got %llu, want %llu",
                      k->test, kind, k->isa, (unsigned long long)got, (unsigned long long)want);
        return;
    }
    struct bench_spec s = alu_spec(k);
    struct result *r = bench_run(c, &s, k->fn, &args[0], 0);
    label(r, k);
    if (r)
        result_param_int(r, "threads", 1);
    if (k->kind == ALU_LATENCY || c->ncpus < 2)
        return;
    r = bench_run_parallel(c, &s, c->ncpus, k->fn, args, sizeof *args, 0);
    label(r, k);
}

static void run_alu(struct bench_ctx *c)
{
    int n = c->ncpus > 0 ? c->ncpus : 1;
    struct alu_arg *args = plat_alloc((size_t)n * sizeof *args);
    if (!args) {
        results_error(c->res, "alu", "", "out of memory for %d kernel arguments", n);
        return;
    }
    for (int i = 0; i < n; i++)
        alu_arg_init(&args[i]);
    for (int i = 0; alu_scalar_kernels[i]; i++)
        alu_run_kernel(c, alu_scalar_kernels[i], args);
    /* SIMD levels from the floor up, so a run shows what each level adds */
    int ns = 0;
    while (alu_simd_kernels[ns])
        ns++;
    for (int i = ns - 1; i >= 0; i--)
        alu_run_kernel(c, alu_simd_kernels[i], args);
    plat_free(args);
}

const struct suite suite_alu = {"alu", "integer, branch, FP64 and SIMD FMA throughput and latency",
                                run_alu, alu_summary, NULL};
