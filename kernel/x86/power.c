/* power.c - frequency policy MSRs (see power.h): read trap-safely on processor 0, decoded by
 * pure functions; pstate=max writes only on bare metal, never enables HWP, and restores. */
#include "kernel/machine/power.h"
#include "kernel/lib/fmt.h"
#include "kernel/lib/json.h"
#include "kernel/platform.h"
#include "kernel/machine/topology.h"
#include "kernel/x86/cpu.h"
#include "kernel/x86/msr.h"

#include <stddef.h>
#include <string.h>

static const struct {
    uint32_t msr;
    const char *name;
    int amd; /* 0 Intel, 1 AMD */
} regs[PR_COUNT] = {
    [PR_MISC_ENABLE] = {0x1a0, "IA32_MISC_ENABLE", 0},
    [PR_PLATFORM_INFO] = {0xce, "MSR_PLATFORM_INFO", 0},
    [PR_TURBO_RATIO] = {0x1ad, "MSR_TURBO_RATIO_LIMIT", 0},
    [PR_PERF_STATUS] = {0x198, "IA32_PERF_STATUS", 0},
    [PR_PERF_CTL] = {0x199, "IA32_PERF_CTL", 0},
    [PR_PM_ENABLE] = {0x770, "IA32_PM_ENABLE", 0},
    [PR_HWP_CAP] = {0x771, "IA32_HWP_CAPABILITIES", 0},
    [PR_HWP_REQ] = {0x774, "IA32_HWP_REQUEST", 0},
    [PR_HWCR] = {0xc0010015, "HWCR", 1},
    [PR_PSTATE_LIMIT] = {0xc0010061, "PStateCurLim", 1},
    [PR_PSTATE_CTL] = {0xc0010062, "PStateCtl", 1},
    [PR_PSTATE_STATUS] = {0xc0010063, "PStateStat", 1},
    [PR_CPPC_ENABLE] = {0xc00102b1, "CPPC_ENABLE", 1},
    [PR_CPPC_CAP1] = {0xc00102b0, "CPPC_CAPABILITY_1", 1},
    [PR_CPPC_REQ] = {0xc00102b3, "CPPC_REQUEST", 1},
};

uint32_t power_reg_msr(enum power_reg r) { return regs[r].msr; }
const char *power_reg_name(enum power_reg r) { return regs[r].name; }

static int ok(const struct power_raw *raw, enum power_reg r) { return raw->regs[r].rc == 0; }

/* Bits [lo+width-1 : lo] of register r, or -1 when it was not read. */
static int field(const struct power_raw *raw, enum power_reg r, int lo, int width)
{
    if (!ok(raw, r))
        return -1;
    return (int)((raw->regs[r].v >> lo) & ((1ull << width) - 1));
}

