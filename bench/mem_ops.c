/* mem_ops.c - what the mem suite's STREAM operations are, whatever the architecture: their
 * names, the arrays each touches and the scalar reference the vector kernels are checked against. */
#include "bench/mem.h"

const char *mem_op_name(enum mem_op op)
{
    static const char *const names[MEM_NOPS] = {"copy", "scale", "add", "triad", "sum", "fill"};
    return (unsigned)op < MEM_NOPS ? names[op] : "?";
}

int mem_op_arrays(enum mem_op op)
{
    static const int arrays[MEM_NOPS] = {2, 2, 3, 3, 1, 1};
    return (unsigned)op < MEM_NOPS ? arrays[op] : 0;
}

void mem_op_expect(enum mem_op op, double s, double *a, double *b, double *c)
{
    switch (op) {
    case MEM_COPY: *c = *a; break;
    case MEM_SCALE: *b = s * *c; break;
    case MEM_ADD: *c = *a + *b; break;
    case MEM_TRIAD: *a = *b + s * *c; break;
    case MEM_FILL: *a = s; break;
    default: break;
    }
}
