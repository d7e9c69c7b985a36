/* test_mem.c - the mem suite's parts: every bandwidth kernel (each ISA level this CPU has,
 * regular and non-temporal stores) checked like STREAM's validation, the pointer-chase cycle,
 * the page-size window, and the sizing plan on fake cache/memory layouts (down to tiny). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/app.h"
#include "bench/mem.h"
#include "bench/mem_options.h"
#include "bench/runner.h"
#include "bench/suites.h"
#include "kernel/machine/caches.h"
#include "kernel/machine/clock.h"
#include "kernel/x86/cpu.h"
#include "kernel/machine/identity.h"
#include "kernel/report/results.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"

#define KiB 1024ull
#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)

static struct cpu_info cpu;

static int setup(void **st)
{
    (void)st;
    cpu_decode(cpuid_native, cpu_read_xcr0(), &cpu);
    app_init(); /* the suites and their options, as both builds register them */
    return 0;
}

static double *arr(size_t n)
{
    double *p = aligned_alloc(64, n * sizeof(double));
    assert_non_null(p);
    return p;
}

static void fill(double *x, size_t n, double v)
{
    for (size_t j = 0; j < n; j++)
        x[j] = v;
}

/* Every element of x equals v exactly (the values stay small integers: exact in double). */
static void expect_all(const double *x, size_t n, double v, const char *what)
{
    for (size_t j = 0; j < n; j++)
        if (x[j] != v)
            fail_msg("%s: element %zu is %g, expected %g", what, j, x[j], v);
}

/* STREAM's validation: a=1,b=2,c=0, a*=2, then NTIMES x (copy, scale, add, triad) with the
 * kernel under test, against the same recurrence in scalar C; then sum and fill. */
static void check_variant(enum mem_isa isa, int nt, size_t n, int ntimes, uint64_t iters)
{
    struct mem_arrays m = {arr(n), arr(n), arr(n), n, 3.0};
    fill(m.a, n, 2.0);
    fill(m.b, n, 2.0);
    fill(m.c, n, 0.0);
    double ea = 2.0, eb = 2.0, ec = 0.0;
    char what[64];
    for (int k = 0; k < ntimes; k++)
        for (int op = MEM_COPY; op <= MEM_TRIAD; op++) {
            mem_kernel_fn fn = mem_kernel((enum mem_op)op, isa, nt);
            assert_non_null(fn);
            fn(&m, iters); /* each op is idempotent: repeating it changes nothing */
            mem_op_expect((enum mem_op)op, m.s, &ea, &eb, &ec);
        }
    snprintf(what, sizeof what, "%s nt=%d n=%zu a", mem_isa_name(isa), nt, n);
    expect_all(m.a, n, ea, what);
    what[strlen(what) - 1] = 'b';
    expect_all(m.b, n, eb, what);
    what[strlen(what) - 1] = 'c';
    expect_all(m.c, n, ec, what);

    /* STREAM: after 10 rounds a, b, c follow a known recurrence; spot-check it too */
    if (ntimes == 10) {
        double a = 2, b = 2, c = 0;
        for (int k = 0; k < 10; k++) {
            c = a;
            b = 3 * c;
            c = a + b;
            a = b + 3 * c;
        }
        assert_true(a == ea && b == eb && c == ec);
    }

    mem_kernel_fn sum = mem_kernel(MEM_SUM, isa, 0);
    assert_non_null(sum);
    assert_null(mem_kernel(MEM_SUM, isa, 1)); /* no stores, no nt form */
    fill(m.a, n, 1.5);
    m.a[n - 1] = 7.0;
    uint64_t bits = sum(&m, iters);
    double got;
    memcpy(&got, &bits, sizeof got);
    assert_true(got == 1.5 * (double)(n - 1) + 7.0);

    mem_kernel_fn fl = mem_kernel(MEM_FILL, isa, nt);
    assert_non_null(fl);
    m.s = 5.0;
    fl(&m, iters);
    expect_all(m.a, n, 5.0, "fill");
    free(m.a);
    free(m.b);
    free(m.c);
}

static void test_kernels_validate(void **st)
{
    (void)st;
    int tested = 0;
    for (int isa = 0; isa < MEM_NISA; isa++) {
        if (!mem_isa_usable(&cpu, (enum mem_isa)isa))
            continue;
        for (int nt = 0; nt < 2; nt++) {
            check_variant((enum mem_isa)isa, nt, MEM_N_ALIGN, 10, 1);
            check_variant((enum mem_isa)isa, nt, 32 * 1024 + MEM_N_ALIGN, 10, 1);
            check_variant((enum mem_isa)isa, nt, 4096, 3, 4);
            tested++;
        }
    }
    assert_true(tested >= 2); /* sse2 is always there on x86-64 */
}