/* One decoded member of struct power_policy, in the order the document lists them. */
enum field_kind {
    F_ENABLE, /* the vendor's HWP/CPPC switch: 0 when CPUID says unsupported; written as a bool */
    F_VALUE,  /* a number; F_VALUE fields marked gated are decoded only when that switch is 1 */
};
#define AT(m) offsetof(struct power_policy, m)
static const struct policy_field {
    const char *json;
    size_t at;           /* offset of the int member */
    enum field_kind kind;
    int amd;             /* 0: decoded on Intel, 1: on AMD */
    int gated;           /* needs hwp_enabled (Intel) / cppc_enabled (AMD) == 1 */
    enum power_reg reg;
    int lo, width;
} fields[] = {
    {"hwp_enabled", AT(hwp_enabled), F_ENABLE, 0, 0, PR_PM_ENABLE, 0, 1},
    {"hwp_highest", AT(hwp_highest), F_VALUE, 0, 1, PR_HWP_CAP, 0, 8},
    {"hwp_guaranteed", AT(hwp_guaranteed), F_VALUE, 0, 1, PR_HWP_CAP, 8, 8},
    {"hwp_efficient", AT(hwp_efficient), F_VALUE, 0, 1, PR_HWP_CAP, 16, 8},
    {"hwp_lowest", AT(hwp_lowest), F_VALUE, 0, 1, PR_HWP_CAP, 24, 8},
    {"hwp_request_min", AT(hwp_min), F_VALUE, 0, 1, PR_HWP_REQ, 0, 8},
    {"hwp_request_max", AT(hwp_max), F_VALUE, 0, 1, PR_HWP_REQ, 8, 8},
    {"hwp_request_desired", AT(hwp_desired), F_VALUE, 0, 1, PR_HWP_REQ, 16, 8},
    {"hwp_request_epp", AT(hwp_epp), F_VALUE, 0, 1, PR_HWP_REQ, 24, 8},
    {"perf_status_ratio", AT(perf_status_ratio), F_VALUE, 0, 0, PR_PERF_STATUS, 8, 8},
    {"perf_ctl_ratio", AT(perf_ctl_ratio), F_VALUE, 0, 0, PR_PERF_CTL, 8, 8},
    {"max_nonturbo_ratio", AT(max_nonturbo_ratio), F_VALUE, 0, 0, PR_PLATFORM_INFO, 8, 8},
    {"max_turbo_ratio_1core", AT(max_turbo_ratio), F_VALUE, 0, 0, PR_TURBO_RATIO, 0, 8},
    {"pstate_current", AT(pstate_current), F_VALUE, 1, 0, PR_PSTATE_STATUS, 0, 3},
    {"pstate_limit", AT(pstate_limit), F_VALUE, 1, 0, PR_PSTATE_LIMIT, 0, 3},
    {"pstate_max_value", AT(pstate_max_value), F_VALUE, 1, 0, PR_PSTATE_LIMIT, 4, 3},
    {"pstate_requested", AT(pstate_requested), F_VALUE, 1, 0, PR_PSTATE_CTL, 0, 3},
    {"cppc_enabled", AT(cppc_enabled), F_ENABLE, 1, 0, PR_CPPC_ENABLE, 0, 1},
    {"cppc_highest", AT(cppc_highest), F_VALUE, 1, 1, PR_CPPC_CAP1, 24, 8},
    {"cppc_nominal", AT(cppc_nominal), F_VALUE, 1, 1, PR_CPPC_CAP1, 16, 8},
    {"cppc_lowest_nonlinear", AT(cppc_lowest_nonlinear), F_VALUE, 1, 1, PR_CPPC_CAP1, 8, 8},
    {"cppc_lowest", AT(cppc_lowest), F_VALUE, 1, 1, PR_CPPC_CAP1, 0, 8},
    {"cppc_request_min", AT(cppc_min), F_VALUE, 1, 1, PR_CPPC_REQ, 8, 8},
    {"cppc_request_max", AT(cppc_max), F_VALUE, 1, 1, PR_CPPC_REQ, 0, 8},
    {"cppc_request_desired", AT(cppc_desired), F_VALUE, 1, 1, PR_CPPC_REQ, 16, 8},
    {"cppc_request_epp", AT(cppc_epp), F_VALUE, 1, 1, PR_CPPC_REQ, 24, 8},
};
#undef AT

static int *member(struct power_policy *p, const struct policy_field *f)
{
    return (int *)((char *)p + f->at);
}

static int member_of(const struct power_policy *p, const struct policy_field *f)
{
    return *(const int *)((const char *)p + f->at);
}

void power_decode(const struct power_raw *raw, struct power_policy *p)
{
    memset(p, 0xff, sizeof *p); /* every member -1 */
    if (raw->intel)
        p->turbo_disabled = field(raw, PR_MISC_ENABLE, 38, 1);
    if (raw->amd)
        p->turbo_disabled = field(raw, PR_HWCR, 25, 1);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const struct policy_field *f = &fields[i];
        if (!(f->amd ? raw->amd : raw->intel))
            continue;
        if (f->kind == F_ENABLE && !(f->amd ? raw->cppc_supported : raw->hwp_supported)) {
            *member(p, f) = 0;
            continue;
        }
        if (f->gated && (f->amd ? p->cppc_enabled : p->hwp_enabled) != 1)
            continue;
        *member(p, f) = field(raw, f->reg, f->lo, f->width);
    }
}

