/* steal.h - time a hypervisor (or the host OS) took from our processors during a measured
 * interval: KVM steal time, Hyper-V VP runtime, VMware steal clock
 * or pseudo counters, Linux /proc/stat; why none where absent. */
#ifndef BB_STEAL_H
#define BB_STEAL_H

#include <stdint.h>

struct json;
struct cpu_info;

/* KVM's per-vCPU steal-time record (MSR_KVM_STEAL_TIME 0x4b564d03), 64 bytes, 64-aligned. */
struct kvm_steal_time {
    uint64_t steal;      /* ns stolen so far */
    uint32_t version;    /* odd while the host writes; changes with every update */
    uint32_t flags;
    uint8_t preempted;
    uint8_t pad[47];
};

/** Read `steal` consistently (version even and unchanged around the read), at most `tries`
 *  attempts.  Returns 0 with *ns, -1 when it never was stable. */
int steal_kvm_read(const volatile struct kvm_steal_time *st, uint64_t *ns, int tries);

/** Choose the interface for this environment and enable it on run indices 0..n-1 (KVM: one
 *  record per processor, registered by WRMSR on each).  Call from processor 0. */
void steal_init(const struct cpu_info *c, int n);
/** 1 when stolen time can be read. */
int steal_available(void);
/** Cumulative stolen ns of run index `idx`; call on that processor (Hyper-V's MSR is per
 *  processor).  0 when unavailable. */
uint64_t steal_now(int idx);
/** Unregister what steal_init registered (before the run ends). */
void steal_fini(void);
/** Writes "steal" into the open env object: the interface, or why there is none. */
void steal_write_json(struct json *j);

#endif