static void test_kernel_table(void **st)
{
    (void)st;
    for (int isa = 0; isa < MEM_NISA; isa++)
        for (int op = 0; op < MEM_NOPS; op++)
            for (int nt = 0; nt < 2; nt++)
                if (op == MEM_SUM && nt)
                    assert_null(mem_kernel((enum mem_op)op, (enum mem_isa)isa, nt));
                else
                    assert_non_null(mem_kernel((enum mem_op)op, (enum mem_isa)isa, nt));
    assert_null(mem_kernel(MEM_NOPS, MEM_SSE2, 0));
    assert_int_equal(mem_op_arrays(MEM_COPY), 2);
    assert_int_equal(mem_op_arrays(MEM_SCALE), 2);
    assert_int_equal(mem_op_arrays(MEM_ADD), 3);
    assert_int_equal(mem_op_arrays(MEM_TRIAD), 3);
    assert_int_equal(mem_op_arrays(MEM_SUM), 1);
    assert_int_equal(mem_op_arrays(MEM_FILL), 1);
    assert_string_equal(mem_isa_name(MEM_AVX512), "avx512");
    assert_string_equal(mem_op_name(MEM_TRIAD), "triad");
    assert_true(mem_isa_usable(&cpu, MEM_SSE2));
}

static void test_chase_cycle(void **st)
{
    (void)st;
    size_t bytes = 1 * MiB;
    char *buf = aligned_alloc(4096, bytes);
    assert_non_null(buf);
    size_t lines = mem_chase_build(buf, bytes, 42);
    assert_int_equal(lines, bytes / MEM_LINE);
    assert_int_equal(mem_chase_cycle_len(buf, lines), lines); /* one cycle through all */
    mem_chase_rebase(buf, lines, buf);
    void *cur = buf;
    mem_chase(&cur, lines - 1);
    assert_ptr_not_equal(cur, buf);
    mem_chase(&cur, 1);
    assert_ptr_equal(cur, buf); /* back at the start after exactly `lines` loads */
    /* re-pointed through another base: addresses move, the cycle does not */
    char *other = buf + 4096;
    mem_chase_rebase(buf, lines, other);
    assert_true((char *)*(void **)buf >= other && (char *)*(void **)buf < other + bytes);
    free(buf);
}

/* 1 when transparent huge pages are switched off on this Linux */
static int thp_never(void)
{
    char thp[128] = "";
    FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
    if (f) {
        if (!fgets(thp, sizeof thp, f))
            thp[0] = '\0';
        fclose(f);
    }
    return strstr(thp, "[never]") != NULL;
}

static void test_window_linux(void **st)
{
    (void)st;
    void *w4 = plat_map_window(NULL, 4 * MiB, 4);
    assert_non_null(w4);
    memset(w4, 1, 4 * MiB);
    plat_unmap_window(w4, 4 * MiB);
    void *w2 = plat_map_window(NULL, 4 * MiB, 2048);
    if (!thp_never()) { /* where THP is off the window is refused, rightly */
        assert_non_null(w2);
        assert_int_equal((uintptr_t)w2 & (2 * MiB - 1), 0);
        plat_unmap_window(w2, 4 * MiB);
    }
    assert_null(plat_map_window(NULL, 4 * MiB, 8));
}

/* ---- the plan ---- */

static struct mem_layout lay(uint64_t l1, uint64_t l2, uint64_t l3, uint64_t free_bytes)
{
    struct mem_layout l = {.l1 = l1, .l2 = l2, .l3 = l3, .free_bytes = free_bytes,
                           .profile = PROFILE_STANDARD, .ncpus = 2};
    return l;
}

/* Invariants of every plan: ascending points from 4 KiB, none past the allocation, the
 * DRAM point last, and the allocation within the free block. */
static void plan_sane(const struct mem_layout *l, const struct mem_plan *p)
{
    assert_true(p->npoints > 0 && p->npoints <= MEM_MAX_POINTS);
    assert_int_equal(p->points[0], 4 * KiB);
    for (int i = 1; i < p->npoints; i++)
        assert_true(p->points[i] > p->points[i - 1]);
    assert_true(p->points[p->npoints - 1] <= p->alloc);
    if (p->dram)
        assert_true(p->points[p->npoints - 1] == p->dram);
    assert_true(p->alloc % (2 * MiB) == 0);
    assert_true(p->alloc + 2 * MiB <= l->free_bytes);
    if (l->mem_max)
        assert_true(p->alloc <= l->mem_max);
    if (p->dram) /* room to double once for the plateau check, where memory allows */
        assert_true(p->dram > p->llc && (p->alloc == 2 * p->dram || p->alloc == p->budget));
}

