/* power.h - the frequency policy the firmware left (Intel turbo/HWP/PERF_CTL, AMD boost/
 * P-state/CPPC), decoded from MSRs read trap-safely, and pstate=max: decide, apply, restore. */
#ifndef BB_POWER_H
#define BB_POWER_H

#include <stdint.h>

struct json;
struct cpu_info;

/* Registers read, by position in power_raw.regs. */
enum power_reg {
    PR_MISC_ENABLE, PR_PLATFORM_INFO, PR_TURBO_RATIO, PR_PERF_STATUS, PR_PERF_CTL, PR_PM_ENABLE,
    PR_HWP_CAP, PR_HWP_REQ,                                        /* Intel */
    PR_HWCR, PR_PSTATE_LIMIT, PR_PSTATE_CTL, PR_PSTATE_STATUS, PR_CPPC_ENABLE, PR_CPPC_CAP1,
    PR_CPPC_REQ,                                                   /* AMD */
    PR_COUNT
};

struct power_reg_value {
    int rc;       /* 0 read; otherwise msr_try_read's code (13 #GP, -2 not ring 0, 1 not asked) */
    uint64_t v;
};

struct power_raw {
    int amd, intel;               /* vendor */
    int hwp_supported;            /* CPUID.06H:EAX[7] */
    int cppc_supported;           /* CPUID.80000008H:EBX[27] */
    int hypervisor;               /* CPUID.1:ECX[31] */
    const char *hv_name;          /* "kvm", "tcg", ... for the refusal message */
    int ring0;
    struct power_reg_value regs[PR_COUNT];
};

/* Decoded policy; -1 = unknown (register unreadable). */
struct power_policy {
    int turbo_disabled;           /* Intel MISC_ENABLE[38] / AMD HWCR[25] CpbDis */
    int hwp_enabled;              /* IA32_PM_ENABLE[0] */
    int hwp_highest, hwp_guaranteed, hwp_efficient, hwp_lowest;
    int hwp_min, hwp_max, hwp_desired, hwp_epp;
    int perf_status_ratio, perf_ctl_ratio, max_nonturbo_ratio, max_turbo_ratio;
    int pstate_current, pstate_limit, pstate_max_value, pstate_requested; /* AMD */
    int cppc_enabled;
    int cppc_highest, cppc_nominal, cppc_lowest_nonlinear, cppc_lowest;
    int cppc_min, cppc_max, cppc_desired, cppc_epp;
};

/** Register number and name of each enum power_reg. */
uint32_t power_reg_msr(enum power_reg r);
const char *power_reg_name(enum power_reg r);
/** Decode raw register values (pure: used on recorded values by the unit tests). */
void power_decode(const struct power_raw *raw, struct power_policy *p);

/* What pstate=max will do. */
struct power_plan {
    int refused;
    char why[160];                /* reason when refused, else what is written */
    int nwrites;
    struct { enum power_reg reg; uint64_t mask, bits; } w[3]; /* new = (old & ~mask) | bits */
};

/** Decide pstate=max from the raw values and their decoding (pure). */
void power_plan_max(const struct power_raw *raw, const struct power_policy *p,
                    struct power_plan *plan);

/** Read every register on processor 0 (trap-safe), decode, keep for the document. */
void power_collect(const struct cpu_info *c);
/** pstate=max: plan and write on every processor (whatever cpus= selected), remembering each
 *  one's old values.  `asked` 0 = keep (only records). */
void power_apply(int asked);
/** 1 when power_apply wrote the frequency policy (pstate=max, not refused). */
int power_written(void);
/** Put back what power_apply changed, on every processor it changed. */
void power_restore(void);
/** Writes "power" into the open env object. */
void power_write_json(struct json *j);

#endif
