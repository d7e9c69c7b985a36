/* steal_vmware.h - VMware stolen time: the backdoor steal clock (command 91, a per-vCPU record
 * counting stolen guest-TSC cycles) and, as a fallback, the pseudo performance counters. */
#ifndef BB_STEAL_VMWARE_H
#define BB_STEAL_VMWARE_H

#include <stddef.h>
#include <stdint.h>

#define VMW_MAGIC 0x564D5868u       /* "VMXh" in EAX of every backdoor call */
#define VMW_PORT 0x5658u            /* backdoor I/O port (EDX) */
#define VMW_CMD_STEALCLOCK 91u      /* ESI:EDI = physical address high:low; (0,1) disables */
#define VMW_STEALCLOCK_NOT_AVAILABLE (-1)
#define VMW_STEALCLOCK_DISABLED 0
#define VMW_STEALCLOCK_ENABLED 1
#define VMW_PMC_HOST_TSC 0x10000u   /* RDPMC: physical host TSC */
#define VMW_PMC_REAL_NS 0x10001u    /* RDPMC: elapsed real time, ns */
#define VMW_PMC_APPARENT_NS 0x10002u /* RDPMC: elapsed apparent (guest) time, ns */

/* The record the host updates (64 bytes, 64-byte aligned): stolen time in guest-TSC cycles. */
struct vmware_steal_time {
    uint64_t clock;
    uint64_t reserved[7];
};

/* How the probes reach the hypervisor: the real backdoor on the image, a fake in unit tests.
 * Both return 0 when the instruction completed, else the trap vector (13 = #GP, ...) or -1. */
struct vmw_backdoor {
    int (*stealclock)(void *ctx, uint32_t addr_hi, uint32_t addr_lo, int32_t *result);
    int (*rdpmc)(void *ctx, uint32_t index, uint64_t *v);
    void *ctx;
};

enum vmw_source { VMW_NONE, VMW_STEALCLOCK, VMW_PSEUDO_PMC };

/** Try the steal clock with the record at physical address `pa`, then the pseudo counters.
 *  Returns the usable source; `why` says why the steal clock (and, for VMW_NONE, the
 *  counters too) cannot be used, empty when the steal clock was enabled. */
enum vmw_source vmw_probe(const struct vmw_backdoor *b, uint64_t pa, char *why, size_t len);

/** Stolen ns in a steal-clock record, its cycles converted at `tsc_hz` guest-TSC ticks/s. */
uint64_t vmw_stealclock_ns(const volatile struct vmware_steal_time *s, double tsc_hz);

/* Per-processor state of the pseudo-counter estimate: real minus apparent time (the guest's
 * clock lag) grows while the vCPU is descheduled; its growth is summed, catch-ups ignored. */
struct vmw_lag {
    uint64_t last;
    uint64_t total;
    int primed;
};
/** Feed one reading of REAL_NS and APPARENT_NS; returns the cumulative lag growth in ns. */
uint64_t vmw_lag_step(struct vmw_lag *l, uint64_t real_ns, uint64_t apparent_ns);

/** Image side: choose and enable a VMware source on run indices 0..n-1 (call on processor 0,
 *  ring 0).  `features_ecx` is CPUID 0x40000010 ECX: bit 0 VMMCALL, bit 1 VMCALL, else port.
 *  Returns the source; *name is its description, `why` as for vmw_probe. */
enum vmw_source vmw_steal_init(int n, uint32_t features_ecx, const char **name, char *why,
                               size_t len);
/** Cumulative stolen ns of run index `idx`, on that processor. */
uint64_t vmw_steal_now(int idx);
/** Disable the steal clock on every processor and free the records. */
void vmw_steal_fini(void);

#endif
