/* uefi_psci.c (aarch64) - processors without EFI MP services (AAVMF has none): barebench's
 * own bring-up with PSCI.  The processors are the MADT's enabled GICC entries (MPIDR); each run
 * on an AP is one CPU_ON (entry = ap_start below, context = its struct ap_ctx), which sets the
 * boot processor's translation, memory attributes, FP/SVE access and vector base, takes its own
 * stack and calls mp_ap_entry; then it marks itself done and calls CPU_OFF.  The next start on
 * it, and the end of the run, wait (bounded) until AFFINITY_INFO says it is OFF again, so the
 * firmware finds every processor as it left it.  APs never call boot services. */
#include "boot/uefi.h"
#include "kernel/aarch64/smccc.h"
#include "kernel/firmware/acpi.h"
#include "kernel/machine/mp_run.h"
#include "kernel/run/bounds.h"
#include "kernel/run/degraded.h"
#include "kernel/run/fault.h"
#include "kernel/platform.h"
#include "arch/cpu.h"
#include "arch/platform.h"

#include <string.h>

#define AP_STACK_BYTES (64 * 1024)

/* What ap_start reads with the MMU and caches off: the offsets are used by the assembly.  The
 * registers are those of the EL the firmware runs at (EL1, or EL2 with HCR_EL2; cpacr is then
 * CPTR_EL2), the EL PSCI starts the processor at. */
struct ap_ctx {
    uint64_t mair, tcr, ttbr0, sctlr, vbar, cpacr; /* 0, 8, 16, 24, 32, 40 */
    uint64_t sp;                                    /* 48 */
    uint64_t entry;                                 /* 56: ap_main */
    void *arg;                                      /* 64: the run's job for mp_ap_entry */
    volatile uint32_t done;                         /* 72: ap_main returned */
    uint64_t hcr;                                   /* 80: EL2 only */
    uint64_t mpidr;
    void *stack;
} __attribute__((aligned(64)));

static struct ap_ctx *ctx;   /* by processor number (0: the boot processor, unused) */
static int nproc;
static int at_el2;           /* the firmware (and so every processor PSCI starts) runs at EL2 */

void bb_a64_ap_start(void);
__asm__(".text\n\t.balign 8\n\t.globl bb_a64_ap_start\nbb_a64_ap_start:\n\t"
        "ldr x1, [x0, #0]\n\tmsr mair_el1, x1\n\t"
        "ldr x1, [x0, #8]\n\tmsr tcr_el1, x1\n\t"
        "ldr x1, [x0, #16]\n\tmsr ttbr0_el1, x1\n\t"
        "isb\n\ttlbi vmalle1\n\tdsb nsh\n\tisb\n\t"
        "ldr x1, [x0, #24]\n\tmsr sctlr_el1, x1\n\tisb\n\t"
        "ldr x1, [x0, #32]\n\tmsr vbar_el1, x1\n\t"
        "ldr x1, [x0, #40]\n\tmsr cpacr_el1, x1\n\tisb\n\t"
        "ldr x1, [x0, #48]\n\tmov sp, x1\n\t"
        "ldr x1, [x0, #56]\n\tblr x1\n\t"
        "1:\n\twfi\n\tb 1b\n\t"
        ".previous");

/* The same at EL2 (UEFI at EL2 runs with HCR_EL2.E2H clear: the EL2 registers of their own). */
void bb_a64_ap_start_el2(void);
__asm__(".text\n\t.balign 8\n\t.globl bb_a64_ap_start_el2\nbb_a64_ap_start_el2:\n\t"
        "ldr x1, [x0, #80]\n\tmsr hcr_el2, x1\n\t"
        "ldr x1, [x0, #0]\n\tmsr mair_el2, x1\n\t"
        "ldr x1, [x0, #8]\n\tmsr tcr_el2, x1\n\t"
        "ldr x1, [x0, #16]\n\tmsr ttbr0_el2, x1\n\t"
        "isb\n\ttlbi alle2\n\tdsb nsh\n\tisb\n\t"
        "ldr x1, [x0, #24]\n\tmsr sctlr_el2, x1\n\tisb\n\t"
        "ldr x1, [x0, #32]\n\tmsr vbar_el2, x1\n\t"
        "ldr x1, [x0, #40]\n\tmsr cptr_el2, x1\n\tisb\n\t"
        "ldr x1, [x0, #48]\n\tmov sp, x1\n\t"
        "ldr x1, [x0, #56]\n\tblr x1\n\t"
        "1:\n\twfi\n\tb 1b\n\t"
        ".previous");