static int has_level(const struct mem_layout *l, const struct mem_plan *p, const char *lv)
{
    for (int i = 0; i < p->npoints; i++)
        if (!strcmp(mem_level(l, p->points[i]), lv))
            return 1;
    return 0;
}

static void test_plan_big_machine(void **st)
{
    (void)st;
    struct mem_layout l = lay(48 * KiB, 2 * MiB, 480 * MiB, 23 * GiB);
    struct mem_plan p;
    assert_int_equal(mem_make_plan(&l, &p), 0);
    plan_sane(&l, &p);
    assert_int_equal(p.dram, 3 * 1920 * MiB); /* 3 arrays, each 4x LLC */
    assert_false(p.shrunk);
    assert_string_equal(p.why, "");
    assert_true(has_level(&l, &p, "L1") && has_level(&l, &p, "L2") && has_level(&l, &p, "L3") &&
                has_level(&l, &p, "DRAM"));
    l.profile = PROFILE_FULL;
    assert_int_equal(mem_make_plan(&l, &p), 0);
    assert_int_equal(p.dram, 3 * 3840 * MiB); /* 3 arrays, each 8x LLC */
}

static void test_plan_qemu(void **st)
{
    (void)st;
    /* QEMU TCG "max" CPU, -m 512: 64K/512K/16M caches, about 420 MiB free */
    struct mem_layout l = lay(64 * KiB, 512 * KiB, 16 * MiB, 420 * MiB);
    l.profile = PROFILE_QUICK;
    struct mem_plan p;
    assert_int_equal(mem_make_plan(&l, &p), 0);
    plan_sane(&l, &p);
    assert_int_equal(p.dram, 192 * MiB); /* 3 x 4 x 16 MiB */
    assert_false(p.shrunk);
    assert_true(has_level(&l, &p, "L1") && has_level(&l, &p, "L2") && has_level(&l, &p, "L3") &&
                has_level(&l, &p, "DRAM"));
    assert_true(p.npoints <= 10); /* x4 steps with profile=quick */
    struct mem_plan p2;
    l.profile = PROFILE_STANDARD;
    mem_make_plan(&l, &p2);
    assert_true(p2.npoints > p.npoints);
}

static void test_plan_tiny_memory(void **st)
{
    (void)st;
    /* -m 128M: about 41 MiB in the largest block: DRAM set shrinks below 4x LLC, says so */
    struct mem_layout l = lay(64 * KiB, 512 * KiB, 16 * MiB, 41 * MiB);
    struct mem_plan p;
    assert_int_equal(mem_make_plan(&l, &p), 0);
    plan_sane(&l, &p);
    assert_true(p.shrunk);
    assert_true(p.dram > 16 * MiB && p.dram < 64 * MiB);
    assert_non_null(strstr(p.why, "instead of 3 arrays x 4x LLC"));
    /* below 4x the LLC the top point is not DRAM but the boundary between */
    assert_false(has_level(&l, &p, "DRAM"));
    assert_string_equal(mem_level(&l, p.dram), "boundary");

    /* 30 MiB: cannot get past the 16 MiB LLC: no DRAM tests, the sweep still runs */
    l.free_bytes = 30 * MiB;
    assert_int_equal(mem_make_plan(&l, &p), 0);
    plan_sane(&l, &p);
    assert_int_equal(p.dram, 0);
    assert_true(p.shrunk);
    assert_non_null(strstr(p.why, "no DRAM tests"));
    assert_false(has_level(&l, &p, "DRAM"));
    assert_true(has_level(&l, &p, "L1") && has_level(&l, &p, "L2"));

    /* 10 MiB: nothing fits */
    l.free_bytes = 10 * MiB;
    assert_int_equal(mem_make_plan(&l, &p), -1);
    assert_non_null(strstr(p.why, "no room"));
}

