/* mem_run.h - the mem suite's shared state between its files (mem_suite.c: kernels, sweep,
 * latency; mem_plateau.c: the DRAM plateau; mem_numa.c: node placement and the node matrix). */
#ifndef BB_MEM_RUN_H
#define BB_MEM_RUN_H

#include "bench/mem.h"
#include "bench/runner.h"

struct result;

struct mem_run {
    struct bench_ctx *c;
    struct mem_layout lay;
    struct mem_plan plan;
    char *buf;
    uint64_t got;            /* bytes allocated at buf */
    enum mem_isa best;
    /* the plateau check's outcome, copied into the DRAM entries */
    int on_plateau;          /* 1 verified, 0 not (memory ran out), -1 not checked */
    int nplateau;
    double plateau[2 * 8];   /* rows of {bytes, GB/s} */
};

#define MEM_SCALAR 3.0

/** The arrays op uses, n elements each, back to back from base. */
void mem_arrays_at(struct mem_arrays *m, enum mem_op op, char *base, size_t n);
/** Fill the arrays op uses with their start values (1, 2, 0). */
void mem_arrays_init(const struct mem_arrays *m, enum mem_op op);
/** After op ran: every array holds its expected value (sampled); errors recorded under test. */
int mem_arrays_check(struct bench_ctx *c, const char *test, const struct mem_arrays *m,
                     enum mem_op op, uint64_t ret);
/** Params every mem entry carries: isa, nt, bytes, level. */
void mem_tag(struct result *r, const struct mem_run *mr, enum mem_isa isa, int nt, uint64_t bytes);
/** Attach the plateau check (extra.plateau, extra.on_plateau) to a DRAM entry. */
void mem_tag_plateau(struct result *r, const struct mem_run *mr);

/** Verify the DRAM point: double the working set until triad (and latency) change < 3%;
 *  may grow mr->buf and raise mr->plan.dram.  Records "plateau" entries and notes. */
void mem_plateau(struct mem_run *mr);
/** All-core DRAM triad with each processor's arrays in its own node (extra.buffers) plus
 *  per-node figures (params.node). */
void mem_cores_placed(struct mem_run *mr, int nt);
/** Test "numa": triad and latency from each node's processors to each node's memory. */
void mem_numa_matrix(struct mem_run *mr);

struct summary;
struct results;
/** The suite's part of the end-of-run page (its struct suite's `summarize`). */
void mem_summary(struct summary *s, const struct results *rs);

#endif
