/* vmcost_ops.c (aarch64) - the timed operations of suite "vmcost" on Arm: a read of an ID
 * register (trapped by KVM with HCR_EL2.TID3; entry "cpuid", the identification trap x86 times
 * with CPUID), the virtual counter read (entry "rdtsc", the counter read), an HVC/SMC round trip
 * with PSCI_VERSION (entry "hypercall") and a 32-bit MMIO read of the GIC distributor (entry
 * "mmio_read").  Names and units are x86's where the operation means the same, so benchcmp
 * compares the two.  Also what they work on (vm_find_resources) and the fault names. */
#include "bench/vmcost.h"
#include "kernel/aarch64/smccc.h"
#include "kernel/firmware/acpi.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "arch/cpu.h"
#include "arch/platform.h"

#include <string.h>

static uint64_t k_idreg(void *p, uint64_t n)
{
    (void)p;
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v;
        __asm__ volatile("mrs %0, id_aa64pfr0_el1" : "=r"(v));
        x += v;
    }
    return x;
}

static uint64_t k_counter(void *p, uint64_t n)
{
    (void)p;
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint64_t v;
        __asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
        x ^= v;
    }
    return x;
}

static uint64_t k_hypercall(void *p, uint64_t n)
{
    (void)p;
    uint64_t x = 0, r[4];
    for (uint64_t i = 0; i < n; i++) {
        plat_smccc(PSCI_VERSION, 0, 0, 0, r);
        x += r[0];
    }
    return x;
}

static uint64_t k_mmio(void *p, uint64_t n)
{
    const struct vm_arg *a = p;
    volatile uint32_t *reg = (volatile uint32_t *)(uintptr_t)(a->lapic_base + 0x4); /* GICD_TYPER */
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++)
        x += *reg;
    return x;
}

/* WFI woken by the virtual timer armed one tick ahead, interrupts masked (a pending interrupt
 * wakes WFI whatever PSTATE says; nothing is taken, the GIC is not touched): the timer's state is
 * put back afterwards, so the firmware's own use of it goes on.  Counts the wake-ups that saw the
 * timer's condition; a WFI ending early (any other pending interrupt) waits again, at most 1000
 * times. */
static uint64_t k_wfi(void *p, uint64_t n)
{
    (void)p;
    uint64_t daif, ctl0, cval0, ctl = 0, wakes = 0;
    __asm__ volatile("mrs %0, daif\n\tmsr daifset, #3" : "=r"(daif)::"memory");
    __asm__ volatile("mrs %0, cntv_ctl_el0\n\tmrs %1, cntv_cval_el0" : "=r"(ctl0), "=r"(cval0));
    for (uint64_t i = 0; i < n; i++) {
        __asm__ volatile("msr cntv_tval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(1ull), "r"(1ull));
        for (int k = 0; k < 1000; k++) {
            __asm__ volatile("wfi\n\tmrs %0, cntv_ctl_el0" : "=r"(ctl)::"memory");
            if (ctl & 4) /* ISTATUS: the condition met */
                break;
        }
        wakes += (ctl & 4) != 0;
        __asm__ volatile("msr cntv_ctl_el0, %0\n\tisb" ::"r"(2ull)); /* off, masked: the line drops */
    }
    __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb\n\tmsr daif, %2"
                     ::"r"(cval0), "r"(ctl0), "r"(daif) : "memory");
    return wakes;
}

const struct vm_op vm_ops[] = {
    {"cpuid", "MRS of ID_AA64PFR0_EL1 (an identification register; KVM traps them, TID3)",
     k_idreg, 0, "register", "id_aa64pfr0_el1"},
    {"rdtsc", "MRS of CNTVCT_EL0 (the virtual counter, back to back)", k_counter, 0, "counter",
     "cntvct_el0"},
    {"hypercall", "PSCI_VERSION over the firmware's SMCCC conduit (HVC or SMC round trip)",
     k_hypercall, 1, "call", "psci_version"},
    {"mmio_read", "32-bit read of the GIC distributor's GICD_TYPER register (MMIO)", k_mmio, 1,
     "register", "gicd-typer"},
    {"hlt_timer", "WFI woken by the virtual timer armed 1 tick ahead (arm+WFI+wake, interrupts masked)",
     k_wfi, 1, "timer", "cntv-wfi"},
    {NULL, NULL, NULL, 0, NULL, NULL},
};

const struct vm_op_label vm_summary_ops[3] = {
    {"cpuid", "ID register"}, {"hypercall", "hypercall"}, {"hlt_timer", "WFI wake-up"}};