static void cpu_off(void)
{
    uint64_t r[4];
    plat_smccc(PSCI_CPU_OFF, 0, 0, 0, r); /* returns only when refused */
}

static int stuck_taken; /* fault=ap-stuck: one AP, once */

static void ap_main(struct ap_ctx *c)
{
    /* fault=ap-stuck: never checks in nor returns (WFI, interrupts off: no host time under
     * emulation); the run leaves it out after its bounded wait, and it stays ON */
    if (fault_on(FAULT_AP_STUCK) && !__atomic_exchange_n(&stuck_taken, 1, __ATOMIC_ACQ_REL))
        arch_halt_forever();
    mp_ap_entry(c->arg);
    __atomic_store_n(&c->done, 1, __ATOMIC_RELEASE);
    cpu_off();
    arch_halt_forever();
}

/* Clean the context to the point of coherency: the AP reads it with its caches off. */
static void clean_to_poc(const void *p, size_t n)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    uintptr_t line = (uintptr_t)4 << ((ctr >> 16) & 0xf), a = (uintptr_t)p & ~(line - 1);
    for (; a < (uintptr_t)p + n; a += line)
        __asm__ volatile("dc civac, %0" ::"r"(a) : "memory");
    __asm__ volatile("dsb sy" ::: "memory");
}

static uint64_t (*now_us)(void); /* the MP layer's clock (struct mp_ops), callable anywhere */

/* AFFINITY_INFO of processor p: 0 ON, 1 OFF, 2 ON_PENDING, < 0 an error. */
static int64_t affinity(int p)
{
    uint64_t r[4];
    if (plat_smccc(PSCI_AFFINITY_INFO, ctx[p].mpidr, 0, 0, r) != 0)
        return -1;
    return (int64_t)r[0];
}

/* Until processor p is OFF, at most BB_PSCI_OFF_TIMEOUT_US; 1 when it is. */
static int wait_off(int p)
{
    uint64_t t0 = now_us();
    for (;;) {
        int64_t a = affinity(p);
        if (a == 1)
            return 1;
        if (a < 0 || now_us() - t0 > BB_PSCI_OFF_TIMEOUT_US)
            return 0;
        arch_relax();
    }
}

static int start_ap(void *c0, int proc, void *arg, uint64_t timeout_us)
{
    (void)c0, (void)timeout_us;
    if (proc <= 0 || proc >= nproc || !wait_off(proc))
        return MP_ERROR; /* still on from an earlier run: never start it twice */
    struct ap_ctx *c = &ctx[proc];
    if (at_el2) {
        __asm__ volatile("mrs %0, mair_el2" : "=r"(c->mair));
        __asm__ volatile("mrs %0, tcr_el2" : "=r"(c->tcr));
        __asm__ volatile("mrs %0, ttbr0_el2" : "=r"(c->ttbr0));
        __asm__ volatile("mrs %0, sctlr_el2" : "=r"(c->sctlr));
        __asm__ volatile("mrs %0, vbar_el2" : "=r"(c->vbar));
        __asm__ volatile("mrs %0, cptr_el2" : "=r"(c->cpacr));
        __asm__ volatile("mrs %0, hcr_el2" : "=r"(c->hcr));
    } else {
        __asm__ volatile("mrs %0, mair_el1" : "=r"(c->mair));
        __asm__ volatile("mrs %0, tcr_el1" : "=r"(c->tcr));
        __asm__ volatile("mrs %0, ttbr0_el1" : "=r"(c->ttbr0));
        __asm__ volatile("mrs %0, sctlr_el1" : "=r"(c->sctlr));
        __asm__ volatile("mrs %0, vbar_el1" : "=r"(c->vbar));
        __asm__ volatile("mrs %0, cpacr_el1" : "=r"(c->cpacr));
    }
    c->sp = (uint64_t)(uintptr_t)c->stack + AP_STACK_BYTES;
    c->entry = (uint64_t)(uintptr_t)ap_main;
    c->arg = arg;
    c->done = 0;
    clean_to_poc(c, sizeof *c);
    uint64_t r[4];
    /* UEFI maps memory one to one: the entry's and the context's addresses are physical */
    uint64_t entry = (uint64_t)(uintptr_t)(at_el2 ? bb_a64_ap_start_el2 : bb_a64_ap_start);
    if (plat_smccc(PSCI_CPU_ON, c->mpidr, entry, (uint64_t)(uintptr_t)c, r) != 0)
        return MP_UNSUPPORTED;
    int64_t st = (int64_t)r[0];
    return st == 0 ? MP_OK : st == -1 ? MP_UNSUPPORTED : MP_ERROR;
}

