/* vmcost_ops.c - the timed operations of suite "vmcost": CPUID, RDTSC(P), RDMSR, an I/O port
 * read, an MMIO read, CR3 reload, INVLPG, XSETBV, a page fault, HLT woken by the APIC timer.
 * Each kernel repeats its operation `iters` times and returns a value built from the results.
 * Also what they work on (vm_find_resources) and the probe check of the counting ones. */
#include "bench/vmcost.h"
#include "kernel/lib/fmt.h"
#include "kernel/platform.h"
#include "arch/platform.h"

#include <string.h>

static uint64_t k_cpuid(void *p, uint64_t n)
{
    (void)p;
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t a = 0, b, c = 0, d;
        __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
        x += a + b;
    }
    return x;
}

static uint64_t k_rdtsc(void *p, uint64_t n)
{
    (void)p;
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        x ^= ((uint64_t)hi << 32) | lo;
    }
    return x;
}

static uint64_t k_rdtscp(void *p, uint64_t n)
{
    (void)p;
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t lo, hi, aux;
        __asm__ volatile("rdtscp" : "=a"(lo), "=d"(hi), "=c"(aux));
        x ^= (((uint64_t)hi << 32) | lo) + aux;
    }
    return x;
}

static uint64_t k_rdmsr(void *p, uint64_t n)
{
    (void)p;
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t lo, hi;
        __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
        x += lo;
    }
    return x;
}

static uint64_t k_io(void *p, uint64_t n)
{
    const struct vm_arg *a = p;
    uint16_t port = a->port;
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++) {
        uint32_t v;
        __asm__ volatile("inl %w1, %0" : "=a"(v) : "Nd"(port));
        x += v;
    }
    return x;
}

static uint64_t k_mmio(void *p, uint64_t n)
{
    const struct vm_arg *a = p;
    volatile uint32_t *reg = (volatile uint32_t *)(uintptr_t)(a->lapic_base + 0x30);
    uint64_t x = 0;
    for (uint64_t i = 0; i < n; i++)
        x += *reg;
    return x;
}

static uint64_t k_cr3(void *p, uint64_t n)
{
    (void)p;
    uint64_t cr3 = 0;
    for (uint64_t i = 0; i < n; i++)
        __asm__ volatile("mov %%cr3, %0\n\tmov %0, %%cr3" : "=r"(cr3)::"memory");
    return cr3 ? n : 0;
}

static uint64_t k_invlpg(void *p, uint64_t n)
{
    struct vm_arg *a = p;
    for (uint64_t i = 0; i < n; i++) {
        __asm__ volatile("invlpg (%0)" ::"r"(&a->target) : "memory");
        a->target++;
    }
    return a->target;
}

static uint64_t k_xsetbv(void *p, uint64_t n)
{
    (void)p;
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    for (uint64_t i = 0; i < n; i++)
        __asm__ volatile("xsetbv" ::"a"(lo), "d"(hi), "c"(0) : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static void touch(void *addr)
{
    (void)*(volatile uint32_t *)addr;
}

static uint64_t k_page_fault(void *p, uint64_t n)
{
    const struct vm_arg *a = p;
    uint64_t faults = 0;
    for (uint64_t i = 0; i < n; i++)
        faults += plat_try(touch, (void *)a->unmapped) == 14;
    return faults;
}

static uint64_t k_hlt(void *p, uint64_t n)
{
    (void)p;
    const char *why;
    int64_t w = plat_hlt_timer(n, &why);
    return w < 0 ? 0 : (uint64_t)w;
}

const struct vm_op vm_ops[] = {
    {"cpuid", "CPUID leaf 0", k_cpuid, 0, "leaf", "0x0"},
    {"rdtsc", "RDTSC (unfenced, back to back)", k_rdtsc, 0, NULL, NULL},
    {"rdtscp", "RDTSCP (back to back)", k_rdtscp, 0, NULL, NULL},
    {"rdmsr", "RDMSR of IA32_APIC_BASE", k_rdmsr, 1, "msr", "0x1b"},
    {"io_read", "32-bit IN from the ACPI PM timer port", k_io, 1, "port", "acpi-pm"},
    {"mmio_read", "32-bit read of the local APIC version register (MMIO)", k_mmio, 1,
     "register", "lapic-version"},
    {"cr3_write", "MOV to CR3 with its own value (TLB flush)", k_cr3, 1, NULL, NULL},
    {"invlpg", "INVLPG of a mapped data page", k_invlpg, 1, NULL, NULL},
    {"xsetbv", "XSETBV of XCR0 with its current value", k_xsetbv, 1, "xcr", "0"},
    {"page_fault", "read of an unmapped page: #PF taken by our handler, then resumed", k_page_fault,
     1, "handler", "own-idt"},
    {"hlt_timer", "HLT woken by a one-shot local APIC timer armed 1 tick ahead (arm+halt+IRQ+EOI)",
     k_hlt, 1, "timer", "lapic-oneshot"},
    {NULL, NULL, NULL, 0, NULL, NULL},
};

const struct vm_op_label vm_summary_ops[3] = {
    {"cpuid", "CPUID"}, {"io_read", "port read"}, {"hlt_timer", "HLT wake-up"}};

const char *vm_vector_name(int vec, char *buf, int n)
{
    switch (vec) {
    case 6: return "#UD";
    case 13: return "#GP";
    case 14: return "#PF";
    default: bb_snprintf(buf, (size_t)n, "vector %d", vec); return buf;
    }
}

const char *vm_unavailable(const struct vm_op *op, int ring0, int have_rdtscp,
                           const struct vm_arg *a)
{
    if (op->ring0 && !ring0)
        return "needs ring 0";
    if (!strcmp(op->test, "rdtscp") && !have_rdtscp)
        return "CPU has no RDTSCP (CPUID 0x80000001 EDX[27] clear)";
    if (!strcmp(op->test, "io_read") && !a->port)
        return "no ACPI PM timer I/O port (absent or memory-mapped)";
    if (!strcmp(op->test, "mmio_read") && !a->lapic_base)
        return "local APIC not memory-mapped (disabled or in x2APIC mode)";
    if (!strcmp(op->test, "page_fault") && !a->unmapped)
        return "no unmapped address found in the page tables";
    return NULL;
}

static void read_apic_base(void *p)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
    *(uint64_t *)p = ((uint64_t)hi << 32) | lo;
}

void vm_find_resources(struct vm_arg *a)
{
    uint64_t base = 0;
    a->port = plat_pm_timer_port();
    a->unmapped = plat_unmapped_address();
    if (plat_try(read_apic_base, &base) == 0 && (base & (1ull << 11)) && !(base & (1ull << 10)))
        a->lapic_base = base & 0x000ffffffffff000ull;
}

/* page_fault and hlt_timer count what happened: one iteration must count one event */
const char *vm_probe_wrong(const struct vm_op *op, uint64_t probe)
{
    int is_pf = !strcmp(op->test, "page_fault"), is_hlt = !strcmp(op->test, "hlt_timer");
    if (!(is_pf || is_hlt) || probe == 1)
        return NULL;
    const char *w = is_pf ? "reading the unmapped address did not take a #PF"
                          : "HLT probe did not count a timer wake-up";
    if (is_hlt)
        plat_hlt_timer(1, &w); /* its own reason, when it has one */
    return w;
}