static void refuse(struct power_plan *plan, const char *fmt, const char *arg)
{
    plan->refused = 1;
    plan->nwrites = 0;
    bb_snprintf(plan->why, sizeof plan->why, fmt, arg);
}

/* Each write keeps a register's other bits: new = (old & ~mask) | bits. */
static void add(struct power_plan *plan, enum power_reg r, uint64_t mask, uint64_t bits)
{
    plan->w[plan->nwrites].reg = r;
    plan->w[plan->nwrites].mask = mask;
    plan->w[plan->nwrites++].bits = bits;
}

void power_plan_max(const struct power_raw *raw, const struct power_policy *p,
                    struct power_plan *plan)
{
    memset(plan, 0, sizeof *plan);
    if (!raw->ring0)
        return refuse(plan, "%s", "not ring 0 (Linux build): the OS's cpufreq governor decides");
    if (raw->hypervisor)
        return refuse(plan, "under a hypervisor (%s): the host decides the frequency",
                      raw->hv_name ? raw->hv_name : "unknown");
    if (raw->intel && p->hwp_enabled == 1) {
        if (p->hwp_highest < 0 || !ok(raw, PR_HWP_REQ))
            return refuse(plan, "%s", "HWP enabled but its capabilities or request are unreadable");
        uint64_t h = (uint64_t)p->hwp_highest;
        add(plan, PR_HWP_REQ, 0xffffffffull, h | h << 8); /* min = max = highest, auto, EPP 0 */
        bb_snprintf(plan->why, sizeof plan->why,
                    "HWP_REQUEST min = max = %d (highest), desired 0, EPP 0 (HWP left as the firmware set it)",
                    p->hwp_highest);
        return;
    }
    if (raw->intel) {
        int ratio = p->turbo_disabled == 0 && p->max_turbo_ratio > 0 ? p->max_turbo_ratio
                                                                     : p->max_nonturbo_ratio;
        if (ratio <= 0 || !ok(raw, PR_PERF_CTL))
            return refuse(plan, "%s", "highest ratio unknown (PLATFORM_INFO or PERF_CTL unreadable)");
        add(plan, PR_PERF_CTL, 0xff00ull, (uint64_t)ratio << 8);
        bb_snprintf(plan->why, sizeof plan->why, "PERF_CTL ratio %d (%s), HWP not enabled and not enabled by us",
                    ratio, ratio == p->max_turbo_ratio && p->turbo_disabled == 0 ? "1-core turbo"
                                                                                : "max non-turbo");
        return;
    }
    if (raw->amd) {
        if (p->pstate_limit < 0 || !ok(raw, PR_PSTATE_CTL))
            return refuse(plan, "%s", "P-state limit or control unreadable");
        add(plan, PR_PSTATE_CTL, 0x7ull, (uint64_t)p->pstate_limit);
        int cppc = p->cppc_enabled == 1 && p->cppc_highest > 0 && ok(raw, PR_CPPC_REQ);
        if (cppc) {
            uint64_t h = (uint64_t)p->cppc_highest;
            add(plan, PR_CPPC_REQ, 0xffffffffull, h | h << 8);
        }
        bb_snprintf(plan->why, sizeof plan->why, "P-state %d (highest allowed)%s", p->pstate_limit,
                    cppc ? "; CPPC_REQUEST min = max = highest, EPP 0" : "");
        return;
    }
    refuse(plan, "%s", "neither an Intel nor an AMD processor");
}

/* ---- the live machine ---- */

static struct {
    int collected;
    struct power_raw raw;
    struct power_policy pol;
    int asked;                /* PSTATE_KEEP / PSTATE_MAX */
    struct power_plan plan;
    int applied, restored, n;
    char apply_why[96];
    uint64_t *old;            /* n x nwrites values before the write */
} pw;

