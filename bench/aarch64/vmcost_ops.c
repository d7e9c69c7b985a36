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

const struct vm_op vm_ops[] = {
    {"cpuid", "MRS of ID_AA64PFR0_EL1 (an identification register; KVM traps them, TID3)",
     k_idreg, 0, "register", "id_aa64pfr0_el1"},
    {"rdtsc", "MRS of CNTVCT_EL0 (the virtual counter, back to back)", k_counter, 0, "counter",
     "cntvct_el0"},
    {"hypercall", "PSCI_VERSION over the firmware's SMCCC conduit (HVC or SMC round trip)",
     k_hypercall, 1, "call", "psci_version"},
    {"mmio_read", "32-bit read of the GIC distributor's GICD_TYPER register (MMIO)", k_mmio, 1,
     "register", "gicd-typer"},
    {NULL, NULL, NULL, 0, NULL, NULL},
};

const struct vm_op_label vm_summary_ops[3] = {
    {"cpuid", "ID register"}, {"hypercall", "hypercall"}, {"mmio_read", "MMIO read"}};

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
    return NULL;
}

void vm_find_resources(struct vm_arg *a)
{
    uint32_t len = 0;
    const void *madt = plat_acpi_table("APIC", &len, NULL);
    a->lapic_base = madt ? acpi_madt_gicd(madt, len) : 0; /* the MMIO kernel's register block */
    a->unmapped = plat_unmapped_address();
}

const char *vm_probe_wrong(const struct vm_op *op, uint64_t probe)
{
    (void)op, (void)probe;
    return NULL;
}
