/* steal_vmware.c - VMware stolen time (see steal_vmware.h): probing and decoding, testable with
 * a fake backdoor, and the image's real backdoor (I/O port, VMCALL or VMMCALL) and RDPMC. */
#include "kernel/x86/steal_vmware.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"

#include <string.h>

static const char *fault_text(int rc)
{
    return rc == 13 ? "#GP" : rc == 6 ? "#UD" : rc == 14 ? "#PF" : rc == -1 ? "trap handlers unavailable" : "fault";
}

enum vmw_source vmw_probe(const struct vmw_backdoor *b, uint64_t pa, char *why, size_t len)
{
    int32_t res = 0;
    int rc = b->stealclock(b->ctx, (uint32_t)(pa >> 32), (uint32_t)pa, &res);
    char sc[96];
    if (rc == 0 && res == VMW_STEALCLOCK_ENABLED) {
        why[0] = 0;
        return VMW_STEALCLOCK;
    }
    if (rc != 0)
        bb_snprintf(sc, sizeof sc, "steal clock backdoor call: %s", fault_text(rc));
    else if (res == VMW_STEALCLOCK_NOT_AVAILABLE)
        bb_snprintf(sc, sizeof sc, "steal clock not offered by this VMware (command 91 answered -1)");
    else if (res == VMW_STEALCLOCK_DISABLED)
        bb_snprintf(sc, sizeof sc, "steal clock refused the record (command 91 answered 0)");
    else
        bb_snprintf(sc, sizeof sc, "steal clock: unexpected answer %d to command 91", (int)res);

    uint64_t real = 0, app = 0;
    int r1 = b->rdpmc(b->ctx, VMW_PMC_REAL_NS, &real);
    int r2 = r1 == 0 ? b->rdpmc(b->ctx, VMW_PMC_APPARENT_NS, &app) : 0;
    if (r1 == 0 && r2 == 0 && real != 0) {
        bb_snprintf(why, len, "%s", sc);
        return VMW_PSEUDO_PMC;
    }
    if (r1 != 0 || r2 != 0)
        bb_snprintf(why, len, "vmware: %s; pseudo performance counters: RDPMC 0x%x: %s "
                              "(monitor_control.pseudo_perfctr not TRUE)",
                    sc, r1 ? VMW_PMC_REAL_NS : VMW_PMC_APPARENT_NS, fault_text(r1 ? r1 : r2));
    else
        bb_snprintf(why, len, "vmware: %s; pseudo performance counters: RDPMC 0x10001 read 0", sc);
    return VMW_NONE;
}

uint64_t vmw_stealclock_ns(const volatile struct vmware_steal_time *s, double tsc_hz)
{
    uint64_t cycles = s->clock; /* one aligned 64-bit load: never torn on x86-64 */
    if (tsc_hz <= 0)
        return 0;
    return (uint64_t)((double)cycles * (1e9 / tsc_hz));
}

uint64_t vmw_lag_step(struct vmw_lag *l, uint64_t real_ns, uint64_t apparent_ns)
{
    uint64_t lag = real_ns > apparent_ns ? real_ns - apparent_ns : 0;
    if (l->primed && lag > l->last)
        l->total += lag - l->last;
    l->last = lag;
    l->primed = 1;
    return l->total;
}

/* ---- the image's side: the real backdoor ---- */

enum call_mode { CALL_PORT, CALL_VMCALL, CALL_VMMCALL };

static struct {
    enum vmw_source src;
    enum call_mode mode;
    struct vmware_steal_time *rec; /* n records */
    struct vmw_lag *lag;           /* n states */
    void *mem;
    size_t bytes;
    int n;
    int failed; /* processors whose registration was refused */
} vw;

/** One backdoor call with command `cmd`, ESI = si, EDI = di; returns EAX. */
static uint32_t bdoor(uint32_t cmd, uint32_t si, uint32_t di)
{
    uint32_t a = VMW_MAGIC, b = 0, c = cmd, d = vw.mode == CALL_PORT ? VMW_PORT : 0;
    if (vw.mode == CALL_VMCALL)
        __asm__ volatile("vmcall" : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si), "+D"(di) : : "memory", "cc");
    else if (vw.mode == CALL_VMMCALL)
        __asm__ volatile("vmmcall" : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si), "+D"(di) : : "memory", "cc");
    else
        __asm__ volatile("inl %%dx, %%eax" : "+a"(a), "+b"(b), "+c"(c), "+d"(d), "+S"(si), "+D"(di) : : "memory", "cc");
    return a;
}

static uint64_t rdpmc_raw(uint32_t idx)
{
    uint32_t lo, hi;
    __asm__ volatile("rdpmc" : "=a"(lo), "=d"(hi) : "c"(idx));
    return ((uint64_t)hi << 32) | lo;
}