void power_collect(const struct cpu_info *c)
{
    struct power_raw *raw = &pw.raw;
    memset(raw, 0, sizeof *raw);
    raw->intel = !strcmp(c->vendor, "GenuineIntel");
    raw->amd = !strcmp(c->vendor, "AuthenticAMD") || !strcmp(c->vendor, "HygonGenuine");
    raw->hypervisor = c->hypervisor;
    raw->hv_name = c->hv_name;
    raw->ring0 = plat_ring0();
    struct cpuid_regs r = {0};
    if (c->max_leaf >= 6)
        cpuid_native(6, 0, &r);
    raw->hwp_supported = (r.eax >> 7) & 1;
    r.ebx = 0;
    if (c->max_ext_leaf >= 0x80000008)
        cpuid_native(0x80000008, 0, &r);
    raw->cppc_supported = (r.ebx >> 27) & 1;
    int traps = raw->ring0 && plat_trap_begin() == 0;
    for (int i = 0; i < PR_COUNT; i++) {
        struct power_reg_value *v = &raw->regs[i];
        v->rc = 1; /* not asked */
        if ((regs[i].amd && !raw->amd) || (!regs[i].amd && !raw->intel))
            continue;
        if ((i == PR_HWP_CAP || i == PR_HWP_REQ || i == PR_PM_ENABLE) && !raw->hwp_supported)
            continue;
        if ((i == PR_CPPC_ENABLE || i == PR_CPPC_CAP1 || i == PR_CPPC_REQ) && !raw->cppc_supported)
            continue;
        v->rc = !raw->ring0 ? -2 : traps ? msr_try_read(regs[i].msr, &v->v) : -1;
    }
    if (traps)
        plat_trap_end();
    power_decode(raw, &pw.pol);
    pw.collected = 1;
}

struct apply_arg {
    int restore;
};

static void apply_on(void *vp, int cpu);

/* Run apply_on on every processor (not only the cpus= selection), each by its platform
 * number, so the restore writes each processor's own old values back. */
static int on_every_processor(struct apply_arg *a)
{
    int n = pw.n;
    int *all = plat_alloc((size_t)n * sizeof *all);
    if (!all)
        return -1;
    for (int i = 0; i < n; i++)
        all[i] = i;
    plat_cpu_select(all, n);
    int rc = plat_run_on_cpus(n, apply_on, a);
    plat_cpu_select(g_topo.sel, g_topo.nsel);
    plat_free(all);
    return rc;
}

static void apply_on(void *vp, int cpu)
{
    const struct apply_arg *a = vp;
    uint64_t *old = &pw.old[(size_t)cpu * 3];
    if (a->restore) {
        for (int k = pw.plan.nwrites - 1; k >= 0; k--)
            msr_write(regs[pw.plan.w[k].reg].msr, old[k]);
        return;
    }
    for (int k = 0; k < pw.plan.nwrites; k++) {
        uint32_t msr = regs[pw.plan.w[k].reg].msr;
        old[k] = msr_read(msr);
        msr_write(msr, (old[k] & ~pw.plan.w[k].mask) | pw.plan.w[k].bits);
    }
}

void power_apply(int asked)
{
    int n = plat_cpu_count();
    pw.asked = asked;
    if (!asked || !pw.collected)
        return;
    power_plan_max(&pw.raw, &pw.pol, &pw.plan);
    if (pw.plan.refused)
        return;
    pw.old = plat_alloc((size_t)(n > 0 ? n : 1) * 3 * sizeof(uint64_t));
    if (!pw.old) {
        bb_snprintf(pw.apply_why, sizeof pw.apply_why, "out of memory for the old values");
        return;
    }
    /* first on processor 0, trap-safe: a refused write stops here */
    int traps = plat_trap_begin(), rc = traps;
    for (int k = 0; rc == 0 && k < pw.plan.nwrites; k++) {
        uint32_t msr = regs[pw.plan.w[k].reg].msr;
        uint64_t cur = 0;
        rc = msr_try_read(msr, &cur);
        if (rc == 0)
            rc = msr_try_write(msr, (cur & ~pw.plan.w[k].mask) | pw.plan.w[k].bits);
        if (rc == 0)
            rc = msr_try_write(msr, cur); /* probe only: the real write follows on all */
    }
    if (traps == 0)
        plat_trap_end();
    if (rc != 0) {
        bb_snprintf(pw.apply_why, sizeof pw.apply_why, "write refused on processor 0: %s", msr_why(rc));
        return;
    }
    struct apply_arg a = {0};
    pw.n = n;
    if (on_every_processor(&a) != 0) {
        bb_snprintf(pw.apply_why, sizeof pw.apply_why, "could not run on %d processors", n);
        return;
    }
    pw.applied = 1;
}

