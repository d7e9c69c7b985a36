/* steal.c - stolen-time interfaces (see steal.h): KVM steal time registered per processor,
 * Hyper-V VP runtime (wall time minus time the VP ran), VMware (steal_vmware.c), the host OS's
 * own account on Linux. */
#include "kernel/machine/cpus_left.h"
#include "kernel/machine/steal.h"
#include "kernel/machine/clock.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/msr.h"
#include "kernel/x86/steal_vmware.h"

#include <string.h>

#define MSR_KVM_STEAL_TIME 0x4b564d03
#define KVM_FEATURE_STEAL_TIME (1u << 5)
#define MSR_HV_VP_RUNTIME 0x40000010
#define HV_ACCESS_VP_RUNTIME 1u /* CPUID 0x40000003 EAX bit 0 */

enum iface { ST_NONE, ST_KVM, ST_HYPERV, ST_OS, ST_VMWARE };

static struct {
    enum iface iface;
    const char *name;
    char why[192];
    struct kvm_steal_time *kvm; /* n records, 64-byte aligned (page-backed) */
    void *kvm_mem;
    size_t kvm_bytes;
    int n;
} st;

int steal_kvm_read(const volatile struct kvm_steal_time *s, uint64_t *ns, int tries)
{
    for (int i = 0; i < tries; i++) {
        uint32_t v0 = s->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint64_t val = s->steal;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        uint32_t v1 = s->version;
        if (!(v0 & 1) && v0 == v1) {
            *ns = val;
            return 0;
        }
    }
    return -1;
}

static void kvm_enable(void *arg, int cpu)
{
    (void)arg;
    msr_write(MSR_KVM_STEAL_TIME, (uint64_t)(uintptr_t)&st.kvm[cpu] | 1);
}

static void kvm_disable(void *arg, int cpu)
{
    (void)arg, (void)cpu;
    msr_write(MSR_KVM_STEAL_TIME, 0);
}

static void try_kvm(int n)
{
    size_t bytes = ((size_t)n * sizeof(struct kvm_steal_time) + 4095) & ~(size_t)4095;
    st.kvm_mem = plat_alloc_pages(bytes, 4096, 0);
    if (!st.kvm_mem) {
        bb_snprintf(st.why, sizeof st.why, "kvm steal time: no memory for %d records", n);
        return;
    }
    memset(st.kvm_mem, 0, bytes);
    st.kvm_bytes = bytes;
    st.kvm = st.kvm_mem;
    /* the identity map of the image: the virtual address is the physical one */
    int rc = plat_trap_begin();
    if (rc == 0) {
        rc = msr_try_write(MSR_KVM_STEAL_TIME, (uint64_t)(uintptr_t)&st.kvm[0] | 1);
        plat_trap_end();
    }
    if (rc != 0) {
        bb_snprintf(st.why, sizeof st.why, "kvm steal time advertised but MSR 0x4b564d03: %s",
                    msr_why(rc));
        plat_free_pages(st.kvm_mem, bytes);
        st.kvm_mem = NULL;
        st.kvm = NULL;
        return;
    }
    if (n > 1 && cpus_run(&n, kvm_enable, NULL) != 0) {
        msr_write(MSR_KVM_STEAL_TIME, 0);
        bb_snprintf(st.why, sizeof st.why, "kvm steal time: could not register on %d processors", n);
        if (n > 1 && plat_run_on_cpus(n, kvm_disable, NULL) != 0) {
            st.kvm_mem = NULL; /* some processor may keep it registered: the pages are left */
            st.kvm = NULL;
            return;
        }
        plat_free_pages(st.kvm_mem, bytes);
        st.kvm_mem = NULL;
        st.kvm = NULL;
        return;
    }
    st.iface = ST_KVM;
    st.n = n; /* fewer when processors were left out on the way */
    st.name = "kvm-steal-time (MSR 0x4b564d03)";
}