struct sc_op {
    uint32_t hi, lo;
    int32_t res;
};
static void do_sc(void *p)
{
    struct sc_op *o = p;
    o->res = (int32_t)bdoor(VMW_CMD_STEALCLOCK, o->hi, o->lo);
}
static int real_stealclock(void *ctx, uint32_t hi, uint32_t lo, int32_t *result)
{
    (void)ctx;
    struct sc_op o = {hi, lo, 0};
    int rc = plat_try(do_sc, &o);
    if (rc == 0)
        *result = o.res;
    return rc;
}

struct pmc_op {
    uint32_t idx;
    uint64_t v;
};
static void do_pmc(void *p)
{
    struct pmc_op *o = p;
    o->v = rdpmc_raw(o->idx);
}
static int real_rdpmc(void *ctx, uint32_t idx, uint64_t *v)
{
    (void)ctx;
    struct pmc_op o = {idx, 0};
    int rc = plat_try(do_pmc, &o);
    if (rc == 0)
        *v = o.v;
    return rc;
}

static void sc_enable(void *arg, int cpu)
{
    (void)arg;
    uint64_t pa = (uint64_t)(uintptr_t)&vw.rec[cpu]; /* identity map: virtual = physical */
    if ((int32_t)bdoor(VMW_CMD_STEALCLOCK, (uint32_t)(pa >> 32), (uint32_t)pa) != VMW_STEALCLOCK_ENABLED)
        __atomic_fetch_add(&vw.failed, 1, __ATOMIC_RELAXED);
}

static void sc_disable(void *arg, int cpu)
{
    (void)arg, (void)cpu;
    bdoor(VMW_CMD_STEALCLOCK, 0, 1);
}

static void release(void)
{
    if (vw.mem)
        plat_free_pages(vw.mem, vw.bytes);
    memset(&vw, 0, sizeof vw);
}

enum vmw_source vmw_steal_init(int n, uint32_t features_ecx, const char **name, char *why,
                               size_t len)
{
    memset(&vw, 0, sizeof vw);
    vw.n = n;
    vw.mode = (features_ecx & 1u) ? CALL_VMMCALL : (features_ecx & 2u) ? CALL_VMCALL : CALL_PORT;
    size_t per = sizeof(struct vmware_steal_time) + sizeof(struct vmw_lag);
    vw.bytes = ((size_t)n * per + 4095) & ~(size_t)4095;
    vw.mem = plat_alloc_pages(vw.bytes, 4096, 0);
    if (!vw.mem) {
        bb_snprintf(why, len, "vmware steal time: no memory for %d records", n);
        vw.bytes = 0;
        return VMW_NONE;
    }
    memset(vw.mem, 0, vw.bytes);
    vw.rec = vw.mem; /* 64-byte records first: each stays 64-byte aligned */
    vw.lag = (struct vmw_lag *)(vw.rec + n);

    if (plat_trap_begin() != 0) {
        bb_snprintf(why, len, "vmware: trap handlers unavailable, backdoor not probed");
        release();
        return VMW_NONE;
    }
    struct vmw_backdoor b = {real_stealclock, real_rdpmc, NULL};
    enum vmw_source src = vmw_probe(&b, (uint64_t)(uintptr_t)&vw.rec[0], why, len);
    plat_trap_end();

    if (src == VMW_STEALCLOCK && n > 1) {
        if (plat_run_on_cpus(n, sc_enable, NULL) != 0 || vw.failed) {
            int failed = vw.failed;
            plat_run_on_cpus(n, sc_disable, NULL);
            sc_disable(NULL, 0);
            bb_snprintf(why, len, "vmware steal clock: registration refused on %d of %d processors", failed, n);
            release();
            return VMW_NONE;
        }
    }
    vw.src = src;
    if (src == VMW_STEALCLOCK)
        *name = vw.mode == CALL_PORT ? "vmware-steal-clock (backdoor port 0x5658, command 91)"
                                     : "vmware-steal-clock (hypercall, command 91)";
    else if (src == VMW_PSEUDO_PMC)
        *name = "vmware-pseudo-pmc (growth of real minus apparent ns, RDPMC 0x10001/0x10002; an estimate)";
    else
        release();
    return src;
}

uint64_t vmw_steal_now(int idx)
{
    if (idx < 0 || idx >= vw.n)
        return 0;
    if (vw.src == VMW_STEALCLOCK)
        return vmw_stealclock_ns(&vw.rec[idx], g_clock.hz);
    if (vw.src == VMW_PSEUDO_PMC) {
        uint64_t real = rdpmc_raw(VMW_PMC_REAL_NS);
        uint64_t app = rdpmc_raw(VMW_PMC_APPARENT_NS);
        return vmw_lag_step(&vw.lag[idx], real, app);
    }
    return 0;
}

void vmw_steal_fini(void)
{
    if (vw.src == VMW_STEALCLOCK) {
        if (vw.n > 1)
            plat_run_on_cpus(vw.n, sc_disable, NULL);
        else
            sc_disable(NULL, 0);
    }
    release();
}
