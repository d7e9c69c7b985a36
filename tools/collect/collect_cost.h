/* collect_cost.h - what parsing a body will cost, found without parsing it: one pass over the
 * bytes counts the JSON values by kind, so that barebench-collect can refuse a document with
 * more values than a results document has, and charge the memory its parse needs against the
 * budget before it starts (a 16 MiB document of nested empty arrays once took 764 MB). */
#ifndef BB_COLLECT_COST_H
#define BB_COLLECT_COST_H

#include <stddef.h>

/* Heap bytes one value costs while jansson parses it and benchcmp_doc.c reads it, at most:
 * measured with every allocation counted (tests/unit/test_collect.c checks the bound on the
 * worst shapes: [{},{},..], [[],[],..], [[[..]]], {"k":{},..}, [1,1,..], ["",..], fixtures). */
#define COLLECT_COST_NUMBER 56   /* number, true, false, null (+ its copy in a samples array) */
#define COLLECT_COST_STRING 104  /* a string or an object key, besides its bytes */
#define COLLECT_COST_ARRAY 160
#define COLLECT_COST_OBJECT 264

struct collect_cost {
    size_t numbers;  /* numbers and the literals true, false, null */
    size_t strings;  /* strings, object keys included */
    size_t arrays;
    size_t objects;
    size_t longest;  /* the longest string or number, in bytes */
    size_t bytes;    /* the body's length */
};

/** Count the values in the n bytes at s (any bytes: invalid JSON is counted as far as it
 *  looks like JSON, an over-estimate of what the parser gets to before it refuses it). */
void collect_cost_scan(const char *s, size_t n, struct collect_cost *c);

/** How many values: numbers + strings + arrays + objects. */
size_t collect_cost_values(const struct collect_cost *c);

/** Heap bytes the parse may take at its peak, the body itself not included:
 *  56 numbers + 104 strings + 160 arrays + 264 objects + 2 bytes + 3 longest (the lexer's
 *  buffer grows to twice the longest token; a key is copied twice more). */
size_t collect_cost_parse_bytes(const struct collect_cost *c);

#endif