void steal_init(const struct cpu_info *c, int n)
{
    memset(&st, 0, sizeof st);
    st.n = n;
    struct cpuid_regs r = {0};
    const char *hv = c->hv_name ? c->hv_name : "none";
    if (!plat_ring0()) {
        uint64_t ns;
        if (plat_os_steal_ns(0, &ns) == 0) {
            st.iface = ST_OS;
            st.name = "linux /proc/stat steal (resolution 1/USER_HZ)";
        } else {
            bb_snprintf(st.why, sizeof st.why, "the OS offers no per-processor steal account");
        }
        return;
    }
    if (!c->hypervisor) {
        bb_snprintf(st.why, sizeof st.why, "bare metal: no hypervisor to steal time");
    } else if (!strcmp(hv, "kvm")) {
        if (c->hv_max_leaf >= 0x40000001)
            cpuid_native(0x40000001, 0, &r);
        if (r.eax & KVM_FEATURE_STEAL_TIME)
            try_kvm(n);
        else
            bb_snprintf(st.why, sizeof st.why, "kvm without the steal-time feature (CPUID 0x40000001 EAX bit 5 clear)");
    } else if (!strcmp(hv, "hyperv")) {
        if (c->hv_max_leaf >= 0x40000003)
            cpuid_native(0x40000003, 0, &r);
        if (r.eax & HV_ACCESS_VP_RUNTIME) {
            st.iface = ST_HYPERV;
            st.name = "hyperv-vp-runtime (MSR 0x40000010; stolen = wall - runtime)";
        } else {
            bb_snprintf(st.why, sizeof st.why, "hyper-v without VP runtime access (CPUID 0x40000003 EAX bit 0 clear)");
        }
    } else if (!strcmp(hv, "vmware")) {
        uint32_t features_ecx = 0;
        if (c->hv_max_leaf >= 0x40000010) {
            cpuid_native(0x40000010, 0, &r);
            features_ecx = r.ecx;
        }
        if (vmw_steal_init(n, features_ecx, &st.name, st.why, sizeof st.why) != VMW_NONE)
            st.iface = ST_VMWARE;
    } else if (!strcmp(hv, "tcg")) {
        bb_snprintf(st.why, sizeof st.why, "emulator (TCG): no steal-time interface");
    } else {
        bb_snprintf(st.why, sizeof st.why, "hypervisor %s: no steal-time interface known to barebench", hv);
    }
}

int steal_available(void)
{
    return st.iface != ST_NONE;
}

uint64_t steal_now(int idx)
{
    uint64_t ns = 0;
    switch (st.iface) {
    case ST_KVM:
        if (idx < st.n)
            steal_kvm_read(&st.kvm[idx], &ns, 1000);
        return ns;
    case ST_HYPERV: {
        uint64_t wall = (uint64_t)(clock_seconds(clock_ticks()) * 1e9);
        uint64_t run = msr_read(MSR_HV_VP_RUNTIME) * 100; /* 100 ns units */
        return wall > run ? wall - run : 0;
    }
    case ST_OS:
        plat_os_steal_ns(idx, &ns);
        return ns;
    case ST_VMWARE:
        return vmw_steal_now(idx);
    default:
        return 0;
    }
}

void steal_fini(void)
{
    if (st.iface == ST_VMWARE) {
        vmw_steal_fini();
        st.iface = ST_NONE;
        return;
    }
    if (st.iface == ST_KVM) {
        /* unregister everywhere it was registered; a processor left out since then keeps its
         * registration, and KVM keeps writing into the pages: then they are never freed */
        int n = plat_cpu_count() < st.n ? plat_cpu_count() : st.n;
        int all = n == st.n; /* every processor that registered can still be reached */
        msr_write(MSR_KVM_STEAL_TIME, 0);
        if (n > 1 && plat_run_on_cpus(n, kvm_disable, NULL) != 0)
            all = 0;
        if (all)
            plat_free_pages(st.kvm_mem, st.kvm_bytes);
        st.kvm_mem = NULL;
        st.kvm = NULL;
        st.iface = ST_NONE;
        st.name = "kvm-steal-time (MSR 0x4b564d03, unregistered at the end)";
        st.why[0] = 0;
        st.iface = ST_NONE;
    }
}

void steal_write_json(struct json *j)
{
    json_key(j, "steal");
    json_obj_begin(j);
    if (st.name) {
        json_kv_str(j, "interface", st.name);
        if (st.why[0]) /* why a preferred interface was not used (vmware steal clock) */
            json_kv_str(j, "why", st.why);
    } else {
        json_kv_str(j, "interface", "none");
        json_kv_str(j, "why", st.why);
    }
    json_obj_end(j);
}