int power_written(void) { return pw.applied; }

void power_restore(void)
{
    if (!pw.applied || pw.restored)
        return;
    struct apply_arg a = {1};
    if (on_every_processor(&a) == 0)
        pw.restored = 1;
}

static void kv_policy(struct json *j, const char *k, int v)
{
    if (v >= 0)
        json_kv_int(j, k, v);
}

void power_write_json(struct json *j)
{
    const struct power_policy *p = &pw.pol;
    json_key(j, "power");
    json_obj_begin(j);
    json_kv_str(j, "vendor", pw.raw.intel ? "intel" : pw.raw.amd ? "amd" : "other");
    json_kv_bool(j, "hwp_supported", pw.raw.hwp_supported);
    json_kv_bool(j, "cppc_supported", pw.raw.cppc_supported);
    json_key(j, "registers");
    json_obj_begin(j);
    for (int i = 0; i < PR_COUNT; i++) {
        const struct power_reg_value *v = &pw.raw.regs[i];
        if (v->rc == 1)
            continue;
        char buf[24];
        json_key(j, regs[i].name);
        json_obj_begin(j);
        bb_snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)regs[i].msr);
        json_kv_str(j, "msr", buf);
        if (v->rc == 0) {
            bb_snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)v->v);
            json_kv_str(j, "value", buf);
        } else {
            json_kv_str(j, "unreadable", msr_why(v->rc));
        }
        json_obj_end(j);
    }
    json_obj_end(j);
    json_key(j, "policy");
    json_obj_begin(j);
    if (p->turbo_disabled >= 0)
        json_kv_bool(j, "turbo_enabled", !p->turbo_disabled);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        const struct policy_field *f = &fields[i];
        int v = member_of(p, f);
        if (f->kind == F_VALUE)
            kv_policy(j, f->json, v);
        else if ((f->amd ? pw.raw.amd : pw.raw.intel) && v >= 0)
            json_kv_bool(j, f->json, v);
    }
    json_obj_end(j);
    json_key(j, "pstate");
    json_obj_begin(j);
    json_kv_str(j, "asked", pw.asked ? "max" : "keep");
    if (pw.asked) {
        json_kv_bool(j, "refused", pw.plan.refused);
        json_kv_str(j, pw.plan.refused ? "why" : "plan", pw.plan.why);
        json_kv_bool(j, "written", pw.applied);
        if (!pw.plan.refused && !pw.applied)
            json_kv_str(j, "not_written_because", pw.apply_why);
        json_key(j, "writes");
        json_arr_begin(j);
        for (int k = 0; pw.applied && k < pw.plan.nwrites; k++) {
            char buf[24];
            json_obj_begin(j);
            json_kv_str(j, "register", regs[pw.plan.w[k].reg].name);
            bb_snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)pw.plan.w[k].bits);
            json_kv_str(j, "bits", buf);
            bb_snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)pw.plan.w[k].mask);
            json_kv_str(j, "mask", buf);
            json_obj_end(j);
        }
        json_arr_end(j);
        if (pw.applied) {
            json_kv_int(j, "processors", pw.n);
            json_kv_bool(j, "restored", pw.restored);
        }
    }
    json_obj_end(j);
    json_obj_end(j);
}
