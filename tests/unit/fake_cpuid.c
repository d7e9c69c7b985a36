/* fake_cpuid.c - the table-driven CPUID stand-in shared by the CPU and topology unit tests
 * (see fake_cpuid.h). */
#include <string.h>

#include "tests/unit/fake_cpuid.h"

static const struct leaf *cur;
static size_t ncur;

void fake_cpuid_use(const struct leaf *table, size_t n)
{
    cur = table;
    ncur = n;
}

void fake_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    memset(r, 0, sizeof *r);
    for (size_t i = 0; i < ncur; i++)
        if (cur[i].leaf == leaf && cur[i].sub == sub) {
            *r = cur[i].r;
            return;
        }
}
