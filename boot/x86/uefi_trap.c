/* uefi_trap.c - ring-0 plumbing of suite "vmcost" on UEFI: a private IDT copy with handlers for
 * #UD, #GP, #PF (a fault inside plat_try returns to its caller like longjmp) and a local APIC
 * timer vector (HLT wake-ups at TPL_HIGH_LEVEL), an unmapped address, the PM timer's port. */
#include "boot/uefi.h"
#include "kernel/firmware/acpi.h"
#include "kernel/run/bounds.h"
#include "kernel/machine/clock.h"
#include "kernel/platform.h"
#include "arch/platform.h"
#include "kernel/x86/pt_slot.h"

#define TIMER_VECTOR 0xeb
#define HIDDEN __attribute__((visibility("hidden"), used))

struct trap_jb {
    uint64_t sp, flags; /* stack pointer and RFLAGS at bb_trap_call, to resume there */
};

/* Shared with the assembly below. */
HIDDEN struct trap_jb *volatile bb_trap_cur; /* innermost active plat_try, NULL if none */
HIDDEN volatile uint64_t bb_trap_vec, bb_trap_err, bb_trap_rip, bb_trap_cr2;
HIDDEN uint64_t bb_old_ud, bb_old_gp, bb_old_pf; /* firmware handlers, for faults not ours */
HIDDEN volatile uint64_t bb_timer_hits;
HIDDEN volatile uint64_t bb_lapic_eoi; /* xAPIC EOI register address; 0 = x2APIC (MSR) */

extern char bb_isr_ud[], bb_isr_gp[], bb_isr_pf[], bb_isr_timer[];
int bb_trap_call(void (*fn)(void *), void *arg, struct trap_jb *jb);

/* Fault entry: with no plat_try active, jump to the firmware's handler with the frame the CPU
 * pushed; otherwise note vector, error code, RIP and CR2 and "return" from bb_trap_call with
 * the vector by rewriting the interrupt frame (RIP, RFLAGS, RSP) and IRETQ. */
__asm__(".text\n"
        ".globl bb_isr_ud, bb_isr_gp, bb_isr_pf, bb_isr_timer, bb_trap_call\n"
        ".hidden bb_isr_ud, bb_isr_gp, bb_isr_pf, bb_isr_timer, bb_trap_call\n"
        "bb_isr_ud:\n"
        "  cmpq $0, bb_trap_cur(%rip)\n"
        "  jne 1f\n"
        "  jmp *bb_old_ud(%rip)\n"
        "1: pushq $0\n"
        "  pushq $6\n"
        "  jmp bb_trap_fault\n"
        "bb_isr_gp:\n"
        "  cmpq $0, bb_trap_cur(%rip)\n"
        "  jne 1f\n"
        "  jmp *bb_old_gp(%rip)\n"
        "1: pushq $13\n"
        "  jmp bb_trap_fault\n"
        "bb_isr_pf:\n"
        "  cmpq $0, bb_trap_cur(%rip)\n"
        "  jne 1f\n"
        "  jmp *bb_old_pf(%rip)\n"
        "1: pushq $14\n"
        "bb_trap_fault:\n" /* [rsp]: vector, error, rip, cs, rflags, rsp, ss */
        "  mov (%rsp), %rax\n"
        "  mov %rax, bb_trap_vec(%rip)\n"
        "  mov 8(%rsp), %rax\n"
        "  mov %rax, bb_trap_err(%rip)\n"
        "  mov 16(%rsp), %rax\n"
        "  mov %rax, bb_trap_rip(%rip)\n"
        "  mov %cr2, %rax\n"
        "  mov %rax, bb_trap_cr2(%rip)\n"
        "  mov bb_trap_cur(%rip), %rdx\n"
        "  lea bb_trap_landing(%rip), %rax\n"
        "  mov %rax, 16(%rsp)\n"
        "  mov 8(%rdx), %rax\n"
        "  mov %rax, 32(%rsp)\n"
        "  mov 0(%rdx), %rax\n"
        "  mov %rax, 40(%rsp)\n"
        "  add $16, %rsp\n"
        "  iretq\n"
        /* int bb_trap_call(fn, arg, jb): System V, saves what a longjmp must restore */
        "bb_trap_call:\n"
        "  push %rbp\n  push %rbx\n  push %r12\n  push %r13\n  push %r14\n  push %r15\n"
        "  sub $8, %rsp\n"
        "  mov %rsp, 0(%rdx)\n"
        "  pushfq\n"
        "  popq 8(%rdx)\n"
        "  mov %rdi, %rax\n"
        "  mov %rsi, %rdi\n"
        "  call *%rax\n"
        "  xor %eax, %eax\n"
        "2: add $8, %rsp\n"
        "  pop %r15\n  pop %r14\n  pop %r13\n  pop %r12\n  pop %rbx\n  pop %rbp\n"
        "  ret\n"
        "bb_trap_landing:\n"
        "  mov bb_trap_vec(%rip), %eax\n"
        "  jmp 2b\n"
        /* local APIC timer: count, EOI (MMIO or x2APIC MSR 0x80b), return */
        "bb_isr_timer:\n"
        "  push %rax\n  push %rcx\n  push %rdx\n"
        "  lock incq bb_timer_hits(%rip)\n"
        "  mov bb_lapic_eoi(%rip), %rax\n"
        "  test %rax, %rax\n"
        "  jz 3f\n"
        "  movl $0, (%rax)\n"
        "  jmp 4f\n"
        "3: mov $0x80b, %ecx\n  xor %eax, %eax\n  xor %edx, %edx\n  wrmsr\n"
        "4: pop %rdx\n  pop %rcx\n  pop %rax\n"
        "  iretq\n");

