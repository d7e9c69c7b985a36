/* steal.c (aarch64) - stolen time through the SMCCC paravirtualized time interface (Arm DEN0057:
 * PV_TIME_FEATURES, then PV_TIME_ST on each processor gives the address of its record, whose
 * stolen_time counts ns), where the hypervisor offers it; in the Linux program the OS's own
 * account (/proc/stat); otherwise the document says why. */
#include "kernel/aarch64/smccc.h"
#include "kernel/machine/cpus_left.h"
#include "kernel/machine/steal.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"
#include "arch/platform.h"

#include <string.h>

/* The stolen-time record (DEN0057 table 2): revision, attributes, stolen ns, little-endian. */
struct pv_time_record {
    uint32_t revision, attributes;
    uint64_t stolen_time;
};

static struct {
    const char *name;
    char why[192];
    volatile struct pv_time_record **rec; /* by run index */
    int n;
    int os;                               /* the OS's account (plat_os_steal_ns) */
} st;

static void locate(void *arg, int cpu)
{
    (void)arg;
    uint64_t r[4];
    if (plat_smccc(SMCCC_PV_TIME_ST, 0, 0, 0, r) == 0 && (int64_t)r[0] > 0)
        st.rec[cpu] = (volatile struct pv_time_record *)(uintptr_t)r[0];
}

void steal_init(const struct cpu_info *c, int n)
{
    (void)c;
    memset(&st, 0, sizeof st);
    const char *why;
    uint64_t r[4], ns;
    if (!plat_ring0()) { /* the Linux program: the OS keeps the account */
        if (plat_os_steal_ns(0, &ns) == 0) {
            st.os = 1;
            st.name = "linux /proc/stat steal (resolution 1/USER_HZ)";
        } else {
            bb_snprintf(st.why, sizeof st.why, "the OS offers no per-processor steal account");
        }
        return;
    }
    if (plat_smccc_conduit(&why) == SMCCC_NONE) {
        bb_snprintf(st.why, sizeof st.why, "no SMCCC conduit (%s)", why ? why : "?");
        return;
    }
    if (plat_smccc(SMCCC_VERSION, 0, 0, 0, r) != 0 || (int32_t)r[0] < 0x10001 ||
        plat_smccc(SMCCC_PV_TIME_FEATURES, SMCCC_PV_TIME_ST, 0, 0, r) != 0 || (int32_t)r[0] != 0) {
        bb_snprintf(st.why, sizeof st.why, "SMCCC PV_TIME stolen time not offered");
        return;
    }
    st.rec = plat_alloc((size_t)(n > 0 ? n : 1) * sizeof *st.rec);
    if (!st.rec) {
        bb_snprintf(st.why, sizeof st.why, "out of memory");
        return;
    }
    memset(st.rec, 0, (size_t)(n > 0 ? n : 1) * sizeof *st.rec);
    int ran = n;
    if (cpus_run(&ran, locate, NULL) != 0 || ran < n) {
        bb_snprintf(st.why, sizeof st.why, "PV_TIME_ST could not be asked on every processor");
        return;
    }
    for (int i = 0; i < n; i++)
        if (!st.rec[i]) {
            bb_snprintf(st.why, sizeof st.why, "PV_TIME_ST gave no record for run index %d", i);
            return;
        }
    st.n = n;
    st.name = "smccc-pv-time";
}

int steal_available(void) { return st.name != NULL; }

uint64_t steal_now(int idx)
{
    uint64_t ns = 0;
    if (st.os) {
        plat_os_steal_ns(idx, &ns);
        return ns;
    }
    if (!st.name || idx < 0 || idx >= st.n)
        return 0;
    return st.rec[idx]->stolen_time;
}

/* the records are the hypervisor's: nothing was registered, nothing to undo */
void steal_fini(void) {}

void steal_write_json(struct json *j)
{
    json_key(j, "steal");
    json_obj_begin(j);
    json_kv_str(j, "interface", st.name ? st.name : "none");
    if (!st.name)
        json_kv_str(j, "why", st.why);
    json_obj_end(j);
}
