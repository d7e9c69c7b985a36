/* vmcost.c - suite "vmcost": ns and TSC cycles per operation a hypervisor may trap (see
 * vmcost_ops.c).  Each operation is probed once under plat_try, then measured under it too,
 * so one that faults or is missing becomes a skipped entry with the reason, never a crash. */
#include "arch/cpu.h"
#include "bench/pt_layout.h"
#include "bench/suites.h"
#include "bench/vmcost.h"
#include "kernel/machine/identity.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

#include <string.h>

struct measure {
    struct bench_ctx *c;
    const struct vm_op *op;
    struct vm_arg *a;
    uint64_t probe;   /* the kernel's value for one iteration */
    struct result *r;
};

static void probe_once(void *p)
{
    struct measure *m = p;
    m->probe = m->op->fn(m->a, 1);
}

static void measure(void *p)
{
    struct measure *m = p;
    struct bench_spec s = {"vmcost", m->op->test, m->op->desc, "ns", "lower", 1, 0, 1, 0};
    m->r = bench_run(m->c, &s, m->op->fn, m->a, 0);
}

static void skip(struct bench_ctx *c, const struct vm_op *op, const char *why)
{
    results_skip(c->res, "vmcost", op->test, "%s", why);
}

/* The measuring loop alone: what every figure includes besides its operation. */
static uint64_t k_empty(void *p, uint64_t n)
{
    (void)p;
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++)
        ARCH_KEEP_VOLATILE(x);
    return x + n;
}

const struct vm_op vm_empty_loop = {"empty_loop", "one iteration of an empty measuring loop",
                                    k_empty, 0, NULL, NULL};

static double loop_ns = -1;

static void run_one(struct bench_ctx *c, const struct vm_op *op, struct vm_arg *a, int traps)
{
    char buf[24];
    const char *why = vm_unavailable(op, plat_ring0(), c->id->cpu.rdtscp, a);
    if (why)
        return skip(c, op, why);
    struct measure m = {c, op, a, 0, NULL};
    if (!traps) {
        if (op->ring0)
            return skip(c, op, "could not install trap handlers");
        measure(&m);
    } else {
        int v = plat_try(probe_once, &m);
        if (v) {
            results_skip(c->res, "vmcost", op->test, "faulted with %s",
                         vm_vector_name(v, buf, sizeof buf));
            return;
        }
        const char *w = vm_probe_wrong(op, m.probe);
        if (w)
            return skip(c, op, w);
        v = plat_try(measure, &m);
        if (v) {
            results_skip(c->res, "vmcost", op->test, "faulted with %s while measuring",
                         vm_vector_name(v, buf, sizeof buf));
            return;
        }
    }
    if (m.r && op->param_key)
        result_param_str(m.r, op->param_key, op->param_val);
    if (m.r && !strcmp(op->test, "page_fault"))
        result_pt_layout(m.r, a->unmapped);
    if (m.r && loop_ns >= 0)
        result_extra(m.r, "loop_overhead_ns", loop_ns);
}

/* ns per iteration of an empty measuring loop, measured into a scratch result list. */
static double empty_loop_ns(struct bench_ctx *c)
{
    struct results tmp;
    struct bench_ctx c2 = *c;
    results_init(&tmp);
    c2.res = &tmp;
    struct bench_spec s = {"vmcost", "empty_loop", "", "ns", "lower", 1, 0, 1, 0};
    struct result *r = bench_run(&c2, &s, vm_empty_loop.fn, NULL, 0);
    double ns = r ? r->st.median : -1;
    results_free(&tmp);
    return ns;
}

static void run_vmcost(struct bench_ctx *c)
{
    static struct vm_arg a; /* static: INVLPG target must be a real data page */
    int traps = plat_trap_begin() == 0;
    a = (struct vm_arg){0};
    if (plat_ring0() && traps)
        vm_find_resources(&a);
    loop_ns = empty_loop_ns(c);
    for (int i = 0; vm_ops[i].test; i++)
        run_one(c, &vm_ops[i], &a, traps);
    plat_trap_end();
}

const struct suite suite_vmcost = {"vmcost",
                                   "cost of operations a hypervisor may trap (ns, counter cycles)",
                                   run_vmcost, vmcost_summary, NULL};
