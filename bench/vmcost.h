/* vmcost.h - the operations suite "vmcost" times (what a hypervisor may trap), as a table the
 * suite and the unit tests share. */
#ifndef BB_VMCOST_H
#define BB_VMCOST_H

#include "bench/runner.h"

#include <stdint.h>

/* What the kernels work on, found once before measuring. */
struct vm_arg {
    uint64_t lapic_base;      /* physical = virtual (identity-mapped under UEFI); aarch64: the
                                 GIC distributor's base */
    uint16_t port;            /* ACPI PM timer I/O port */
    uintptr_t unmapped;       /* an address no page maps */
    volatile uint64_t target; /* INVLPG target */
    uint32_t wake_irq;        /* aarch64: the virtual timer's PPI, when the firmware enabled it
                                 at the GIC (WFI can then be woken by it); 0 otherwise */
    const char *wake_why;     /* aarch64: why not */
};

struct vm_op {
    const char *test, *desc;
    bench_kernel_fn fn;
    int ring0;        /* needs ring 0 (skipped in the Linux build) */
    const char *param_key, *param_val; /* one descriptive parameter, or NULL */
};

/** The operations in run order, NULL-terminated (test == NULL). */
extern const struct vm_op vm_ops[];
/** An empty loop iteration: the overhead each figure includes (reported, not subtracted). */
extern const struct vm_op vm_empty_loop;

/* The operations, their resources and fault names are the architecture's (bench/<arch>/). */

/** The operations on the end-of-run page, three of them, by test name and label (x86: CPUID,
 *  a port read, the HLT wake-up). */
extern const struct vm_op_label {
    const char *test, *label;
} vm_summary_ops[3];

/** Find what the ring-0 kernels work on (ring 0, under plat_trap_begin); whatever is missing
 *  stays 0 and vm_unavailable says so. */
void vm_find_resources(struct vm_arg *a);
/** After one probing iteration of op returned `probe`: why its figure would mean nothing (an
 *  operation that counts its events did not count exactly one), or NULL. */
const char *vm_probe_wrong(const struct vm_op *op, uint64_t probe);

/** Name of a fault number plat_try returned (x86: "#UD", "#GP", "#PF", else "vector N") into buf. */
const char *vm_vector_name(int vec, char *buf, int n);

/** Why op cannot run on this host with these resources (NULL if it can). */
const char *vm_unavailable(const struct vm_op *op, int ring0, int have_rdtscp,
                           const struct vm_arg *a);

struct summary;
struct results;
/** The suite's part of the end-of-run page (its struct suite's `summarize`). */
void vmcost_summary(struct summary *s, const struct results *rs);

#endif
