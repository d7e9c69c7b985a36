/* mem.h - the mem suite's parts: bandwidth kernels (STREAM copy/scale/add/triad, sum, fill;
 * regular and non-temporal stores; SSE2/AVX2/AVX-512), the pointer-chase latency kernel,
 * and the sizing plan that turns cache sizes and free memory into working sets. */
#ifndef BB_MEM_H
#define BB_MEM_H

#include <stddef.h>
#include <stdint.h>

struct cpu_info;

/* ---- bandwidth kernels (mem_kernels.c) ---- */

/** Three arrays of n doubles (n a multiple of MEM_N_ALIGN, 64-byte aligned) and the scalar. */
struct mem_arrays {
    double *a, *b, *c;
    size_t n;
    double s;
};
#define MEM_N_ALIGN 32 /* elements: 4 AVX-512 vectors, the largest unrolled step */

enum mem_op { MEM_COPY, MEM_SCALE, MEM_ADD, MEM_TRIAD, MEM_SUM, MEM_FILL, MEM_NOPS };
enum mem_isa { MEM_SSE2, MEM_AVX2, MEM_AVX512, MEM_NISA };

/** STREAM's kernels, per pass over the arrays (elements j = 0..n-1):
 *  copy c=a; scale b=s*c; add c=a+b; triad a=b+s*c; sum: reads a; fill: a=s.
 *  A kernel fn(struct mem_arrays *, iters) makes `iters` passes and returns a value derived
 *  from what it computed (bits of the sum, or of the first and last element stored). */
typedef uint64_t (*mem_kernel_fn)(void *arrays, uint64_t iters);

/** The kernel for op/isa/nt, NULL when there is none (sum has no stores, so no nt form). */
mem_kernel_fn mem_kernel(enum mem_op op, enum mem_isa isa, int nt);
const char *mem_op_name(enum mem_op op);
const char *mem_isa_name(enum mem_isa isa);
/** Arrays an op touches (STREAM byte counting: 2 for copy/scale, 3 for add/triad, 1 for sum
 *  and fill); bytes per element per pass = 8 * this.  Write-allocate traffic is not counted. */
int mem_op_arrays(enum mem_op op);
/** 1 when the CPU has the ISA level and the OS enabled its register state. */
int mem_isa_usable(const struct cpu_info *c, enum mem_isa isa);
/** Expected array values after one pass of op from values (*a,*b,*c), scalar s (scalar C,
 *  the reference the vector kernels are checked against).  sum leaves them unchanged. */
void mem_op_expect(enum mem_op op, double s, double *a, double *b, double *c);

/* ---- latency (mem_latency.c) ---- */

#define MEM_LINE 64 /* bytes per chase node: one cache line */

/** Link the `bytes / MEM_LINE` lines of buf into one random cycle (Sattolo's algorithm,
 *  seeded): each line stores the index of the next at offset 8.  Returns the line count. */
size_t mem_chase_build(void *buf, size_t bytes, uint64_t seed);
/** Write each line's pointer (offset 0) for a chase through the lines seen at address
 *  `base` (the buffer itself, or a window onto it). */
void mem_chase_rebase(void *buf, size_t lines, void *base);
/** Chase kernel: arg points to a `void *` cursor; iters dependent loads; returns the cursor. */
uint64_t mem_chase(void *cursor, uint64_t iters);
/** Walk the cycle from line 0 by the stored indices; returns its length (== lines if whole). */
size_t mem_chase_cycle_len(const void *buf, size_t lines);

/* ---- sizing (mem_plan.c) ---- */

#define MEM_MAX_POINTS 40

struct mem_layout {          /* what the plan is made from */
    uint64_t l1, l2, l3;     /* data/unified cache sizes in bytes, 0 = absent */
    uint64_t free_bytes;     /* largest free block */
    uint64_t mem_max;        /* user cap (mem_max=), 0 = none */
    int profile;             /* enum profile */
    int ncpus;
    uint64_t llc_total;      /* sum of the last-level cache instances in use, 0 = one instance */
    uint64_t share[4];       /* [1..3]: one processor's share of that level (shared caches
                              * divided by the processors in use on one instance), 0 = whole */
    uint64_t dram_array;     /* mem_dram=: bytes per array of the DRAM tests, 0 = by the rule */
};

struct mem_plan {
    uint64_t llc;            /* last-level cache bytes used for the plan (sum of instances) */
    uint64_t want_dram;      /* working set the DRAM tests should have (3 arrays, each >= 4x llc) */
    uint64_t dram;           /* working set they get (bytes, all arrays); 0 = no DRAM tests */
    uint64_t alloc;          /* bytes to allocate (2 MiB multiple; room for one doubling) */
    uint64_t budget;         /* most bytes the suite may take (plateau doubling stops there) */
    uint64_t points[MEM_MAX_POINTS]; /* sweep working sets, ascending */
    int npoints;
    int shrunk;              /* dram < want_dram */
    char why[192];           /* the reason when shrunk or no DRAM tests */
};

/** Make the plan by STREAM's rule: each of the 3 arrays >= 4x the sum of the last-level
 *  caches in use (8x with profile=full; the total at least 64 MiB), or mem_dram= per array;
 *  capped by free memory (keeping a reserve) and mem_max; sweep from 4 KiB by x2 (x4 with
 *  profile=quick) up to the DRAM size.  alloc leaves room for the plateau check (up to 4x the
 *  DRAM size where memory allows).  Returns 0, or -1 when no test fits (why says so). */
int mem_make_plan(const struct mem_layout *l, struct mem_plan *p);
/** The level a working set measures: "L1", "L2", "L3" when it is at most 3/4 of that level's
 *  capacity (one processor's share for shared caches), "DRAM" from 4x the last-level caches
 *  in use, and "boundary" in between (mixed: charts leave it out of per-level groups). */
const char *mem_level(const struct mem_layout *l, uint64_t bytes);
/** Bytes a working set must reach to count as DRAM (4x the last-level caches in use). */
uint64_t mem_dram_floor(const struct mem_layout *l);
/** Elements per array for a working set spread over `arrays` arrays (MEM_N_ALIGN multiple). */
size_t mem_elems(uint64_t bytes, int arrays);

#endif
