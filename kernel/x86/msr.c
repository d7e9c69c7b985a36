/* msr.c - trap-safe RDMSR/WRMSR: a #GP from an absent or hypervisor-refused register becomes a
 * return code instead of a crash (plat_try); outside ring 0 nothing is attempted. */
#include "kernel/x86/msr.h"
#include "kernel/platform.h"

struct msr_op {
    uint32_t msr;
    uint64_t v;
};

static void do_read(void *p)
{
    struct msr_op *o = p;
    o->v = msr_read(o->msr);
}

static void do_write(void *p)
{
    struct msr_op *o = p;
    msr_write(o->msr, o->v);
}

int msr_try_read(uint32_t msr, uint64_t *v)
{
    if (!plat_ring0())
        return -2;
    struct msr_op o = {msr, 0};
    int rc = plat_try(do_read, &o);
    if (rc == 0)
        *v = o.v;
    return rc;
}

int msr_try_write(uint32_t msr, uint64_t v)
{
    if (!plat_ring0())
        return -2;
    struct msr_op o = {msr, v};
    return plat_try(do_write, &o);
}

const char *msr_why(int rc)
{
    switch (rc) {
    case 0: return "ok";
    case -2: return "not ring 0 (user-space build)";
    case -1: return "trap handlers unavailable";
    case 13: return "#GP (register absent or refused by a hypervisor)";
    case 6: return "#UD";
    case 14: return "#PF";
    default: return "fault";
    }
}