static int ap_done(void *c0, int proc)
{
    (void)c0;
    return __atomic_load_n(&ctx[proc].done, __ATOMIC_ACQUIRE) != 0;
}

static void ap_release(void *c0, int proc)
{
    (void)c0;
    if (!wait_off(proc))
        degraded_note("mp", "processor %d (MPIDR 0x%llx) did not turn OFF after CPU_OFF",
                      proc, (unsigned long long)ctx[proc].mpidr);
}

static int no_blocking(void *c0, void *arg, uint64_t timeout_us)
{
    (void)c0, (void)arg, (void)timeout_us;
    return MP_UNSUPPORTED;
}

int uefi_mp_fallback(struct mp_state *st, struct mp_ops *o, const char **why)
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    el = (el >> 2) & 3;
    if (el != 1 && el != 2) {
        *why = "the firmware runs at neither EL1 nor EL2";
        return -1;
    }
    at_el2 = el == 2;
    if (plat_smccc_conduit(why) == SMCCC_NONE)
        return -1;
    uint32_t len = 0;
    const void *t = plat_acpi_table("APIC", &len, NULL);
    if (!t) {
        *why = "no MADT";
        return -1;
    }
    uint32_t me = arch_cpu_hw_id();
    int cap = MP_MAX_CPUS;
    uint64_t *mpidr = plat_alloc((size_t)cap * sizeof *mpidr);
    ctx = plat_alloc_pages((size_t)cap * sizeof *ctx, 4096, 0);
    int ng = mpidr && ctx ? acpi_madt_gicc(t, len, mpidr, cap) : -1;
    if (ng < 0) {
        *why = mpidr && ctx ? "the MADT is malformed" : "out of memory";
        return -1;
    }
    memset(ctx, 0, (size_t)cap * sizeof *ctx);
    int n = 1;
    for (int i = 0; i < ng && n < cap; i++) {
        if (acpi_mpidr_id(mpidr[i]) == me)
            continue;
        ctx[n].mpidr = mpidr[i];
        ctx[n].stack = plat_alloc_pages(AP_STACK_BYTES, 4096, 0);
        if (!ctx[n].stack) {
            *why = "out of memory for the processors' stacks";
            return -1;
        }
        n++;
    }
    plat_free(mpidr);
    /* the entry runs with caches off: its instructions must be in memory, not only in a cache */
    clean_to_poc((const void *)(uintptr_t)bb_a64_ap_start, 256);
    clean_to_poc((const void *)(uintptr_t)bb_a64_ap_start_el2, 256);
    nproc = n;
    st->naps = 0;
    for (int p = 1; p < n; p++)
        st->ap[st->naps++] = p;
    now_us = o->now_us;
    o->ctx = NULL;
    o->start_ap = start_ap;
    o->ap_done = ap_done;
    o->ap_release = ap_release;
    o->start_all_blocking = no_blocking;
    *why = NULL;
    return 0;
}
