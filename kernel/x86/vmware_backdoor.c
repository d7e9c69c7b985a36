/* vmware_backdoor.c - the VMware backdoor GETVERSION probe (see vmware_backdoor.h). */
#include "kernel/x86/vmware_backdoor.h"
#include "kernel/x86/steal_vmware.h"
#include "kernel/platform.h"

#include <string.h>

struct getversion {
    uint32_t a, b, c;
};

static void getversion(void *arg)
{
    struct getversion *g = arg;
    uint32_t a = VMW_MAGIC, b = ~VMW_MAGIC, c = VMW_CMD_GETVERSION, d = VMW_PORT;
    __asm__ volatile("inl %%dx, %%eax" : "+a"(a), "+b"(b), "+c"(c), "+d"(d) : : "memory");
    g->a = a;
    g->b = b;
    g->c = c;
}

void vmw_backdoor_probe(struct cpu_info *c)
{
    c->bdoor_probed = c->bdoor_answers = 0;
    c->bdoor_fault = 0;
    if (!c->hypervisor)
        return; /* bare metal: no unknown I/O port is touched */
    if (plat_trap_begin() != 0) {
        c->bdoor_fault = -1;
        return;
    }
    struct getversion g = {0, 0, 0};
    int rc = plat_try(getversion, &g);
    plat_trap_end();
    c->bdoor_probed = 1;
    c->bdoor_fault = rc;
    if (rc == 0 && g.b == VMW_MAGIC && g.a != 0xFFFFFFFFu) {
        c->bdoor_answers = 1;
        c->bdoor_version = g.a;
        c->bdoor_type = g.c;
    }
}