static void test_plan_mem_max(void **st)
{
    (void)st;
    struct mem_layout l = lay(32 * KiB, 1 * MiB, 8 * MiB, 16 * GiB);
    l.mem_max = 40 * MiB + 123; /* rounded down to 2 MiB */
    struct mem_plan p;
    assert_int_equal(mem_make_plan(&l, &p), 0);
    plan_sane(&l, &p);
    assert_int_equal(p.dram, 40 * MiB);
    assert_true(p.shrunk);
    assert_non_null(strstr(p.why, "mem_max"));
    l.mem_max = 1 * GiB; /* a cap above what is wanted changes nothing */
    assert_int_equal(mem_make_plan(&l, &p), 0);
    assert_int_equal(p.dram, 96 * MiB); /* 3 arrays x 4 x 8 MiB */
    assert_false(p.shrunk);
}

static void test_plan_unknown_caches(void **st)
{
    (void)st;
    struct mem_layout l = lay(0, 0, 0, 4 * GiB);
    struct mem_plan p;
    assert_int_equal(mem_make_plan(&l, &p), 0);
    plan_sane(&l, &p);
    assert_int_equal(p.dram, 384 * MiB); /* assumed 32 MiB LLC: 3 x 4 x 32 MiB */
    assert_string_equal(mem_level(&l, 4096), "DRAM");
    /* L2 as the last level (no L3) */
    l = lay(32 * KiB, 1 * MiB, 0, 4 * GiB);
    assert_int_equal(mem_make_plan(&l, &p), 0);
    assert_int_equal(p.llc, 1 * MiB);
    assert_true(has_level(&l, &p, "L1") && has_level(&l, &p, "L2") && has_level(&l, &p, "DRAM"));
    assert_false(has_level(&l, &p, "L3"));
}

static void test_levels_and_elems(void **st)
{
    (void)st;
    struct mem_layout l = lay(32 * KiB, 1 * MiB, 32 * MiB, GiB);
    assert_string_equal(mem_level(&l, 24 * KiB), "L1");          /* 3/4 of L1 */
    assert_string_equal(mem_level(&l, 32 * KiB), "boundary");    /* exactly the L1 size */
    assert_string_equal(mem_level(&l, 32 * KiB + 1), "L2");
    assert_string_equal(mem_level(&l, 768 * KiB + 1), "boundary");
    assert_string_equal(mem_level(&l, 24 * MiB), "L3");
    assert_string_equal(mem_level(&l, 32 * MiB), "boundary");
    assert_string_equal(mem_level(&l, 33 * MiB), "boundary");    /* past L3, below 4x LLC */
    assert_string_equal(mem_level(&l, 128 * MiB), "DRAM");
    /* a shared L3: 2 processors on one 32 MiB instance get 16 MiB each, L3 up to 12 MiB */
    l.share[3] = 16 * MiB;
    l.llc_total = 32 * MiB;
    assert_string_equal(mem_level(&l, 12 * MiB), "L3");
    assert_string_equal(mem_level(&l, 12 * MiB + 4096), "boundary");
    /* two instances in use: DRAM only from 4x their sum */
    l.llc_total = 64 * MiB;
    assert_string_equal(mem_level(&l, 128 * MiB), "boundary");
    assert_string_equal(mem_level(&l, 256 * MiB), "DRAM");
    assert_int_equal(mem_elems(4096, 3) % MEM_N_ALIGN, 0);
    assert_true(mem_elems(4096, 3) * 3 * 8 <= 4096);
    assert_int_equal(mem_elems(64, 3), MEM_N_ALIGN); /* never zero */
    assert_int_equal(mem_elems(1 * MiB, 1), 1 * MiB / 8);
}

/* ---- STREAM's sizing rule from cache instances (fake topologies) ---- */

/* A CPU with 48K L1D and 1M L2 per core (shared by 2 threads) and an L3 shared by l3_share. */
static struct cpu_info fake_cpu(uint32_t l3, uint32_t l3_share)
{
    struct cpu_info c;
    memset(&c, 0, sizeof c);
    struct cache_info k[3] = {{1, 'D', 48 * 1024, 64, 12, 2}, {2, 'U', 1024 * 1024, 64, 8, 2},
                              {3, 'U', l3, 64, 16, l3_share}};
    memcpy(c.caches, k, sizeof k);
    c.ncaches = 3;
    return c;
}

/* Plan from the caches of the first n processors of apic[]. */
static struct mem_plan plan_for(const struct cpu_info *c, const uint32_t *apic, int n,
                                struct mem_layout *l)
{
    struct cache_use u[CPU_MAX_CACHES];
    int nu = caches_in_use(c, apic, n, u);
    const struct cache_use *llc = caches_llc(u, nu);
    assert_non_null(llc);
    *l = lay(48 * KiB, 1 * MiB, llc->bytes, 1024 * GiB);
    l->llc_total = llc->total;
    struct mem_plan p;
    assert_int_equal(mem_make_plan(l, &p), 0);
    return p;
}

