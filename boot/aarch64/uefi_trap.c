/* uefi_trap.c (aarch64) - trap-safe execution for the vmcost suite: plat_trap_begin masks
 * interrupts (DAIF) and points VBAR_ELx (EL1 or EL2, where the firmware runs) at our vector
 * table; a synchronous exception inside plat_try resumes at a recovery point that longjmps back
 * with the fault's class.  Any other exception puts the firmware's VBAR back and returns to the
 * instruction, which takes it again into the firmware's own handler.  plat_trap_end restores
 * VBAR and DAIF.  Only the calling processor is affected. */
#include "arch/cpu.h"
#include "kernel/platform.h"

#include <stdint.h>

uint64_t bb_a64_fw_vbar;      /* the firmware's vector base while ours is installed */
volatile uint32_t bb_a64_armed; /* inside plat_try */
volatile uint64_t bb_a64_esr;   /* syndrome of the fault plat_try caught */
void bb_a64_recover(void);

static void *jb[5]; /* __builtin_setjmp's buffer */
static int active;
static uint64_t saved_daif;

/* Every entry saves x0-x2 and goes to one handler with the entry's offset in x2. */
#define VEC(off) ".balign 128\n\tstp x0, x1, [sp, #-32]!\n\tstr x2, [sp, #16]\n\t" \
                 "mov x2, #" #off "\n\tb bb_a64_handler\n\t"
__asm__(".text\n\t.balign 2048\n\t.globl bb_a64_vectors\nbb_a64_vectors:\n\t"
        VEC(0x000) VEC(0x080) VEC(0x100) VEC(0x180) VEC(0x200) VEC(0x280) VEC(0x300) VEC(0x380)
        VEC(0x400) VEC(0x480) VEC(0x500) VEC(0x580) VEC(0x600) VEC(0x680) VEC(0x700) VEC(0x780)
        "\nbb_a64_handler:\n\t"
        "mrs x0, CurrentEL\n\t"
        "cmp x0, #8\n\t"
        "b.eq 5f\n\t"
        /* EL1 */
        "cmp x2, #0x200\n\t"                 /* synchronous, current EL, SP_ELx */
        "b.ne 2f\n\t"
        "adrp x0, bb_a64_armed\n\t"
        "ldr w0, [x0, :lo12:bb_a64_armed]\n\t"
        "cbz w0, 2f\n\t"
        "mrs x1, esr_el1\n\t"
        "adrp x0, bb_a64_esr\n\t"
        "str x1, [x0, :lo12:bb_a64_esr]\n\t"
        "adrp x0, bb_a64_recover\n\t"
        "add x0, x0, :lo12:bb_a64_recover\n\t"
        "msr elr_el1, x0\n\t"
        "b 9f\n"
        "2:\n\t"                              /* not ours: the firmware's table, then again */
        "adrp x0, bb_a64_fw_vbar\n\t"
        "ldr x0, [x0, :lo12:bb_a64_fw_vbar]\n\t"
        "msr vbar_el1, x0\n\t"
        "b 9f\n"
        "5:\n\t"                              /* EL2 */
        "cmp x2, #0x200\n\t"
        "b.ne 6f\n\t"
        "adrp x0, bb_a64_armed\n\t"
        "ldr w0, [x0, :lo12:bb_a64_armed]\n\t"
        "cbz w0, 6f\n\t"
        "mrs x1, esr_el2\n\t"
        "adrp x0, bb_a64_esr\n\t"
        "str x1, [x0, :lo12:bb_a64_esr]\n\t"
        "adrp x0, bb_a64_recover\n\t"
        "add x0, x0, :lo12:bb_a64_recover\n\t"
        "msr elr_el2, x0\n\t"
        "b 9f\n"
        "6:\n\t"
        "adrp x0, bb_a64_fw_vbar\n\t"
        "ldr x0, [x0, :lo12:bb_a64_fw_vbar]\n\t"
        "msr vbar_el2, x0\n"
        "9:\n\t"
        "isb\n\t"
        "ldr x2, [sp, #16]\n\t"
        "ldp x0, x1, [sp], #32\n\t"
        "eret\n\t"
        ".previous");

extern char bb_a64_vectors[];

static int at_el2(void)
{
    uint64_t el;
    __asm__ volatile("mrs %0, CurrentEL" : "=r"(el));
    return ((el >> 2) & 3) == 2;
}

static void set_vbar(uint64_t v)
{
    if (at_el2())
        __asm__ volatile("msr vbar_el2, %0\n\tisb" ::"r"(v) : "memory");
    else
        __asm__ volatile("msr vbar_el1, %0\n\tisb" ::"r"(v) : "memory");
}

int plat_trap_begin(void)
{
    if (active)
        return 0;
    uint64_t v;
    __asm__ volatile("mrs %0, daif\n\tmsr daifset, #7" : "=r"(saved_daif)::"memory");
    if (at_el2())
        __asm__ volatile("mrs %0, vbar_el2" : "=r"(v));
    else
        __asm__ volatile("mrs %0, vbar_el1" : "=r"(v));
    bb_a64_fw_vbar = v;
    set_vbar((uint64_t)(uintptr_t)bb_a64_vectors);
    active = 1;
    return 0;
}

void plat_trap_end(void)
{
    if (!active)
        return;
    set_vbar(bb_a64_fw_vbar);
    __asm__ volatile("msr daif, %0" ::"r"(saved_daif) : "memory");
    active = 0;
}

void bb_a64_recover(void)
{
    __builtin_longjmp(jb, 1);
}

/* The syndrome's class as arch/cpu.h's fault numbers; any other class as 16 + EC. */
static int fault_of(uint64_t esr)
{
    unsigned ec = (unsigned)(esr >> 26) & 0x3f, fsc = (unsigned)esr & 0x3f;
    if (ec == 0x00)
        return ARCH_FAULT_UNDEFINED;
    if (ec == 0x25 || ec == 0x21) { /* data / instruction abort, same EL */
        if ((fsc & 0x3c) == 0x04)
            return ARCH_FAULT_PAGE;
        return ARCH_FAULT_PROTECTION;
    }
    return 16 + (int)ec;
}

int plat_try(void (*fn)(void *arg), void *arg)
{
    if (!active)
        return -1;
    if (__builtin_setjmp(jb)) {
        bb_a64_armed = 0;
        set_vbar((uint64_t)(uintptr_t)bb_a64_vectors); /* still ours: only "not ours" restores */
        return fault_of(bb_a64_esr);
    }
    bb_a64_armed = 1;
    fn(arg);
    bb_a64_armed = 0;
    return 0;
}

uintptr_t plat_unmapped_address(void) { return 0; }