struct gate {
    uint16_t off0, sel;
    uint8_t ist, type;
    uint16_t off1;
    uint32_t off2, zero;
} __attribute__((packed));

struct idtr {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

static const int vectors[4] = {6, 13, 14, TIMER_VECTOR};
static struct idtr fw_idtr;  /* the firmware's IDT, loaded again by plat_trap_end */
static struct gate *idt;     /* our copy while installed */
static size_t idt_bytes;
static int installed;

static uint64_t gate_target(const struct gate *g)
{
    return g->off0 | ((uint64_t)g->off1 << 16) | ((uint64_t)g->off2 << 32);
}

/* A gate to our handler that keeps the firmware gate's IST index (bits 0-2): a #PF taken on a
 * firmware-provided stack must stay there, or a stack fault becomes a #DF. */
static struct gate make_gate(void *target, const struct gate *fw)
{
    uint16_t cs;
    uint64_t t = (uint64_t)(uintptr_t)target;
    __asm__ volatile("mov %%cs, %0" : "=r"(cs));
    return (struct gate){(uint16_t)t, cs, (uint8_t)(fw->ist & 7), 0x8e, (uint16_t)(t >> 16),
                         (uint32_t)(t >> 32), 0};
}

/* Our handlers live in a private copy of the firmware's IDT loaded with LIDT: the firmware's
 * table (perhaps mapped read-only) is never written, so CR0.WP is never cleared -- which a
 * processor with CR4.CET set would not allow anyway -- and nothing of it is left changed. */
int plat_trap_begin(void)
{
    if (installed)
        return 0;
    __asm__ volatile("sidt %0" : "=m"(fw_idtr));
    if (fw_idtr.limit < (TIMER_VECTOR + 1) * sizeof(struct gate) - 1)
        return -1;
    idt_bytes = ((size_t)fw_idtr.limit + 1 + 4095) & ~(size_t)4095;
    idt = plat_alloc_pages(idt_bytes, 4096, 0);
    if (!idt)
        return -1;
    const struct gate *fw = (const struct gate *)(uintptr_t)fw_idtr.base;
    CopyMem(idt, (void *)fw, (UINTN)fw_idtr.limit + 1);
    bb_old_ud = gate_target(&fw[6]);
    bb_old_gp = gate_target(&fw[13]);
    bb_old_pf = gate_target(&fw[14]);
    bb_trap_cur = NULL;
    void *targets[4] = {bb_isr_ud, bb_isr_gp, bb_isr_pf, bb_isr_timer};
    for (int i = 0; i < 4; i++)
        idt[vectors[i]] = make_gate(targets[i], &fw[vectors[i]]);
    struct idtr mine = {fw_idtr.limit, (uint64_t)(uintptr_t)idt};
    uint64_t flags = plat_irq_save();
    __asm__ volatile("lidt %0" ::"m"(mine) : "memory");
    plat_irq_restore(flags);
    installed = 1;
    return 0;
}

void plat_trap_end(void)
{
    if (!installed)
        return;
    uint64_t flags = plat_irq_save();
    __asm__ volatile("lidt %0" ::"m"(fw_idtr) : "memory");
    plat_irq_restore(flags);
    plat_free_pages(idt, idt_bytes);
    idt = NULL;
    installed = 0;
}

static void hlt_restore(void);

int plat_try(void (*fn)(void *arg), void *arg)
{
    if (!installed)
        return -1;
    struct trap_jb jb, *prev = bb_trap_cur;
    bb_trap_cur = &jb;
    int v = bb_trap_call(fn, arg, &jb);
    bb_trap_cur = prev;
    if (v)
        hlt_restore(); /* a fault inside plat_hlt_timer: put the timer and TPL back */
    return v;
}

/* ---- page tables: an upper-half region no PML4 entry maps ----
 * The firmware maps the lower half only (all of it with 47-48 physical address bits), so the
 * upper half is searched first; its addresses are sign-extended to be canonical. */

#define PTE_ADDR 0x000ffffffffff000ull

uintptr_t plat_unmapped_address(void)
{
    uint64_t cr3, cr4;
    int snp;
    __asm__ volatile("mov %%cr3, %0" : "=r"(cr3));
    __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
    if (cr4 & (1ull << 12)) /* LA57: five levels, not walked here */
        return 0;
    uint64_t addr = PTE_ADDR & ~uefi_sev_cbit(&snp); /* the C-bit is no address bit */
    const uint64_t *pml4 = (const uint64_t *)(uintptr_t)(cr3 & addr);
    int slot = pt_free_slot(pml4);
    if (slot >= 0)
        return (uintptr_t)pt_slot_address(slot);
    for (uint64_t i = 1; i < 256; i++) {
        if (pml4[i] & 0x80) /* a 512 GiB page: no PDPT below */
            continue;
        const uint64_t *pdpt = (const uint64_t *)(uintptr_t)(pml4[i] & addr);
        for (uint64_t j = 0; j < 512; j++)
            if (!(pdpt[j] & 1))
                return (uintptr_t)((i << 39) | (j << 30));
    }
    return 0;
}

/* ---- ACPI PM timer port ---- */

uint16_t plat_pm_timer_port(void)
{
    EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
    VOID *rsdp = NULL;
    struct acpi_pm_timer t;
    if (LibGetSystemConfigurationTable(&acpi20, &rsdp) != EFI_SUCCESS || !rsdp)
        if (LibGetSystemConfigurationTable(&AcpiTableGuid, &rsdp) != EFI_SUCCESS)
            return 0;
    if (!rsdp || acpi_find_pm_timer(rsdp, &t) != 0 || t.mmio || t.address > 0xffff)
        return 0;
    return (uint16_t)t.address;
}

/* ---- local APIC timer ---- */

static uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

static uint64_t apic_mmio;

static uint32_t apic_read(uint32_t reg)
{
    return apic_mmio ? *(volatile uint32_t *)(uintptr_t)(apic_mmio + reg)
                     : (uint32_t)rdmsr(0x800 + reg / 16);
}

static void apic_write(uint32_t reg, uint32_t v)
{
    if (apic_mmio)
        *(volatile uint32_t *)(uintptr_t)(apic_mmio + reg) = v;
    else
        wrmsr(0x800 + reg / 16, v);
}

enum { APIC_SVR = 0xf0, APIC_IRR = 0x200, APIC_LVT_TIMER = 0x320, APIC_INIT = 0x380,
       APIC_DIV = 0x3e0, APIC_MASKED = 1u << 16 };

/* Is vector vec requested (IRR bit set) and not yet delivered? */
static int irr_pending(uint32_t vec)
{
    return (apic_read(APIC_IRR + (vec / 32) * 0x10) >> (vec % 32)) & 1;
}

/* What plat_hlt_timer changed, to be put back on every path (also after a fault). */
static struct {
    int armed;
    uint32_t lvt, div, init;
    EFI_TPL tpl;
} hs;

static void hlt_restore(void)
{
    if (!hs.armed)
        return;
    hs.armed = 0;
    apic_write(APIC_LVT_TIMER, hs.lvt | APIC_MASKED); /* masked while restoring the count */
    apic_write(APIC_DIV, hs.div);
    apic_write(APIC_INIT, hs.init);
    apic_write(APIC_LVT_TIMER, hs.lvt);
    uefi_call_wrapper(BS->RestoreTPL, 1, hs.tpl);
}

int64_t plat_hlt_timer(uint64_t n, const char **why)
{
    if (!installed) {
        *why = "trap handlers not installed";
        return -1;
    }
    uint64_t base = rdmsr(0x1b);
    if (!(base & (1ull << 11))) {
        *why = "local APIC disabled in IA32_APIC_BASE";
        return -1;
    }
    apic_mmio = (base & (1ull << 10)) ? 0 : (base & PTE_ADDR);
    bb_lapic_eoi = apic_mmio ? apic_mmio + 0xb0 : 0;
    if (!(apic_read(APIC_SVR) & (1u << 8))) {
        *why = "local APIC software-disabled (SVR bit 8 clear)";
        return -1;
    }
    uint32_t lvt0 = apic_read(APIC_LVT_TIMER);
    if (((lvt0 >> 17) & 3) == 2) {
        *why = "local APIC timer in TSC-deadline mode (the firmware's): not taken over";
        return -1;
    }
    /* TPL_HIGH_LEVEL: no firmware event or timer callback runs while the timer is ours; then
     * interrupts off outside the "sti; hlt" pair: a wake-up taken between the check and the
     * HLT would leave the processor halted with nothing left to wake it. */
    hs.tpl = uefi_call_wrapper(BS->RaiseTPL, 1, TPL_HIGH_LEVEL);
    uint64_t flags = plat_irq_save();
    hs.lvt = apic_read(APIC_LVT_TIMER);
    hs.div = apic_read(APIC_DIV);
    hs.init = apic_read(APIC_INIT);
    hs.armed = 1;
    uint32_t lvt = hs.lvt;
    /* The firmware may tick from this timer (OVMF: periodic, vector 0x20).  Mask it, then let a
     * tick it had already latched be handled now: its handler must not run inside our loop,
     * where its timer is ours (the firmware's delay loops may read this timer's count). */
    apic_write(APIC_LVT_TIMER, lvt | APIC_MASKED);
    for (int i = 0; i < 1000 && irr_pending(lvt & 0xff); i++)
        __asm__ volatile("sti\n\tnop\n\tcli" ::: "memory");
    apic_write(APIC_DIV, 0xb);             /* divide by 1 */
    apic_write(APIC_LVT_TIMER, TIMER_VECTOR); /* one-shot, unmasked */
    uint64_t limit = (uint64_t)(g_clock.hz > 0 ? g_clock.hz * BB_HLT_WAKE_TIMEOUT_S
                                               : BB_TSC_HZ_MAX * BB_HLT_WAKE_TIMEOUT_S);
    int64_t rc = 0;
    /* First make sure the interrupt arrives at all, spinning rather than halting: a hypervisor
     * that never delivers it would otherwise leave HLT asleep for good. */
    uint64_t target = bb_timer_hits + 1, t0 = clock_ticks();
    apic_write(APIC_INIT, 1);
    __asm__ volatile("sti" ::: "memory");
    while (bb_timer_hits < target && clock_ticks() - t0 <= limit)
        __asm__ volatile("pause");
    __asm__ volatile("cli" ::: "memory");
    if (bb_timer_hits < target) {
        *why = "the local APIC timer interrupt did not arrive within 100 ms (HLT not tried)";
        rc = -1;
    }
    uint64_t start = bb_timer_hits;
    for (uint64_t i = 0; i < n && rc == 0; i++) {
        uint64_t target = bb_timer_hits + 1, t0 = clock_ticks();
        apic_write(APIC_INIT, 1);
        while (bb_timer_hits < target) {
            __asm__ volatile("sti\n\thlt\n\tcli" ::: "memory");
            if (clock_ticks() - t0 > limit) {
                *why = "the local APIC timer did not wake HLT within 100 ms";
                rc = -1;
                break;
            }
        }
    }
    uint64_t hits = bb_timer_hits - start;
    plat_irq_restore(flags & ~(1ull << 9)); /* still off: RestoreTPL decides */
    hlt_restore();
    return rc ? rc : (int64_t)hits;
}