static void test_sizing_one_l3(void **st)
{
    (void)st;
    /* one socket, 16 threads on one 32 MiB L3 (CPUID: shared by 16) */
    struct cpu_info c = fake_cpu(32 * MiB, 16);
    uint32_t apic[16];
    for (int i = 0; i < 16; i++)
        apic[i] = (uint32_t)i;
    struct cache_use u[CPU_MAX_CACHES];
    assert_int_equal(caches_in_use(&c, apic, 16, u), 3);
    assert_int_equal(u[0].instances, 8); /* L1: one per core (2 threads) */
    assert_int_equal(u[2].instances, 1);
    assert_int_equal(u[2].total, 32 * MiB);
    assert_int_equal(u[2].per_instance, 16);
    struct mem_layout l;
    struct mem_plan p = plan_for(&c, apic, 16, &l);
    assert_int_equal(p.dram, 3 * 4 * 32 * MiB); /* each array 4x the one L3 */
    assert_string_equal(mem_level(&l, p.dram), "DRAM");
}

static void test_sizing_24_l3_two_sockets(void **st)
{
    (void)st;
    /* 2 sockets x 12 CCDs, each a 32 MiB L3 shared by 16 threads (EPYC-like);
     * APIC id = socket * 256 + ccd * 16 + thread */
    struct cpu_info c = fake_cpu(32 * MiB, 16);
    static uint32_t apic[384];
    int n = 0;
    for (int s = 0; s < 2; s++)
        for (int d = 0; d < 12; d++)
            for (int t = 0; t < 16; t++)
                apic[n++] = (uint32_t)(s * 256 + d * 16 + t);
    struct cache_use u[CPU_MAX_CACHES];
    caches_in_use(&c, apic, n, u);
    assert_int_equal(u[2].instances, 24);
    assert_int_equal(u[2].total, 24 * 32 * MiB);
    struct mem_layout l;
    struct mem_plan p = plan_for(&c, apic, n, &l);
    assert_int_equal(p.llc, 768 * MiB);
    assert_int_equal(p.dram, 3 * 4 * 768 * MiB); /* 9 GiB: each array 3 GiB */
    /* the old rule's 4x one instance (128 MiB) would sit in the caches: labelled boundary */
    assert_string_equal(mem_level(&l, 128 * MiB), "boundary");
    assert_string_equal(mem_level(&l, p.dram), "DRAM");
    /* only the first socket's first CCD in use (cpus=16): one instance counts */
    caches_in_use(&c, apic, 16, u);
    assert_int_equal(u[2].instances, 1);
    /* one L3 per socket (shared by 64 ids per socket: ids s*64 + t): 2 instances */
    struct cpu_info c2 = fake_cpu(60 * MiB, 64);
    n = 0;
    for (int s = 0; s < 2; s++)
        for (int t = 0; t < 56; t++)
            apic[n++] = (uint32_t)(s * 64 + t);
    caches_in_use(&c2, apic, n, u);
    assert_int_equal(u[2].instances, 2);
    assert_int_equal(u[2].total, 120 * MiB);
    /* sharing unknown (legacy leaf): one instance for all */
    c2.caches[2].shared_by = 0;
    caches_in_use(&c2, apic, n, u);
    assert_int_equal(u[2].instances, 1);
    assert_int_equal(cache_id_shift(16), 4);
    assert_int_equal(cache_id_shift(12), 4); /* rounded up to a power of two */
    assert_int_equal(cache_id_shift(1), 0);
}

static void test_mem_dram_override(void **st)
{
    (void)st;
    struct mem_layout l = lay(48 * KiB, 1 * MiB, 32 * MiB, 16 * GiB);
    l.dram_array = 256 * MiB;
    struct mem_plan p;
    assert_int_equal(mem_make_plan(&l, &p), 0);
    assert_int_equal(p.dram, 768 * MiB); /* per array */
    assert_false(p.shrunk);
    l.dram_array = 8 * MiB; /* below the rule: taken, and said */
    assert_int_equal(mem_make_plan(&l, &p), 0);
    assert_int_equal(p.dram, 24 * MiB);
    assert_true(p.shrunk);
    assert_non_null(strstr(p.why, "mem_dram"));
    struct options o;
    char err[160];
    options_defaults(&o);
    assert_int_equal(options_parse("mem_dram=1G", &o, err, sizeof err), 0);
    assert_int_equal(mem_options(&o)->dram, GiB);
    assert_int_equal(options_parse("mem_dram=0", &o, err, sizeof err), 0);
    assert_int_equal(options_parse("mem_dram=1K", &o, err, sizeof err), -1);
    assert_non_null(strstr(err, "mem_dram"));
    assert_int_equal(options_parse("mem_dram=lots", &o, err, sizeof err), -1);
}