const char *vm_vector_name(int vec, char *buf, int n)
{
    switch (vec) {
    case ARCH_FAULT_UNDEFINED: return "undefined instruction";
    case ARCH_FAULT_PROTECTION: return "permission or alignment fault";
    case ARCH_FAULT_PAGE: return "translation fault";
    default: bb_snprintf(buf, (size_t)n, "exception class 0x%x", vec >= 16 ? vec - 16 : vec); return buf;
    }
}

const char *vm_unavailable(const struct vm_op *op, int ring0, int have_rdtscp,
                           const struct vm_arg *a)
{
    (void)have_rdtscp;
    const char *why;
    if (op->ring0 && !ring0)
        return "needs EL1";
    if (!strcmp(op->test, "hypercall") && plat_smccc_conduit(&why) == SMCCC_NONE)
        return why ? why : "no SMCCC conduit";
    if (!strcmp(op->test, "mmio_read") && !a->lapic_base)
        return "no GIC distributor in the MADT";
    if (!strcmp(op->test, "hlt_timer") && !a->wake_irq)
        return a->wake_why ? a->wake_why : "the virtual timer cannot wake WFI";
    return NULL;
}

/* GICv3/v4: GICR_ISENABLER0 of this processor's redistributor, found in the MADT's GICR
 * discovery ranges (type 0x0E: base at 4, length at 12) by GICR_TYPER's affinity (bits 63:32,
 * packed as arch_cpu_hw_id packs MPIDR); 0 when not found. */
static volatile uint32_t *gicr_enabler0(const uint8_t *madt, uint32_t len)
{
    uint32_t me = arch_cpu_hw_id();
    for (uint32_t off = 44; madt && off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1]) {
        if (madt[off] != 0x0e || madt[off + 1] < 16)
            continue;
        uint64_t base;
        uint32_t size;
        memcpy(&base, madt + off + 4, 8);
        memcpy(&size, madt + off + 12, 4);
        for (uint64_t f = base; f + 0x20000 <= base + size;) {
            uint64_t typer = *(volatile uint64_t *)(uintptr_t)(f + 8);
            if ((uint32_t)(typer >> 32) == me)
                return (volatile uint32_t *)(uintptr_t)(f + 0x10000 + 0x100); /* SGI_base frame */
            if (typer & (1u << 4)) /* Last */
                break;
            f += typer & 2 ? 0x40000 : 0x20000; /* VLPIS: GICv4's two more frames */
        }
    }
    return 0;
}

/* The virtual timer's PPI (the GTDT's, else 27) when the firmware enabled it at the GIC for this
 * processor (GICv2: the banked GICD_ISENABLER0; GICv3+: its redistributor's); a WFI waiting for
 * a disabled one would never end. */
static void find_wake_irq(struct vm_arg *a, const uint8_t *madt, uint32_t len)
{
    uint32_t glen = 0, ppi = 27;
    const uint8_t *g = plat_acpi_table("GTDT", &glen, NULL);
    if (g && glen >= 68)
        memcpy(&ppi, g + 64, 4); /* virtual EL1 timer GSIV */
    int version = 0;
    for (uint32_t off = 44; madt && off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1])
        if (madt[off] == 0x0c && madt[off + 1] >= 24)
            version = madt[off + 20];
    volatile uint32_t *en = version == 2 && a->lapic_base ? (volatile uint32_t *)(uintptr_t)(a->lapic_base + 0x100)
                          : version >= 3 ? gicr_enabler0(madt, len) : 0;
    if (ppi < 16 || ppi > 31)
        a->wake_why = "no per-processor virtual timer interrupt in the GTDT";
    else if (!en)
        a->wake_why = version >= 3 ? "no redistributor of this processor in the MADT"
                                   : "no GICv2 distributor or GICv3 redistributor found in the MADT";
    else if (!(*en & (1u << ppi)))
        a->wake_why = "the firmware left the virtual timer's interrupt disabled at the GIC";
    else
        a->wake_irq = ppi;
}

void vm_find_resources(struct vm_arg *a)
{
    uint32_t len = 0;
    const void *madt = plat_acpi_table("APIC", &len, NULL);
    a->lapic_base = madt ? acpi_madt_gicd(madt, len) : 0; /* the MMIO kernel's register block */
    find_wake_irq(a, madt, len);
    a->unmapped = plat_unmapped_address();
}

/* hlt_timer counts wake-ups: one iteration must count one */
const char *vm_probe_wrong(const struct vm_op *op, uint64_t probe)
{
    if (strcmp(op->test, "hlt_timer") || probe == 1)
        return NULL;
    return "WFI probe did not see the virtual timer fire";
}
