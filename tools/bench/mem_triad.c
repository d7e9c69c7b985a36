/* mem_triad.c - `make bench-mem` helper: the mem suite's DRAM triad (best ISA level, nt or
 * regular stores) on N processors, each on its own chunk, measured by the same runner and
 * objects as the Linux build; prints "isa threads nt bytes GB/s best-GB/s" (median and
 * highest of the repetitions, the two statistics the suite's entry also holds).
 * Usage: mem-triad BYTES THREADS [nt 0|1] [min_time_ms] [reps]   (BYTES: all arrays, all CPUs) */
#include "bench/mem.h"
#include "bench/runner.h"
#include "kernel/machine/clock.h"
#include "kernel/machine/identity.h"
#include "kernel/run/options.h"
#include "kernel/platform.h"
#include "kernel/report/results.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct identity id;

int main(int argc, char **argv)
{
    struct options o;
    struct results rs;
    struct bench_ctx c;
    if (argc < 3) {
        fprintf(stderr, "usage: mem-triad BYTES THREADS [nt 0|1] [min_time_ms] [reps]\n");
        return 2;
    }
    uint64_t bytes = strtoull(argv[1], NULL, 10);
    int threads = atoi(argv[2]), nt = argc > 3 ? atoi(argv[3]) : 1;
    options_defaults(&o);
    o.min_time_ms = argc > 4 ? atoi(argv[4]) : 300;
    o.reps = argc > 5 ? atoi(argv[5]) : 3;
    identity_collect(&id);
    if (clock_calibrate(&id.cpu)) {
        fprintf(stderr, "mem-triad: cannot calibrate the TSC\n");
        return 1;
    }
    results_init(&rs);
    bench_ctx_init(&c, &o, &rs, &id);
    if (threads < 1 || threads > c.ncpus || bytes < 3u * 8 * MEM_N_ALIGN * (unsigned)threads) {
        fprintf(stderr, "mem-triad: bad size or thread count (1..%d)\n", c.ncpus);
        return 2;
    }
    enum mem_isa isa = mem_isa_usable(&id.cpu, MEM_AVX512) ? MEM_AVX512
                       : mem_isa_usable(&id.cpu, MEM_AVX2) ? MEM_AVX2 : MEM_SSE2;
    uint64_t chunk = (bytes / (uint64_t)threads) & ~4095ull;
    size_t n = mem_elems(chunk, 3);
    char *buf = plat_alloc_pages(chunk * (uint64_t)threads, 2u << 20, PLAT_PAGES_HUGE);
    struct mem_arrays *args = plat_alloc((size_t)threads * sizeof *args);
    if (!buf || !args)
        return 1;
    for (int i = 0; i < threads; i++) {
        double *a = (double *)(buf + (uint64_t)i * chunk);
        args[i] = (struct mem_arrays){a, a + n, a + 2 * n, n, 3.0};
        for (size_t j = 0; j < 3 * n; j++) /* first touch, outside any measured interval */
            a[j] = 1.0;
    }
    struct bench_spec s = {"mem", "cores", "DRAM triad", "GB/s", "higher", (double)n * 24, 1e9, 0, 0};
    uint64_t chk;
    struct result *r = bench_run_parallel(&c, &s, threads, mem_kernel(MEM_TRIAD, isa, nt), args,
                                          sizeof *args, &chk);
    if (!r)
        return 1;
    printf("%s %d %d %llu %.3f %.3f\n", mem_isa_name(isa), threads, nt,
           (unsigned long long)(n * 24 * (uint64_t)threads), r->st.median, r->st.max);
    results_free(&rs);
    return 0;
}
