/* fuzz_doc.c - libFuzzer target for the comparer's loader: any bytes as a results document,
 * then compare it with itself and print every format, so matching and output are fuzzed too. */
#include "tools/benchcmp/benchcmp.h"

#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bc_doc docs[2];
    char err[512];
    if (bc_doc_load_buffer((const char *)data, size, "fuzz", &docs[0], err, sizeof err))
        return 0;
    if (bc_doc_load_buffer((const char *)data, size, "fuzz2", &docs[1], err, sizeof err) == 0) {
        bc_doc_labels(docs, 2);
        struct bc_table t;
        if (bc_compare(docs, 2, &t) == 0) {
            FILE *null = fopen("/dev/null", "w");
            if (null) {
                bc_print(null, null, &t, BC_TEXT);
                bc_print(null, null, &t, BC_MARKDOWN);
                bc_print(null, null, &t, BC_CSV);
                fclose(null);
            }
            bc_table_free(&t);
        }
        bc_doc_free(&docs[1]);
    }
    bc_doc_free(&docs[0]);
    return 0;
}