/* ---- the whole suite, Linux build, on a fake small cache layout and mem_max=16M ---- */

static const char *param(const struct result *r, const char *key, int64_t *i)
{
    for (int k = 0; k < r->nparams; k++)
        if (!strcmp(r->params[k].key, key)) {
            if (i)
                *i = r->params[k].type == P_BOOL || r->params[k].type == P_INT ? r->params[k].i : 0;
            return r->params[k].s;
        }
    return NULL;
}

static int count(const struct results *rs, const char *test, const char *key, const char *val)
{
    int n = 0;
    for (int k = 0; k < rs->n; k++) {
        const struct result *r = &rs->r[k];
        const char *v = key ? param(r, key, NULL) : "";
        if (!strcmp(r->test, test) && v && (!val || !strcmp(v, val)) && r->st.median > 0)
            n++;
    }
    return n;
}

static void test_suite_run(void **st)
{
    (void)st;
    static struct identity id;
    identity_collect(&id);
    assert_int_equal(clock_calibrate(&id.cpu), 0);
    struct cache_info fake[3] = {{1, 'D', 32 * 1024, 64, 8, 1}, {2, 'U', 256 * 1024, 64, 8, 1},
                                 {3, 'U', 1024 * 1024, 64, 16, 2}};
    memcpy(id.cpu.caches, fake, sizeof fake);
    id.cpu.ncaches = 3;
    struct options o;
    char err[160];
    options_defaults(&o);
    o.profile = PROFILE_QUICK;
    o.reps = 2;
    o.min_time_ms = 1;
    /* below the 64 MiB floor: the suite must shrink and say so */
    assert_int_equal(options_parse("mem_max=16M", &o, err, sizeof err), 0);
    struct results rs;
    results_init(&rs);
    struct bench_ctx c;
    bench_ctx_init(&c, &o, &rs, &id);
    suite_mem.run(&c);
    for (int k = 0; k < rs.nerrors; k++)
        print_error("error: %s/%s: %s\n", rs.errors[k].suite, rs.errors[k].test, rs.errors[k].why);
    assert_int_equal(rs.nerrors, 0);
    int isas = 0;
    for (int i = 0; i < MEM_NISA; i++)
        isas += mem_isa_usable(&id.cpu, (enum mem_isa)i);
    assert_int_equal(count(&rs, "triad", "isa", NULL), 2 * isas);
    assert_int_equal(count(&rs, "sum", "isa", NULL), isas);
    for (const char *lv = "L1\0L2\0L3\0DRAM\0"; *lv; lv += strlen(lv) + 1)
        assert_true(count(&rs, "sweep", "level", lv) >= (lv[0] == 'L' && lv[1] != '1' ? 1 : 2));
    assert_int_equal(count(&rs, "cores", "kernel", "triad"), c.ncpus > 1 ? 4 : 2);
    assert_int_equal(count(&rs, "latency_pages", "page", "4K"), 1);
    assert_int_equal(count(&rs, "latency_pages", "page", "2M"), thp_never() ? 0 : 1);
    assert_true(count(&rs, "latency", "level", NULL) >= 5);
    int said = 0;
    for (int k = 0; k < rs.nskipped; k++)
        said += strstr(rs.skipped[k].why, "mem_max") != NULL;
    assert_int_equal(said, 1);
    results_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernels_validate),
        cmocka_unit_test(test_kernel_table),
        cmocka_unit_test(test_chase_cycle),
        cmocka_unit_test(test_window_linux),
        cmocka_unit_test(test_plan_big_machine),
        cmocka_unit_test(test_plan_qemu),
        cmocka_unit_test(test_plan_tiny_memory),
        cmocka_unit_test(test_plan_mem_max),
        cmocka_unit_test(test_plan_unknown_caches),
        cmocka_unit_test(test_levels_and_elems),
        cmocka_unit_test(test_sizing_one_l3),
        cmocka_unit_test(test_sizing_24_l3_two_sockets),
        cmocka_unit_test(test_mem_dram_override),
        cmocka_unit_test(test_suite_run),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
